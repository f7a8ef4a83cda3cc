"""Output and input formats as plug-ins: each is one module that registers a `Format` here.

A format has a name (`kg export --format NAME`), a default file name, a media type, a
streaming writer and, where the format can carry the whole dataset back, a reader
(`kg import --format NAME`). `kg build` writes the formats marked `build_output`, in
registry order. Adding a format is one module under `kg/formats/` plus its line in
`_BUILTIN` below.

Writers take a `Context` (the Dataset, the IRI base, and what several writers share,
computed once: the summary, an N-Triples file) and a path; readers take the files given
and return the four contract tables as a Dataset. A format whose writing can run beside
the others (a child process) also has a `start` that begins it and returns a `Pending`
to wait for; `kg build` starts those first.
"""

from __future__ import annotations

import importlib
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from kg.errors import UsageError
from kg.vocab import DEFAULT_BASE

if TYPE_CHECKING:
    import pandas as pd

    from kg.model import Dataset
    from kg.rdf import Follower


@dataclass
class Context:
    """What a writer gets: the dataset, the IRI base, options, and shared results computed once.

    Use it as a context manager (or call `close`) so that intermediate files go away.
    """

    dataset: Dataset
    base: str = DEFAULT_BASE
    options: dict[str, Any] = field(default_factory=dict)
    ntriples_path: Path | None = None
    """The graph's N-Triples as a file: set by the `nt` writer, or written on demand by `ntriples_file`."""
    _scratch: Path | None = field(default=None, repr=False)
    _followers: list[Follower] = field(default_factory=list, repr=False)

    @cached_property
    def summary(self) -> pd.DataFrame:
        """The per-pair evidence summary, computed once for every writer that needs it."""
        from kg.summary import summarise

        return summarise(self.dataset)

    def written_ntriples(self) -> Path | None:
        """The N-Triples file if it is written already."""
        return self.ntriples_path if self.ntriples_path is not None and self.ntriples_path.is_file() else None

    def follow_ntriples(self, follower: Follower) -> None:
        """Have `follower` read the N-Triples file while it is written (by the `nt` writer or `feed_followers`)."""
        self._followers.append(follower)

    def take_followers(self) -> list[Follower]:
        """The followers waiting for the N-Triples; whoever takes them writes the file and tells them."""
        taken, self._followers = self._followers, []
        return taken

    def feed_followers(self) -> None:
        """Give the N-Triples file to the followers still waiting for it (no build output wrote it)."""
        if not self._followers:
            return
        written = self.ntriples_file()
        for follower in self.take_followers():  # still here: the file was written before they came
            follower.grown(written, written.stat().st_size)
            follower.close()

    def ntriples_file(self) -> Path:
        """The graph as an N-Triples file (the one the `nt` writer wrote, else one written now, once)."""
        written = self.written_ntriples()
        if written is None:
            from kg.rdf import write_ntriples

            written = self.scratch() / "graph.nt"
            write_ntriples(self.dataset, written, self.base, summary=self.summary,
                           followers=self.take_followers())
            self.ntriples_path = written
        return written

    def scratch(self) -> Path:
        """A private folder for intermediate files, removed by `close`."""
        if self._scratch is None:
            self._scratch = Path(tempfile.mkdtemp(prefix="kg-"))
        return self._scratch

    def close(self) -> None:
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def __enter__(self) -> Context:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class Pending(Protocol):
    """A format being written in the background (a child process)."""

    def wait(self) -> None:
        """Block until it is written; OSError when it failed."""
        ...

    def stop(self) -> None:
        """Stop it if it is still running (after a failure elsewhere)."""
        ...


Writer = Callable[[Context, Path], None]
Starter = Callable[[Context, Path], Pending]
Reader = Callable[[Sequence[Path]], "Dataset"]


@dataclass(frozen=True)
class Format:
    """One registered format."""

    name: str
    filename: str
    media_type: str
    description: str
    write: Writer | None = None
    read: Reader | None = None
    build_output: bool = False
    """Written by `kg build` (the contract's six outputs)."""
    start: Starter | None = None
    """Begin writing in the background (`write` is then `start(...).wait()`)."""
    folder: bool = False
    """The writer makes a folder at its path (KGX's nodes and edges files), not one file."""


def run_in_background(start: Starter) -> Writer:
    """A writer that starts a background write and waits for it."""

    def write(ctx: Context, path: Path) -> None:
        pending = start(ctx, path)
        try:
            ctx.feed_followers()
            pending.wait()
        finally:
            pending.stop()

    return write


def serialised_from_ntriples(kind: str) -> Starter:
    """The starter of a format that a child process makes from the N-Triples (`kg.export.start`, `kind` one of
    its serialisations): the child reads the N-Triples file if it is written already, or else is fed the
    triples on its standard input while they are written, so that it works beside the build from the start."""

    def start(ctx: Context, path: Path) -> Pending:
        from kg import export

        written = ctx.written_ntriples()
        job = export.start(kind, written, path, ctx.base)
        if job.feed is not None:
            ctx.follow_ntriples(job.feed)
        return job

    return start


REGISTRY: dict[str, Format] = {}

_BUILTIN: tuple[str, ...] = ("nt", "ttl", "jsonld", "graphml", "summary", "page", "fhir", "kgx")
"""Modules under kg.formats that register the built-in formats, in build order (N-Triples first:
Turtle and JSON-LD are made from it; the interchange formats last, not written by `kg build`)."""


def register(fmt: Format) -> Format:
    """Add a format; a second registration under the same name replaces the first."""
    REGISTRY[fmt.name] = fmt
    return fmt


def _load_builtin() -> None:
    for module in _BUILTIN:
        importlib.import_module(f"kg.formats.{module}")


def formats() -> list[Format]:
    """Every registered format, built-in ones first, in registration order."""
    _load_builtin()
    return list(REGISTRY.values())


def get(name: str, *, writable: bool = False, readable: bool = False) -> Format:
    """The format called `name`; a UsageError listing the choices when there is none."""
    _load_builtin()
    choices = [f for f in REGISTRY.values() if (f.write or not writable) and (f.read or not readable)]
    for fmt in choices:
        if fmt.name == name:
            return fmt
    names = ", ".join(f.name for f in choices) or "(none)"
    raise UsageError(f"unknown format {name!r}; choose one of: {names}")


def build_outputs() -> list[Format]:
    """The formats `kg build` writes, in order."""
    return [f for f in formats() if f.build_output]


__all__ = ["REGISTRY", "Context", "Format", "Pending", "Reader", "Starter", "Writer", "build_outputs", "formats",
           "get", "register", "run_in_background", "serialised_from_ntriples"]
