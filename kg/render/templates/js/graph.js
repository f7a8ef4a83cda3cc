/* The vis-network drawing: built once, then filtering flips the `hidden` flag of the items that change. */

/* global vis */
import { app, busy } from "./app.js";
import { byId } from "./dom.js";
import { compute } from "./filters.js";
import { recordState } from "./history.js";
import { focusInMatrix, renderMatrix } from "./matrix.js";
import { edgePanel, nodePanel, selectKey } from "./panel.js";
import { renderSummary } from "./summary.js";
import { hideTip, showTip } from "./tooltip.js";
import { updateStatus } from "./status.js";
import { selectTab } from "./main.js";
import { syncNodeList } from "./nodelist.js";

function physicsLayout() { const o = app.M.view.options; return !!(o.physics && o.physics.enabled); }

/** The canvas follows its container (the details panel or the filters opened or closed). */
export function resizeNetwork() {
  if (app.network && !byId("kg-graph-view").hidden) {
    app.network.setSize("100%", "100%");
    app.network.redraw();
  }
}

/** Fit the drawing to what is shown, never zooming in past 1.6 (labels stay a sensible size). */
export function fitVisible() {
  const network = app.network;
  if (!network || !app.shownNodes.size) { return; }
  network.fit({ nodes: Array.from(app.shownNodes), animation: false, maxZoomLevel: 1.6 });
}

function markReady() {
  const api = app.api;
  if (api.ready) { return; }
  api.ready = true;
  document.body.dataset.ready = "true";
  byId("kg-graph-note").textContent = "";
  const sel = app.state.selected;
  if (sel && app.M.nodeByKey.has(sel)) { focusNode(sel, { record: false }); }
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
  app.nodesDS = new vis.DataSet(M.view.nodes);
  app.edgesDS = new vis.DataSet(M.view.edges);
  const physics = physicsLayout();
  if (physics) { byId("kg-graph-note").textContent = "Arranging the graph…"; }
  const network = new vis.Network(byId("kg-network"), { nodes: app.nodesDS, edges: app.edgesDS }, M.view.options);
  app.network = network;
  app.api.network = network;
  if (physics) {
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
  showEmpty();
}

/** Physics layout: a source shown for the first time goes beside the treatments it is cited for, outside
 * them (away from the centre), and is then settled by a short physics run with everything else pinned. */
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

function settleSources(keys) {
  if (!physicsLayout() || !keys.length || !app.api.ready) { return; }
  const M = app.M;
  const network = app.network;
  const others = Array.from(app.shownNodes).filter(function (k) { return M.nodeByKey.get(k).kind !== "source"; });
  const cites = Array.from(app.shownEdges).filter(function (k) { return M.viewEdgeByKey.get(k).kind === "cites"; });
  app.nodesDS.update(others.map(function (k) { return { id: k, fixed: { x: true, y: true } }; })
    .concat(keys.map(function (k) { return { id: k, physics: true }; })));
  app.edgesDS.update(cites.map(function (k) { return { id: k, physics: true }; }));
  network.setOptions({ physics: { enabled: true, stabilization: { fit: false } } });
  network.once("stabilized", function () {
    network.setOptions({ physics: { enabled: false } });
    app.nodesDS.update(others.map(function (k) { return { id: k, fixed: false }; })
      .concat(keys.map(function (k) { return { id: k, physics: false }; })));
    app.edgesDS.update(cites.map(function (k) { return { id: k, physics: false }; }));
    fitVisible();
  });
  network.stabilize(300);
}

/** "Nothing matches" over the graph, with a way back. */
export function showEmpty() {
  const empty = app.current.nodes.size === 0;
  byId("kg-empty").hidden = !empty || app.state.tab !== "graph";
}

/** Recompute what passes, then update the drawing, the matrix, the summary and the status line.
 * `refit` (default true) fits the view to what is now shown. */
export function applyFilters(options) {
  const opts = options || {};
  const slow = app.M.pairs.length + app.M.statements.length > 20000 && !opts.quiet;
  busy(function () {
    const current = compute(app.M, app.state);
    app.current = current;
    app.api.current = current;
    if (app.network) {
      const nodeUpdates = placeSources(current);
      const placedNow = new Set(nodeUpdates.map(function (u) { return u.id; }));
      nodeUpdates.forEach(function (u) { u.hidden = false; });
      const edgeUpdates = [];
      current.nodes.forEach(function (k) { if (!app.shownNodes.has(k) && !placedNow.has(k)) { nodeUpdates.push({ id: k, hidden: false }); } });
      app.shownNodes.forEach(function (k) { if (!current.nodes.has(k)) { nodeUpdates.push({ id: k, hidden: true }); } });
      current.edges.forEach(function (k) { if (!app.shownEdges.has(k)) { edgeUpdates.push({ id: k, hidden: false }); } });
      app.shownEdges.forEach(function (k) { if (!current.edges.has(k)) { edgeUpdates.push({ id: k, hidden: true }); } });
      app.shownNodes = new Set(current.nodes);
      app.shownEdges = new Set(current.edges);
      if (nodeUpdates.length) { app.nodesDS.update(nodeUpdates); }
      if (edgeUpdates.length) { app.edgesDS.update(edgeUpdates); }
      if (placedNow.size) { settleSources(Array.from(placedNow)); }
      else if (opts.refit !== false && app.api.ready) { fitVisible(); }
    }
    showEmpty();
    updateStatus();
    syncNodeList();
    app.matrixDirty = true;
    app.summaryDirty = true;
    if (app.state.tab === "matrix") { renderMatrix(); }
    if (app.state.tab === "summary") { renderSummary(); }
    if (opts.record !== false) { recordState(); }
  }, slow);
}

export function focusNode(key, options) {
  const opts = options || {};
  const M = app.M;
  if (!M.nodeByKey.has(key)) { return false; }
  if (app.state.tab !== "graph") {
    if (app.state.tab === "matrix" && focusInMatrix(key)) { nodePanel(key, opts.record); return true; }
    selectTab("graph", { record: false });
  }
  let pinnedNote = "";
  if (!app.current.nodes.has(key)) {
    app.state.pinned.add(key);
    applyFilters({ record: false, refit: false });
    pinnedNote = M.nodeByKey.get(key).label + " is outside the current filters: it is shown anyway.";
  }
  app.api.focused = key;
  nodePanel(key, opts.record);  // first: the panel narrows the canvas, and the focus must centre in what is left
  const network = app.network;
  if (network) {
    network.selectNodes([key]);
    const scale = Math.min(1.6, Math.max(network.getScale(), M.view.fixed ? 0.9 : 1.0));
    const instant = opts.instant || M.view.fixed;
    network.focus(key, { scale: scale, animation: instant ? false : { duration: 450, easingFunction: "easeInOutQuad" } });
  }
  if (pinnedNote) { byId("kg-status").textContent = pinnedNote; }
  return true;
}
