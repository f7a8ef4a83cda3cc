"""`kg build`: six outputs, atomic, deterministic, readable by independent parsers."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib.compare import isomorphic

import kg
from kg.build import OUTPUTS, build
from kg.problems import ValidationError

MINIMAL = Path(__file__).parent / "data" / "minimal"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "out"
    build(None, out)
    return out


def test_six_outputs(built: Path) -> None:
    assert sorted(p.name for p in built.iterdir()) == sorted(OUTPUTS)
    umask = os.umask(0)
    os.umask(umask)
    assert built.stat().st_mode & 0o777 == 0o777 & ~umask


def test_rdf_exports_agree_under_independent_parsers(built: Path) -> None:
    nt = rdflib.Graph().parse(built / "graph.nt", format="nt")
    ttl = rdflib.Graph().parse(built / "graph.ttl", format="turtle")
    jsonld = rdflib.Graph().parse(built / "graph.jsonld", format="json-ld")
    assert len(nt) > 1000
    assert isomorphic(nt, ttl)
    assert isomorphic(nt, jsonld)
    context = json.loads((built / "graph.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context["skos"] == "http://www.w3.org/2004/02/skos/core#"
    assert all(not str(v).startswith("http") or "://" in v for v in context.values())


def test_graphml_and_summary(built: Path) -> None:
    graph = nx.read_graphml(built / "graph.graphml", force_multigraph=True)
    g = kg.load()
    assert graph.number_of_nodes() == len(g.treatments) + len(g.conditions) + len(g.sources)
    rows = list(csv.DictReader(io.StringIO((built / "summary.csv").read_text(encoding="utf-8"))))
    pairs = {(r["treatment_id"], r["condition_id"]): r for r in rows}
    assert pairs[("traction", "low-back-pain")]["verdict"] == "no_benefit"
    assert pairs[("discectomy", "sciatica")]["verdict"] == "short_term_only"
    assert pairs[("epidural-corticosteroid-injections", "sciatica")]["verdict"] == "short_term_only"
    assert pairs[("antidepressants", "chronic-low-back-pain")]["verdict"] == "benefit_with_harms"
    assert pairs[("gabapentin", "chronic-low-back-pain")]["verdict"] == "no_benefit"


def test_invalid_input_writes_nothing_and_keeps_the_earlier_build(tmp_path: Path, minimal: Path) -> None:
    out = tmp_path / "out"
    build(minimal, out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (minimal / "evidence.csv").write_text("id,treatment\nx,nope\n", encoding="utf-8")
    with pytest.raises(ValidationError):
        build(minimal, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".build-")] == []


def test_rebuild_replaces_the_six_and_leaves_other_files(tmp_path: Path, minimal: Path) -> None:
    out = tmp_path / "out"
    build(minimal, out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    text = (minimal / "treatments.csv").read_text(encoding="utf-8").replace("Bed rest", "Rest in bed")
    (minimal / "treatments.csv").write_text(text, encoding="utf-8")
    build(minimal, out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert b"Rest in bed" in (out / "graph.nt").read_bytes()


def test_byte_identical_builds_across_hash_seeds(tmp_path: Path) -> None:
    outs = []
    for seed in ("0", "12345"):
        out = tmp_path / f"b{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "kg.cli", "build", "--data", str(MINIMAL), "--out", str(out)],
            env=env,
            check=True,
            capture_output=True,
        )
        outs.append({name: (out / name).read_bytes() for name in OUTPUTS})
    assert outs[0] == outs[1]


def test_a_folder_from_another_guideline_builds(tmp_path: Path) -> None:
    """Any contract-valid folder builds with no code change (columns in another order, extra columns)."""
    folder = tmp_path / "nice"
    folder.mkdir()
    (folder / "sources.csv").write_text(
        "type,id,title,committee\nguideline,nice-ng59,Low back pain and sciatica in over 16s,NICE\n", encoding="utf-8"
    )
    (folder / "conditions.csv").write_text("label,id\nSciatica,sciatica\n", encoding="utf-8")
    (folder / "treatments.csv").write_text("id,category,label\nexercise,exercise,Group exercise\n", encoding="utf-8")
    (folder / "evidence.csv").write_text(
        "quote,summary,timeframe,effect,source,condition,treatment,id\n"
        "Consider a group exercise programme,consider group exercise,unspecified,benefit,nice-ng59,sciatica,exercise,e1\n",
        encoding="utf-8",
    )
    paths = build(folder, tmp_path / "out")
    assert all(p.stat().st_size > 0 for p in paths)


def test_store_written_and_reopened(tmp_path: Path, minimal: Path) -> None:
    build(minimal, tmp_path / "out", store=tmp_path / "store")
    reopened = kg.load(store=tmp_path / "store")
    assert sorted(reopened.evidence["id"]) == ["d1", "d2", "r1"]
    assert len(reopened.store) == len(kg.load(minimal).ntriples.splitlines())


def test_a_failed_swap_is_a_message_and_leaves_no_staging_folder(tmp_path: Path, minimal: Path) -> None:
    from kg.build import BuildError

    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").mkdir()
    (out / "graph.ttl" / "keep.txt").write_text("not a file the build may replace", encoding="utf-8")
    with pytest.raises(BuildError, match="cannot write the build"):
        build(minimal, out)
    assert (out / "graph.ttl" / "keep.txt").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".build-")] == []


def test_exports_written_apart_equal_the_in_process_ones(built: Path) -> None:
    """Turtle and JSON-LD from the build's child processes are the bytes `kg.export` makes in-process."""
    from kg import export

    g = kg.load()
    assert (built / "graph.ttl").read_bytes() == export.turtle(g.ntriples)
    assert (built / "graph.jsonld").read_bytes() == export.jsonld(g.ntriples)


def test_a_failing_serialiser_is_a_message_and_writes_nothing(
    tmp_path: Path, minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg import export
    from kg.build import BuildError

    real = export.start

    def broken(kind: str, nt: Path | None, out: Path, base: str) -> export.Serialiser:
        return real(kind, nt, out.parent / "missing" / out.name, base)  # the child cannot write its output

    monkeypatch.setattr(export, "start", broken)
    with pytest.raises(BuildError, match=r"cannot write the build \(writing graph\.(ttl|jsonld) from the N-Triples "
                                         r"being written: .*No such file"):
        build(minimal, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".build-")] == []
