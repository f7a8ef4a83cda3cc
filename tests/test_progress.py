"""Progress on long work: a live display on a terminal only, a closing line with sizes and time, and
nothing at all with --quiet."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg import progress
from tests.test_remote import FakeServer, fake  # noqa: F401  (the fake Graph Store server fixture)

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
MINIMAL = Path(__file__).resolve().parent / "data" / "minimal"


def run_on_a_terminal(argv: list[str], cwd: Path, columns: int = 100) -> tuple[int, str]:
    """Run `python -m kg.cli ARGV` with standard output and error on a pseudo-terminal; (exit code, all it drew)."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", *argv], stdin=follower, stdout=follower,
                            stderr=follower, cwd=cwd, env=env, close_fds=True)
    os.close(follower)
    seen = bytearray()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: the command is done
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    os.close(leader)
    return proc.wait(timeout=30), seen.decode("utf-8", "replace")


def test_build_on_a_terminal_shows_progress_then_the_outputs(tmp_path: Path) -> None:
    code, drawn = run_on_a_terminal(["build", "--data", str(MINIMAL), "--out", str(tmp_path / "out")], tmp_path)
    assert code == 0, drawn
    text = ANSI.sub("", drawn)
    assert "kg build" in text and "writing graph." in text  # the live line: step
    assert re.search(r"\d/6 files", text), text  # files done
    assert re.search(r"\d+:\d\d:\d\d", text)  # elapsed
    assert "\x1b[?25l" in drawn  # rich hides the cursor while it draws
    closing = re.search(r"built 6 files in \S+out/ \(([\d.]+ [kM]?B)\) in [\d.]+ s: (.*)", text)
    assert closing, text
    for name in ("graph.ttl", "graph.jsonld", "graph.nt", "graph.graphml", "summary.csv", "index.html"):
        size = (tmp_path / "out" / name).stat().st_size
        assert f"{name} {progress.size(size)}" in closing.group(2)


def test_build_piped_prints_only_the_closing_line_and_quiet_nothing(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "kg.cli", "build", "--data", str(MINIMAL), "--out",
                           str(tmp_path / "out")], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("built 6 files in ")
    assert "\x1b" not in done.stderr
    code, drawn = run_on_a_terminal(["build", "--data", str(MINIMAL), "--out", str(tmp_path / "q"), "--quiet"],
                                    tmp_path)
    assert code == 0 and drawn.strip() == ""
    assert (tmp_path / "q" / "index.html").is_file()


def test_the_display_counts_rows_and_bytes() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    display = progress.Display(True, stream=screen, rows_unit="triple")
    with display.shown("kg push"):
        display.step("1.2 MB of N-Triples")
        display.rows(500, 1_000, 600_000)
        time.sleep(0.3)  # a refresh
    text = ANSI.sub("", screen.getvalue())
    assert "kg push" in text and "500/1,000 triples" in text and "600.0 kB" in text
    quiet = Terminal()
    with progress.Display(False, stream=quiet).shown("kg push") as silent:
        silent.rows(1, 2)
    assert quiet.getvalue() == ""


@pytest.mark.parametrize(("n", "text"), [(0, "0 B"), (999, "999 B"), (1000, "1.0 kB"), (2_500_000, "2.5 MB"),
                                         (3_000_000_000, "3.0 GB")])
def test_sizes_read_like_a_file_manager(n: int, text: str) -> None:
    assert progress.size(n) == text


def test_plurals() -> None:
    assert [progress.plural(n, "file") for n in (0, 1, 2, 1000)] == ["0 files", "1 file", "2 files", "1,000 files"]



def test_push_on_a_terminal_counts_triples_then_says_what_it_sent(fake: FakeServer, tmp_path: Path) -> None:  # noqa: F811
    import kg

    nt = kg.load(MINIMAL).ntriples
    total = nt.count(b"\n")
    code, drawn = run_on_a_terminal(["push", "--gsp", f"{fake.url}/store", "--data", str(MINIMAL),
                                     "--batch-size", "5"], tmp_path)
    assert code == 0, drawn
    text = ANSI.sub("", drawn)
    assert "kg push" in text and re.search(rf"\d+/{total} triples", text), text
    requests = len(fake.requests)
    assert f"pushed {total} triples ({progress.size(len(nt))}) in {requests} requests into <" in text
    assert b"".join(r.body for r in fake.requests) == nt


def test_export_on_a_terminal_shows_progress_and_the_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    code, drawn = run_on_a_terminal(["export", "--format", "ttl", "--data", str(MINIMAL), "--out", str(target)],
                                    tmp_path)
    assert code == 0, drawn
    text = ANSI.sub("", drawn)
    assert "kg export" in text and "writing graph.ttl" in text
    assert f"wrote {target} ({progress.size(target.stat().st_size)}) in " in text
    code, drawn = run_on_a_terminal(["export", "--format", "ttl", "--data", str(MINIMAL), "--out", "-"], tmp_path)
    assert code == 0 and "kg export" not in drawn and "wrote" not in drawn  # standard output: the Turtle only
    assert "@prefix" in drawn or "<https://" in drawn


def test_import_on_a_terminal_shows_progress_and_what_it_wrote(tmp_path: Path) -> None:
    import kg
    from kg.formats import Context, get

    kgx = tmp_path / "kgx"
    kgx.mkdir()
    get("kgx").write(Context(kg.load(MINIMAL).dataset), kgx)  # type: ignore[misc]
    out = tmp_path / "imported"
    code, drawn = run_on_a_terminal(["import", "--format", "kgx", str(kgx), "--out", str(out)], tmp_path)
    assert code == 0, drawn
    text = ANSI.sub("", drawn)
    assert "kg import" in text and "from kgx" in text
    total = sum(p.stat().st_size for p in out.glob("*.csv"))
    assert f"wrote the four CSVs to {out}/ ({progress.size(total)}) in " in text
    assert "3 statements, 3 treatments, 2 conditions, 2 sources" in text


def test_extract_on_a_terminal_shows_progress_and_takes_a_source_title(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    out = tmp_path / "proposed.csv"
    title = "Encyclopedia article on low back pain (publication not named in the seed text)"
    code, drawn = run_on_a_terminal(["extract", str(root / "data" / "texts" / "seed-back-hip-pain.txt"), "--source",
                                     title.upper(), "--out", str(out), "--format", "csv"], tmp_path)
    assert code == 0, drawn
    text = ANSI.sub("", drawn)
    assert "kg extract" in text and "proposing rows from" in text
    import csv

    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and {r["source"] for r in rows} == {"encyclopedia-low-back-pain"}  # the title, resolved
    assert f"wrote {progress.plural(len(rows), 'proposed row')} to {out} ({progress.size(out.stat().st_size)}) in " \
        in text
