/* Search by name or synonym: exact, then starting with, then containing. */

import { app } from "./app.js";
import { byId, clear, el } from "./dom.js";
import { focusNode } from "./graph.js";
import { recordState } from "./history.js";
import { splitMulti } from "./util.js";

/** Index entries for treatments and conditions: their label and each synonym, lower-cased. */
export function searchIndex(nodes) {
  const out = [];
  nodes.forEach(function (n) {
    if (n.kind === "source") { return; }
    out.push({ key: n.key, text: String(n.label).toLowerCase(), via: null, n: n });
    splitMulti(n.synonyms).forEach(function (syn) { out.push({ key: n.key, text: syn.toLowerCase(), via: syn, n: n }); });
  });
  return out;
}

/** The best 12 nodes for `query`, best first, each once. */
export function searchMatches(index, query) {
  const q = query.trim().toLowerCase();
  if (!q) { return []; }
  const scored = [];
  index.forEach(function (entry) {
    const i = entry.text.indexOf(q);
    if (i < 0) { return; }
    const score = (entry.text === q ? 0 : i === 0 ? 2 : /[\s(\-/]/.test(entry.text.charAt(i - 1)) ? 4 : 6) + (entry.via ? 1 : 0);
    scored.push({ score: score, entry: entry });
  });
  scored.sort(function (a, b) { return a.score - b.score || (a.entry.text < b.entry.text ? -1 : 1); });
  const seen = new Set();
  const out = [];
  scored.forEach(function (s) {
    if (!seen.has(s.entry.key) && out.length < 12) { seen.add(s.entry.key); out.push(s.entry); }
  });
  return out;
}

export function initSearch(nodes) {
  const index = searchIndex(nodes);
  const box = byId("kg-search");
  const results = byId("kg-search-results");
  let active = -1;
  function show() {
    const matches = searchMatches(index, box.value);
    clear(results);
    if (!box.value.trim()) { results.hidden = true; box.setAttribute("aria-expanded", "false"); return; }
    if (!matches.length) { results.appendChild(el("li", { className: "kg-muted" }, "No treatment or condition matches.")); }
    matches.forEach(function (m, i) {
      const kind = m.n.kind === "treatment" ? app.M.info.category.get(m.n.category).label : "Condition";
      const li = el("li", { role: "option", id: "kg-sr-" + i, dataset: { key: m.key }, "aria-selected": "false" },
        el("span", null, m.n.label), el("span", { className: "kg-muted" }, " " + kind + (m.via ? " · also “" + m.via + "”" : "")));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(m.key); });
      results.appendChild(li);
    });
    results.hidden = false;
    box.setAttribute("aria-expanded", "true");
  }
  function choose(key) {
    results.hidden = true;
    box.blur();
    focusNode(key);
  }
  function mark(i) {
    const items = results.querySelectorAll("li[data-key]");
    active = items.length ? (i + items.length) % items.length : -1;
    Array.prototype.forEach.call(items, function (li, j) { li.setAttribute("aria-selected", String(j === active)); });
    if (active >= 0) { box.setAttribute("aria-activedescendant", items[active].id); }
  }
  box.addEventListener("input", function () {
    active = -1;
    show();
    app.state.search = box.value;
    recordState(true);
  });
  box.addEventListener("focus", show);
  box.addEventListener("blur", function () { window.setTimeout(function () { results.hidden = true; }, 100); });
  box.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      ev.preventDefault();
      const m = searchMatches(index, box.value);
      if (m.length) { choose(m[Math.max(0, Math.min(active, m.length - 1))].key); }
    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (results.hidden) { show(); }
      mark(active + (ev.key === "ArrowDown" ? 1 : -1));
    } else if (ev.key === "Escape") { results.hidden = true; }
  });
}
