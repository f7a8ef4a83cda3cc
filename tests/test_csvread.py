"""Reading CSVs: encodings, line endings, quoting, and editor line numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.csvread import read_csv_text, read_folder
from kg.model import read
from kg.schema import TABLES

CONDITIONS = TABLES["conditions"]


def parse(text: str):  # type: ignore[no-untyped-def]
    return read_csv_text(text, CONDITIONS, Path("c.csv"), "c.csv")


def test_bom_crlf_and_multiline_fields_keep_editor_lines() -> None:
    raw, problems = parse('id,label\r\na,"two\r\nlines"\r\n\r\nb,B\r\n')
    assert problems == []
    assert raw is not None
    assert raw.frame["id"].tolist() == ["a", "b"]
    assert raw.lines.tolist() == [2, 5]


def test_bom_is_accepted(minimal: Path) -> None:
    path = minimal / "conditions.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    dataset, problems = read(minimal)
    assert problems == []
    assert dataset is not None
    assert dataset.conditions["id"].tolist() == ["back-pain", "sciatica"]
    assert dataset.conditions.loc[1, "description"] == "Pain along\r\nthe sciatic nerve"


def test_column_order_free_optional_absent_extra_kept(minimal: Path) -> None:
    (minimal / "treatments.csv").write_text(
        "category,note for curators,label,id\nsurgery,keep me,Surgery,surgery\nsurgery,,Discectomy,discectomy\n"
        "self_care,,Rest,rest\n",
        encoding="utf-8",
    )
    dataset, problems = read(minimal)
    assert problems == []
    assert dataset is not None
    t = dataset.treatments
    assert list(t.columns[:7]) == TABLES["treatments"].column_names
    assert t["note for curators"].tolist()[0] == "keep me"
    assert t["parent"].isna().all()
    assert dataset.extra_columns["treatments"] == ["note for curators"]


def test_whitespace_only_cell_is_not_stated_and_cells_are_trimmed() -> None:
    raw, problems = parse("id,label,body_site\n a ,  Label  ,   \n")
    assert problems == [] and raw is not None
    assert raw.frame.iloc[0].tolist() == ["a", "Label", ""]


def test_unclosed_quote_reported_where_the_field_opens() -> None:
    raw, problems = parse('id,label,description\na,A,"fine\nstill fine"\nb,"never closed\nc,C,\n')
    assert raw is None
    assert [(p.line, p.column) for p in problems] == [(4, "label")]
    assert "never closed" in problems[0].message


def test_too_many_fields_reported_at_its_line() -> None:
    raw, problems = parse('id,label\na,A\nb,"x\ny",extra\n')
    assert raw is None
    assert [(p.line, p.column) for p in problems] == [(3, "(row)")]
    assert "3 fields" in problems[0].message


def test_non_utf8_bytes_reported_at_their_line(minimal: Path) -> None:
    path = minimal / "treatments.csv"
    path.write_bytes(path.read_bytes().replace(b"Bed rest", b"Bed r\xe9st"))
    _, problems = read_folder(minimal)
    assert [str(p) for p in problems] == [f"{minimal / 'treatments.csv'}:4: (file): bytes that are not UTF-8 (0xe9)"]


def test_missing_file(minimal: Path) -> None:
    (minimal / "evidence.csv").unlink()
    _, problems = read(minimal)
    assert f"{minimal / 'evidence.csv'}: (file): missing" in [str(p) for p in problems]


cell = st.text(alphabet=st.sampled_from(list('ab ,"\n\r\t|é')), max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(cell, cell), min_size=1, max_size=8), st.sampled_from(["\n", "\r\n"]))
def test_lines_match_what_an_editor_counts(rows: list[tuple[str, str]], newline: str) -> None:
    """Each record starts at the line an editor shows, whatever its fields hold."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator=newline, quoting=csv.QUOTE_ALL)
    writer.writerow(["id", "label"])
    expected = []
    for i, (a, b) in enumerate(rows):
        expected.append(buffer.getvalue().count("\n") + buffer.getvalue().replace("\r\n", "").count("\r") + 1)
        writer.writerow([f"r{i}{a}", b])
    raw, problems = parse(buffer.getvalue())
    assert problems == []
    assert raw is not None
    assert raw.lines.tolist() == expected
    assert raw.frame["label"].tolist() == [b.strip() for _, b in rows]
