// Checklists with a filter box (components/picker.html, minka.core.widgets.CheckboxPicker).
// Without JavaScript the box stays hidden and every option is listed; this shows the box and
// hides the options whose label does not contain what is typed (accent- and case-blind).
// Ticked options always stay visible, so nothing chosen disappears from view.
// A search picker (components/search_picker.html, SearchPicker) lists only what is ticked:
// its box asks the server (data-picker-search) for matching options instead, and the
// "add by name" box, the way to add people without JavaScript, is hidden.
(function () {
  "use strict";
  if (window.minkaPicker) { return; }
  window.minkaPicker = true;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function apply(picker) {
    var input = picker.querySelector(".picker-filter-input");
    var count = picker.querySelector(".picker-count");
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var options = picker.querySelectorAll(".picker-option");
    var shown = 0;
    options.forEach(function (option) {
      var label = fold(option.textContent);
      var box = option.querySelector("input");
      var match = words.every(function (w) { return label.indexOf(w) !== -1; });
      option.hidden = !(match || (box && box.checked));
      if (!option.hidden) { shown += 1; }
    });
    if (count) {
      count.textContent = words.length ? count.dataset.template
        .replace("{shown}", String(shown)).replace("{total}", String(options.length)) : "";
    }
  }

  var timers = new WeakMap();

  // Replace the unticked options with the server's matches for what is typed.
  function search(picker) {
    var input = picker.querySelector(".picker-filter-input");
    var count = picker.querySelector(".picker-count");
    var list = picker.querySelector(".picker-options");
    var query = input.value.trim();
    list.querySelectorAll(".picker-option").forEach(function (option) {
      var box = option.querySelector("input");
      if (!box || !box.checked) { option.remove(); }
    });
    if (query.length < 2) {
      count.textContent = query ? count.dataset.short : "";
      return;
    }
    var url = picker.dataset.pickerSearch + "?" + new URLSearchParams({
      q: query, field: picker.dataset.pickerName, id: list.id
    }).toString();
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (input.value.trim() !== query) { return; }  // a newer search is on its way
        var found = document.createElement("template");
        found.innerHTML = html;
        var ticked = {};
        list.querySelectorAll("input:checked").forEach(function (box) { ticked[box.value] = true; });
        var added = 0;
        found.content.querySelectorAll(".picker-option").forEach(function (option) {
          var box = option.querySelector("input");
          if (box && !ticked[box.value]) { list.appendChild(option); added += 1; }
        });
        count.textContent = added ? "" : count.dataset.none;
      })
      .catch(function () { count.textContent = ""; });
  }

  function setUp(root) {
    root.querySelectorAll("[data-picker]").forEach(function (picker) {
      var filter = picker.querySelector(".picker-filter");
      if (filter) { filter.hidden = false; }
      var names = picker.querySelector("[data-picker-names]");
      if (names && !names.querySelector("textarea").value) { names.hidden = true; }
    });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("picker-filter-input")) { return; }
    var picker = input.closest("[data-picker]");
    if (!picker.dataset.pickerSearch) { apply(picker); return; }
    clearTimeout(timers.get(picker));
    timers.set(picker, setTimeout(function () { search(picker); }, 250));
  });
  // Enter in the filter box must not submit the form.
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key === "Enter" && input.classList && input.classList.contains("picker-filter-input")) {
      event.preventDefault();
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) { setUp(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  } else {
    setUp(document);
  }
})();
