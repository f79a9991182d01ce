// Upload progress for forms sent by htmx (upload.html, version_add.html).
// Without JavaScript the same forms post normally; this only adds a progress bar and
// refuses, before sending, files that the server would refuse for their size or number.
(function () {
  "use strict";
  function human(bytes) { return (bytes / 1048576).toFixed(1) + " MB"; }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("upload-form")) { return; }
    var input = form.querySelector("input[type=file]");
    var error = form.querySelector(".upload-client-error");
    if (!input || !error) { return; }
    var maxBytes = parseInt(input.dataset.maxBytes || "0", 10);
    var maxFiles = parseInt(input.dataset.maxFiles || "1", 10);
    var problems = [];
    if (input.files.length > maxFiles) {
      problems.push(error.dataset.tooMany.replace("{count}", String(maxFiles)));
    }
    for (var i = 0; i < input.files.length; i++) {
      var file = input.files[i];
      if (maxBytes && file.size > maxBytes) {
        problems.push(error.dataset.tooLarge.replace("{name}", file.name).replace("{size}", human(maxBytes)));
      }
      if (file.size === 0) { problems.push(error.dataset.empty.replace("{name}", file.name)); }
    }
    if (problems.length) {
      error.textContent = problems.join(" · ");
      error.hidden = false;
      event.preventDefault();
      event.stopImmediatePropagation();
    } else {
      error.hidden = true;
    }
  }, true);

  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("upload-form")) { return; }
    var box = form.querySelector(".upload-progress");
    var bar = form.querySelector(".upload-progress progress");
    var text = form.querySelector("[data-progress-text]");
    if (!box || !bar || !event.detail.lengthComputable) { return; }
    box.hidden = false;
    var percent = Math.round((event.detail.loaded / event.detail.total) * 100);
    bar.value = percent;
    if (text) { text.textContent = percent + "% · " + human(event.detail.loaded) + " / " + human(event.detail.total); }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("upload-form")) {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = true; }
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("upload-form")) {
      var button = form.querySelector("button[type=submit]");
      if (button) { button.disabled = false; }
    }
  });
}());
