"""Tables for people: a DataFrame as aligned text that fits the terminal it is shown in.

On a terminal, a table fits its width: columns of ids, enum values and numbers (no spaces in
any value) are kept whole, and columns of text are shortened with an ellipsis; when even that
is too wide, the least needed columns are left out and named under the table: ids (`X_id`)
before other columns, and an id beside its label column `X` first of all, since a person reads
the label; a column holding the same value in every row goes before those. Columns with nothing
in them are left out and named too.
Piped, or with `--wide`, every column is shown in full, one row a line, as before.

Colour (bold headers, verdicts and effects in the page's colours) is used only on a terminal,
never when `NO_COLOR` is set.

`rich` does the terminal work: it measures text in terminal cells (so wide characters and
accents line up), shortens it with an ellipsis, writes colour for what the terminal supports
and honours `NO_COLOR`; it also draws the progress displays (`kg.progress`). The layout is ours,
because rich's own Table shrinks every column alike and would cut ids, and wraps rows over
several lines.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO

import pandas as pd
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from kg.errors import UsageError

GAP = 2
"""Spaces between columns."""
MIN_TEXT = 10
"""The narrowest a shortened text column gets (its header, if longer, stays whole)."""


@dataclass(frozen=True)
class Layout:
    """Where a table goes: `width` in cells (None: every column in full) and whether to use colour."""

    width: int | None = None
    colour: bool = False
    color_system: str | None = None

    @classmethod
    def for_stream(cls, stream: TextIO | None = None, *, wide: bool = False) -> Layout:
        """The layout for a stream: fitted and coloured on a terminal, full and plain when piped or `wide`.

        The width is the terminal's (or `COLUMNS`); colour is off when `NO_COLOR` is set (any value)."""
        stream = stream or sys.stdout
        tty = hasattr(stream, "isatty") and stream.isatty()
        if not tty:
            return cls(None, False)
        console = Console(file=stream)
        colour = not os.environ.get("NO_COLOR") and console.color_system is not None
        width = None if wide else shutil.get_terminal_size((console.width, 24)).columns
        return cls(width, colour, console.color_system if colour else None)


@dataclass
class Table:
    """A frame to show: which columns to prefer when space is short, and colours for some values."""

    frame: pd.DataFrame
    priority: Sequence[str] = ()
    """Columns kept first when not all fit (after these, label columns, then the rest in order)."""
    colours: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """column -> value -> colour (#rrggbb), e.g. the page's verdict colours."""
    whole: Sequence[str] = ()
    """Columns never shortened, though they hold spaces (e.g. an indented tree of ids)."""
    count: bool = True
    """End with a line counting the rows."""


def select_columns(frame: pd.DataFrame, columns: Sequence[str] | None) -> pd.DataFrame:
    """The frame with only `columns`, in that order (`--columns a,b,c`); UsageError naming an unknown one."""
    if not columns:
        return frame
    have = [str(c) for c in frame.columns]
    unknown = [c for c in columns if c not in have]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        raise UsageError(f"no column{plural} {', '.join(repr(c) for c in unknown)}; the columns are: {', '.join(have)}")
    return frame[list(columns)]


def parse_columns(text: str | None) -> list[str] | None:
    """`a,b, c` -> ['a', 'b', 'c'] (None stays None); UsageError for an empty name."""
    if text is None:
        return None
    names = [c.strip() for c in text.split(",")]
    if not all(names):
        raise UsageError(f"--columns takes names separated by commas, e.g. treatment,verdict; not {text!r}")
    return names


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Every value as one line of text, empty where missing."""
    text = frame.astype(object).where(frame.notna(), "").astype(str)
    return text.apply(lambda col: col.str.split().str.join(" "))


def _order(columns: list[str], priority: Sequence[str], constant: Sequence[str] = ()) -> list[str]:
    """Which columns to keep first: the given priority, then the others in order, ids (`X_id`) after
    them, then ids whose label `X` is shown, and last the columns that hold one value in every row."""
    first = [c for c in priority if c in columns]
    labelled = {f"{c}_id" for c in columns} & set(columns)
    later = set(first) | labelled | set(constant)
    ids = [c for c in columns if c.endswith("_id") and c not in later]
    rest = [c for c in columns if c not in later and c not in ids]
    named = [c for c in columns if c in labelled and c not in first and c not in constant]
    return first + rest + ids + named + [c for c in columns if c in constant and c not in first]


def fit(header: list[str], cells: pd.DataFrame, width: int, priority: Sequence[str] = (),
        whole: Sequence[str] = ()) -> dict[str, int]:
    """Column -> width for the columns shown in `width` cells (in `header` order), see the module doc.

    The `priority` columns come first and get their full width before any other column is added;
    the others follow while they fit, and ids and columns of one value only once every text column
    shown has its full width. `whole` columns are never cut."""
    natural = {c: max([cell_len(c), *(cell_len(v) for v in cells[c])]) for c in header}
    kept = {c: c in whole or not cells[c].str.contains(" ", regex=False).any() for c in header}
    least = {c: natural[c] if kept[c] else min(natural[c], max(cell_len(c), MIN_TEXT)) for c in header}
    widths: dict[str, int] = {}

    def used() -> int:
        return sum(widths.values()) + GAP * max(len(widths) - 1, 0)

    def grow() -> None:  # share the room left among the shortened text columns, evenly, up to their full width
        growable = [c for c in widths if natural[c] > widths[c]]
        while used() < width and growable:  # one cell at a time, round the columns: short ones finish first
            for c in list(growable):
                if used() >= width:
                    break
                widths[c] += 1
                if widths[c] >= natural[c]:
                    growable.remove(c)

    constant = [c for c in header if len(cells) > 1 and cells[c].nunique() == 1]
    order = [c for c in _order(header, priority, constant) if (cells[c] != "").any() or c in priority]
    first = [c for c in order if c in priority]
    spare_only = set(constant) | {c for c in header if c.endswith("_id")}  # shown only if text is whole
    middle = [c for c in order if c not in priority and c not in spare_only]
    for group in (first, middle, [c for c in order if c not in first and c not in middle]):
        for c in group:
            if not widths or used() + GAP + least[c] <= width:
                widths[c] = least[c]
        grow()
    if used() > width:  # a single column wider than the screen
        only = next(iter(widths))
        widths = {only: max(1, width)}
    return {c: widths[c] for c in header if c in widths}


def render(table: Table, layout: Layout) -> str:
    """The table as text for `layout`: header, a rule, the rows, and a count (with any columns left out)."""
    frame = table.frame
    header = [str(c) for c in frame.columns]
    cells = _cells(frame.set_axis(header, axis=1))
    if layout.width is None:
        widths = {c: max([cell_len(c), *(cell_len(v) for v in cells[c])]) for c in header}
    else:
        widths = fit(header, cells, layout.width, table.priority, table.whole)
    shown = [c for c in header if c in widths]
    right = {c for c in shown if pd.api.types.is_numeric_dtype(frame[c].dtype)
             and not pd.api.types.is_bool_dtype(frame[c].dtype)}
    lines: list[Text] = []
    head = Text()
    for i, c in enumerate(shown):
        head.append((" " * GAP if i else "") + _pad(c, widths[c], last=i == len(shown) - 1, right=c in right),
                    style="bold")
    lines.append(head)
    lines.append(Text("  ".join("-" * widths[c] for c in shown), style="dim"))
    columns = [cells[c].tolist() for c in shown]
    for row in zip(*columns, strict=True) if columns else []:
        line = Text()
        for i, (c, value) in enumerate(zip(shown, row, strict=True)):
            colour = table.colours.get(c, {}).get(value) if layout.colour else None
            line.append(" " * GAP if i else "")
            line.append(_pad(value, widths[c], last=i == len(shown) - 1, right=c in right), style=colour or "")
        line.rstrip()
        lines.append(line)
    if table.count:
        n = len(frame)
        note = f"({n} row{'' if n == 1 else 's'}"
        empty = [c for c in header if c not in widths and not (cells[c] != "").any()]
        hidden = [c for c in header if c not in widths and c not in empty]
        if empty:
            note += f"; empty: {', '.join(empty)}"
        if hidden:
            what = "column" if len(hidden) == 1 else "columns"
            note += f"; {len(hidden)} {what} not shown: {', '.join(hidden)}; see --wide or --columns"
        note += ")"
        if layout.width is not None:
            import textwrap

            lines.extend(Text(part, style="dim") for part in textwrap.wrap(note, max(layout.width, 20)))
        else:
            lines.append(Text(note, style="dim"))
    return _to_text(lines, layout)


def _pad(value: str, width: int, *, last: bool, right: bool = False) -> str:
    """`value` cut to `width` cells with an ellipsis, padded to it (numbers on the left; the last column
    is not padded on the right)."""
    text = Text(value)
    if cell_len(value) > width:
        text.truncate(width, overflow="ellipsis")
    elif right:
        text.pad_left(width - cell_len(value))
    elif not last:
        text.pad_right(width - cell_len(value))
    return text.plain


def _to_text(lines: list[Text], layout: Layout) -> str:
    if not layout.colour:
        return "\n".join(line.plain.rstrip() for line in lines) + "\n"
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system=layout.color_system or "standard",  # type: ignore[arg-type]
                      width=max(layout.width or 0, 10_000), no_color=bool(os.environ.get("NO_COLOR")))
    for line in lines:
        console.print(line, soft_wrap=True, overflow="ignore", crop=False, highlight=False)
    return out.getvalue()


def palette() -> dict[str, dict[str, str]]:
    """The page's colours for the values people scan for: verdicts and effects (from `kg.render.style`)."""
    from kg.render import style

    return {
        "verdict": {v: colour for v, (_, colour, _) in style.VERDICT_STYLE.items()},
        "effect": {str(e): colour for e, (_, colour) in style.EFFECT_STYLE.items()},
    }


def show(frame: pd.DataFrame, layout: Layout, *, columns: Sequence[str] | None = None,
         priority: Sequence[str] = (), whole: Sequence[str] = (), count: bool = True) -> str:
    """`render` of `frame` (only `columns`, when given, and those first) with the page's palette."""
    return render(Table(select_columns(frame, columns), list(columns or priority), palette(), whole, count), layout)


__all__ = ["GAP", "MIN_TEXT", "Layout", "Table", "fit", "palette", "parse_columns", "render", "select_columns",
           "show"]
