"""`kg import` / `kg.import_`: interchange files back to a data folder, written whole or not at all."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kg
from kg.cli import main
from kg.formats import Context, get
from kg.schema import TABLES

FIXTURES = Path(__file__).parent / "data"


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
