"""Positions for large graphs, computed once in Python so the browser draws with physics off.

vis-network's physics simulation is pleasant on a few hundred nodes and
unusable on thousands (every frame is O(n log n) and stabilising takes
minutes). Above the page's threshold the nodes get fixed positions here:

1. conditions form one cluster per tree of their hierarchy; the clusters are
   placed with networkx's spring layout of "shares a treatment" links (or
   packed on a sunflower when the trees are nearly independent) and pushed
   apart until they do not overlap; inside a cluster the conditions follow a
   spring layout of the tree (big trees) or a sunflower in depth-first order;
   networkx's dense solver is used, as its sparse one needs scipy;
2. each treatment is anchored at the mean position of the conditions it has
   statements about, and the treatments sharing an anchor are spread around
   it on a sunflower (golden-angle) spiral; treatments without statements
   follow their broader or narrower treatment;
3. sources sit on an outer ring, each at the angle of the treatments it is
   cited for.

Apart from the spring layouts (each on at most 499 nodes) everything is O(n),
so 5,000 nodes take a fraction of a second.
"""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx
import numpy as np
import pandas as pd

from kg.model import Dataset

SPACING = 60.0
"""Pixels between neighbouring treatments of one cluster."""
_GOLDEN = math.pi * (3 - math.sqrt(5))
_DENSE_LIMIT = 499


def _hierarchy_order(frame: pd.DataFrame) -> list[str]:
    """Ids depth-first along `parent`, siblings in file order."""
    ids = frame["id"].astype(str).tolist()
    parents = frame["parent"].astype(object).where(frame["parent"].notna(), None).tolist()
    known = set(ids)
    children: dict[str | None, list[str]] = defaultdict(list)
    for ident, parent in zip(ids, parents, strict=True):
        children[parent if parent in known else None].append(ident)
    order: list[str] = []
    stack = list(reversed(children[None]))
    seen: set[str] = set()
    while stack:
        ident = stack.pop()
        if ident in seen:
            continue
        seen.add(ident)
        order.append(ident)
        stack.extend(reversed(children.get(ident, [])))
    order.extend(i for i in ids if i not in seen)  # defensive: cycles are rejected by validation
    return order


def _spring(graph: nx.Graph, radius: float) -> dict[str, np.ndarray]:
    pos = nx.spring_layout(graph, seed=7, iterations=80, scale=radius, method="force")
    return {k: np.asarray(v, dtype=float) for k, v in pos.items()}


def _separate(centres: np.ndarray, radii: np.ndarray, rounds: int = 60) -> np.ndarray:
    """Push overlapping discs apart (vectorised, a few rounds, until less than a pixel overlaps)."""
    xy = centres.astype(float)
    if len(xy) < 2:
        return xy
    need = radii[:, None] + radii[None, :]
    np.fill_diagonal(need, 0.0)
    for _ in range(rounds):
        delta = xy[:, None, :] - xy[None, :, :]
        dist = np.sqrt(np.einsum("ijk,ijk->ij", delta, delta))
        overlap = need - dist
        np.clip(overlap, 0.0, None, out=overlap)
        if overlap.max() < 1.0:
            break
        xy += 0.5 * np.einsum("ijk,ij->ik", delta, overlap / np.maximum(dist, 1e-6))
    return xy


def _condition_graph(dataset: Dataset, order: list[str], treated: pd.DataFrame) -> nx.Graph:
    """Conditions of `order` linked to their broader condition and to those that share a treatment.

    `treated` holds the distinct (treatment, condition) pairs of the evidence.
    """
    conditions = dataset.conditions
    inside = set(order)
    graph = nx.Graph()
    graph.add_nodes_from(order)
    child = conditions[conditions["parent"].notna()]
    graph.add_edges_from(((c, p) for c, p in zip(child["id"].astype(str), child["parent"].astype(str), strict=True)
                          if c in inside and p in inside), weight=2.0)
    ev = treated[treated["condition"].isin(inside)]
    shared = ev.merge(ev, on="treatment")
    shared = shared[shared["condition_x"] < shared["condition_y"]]
    weights = shared.groupby(["condition_x", "condition_y"]).size().reset_index(name="n")
    for a, b, w in zip(weights["condition_x"].tolist(), weights["condition_y"].tolist(), weights["n"].tolist(),
                       strict=True):
        if graph.has_edge(a, b):
            graph[a][b]["weight"] += 0.25 * float(w)
        else:
            graph.add_edge(a, b, weight=min(2.0, 0.25 * float(w)))
    return graph


def _condition_positions(dataset: Dataset, spacing: float) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """One cluster per tree of the condition hierarchy, sized for the treatments that will join it.

    The clusters are placed with a spring layout of "shares a treatment" links (or packed on a
    sunflower, biggest in the middle, when the trees are nearly independent), then pushed apart
    until they do not overlap. Inside a cluster the conditions sit on a sunflower in depth-first
    order, or follow a spring layout of their hierarchy and shared treatments in a big tree.
    """
    conditions = dataset.conditions
    order = _hierarchy_order(conditions)
    if not order:
        return {}, {}
    parent = dict(zip(conditions["id"].astype(str), conditions["parent"].astype(object), strict=True))
    root_of: dict[str, str] = {}
    for c in order:  # depth-first: a parent is always seen before its children
        p = parent[c]
        root_of[c] = root_of.get(p, c) if isinstance(p, str) and p in root_of else c
    members: dict[str, list[str]] = defaultdict(list)
    for c in order:
        members[root_of[c]].append(c)
    roots = list(members)
    ev = dataset.evidence[["treatment", "condition"]].astype(str)
    ev = ev.assign(root=ev["condition"].map(root_of))
    main = ev.groupby(["treatment", "root"]).size().reset_index(name="n").sort_values("n", ascending=False)
    treated = main.drop_duplicates("treatment").groupby("root").size()
    step = spacing * 2.2
    sizes = np.array([len(members[r]) for r in roots], dtype=float)
    n_treated = treated.reindex(roots, fill_value=0).to_numpy(dtype=float)
    radii = np.sqrt(sizes * step**2 + n_treated * spacing**2) + spacing

    tree_graph = nx.Graph()
    if len(roots) <= _DENSE_LIMIT:
        tree_graph.add_nodes_from(roots)
        pairs = ev[["treatment", "root"]].drop_duplicates()
        both = pairs.merge(pairs, on="treatment")
        links = both[both["root_x"] < both["root_y"]].groupby(["root_x", "root_y"]).size().reset_index(name="n")
        tree_graph.add_weighted_edges_from(zip(links["root_x"].tolist(), links["root_y"].tolist(),
                                               links["n"].astype(float).tolist(), strict=True))
    if len(roots) > 2 and tree_graph.number_of_edges() >= len(roots) / 2:
        unit = _spring(tree_graph, 1.0)
        packed = math.sqrt(2.0 * float((radii**2).sum()))
        start = np.array([unit[r] for r in roots]) * packed
    else:
        rank = np.argsort(-radii, kind="stable")
        slots = _sunflower(len(roots), 2.2 * float(radii.mean()))
        start = np.empty_like(slots)
        start[rank] = slots
    centres = _separate(start, radii * 1.05)

    out: dict[str, np.ndarray] = {}
    distinct = ev[["treatment", "condition"]].drop_duplicates()
    for r, centre, radius in zip(roots, centres, radii, strict=True):
        tree = members[r]
        if 30 < len(tree) <= _DENSE_LIMIT:
            inner = _spring(_condition_graph(dataset, tree, distinct), 0.85 * float(radius))
            for c in tree:
                out[c] = centre + inner[c]
        else:
            for c, d in zip(tree, _sunflower(len(tree), step), strict=True):
                out[c] = centre + d
    return out, root_of


def _sunflower(count: int, step: float, offset: int = 0) -> np.ndarray:
    i = np.arange(offset, offset + count, dtype=float)
    r = step * np.sqrt(i + 0.5)
    theta = i * _GOLDEN
    return np.column_stack([r * np.cos(theta), r * np.sin(theta)])


def positions(dataset: Dataset, *, spacing: float = SPACING) -> dict[str, tuple[float, float]]:
    """A position (x, y in pixels) for every node key `KIND:ID` of the dataset."""
    cpos, root_of = _condition_positions(dataset, spacing)
    extent = max((float(np.hypot(*v)) for v in cpos.values()), default=0.0)
    radius = extent + 3 * spacing
    out: dict[str, tuple[float, float]] = {}

    ev = dataset.evidence[["treatment", "condition", "source"]].astype(str)
    counts = ev.groupby(["treatment", "condition"]).size().reset_index(name="n")
    anchors: dict[str, np.ndarray] = {}
    if len(counts):
        cxy = np.array([cpos[c] for c in counts["condition"]])
        w = counts["n"].to_numpy(dtype=float)[:, None]
        frame = pd.DataFrame({"t": counts["treatment"], "x": cxy[:, 0] * w[:, 0], "y": cxy[:, 1] * w[:, 0],
                              "w": w[:, 0]})
        sums = frame.groupby("t", sort=False)[["x", "y", "w"]].sum()
        for t, x, y, wt in zip(sums.index, sums["x"], sums["y"], sums["w"], strict=True):
            anchors[str(t)] = np.array([x / wt, y / wt])

    # treatments without statements follow a related treatment that has a position
    treatments = dataset.treatments
    ids = treatments["id"].astype(str).tolist()
    parents = treatments["parent"].astype(object).where(treatments["parent"].notna(), None).tolist()
    related: dict[str, list[str]] = defaultdict(list)
    for ident, parent in zip(ids, parents, strict=True):
        if parent is not None:
            related[ident].append(parent)
            related[parent].append(ident)
    pending = [t for t in ids if t not in anchors]
    while pending:
        progressed = []
        for t in pending:
            known = [anchors[r] for r in related.get(t, []) if r in anchors]
            if known:
                anchors[t] = np.mean(known, axis=0)
                progressed.append(t)
        if not progressed:
            break
        pending = [t for t in pending if t not in anchors]
    for i, t in enumerate(pending):  # unrelated and without statements: a ring outside the conditions
        angle = 2 * math.pi * i / max(len(pending), 1)
        anchors[t] = np.array([1.15 * radius * math.cos(angle), 1.15 * radius * math.sin(angle)])

    # the conditions themselves take the first slot of their own cluster
    groups: dict[tuple[int, int], list[str]] = defaultdict(list)
    cell = spacing * 2.0
    for t in ids:
        a = anchors[t]
        groups[(round(a[0] / cell), round(a[1] / cell))].append(t)
    for c, xy in cpos.items():
        out["condition:" + c] = (float(xy[0]), float(xy[1]))
    for members in groups.values():
        centre = np.mean([anchors[t] for t in members], axis=0)
        spread = _sunflower(len(members), spacing, offset=1)
        for t, d in zip(members, spread, strict=True):
            out["treatment:" + t] = (float(centre[0] + d[0]), float(centre[1] + d[1]))

    # inside each cluster, push apart the nodes that the anchoring piled up
    sizes = ev.assign(root=ev["condition"].map(root_of)).groupby(["treatment", "root"]).size().reset_index(name="n")
    main = sizes.sort_values("n", ascending=False, kind="stable").drop_duplicates("treatment")
    clusters: dict[str, list[str]] = defaultdict(list)
    for c, r in root_of.items():
        clusters[r].append("condition:" + c)
    for t, r in zip(main["treatment"].tolist(), main["root"].tolist(), strict=True):
        clusters[str(r)].append("treatment:" + str(t))
    for keys in clusters.values():
        if 2 <= len(keys) <= 1500:
            xy = _separate(np.array([out[k] for k in keys]),
                           np.array([1.3 * spacing if k.startswith("condition:") else 0.75 * spacing for k in keys]),
                           rounds=20 if len(keys) <= 200 else 10)
            out.update({k: (float(x), float(y)) for k, (x, y) in zip(keys, xy, strict=True)})

    # sources: an outer ring, at the angle of the treatments they are cited for
    sources = dataset.sources["id"].astype(str).tolist()
    if sources:
        tx = {t: out["treatment:" + t] for t in ids}
        ring = 1.35 * radius
        pairs = ev[["source", "treatment"]].drop_duplicates()
        angles: dict[str, float] = {}
        for s, group in pairs.groupby("source", sort=False):
            xy = np.array([tx[t] for t in group["treatment"] if t in tx])
            if len(xy):
                mean = xy.mean(axis=0)
                angles[str(s)] = math.atan2(mean[1], mean[0])
        ordered = sorted(sources, key=lambda s: (angles.get(s, math.pi), s))
        for i, s in enumerate(ordered):
            angle = 2 * math.pi * i / len(ordered) - math.pi
            out["source:" + s] = (ring * math.cos(angle), ring * math.sin(angle))
    return out


def position_frame(dataset: Dataset, *, spacing: float = SPACING) -> pd.DataFrame:
    """`positions` as a frame: `key` (`KIND:ID`), `x`, `y`."""
    pos = positions(dataset, spacing=spacing)
    xy = np.array(list(pos.values()), dtype=float).reshape(-1, 2)
    return pd.DataFrame({"key": pd.array(list(pos), dtype="string"), "x": xy[:, 0], "y": xy[:, 1]})
