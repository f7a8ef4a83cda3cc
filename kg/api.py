"""`kg.load()` -> EvidenceGraph: the facade for people (notebooks, scripts, the CLI).

Nothing inside the package imports this module (the CLI and `kg/__init__.py` aside): the
stages take a `Dataset` (and `base`), and this facade passes them what they need, with
the summary computed once per graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kg import rdf, vocab
from kg.model import Dataset, bundled_data_dir, read_valid

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph
    import rdflib

    from kg import engines, notebook, queries, resolve, results
    from kg.diff import Diff


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
        self._engines: dict[str, engines.Engine] = {}

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
        """The graph as N-Triples bytes, in a deterministic order (pair summaries included)."""
        return rdf.ntriples(self.dataset, self.base, summary=self._summary)

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

    @cached_property
    def resolver(self) -> resolve.Resolver:
        """Names to ids: labels and synonyms (a source's title) are accepted wherever an id is."""
        from kg import resolve

        return resolve.Resolver.of(self.dataset)

    def resolve(self, kind: str, name: str | None) -> str | None:
        """The id of the one `kind` ("treatment", "condition", "source") that `name` (an id, label or
        synonym, any case) names; None stays None. Raises `kg.errors.UnknownIdError` saying what to type.

        >>> import kg
        >>> g = kg.load()
        >>> g.resolve("condition", "Sciatic pain")
        'sciatica'
        """
        return None if name is None else self.resolver.resolve(name, kind)

    @cached_property
    def _summary(self) -> pd.DataFrame:
        from kg import summary

        return summary.summarise(self.dataset)

    def summary(self, condition: str | None = None, *, min_strength: str | None = None) -> pd.DataFrame:
        """One row per treatment-condition pair with its verdict and strength (narrower conditions included).

        `condition` is an id, a label or a synonym (see `resolve`). `min_strength` (`strong`, `moderate`,
        `weak` or `very_weak`) keeps the pairs whose evidence is at least that strong; another value raises
        `kg.errors.UsageError`.
        """
        from kg import summary

        if condition is None:
            frame = self._summary.copy()
        else:
            frame = summary.summarise(self.dataset, condition=self.resolve("condition", condition))
        return frame if min_strength is None else summary.at_least(frame, min_strength)

    def related_conflicts(self) -> pd.DataFrame:
        """Statements from different sources that disagree across the treatment or condition hierarchy
        (one about a broader treatment or condition than the other): the `related-conflicts` query's rows."""
        from kg import summary

        return summary.related_conflicts(self.dataset)

    def conflicts(self) -> pd.DataFrame:
        """Pairs of statements from different sources that disagree."""
        from kg import summary

        return summary.conflicts(self.dataset)

    def page_html(self, **options: Any) -> str:
        """The self-contained interactive page (index.html) as a string."""
        from kg.render import page

        return page.render_page(self.dataset, summary=self._summary, **options)

    def page_bytes(self, **options: Any) -> bytes:
        """`page_html` as UTF-8 bytes, without a text copy of a large page."""
        from kg.render import page

        return page.render_page_bytes(self.dataset, summary=self._summary, **options)

    def export(self, name: str, path: str | Path, **options: Any) -> Path | None:
        """Write the registered format `name` (see `kg.formats.formats()`: nt, ttl, jsonld, graphml,
        summary, page, ...) to `path` ("-": standard output), atomically; the path written.

        Options go to the format's writer (e.g. page options for "page").
        """
        from kg.build import export

        return export(self.dataset, name, path, base=self.base, **options)

    # --- exploring in Jupyter (display logic lives in kg/notebook.py) ---------------------------

    def engine(self, engine: str = "oxigraph") -> engines.Engine:
        """The query engine ("oxigraph" or "rdflib") over this graph's triples, made once each."""
        from kg import engines

        if engine not in self._engines:
            self._engines[engine] = engines.open_engine(store=self.store, ntriples=self.__dict__.get("ntriples"),
                                                        engine=engine)
        return self._engines[engine]

    def results(
        self, name_or_sparql: str | Path | queries.Query, *, engine: str = "oxigraph", **params: str
    ) -> results.ResultSet:
        """Run a saved query (by name), a `.rq` file or SPARQL text; the W3C-ready `kg.results.ResultSet`.

        Parameters are ids, bound as the RDF terms of those entities (never pasted into the text);
        an unknown id, or a missing or unknown parameter, raises `kg.queries.QueryError` (a `kg.errors.KgError`)
        naming it. `engine` is "oxigraph" (default) or "rdflib".

        >>> import kg
        >>> from kg import results
        >>> rs = kg.load().results("by-source", source="acp-2017-low-back-pain-guideline")
        >>> print(results.to_csv(rs).splitlines()[0])
        evidence_id,treatment_id,condition_id,effect,timeframe,summary,treatment,condition,comparator,comparator_id,source
        """
        from kg import engines, queries

        return engines.run(name_or_sparql, self.engine(queries.check_engine(engine)), params)

    def query(
        self, name_or_sparql: str | Path | queries.Query, *, engine: str = "oxigraph", **params: str
    ) -> pd.DataFrame:
        """Run a saved query (by name), a `.rq` file or SPARQL text; the results as a DataFrame.

        Parameters are bound as in `kg query --param KEY=VALUE` (see `results`). Numbers come
        back as numeric columns, everything else as strings, `<NA>` where a variable is unbound;
        an ASK query gives one row with a `boolean` column.

        >>> import kg
        >>> g = kg.load()
        >>> g.query("evidence-for-condition", condition="sciatica")["treatment_id"].unique().tolist()[:3]
        ['discectomy', 'epidural-corticosteroid-injections', 'facet-joint-injections']
        >>> g.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://evidence-kg.example/vocab#EvidenceStatement> }")
            n
        0  63
        """
        from kg import notebook

        return notebook.to_frame(self.results(name_or_sparql, engine=engine, **params))

    def statements(
        self, condition: str | None = None, treatment: str | None = None, source: str | None = None
    ) -> pd.DataFrame:
        """The statements about a condition and/or treatment (narrower ones included), with labels and quotes.

        Raises `kg.errors.UnknownIdError` (a ValueError) naming an id that does not exist.

        >>> import kg
        >>> g = kg.load()
        >>> rows = g.statements(condition="sciatica", treatment="discectomy")
        >>> sorted(set(rows["treatment_id"]))  # microdiscectomy is narrower than discectomy
        ['discectomy', 'microdiscectomy']
        >>> rows.loc[rows["timeframe"] == "medium_term", ["effect", "summary"]].values.tolist()
        [['benefit', 'better at one year']]
        """
        from kg import notebook

        return notebook.statements(self.dataset, condition=self.resolve("condition", condition),
                                   treatment=self.resolve("treatment", treatment),
                                   source=self.resolve("source", source))

    def show(
        self, condition: str | None = None, treatment: str | None = None, *, height: int = 650, **options: Any
    ) -> notebook.InlinePage:
        """The interactive graph, drawn inline in Jupyter (JupyterLab, classic Notebook, VS Code), offline.

        With `condition` and/or `treatment`, only the statements about them (narrower
        ones included) and the entities they name. `height` is in pixels; other
        options go to the page renderer.

        >>> import kg
        >>> view = kg.load().show(condition="hip-pain", height=500)
        >>> view._repr_html_().startswith("<iframe srcdoc=")
        True
        """
        from kg import notebook

        return notebook.show(self.dataset, condition=self.resolve("condition", condition),
                             treatment=self.resolve("treatment", treatment), height=height,
                             summary=self._summary, **options)

    def matrix(
        self, condition: str | None = None, treatment: str | None = None, *, height: int = 650, **options: Any
    ) -> notebook.InlinePage:
        """The evidence matrix (treatments x conditions, cells coloured by verdict), drawn inline in Jupyter.

        Same filters and options as `show`; it is the same page, opened on its matrix tab.

        >>> import kg
        >>> grid = kg.load().matrix()
        >>> grid.title, '"tab":"matrix"' in grid.html
        ('Evidence matrix', True)
        """
        from kg import notebook

        return notebook.matrix(self.dataset, condition=self.resolve("condition", condition),
                               treatment=self.resolve("treatment", treatment), height=height,
                               summary=self._summary, **options)

    def _repr_html_(self) -> str:
        """A compact overview for Jupyter: counts, verdicts per pair, effects per statement (escaped)."""
        from kg import notebook

        return notebook.overview_html(self.dataset, self._summary)

    def __repr__(self) -> str:
        d = self.dataset
        return (
            f"<EvidenceGraph {len(d.evidence)} statements, {len(d.treatments)} treatments, "
            f"{len(d.conditions)} conditions, {len(d.sources)} sources>"
        )


def extract(
    text: str, graph: EvidenceGraph | Dataset | str | Path | None = None, *, source: str,
    min_confidence: float | None = None,
) -> pd.DataFrame:
    """Proposed evidence rows for a source's text: an evidence.csv table (plus `confidence`,
    `char_start`, `char_end`, `condition_from`, `cues`), using the folder's treatments and
    conditions as the lexicon. `graph` is an EvidenceGraph, a Dataset or a data folder
    (default: the bundled data); see docs/extract.md."""
    from kg.extract import DEFAULT_MIN_CONFIDENCE
    from kg.extract import extract as run

    if isinstance(graph, EvidenceGraph):
        dataset = graph.dataset
    elif isinstance(graph, Dataset):
        dataset = graph
    else:
        dataset = read_valid(Path(graph) if graph is not None else bundled_data_dir())
    floor = DEFAULT_MIN_CONFIDENCE if min_confidence is None else min_confidence
    return run(dataset, text, source=source, min_confidence=floor)


def diff(old: Any, new: Any) -> Diff:
    """What changed from `old` to `new`: entities, statements, verdicts (with their causes), conflicts.

    Each side is a data folder, a build folder, a store (`kg build --store`), `"REV:PATH"` of a data
    folder in git, or a loaded `EvidenceGraph`. The result has a DataFrame per part (`counts`,
    `entities`, `statements`, `verdicts`, `conflicts`, `files`), `.to(format)`, and draws itself in
    Jupyter. Raises `kg.diff.SideError` naming the side that cannot be read.

    >>> import kg
    >>> kg.diff(kg.load(), kg.load()).different
    False
    """
    from kg.diff import diff as compare_versions

    return compare_versions(old, new)


def load(
    path: str | Path | None = None, *, base: str = vocab.DEFAULT_BASE, store: str | Path | None = None
) -> EvidenceGraph:
    """Load and validate a data folder (default: the bundled curated data).

    With `store=PATH`, open a persistent store written by `kg build --store PATH`
    instead: no CSV is read, and its tables are rebuilt from the RDF.

    Raises `kg.ValidationError` listing every problem as `FILE:LINE: column: message`.
    """
    if store is not None:
        from kg.from_rdf import read_store

        opened, dataset = read_store(store)
        graph = EvidenceGraph(dataset, base=base)
        graph.__dict__["store"] = opened
        return graph
    folder = Path(path) if path is not None else bundled_data_dir()
    return EvidenceGraph(read_valid(folder), base=base)


def import_(
    format: str, paths: str | Path | Sequence[str | Path], *, out: str | Path | None = None,
    base: str = vocab.DEFAULT_BASE,
) -> EvidenceGraph:
    """Read an interchange file (`"fhir"`: an R5 Bundle; `"kgx"`: a nodes/edges folder) as a graph.

    With `out=DIR`, also write the four contract CSVs there (only if they validate; nothing
    half-written). What the reader could not map is counted in `graph.dataset.skipped`.

    >>> import kg, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> from kg.formats import Context, get
    >>> get("kgx").write(Context(kg.load().dataset), folder)
    >>> kg.import_("kgx", folder).evidence.equals(kg.load().evidence)
    True
    """
    from kg import interop

    given = [paths] if isinstance(paths, str | Path) else list(paths)
    dataset = interop.import_files(format, given)
    if out is not None:
        interop.write_tables(dataset, out)
    return EvidenceGraph(dataset, base=base)
