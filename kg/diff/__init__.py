"""What changed between two versions of the evidence, and why verdicts moved (`kg diff`, `kg.diff`).

A side is a data folder, a build folder (its graph.nt), a store (`kg build --store`), `REV:PATH` of a
data folder in git, or a loaded dataset. When both sides record their input files (the provenance
block of every build; a folder's files are hashed) and the files are byte for byte the same, the
answer is "same inputs" and no table is read. Otherwise both sides are read and validated, and
compared by `kg.diff.compare`; `kg.diff.report` writes the result as table, csv, json, markdown or html.

>>> import kg
>>> d = kg.diff(kg.load().dataset, kg.load().dataset)
>>> d.different, len(d.statements)
(False, 0)
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kg import provenance
from kg.diff import sides
from kg.diff.compare import (
    CONFLICT_COLUMNS,
    COUNT_COLUMNS,
    ENTITY_COLUMNS,
    STATEMENT_COLUMNS,
    VERDICT_COLUMNS,
    Compared,
    compare,
    empty,
)
from kg.diff.sides import Side, SideError
from kg.model import Dataset

FILE_COLUMNS = ("path", "change", "old_sha256", "new_sha256")


@dataclass
class Diff:
    """The differences from `old` to `new`: one DataFrame per part, and the counts on top.

    `entities`, `statements`, `verdicts`, `conflicts`, `files` are long tables (one row per change, or
    per changed field); `pairs` holds each changed pair's summary before and after; `counts` one row
    per part. `different` is what the exit status of `kg diff` says.
    """

    old: str
    new: str
    old_kind: str
    new_kind: str
    same_inputs: bool
    files: pd.DataFrame
    entities: pd.DataFrame
    statements: pd.DataFrame
    verdicts: pd.DataFrame
    conflicts: pd.DataFrame
    pairs: pd.DataFrame
    words: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    versions: tuple[str | None, str | None] = (None, None)

    @property
    def different(self) -> bool:
        """True when anything differs: an entity, a statement, a verdict, a conflict or a source's text file."""
        texts = ~self.files["path"].isin(provenance.TABLE_FILES).to_numpy() if len(self.files) else []
        return bool(len(self.entities) or len(self.statements) or len(self.verdicts) or len(self.conflicts)
                    or any(texts))

    @property
    def counts(self) -> pd.DataFrame:
        """Per part, how many were added, removed, changed, renamed (statements), appeared or resolved
        (conflicts); NA where a kind of change does not apply."""
        rows = []
        ent = self.entities
        for kind, part in (("source", "sources"), ("condition", "conditions"), ("treatment", "treatments")):
            mine = ent[(ent["kind"] == kind).to_numpy()]
            rows.append({"part": part, **self._by_change(mine, "id", ("added", "removed", "changed"))})
        rows.append({"part": "statements",
                     **self._by_change(self.statements, "id", ("added", "removed", "changed", "renamed"))})
        pairs = self.verdicts.assign(pair=self.verdicts["treatment_id"] + "\x00" + self.verdicts["condition_id"])
        rows.append({"part": "verdicts (pairs)", **self._by_change(pairs, "pair", ("added", "removed", "changed"))})
        rows.append({"part": "conflicts", **self._by_change(self.conflicts, "evidence_a",
                                                             ("appeared", "resolved"), whole_rows=True)})
        rows.append({"part": "input files", **self._by_change(self.files, "path", ("added", "removed", "changed"))})
        frame = pd.DataFrame(rows).reindex(columns=list(COUNT_COLUMNS))
        for column in COUNT_COLUMNS[1:]:
            frame[column] = frame[column].astype("Int64")
        frame["part"] = frame["part"].astype("string")
        return frame

    @staticmethod
    def _by_change(frame: pd.DataFrame, key: str, changes: tuple[str, ...], whole_rows: bool = False
                   ) -> dict[str, int]:
        out = {}
        for change in changes:
            rows = frame[(frame["change"] == change).to_numpy()]
            out[change] = len(rows) if whole_rows else int(rows[key].nunique())
        return out

    def to(self, fmt: str) -> str:
        """The report as text: `table`, `csv`, `json`, `markdown` or `html` (a whole offline page)."""
        from kg.diff import report

        return report.render(self, fmt)

    def _repr_html_(self) -> str:
        """The report for Jupyter: counts, verdict cards and the changes, escaped, with scoped styles."""
        from kg.diff import report

        return report.to_html(self, standalone=False)

    def __repr__(self) -> str:
        state = "same inputs" if self.same_inputs else ("different" if self.different else "no differences")
        return f"<Diff {self.old} -> {self.new}: {state}>"


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
            found = Compared(*(empty(c) for c in _COLUMNS))
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
            found = compare(datasets[0], datasets[1])
        return Diff(a.spec, b.spec, a.kind, b.kind, same, files, found.entities, found.statements,
                    found.verdicts, found.conflicts, found.pairs, found.words, versions)


def _pairs_columns() -> tuple[str, ...]:
    from kg.summary import SUMMARY_COLUMNS

    rest = [c for c in SUMMARY_COLUMNS if c not in ("treatment_id", "condition_id")]
    return ("treatment_id", "condition_id", *(f"{s}_{c}" for c in rest for s in ("old", "new")), "change", "because")


_COLUMNS = (ENTITY_COLUMNS, STATEMENT_COLUMNS, VERDICT_COLUMNS, CONFLICT_COLUMNS, _pairs_columns())

__all__ = ["Diff", "SideError", "diff"]
