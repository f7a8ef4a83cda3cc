"""Provenance: every build records its input files (sha256, rows) and the package version in the graph,
deterministically and without machine paths; `kg validate --check-build` says whether a build is stale."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kg
from kg import provenance
from kg.api import EvidenceGraph
from kg.build import build

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "data" / "diff" / "base"


def run_kg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("provenance")
    build(BASE, root / "build", store=root / "store")
    return {"build": root / "build", "store": root / "store"}


def test_every_build_records_its_inputs_without_machine_paths_or_time(built: dict[str, Path]) -> None:
    nt = (built["build"] / "graph.nt").read_bytes()
    recorded = provenance.from_ntriples_file(built["build"] / "graph.nt")
    assert recorded is not None
    assert [(f.path, f.rows) for f in recorded.files] == [
        ("conditions.csv", 2), ("evidence.csv", 4), ("sources.csv", 2), ("texts/guide.txt", None),
        ("treatments.csv", 3)]
    assert recorded.digests() == provenance.of_folder(BASE).digests()
    assert recorded.version == kg.__version__
    assert str(BASE).encode() not in nt and str(built["build"]).encode() not in nt and b"/tmp" not in nt
    assert not re.search(rb"dateTime|\d{4}-\d\d-\d\dT", nt)
    again = kg.load(BASE).ntriples
    assert again == nt  # deterministic, and the same in memory as on disk


def test_a_subset_claims_no_inputs() -> None:
    from kg import notebook

    part = notebook.subset(kg.load(BASE).dataset, treatment="rest")
    assert provenance.of_dataset(part) is None
    assert b"/build/input/" not in EvidenceGraph(part).ntriples


def test_check_build_says_whether_a_build_is_stale(built: dict[str, Path], tmp_path: Path) -> None:
    fresh = run_kg("validate", "--data", str(BASE), "--check-build", str(built["build"]))
    assert fresh.returncode == 0 and "up to date" in fresh.stderr
    assert run_kg("validate", "--data", str(BASE), "--check-build", str(built["store"])).returncode == 0
    copy = tmp_path / "data"
    shutil.copytree(BASE, copy)
    (copy / "texts" / "guide.txt").write_text(
        "Guideline text. Discectomy has better outcomes at one year but not at four to ten years. More.\n")
    stale = run_kg("validate", "--data", str(copy), "--check-build", str(built["build"]))
    assert stale.returncode == 1
    assert stale.stdout.splitlines() == [f"{built['build']}: stale: texts/guide.txt: changed since the build "
                                         f"(sha256 {provenance.of_folder(BASE).digests()['texts/guide.txt'][:12]}… "
                                         f"-> {provenance.of_folder(copy).digests()['texts/guide.txt'][:12]}…)"]
    nothing = run_kg("validate", "--data", str(BASE), "--check-build", str(tmp_path / "none"))
    assert nothing.returncode == 1 and "not a build" in nothing.stderr and "Traceback" not in nothing.stderr


def test_the_block_is_not_a_table_row_and_leaves_the_shapes_alone(built: dict[str, Path]) -> None:
    import pyoxigraph as ox

    from kg.from_rdf import tables_from_store

    store = ox.Store()
    store.bulk_load(path=built["build"] / "graph.nt", format=ox.RdfFormat.N_TRIPLES)
    rebuilt = tables_from_store(store)
    original = kg.load(BASE).dataset
    for name in ("sources", "conditions", "treatments", "evidence"):
        assert len(rebuilt.table(name)) == len(original.table(name))
    assert provenance.from_store(store) == provenance.from_ntriples_file(built["build"] / "graph.nt")


cells = st.text(alphabet=st.sampled_from(list('ab ,"\n\r|')), max_size=8)


@given(st.lists(st.lists(cells, min_size=3, max_size=3), max_size=12), st.sampled_from(["\n", "\r\n"]),
       st.booleans())
def test_count_records_counts_what_a_csv_reader_reads(rows: list[list[str]], end: str, final: bool) -> None:
    rows = [["x" + r[0], *r[1:]] for r in rows]  # a record never starts blank
    out = io.StringIO()
    csv.writer(out, lineterminator=end).writerows([["id", "b", "c"], *rows])
    text = out.getvalue() if final else out.getvalue().removesuffix(end)
    assert provenance.count_records(text.encode()) == len(rows)
    assert provenance.count_records((text + end + end).encode()) == len(rows)  # empty lines are not rows


@given(st.lists(st.lists(cells, min_size=3, max_size=3), max_size=12), st.sampled_from(["\n", "\r\n"]),
       st.lists(st.integers(min_value=0, max_value=200), max_size=6))
def test_record_counter_gives_the_same_count_whatever_the_blocks(rows: list[list[str]], end: str,
                                                                 cuts: list[int]) -> None:
    rows = [["x" + r[0], *r[1:]] for r in rows]
    out = io.StringIO()
    csv.writer(out, lineterminator=end).writerows([["id", "b", "c"], *rows])
    data = out.getvalue().encode()
    counter = provenance.RecordCounter()
    at = 0
    for cut in [*sorted(min(c, len(data)) for c in cuts), len(data)]:
        counter.update(data[at:cut])
        at = max(at, cut)
    assert counter.count() == provenance.count_records(data) == len(rows)
