"""One atomic build: validate, write every output into a temporary folder beside
the target, then move the files into place. Invalid input writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kg import atomic, export, network, rdf, vocab
from kg.api import EvidenceGraph
from kg.errors import OutputError, UsageError
from kg.problems import ValidationError
from kg.render import page

OUTPUTS: tuple[str, ...] = (
    "graph.ttl",
    "graph.jsonld",
    "graph.nt",
    "graph.graphml",
    "summary.csv",
    "index.html",
)


class BuildError(OutputError):
    """The build could not write its outputs (not a data problem)."""


def _writers(graph: EvidenceGraph) -> dict[str, Callable[[Path], object]]:
    """The outputs written in this process (N-Triples first; Turtle and JSON-LD by a child process)."""
    return {
        "graph.graphml": lambda path: network.write_graphml(graph.dataset, path),
        "summary.csv": lambda path: path.write_bytes(
            graph.summary().to_csv(index=False, lineterminator="\n").encode("utf-8")),
        "index.html": lambda path: page.write_page(graph, path),
    }


def build(
    data_dir: str | Path | None = None,
    out_dir: str | Path = "build",
    *,
    base: str = vocab.DEFAULT_BASE,
    store: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Validate `data_dir` and write the six outputs into `out_dir`; return their paths.

    N-Triples are written first; two child processes turn them into Turtle and JSON-LD while
    this one writes GraphML, the summary and the page.

    With `store`, also write a persistent Oxigraph store there (replacing an earlier one).
    Raises ValidationError (nothing written) or BuildError.
    """
    from kg.api import load
    from kg.store import StoreError, write_store

    check_out(out_dir)
    vocab.check_base(base)
    # A swap a killed build left half-done is settled first, even if this build then fails validation.
    atomic.recover(out_dir)
    if store is not None:
        atomic.recover(store)
    graph = load(data_dir, base=base)
    paths = write_outputs(graph, out_dir, progress=progress)
    if store is not None:
        if progress:
            progress("store")
        try:
            write_store(Path(out_dir) / "graph.nt", store)
        except StoreError as err:
            raise BuildError(str(err)) from err
    return paths


def check_out(out_dir: str | Path) -> Path:
    """The output folder, refusing an empty name (an unset shell variable) and the root folder (UsageError)."""
    if str(out_dir) == "":
        raise UsageError("the output folder is an empty name; give a folder, e.g. --out build")
    out = Path(out_dir)
    if out.resolve() == out.resolve().parent:
        raise UsageError(f"{out}: cannot build into the root folder; give a folder, e.g. --out build")
    return out


def write_outputs(
    graph: EvidenceGraph, out_dir: str | Path, *, progress: Callable[[str], None] | None = None
) -> list[Path]:
    """Write the six outputs into a staging folder beside `out_dir`, then swap them in, all or none
    (`kg.atomic`: one build at a time per folder, journalled, fsync'd)."""
    out = check_out(out_dir)
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out}: exists and is not a folder")
    with atomic.writing(out) as stage:
        tmp = stage.folder
        try:
            if progress:
                progress("graph.nt")
            rdf.write_ntriples(graph.dataset, tmp / "graph.nt", graph.base)
            # Oxigraph writes Turtle and JSON-LD on the other core while this process does the rest.
            serialiser = export.start(tmp / "graph.nt", tmp / "graph.ttl", tmp / "graph.jsonld", graph.base)
            try:
                for name, write in _writers(graph).items():
                    if progress:
                        progress(name)
                    write(tmp / name)
                if progress:
                    progress("graph.ttl, graph.jsonld")
                serialiser.wait()
            finally:
                serialiser.stop()
            stage.swap_files(OUTPUTS)
        except OSError as err:
            raise BuildError(f"{out}: cannot write the build ({err.strerror or err})") from err
    return [out / name for name in OUTPUTS]


__all__ = ["OUTPUTS", "BuildError", "ValidationError", "build", "check_out", "write_outputs"]
