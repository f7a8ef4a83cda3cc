"""Read the CSV files of a data folder into string frames, keeping editor lines.

The fast path is pandas' C parser; the line where each record starts is
computed from the line breaks inside its fields (vectorised), so a quoted
field that spans lines keeps the count right. Only a malformed file falls back
to a slower scan, to say exactly where it breaks.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kg.limits import MAX_COLUMNS, MAX_FIELD_CHARS
from kg.problems import Problem
from kg.schema import TABLES, Table

LINE_BREAK = r"\r\n|\r|\n"


@dataclass
class RawTable:
    """One CSV file as read: every cell a stripped string ('' when not stated)."""

    table: Table
    path: Path
    display: str
    frame: pd.DataFrame
    lines: np.ndarray
    """Editor line where each row of `frame` starts."""
    header: list[str] = field(default_factory=list)

    @property
    def extra_columns(self) -> list[str]:
        known = set(self.table.column_names)
        return [c for c in self.header if c not in known]


def display_path(data_dir: Path, name: str) -> str:
    return str(data_dir / name)


def _decode(raw: bytes, display: str) -> tuple[str | None, list[Problem]]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        bad = raw[err.start : err.start + 1].hex()
        return None, [Problem(display, line, "(file)", f"bytes that are not UTF-8 (0x{bad})")]
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, []


_FIELD = re.compile(r'"(?:[^"]|"")*"|[^,"\r\n]*')


def _structure_problems(text: str, display: str, header: list[str]) -> list[Problem]:
    """Slow, exact scan of a file pandas could not parse: unclosed quotes and ragged rows."""
    problems: list[Problem] = []
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FIELD_CHARS + 1))  # the cell limit is checked elsewhere
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    prev_line = 0
    width = len(header)
    offsets = _line_offsets(text)
    try:
        for i, record in enumerate(reader):
            start = prev_line + 1
            prev_line = reader.line_num
            if i == 0 or not record:
                continue
            if len(record) > width:
                problems.append(Problem(display, start, "(row)", f"{len(record)} fields, but the header has {width}"))
    except csv.Error as err:
        start = prev_line + 1
        problems.append(_unclosed(text, offsets, start, display, header, str(err)))
        return problems
    # csv with strict=False accepts EOF inside quotes silently: check the last record.
    if _ends_inside_quote(text):
        problems.append(_unclosed(text, offsets, _last_record_start(text, offsets), display, header, ""))
    return problems


def _line_offsets(text: str) -> list[int]:
    offsets = [0]
    offsets.extend(m.end() for m in re.finditer(LINE_BREAK, text))
    return offsets


def _ends_inside_quote(text: str) -> bool:
    return text.count('"') % 2 == 1


def _last_record_start(text: str, offsets: list[int]) -> int:
    """Line of the record that holds the last unmatched quote."""
    inside = False
    last_open = 0
    for m in re.finditer(r'"', text):
        if not inside:
            last_open = m.start()
        inside = not inside
    line_start = text.rfind("\n", 0, last_open) + 1
    return _line_of(offsets, line_start)


def _line_of(offsets: list[int], pos: int) -> int:
    lo, hi = 0, len(offsets) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if offsets[mid] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


def _unclosed(text: str, offsets: list[int], record_line: int, display: str, header: list[str], detail: str) -> Problem:
    """Say where the quoted field that never closes opens."""
    pos = offsets[record_line - 1] if record_line - 1 < len(offsets) else 0
    column_index = 0
    while pos < len(text):
        if text[pos] == '"':
            m = re.compile(r'"(?:[^"]|"")*"').match(text, pos)
            if m is None:
                name = header[column_index] if column_index < len(header) else f"field {column_index + 1}"
                return Problem(display, _line_of(offsets, pos), name, "quoted field is never closed (unmatched '\"')")
            pos = m.end()
        else:
            m2 = _FIELD.match(text, pos)
            pos = m2.end() if m2 else pos + 1
        if pos < len(text) and text[pos] == ",":
            column_index += 1
            pos += 1
        elif pos < len(text) and text[pos] in "\r\n":
            column_index = 0
            pos += 1
        elif pos < len(text) and text[pos] != '"':
            pos += 1
    message = "malformed CSV" + (f": {detail}" if detail else "")
    return Problem(display, record_line, "(row)", message)


def _first_record(text: str) -> tuple[list[str], int]:
    """The header record and the number of lines it spans, reading only as far as it goes."""

    def lines() -> Iterator[str]:
        start = 0
        while start < len(text):
            end = text.find("\n", start)
            end = len(text) if end < 0 else end + 1
            yield text[start:end]
            start = end

    reader = csv.reader(lines())
    try:
        header = next(reader, [])
    except csv.Error:
        header = []
    return [h.strip() for h in header], reader.line_num


def read_csv_text(text: str, table: Table, path: Path, display: str) -> tuple[RawTable | None, list[Problem]]:
    """Parse decoded CSV text; return the table or the problems that stop it."""
    return _read_csv(text.encode("utf-8"), lambda: text, table, path, display)


def _read_csv(
    raw: bytes, decoded: Callable[[], str], table: Table, path: Path, display: str
) -> tuple[RawTable | None, list[Problem]]:
    """Parse CSV bytes (UTF-8 known to be valid, no BOM). pandas reads the bytes themselves: a text
    copy of a large file would cost four bytes a character in a StringIO. `decoded()` gives the text,
    for the header and for the exact scan of a file pandas cannot parse."""
    header, header_lines = _first_record(decoded())
    if not header or all(h == "" for h in header):
        return None, [Problem(display, 1, "(header)", "no header row")]
    if len(header) > MAX_COLUMNS:
        return None, [Problem(display, 1, "(header)", f"{len(header):,} columns; a file may have at most "
                                                      f"{MAX_COLUMNS:,} (the contract's are listed in docs)")]
    problems: list[Problem] = []
    seen: set[str] = set()
    for name in header:
        if name == "":
            problems.append(Problem(display, 1, "(header)", "a column has no name"))
        elif name in seen:
            problems.append(Problem(display, 1, name, "column appears twice in the header"))
        seen.add(name)
    if problems:
        return None, problems
    sentinel = "\x00extra"
    try:
        with warnings.catch_warnings():
            # A row with two or more fields too many makes pandas warn and drop them: an error here, so the exact
            # scan below reports it instead of pandas printing a warning with the file's lines in it.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.BytesIO(raw),
                encoding="utf-8",
                header=None,
                skiprows=header_lines,
                names=[*header, sentinel],
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                index_col=False,
                engine="c",
            )
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
        found = _structure_problems(decoded(), display, header)
        return None, found or [Problem(display, 1, "(file)", "malformed CSV")]
    if header_lines == 0:
        frame = frame.iloc[0:0]
    breaks = np.zeros(len(frame), dtype=np.int64)
    for name in frame.columns:
        col = frame[name]
        if col.str.contains("\r|\n", regex=True).any():
            breaks += col.str.count(LINE_BREAK).to_numpy(dtype=np.int64)
    spans = breaks + 1
    lines = header_lines + 1 + np.concatenate(([0], np.cumsum(spans)[:-1])) if len(frame) else np.zeros(0, np.int64)
    extra = frame[sentinel] != ""
    if extra.any():
        found = _structure_problems(decoded(), display, header)
        return None, found or [
            Problem(display, int(lines[i]), "(row)", f"more fields than the header's {len(header)}")
            for i in np.flatnonzero(extra.to_numpy())
        ]
    frame = frame.drop(columns=[sentinel])
    long_cells: list[Problem] = []
    for name in frame.columns:
        frame[name] = frame[name].str.strip()
        lengths = frame[name].str.len().to_numpy()
        for i in np.flatnonzero(lengths > MAX_FIELD_CHARS):
            long_cells.append(Problem(display, int(lines[i]), name, f"{int(lengths[i]):,} characters; a cell may hold "
                                                                    f"at most {MAX_FIELD_CHARS:,}"))
    if long_cells:
        return None, long_cells
    blank = (frame == "").all(axis=1).to_numpy()
    if blank.any():
        keep = ~blank
        frame = frame.loc[keep].reset_index(drop=True)
        lines = lines[keep]
    return RawTable(table, path, display, frame, np.asarray(lines, dtype=np.int64), header), []


def read_table(data_dir: Path, table: Table) -> tuple[RawTable | None, list[Problem]]:
    path = data_dir / table.file
    display = display_path(data_dir, table.file)
    try:
        if not path.is_file():
            return None, [Problem(display, None, "(file)", "missing")]
        raw = path.read_bytes()
    except OSError as err:
        return None, [Problem(display, None, "(file)", f"cannot be read: {err.strerror or err}")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    text, problems = _decode(raw, display)
    if text is None:
        return None, problems
    del text  # valid UTF-8; pandas reads the bytes, and the text is decoded again only if needed
    return _read_csv(raw, lambda: raw.decode("utf-8"), table, path, display)


def read_folder(data_dir: Path) -> tuple[dict[str, RawTable], list[Problem]]:
    """Read the four contract files; report every problem that stops a file being read."""
    tables: dict[str, RawTable] = {}
    problems: list[Problem] = []
    try:
        if not data_dir.exists():
            return {}, [Problem(str(data_dir), None, "(folder)", "no such folder")]
        if not data_dir.is_dir():
            return {}, [Problem(str(data_dir), None, "(folder)", "not a folder (it is a file)")]
    except (OSError, ValueError) as err:
        why = getattr(err, "strerror", None) or err
        return {}, [Problem(str(data_dir), None, "(folder)", f"cannot be read: {why}")]
    for table in TABLES.values():
        raw, found = read_table(data_dir, table)
        problems.extend(found)
        if raw is not None:
            tables[table.name] = raw
    return tables, problems
