// Checklists with a filter box (components/picker.html, minka.core.widgets.CheckboxPicker).
// Without JavaScript the box stays hidden and every option is listed; this shows the box and
// hides the options whose label does not contain what is typed (accent- and case-blind).
// Ticked options always stay visible, so nothing chosen disappears from view.
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

  function setUp(root) {
    root.querySelectorAll("[data-picker]").forEach(function (picker) {
      var filter = picker.querySelector(".picker-filter");
      if (filter) { filter.hidden = false; }
    });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("picker-filter-input")) { return; }
    apply(input.closest("[data-picker]"));
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
