"""Escaping for N-Triples and XML: one rule each, checked against the character tables they implement."""

from __future__ import annotations

import pandas as pd
import pyoxigraph as ox
from hypothesis import given
from hypothesis import strategies as st

from kg import escape

# The rules as character tables (what the replace chains must amount to).
NT = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord("\b"): "\\b",
      ord("\f"): "\\f"}
NT.update({c: f"\\u{c:04X}" for c in [*range(0, 8), 0x0B, *range(0x0E, 0x20), 0x7F]})
XML = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;"}
XML.update({c: "\ufffd" for c in [*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20)]})

tricky = st.text(alphabet=st.sampled_from(list('ab é\\"<>&\n\r\t\b\f\x00\x01\x0b\x1f\x7f{}|^`')), max_size=40)


@given(tricky)
def test_the_ntriples_rule_is_the_table(text: str) -> None:
    assert escape.ntriples_string(text) == text.translate(NT)


@given(tricky)
def test_an_escaped_literal_parses_back_to_the_text(text: str) -> None:
    line = f'<urn:s> <urn:p> "{escape.ntriples_string(text)}" .\n'.encode()
    (triple,) = list(ox.parse(line, format=ox.RdfFormat.N_TRIPLES))
    assert triple.object.value == text


@given(tricky)
def test_the_xml_rule_is_the_table(text: str) -> None:
    assert escape.xml_text(text) == text.translate(XML)


@given(st.lists(st.one_of(st.none(), tricky), max_size=12))
def test_columns_are_escaped_cell_by_cell(cells: list[str | None]) -> None:
    column = pd.Series(cells, dtype="string")
    nt, xml = escape.ntriples_strings(column), escape.xml_texts(column)
    assert nt.isna().tolist() == xml.isna().tolist() == column.isna().tolist()
    assert [None if pd.isna(v) else v for v in nt] == [None if c is None else c.translate(NT) for c in cells]
    assert [None if pd.isna(v) else v for v in xml] == [None if c is None else c.translate(XML) for c in cells]


def test_iris_in_results_escape_what_an_iri_cannot_hold() -> None:
    assert escape.ntriples_iri("https://x/a b<c>") == "https://x/a\\u0020b\\u003Cc\\u003E"
