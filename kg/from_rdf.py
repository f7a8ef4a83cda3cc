"""Rebuild the four tables from the RDF alone.

This is the proof that the graph is lossless (every cell, extra columns
included, comes back), and the way a persistent store is opened without the
CSVs. Driven by the same `MAPPING` that wrote the triples.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kg import vocab as V
from kg.errors import InputError
from kg.model import Dataset, typed_frame
from kg.rdf import MAPPING, Obj
from kg.schema import KIND_OF_TABLE, TABLES

if TYPE_CHECKING:
    import pyoxigraph


def _select(store: pyoxigraph.Store, query: str) -> pd.DataFrame:
    import pyoxigraph as ox

    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    names = [v.value for v in solutions.variables]
    rows = [[None if t is None else t.value for t in (s[n] for n in names)] for s in solutions]
    return pd.DataFrame(rows, columns=names, dtype="string")


def _column(store: pyoxigraph.Store, cls: str, m_predicate: str, obj: Obj) -> pd.DataFrame:
    ident = f"<{V.DCTERMS}identifier>"
    head = f"SELECT ?id ?v WHERE {{ ?s a <{cls}> ; {ident} ?id . "
    if obj is Obj.REF:
        return _select(store, head + f"?s <{m_predicate}> ?o . ?o {ident} ?v }}")
    if obj is Obj.CONCEPT:
        return _select(store, head + f"?s <{m_predicate}> ?o . ?o <{V.SKOS}notation> ?v }}")
    if obj is Obj.SEQ:
        member = f"{V.RDF}_"
        return _select(
            store,
            f"SELECT ?id ?v ?n WHERE {{ ?s a <{cls}> ; {ident} ?id ; <{m_predicate}> ?list . ?list ?p ?v . "
            f'FILTER(STRSTARTS(STR(?p), "{member}")) BIND(STRAFTER(STR(?p), "{member}") AS ?n) }}',
        )
    return _select(store, head + f"?s <{m_predicate}> ?v }}")


def tables_from_store(store: pyoxigraph.Store, data_dir: Path | None = None) -> Dataset:
    """The dataset a pyoxigraph Store holds (row order: by id)."""
    frames: dict[str, pd.DataFrame] = {}
    extras: dict[str, list[str]] = {}
    columns_q = _select(
        store,
        f"SELECT ?p ?name WHERE {{ ?p a <{V.OWL}AnnotationProperty> ; <{V.RDFS}label> ?name . "
        f'FILTER(STRSTARTS(STR(?p), "{V.COLUMN}")) }} ORDER BY ?name',
    )
    for name, table in TABLES.items():
        cls = V.CLASSES[KIND_OF_TABLE[name]][0]
        ids = _select(store, f"SELECT ?id WHERE {{ ?s a <{cls}> ; <{V.DCTERMS}identifier> ?id }} ORDER BY ?id")
        frame = pd.DataFrame({"id": ids["id"]})
        done: set[str] = set()
        for m in MAPPING[name]:
            if m.column in done or m.column == "id":
                continue
            if m.column == "authors":
                m = next(x for x in MAPPING[name] if x.column == "authors" and x.obj is Obj.SEQ)
            got = _column(store, cls, m.predicate, m.obj)
            if m.obj is Obj.SEQ:
                got["n"] = got["n"].astype(int)
                got = got.sort_values(["id", "n"])
                values = got.groupby("id", sort=False)["v"].agg("|".join)
            elif m.obj is Obj.ITEMS:
                values = got.sort_values(["id", "v"]).groupby("id", sort=False)["v"].agg("|".join)
            else:
                values = got.drop_duplicates("id").set_index("id")["v"]
            frame[m.column] = frame["id"].map(values)
            done.add(m.column)
        header = list(table.column_names)
        table_extras: list[str] = []
        for prop, col_name in zip(columns_q["p"], columns_q["name"], strict=True):
            got = _select(store, f"SELECT ?id ?v WHERE {{ ?s a <{cls}> ; <{V.DCTERMS}identifier> ?id ; <{prop}> ?v }}")
            if got.empty:
                continue
            frame[str(col_name)] = frame["id"].map(got.drop_duplicates("id").set_index("id")["v"])
            table_extras.append(str(col_name))
        raw = frame.reindex(columns=header + table_extras).astype("string").fillna("")
        frames[name] = typed_frame(table, raw, header + table_extras)
        extras[name] = table_extras
    return Dataset.from_frames(frames, data_dir, extras)


_FILE_FORMATS = {"nt": "N_TRIPLES", "ttl": "TURTLE", "jsonld": "JSON_LD"}


def read_graph_files(paths: Sequence[Path], fmt: str) -> Dataset:
    """The dataset held by graph files in one RDF format ("nt", "ttl" or "jsonld"), read together.

    An unreadable file is an InputError naming it (and Oxigraph's line and column).
    """
    import pyoxigraph as ox

    store = ox.Store()
    for path in paths:
        try:
            store.bulk_load(path=str(path), format=getattr(ox.RdfFormat, _FILE_FORMATS[fmt]))
        except (SyntaxError, ValueError, OSError) as err:
            raise InputError(f"{path}: cannot read it as {fmt}: {err}") from None
    return tables_from_store(store)


def read_store(path: str | Path) -> tuple[Any, Dataset]:
    """A store written by `kg build --store` and the tables rebuilt from it; StoreError (never a bare
    OSError or RuntimeError) when it cannot be opened or read through, e.g. a corrupt database."""
    from kg.store import StoreError, open_store, why

    store = open_store(path)
    try:
        return store, tables_from_store(store, data_dir=None)
    except (OSError, RuntimeError, ValueError) as err:
        raise StoreError(f"{path}: cannot read the store ({why(err)}); "
                         f"write it again with `kg build --store {path}`") from err
