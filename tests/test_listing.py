"""`kg list`'s tables: every entity once, its statement count, and the hierarchy drawn as a tree."""

from __future__ import annotations

from pathlib import Path

import pytest

import kg
from kg import listing
from kg.errors import UsageError
from kg.hierarchy import Hierarchy

NAMES = Path(__file__).resolve().parent / "data" / "resolve-names"


@pytest.fixture(scope="module")
def g() -> kg.EvidenceGraph:
    return kg.load()


@pytest.mark.parametrize("what", ["treatments", "conditions", "sources"])
def test_every_entity_once_with_its_statement_count(g: kg.EvidenceGraph, what: str) -> None:
    rows = listing.entities(g.dataset, what)
    table = g.dataset.table(what)
    assert sorted(rows["id"]) == sorted(table["id"]) == rows["id"].tolist()
    column = what[:-1]
    for ident, n in zip(rows["id"], rows["statements"], strict=True):
        assert n == int((g.evidence[column] == ident).sum())
    assert list(rows.columns[:2]) == ["id", "label"]
    if what != "sources":
        assert {"synonyms", "parent"} <= set(rows.columns)


def test_tree_puts_children_under_their_parent_with_guides(g: kg.EvidenceGraph) -> None:
    rows = listing.tree(g.dataset, "conditions")
    ids = [t.split("─ ")[-1] for t in rows["tree"]]
    assert sorted(ids) == sorted(g.conditions["id"])
    parents = g.conditions.set_index("id")["parent"].astype(object).where(g.conditions.set_index("id")["parent"].notna(), None)
    h = Hierarchy.of(g.conditions)
    for pos, (ident, drawn) in enumerate(zip(ids, rows["tree"], strict=True)):
        parent = parents[ident]
        if parent is None:
            assert drawn == ident  # a root: no guide
            continue
        assert drawn.endswith(("├─ " + ident, "└─ " + ident))
        assert ids.index(str(parent)) < pos  # under its parent
        # └─ exactly when no later sibling follows
        later = [i for i in ids[pos + 1:] if parents[i] == parent]
        assert drawn.endswith("└─ " + ident) == (not later)
    # total counts the statements about it and everything under it
    for ident, total in zip(ids, rows["total"], strict=True):
        under = h.descendants(ident)
        assert total == int(g.evidence["condition"].isin(under).sum())


def test_deeper_levels_keep_the_vertical_guides(g: kg.EvidenceGraph) -> None:
    drawn = listing.tree(g.dataset, "treatments")["tree"].tolist()
    three = [t for t in drawn if t.startswith(("│  ├─ ", "│  └─ ", "   ├─ ", "   └─ "))]
    assert three, "the bundled treatments have three levels"
    assert all(len(t.split("─ ")[-1]) > 0 for t in drawn)


def test_sources_have_no_tree_and_unknown_lists_are_usage_errors() -> None:
    dataset = kg.load(NAMES).dataset
    with pytest.raises(UsageError, match="sources have no hierarchy"):
        listing.tree(dataset, "sources")
    with pytest.raises(UsageError, match="cannot list 'patients'; choose one of: treatments, conditions, sources"):
        listing.entities(dataset, "patients")
