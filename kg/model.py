"""Validated tables with proper dtypes: what every later stage reads.

Enums are categoricals, `year` a nullable integer, everything else nullable
strings (NA where the CSV says nothing). Multi-valued cells stay one string
with items trimmed and joined by '|', so a million rows stay columns, not
lists.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd

from kg.atomic import recover
from kg.csvread import RawTable, read_folder
from kg.hierarchy import Hierarchy
from kg.problems import Problem, ValidationError
from kg.schema import ENUMS, TABLES, Kind, Table, enum_values
from kg.validate import sort_problems, validate_tables


def enum_dtype(key: str) -> pd.CategoricalDtype:
    return pd.CategoricalDtype(enum_values(key), ordered=False)


@dataclass(frozen=True)
class Dataset:
    """The four contract tables of one data folder, validated and typed."""

    sources: pd.DataFrame
    conditions: pd.DataFrame
    treatments: pd.DataFrame
    evidence: pd.DataFrame
    data_dir: Path | None = None
    extra_columns: dict[str, list[str]] = field(default_factory=dict)
    _hierarchies: dict[str, Hierarchy] = field(init=False, default_factory=dict, repr=False, compare=False)
    """One Hierarchy per table, made on first use (a `dataclasses.replace` copy starts empty)."""

    def table(self, name: str) -> pd.DataFrame:
        frame: pd.DataFrame = getattr(self, name)
        return frame

    def hierarchy(self, table: str) -> Hierarchy:
        """The `parent` tree of `table` ("conditions" or "treatments"), computed once per dataset.

        >>> from kg.model import bundled_data_dir, read_valid
        >>> read_valid(bundled_data_dir()).hierarchy("treatments").descendants("nsaids")
        ['ibuprofen', 'ketorolac', 'naproxen', 'nsaids', 'sulindac']
        """
        found = self._hierarchies.get(table)
        if found is None:
            found = self._hierarchies[table] = Hierarchy.of(self.table(table))
        return found

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: self.table(name) for name in TABLES}

    @classmethod
    def from_frames(
        cls, frames: dict[str, pd.DataFrame], data_dir: Path | None, extra_columns: dict[str, list[str]]
    ) -> Dataset:
        """A dataset from typed frames keyed by table name."""
        return cls(
            sources=frames["sources"],
            conditions=frames["conditions"],
            treatments=frames["treatments"],
            evidence=frames["evidence"],
            data_dir=data_dir,
            extra_columns=extra_columns,
        )


def _blank_to_na(values: pd.Series) -> pd.Series:
    """Strings with NA where the CSV says nothing."""
    text = values.astype("string")
    return text.mask(text == "")


def typed_frame(table: Table, frame: pd.DataFrame, header: list[str]) -> pd.DataFrame:
    """Contract columns first (all of them, absent ones as NA), then extra columns in file order."""
    out: dict[str, pd.Series] = {}
    n = len(frame)
    for col in table.columns:
        values = frame[col.name] if col.name in frame else pd.Series([""] * n, dtype="string")
        values = _blank_to_na(values)
        if col.multi:
            values = values.str.replace(r"\s*\|\s*", "|", regex=True)
        if col.kind is Kind.ENUM and col.enum:
            out[col.name] = values.astype(enum_dtype(col.enum))
        elif col.kind is Kind.YEAR:
            out[col.name] = pd.to_numeric(values, errors="coerce").astype("Int64")
        else:
            out[col.name] = values
    known = set(table.column_names)
    for name in header:
        if name not in known:
            out[name] = _blank_to_na(frame[name])
    result = pd.DataFrame(out)
    result.index = pd.RangeIndex(n)
    return result


BATCH_ROWS = 5_000
"""Rows handled at a time by the writers of large outputs (N-Triples, GraphML, the page's JSON), so
their memory stays flat however large a table is."""


def row_batches(frame: pd.DataFrame, rows: int = BATCH_ROWS) -> Iterator[tuple[int, pd.DataFrame]]:
    """Consecutive slices of at most `rows` rows, each with the position of its first row."""
    for start in range(0, len(frame), rows):
        yield start, frame.iloc[start : start + rows]


def bundled_data_dir() -> Path:
    """The curated data folder: `data/` of a source checkout, else the copy inside the package."""
    checkout = Path(__file__).resolve().parent.parent / "data"
    if (checkout / "evidence.csv").is_file():
        return checkout
    return Path(str(resources.files("kg").joinpath("data")))


def read(data_dir: str | Path) -> tuple[Dataset | None, list[Problem]]:
    """Read and validate a data folder: the dataset, or every problem found.

    An import a killed `kg import` left mid-swap is settled first (`kg.atomic.recover`), so the
    folder read holds the four tables of one import, never a mix.
    """
    folder = Path(data_dir)
    recover(folder)
    tables, problems = read_folder(folder)
    problems = problems + validate_tables(folder, tables)
    if problems:
        return None, sort_problems(problems)
    return from_raw(folder, tables), []


def from_raw(folder: Path | None, tables: dict[str, RawTable]) -> Dataset:
    frames = {name: typed_frame(raw.table, raw.frame, raw.header) for name, raw in tables.items()}
    extras = {name: raw.extra_columns for name, raw in tables.items()}
    return Dataset.from_frames(frames, folder, extras)


def read_valid(data_dir: str | Path) -> Dataset:
    """Read a data folder, raising ValidationError listing every problem."""
    dataset, problems = read(data_dir)
    if dataset is None:
        raise ValidationError(problems)
    return dataset


__all__ = ["BATCH_ROWS", "ENUMS", "Dataset", "bundled_data_dir", "enum_dtype", "read", "read_valid", "row_batches",
           "typed_frame"]
