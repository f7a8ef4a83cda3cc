/* The details panel: a node's, a pair's or a statement's full story, with the sources' own words. */

import { app } from "./app.js";
import { append, byId, clear, el } from "./dom.js";
import { labelOf, narrower, nodeOf } from "./data.js";
import { focusNode, resizeNetwork } from "./graph.js";
import { recordState } from "./history.js";
import { link, pairBlock, shapeIcon, sortPairs, statementCard, keyButton } from "./widgets.js";
import { doiUrl, fmt, plural, pmidUrl, splitMulti } from "./util.js";

export function openPanel(kindText, content) {
  const panel = byId("kg-panel");
  const body = byId("kg-panel-body");
  clear(body);
  byId("kg-panel-kind").textContent = kindText;
  append(body, content);
  panel.hidden = false;
  body.scrollTop = 0;
  document.body.classList.add("kg-panel-open");
  resizeNetwork();
}

export function closePanel(record) {
  const panel = byId("kg-panel");
  if (panel.hidden) { return; }
  panel.hidden = true;
  document.body.classList.remove("kg-panel-open");
  app.state.selected = null;
  resizeNetwork();
  if (record !== false) { recordState(); }
}

const KNOWN_FIELDS = new Set(["key", "kind", "id", "label", "synonyms", "parent", "category", "xrefs", "description",
  "body_site", "notes", "title", "type", "publisher", "authors", "year", "doi", "pmid", "url", "text_file"]);

function fieldList(n, extra) {
  const dl = el("dl", { className: "kg-dl" });
  extra.forEach(function (pair) { if (pair[1]) { append(dl, el("dt", null, pair[0]), el("dd", null, pair[1])); } });
  Object.keys(n).forEach(function (k) {
    if (!KNOWN_FIELDS.has(k)) { append(dl, el("dt", null, k), el("dd", null, String(n[k]))); }
  });
  return dl.firstChild ? dl : null;
}

function relatives(kind, n) {
  const M = app.M;
  const out = [];
  if (n.parent) {
    out.push(el("p", { className: "kg-small" }, "Broader: ", keyButton(nodeOf(M, kind, n.parent).key, labelOf(M, kind, n.parent))));
  }
  const kids = M.childrenOf[kind].get(n.id) || [];
  if (kids.length) {
    const p = el("p", { className: "kg-small" }, "Narrower: ");
    kids.forEach(function (c, i) {
      if (i) { p.appendChild(document.createTextNode(", ")); }
      p.appendChild(keyButton(nodeOf(M, kind, c).key, labelOf(M, kind, c)));
    });
    out.push(p);
  }
  return out;
}

const PAGE_SIZE = 40;
function pagedList(container, items, render) {
  let shown = 0;
  const more = el("button", { type: "button", className: "kg-more" });
  function next() {
    const upto = Math.min(items.length, shown + PAGE_SIZE);
    for (; shown < upto; shown++) { container.insertBefore(render(items[shown]), more); }
    if (shown >= items.length) { more.remove(); }
    else { more.textContent = "Show " + fmt(Math.min(PAGE_SIZE, items.length - shown)) + " more of " + fmt(items.length - shown); }
  }
  container.appendChild(more);
  more.addEventListener("click", next);
  next();
  return container;
}

function treatmentPanel(n) {
  const M = app.M;
  const cat = M.info.category.get(n.category);
  const content = [el("h2", { className: "kg-panel-title" }, n.label),
    el("p", { className: "kg-sub" }, shapeIcon(cat.shape, cat.color), " " + cat.label),
    fieldList(n, [["Also called", splitMulti(n.synonyms).join(", ")], ["Description", n.description],
      ["Cross-references", splitMulti(n.xrefs).join(", ")], ["Curator’s note", n.notes]])].concat(relatives("treatment", n));
  const tp = sortPairs(M.pairsByTreatment.get(n.id) || []);
  const total = M.weight.get(n.key) || 0;
  content.push(el("h3", { className: "kg-section" }, tp.length ?
    "Evidence for " + plural(tp.length, "condition") + " (" + plural(total, "statement") + ")" :
    "No statements about this treatment"));
  content.push(pagedList(el("div"), tp, function (p) { return pairBlock(p, tp.length <= 3); }));
  openPanel("Treatment", content);
}

function conditionPanel(n) {
  const M = app.M;
  const content = [el("h2", { className: "kg-panel-title" }, n.label),
    fieldList(n, [["Also called", splitMulti(n.synonyms).join(", ")], ["Body site", n.body_site],
      ["Description", n.description], ["Cross-references", splitMulti(n.xrefs).join(", ")], ["Curator’s note", n.notes]])]
    .concat(relatives("condition", n));
  const under = narrower(M, n.id);
  let cp = [];
  under.forEach(function (c) { cp = cp.concat(M.pairsByCondition.get(c) || []); });
  cp = sortPairs(cp);
  content.push(el("h3", { className: "kg-section" }, cp.length ? plural(cp.length, "treatment–condition pair") +
    (under.size > 1 ? " (with narrower conditions)" : "") : "No statements about this condition"));
  if (cp.length) {
    const sof = el("button", { type: "button", className: "kg-more", dataset: { summary: n.id } }, "Summary of findings for " + n.label);
    content.push(sof);
  }
  content.push(pagedList(el("div"), cp, function (p) { return pairBlock(p, cp.length <= 3); }));
  openPanel("Condition", content);
}

function sourcePanel(n) {
  const M = app.M;
  const type = M.info.source_type.get(n.type);
  const content = [el("h2", { className: "kg-panel-title" }, n.title),
    el("p", { className: "kg-sub" }, (type ? type.label : n.type) + (n.year ? ", " + n.year : "")),
    fieldList(n, [["Publisher", n.publisher], ["Authors", splitMulti(n.authors).join("; ")], ["Curator’s note", n.notes]])];
  const links = [n.doi ? link("DOI " + n.doi, doiUrl(n.doi)) : null,
    n.pmid ? link("PubMed " + n.pmid, pmidUrl(n.pmid)) : null, n.url ? link(n.url, n.url) : null].filter(Boolean);
  if (links.length) { content.push(append(el("p", { className: "kg-links" }), links)); }
  const ss = M.stmtsBySource.get(n.id) || [];
  const total = M.weight.get(n.key) || 0;
  content.push(el("h3", { className: "kg-section" }, plural(total, "statement") + " from this source"));
  if (total > ss.length) {
    content.push(el("p", { className: "kg-note-carried" }, fmt(total - ss.length) + " of them are not carried in this page (it is large); `kg query` or a notebook reaches them."));
  }
  content.push(pagedList(el("div"), ss, function (s) { return statementCard(s, true); }));
  openPanel("Source", content);
}

export function nodePanel(key, record) {
  const n = app.M.nodeByKey.get(key);
  if (!n) { return; }
  app.state.selected = key;
  if (n.kind === "treatment") { treatmentPanel(n); }
  else if (n.kind === "condition") { conditionPanel(n); }
  else if (n.kind === "source") { sourcePanel(n); }
  if (app.current.overview && n.kind !== "source" && !app.state.pinned.has(key)) {
    const body = byId("kg-panel-body");
    body.insertBefore(el("button", { type: "button", className: "kg-more", dataset: { expand: key } },
      "Show its neighbourhood in the graph"), body.children[1] || null);
  }
  if (record !== false) { recordState(); }
}

export function edgePanel(key, record) {
  const M = app.M;
  const e = M.viewEdgeByKey.get(key);
  if (!e) { return; }
  app.state.selected = key;
  if (e.kind === "pair") {
    openPanel("Treatment → condition", [pairBlock(M.pairByKey.get(key), true)]);
  } else if (e.kind === "evidence") {
    const s = M.stmtById.get(M.edgeByKey.get(key).id);
    openPanel("Statement", [statementCard(s, true), pairBlock(s.pair, false, false)]);
  } else if (e.kind === "broader") {
    const a = M.nodeByKey.get(e.from), b = M.nodeByKey.get(e.to);
    openPanel("Hierarchy", [el("p", null, keyButton(a.key, a.label), " is a narrower " + a.kind + " of ", keyButton(b.key, b.label))]);
  } else if (e.kind === "cites") {
    const src = M.nodeByKey.get(e.from), tr = M.nodeByKey.get(e.to);
    const list = (M.stmtsBySource.get(src.id) || []).filter(function (s) { return s.treatment === tr.id; });
    openPanel("Source → treatment", [el("h2", { className: "kg-panel-title" }, src.title),
      el("p", { className: "kg-sub" }, plural(list.length, "statement") + " about " + tr.label)]
      .concat(list.map(function (s) { return statementCard(s, true); })));
  }
  if (record !== false) { recordState(); }
}

/** Open the panel for any key (a node, a pair or a line), as a restored selection does. */
export function selectKey(key) {
  if (app.M.nodeByKey.has(key)) { nodePanel(key, false); } else { edgePanel(key, false); }
}

export function initPanel() {
  byId("kg-panel-body").addEventListener("click", function (ev) {
    const target = ev.target.closest ? ev.target.closest("button[data-key]") : null;
    if (target) { focusNode(target.dataset.key); return; }
    const expand = ev.target.closest ? ev.target.closest("button[data-expand]") : null;
    if (expand) {
      app.state.pinned.add(expand.dataset.expand);
      expand.remove();
      app.api.applyFilters();
      return;
    }
    const sof = ev.target.closest ? ev.target.closest("button[data-summary]") : null;
    if (sof) { app.api.showSummary(sof.dataset.summary); }
  });
  byId("kg-panel-close").addEventListener("click", function () { closePanel(); });
}
