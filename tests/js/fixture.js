// A small page model in the shape Python writes (kg/render/page.py): two conditions trees, three
// treatments, four statements, one pair whose statements the page does not carry.
import { prepare } from "../../kg/render/templates/js/data.js";

const table = (columns, rows) => ({ columns, data: rows.map((r) => columns.map((c) => (c in r ? r[c] : null))) });

export const vocab = {
  verdicts: [{ value: "benefit", label: "Benefit", color: "#1a9850", text: "#fff" },
    { value: "no_benefit", label: "No benefit", color: "#525252", text: "#fff" },
    { value: "harm", label: "Harm", color: "#d73027", text: "#fff" }],
  effects: [{ value: "benefit", label: "Benefit" }, { value: "no_benefit", label: "No benefit" }, { value: "harm", label: "Harm" }],
  timeframes: [{ value: "short_term", label: "Short", short: "short" }, { value: "long_term", label: "Long", short: "long" },
    { value: "unspecified", label: "Not stated", short: "unspecified" }],
  certainties: [{ value: "high", label: "High" }, { value: "low", label: "Low" }, { value: "none", label: "Not stated" }],
  recommendations: [],
  source_types: [{ value: "guideline", label: "Guideline", width: 7 }, { value: "blog", label: "Blog", width: 1.5 }],
  categories: [{ value: "medication", label: "Medication" }, { value: "exercise", label: "Exercise" }],
};

export function model(extra) {
  const nodes = [
    { key: "condition:back", kind: "condition", id: "back", label: "Back pain" },
    { key: "condition:sciatica", kind: "condition", id: "sciatica", label: "Sciatica", parent: "back" },
    { key: "condition:hip", kind: "condition", id: "hip", label: "Hip pain" },
    { key: "treatment:nsaid", kind: "treatment", id: "nsaid", label: "NSAIDs", category: "medication", synonyms: "ibuprofen|naproxen" },
    { key: "treatment:walk", kind: "treatment", id: "walk", label: "Walking", category: "exercise" },
    { key: "treatment:opioid", kind: "treatment", id: "opioid", label: "Opioids", category: "medication" },
    { key: "source:g", kind: "source", id: "g", title: "A guideline", type: "guideline" },
    { key: "source:b", kind: "source", id: "b", title: "A blog", type: "blog" },
  ];
  const ev = (id, t, c, s, effect, timeframe, certainty) => ({ key: "evidence:" + id, kind: "evidence", from: "treatment:" + t,
    to: "condition:" + c, id, source: s, effect, timeframe, certainty, summary: id, quote: id });
  const edges = [ev("e1", "nsaid", "back", "g", "benefit", "short_term", "high"), ev("e2", "nsaid", "sciatica", "b", "no_benefit", "long_term"),
    ev("e3", "walk", "back", "b", "benefit", "unspecified"), ev("e4", "walk", "hip", "g", "benefit", "long_term", "low")];
  const pairs = [
    { key: "pair:nsaid|back", treatment: "nsaid", condition: "back", verdict: "benefit", headline: "benefit", sources: 1, statements: 1 },
    { key: "pair:nsaid|sciatica", treatment: "nsaid", condition: "sciatica", verdict: "no_benefit", headline: "no benefit", sources: 1, statements: 1 },
    { key: "pair:walk|back", treatment: "walk", condition: "back", verdict: "benefit", headline: "benefit", sources: 1, statements: 1 },
    { key: "pair:walk|hip", treatment: "walk", condition: "hip", verdict: "benefit", headline: "benefit", sources: 1, statements: 1 },
    { key: "pair:opioid|back", treatment: "opioid", condition: "back", verdict: "harm", headline: "harm", sources: 2, statements: 5 },
  ];
  const statements = [
    { id: "e1", pair: 0, source_type: "guideline", category: "medication", cites: "cites:g:nsaid" },
    { id: "e2", pair: 1, source_type: "blog", category: "medication", cites: "cites:b:nsaid" },
    { id: "e3", pair: 2, source_type: "blog", category: "exercise", cites: "cites:b:walk" },
    { id: "e4", pair: 3, source_type: "guideline", category: "exercise", cites: "cites:g:walk" },
  ];
  const viewEdges = pairs.map((p) => ({ id: p.key, kind: "pair", from: "treatment:" + p.treatment, to: "condition:" + p.condition }))
    .concat(edges.map((e) => ({ id: e.key, kind: "evidence", from: e.from, to: e.to })))
    .concat([{ id: "broader:condition:sciatica", kind: "broader", from: "condition:sciatica", to: "condition:back" }])
    .concat(["g:nsaid", "b:nsaid", "b:walk", "g:walk"].map((k) => ({ id: "cites:" + k, kind: "cites",
      from: "source:" + k.split(":")[0], to: "treatment:" + k.split(":")[1] })));
  const page = {
    meta: { counts: { statements: 9, carried: 4 }, max_nodes: 100, max_edges: 100, max_matrix_cells: 100 },
    vocab, initial: {}, counts: {},
    view: { nodes: table(["id"], nodes.map((n) => ({ id: n.key }))), edges: table(["id", "kind", "from", "to"], viewEdges), options: {}, fixed: false },
    pairs: table(["key", "treatment", "condition", "verdict", "headline", "sources", "statements"], pairs),
    statements: table(["id", "pair", "source_type", "category", "cites"], statements),
    nodes: table(["key", "statements", "carried", "sources"], [
      { key: "treatment:nsaid", statements: 2, carried: 2, sources: 2 }, { key: "treatment:walk", statements: 2, carried: 2, sources: 2 },
      { key: "treatment:opioid", statements: 5, carried: 0, sources: 2 }, { key: "condition:back", statements: 7, carried: 2, sources: 2 },
      { key: "condition:sciatica", statements: 1, carried: 1, sources: 1 }, { key: "condition:hip", statements: 1, carried: 1, sources: 1 },
      { key: "source:g", statements: 2, carried: 2, sources: 1 }, { key: "source:b", statements: 2, carried: 2, sources: 1 }]),
    conflicts: table(["pair", "kind", "a", "b"], []),
    matrix: {
      rows: table(["id", "category", "depth"], [{ id: "nsaid", category: "medication", depth: 0 },
        { id: "opioid", category: "medication", depth: 0 }, { id: "walk", category: "exercise", depth: 0 }]),
      columns: table(["id", "parent", "depth", "size"], [{ id: "back", depth: 0, size: 2 },
        { id: "sciatica", parent: "back", depth: 1, size: 1 }, { id: "hip", depth: 0, size: 1 }]),
    },
    ...(extra || {}),
  };
  return prepare({ nodes, edges }, page);
}
