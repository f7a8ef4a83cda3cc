"""Curation assistant: propose evidence rows (an evidence.csv) from a source's plain text.

>>> import kg
>>> ds = kg.load().dataset       # the bundled data: its treatments and conditions are the lexicon
>>> text = "Traction has not been shown to be useful in low back pain."
>>> rows = extract(ds, text, source="encyclopedia-low-back-pain")
>>> rows[["treatment", "condition", "effect"]].values.tolist()
[['traction', 'low-back-pain', 'no_benefit']]
>>> rows.loc[0, "quote"]
'Traction has not been shown to be useful in low back pain.'
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from kg.errors import InputError, UnknownIdError, UsageError
from kg.extract.columns import COLUMNS, EXTRA_COLUMNS
from kg.model import Dataset

if TYPE_CHECKING:
    from kg.extract.engine import Extractor

DEFAULT_MIN_CONFIDENCE = 0.35
"""Rows below this confidence are left out. A row whose condition, effect and treatment all come
from its own clause scores 1.0; each inference (condition from a neighbouring sentence or the
text's main condition, effect implied by a purpose or a recommendation, treatment carried over,
hedging) multiplies it down (see docs/extract.md)."""


_BUILT: dict[int, tuple[Dataset, Extractor]] = {}
_KEEP = 4


def extractor(dataset: Dataset) -> Extractor:
    """The extractor for a dataset, built once per Dataset object (lexicon, matchers, pipeline);
    the last few are kept."""
    hit = _BUILT.get(id(dataset))
    if hit is not None and hit[0] is dataset:
        return hit[1]
    from kg.extract.engine import Extractor  # spaCy loads only when extraction is asked for
    from kg.extract.rules import rules

    built = Extractor(dataset, rules())
    _BUILT[id(dataset)] = (dataset, built)
    while len(_BUILT) > _KEEP:
        _BUILT.pop(next(iter(_BUILT)))
    return built


def check(dataset: Dataset, source: str) -> None:
    """The folder can be used for extraction with this source id, or a clear error."""
    if dataset.treatments.empty:
        raise InputError("the data folder has no treatments: the extractor's lexicon is the folder's "
                         "treatments.csv and conditions.csv")
    if dataset.conditions.empty:
        raise InputError("the data folder has no conditions: the extractor's lexicon is the folder's "
                         "treatments.csv and conditions.csv")
    if source not in set(dataset.sources["id"].astype(str)):
        known = ", ".join(sorted(dataset.sources["id"].astype(str))[:10])
        raise UnknownIdError("source", source, f"unknown source {source!r}: no source in sources.csv has this id"
                             + (f" (ids: {known}{', ...' if len(dataset.sources) > 10 else ''})" if known else ""))


def extract(dataset: Dataset, text: str, *, source: str,
            min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> pd.DataFrame:
    """Proposed evidence rows for `text`, attributed to `source`: the contract's evidence columns,
    then `confidence`, `char_start`, `char_end` (character offsets of `quote` in `text`),
    `condition_from` and `cues`. Every quote is `text[char_start:char_end]`."""
    if not 0.0 <= min_confidence <= 1.0:
        raise UsageError(f"--min-confidence must be between 0 and 1, not {min_confidence}")
    check(dataset, source)
    if not text.strip():
        raise InputError("the text is empty: there is nothing to extract from")
    frame = extractor(dataset).run(text, source, min_confidence)
    frame["quote"] = [text[s:e] for s, e in zip(frame["char_start"], frame["char_end"], strict=True)]
    return frame


TABLE_COLUMNS = ["id", "treatment", "condition", "effect", "timeframe", "recommendation", "confidence",
                 "condition_from", "summary"]


def render(frame: pd.DataFrame, fmt: str) -> str:
    """`csv` (an evidence.csv, LF line ends), `json` (a list of row objects, empty cells as null) or `table`."""
    if fmt == "csv":
        return str(frame.to_csv(index=False, lineterminator="\n"))
    if fmt == "json":
        records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
        return json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    if fmt == "table":
        from kg.results import format_table

        columns = [c for c in TABLE_COLUMNS if c in frame.columns] or list(frame.columns)
        cells = frame[columns].astype(object).where(frame[columns].notna(), "").astype(str)
        return format_table(columns, cells.values.tolist())
    raise UsageError(f"unknown format {fmt!r}: use csv, json or table")


def suggest_lexicon(dataset: Dataset, text: str) -> pd.DataFrame:
    """Candidate treatments.csv / conditions.csv rows for phrases that sit where a treatment or a condition
    would and are not in the lexicon: `kind, id, label, count, example`."""
    if not text.strip():
        raise InputError("the text is empty: there is nothing to extract from")
    return extractor(dataset).suggest(text)


def read_text(path: str | Path) -> str:
    """A source text file as str (UTF-8, BOM dropped), or an InputError naming the file and the problem."""
    file = Path(path)
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{file}: is a folder, not a text file") from None
    except OSError as err:
        raise InputError(f"{file}: cannot be read: {err.strerror}") from None
    if b"\x00" in data[:65536]:
        raise InputError(f"{file}: looks like a binary file (it holds NUL bytes), not plain text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise InputError(f"{file}:{line}:{column}: not UTF-8 text (byte 0x{data[err.start]:02x})") from None
    if not text.strip():
        raise InputError(f"{file}: the text is empty: there is nothing to extract from")
    return text


__all__ = ["COLUMNS", "DEFAULT_MIN_CONFIDENCE", "EXTRA_COLUMNS", "check", "extract", "extractor", "read_text", "render",
           "suggest_lexicon"]
