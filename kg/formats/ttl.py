"""Turtle (`graph.ttl`): the N-Triples file re-serialised by Oxigraph with the project's prefixes.

Written by a child process (`kg.export.start`), so a build goes on with its other outputs meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg.formats import Context, Format, Pending, register, run_in_background

if TYPE_CHECKING:
    from kg.model import Dataset


def start(ctx: Context, path: Path) -> Pending:
    from kg import export

    return export.start("turtle", ctx.ntriples_file(), path, ctx.base)


def read(paths: Sequence[Path]) -> Dataset:
    from kg.from_rdf import read_graph_files

    return read_graph_files(paths, "ttl")


register(Format("ttl", "graph.ttl", "text/turtle", "the graph as Turtle, with the project's prefixes",
                write=run_in_background(start), start=start, read=read, build_output=True))
