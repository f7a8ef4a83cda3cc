"""Result sets in the W3C SPARQL 1.1 results formats, read back by independent parsers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pyoxigraph as ox
import pytest
from rdflib.query import Result

from kg import engines
from kg.model import read_valid
from kg.results import ResultSet, Term, format_results, to_csv, to_dataframe, to_json, to_table, to_tsv

XSD = "http://www.w3.org/2001/XMLSchema#"
DATA = Path(__file__).parent / "data"

TRICKY = ResultSet(
    ["iri", "text", "number", "tagged", "blank", "maybe"],
    [
        (Term.iri("https://evidence-kg.example/id/treatment/opioids"), Term.literal('a, "quoted"\nline\ttab'),
         Term.literal("42", XSD + "integer"), Term.literal("Rückenschmerz", lang="de"), Term.bnode("b0"), None),
        (Term.iri("http://example.org/ä?x=1#y"), Term.literal(""), Term.literal("2.5", XSD + "decimal"),
         Term.literal("plain", XSD + "string"), Term.bnode("b1"), Term.literal("back\\slash")),
    ],
)


def ox_rows(data: bytes, fmt: ox.QueryResultsFormat) -> list[tuple[Term | None, ...]]:
    """Parse with pyoxigraph and convert to our Terms."""
    solutions = ox.parse_query_results(data, format=fmt)
    assert isinstance(solutions, ox.QuerySolutions)
    out = []
    for s in solutions:
        row = []
        for t in s:
            if t is None:
                row.append(None)
            elif isinstance(t, ox.NamedNode):
                row.append(Term.iri(t.value))
            elif isinstance(t, ox.BlankNode):
                row.append(Term.bnode(t.value))
            else:
                row.append(Term.literal(t.value, t.datatype.value, t.language))
        out.append(tuple(row))
    return out


def rdflib_rows(text: str, fmt: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in Result.parse(io.StringIO(text), format=fmt)]


# --------------------------------------------------------------------------- TSV


def test_tsv_header_and_terms_in_ntriples_form() -> None:
    lines = to_tsv(TRICKY).split("\n")
    assert lines[0] == "?iri\t?text\t?number\t?tagged\t?blank\t?maybe"
    first = lines[1].split("\t")
    assert first[0] == "<https://evidence-kg.example/id/treatment/opioids>"
    assert first[1] == '"a, \\"quoted\\"\\nline\\ttab"'
    assert first[2] == f'"42"^^<{XSD}integer>'
    assert first[3] == '"Rückenschmerz"@de'
    assert first[4] == "_:b0"
    assert first[5] == ""  # unbound
    assert lines[2].split("\t")[3] == '"plain"'  # xsd:string written as a simple literal
    assert to_tsv(TRICKY).endswith("\n")


def test_tsv_parses_back_with_pyoxigraph_to_the_same_terms() -> None:
    rows = ox_rows(to_tsv(TRICKY).encode(), ox.QueryResultsFormat.TSV)
    # blank node labels may be renamed by a parser; everything else must be identical
    assert [r[:4] + r[5:] for r in rows] == [r[:4] + r[5:] for r in TRICKY.rows]
    assert all(r[4] is not None and r[4].kind == "bnode" for r in rows)


def test_tsv_parses_back_with_rdflib() -> None:
    rows = rdflib_rows(to_tsv(TRICKY), "tsv")
    assert str(rows[0][0]) == "https://evidence-kg.example/id/treatment/opioids"
    assert str(rows[0][1]) == 'a, "quoted"\nline\ttab'
    assert int(rows[0][2]) == 42  # type: ignore[call-overload]
    assert rows[0][5] is None


# --------------------------------------------------------------------------- JSON


def test_json_is_the_w3c_structure() -> None:
    doc = json.loads(to_json(TRICKY))
    assert doc["head"] == {"vars": ["iri", "text", "number", "tagged", "blank", "maybe"]}
    first = doc["results"]["bindings"][0]
    assert first["iri"] == {"type": "uri", "value": "https://evidence-kg.example/id/treatment/opioids"}
    assert first["number"] == {"type": "literal", "value": "42", "datatype": XSD + "integer"}
    assert first["tagged"] == {"type": "literal", "value": "Rückenschmerz", "xml:lang": "de"}
    assert first["blank"] == {"type": "bnode", "value": "b0"}
    assert "maybe" not in first  # unbound variables are left out
    assert doc["results"]["bindings"][1]["tagged"] == {"type": "literal", "value": "plain"}


def test_json_parses_back_with_pyoxigraph_and_rdflib() -> None:
    text = to_json(TRICKY)
    rows = ox_rows(text.encode(), ox.QueryResultsFormat.JSON)
    assert [r[:4] + r[5:] for r in rows] == [r[:4] + r[5:] for r in TRICKY.rows]
    back = rdflib_rows(text, "json")
    assert [str(v) if v is not None else None for v in back[1]][:4] == [
        "http://example.org/ä?x=1#y", "", "2.5", "plain"]


def test_ask_results_in_json() -> None:
    doc = json.loads(to_json(ResultSet([], boolean=True)))
    assert doc == {"head": {}, "boolean": True}
    assert bool(ox.parse_query_results(to_json(ResultSet([], boolean=False)).encode(),
                                       format=ox.QueryResultsFormat.JSON)) is False
    with pytest.raises(ValueError, match="no form for an ASK result"):
        to_csv(ResultSet([], boolean=True))


# --------------------------------------------------------------------------- CSV


def test_csv_is_values_only_with_crlf_and_rfc4180_quoting() -> None:
    text = to_csv(TRICKY)
    assert text.startswith("iri,text,number,tagged,blank,maybe\r\n")
    assert text.endswith("\r\n")
    assert '"a, ""quoted""\nline\ttab"' in text
    assert ",42,Rückenschmerz,_:b0,\r\n" in text


def test_csv_parses_back_with_the_csv_module_and_rdflib() -> None:
    text = to_csv(TRICKY)
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[0] == TRICKY.variables
    assert parsed[1:] == [["" if t is None else (f"_:{t.value}" if t.kind == "bnode" else t.value) for t in row]
                          for row in TRICKY.rows]
    back = rdflib_rows(text, "csv")
    assert [str(v) for v in back[0][:3]] == ["https://evidence-kg.example/id/treatment/opioids",
                                             'a, "quoted"\nline\ttab', "42"]


# --------------------------------------------------------------------------- real query results


@pytest.fixture(scope="module")
def conflicts() -> ResultSet:
    graph = engines.OxigraphEngine.from_dataset(read_valid(DATA / "summary-three-sources"))
    return engines.run("conflicts", graph)


def test_real_results_round_trip_through_every_format(conflicts: ResultSet) -> None:
    assert len(conflicts) == 4
    for fmt, kind in (("tsv", ox.QueryResultsFormat.TSV), ("json", ox.QueryResultsFormat.JSON)):
        assert ox_rows(format_results(conflicts, fmt).encode(), kind) == conflicts.rows
    assert list(csv.reader(io.StringIO(to_csv(conflicts), newline="")))[1:] == [list(r) for r in conflicts.values()]
    rl = rdflib_rows(to_tsv(conflicts), "tsv")
    assert [tuple(str(v) for v in r) for r in rl] == conflicts.values()


def test_table_is_readable(conflicts: ResultSet) -> None:
    table = to_table(conflicts)
    lines = table.splitlines()
    assert lines[0].split() == conflicts.variables
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].split()[:5] == ["acupuncture", "low-back-pain", "recommendation", "a-1", "a-2"]
    assert lines[-1] == "(4 rows)"


def test_table_shortens_iris_with_prefixes_and_clips_long_cells() -> None:
    rs = ResultSet(["x", "y"], [(Term.iri("https://evidence-kg.example/id/condition/sciatica"),
                                 Term.literal("word " * 40 + "\nnext line"))])
    table = to_table(rs, {"condition": "https://evidence-kg.example/id/condition/"}, max_width=30)
    row = table.splitlines()[2]
    assert row.startswith("condition:sciatica")
    assert row.endswith("…") and "\n" not in row
    assert to_table(rs).splitlines()[2].startswith("<https://evidence-kg.example/id/condition/sciatica>")
    assert to_table(ResultSet([], boolean=True)) == "yes\n"


def test_dataframe_types() -> None:
    frame = to_dataframe(TRICKY)
    assert list(frame.columns) == TRICKY.variables
    assert frame["iri"].tolist() == ["https://evidence-kg.example/id/treatment/opioids", "http://example.org/ä?x=1#y"]
    assert str(frame["text"].dtype) == "string"
    assert str(frame["number"].dtype) == "Float64"  # an integer and a decimal
    assert pd.isna(frame["maybe"][0]) and frame["maybe"][1] == "back\\slash"
    counts = to_dataframe(ResultSet(["n", "ok"], [(Term.literal("3", XSD + "integer"), Term.literal("true", XSD + "boolean")),
                                                  (None, Term.literal("false", XSD + "boolean"))]))
    assert str(counts["n"].dtype) == "Int64" and counts["n"][0] == 3 and pd.isna(counts["n"][1])
    assert counts["ok"].tolist() == [True, False]


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown format 'xml'"):
        format_results(TRICKY, "xml")
