"""The format registry: what `kg build` writes, `kg export` of any registered format, and the RDF readers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import kg
from kg import formats
from kg.build import build
from kg.cli import main
from kg.errors import InputError, UsageError

MINIMAL = Path(__file__).parent / "data" / "minimal"
CONTRACT_OUTPUTS = ["graph.nt", "graph.ttl", "graph.jsonld", "graph.graphml", "summary.csv", "index.html"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "out"
    build(MINIMAL, out)
    return out


def test_the_build_outputs_are_the_contracts_six_in_registry_order() -> None:
    assert [f.filename for f in formats.build_outputs()] == CONTRACT_OUTPUTS
    assert {f.name for f in formats.build_outputs()} == {"nt", "ttl", "jsonld", "graphml", "summary", "page"}
    assert all(f.write is not None and f.media_type and f.description for f in formats.formats())


def test_an_unknown_format_is_a_usage_error_listing_the_choices() -> None:
    with pytest.raises(UsageError, match=r"unknown format 'xml'; choose one of: nt, ttl"):
        formats.get("xml")
    with pytest.raises(UsageError, match="unknown format 'graphml'"):
        formats.get("graphml", readable=True)  # GraphML has no reader


@pytest.mark.parametrize("fmt", [f for f in formats.build_outputs()], ids=lambda f: f.name)
def test_export_writes_the_bytes_the_build_writes(fmt: formats.Format, built: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "sub" / f"exported-{fmt.filename}"
    assert main(["export", "--format", fmt.name, "--data", str(MINIMAL), "--out", str(target)]) == 0
    assert target.read_bytes() == (built / fmt.filename).read_bytes()
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no staging folder left behind
    assert f"wrote {target}" in capsys.readouterr().err


def test_export_to_standard_output(built: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kg.cli", "export", "--format", "nt", "--data", str(MINIMAL),
                           "--out", "-"], capture_output=True, check=True)
    assert done.stdout == (built / "graph.nt").read_bytes()
    assert done.stderr == b""


def test_export_defaults_to_the_formats_file_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  built: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--format", "summary", "--data", str(MINIMAL)]) == 0
    assert (tmp_path / "summary.csv").read_bytes() == (built / "summary.csv").read_bytes()


def test_export_errors_exit_with_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["export", "--format", "xml"])
    assert exit_.value.code == 2 and "invalid choice: 'xml'" in capsys.readouterr().err
    assert main(["export", "--format", "nt", "--data", str(MINIMAL), "--out", str(tmp_path)]) == 1
    assert f"kg export: {tmp_path}: is a folder" in capsys.readouterr().err


def test_the_api_exports_too(tmp_path: Path, built: Path) -> None:
    g = kg.load(MINIMAL)
    assert g.export("graphml", tmp_path / "g.graphml") == tmp_path / "g.graphml"
    assert (tmp_path / "g.graphml").read_bytes() == (built / "graph.graphml").read_bytes()
    g.export("page", tmp_path / "page.html", title="A <b>title</b>")
    assert "A &lt;b&gt;title&lt;/b&gt;" in (tmp_path / "page.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["nt", "ttl", "jsonld"])
def test_the_rdf_formats_read_back_the_tables(name: str, built: Path) -> None:
    fmt = formats.get(name, readable=True)
    assert fmt.read is not None
    back = fmt.read([built / fmt.filename])
    original = kg.load(MINIMAL).dataset
    for table in ("sources", "conditions", "treatments", "evidence"):
        assert sorted(back.table(table)["id"]) == sorted(original.table(table)["id"]), table
    assert back.extra_columns == original.extra_columns


def test_a_broken_graph_file_is_an_input_error_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "graph.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    read = formats.get("ttl", readable=True).read
    assert read is not None
    with pytest.raises(InputError, match=f"{bad}: cannot read it as ttl"):
        read([bad])


def test_build_skip_leaves_a_format_out_and_its_earlier_file_alone(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("an earlier page", encoding="utf-8")
    assert main(["build", "--data", str(MINIMAL), "--out", str(out), "--skip", "page", "--skip", "nt"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(["graph.ttl", "graph.jsonld", "graph.graphml",
                                                            "summary.csv", "index.html"])
    assert (out / "index.html").read_text(encoding="utf-8") == "an earlier page"
    assert "built 4 files" in capsys.readouterr().err
    assert main(["build", "--data", str(MINIMAL), "--out", str(out), "--skip", "fhir"]) == 2
    assert "kg build: --skip fhir: not a build output" in capsys.readouterr().err


def test_a_skipped_ntriples_file_still_feeds_the_store(tmp_path: Path) -> None:
    build(MINIMAL, tmp_path / "out", store=tmp_path / "store", skip=["nt"])
    assert not (tmp_path / "out" / "graph.nt").exists()
    assert len(kg.load(store=tmp_path / "store").store) == kg.load(MINIMAL).ntriples.count(b"\n")
