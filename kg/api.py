"""`kg.load()` -> EvidenceGraph: the one object notebooks, the CLI and the build use."""

from __future__ import annotations

from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kg import rdf, vocab
from kg.model import Dataset, read_valid

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph
    import rdflib


def bundled_data_dir() -> Path:
    """The curated data folder: `data/` of a source checkout, else the copy inside the package."""
    checkout = Path(__file__).resolve().parent.parent / "data"
    if (checkout / "evidence.csv").is_file():
        return checkout
    return Path(str(resources.files("kg").joinpath("data")))


class EvidenceGraph:
    """A validated evidence dataset with its RDF, networkx, summary and query views.

    >>> import kg
    >>> g = kg.load()
    >>> int((g.evidence["effect"] == "no_benefit").sum()) > 0
    True
    """

    def __init__(self, dataset: Dataset, *, base: str = vocab.DEFAULT_BASE):
        self.dataset = dataset
        self.base = base

    @property
    def sources(self) -> pd.DataFrame:
        return self.dataset.sources

    @property
    def conditions(self) -> pd.DataFrame:
        return self.dataset.conditions

    @property
    def treatments(self) -> pd.DataFrame:
        return self.dataset.treatments

    @property
    def evidence(self) -> pd.DataFrame:
        return self.dataset.evidence

    @cached_property
    def ntriples(self) -> bytes:
        """The graph as N-Triples bytes, in a deterministic order."""
        return rdf.ntriples(self.dataset, self.base)

    @cached_property
    def store(self) -> pyoxigraph.Store:
        """An in-memory Oxigraph store of the graph (the fast SPARQL engine)."""
        return rdf.to_oxigraph(self.ntriples)

    @cached_property
    def rdf(self) -> rdflib.Graph:
        """The graph as an rdflib Graph, with the project's prefixes bound."""
        graph = rdf.to_rdflib(self.ntriples)
        for prefix, iri in vocab.prefixes(self.base).items():
            graph.bind(prefix, iri, override=True)
        return graph

    @cached_property
    def nx(self) -> nx.MultiDiGraph:
        """The networkx view: treatment, condition and source nodes; one edge per statement."""
        from kg import network

        return network.to_networkx(self.dataset)

    def summary(self, condition: str | None = None) -> pd.DataFrame:
        """One row per treatment-condition pair with its verdict (narrower conditions included)."""
        from kg import summary

        return summary.summarise(self.dataset, condition=condition)

    def conflicts(self) -> pd.DataFrame:
        """Pairs of statements from different sources that disagree."""
        from kg import summary

        return summary.conflicts(self.dataset)

    def page_html(self, **options: Any) -> str:
        """The self-contained interactive page (index.html) as a string."""
        from kg.render import page

        return page.render_page(self, **options)

    def __repr__(self) -> str:
        d = self.dataset
        return (
            f"<EvidenceGraph {len(d.evidence)} statements, {len(d.treatments)} treatments, "
            f"{len(d.conditions)} conditions, {len(d.sources)} sources>"
        )


def load(path: str | Path | None = None, *, base: str = vocab.DEFAULT_BASE) -> EvidenceGraph:
    """Load and validate a data folder (default: the bundled curated data).

    Raises `kg.ValidationError` listing every problem as `FILE:LINE: column: message`.
    """
    folder = Path(path) if path is not None else bundled_data_dir()
    return EvidenceGraph(read_valid(folder), base=base)
