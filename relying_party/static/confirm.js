// Destructive forms (data-asks-first) show their confirmation in a dialog on this page. Without
// this script the same confirmation is a page of its own: the form posts without "confirmed",
// the server answers with the page that says what will happen, and only its form acts. Here the
// script posts the same way, shows that page's confirmation in a <dialog>, and Cancel closes it.
// Anything unexpected (an error page, no network): the form is sent as if there were no script.
(function () {
  "use strict";
  var dialog = null;

  function close() { if (dialog) { dialog.close(); } }

  function show(section) {
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.id = "confirm-dialog";
      dialog.className = "confirm-dialog";
      dialog.setAttribute("aria-labelledby", "confirm-title");
      document.body.appendChild(dialog);
    }
    dialog.replaceChildren(section);
    var cancel = section.querySelector("#cancel-revoke");
    if (cancel) {
      cancel.addEventListener("click", function (event) { event.preventDefault(); close(); });
    }
    dialog.showModal();
    if (cancel) { cancel.focus(); }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-asks-first]") || typeof HTMLDialogElement === "undefined") {
      return;
    }
    event.preventDefault();
    var body = new URLSearchParams(new FormData(form));
    fetch(form.action, { method: "POST", body: body, headers: { Accept: "text/html" },
                         credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var section = page.querySelector("#confirm-revoke");
        if (!section) { throw new Error("no confirmation"); }
        show(document.importNode(section, true));
      })
      .catch(function () { form.removeAttribute("data-asks-first"); form.submit(); });
  });
})();
