"""N-Triples (`graph.nt`): the canonical triples, one a line, in a deterministic order.

Written a batch of rows at a time by `kg.rdf`; the other RDF formats are made from this file.
Libraries are imported when a file is written or read, so listing the formats stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg.formats import Context, Format, register

if TYPE_CHECKING:
    from kg.model import Dataset


def write(ctx: Context, path: Path) -> None:
    from kg.rdf import write_ntriples

    # pair summaries: computed once; Turtle and JSON-LD children read the triples as they are written
    write_ntriples(ctx.dataset, path, ctx.base, summary=ctx.summary, followers=ctx.take_followers())
    ctx.ntriples_path = path


def read(paths: Sequence[Path]) -> Dataset:
    from kg.from_rdf import read_graph_files

    return read_graph_files(paths, "nt")


register(Format("nt", "graph.nt", "application/n-triples", "the graph as N-Triples (canonical order)",
                write=write, read=read, build_output=True))
