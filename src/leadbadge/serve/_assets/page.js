// The verification page without a page reload: drop a file to check it, and the result is put
// into the live region so screen readers announce it. Without this script the form posts and
// the server answers with the same page; nothing here is needed for a verdict.
"use strict";
(function () {
  var form = document.getElementById("verify-form");
  var result = document.getElementById("result");
  if (!form || !result || !window.fetch || !window.FormData || !window.DOMParser) {
    return;
  }
  var fileInput = document.getElementById("file");

  function revealPrint() {
    var buttons = document.querySelectorAll("[data-print]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () { window.print(); });
    }
  }

  function say(text) {
    var p = document.createElement("p");
    p.className = "verdict verdict-refused";
    p.textContent = text;
    result.replaceChildren(p);
  }

  function submit() {
    var body = new FormData(form);
    say("Checking…");
    fetch(form.action, { method: "POST", body: body, headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var answer = new DOMParser().parseFromString(html, "text/html");
        var found = answer.getElementById("result");
        if (!found) {
          say("The server's answer could not be read; try again.");
          return;
        }
        result.replaceChildren.apply(result, Array.prototype.slice.call(found.childNodes).map(
          function (node) { return document.adoptNode(node); }));
        document.title = answer.title;
        var heading = document.getElementById("form-h");
        var newHeading = answer.getElementById("form-h");
        if (heading && newHeading) { heading.textContent = newHeading.textContent; }
        form.reset();
        revealPrint();
        result.focus();
      })
      .catch(function () { say("The server could not be reached; try again."); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submit();
  });

  var zone = document.querySelector("[data-drop]");
  if (zone && fileInput && window.DataTransfer) {
    var hints = document.querySelectorAll(".js-only");
    for (var i = 0; i < hints.length; i++) { hints[i].hidden = false; }
    ["dragenter", "dragover"].forEach(function (name) {
      document.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      document.addEventListener(name, function (event) {
        event.preventDefault();
        if (name === "dragleave" && event.relatedTarget) { return; }
        zone.classList.remove("dragging");
      });
    });
    document.addEventListener("drop", function (event) {
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || files.length !== 1) {
        if (files && files.length > 1) { say("Drop one file at a time."); }
        return;
      }
      var chosen = new DataTransfer();
      chosen.items.add(files[0]);
      form.reset();
      fileInput.files = chosen.files;
      submit();
    });
  }
  revealPrint();
})();
