"""The command reference (docs/cli.md, the README's table) is generated from the parser: it must match `--help`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_docs_match_the_parser(script: Callable[[str], ModuleType]) -> None:
    docs = script("cli_docs")
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == docs.reference(), \
        "docs/cli.md is out of date: run scripts/cli_docs.py"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == docs.readme_with_table(readme), "README.md's command table is out of date: run scripts/cli_docs.py"


def test_every_command_and_option_is_in_the_reference(script: Callable[[str], ModuleType]) -> None:
    """What a user sees in `kg COMMAND --help` (at the same width) is in docs/cli.md, word for word."""
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    env = {"COLUMNS": "100", "PATH": ""}
    for command in ("validate", "build", "export", "query"):
        shown = subprocess.run([sys.executable, "-m", "kg.cli", command, "--help"], capture_output=True, text=True,
                               check=True, env=env).stdout
        assert shown.rstrip() in text, command
    assert "## kg " + "\n## kg ".join(script("cli_docs")._parser()[1]) in "\n".join(
        line for line in text.splitlines() if line.startswith("## kg "))


def test_the_check_mode_says_when_the_docs_are_stale(script: Callable[[str], ModuleType], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    docs = script("cli_docs")
    (tmp_path / "docs").mkdir()
    stale = tmp_path / "docs" / "cli.md"
    stale.write_text("# Command reference\n\nold\n", encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text((ROOT / "README.md").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(docs, "ROOT", tmp_path)
    monkeypatch.setattr(docs, "CLI_MD", stale)
    monkeypatch.setattr(docs, "README", readme)
    assert docs.main(["--check"]) == 1
    assert "docs/cli.md is out of date" in capsys.readouterr().err
    assert docs.main([]) == 0
    assert docs.main(["--check"]) == 0
    assert stale.read_text(encoding="utf-8") == docs.reference()
