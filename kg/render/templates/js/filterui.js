/* The filter column: checkboxes with true counts, the condition select, the Show toggles, the legend. */

import { app } from "./app.js";
import { append, byId, clear, el } from "./dom.js";
import { labelOf } from "./data.js";
import { allValues, filterLists } from "./filters.js";
import { applyFilters } from "./graph.js";
import { lineIcon, shapeIcon, swatch } from "./widgets.js";
import { fmt } from "./util.js";

const checkboxes = {};
const TOGGLE_BOXES = [["kg-expanded", "expanded"], ["kg-show-hierarchy", "showHierarchy"], ["kg-show-sources", "showSources"]];
const WHAT = { verdicts: "verdict", effects: "effect", timeframes: "timeframe", source_types: "source type",
  certainties: "certainty", categories: "category", strengths: "strength" };
const COUNTED = { verdicts: "pairs", strengths: "pairs", categories: "treatments" };

export function buildFilters() {
  const M = app.M;
  const state = app.state;
  const lists = filterLists(M.vocab);
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter]"), function (section) {
    const name = section.dataset.filter;
    if (!lists[name]) { section.hidden = true; return; }
    const counts = M.counts[name] || {};
    checkboxes[name] = [];
    const list = el("div", { className: "kg-checks", role: "group", "aria-label": section.querySelector("h2").textContent });
    lists[name].forEach(function (v) {
      const box = el("input", { type: "checkbox", checked: state[name].has(v.value), dataset: { value: v.value } });
      let icon = null;
      if (name === "verdicts") { icon = lineIcon(v.color, v.dashed ? "6,4" : null, 4); }
      else if (name === "effects") { icon = swatch(v.color); }
      else if (name === "strengths") { icon = el("span", { className: "kg-mark", "aria-hidden": "true" }, v.mark); }
      else if (name === "categories") { icon = shapeIcon(v.shape, v.color); }
      else if (name === "source_types") { icon = lineIcon("#6b7280", null, Math.max(1, v.width * 0.7)); }
      const n = counts[v.value] || 0;
      const row = el("label", { className: "kg-check" + (n ? "" : " kg-none"), title: v.description || "" }, box, icon, " ",
        el("span", null, v.label), el("span", { className: "kg-count", title: fmt(n) + " " + (COUNTED[name] || "statements") + " in the whole data" }, fmt(n)));
      box.addEventListener("change", function () {
        if (box.checked) { state[name].add(v.value); } else { state[name].delete(v.value); }
        applyFilters();
      });
      checkboxes[name].push(box);
      list.appendChild(row);
    });
    const what = WHAT[name];
    const all = el("button", { type: "button", className: "kg-mini", "aria-label": "Tick all: every " + what }, "all");
    const none = el("button", { type: "button", className: "kg-mini", "aria-label": "Tick none: no " + what }, "none");
    all.addEventListener("click", function () { setAll(name, true); });
    none.addEventListener("click", function () { setAll(name, false); });
    section.querySelector("h2").appendChild(el("span", { className: "kg-minis" }, all, none));
    section.appendChild(list);
    section.appendChild(el("p", { className: "kg-hint kg-counted" }, "Numbers: " + (COUNTED[name] || "statements") + " in the whole data."));
  });

  const select = byId("kg-f-condition");
  M.columns.forEach(function (c) {
    select.appendChild(el("option", { value: c.id },
      "\u00a0\u00a0".repeat(Math.min(c.depth, 8)) + (c.depth ? "└ " : "") + labelOf(M, "condition", c.id)));
  });
  select.addEventListener("change", function () { state.condition = select.value; applyFilters(); });
  TOGGLE_BOXES.forEach(function (t) {
    const box = byId(t[0]);
    box.addEventListener("change", function () { state[t[1]] = box.checked; applyFilters(); updateLegend(); });
  });
  byId("kg-reset").addEventListener("click", resetFilters);
  byId("kg-empty-reset").addEventListener("click", resetFilters);
  byId("kg-m-empty-reset").addEventListener("click", resetFilters);
  buildLegend();
  syncControls();
}

/** Make every control show the state (after Back/Forward or a shared link). */
export function syncControls() {
  const state = app.state;
  Object.keys(checkboxes).forEach(function (name) {
    checkboxes[name].forEach(function (b) { b.checked = state[name].has(b.dataset.value); });
  });
  byId("kg-f-condition").value = state.condition;
  TOGGLE_BOXES.forEach(function (t) { byId(t[0]).checked = state[t[1]]; });
  byId("kg-search").value = state.search || "";
  updateLegend();
}

function setAll(name, on) {
  app.state[name] = new Set(on ? allValues(app.M.vocab, name) : []);
  checkboxes[name].forEach(function (b) { b.checked = on; });
  applyFilters();
}

export function resetFilters() {
  const state = app.state;
  Object.keys(checkboxes).forEach(function (name) { state[name] = new Set(allValues(app.M.vocab, name)); });
  state.condition = "";
  state.pinned = new Set();
  syncControls();
  applyFilters();
}

let legendLines = null;
function buildLegend() {
  const M = app.M;
  const legend = byId("kg-legend");
  const kinds = el("div", { className: "kg-legend-rows" },
    el("div", null, el("span", { className: "kg-cond-sample" }, "Condition"), " condition (box)"),
    el("div", null, shapeIcon("dot", "#4e79a7"), " treatment: shape and colour by category, size by statements"),
    el("div", null, shapeIcon("dot", "#ffffff"), " treatment without statements (hierarchy only)"),
    el("div", null, el("span", { className: "kg-src-sample" }, "Source"), " source (when shown)"));
  legendLines = el("div", { className: "kg-legend-rows" });
  const strengths = (M.vocab.strengths || []).length ? el("div", { className: "kg-legend-rows" },
    el("div", null, "Strength of the evidence for a pair (in the tooltip, panel, matrix and summary):"),
    M.vocab.strengths.map(function (s) {
      return el("div", null, el("span", { className: "kg-chip kg-strength kg-strength-" + s.value },
        el("span", { className: "kg-mark", "aria-hidden": "true" }, s.mark), " " + s.label), " " + (s.description || ""));
    })) : null;
  append(legend, kinds, legendLines, strengths);
  updateLegend();
}

export function updateLegend() {
  if (!legendLines) { return; }
  clear(legendLines);
  if (app.state.expanded) {
    append(legendLines, el("div", null, lineIcon("#1a9850", null, 3), " one line per statement, coloured by its effect"),
      el("div", null, lineIcon("#1a9850", "6,4", 3), " dashed: short-term statement"),
      el("div", null, lineIcon("#6b7280", null, 5), " thicker: stronger source type and higher certainty"));
  } else {
    append(legendLines, el("div", null, lineIcon("#1a9850", null, 3), " one line per treatment → condition, coloured by verdict"),
      el("div", null, lineIcon("#91cf60", "6,4", 3), " dashed: the benefit fades by the long term"),
      el("div", null, lineIcon("#6b7280", null, 5), " thicker: stronger best source (guideline > review > trial …)"));
  }
  append(legendLines, el("div", null, lineIcon("#8a94a6", "2,4", 1.5), " dotted grey: narrower → broader"));
  if (app.state.showSources) { append(legendLines, el("div", null, lineIcon("#c9c3b3", null, 1), " source → treatment it has statements about")); }
}
