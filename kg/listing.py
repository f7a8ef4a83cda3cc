"""What ids there are: the treatments, conditions and sources of a Dataset, flat or as a tree (`kg list`).

Each row has the entity's id, label (a source's title), synonyms, parent and the number of
statements about it; `tree` gives the same rows in hierarchy order with an indented `tree`
column drawn with box-drawing guides, so the table writer can show it like any other column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kg.errors import UsageError
from kg.hierarchy import NONE, Hierarchy
from kg.model import Dataset

LISTS: dict[str, tuple[str, str]] = {
    # what `kg list` takes: (table, the evidence column that refers to it)
    "treatments": ("treatments", "treatment"),
    "conditions": ("conditions", "condition"),
    "sources": ("sources", "source"),
}
TREES: tuple[str, ...] = ("treatments", "conditions")
"""The lists that have a hierarchy (a `parent` column)."""


def entities(dataset: Dataset, what: str) -> pd.DataFrame:
    """One row per entity: id, label, synonyms, parent (sources: id, label, type, year), then any
    kind-specific column (a treatment's category), then `statements`: how many statements are
    about it directly (as the statement's treatment, condition or source). Sorted by id."""
    if what not in LISTS:
        raise UsageError(f"cannot list {what!r}; choose one of: {', '.join(LISTS)}")
    table, column = LISTS[what]
    frame = dataset.table(table)
    counts = dataset.evidence[column].value_counts()
    statements = frame["id"].map(counts).fillna(0).astype("int64")
    if what == "sources":
        out = pd.DataFrame({"id": frame["id"], "label": frame["title"], "type": frame["type"],
                            "year": frame["year"]})
    else:
        out = pd.DataFrame({"id": frame["id"], "label": frame["label"], "synonyms": frame["synonyms"],
                            "parent": frame["parent"]})
        if what == "treatments":
            out["category"] = frame["category"]
    out["statements"] = statements.to_numpy()
    return out.sort_values("id", kind="stable").reset_index(drop=True)


def tree(dataset: Dataset, what: str) -> pd.DataFrame:
    """`entities` in hierarchy order (children under their parent, each level by id): a `tree` column
    of ids indented under their parents with guides (├─, └─, │) in place of `id` and `parent`, and
    `total`: the statements about it and about everything under it."""
    if what not in TREES:
        raise UsageError(f"{what} have no hierarchy: `kg list {what}` without --tree lists them")
    flat = entities(dataset, what)  # sorted by id, so siblings come in id order
    h = Hierarchy.from_columns(flat["id"], flat["parent"])
    order = h.preorder
    depth = h.depth[order]
    parent = h.parent[order]
    # a row is the last of its siblings when no later row in preorder has the same parent
    last = ~pd.Series(parent).duplicated(keep="last").to_numpy()
    guides: list[str] = []
    open_levels: list[bool] = []  # per depth: does the ancestor at that depth have siblings still to come?
    for d, is_last, p in zip(depth.tolist(), last.tolist(), parent.tolist(), strict=True):
        d = max(d, 0)
        del open_levels[d:]
        if p == NONE:
            guides.append("")
        else:
            lead = "".join("│  " if more else "   " for more in open_levels[1:d])
            guides.append(lead + ("└─ " if is_last else "├─ "))
        open_levels.append(not is_last)
    total = flat["statements"].to_numpy(dtype="int64").copy()
    for level in reversed(h.levels[1:]):  # deepest first: each level adds its totals to its parents
        np.add.at(total, h.parent[level], total[level])
    out = flat.iloc[order].reset_index(drop=True)
    out.insert(0, "tree", [g + i for g, i in zip(guides, out["id"].astype(str), strict=True)])
    out["total"] = total[order]
    return out.drop(columns=["id", "parent"])


__all__ = ["LISTS", "TREES", "entities", "tree"]
