/* Start: read the islands, restore the state from the URL hash, wire the tabs, filters and keys. */

import { app } from "./app.js";
import { byId } from "./dom.js";
import { prepare } from "./data.js";
import { compute, defaultState } from "./filters.js";
import { buildFilters, syncControls } from "./filterui.js";
import { applyFilters, buildNetwork, fitVisible, focusNode, openCondition, resizeNetwork, separateLabels, showEmpty } from "./graph.js";
import { recordState, restoreFromLocation, stateFromLocation } from "./history.js";
import { initMatrix, renderMatrix } from "./matrix.js";
import { initNodeList } from "./nodelist.js";
import { closePanel, initPanel, selectKey } from "./panel.js";
import { initSearch } from "./search.js";
import { updateStatus } from "./status.js";
import { initSummary, renderSummary } from "./summary.js";
import { hideTip } from "./tooltip.js";
import { safeHref } from "./util.js";

const TAB_IDS = { graph: ["kg-tab-graph", "kg-graph-view"], matrix: ["kg-tab-matrix", "kg-matrix-view"],
  summary: ["kg-tab-summary", "kg-summary-view"] };

const NARROW = "(max-width: 820px)";

export function selectTab(tab, options) {
  const opts = options || {};
  app.state.tab = tab;
  Object.keys(TAB_IDS).forEach(function (t) {
    byId(TAB_IDS[t][0]).setAttribute("aria-selected", String(t === tab));
    byId(TAB_IDS[t][0]).tabIndex = t === tab ? 0 : -1;
    byId(TAB_IDS[t][1]).hidden = t !== tab;
  });
  document.body.dataset.tab = tab;
  hideTip();
  if (tab === "graph") {
    if (!app.network) { buildNetwork(); } else { resizeNetwork(); }
  } else if (tab === "matrix" && app.matrixDirty) { renderMatrix(); }
  else if (tab === "summary" && app.summaryDirty) { renderSummary(); }
  showEmpty();
  updateStatus();
  if (opts.record !== false) { recordState(); }
}

function showSummary(condition) {
  app.state.condition = condition;
  syncControls();
  applyFilters({ record: false });
  selectTab("summary");
}

/** Filters: a column beside the view on a wide screen (hidden or shown), a drawer over it on a narrow one. */
function toggleFilters(open) {
  const narrow = window.matchMedia(NARROW).matches;
  const cls = narrow ? "kg-filters-open" : "kg-no-filters";
  const shown = narrow ? document.body.classList.contains(cls) : !document.body.classList.contains(cls);
  const next = open === undefined ? !shown : open;
  document.body.classList.toggle(cls, narrow ? next : !next);
  byId("kg-toggle-filters").setAttribute("aria-expanded", String(next));
  resizeNetwork();
}

/** Bring the page to `st` (a restored hash): controls, filters, view and selection. */
function applyState(st) {
  const prevTab = app.state.tab;
  Object.keys(st).forEach(function (k) { app.state[k] = st[k]; });
  syncControls();
  // the view and the selection once the filters are applied (a slow change paints "Working…" first)
  applyFilters({ record: false, after: function () {
    if (prevTab !== st.tab || !app.network && st.tab === "graph") { selectTab(st.tab, { record: false }); }
    if (st.selected) {
      if (st.tab === "graph" && app.M.nodeByKey.has(st.selected) && app.api.ready) { focusNode(st.selected, { record: false, link: true }); }
      else { selectKey(st.selected); }
    } else { closePanel(false); }
  } });
}

export function start() {
  const data = JSON.parse(byId("kg-data").textContent);
  const page = JSON.parse(byId("kg-page").textContent);
  const M = prepare(data, page);
  app.M = M;
  app.opening = defaultState(M.vocab, M.initial);
  app.api = window.kgPage = { ready: false, started: false, data: data, page: page, model: M, safeHref: safeHref };
  app.state = stateFromLocation();
  app.api.state = app.state;
  app.current = compute(M, app.state);
  app.api.current = app.current;

  buildFilters();
  initPanel();
  initMatrix();
  initSummary();
  initNodeList();
  initSearch(data.nodes);
  Object.keys(TAB_IDS).forEach(function (t) {
    byId(TAB_IDS[t][0]).addEventListener("click", function () { selectTab(t); });
  });
  byId("kg-tabs").addEventListener("keydown", function (ev) {
    if (ev.key !== "ArrowRight" && ev.key !== "ArrowLeft") { return; }
    const order = Object.keys(TAB_IDS);
    const next = order[(order.indexOf(app.state.tab) + (ev.key === "ArrowRight" ? 1 : order.length - 1)) % order.length];
    selectTab(next);
    byId(TAB_IDS[next][0]).focus();
  });
  byId("kg-toggle-filters").addEventListener("click", function () { toggleFilters(); });
  document.querySelector(".kg-skip").addEventListener("click", function () { byId("kg-views").focus(); });
  byId("kg-filters-close").addEventListener("click", function () { toggleFilters(false); });
  byId("kg-whole").addEventListener("click", function () { fitVisible(); });
  if (window.matchMedia(NARROW).matches) { byId("kg-toggle-filters").setAttribute("aria-expanded", "false"); }
  window.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") { return; }
    if (document.body.classList.contains("kg-filters-open")) { toggleFilters(false); }
    else if (!byId("kg-panel").hidden) { closePanel(); }
  });
  window.addEventListener("popstate", function () { restoreFromLocation(applyState); });
  window.addEventListener("hashchange", function () { restoreFromLocation(applyState); });
  window.addEventListener("resize", resizeNetwork);
  app.api.focusNode = focusNode;
  app.api.separateLabels = separateLabels;
  app.api.applyFilters = applyFilters;
  app.api.syncControls = syncControls;
  app.api.openCondition = openCondition;
  app.api.selectTab = selectTab;
  app.api.showSummary = showSummary;
  app.api.compute = function () { return compute(M, app.state); };
  app.api.domPosition = function (key) {
    const pos = app.network.getPositions([key])[key];
    return pos ? app.network.canvasToDOM(pos) : null;
  };
  /** A point on a line, nearest its middle, that no node or label covers (for clicking and hovering it). */
  app.api.edgeMidpoint = function (key) {
    const edge = app.network.body.edges[key];
    if (!edge) { return null; }
    const steps = [0.5, 0.42, 0.58, 0.35, 0.65, 0.28, 0.72];
    for (let i = 0; i < steps.length; i++) {
      const p = app.network.canvasToDOM(edge.edgeType.getPoint(steps[i], edge.edgeType.via));
      if (app.network.getNodeAt(p) === undefined) { return p; }
    }
    return app.network.canvasToDOM(edge.edgeType.getPoint(0.5, edge.edgeType.via));
  };
  app.api.drawnNodes = function () { return app.nodesDS.getIds({ filter: function (n) { return !n.hidden; } }); };
  app.api.drawnEdges = function () { return app.edgesDS.getIds({ filter: function (e) { return !e.hidden; } }); };

  const tab = app.state.tab;
  selectTab(tab, { record: false });
  applyFilters({ record: false, quiet: true });
  if (tab !== "graph") {
    // the graph is built when its tab is first shown; the other views are ready now
    app.api.ready = true;
    document.body.dataset.ready = "true";
    if (app.state.selected) { selectKey(app.state.selected); }
  }
  app.api.started = true;
}
