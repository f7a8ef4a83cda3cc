/* The hover tooltip of the graph: the page's own element, filled with text nodes. */

import { app } from "./app.js";
import { append, byId, clear, el } from "./dom.js";
import { labelOf, nodeOf } from "./data.js";
import { effectChip, headlineText, pairSummaryLine, sortPairs, strengthChip, swatch, timeframeStrip, verdictChip } from "./widgets.js";
import { plural, splitMulti } from "./util.js";

function nodeTipLines(n) {
  const M = app.M;
  const out = [];
  if (n.kind === "source") {
    const type = M.info.source_type.get(n.type);
    out.push(el("div", { className: "kg-tip-title" }, n.title));
    out.push(el("div", { className: "kg-muted" }, (type ? type.label : n.type) + (n.year ? ", " + n.year : "") +
      " · " + plural(M.weight.get(n.key) || 0, "statement")));
    return out;
  }
  out.push(el("div", { className: "kg-tip-title" }, n.label));
  const list = (n.kind === "treatment" ? M.pairsByTreatment : M.pairsByCondition).get(n.id) || [];
  const sub = n.kind === "treatment" ? M.info.category.get(n.category).label : "Condition" + (n.body_site ? " · " + n.body_site : "");
  out.push(el("div", { className: "kg-muted" }, sub));
  if (n.synonyms) { out.push(el("div", { className: "kg-muted" }, "Also: " + splitMulti(n.synonyms).join(", "))); }
  if (!list.length) {
    out.push(el("div", null, n.kind === "condition" && (M.weight.get(n.key) || 0) === 0 ?
      "No statement names this condition itself; click for its narrower conditions." : "No statements."));
    return out;
  }
  sortPairs(list).slice(0, 6).forEach(function (p) {
    const other = n.kind === "treatment" ? labelOf(M, "condition", p.condition) : labelOf(M, "treatment", p.treatment);
    out.push(el("div", { className: "kg-tip-row" }, swatch(M.info.verdict.get(p.verdict).color), " ",
      el("strong", null, other), ": " + M.info.verdict.get(p.verdict).label + (headlineText(p) ? " — " + headlineText(p) : "")));
  });
  if (list.length > 6) { out.push(el("div", { className: "kg-muted" }, "… and " + (list.length - 6) + " more")); }
  out.push(el("div", { className: "kg-hint" }, "Click for the statements and quotes."));
  return out;
}

export function stmtTipRow(s) {
  const M = app.M;
  const tf = M.info.timeframe.get(s.timeframe);
  const bits = [tf ? tf.short : s.timeframe];
  bits.push("certainty " + (s.certainty ? M.info.certainty.get(s.certainty).label.toLowerCase() : "not stated"));
  if (s.recommendation) { bits.push(M.info.recommendation.get(s.recommendation).label.toLowerCase()); }
  if (s.comparator) { bits.push("vs " + labelOf(M, "treatment", s.comparator) + " (left out of the verdict)"); }
  const src = nodeOf(M, "source", s.source);
  return el("div", { className: "kg-tip-stmt" }, effectChip(s.effect), " ", el("span", null, s.summary),
    el("div", { className: "kg-muted" }, bits.join(" · ") + " — " + (src ? src.title : s.source)));
}

export function tipLines(key, isEdge) {
  const M = app.M;
  if (!isEdge) {
    const n = M.nodeByKey.get(key);
    return n ? nodeTipLines(n) : [];
  }
  const out = [];
  const e = M.viewEdgeByKey.get(key);
  if (!e) { return out; }
  if (e.kind === "pair") {
    const p = M.pairByKey.get(key);
    out.push(el("div", { className: "kg-tip-title" }, labelOf(M, "treatment", p.treatment) + " → " + labelOf(M, "condition", p.condition)));
    out.push(el("div", null, verdictChip(p.verdict, p), " ", strengthChip(p), " " + headlineText(p)));
    if (p.why) { out.push(el("div", { className: "kg-muted" }, "Strength: " + p.why)); }
    out.push(timeframeStrip(p));
    out.push(el("div", { className: "kg-muted" }, pairSummaryLine(p)));
    p.statementIds.slice(0, 4).forEach(function (id) { out.push(stmtTipRow(M.stmtById.get(id))); });
    if (p.statementIds.length > 4) { out.push(el("div", { className: "kg-muted" }, "… and " + (p.statementIds.length - 4) + " more")); }
    out.push(el("div", { className: "kg-hint" }, "Click for the sources’ own words."));
  } else if (e.kind === "evidence") {
    const s = M.stmtById.get(M.edgeByKey.get(key).id);
    out.push(el("div", { className: "kg-tip-title" }, labelOf(M, "treatment", s.treatment) + " → " + labelOf(M, "condition", s.condition)));
    out.push(stmtTipRow(s));
    out.push(el("div", { className: "kg-hint" }, "Click for the quote."));
  } else if (e.kind === "broader") {
    out.push(el("div", null, M.nodeByKey.get(e.from).label + " is narrower than " + M.nodeByKey.get(e.to).label));
  } else if (e.kind === "cites") {
    out.push(el("div", null, M.nodeByKey.get(e.from).title + " has statements about " + M.nodeByKey.get(e.to).label));
  }
  return out;
}

export function showTip(key, isEdge, pointer) {
  const tip = byId("kg-tip");
  clear(tip);
  append(tip, tipLines(key, isEdge));
  tip.hidden = false;
  const box = byId("kg-graph-view").getBoundingClientRect();
  const w = tip.offsetWidth, h = tip.offsetHeight;
  let x = pointer.x + 16, y = pointer.y + 16;
  if (x + w > box.width - 8) { x = Math.max(8, pointer.x - w - 16); }
  if (y + h > box.height - 8) { y = Math.max(8, box.height - h - 8); }
  tip.style.left = x + "px";
  tip.style.top = y + "px";
  tip.dataset.key = key;
}

export function hideTip() { const tip = byId("kg-tip"); tip.hidden = true; delete tip.dataset.key; }
