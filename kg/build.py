"""One atomic build: validate, write every output into a temporary folder beside
the target, then move the files into place. Invalid input writes nothing."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from kg import export, network, rdf, vocab
from kg.api import EvidenceGraph
from kg.atomic import staged
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


class BuildError(Exception):
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


def write_outputs(
    graph: EvidenceGraph, out_dir: str | Path, *, progress: Callable[[str], None] | None = None
) -> list[Path]:
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise BuildError(f"{out}: exists and is not a folder")
    try:
        with staged(out, ".build-") as tmp:
            if progress:
                progress("graph.nt")
            rdf.write_ntriples(graph.dataset, tmp / "graph.nt", graph.base, summary=graph.summary())
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
            if not out.exists():
                os.replace(tmp, out)
            else:
                for name in OUTPUTS:
                    os.replace(tmp / name, out / name)
    except OSError as err:
        raise BuildError(f"{out}: cannot write the build ({err.strerror or err})") from err
    return [out / name for name in OUTPUTS]


__all__ = ["OUTPUTS", "BuildError", "ValidationError", "build", "write_outputs"]
