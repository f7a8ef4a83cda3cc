"""The networkx view and its GraphML export."""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx

import kg
from kg import network


def test_nodes_edges_and_attributes() -> None:
    g = kg.load(Path(__file__).parent / "data" / "minimal")
    graph = g.nx
    assert graph.nodes["treatment:discectomy"]["label"] == "Discectomy"
    assert graph.nodes["source:guide"]["kind"] == "source"
    edges = graph.get_edge_data("treatment:discectomy", "condition:sciatica")
    assert set(edges) == {"evidence:d1", "evidence:d2"}
    assert edges["evidence:d1"]["effect"] == "benefit"
    assert edges["evidence:d1"]["source"] == "guide"
    assert "comparator" not in edges["evidence:d1"]
    assert graph.has_edge("condition:sciatica", "condition:back-pain", key="broader:condition:sciatica")
    assert graph.has_edge("treatment:discectomy", "treatment:surgery")
    assert graph.nodes["source:guide"]["reviewer"] == "Ann"


def test_graphml_reads_back_as_the_same_graph() -> None:
    for folder in (None, Path(__file__).parent / "data" / "minimal"):
        g = kg.load(folder)
        back = nx.read_graphml(io.BytesIO(network.graphml(g.dataset)), force_multigraph=True)
        assert isinstance(back, nx.MultiDiGraph)
        assert dict(back.nodes(data=True)) == dict(g.nx.nodes(data=True))
        assert sorted(back.edges(keys=True, data=True)) == sorted(g.nx.edges(keys=True, data=True))


def test_treatment_and_condition_may_share_a_slug(minimal: Path) -> None:
    text = (minimal / "conditions.csv").read_text(encoding="utf-8") + "surgery,Post-surgical pain,,,,,\n"
    (minimal / "conditions.csv").write_text(text, encoding="utf-8")
    graph = kg.load(minimal).nx
    assert graph.nodes["treatment:surgery"]["kind"] == "treatment"
    assert graph.nodes["condition:surgery"]["kind"] == "condition"


def test_the_three_edge_lists_join_node_keys() -> None:
    g = kg.load(Path(__file__).parent / "data" / "minimal")
    nodes = set(network.node_frame(g.dataset)["key"])
    lists = {"evidence": network.evidence_edges(g.dataset), "broader": network.broader_edges(g.dataset),
             "cites": network.cites_edges(g.dataset)}
    for kind, edges in lists.items():
        assert list(edges.columns[:4]) == network.EDGE_COLUMNS
        assert (edges["kind"] == kind).all() and edges["key"].is_unique
        assert set(edges["from"]) | set(edges["to"]) <= nodes, kind
    pairs = g.evidence[["source", "treatment"]].drop_duplicates()
    assert sorted(lists["cites"]["key"]) == sorted("cites:" + pairs["source"] + ":" + pairs["treatment"])
    assert len(lists["evidence"]) == len(g.evidence)
    assert len(lists["broader"]) == int(g.treatments["parent"].notna().sum() + g.conditions["parent"].notna().sum())
