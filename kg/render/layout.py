"""Positions for large graphs, computed once in Python so the browser draws with physics off.

vis-network's physics simulation is pleasant on a few hundred nodes and
unusable on thousands (every frame is O(n log n) and stabilising takes
minutes). Above the page's threshold the nodes get fixed positions here:

1. conditions form one cluster per tree of their hierarchy, on a sunflower
   (golden-angle spiral) in depth-first order, so a subtree stays together;
   the clusters are placed with networkx's spring layout of "shares a
   treatment" links (up to 499 clusters), or packed on a sunflower, biggest
   in the middle, then pushed apart until they do not overlap (neighbours
   found through a grid, so a round is O(n log n));
2. each treatment is anchored at the mean position of the conditions it has
   statements about (weighted by statements), and the treatments sharing an
   anchor are spread around it on a sunflower; treatments without statements
   follow their broader or narrower treatment;
3. then every node takes the free cell of a square lattice nearest to where
   it wants to be (conditions first, reserving room for their labels, then
   treatments with most statements first), so no two nodes overlap;
4. sources sit on an outer ring, each at the angle of the treatments it is
   cited for.

Everything but the lattice step works on whole columns; the lattice step is
one dictionary probe per node (nodes wanting the same cell resume the search
where the last one stopped). 20,000 nodes take about 0.3 s.
"""

from __future__ import annotations

import math
from functools import cache

import networkx as nx
import numpy as np
import pandas as pd

from kg.hierarchy import Hierarchy
from kg.model import Dataset
from kg.vocab import node_keys

SPACING = 60.0
"""Pixels between neighbouring treatments of one cluster."""
_GOLDEN = math.pi * (3 - math.sqrt(5))
_DENSE_LIMIT = 499


def _sunflower(count: int, step: float, offset: int = 0) -> np.ndarray:
    return _spiral(np.arange(offset, offset + count, dtype=float), step)


def _spiral(i: np.ndarray, step: float) -> np.ndarray:
    """Slot `i` of a sunflower spiral: evenly spread points, slot 0 in the middle."""
    r = step * np.sqrt(i + 0.5)
    theta = i * _GOLDEN
    return np.column_stack([r * np.cos(theta), r * np.sin(theta)])


def _near_pairs(xy: np.ndarray, reach: float) -> np.ndarray:
    """Index pairs (i, j) of points closer than `reach`, each pair once, found through a grid of
    `reach`-sized cells: only points in the same or a neighbouring cell are compared."""
    cell = np.floor(xy / reach).astype(np.int64)
    cell -= cell.min(axis=0)
    width = int(cell[:, 1].max()) + 3
    key = cell[:, 0] * width + cell[:, 1]
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    found = []
    for dx, dy in ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1)):  # half the neighbourhood: each pair once
        target = key + dx * width + dy
        lo = np.searchsorted(ordered, target, "left")
        counts = np.searchsorted(ordered, target, "right") - lo
        i = np.repeat(np.arange(len(xy)), counts)
        j = order[np.repeat(lo - (np.cumsum(counts) - counts), counts) + np.arange(int(counts.sum()))]
        keep = i < j if (dx, dy) == (0, 0) else np.ones(len(i), dtype=bool)
        i, j = i[keep], j[keep]
        d = xy[i] - xy[j]
        close = np.hypot(d[:, 0], d[:, 1]) < reach
        found.append(np.column_stack([i[close], j[close]]))
    return np.concatenate(found)


def _separate(centres: np.ndarray, radii: np.ndarray, rounds: int = 60) -> np.ndarray:
    """Push overlapping discs apart, a few rounds, until less than a pixel overlaps.

    Neighbours come from a grid (`_near_pairs`), so a round costs O(n log n) rather than O(n²).
    """
    xy = np.array(centres, dtype=float)
    if len(xy) < 2:
        return xy
    reach = 2.0 * float(radii.max())
    for _ in range(rounds):
        pairs = _near_pairs(xy, reach)
        if not len(pairs):
            break
        i, j = pairs[:, 0], pairs[:, 1]
        delta = xy[i] - xy[j]
        dist = np.hypot(delta[:, 0], delta[:, 1])
        overlap = radii[i] + radii[j] - dist
        hit = overlap > 1.0
        if not hit.any():
            break
        i, j, delta, dist, overlap = i[hit], j[hit], delta[hit], dist[hit], overlap[hit]
        # Coincident points: split them along a fixed direction that depends on the pair.
        same = dist < 1e-6
        if same.any():
            angle = (i[same] * 7 + j[same] * 13) * _GOLDEN
            delta[same] = np.column_stack([np.cos(angle), np.sin(angle)])
            dist[same] = 1.0
        push = delta * (0.5 * overlap / dist)[:, None]
        move = np.zeros_like(xy)
        np.add.at(move, i, push)
        np.add.at(move, j, -push)
        xy += move
    return xy


@cache
def _lattice(count: int) -> list[tuple[int, int]]:
    """At least `count` lattice offsets, nearest first (ties in a fixed order)."""
    r = math.isqrt(max(count, 1)) + 2
    grid = np.mgrid[-r : r + 1, -r : r + 1].reshape(2, -1).T
    d = grid[:, 0] ** 2 + grid[:, 1] ** 2
    order = np.lexsort((grid[:, 1], grid[:, 0], d))
    return [(int(a), int(b)) for a, b in grid[order]]


def _settle(want: np.ndarray, order: np.ndarray, cell: float, taken: set[tuple[int, int]],
            wide: bool = False) -> np.ndarray:
    """Move each point (in `order`) to the free cell of a square lattice nearest to where it wants to be.

    Points that want the same cell continue the search where the previous one stopped, so a pile
    of k points costs O(k) probes, not O(k²). `wide` points (condition boxes, whose labels run
    sideways) also reserve the cells to their left and right.
    """
    out = np.empty_like(want)
    if not len(want):
        return out
    offsets = _lattice(1024)
    snapped = np.round(want / cell).astype(np.int64).tolist()
    resume: dict[tuple[int, int], int] = {}
    for i in order.tolist():
        gx, gy = snapped[i]
        k = resume.get((gx, gy), 0)
        while True:
            if k >= len(offsets):
                offsets = _lattice(4 * len(offsets))
            dx, dy = offsets[k]
            spot = (gx + dx, gy + dy)
            k += 1
            if spot in taken:
                continue
            if not wide or ((spot[0] - 1, spot[1]) not in taken and (spot[0] + 1, spot[1]) not in taken):
                break
        resume[(gx, gy)] = k
        taken.add(spot)
        if wide:
            taken.update(((spot[0] - 1, spot[1]), (spot[0] + 1, spot[1])))
        out[i] = (spot[0] * cell, spot[1] * cell)
    return out


def _cluster_centres(roots: np.ndarray, radii: np.ndarray, links: pd.DataFrame) -> np.ndarray:
    """Cluster centres: spring layout of the weighted `links` (root_x, root_y, n), or a sunflower."""
    k = len(roots)
    if 2 < k <= _DENSE_LIMIT and len(links) >= k / 2:
        graph = nx.Graph()
        graph.add_nodes_from(range(k))
        graph.add_weighted_edges_from(zip(links["root_x"].tolist(), links["root_y"].tolist(),
                                          links["n"].astype(float).tolist(), strict=True))
        unit = nx.spring_layout(graph, seed=7, iterations=80, scale=1.0, method="force")
        start = np.array([unit[r] for r in range(k)], dtype=float) * math.sqrt(float((radii**2).sum()))
    else:
        rank = np.argsort(-radii, kind="stable")
        start = np.empty((k, 2))
        start[rank] = _sunflower(k, 1.2 * float(radii.mean()) if k else 1.0)
    return _separate(start, radii * 1.05)


def position_frame(dataset: Dataset, *, spacing: float = SPACING) -> pd.DataFrame:
    """A position (`x`, `y` in pixels) for every node `key` (`KIND:ID`): conditions, treatments, sources."""
    c = dataset.conditions
    t = dataset.treatments
    s = dataset.sources
    c_ids = c["id"].astype(str).reset_index(drop=True)
    t_ids = t["id"].astype(str).reset_index(drop=True)
    n_c, n_t = len(c), len(t)
    ev = pd.DataFrame({
        "t": pd.Index(t_ids).get_indexer(pd.Index(dataset.evidence["treatment"].astype(str))),
        "c": pd.Index(c_ids).get_indexer(pd.Index(dataset.evidence["condition"].astype(str))),
        "s": pd.Index(s["id"].astype(str)).get_indexer(pd.Index(dataset.evidence["source"].astype(str))),
    })

    # 1. condition clusters, one per hierarchy tree
    c_tree = Hierarchy.of(c)
    c_root = np.where(c_tree.root >= 0, c_tree.root, np.arange(n_c))
    roots, cluster = np.unique(c_root, return_inverse=True)
    order = c_tree.preorder
    slot = np.empty(n_c, dtype=np.int64)
    slot[order] = pd.Series(cluster[order]).groupby(cluster[order]).cumcount().to_numpy()
    ev["k"] = cluster[ev["c"].to_numpy()] if n_c else 0
    step = spacing * 2.2
    main = ev.groupby(["t", "k"]).size().reset_index(name="n")
    main = main.sort_values(["n", "t", "k"], ascending=[False, True, True])
    home = main.drop_duplicates("t")
    sizes = np.bincount(cluster, minlength=len(roots)).astype(float)
    n_treated = np.bincount(home["k"].to_numpy(), minlength=len(roots)).astype(float)
    radii = np.sqrt(sizes * step**2 + n_treated * spacing**2) + spacing
    tk = main[["t", "k"]].drop_duplicates()
    both = tk.merge(tk, on="t")
    links = both[both["k_x"] < both["k_y"]].groupby(["k_x", "k_y"]).size().reset_index(name="n")
    links = links.rename(columns={"k_x": "root_x", "k_y": "root_y"})
    centres = _cluster_centres(roots, radii, links) if len(roots) else np.zeros((0, 2))
    c_xy = centres[cluster] + _spiral(slot.astype(float), step) if n_c else np.zeros((0, 2))

    # 2. treatments around the conditions they have statements about
    pairs = ev.groupby(["t", "c"]).size().reset_index(name="n")
    w = pairs["n"].to_numpy(dtype=float)
    sums = pd.DataFrame({"t": pairs["t"], "x": c_xy[pairs["c"], 0] * w, "y": c_xy[pairs["c"], 1] * w, "w": w})
    sums = sums.groupby("t")[["x", "y", "w"]].sum()
    anchor = np.full((n_t, 2), np.nan)
    anchor[sums.index.to_numpy()] = (sums[["x", "y"]].to_numpy() / sums[["w"]].to_numpy())
    t_parent = Hierarchy.of(t).parent
    child = np.flatnonzero(t_parent >= 0)
    related = pd.DataFrame({"a": np.concatenate([child, t_parent[child]]),
                            "b": np.concatenate([t_parent[child], child])})
    for _ in range(n_t):  # treatments without statements follow a related one that has a position
        missing = np.isnan(anchor[:, 0])
        if not missing.any() or related.empty:
            break
        known = related[missing[related["a"].to_numpy()] & ~missing[related["b"].to_numpy()]]
        if known.empty:
            break
        mean = pd.DataFrame(anchor[known["b"].to_numpy()], columns=["x", "y"]).groupby(known["a"].to_numpy()).mean()
        anchor[mean.index.to_numpy()] = mean.to_numpy()
    extent = float(np.hypot(c_xy[:, 0], c_xy[:, 1]).max()) if n_c else 0.0
    radius = extent + 3 * spacing
    lost = np.flatnonzero(np.isnan(anchor[:, 0]))  # unrelated and without statements: a ring outside
    angle = 2 * math.pi * np.arange(len(lost)) / max(len(lost), 1)
    anchor[lost] = np.column_stack([1.15 * radius * np.cos(angle), 1.15 * radius * np.sin(angle)])
    # 3. every node takes the free lattice cell nearest to where it wants to be: nothing overlaps
    weight = np.bincount(ev["t"].to_numpy(), minlength=n_t) if n_t else np.zeros(0, dtype=np.int64)
    cell = 1.5 * spacing
    taken: set[tuple[int, int]] = set()
    c_xy = _settle(c_xy, np.arange(n_c), cell, taken, wide=True)
    t_xy = _settle(anchor, np.lexsort((np.arange(n_t), -weight)), cell, taken)
    xy = np.vstack([c_xy, t_xy])

    # 4. sources on an outer ring, at the angle of the treatments they are cited for
    cited = ev[["s", "t"]].drop_duplicates()
    mean = pd.DataFrame(t_xy[cited["t"]], columns=["x", "y"]).groupby(cited["s"].to_numpy()).mean()
    s_angle = np.full(len(s), math.pi)
    s_angle[mean.index.to_numpy()] = np.arctan2(mean["y"].to_numpy(), mean["x"].to_numpy())
    ring = 1.35 * (float(np.hypot(xy[:, 0], xy[:, 1]).max()) + 3 * spacing if len(xy) else radius)
    s_ids = s["id"].astype(str).to_numpy()
    rank = np.empty(len(s), dtype=np.int64)
    rank[np.lexsort((s_ids, s_angle))] = np.arange(len(s))
    theta = 2 * math.pi * rank / max(len(s), 1) - math.pi
    s_xy = np.column_stack([ring * np.cos(theta), ring * np.sin(theta)])

    keys = pd.concat([
        node_keys("condition", c_ids), node_keys("treatment", t_ids),
        node_keys("source", s["id"].astype(str).reset_index(drop=True)),
    ], ignore_index=True).astype("string")
    every = np.vstack([c_xy, t_xy, s_xy]) if len(keys) else np.zeros((0, 2))
    return pd.DataFrame({"key": keys, "x": every[:, 0], "y": every[:, 1]})


def positions(dataset: Dataset, *, spacing: float = SPACING) -> dict[str, tuple[float, float]]:
    """`position_frame` as a dict: node key -> (x, y)."""
    frame = position_frame(dataset, spacing=spacing)
    return {str(k): (float(x), float(y)) for k, x, y in zip(frame["key"], frame["x"], frame["y"], strict=True)}
