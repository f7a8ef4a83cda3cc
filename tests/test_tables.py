"""Tables for people: they fit the terminal, keep ids whole, cut text with an ellipsis, and colour only
where a terminal shows it."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

import kg
from kg import tables
from kg.errors import UsageError
from kg.tables import Layout

ANSI = re.compile(r"\x1b\[[0-9;]*m")
SUMMARY_FIRST = ["treatment", "condition", "verdict", "headline"]


@pytest.fixture(scope="module")
def summary() -> pd.DataFrame:
    return kg.load().summary()


def visible(text: str) -> list[str]:
    return ANSI.sub("", text).splitlines()


def split(lines: list[str], rows: int) -> tuple[list[str], list[str]]:
    """(header, rule and rows), (the closing note, wrapped to the width)."""
    return lines[: rows + 2], lines[rows + 2:]


@pytest.mark.parametrize("width", [60, 80, 100, 132])
def test_a_fitted_table_is_no_wider_than_the_terminal(summary: pd.DataFrame, width: int) -> None:
    text = tables.show(summary, Layout(width), priority=SUMMARY_FIRST)
    lines, footer = split(visible(text), len(summary))
    assert max(cell_len(line) for line in lines + footer) <= width
    header = lines[0].split()
    assert header[: len(SUMMARY_FIRST)] == SUMMARY_FIRST or set(SUMMARY_FIRST) <= set(header)
    empty = [c for c in summary.columns if summary[c].isna().all() or (summary[c].astype(str) == "").all()]
    hidden = [c for c in summary.columns if c not in header and c not in empty]
    note = " ".join(footer)
    assert note.startswith(f"({len(summary)} rows")
    if hidden:
        assert f"{len(hidden)} column" in note and ", ".join(hidden) in note
    # ids are never cut: every shown id column holds whole ids
    for column in [c for c in header if c.endswith("_id")]:
        start = lines[0].index(column)
        cells = {line[start:].split("  ")[0].strip() for line in lines[2:-1]}
        assert cells <= set(summary[column].astype(str))
    # text is cut with an ellipsis when it does not fit
    if width <= 80:
        assert any(line.rstrip().endswith("…") or "… " in line for line in lines[2:-1])


def test_labels_are_kept_before_the_ids_they_name(summary: pd.DataFrame) -> None:
    header = visible(tables.show(summary, Layout(80)))[0].split()
    assert "treatment" in header and "treatment_id" not in header


def test_piped_or_wide_shows_everything_in_full(summary: pd.DataFrame) -> None:
    text = tables.show(summary, Layout(None))
    lines = text.splitlines()
    assert lines[0].split() == list(summary.columns)
    assert "…" not in text and "\x1b" not in text
    assert lines[-1] == f"({len(summary)} rows)"
    for headline in summary["headline"]:
        assert str(headline) in text


def test_columns_picks_and_orders_columns(summary: pd.DataFrame) -> None:
    text = tables.show(summary, Layout(None), columns=["verdict", "treatment_id"])
    assert text.splitlines()[0].split() == ["verdict", "treatment_id"]
    with pytest.raises(UsageError, match="no column 'verdikt'; the columns are: treatment_id, treatment"):
        tables.show(summary, Layout(None), columns=["verdikt"])
    assert tables.parse_columns(" a, b ") == ["a", "b"]
    with pytest.raises(UsageError, match="--columns takes names"):
        tables.parse_columns("a,,b")


def test_colour_only_on_a_terminal_and_never_with_no_color(summary: pd.DataFrame,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("COLUMNS", "90")
    on_tty = Layout.for_stream(Terminal())
    assert on_tty.colour and on_tty.width == 90
    coloured = tables.show(summary, on_tty, priority=SUMMARY_FIRST)
    green = "\x1b[38;2;26;152;80m" if on_tty.color_system == "truecolor" else "\x1b["
    assert green in coloured  # benefit in the page's green (kg.render.style)
    assert Layout.for_stream(io.StringIO()) == Layout(None, False)  # piped: full width, plain
    assert Layout.for_stream(Terminal(), wide=True).width is None
    monkeypatch.setenv("NO_COLOR", "1")
    plain = Layout.for_stream(Terminal())
    assert not plain.colour
    assert "\x1b[38" not in tables.show(summary, plain)


def test_wide_characters_are_measured_in_terminal_cells() -> None:
    frame = pd.DataFrame({"id": ["a-1", "b-2"], "label": ["漢字のラベルはとても長い説明です" * 3, "é" * 90]})
    for line in visible(tables.show(frame, Layout(40))):
        assert cell_len(line) <= 40


words = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N"]), min_size=1, max_size=12)
ids = st.from_regex(r"[a-z0-9][a-z0-9-]{0,30}", fullmatch=True)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=6).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.one_of(ids, st.lists(words, min_size=1, max_size=8).map(" ".join)),
                              min_size=n, max_size=n), min_size=0, max_size=8),
            st.just(n))),
    st.integers(min_value=20, max_value=160),
)
def test_any_table_fits_any_width(rows_n: tuple[list[list[str]], int], width: int) -> None:
    rows, n = rows_n
    frame = pd.DataFrame(rows, columns=[f"c{i}_id" if i % 2 else f"col{i}" for i in range(n)], dtype="string")
    lines, footer = split(visible(tables.show(frame, Layout(width))), len(frame))
    assert all(cell_len(line) <= width for line in lines + footer)
    assert len(lines) == len(frame) + 2 and " ".join(footer).startswith(f"({len(frame)} row")
