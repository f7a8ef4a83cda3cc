import test from "node:test";
import assert from "node:assert/strict";
import { compute, defaultState, filtersActive, makeFilter } from "../../kg/render/templates/js/filters.js";
import { ancestorOf, narrower } from "../../kg/render/templates/js/data.js";
import { model, vocab } from "./fixture.js";

test("a condition includes its narrower ones (one preorder slice) and knows its broader one", () => {
  const M = model();
  assert.deepEqual([...narrower(M, "back")].sort(), ["back", "sciatica"]);
  assert.deepEqual([...narrower(M, "hip")], ["hip"]);
  assert.equal(ancestorOf(M, "sciatica", 1), "back");
  assert.equal(ancestorOf(M, "back", 1), null);
});

test("with nothing filtered every treatment and condition is drawn, with one line per pair", () => {
  const M = model();
  const st = defaultState(vocab, {});
  assert.equal(filtersActive(st, vocab), false);
  const c = compute(M, st);
  assert.equal(c.nodes.size, 6);
  assert.equal(c.okPairs.size, 5);
  assert.ok(c.edges.has("pair:opioid|back"), "a pair whose statements are not carried still has its line");
  assert.ok(c.edges.has("broader:condition:sciatica"));
});

test("choosing a condition keeps its narrower conditions' pairs and nothing else", () => {
  const M = model();
  const st = defaultState(vocab, { condition: "back" });
  const c = compute(M, st);
  assert.deepEqual([...c.okPairs].sort(), ["pair:nsaid|back", "pair:nsaid|sciatica", "pair:opioid|back", "pair:walk|back"]);
  assert.ok(!c.nodes.has("condition:hip"));
});

test("a statement filter keeps a pair when one of its statements passes, and says which pairs it cannot judge", () => {
  const M = model();
  const st = defaultState(vocab, { source_types: ["guideline"] });
  const c = compute(M, st);
  assert.deepEqual([...c.okPairs].sort(), ["pair:nsaid|back", "pair:walk|hip"]);
  assert.equal(c.unknownPairs, 1, "the opioid pair's statements are not in the page");
  const f = makeFilter(M, st);
  assert.equal(f.statement(M.stmtById.get("e3")), false);
  assert.equal(f.statement(M.stmtById.get("e4")), true);
});

test("certainty 'none' matches statements without a certainty", () => {
  const M = model();
  const c = compute(M, defaultState(vocab, { certainties: ["none"] }));
  assert.deepEqual([...c.okPairs].sort(), ["pair:nsaid|sciatica", "pair:walk|back"]);
});

test("unticking every verdict leaves nothing drawn; a pinned node stays", () => {
  const M = model();
  const st = defaultState(vocab, { verdicts: [] });
  assert.equal(compute(M, st).nodes.size, 0);
  st.pinned.add("treatment:walk");
  assert.deepEqual([...compute(M, st).nodes], ["treatment:walk"]);
});

test("one line per statement draws the statements that pass; sources are drawn with their cites lines", () => {
  const M = model();
  const st = defaultState(vocab, { expanded: true, show_sources: true, effects: ["benefit"] });
  const c = compute(M, st);
  assert.ok(c.edges.has("evidence:e1") && c.edges.has("evidence:e3") && !c.edges.has("evidence:e2"));
  assert.ok(c.nodes.has("source:g") && c.edges.has("cites:g:nsaid"));
  assert.ok(!c.edges.has("cites:b:nsaid"), "the blog's only nsaid statement is filtered out");
});

test("the node cap keeps conditions and the nodes with most statements, and says so", () => {
  const M = model();
  M.meta.max_nodes = 4;
  const c = compute(M, defaultState(vocab, {}));
  assert.equal(c.cappedNodes, true);
  assert.equal(c.totalNodes, 6);
  assert.deepEqual([...c.nodes].sort(), ["condition:back", "condition:hip", "condition:sciatica", "treatment:opioid"]);
  for (const key of c.edges) {
    const e = M.viewEdgeByKey.get(key);
    assert.ok(c.nodes.has(e.from) && c.nodes.has(e.to), key);
  }
});
