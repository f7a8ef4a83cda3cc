"""`kg summary`, `kg queries` and `kg query` as a user runs them: output, formats, errors and exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main

DATA = Path(__file__).parent / "data"
RULES = DATA / "summary-rules"
FIXTURE = DATA / "queries"
ROOT = Path(__file__).resolve().parent.parent


def kg(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exit_:  # argparse usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------- kg summary


def test_summary_csv_is_the_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kg(capsys, "summary", "--data", RULES, "--format", "csv")
    assert code == 0
    assert out == (RULES / "expected-summary.csv").read_text(encoding="utf-8")


def test_summary_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kg(capsys, "summary", "--data", RULES)
    assert code == 0
    assert out.splitlines()[0].split()[:5] == ["treatment_id", "treatment", "condition_id", "condition", "verdict"]
    assert "better at one year only" in out and out.rstrip().endswith("(10 rows)")
    code, out, _ = kg(capsys, "summary", "--data", RULES, "--format", "json")
    records = json.loads(out)
    assert len(records) == 10 and records[0]["verdict"] == "insufficient"


def test_summary_condition_includes_narrower_ones(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kg(capsys, "summary", "--data", FIXTURE, "--condition", "sciatica", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["condition_id"] for r in rows} == {"sciatica", "lumbar-radiculopathy"}


def test_summary_unknown_condition(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = kg(capsys, "summary", "--data", RULES, "--condition", "nowhere")
    assert (code, out) == (1, "")
    assert "unknown condition 'nowhere'" in err and "Traceback" not in err


def test_summary_invalid_data_and_bad_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = kg(capsys, "summary", "--data", tmp_path)
    assert code == 1 and out == "" and "evidence.csv" in err
    code, _, err = kg(capsys, "summary", "--data", RULES, "--format", "xml")
    assert code == 2 and "invalid choice" in err


# --------------------------------------------------------------------------- kg queries


def test_queries_lists_names_descriptions_and_parameters(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = kg(capsys, "queries")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()[2:-1]}
    assert {"evidence-for-condition", "no-long-term-benefit", "conflicts", "by-source"} <= set(lines)
    assert "condition (condition id)" in lines["evidence-for-condition"]
    assert "source (source id)" in lines["by-source"]
    assert "disagree" in lines["conflicts"]


def test_queries_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = kg(capsys, "queries", "--export", tmp_path / "rq")
    assert code == 0 and out == ""
    from kg.queries import saved_queries

    assert f"wrote {len(saved_queries())} queries" in err  # every saved query
    assert (tmp_path / "rq" / "conflicts.rq").read_text().startswith("# name: conflicts\n")


# --------------------------------------------------------------------------- kg query


def test_query_formats(capsys: pytest.CaptureFixture[str]) -> None:
    data = DATA / "summary-three-sources"
    code, table, _ = kg(capsys, "query", "conflicts", "--data", data)
    assert code == 0 and table.rstrip().endswith("(4 rows)")
    code, text, _ = kg(capsys, "query", "conflicts", "--data", data, "--format", "csv")
    assert text.startswith("treatment_id,condition_id,kind,evidence_a,evidence_b,") and "\r\n" in text
    assert len(list(csv.reader(io.StringIO(text, newline="")))) == 5
    code, text, _ = kg(capsys, "query", "conflicts", "--data", data, "--format", "tsv")
    assert text.startswith("?treatment_id\t?condition_id\t?kind")
    assert len(list(ox.parse_query_results(text.encode(), format=ox.QueryResultsFormat.TSV))) == 4
    code, text, _ = kg(capsys, "query", "conflicts", "--data", data, "--format", "json")
    assert len(json.loads(text)["results"]["bindings"]) == 4


def test_query_with_parameters_on_both_engines(capsys: pytest.CaptureFixture[str]) -> None:
    outputs = []
    for engine in ("oxigraph", "rdflib"):
        code, out, err = kg(capsys, "query", "evidence-for-condition", "--data", FIXTURE, "--param",
                            "condition=sciatica", "--format", "csv", "--engine", engine)
        assert code == 0, err
        outputs.append(out)
    assert outputs[0] == outputs[1]
    rows = list(csv.DictReader(io.StringIO(outputs[0])))
    assert [r["evidence_id"] for r in rows] == ["disc-1", "disc-2", "disc-3", "ex-2", "ns-2"]


def test_query_a_built_graph(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = kg(capsys, "build", "--data", FIXTURE, "--out", tmp_path / "build")
    assert code == 0, err
    _, expected, _ = kg(capsys, "query", "hierarchy-conflicts", "--data", FIXTURE, "--format", "tsv")
    for name in ("graph.ttl", "graph.nt", "graph.jsonld"):
        code, out, err = kg(capsys, "query", "hierarchy-conflicts", "--graph", tmp_path / "build" / name,
                            "--format", "tsv")
        assert (code, out) == (0, expected), (name, err)


def test_query_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rq = tmp_path / "count.rq"
    rq.write_text("# name: count\nSELECT (COUNT(*) AS ?n) WHERE { ?s a <https://evidence-kg.example/vocab#"
                  "EvidenceStatement> }\n", encoding="utf-8")
    code, out, _ = kg(capsys, "query", rq, "--data", FIXTURE, "--format", "csv")
    assert (code, out) == (0, "n\r\n17\r\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["query", "by-source", "--param", "source=nope"], "unknown source 'nope'"),
        (["query", "no-such-query"], "unknown query 'no-such-query'"),
        (["query", "missing.rq"], "query file missing.rq not found"),
    ],
)
def test_query_errors_exit_1_with_a_message(capsys: pytest.CaptureFixture[str], argv: list[str],
                                            message: str) -> None:
    code, out, err = kg(capsys, *argv, "--data", FIXTURE)
    assert code == 1 and out == ""
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["query", "by-source"], "needs parameter 'source' (source id"),
        (["query", "by-source", "--param", "source=nice", "--param", "sourc=nice"], "no parameter 'sourc'"),
        (["query", "by-source", "--param", "source=nice", "--param", "source=nice"], "given twice"),
    ],
)
def test_a_missing_unknown_or_repeated_parameter_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                                  argv: list[str], message: str) -> None:
    """The contract: a missing or unknown query parameter is a usage error (exit 2), named in the message."""
    code, out, err = kg(capsys, *argv, "--data", FIXTURE)
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err
    assert err.startswith("kg query: ")


def test_query_syntax_error_shows_the_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rq = tmp_path / "bad.rq"
    rq.write_text("SELECT ?x WHERE {\n  ?x ?p ?o\n  FILTR(?x)\n}\n", encoding="utf-8")
    code, out, err = kg(capsys, "query", rq, "--data", FIXTURE)
    assert code == 1 and out == ""
    assert f"{rq}:3:3: SPARQL syntax error" in err
    assert "    3 |   FILTR(?x)" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["query", "conflicts", "--data", "x", "--graph", "y.ttl"],
        ["query", "conflicts", "--param", "novalue"],
        ["query", "conflicts", "--format", "xml"],
        ["query", "conflicts", "--engine", "jena"],
        ["query"],
    ],
)
def test_query_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = kg(capsys, *argv)
    assert code == 2 and out == "" and "usage:" in err


def test_ask_in_csv_is_an_error_not_a_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rq = tmp_path / "ask.rq"
    rq.write_text("ASK { ?s ?p ?o }\n", encoding="utf-8")
    code, out, err = kg(capsys, "query", rq, "--data", FIXTURE, "--format", "csv")
    assert code == 1 and "no form for an ASK result" in err
    code, out, _ = kg(capsys, "query", rq, "--data", FIXTURE, "--format", "json")
    assert json.loads(out) == {"head": {}, "boolean": True}


def test_the_console_script_runs_with_the_bundled_data() -> None:
    script = Path(sys.executable).parent / "kg"
    if not script.exists():
        pytest.skip("console script not installed")
    if not (ROOT / "data" / "evidence.csv").is_file():
        pytest.skip("no bundled data")
    done = subprocess.run([str(script), "query", "no-long-term-benefit", "--format", "tsv"], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("?treatment_id\t?treatment\t?condition_id\t?condition\t?source_id")
    bad = subprocess.run([str(script), "query", "evidence-for-condition", "--param", "condition=atlantis"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert bad.returncode == 1 and "unknown condition 'atlantis'" in bad.stderr and "Traceback" not in bad.stderr
