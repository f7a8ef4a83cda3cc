"""The interactive page (index.html): graph and evidence matrix in one self-contained file.

`render_page(dataset, **options)` returns the whole HTML document. It carries:

- the contract's data island, `<script type="application/json" id="kg-data">`
  with `{"nodes": [...], "edges": [...]}` (one node per treatment, condition and
  source; one `evidence` edge per statement, `broader` hierarchy edges and
  `cites` edges from a source to the treatments it has statements about);
- a second island, `id="kg-page"`, with what the page needs to draw: the
  vis-network nodes, edges and options built with pyvis, the summary's pairs
  (verdict, headline, effect per timeframe), the matrix axes, the vocabulary
  with colours and labels, and the initial filter state;
- vis-network's script and style (from the installed pyvis package) and the
  page's own script and style, all inlined; a Content-Security-Policy that
  lets only those two scripts run (by hash) and forbids every fetch.

Text from the CSVs only ever reaches the page as JSON (with `<`, `>` and `&`
written as `\\u003c`, `\\u003e`, `\\u0026`, so it cannot close the island) or as
Jinja-escaped text; the page's script shows it with `textContent`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from kg import network, verdicts
from kg.hierarchy import Hierarchy
from kg.model import BATCH_ROWS, Dataset, row_batches
from kg.render import assets, layout, matrix, style
from kg.schema import KINDS, NODE_KINDS, enum_values
from kg.vocab import node_key, node_keys, split_key

LAYOUT_THRESHOLD = 400
"""Above this many nodes, positions are computed in Python and physics is off."""
MAX_NODES = 6000
"""At most this many nodes are drawn at once; the page says so when it draws fewer."""
MAX_EDGES = 25000
"""At most this many edges are drawn at once."""
MAX_MATRIX_CELLS = 40000
"""At most this many matrix cells are drawn at once."""
MAX_STATEMENTS = 15000
"""At most this many statements are carried in the page (a browser parses ~1 KB of JSON per statement):
those of the treatments with most statements, each treatment whole. The page says so."""
BUSY_ROWS = 20000
"""A page carrying more pairs and statements than this shows "Working…" on its first change of each kind (the
filters, "Draw every node"); after that the measured time of the last comparable change decides (the page's
`app.js`, `mayBeSlow`)."""
BUSY_MS = 100
"""A change whose last comparable one took longer than this (to the next frame) shows "Working…" first."""
OVERVIEW_NODES = 150
"""A large graph opens on its broadest conditions: as many hierarchy levels as fit in this many nodes."""
LABEL_LIMIT = 90
"""Longer labels are cut with an ellipsis; up to it they are wrapped onto lines of `WRAP_PX` pixels."""
WRAP_PX = 170
TABS = ("graph", "matrix")

_BYTE_ESCAPES = ((b"<", b"\\u003c"), (b">", b"\\u003e"), (b"&", b"\\u0026"),
                 ("\u2028".encode(), b"\\u2028"), ("\u2029".encode(), b"\\u2029"))
_NULL_MEMBER = re.compile(rb',"[^"]+":null(?=[,}])')




def _json_default(value: object) -> object:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()  # type: ignore[attr-defined]
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def records_pieces(frame: pd.DataFrame, rows: int = BATCH_ROWS) -> Iterator[bytes]:
    """`[{column: value, ...}, ...]` in pieces, with the cells that say nothing (NA) left out, written by
    pandas in C.

    A member `,"name":null` can only be outside a string (inside one every `"` is escaped), and the
    first column is never NA, so removing those members leaves exactly the stated cells.
    """
    if frame.empty:
        yield b"[]"
        return
    first = frame.columns[0]
    assert frame[first].notna().all(), f"{first} must be filled"
    for start, part in row_batches(frame, rows):
        text = part.to_json(orient="records", force_ascii=False, double_precision=6).encode("utf-8")
        text = _NULL_MEMBER.sub(b"", text)
        yield (b"," if start else b"[") + text[1:-1]
    yield b"]"


def records_json(frame: pd.DataFrame) -> bytes:
    """`records_pieces` as one bytes object."""
    return b"".join(records_pieces(frame))


def table_pieces(frame: pd.DataFrame, rows: int = BATCH_ROWS) -> Iterator[bytes]:
    """`{"columns": [...], "data": [[...], ...]}` in pieces: a large table without repeating its keys; NA is null."""
    columns = json.dumps([str(c) for c in frame.columns], ensure_ascii=False, separators=(",", ":"))
    yield ('{"columns":' + columns + ',"data":[').encode("utf-8")
    for start, part in row_batches(frame, rows):
        text = part.to_json(orient="values", force_ascii=False, double_precision=6).encode("utf-8")
        yield (b"," if start else b"") + text[1:-1]
    yield b"]}"


def table_json(frame: pd.DataFrame) -> bytes:
    """`table_pieces` as one bytes object."""
    return b"".join(table_pieces(frame))


def compose_pieces(value: Any) -> Iterator[bytes]:
    """JSON for nested dicts and lists whose DataFrame leaves are written by `table_pieces`."""
    if isinstance(value, pd.DataFrame):
        yield from table_pieces(value)
    elif isinstance(value, dict):
        yield b"{"
        for i, (k, v) in enumerate(value.items()):
            yield (b"," if i else b"") + json.dumps(str(k), ensure_ascii=False).encode("utf-8") + b":"
            yield from compose_pieces(v)
        yield b"}"
    elif isinstance(value, list | tuple):
        yield b"["
        for i, v in enumerate(value):
            if i:
                yield b","
            yield from compose_pieces(v)
        yield b"]"
    else:
        yield json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                         default=_json_default).encode("utf-8")




def script_safe(text: bytes) -> bytes:
    """JSON bytes made safe inside `<script>`: `<`, `>`, `&`, U+2028 and U+2029 written as escapes."""
    for raw, escaped in _BYTE_ESCAPES:
        text = text.replace(raw, escaped)
    return text


def script_json(value: Any) -> Markup:
    """JSON that is safe inside a `<script>` element: no `<`, `>` or `&` survives as such."""
    return Markup(b"".join(script_safe(piece) for piece in compose_pieces(value)).decode("utf-8"))


def _short(labels: pd.Series, limit: int = LABEL_LIMIT) -> pd.Series:
    """Labels cut to `limit` characters with an ellipsis."""
    labels = labels.astype("string")
    long = labels.str.len() > limit
    if not long.any():
        return labels
    return labels.where(~long, labels.str.slice(0, limit - 1).str.rstrip() + "…")


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class PageOptions:
    """What the page shows first; every choice can be changed in the page.

    `focus` is a node key (`treatment:ID`, `condition:ID`, `source:ID`) or an
    unambiguous id; `condition` preselects the condition filter (with its
    narrower conditions); the sets preselect filter checkboxes (None: all).
    """

    title: str | None = None
    focus: str | None = None
    condition: str | None = None
    verdicts: Sequence[str] | None = None
    effects: Sequence[str] | None = None
    timeframes: Sequence[str] | None = None
    source_types: Sequence[str] | None = None
    certainties: Sequence[str] | None = None
    categories: Sequence[str] | None = None
    show_sources: bool = False
    expanded: bool = False
    show_hierarchy: bool = True
    tab: str = "graph"
    layout_threshold: int = LAYOUT_THRESHOLD
    max_nodes: int = MAX_NODES
    max_edges: int = MAX_EDGES
    max_matrix_cells: int = MAX_MATRIX_CELLS
    max_statements: int = MAX_STATEMENTS
    busy_rows: int = BUSY_ROWS


def _choice(name: str, values: Iterable[str] | None, allowed: Sequence[str]) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    chosen = [str(v) for v in values]
    unknown = [v for v in chosen if v not in allowed]
    if unknown:
        raise ValueError(f"unknown {name} {unknown[0]!r} (expected one of: {', '.join(allowed)})")
    return chosen


def _resolve_focus(dataset: Dataset, focus: str) -> str:
    """A node key for `focus`: a key as is (`KIND:ID`), or a bare id that names exactly one node."""
    kinds = {kind: dataset.table(KINDS[kind].table) for kind in NODE_KINDS}
    parts = split_key(focus)
    if parts is not None and parts[0] in kinds:
        kind, ident = parts
        if not (kinds[kind]["id"] == ident).any():
            raise ValueError(f"unknown {kind} {ident!r}: no {kind} has this id")
        return focus
    found = [k for k, frame in kinds.items() if (frame["id"] == focus).any()]
    if not found:
        raise ValueError(f"unknown focus {focus!r}: no {', '.join(NODE_KINDS[:-1])} or {NODE_KINDS[-1]} has this id")
    if len(found) > 1:
        raise ValueError(f"ambiguous focus {focus!r}: write it as {' or '.join(node_key(k, focus) for k in found)}")
    return node_key(found[0], focus)


def _initial(dataset: Dataset, options: PageOptions) -> dict[str, Any]:
    if options.tab not in TABS:
        raise ValueError(f"unknown tab {options.tab!r} (expected one of: {', '.join(TABS)})")
    condition = options.condition
    if condition is not None and not (dataset.conditions["id"] == condition).any():
        from kg.summary import UnknownIdError

        raise UnknownIdError("condition", condition)
    for name in ("layout_threshold", "max_nodes", "max_edges", "max_matrix_cells", "max_statements", "busy_rows"):
        if int(getattr(options, name)) < 1:
            raise ValueError(f"{name} must be a positive number")
    return {
        "focus": _resolve_focus(dataset, options.focus) if options.focus else None,
        "condition": condition,
        "verdicts": _choice("verdict", options.verdicts, style.VERDICT_SORT),
        "effects": _choice("effect", options.effects, enum_values("effect")),
        "timeframes": _choice("timeframe", options.timeframes, enum_values("timeframe")),
        "source_types": _choice("source type", options.source_types, enum_values("source_type")),
        "certainties": _choice("certainty", options.certainties, [*enum_values("certainty"), "none"]),
        "categories": _choice("category", options.categories, enum_values("category")),
        "show_sources": bool(options.show_sources),
        "expanded": bool(options.expanded),
        "show_hierarchy": bool(options.show_hierarchy),
        "tab": options.tab,
    }


# --------------------------------------------------------------------------- the data island


def island(dataset: Dataset) -> dict[str, pd.DataFrame]:
    """The contract's data island as two frames: every node (`key`, `kind`, `id`, `label`, …) and edge
    (`key`, `kind`, `from`, `to`, …): statements, hierarchy links, and `cites` from a source to a treatment."""
    nodes = network.node_frame(dataset)
    edges = network.edge_frame(dataset)
    evidence = edges[edges["kind"] == "evidence"].rename(
        columns={"edge_key": "key", "source_key": "from", "target_key": "to", "evidence": "id"})
    broader = network.broader_edges(dataset)
    cites = network.cites_edges(dataset)
    front = ["key", "kind", "from", "to"]
    evidence = evidence[front + [c for c in evidence.columns if c not in front]]
    return {"nodes": nodes, "edges": pd.concat([evidence, broader[front], cites], ignore_index=True)}


def island_pieces(dataset: Dataset) -> Iterator[bytes]:
    """The data island's JSON text in pieces (records, NA cells left out), not yet escaped for `<script>`."""
    data = island(dataset)
    yield b'{"nodes":'
    yield from records_pieces(data["nodes"])
    yield b',"edges":'
    yield from records_pieces(data["edges"])
    yield b"}"


# --------------------------------------------------------------------------- the summary's pairs


def _summary(dataset: Dataset, summary: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The summary's pairs (`summary` when the caller computed it already) and the conflicts."""
    from kg import summary as summaries

    pairs = summaries.summarise(dataset) if summary is None else summary
    return pairs, summaries.conflicts(dataset)


STRENGTH_COLUMNS = ("strength", "certainty", "agreeing_sources", "disagreeing_sources", "related_conflicts", "why")
"""Columns of the evidence-strength summary, passed to the page when the summary has them."""


def _pairs(summary: pd.DataFrame, dataset: Dataset) -> pd.DataFrame:
    """One row per treatment-condition pair of the whole data (the page lists a pair's statements from the
    data island, which may carry fewer): its verdict, headline, effects by timeframe, sources, number of
    statements, the source types and (until the summary states one) the highest certainty of its statements,
    and whether a statement reports harm."""
    t = summary["treatment_id"].astype("string")
    c = summary["condition_id"].astype("string")
    columns = ["verdict", "headline", "short_term", "medium_term", "long_term", "sources", "best_source_type"]
    rest = summary[columns].astype({name: "string" for name in columns if name != "sources"})
    keys = pd.DataFrame({"key": network.pair_keys(t, c), "treatment": t, "condition": c})
    ev = dataset.evidence
    certainty = pd.Categorical(ev["certainty"].astype("string"), categories=enum_values("certainty")).codes
    type_code = pd.Categorical(ev["source"].astype(str).map(pd.Series(
        dataset.sources["type"].astype(str).to_numpy(), index=dataset.sources["id"].astype(str))),
        categories=enum_values("source_type")).codes
    # each statement's row in `keys` (-1: a pair the summary does not have), then per-row facts by scatter
    row = pd.MultiIndex.from_arrays([t, c]).get_indexer(
        pd.MultiIndex.from_arrays([ev["treatment"].astype("string"), ev["condition"].astype("string")]))
    on = row >= 0
    row, certainty, type_code = row[on], np.where(certainty >= 0, certainty, 99)[on], type_code[on]
    n = len(keys)
    names = np.array(enum_values("source_type"), dtype=object)
    best = np.full(n, 99, dtype=np.int64)
    np.minimum.at(best, row, certainty)
    types = np.zeros(n, dtype=np.int64)  # the source types of each pair's statements, one bit per type
    np.bitwise_or.at(types, row, np.left_shift(1, type_code.astype(np.int64) % len(names)))
    masks, which = np.unique(types, return_inverse=True)
    joined = np.array(["|".join(names[[bit for bit in range(len(names)) if mask >> bit & 1]]) or None
                       for mask in masks.tolist()], dtype=object)  # a few distinct sets, in the enum's order
    harms = np.zeros(n, dtype=bool)
    harms[row[ev["effect"].astype(str).eq("harm").to_numpy()[on]]] = True
    certainties = np.array(enum_values("certainty"), dtype=object)
    found = best < len(certainties)
    out = pd.concat([keys, rest], axis=1)
    out["statements"] = np.bincount(row, minlength=n)
    out["certainty"] = pd.Series(certainties[np.minimum(best, len(certainties) - 1)], dtype="string").where(found)
    out["source_types"] = pd.Series(joined[which.reshape(-1)], dtype="string").to_numpy()
    out["harms"] = harms
    for name in STRENGTH_COLUMNS:
        if name in summary:
            out[name] = summary[name].to_numpy() if name != "certainty" else summary[name].astype("string").where(
                summary[name].notna(), out["certainty"]).to_numpy()
    return out




def _vocabulary(with_strength: bool) -> dict[str, list[dict[str, object]]]:
    """The page's vocabulary (`style.vocabulary`), with the strength grades of `kg.verdicts` when the
    summary has them."""
    vocab = style.vocabulary()
    if with_strength:
        top = len(verdicts.STRENGTHS) - 1  # marked by filled dots: strongest ●●●, weakest ○○○
        vocab["strengths"] = [{"value": str(v), "label": verdicts.STRENGTH_LABELS[v],
                               "description": verdicts.STRENGTH_DESCRIPTIONS[v],
                               "mark": "●" * (top - i) + "○" * i}
                              for i, v in enumerate(verdicts.STRENGTHS)]
    return vocab


def _statement_facts(dataset: Dataset, pairs: pd.DataFrame) -> pd.DataFrame:
    """For each statement the page carries: its pair (row of `pairs`), its source's type, its treatment's
    category and its `cites` edge, so that the page looks them up instead of rebuilding keys."""
    ev = dataset.evidence
    tr = ev["treatment"].astype("string")
    src = ev["source"].astype("string")
    pair_row = pd.Index(pairs["key"]).get_indexer(pd.Index(network.pair_keys(tr, ev["condition"])))
    return pd.DataFrame({
        "id": ev["id"].astype("string"),
        "pair": pair_row,
        "source_type": src.map(pd.Series(dataset.sources["type"].astype(str).to_numpy(),
                                         index=dataset.sources["id"].astype(str))).astype("string"),
        "category": tr.map(pd.Series(dataset.treatments["category"].astype(str).to_numpy(),
                                     index=dataset.treatments["id"].astype(str))).astype("string"),
        "cites": network.cites_keys(src, tr),
    })


def _node_counts(full: Dataset, part: Dataset) -> pd.DataFrame:
    """Per node key: statements in the whole data, statements the page carries, distinct sources."""
    frames = []
    for kind, table, column in (("treatment", "treatments", "treatment"), ("condition", "conditions", "condition"),
                                ("source", "sources", "source")):
        ids = full.table(table)["id"].astype("string")
        total = ids.map(full.evidence[column].astype("string").value_counts()).fillna(0).astype(int)
        carried = ids.map(part.evidence[column].astype("string").value_counts()).fillna(0).astype(int)
        if kind == "source":
            sources = pd.Series(1, index=ids.index)
        else:
            distinct = full.evidence[[column, "source"]].astype("string").drop_duplicates()[column].value_counts()
            sources = ids.map(distinct).fillna(0).astype(int)
        frames.append(pd.DataFrame({"key": kind + ":" + ids, "statements": total.to_numpy(),
                                    "carried": carried.to_numpy(), "sources": sources.to_numpy()}))
    return pd.concat(frames, ignore_index=True)


def _filter_counts(full: Dataset, pairs: pd.DataFrame) -> dict[str, dict[str, int]]:
    """The numbers beside each filter choice, over the whole data: pairs (verdict, strength), treatments
    (category), statements (the rest)."""
    ev = full.evidence
    source_type = ev["source"].astype(str).map(
        pd.Series(full.sources["type"].astype(str).to_numpy(), index=full.sources["id"].astype(str)))

    def tally(values: pd.Series) -> dict[str, int]:
        return {str(k): int(v) for k, v in values.astype(str).value_counts().items()}

    counts = {
        "verdicts": tally(pairs["verdict"]),
        "categories": tally(full.treatments["category"]),
        "effects": tally(ev["effect"]),
        "timeframes": tally(ev["timeframe"]),
        "source_types": tally(source_type),
        "certainties": tally(ev["certainty"].astype("string").fillna("none")),
    }
    if "strength" in pairs:
        counts["strengths"] = tally(pairs["strength"])
    return counts


def _conflicts(conflicts: pd.DataFrame, part: Dataset) -> pd.DataFrame:
    """Each conflict between two statements the page carries: its pair's key, its kind and the two statements
    (the number of every pair's conflicts, carried or not, is the pairs' `conflicts` column)."""
    frame = conflicts[["treatment_id", "condition_id", "kind", "evidence_a", "evidence_b"]].astype("string")
    ids = part.evidence["id"].astype("string")
    frame = frame[(frame["evidence_a"].isin(ids) & frame["evidence_b"].isin(ids)).to_numpy()]
    return pd.DataFrame({"pair": network.pair_keys(frame["treatment_id"], frame["condition_id"]),
                         "kind": frame["kind"], "a": frame["evidence_a"], "b": frame["evidence_b"]})


def _conflict_counts(conflicts: pd.DataFrame, pairs: pd.DataFrame) -> np.ndarray:
    """The number of conflicts of each pair (rows of `pairs`), in the whole data."""
    keys = network.pair_keys(conflicts["treatment_id"], conflicts["condition_id"])
    return pairs["key"].map(keys.value_counts()).fillna(0).astype(int).to_numpy()


# --------------------------------------------------------------------------- what vis-network draws


def _same(value: Any, index: pd.Index) -> pd.Series:
    """An object column holding `value` (a dict or list, shared) in every row."""
    return pd.Series([value] * len(index), index=index, dtype=object)


def _lookup(keys: pd.Series, table: dict[Any, Any]) -> pd.Series:
    """`table[key]` for every key, as an object column (the values may be dicts or lists shared by rows)."""
    return pd.Series(keys.map(table).to_numpy(dtype=object), index=keys.index, dtype=object)


def _node_groups() -> dict[str, dict[str, Any]]:
    """vis-network node groups: what nodes of one kind share (shape, colours, font, margin), written once in
    the options instead of on every node. Treatments: one group per category, and per category one for
    treatments without statements of their own (hollow); conditions: roots and the others; sources."""
    groups: dict[str, dict[str, Any]] = {}
    wrap = {"maximum": WRAP_PX}
    for cat, (_l, colour, shape) in style.CATEGORY_STYLE.items():
        highlight = {"background": colour, "border": "#111111"}
        for has, suffix in ((True, ""), (False, "-none")):
            groups[f"{cat}{suffix}"] = {
                "shape": shape, "borderWidth": 1 if has else 2, "widthConstraint": wrap,
                "color": {"background": colour if has else "#ffffff", "border": colour,
                          "highlight": highlight, "hover": highlight},
                "font": {"size": 16, "color": "#1d2430" if has else "#6b7280"}}
    c_hl = {"background": "#2f5d94", "border": "#111111"}
    for name, size, margin in (("condition-root", 20, 10), ("condition", 17, 8)):
        groups[name] = {"shape": "box", "borderWidth": 1, "margin": margin, "widthConstraint": wrap,
                        "color": {"background": style.CONDITION_COLOUR, "border": style.CONDITION_COLOUR,
                                  "highlight": c_hl, "hover": c_hl},
                        "font": {"size": size, "color": "#ffffff"}}
    s_hl = {"background": "#f5f0e1", "border": "#111111"}
    groups["source"] = {"shape": "box", "margin": 6, "font": {"size": 12, "color": "#3b3526"},
                        "color": {"background": style.SOURCE_COLOUR, "border": "#b5ad95", "highlight": s_hl,
                                  "hover": s_hl}}
    return groups


def _node_frames(dataset: Dataset, fixed: bool) -> pd.DataFrame:
    """vis-network nodes: treatments (their category's group, sized by their statements), conditions,
    sources; what a kind shares is in its group (`_node_groups`)."""
    ev = dataset.evidence
    t = dataset.treatments
    t_ids = t["id"].astype("string")
    n = t_ids.map(ev["treatment"].astype("string").value_counts()).fillna(0).astype(int)
    has = n > 0
    treatments = pd.DataFrame({
        "id": node_keys("treatment", t_ids),
        "label": _short(t["label"]),
        "group": t["category"].astype(str) + has.map({True: "", False: "-none"}),
        "size": (11 + 4 * n.pow(0.5)).round(1).where(has, 9.0),
    })
    c = dataset.conditions
    c_ids = c["id"].astype("string")
    m = c_ids.map(ev["condition"].astype("string").value_counts()).fillna(0).astype(int)
    conditions = pd.DataFrame({
        "id": node_keys("condition", c_ids),
        "label": _short(c["label"]),
        "group": c["parent"].isna().map({True: "condition-root", False: "condition"}),
        "mass": 2 + m.clip(upper=20) / 4,
    })
    s = dataset.sources
    sources = pd.DataFrame({
        "id": node_keys("source", s["id"]),
        "label": _short(s["title"], 30),
        "group": "source",
        "physics": False,
    })
    nodes = pd.concat([treatments, conditions, sources], ignore_index=True)
    if fixed:
        xy = layout.position_frame(dataset)
        placed = nodes[["id"]].merge(xy, left_on="id", right_on="key", how="left")
        nodes["x"] = placed["x"].round(1).to_numpy()
        nodes["y"] = placed["y"].round(1).to_numpy()
    return nodes


def _edge_frames(dataset: Dataset, pairs: pd.DataFrame, fixed: bool) -> pd.DataFrame:
    """vis-network edges: one per pair (coloured by verdict), one per statement (drawn when expanded),
    the hierarchy and the `cites` links."""
    widths = {k: w for k, (_l, w) in style.SOURCE_TYPE_STYLE.items()}
    dashes = [10, 6]
    pair_edges = pd.DataFrame({
        "id": pairs["key"],
        "kind": "pair",
        "from": node_keys("treatment", pairs["treatment"]),
        "to": node_keys("condition", pairs["condition"]),
        "color": pairs["verdict"].map({k: v[1] for k, v in style.VERDICT_STYLE.items()}),
        "width": pairs["best_source_type"].map(widths).astype(float),
        "dashes": _lookup(pairs["verdict"] == "short_term_only", {True: dashes, False: None}),
    })
    ev = dataset.evidence
    tr = ev["treatment"].astype("string")
    co = ev["condition"].astype("string")
    source_type = ev["source"].astype("string").map(
        pd.Series(dataset.sources["type"].astype(str).to_numpy(), index=dataset.sources["id"].astype(str)))
    certainty = ev["certainty"].astype("string").map(style.CERTAINTY_WIDTH).fillna(0.0).astype(float)
    rank = ev.groupby([tr, co], sort=False, observed=True).cumcount()
    curves = {i: {"enabled": True, "type": "curvedCW" if i % 2 else "curvedCCW",
                  "roundness": round(0.12 * ((i + 1) // 2), 2)} for i in rank.unique() if i}
    statement_edges = pd.DataFrame({
        "id": node_keys("evidence", ev["id"]),
        "kind": "evidence",
        "from": node_keys("treatment", tr),
        "to": node_keys("condition", co),
        "color": ev["effect"].astype(str).map({k: v[1] for k, v in style.EFFECT_STYLE.items()}),
        "width": (source_type.map(widths).astype(float) * 0.6 + certainty).round(2),
        "physics": False,
        "dashes": _lookup(ev["timeframe"].astype(str) == "short_term", {True: dashes, False: None}),
        "smooth": _lookup(rank, curves),
    })
    parts = [pair_edges, statement_edges]
    broader = network.broader_edges(dataset).rename(columns={"key": "id"})
    parts.append(broader.assign(
        color=style.HIERARCHY_COLOUR, width=1.2, dashes=_same([2, 5], broader.index),
        arrows=_same({"to": {"enabled": not fixed, "scaleFactor": 0.4}}, broader.index)))
    cites = network.cites_edges(dataset).rename(columns={"key": "id"})
    parts.append(cites.assign(
        color=style.CITES_COLOUR, width=0.8, arrows=_same({"to": {"enabled": False}}, cites.index), physics=False))
    return pd.concat(parts, ignore_index=True)


def _options(fixed: bool, n_nodes: int) -> dict[str, Any]:
    """vis-network options, generated by pyvis and adjusted for the page."""
    from pyvis.network import Network

    net = Network(directed=True, height="100%", width="100%")
    if fixed:
        net.toggle_physics(False)
        net.set_edge_smooth("continuous")
        net.toggle_hide_edges_on_drag(True)
    else:
        net.force_atlas_2based(gravity=-110, central_gravity=0.035, spring_length=90, spring_strength=0.06,
                               damping=0.5, overlap=0.8)
        net.set_edge_smooth("continuous")
    options: dict[str, Any] = json.loads(net.get_network_data()[5])
    options["edges"]["smooth"]["enabled"] = not fixed
    options["edges"]["color"] = {"inherit": False}
    # Arrowheads are most of a frame's drawing time on thousands of edges (each is fitted to its
    # node's outline); on a large graph the direction is plain anyway (treatment -> condition box).
    options["edges"]["arrows"] = {"to": {"enabled": not fixed, "scaleFactor": 0.55}}
    options["interaction"].update({"hover": True, "tooltipDelay": 120, "hideEdgesOnZoom": fixed,
                                   "multiselect": False, "navigationButtons": False,
                                   # the focused canvas pans with the arrow keys and zooms with + and -
                                   "keyboard": {"enabled": True, "bindToWindow": False}})
    options["layout"] = {"randomSeed": 7, "improvedLayout": not fixed and n_nodes <= 150}
    options["nodes"] = {"font": {"face": "system-ui, 'Liberation Sans', 'DejaVu Sans', sans-serif"}}
    options["groups"] = _node_groups()
    if not fixed:
        options["physics"]["stabilization"] = {"enabled": True, "iterations": 700, "updateInterval": 50,
                                               "fit": True}
        options["physics"]["minVelocity"] = 1.0
    return options


def _network(full: Dataset, part: Dataset, pairs: pd.DataFrame, fixed: bool) -> dict[str, Any]:
    """vis-network nodes (sized and placed by the whole data), edges (a line per pair of the whole data, per
    statement the page carries) and options (from pyvis)."""
    nodes = _node_frames(full, fixed)
    return {"nodes": nodes, "edges": _edge_frames(part, pairs, fixed), "options": _options(fixed, len(nodes)),
            "fixed": fixed}


# --------------------------------------------------------------------------- the page


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("kg.render", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def carried(dataset: Dataset, limit: int) -> Dataset:
    """The dataset with only the statements the page carries: all of them up to `limit`; past it, those
    of the treatments with most statements (ties in file order), each treatment with all of its
    statements, until the next would pass `limit`. Every node stays."""
    ev = dataset.evidence
    if len(ev) <= limit:
        return dataset
    treatment = ev["treatment"].astype(str)
    counts = dataset.treatments["id"].astype(str).map(treatment.value_counts()).fillna(0).astype(int).to_numpy()
    order = np.lexsort((np.arange(len(counts)), -counts))
    fits = np.cumsum(counts[order]) <= limit
    keep = dataset.treatments["id"].astype(str).to_numpy()[order[fits]]
    return replace(dataset, evidence=ev[treatment.isin(keep).to_numpy()].reset_index(drop=True))


def _overview(full: Dataset, columns: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """For a large graph's opening overview: each matrix column's overview condition (itself when it is in
    the overview, else its broader condition in it) and the statements about each condition's subtree.

    The overview is the condition hierarchy's first levels, as many as fit in `OVERVIEW_NODES` (the roots
    at least)."""
    h = Hierarchy.of(full.conditions)
    cut, total = 0, 0
    for d, level in enumerate(h.levels):
        total += len(level)
        if d and total > OVERVIEW_NODES:
            break
        cut = d
    top = np.arange(len(h))
    statements = h.ids.to_series().map(full.evidence["condition"].astype(str).value_counts()).fillna(0)
    subtree = statements.to_numpy(dtype=np.int64).copy()
    for d, level in enumerate(h.levels):
        if d > cut:
            top[level] = top[h.parent[level]]
    for level in reversed(h.levels[1:]):
        np.add.at(subtree, h.parent[level], subtree[level])
    ids = h.ids.to_numpy(dtype=object)
    rows = h.rows(columns["id"].astype(str))
    return (pd.Series(ids[top[rows]], index=columns.index, dtype="string"),
            pd.Series(subtree, index=ids, dtype=np.int64))


def page_data(dataset: Dataset, options: PageOptions | None = None, *,
              summary: pd.DataFrame | None = None) -> dict[str, Any]:
    """Everything the page's script reads from the `kg-page` island (see the module docstring).

    The large parts (`view.nodes`, `view.edges`, `pairs`, `statements`, `nodes`, `conflicts`, `matrix.rows`,
    `matrix.columns`) are DataFrames; in the page they are written as `{"columns": [...], "data": [[...], ...]}`
    and a null cell means "not set". `summary` is the dataset's summary when the caller has it already.
    """
    options = options or PageOptions()
    return _page_data(dataset, carried(dataset, int(options.max_statements)), options, summary)


def _page_data(full: Dataset, part: Dataset, options: PageOptions, summary: pd.DataFrame | None) -> dict[str, Any]:
    """`page_data` for the whole dataset and the part of it whose statements the page carries (`carried`).

    Python computes, the page displays: pairs, verdicts, counts, conflicts and the hierarchy cover the whole
    data; only the statements (their quotes) are limited to `part`."""
    initial = _initial(full, options)
    summary, conflicts = _summary(full, summary)
    pairs = _pairs(summary, full)
    pairs["conflicts"] = _conflict_counts(conflicts, pairs)
    n_nodes = len(full.treatments) + len(full.conditions) + len(full.sources)
    fixed = n_nodes > options.layout_threshold
    counts = {"statements": len(full.evidence), "carried": len(part.evidence), "treatments": len(full.treatments),
              "conditions": len(full.conditions), "sources": len(full.sources), "pairs": len(pairs)}
    axes = matrix.axes(full)
    view = _network(full, part, pairs, fixed)
    if fixed:  # a large graph opens on an overview of its broadest conditions, each with its statements
        axes["columns"]["top"], subtree = _overview(full, axes["columns"])
        prefix = node_key("condition", "")
        conditions = view["nodes"]["id"].str.startswith(prefix)
        ids = view["nodes"].loc[conditions, "id"].str.slice(len(prefix))
        n = ids.map(subtree).fillna(0).astype(int)
        view["nodes"].loc[conditions, "label"] = (view["nodes"].loc[conditions, "label"] + "\n"
                                                  + n.map("{:,} statements".format))
        # the overview's order: its conditions in hierarchy order (the page sets them on a grid that fits
        # its width, so that they read on a laptop and on a phone)
        columns = axes["columns"]
        members = columns.loc[columns["id"] == columns["top"], "id"].reset_index(drop=True)
        k = pd.Series(np.arange(len(members)), index=node_keys("condition", members))
        view["nodes"]["slot"] = view["nodes"]["id"].astype(object).map(k).astype("Int64")
    statements = _statement_facts(part, pairs)
    return {
        "meta": {
            "title": options.title or "Evidence graph",
            # the page's guess before it has timed a change: is it large enough that a change may be slow?
            "heavy": len(pairs) + len(statements) > int(options.busy_rows),
            "busy_ms": BUSY_MS,
            "counts": counts,
            "layout": "fixed" if fixed else "physics",
            "max_nodes": int(options.max_nodes),
            "max_edges": int(options.max_edges),
            "max_matrix_cells": int(options.max_matrix_cells),
        },
        "vocab": _vocabulary("strength" in pairs),
        "view": view,
        "pairs": pairs,
        "statements": statements,
        "nodes": _node_counts(full, part),
        "counts": _filter_counts(full, pairs),
        "conflicts": _conflicts(conflicts, part),
        "matrix": axes,
        "initial": initial,
    }


def _options_of(options: dict[str, Any]) -> PageOptions:
    known = set(PageOptions.__dataclass_fields__)
    unknown = sorted(set(options) - known)
    if unknown:
        raise ValueError(f"unknown page option {unknown[0]!r} (expected one of: {', '.join(sorted(known))})")
    return PageOptions(**options)


def page_pieces(dataset: Dataset, *, summary: pd.DataFrame | None = None, **options: Any) -> Iterator[bytes]:
    """The page as consecutive UTF-8 pieces: the large JSON islands are written a few thousand rows at
    a time, so a large page never exists as one string (nor, when written to a file, as one bytes object).
    `summary` is the dataset's summary when the caller has it already."""
    opts = _options_of(options)
    part = carried(dataset, int(opts.max_statements))
    page = _page_data(dataset, part, opts, summary)
    dataset = part
    parts = assets.load()
    csp = "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(parts.script_hashes()),
        "style-src 'unsafe-inline'",
        "img-src data:",
        "font-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    marks = {"data": "\x00kg-data-island\x00", "page": "\x00kg-page-island\x00"}
    template = _environment().get_template("page.html.j2")
    html = template.render(
        title=page["meta"]["title"],
        counts=page["meta"]["counts"],
        csp=csp,
        vis_css=Markup(parts.vis_css),  # installed assets, checked by assets.load
        page_css=Markup(parts.page_css),
        vis_js=Markup(parts.vis_js),
        page_js=Markup(parts.page_js),
        data_json=Markup(marks["data"]),
        page_json=Markup(marks["page"]),
    ).encode("utf-8")
    before, found, rest = html.partition(marks["data"].encode("utf-8"))
    middle, found_too, after = rest.partition(marks["page"].encode("utf-8"))
    assert found and found_too
    yield before
    for piece in island_pieces(dataset):
        yield script_safe(piece)
    yield middle
    for piece in compose_pieces(page):
        yield script_safe(piece)
    yield after


def render_page_bytes(dataset: Dataset, *, summary: pd.DataFrame | None = None, **options: Any) -> bytes:
    """`render_page` as UTF-8 bytes."""
    return b"".join(page_pieces(dataset, summary=summary, **options))


def write_page(dataset: Dataset, path: str | Path, *, summary: pd.DataFrame | None = None, **options: Any) -> None:
    """Write the page to `path` a piece at a time."""
    with open(path, "wb") as out:
        for piece in page_pieces(dataset, summary=summary, **options):
            out.write(piece)


def render_page(dataset: Dataset, *, summary: pd.DataFrame | None = None, **options: Any) -> str:
    """The whole self-contained HTML page for a validated `dataset` (`summary`: its summary, if computed).

    Keyword options are the fields of `PageOptions` (e.g. `focus="condition:sciatica"`,
    `condition="hip-pain"`, `verdicts=["benefit"]`, `tab="matrix"`, `show_sources=True`).
    Raises ValueError for an unknown option, id or enum value.
    """
    return render_page_bytes(dataset, summary=summary, **options).decode("utf-8")


__all__ = ["BUSY_ROWS", "LAYOUT_THRESHOLD", "MAX_NODES", "PageOptions", "island", "page_data", "render_page",
           "render_page_bytes", "script_json", "write_page"]
