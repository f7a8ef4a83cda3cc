/* What the filters let through, and what the graph draws: pure functions of the model and the state. */

import { narrower, nodeOf } from "./data.js";

/** The checkbox filters: state field -> vocabulary list. `strengths` is there when the data has strength. */
export function filterLists(vocab) {
  const lists = {
    verdicts: vocab.verdicts, effects: vocab.effects, timeframes: vocab.timeframes,
    source_types: vocab.source_types, certainties: vocab.certainties, categories: vocab.categories,
  };
  if (vocab.strengths && vocab.strengths.length) { lists.strengths = vocab.strengths; }
  return lists;
}

/** Filters on single statements (a pair passes when one of its statements does). */
export const STATEMENT_FILTERS = ["effects", "timeframes", "source_types", "certainties"];

export function allValues(vocab, name) { return filterLists(vocab)[name].map(function (v) { return v.value; }); }

export function defaultState(vocab, initial) {
  const init = initial || {};
  const st = {
    condition: init.condition || "", expanded: !!init.expanded, showHierarchy: init.show_hierarchy !== false,
    showSources: !!init.show_sources, tab: init.tab || "graph", selected: init.focus || null, search: "",
    pinned: new Set(), everything: false,
  };
  Object.keys(filterLists(vocab)).forEach(function (name) {
    st[name] = new Set(init[name] ? init[name] : allValues(vocab, name));
  });
  return st;
}

export function isAll(state, vocab, name) {
  return filterLists(vocab)[name].every(function (v) { return state[name].has(v.value); });
}

export function filtersActive(state, vocab) {
  return !!state.condition || !Object.keys(filterLists(vocab)).every(function (n) { return isAll(state, vocab, n); });
}

function statementFiltersActive(state, vocab) {
  return !STATEMENT_FILTERS.every(function (n) { return isAll(state, vocab, n); });
}

/** A filter bound to one state: `statement(s)` and `pair(p)` say whether they pass. */
export function makeFilter(M, state) {
  const within = state.condition ? narrower(M, state.condition) : null;
  const stmtActive = statementFiltersActive(state, M.vocab);
  const strengths = M.vocab.strengths && M.vocab.strengths.length ? state.strengths : null;
  function statement(s) {
    return state.effects.has(s.effect) && state.timeframes.has(s.timeframe) &&
      state.source_types.has(s.sourceType) && state.certainties.has(s.certainty || "none");
  }
  function pairOnly(p, anyCondition) {
    if (!state.verdicts.has(p.verdict)) { return false; }
    if (strengths && !strengths.has(p.strength)) { return false; }
    if (within && !anyCondition && !within.has(p.condition)) { return false; }
    const t = nodeOf(M, "treatment", p.treatment);
    return !t || state.categories.has(t.category);
  }
  function pair(p, anyCondition) {
    if (!pairOnly(p, anyCondition)) { return false; }
    if (!stmtActive) { return true; }
    for (let i = 0; i < p.statementIds.length; i++) {
      if (statement(M.stmtById.get(p.statementIds[i]))) { return true; }
    }
    return false;
  }
  /** A pair that would pass but whose statements this page does not carry, so a statement filter cannot tell. */
  function unknown(p) { return stmtActive && p.statementIds.length < p.statements && pairOnly(p) && !pair(p); }
  /** `pair` without the condition filter (the summary of findings shows broader conditions' evidence too). */
  function pairAnyCondition(p) { return pair(p, true); }
  return { statement: statement, pair: pair, pairAnyCondition: pairAnyCondition, unknown: unknown, within: within,
    stmtActive: stmtActive };
}

function rankNodes(M, nodes, pinned) {
  return Array.from(nodes).sort(function (a, b) {
    const pa = pinned.has(a) ? 1 : 0, pb = pinned.has(b) ? 1 : 0;
    if (pa !== pb) { return pb - pa; }
    const ca = M.nodeByKey.get(a).kind === "condition" ? 1 : 0, cb = M.nodeByKey.get(b).kind === "condition" ? 1 : 0;
    if (ca !== cb) { return cb - ca; }
    return (M.weight.get(b) || 0) - (M.weight.get(a) || 0) || (a < b ? -1 : 1);
  });
}

/** A large graph without a chosen condition is drawn as an overview: its broadest conditions that have
 * matching evidence (with their hierarchy links), plus the neighbourhood of each pinned node (a node found
 * by search or opened from a panel): the node, the pairs that pass and their other ends. */
export function isOverview(M, state) { return M.overview.length > 0 && !state.condition && !state.everything; }

function overviewDraw(M, state, okPairs) {
  const nodes = new Set();
  const edges = [];
  const active = filtersActive(state, M.vocab);
  if (!active) { M.overview.forEach(function (id) { nodes.add(nodeOf(M, "condition", id).key); }); }
  okPairs.forEach(function (key) { nodes.add(nodeOf(M, "condition", M.topOf.get(M.pairByKey.get(key).condition)).key); });
  state.pinned.forEach(function (key) {
    const n = M.nodeByKey.get(key);
    nodes.add(key);
    const around = n.kind === "treatment" ? M.pairsByTreatment.get(n.id) : n.kind === "condition" ? M.pairsByCondition.get(n.id) : null;
    (around || []).forEach(function (p) {
      if (!okPairs.has(p.key)) { return; }
      const e = M.viewEdgeByKey.get(p.key);
      nodes.add(e.from);
      nodes.add(e.to);
      edges.push(p.key);
    });
  });
  return { nodes: nodes, edges: edges };
}

/** Which node and edge keys the graph draws now, after filters and the size cap. */
export function compute(M, state) {
  const f = makeFilter(M, state);
  const active = filtersActive(state, M.vocab);
  let nodes = new Set();
  const edges = [];
  const okPairs = new Set();
  let unknownPairs = 0;
  M.pairs.forEach(function (p) {
    if (f.pair(p)) { okPairs.add(p.key); } else if (f.unknown(p)) { unknownPairs++; }
  });
  const overview = isOverview(M, state);
  const citing = new Set();
  if (overview) {
    const o = overviewDraw(M, state, okPairs);
    const drawnEdges = o.edges.slice();
    if (state.showHierarchy) {
      M.hierarchyEdges.forEach(function (e) { if (o.nodes.has(e.from) && o.nodes.has(e.to)) { drawnEdges.push(e.id); } });
    }
    return { nodes: o.nodes, edges: new Set(drawnEdges), totalNodes: o.nodes.size, totalEdges: drawnEdges.length,
      matched: o.nodes.size, cappedNodes: false, cappedEdges: false, okPairs: okPairs, active: active,
      unknownPairs: unknownPairs, filter: f, overview: true };
  }
  okPairs.forEach(function (key) {
    const p = M.pairByKey.get(key);
    let drawnOne = false;
    p.statementIds.forEach(function (id) {
      const s = M.stmtById.get(id);
      if (!f.statement(s)) { return; }
      citing.add(s.cites);
      if (state.expanded) { edges.push(s.key); drawnOne = true; }
    });
    if (!drawnOne) { edges.push(key); }
  });
  if (!active) {
    M.nodesOfKind.treatment.forEach(function (n) { nodes.add(n.key); });
    M.nodesOfKind.condition.forEach(function (n) { nodes.add(n.key); });
  } else {
    edges.forEach(function (key) {
      const e = M.viewEdgeByKey.get(key);
      nodes.add(e.from);
      nodes.add(e.to);
    });
    if (state.condition) { const c = nodeOf(M, "condition", state.condition); if (c) { nodes.add(c.key); } }
  }
  if (state.showSources) {
    citing.forEach(function (key) { nodes.add(M.viewEdgeByKey.get(key).from); });
    if (!active) { M.nodesOfKind.source.forEach(function (n) { nodes.add(n.key); }); }
  }
  const matched = nodes.size;
  state.pinned.forEach(function (k) { nodes.add(k); });
  const totalNodes = nodes.size;
  let cappedNodes = false;
  if (nodes.size > M.meta.max_nodes) {
    nodes = new Set(rankNodes(M, nodes, state.pinned).slice(0, M.meta.max_nodes));
    cappedNodes = true;
  }
  const ends = function (key) { const e = M.viewEdgeByKey.get(key); return nodes.has(e.from) && nodes.has(e.to); };
  let drawn = edges.filter(ends);
  if (state.showHierarchy) {
    M.hierarchyEdges.forEach(function (e) { if (nodes.has(e.from) && nodes.has(e.to)) { drawn.push(e.id); } });
  }
  if (state.showSources) { citing.forEach(function (key) { if (ends(key)) { drawn.push(key); } }); }
  const totalEdges = drawn.length;
  let cappedEdges = false;
  if (drawn.length > M.meta.max_edges) { drawn = drawn.slice(0, M.meta.max_edges); cappedEdges = true; }
  return { nodes: nodes, edges: new Set(drawn), totalNodes: totalNodes, totalEdges: totalEdges, matched: matched,
    cappedNodes: cappedNodes, cappedEdges: cappedEdges, okPairs: okPairs, active: active,
    unknownPairs: unknownPairs, filter: f, overview: false };
}
