// A filter over a price book's rows (rates, instance types): a book holds hundreds of
// instance types, so an editor types "m7g" or "lambda.arm64" to see only those rows. Rows
// are hidden, never removed, so every row is still saved. No inline script: the CSP allows
// only files from 'self'.
(function () {
  "use strict";

  // What the row shows: chosen options (not every option of a select), typed values and
  // read-only text.
  function rowText(row) {
    var parts = [];
    row.querySelectorAll("td").forEach(function (cell) {
      var fields = cell.querySelectorAll("input, select");
      if (!fields.length) {
        parts.push(cell.textContent);
        return;
      }
      fields.forEach(function (field) {
        if (field.tagName === "SELECT") {
          var option = field.options[field.selectedIndex];
          parts.push(option ? option.text : "");
        } else if (field.type !== "checkbox" && field.type !== "hidden") {
          parts.push(field.value);
        }
      });
    });
    return parts.join(" ").toLowerCase();
  }

  function addFilter(group) {
    var table = group.querySelector("table");
    if (!table || group.querySelector(".row-filter")) return;
    var label = group.dataset.filterLabel || "Filter rows";
    var box = document.createElement("div");
    box.className = "row-filter";
    var id = (group.closest(".inline-group") || group).id + "-filter";
    box.innerHTML = '<label for="' + id + '"></label><input type="search" id="' + id +
      '" autocomplete="off"><output aria-live="polite"></output>';
    box.querySelector("label").textContent = document.documentElement.lang === "ko"
      ? "행 필터" : label;
    var input = box.querySelector("input");
    var output = box.querySelector("output");
    input.placeholder = document.documentElement.lang === "ko"
      ? "예: lambda.arm64, m7g, arm64" : "e.g. lambda.arm64, m7g, arm64";
    table.parentNode.insertBefore(box, table);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var rows = table.querySelectorAll("tbody tr.form-row:not(.empty-form)");
      var shown = 0;
      rows.forEach(function (row) {
        var text = rowText(row);
        var keep = words.every(function (w) { return text.indexOf(w) !== -1; });
        row.classList.toggle("filtered-out", !keep);
        if (keep) shown += 1;
      });
      output.textContent = words.length ? shown + " / " + rows.length : "";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    // The inline's classes sit on its fieldset.
    document.querySelectorAll("fieldset.price-rows").forEach(addFilter);
  });
})();
