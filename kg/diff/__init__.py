"""What changed between two versions of the evidence, and why verdicts moved (`kg diff`, `kg.diff`).

A side is a data folder, a build folder (its graph.nt), a store (`kg build --store`), `REV:PATH` of a
data folder in git, or a loaded dataset. When both sides record their input files (the provenance
block of every build; a folder's files are hashed) and the files are byte for byte the same, the
answer is "same inputs" and nothing is compared (a data folder's tables are validated first, once
for both sides, unless a build or store of this version vouches for them). Otherwise both sides are
read and validated, and compared by `kg.diff.compare`; `kg.diff.report` writes the result as table,
csv, json, markdown or html.

>>> import kg
>>> d = kg.diff(kg.load().dataset, kg.load().dataset)
>>> d.different, len(d.statements)
(False, 0)
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pandas as pd

from kg import provenance
from kg.diff import sides
from kg.diff.compare import (
    CONFLICT_COLUMNS,
    ENTITY_COLUMNS,
    STATEMENT_COLUMNS,
    VERDICT_COLUMNS,
    Compared,
    empty,
)
from kg.diff.compare import compare as compare_datasets
from kg.diff.result import DiffResult
from kg.diff.sides import Side, SideError
from kg.model import Dataset

FILE_COLUMNS = ("path", "change", "old_sha256", "new_sha256")


class Diff(DiffResult):
    """The differences from `old` to `new` (see `DiffResult`), able to write itself in every format."""

    def to(self, fmt: str) -> str:
        """The report as text: `table`, `csv`, `json`, `markdown` or `html` (a whole offline page)."""
        from kg.diff import report

        return report.render(self, fmt)

    def _repr_html_(self) -> str:
        """The report for Jupyter: counts, verdict cards and the changes, escaped, with scoped styles."""
        from kg.diff import report

        return report.to_html(self, standalone=False)


def _as_dataset(value: Any) -> Dataset | None:
    if isinstance(value, Dataset):
        return value
    inner = getattr(value, "dataset", None)
    return inner if isinstance(inner, Dataset) else None


@contextlib.contextmanager
def _side(name: str, value: Any) -> Any:
    given = _as_dataset(value)
    if given is not None:
        inputs = provenance.of_dataset(given)
        folder = given.data_dir or Path(".")
        yield Side(name, str(given.data_dir or "(dataset)"), "dataset", Path(folder), inputs=inputs, dataset=given)
        return
    if not isinstance(value, str | Path):
        raise SideError(f"{name}: expected a path, `REV:PATH` or a dataset, not {type(value).__name__}")
    with sides.opened(name, str(value)) as side:
        yield side


def _files(old: Side, new: Side) -> pd.DataFrame:
    if old.inputs is None or new.inputs is None:
        return empty(FILE_COLUMNS)
    rows = [{"path": p, "change": "added" if a is None else "removed" if b is None else "changed",
             "old_sha256": a, "new_sha256": b} for p, a, b in old.inputs.changed(new.inputs)]
    return pd.DataFrame(rows, columns=list(FILE_COLUMNS)).astype("string")


def diff(old: Any, new: Any) -> Diff:
    """What changed from `old` to `new` (each a data folder, build folder, store, `REV:PATH`, or dataset).

    Raises `kg.diff.sides.SideError` (exit code 2) naming the side that cannot be read and why.
    """
    with _side("OLD", old) as a, _side("NEW", new) as b:
        files = _files(a, b)
        versions = (a.inputs.version if a.inputs else None, b.inputs.version if b.inputs else None)
        same = a.inputs is not None and b.inputs is not None and a.inputs.same_files(b.inputs)
        if same:
            _valid_without_comparing(a, b)
            e, s, v, c, p = (empty(columns) for columns in _COLUMNS)
            found = Compared(e, s, v, c, p, {})
        else:
            problems = []
            datasets = []
            for side in (a, b):
                try:
                    datasets.append(sides.read(side))
                except SideError as err:
                    problems.append(str(err))
            if problems:
                raise SideError("\n".join(problems))
            found = compare_datasets(datasets[0], datasets[1])
        return Diff(a.spec, b.spec, a.kind, b.kind, same, files, found.entities, found.statements,
                    found.verdicts, found.conflicts, found.pairs, found.words, versions)


DATA_KINDS = ("data folder", "git revision")
"""Sides whose files are only hashed when located: nothing has said yet that they are valid."""


def _vouches(side: Side) -> bool:
    """A side whose inputs are known valid: a loaded dataset, or a build or store written by this
    version of kg (it validated those very files first; another version may have checked less)."""
    if side.kind == "dataset":
        return True
    return side.kind not in DATA_KINDS and side.inputs is not None \
        and side.inputs.version == provenance.package_version()


def _valid_without_comparing(a: Side, b: Side) -> None:
    """Before answering "same inputs": SideError (exit 2) when a data side is invalid, as when the inputs differ.

    Same bytes on both sides, so one validation speaks for both data sides; none at all is needed
    when the other side is a build or store (or dataset) that vouches for those files.
    """
    data = [side for side in (a, b) if side.kind in DATA_KINDS]
    if not data or any(_vouches(side) for side in (a, b)):
        return
    try:
        sides.read(data[0])
    except SideError as err:
        problems = [str(err)]
        for other in data[1:]:  # the same files, so invalid too: say so with its own paths
            try:
                sides.read(other)
            except SideError as also:
                problems.append(str(also))
        raise SideError("\n".join(problems)) from None


def _pairs_columns() -> tuple[str, ...]:
    from kg.summary import SUMMARY_COLUMNS

    rest = [c for c in SUMMARY_COLUMNS if c not in ("treatment_id", "condition_id")]
    return ("treatment_id", "condition_id", *(f"{s}_{c}" for c in rest for s in ("old", "new")), "change", "because")


_COLUMNS = (ENTITY_COLUMNS, STATEMENT_COLUMNS, VERDICT_COLUMNS, CONFLICT_COLUMNS, _pairs_columns())

__all__ = ["Diff", "DiffResult", "SideError", "diff"]
