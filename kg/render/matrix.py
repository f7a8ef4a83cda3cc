"""The evidence matrix's axes: treatments (rows, grouped by category) x conditions (columns, by hierarchy).

The cells themselves are the summary's pairs; the page draws them, so that
sorting and filtering happen in the browser. Here only the order and the
hierarchy of the axes are decided, by `kg.hierarchy`: rows follow the category
list of the contract, and within a category the treatment hierarchy depth-first
(a narrower treatment under its broader one when both share the category);
columns follow the condition hierarchy depth-first, each with its parent, its
depth and the size of its subtree, so that a condition's narrower conditions
are the `size` columns starting at its own (one slice), and the header can
walk up to group them. Each column stores one parent, not its ancestor path:
a 10,000-level chain stays linear in size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kg.hierarchy import Hierarchy
from kg.model import Dataset
from kg.schema import enum_values


def columns(dataset: Dataset) -> pd.DataFrame:
    """Conditions in hierarchy preorder: `id`, `parent` (NA for a root), `depth`, `size` (subtree, itself included)."""
    c = dataset.conditions
    h = Hierarchy.of(c)
    order = h.preorder
    ids = pd.Series(h.ids.to_numpy(dtype=object)[order], dtype="string")
    parent_row = h.parent[order]
    parent = pd.Series(np.where(parent_row >= 0, h.ids.to_numpy(dtype=object)[np.maximum(parent_row, 0)], None),
                       dtype="string")
    return pd.DataFrame({"id": ids, "parent": parent, "depth": np.maximum(h.depth[order], 0),
                         "size": np.maximum(h.size[order], 1)})


def rows(dataset: Dataset) -> pd.DataFrame:
    """Treatments by category (the contract's order), each category's hierarchy depth-first: `id`, `category`, `depth`.

    A treatment whose broader treatment is in another category starts a tree of its own in its category."""
    t = dataset.treatments
    ids = t["id"].astype(str).reset_index(drop=True)
    category = t["category"].astype(str).reset_index(drop=True)
    parent = t["parent"].astype("string").reset_index(drop=True)
    parent_category = parent.map(pd.Series(category.to_numpy(), index=ids.to_numpy()))
    same = parent.where(parent_category.eq(category).fillna(False).astype(bool))
    h = Hierarchy.from_columns(ids, same)
    rank = pd.Series(range(len(enum_values("category"))), index=enum_values("category"))
    frame = pd.DataFrame({"id": ids, "category": category, "depth": np.maximum(h.depth, 0),
                          "rank": category.map(rank).to_numpy(), "pos": h.position})
    frame = frame.sort_values(["rank", "pos"], kind="stable")
    return frame[["id", "category", "depth"]].reset_index(drop=True)


def axes(dataset: Dataset) -> dict[str, pd.DataFrame]:
    """`rows` (treatments) and `columns` (conditions) in display order."""
    return {"rows": rows(dataset), "columns": columns(dataset)}
