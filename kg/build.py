"""One atomic build: validate, write every output into a temporary folder beside
the target, then move the files into place. Invalid input writes nothing."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from kg import export, network, vocab
from kg.api import EvidenceGraph
from kg.atomic import staged
from kg.problems import ValidationError

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


def _writers(graph: EvidenceGraph) -> dict[str, Callable[[], bytes]]:
    return {
        "graph.ttl": lambda: export.turtle(graph.ntriples, graph.base),
        "graph.jsonld": lambda: export.jsonld(graph.ntriples, graph.base),
        "graph.nt": lambda: graph.ntriples,
        "graph.graphml": lambda: network.graphml(graph.dataset),
        "summary.csv": lambda: graph.summary().to_csv(index=False, lineterminator="\n").encode("utf-8"),
        "index.html": lambda: graph.page_bytes(),
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
            write_store(graph.ntriples, store)
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
            for name, write in _writers(graph).items():
                if progress:
                    progress(name)
                (tmp / name).write_bytes(write())
            if not out.exists():
                os.replace(tmp, out)
            else:
                for name in OUTPUTS:
                    os.replace(tmp / name, out / name)
    except OSError as err:
        raise BuildError(f"{out}: cannot write the build ({err.strerror})") from err
    return [out / name for name in OUTPUTS]


__all__ = ["OUTPUTS", "BuildError", "ValidationError", "build", "write_outputs"]
