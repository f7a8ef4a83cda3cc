/* evidence-kg page: graph and evidence matrix.
 *
 * Reads two JSON islands (kg-data: the contract's nodes and edges; kg-page:
 * what to draw) and builds every element with createElement/textContent.
 * Nothing from the data is ever parsed as HTML, and links are http(s) only.
 */
(function () {
  "use strict";

  // ------------------------------------------------------------------ helpers

  function byId(id) { return document.getElementById(id); }

  function el(tag, props) {
    var node = document.createElement(tag);
    if (props) {
      Object.keys(props).forEach(function (k) {
        var v = props[k];
        if (v === null || v === undefined || v === false) { return; }
        if (k === "className") { node.className = v; }
        else if (k === "text") { node.textContent = String(v); }
        else if (k === "dataset") { Object.keys(v).forEach(function (d) { node.dataset[d] = String(v[d]); }); }
        else if (k === "style") { Object.keys(v).forEach(function (s) { node.style[s] = v[s]; }); }
        else if (k.slice(0, 2) === "on") { throw new Error("no inline handlers"); }
        else if (k === "title" || k === "type" || k === "value" || k === "checked" || k === "hidden") { node[k] = v; }
        else { node.setAttribute(k, String(v)); }
      });
    }
    for (var i = 2; i < arguments.length; i++) { append(node, arguments[i]); }
    return node;
  }

  /** Append children (nodes, strings as text nodes, arrays of either; null is skipped). */
  function append(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined || child === false) { continue; }
      if (Array.isArray(child)) { child.forEach(function (c) { append(parent, c); }); continue; }
      if (typeof child === "string" || typeof child === "number") { child = document.createTextNode(String(child)); }
      parent.appendChild(child);
    }
    return parent;
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }

  function svg(tag, attrs) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  /** The address itself when it is an http(s) URL, else null: nothing else becomes a link. */
  function safeHref(url) {
    if (typeof url !== "string" || !url) { return null; }
    var parsed;
    try { parsed = new URL(url); } catch (err) { return null; }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") { return null; }
    return parsed.href;
  }

  function link(label, url) {
    var href = safeHref(url);
    if (!href) { return null; }
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, label);
  }

  function doiUrl(doi) {
    return "https://doi.org/" + encodeURI(doi).replace(/#/g, "%23").replace(/\?/g, "%3F");
  }

  function pmidUrl(pmid) {
    return /^[0-9]+$/.test(pmid) ? "https://pubmed.ncbi.nlm.nih.gov/" + pmid + "/" : null;
  }

  function plural(n, word, many) { return n + " " + (n === 1 ? word : (many || word + "s")); }

  function fmt(n) { return Number(n).toLocaleString("en"); }

  function splitMulti(value) {
    return typeof value === "string" && value ? value.split("|").map(function (s) { return s.trim(); }) : [];
  }

  // ------------------------------------------------------------------ data

  var DATA = JSON.parse(byId("kg-data").textContent);
  var PAGE = JSON.parse(byId("kg-page").textContent);

  /** A table written as {columns, data} (large parts of kg-page) as objects; a null cell is left out. */
  function rows(table) {
    var columns = table.columns;
    return table.data.map(function (r) {
      var o = {};
      for (var i = 0; i < columns.length; i++) { if (r[i] !== null) { o[columns[i]] = r[i]; } }
      return o;
    });
  }
  PAGE.view.nodes = rows(PAGE.view.nodes);
  PAGE.view.edges = rows(PAGE.view.edges);
  PAGE.pairs = rows(PAGE.pairs);
  PAGE.conflicts = rows(PAGE.conflicts);
  PAGE.matrix.rows = rows(PAGE.matrix.rows);
  PAGE.matrix.columns = rows(PAGE.matrix.columns);
  var VOCAB = PAGE.vocab;
  var META = PAGE.meta;

  function indexBy(list) {
    var m = new Map();
    list.forEach(function (item) { m.set(item.value, item); });
    return m;
  }
  var verdictInfo = indexBy(VOCAB.verdicts);
  var effectInfo = indexBy(VOCAB.effects);
  var timeframeInfo = indexBy(VOCAB.timeframes);
  var certaintyInfo = indexBy(VOCAB.certainties);
  var recInfo = indexBy(VOCAB.recommendations);
  var sourceTypeInfo = indexBy(VOCAB.source_types);
  var categoryInfo = indexBy(VOCAB.categories);
  var verdictRank = new Map(VOCAB.verdicts.map(function (v, i) { return [v.value, i]; }));

  var nodeByKey = new Map();
  var nodesOfKind = { treatment: [], condition: [], source: [] };
  DATA.nodes.forEach(function (n) {
    nodeByKey.set(n.key, n);
    if (nodesOfKind[n.kind]) { nodesOfKind[n.kind].push(n); }
  });
  function node(kind, id) { return nodeByKey.get(kind + ":" + id); }
  function labelOf(kind, id) { var n = node(kind, id); return n ? String(n.label) : id; }

  var statements = [];
  var stmtById = new Map();
  var edgeByKey = new Map();
  DATA.edges.forEach(function (e) {
    edgeByKey.set(e.key, e);
    if (e.kind === "evidence") {
      e.treatment = e.from.slice("treatment:".length);
      e.condition = e.to.slice("condition:".length);
      statements.push(e);
      stmtById.set(e.id, e);
    }
  });
  var sourceType = new Map(nodesOfKind.source.map(function (s) { return [s.id, s.type]; }));
  var treatmentCategory = new Map(nodesOfKind.treatment.map(function (t) { return [t.id, t.category]; }));

  var pairs = PAGE.pairs;
  var pairByKey = new Map();
  var pairOfStmt = new Map();
  var pairsByTreatment = new Map();
  var pairsByCondition = new Map();
  var conflictsOfStmt = new Map();
  function push(map, key, value) { var l = map.get(key); if (!l) { l = []; map.set(key, l); } l.push(value); }
  pairs.forEach(function (p) {
    p.statements = [];
    p.conflicts = [];
    pairByKey.set(p.key, p);
    push(pairsByTreatment, p.treatment, p);
    push(pairsByCondition, p.condition, p);
  });
  statements.forEach(function (s) {
    var p = pairByKey.get("pair:" + s.treatment + "|" + s.condition);
    if (p) { p.statements.push(s.id); pairOfStmt.set(s.id, p); }
  });
  PAGE.conflicts.forEach(function (c) {
    var p = pairByKey.get(c.pair);
    if (p) { p.conflicts.push([c.kind, c.a, c.b]); }
    push(conflictsOfStmt, c.a, { kind: c.kind, other: c.b });
    push(conflictsOfStmt, c.b, { kind: c.kind, other: c.a });
  });
  var stmtsBySource = new Map();
  statements.forEach(function (s) { push(stmtsBySource, s.source, s); });

  var childrenOf = { treatment: new Map(), condition: new Map() };
  ["treatment", "condition"].forEach(function (kind) {
    nodesOfKind[kind].forEach(function (n) { if (n.parent) { push(childrenOf[kind], n.parent, n.id); } });
  });
  function narrower(kind, id) {
    var out = new Set([id]);
    var queue = [id];
    while (queue.length) {
      (childrenOf[kind].get(queue.shift()) || []).forEach(function (c) {
        if (!out.has(c)) { out.add(c); queue.push(c); }
      });
    }
    return out;
  }

  var weight = new Map();
  statements.forEach(function (s) {
    weight.set(s.from, (weight.get(s.from) || 0) + 1);
    weight.set(s.to, (weight.get(s.to) || 0) + 1);
    var src = "source:" + s.source;
    weight.set(src, (weight.get(src) || 0) + 1);
  });

  // ------------------------------------------------------------------ state and filtering

  var FILTERS = {
    verdicts: VOCAB.verdicts, effects: VOCAB.effects, timeframes: VOCAB.timeframes,
    source_types: VOCAB.source_types, certainties: VOCAB.certainties, categories: VOCAB.categories
  };
  var INITIAL = PAGE.initial;

  function defaultState() {
    var st = { condition: INITIAL.condition || "", expanded: !!INITIAL.expanded,
      showHierarchy: INITIAL.show_hierarchy !== false, showSources: !!INITIAL.show_sources,
      tab: INITIAL.tab || "graph", pinned: new Set() };
    Object.keys(FILTERS).forEach(function (name) {
      var chosen = INITIAL[name];
      st[name] = new Set(chosen ? chosen : FILTERS[name].map(function (v) { return v.value; }));
    });
    return st;
  }
  var state = defaultState();

  function allOf(name) { return FILTERS[name].every(function (v) { return state[name].has(v.value); }); }

  function filtersActive() {
    return !!state.condition || !Object.keys(FILTERS).every(allOf);
  }

  var conditionScope = null;
  function scope() {
    if (!state.condition) { return null; }
    if (!conditionScope || conditionScope.id !== state.condition) {
      conditionScope = { id: state.condition, set: narrower("condition", state.condition) };
    }
    return conditionScope.set;
  }

  function stmtPasses(s) {
    var within = scope();
    if (within && !within.has(s.condition)) { return false; }
    return state.effects.has(s.effect) && state.timeframes.has(s.timeframe) &&
      state.source_types.has(sourceType.get(s.source)) &&
      state.certainties.has(s.certainty || "none") &&
      state.categories.has(treatmentCategory.get(s.treatment));
  }

  function pairPasses(p) {
    if (!state.verdicts.has(p.verdict)) { return false; }
    for (var i = 0; i < p.statements.length; i++) {
      if (stmtPasses(stmtById.get(p.statements[i]))) { return true; }
    }
    return false;
  }

  /** Which node and edge keys the graph draws now, after filters and the size cap. */
  function compute() {
    var active = filtersActive();
    var nodes = new Set();
    var edges = [];
    var okPairs = new Set();
    pairs.forEach(function (p) { if (pairPasses(p)) { okPairs.add(p.key); } });
    var citing = new Set();
    if (state.expanded) {
      statements.forEach(function (s) {
        if (okPairs.has(pairOfStmt.get(s.id).key) && stmtPasses(s)) {
          edges.push("evidence:" + s.id);
          citing.add(s.source + ":" + s.treatment);
        }
      });
    } else {
      okPairs.forEach(function (key) {
        edges.push(key);
        pairByKey.get(key).statements.forEach(function (id) {
          var s = stmtById.get(id);
          if (stmtPasses(s)) { citing.add(s.source + ":" + s.treatment); }
        });
      });
    }
    if (!active) {
      nodesOfKind.treatment.forEach(function (n) { nodes.add(n.key); });
      nodesOfKind.condition.forEach(function (n) { nodes.add(n.key); });
    } else {
      edges.forEach(function (key) {
        var e = key.slice(0, 5) === "pair:" ? pairByKey.get(key) : stmtById.get(key.slice(9));
        nodes.add("treatment:" + e.treatment);
        nodes.add("condition:" + e.condition);
      });
      if (state.condition) { nodes.add("condition:" + state.condition); }
    }
    if (state.showSources) {
      nodesOfKind.source.forEach(function (n) {
        if (!active || (stmtsBySource.get(n.id) || []).some(function (s) { return citing.has(s.source + ":" + s.treatment); })) {
          nodes.add(n.key);
        }
      });
    }
    state.pinned.forEach(function (k) { nodes.add(k); });

    var totalNodes = nodes.size;
    var cappedNodes = false;
    if (nodes.size > META.max_nodes) {
      var ranked = Array.from(nodes).sort(function (a, b) {
        var pa = state.pinned.has(a) ? 1 : 0, pb = state.pinned.has(b) ? 1 : 0;
        if (pa !== pb) { return pb - pa; }
        var ca = a.slice(0, 10) === "condition:" ? 1 : 0, cb = b.slice(0, 10) === "condition:" ? 1 : 0;
        if (ca !== cb) { return cb - ca; }
        return (weight.get(b) || 0) - (weight.get(a) || 0) || (a < b ? -1 : 1);
      });
      nodes = new Set(ranked.slice(0, META.max_nodes));
      cappedNodes = true;
    }
    var drawn = edges.filter(function (key) {
      var e = key.slice(0, 5) === "pair:" ? pairByKey.get(key) : stmtById.get(key.slice(9));
      return nodes.has("treatment:" + e.treatment) && nodes.has("condition:" + e.condition);
    });
    if (state.showHierarchy) {
      ["treatment", "condition"].forEach(function (kind) {
        nodesOfKind[kind].forEach(function (n) {
          if (n.parent && nodes.has(n.key) && nodes.has(kind + ":" + n.parent)) {
            drawn.push("broader:" + kind + ":" + n.id);
          }
        });
      });
    }
    if (state.showSources) {
      citing.forEach(function (pair) {
        var i = pair.indexOf(":");
        var s = pair.slice(0, i), t = pair.slice(i + 1);
        if (nodes.has("source:" + s) && nodes.has("treatment:" + t)) { drawn.push("cites:" + s + ":" + t); }
      });
    }
    var totalEdges = drawn.length;
    var cappedEdges = false;
    if (drawn.length > META.max_edges) { drawn = drawn.slice(0, META.max_edges); cappedEdges = true; }
    return { nodes: nodes, edges: new Set(drawn), totalNodes: totalNodes, totalEdges: totalEdges,
      cappedNodes: cappedNodes, cappedEdges: cappedEdges, okPairs: okPairs, active: active };
  }

  // ------------------------------------------------------------------ chips and small pieces

  function chip(info, fallback) {
    if (!info) { return el("span", { className: "kg-chip" }, fallback || ""); }
    return el("span", { className: "kg-chip", style: { background: info.color, color: info.text } }, info.label);
  }

  function verdictChip(v) { return chip(verdictInfo.get(v), v); }
  function effectChip(e) { return chip(effectInfo.get(e), e); }

  function swatch(colour, dashed) {
    var s = el("span", { className: "kg-swatch" + (dashed ? " kg-dashed" : "") });
    s.style.setProperty("--c", colour);
    return s;
  }

  function shapeIcon(shape, colour, size) {
    size = size || 14;
    var box = svg("svg", { width: size, height: size, viewBox: "0 0 20 20", "aria-hidden": "true", "class": "kg-shape" });
    var f = { fill: colour, stroke: "#333", "stroke-width": 1 };
    var s;
    if (shape === "dot") { s = svg("circle", { cx: 10, cy: 10, r: 8 }); }
    else if (shape === "square") { s = svg("rect", { x: 3, y: 3, width: 14, height: 14 }); }
    else if (shape === "diamond") { s = svg("polygon", { points: "10,1 19,10 10,19 1,10" }); }
    else if (shape === "triangle") { s = svg("polygon", { points: "10,2 19,18 1,18" }); }
    else if (shape === "triangleDown") { s = svg("polygon", { points: "1,2 19,2 10,18" }); }
    else if (shape === "star") { s = svg("polygon", { points: "10,1 12.6,7.3 19.5,7.6 14.1,11.9 16,18.6 10,14.8 4,18.6 5.9,11.9 0.5,7.6 7.4,7.3" }); }
    else if (shape === "hexagon") { s = svg("polygon", { points: "5,2 15,2 19.5,10 15,18 5,18 0.5,10" }); }
    else if (shape === "box") { s = svg("rect", { x: 1, y: 5, width: 18, height: 10, rx: 2 }); }
    else { s = svg("circle", { cx: 10, cy: 10, r: 8 }); }
    Object.keys(f).forEach(function (k) { s.setAttribute(k, String(f[k])); });
    box.appendChild(s);
    return box;
  }

  function lineIcon(colour, dash, width) {
    var box = svg("svg", { width: 30, height: 12, viewBox: "0 0 30 12", "aria-hidden": "true", "class": "kg-line" });
    var line = svg("line", { x1: 1, y1: 6, x2: 29, y2: 6, stroke: colour, "stroke-width": width || 3 });
    if (dash) { line.setAttribute("stroke-dasharray", dash); }
    box.appendChild(line);
    return box;
  }

  function sourceLine(sourceId) {
    var src = node("source", sourceId);
    if (!src) { return el("div", { className: "kg-src" }, sourceId); }
    var bits = [];
    var type = sourceTypeInfo.get(src.type);
    bits.push(type ? type.label : src.type);
    if (src.year) { bits.push(String(src.year)); }
    if (src.publisher) { bits.push(src.publisher); }
    var links = [];
    if (src.doi) { links.push(link("DOI " + src.doi, doiUrl(src.doi))); }
    if (src.pmid && pmidUrl(src.pmid)) { links.push(link("PubMed " + src.pmid, pmidUrl(src.pmid))); }
    if (src.url) { links.push(link("Web page", src.url)); }
    links = links.filter(Boolean);
    var out = el("div", { className: "kg-src" },
      el("button", { type: "button", className: "kg-link kg-src-title", dataset: { key: src.key } }, src.title),
      el("span", { className: "kg-muted" }, " (" + bits.join(", ") + ")"));
    if (links.length) {
      var span = el("span", { className: "kg-links" });
      links.forEach(function (a) { append(span, a); });
      out.appendChild(span);
    }
    return out;
  }

  function statementCard(s, withPair) {
    var passes = stmtPasses(s) && pairPasses(pairOfStmt.get(s.id));
    var card = el("article", { className: "kg-stmt" + (passes ? "" : " kg-dim"), dataset: { id: s.id } });
    append(card, el("div", { className: "kg-stmt-head" }, effectChip(s.effect), " ",
      el("strong", { className: "kg-summary" }, s.summary)));
    if (withPair) {
      append(card, el("div", { className: "kg-stmt-pair" },
        el("button", { type: "button", className: "kg-link", dataset: { key: s.from } }, labelOf("treatment", s.treatment)),
        " → ",
        el("button", { type: "button", className: "kg-link", dataset: { key: s.to } }, labelOf("condition", s.condition))));
    }
    var meta = el("div", { className: "kg-stmt-meta" });
    var tf = timeframeInfo.get(s.timeframe);
    append(meta, el("span", { className: "kg-tag" }, tf ? tf.label : s.timeframe));
    append(meta, el("span", { className: "kg-tag" }, "Certainty: " + (s.certainty ? certaintyInfo.get(s.certainty).label : "not stated")));
    if (s.recommendation) {
      append(meta, el("span", { className: "kg-tag kg-rec-" + s.recommendation }, recInfo.get(s.recommendation).label));
    }
    if (s.comparator) { append(meta, el("span", { className: "kg-tag" }, "compared with " + labelOf("treatment", s.comparator))); }
    card.appendChild(meta);
    var details = el("dl", { className: "kg-dl" });
    if (s.outcome) { append(details, el("dt", null, "Outcome"), el("dd", null, s.outcome)); }
    if (s.population) { append(details, el("dt", null, "Population"), el("dd", null, s.population)); }
    if (details.firstChild) { card.appendChild(details); }
    append(card, el("blockquote", { className: "kg-quote" }, s.quote));
    card.appendChild(sourceLine(s.source));
    if (s.notes) { append(card, el("p", { className: "kg-notes" }, "Curator’s note: " + s.notes)); }
    (conflictsOfStmt.get(s.id) || []).forEach(function (c) {
      var other = stmtById.get(c.other);
      if (!other) { return; }
      var src = node("source", other.source);
      append(card, el("p", { className: "kg-conflict" }, "Disagrees (" + c.kind + ") with: “" + other.summary + "” — " +
        (src ? src.title : other.source)));
    });
    if (!passes) { append(card, el("p", { className: "kg-muted kg-small" }, "Outside the current filters.")); }
    return card;
  }

  function timeframeStrip(p) {
    var strip = el("div", { className: "kg-tf" });
    [["short_term", "Short"], ["medium_term", "Medium"], ["long_term", "Long"]].forEach(function (t) {
      var cell = el("div", { className: "kg-tf-cell" }, el("span", { className: "kg-tf-name" }, t[1]));
      var effects = splitMulti(p[t[0]]);
      if (!effects.length) { append(cell, el("span", { className: "kg-muted" }, "—")); }
      effects.forEach(function (e) { append(cell, effectChip(e)); });
      strip.appendChild(cell);
    });
    return strip;
  }

  function pairSummaryLine(p) {
    var best = sourceTypeInfo.get(p.best_source_type);
    return plural(p.sources, "source") + " · strongest: " + (best ? best.label : p.best_source_type) +
      " · " + plural(p.statements.length, "statement");
  }

  function pairBlock(p, open, withStatements) {
    var head = el("div", { className: "kg-pair-head" },
      verdictChip(p.verdict), " ", el("span", { className: "kg-headline" }, p.headline));
    var title = el("h3", { className: "kg-pair-title" },
      el("button", { type: "button", className: "kg-link", dataset: { key: "treatment:" + p.treatment } }, labelOf("treatment", p.treatment)),
      " → ",
      el("button", { type: "button", className: "kg-link", dataset: { key: "condition:" + p.condition } }, labelOf("condition", p.condition)));
    var body = el("div", { className: "kg-pair-body" }, timeframeStrip(p), el("p", { className: "kg-muted kg-small" }, pairSummaryLine(p)));
    var box = el("section", { className: "kg-pair", dataset: { pair: p.key } });
    if (withStatements === false) {
      append(box, title, head, body);
      return box;
    }
    var det = el("details", { className: "kg-pair-details" });
    if (open) { det.open = true; }
    var summary = el("summary", null, "The sources’ own words (" + plural(p.statements.length, "statement") + ")");
    det.appendChild(summary);
    var filled = false;
    function fill() {
      if (filled) { return; }
      filled = true;
      p.statements.forEach(function (id) { det.appendChild(statementCard(stmtById.get(id), false)); });
    }
    if (open) { fill(); }
    det.addEventListener("toggle", function () { if (det.open) { fill(); } });
    append(box, title, head, body, det);
    return box;
  }

  // ------------------------------------------------------------------ side panel

  var panel = byId("kg-panel");
  var panelBody = byId("kg-panel-body");
  var panelKind = byId("kg-panel-kind");

  function openPanel(kindText, content) {
    clear(panelBody);
    panelKind.textContent = kindText;
    append(panelBody, content);
    panel.hidden = false;
    panelBody.scrollTop = 0;
    document.body.classList.add("kg-panel-open");
    resizeNetwork();
  }

  function closePanel() {
    panel.hidden = true;
    document.body.classList.remove("kg-panel-open");
    resizeNetwork();
  }

  var KNOWN_FIELDS = new Set(["key", "kind", "id", "label", "synonyms", "parent", "category", "xrefs", "description",
    "body_site", "notes", "title", "type", "publisher", "authors", "year", "doi", "pmid", "url", "text_file"]);

  function fieldList(n, extra) {
    var dl = el("dl", { className: "kg-dl" });
    extra.forEach(function (pair) { if (pair[1]) { append(dl, el("dt", null, pair[0]), el("dd", null, pair[1])); } });
    Object.keys(n).forEach(function (k) {
      if (!KNOWN_FIELDS.has(k)) { append(dl, el("dt", null, k), el("dd", null, String(n[k]))); }
    });
    return dl.firstChild ? dl : null;
  }

  function relatives(kind, n) {
    var out = [];
    if (n.parent) {
      out.push(el("p", { className: "kg-small" }, "Broader: ",
        el("button", { type: "button", className: "kg-link", dataset: { key: kind + ":" + n.parent } }, labelOf(kind, n.parent))));
    }
    var kids = childrenOf[kind].get(n.id) || [];
    if (kids.length) {
      var p = el("p", { className: "kg-small" }, "Narrower: ");
      kids.forEach(function (c, i) {
        if (i) { p.appendChild(document.createTextNode(", ")); }
        p.appendChild(el("button", { type: "button", className: "kg-link", dataset: { key: kind + ":" + c } }, labelOf(kind, c)));
      });
      out.push(p);
    }
    return out;
  }

  function sortPairs(list) {
    return list.slice().sort(function (a, b) {
      return (verdictRank.get(a.verdict) - verdictRank.get(b.verdict)) ||
        (labelOf("treatment", a.treatment) < labelOf("treatment", b.treatment) ? -1 : 1);
    });
  }

  var PAGE_SIZE = 40;
  function pagedList(container, items, render) {
    var shown = 0;
    var more = el("button", { type: "button", className: "kg-more" });
    function next() {
      var upto = Math.min(items.length, shown + PAGE_SIZE);
      for (; shown < upto; shown++) { container.insertBefore(render(items[shown]), more); }
      if (shown >= items.length) { more.remove(); } else { more.textContent = "Show " + fmt(Math.min(PAGE_SIZE, items.length - shown)) + " more of " + fmt(items.length - shown); }
    }
    container.appendChild(more);
    more.addEventListener("click", next);
    next();
    return container;
  }

  function nodePanel(key) {
    var n = nodeByKey.get(key);
    if (!n) { return; }
    var content = [];
    if (n.kind === "treatment") {
      var cat = categoryInfo.get(n.category);
      content.push(el("h2", { className: "kg-panel-title" }, n.label));
      content.push(el("p", { className: "kg-sub" }, shapeIcon(cat.shape, cat.color), " " + cat.label));
      content.push(fieldList(n, [["Also called", splitMulti(n.synonyms).join(", ")], ["Description", n.description],
        ["Cross-references", splitMulti(n.xrefs).join(", ")], ["Curator’s note", n.notes]]));
      content = content.concat(relatives("treatment", n));
      var tp = sortPairs(pairsByTreatment.get(n.id) || []);
      content.push(el("h3", { className: "kg-section" }, tp.length ? "Evidence for " + plural(tp.length, "condition") : "No statements about this treatment"));
      content.push(pagedList(el("div"), tp, function (p) { return pairBlock(p, tp.length <= 3); }));
      openPanel("Treatment", content);
    } else if (n.kind === "condition") {
      content.push(el("h2", { className: "kg-panel-title" }, n.label));
      content.push(fieldList(n, [["Also called", splitMulti(n.synonyms).join(", ")], ["Body site", n.body_site],
        ["Description", n.description], ["Cross-references", splitMulti(n.xrefs).join(", ")], ["Curator’s note", n.notes]]));
      content = content.concat(relatives("condition", n));
      var under = narrower("condition", n.id);
      var cp = [];
      under.forEach(function (c) { cp = cp.concat(pairsByCondition.get(c) || []); });
      cp = sortPairs(cp);
      content.push(el("h3", { className: "kg-section" }, cp.length ? plural(cp.length, "treatment–condition pair") +
        (under.size > 1 ? " (with narrower conditions)" : "") : "No statements about this condition"));
      content.push(pagedList(el("div"), cp, function (p) { return pairBlock(p, cp.length <= 3); }));
      openPanel("Condition", content);
    } else if (n.kind === "source") {
      var type = sourceTypeInfo.get(n.type);
      content.push(el("h2", { className: "kg-panel-title" }, n.title));
      content.push(el("p", { className: "kg-sub" }, (type ? type.label : n.type) + (n.year ? ", " + n.year : "")));
      content.push(fieldList(n, [["Publisher", n.publisher], ["Authors", splitMulti(n.authors).join("; ")], ["Curator’s note", n.notes]]));
      var links = [n.doi ? link("DOI " + n.doi, doiUrl(n.doi)) : null,
        n.pmid ? link("PubMed " + n.pmid, pmidUrl(n.pmid)) : null, n.url ? link(n.url, n.url) : null].filter(Boolean);
      if (links.length) { content.push(append(el("p", { className: "kg-links" }), links)); }
      var ss = stmtsBySource.get(n.id) || [];
      content.push(el("h3", { className: "kg-section" }, plural(ss.length, "statement") + " from this source"));
      content.push(pagedList(el("div"), ss, function (s) { return statementCard(s, true); }));
      openPanel("Source", content);
    }
  }

  function edgePanel(key) {
    if (key.slice(0, 5) === "pair:") {
      var p = pairByKey.get(key);
      openPanel("Treatment → condition", [pairBlock(p, true)]);
    } else if (key.slice(0, 9) === "evidence:") {
      var s = stmtById.get(key.slice(9));
      openPanel("Statement", [statementCard(s, true), pairBlock(pairOfStmt.get(s.id), false, false)]);
    } else if (key.slice(0, 8) === "broader:") {
      var e = edgeByKey.get(key);
      var a = nodeByKey.get(e.from), b = nodeByKey.get(e.to);
      openPanel("Hierarchy", [el("p", null,
        el("button", { type: "button", className: "kg-link", dataset: { key: a.key } }, a.label),
        " is a narrower " + a.kind + " of ",
        el("button", { type: "button", className: "kg-link", dataset: { key: b.key } }, b.label))]);
    } else if (key.slice(0, 6) === "cites:") {
      var c = edgeByKey.get(key);
      var src = c.from.slice(7), tr = c.to.slice(10);
      var list = (stmtsBySource.get(src) || []).filter(function (s) { return s.treatment === tr; });
      openPanel("Source → treatment", [el("h2", { className: "kg-panel-title" }, labelOf("source", src)),
        el("p", { className: "kg-sub" }, plural(list.length, "statement") + " about " + labelOf("treatment", tr))]
        .concat(list.map(function (s) { return statementCard(s, true); })));
    }
  }

  panelBody.addEventListener("click", function (ev) {
    var target = ev.target.closest ? ev.target.closest("button[data-key]") : null;
    if (target) { focusNode(target.dataset.key); }
  });
  byId("kg-panel-close").addEventListener("click", closePanel);

  // ------------------------------------------------------------------ tooltip

  var tip = byId("kg-tip");
  var graphView = byId("kg-graph-view");

  function tipLines(key, isEdge) {
    var out = [];
    if (!isEdge) {
      var n = nodeByKey.get(key);
      if (!n) { return out; }
      if (n.kind === "source") {
        var type = sourceTypeInfo.get(n.type);
        out.push(el("div", { className: "kg-tip-title" }, n.title));
        out.push(el("div", { className: "kg-muted" }, (type ? type.label : n.type) + (n.year ? ", " + n.year : "") +
          " · " + plural((stmtsBySource.get(n.id) || []).length, "statement")));
        return out;
      }
      out.push(el("div", { className: "kg-tip-title" }, n.label));
      var list = n.kind === "treatment" ? (pairsByTreatment.get(n.id) || []) : (pairsByCondition.get(n.id) || []);
      var sub = n.kind === "treatment" ? categoryInfo.get(n.category).label : "Condition" + (n.body_site ? " · " + n.body_site : "");
      out.push(el("div", { className: "kg-muted" }, sub));
      if (n.synonyms) { out.push(el("div", { className: "kg-muted" }, "Also: " + splitMulti(n.synonyms).join(", "))); }
      if (!list.length) { out.push(el("div", null, "No statements.")); return out; }
      sortPairs(list).slice(0, 6).forEach(function (p) {
        var other = n.kind === "treatment" ? labelOf("condition", p.condition) : labelOf("treatment", p.treatment);
        out.push(el("div", { className: "kg-tip-row" }, swatch(verdictInfo.get(p.verdict).color), " ",
          el("strong", null, other), ": " + p.headline));
      });
      if (list.length > 6) { out.push(el("div", { className: "kg-muted" }, "… and " + (list.length - 6) + " more")); }
      out.push(el("div", { className: "kg-hint" }, "Click for the statements and quotes."));
      return out;
    }
    if (key.slice(0, 5) === "pair:") {
      var p = pairByKey.get(key);
      out.push(el("div", { className: "kg-tip-title" }, labelOf("treatment", p.treatment) + " → " + labelOf("condition", p.condition)));
      out.push(el("div", null, verdictChip(p.verdict), " " + p.headline));
      out.push(timeframeStrip(p));
      out.push(el("div", { className: "kg-muted" }, pairSummaryLine(p)));
      p.statements.slice(0, 4).forEach(function (id) { out.push(stmtTipRow(stmtById.get(id))); });
      if (p.statements.length > 4) { out.push(el("div", { className: "kg-muted" }, "… and " + (p.statements.length - 4) + " more")); }
      out.push(el("div", { className: "kg-hint" }, "Click for the sources’ own words."));
    } else if (key.slice(0, 9) === "evidence:") {
      var s = stmtById.get(key.slice(9));
      out.push(el("div", { className: "kg-tip-title" }, labelOf("treatment", s.treatment) + " → " + labelOf("condition", s.condition)));
      out.push(stmtTipRow(s));
      out.push(el("div", { className: "kg-hint" }, "Click for the quote."));
    } else if (key.slice(0, 8) === "broader:") {
      var e = edgeByKey.get(key);
      out.push(el("div", null, nodeByKey.get(e.from).label + " is narrower than " + nodeByKey.get(e.to).label));
    } else if (key.slice(0, 6) === "cites:") {
      var c = edgeByKey.get(key);
      out.push(el("div", null, labelOf("source", c.from.slice(7)) + " has statements about " + labelOf("treatment", c.to.slice(10))));
    }
    return out;
  }

  function stmtTipRow(s) {
    var tf = timeframeInfo.get(s.timeframe);
    var bits = [tf ? tf.short : s.timeframe];
    bits.push("certainty " + (s.certainty ? certaintyInfo.get(s.certainty).label.toLowerCase() : "not stated"));
    if (s.recommendation) { bits.push(recInfo.get(s.recommendation).label.toLowerCase()); }
    if (s.comparator) { bits.push("vs " + labelOf("treatment", s.comparator)); }
    var src = node("source", s.source);
    return el("div", { className: "kg-tip-stmt" }, effectChip(s.effect), " ", el("span", null, s.summary),
      el("div", { className: "kg-muted" }, bits.join(" · ") + " — " + (src ? src.title : s.source)));
  }

  function showTip(key, isEdge, pointer) {
    clear(tip);
    append(tip, tipLines(key, isEdge));
    tip.hidden = false;
    var box = graphView.getBoundingClientRect();
    var w = tip.offsetWidth, h = tip.offsetHeight;
    var x = pointer.x + 16, y = pointer.y + 16;
    if (x + w > box.width - 8) { x = Math.max(8, pointer.x - w - 16); }
    if (y + h > box.height - 8) { y = Math.max(8, box.height - h - 8); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
    tip.dataset.key = key;
  }

  function hideTip() { tip.hidden = true; delete tip.dataset.key; }

  // ------------------------------------------------------------------ the network

  var network = null;
  var nodesDS = null, edgesDS = null;
  var shownNodes = new Set(), shownEdges = new Set();
  var current = null;
  var api = window.kgPage = { ready: false, state: state, data: DATA, page: PAGE, safeHref: safeHref };
  var note = byId("kg-graph-note");
  var physicsLayout = !!(PAGE.view.options.physics && PAGE.view.options.physics.enabled);
  var placedSources = new Set();

  /** The canvas follows its container (the details panel or the filters opened or closed). */
  function resizeNetwork() {
    if (network && !byId("kg-graph-view").hidden) {
      network.setSize("100%", "100%");
      network.redraw();
    }
  }

  function fitVisible() {
    network.fit({ nodes: Array.from(shownNodes), animation: false });
  }

  function markReady() {
    if (api.ready) { return; }
    api.ready = true;
    document.body.dataset.ready = "true";
    note.textContent = "";
    if (INITIAL.focus) { focusNode(INITIAL.focus); }
  }

  /* Filtering flips the `hidden` flag of the items that change, in one DataSet update each:
   * nodes keep their positions, and nothing is rebuilt. */
  function buildNetwork() {
    if (network || typeof vis === "undefined") { return; }
    PAGE.view.nodes.forEach(function (n) { n.hidden = !current.nodes.has(n.id); });
    PAGE.view.edges.forEach(function (e) { e.hidden = !current.edges.has(e.id); });
    shownNodes = new Set(current.nodes);
    shownEdges = new Set(current.edges);
    placeSources();
    nodesDS = new vis.DataSet(PAGE.view.nodes);
    edgesDS = new vis.DataSet(PAGE.view.edges);
    if (physicsLayout) { note.textContent = "Arranging the graph…"; }
    network = new vis.Network(byId("kg-network"), { nodes: nodesDS, edges: edgesDS }, PAGE.view.options);
    api.network = network;
    if (physicsLayout) {
      network.once("stabilizationIterationsDone", function () {
        network.setOptions({ physics: { enabled: false } });
        fitVisible();
        markReady();
      });
    } else {
      network.once("afterDrawing", function () { markReady(); });
    }
    network.on("hoverNode", function (p) { showTip(p.node, false, p.pointer.DOM); });
    network.on("hoverEdge", function (p) { showTip(p.edge, true, p.pointer.DOM); });
    network.on("blurNode", hideTip);
    network.on("blurEdge", hideTip);
    network.on("dragStart", hideTip);
    network.on("zoom", hideTip);
    network.on("click", function (p) {
      hideTip();
      if (p.nodes.length) { nodePanel(p.nodes[0]); }
      else if (p.edges.length) { edgePanel(p.edges[0]); }
    });
  }

  /** Physics layout: a source shown for the first time goes beside the treatments it is cited for. */
  function placeSources() {
    if (!physicsLayout || !network) { return []; }
    var updates = [];
    var n = 0;
    current.nodes.forEach(function (key) {
      if (key.slice(0, 7) !== "source:" || placedSources.has(key)) { return; }
      placedSources.add(key);
      var cited = [];
      (stmtsBySource.get(key.slice(7)) || []).forEach(function (s) { if (shownNodes.has(s.from) || current.nodes.has(s.from)) { cited.push(s.from); } });
      var pos = network.getPositions(cited);
      var ids = Object.keys(pos);
      if (!ids.length) { return; }
      var x = 0, y = 0;
      ids.forEach(function (id) { x += pos[id].x; y += pos[id].y; });
      x /= ids.length; y /= ids.length;
      var angle = Math.atan2(y, x) + 0.35 * (n % 5 - 2);
      n++;
      updates.push({ id: key, x: x + 90 * Math.cos(angle), y: y + 90 * Math.sin(angle) });
    });
    return updates;
  }

  /** Physics layout: sources shown for the first time find a free place near their treatments
   * (everything else is pinned meanwhile, so the graph the reader knows does not move). */
  function settleSources(keys) {
    if (!physicsLayout || !keys.length || !api.ready) { return; }
    var others = Array.from(shownNodes).filter(function (k) { return k.slice(0, 7) !== "source:"; });
    var cites = Array.from(shownEdges).filter(function (k) { return k.slice(0, 6) === "cites:"; });
    nodesDS.update(others.map(function (k) { return { id: k, fixed: { x: true, y: true } }; })
      .concat(keys.map(function (k) { return { id: k, physics: true }; })));
    edgesDS.update(cites.map(function (k) { return { id: k, physics: true }; }));
    network.setOptions({ physics: { enabled: true, stabilization: { fit: false } } });
    network.once("stabilized", function () {
      network.setOptions({ physics: { enabled: false } });
      nodesDS.update(others.map(function (k) { return { id: k, fixed: false }; })
        .concat(keys.map(function (k) { return { id: k, physics: false }; })));
      edgesDS.update(cites.map(function (k) { return { id: k, physics: false }; }));
      network.fit({ nodes: Array.from(shownNodes), animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    });
    network.stabilize(300);
  }

  function applyFilters() {
    current = compute();
    api.current = current;
    if (network) {
      var nodeUpdates = placeSources();
      var placedNow = new Set(nodeUpdates.map(function (u) { return u.id; }));
      nodeUpdates.forEach(function (u) { u.hidden = false; });
      var edgeUpdates = [];
      current.nodes.forEach(function (k) { if (!shownNodes.has(k) && !placedNow.has(k)) { nodeUpdates.push({ id: k, hidden: false }); } });
      shownNodes.forEach(function (k) { if (!current.nodes.has(k)) { nodeUpdates.push({ id: k, hidden: true }); } });
      current.edges.forEach(function (k) { if (!shownEdges.has(k)) { edgeUpdates.push({ id: k, hidden: false }); } });
      shownEdges.forEach(function (k) { if (!current.edges.has(k)) { edgeUpdates.push({ id: k, hidden: true }); } });
      shownNodes = new Set(current.nodes);
      shownEdges = new Set(current.edges);
      if (nodeUpdates.length) { nodesDS.update(nodeUpdates); }
      if (edgeUpdates.length) { edgesDS.update(edgeUpdates); }
      settleSources(Array.from(placedNow));
    }
    updateStatus();
    if (state.tab === "matrix") { renderMatrix(); } else { matrixDirty = true; }
  }

  function updateStatus() {
    var status = byId("kg-status");
    var banner = byId("kg-banner");
    var pairsShown = current.okPairs.size;
    if (state.tab === "matrix") {
      status.textContent = fmt(pairsShown) + " of " + fmt(pairs.length) + " pairs match";
    } else {
      status.textContent = "Showing " + fmt(current.nodes.size) + " nodes, " + fmt(current.edges.size) + " links";
    }
    var msgs = [];
    if (current.cappedNodes) {
      msgs.push("This graph is large: the drawing shows the " + fmt(current.nodes.size) + " nodes with most statements out of " +
        fmt(current.totalNodes) + " that match. Choose a condition or other filters to see the rest; search shows any node.");
    }
    if (current.cappedEdges) {
      msgs.push("Only " + fmt(META.max_edges) + " of " + fmt(current.totalEdges) + " links are drawn.");
    }
    if (META.counts.carried < META.counts.statements) {
      msgs.push("This page carries " + fmt(META.counts.carried) + " of the " + fmt(META.counts.statements) +
        " statements: all those of the treatments with most statements; the other treatments are shown without theirs." +
        " Query the graph (kg query) or open it in a notebook for the rest.");
    }
    banner.textContent = msgs.join(" ");
    banner.hidden = msgs.length === 0 || state.tab !== "graph";
  }

  function focusNode(key, options) {
    if (!nodeByKey.has(key)) { return false; }
    if (state.tab === "matrix") {
      if (!focusInMatrix(key)) { selectTab("graph"); }
      else { nodePanel(key); return true; }
    }
    var pinnedNote = "";
    if (!current.nodes.has(key)) {
      state.pinned.add(key);
      applyFilters();
      pinnedNote = nodeByKey.get(key).label + " is outside the current filters: it is shown anyway.";
    }
    api.focused = key;
    nodePanel(key);  // first: the panel narrows the canvas, and the focus must centre in what is left
    if (network) {
      network.selectNodes([key]);
      var scale = Math.max(network.getScale(), PAGE.view.fixed ? 0.9 : 1.1);
      // a large graph draws too slowly for a smooth animation: jump there
      var instant = (options && options.instant) || PAGE.view.fixed;
      network.focus(key, { scale: scale, animation: instant ? false : { duration: 450, easingFunction: "easeInOutQuad" } });
    }
    if (pinnedNote) { byId("kg-status").textContent = pinnedNote; }
    return true;
  }

  api.focusNode = focusNode;
  api.applyFilters = applyFilters;
  api.compute = compute;
  api.domPosition = function (key) {
    var pos = network.getPositions([key])[key];
    return pos ? network.canvasToDOM(pos) : null;
  };
  api.edgeMidpoint = function (key) {
    var edge = network.body.edges[key];
    if (!edge) { return null; }
    var via = edge.edgeType.via;
    return network.canvasToDOM(edge.edgeType.getPoint(0.5, via));
  };
  api.drawnNodes = function () { return nodesDS.getIds({ filter: function (n) { return !n.hidden; } }); };
  api.drawnEdges = function () { return edgesDS.getIds({ filter: function (e) { return !e.hidden; } }); };

  // ------------------------------------------------------------------ filters and legend

  function countsBy(field) {
    var m = new Map();
    if (field === "verdicts") { pairs.forEach(function (p) { m.set(p.verdict, (m.get(p.verdict) || 0) + 1); }); }
    else if (field === "categories") { nodesOfKind.treatment.forEach(function (t) { m.set(t.category, (m.get(t.category) || 0) + 1); }); }
    else {
      statements.forEach(function (s) {
        var v = field === "effects" ? s.effect : field === "timeframes" ? s.timeframe :
          field === "source_types" ? sourceType.get(s.source) : (s.certainty || "none");
        m.set(v, (m.get(v) || 0) + 1);
      });
    }
    return m;
  }

  var checkboxes = {};
  function buildFilters() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-filter]"), function (section) {
      var name = section.dataset.filter;
      var counts = countsBy(name);
      checkboxes[name] = [];
      var list = el("div", { className: "kg-checks" });
      FILTERS[name].forEach(function (v) {
        var box = el("input", { type: "checkbox", checked: state[name].has(v.value), dataset: { value: v.value } });
        var icon = null;
        if (name === "verdicts") { icon = lineIcon(v.color, v.dashed ? "6,4" : null, 4); }
        else if (name === "effects") { icon = swatch(v.color); }
        else if (name === "categories") { icon = shapeIcon(v.shape, v.color); }
        else if (name === "source_types") { icon = lineIcon("#6b7280", null, Math.max(1, v.width * 0.7)); }
        var n = counts.get(v.value) || 0;
        var row = el("label", { className: "kg-check" + (n ? "" : " kg-none"), title: v.description || "" }, box, icon, " ",
          el("span", null, v.label), el("span", { className: "kg-count" }, String(n)));
        box.addEventListener("change", function () {
          if (box.checked) { state[name].add(v.value); } else { state[name].delete(v.value); }
          applyFilters();
        });
        checkboxes[name].push(box);
        list.appendChild(row);
      });
      var all = el("button", { type: "button", className: "kg-mini" }, "all");
      var none = el("button", { type: "button", className: "kg-mini" }, "none");
      all.addEventListener("click", function () { setAll(name, true); });
      none.addEventListener("click", function () { setAll(name, false); });
      section.querySelector("h2").appendChild(el("span", { className: "kg-minis" }, all, none));
      section.appendChild(list);
    });

    var select = byId("kg-f-condition");
    PAGE.matrix.columns.forEach(function (c) {
      var n = node("condition", c.id);
      var opt = el("option", { value: c.id }, "\u00a0\u00a0".repeat(c.depth) + (c.depth ? "└ " : "") + n.label);
      select.appendChild(opt);
    });
    select.value = state.condition;
    select.addEventListener("change", function () { state.condition = select.value; applyFilters(); });

    [["kg-expanded", "expanded"], ["kg-show-hierarchy", "showHierarchy"], ["kg-show-sources", "showSources"]].forEach(function (t) {
      var box = byId(t[0]);
      box.checked = state[t[1]];
      box.addEventListener("change", function () { state[t[1]] = box.checked; applyFilters(); updateLegend(); });
    });
    byId("kg-reset").addEventListener("click", resetFilters);
    buildLegend();
  }

  function setAll(name, on) {
    state[name] = new Set(on ? FILTERS[name].map(function (v) { return v.value; }) : []);
    checkboxes[name].forEach(function (b) { b.checked = on; });
    applyFilters();
  }

  function resetFilters() {
    Object.keys(FILTERS).forEach(function (name) {
      state[name] = new Set(FILTERS[name].map(function (v) { return v.value; }));
      checkboxes[name].forEach(function (b) { b.checked = true; });
    });
    state.condition = "";
    state.pinned = new Set();
    byId("kg-f-condition").value = "";
    applyFilters();
  }

  var legendLines = null;
  function buildLegend() {
    var legend = byId("kg-legend");
    var kinds = el("div", { className: "kg-legend-rows" },
      el("div", null, el("span", { className: "kg-cond-sample" }, "Condition"), " condition (box)"),
      el("div", null, shapeIcon("dot", "#4e79a7"), " treatment: shape and colour by category, size by statements"),
      el("div", null, shapeIcon("dot", "#ffffff"), " treatment without statements (hierarchy only)"),
      el("div", null, el("span", { className: "kg-src-sample" }, "Source"), " source (when shown)"));
    legendLines = el("div", { className: "kg-legend-rows" });
    append(legend, kinds, legendLines);
    updateLegend();
  }

  function updateLegend() {
    if (!legendLines) { return; }
    clear(legendLines);
    if (state.expanded) {
      append(legendLines, el("div", null, lineIcon("#1a9850", null, 3), " one line per statement, coloured by its effect"),
        el("div", null, lineIcon("#1a9850", "6,4", 3), " dashed: short-term statement"),
        el("div", null, lineIcon("#6b7280", null, 5), " thicker: stronger source type and higher certainty"));
    } else {
      append(legendLines, el("div", null, lineIcon("#1a9850", null, 3), " one line per treatment → condition, coloured by verdict"),
        el("div", null, lineIcon("#91cf60", "6,4", 3), " dashed: benefit in the short term only"),
        el("div", null, lineIcon("#6b7280", null, 5), " thicker: stronger best source (guideline > review > trial …)"));
    }
    append(legendLines, el("div", null, lineIcon("#8a94a6", "2,4", 1.5), " dotted grey: narrower → broader"));
    if (state.showSources) { append(legendLines, el("div", null, lineIcon("#c9c3b3", null, 1), " source → treatment it has statements about")); }
  }

  // ------------------------------------------------------------------ search

  var searchIndex = [];
  DATA.nodes.forEach(function (n) {
    if (n.kind === "source") { return; }
    searchIndex.push({ key: n.key, text: String(n.label).toLowerCase(), via: null, n: n });
    splitMulti(n.synonyms).forEach(function (syn) { searchIndex.push({ key: n.key, text: syn.toLowerCase(), via: syn, n: n }); });
  });

  function searchMatches(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return []; }
    var scored = [];
    searchIndex.forEach(function (entry) {
      var i = entry.text.indexOf(q);
      if (i < 0) { return; }
      var score = (entry.text === q ? 0 : i === 0 ? 2 : /[\s(\-\/]/.test(entry.text.charAt(i - 1)) ? 4 : 6) + (entry.via ? 1 : 0);
      scored.push({ score: score, entry: entry });
    });
    scored.sort(function (a, b) { return a.score - b.score || (a.entry.text < b.entry.text ? -1 : 1); });
    var seen = new Set();
    var out = [];
    scored.forEach(function (s) {
      if (!seen.has(s.entry.key) && out.length < 12) { seen.add(s.entry.key); out.push(s.entry); }
    });
    return out;
  }

  var searchBox = byId("kg-search");
  var results = byId("kg-search-results");
  var currentMatches = [];
  function showResults() {
    currentMatches = searchMatches(searchBox.value);
    clear(results);
    if (!searchBox.value.trim()) { results.hidden = true; return; }
    if (!currentMatches.length) {
      results.appendChild(el("li", { className: "kg-muted" }, "No treatment or condition matches."));
    }
    currentMatches.forEach(function (m, i) {
      var kind = m.n.kind === "treatment" ? categoryInfo.get(m.n.category).label : "Condition";
      var li = el("li", { role: "option", id: "kg-sr-" + i, dataset: { key: m.key } },
        el("span", null, m.n.label), el("span", { className: "kg-muted" }, " " + kind + (m.via ? " · also “" + m.via + "”" : "")));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(m.key); });
      results.appendChild(li);
    });
    results.hidden = false;
  }
  function choose(key) {
    results.hidden = true;
    searchBox.blur();
    focusNode(key);
  }
  searchBox.addEventListener("input", showResults);
  searchBox.addEventListener("focus", showResults);
  searchBox.addEventListener("blur", function () { window.setTimeout(function () { results.hidden = true; }, 100); });
  var activeResult = -1;
  function markActive(i) {
    var items = results.querySelectorAll("li[data-key]");
    activeResult = items.length ? (i + items.length) % items.length : -1;
    Array.prototype.forEach.call(items, function (li, j) { li.setAttribute("aria-selected", String(j === activeResult)); });
    if (activeResult >= 0) { searchBox.setAttribute("aria-activedescendant", items[activeResult].id); }
  }
  searchBox.addEventListener("input", function () { activeResult = -1; });
  searchBox.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      ev.preventDefault();
      var m = searchMatches(searchBox.value);
      if (m.length) { choose(m[Math.max(0, Math.min(activeResult, m.length - 1))].key); }
    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      ev.preventDefault();
      if (results.hidden) { showResults(); }
      markActive(activeResult + (ev.key === "ArrowDown" ? 1 : -1));
    } else if (ev.key === "Escape") { results.hidden = true; }
  });

  // ------------------------------------------------------------------ tabs

  function selectTab(tab) {
    state.tab = tab;
    var graph = tab === "graph";
    byId("kg-tab-graph").setAttribute("aria-selected", String(graph));
    byId("kg-tab-matrix").setAttribute("aria-selected", String(!graph));
    byId("kg-graph-view").hidden = !graph;
    byId("kg-matrix-view").hidden = graph;
    document.body.dataset.tab = tab;
    hideTip();
    if (graph) {
      if (!network) { buildNetwork(); } else { resizeNetwork(); }
    } else if (matrixDirty) { renderMatrix(); }
    updateStatus();
  }
  byId("kg-tab-graph").addEventListener("click", function () { selectTab("graph"); });
  byId("kg-tab-matrix").addEventListener("click", function () { selectTab("matrix"); });
  byId("kg-toggle-filters").addEventListener("click", function () {
    var hide = !document.body.classList.contains("kg-no-filters");
    document.body.classList.toggle("kg-no-filters", hide);
    byId("kg-toggle-filters").setAttribute("aria-expanded", String(!hide));
    resizeNetwork();
  });

  // ------------------------------------------------------------------ evidence matrix

  var matrixDirty = true;
  var msort = { mode: "hierarchy", column: null, dir: 1 };
  var table = byId("kg-matrix");
  var mFilter = byId("kg-m-filter");
  var mSort = byId("kg-m-sort");
  var mGroup = byId("kg-m-group");
  var mHideEmpty = byId("kg-m-hide-empty");
  var pairIndex = new Map(pairs.map(function (p) { return [p.treatment + "|" + p.condition, p]; }));
  var statementsOfTreatment = new Map();
  var sourcesOfTreatment = new Map();
  statements.forEach(function (s) {
    statementsOfTreatment.set(s.treatment, (statementsOfTreatment.get(s.treatment) || 0) + 1);
    if (!sourcesOfTreatment.has(s.treatment)) { sourcesOfTreatment.set(s.treatment, new Set()); }
    sourcesOfTreatment.get(s.treatment).add(s.source);
  });

  function rowText(t) {
    var n = node("treatment", t.id);
    return (n.label + " " + (n.synonyms || "")).toLowerCase();
  }

  function renderMatrix() {
    matrixDirty = false;
    var within = scope();
    var columns = PAGE.matrix.columns.filter(function (c) { return !within || within.has(c.id); });
    var q = mFilter.value.trim().toLowerCase();
    var rows = PAGE.matrix.rows.filter(function (r) {
      return state.categories.has(r.category) && (!q || rowText(r).indexOf(q) >= 0);
    });
    if (mHideEmpty.checked) {
      rows = rows.filter(function (r) {
        return columns.some(function (c) { var p = pairIndex.get(r.id + "|" + c.id); return p && current.okPairs.has(p.key); });
      });
    }
    var noteBits = [];
    var maxCells = META.max_matrix_cells;
    if (rows.length * columns.length > maxCells) {
      var totalRows = rows.length, totalCols = columns.length;
      if (columns.length > 60) {
        var keepCols = new Set(columns.slice().sort(function (a, b) {
          return (weight.get("condition:" + b.id) || 0) - (weight.get("condition:" + a.id) || 0);
        }).slice(0, 60).map(function (c) { return c.id; }));
        columns = columns.filter(function (c) { return keepCols.has(c.id); });
      }
      var maxRows = Math.max(1, Math.floor(maxCells / Math.max(1, columns.length)));
      if (rows.length > maxRows) {
        var keepRows = new Set(rows.slice().sort(function (a, b) {
          return (statementsOfTreatment.get(b.id) || 0) - (statementsOfTreatment.get(a.id) || 0);
        }).slice(0, maxRows).map(function (r) { return r.id; }));
        rows = rows.filter(function (r) { return keepRows.has(r.id); });
      }
      noteBits.push("The matrix is large: showing " + fmt(rows.length) + " of " + fmt(totalRows) + " treatments × " +
        fmt(columns.length) + " of " + fmt(totalCols) + " conditions (those with most statements). Choose a condition, a category or type in “Rows” to see the rest.");
    }
    var note = byId("kg-m-note");
    note.textContent = noteBits.join(" ");
    note.hidden = !noteBits.length;

    rows = sortRows(rows, columns);
    clear(table);
    table.appendChild(matrixHead(columns));
    var body = el("tbody");
    var group = null;
    var filled = 0, gaps = 0;
    rows.forEach(function (r) {
      if (mGroup.checked && r.category !== group) {
        group = r.category;
        var cat = categoryInfo.get(group);
        body.appendChild(el("tr", { className: "kg-m-group" },
          el("th", { scope: "colgroup", colspan: columns.length + 1 },
            el("span", { className: "kg-m-group-label" }, shapeIcon(cat.shape, cat.color), " " + cat.label))));
      }
      var n = node("treatment", r.id);
      var tr = el("tr", { dataset: { treatment: r.id } });
      var cat2 = categoryInfo.get(r.category);
      var head = el("th", { scope: "row", className: "kg-m-row" },
        el("button", { type: "button", className: "kg-link", dataset: { key: n.key }, title: cat2.label }, n.label));
      head.style.paddingLeft = (6 + (msort.mode === "hierarchy" ? r.depth * 14 : 0)) + "px";
      tr.appendChild(head);
      columns.forEach(function (c) {
        var p = pairIndex.get(r.id + "|" + c.id);
        var td;
        if (!p) {
          td = el("td", { className: "kg-cell kg-gap", title: "No statement: " + n.label + " for " + labelOf("condition", c.id) });
          gaps++;
        } else if (!current.okPairs.has(p.key)) {
          td = el("td", { className: "kg-cell kg-filtered", dataset: { pair: p.key, verdict: p.verdict },
            title: "Outside the current filters" }, "·");
        } else {
          var info = verdictInfo.get(p.verdict);
          td = el("td", { className: "kg-cell kg-filled", dataset: { pair: p.key, verdict: p.verdict },
            title: info.label + ": " + p.headline + " — click for the statements" },
            el("span", { className: "kg-cell-h" }, p.headline),
            el("span", { className: "kg-cell-n" }, plural(p.sources, "source")));
          td.style.backgroundColor = info.color;
          td.style.color = info.text;
          filled++;
        }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    table.appendChild(body);
    byId("kg-m-status").textContent = fmt(rows.length) + " treatments × " + fmt(columns.length) + " conditions: " +
      fmt(filled) + " with evidence shown, " + fmt(gaps) + " gaps (hatched)";
    api.matrixRendered = (api.matrixRendered || 0) + 1;
  }

  function matrixHead(columns) {
    var thead = el("thead");
    if (!columns.length) { thead.appendChild(el("tr", null, el("th", null, "No condition matches."))); return thead; }
    var base = Math.min.apply(null, columns.map(function (c) { return c.depth; }));
    var maxDepth = Math.max.apply(null, columns.map(function (c) { return c.depth; })) - base;
    var ids = new Set(columns.map(function (c) { return c.id; }));
    for (var d = 0; d < maxDepth; d++) {
      var tr = el("tr", { className: "kg-m-groups" }, el("th", { className: "kg-m-corner" }));
      var any = false;
      var i = 0;
      while (i < columns.length) {
        var anc = ancestorAt(columns[i], base + d, ids);
        var j = i + 1;
        while (j < columns.length && anc !== null && ancestorAt(columns[j], base + d, ids) === anc) { j++; }
        if (anc !== null && j - i > 1) {
          var groupLabel = labelOf("condition", anc);
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
    var last = el("tr", null, el("th", { className: "kg-m-corner", scope: "col" }, "Treatment ↓  Condition →"));
    columns.forEach(function (c) {
      var sorted = msort.mode === "column" && msort.column === c.id;
      var btn = el("button", { type: "button", className: "kg-m-col", dataset: { column: c.id },
        title: "Sort treatments by their verdict for " + labelOf("condition", c.id) },
        labelOf("condition", c.id), sorted ? (msort.dir > 0 ? " ▲" : " ▼") : "");
      last.appendChild(el("th", { scope: "col", className: "kg-m-colhead" + (sorted ? " kg-sorted" : ""),
        "aria-sort": sorted ? (msort.dir > 0 ? "ascending" : "descending") : null }, btn));
    });
    thead.appendChild(last);
    return thead;
  }

  function ancestorAt(col, depth, ids) {
    if (col.depth < depth) { return null; }
    var anc = col.depth === depth ? col.id : col.path[depth];
    return ids.has(anc) ? anc : null;
  }

  function sortRows(rows, columns) {
    var key;
    var label = function (r) { return node("treatment", r.id).label.toLowerCase(); };
    if (msort.mode === "column") {
      key = function (r) {
        var p = pairIndex.get(r.id + "|" + msort.column);
        if (!p) { return 1000; }
        return (current.okPairs.has(p.key) ? 0 : 100) + verdictRank.get(p.verdict);
      };
    } else if (msort.mode === "statements") {
      key = function (r) { return -(statementsOfTreatment.get(r.id) || 0); };
    } else if (msort.mode === "sources") {
      key = function (r) { return -((sourcesOfTreatment.get(r.id) || new Set()).size); };
    } else if (msort.mode === "label") {
      key = function () { return 0; };
    } else {
      return rows.slice();  // the hierarchy order given by the build
    }
    var order = new Map(VOCAB.categories.map(function (c, i) { return [c.value, i]; }));
    var dir = msort.mode === "column" ? msort.dir : 1;
    return rows.slice().sort(function (a, b) {
      if (mGroup.checked && a.category !== b.category) { return order.get(a.category) - order.get(b.category); }
      var ka = key(a), kb = key(b);
      if (ka !== kb) { return (ka < kb ? -1 : 1) * (msort.mode === "column" && ka < 1000 && kb < 1000 ? dir : 1); }
      return label(a) < label(b) ? -1 : label(a) > label(b) ? 1 : 0;
    });
  }

  function focusInMatrix(key) {
    var kind = key.split(":")[0], id = key.slice(kind.length + 1);
    var target = null;
    if (kind === "treatment") { target = table.querySelector("tr[data-treatment=\"" + CSS.escape(id) + "\"] th"); }
    else if (kind === "condition") { target = table.querySelector("button[data-column=\"" + CSS.escape(id) + "\"]"); }
    if (!target) { return false; }
    target.scrollIntoView({ block: "center", inline: "center" });
    target.classList.add("kg-flash");
    window.setTimeout(function () { target.classList.remove("kg-flash"); }, 1600);
    return true;
  }

  table.addEventListener("click", function (ev) {
    var t = ev.target;
    var col = t.closest("button[data-column]");
    if (col) {
      var id = col.dataset.column;
      if (msort.mode === "column" && msort.column === id) { msort.dir = -msort.dir; }
      else { msort = { mode: "column", column: id, dir: 1 }; }
      renderMatrix();
      return;
    }
    var row = t.closest("button[data-key]");
    if (row) { nodePanel(row.dataset.key); return; }
    var cell = t.closest("td[data-pair]");
    if (cell) { edgePanel(cell.dataset.pair); }
  });
  mFilter.addEventListener("input", renderMatrix);
  mGroup.addEventListener("change", renderMatrix);
  mHideEmpty.addEventListener("change", renderMatrix);
  mSort.addEventListener("change", function () { msort = { mode: mSort.value, column: null, dir: 1 }; renderMatrix(); });
  api.renderMatrix = renderMatrix;
  api.selectTab = selectTab;

  // ------------------------------------------------------------------ start

  buildFilters();
  current = compute();
  api.current = current;
  selectTab(state.tab === "matrix" ? "matrix" : "graph");
  if (state.tab === "matrix") {
    // the graph is built when its tab is first shown; the matrix is ready now
    api.ready = true;
    document.body.dataset.ready = "true";
  }
  updateStatus();
  applyFilters();
  window.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && !panel.hidden) { closePanel(); }
  });
}());
