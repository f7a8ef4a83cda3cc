"""Check a read data folder against the contract; report every problem at once.

Per-column rules (required, slug, enum, patterns, uniqueness) are a pandera
schema generated from `kg.schema`, so the contract stays data and the checks
are vectorised. Rules that span tables (references, parent cycles, quotes in
source texts, text_file paths) are vectorised pandas code here.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from kg.csvread import RawTable
from kg.hierarchy import Hierarchy
from kg.limits import SHOWN_CYCLE_MEMBERS
from kg.problems import Problem
from kg.schema import PATTERN_HINTS, PATTERNS, TABLES, Kind, Table, enum_values


def _pandera_schema(table: Table, present: list[str]):  # type: ignore[no-untyped-def]
    import pandera.pandas as pa

    columns = {}
    for col in table.columns:
        if col.name not in present:
            continue
        checks = []
        if col.kind is Kind.ENUM and col.enum:
            allowed = enum_values(col.enum)
            checks.append(pa.Check.isin(allowed, error=f"not allowed; allowed values: {', '.join(allowed)}"))
        pattern = PATTERNS.get(col.kind)
        if pattern:
            checks.append(pa.Check.str_matches(rf"(?:{pattern})\Z", error=PATTERN_HINTS[col.kind]))
        if col.multi:
            checks.append(
                pa.Check(
                    lambda s: ~s.str.contains(r"(?:^|\|)\s*(?:\||$)", regex=True),
                    element_wise=False,
                    error="empty item in a '|'-separated list",
                )
            )
            if col.item_pattern:
                item = col.item_pattern
                checks.append(
                    pa.Check.str_matches(
                        rf"\s*{item}\s*(?:\|\s*{item}\s*)*\Z",
                        error="each item must be a CURIE such as MESH:D017116 or ICD10:M54.5",
                    )
                )
        columns[col.name] = pa.Column(
            "string",
            checks=checks,
            nullable=not col.required,
            unique=col.name == "id",
            report_duplicates="exclude_first",
        )
    return pa.DataFrameSchema(columns, strict=False, coerce=False)


_CHECK_MESSAGES = {
    "not_nullable": "required value is empty",
    "field_uniqueness": "duplicate id (already used above)",
}


def check_columns(raw: RawTable) -> list[Problem]:
    """Missing required columns, then every cell rule of the schema."""
    import pandera.errors

    table = raw.table
    problems = [
        Problem(raw.display, 1, name, "required column is missing") for name in table.required if name not in raw.header
    ]
    present = [c for c in table.column_names if c in raw.header]
    if raw.frame.empty or not present:
        return problems
    frame = raw.frame[present].replace("", pd.NA).astype("string")
    schema = _pandera_schema(table, present)
    try:
        schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as err:
        cases = err.failure_cases
        cases = cases[cases["index"].notna()]
        for column, check, value, index in zip(
            cases["column"], cases["check"], cases["failure_case"], cases["index"], strict=True
        ):
            message = _CHECK_MESSAGES.get(str(check), str(check))
            if str(check) not in ("not_nullable",):
                message = f"{_show(value)}: {message}"
            problems.append(Problem(raw.display, int(raw.lines[int(index)]), str(column), message))
    return problems


def _show(value: object) -> str:
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text)


def _ids(raw: RawTable | None) -> pd.Series:
    if raw is None or "id" not in raw.frame:
        return pd.Series([], dtype="string")
    return raw.frame["id"]


def check_references(tables: dict[str, RawTable]) -> list[Problem]:
    """Every reference names a row of the table it points into."""
    problems: list[Problem] = []
    for raw in tables.values():
        for col in raw.table.columns:
            if col.kind is not Kind.REF or col.name not in raw.frame or col.ref is None:
                continue
            target = tables.get(col.ref)
            if target is None:
                continue
            values = raw.frame[col.name]
            dangling = (values != "") & values.str.fullmatch(PATTERNS[Kind.REF]) & ~values.isin(_ids(target))
            target_file = target.table.file
            for i in np.flatnonzero(dangling.to_numpy()):
                problems.append(
                    Problem(
                        raw.display,
                        int(raw.lines[i]),
                        col.name,
                        f"{_show(values.iloc[i])} is not an id in {target_file}",
                    )
                )
    return problems


def check_cycles(tables: dict[str, RawTable]) -> list[Problem]:
    """Each parent cycle once per row of a short cycle; a long one once, with its length and first members.

    The message stays short however long the cycle: a 5,000-row cycle printed on every row,
    whole, was 220 MB.
    """
    problems: list[Problem] = []
    for raw in tables.values():
        if "parent" not in raw.frame or "id" not in raw.frame:
            continue
        ids, parents = raw.frame["id"], raw.frame["parent"]
        first = ~ids.duplicated(keep="first").to_numpy()
        line_of = pd.Series(raw.lines[first], index=ids[first].to_numpy())
        cycles = Hierarchy.from_columns(ids[first].reset_index(drop=True),
                                        parents[first].reset_index(drop=True)).cycles()
        for cycle in cycles:
            if len(cycle) <= SHOWN_CYCLE_MEMBERS:
                text = " -> ".join([*cycle, cycle[0]])
                for node in cycle:
                    problems.append(Problem(raw.display, int(line_of[node]), "parent", f"parent cycle: {text}"))
            else:
                shown = " -> ".join(cycle[:SHOWN_CYCLE_MEMBERS])
                problems.append(Problem(raw.display, int(line_of[cycle[0]]), "parent",
                                        f"parent cycle of {len(cycle):,} rows: {shown} -> ... -> {cycle[0]}"))
    return problems


def normalise_quote(text: pd.Series | str) -> pd.Series | str:
    """The contract's quote matching: curly quotes straightened, white space folded."""
    table = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})
    if isinstance(text, str):
        return re.sub(r"\s+", " ", text.translate(table)).strip()
    return text.str.translate(table).str.replace(r"\s+", " ", regex=True).str.strip()


def resolve_text_file(data_dir: Path, value: str) -> Path | None:
    """The file a text_file cell names, or None when it points outside the data folder.

    ValueError for a name no file can have (a NUL byte); OSError when the name cannot be
    looked up (too long, a folder on the way that cannot be entered).
    """
    if "\x00" in value:
        raise ValueError("holds a NUL byte, which no file name can")
    if value.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", value):
        return None
    root = data_dir.resolve()
    target = (root / value).resolve()
    if not target.is_relative_to(root):
        return None
    return target


def check_texts(data_dir: Path, tables: dict[str, RawTable]) -> list[Problem]:
    """text_file paths stay inside the folder and exist; quotes are found in them."""
    sources = tables.get("sources")
    if sources is None or "text_file" not in sources.frame:
        return []
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    by_source: dict[str, str] = {}
    frame = sources.frame
    for i in np.flatnonzero((frame["text_file"] != "").to_numpy()):
        value = str(frame["text_file"].iloc[i])
        line = int(sources.lines[i])
        try:
            target = resolve_text_file(data_dir, value)
            exists = target is not None and target.is_file()
        except ValueError as err:
            problems.append(Problem(sources.display, line, "text_file", f"{_show(value)} {err}"))
            continue
        except OSError as err:
            problems.append(Problem(sources.display, line, "text_file",
                                    f"{_show(value)} cannot be opened: {err.strerror or err}"))
            continue
        if target is None:
            problems.append(Problem(sources.display, line, "text_file", f"{_show(value)} is outside the data folder"))
            continue
        if not exists:
            problems.append(
                Problem(sources.display, line, "text_file", f"{_show(value)}: no such file in the data folder")
            )
            continue
        if value not in texts:
            try:
                texts[value] = str(normalise_quote(target.read_bytes().decode("utf-8-sig")))
            except UnicodeDecodeError:
                problems.append(Problem(sources.display, line, "text_file", f"{_show(value)} is not UTF-8 text"))
                continue
            except OSError as err:
                problems.append(
                    Problem(sources.display, line, "text_file", f"{_show(value)} cannot be read: {err.strerror}")
                )
                continue
        if "id" in frame:
            by_source[str(frame["id"].iloc[i])] = value
    evidence = tables.get("evidence")
    if evidence is None or not by_source or not {"source", "quote"} <= set(evidence.frame.columns):
        return problems
    ev = evidence.frame
    checked = ev["source"].isin(list(by_source)) & (ev["quote"] != "")
    if not checked.any():
        return problems
    sub = pd.DataFrame(
        {
            "file": ev.loc[checked, "source"].map(by_source),
            "quote": normalise_quote(ev.loc[checked, "quote"]),
        }
    )
    found = pd.Series(False, index=sub.index)
    for file, group in sub.groupby("file", sort=True):
        body = texts.get(str(file))
        if body is None:
            found[group.index] = True
            continue
        unique = group["quote"].unique()
        hits = {q: q in body for q in unique}
        found[group.index] = group["quote"].map(hits).astype(bool)
    for i in found.index[~found.to_numpy()]:
        pos = ev.index.get_loc(i)
        problems.append(
            Problem(
                evidence.display,
                int(evidence.lines[pos]),
                "quote",
                f"not found in the source's text ({by_source[str(ev['source'].iloc[pos])]})",
            )
        )
    return problems


def validate_tables(data_dir: Path, tables: dict[str, RawTable]) -> list[Problem]:
    """Every problem in a read folder, in file, line and column order."""
    problems: list[Problem] = []
    for raw in tables.values():
        problems.extend(check_columns(raw))
    problems.extend(check_references(tables))
    problems.extend(check_cycles(tables))
    problems.extend(check_texts(data_dir, tables))
    return problems


def sort_problems(problems: list[Problem]) -> list[Problem]:
    order = {t.file: i for i, t in enumerate(TABLES.values())}

    def key(p: Problem) -> tuple[int, str, int, str]:
        name = Path(p.file).name
        return (order.get(name, len(order)), p.file, p.line or 0, p.column)

    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=key)
