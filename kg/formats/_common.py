"""What the interchange formats (FHIR, KGX) share: JSON text made column-wise, and the imported Dataset.

The writers build their JSON from whole columns with Arrow string kernels (escape, join, fill), so
a table of a million statements is never a million Python dicts, and write the result straight
from Arrow's buffer; JSON escaping has its one home here (`literals`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kg.model import Dataset, typed_frame
from kg.schema import TABLES

TEXT = pa.large_string()
Part: TypeAlias = "pa.Array | pa.ChunkedArray | str"


def arrow(values: pd.Series | Iterable[str | None]) -> pa.LargeStringArray:
    """A column as an Arrow large_string array, NA as null."""
    if isinstance(values, pd.Series):
        values = values.astype("string")
        out = pa.array(values, type=TEXT, from_pandas=True)
    else:
        out = pa.array(list(values), type=TEXT)
    return out.combine_chunks() if isinstance(out, pa.ChunkedArray) else out


def literals(values: pd.Series | pa.Array) -> pa.LargeStringArray:
    """Each cell as a JSON string literal (quotes included); null stays null.

    Backslash and quote are escaped by Arrow kernels over the whole column; the rare cells holding a
    control character (which JSON must escape as well) are escaped by `json.dumps`, one by one.
    """
    arr = values if isinstance(values, pa.Array) else arrow(values)
    if len(arr) == 0:
        return arr
    escaped = pc.replace_substring(pc.replace_substring(arr, "\\", "\\\\"), '"', '\\"')
    control = pc.fill_null(pc.match_substring_regex(arr, "[\\x00-\\x1f]"), False)
    quoted = join('"', escaped, '"')
    if pc.any(control).as_py():
        where = np.flatnonzero(control.to_numpy(zero_copy_only=False))
        fixed = [json.dumps(arr[int(i)].as_py(), ensure_ascii=False) for i in where]
        quoted = pc.replace_with_mask(quoted, control, pa.array(fixed, type=TEXT))
    return quoted  # type: ignore[no-any-return]


def join(*parts: Part) -> pa.LargeStringArray:
    """Row-wise concatenation of Arrow columns and constants; null where any part is null."""
    args = [pa.scalar(p, TEXT) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*args, pa.scalar("", TEXT))  # type: ignore[no-any-return]


def member(key: str, value: pa.Array) -> pa.LargeStringArray:
    """`,"key":VALUE` where VALUE is not null, else the empty string (an optional JSON member)."""
    return pc.fill_null(join(f",{json.dumps(key)}:", value), "")  # type: ignore[no-any-return]


def json_lists(values: pd.Series) -> pa.LargeStringArray:
    """`a|b` cells as JSON arrays `["a","b"]` (an escaped item holds no '|'); null stays null."""
    return join("[", pc.replace_substring(literals(values), "|", '","'), "]")


def write_lines(out: IO[bytes], lines: pa.Array, prefix: str = "", first_prefix: str | None = None) -> None:
    """Write each line after `prefix` (the first after `first_prefix`, when given) and before a newline."""
    if len(lines) == 0:
        return
    joined = join(prefix, lines.cast(TEXT), "\n")
    if first_prefix is not None:
        out.write((first_prefix + lines[0].as_py() + "\n").encode("utf-8"))
        joined = joined.slice(1)
    write_text(out, joined)


def write_text(out: IO[bytes], texts: pa.Array) -> None:
    """Write the texts one after another, straight from the Arrow buffer (no joined copy)."""
    if len(texts) == 0:
        return
    texts = texts.cast(TEXT)
    if texts.null_count:
        raise ValueError("a null where JSON text was expected")
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64, count=len(texts) + 1, offset=8 * texts.offset)
    data = texts.buffers()[2]
    out.write(memoryview(data.slice(int(offsets[0]), int(offsets[-1] - offsets[0]))))


def short_hash(*values: str) -> str:
    """A stable 20-hex-digit digest (sha1, never Python's per-process hash)."""
    return hashlib.sha1("\x00".join(values).encode("utf-8")).hexdigest()[:20]


@dataclass(frozen=True)
class Imported(Dataset):
    """A Dataset read from an interchange file, with what the reader left out, per kind, with counts."""

    skipped: dict[str, int] = field(default_factory=dict)


def dataset_from_strings(
    frames: dict[str, pd.DataFrame], extras: dict[str, list[str]], skipped: dict[str, int]
) -> Imported:
    """The typed Dataset of string tables ('' or NA for not stated), contract columns first, extras after."""
    typed: dict[str, pd.DataFrame] = {}
    for name, table in TABLES.items():
        frame = frames[name].reset_index(drop=True)
        header = table.column_names + extras.get(name, [])
        raw = frame.reindex(columns=header).astype("string").fillna("")
        typed[name] = typed_frame(table, raw, header)
    ds = Dataset.from_frames(typed, None, {name: list(extras.get(name, [])) for name in TABLES})
    return Imported(
        sources=ds.sources,
        conditions=ds.conditions,
        treatments=ds.treatments,
        evidence=ds.evidence,
        data_dir=None,
        extra_columns=ds.extra_columns,
        skipped=dict(sorted(skipped.items())),
    )


__all__ = ["Imported", "arrow", "dataset_from_strings", "join", "json_lists", "literals", "member", "short_hash",
           "write_lines", "write_text"]
