// The deploy pages: environment picker, live name check, upload progress, live status and log.
// External file (the CSP forbids inline script); without JavaScript every form still posts.
(function () {
  "use strict";

  var KINDS = { STARTED: "badge-ok", DEPLOY_FAILED: "badge-bad", DELETED: "badge-bad",
                DEPLOYING: "badge-warn", UNDEPLOYING: "badge-warn" };

  function moving(status, update) {
    return status === "DEPLOYING" || status === "UNDEPLOYING" || update === "DEPLOYING";
  }

  function setBadge(el, status, update) {
    if (!el) { return; }
    el.textContent = status + (update === "DEPLOYING" && status !== "DEPLOYING" ? " · updating" : "");
    el.className = "badge status " + (KINDS[status] || "") + (moving(status, update) ? " is-moving" : "");
    el.setAttribute("data-status", status);
  }

  function readable(iso) {
    return iso ? iso.replace("T", " ").replace("Z", " UTC") : "—";
  }

  function getJSON(url, done, failed) {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      var body = null;
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
      if (xhr.status === 200 && body) { done(body); } else if (failed) { failed(xhr.status, body); }
    };
    xhr.onerror = function () { if (failed) { failed(0, null); } };
    xhr.send();
  }

  function formatMB(bytes) { return (bytes / 1048576).toFixed(1) + " MB"; }

  // -- environment picker: choosing is enough ------------------------------------------------
  function initPicker(root) {
    root.querySelectorAll("select.js-autosubmit").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    root.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });
  }

  // -- the applications list refreshes itself while anything is moving ------------------------
  function initList(root) {
    var table = root.querySelector("#applications-table");
    if (!table || table.getAttribute("data-transitional") !== "true") { return; }
    var live = root.querySelector("#applications-live");
    if (live) { live.hidden = false; }
    function poll() {
      getJSON(table.getAttribute("data-poll-url"), function (body) {
        var rows = table.querySelectorAll("tbody tr[data-domain]");
        if (rows.length !== body.applications.length) { window.location.reload(); return; }
        body.applications.forEach(function (app) {
          var row = table.querySelector('tr[data-domain="' + app.domain + '"]');
          if (!row) { window.location.reload(); return; }
          setBadge(row.querySelector(".cell-status .badge"), app.status, app.update_status);
          row.querySelector(".cell-updated").textContent = readable(app.updated);
        });
        if (body.transitional) { window.setTimeout(poll, 2000); } else if (live) { live.hidden = true; }
      }, function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1500);
  }

  // -- live availability check of the application name ---------------------------------------
  function initNameCheck(root) {
    var input = root.querySelector("input[data-check-url]");
    var out = root.querySelector("#name-check");
    if (!input || !out) { return; }
    var timer = null, asked = "";
    function check() {
      var name = input.value.trim();
      if (!name) { out.textContent = ""; out.className = "hint"; return; }
      asked = name;
      out.textContent = "Checking " + name + "…";
      out.className = "hint";
      getJSON(input.getAttribute("data-check-url") + "&name=" + encodeURIComponent(name),
        function (body) {
          if (body.name !== asked) { return; }
          if (body.available === true) {
            out.textContent = "✓ " + name + ".cloudhub.io is available";
            out.className = "hint hint-ok";
          } else {
            out.textContent = body.message || (name + " is not available");
            out.className = body.available === null ? "hint" : "hint hint-bad";
          }
        });
    }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(check, 350);
    });
    if (input.value.trim()) { check(); }
  }

  // -- uploads with a progress bar (XMLHttpRequest upload events) -----------------------------
  // The app passes the file on to Anypoint as it arrives, so the form's fields go first and
  // the file last, whatever the order of the inputs on the page.
  var chosen = {};  // the file chosen in each upload form, put back after the form comes again

  function replaceMain(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("main");
    var main = document.querySelector("main");
    if (!fresh || !main) { document.open(); document.write(html); document.close(); return; }
    main.innerHTML = fresh.innerHTML;
    document.title = doc.title;
    init(main);
    var alert = main.querySelector("[role=alert], .refusal");
    if (alert) { alert.scrollIntoView({ block: "center" }); }
  }

  function keepFile(form, input) {
    var file = chosen[form.id];
    if (!file || input.files.length || !window.DataTransfer) { return; }
    try {
      var transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
    } catch (e) { /* the browser cannot set a file input: the user picks it again */ }
  }

  function formBody(form, input, file) {
    var body = new FormData();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "file" || el.type === "submit") { return; }
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) { return; }
      body.append(el.name, el.value);
    });
    body.append(input.name, file, file.name);
    return body;
  }

  // What is wrong with the file before it is sent (null when nothing): its name, its size, and
  // the first bytes of every JAR (a zip archive starts with "PK\x03\x04").
  function checkFile(file, limit, done) {
    if (!/\.jar$/i.test(file.name)) {
      done(file.name + " is not a JAR: choose the Mule application's .jar file (from target/).");
      return;
    }
    if (file.size === 0) { done(file.name + " is empty."); return; }
    if (limit && file.size > limit) {
      done(file.name + " is " + formatMB(file.size) + ", more than the " + formatMB(limit) +
           " CloudHub accepts, so it was not sent.");
      return;
    }
    if (!file.slice || !window.FileReader) { done(null); return; }
    var reader = new FileReader();
    reader.onload = function () {
      var head = new Uint8Array(reader.result);
      var zip = head.length === 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 3 &&
        head[3] === 4;
      done(zip ? null : file.name + " is not a JAR (zip) archive, so it was not sent.");
    };
    reader.onerror = function () { done(null); };  // the server checks it anyway
    reader.readAsArrayBuffer(file.slice(0, 4));
  }

  function initUploads(root) {
    if (!window.FormData || !window.XMLHttpRequest) { return; }
    root.querySelectorAll("form.js-upload").forEach(function (form) {
      var box = document.getElementById(form.getAttribute("data-progress"));
      var bar = box && box.querySelector("progress");
      var text = box && box.querySelector(".upload-text");
      var button = form.querySelector("button[type=submit]");
      var input = form.querySelector("input[type=file]");
      if (!box || !input) { return; }
      keepFile(form, input);

      function refuse(message) {
        box.hidden = false;
        box.classList.add("is-failed");
        bar.value = 0;
        text.textContent = message;
        input.setAttribute("aria-invalid", "true");
      }

      input.addEventListener("change", function () {
        box.hidden = true;
        input.removeAttribute("aria-invalid");
        if (!input.files.length) { return; }
        chosen[form.id] = input.files[0];
        checkFile(input.files[0], Number(form.getAttribute("data-max-bytes")), function (problem) {
          if (problem) { refuse(problem); }
        });
      });

      form.addEventListener("submit", function (event) {
        if (!input.files.length) { return; }  // let the server explain
        event.preventDefault();
        var file = input.files[0];
        checkFile(file, Number(form.getAttribute("data-max-bytes")), function (problem) {
          if (problem) { refuse(problem); input.focus(); return; }
          send(file);
        });
      });

      function send(file) {
        chosen[form.id] = file;
        form.querySelectorAll(".field-error").forEach(function (el) { el.hidden = true; });
        form.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.action);
        box.hidden = false;
        box.classList.remove("is-failed");
        button.disabled = true;
        bar.value = 0;
        text.textContent = "Uploading " + file.name + "…";
        xhr.upload.onprogress = function (e) {
          if (!e.lengthComputable) { return; }
          var percent = Math.floor(e.loaded * 100 / e.total);
          bar.value = percent;
          text.textContent = "Uploading " + formatMB(e.loaded) + " of " + formatMB(e.total) +
            " (" + percent + "%)";
        };
        xhr.upload.onload = function () {
          bar.value = 100;
          text.textContent = "Uploaded. Anypoint is checking the JAR…";
        };
        xhr.onload = function () {
          if (xhr.status < 300 && xhr.responseURL && xhr.responseURL !== form.action) {
            window.location.assign(xhr.responseURL);
          } else {
            replaceMain(xhr.responseText);
          }
        };
        xhr.onerror = function () {
          box.classList.add("is-failed");
          text.textContent = "The upload was interrupted: the connection closed before an " +
            "answer came. Check your connection and the file size, then try again.";
          button.disabled = false;
        };
        xhr.send(formBody(form, input, file));
      }
    });
  }

  // -- the latest deployment's log on the application's page ---------------------------------
  var refreshLog = function () {};

  function logLine(line) {
    var item = document.createElement("li");
    item.className = "log-line priority-" + String(line.priority).toLowerCase();
    var at = document.createElement("time");
    at.className = "log-at";
    if (line.at) { at.setAttribute("datetime", line.at); }
    at.textContent = line.time;
    var priority = document.createElement("span");
    priority.className = "log-priority";
    priority.textContent = line.priority;
    var message = document.createElement("span");
    message.className = "log-message";
    message.textContent = line.message;
    item.appendChild(at);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(priority);
    item.appendChild(document.createTextNode(" "));
    item.appendChild(message);
    return item;
  }

  function initLog(root) {
    var panel = root.querySelector("#app-log");
    if (!panel) { return; }
    var list = panel.querySelector("#app-log-lines");
    var note = panel.querySelector("#app-log-note");
    var shown = "";
    function render(body) {
      if (!body.deployment) {
        note.textContent = "No deployments yet: CloudHub writes a log from the first deploy or start on.";
        list.hidden = true;
        return;
      }
      var summary = "Deployment of " + readable(body.deployment.created) + ", " + body.deployment.state;
      note.textContent = summary + (body.total > body.shown ? " · the newest " + body.shown +
        " of " + body.total + " lines" : "");
      var key = body.deployment.id + ":" + body.total + ":" + body.shown;
      if (key === shown) { return; }
      shown = key;
      var atEnd = list.scrollTop + list.clientHeight >= list.scrollHeight - 4;
      while (list.firstChild) { list.removeChild(list.firstChild); }
      body.lines.forEach(function (line) { list.appendChild(logLine(line)); });
      if (!body.lines.length) {
        var empty = document.createElement("li");
        empty.className = "log-empty";
        empty.textContent = "No lines yet.";
        list.appendChild(empty);
      }
      list.hidden = false;
      if (atEnd || list.getAttribute("data-scrolled") !== "true") {
        list.scrollTop = list.scrollHeight;
      }
    }
    list.addEventListener("scroll", function () { list.setAttribute("data-scrolled", "true"); });
    refreshLog = function () {
      getJSON(panel.getAttribute("data-logs-url"), render, function (status, body) {
        note.textContent = (body && body.error_description) ||
          "The log could not be read just now; open All deployments and their logs to try again.";
      });
    };
    refreshLog();
  }

  // -- one application's status, followed until it settles -----------------------------------
  function initStatus(root) {
    var state = root.querySelector("#app-state");
    if (!state || state.getAttribute("data-transitional") !== "true") { return; }
    var first = state.getAttribute("data-status");
    function poll() {
      getJSON(state.getAttribute("data-status-url"), function (body) {
        setBadge(root.querySelector("#app-status"), body.status, body.update_status);
        var text = root.querySelector("#status-text");
        if (text) { text.textContent = body.status; }
        var updated = root.querySelector("#app-updated");
        if (updated) { updated.textContent = readable(body.updated); }
        var note = root.querySelector("#update-note");
        if (note) {
          note.hidden = !body.update_status;
          note.querySelector("#update-status").textContent = body.update_status || "";
        }
        Object.keys(body.details || {}).forEach(function (key) {  // a redeploy changes the JAR
          var cell = root.querySelector("#app-" + key);
          if (cell) { cell.textContent = body.details[key]; }
        });
        var failure = root.querySelector("#failure-reason");
        if (failure && body.failed && body.reason) {
          failure.querySelector(".reason-text").textContent = body.reason;
          failure.hidden = false;
        }
        refreshLog();
        if (body.transitional) { window.setTimeout(poll, 1000); return; }
        root.querySelector("#app-live").hidden = true;
        if (body.status !== first || body.failed) { window.location.reload(); }
      }, function (status) {
        if (status === 404) {
          setBadge(root.querySelector("#app-status"), "DELETED", null);
          root.querySelector("#app-live").hidden = true;
        } else {
          window.setTimeout(poll, 3000);
        }
      });
    }
    window.setTimeout(poll, 800);
  }

  function init(root) {
    initPicker(root);
    initList(root);
    initNameCheck(root);
    initUploads(root);
    initLog(root);
    initStatus(root);
  }

  init(document);
})();
