/* The page's model: the two JSON islands indexed for lookups. Pure (no DOM), so Node can test it.
 *
 * Python computes, this only indexes: pair of each statement, its source type and treatment category,
 * its `cites` edge, statement counts per node (in the whole data and in the page), the condition
 * hierarchy in preorder with subtree sizes (a condition's narrower ones are one slice), and the filter
 * counts all come from the `kg-page` island. */

import { indexBy, pushTo } from "./util.js";

/** A table written as {columns, data} (large parts of kg-page) as objects; a null cell is left out. */
export function tableRows(table) {
  const columns = table.columns;
  return table.data.map(function (r) {
    const o = {};
    for (let i = 0; i < columns.length; i++) { if (r[i] !== null) { o[columns[i]] = r[i]; } }
    return o;
  });
}

export function prepare(data, page) {
  const vocab = page.vocab;
  const M = {
    meta: page.meta, vocab: vocab, initial: page.initial, counts: page.counts,
    view: { nodes: tableRows(page.view.nodes), edges: tableRows(page.view.edges), options: page.view.options,
      fixed: page.view.fixed },
    info: {
      verdict: indexBy(vocab.verdicts), effect: indexBy(vocab.effects), timeframe: indexBy(vocab.timeframes),
      certainty: indexBy(vocab.certainties), recommendation: indexBy(vocab.recommendations),
      source_type: indexBy(vocab.source_types), category: indexBy(vocab.categories),
      strength: indexBy(vocab.strengths || []),
    },
    verdictRank: new Map(vocab.verdicts.map(function (v, i) { return [v.value, i]; })),
    strengthRank: new Map((vocab.strengths || []).map(function (v, i) { return [v.value, i]; })),
    nodeByKey: new Map(),
    nodes: { treatment: new Map(), condition: new Map(), source: new Map() },
    nodesOfKind: { treatment: [], condition: [], source: [] },
    statements: [], stmtById: new Map(), edgeByKey: new Map(),
    pairs: tableRows(page.pairs), pairByKey: new Map(),
    pairsByTreatment: new Map(), pairsByCondition: new Map(), pairIndex: new Map(),
    conflictsOfStmt: new Map(), stmtsBySource: new Map(), childrenOf: { treatment: new Map(), condition: new Map() },
    weight: new Map(), carried: new Map(), sourceCount: new Map(),
    rows: tableRows(page.matrix.rows), columns: tableRows(page.matrix.columns), columnPos: new Map(),
  };
  data.nodes.forEach(function (n) {
    M.nodeByKey.set(n.key, n);
    if (M.nodes[n.kind]) { M.nodes[n.kind].set(n.id, n); M.nodesOfKind[n.kind].push(n); }
    if (n.parent && M.childrenOf[n.kind]) { pushTo(M.childrenOf[n.kind], n.parent, n.id); }
  });
  M.pairs.forEach(function (p) {
    p.statementIds = [];
    p.conflictList = [];
    if (p.conflicts === undefined) { p.conflicts = 0; }
    M.pairByKey.set(p.key, p);
    pushTo(M.pairsByTreatment, p.treatment, p);
    pushTo(M.pairsByCondition, p.condition, p);
    let byCondition = M.pairIndex.get(p.treatment);
    if (!byCondition) { byCondition = new Map(); M.pairIndex.set(p.treatment, byCondition); }
    byCondition.set(p.condition, p);
  });
  const facts = new Map(tableRows(page.statements).map(function (f) { return [f.id, f]; }));
  data.edges.forEach(function (e) {
    M.edgeByKey.set(e.key, e);
    if (e.kind !== "evidence") { return; }
    const f = facts.get(e.id);
    const p = M.pairs[f.pair];
    e.pair = p;
    e.treatment = p.treatment;
    e.condition = p.condition;
    e.sourceType = f.source_type;
    e.category = f.category;
    e.cites = f.cites;
    p.statementIds.push(e.id);
    M.statements.push(e);
    M.stmtById.set(e.id, e);
    pushTo(M.stmtsBySource, e.source, e);
  });
  tableRows(page.conflicts).forEach(function (c) {
    const p = M.pairByKey.get(c.pair);
    if (p) { p.conflictList.push([c.kind, c.a, c.b]); }
    pushTo(M.conflictsOfStmt, c.a, { kind: c.kind, other: c.b });
    pushTo(M.conflictsOfStmt, c.b, { kind: c.kind, other: c.a });
  });
  tableRows(page.nodes).forEach(function (n) {
    M.weight.set(n.key, n.statements);
    M.carried.set(n.key, n.carried);
    M.sourceCount.set(n.key, n.sources);
  });
  M.columns.forEach(function (c, i) { M.columnPos.set(c.id, i); });
  // a large graph's overview: each condition's broadest-levels condition (Python's `top` column)
  M.topOf = new Map();
  M.columns.forEach(function (c) { if (c.top !== undefined) { M.topOf.set(c.id, c.top); } });
  M.overview = Array.from(new Set(M.topOf.values()));
  M.viewEdgeByKey = new Map(M.view.edges.map(function (e) { return [e.id, e]; }));
  M.hierarchyEdges = M.view.edges.filter(function (e) { return e.kind === "broader"; });
  return M;
}

export function nodeOf(M, kind, id) { return M.nodes[kind] ? M.nodes[kind].get(id) : undefined; }

export function labelOf(M, kind, id) { const n = nodeOf(M, kind, id); return n ? String(n.label) : id; }

export function pairOf(M, treatment, condition) {
  const m = M.pairIndex.get(treatment);
  return m ? m.get(condition) : undefined;
}

/** A condition and its narrower conditions: one slice of the preorder (Python sends each subtree's size). */
export function narrower(M, condition) {
  const at = M.columnPos.get(condition);
  if (at === undefined) { return new Set([condition]); }
  const out = new Set();
  const end = at + M.columns[at].size;
  for (let i = at; i < end; i++) { out.add(M.columns[i].id); }
  return out;
}

/** The broader condition `up` levels above `id` (null past the root). */
export function ancestorOf(M, id, up) {
  let cur = id;
  for (let i = 0; i < up && cur !== null; i++) {
    const at = M.columnPos.get(cur);
    cur = at === undefined ? null : (M.columns[at].parent || null);
  }
  return cur;
}
