"""The treatment and condition hierarchies: trees read from a table's `parent` column.

This is the one place the hierarchy is walked: cycles (validation), narrower and broader
sets (summary, notebooks, the page), preorder and depth (matrix, layout), ancestor pairs
(conflicts across the hierarchy). Everything is numpy on row numbers, level by level, so
a table of a million rows is a few dozen array operations, not a million Python steps.

It imports only the standard library, numpy and pandas, so that validation and the
Dataset can both use it.

>>> h = Hierarchy.from_columns(["back", "sciatica", "hip", "radicular"], ["", "back", "", "sciatica"])
>>> h.descendants("back")
['back', 'radicular', 'sciatica']
>>> h.ancestors("radicular")
['back', 'sciatica']
>>> [h.ids[i] for i in h.preorder], h.depth.tolist()
(['back', 'sciatica', 'radicular', 'hip'], [0, 1, 0, 2])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

NONE = -1
"""Parent code of a root (no parent, or a parent that is not an id of the table)."""


def _blank(values: pd.Series) -> pd.Series:
    text = values.astype(object).where(values.notna(), "")
    return text.astype(str).str.strip()


@dataclass(frozen=True)
class Hierarchy:
    """A forest over the rows of one table. `parent[i]` is the row of row i's parent, or NONE.

    Rows on a cycle, or under one, are unreachable from any root: their `depth` is -1 and
    they come last in `preorder`. A validated Dataset has none.
    """

    ids: pd.Index
    parent: np.ndarray

    @classmethod
    def from_columns(cls, ids: Sequence[str] | pd.Series, parents: Sequence[str | None] | pd.Series) -> Hierarchy:
        """From an id column and a parent column (blank, NA or unknown parent: a root).

        Duplicate ids keep their first row as the target of parent references.
        """
        id_series = _blank(pd.Series(list(ids) if not isinstance(ids, pd.Series) else ids, dtype=object))
        parent_series = _blank(
            pd.Series(list(parents) if not isinstance(parents, pd.Series) else parents, dtype=object)
        )
        index = pd.Index(id_series.to_numpy(dtype=object))
        lookup = index if index.is_unique else pd.Index(id_series.drop_duplicates().to_numpy(dtype=object))
        codes = lookup.get_indexer(parent_series.to_numpy(dtype=object))
        if not index.is_unique:
            first = pd.Series(np.arange(len(index)), index=index)
            first = first[~first.index.duplicated()]
            codes = np.where(codes >= 0, first.to_numpy()[np.maximum(codes, 0)], NONE)
        codes = np.where(parent_series.to_numpy(dtype=object) == "", NONE, codes)
        return cls(index, np.asarray(codes, dtype=np.int64))

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Hierarchy:
        """From a table with `id` and (optionally) `parent` columns."""
        parents = frame["parent"] if "parent" in frame else pd.Series([""] * len(frame), dtype=object)
        return cls.from_columns(frame["id"], parents)

    def __len__(self) -> int:
        return len(self.parent)

    # ------------------------------------------------------------------ structure

    @cached_property
    def _children(self) -> tuple[np.ndarray, np.ndarray]:
        """CSR of children: rows sorted by parent (file order within a parent) and each row's start."""
        n = len(self.parent)
        has = self.parent >= 0
        rows = np.flatnonzero(has)
        order = rows[np.argsort(self.parent[rows], kind="stable")]
        counts = np.bincount(self.parent[rows], minlength=n) if n else np.zeros(0, dtype=np.int64)
        start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        return order, start

    def children_of(self, rows: np.ndarray) -> np.ndarray:
        """All children of `rows` (rows given as row numbers), grouped by parent in the order given."""
        order, start = self._children
        lo, hi = start[rows], start[rows + 1]
        counts = hi - lo
        total = int(counts.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        offsets = np.repeat(lo - (np.cumsum(counts) - counts), counts) + np.arange(total)
        return order[offsets]

    @cached_property
    def levels(self) -> list[np.ndarray]:
        """Rows by depth: roots (in file order), then their children, and so on."""
        level = np.flatnonzero(self.parent < 0)
        out = []
        seen = np.zeros(len(self.parent), dtype=bool)
        while len(level):
            seen[level] = True
            out.append(level)
            level = self.children_of(level)
            level = level[~seen[level]]
        return out

    @cached_property
    def depth(self) -> np.ndarray:
        """Distance from the root (0 for a root); -1 for rows on or under a cycle."""
        depth = np.full(len(self.parent), -1, dtype=np.int64)
        for d, level in enumerate(self.levels):
            depth[level] = d
        return depth

    @cached_property
    def root(self) -> np.ndarray:
        """Each row's root row; -1 for rows on or under a cycle."""
        root = np.full(len(self.parent), -1, dtype=np.int64)
        for d, level in enumerate(self.levels):
            root[level] = level if d == 0 else root[self.parent[level]]
        return root

    @cached_property
    def size(self) -> np.ndarray:
        """Rows in each row's subtree, itself included (0 for rows on or under a cycle)."""
        size = np.zeros(len(self.parent), dtype=np.int64)
        for level in self.levels:
            size[level] = 1
        for level in reversed(self.levels[1:]):
            np.add.at(size, self.parent[level], size[level])
        return size

    @cached_property
    def position(self) -> np.ndarray:
        """Each row's place in `preorder`."""
        pos = np.full(len(self.parent), -1, dtype=np.int64)
        size = self.size
        roots = self.levels[0] if self.levels else np.zeros(0, dtype=np.int64)
        pos[roots] = np.cumsum(size[roots]) - size[roots]
        for level in self.levels[1:]:
            # level rows arrive grouped by parent, file order within a parent
            parents = self.parent[level]
            sizes = size[level]
            before = np.cumsum(sizes) - sizes
            group_start = np.r_[True, parents[1:] != parents[:-1]]
            first = np.maximum.accumulate(np.where(group_start, np.arange(len(level)), 0))
            offset = before - before[first]
            pos[level] = pos[parents] + 1 + offset
        reached = int(size[roots].sum())
        unreached = np.flatnonzero(pos < 0)
        pos[unreached] = reached + np.arange(len(unreached))
        return pos

    @cached_property
    def preorder(self) -> np.ndarray:
        """Rows depth first, siblings in file order; rows on or under a cycle last, in file order."""
        order = np.empty(len(self.parent), dtype=np.int64)
        order[self.position] = np.arange(len(self.parent))
        return order

    # ------------------------------------------------------------------ lookups by id

    def rows(self, ids: Iterable[str]) -> np.ndarray:
        """Row numbers of `ids` (KeyError naming the first unknown one)."""
        wanted = list(ids)
        codes = self.ids.get_indexer(pd.Index(wanted, dtype=object)) if self.ids.is_unique else np.array(
            [self.ids.get_loc(i) if i in self.ids else -1 for i in wanted], dtype=np.int64)
        missing = np.flatnonzero(codes < 0)
        if len(missing):
            raise KeyError(wanted[int(missing[0])])
        return np.asarray(codes, dtype=np.int64)

    def descendant_rows(self, rows: np.ndarray) -> np.ndarray:
        """`rows` and every row under them, sorted, without repeats."""
        pos, size = self.position, self.size
        reached = size[rows] > 0
        spans = [self.preorder[pos[r] : pos[r] + size[r]] for r in rows[reached].tolist()]
        found = np.concatenate([rows, *spans]) if spans else rows
        return np.unique(found)

    def descendants(self, *ids: str) -> list[str]:
        """The ids themselves and every id under them, sorted (KeyError for an unknown id)."""
        return sorted(self.ids[self.descendant_rows(self.rows(ids))].tolist())

    def ancestor_rows(self, rows: np.ndarray) -> np.ndarray:
        """Every row above `rows` (not the rows themselves), sorted, without repeats."""
        found = []
        seen = np.zeros(len(self.parent), dtype=bool)
        frontier = self.parent[rows]
        while len(frontier):
            frontier = np.unique(frontier[frontier >= 0])
            frontier = frontier[~seen[frontier]]
            seen[frontier] = True
            found.append(frontier)
            frontier = self.parent[frontier]
        return np.flatnonzero(seen)

    def ancestors(self, *ids: str) -> list[str]:
        """Every id above the given ones, sorted (KeyError for an unknown id)."""
        return sorted(self.ids[self.ancestor_rows(self.rows(ids))].tolist())

    def ancestor_pairs(self) -> pd.DataFrame:
        """Every (row, ancestor row, distance ≥ 1) as a frame with columns `row`, `ancestor`, `distance`.

        Its length is the sum of all depths: linear for bushy trees, quadratic for one long chain,
        so callers on open-ended data should check `int(self.depth.clip(0).sum())` first.
        """
        rows: list[np.ndarray] = []
        ancestors: list[np.ndarray] = []
        distances: list[np.ndarray] = []
        current = np.flatnonzero((self.parent >= 0) & (self.depth > 0))
        up = self.parent[current]
        distance = 1
        while len(current):
            rows.append(current)
            ancestors.append(up)
            distances.append(np.full(len(current), distance, dtype=np.int64))
            keep = self.parent[up] >= 0
            current, up = current[keep], self.parent[up[keep]]
            distance += 1
        if not rows:
            return pd.DataFrame({"row": [], "ancestor": [], "distance": []}, dtype=np.int64)
        return pd.DataFrame(
            {"row": np.concatenate(rows), "ancestor": np.concatenate(ancestors), "distance": np.concatenate(distances)}
        )

    # ------------------------------------------------------------------ cycles

    def cycles(self) -> list[list[str]]:
        """Each parent cycle once, as its ids starting from the smallest, in parent order."""
        n = len(self.parent)
        if n == 0:
            return []
        unreached = self.depth < 0
        if not unreached.any():
            return []
        # Pointer doubling over the unreached rows: after log2(n) squarings every row sits on a cycle.
        up = np.where(unreached, self.parent, np.arange(n))
        up = np.where(up < 0, np.arange(n), up)
        for _ in range(int(np.ceil(np.log2(n + 1))) + 1):
            up = up[up]
        on_cycle = np.zeros(n, dtype=bool)
        on_cycle[up[unreached]] = True
        cycles: list[list[str]] = []
        seen = np.zeros(n, dtype=bool)
        ids = self.ids.to_numpy(dtype=object)
        for start in np.flatnonzero(on_cycle).tolist():
            if seen[start]:
                continue
            members = [start]
            node = int(self.parent[start])
            while node != start:
                members.append(node)
                node = int(self.parent[node])
            seen[members] = True
            names = [str(ids[m]) for m in members]
            first = names.index(min(names))
            cycles.append(names[first:] + names[:first])
        return sorted(cycles)


__all__ = ["NONE", "Hierarchy"]
