"""What the interchange formats (FHIR, KGX) share: JSON text made column-wise, and the imported Dataset.

The writers build their JSON from whole columns with string operations, so a table of a
million statements is never a million Python dicts; the one delicate step, escaping a
string as JSON, is done here by pandas' C JSON writer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kg.model import Dataset, typed_frame
from kg.schema import TABLES


def json_strings(values: pd.Series) -> pd.Series:
    """Each cell as a JSON string literal (quotes included), escaped by pandas' C writer; NA stays NA.

    One JSON line per cell (`{"v":"..."}`) is written and its wrapper cut off: JSON escaping
    leaves no raw newline inside a string, so the lines split exactly at the cells.
    """
    n = len(values)
    if n == 0:
        return pd.Series([], dtype=object, index=values.index)
    text = values.astype("string")
    body = pd.DataFrame({"v": text.fillna("")}).to_json(orient="records", lines=True, force_ascii=False)
    lines = body.rstrip("\n").split("\n")
    out = pd.Series(lines, index=values.index, dtype=object).str.slice(5, -1)
    return out.where(text.notna().to_numpy(), None)


def concat(*parts: pd.Series | str) -> pd.Series:
    """Row-wise concatenation of string columns and constants (object arrays, added in C)."""
    total: np.ndarray | None = None
    length = next(len(p) for p in parts if isinstance(p, pd.Series))
    for part in parts:
        arr = part.to_numpy(dtype=object) if isinstance(part, pd.Series) else np.full(length, part, dtype=object)
        total = arr if total is None else total + arr
    assert total is not None
    return pd.Series(total, dtype=object)


def optional(mask: pd.Series | np.ndarray, text: pd.Series) -> pd.Series:
    """`text` where `mask` holds, else the empty string (for optional JSON members)."""
    return pd.Series(np.where(np.asarray(mask, dtype=bool), text.to_numpy(dtype=object), ""), dtype=object)


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


__all__ = ["Imported", "concat", "dataset_from_strings", "json_strings", "optional", "short_hash"]
