"""The evidence matrix's axes: treatments (rows, grouped by category) x conditions (columns, by hierarchy).

The cells themselves are the summary's pairs; the page draws them, so that
sorting and filtering happen in the browser. Here only the order and the
hierarchy of the axes are decided: rows follow the category list of the
contract, and within a category the treatment hierarchy depth-first (a
narrower treatment under its broader one when both share the category);
columns follow the condition hierarchy depth-first, each with the path of its
broader conditions so the header can group them.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from kg.model import Dataset
from kg.schema import enum_values


def _tree(ids: list[str], parents: list[str | None]) -> tuple[list[str], dict[str, int], dict[str, list[str]]]:
    """Depth-first order, depth and ancestor path (root first) of every id."""
    known = set(ids)
    children: dict[str | None, list[str]] = defaultdict(list)
    parent_of = {}
    for ident, parent in zip(ids, parents, strict=True):
        p = parent if parent in known else None
        parent_of[ident] = p
        children[p].append(ident)
    order: list[str] = []
    depth: dict[str, int] = {}
    path: dict[str, list[str]] = {}
    stack: list[tuple[str, int, list[str]]] = [(i, 0, []) for i in reversed(children[None])]
    while stack:
        ident, d, above = stack.pop()
        if ident in depth:
            continue
        order.append(ident)
        depth[ident] = d
        path[ident] = above
        stack.extend((c, d + 1, [*above, ident]) for c in reversed(children.get(ident, [])))
    for ident in ids:  # defensive: validation rejects cycles
        if ident not in depth:
            order.append(ident)
            depth[ident] = 0
            path[ident] = []
    return order, depth, path


def _parents(frame: pd.DataFrame) -> list[str | None]:
    return [None if pd.isna(p) else str(p) for p in frame["parent"].tolist()]


def axes(dataset: Dataset) -> dict[str, pd.DataFrame]:
    """`rows` (treatments: id, category, depth) and `columns` (conditions: id, depth, path) in display
    order, with depth and hierarchy."""
    t = dataset.treatments
    t_ids = t["id"].astype(str).tolist()
    t_cat = dict(zip(t_ids, t["category"].astype(str).tolist(), strict=True))
    t_parents = dict(zip(t_ids, _parents(t), strict=True))
    rows: list[dict[str, object]] = []
    for category in enum_values("category"):
        members = [i for i in t_ids if t_cat[i] == category]
        inside = set(members)
        order, depth, _ = _tree(members, [t_parents[i] if t_parents[i] in inside else None for i in members])
        rows.extend({"id": i, "category": category, "depth": depth[i]} for i in order)

    c = dataset.conditions
    c_ids = c["id"].astype(str).tolist()
    c_order, c_depth, c_path = _tree(c_ids, _parents(c))
    columns: list[dict[str, object]] = [{"id": i, "depth": c_depth[i], "path": c_path[i]} for i in c_order]
    return {"rows": pd.DataFrame(rows, columns=["id", "category", "depth"]),
            "columns": pd.DataFrame(columns, columns=["id", "depth", "path"])}
