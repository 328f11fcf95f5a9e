// motcua — small enhancements only; every page works without this file.
(function () {
  "use strict";

  // "/" jumps to the search box (unless typing in a field already).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var search = document.getElementById("search");
    if (search) {
      event.preventDefault();
      search.focus();
      search.select();
    }
  });

  // Buttons with data-confirm ask before submitting.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // Print buttons on receipts and letters.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) window.print();
  });

  // The auditor's replay slider: show which event is chosen, load it when let go.
  document.querySelectorAll("input[data-replay]").forEach(function (slider) {
    var form = slider.form;
    var labels = form.querySelectorAll(".replay-labels li");
    var seq = document.getElementById("replay-seq");
    var label = document.getElementById("replay-label");
    slider.addEventListener("input", function () {
      seq.textContent = slider.value;
      var item = labels[Number(slider.value) - 1];
      if (item) label.textContent = item.textContent;
    });
    slider.addEventListener("change", function () { form.submit(); });
  });

  // Focus the first field that has an error, so keyboard users land on it.
  var invalid = document.querySelector("[aria-invalid='true']");
  if (invalid) invalid.focus();
})();
