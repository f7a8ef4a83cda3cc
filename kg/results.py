"""SPARQL result sets and their standard serialisations.

A `ResultSet` is engine-neutral: variables and rows of `Term`s (None where a
variable is unbound). It writes itself as

- `table`: aligned columns for a terminal;
- `csv`: the W3C SPARQL 1.1 Query Results CSV Format (values only, RFC 4180
  quoting, CRLF line ends);
- `tsv`: the W3C SPARQL 1.1 Query Results TSV Format (header `?var`, terms in
  N-Triples form);
- `json`: the W3C SPARQL 1.1 Query Results JSON Format;

reads the JSON format back (`from_json`: what a SPARQL endpoint answers), and turns
into a pandas DataFrame. This is the one home of the W3C results formats, read and
written. It imports nothing of ours but the errors and the escaping rules (the ground floor).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import pandas as pd

from kg.errors import KgError
from kg.escape import ntriples_iri, ntriples_string

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json")

_INTEGER_TYPES = {
    XSD + name
    for name in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
}
_FLOAT_TYPES = {XSD + "decimal", XSD + "double", XSD + "float"}
_BOOLEAN = XSD + "boolean"

TermKind = Literal["uri", "literal", "bnode"]


class ResultsError(KgError, ValueError):
    """A result set that cannot be written in the format asked for, or text that is not a result set (exit 1)."""


class Term(NamedTuple):
    """An RDF term as a result holds it: an IRI, a literal or a blank node.

    `datatype` is None for simple (xsd:string) and language-tagged literals.
    A named tuple, so that a result set of a million terms builds quickly.
    """

    kind: TermKind
    value: str
    datatype: str | None = None
    lang: str | None = None

    @staticmethod
    def iri(value: str) -> Term:
        return Term("uri", value)

    @staticmethod
    def literal(value: str, datatype: str | None = None, lang: str | None = None) -> Term:
        if datatype in (XSD_STRING, RDF_LANG_STRING):
            datatype = None
        return Term("literal", value, datatype, lang or None)

    @staticmethod
    def bnode(label: str) -> Term:
        return Term("bnode", label)

    def ntriples(self) -> str:
        """The term in N-Triples form (as TSV results write it)."""
        if self.kind == "uri":
            return f"<{ntriples_iri(self.value)}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        text = '"' + ntriples_string(self.value) + '"'
        if self.lang:
            return f"{text}@{self.lang}"
        if self.datatype:
            return f"{text}^^<{ntriples_iri(self.datatype)}>"
        return text

    def __str__(self) -> str:
        return self.value


@dataclass
class ResultSet:
    """The answer to a SELECT (variables and rows) or an ASK (`boolean`) query."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]] = field(default_factory=list)
    boolean: bool | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Term | None]:
        i = self.variables.index(name)
        return [row[i] for row in self.rows]

    def values(self) -> list[tuple[str | None, ...]]:
        """Rows as plain strings (lexical forms and IRIs), None where unbound."""
        return [tuple(None if t is None else t.value for t in row) for row in self.rows]


# --------------------------------------------------------------------------- W3C formats


def to_csv(results: ResultSet) -> str:
    """W3C SPARQL 1.1 CSV results: header of variable names, then plain values; CRLF line ends."""
    if results.boolean is not None:
        raise ResultsError("the CSV results format has no form for an ASK result; use json")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(results.variables)
    for row in results.rows:
        writer.writerow(["" if t is None else (f"_:{t.value}" if t.kind == "bnode" else t.value) for t in row])
    return out.getvalue()


def to_tsv(results: ResultSet) -> str:
    """W3C SPARQL 1.1 TSV results: header `?var`, terms in N-Triples form, LF line ends."""
    if results.boolean is not None:
        raise ResultsError("the TSV results format has no form for an ASK result; use json")
    lines = ["\t".join("?" + v for v in results.variables)]
    for row in results.rows:
        lines.append("\t".join("" if t is None else t.ntriples() for t in row))
    return "\n".join(lines) + "\n"


def _term_to_json(term: Term) -> dict[str, str]:
    """A term as a JSON results binding (the inverse of `_term_from_json`)."""
    out = {"type": term.kind, "value": term.value}
    if term.lang:
        out["xml:lang"] = term.lang
    elif term.kind == "literal" and term.datatype:
        out["datatype"] = term.datatype
    return out


def _term_from_json(node: Any) -> Term | None:
    """A JSON results binding as a term (also the older `typed-literal` type); None when unbound."""
    if node is None:
        return None
    kind, value = node["type"], str(node["value"])
    if kind == "uri":
        return Term.iri(value)
    if kind == "bnode":
        return Term.bnode(value)
    if kind in ("literal", "typed-literal"):
        return Term.literal(value, node.get("datatype"), node.get("xml:lang"))
    raise ValueError(f"unknown term type {kind!r}")


def to_json(results: ResultSet, indent: int | None = 2) -> str:
    """W3C SPARQL 1.1 Query Results JSON."""
    doc: dict[str, object]
    if results.boolean is not None:
        doc = {"head": {}, "boolean": results.boolean}
    else:
        bindings = [
            {v: _term_to_json(t) for v, t in zip(results.variables, row, strict=True) if t is not None}
            for row in results.rows
        ]
        doc = {"head": {"vars": list(results.variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, indent=indent, ensure_ascii=False) + "\n"


def from_json(body: bytes) -> ResultSet:
    """W3C SPARQL 1.1 Query Results JSON -> ResultSet; ResultsError quoting the start of anything else."""
    try:
        doc = json.loads(body.decode("utf-8-sig"))
        if "boolean" in doc:
            return ResultSet([], boolean=bool(doc["boolean"]))
        variables = [str(v) for v in doc["head"]["vars"]]
        rows = [tuple(_term_from_json(b.get(v)) for v in variables) for b in doc["results"]["bindings"]]
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise ResultsError(f"not SPARQL JSON results ({err}): {_excerpt(body)}") from None
    return ResultSet(variables, rows)


def _excerpt(body: bytes, limit: int = 200) -> str:
    text = " ".join(body.decode("utf-8", errors="replace").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- terminal table


def _short(term: Term | None, prefixes: Mapping[str, str]) -> str:
    if term is None:
        return ""
    if term.kind == "uri":
        best, shown = "", f"<{term.value}>"
        for prefix, ns in prefixes.items():
            if term.value.startswith(ns) and len(ns) > len(best):
                local = term.value[len(ns):]
                if local and all(c.isalnum() or c in "-_." for c in local):
                    best, shown = ns, f"{prefix}:{local}"
        return shown
    if term.kind == "bnode":
        return f"_:{term.value}"
    return term.value


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())  # one line per row
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]], max_width: int = 60) -> str:
    """Aligned text columns: a header, a rule, the rows (cells clipped to `max_width` with '…'), a row count."""
    body = [[_clip(cell, max_width) for cell in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    lines = [line(header), line(["-" * w for w in widths])]
    lines += [line(r) for r in body]
    n = len(body)
    lines.append(f"({n} row{'' if n == 1 else 's'})")
    return "\n".join(lines) + "\n"


def to_table(results: ResultSet, prefixes: Mapping[str, str] | None = None, max_width: int = 60) -> str:
    """Aligned columns for a terminal; IRIs shortened with `prefixes`, long cells clipped with '…'."""
    if results.boolean is not None:
        return ("yes" if results.boolean else "no") + "\n"
    prefixes = prefixes or {}
    rows = [[_short(t, prefixes) for t in row] for row in results.rows]
    return format_table(results.variables, rows, max_width)


def format_results(results: ResultSet, fmt: str, prefixes: Mapping[str, str] | None = None) -> str:
    """The result set in one of `FORMATS`."""
    if fmt == "table":
        return to_table(results, prefixes)
    if fmt == "csv":
        return to_csv(results)
    if fmt == "tsv":
        return to_tsv(results)
    if fmt == "json":
        return to_json(results)
    raise ResultsError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


# --------------------------------------------------------------------------- pandas


def to_dataframe(results: ResultSet) -> pd.DataFrame:
    """One column per variable: integers as Int64, decimals and doubles as Float64, booleans as
    boolean, everything else (IRIs, strings, dates) as strings; <NA> where unbound."""
    columns: dict[str, pd.Series] = {}
    for i, name in enumerate(results.variables):
        terms = [row[i] for row in results.rows]
        bound = [t for t in terms if t is not None]
        values = [None if t is None else t.value for t in terms]
        types = {t.datatype for t in bound if t.kind == "literal"}
        all_literal = all(t.kind == "literal" for t in bound)
        if bound and all_literal and types <= _INTEGER_TYPES:
            columns[name] = pd.Series(pd.to_numeric(pd.Series(values, dtype="string")), dtype="Int64")
        elif bound and all_literal and types <= (_INTEGER_TYPES | _FLOAT_TYPES):
            columns[name] = pd.Series(pd.to_numeric(pd.Series(values, dtype="string")), dtype="Float64")
        elif bound and all_literal and types == {_BOOLEAN}:
            columns[name] = pd.Series([None if v is None else v in ("true", "1") for v in values], dtype="boolean")
        else:
            columns[name] = pd.Series(values, dtype="string")
    return pd.DataFrame(columns, index=pd.RangeIndex(len(results.rows)))


def display_frame(results: ResultSet, prefixes: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A result set as a person reads it: `to_dataframe`'s typed columns, with IRIs shortened by
    `prefixes` (e.g. `condition:sciatica`) and blank nodes as `_:label`; what `kg query` shows as a table."""
    frame = to_dataframe(results)
    for i, name in enumerate(results.variables):
        terms = [row[i] for row in results.rows]
        if any(t is not None and t.kind != "literal" for t in terms):
            frame[name] = pd.Series([None if t is None else _short(t, prefixes or {}) for t in terms],
                                    dtype="string", index=frame.index)
    return frame


__all__ = [
    "FORMATS",
    "ResultSet",
    "ResultsError",
    "Term",
    "display_frame",
    "format_results",
    "format_table",
    "from_json",
    "to_csv",
    "to_dataframe",
    "to_json",
    "to_table",
    "to_tsv",
]
