/* The branches page's municipality finder: a type-ahead field above the alphabetical list
   municipality → region → branch (the list works without it). Names are compared as
   sitebuild.municipalities.search_key does: no accents, no case, hyphens as spaces. */
(() => {
  "use strict";
  const field = document.querySelector("[data-vnb-finder]");
  if (!field) return;
  const host = field.closest(".vnb-finder");
  let table = host.nextElementSibling;
  if (table && !table.matches("table")) table = table.querySelector("table");
  if (!table || !table.tBodies.length) return;
  const input = field.querySelector("input");
  const status = field.querySelector("[role=status]");
  const key = (text) =>
    text
      .normalize("NFD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .split(/[\s\-–—'’.]+/)
      .join(" ")
      .trim();
  const rows = [...table.tBodies[0].rows].map((row) => ({
    row,
    key: key(row.cells[0].textContent),
  }));

  function filter() {
    const query = key(input.value);
    let count = 0;
    for (const { row, key: name } of rows) {
      const match = name.includes(query);
      row.hidden = !match;
      if (match) count += 1;
    }
    const { one, many, none } = field.dataset;
    status.textContent = !query
      ? ""
      : count === 0
        ? none
        : count === 1
          ? one
          : many.replace("{n}", String(count));
  }

  field.hidden = false;
  input.addEventListener("input", filter);
  // The browser may restore a typed value (back button, autofill).
  if (input.value) filter();
})();
