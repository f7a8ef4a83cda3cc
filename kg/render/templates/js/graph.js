/* The vis-network drawing: built once, then filtering flips the `hidden` flag of the items that change. */

/* global vis */
import { app, busy } from "./app.js";
import { byId } from "./dom.js";
import { nodeOf } from "./data.js";
import { compute } from "./filters.js";
import { recordState } from "./history.js";
import { focusInMatrix, renderMatrix } from "./matrix.js";
import { edgePanel, nodePanel, selectKey } from "./panel.js";
import { renderSummary } from "./summary.js";
import { hideTip, showTip } from "./tooltip.js";
import { updateStatus } from "./status.js";
import { selectTab } from "./main.js";
import { syncNodeList } from "./nodelist.js";

/** A scale at which 16 px labels are still about 10 px high. */
const READABLE_SCALE = 0.62;

function physicsLayout() { const o = app.M.view.options; return !!(o.physics && o.physics.enabled); }

/** The canvas follows its container (the details panel or the filters opened or closed). vis-network
 * would scale the drawing with the canvas width (opening the panel made labels a third smaller): the
 * drawing is refitted when labels stay readable (or lose at most a tenth), else scale and centre are kept. */
export function resizeNetwork() {
  const network = app.network;
  if (network && !byId("kg-graph-view").hidden) {
    const scale = network.getScale();
    const centre = network.getViewPosition();
    network.setSize("100%", "100%");
    // everything shown stays in view when that costs little; otherwise the scale is kept
    fitVisible();
    if (network.getScale() < Math.min(scale * 0.9, READABLE_SCALE)) {
      network.moveTo({ position: centre, scale: scale, animation: false });
      wholeButton(true);
    }
    network.redraw();
  }
}

/** Pixels kept free between a framed drawing's outermost label and the canvas edge. */
const FRAME_MARGIN = 24;
/** Never zoom in past this (labels stay a sensible size). */
const MAX_SCALE = 1.6;

/** A node's box (shape and label) as vis-network measured it when last drawn; a node not drawn since it was
 * added or moved (its box does not hold it) counts as its centre, `unmeasured`. Reading the boxes is what
 * makes framing cheap: vis-network's `fit` measures every node it holds again, drawn or hidden (seconds
 * with thousands of nodes). */
function drawnBox(k) {
  const n = app.network.body.nodes[k];
  if (!n) { return null; }
  const b = n.shape.boundingBox;
  if (b && b.left <= n.x && n.x <= b.right && b.top <= n.y && n.y <= b.bottom && b.right > b.left) { return b; }
  return { left: n.x, right: n.x, top: n.y, bottom: n.y, unmeasured: true };
}

/** The scale and centre that show `keys` whole, labels included (vis-network's own `fit` frames the node
 * centres, so outer labels were cut at the canvas edge), with FRAME_MARGIN pixels to spare on each side. */
function frameOf(keys) {
  const box = byId("kg-network");
  let left = Infinity, top = Infinity, right = -Infinity, bottom = -Infinity, unmeasured = 0;
  keys.forEach(function (k) {
    const b = drawnBox(k);
    if (!b) { return; }
    if (b.unmeasured) { unmeasured++; }
    left = Math.min(left, b.left); top = Math.min(top, b.top);
    right = Math.max(right, b.right); bottom = Math.max(bottom, b.bottom);
  });
  if (left === Infinity) { return null; }
  const w = Math.max(1, box.clientWidth - 2 * FRAME_MARGIN), h = Math.max(1, box.clientHeight - 2 * FRAME_MARGIN);
  return { position: { x: (left + right) / 2, y: (top + bottom) / 2 }, extent: { x: right - left, y: bottom - top },
    unmeasured: unmeasured,
    scale: Math.min(MAX_SCALE, w / Math.max(1, right - left), h / Math.max(1, bottom - top)) };
}

/** `key` with the nodes drawn beside it: all of them whole (frameOf's scale), `key` as near the centre of
 * the canvas as that allows (at the centre when its neighbours lie around it). */
function frameNeighbourhood(key, animation) {
  const network = app.network;
  const keys = neighbourhood(key);
  const f = frameOf(keys);
  const at = network.getPositions([key])[key];
  if (!f || !at) { return; }
  const box = byId("kg-network");
  const halfW = Math.max(0, box.clientWidth / 2 - FRAME_MARGIN) / f.scale;
  const halfH = Math.max(0, box.clientHeight / 2 - FRAME_MARGIN) / f.scale;
  // the centres that keep the whole frame inside: within half a canvas of both of its edges
  const spanX = f.position.x - f.extent.x / 2, spanY = f.position.y - f.extent.y / 2;
  const clamp = function (v, lo, hi) { return lo > hi ? (lo + hi) / 2 : Math.min(hi, Math.max(lo, v)); };
  const position = { x: clamp(at.x, spanX + f.extent.x - halfW, spanX + halfW),
    y: clamp(at.y, spanY + f.extent.y - halfH, spanY + halfH) };
  network.moveTo({ position: position, scale: f.scale, animation: animation || false });
}

/** `key` at the centre, with its drawn neighbours whole around it (search and the panel's names say "centre"). */
function centreNeighbourhood(key, animation) {
  const network = app.network;
  const box = byId("kg-network");
  const at = network.getPositions([key])[key];
  if (!at) { return; }
  let dx = 1, dy = 1;
  neighbourhood(key).forEach(function (k) {
    const b = drawnBox(k);
    if (!b) { return; }
    dx = Math.max(dx, at.x - b.left, b.right - at.x);
    dy = Math.max(dy, at.y - b.top, b.bottom - at.y);
  });
  const w = Math.max(1, box.clientWidth / 2 - FRAME_MARGIN), h = Math.max(1, box.clientHeight / 2 - FRAME_MARGIN);
  network.moveTo({ position: at, scale: Math.min(MAX_SCALE, w / dx, h / dy), animation: animation || false });
}

/** Show `keys` whole (see frameOf); when that is below `minScale`, the first of them at `minScale`, centred. */
function frame(keys, minScale, animation, again) {
  const f = frameOf(keys);
  if (!f) { return; }
  // nodes just added are measured when first drawn: frame again then, once
  if (f.unmeasured && !again) { app.network.once("afterDrawing", function () { frame(keys, minScale, false, true); }); }
  if (minScale && f.scale < minScale) { f.position = app.network.getPositions([keys[0]])[keys[0]]; f.scale = minScale; }
  app.network.moveTo({ position: f.position, scale: f.scale, animation: animation || false });
}

/** Fit the drawing to what is shown, labels included. */
export function fitVisible() {
  const network = app.network;
  if (!network || !app.shownNodes.size) { return; }
  frame(Array.from(app.shownNodes));
  wholeButton(false);
}

/** The node with most statements among those shown and its drawn neighbours. */
function hubNeighbourhood() {
  let hub = null, best = -1;
  app.shownNodes.forEach(function (k) {
    const w = app.M.weight.get(k) || 0;
    if (w > best || w === best && k < hub) { hub = k; best = w; }
  });
  return hub === null ? [] : neighbourhood(hub);
}

/** `key` and the nodes drawn beside it. */
function neighbourhood(key) {
  return [key].concat(app.network.getConnectedNodes(key).filter(function (k) { return app.shownNodes.has(k); }));
}

/** Fit what is shown; when the canvas is too small for its labels to read (a phone), frame the node with
 * most statements and its neighbours at a readable scale instead, and offer the whole graph by a button. */
export function fitReadable() {
  const network = app.network;
  if (!network || !app.shownNodes.size) { return; }
  fitVisible();
  if (network.getScale() >= READABLE_SCALE * 0.9) { return; }
  frame(hubNeighbourhood(), READABLE_SCALE);
  wholeButton(true);
}

/** "Whole graph": shown while the view frames part of what is drawn. */
function wholeButton(show) {
  const button = byId("kg-whole");
  if (button) { button.hidden = !show; }
}

function markReady() {
  const api = app.api;
  if (api.ready) { return; }
  api.ready = true;
  document.body.dataset.ready = "true";
  byId("kg-graph-note").textContent = "";
  const sel = app.state.selected;
  if (sel && app.M.nodeByKey.has(sel)) { focusNode(sel, { record: false, instant: true, link: true }); }  // a link opens framed, not flying
  else if (sel) { selectKey(sel); }
}

export function buildNetwork() {
  if (app.network || typeof vis === "undefined") { return; }
  const M = app.M;
  const current = app.current;
  M.view.nodes.forEach(function (n) { n.hidden = !current.nodes.has(n.id); });
  M.view.edges.forEach(function (e) { e.hidden = !current.edges.has(e.id); });
  app.shownNodes = new Set(current.nodes);
  app.shownEdges = new Set(current.edges);
  // a large graph (placed by Python) starts with only what it draws; the rest is added when first shown
  const lazy = M.view.fixed;
  let nodes = lazy ? M.view.nodes.filter(function (n) { return !n.hidden; }) : M.view.nodes;
  const edges = lazy ? M.view.edges.filter(function (e) { return !e.hidden; }) : M.view.edges;
  app.inNodes = new Set(nodes.map(function (n) { return n.id; }));
  app.inEdges = new Set(edges.map(function (e) { return e.id; }));
  if (lazy) { M.viewNodeById = new Map(M.view.nodes.map(function (n) { return [n.id, n]; })); }
  if (current.overview) {
    app.overviewPlaced = true;
    const grid = overviewPositions();
    nodes = nodes.map(function (n) { return grid.has(n.id) ? Object.assign({}, n, grid.get(n.id)) : n; });
  }
  app.nodesDS = new vis.DataSet(nodes);
  app.edgesDS = new vis.DataSet(edges);
  const physics = physicsLayout();
  if (physics) { byId("kg-graph-note").textContent = "Arranging the graph…"; }
  const network = new vis.Network(byId("kg-network"), { nodes: app.nodesDS, edges: app.edgesDS }, M.view.options);
  app.network = network;
  app.api.network = network;
  // vis-network's own frame takes focus (Tab reaches it): arrow keys pan, + and - or Page Up/Down zoom
  const frame = byId("kg-network").querySelector(".vis-network");
  if (frame) {
    frame.tabIndex = 0;
    frame.setAttribute("role", "application");
    frame.setAttribute("aria-roledescription", "graph");
    frame.setAttribute("aria-label", "Graph of treatments and conditions: arrow keys pan, plus and minus zoom. " +
      "The list of the nodes shown, below, reaches each node.");
  }
  if (physics) {
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.once("afterDrawing", function () {  // labels are measured when first drawn
        separateLabels();
        fitReadable();
        markReady();
      });
      if (byId("kg-graph-view").hidden) { markReady(); }  // another view was chosen meanwhile: it is ready
      network.redraw();
    });
  } else {
    network.once("afterDrawing", function () {
      if (app.current.overview) { fitOverview(); }
      markReady();
    });
  }
  network.on("hoverNode", function (p) { showTip(p.node, false, p.pointer.DOM); });
  network.on("hoverEdge", function (p) { showTip(p.edge, true, p.pointer.DOM); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);
  network.on("click", function (p) {
    hideTip();
    const overviewCondition = p.nodes.length && app.current.overview && M.nodeByKey.get(p.nodes[0]).kind === "condition" &&
      !app.state.pinned.has(p.nodes[0]);
    if (overviewCondition) { openCondition(M.nodeByKey.get(p.nodes[0]).id); }
    else if (p.nodes.length) { nodePanel(p.nodes[0]); }
    else if (p.edges.length) { edgePanel(p.edges[0]); }
  });
  showEmpty();
}

/** Physics layout: push apart nodes whose labels overlap (forces see the shapes, not the text; only the
 * browser knows how wide a label is drawn). A few rounds of moving each overlapping pair apart along the
 * axis where they overlap least; with `movable`, only those nodes move (the graph the reader knows stays).
 * Small graphs only (it compares every pair). */
export function separateLabels(movable) {
  const network = app.network;
  const keys = Array.from(app.shownNodes);
  if (keys.length > 400) { return; }
  const pos = network.getPositions(keys);
  const half = {};
  keys.forEach(function (k) {
    const b = network.getBoundingBox(k);
    half[k] = { w: (b.right - b.left) / 2 + 4, h: (b.bottom - b.top) / 2 + 3,
      dx: (b.left + b.right) / 2 - pos[k].x, dy: (b.top + b.bottom) / 2 - pos[k].y };
  });
  const moves = function (k) { return !movable || movable.has(k); };
  for (let round = 0; round < 80; round++) {
    let moved = false;
    for (let i = 0; i < keys.length; i++) {
      const a = keys[i], ha = half[a];
      for (let j = i + 1; j < keys.length; j++) {
        const b = keys[j], hb = half[b];
        const ma = moves(a), mb = moves(b);
        if (!ma && !mb) { continue; }
        const ax = pos[a].x + ha.dx, ay = pos[a].y + ha.dy, bx = pos[b].x + hb.dx, by = pos[b].y + hb.dy;
        const ox = ha.w + hb.w - Math.abs(ax - bx), oy = ha.h + hb.h - Math.abs(ay - by);
        if (ox <= 0 || oy <= 0) { continue; }
        moved = true;
        const share = ma && mb ? 0.5 : 1;
        const axis = ox < oy ? "x" : "y";
        const shift = ((axis === "x" ? ox : oy) * share + 1) * ((axis === "x" ? ax < bx : ay < by) ? 1 : -1);
        if (ma) { pos[a][axis] -= shift; }
        if (mb) { pos[b][axis] += shift; }
      }
    }
    if (!moved) { break; }
  }
  keys.forEach(function (k) { if (moves(k)) { network.moveNode(k, pos[k].x, pos[k].y); } });
}

/** Physics layout: a source shown for the first time goes beside the treatments it is cited for, outside
 * them (away from the centre); `settleSources` then moves it off any label it lands on. */
function placeSources(current) {
  if (!physicsLayout() || !app.network) { return []; }
  const M = app.M;
  const updates = [];
  let n = 0;
  app.placedSources = app.placedSources || new Set();
  current.nodes.forEach(function (key) {
    if (M.nodeByKey.get(key).kind !== "source" || app.placedSources.has(key)) { return; }
    app.placedSources.add(key);
    const cited = [];
    (M.stmtsBySource.get(M.nodeByKey.get(key).id) || []).forEach(function (s) { if (current.nodes.has(s.from)) { cited.push(s.from); } });
    const pos = app.network.getPositions(cited);
    const ids = Object.keys(pos);
    if (!ids.length) { return; }
    let x = 0, y = 0;
    ids.forEach(function (id) { x += pos[id].x; y += pos[id].y; });
    x /= ids.length; y /= ids.length;
    const angle = Math.atan2(y, x) + 0.35 * (n % 5 - 2);
    n++;
    updates.push({ id: key, x: x + 160 * Math.cos(angle), y: y + 160 * Math.sin(angle) });
  });
  return updates;
}

/** Move each of `keys` to the free place nearest where it is, on a spiral around it, so that its box
 * (shape and label) overlaps no other drawn node's box; the other nodes do not move. */
export function placeFree(keys) {
  const network = app.network;
  const others = Array.from(app.shownNodes).filter(function (k) { return keys.indexOf(k) < 0; });
  const boxes = others.map(function (k) { return network.getBoundingBox(k); });
  const clash = function (l, t, r, b) {
    for (let i = 0; i < boxes.length; i++) {
      const o = boxes[i];
      if (l < o.right + 4 && o.left - 4 < r && t < o.bottom + 3 && o.top - 3 < b) { return true; }
    }
    return false;
  };
  keys.forEach(function (k) {
    const b = network.getBoundingBox(k);
    const at = network.getPositions([k])[k];
    for (let i = 0; i < 4000; i++) {
      const radius = 6 * Math.sqrt(i) * 4, angle = i * 2.39996;
      const dx = i ? radius * Math.cos(angle) : 0, dy = i ? radius * Math.sin(angle) : 0;
      if (!clash(b.left + dx, b.top + dy, b.right + dx, b.bottom + dy)) {
        network.moveNode(k, at.x + dx, at.y + dy);
        boxes.push({ left: b.left + dx, top: b.top + dy, right: b.right + dx, bottom: b.bottom + dy });
        return;
      }
    }
  });
}

/** Sources shown for the first time, once drawn (labels measured), move to a free place near them. */
function settleSources(keys) {
  if (!physicsLayout() || !app.api.ready) { if (app.api.ready) { fitVisible(); } return; }
  const network = app.network;
  network.once("afterDrawing", function () {
    placeFree(keys);
    fitVisible();
    app.api.settled = (app.api.settled || 0) + 1;
  });
  network.redraw();
}

/** The overview's conditions go to a grid of their own while the overview is shown (in Python's `slot`
 * order, as many columns as the canvas width reads well), and back to their places in the whole graph
 * after. A grid too tall for the canvas is shown from its top at a readable scale (scroll to see more). */
const OVERVIEW_CELL = [240, 90];

function overviewColumns() {
  return Math.max(2, Math.min(8, Math.floor(byId("kg-network").clientWidth / (OVERVIEW_CELL[0] * 0.8))));
}

function overviewPositions() {
  const M = app.M;
  const cols = overviewColumns();
  const out = new Map();
  M.overview.forEach(function (id) {
    const n = M.viewNodeById ? M.viewNodeById.get(nodeOf(M, "condition", id).key) : null;
    if (n && n.slot !== undefined) {
      out.set(n.id, { x: (n.slot % cols) * OVERVIEW_CELL[0], y: Math.floor(n.slot / cols) * OVERVIEW_CELL[1] });
    }
  });
  return out;
}

function fitOverview() {
  fitVisible();
  if (app.network.getScale() >= READABLE_SCALE) { return; }
  const box = byId("kg-network");
  const cols = overviewColumns();
  const scale = Math.min(0.8, box.clientWidth / (cols * OVERVIEW_CELL[0]));
  app.network.moveTo({ position: { x: (cols - 1) * OVERVIEW_CELL[0] / 2, y: (box.clientHeight / 2 - 50) / scale },
    scale: scale, animation: false });
}

function placeOverview(on) {
  const M = app.M;
  app.overviewPlaced = on;
  const grid = overviewPositions();
  const moves = [];
  grid.forEach(function (xy, key) {
    if (!app.inNodes.has(key)) { return; }
    const n = M.viewNodeById.get(key);
    moves.push({ id: key, x: on ? xy.x : n.x, y: on ? xy.y : n.y });
  });
  if (moves.length) { app.nodesDS.update(moves); }
  if (app.api.ready) { if (on) { fitOverview(); } else { fitVisible(); } }
}

/** From the overview into one condition: its subtree's treatments drawn, its panel open. */
export function openCondition(id) {
  app.state.condition = id;
  app.api.syncControls();
  applyFilters({ record: false, after: function () { nodePanel(nodeOf(app.M, "condition", id).key); } });
}

/** Updates for items to show, as DataSet updates, or adds for items a lazy DataSet does not hold yet. */
function split(updates, inSet, lookup) {
  const add = [], change = [];
  updates.forEach(function (u) {
    if (inSet.has(u.id)) { change.push(u); return; }
    if (u.hidden === true) { return; }
    const item = Object.assign({}, lookup(u.id), u);
    inSet.add(u.id);
    add.push(item);
  });
  return { add: add, change: change };
}

/** "Nothing matches" over the graph, with a way back. */
export function showEmpty() {
  const empty = app.current.okPairs.size === 0 && app.state.pinned.size === 0;
  byId("kg-empty").hidden = !empty || app.state.tab !== "graph";
}

/** Recompute what passes, then update the drawing, the matrix, the summary and the status line.
 * `refit` (default true) fits the view to what is now shown; `record` (default true) writes the URL hash;
 * `after` runs once it is done (a large graph's work waits for the busy indicator to be painted). */
export function applyFilters(options) {
  const opts = options || {};
  busy(function () {
    const M = app.M;
    const current = compute(M, app.state);
    app.current = current;
    app.api.current = current;
    if (app.network) {
      const nodeUpdates = placeSources(current);
      const placedNow = new Set(nodeUpdates.map(function (u) { return u.id; }));
      const before = app.shownNodes;
      nodeUpdates.forEach(function (u) { u.hidden = false; });
      const edgeUpdates = [];
      current.nodes.forEach(function (k) { if (!app.shownNodes.has(k) && !placedNow.has(k)) { nodeUpdates.push({ id: k, hidden: false }); } });
      app.shownNodes.forEach(function (k) { if (!current.nodes.has(k)) { nodeUpdates.push({ id: k, hidden: true }); } });
      current.edges.forEach(function (k) { if (!app.shownEdges.has(k)) { edgeUpdates.push({ id: k, hidden: false }); } });
      app.shownEdges.forEach(function (k) { if (!current.edges.has(k)) { edgeUpdates.push({ id: k, hidden: true }); } });
      app.shownNodes = new Set(current.nodes);
      app.shownEdges = new Set(current.edges);
      const n = split(nodeUpdates, app.inNodes, function (id) { return M.viewNodeById ? M.viewNodeById.get(id) : { id: id }; });
      const e = split(edgeUpdates, app.inEdges, function (id) { return M.viewEdgeByKey.get(id); });
      if (n.add.length) { app.nodesDS.add(n.add); }
      if (n.change.length) { app.nodesDS.update(n.change); }
      if (e.add.length) { app.edgesDS.add(e.add); }
      if (e.change.length) { app.edgesDS.update(e.change); }
      const fresh = Array.from(current.nodes).filter(function (k) {
        return !before.has(k) && app.M.nodeByKey.get(k).kind === "source";
      });
      if (fresh.length) { settleSources(fresh); }
      if (!fresh.length && opts.refit !== false && app.api.ready) { if (current.overview) { fitOverview(); } else { fitReadable(); } }
    }
    if (app.network && M.overview.length && current.overview !== app.overviewPlaced) { placeOverview(current.overview); }
    showEmpty();
    updateStatus();
    syncNodeList();
    app.matrixDirty = true;
    app.summaryDirty = true;
    if (app.state.tab === "matrix") { renderMatrix(); }
    if (app.state.tab === "summary") { renderSummary(); }
    if (opts.record !== false) { recordState(); }
    if (opts.after) { opts.after(); }
    app.api.applied = (app.api.applied || 0) + 1;
  }, changeKind(), app.M.meta, opts.quiet);
}

/** Which earlier filter changes this one compares with (for `busy`): the same drawing mode (every node or
 * not) and a drawing of about the same size (within a factor of two) to change. */
function changeKind() {
  return "filters:" + (app.state.everything ? "all:" : "some:") + Math.round(Math.log2(app.shownNodes.size + 1));
}

export function focusNode(key, options) {
  const opts = options || {};
  const M = app.M;
  if (!M.nodeByKey.has(key)) { return false; }
  if (app.state.tab !== "graph") {
    if (app.state.tab === "matrix" && focusInMatrix(key)) { nodePanel(key, opts.record); return true; }
    selectTab("graph", { record: false });
  }
  app.api.focused = key;
  if (!app.current.nodes.has(key)) {
    // shown anyway; the rest waits until it is drawn (a slow change paints "Working…" first, so runs later)
    app.state.pinned.add(key);
    applyFilters({ record: false, refit: false, after: function () {
      showFocus(key, opts);
      byId("kg-status").textContent = M.nodeByKey.get(key).label + " is outside the current filters: it is shown anyway.";
    } });
    return true;
  }
  showFocus(key, opts);
  return true;
}

/** Open `key`'s panel, select it and frame it with its neighbours (`focusNode`, once it is drawn). */
function showFocus(key, opts) {
  nodePanel(key, opts.record);  // first: the panel narrows the canvas, and the focus must centre in what is left
  const network = app.network;
  if (network) {
    network.selectNodes([key]);
    // its neighbours whole (a node just added is measured when first drawn)
    const instant = opts.instant || app.M.view.fixed;
    // a link (`sel=`) opens on the neighbourhood as large as it fits; search and names centre the node
    const place = opts.link ? frameNeighbourhood : centreNeighbourhood;
    place(key, instant ? false : { duration: 450, easingFunction: "easeInOutQuad" });
    wholeButton(true);
    if (instant) { network.once("afterDrawing", function () { place(key); }); }
  }
}
