/* Pieces shared by the panel, the tooltip, the matrix and the summary: chips, icons, statement cards. */

import { app } from "./app.js";
import { append, el, svg } from "./dom.js";
import { labelOf, nodeOf } from "./data.js";
import { doiUrl, fmt, plural, pmidUrl, safeHref, splitMulti } from "./util.js";

export function link(label, url) {
  const href = safeHref(url);
  if (!href) { return null; }
  return el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, label);
}

export function chip(info, fallback) {
  if (!info) { return el("span", { className: "kg-chip" }, fallback || ""); }
  return el("span", { className: "kg-chip", style: { background: info.color, color: info.text } }, info.label);
}

/** The verdict's badge: its label, and "with harms" said on the badge itself when a statement reports harm. */
export function verdictChip(v, p) {
  const info = app.M.info.verdict.get(v);
  const badge = chip(info, v);
  if (p && p.harms && info && !/harm/i.test(info.label)) { badge.textContent = info.label + " · harms reported"; }
  return badge;
}

export function effectChip(e) { return chip(app.M.info.effect.get(e), e); }

export function strengthChip(p) {
  const info = app.M.info.strength.get(p.strength);
  if (!info) { return null; }
  return el("span", { className: "kg-chip kg-strength kg-strength-" + p.strength, title: info.description || "" },
    el("span", { className: "kg-mark", "aria-hidden": "true" }, info.mark), " " + info.label + " evidence");
}

/** The headline when it says more than the verdict's label ("Benefit" and "benefit" is said once). */
export function headlineText(p) {
  const info = app.M.info.verdict.get(p.verdict);
  const norm = function (t) { return String(t || "").toLowerCase().replace(/[^a-z]+/g, " ").trim(); };
  return info && norm(info.label) === norm(p.headline) ? "" : p.headline;
}

/** "2 sources agree, 1 disagrees; 1 related conflict (broader or narrower)" when the summary says so. */
export function agreementLine(p) {
  if (p.agreeing_sources === undefined) { return null; }
  const bits = [plural(p.agreeing_sources, "source") + " " + (p.agreeing_sources === 1 ? "agrees" : "agree")];
  if (p.disagreeing_sources) { bits.push(fmt(p.disagreeing_sources) + " " + (p.disagreeing_sources === 1 ? "disagrees" : "disagree")); }
  let text = bits.join(", ");
  if (p.related_conflicts) { text += "; " + plural(p.related_conflicts, "related conflict") + " (a broader or narrower treatment or condition)"; }
  return el("p", { className: "kg-small kg-agree" }, text);
}

export function swatch(colour, dashed) {
  const s = el("span", { className: "kg-swatch" + (dashed ? " kg-dashed" : "") });
  s.style.setProperty("--c", colour);
  return s;
}

const SHAPES = {
  dot: ["circle", { cx: 10, cy: 10, r: 8 }],
  square: ["rect", { x: 3, y: 3, width: 14, height: 14 }],
  diamond: ["polygon", { points: "10,1 19,10 10,19 1,10" }],
  triangle: ["polygon", { points: "10,2 19,18 1,18" }],
  triangleDown: ["polygon", { points: "1,2 19,2 10,18" }],
  star: ["polygon", { points: "10,1 12.6,7.3 19.5,7.6 14.1,11.9 16,18.6 10,14.8 4,18.6 5.9,11.9 0.5,7.6 7.4,7.3" }],
  hexagon: ["polygon", { points: "5,2 15,2 19.5,10 15,18 5,18 0.5,10" }],
  box: ["rect", { x: 1, y: 5, width: 18, height: 10, rx: 2 }],
};

export function shapeIcon(shape, colour, size) {
  size = size || 14;
  const box = svg("svg", { width: size, height: size, viewBox: "0 0 20 20", "aria-hidden": "true", "class": "kg-shape" });
  const spec = SHAPES[shape] || SHAPES.dot;
  const s = svg(spec[0], spec[1]);
  s.setAttribute("fill", colour);
  s.setAttribute("stroke", "#333");
  s.setAttribute("stroke-width", "1");
  box.appendChild(s);
  return box;
}

export function lineIcon(colour, dash, width) {
  const box = svg("svg", { width: 30, height: 12, viewBox: "0 0 30 12", "aria-hidden": "true", "class": "kg-line" });
  const line = svg("line", { x1: 1, y1: 6, x2: 29, y2: 6, stroke: colour, "stroke-width": width || 3 });
  if (dash) { line.setAttribute("stroke-dasharray", dash); }
  box.appendChild(line);
  return box;
}

export function keyButton(key, label) {
  return el("button", { type: "button", className: "kg-link", dataset: { key: key } }, label);
}

export function sourceLine(sourceId) {
  const M = app.M;
  const src = nodeOf(M, "source", sourceId);
  if (!src) { return el("div", { className: "kg-src" }, sourceId); }
  const bits = [];
  const type = M.info.source_type.get(src.type);
  bits.push(type ? type.label : src.type);
  if (src.year) { bits.push(String(src.year)); }
  if (src.publisher) { bits.push(src.publisher); }
  const links = [];
  if (src.doi) { links.push(link("DOI " + src.doi, doiUrl(src.doi))); }
  if (src.pmid && pmidUrl(src.pmid)) { links.push(link("PubMed " + src.pmid, pmidUrl(src.pmid))); }
  if (src.url) { links.push(link("Web page", src.url)); }
  const shown = links.filter(Boolean);
  const out = el("div", { className: "kg-src" },
    el("button", { type: "button", className: "kg-link kg-src-title", dataset: { key: src.key } }, src.title),
    el("span", { className: "kg-muted" }, " (" + bits.join(", ") + ")"));
  if (shown.length) { out.appendChild(append(el("span", { className: "kg-links" }), shown)); }
  return out;
}

export function statementCard(s, withPair) {
  const M = app.M;
  const f = app.current.filter;
  const passes = f.statement(s) && f.pair(s.pair);
  const card = el("article", { className: "kg-stmt" + (passes ? "" : " kg-dim"), dataset: { id: s.id } });
  append(card, el("div", { className: "kg-stmt-head" }, effectChip(s.effect), " ",
    el("strong", { className: "kg-summary" }, s.summary)));
  if (withPair) {
    append(card, el("div", { className: "kg-stmt-pair" }, keyButton(s.from, labelOf(M, "treatment", s.treatment)),
      " → ", keyButton(s.to, labelOf(M, "condition", s.condition))));
  }
  const meta = el("div", { className: "kg-stmt-meta" });
  const tf = M.info.timeframe.get(s.timeframe);
  append(meta, el("span", { className: "kg-tag" }, tf ? tf.label : s.timeframe));
  append(meta, el("span", { className: "kg-tag" }, "Certainty: " + (s.certainty ? M.info.certainty.get(s.certainty).label : "not stated")));
  if (s.recommendation) {
    append(meta, el("span", { className: "kg-tag kg-rec-" + s.recommendation }, M.info.recommendation.get(s.recommendation).label));
  }
  if (s.comparator) {
    append(meta, el("span", { className: "kg-tag" }, "compared with " + labelOf(M, "treatment", s.comparator)));
    append(meta, el("span", { className: "kg-tag kg-left-out" }, "left out of the verdict (a comparison)"));
  }
  card.appendChild(meta);
  const details = el("dl", { className: "kg-dl" });
  if (s.outcome) { append(details, el("dt", null, "Outcome"), el("dd", null, s.outcome)); }
  if (s.population) { append(details, el("dt", null, "Population"), el("dd", null, s.population)); }
  if (details.firstChild) { card.appendChild(details); }
  append(card, el("blockquote", { className: "kg-quote" }, s.quote));
  card.appendChild(sourceLine(s.source));
  if (s.notes) { append(card, el("p", { className: "kg-notes" }, "Curator’s note: " + s.notes)); }
  (M.conflictsOfStmt.get(s.id) || []).forEach(function (c) {
    const other = M.stmtById.get(c.other);
    if (!other) { return; }
    const src = nodeOf(M, "source", other.source);
    append(card, el("p", { className: "kg-conflict" }, "Disagrees (" + c.kind + ") with: “" + other.summary + "” — " +
      (src ? src.title : other.source)));
  });
  if (!passes) { append(card, el("p", { className: "kg-muted kg-small" }, "Outside the current filters.")); }
  return card;
}

export const TIMEFRAMES = [["short_term", "Short"], ["medium_term", "Medium"], ["long_term", "Long"]];

export function timeframeStrip(p) {
  const strip = el("div", { className: "kg-tf" });
  TIMEFRAMES.forEach(function (t) {
    const cell = el("div", { className: "kg-tf-cell" }, el("span", { className: "kg-tf-name" }, t[1]));
    const effects = splitMulti(p[t[0]]);
    if (!effects.length) { append(cell, el("span", { className: "kg-muted" }, "—")); }
    effects.forEach(function (e) { append(cell, effectChip(e)); });
    strip.appendChild(cell);
  });
  return strip;
}

/** "3 sources · strongest: Guideline · 4 statements", saying when the page does not carry them. */
export function pairSummaryLine(p) {
  const best = app.M.info.source_type.get(p.best_source_type);
  let text = plural(p.sources, "source") + " · strongest: " + (best ? best.label : p.best_source_type) +
    " · " + plural(p.statements, "statement");
  if (p.certainty) {
    const c = app.M.info.certainty.get(p.certainty);
    text += " · certainty " + (c ? c.label.toLowerCase() : p.certainty);
  }
  return text;
}

export function notCarried(p) {
  const missing = p.statements - p.statementIds.length;
  if (missing <= 0) { return null; }
  return el("p", { className: "kg-note-carried" }, plural(missing, "statement") + " of this pair " +
    (missing === 1 ? "is" : "are") + " not carried in this page (it is large). Run `kg query` or open the graph in a notebook to read " +
    (missing === 1 ? "it" : "them") + ".");
}

export function pairBlock(p, open, withStatements) {
  const M = app.M;
  const head = el("div", { className: "kg-pair-head" }, verdictChip(p.verdict, p), " ", strengthChip(p), " ",
    el("span", { className: "kg-headline" }, headlineText(p)));
  const title = el("h3", { className: "kg-pair-title" },
    keyButton(nodeOf(M, "treatment", p.treatment).key, labelOf(M, "treatment", p.treatment)), " → ",
    keyButton(nodeOf(M, "condition", p.condition).key, labelOf(M, "condition", p.condition)));
  const body = el("div", { className: "kg-pair-body" }, timeframeStrip(p),
    el("p", { className: "kg-muted kg-small" }, pairSummaryLine(p)),
    p.why ? el("p", { className: "kg-small kg-why" }, "Why this strength: " + p.why) : null, agreementLine(p), notCarried(p));
  const box = el("section", { className: "kg-pair", dataset: { pair: p.key } });
  if (withStatements === false || !p.statementIds.length) {
    append(box, title, head, body);
    return box;
  }
  const det = el("details", { className: "kg-pair-details" });
  if (open) { det.open = true; }
  det.appendChild(el("summary", null, "The sources’ own words (" + plural(p.statementIds.length, "statement") + ")"));
  let filled = false;
  function fill() {
    if (filled) { return; }
    filled = true;
    p.statementIds.forEach(function (id) { det.appendChild(statementCard(M.stmtById.get(id), false)); });
  }
  if (open) { fill(); }
  det.addEventListener("toggle", function () { if (det.open) { fill(); } });
  append(box, title, head, body, det);
  return box;
}

export function sortPairs(list) {
  const M = app.M;
  return list.slice().sort(function (a, b) {
    return (M.verdictRank.get(a.verdict) - M.verdictRank.get(b.verdict)) ||
      ((M.strengthRank.get(a.strength) || 0) - (M.strengthRank.get(b.strength) || 0)) ||
      (labelOf(M, "treatment", a.treatment) < labelOf(M, "treatment", b.treatment) ? -1 : 1);
  });
}
