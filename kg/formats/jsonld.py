"""JSON-LD (`graph.jsonld`): Oxigraph's node objects under an inline @context (nothing to fetch).

Written by a child process (`kg.export.start`) fed the N-Triples while the build writes them, so it
runs beside the build's other outputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kg.formats import Format, register, run_in_background, serialised_from_ntriples

if TYPE_CHECKING:
    from kg.model import Dataset


start = serialised_from_ntriples("jsonld")


def read(paths: Sequence[Path]) -> Dataset:
    from kg.from_rdf import read_graph_files

    return read_graph_files(paths, "jsonld")


register(Format("jsonld", "graph.jsonld", "application/ld+json", "the graph as JSON-LD with an inline @context",
                write=run_in_background(start), start=start, read=read, build_output=True))
