"""Query engines: one interface, chosen in one place, the same answers from each."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg import engines, queries
from kg.build import build
from kg.errors import KgError, UsageError
from kg.model import read_valid

FIXTURE = Path(__file__).parent / "data" / "queries"
QUERY = "evidence-for-condition"
PARAMS = {"condition": "low-back-pain"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("engines")
    build(FIXTURE, out / "build", store=out / "store")
    return out


def test_every_local_way_in_gives_the_same_rows(built: Path) -> None:
    expected = engines.run(QUERY, engines.open_engine(data=FIXTURE), PARAMS).rows
    assert expected
    opened = {
        "dataset": engines.open_engine(dataset=read_valid(FIXTURE)),
        "graph file": engines.open_engine(graph=built / "build" / "graph.ttl"),
        "store path": engines.open_engine(store=built / "store"),
        "rdflib": engines.open_engine(data=FIXTURE, engine="rdflib"),
        "store, rdflib": engines.open_engine(store=built / "store", engine="rdflib"),
    }
    for label, engine in opened.items():
        assert engines.run(QUERY, engine, PARAMS).rows == expected, label


def test_engines_share_their_triples_when_switched() -> None:
    ox = engines.OxigraphEngine.from_dataset(read_valid(FIXTURE))
    rdflib_engine = ox.using("rdflib")
    assert isinstance(rdflib_engine, engines.RdflibEngine)
    assert ox.using("rdflib") is rdflib_engine and rdflib_engine.using("oxigraph") is ox
    assert rdflib_engine.lookup("sciatica", None) == ox.lookup("sciatica", None) == [
        ("condition", "https://evidence-kg.example/id/condition/sciatica")]


def test_the_choice_is_checked_in_one_place(built: Path) -> None:
    with pytest.raises(UsageError, match="give only one of data, graph"):
        engines.open_engine(data=FIXTURE, graph=built / "build" / "graph.nt")
    with pytest.raises(queries.QueryUsageError, match="unknown engine 'jena'"):
        engines.open_engine(data=FIXTURE, engine="jena")
    with pytest.raises(KgError, match="--named-graph goes with --endpoint"):
        engines.open_engine(data=FIXTURE, named_graph="urn:g")
    with pytest.raises(queries.QueryUsageError, match="it does not go with --endpoint"):
        engines.open_engine(endpoint="http://127.0.0.1:9/sparql", engine="rdflib")


def test_a_parameter_that_needs_another_is_a_usage_error_naming_both() -> None:
    """The library's own rules (the CLI reports them as exit 2), raised before anything is read or sent."""
    cases = [({"data": "/no/such/folder", "named_graph": "urn:g"}, "--named-graph goes with --endpoint"),
             ({"endpoint": "http://127.0.0.1:9/sparql", "engine": "oxigraph"}, "--engine .* not go with --endpoint"),
             ({"endpoint": "http://127.0.0.1:9/sparql", "allow_service": True},
              "--allow-service .* not go with --endpoint")]
    for kwargs, message in cases:
        with pytest.raises(UsageError, match=message) as err:
            engines.open_engine(**kwargs)  # type: ignore[arg-type]
        assert err.value.exit_code == 2


def test_the_api_and_the_engine_functions_agree() -> None:
    g = kg.load(FIXTURE)
    assert g.results(QUERY, **PARAMS).rows == engines.run(QUERY, engines.open_engine(data=FIXTURE), PARAMS).rows
    assert g.engine("rdflib") is g.engine("rdflib")
    assert g.results(QUERY, engine="rdflib", **PARAMS).rows == g.results(QUERY, **PARAMS).rows


def test_sparql_text_runs_as_a_query() -> None:
    engine = engines.open_engine(data=FIXTURE)
    rs = engine.select("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://evidence-kg.example/vocab#EvidenceStatement> }")
    assert rs.values() == [(str(len(read_valid(FIXTURE).evidence)),)]
