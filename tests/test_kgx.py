"""The KGX format: Biolink-valid nodes and edges that the kgx tool reads, and that give the tables back."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from biolink_model.datamodel import pydanticmodel_v2 as biolink

import kg
from kg.errors import InputError
from kg.formats import Context, get
from kg.formats import kgx as K
from kg.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "data"
FOLDERS = [None, *sorted(p.name for p in FIXTURES.iterdir() if (p / "evidence.csv").is_file())]
KGX_PYTHON = ROOT / ".venv-kgx" / "bin" / "python"


def export(dataset: kg.model.Dataset, folder: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    get("kgx").write(Context(dataset), folder)
    nodes = [json.loads(line) for line in (folder / "nodes.jsonl").read_text(encoding="utf-8").splitlines()]
    edges = [json.loads(line) for line in (folder / "edges.jsonl").read_text(encoding="utf-8").splitlines()]
    return nodes, edges


def assert_same_tables(a: kg.model.Dataset, b: kg.model.Dataset) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(a.table(name), b.table(name))
    assert a.extra_columns == b.extra_columns


@pytest.mark.parametrize("folder", FOLDERS)
def test_round_trip_gives_every_cell_back(folder: str | None, tmp_path: Path) -> None:
    g = kg.load(None if folder is None else FIXTURES / folder)
    export(g.dataset, tmp_path / "kgx")
    back = get("kgx").read([tmp_path / "kgx"])
    assert_same_tables(g.dataset, back)
    assert back.skipped == {}


def test_round_trip_of_ten_thousand_synthetic_statements(script: Callable[[str], Any], tmp_path: Path) -> None:
    folder = tmp_path / "synth"
    script("synth").write(folder, script("synth").generate(10_000, seed=3))
    g = kg.load(folder)
    export(g.dataset, tmp_path / "kgx")
    files = [tmp_path / "kgx" / "nodes.jsonl", tmp_path / "kgx" / "edges.jsonl"]
    assert_same_tables(g.dataset, get("kgx").read(files))


def biolink_class(category: list[str]) -> type[Any]:
    assert len(category) == 1, category
    cls: type[Any] = getattr(biolink, category[0].removeprefix("biolink:"))
    return cls


def biolink_part(record: dict[str, Any], extras: set[str]) -> dict[str, Any]:
    """The record without the project's own documented properties (which KGX allows beside Biolink's)."""
    own = {k for k in record if k.startswith("ekg_")}
    assert own <= set(K.OWN) | set(K.NODE_OWN) | {K.EXTRA + e for e in extras}, own
    return {k: v for k, v in record.items() if k not in own}


@pytest.mark.parametrize("folder", [None, "minimal", "render-hostile", "summary-comparators"])
def test_every_node_and_edge_validates_against_the_biolink_model(folder: str | None, tmp_path: Path) -> None:
    g = kg.load(None if folder is None else FIXTURES / folder)
    extras = {c for cols in g.dataset.extra_columns.values() for c in cols}
    nodes, edges = export(g.dataset, tmp_path / "kgx")
    assert len(nodes) == len(g.sources) + len(g.treatments) + len(g.conditions)
    hierarchy = int(g.treatments["parent"].notna().sum() + g.conditions["parent"].notna().sum())
    assert len(edges) == len(g.evidence) + hierarchy
    ids = {n["id"] for n in nodes}
    assert len(ids) == len(nodes)
    for node in nodes:
        biolink_class(node["category"]).model_validate(biolink_part(node, extras))
    for edge in edges:
        biolink_class(edge["category"]).model_validate(biolink_part(edge, extras))
        assert edge["subject"] in ids and edge["object"] in ids
        assert edge["knowledge_level"] == "knowledge_assertion" and edge["agent_type"] == "manual_agent"


def test_predicates_follow_the_documented_table(tmp_path: Path) -> None:
    g = kg.load()
    _, edges = export(g.dataset, tmp_path / "kgx")
    by_id = {e["id"].removeprefix("EKG.evidence:"): e for e in edges if e["id"].startswith("EKG.evidence:")}
    types = g.evidence["source"].map(g.sources.set_index("id")["type"].astype("string"))
    for (_, row), source_type in zip(g.evidence.iterrows(), types, strict=True):
        edge = by_id[row["id"]]
        established = row["effect"] == "benefit" and row["recommendation"] == "recommend" and source_type == "guideline"
        expected = "biolink:treats" if established else K.PREDICATES[row["effect"]]
        assert edge["predicate"] == expected
        assert edge.get("negated", False) is (row["effect"] == "no_benefit")
        assert edge["supporting_text"] == [row["quote"]]
    assert any(e["predicate"] == "biolink:treats" for e in edges)
    assert not any(e["predicate"] == "biolink:treats" and e.get("negated") for e in edges)


def test_nodes_take_a_unique_xref_as_id_and_carry_synonyms_and_xrefs(tmp_path: Path) -> None:
    g = kg.load(FIXTURES / "minimal")
    nodes, edges = export(g.dataset, tmp_path / "kgx")
    by_iri = {n["iri"].rsplit("/", 2)[-2] + ":" + n["iri"].rsplit("/", 1)[-1]: n for n in nodes}
    back_pain = g.conditions.set_index("id").loc["back-pain"]
    node = by_iri["condition:back-pain"]
    assert node["id"] == back_pain["xrefs"].split("|")[0]
    assert node["xref"] == back_pain["xrefs"].split("|")
    assert node["category"] == ["biolink:DiseaseOrPhenotypicFeature"]
    assert by_iri["treatment:discectomy"]["id"] == "EKG.treatment:discectomy"
    sub = [e for e in edges if e["predicate"] == "biolink:subclass_of"]
    assert {(e["subject"], e["object"]) for e in sub} >= {("EKG.condition:sciatica", node["id"])}


def test_same_bytes_across_runs(tmp_path: Path) -> None:
    g = kg.load()
    export(g.dataset, tmp_path / "a")
    export(kg.load().dataset, tmp_path / "b")
    for name in ("nodes.jsonl", "edges.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def kgx(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not KGX_PYTHON.is_file():
        if os.environ.get("CI"):
            pytest.fail(".venv-kgx is missing: .ci/run makes it (kgx lives in its own virtual environment)")
        pytest.skip("kgx's own virtual environment (.venv-kgx, made by .ci/run) is not here")
    env = {**os.environ, "KGX_OFFLINE_PREFIXES": json.dumps(K.prefixes())}
    return subprocess.run([str(KGX_PYTHON), str(ROOT / "scripts" / "kgx_offline.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_the_kgx_tool_validates_the_export_and_transforms_it_to_tsv(tmp_path: Path) -> None:
    g = kg.load()
    nodes, edges = export(g.dataset, tmp_path / "kgx")
    files = [str(tmp_path / "kgx" / "nodes.jsonl"), str(tmp_path / "kgx" / "edges.jsonl")]
    checked = kgx("validate", "--input-format", "jsonl", *files, cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout[-3000:] + checked.stderr[-3000:]
    report = checked.stdout[checked.stdout.index("{"):] if "{" in checked.stdout else "{}"
    assert json.loads(report) == {}, report[:3000]
    # --stream: the in-memory graph kgx builds otherwise keys edges by subject-predicate-object and merges
    # statements that share them (several sources saying the same); streamed, every statement stays an edge.
    done = kgx("transform", "--stream", "--input-format", "jsonl", "--output-format", "tsv", "--output",
               str(tmp_path / "tsv" / "graph"), *files, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    tsv_nodes = pd.read_csv(tmp_path / "tsv" / "graph_nodes.tsv", sep="\t", dtype=str)
    tsv_edges = pd.read_csv(tmp_path / "tsv" / "graph_edges.tsv", sep="\t", dtype=str)
    assert set(tsv_nodes["id"]) == {n["id"] for n in nodes}
    assert set(tsv_edges["id"]) == {e["id"] for e in edges}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "x",', r"nodes.jsonl:2:\d+: not JSON"),
        ('["not", "a", "record"]', r"nodes.jsonl:2: not a KGX node or edge"),
    ],
)
def test_bad_input_is_an_error_naming_the_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    export(kg.load(FIXTURES / "minimal").dataset, tmp_path / "kgx")
    nodes = (tmp_path / "kgx" / "nodes.jsonl").read_text().splitlines()
    nodes.insert(1, line)
    (tmp_path / "kgx" / "nodes.jsonl").write_text("\n".join(nodes) + "\n")
    with pytest.raises(InputError, match=message):
        get("kgx").read([tmp_path / "kgx"])


def test_a_folder_without_the_two_files_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no nodes\.jsonl or edges\.jsonl"):
        get("kgx").read([tmp_path])


def test_foreign_nodes_and_edges_are_counted_as_skipped(tmp_path: Path) -> None:
    g = kg.load(FIXTURES / "minimal")
    export(g.dataset, tmp_path / "kgx")
    with open(tmp_path / "kgx" / "nodes.jsonl", "a") as out:
        out.write('{"id":"HGNC:11603","category":["biolink:Gene"],"name":"TBX4"}\n')
    with open(tmp_path / "kgx" / "edges.jsonl", "a") as out:
        out.write('{"subject":"HGNC:11603","predicate":"biolink:contributes_to","object":"EKG.condition:sciatica",'
                  '"knowledge_level":"knowledge_assertion","agent_type":"manual_agent"}\n')
    back = get("kgx").read([tmp_path / "kgx"])
    assert_same_tables(g.dataset, back)
    assert back.skipped == {"edge biolink:contributes_to": 1, "node (not one of ours: no evidence-kg iri)": 1}
