"""Progress on long work (`kg build`, `kg push`, ...): a live line on a terminal, then one closing line.

On a terminal (standard error is a TTY), a `Display` shows what is being written, how many
files are done, the bytes written so far (read from the folder being written), rows sent
when there are rows to count, and the time elapsed; `rich` draws it and erases it at the end.
When standard error is not a terminal, or with `--quiet`, nothing live is shown. The closing
line (`outputs_line`) lists the outputs with their sizes and the total time; only `--quiet`
leaves it out.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text


def size(n: float) -> str:
    """Bytes for a person: 812 B, 14.2 kB, 3.1 MB (powers of 1000, as file managers show them)."""
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"  # pragma: no cover - the loop returns


def plural(n: int, one: str, many: str | None = None) -> str:
    """`1 file`, `2 files`, `1,000 statements`: a count with the right form of its noun."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def folder_bytes(folders: Callable[[], Sequence[Path]]) -> int:
    """The total size of the files now in `folders()` (missing ones count as empty)."""
    total = 0
    for folder in folders():
        try:
            total += sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        except OSError:  # a file moved or removed while we looked
            continue
    return total


class _Counts(ProgressColumn):
    """files done, bytes written, rows done: whatever the display has to count."""

    def __init__(self, display: Display):
        super().__init__()
        self.display = display

    def render(self, task: Task) -> Text:
        d = self.display
        parts = []
        if d.files_total:
            parts.append(f"{d.files_done}/{plural(d.files_total, 'file')}")
        if d.rows_total:
            parts.append(f"{d.rows_done:,}/{plural(d.rows_total, d.rows_unit)}")
        written = folder_bytes(d.watch) if d.watch is not None else d.bytes_done
        if written:
            parts.append(size(written))
        return Text(", ".join(parts), style="cyan")


class Display:
    """What a long command is doing; silent unless `live` (see the module's docstring)."""

    def __init__(self, live: bool, *, stream: TextIO | None = None, files: int = 0, rows_unit: str = "row",
                 watch: Callable[[], Sequence[Path]] | None = None):
        self.live = live
        self.stream = stream or sys.stderr
        self.files_total = files
        self.files_done = 0
        self.rows_total = 0
        self.rows_done = 0
        self.rows_unit = rows_unit
        self.bytes_done = 0
        self.watch = watch
        self.started = time.monotonic()
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def step(self, name: str) -> None:
        """A new step began (e.g. writing one file): the previous one is done."""
        if self._progress is not None and self._task is not None:
            if self._progress.tasks[0].description != "starting":
                self.files_done = min(self.files_done + 1, self.files_total or self.files_done + 1)
            self._progress.update(self._task, description=f"writing {name}")

    def rows(self, done: int, total: int, sent_bytes: int = 0) -> None:
        """Rows done out of `total` (e.g. triples sent), and bytes sent so far."""
        self.rows_done, self.rows_total, self.bytes_done = done, total, sent_bytes
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=done, total=total or None)

    @contextmanager
    def shown(self, title: str) -> Iterator[Display]:
        """Show the display while the block runs (when `live`); it is erased when the block ends."""
        self.started = time.monotonic()
        if not self.live:
            yield self
            return
        console = Console(file=self.stream, stderr=self.stream is sys.stderr)
        progress = Progress(SpinnerColumn(), TextColumn(f"[bold]{title}[/bold]"), TextColumn("{task.description}"),
                            _Counts(self), TimeElapsedColumn(), console=console, transient=True,
                            refresh_per_second=8)
        self._progress = progress
        with progress:
            self._task = progress.add_task("starting", total=None)
            try:
                yield self
            finally:
                self._progress = None


def outputs_line(what: str, paths: Sequence[Path], seconds: float, where: Path | None = None) -> str:
    """`built 6 files in build/ (3.4 MB) in 2.1 s: graph.ttl 1.2 MB, ...`: the closing line of a command."""
    sizes = [(p, p.stat().st_size if p.is_file() else 0) for p in paths]
    total = sum(s for _, s in sizes)
    place = f" in {where}/" if where is not None else ""
    listed = ", ".join(f"{p.name} {size(s)}" for p, s in sizes)
    return f"{what} {plural(len(paths), 'file')}{place} ({size(total)}) in {seconds:.1f} s: {listed}"


def is_terminal(stream: TextIO | None = None) -> bool:
    """Whether `stream` (default: standard error) is a terminal a live display can draw on."""
    stream = stream or sys.stderr
    return hasattr(stream, "isatty") and stream.isatty()


__all__ = ["Display", "folder_bytes", "is_terminal", "outputs_line", "plural", "size"]
