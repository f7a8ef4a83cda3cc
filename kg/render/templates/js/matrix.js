/* The evidence matrix: treatments x conditions, one cell per pair, hatched gaps; keyboard-operable cells. */

import { app } from "./app.js";
import { byId, clear, el } from "./dom.js";
import { ancestorOf, labelOf, nodeOf, pairOf } from "./data.js";
import { edgePanel, nodePanel } from "./panel.js";
import { headlineText, shapeIcon, TIMEFRAMES } from "./widgets.js";
import { fmt, plural, splitMulti } from "./util.js";

const msort = { mode: "hierarchy", column: null, dir: 1 };
const HEADER_LEVELS = 3;

function rowText(r) {
  const n = nodeOf(app.M, "treatment", r.id);
  return (n.label + " " + (n.synonyms || "")).toLowerCase();
}

/** Rows in display order: a condition column sorts by verdict there (evidence first, gaps last); with
 * "group by category" the groups themselves follow their best row, so rows without evidence never lead. */
export function sortRows(M, rows, sort, okPairs, grouped) {
  const label = function (r) { return nodeOf(M, "treatment", r.id).label.toLowerCase(); };
  let key;
  if (sort.mode === "column") {
    key = function (r) {
      const p = pairOf(M, r.id, sort.column);
      if (!p) { return 1000; }
      return (okPairs.has(p.key) ? 0 : 100) + M.verdictRank.get(p.verdict) * 10 + (M.strengthRank.get(p.strength) || 0);
    };
  } else if (sort.mode === "statements") {
    key = function (r) { return -(M.weight.get(nodeOf(M, "treatment", r.id).key) || 0); };
  } else if (sort.mode === "sources") {
    key = function (r) { return -(M.sourceCount.get(nodeOf(M, "treatment", r.id).key) || 0); };
  } else if (sort.mode === "label") {
    key = function () { return 0; };
  } else {
    return rows.slice();  // the hierarchy order given by the build
  }
  const dir = sort.mode === "column" ? sort.dir : 1;
  const cmp = function (a, b) {
    const ka = key(a), kb = key(b);
    if (ka !== kb) {
      if (sort.mode === "column" && (ka >= 1000 || kb >= 1000)) { return ka < kb ? -1 : 1; }
      return (ka < kb ? -1 : 1) * dir;
    }
    return label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0;
  };
  const sorted = rows.slice().sort(cmp);
  if (!grouped) { return sorted; }
  const catOrder = new Map(M.vocab.categories.map(function (c, i) { return [c.value, i]; }));
  const groups = new Map();
  sorted.forEach(function (r) { if (!groups.has(r.category)) { groups.set(r.category, []); } groups.get(r.category).push(r); });
  const lead = Array.from(groups.keys()).sort(function (a, b) {
    if (sort.mode === "label") { return catOrder.get(a) - catOrder.get(b); }
    return cmp(groups.get(a)[0], groups.get(b)[0]) || catOrder.get(a) - catOrder.get(b);
  });
  return lead.reduce(function (out, c) { return out.concat(groups.get(c)); }, []);
}

function effectDot(M, effects, name) {
  const list = splitMulti(effects);
  const info = list.length ? M.info.effect.get(list[0]) : null;
  const label = name + ": " + (list.length ? list.map(function (e) { return M.info.effect.get(e).label.toLowerCase(); }).join(" and ") : "not stated");
  return el("span", { className: "kg-tfdot" + (list.length ? "" : " kg-tfdot-none"), title: label,
    style: info ? { background: info.color, color: info.text } : null }, name.charAt(0));
}

function filledCell(M, p, treatmentLabel, conditionLabel) {
  const info = M.info.verdict.get(p.verdict);
  const best = M.info.source_type.get(p.best_source_type);
  const strength = M.info.strength.get(p.strength);
  const certainty = M.info.certainty.get(p.certainty);
  const tf = el("span", { className: "kg-cell-tf" });
  TIMEFRAMES.forEach(function (t) { tf.appendChild(effectDot(M, p[t[0]], t[1])); });
  const facts = [plural(p.sources, "source"), best ? best.label : p.best_source_type];
  if (certainty) { facts.push(certainty.label.toLowerCase() + " certainty"); }
  const td = el("td", { className: "kg-cell kg-filled", dataset: { pair: p.key, verdict: p.verdict }, tabindex: "-1",
    role: "button", title: info.label + ": " + p.headline + " — click for the statements" },
  el("span", { className: "kg-visually-hidden" }, treatmentLabel + " for " + conditionLabel + ": "),
  el("span", { className: "kg-cell-h" }, info.label + (headlineText(p) ? ": " + headlineText(p) : "")), tf,
  strength ? el("span", { className: "kg-cell-s", title: "Strength of the evidence: " + strength.label.toLowerCase() },
    el("span", { className: "kg-mark", "aria-hidden": "true" }, strength.mark), " " + strength.label) : null,
  el("span", { className: "kg-cell-n" }, facts.join(" · ")));
  td.style.backgroundColor = info.color;
  td.style.color = info.text;
  if (strength && p.strength) { td.classList.add("kg-strength-" + p.strength); }
  return td;
}

export function renderMatrix() {
  const M = app.M;
  const current = app.current;
  const state = app.state;
  app.matrixDirty = false;
  const within = current.filter.within;
  let columns = M.columns.filter(function (c) { return !within || within.has(c.id); });
  const q = byId("kg-m-filter").value.trim().toLowerCase();
  let rows = M.rows.filter(function (r) { return state.categories.has(r.category) && (!q || rowText(r).indexOf(q) >= 0); });
  if (byId("kg-m-hide-empty").checked) {
    rows = rows.filter(function (r) {
      return columns.some(function (c) { const p = pairOf(M, r.id, c.id); return p && current.okPairs.has(p.key); });
    });
  }
  const noteBits = [];
  const maxCells = M.meta.max_matrix_cells;
  if (rows.length * columns.length > maxCells) {
    const totalRows = rows.length, totalCols = columns.length;
    if (columns.length > 60) {
      const keepCols = new Set(columns.slice().sort(function (a, b) {
        return (M.weight.get(nodeOf(M, "condition", b.id).key) || 0) - (M.weight.get(nodeOf(M, "condition", a.id).key) || 0);
      }).slice(0, 60).map(function (c) { return c.id; }));
      columns = columns.filter(function (c) { return keepCols.has(c.id); });
    }
    const maxRows = Math.max(1, Math.floor(maxCells / Math.max(1, columns.length)));
    if (rows.length > maxRows) {
      const keepRows = new Set(rows.slice().sort(function (a, b) {
        return (M.weight.get(nodeOf(M, "treatment", b.id).key) || 0) - (M.weight.get(nodeOf(M, "treatment", a.id).key) || 0);
      }).slice(0, maxRows).map(function (r) { return r.id; }));
      rows = rows.filter(function (r) { return keepRows.has(r.id); });
    }
    noteBits.push("The matrix is large: showing " + fmt(rows.length) + " of " + fmt(totalRows) + " treatments × " +
      fmt(columns.length) + " of " + fmt(totalCols) + " conditions (those with most statements). Choose a condition, a category or type in “Rows” to see the rest.");
  }
  const note = byId("kg-m-note");
  note.textContent = noteBits.join(" ");
  note.hidden = !noteBits.length;

  const grouped = byId("kg-m-group").checked;
  rows = sortRows(M, rows, msort, current.okPairs, grouped);
  const table = clear(byId("kg-matrix"));
  table.appendChild(matrixHead(columns));
  const body = el("tbody");
  let group = null;
  let filled = 0, gaps = 0;
  rows.forEach(function (r) {
    if (grouped && r.category !== group) {
      group = r.category;
      const cat = M.info.category.get(group);
      body.appendChild(el("tr", { className: "kg-m-group" },
        el("th", { scope: "colgroup", colspan: columns.length + 1 },
          el("span", { className: "kg-m-group-label" }, shapeIcon(cat.shape, cat.color), " " + cat.label))));
    }
    const n = nodeOf(M, "treatment", r.id);
    const tr = el("tr", { dataset: { treatment: r.id } });
    const head = el("th", { scope: "row", className: "kg-m-row" },
      el("button", { type: "button", className: "kg-link", dataset: { key: n.key }, title: M.info.category.get(r.category).label }, n.label));
    head.style.paddingLeft = (6 + (msort.mode === "hierarchy" ? Math.min(r.depth, 8) * 14 : 0)) + "px";
    tr.appendChild(head);
    columns.forEach(function (c) {
      const p = pairOf(M, r.id, c.id);
      const cLabel = labelOf(M, "condition", c.id);
      let td;
      if (!p) {
        td = el("td", { className: "kg-cell kg-gap", title: "No statement: " + n.label + " for " + cLabel });
        gaps++;
      } else if (!current.okPairs.has(p.key)) {
        td = el("td", { className: "kg-cell kg-filtered", dataset: { pair: p.key, verdict: p.verdict }, tabindex: "-1",
          role: "button", title: "Outside the current filters" },
        el("span", { className: "kg-visually-hidden" }, n.label + " for " + cLabel + ": statements outside the current filters "), "·");
      } else {
        td = filledCell(M, p, n.label, cLabel);
        filled++;
      }
      tr.appendChild(td);
    });
    body.appendChild(tr);
  });
  table.appendChild(body);
  const first = table.querySelector("td[tabindex]");
  if (first) { first.tabIndex = 0; }
  byId("kg-m-status").textContent = fmt(rows.length) + " treatments × " + fmt(columns.length) + " conditions: " +
    fmt(filled) + " with evidence shown, " + fmt(gaps) + " gaps (hatched)";
  byId("kg-m-empty").hidden = current.okPairs.size > 0;
  app.api.matrixRendered = (app.api.matrixRendered || 0) + 1;
}

function matrixHead(columns) {
  const M = app.M;
  const thead = el("thead");
  if (!columns.length) { thead.appendChild(el("tr", null, el("th", null, "No condition matches."))); return thead; }
  const base = Math.min.apply(null, columns.map(function (c) { return c.depth; }));
  const deepest = Math.max.apply(null, columns.map(function (c) { return c.depth; }));
  const ids = new Set(columns.map(function (c) { return c.id; }));
  // group rows for the broader conditions: at most HEADER_LEVELS, the ones just above the shown columns
  const top = Math.max(base, deepest - HEADER_LEVELS);
  for (let d = top; d < deepest; d++) {
    const tr = el("tr", { className: "kg-m-groups" }, el("th", { className: "kg-m-corner" }));
    let any = false;
    let i = 0;
    const at = function (c) {
      if (c.depth < d) { return null; }
      const anc = ancestorOf(M, c.id, c.depth - d);
      return anc !== null && ids.has(anc) ? anc : null;
    };
    while (i < columns.length) {
      const anc = at(columns[i]);
      let j = i + 1;
      while (j < columns.length && anc !== null && at(columns[j]) === anc) { j++; }
      if (anc !== null && j - i > 1) {
        const groupLabel = labelOf(M, "condition", anc);
        tr.appendChild(el("th", { colspan: j - i, scope: "colgroup", className: "kg-m-span", title: groupLabel },
          el("span", { className: "kg-m-span-label" }, groupLabel)));
        any = true;
      } else {
        tr.appendChild(el("th", { colspan: j - i, className: "kg-m-blank" }));
      }
      i = j;
    }
    if (any) { thead.appendChild(tr); }
  }
  const last = el("tr", null, el("th", { className: "kg-m-corner", scope: "col" }, "Treatment ↓  Condition →"));
  columns.forEach(function (c) {
    const sorted = msort.mode === "column" && msort.column === c.id;
    const name = labelOf(M, "condition", c.id);
    const btn = el("button", { type: "button", className: "kg-m-col", dataset: { column: c.id },
      title: "Sort treatments by their verdict for " + name }, name, sorted ? (msort.dir > 0 ? " ▲" : " ▼") : "");
    last.appendChild(el("th", { scope: "col", className: "kg-m-colhead" + (sorted ? " kg-sorted" : ""),
      "aria-sort": sorted ? (msort.dir > 0 ? "ascending" : "descending") : null }, btn));
  });
  thead.appendChild(last);
  return thead;
}

export function focusInMatrix(key) {
  const M = app.M;
  const n = M.nodeByKey.get(key);
  if (!n) { return false; }
  const table = byId("kg-matrix");
  let target = null;
  if (n.kind === "treatment") { target = table.querySelector("tr[data-treatment=\"" + CSS.escape(n.id) + "\"] th"); }
  else if (n.kind === "condition") { target = table.querySelector("button[data-column=\"" + CSS.escape(n.id) + "\"]"); }
  if (!target) { return false; }
  target.scrollIntoView({ block: "center", inline: "center" });
  target.classList.add("kg-flash");
  window.setTimeout(function () { target.classList.remove("kg-flash"); }, 1600);
  return true;
}

/** Arrow keys move between the cells that have statements (one tab stop for the whole grid). */
function moveCell(cell, dx, dy) {
  const row = cell.parentElement;
  const cells = Array.prototype.filter.call(row.children, function (c) { return c.tagName === "TD"; });
  const col = cells.indexOf(cell);
  let target = null;
  if (dx) {
    for (let i = col + dx; i >= 0 && i < cells.length; i += dx) { if (cells[i].hasAttribute("tabindex")) { target = cells[i]; break; } }
  } else {
    let r = dy > 0 ? row.nextElementSibling : row.previousElementSibling;
    while (r && !target) {
      const rc = Array.prototype.filter.call(r.children, function (c) { return c.tagName === "TD"; });
      if (rc[col] && rc[col].hasAttribute("tabindex")) { target = rc[col]; }
      r = dy > 0 ? r.nextElementSibling : r.previousElementSibling;
    }
  }
  if (!target) { return; }
  cell.tabIndex = -1;
  target.tabIndex = 0;
  target.focus();
}

export function initMatrix() {
  const table = byId("kg-matrix");
  table.addEventListener("click", function (ev) {
    const t = ev.target;
    const col = t.closest("button[data-column]");
    if (col) {
      const id = col.dataset.column;
      if (msort.mode === "column" && msort.column === id) { msort.dir = -msort.dir; }
      else { msort.mode = "column"; msort.column = id; msort.dir = 1; }
      renderMatrix();
      return;
    }
    const row = t.closest("button[data-key]");
    if (row) { nodePanel(row.dataset.key); return; }
    const cell = t.closest("td[data-pair]");
    if (cell) {
      Array.prototype.forEach.call(table.querySelectorAll("td[tabindex='0']"), function (c) { c.tabIndex = -1; });
      cell.tabIndex = 0;
      edgePanel(cell.dataset.pair);
    }
  });
  table.addEventListener("keydown", function (ev) {
    const cell = ev.target.closest ? ev.target.closest("td[data-pair]") : null;
    if (!cell) { return; }
    const moves = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] };
    if (moves[ev.key]) { ev.preventDefault(); moveCell(cell, moves[ev.key][0], moves[ev.key][1]); }
    else if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); edgePanel(cell.dataset.pair); }
  });
  byId("kg-m-filter").addEventListener("input", renderMatrix);
  byId("kg-m-group").addEventListener("change", renderMatrix);
  byId("kg-m-hide-empty").addEventListener("change", renderMatrix);
  byId("kg-m-sort").addEventListener("change", function () {
    msort.mode = byId("kg-m-sort").value; msort.column = null; msort.dir = 1;
    renderMatrix();
  });
  app.api.renderMatrix = renderMatrix;
}
