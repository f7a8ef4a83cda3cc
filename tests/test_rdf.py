"""The RDF graph: standard vocabularies, SHACL-conformant, lossless, deterministic."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pandas as pd
import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

import kg
from kg import rdf
from kg.from_rdf import tables_from_store
from kg.model import Dataset
from kg.schema import TABLES

EKG = rdflib.Namespace("https://evidence-kg.example/vocab#")
BASE = "https://evidence-kg.example/id/"


def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(data=resources.files("kg").joinpath("shapes.ttl").read_text(), format="turtle")


def conforms(graph: rdflib.Graph) -> tuple[bool, str]:
    import pyshacl

    ok, _, text = pyshacl.validate(graph, shacl_graph=shapes(), advanced=True)
    return bool(ok), str(text)


@pytest.mark.parametrize("folder", [None, Path(__file__).parent / "data" / "minimal"])
def test_graph_conforms_to_the_shipped_shapes(folder: Path | None) -> None:
    ok, report = conforms(kg.load(folder).rdf)
    assert ok, report


def test_shapes_catch_a_statement_without_a_source() -> None:
    graph = kg.load(Path(__file__).parent / "data" / "minimal").rdf
    graph.remove((rdflib.URIRef(BASE + "evidence/d1"), rdflib.PROV.wasDerivedFrom, None))
    ok, report = conforms(graph)
    assert not ok
    assert "evidence:d1" in report and "wasDerivedFrom" in report


def test_statement_node_carries_every_column() -> None:
    g = kg.load(Path(__file__).parent / "data" / "minimal").rdf
    d1 = rdflib.URIRef(BASE + "evidence/d1")
    assert (d1, rdflib.RDF.type, EKG.EvidenceStatement) in g
    assert g.value(d1, EKG.treatment) == rdflib.URIRef(BASE + "treatment/discectomy")
    assert g.value(d1, EKG.condition) == rdflib.URIRef(BASE + "condition/sciatica")
    assert g.value(d1, rdflib.PROV.wasQuotedFrom) == rdflib.URIRef(BASE + "source/guide")
    assert str(g.value(g.value(d1, EKG.effect), rdflib.SKOS.notation)) == "benefit"
    assert str(g.value(g.value(d1, EKG.certainty), rdflib.SKOS.notation)) == "moderate"
    assert str(g.value(d1, EKG.quote)) == "Discectomy has better outcomes at one year"
    assert str(g.value(d1, EKG.outcome)) == "leg pain"
    sciatica = rdflib.URIRef(BASE + "condition/sciatica")
    assert g.value(sciatica, rdflib.SKOS.broader) == rdflib.URIRef(BASE + "condition/back-pain")
    guide = rdflib.URIRef(BASE + "source/guide")
    assert (guide, rdflib.RDF.type, rdflib.URIRef("http://schema.org/MedicalGuideline")) in g
    assert g.value(guide, rdflib.URIRef("http://schema.org/url")) == rdflib.URIRef("https://example.org/guide?x=1&y=2")


def test_enums_are_skos_concept_schemes_in_the_graph() -> None:
    g = kg.load(Path(__file__).parent / "data" / "minimal").rdf
    scheme = rdflib.URIRef("https://evidence-kg.example/vocab/effect")
    members = sorted(str(g.value(c, rdflib.SKOS.notation)) for c in g.subjects(rdflib.SKOS.inScheme, scheme))
    assert members == ["benefit", "harm", "insufficient", "no_benefit"]


def comparable(dataset: Dataset, name: str) -> pd.DataFrame:
    """A table as the RDF keeps it: rows by id; synonym and xref order carries no meaning."""
    frame = dataset.table(name).sort_values("id").reset_index(drop=True)
    for column in ("synonyms", "xrefs"):
        if column in frame:
            frame[column] = frame[column].map(lambda v: v if pd.isna(v) else "|".join(sorted(v.split("|"))))
            frame[column] = frame[column].astype("string")
    return frame


@pytest.mark.parametrize("folder", [None, Path(__file__).parent / "data" / "minimal"])
def test_lossless_tables_rebuilt_from_rdf_alone(folder: Path | None) -> None:
    g = kg.load(folder)
    store = ox.Store()
    store.load(g.ntriples, format=ox.RdfFormat.N_TRIPLES)
    rebuilt = tables_from_store(store)
    for name in TABLES:
        pd.testing.assert_frame_equal(comparable(g.dataset, name), rebuilt.table(name))
    assert rebuilt.extra_columns == {n: cols for n, cols in g.dataset.extra_columns.items()}


def test_independent_parsers_read_the_same_triples() -> None:
    g = kg.load()
    ours = rdflib.Graph().parse(data=g.ntriples.decode(), format="nt")
    oxi = {str(t) for t in ox.parse(g.ntriples, format=ox.RdfFormat.N_TRIPLES)}
    assert len(ours) == len(oxi) == len(g.ntriples.splitlines())


def test_no_blank_nodes() -> None:
    g = kg.load().rdf
    assert not any(isinstance(term, rdflib.BNode) for triple in g for term in triple)


def test_output_identical_across_hash_seeds(tmp_path: Path) -> None:
    script = "import kg,sys; g=kg.load(); sys.stdout.buffer.write(g.ntriples)"
    outputs = []
    for seed in ("1", "2", "random"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.append(subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, check=True).stdout)
    assert outputs[0] == outputs[1] == outputs[2]


text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1).map(str.strip).filter(bool)


@settings(max_examples=60, deadline=None)
@given(label=text, quote=text, extra=text)
def test_any_text_round_trips_through_an_independent_parser(label: str, quote: str, extra: str) -> None:
    frame = lambda d: pd.DataFrame(d).astype("string")  # noqa: E731
    from kg.model import typed_frame

    tables = {
        "sources": frame({"id": ["s"], "title": [quote], "type": ["blog"]}),
        "conditions": frame({"id": ["c"], "label": [label], 'odd column "x"': [extra]}),
        "treatments": frame({"id": ["t"], "label": [label], "category": ["other"]}),
        "evidence": frame(
            {
                "id": ["e"],
                "treatment": ["t"],
                "condition": ["c"],
                "source": ["s"],
                "effect": ["harm"],
                "timeframe": ["unspecified"],
                "summary": [label],
                "quote": [quote],
            }
        ),
    }
    typed = {n: typed_frame(TABLES[n], f, list(f.columns)) for n, f in tables.items()}
    dataset = Dataset(
        **typed, extra_columns={"conditions": ['odd column "x"'], "sources": [], "treatments": [], "evidence": []}
    )
    graph = rdflib.Graph().parse(data=rdf.ntriples(dataset).decode(), format="nt")
    e = rdflib.URIRef(BASE + "evidence/e")
    assert str(graph.value(e, EKG.quote)) == quote
    assert str(graph.value(e, EKG.summary)) == label
    col = rdflib.URIRef("https://evidence-kg.example/vocab/column/odd%20column%20%22x%22")
    assert str(graph.value(rdflib.URIRef(BASE + "condition/c"), col)) == extra


def test_configurable_base() -> None:
    g = kg.load(Path(__file__).parent / "data" / "minimal", base="https://data.example.net/kg/")
    subjects = {str(s) for s in g.rdf.subjects(rdflib.RDF.type, EKG.EvidenceStatement)}
    assert subjects == {f"https://data.example.net/kg/evidence/{i}" for i in ("d1", "d2", "r1")}


def test_rdflib_view_isomorphic_to_oxigraph_store() -> None:
    g = kg.load(Path(__file__).parent / "data" / "minimal")
    from_store = rdflib.Graph().parse(
        data=g.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode(), format="nt"
    )
    assert isomorphic(from_store, g.rdf)


def test_repeated_list_items_make_one_triple(minimal: Path) -> None:
    text = (minimal / "conditions.csv").read_text(encoding="utf-8").replace("lumbago|backache", "lumbago|backache|lumbago")
    (minimal / "conditions.csv").write_text(text, encoding="utf-8")
    g = kg.load(minimal)
    lines = g.ntriples.splitlines()
    assert len(lines) == len(set(lines))
    labels = {str(o) for o in g.rdf.objects(rdflib.URIRef(BASE + "condition/back-pain"), rdflib.SKOS.altLabel)}
    assert labels == {"lumbago", "backache"}


@pytest.mark.parametrize("folder", [None, Path(__file__).parent / "data" / "render-hostile"])
@pytest.mark.parametrize("rows", [1, 2, 5])
def test_batches_make_the_same_document(folder: Path | None, rows: int, tmp_path: Path) -> None:
    """Turning a few rows at a time into N-Triples (to keep memory flat) changes no byte."""
    g = kg.load(folder)
    batched = b"".join(rdf.document(lines).to_pybytes() for lines in rdf.ntriples_batches(g.dataset, rows=rows))
    assert batched == g.ntriples
    count = rdf.write_ntriples(g.dataset, tmp_path / "graph.nt")
    assert (tmp_path / "graph.nt").read_bytes() == g.ntriples
    assert count == g.ntriples.count(b"\n")


# --------------------------------------------------------------------------- pair summary nodes


def test_every_summary_row_is_a_pair_summary_node_carrying_its_columns() -> None:
    graph = kg.load(Path(__file__).parent / "data" / "summary-rules")
    g = graph.rdf
    frame = graph.summary()
    pairs = set(g.subjects(rdflib.RDF.type, EKG.PairSummary))
    assert len(pairs) == len(frame)
    concept = "https://evidence-kg.example/vocab/"
    for r in frame.itertuples(index=False):
        node = rdflib.URIRef(f"{BASE}pair/{r.treatment_id}/{r.condition_id}")
        assert node in pairs
        assert g.value(node, EKG.treatment) == rdflib.URIRef(BASE + "treatment/" + r.treatment_id)
        assert g.value(node, EKG.condition) == rdflib.URIRef(BASE + "condition/" + r.condition_id)
        assert g.value(node, EKG.verdict) == rdflib.URIRef(f"{concept}verdict/{r.verdict}")
        assert g.value(node, EKG.strength) == rdflib.URIRef(f"{concept}strength/{r.strength}")
        assert g.value(node, EKG.certainty) == (None if pd.isna(r.certainty)
                                                else rdflib.URIRef(f"{concept}certainty/{r.certainty}"))
        assert int(g.value(node, EKG.sourceCount)) == r.sources
        assert int(g.value(node, EKG.agreeingSources)) == r.agreeing_sources
        assert int(g.value(node, EKG.relatedConflicts)) == r.related_conflicts
        assert str(g.value(node, EKG.why)) == r.why and str(g.value(node, EKG.headline)) == r.headline
        for column, prop in (("short_term", EKG.shortTermEffect), ("long_term", EKG.longTermEffect)):
            cell = getattr(r, column)
            want = set() if pd.isna(cell) else {rdflib.URIRef(f"{concept}effect/{e}") for e in cell.split("|")}
            assert set(g.objects(node, prop)) == want
        ev = graph.evidence
        mine = ev[(ev["treatment"] == r.treatment_id) & (ev["condition"] == r.condition_id)]["id"]
        assert set(g.objects(node, EKG.statement)) == {rdflib.URIRef(BASE + "evidence/" + i) for i in mine}


def test_verdict_and_strength_concepts_carry_the_labels_of_the_rule_table() -> None:
    from kg.verdicts import RULES, STRENGTH_LABELS

    g = kg.load(Path(__file__).parent / "data" / "minimal").rdf
    for rule in RULES:
        c = rdflib.URIRef(f"https://evidence-kg.example/vocab/verdict/{rule.verdict}")
        assert str(g.value(c, rdflib.SKOS.prefLabel)) == rule.label
        assert str(g.value(c, rdflib.SKOS.notation)) == str(rule.verdict)
    for strength, label in STRENGTH_LABELS.items():
        c = rdflib.URIRef(f"https://evidence-kg.example/vocab/strength/{strength}")
        assert str(g.value(c, rdflib.SKOS.prefLabel)) == label


def test_shapes_catch_a_pair_summary_without_a_verdict_or_with_a_foreign_strength() -> None:
    graph = kg.load(Path(__file__).parent / "data" / "summary-rules").rdf
    node = rdflib.URIRef(BASE + "pair/traction/low-back-pain")
    graph.remove((node, EKG.verdict, None))
    ok, report = conforms(graph)
    assert not ok and "verdict" in report
    graph = kg.load(Path(__file__).parent / "data" / "summary-rules").rdf
    graph.set((node, EKG.strength, rdflib.URIRef("https://evidence-kg.example/vocab/effect/benefit")))
    ok, report = conforms(graph)
    assert not ok and "strength" in report


def test_graph_with_pair_summaries_conforms_on_the_summary_fixtures() -> None:
    ok, report = conforms(kg.load(Path(__file__).parent / "data" / "summary-precedence").rdf)
    assert ok, report
