"""Validated tables -> RDF triples, as canonical N-Triples lines built column by column.

The mapping of every contract column onto a predicate is the table `MAPPING`.
Lines are assembled with vectorised string operations (no per-row Python
objects) and ordered by integer keys (entity, predicate, item), which keeps
each entity's triples together and makes the output identical for identical
input, whatever the hash seed. Oxigraph parses these lines for serialising
and querying; `to_rdflib` gives the same triples as an rdflib Graph.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kg import provenance
from kg import vocab as V
from kg.escape import ntriples_strings
from kg.model import BATCH_ROWS, Dataset, row_batches
from kg.schema import ENUMS, KIND_OF_TABLE, TABLES
from kg.verdicts import RULES, STRENGTH_DESCRIPTIONS, STRENGTH_LABELS, STRENGTHS

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib


class Follower(Protocol):
    """Someone reading the N-Triples file while it is written (a child process making Turtle or JSON-LD)."""

    def grown(self, path: Path, size: int) -> None:
        """`path` now holds the first `size` bytes of the document, written through to the file."""
        ...

    def close(self) -> None:
        """The document is complete."""
        ...


class Obj(StrEnum):
    """How a cell becomes the object of a triple."""

    LITERAL = "literal"
    ITEMS = "items"  # one literal per '|' item
    SEQ = "seq"  # ordered '|' items as an rdf:Seq (authors)
    YEAR = "year"
    URL = "url"
    REF = "ref"  # IRI of another entity
    CONCEPT = "concept"  # SKOS concept of an enum


@dataclass(frozen=True)
class Map:
    column: str
    predicate: str
    obj: Obj
    target: str = ""
    """Entity kind (REF) or enum key (CONCEPT)."""


MAPPING: dict[str, tuple[Map, ...]] = {
    "sources": (
        Map("id", V.DCTERMS + "identifier", Obj.LITERAL),
        Map("type", V.VOCAB + "sourceType", Obj.CONCEPT, "source_type"),
        Map("title", V.DCTERMS + "title", Obj.LITERAL),
        Map("publisher", V.DCTERMS + "publisher", Obj.LITERAL),
        Map("authors", V.DCTERMS + "creator", Obj.ITEMS),
        Map("authors", V.BIBO + "authorList", Obj.SEQ),
        Map("year", V.DCTERMS + "issued", Obj.YEAR),
        Map("doi", V.BIBO + "doi", Obj.LITERAL),
        Map("pmid", V.BIBO + "pmid", Obj.LITERAL),
        Map("url", V.SCHEMA + "url", Obj.URL),
        Map("text_file", V.VOCAB + "textFile", Obj.LITERAL),
    ),
    "conditions": (
        Map("id", V.DCTERMS + "identifier", Obj.LITERAL),
        Map("label", V.SKOS + "prefLabel", Obj.LITERAL),
        Map("synonyms", V.SKOS + "altLabel", Obj.ITEMS),
        Map("parent", V.SKOS + "broader", Obj.REF, "condition"),
        Map("body_site", V.VOCAB + "bodySite", Obj.LITERAL),
        Map("xrefs", V.OBOINOWL + "hasDbXref", Obj.ITEMS),
        Map("description", V.DCTERMS + "description", Obj.LITERAL),
    ),
    "treatments": (
        Map("id", V.DCTERMS + "identifier", Obj.LITERAL),
        Map("label", V.SKOS + "prefLabel", Obj.LITERAL),
        Map("synonyms", V.SKOS + "altLabel", Obj.ITEMS),
        Map("parent", V.SKOS + "broader", Obj.REF, "treatment"),
        Map("category", V.VOCAB + "category", Obj.CONCEPT, "category"),
        Map("xrefs", V.OBOINOWL + "hasDbXref", Obj.ITEMS),
        Map("description", V.DCTERMS + "description", Obj.LITERAL),
    ),
    "evidence": (
        Map("id", V.DCTERMS + "identifier", Obj.LITERAL),
        Map("treatment", V.VOCAB + "treatment", Obj.REF, "treatment"),
        Map("condition", V.VOCAB + "condition", Obj.REF, "condition"),
        Map("source", V.PROV + "wasDerivedFrom", Obj.REF, "source"),
        Map("source", V.PROV + "wasQuotedFrom", Obj.REF, "source"),
        Map("effect", V.VOCAB + "effect", Obj.CONCEPT, "effect"),
        Map("timeframe", V.VOCAB + "timeframe", Obj.CONCEPT, "timeframe"),
        Map("certainty", V.VOCAB + "certainty", Obj.CONCEPT, "certainty"),
        Map("recommendation", V.VOCAB + "recommendation", Obj.CONCEPT, "recommendation"),
        Map("comparator", V.VOCAB + "comparator", Obj.REF, "treatment"),
        Map("outcome", V.VOCAB + "outcome", Obj.LITERAL),
        Map("population", V.VOCAB + "population", Obj.LITERAL),
        Map("summary", V.VOCAB + "summary", Obj.LITERAL),
        Map("quote", V.VOCAB + "quote", Obj.LITERAL),
        Map("notes", V.SKOS + "editorialNote", Obj.LITERAL),
    ),
}

def escape(values: pd.Series) -> pd.Series:
    """Escape text for an N-Triples string literal (canonical form; the rule is `kg.escape`)."""
    return ntriples_strings(values)


def literal(values: pd.Series, datatype: str | None = None) -> pd.Series:
    out = '"' + escape(values) + '"'
    return out + f"^^<{datatype}>" if datatype else out


def _iri(text: str) -> str:
    return f"<{text}>"


@dataclass
class _Part:
    lines: pd.Series
    entity: np.ndarray
    predicate: int
    item: np.ndarray


def _subject_parts(name: str, frame: pd.DataFrame, base: str, offset: int, extra: list[str]) -> list[_Part]:
    kind = KIND_OF_TABLE[name]
    ids = frame["id"].astype(str)
    subj = "<" + V.entity_prefix(base, kind) + ids + "> "
    entity = np.arange(offset, offset + len(frame), dtype=np.int64)
    zeros = np.zeros(len(frame), dtype=np.int64)
    parts: list[_Part] = []
    rank = 0
    type_iri = _iri(V.RDF + "type")
    for cls in V.CLASSES[kind]:
        parts.append(_Part(subj + type_iri + " " + _iri(cls) + " .", entity, rank, zeros))
        rank += 1
    if name == "sources":
        classes = frame["type"].astype(str).map(V.SOURCE_CLASS)
        parts.append(_Part(subj + type_iri + " <" + classes + "> .", entity, rank, zeros))
        rank += 1
    if name in ("conditions", "treatments"):
        scheme = _iri(V.entity_scheme_iri(base, kind))
        parts.append(_Part(subj + _iri(V.SKOS + "inScheme") + " " + scheme + " .", entity, rank, zeros))
        rank += 1
    columns = [(m.column, m) for m in MAPPING[name]] + [(c, Map(c, V.column_iri(c), Obj.LITERAL)) for c in extra]
    for column, m in columns:
        rank += 1
        values = frame[column]
        present = values.notna().to_numpy()
        if not present.any():
            continue
        v = values[present].astype(str)
        s = subj[present]
        ent = entity[present]
        pred = " " + _iri(m.predicate) + " "
        one = np.zeros(len(v), dtype=np.int64)
        if m.obj is Obj.LITERAL:
            parts.append(_Part(s + pred.lstrip() + literal(v) + " .", ent, rank, one))
        elif m.obj is Obj.YEAR:
            parts.append(_Part(s + pred.lstrip() + literal(v, V.XSD + "gYear") + " .", ent, rank, one))
        elif m.obj is Obj.URL:
            parts.append(_Part(s + pred.lstrip() + "<" + v + "> .", ent, rank, one))
        elif m.obj is Obj.REF:
            parts.append(_Part(s + pred.lstrip() + "<" + V.entity_prefix(base, m.target) + v + "> .", ent, rank, one))
        elif m.obj is Obj.CONCEPT:
            prefix = V.CONCEPTS + V.SCHEME_KEYS[m.target] + "/"
            parts.append(_Part(s + pred.lstrip() + "<" + prefix + v + "> .", ent, rank, one))
        elif m.obj in (Obj.ITEMS, Obj.SEQ):
            items = v.str.split("|").explode()
            if m.obj is Obj.ITEMS:
                repeated = pd.DataFrame({"owner": items.index, "value": items.to_numpy()}).duplicated().to_numpy()
                items = items[~repeated]
            pos = items.groupby(level=0).cumcount().to_numpy(dtype=np.int64)
            owner = items.index.to_numpy()
            item_subj = subj.reindex(owner)
            item_ent = pd.Series(entity, index=frame.index).reindex(owner).to_numpy()
            lits = literal(items.astype(str))
            if m.obj is Obj.ITEMS:
                parts.append(
                    _Part(
                        item_subj.reset_index(drop=True) + pred.lstrip() + lits.reset_index(drop=True) + " .",
                        item_ent,
                        rank,
                        pos,
                    )
                )
            else:
                seq = "<" + V.entity_prefix(base, kind) + ids[present] + "/authors>"
                parts.append(_Part(s + pred.lstrip() + seq + " .", ent, rank, one))
                seq_items = seq.reindex(owner).reset_index(drop=True)
                members = (
                    seq_items
                    + " <"
                    + V.RDF
                    + "_"
                    + pd.Series(pos + 1).astype(str)
                    + "> "
                    + lits.reset_index(drop=True)
                    + " ."
                )
                types = seq + " " + type_iri + " " + _iri(V.RDF + "Seq") + " ."
                # The list node sorts right after its source (same entity, higher predicate rank).
                parts.append(_Part(types, ent, 1000, one))
                parts.append(_Part(members, item_ent, 1001, pos))
    return parts


@cache
def _vocabulary_lines() -> tuple[str, ...]:
    """The ekg vocabulary (vocab.ttl) and the enum concept schemes, as N-Triples lines."""
    import pyoxigraph as ox

    ttl = resources.files("kg").joinpath("vocab.ttl").read_bytes()
    lines = [str(t) + " ." for t in ox.parse(ttl, format=ox.RdfFormat.TURTLE)]
    rdf_type = _iri(V.RDF + "type")
    for order, key in enumerate(V.SCHEME_KEYS):
        scheme = _iri(V.scheme_iri(key))
        lines.append(f"{scheme} {rdf_type} {_iri(V.SKOS + 'ConceptScheme')} .")
        lines.append(f'{scheme} {_iri(V.SKOS + "prefLabel")} "{key.replace("_", " ")}" .')
        del order
        for rank, member in enumerate(ENUMS[key]):
            c = _iri(V.concept_iri(key, member.value))
            lines.append(f"{c} {rdf_type} {_iri(V.SKOS + 'Concept')} .")
            lines.append(f"{c} {_iri(V.SKOS + 'inScheme')} {scheme} .")
            lines.append(f'{c} {_iri(V.SKOS + "prefLabel")} "{member.value.replace("_", " ")}" .')
            lines.append(f'{c} {_iri(V.SKOS + "notation")} "{member.value}" .')
            lines.append(f'{c} {_iri(V.VOCAB + "rank")} "{rank + 1}"^^<{V.XSD}integer> .')
            definition = V.ENUM_DEFINITIONS.get((key, member.value))
            if definition:
                lines.append(f'{c} {_iri(V.SKOS + "definition")} "{definition}" .')
    # the verdict and strength schemes of the pair summaries, from their one home (kg.verdicts)
    summary_schemes = {
        "verdict": [(str(r.verdict), r.label, r.description) for r in RULES],
        "strength": [(str(x), STRENGTH_LABELS[x], STRENGTH_DESCRIPTIONS[x]) for x in STRENGTHS],
    }
    for key, members in summary_schemes.items():
        scheme = _iri(V.scheme_iri(key))
        lines.append(f"{scheme} {rdf_type} {_iri(V.SKOS + 'ConceptScheme')} .")
        lines.append(f'{scheme} {_iri(V.SKOS + "prefLabel")} "{key}" .')
        for rank, (value, label, description) in enumerate(members):
            c = _iri(V.concept_iri(key, value))
            lines.append(f"{c} {rdf_type} {_iri(V.SKOS + 'Concept')} .")
            lines.append(f"{c} {_iri(V.SKOS + 'inScheme')} {scheme} .")
            lines.append(f"{c} {_iri(V.SKOS + 'prefLabel')} {_literal_text(label)} .")
            lines.append(f'{c} {_iri(V.SKOS + "notation")} "{value}" .')
            lines.append(f'{c} {_iri(V.VOCAB + "rank")} "{rank + 1}"^^<{V.XSD}integer> .')
            lines.append(f"{c} {_iri(V.SKOS + 'definition')} {_literal_text(description)} .")
    return tuple(lines)


def _literal_text(text: str) -> str:
    return str(literal(pd.Series([text], dtype="string")).iloc[0])


def _header_lines(dataset: Dataset, base: str) -> list[str]:
    """Entity concept schemes and extra-column annotation properties."""
    lines = []
    rdf_type = _iri(V.RDF + "type")
    for kind, label in (("condition", "Conditions"), ("treatment", "Treatments")):
        scheme = _iri(V.entity_scheme_iri(base, kind))
        lines.append(f"{scheme} {rdf_type} {_iri(V.SKOS + 'ConceptScheme')} .")
        lines.append(f'{scheme} {_iri(V.SKOS + "prefLabel")} "{label}" .')
    names = sorted({c for cols in dataset.extra_columns.values() for c in cols})
    for name in names:
        prop = _iri(V.column_iri(name))
        label = literal(pd.Series([name], dtype="string")).iloc[0]
        lines.append(f"{prop} {rdf_type} {_iri(V.OWL + 'AnnotationProperty')} .")
        lines.append(f"{prop} {_iri(V.RDFS + 'label')} {label} .")
    return lines


def _sorted_lines(parts: list[_Part], header: list[str] | None = None) -> pa.LargeStringArray:
    """The lines of `parts` (and `header` first), each ending in a newline, in (entity, predicate, item) order."""
    newline, nothing = pa.scalar("\n", pa.large_string()), pa.scalar("", pa.large_string())
    head = [line + "\n" for line in header or []]
    chunks = [pa.array(head, type=pa.large_string())]
    sizes = []
    for p in parts:
        sizes.append(len(p.lines))
        for chunk in pa.chunked_array(pa.array(p.lines.array)).chunks:
            chunks.append(pc.binary_join_element_wise(chunk.cast(pa.large_string()), newline, nothing))
    lines = pa.chunked_array(chunks, type=pa.large_string()).combine_chunks()
    entity = np.concatenate([np.full(len(head), -1, dtype=np.int64)] + [p.entity for p in parts])
    predicate = np.concatenate(
        [np.arange(len(head), dtype=np.int64)]
        + [np.full(n, p.predicate, dtype=np.int64) for p, n in zip(parts, sizes, strict=True)]
    )
    item = np.concatenate([np.zeros(len(head), dtype=np.int64)] + [p.item for p in parts])
    return lines.take(pa.array(np.lexsort((item, predicate, entity))))  # type: ignore[no-any-return]


PAIR_LITERALS: tuple[tuple[str, str, str | None], ...] = (
    # summary column, predicate, datatype (None: plain string)
    ("sources", V.VOCAB + "sourceCount", V.XSD + "integer"),
    ("agreeing_sources", V.VOCAB + "agreeingSources", V.XSD + "integer"),
    ("disagreeing_sources", V.VOCAB + "disagreeingSources", V.XSD + "integer"),
    ("related_conflicts", V.VOCAB + "relatedConflicts", V.XSD + "integer"),
    ("headline", V.VOCAB + "headline", None),
    ("why", V.VOCAB + "why", None),
)
PAIR_CONCEPTS: tuple[tuple[str, str, str], ...] = (
    # summary column, predicate, concept scheme key
    ("verdict", V.VOCAB + "verdict", "verdict"),
    ("strength", V.VOCAB + "strength", "strength"),
    ("certainty", V.VOCAB + "certainty", "certainty"),
    ("best_source_type", V.VOCAB + "bestSourceType", "source_type"),
    ("short_term", V.VOCAB + "shortTermEffect", "effect"),
    ("medium_term", V.VOCAB + "mediumTermEffect", "effect"),
    ("long_term", V.VOCAB + "longTermEffect", "effect"),
)
"""How a summary row becomes the triples of its `ekg:PairSummary` node ('|'-joined cells: one triple each)."""


def _pair_batches(summary: pd.DataFrame, evidence: pd.DataFrame, base: str, offset: int,
                  rows: int = BATCH_ROWS) -> Iterator[list[_Part]]:
    """The `ekg:PairSummary` nodes, `rows` pairs a batch: one node per summary row, linked to its treatment,
    condition and statements (each pair's statements in id order)."""
    summary = summary.reset_index(drop=True)
    # which pair each statement belongs to, ordered by pair and then by statement id
    pair_of = pd.Series(np.arange(len(summary)), index=pd.MultiIndex.from_arrays(
        [summary["treatment_id"].astype(str), summary["condition_id"].astype(str)]))
    ev = evidence.sort_values("id")
    of_pair = pair_of.reindex(pd.MultiIndex.from_arrays([ev["treatment"].astype(str), ev["condition"].astype(str)]))
    keep = of_pair.notna().to_numpy()
    owner = of_pair[keep].to_numpy(dtype=np.int64)
    ids = ev["id"].astype(str)[keep].reset_index(drop=True)
    order = np.argsort(owner, kind="stable")
    owner, ids = owner[order], ids.take(order).reset_index(drop=True)
    bounds = np.searchsorted(owner, np.arange(0, len(summary) + rows, rows))
    for number, first in enumerate(range(0, len(summary), rows)):
        lo, hi = bounds[number], bounds[number + 1]
        yield _pair_parts(summary.iloc[first : first + rows], base, offset + first,
                          owner[lo:hi] - first, ids.iloc[lo:hi].reset_index(drop=True), order[lo:hi])


def _pair_parts(summary: pd.DataFrame, base: str, offset: int, owner_rows: np.ndarray, ids: pd.Series,
                item: np.ndarray) -> list[_Part]:
    """The triples of the pair nodes of `summary`; `owner_rows` (positions in `summary`) and `ids` are the
    statements behind them, `item` their order."""
    t = summary["treatment_id"].astype(str).reset_index(drop=True)
    c = summary["condition_id"].astype(str).reset_index(drop=True)
    subj = "<" + base + "pair/" + t + "/" + c + "> "
    entity = np.arange(offset, offset + len(summary), dtype=np.int64)
    zeros = np.zeros(len(summary), dtype=np.int64)
    parts = [
        _Part(subj + _iri(V.RDF + "type") + " " + _iri(V.VOCAB + "PairSummary") + " .", entity, 0, zeros),
        _Part(subj + _iri(V.VOCAB + "treatment") + " <" + base + "treatment/" + t + "> .", entity, 1, zeros),
        _Part(subj + _iri(V.VOCAB + "condition") + " <" + base + "condition/" + c + "> .", entity, 2, zeros),
    ]
    rank = 3
    for column, predicate, key in PAIR_CONCEPTS:
        items = summary[column].astype("string").reset_index(drop=True).str.split("|").explode().dropna()
        owner = items.index.to_numpy()
        pos = items.groupby(level=0).cumcount().to_numpy(dtype=np.int64)
        prefix = V.concept_iri(key, "")
        lines = subj.reindex(owner).reset_index(drop=True) + _iri(predicate) + " <" + prefix + items.astype(
            str).reset_index(drop=True) + "> ."
        parts.append(_Part(lines, entity[owner], rank, pos))
        rank += 1
    for column, predicate, datatype in PAIR_LITERALS:
        values = summary[column].reset_index(drop=True)
        present = values.notna().to_numpy()
        v = values[present].astype(str)
        parts.append(_Part(subj[present] + _iri(predicate) + " " + literal(v, datatype) + " .", entity[present], rank,
                           zeros[present]))
        rank += 1
    lines = subj.reindex(owner_rows).reset_index(drop=True) + _iri(V.VOCAB + "statement") + " <" + base + \
        "evidence/" + ids + "> ."
    parts.append(_Part(lines, entity[owner_rows], rank, item.astype(np.int64)))
    return parts


def ntriples_batches(dataset: Dataset, base: str = V.DEFAULT_BASE, rows: int = BATCH_ROWS,
                     summary: pd.DataFrame | None = None) -> Iterator[pa.LargeStringArray]:
    """Every triple as one N-Triples line ending in a newline, in a deterministic order, in batches.

    Lines are ordered by integer keys (entity, predicate, item); entities are numbered table by
    table, row by row, so a batch of consecutive rows is a consecutive run of the output and the
    whole document is the batches one after another. Each batch is one contiguous Arrow array
    whose data buffer is that run of the document: no per-line Python object, no joined copy.
    The pair summaries (`summary`, computed here when not given) come after the tables; the last
    batch is the provenance block of `kg.provenance` (the input files' checksums).
    """
    yield _sorted_lines([], [*_vocabulary_lines(), *_header_lines(dataset, base)])
    offset = 0
    for name in TABLES:
        frame = dataset.table(name)
        extra = dataset.extra_columns.get(name, [])
        for start, part in row_batches(frame, rows):
            yield _sorted_lines(_subject_parts(name, part, base, offset + start, extra))
        offset += len(frame)
    if summary is None:
        from kg.summary import summarise

        summary = summarise(dataset)
    for parts in _pair_batches(summary, dataset.evidence, base, offset, rows):
        yield _sorted_lines(parts)
    yield _sorted_lines([], provenance.ntriples(dataset, base))


def document(lines: pa.LargeStringArray) -> pa.Buffer:
    """The text of `lines` (each ending in a newline) as one buffer, without copying."""
    if len(lines) == 0:
        return pa.py_buffer(b"")
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64, count=len(lines) + 1, offset=8 * lines.offset)
    data = lines.buffers()[2]
    assert data is not None
    return data.slice(int(offsets[0]), int(offsets[-1] - offsets[0]))


def ntriples(dataset: Dataset, base: str = V.DEFAULT_BASE, summary: pd.DataFrame | None = None) -> bytes:
    """The graph as N-Triples bytes (one triple per line, deterministic order); `summary` saves recomputing it."""
    return b"".join(document(lines).to_pybytes() for lines in ntriples_batches(dataset, base, summary=summary))


def write_ntriples(dataset: Dataset, path: str | Path, base: str = V.DEFAULT_BASE,
                   summary: pd.DataFrame | None = None, followers: Sequence[Follower] = ()) -> int:
    """Write the graph's N-Triples to `path`, a batch at a time; return the number of triples.

    `followers` are told after each batch how far the file is written, and closed once it is complete
    (not on failure).
    """
    count = 0
    target = Path(path)
    with open(target, "wb") as out:
        for lines in ntriples_batches(dataset, base, summary=summary):
            out.write(memoryview(document(lines)))
            count += len(lines)
            if followers:
                out.flush()
                for follower in followers:
                    follower.grown(target, out.tell())
    for follower in followers:
        follower.close()
    return count


def to_oxigraph(nt: bytes) -> pyoxigraph.Store:
    """An in-memory Oxigraph store holding the triples."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
    return store


def to_rdflib(nt: bytes) -> rdflib.Graph:
    """An rdflib Graph holding the triples, with the project's prefixes bound."""
    import rdflib

    graph = rdflib.Graph()
    graph.parse(data=nt.decode("utf-8"), format="nt")
    return graph
