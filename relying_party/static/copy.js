// Copy buttons: <button class="copy-button" data-copy="ID"> copies the text of the element ID
// and says so in the element its aria-describedby names. Without the Clipboard API (an insecure
// origin), the text is selected for the user to copy.
(function () {
  "use strict";
  function select(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }
  function say(button, words) {
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    if (status) { status.textContent = words; }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".copy-button") : null;
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = source.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        say(button, "Copied.");
      }, function () {
        select(source);
        say(button, "Selected: press Ctrl+C (⌘C) to copy.");
      });
    } else {
      select(source);
      say(button, "Selected: press Ctrl+C (⌘C) to copy.");
    }
  });
}());
