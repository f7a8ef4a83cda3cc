/* Summary of findings for a condition: what works, over what time, how sure; printable and exportable. */

import { app } from "./app.js";
import { append, byId, clear, el } from "./dom.js";
import { ancestorOf, labelOf, narrower, nodeOf } from "./data.js";
import { edgePanel, nodePanel } from "./panel.js";
import { effectChip, headlineText, strengthChip, verdictChip, TIMEFRAMES } from "./widgets.js";
import { csvText, plural, splitMulti } from "./util.js";

/** The summary's rows for `condition`: one per treatment, its evidence on the condition and its narrower
 * ones (the best pair first, ranked by verdict then strength), or else on a broader condition, marked. */
export function summaryRows(M, condition, passes) {
  const within = narrower(M, condition);
  const broader = [];
  for (let c = ancestorOf(M, condition, 1); c !== null; c = ancestorOf(M, c, 1)) { broader.push(c); }
  const rank = function (p) {
    return M.verdictRank.get(p.verdict) * 100 + (M.strengthRank.get(p.strength) || 0);
  };
  const byTreatment = new Map();
  M.pairs.forEach(function (p) {
    if (!passes(p)) { return; }
    let scope = null;
    if (p.condition === condition) { scope = "self"; }
    else if (within.has(p.condition)) { scope = "narrower"; }
    else if (broader.indexOf(p.condition) >= 0) { scope = "broader"; }
    if (!scope) { return; }
    if (!byTreatment.has(p.treatment)) { byTreatment.set(p.treatment, []); }
    byTreatment.get(p.treatment).push({ pair: p, scope: scope });
  });
  const order = { self: 0, narrower: 1, broader: 2 };
  const rows = [];
  byTreatment.forEach(function (list, treatment) {
    list.sort(function (a, b) { return order[a.scope] - order[b.scope] || rank(a.pair) - rank(b.pair); });
    const direct = list.filter(function (x) { return x.scope !== "broader"; });
    const best = (direct.length ? direct : list).slice().sort(function (a, b) { return rank(a.pair) - rank(b.pair); })[0];
    rows.push({ treatment: treatment, best: best, others: list.filter(function (x) { return x !== best; }),
      broaderOnly: !direct.length });
  });
  rows.sort(function (a, b) {
    return (a.broaderOnly - b.broaderOnly) || rank(a.best.pair) - rank(b.best.pair) ||
      (labelOf(M, "treatment", a.treatment) < labelOf(M, "treatment", b.treatment) ? -1 : 1);
  });
  return rows;
}

function scopeText(M, x) {
  if (x.scope === "self") { return ""; }
  const name = labelOf(M, "condition", x.pair.condition);
  return x.scope === "narrower" ? "narrower condition: " + name : "broader condition: " + name;
}

function sourceTypes(M, p) {
  return splitMulti(p.source_types).map(function (t) { const i = M.info.source_type.get(t); return i ? i.label : t; });
}

export function summaryCsv(M, rows) {
  const header = ["treatment", "condition", "scope", "verdict", "strength", "short_term", "medium_term", "long_term",
    "certainty", "sources", "source_types", "conflicts", "headline"];
  const lines = [];
  rows.forEach(function (r) {
    [r.best].concat(r.others).forEach(function (x) {
      const p = x.pair;
      lines.push([labelOf(M, "treatment", p.treatment), labelOf(M, "condition", p.condition), x.scope,
        p.verdict, p.strength || "", p.short_term || "", p.medium_term || "", p.long_term || "", p.certainty || "",
        p.sources, splitMulti(p.source_types).join("|"), p.conflicts, p.headline]);
    });
  });
  return csvText(header, lines);
}

function pairLine(M, x) {
  const p = x.pair;
  const cells = [];
  const scope = scopeText(M, x);
  const verdict = el("td", { className: "kg-sof-verdict" }, verdictChip(p.verdict, p), " ", strengthChip(p),
    headlineText(p) ? el("div", { className: "kg-small" }, headlineText(p)) : null, scope ? el("div", { className: "kg-sof-scope" }, "Evidence on the " + scope) : null);
  cells.push(verdict);
  TIMEFRAMES.forEach(function (t) {
    const td = el("td", { className: "kg-sof-tf" });
    const effects = splitMulti(p[t[0]]);
    if (!effects.length) { append(td, el("span", { className: "kg-muted" }, "—")); }
    effects.forEach(function (e) { append(td, effectChip(e), " "); });
    cells.push(td);
  });
  const certainty = M.info.certainty.get(p.certainty);
  cells.push(el("td", null, certainty ? certainty.label : "not stated"));
  cells.push(el("td", null, plural(p.sources, "source"), el("div", { className: "kg-small kg-muted" }, sourceTypes(M, p).join(", "))));
  cells.push(el("td", null, p.conflicts ? el("span", { className: "kg-sof-conflict" }, "⚠ " + plural(p.conflicts, "conflict")) : "—"));
  cells.push(el("td", null, el("button", { type: "button", className: "kg-link", dataset: { pair: p.key },
    "aria-label": "Quotes: " + labelOf(M, "treatment", p.treatment) + " for " + labelOf(M, "condition", p.condition) }, "Quotes")));
  return cells;
}

export function renderSummary() {
  const M = app.M;
  app.summaryDirty = false;
  const condition = app.state.condition;
  const head = clear(byId("kg-sof-head"));
  const table = clear(byId("kg-sof"));
  byId("kg-sof-csv").hidden = !condition;
  if (!condition) {
    append(head, el("p", null, "Choose a condition (the Condition filter, or a condition’s panel) for its summary of findings: " +
      "one row per treatment, ranked by verdict and strength."));
    return;
  }
  const within = narrower(M, condition);
  const f = app.current.filter;
  const rows = summaryRows(M, condition, f.pairAnyCondition);
  app.summaryRows = rows;
  append(head, el("h2", null, "Summary of findings: " + labelOf(M, "condition", condition)),
    el("p", { className: "kg-small kg-muted" }, plural(rows.length, "treatment") + " with evidence that matches the filters" +
      (within.size > 1 ? "; narrower conditions included" : "") +
      ". Evidence on a broader condition is marked as such. Click “Quotes” for the sources’ own words."));
  const thead = el("thead", null, el("tr", null, ["Treatment", "Verdict and strength", "Short term", "Medium term", "Long term",
    "Certainty", "Sources", "Conflicts", ""].map(function (h) { return el("th", { scope: "col" }, h); })));
  const body = el("tbody");
  rows.forEach(function (r) {
    const n = nodeOf(M, "treatment", r.treatment);
    const group = [r.best].concat(r.others);
    group.forEach(function (x, i) {
      const tr = el("tr", { className: i ? "kg-sof-more" : "kg-sof-first", dataset: { pair: x.pair.key } });
      if (!i) {
        tr.appendChild(el("th", { scope: "row", rowspan: group.length },
          el("button", { type: "button", className: "kg-link", dataset: { key: n.key } }, n.label)));
      }
      append(tr, pairLine(M, x));
      body.appendChild(tr);
    });
  });
  append(table, thead, body);
}

export function initSummary() {
  byId("kg-sof").addEventListener("click", function (ev) {
    const b = ev.target.closest ? ev.target.closest("button[data-pair]") : null;
    if (b) { edgePanel(b.dataset.pair); return; }
    const k = ev.target.closest ? ev.target.closest("button[data-key]") : null;
    if (k) { nodePanel(k.dataset.key); }
  });
  byId("kg-sof-csv").addEventListener("click", function () {
    const M = app.M;
    const text = summaryCsv(M, app.summaryRows || []);
    const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    const a = el("a", { href: url, download: "summary-of-findings-" + app.state.condition + ".csv" });
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });
  byId("kg-sof-print").addEventListener("click", function () { window.print(); });
}
