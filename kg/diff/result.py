"""The result of a diff as data: one DataFrame per part, the counts, and whether anything differs."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kg import provenance
from kg.diff.compare import COUNT_COLUMNS


@dataclass
class DiffResult:
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
        texts = bool((~self.files["path"].isin(provenance.TABLE_FILES)).any())
        return bool(len(self.entities) or len(self.statements) or len(self.verdicts) or len(self.conflicts)
                    or texts)

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

    def __repr__(self) -> str:
        state = "same inputs" if self.same_inputs else ("different" if self.different else "no differences")
        return f"<Diff {self.old} -> {self.new}: {state}>"


__all__ = ["DiffResult"]
