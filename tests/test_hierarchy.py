"""The hierarchy module against a brute-force walk of parent pointers, on random forests with cycles."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.hierarchy import Hierarchy


def _chains(ids: list[str], parents: list[str]) -> dict[str, list[str] | None]:
    """Each id's ancestors nearest first, or None when following parents loops."""
    parent_of = dict(zip(ids, parents, strict=True))
    out: dict[str, list[str] | None] = {}
    for ident in ids:
        chain: list[str] = []
        seen = {ident}
        node = parent_of[ident]
        while node in parent_of:
            if node in seen:
                chain = None  # type: ignore[assignment]
                break
            seen.add(node)
            chain.append(node)
            node = parent_of[node]
        out[ident] = chain
    return out


forests = st.integers(0, 25).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(st.integers(-1, max(n - 1, 0)), min_size=n, max_size=n))
)


@settings(max_examples=300, deadline=None)
@given(forests)
def test_matches_brute_force(forest: tuple[int, list[int]]) -> None:
    n, codes = forest
    ids = [f"n{i}" for i in range(n)]
    parents = [f"n{p}" if p >= 0 else "" for p in codes]
    h = Hierarchy.from_columns(ids, parents)
    chains = _chains(ids, parents)
    for row, ident in enumerate(ids):
        chain = chains[ident]
        if chain is None:
            assert h.depth[row] == -1
            continue
        assert h.depth[row] == len(chain)
        assert h.ancestors(ident) == sorted(chain)
        under = sorted(j for j in ids if chains[j] is not None and (j == ident or ident in chains[j]))
        assert h.descendants(ident) == under
    order = h.preorder.tolist()
    assert sorted(order) == list(range(n))
    place = {r: k for k, r in enumerate(order)}
    for row in range(n):
        if h.depth[row] > 0:
            assert place[int(h.parent[row])] < place[row]
        if h.depth[row] >= 0:
            span = sorted(place[ids.index(x)] for x in h.descendants(ids[row]))
            assert span == list(range(place[row], place[row] + len(span)))
    assert len(h.ancestor_pairs()) == sum(len(c) for c in chains.values() if c is not None)


@settings(max_examples=200, deadline=None)
@given(forests)
def test_cycles_once_each(forest: tuple[int, list[int]]) -> None:
    n, codes = forest
    ids = [f"n{i}" for i in range(n)]
    parents = [f"n{p}" if p >= 0 else "" for p in codes]
    cycles = Hierarchy.from_columns(ids, parents).cycles()
    members = [x for c in cycles for x in c]
    assert len(members) == len(set(members))
    for ident in ids:
        node, seen, loops = parents[ids.index(ident)], set(), False
        while node and node not in seen:
            if node == ident:
                loops = True
                break
            seen.add(node)
            node = parents[ids.index(node)]
        assert (ident in members) == loops


def test_long_chain_is_fast_and_linear() -> None:
    n = 10_000
    ids = [f"c{i}" for i in range(n)]
    h = Hierarchy.from_columns(ids, ["", *ids[:-1]])
    assert h.depth[-1] == n - 1
    assert h.preorder.tolist() == list(range(n))
    assert h.descendants("c9998") == ["c9998", "c9999"]
