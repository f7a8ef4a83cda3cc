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
