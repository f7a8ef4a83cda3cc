import test from "node:test";
import assert from "node:assert/strict";
import { compute, defaultState } from "../../kg/render/templates/js/filters.js";
import { sortRows } from "../../kg/render/templates/js/matrix.js";
import { searchIndex, searchMatches } from "../../kg/render/templates/js/search.js";
import { bannerText } from "../../kg/render/templates/js/status.js";
import { summaryCsv, summaryRows } from "../../kg/render/templates/js/summary.js";
import { csvField, safeHref } from "../../kg/render/templates/js/util.js";
import { model, vocab } from "./fixture.js";

test("sorting by a condition column puts rows with evidence first, also when grouped by category", () => {
  const M = model();
  const c = compute(M, defaultState(vocab, {}));
  const sorted = sortRows(M, M.rows, { mode: "column", column: "hip", dir: 1 }, c.okPairs, true);
  assert.equal(sorted[0].id, "walk", "the exercise group leads: it has the only hip evidence");
  const plain = sortRows(M, M.rows, { mode: "column", column: "back", dir: 1 }, c.okPairs, false);
  assert.deepEqual(plain.map((r) => r.id), ["nsaid", "walk", "opioid"], "benefit before harm");
  const reversed = sortRows(M, M.rows, { mode: "column", column: "hip", dir: -1 }, c.okPairs, false);
  assert.equal(reversed[0].id, "walk", "reversing never lifts a gap above evidence");
});

test("search finds a synonym and ranks an exact name first", () => {
  const M = model();
  const index = searchIndex([...M.nodeByKey.values()]);
  assert.equal(searchMatches(index, "ibuprofen")[0].key, "treatment:nsaid");
  assert.equal(searchMatches(index, "back pain")[0].key, "condition:back");
  assert.deepEqual(searchMatches(index, "   "), []);
  assert.ok(!searchMatches(index, "a").some((m) => m.n.kind === "source"));
});

test("the banner says exactly what a trimmed page leaves out and where to find it", () => {
  const M = model();
  const c = compute(M, defaultState(vocab, { effects: ["benefit"] }));
  const text = bannerText(M, c, "graph");
  assert.match(text, /carries 4 of the 9 statements/);
  assert.match(text, /kg query/);
  assert.match(text, /1 pair whose statements this page does not carry is hidden/);
});

test("the summary of findings ranks treatments by verdict and marks narrower and broader evidence", () => {
  const M = model();
  const st = defaultState(vocab, {});
  const f = compute(M, st).filter;
  const rows = summaryRows(M, "back", f.pair);
  assert.deepEqual(rows.map((r) => r.treatment), ["nsaid", "walk", "opioid"]);
  const nsaid = rows[0];
  assert.equal(nsaid.best.scope, "self");
  assert.deepEqual(nsaid.others.map((x) => x.scope), ["narrower"]);
  const sciatica = summaryRows(M, "sciatica", f.pair);
  assert.ok(sciatica.some((r) => r.broaderOnly && r.treatment === "walk"), "evidence on the broader condition, marked");
  const chosen = compute(M, defaultState(vocab, { condition: "sciatica" })).filter;
  assert.ok(!chosen.pair(M.pairByKey.get("pair:walk|back")), "the condition filter leaves broader pairs out");
  assert.ok(summaryRows(M, "sciatica", chosen.pairAnyCondition).some((r) => r.broaderOnly), "the summary shows them");
  const csv = summaryCsv(M, rows).split("\r\n");
  assert.equal(csv[0].split(",")[0], "treatment");
  assert.equal(csv.length, 1 + 4 + 1, "one line per pair, ending with a line break");
});

test("a CSV field never starts a formula and quotes what needs quoting", () => {
  assert.equal(csvField("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  assert.equal(csvField("a, b"), "\"a, b\"");
  assert.equal(csvField(3), "3");
});

test("only http(s) addresses become links", () => {
  assert.equal(safeHref("javascript:alert(1)"), null);
  assert.equal(safeHref("https://example.org/a b"), "https://example.org/a%20b");
  assert.equal(safeHref(""), null);
});
