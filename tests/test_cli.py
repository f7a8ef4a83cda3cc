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
    assert f"{tmp_path / 'absent'}: (folder): not a folder" in result.stdout


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
