import test from "node:test";
import assert from "node:assert/strict";
import { defaultState } from "../../kg/render/templates/js/filters.js";
import { decodeState, encodeState } from "../../kg/render/templates/js/urlstate.js";
import { vocab } from "./fixture.js";

const keys = ["condition:back", "treatment:nsaid", "pair:nsaid|back"];
const known = (kind, key) => (kind ? keys.includes(kind + ":" + key) : keys.includes(key));

test("the plain page has an empty hash and an empty hash opens the plain page", () => {
  const plain = defaultState(vocab, {});
  assert.equal(encodeState(plain, plain, vocab), "");
  const back = decodeState("", plain, vocab, known);
  assert.equal(back.tab, "graph");
  assert.equal(back.verdicts.size, 3);
});

test("view, condition, filters, toggles, selection and search survive a round trip", () => {
  const plain = defaultState(vocab, {});
  const st = defaultState(vocab, { tab: "matrix", condition: "back", verdicts: ["harm", "benefit"], certainties: [],
    expanded: true, show_hierarchy: false });
  st.selected = "pair:nsaid|back";
  st.search = "ibu & co";
  const hash = encodeState(st, plain, vocab);
  assert.match(hash, /view=matrix/);
  assert.match(hash, /verdicts=benefit%2Charm/, "values in vocabulary order");
  const back = decodeState("#" + hash, plain, vocab, known);
  assert.equal(back.tab, "matrix");
  assert.equal(back.condition, "back");
  assert.deepEqual([...back.verdicts].sort(), ["benefit", "harm"]);
  assert.equal(back.certainties.size, 0, "an emptied filter stays empty");
  assert.equal(back.effects.size, 3, "an unmentioned filter is all");
  assert.equal(back.expanded, true);
  assert.equal(back.showHierarchy, false);
  assert.equal(back.showSources, false);
  assert.equal(back.selected, "pair:nsaid|back");
  assert.equal(back.search, "ibu & co");
});

test("unknown ids, values and views are dropped, not trusted", () => {
  const plain = defaultState(vocab, {});
  const back = decodeState("#view=evil&condition=nowhere&verdicts=benefit,great&sel=treatment:ghost", plain, vocab, known);
  assert.equal(back.tab, "graph");
  assert.equal(back.condition, "");
  assert.deepEqual([...back.verdicts], ["benefit"]);
  assert.equal(back.selected, null);
});

test("a page built with options keeps them without a hash, and a plain state still says so", () => {
  const opening = defaultState(vocab, { condition: "back", tab: "matrix" });
  const plain = defaultState(vocab, {});
  assert.equal(encodeState(plain, opening, vocab), "view=graph");
  const back = decodeState("#view=graph", opening, vocab, known);
  assert.equal(back.condition, "");
  assert.equal(back.tab, "graph");
  const initial = decodeState("", opening, vocab, known);
  assert.equal(initial.condition, "back");
  assert.equal(initial.tab, "matrix");
});

test("a hash without a state (an anchor) opens the page as built", () => {
  const opening = defaultState(vocab, { condition: "back" });
  assert.equal(decodeState("#kg-views", opening, vocab, known).condition, "back");
});
