"""`kg import` / `kg.import_`: interchange files back to a data folder, written whole or not at all."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg
from kg import atomic
from kg.cli import main
from kg.formats import Context, get
from kg.model import read as read_folder
from kg.schema import TABLES
from tests.conftest import full_disk_at

FIXTURES = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parent.parent


def export(name: str, folder: Path | None, target: Path) -> Path:
    get(name).write(Context(kg.load(folder).dataset), target)
    return target


@pytest.mark.parametrize(("name", "target"), [("fhir", "b.json"), ("kgx", "kgx")])
def test_cli_import_writes_a_folder_that_loads_as_the_original(name: str, target: str, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    source = export(name, FIXTURES / "minimal", tmp_path / target)
    out = tmp_path / "imported"
    assert main(["import", "--format", name, str(source), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(t.file for t in TABLES.values())
    shutil.copytree(FIXTURES / "minimal" / "texts", out / "texts")  # text files travel beside the CSVs, not inside
    original, back = kg.load(FIXTURES / "minimal"), kg.load(out)
    for table in TABLES:
        pd.testing.assert_frame_equal(original.dataset.table(table), back.dataset.table(table))
    assert "3 statements" in capsys.readouterr().err


def test_cli_import_of_bad_input_writes_nothing_and_leaves_old_files(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "data"
    shutil.copytree(FIXTURES / "minimal", out)
    before = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    (tmp_path / "bad.json").write_text('{"resourceType": "Bundle", "entry": [{"resource": {}}]}')
    assert main(["import", "--format", "fhir", str(tmp_path / "bad.json"), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "bad.json: Bundle.entry[0]: no resource with a resourceType" in err and "nothing was written" in err
    assert "Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.glob("*.csv")} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "data"]


def test_cli_import_of_tables_that_do_not_validate_writes_nothing(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    source = export("fhir", FIXTURES / "minimal", tmp_path / "b.json")
    data = json.loads(source.read_text())
    for entry in data["entry"]:
        for ident in entry["resource"].get("identifier", []):
            if ident["value"] == "d1":
                ident["value"] = "Not A Slug"
    source.write_text(json.dumps(data))
    assert main(["import", "--format", "fhir", str(source), "--out", str(tmp_path / "out")]) == 1
    assert "evidence.csv:2: id: 'Not A Slug': not a slug" in capsys.readouterr().err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_cli_reports_what_a_foreign_bundle_lost(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = export("fhir", FIXTURES / "minimal", tmp_path / "b.json")
    data = json.loads(source.read_text())
    data["entry"] += [{"resource": {"resourceType": "Observation", "id": f"o{i}"}} for i in range(3)]
    source.write_text(json.dumps(data))
    assert main(["import", "--format", "fhir", str(source), "--out", str(tmp_path / "out")]) == 0
    assert "skipped 3 x Observation" in capsys.readouterr().err


def test_cli_unknown_format_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "--format", "csv-ish", str(tmp_path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "unknown format 'csv-ish'; choose one of:" in err and "fhir" in err and "kgx" in err


def test_api_import_returns_a_graph_and_writes_when_asked(tmp_path: Path) -> None:
    source = export("kgx", None, tmp_path / "kgx")
    graph = kg.import_("kgx", source, out=tmp_path / "out")
    assert isinstance(graph, kg.EvidenceGraph)
    assert graph.evidence.equals(kg.load().evidence)
    assert graph.summary().equals(kg.load().summary())
    bundled = Path(kg.load().dataset.data_dir or "")
    assert (tmp_path / "out" / "evidence.csv").read_bytes() == (bundled / "evidence.csv").read_bytes()


text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1).map(str.strip).filter(bool)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(label=text, quote=text, extra=text, synonym=text.filter(lambda s: "|" not in s))
def test_any_text_survives_both_formats(tmp_path: Path, label: str, quote: str, extra: str, synonym: str) -> None:
    ds = kg.load(FIXTURES / "minimal").dataset
    treatments = ds.treatments.copy()
    treatments.loc[0, "label"] = label
    treatments.loc[0, "synonyms"] = f"{synonym}|x"
    evidence = ds.evidence.copy()
    evidence.loc[0, "quote"] = quote
    evidence.loc[1, "notes"] = quote
    evidence["hostile column, \"quoted\""] = pd.array([extra, pd.NA, extra], dtype="string")
    changed = dataclasses.replace(ds, treatments=treatments, evidence=evidence,
                                  extra_columns={**ds.extra_columns, "evidence": ["hostile column, \"quoted\""]})
    for name, target in (("fhir", tmp_path / "b.json"), ("kgx", tmp_path / "kgx")):
        get(name).write(Context(changed), target)
        back = get(name).read([target])
        for table in TABLES:
            pd.testing.assert_frame_equal(changed.table(table), back.table(table))


def test_cli_export_then_import_gives_the_folder_back(tmp_path: Path) -> None:
    original = kg.load(FIXTURES / "minimal")
    for name, target in (("fhir", tmp_path / "b.json"), ("kgx", tmp_path / "kgx")):
        assert main(["export", "--format", name, "--data", str(FIXTURES / "minimal"), "--out", str(target)]) == 0
        out = tmp_path / f"back-{name}"
        assert main(["import", "--format", name, str(target), "--out", str(out)]) == 0
        shutil.copytree(FIXTURES / "minimal" / "texts", out / "texts")
        back = kg.load(out)
        for table in TABLES:
            pd.testing.assert_frame_equal(original.dataset.table(table), back.dataset.table(table))


def test_kgx_export_into_an_existing_folder_replaces_its_files_only(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "kgx"
    folder.mkdir()
    (folder / "README").write_text("mine")
    (folder / "nodes.jsonl").write_text("stale")
    assert main(["export", "--format", "kgx", "--out", str(folder)]) == 0
    assert (folder / "README").read_text() == "mine"
    assert kg.import_("kgx", folder).evidence.equals(kg.load().evidence)
    assert main(["export", "--format", "kgx", "--out", "-"]) == 2
    assert "writes a folder" in capsys.readouterr().err


def test_the_graph_exports_both_formats(tmp_path: Path) -> None:
    g = kg.load(FIXTURES / "minimal")
    g.export("fhir", tmp_path / "b.json")
    g.export("kgx", tmp_path / "kgx")
    for name, path in (("fhir", tmp_path / "b.json"), ("kgx", tmp_path / "kgx")):
        back = kg.import_(name, path)
        for table in TABLES:
            pd.testing.assert_frame_equal(g.dataset.table(table), back.dataset.table(table))


# --------------------------------------------------------------------------- all or nothing (kg.atomic)

CSVS = tuple(t.file for t in TABLES.values())
KILLS = int(os.environ.get("KG_KILL_LOOP", "12"))


def csv_hashes(folder: Path) -> dict[str, str] | None:
    """The four CSVs' SHA-256, or None when none is there; a partial set is returned as is (a mix)."""
    found = {name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
             for name in CSVS if (folder / name).is_file()}
    return found or None


def others(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under `folder` but the four CSVs: bytes, mtime (ns) and inode, to see it untouched."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_ino)
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name not in CSVS}


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".kg-stage-" in p.name or ".kg-journal" in p.name)


def a_data_folder(folder: Path) -> Path:
    """A data folder a curator keeps: the minimal tables, its texts/ and files of their own."""
    shutil.copytree(FIXTURES / "minimal", folder)
    (folder / "README.md").write_text("notes of mine\n", encoding="utf-8")
    (folder / "drafts").mkdir()
    (folder / "drafts" / "evidence.csv").write_text("id\nnot-the-table\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def two_imports(tmp_path_factory: pytest.TempPathFactory, script: Callable[[str], ModuleType]
                ) -> tuple[list[Path], list[dict[str, str]]]:
    """Two KGX exports of synthetic data folders and the hashes of the CSVs each imports as."""
    synth = script("synth")
    root = tmp_path_factory.mktemp("imports")
    sources, refs = [], []
    for n, seed in ((3000, 1), (1200, 2)):
        data = synth.write(root / f"data{n}", synth.generate(n, seed))
        source = export("kgx", data, root / f"kgx{n}")
        kg.import_("kgx", source, out=root / f"ref{n}")
        found = csv_hashes(root / f"ref{n}")
        assert found is not None and len(found) == 4
        sources.append(source)
        refs.append(found)
    assert refs[0] != refs[1]
    return sources, refs


def kg_cmd(*args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "kg.cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


@pytest.mark.slow
def test_imports_killed_at_random_moments_leave_the_four_tables_of_one_import(
        two_imports: tuple[list[Path], list[dict[str, str]]], tmp_path: Path) -> None:
    sources, refs = two_imports
    out = a_data_folder(tmp_path / "data")
    kept = others(out)
    refs = [*refs, csv_hashes(out)]  # before the first import lands: the curator's own tables
    rng = random.Random(int(os.environ.get("KG_KILL_SEED", "17")))
    started = time.monotonic()
    probe = kg_cmd("import", "--format", "kgx", str(sources[0]), "--out", str(tmp_path / "probe"), "-q")
    assert probe.wait(120) == 0, probe.stderr.read() if probe.stderr else ""
    duration = time.monotonic() - started
    outcomes: Counter[str] = Counter()
    for i in range(KILLS):
        before = csv_hashes(out)
        proc = kg_cmd("import", "--format", "kgx", str(sources[i % 2]), "--out", str(out), "-q")
        if i % 3 == 2:  # a third of the kills during the swap: as soon as its journal is seen
            deadline = time.monotonic() + duration * 3
            while not atomic.journal_path(out).exists() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(rng.uniform(0, 0.002))
        else:  # the others anywhere in an import
            time.sleep(rng.uniform(0.0, duration * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        mid_swap = atomic.journal_path(out).exists()
        read_folder(out)  # what every kg command reading the folder does first: settle the swap
        after = csv_hashes(out)
        assert after in refs, f"kill {i}: a mix of two imports: {after}"
        assert not atomic.journal_path(out).exists()
        assert others(out) == kept, f"kill {i}: a file the import does not write was touched"
        if mid_swap:
            outcomes["mid-swap, settled by the next read"] += 1
        elif after == before:
            outcomes["before the swap (old tables kept)"] += 1
        else:
            outcomes["after the swap (new tables in place)"] += 1
    finish = kg_cmd("import", "--format", "kgx", str(sources[0]), "--out", str(out), "-q")
    assert finish.wait(120) == 0
    assert csv_hashes(out) == refs[0] and others(out) == kept
    assert leftovers(tmp_path) == []  # the killed imports' staging folders are gone
    print(f"\n{KILLS} kills after 0-{duration * 1.1:.2f} s: {dict(outcomes)}")


@pytest.mark.slow
def test_an_import_crashed_at_each_rename_is_settled_by_the_next_kg_command(
        two_imports: tuple[list[Path], list[dict[str, str]]], tmp_path: Path,
        crash_at: Callable[..., subprocess.CompletedProcess[str]], capsys: pytest.CaptureFixture[str]) -> None:
    sources, refs = two_imports
    n, seen = 1, set()
    while True:
        out = a_data_folder(tmp_path / f"data{n}")
        assert main(["import", "--format", "kgx", str(sources[0]), "--out", str(out), "-q"]) == 0
        kept = others(out)
        done = crash_at(n, ["import", "--format", "kgx", str(sources[1]), "--out", str(out), "-q"])
        if done.returncode == 0:
            assert csv_hashes(out) == refs[1]
            break
        assert done.returncode == 137, done.stderr
        # The next command reading the folder, whichever it is, settles the swap before it reads.
        following = [["validate", "--data", str(out)], ["diff", str(out), str(out)],
                     ["summary", "--data", str(out), "--format", "csv"]][n % 3]
        assert main(following) == 0, capsys.readouterr().err
        capsys.readouterr()
        after = csv_hashes(out)
        assert after in refs, f"crash at rename {n}: a mix"
        assert others(out) == kept
        seen.add(refs.index(after))
        assert not atomic.journal_path(out).exists()
        n += 1
    assert n > 2 * len(CSVS)  # the journal, four files moved aside and in: every one was a crash point
    assert seen == {0, 1}  # crashes before the journal kept the old tables, after it completed the new


def test_an_import_failing_at_each_rename_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A full disk at any rename: the old four tables stay, exit 1, nothing left beside the folder."""
    source = export("kgx", None, tmp_path / "kgx")
    real = os.replace
    k = 1
    while True:
        out = a_data_folder(tmp_path / f"data{k}")
        before, kept = csv_hashes(out), others(out)
        monkeypatch.setattr(atomic.os, "replace", full_disk_at(k))
        try:
            code = main(["import", "--format", "kgx", str(source), "--out", str(out), "-q"])
        finally:
            monkeypatch.setattr(atomic.os, "replace", real)
        err = capsys.readouterr().err
        assert others(out) == kept
        if code == 0:
            assert csv_hashes(out) != before
            break
        assert code == 1 and "No space left on device" in err and "nothing was written" in err, err
        assert "Traceback" not in err
        assert csv_hashes(out) == before, f"failure at rename {k}: not rolled back"
        assert leftovers(tmp_path) == []
        k += 1
    assert k > 2 * len(CSVS)


def test_an_import_into_a_folder_another_is_writing_is_refused(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    source = export("kgx", None, tmp_path / "kgx")
    out = a_data_folder(tmp_path / "data")
    before, kept = csv_hashes(out), others(out)
    with atomic.locked(out, what="kg import"):  # another process's import, as far as flock can tell
        assert main(["import", "--format", "kgx", str(source), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{out}: another kg import is writing it (process {os.getpid()}); run this one again" in err, err
    assert "nothing was written" in err and "Traceback" not in err
    assert csv_hashes(out) == before and others(out) == kept
    assert main(["import", "--format", "kgx", str(source), "--out", str(out), "-q"]) == 0  # once it is free
    assert csv_hashes(out) != before and others(out) == kept


@pytest.mark.slow
def test_two_imports_into_one_folder_at_once_one_runs_the_other_says_so(
        two_imports: tuple[list[Path], list[dict[str, str]]], tmp_path: Path) -> None:
    sources, refs = two_imports
    results: Counter[str] = Counter()
    for trial in range(3):
        out = a_data_folder(tmp_path / f"data{trial}")
        kept = others(out)
        procs = [kg_cmd("import", "--format", "kgx", str(sources[i]), "--out", str(out), "-q") for i in (0, 1)]
        codes, errs = [], []
        for p in procs:
            _, err = p.communicate(timeout=120)
            codes.append(p.returncode)
            errs.append(err.decode())
        assert sorted(codes) in ([0, 0], [0, 1]), errs
        for code, err in zip(codes, errs, strict=True):
            if code == 1:
                assert "another kg import is writing it (process" in err and "Traceback" not in err, err
        assert csv_hashes(out) in refs and others(out) == kept
        results["one refused"] += sorted(codes) == [0, 1]
        results["both ran (one after the other)"] += codes == [0, 0]
    print(f"\n3 concurrent trials: {dict(results)}")


def test_an_import_leaves_every_other_file_of_the_folder_as_it_was(tmp_path: Path) -> None:
    source = export("kgx", None, tmp_path / "kgx")
    out = a_data_folder(tmp_path / "data")
    kept = others(out)
    listing = sorted(p.relative_to(out) for p in out.rglob("*"))
    kg.import_("kgx", source, out=out)
    assert others(out) == kept  # texts/, README.md, drafts/evidence.csv: same bytes, same file, not rewritten
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == listing  # and nothing new inside
    bundled = Path(kg.load().dataset.data_dir or "")
    for name in CSVS:
        assert (out / name).read_bytes() == (bundled / name).read_bytes()
    assert leftovers(tmp_path) == []
