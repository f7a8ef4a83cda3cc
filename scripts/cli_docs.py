"""Write the command reference from the `kg` parser itself, so the docs cannot drift from `--help`.

    .venv/bin/python scripts/cli_docs.py           # rewrite docs/cli.md and README.md's command table
    .venv/bin/python scripts/cli_docs.py --check   # exit 1 (and say which) when either is out of date

`docs/cli.md` holds every command's `--help` text, at a fixed width of 100 columns. The README's
table, between the markers `<!-- commands:start -->` and `<!-- commands:end -->`, has one row
per command: its usage line and its one-line help. `tests/test_cli_docs.py` runs the check.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI_MD = ROOT / "docs" / "cli.md"
README = ROOT / "README.md"
START, END = "<!-- commands:start -->", "<!-- commands:end -->"
WIDTH = "100"

HEAD = """# Command reference

Generated from the `kg` parser by `scripts/cli_docs.py` (a test fails when this page and
`kg COMMAND --help` differ). Every command works with no arguments on the bundled data;
`--data DIR` points at any folder of the four CSVs. Results go to standard output, problems
and messages to standard error. Exit codes: 0 success, 1 a failure (invalid data, an unknown
id, an unwritable output, a server error), 2 a usage error (including a missing or unknown
query parameter), 130 interrupted.
"""


@contextmanager
def _fixed_width() -> Iterator[None]:
    """argparse reads the terminal width from COLUMNS when it formats: fix it, then put it back."""
    before = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH
    try:
        yield
    finally:
        if before is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = before


def _parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The `kg` parser and its subcommand parsers."""
    from kg.cli import make_parser

    parser, _ = make_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return parser, dict(sub.choices)


def _helps(parser: argparse.ArgumentParser) -> dict[str, str]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {action.dest: action.help or "" for action in sub._choices_actions}


def reference() -> str:
    """docs/cli.md: the top-level help, then each command's help."""
    parser, commands = _parser()
    helps = _helps(parser)
    with _fixed_width():
        parts = [HEAD, "```text", parser.format_help().rstrip(), "```", ""]
        for name, command in commands.items():
            parts += [f"## kg {name}", "", helps.get(name, "").rstrip(".") + ".", "", "```text",
                      command.format_help().rstrip(), "```", ""]
    return "\n".join(parts)


def _usage(command: argparse.ArgumentParser) -> str:
    with _fixed_width():
        usage = " ".join(command.format_usage().split())
    usage = usage.removeprefix("usage: ").replace(" [-h]", "")
    return usage.replace("|", "\\|")


def readme_table() -> str:
    """The README's command table: one row per command, its usage and its help."""
    parser, commands = _parser()
    helps = _helps(parser)
    rows = ["| command | does |", "|---|---|"]
    rows += [f"| `{_usage(command)}` | {helps.get(name, '')} |" for name, command in commands.items()]
    return "\n".join(rows)


def readme_with_table(text: str) -> str:
    """`text` (the README) with its command table replaced by `readme_table()`."""
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no {START} ... {END} block")
    return pattern.sub(lambda _: f"{START}\n{readme_table()}\n{END}", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check; exit 1 when a file is out of date")
    args = parser.parse_args(argv)
    wanted = {CLI_MD: reference(), README: readme_with_table(README.read_text(encoding="utf-8"))}
    stale = [path for path, text in wanted.items() if not path.is_file() or path.read_text(encoding="utf-8") != text]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(ROOT)} is out of date: run scripts/cli_docs.py", file=sys.stderr)
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
