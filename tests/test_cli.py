"""The `kg` command as a user meets it: exit codes, where output goes, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kg.cli import main


def kg_run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True)


def test_validate_clean_bundled_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "valid" in err


def test_validate_prints_problems_on_stdout_and_exits_1(minimal: Path) -> None:
    (minimal / "evidence.csv").write_text(
        (minimal / "evidence.csv").read_text(encoding="utf-8").replace("no_benefit,long_term", "nope,long_term"),
        encoding="utf-8",
    )
    result = kg_run("validate", "--data", str(minimal))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{minimal}/evidence.csv:3: effect: 'nope': not allowed; allowed values: benefit, no_benefit, harm, insufficient"
    ]
    assert "Traceback" not in result.stderr


def test_build_with_broken_csv_gives_message_not_traceback(minimal: Path, tmp_path: Path) -> None:
    (minimal / "sources.csv").write_bytes(b'id,title,type\nx,"never closed,blog\n')
    result = kg_run("build", "--data", str(minimal), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert f"{minimal}/sources.csv:2: title: quoted field is never closed" in result.stderr
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_usage_error_exits_2() -> None:
    result = kg_run("build", "--no-such-option")
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_missing_folder_is_a_message(tmp_path: Path) -> None:
    result = kg_run("validate", "--data", str(tmp_path / "absent"))
    assert result.returncode == 1
    assert f"{tmp_path / 'absent'}: (folder): no such folder" in result.stdout  # issue 16: not "not a folder"
    (tmp_path / "file.csv").write_text("id\n", encoding="utf-8")
    result = kg_run("validate", "--data", str(tmp_path / "file.csv"))
    assert result.returncode == 1
    assert f"{tmp_path / 'file.csv'}: (folder): not a folder (it is a file)" in result.stdout


def test_build_to_a_file_path_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = kg_run("build", "--out", str(tmp_path / "file"))
    assert result.returncode == 1
    assert "exists and is not a folder" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("error", "code", "printed"),
    [
        ("kg.errors:KgError", 1, "kg validate: it broke"),
        ("kg.errors:UsageError", 2, "kg validate: it broke"),
        ("kg.queries:QueryUsageError", 2, "kg validate: it broke"),
        ("kg.build:BuildError", 1, "kg validate: it broke"),
        ("kg.remote:RemoteError", 1, "kg validate: it broke"),
        ("kg.store:StoreError", 1, "kg validate: it broke"),
    ],
)
def test_every_error_of_ours_is_caught_once_with_its_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: str, code: int, printed: str
) -> None:
    import importlib

    import kg.cli

    module, name = error.split(":")
    cls = getattr(importlib.import_module(module), name)

    def broken(args: object) -> int:
        raise cls("it broke")

    monkeypatch.setattr(kg.cli, "cmd_validate", broken)
    assert main(["validate"]) == code
    assert capsys.readouterr().err == printed + "\n"


def test_the_old_error_names_are_kg_errors() -> None:
    from kg import errors, queries, remote, results, store, summary
    from kg.build import BuildError
    from kg.cli import UserError
    from kg.problems import ValidationError

    assert summary.UnknownIdError is errors.UnknownIdError
    assert issubclass(BuildError, errors.OutputError)
    for cls in (ValidationError, UserError, queries.QueryError, remote.RemoteError, store.StoreError,
                results.ResultsError):
        assert issubclass(cls, errors.KgError), cls
    assert issubclass(queries.MissingParameterError, errors.UsageError)
    assert issubclass(queries.UnknownEntityError, errors.UnknownIdError)


def test_summary_min_strength_keeps_pairs_at_least_that_strong(capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    held_out = str(Path(__file__).parent / "data" / "strength-guidelines")
    assert main(["summary", "--data", held_out, "--min-strength", "moderate", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {(r["treatment_id"], r["strength"]) for r in rows} == {
        ("anticonvulsants", "moderate"), ("exercise", "strong"), ("opioids", "strong")}
    assert list(rows[0])[-6:] == ["certainty", "strength", "agreeing_sources", "disagreeing_sources",
                                  "related_conflicts", "why"]


def test_summary_min_strength_unknown_level_is_a_usage_error() -> None:
    result = kg_run("summary", "--min-strength", "solid")
    assert result.returncode == 2
    assert "--min-strength" in result.stderr and "very_weak" in result.stderr
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- issue 16: everyday use

NAMES = Path(__file__).resolve().parent / "data" / "resolve-names"


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:  # argparse's own usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_every_subcommand_has_a_description_and_examples_that_parse(capsys: pytest.CaptureFixture[str]) -> None:
    import shlex

    from kg.cli import HELP, make_parser

    parser, handlers = make_parser()
    assert set(HELP) == set(handlers)
    for name in handlers:
        code, out, _ = run_main(capsys, name, "--help")
        assert code == 0
        description, examples = HELP[name]
        assert description.split()[:4] == out.split("\n\n")[1].split()[:4], name
        assert 2 <= len(examples) <= 3
        shown = out.split("examples:\n", 1)[1].splitlines()
        assert [line.strip() for line in shown] == list(examples)
        for example in examples:
            argv = shlex.split(example)
            assert argv[:2] == ["kg", name]
            args = parser.parse_args(argv[1:])  # every example is a valid command line
            assert args.command == name


USAGE_ERRORS = [
    ([], "usage:"),
    (["nonsense"], "invalid choice"),
    (["build", "--no-such-option"], "unrecognized arguments"),
    (["summary", "--format", "xml"], "invalid choice"),
    (["summary", "--columns", "verdict,nope"], "no column 'nope'"),
    (["summary", "--columns", "verdict,,headline"], "--columns takes names"),
    (["list"], "the following arguments are required"),
    (["list", "patients"], "invalid choice"),
    (["list", "sources", "--tree"], "sources have no hierarchy"),
    (["push"], "the following arguments are required: --gsp"),
    (["push", "--gsp", "http://127.0.0.1:9/x", "--batch-size", "0"], "must be at least 1"),
    (["query"], "the following arguments are required"),
    (["query", "conflicts", "--param", "novalue"], "expected KEY=VALUE"),
    (["query", "conflicts", "--engine", "jena"], "invalid choice"),
    (["query", "conflicts", "--data", "x", "--graph", "y.ttl"], "not allowed with argument"),
    (["query", "by-source"], "needs parameter 'source'"),
    (["query", "by-source", "--param", "source=nice", "--param", "sourc=nice"], "no parameter 'sourc'"),
    (["query", "by-source", "--param", "source=nice", "--param", "source=nice"], "given twice"),
    (["query", "conflicts", "--columns", "kind,nope"], "no column 'nope'"),
    # an option that means something only beside another: both named
    (["query", "conflicts", "--named-graph", "urn:x"], "--named-graph goes with --endpoint"),
    (["query", "conflicts", "--allow-insecure-basic"], "--allow-insecure-basic goes with --endpoint"),
    (["query", "conflicts", "--endpoint", "http://127.0.0.1:9/sparql", "--engine", "oxigraph"],
     "--engine chooses a local engine; it does not go with --endpoint"),
    (["query", "conflicts", "--endpoint", "http://127.0.0.1:9/sparql", "--allow-service"],
     "--allow-service lets a local query call remote services; it does not go with --endpoint"),
    (["query", "conflicts", "--wide", "--format", "csv"], "--wide goes with --format table, not --format csv"),
    (["summary", "--wide", "--format", "json"], "--wide goes with --format table, not --format json"),
    (["list", "treatments", "--wide", "--format", "csv"], "--wide goes with --format table, not --format csv"),
    (["queries", "--export", "never-written", "--columns", "name"], "--columns does not go with --export"),
    (["queries", "--export", "never-written", "--wide"], "--wide does not go with --export"),
]


@pytest.mark.parametrize(("argv", "message"), USAGE_ERRORS, ids=[" ".join(a) or "(none)" for a, _ in USAGE_ERRORS])
def test_every_usage_error_exits_2_with_a_message(capsys: pytest.CaptureFixture[str], argv: list[str],
                                                  message: str) -> None:
    code, out, err = run_main(capsys, *argv)
    assert code == 2, err
    assert out == "" and message in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["summary", "--condition", "sciatika"], "did you mean Sciatica (sciatica)?"),
        (["summary", "--condition", "discectomy"], "that names a treatment, Discectomy (discectomy), not a condition"),
        (["query", "evidence-for-condition", "--param", "condition=discetcomy"], "unknown condition 'discetcomy'"),
        (["validate", "--data", "/no/such/folder"], "no such folder"),
        (["summary", "--data", "/no/such/folder"], "no such folder"),
    ],
)
def test_failures_exit_1_and_say_what_to_do(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run_main(capsys, *argv)
    assert code == 1
    assert message in out + err and "Traceback" not in err


def test_interrupted_exits_130(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from kg import cli

    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_validate", interrupted)
    code, _, err = run_main(capsys, "validate")
    assert code == 130 and "Traceback" not in err


def test_names_are_accepted_wherever_an_id_is(capsys: pytest.CaptureFixture[str]) -> None:
    by_id = run_main(capsys, "summary", "--condition", "sciatica", "--format", "csv")
    for name in ("Sciatica", "sciatic pain", "SCIATIC PAIN"):
        assert run_main(capsys, "summary", "--condition", name, "--format", "csv") == by_id
    by_id = run_main(capsys, "query", "evidence-for-condition", "--param", "condition=sciatica", "--format", "tsv")
    assert by_id[0] == 0
    assert run_main(capsys, "query", "evidence-for-condition", "--param", "condition=sciatic pain",
                    "--format", "tsv") == by_id
    code, _, err = run_main(capsys, "summary", "--data", str(NAMES), "--condition", "sciatic pain")
    assert code == 1 and "could mean 2 conditions: Leg pain (leg-pain), Sciatica (sciatica)" in err


def test_list_shows_ids_labels_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    import kg

    g = kg.load()
    code, out, _ = run_main(capsys, "list", "conditions", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["id"] for r in rows] == sorted(g.conditions["id"])
    assert list(rows[0]) == ["id", "label", "synonyms", "parent", "statements"]
    code, out, _ = run_main(capsys, "list", "conditions", "--tree")
    lines = out.splitlines()
    assert lines[0].split() == ["tree", "label", "synonyms", "statements", "total"]
    assert any(line.startswith("└─ sciatica ") for line in lines)
    assert lines[-1] == f"({len(g.conditions)} rows)"
    code, out, _ = run_main(capsys, "list", "treatments", "--columns", "id,statements", "--format", "json")
    import json

    assert code == 0 and set(json.loads(out)[0]) == {"id", "statements"}


def test_plurals_are_right(capsys: pytest.CaptureFixture[str], minimal: Path) -> None:
    (minimal / "evidence.csv").write_text(
        (minimal / "evidence.csv").read_text(encoding="utf-8").replace("no_benefit,long_term", "nope,long_term"),
        encoding="utf-8",
    )
    code, _, err = run_main(capsys, "validate", "--data", str(minimal))
    assert code == 1 and f"1 problem in {minimal}" in err and "(s)" not in err
    code, _, err = run_main(capsys, "build", "--data", str(minimal), "--out", str(minimal / "out"))
    assert code == 1 and "1 problem" in err and "(s)" not in err


def test_shell_completion_answers_from_the_parser(tmp_path: Path) -> None:
    """What bash, zsh and fish get after `eval "$(register-python-argcomplete kg)"` (argcomplete's protocol)."""
    import os

    def complete(line: str) -> list[str]:
        answer = tmp_path / "answer"
        env = {**os.environ, "_ARGCOMPLETE": "1", "_ARGCOMPLETE_SHELL": "bash", "COMP_LINE": line,
               "COMP_POINT": str(len(line)), "_ARGCOMPLETE_STDOUT_FILENAME": str(answer), "COMP_TYPE": "9"}
        done = subprocess.run([sys.executable, "-m", "kg.cli"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return sorted(answer.read_text(encoding="utf-8").replace("\x0b", "\n").split())

    assert complete("kg li") == ["list"]
    assert {"conditions", "sources", "treatments"} <= set(complete("kg list "))
    assert "--tree" in complete("kg list conditions --t")


def test_view_never_builds_into_the_current_folder_unasked(tmp_path: Path, minimal: Path) -> None:
    import os

    from kg.build import view_dir

    root = Path(__file__).resolve().parent.parent
    assert view_dir(root / "data") == root / "build"  # the bundled data of a checkout: where kg build puts it
    here, temp = tmp_path / "elsewhere", tmp_path / "tmp"
    here.mkdir()
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    done = subprocess.run([sys.executable, "-m", "kg.cli", "view", "--no-open", "--data", str(minimal)],
                          capture_output=True, text=True, cwd=here, env=env)
    assert done.returncode == 0, done.stderr
    page = Path(done.stdout.strip())
    assert page.is_file() and page.name == "index.html"
    assert page.parent.parent == temp / "kg-view" and page.parent.name.startswith("data-")
    assert list(here.iterdir()) == []  # nothing written where kg view was run
    again = subprocess.run([sys.executable, "-m", "kg.cli", "view", "--no-open", "--data", str(minimal)],
                           capture_output=True, text=True, cwd=here, env=env)
    assert again.stdout == done.stdout and "built" not in again.stderr  # up to date: not built again
