// Copy buttons of the /cicd page: copy the text of the <code> element named by data-copy.
(function () {
  "use strict";

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (error) { done = false; }
    document.body.removeChild(area);
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function flash(button, label, state) {
    button.textContent = label;
    button.dataset.state = state;
    window.setTimeout(function () {
      button.textContent = "Copy";
      delete button.dataset.state;
    }, 1800);
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.getElementById(button.dataset.copy);
      if (!source) { return; }
      copy(source.textContent).then(
        function () { flash(button, "Copied", "ok"); },
        function () { flash(button, "Select and copy", "bad"); }
      );
    });
  });
})();
