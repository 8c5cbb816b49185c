// Counts down "expires in" on /access. External file: the CSP forbids inline script.
(function () {
  "use strict";
  var items = document.querySelectorAll(".countdown[data-expires-at]");
  function format(seconds) {
    if (seconds <= 0) { return "expired (the app refreshes it when it next calls Anypoint)"; }
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return (m > 0 ? m + " min " : "") + s + " s";
  }
  function tick() {
    var now = Math.floor(Date.now() / 1000);
    items.forEach(function (el) {
      el.textContent = format(parseInt(el.getAttribute("data-expires-at"), 10) - now);
    });
  }
  if (items.length) { tick(); setInterval(tick, 1000); }
})();
