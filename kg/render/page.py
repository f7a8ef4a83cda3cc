"""The interactive page (index.html): graph and evidence matrix in one self-contained file.

`render_page(graph, **options)` returns the whole HTML document. It carries:

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
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from kg import network
from kg.model import Dataset
from kg.render import assets, layout, matrix, style
from kg.schema import enum_values

if TYPE_CHECKING:
    from kg.api import EvidenceGraph

LAYOUT_THRESHOLD = 400
"""Above this many nodes, positions are computed in Python and physics is off."""
MAX_NODES = 6000
"""At most this many nodes are drawn at once; the page says so when it draws fewer."""
MAX_EDGES = 25000
"""At most this many edges are drawn at once."""
MAX_MATRIX_CELLS = 40000
"""At most this many matrix cells are drawn at once."""
LABEL_LIMIT = 42
TABS = ("graph", "matrix")

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                 0x2028: "\\u2028", 0x2029: "\\u2029"}


def script_json(value: Any) -> Markup:
    """JSON that is safe inside a `<script>` element: no `<`, `>` or `&` survives as such."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_json_default)
    return Markup(text.translate(_JSON_ESCAPES))  # escaped above


def _json_default(value: object) -> object:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()  # type: ignore[attr-defined]
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _present(value: object) -> bool:
    if value is None or value is pd.NA:
        return False
    return not (isinstance(value, float) and math.isnan(value))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts without the cells that say nothing (NA)."""
    columns = [str(c) for c in frame.columns]
    values = [frame[c].astype(object).where(frame[c].notna(), None).tolist() for c in frame.columns]
    return [{c: v for c, v in zip(columns, row, strict=True) if v is not None} for row in zip(*values, strict=True)]


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
    kinds = {"treatment": dataset.treatments, "condition": dataset.conditions, "source": dataset.sources}
    kind, sep, ident = focus.partition(":")
    if sep and kind in kinds:
        if not (kinds[kind]["id"] == ident).any():
            raise ValueError(f"unknown {kind} {ident!r}: no {kind} has this id")
        return focus
    found = [k for k, frame in kinds.items() if (frame["id"] == focus).any()]
    if not found:
        raise ValueError(f"unknown focus {focus!r}: no treatment, condition or source has this id")
    if len(found) > 1:
        raise ValueError(f"ambiguous focus {focus!r}: write it as {' or '.join(k + ':' + focus for k in found)}")
    return f"{found[0]}:{focus}"


def _initial(dataset: Dataset, options: PageOptions) -> dict[str, Any]:
    if options.tab not in TABS:
        raise ValueError(f"unknown tab {options.tab!r} (expected one of: {', '.join(TABS)})")
    condition = options.condition
    if condition is not None and not (dataset.conditions["id"] == condition).any():
        from kg.summary import UnknownIdError

        raise UnknownIdError("condition", condition)
    for name in ("layout_threshold", "max_nodes", "max_edges", "max_matrix_cells"):
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


def island(dataset: Dataset) -> dict[str, list[dict[str, Any]]]:
    """The contract's data island: every node (`key`, `kind`, `id`, `label`, …) and edge (`from`, `to`, `kind`, …)."""
    nodes = _records(network.node_frame(dataset))
    edges = network.edge_frame(dataset)
    evidence = edges[edges["kind"] == "evidence"].rename(
        columns={"edge_key": "key", "source_key": "from", "target_key": "to", "evidence": "id"})
    broader = edges[edges["kind"] == "broader"][["edge_key", "kind", "source_key", "target_key"]].rename(
        columns={"edge_key": "key", "source_key": "from", "target_key": "to"})
    ev = dataset.evidence[["source", "treatment"]].astype(str).drop_duplicates()
    cites = pd.DataFrame({
        "key": "cites:" + ev["source"] + ":" + ev["treatment"],
        "kind": "cites",
        "from": "source:" + ev["source"],
        "to": "treatment:" + ev["treatment"],
    })
    return {"nodes": nodes, "edges": _records(evidence) + _records(broader) + _records(cites)}


# --------------------------------------------------------------------------- the summary's pairs


def _summary(graph: EvidenceGraph | Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    from kg import summary

    dataset = graph if isinstance(graph, Dataset) else graph.dataset
    pairs = summary.summarise(dataset) if isinstance(graph, Dataset) else graph.summary()
    return pairs, summary.conflicts(dataset)


def _pairs(dataset: Dataset, summary: pd.DataFrame, conflicts: pd.DataFrame) -> list[dict[str, Any]]:
    ids: dict[tuple[str, str], list[str]] = {}
    ev = dataset.evidence
    for ident, t, c in zip(ev["id"].astype(str), ev["treatment"].astype(str), ev["condition"].astype(str),
                           strict=True):
        ids.setdefault((t, c), []).append(ident)
    found: dict[tuple[str, str], list[list[str]]] = {}
    for t, c, kind, a, b in conflicts[["treatment_id", "condition_id", "kind", "evidence_a", "evidence_b"]].astype(
            str).itertuples(index=False):
        found.setdefault((t, c), []).append([kind, a, b])
    rows = summary[["treatment_id", "condition_id", "verdict", "headline", "short_term", "medium_term",
                    "long_term", "sources", "best_source_type"]]
    out = []
    for row in _records(rows):
        key = (row.pop("treatment_id"), row.pop("condition_id"))
        row.update(key=f"pair:{key[0]}|{key[1]}", treatment=key[0], condition=key[1],
                   statements=ids.get(key, []), conflicts=found.get(key, []))
        out.append(row)
    return out


# --------------------------------------------------------------------------- the network, built with pyvis


def _short(label: str, limit: int = LABEL_LIMIT) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _network(dataset: Dataset, pairs: list[dict[str, Any]], fixed: bool) -> dict[str, Any]:
    """vis-network nodes, edges and options, assembled in a pyvis Network (its lists filled directly)."""
    from pyvis.network import Network

    net = Network(directed=True, height="100%", width="100%")
    ev = dataset.evidence
    n_statements = ev["treatment"].astype(str).value_counts().to_dict()
    c_statements = ev["condition"].astype(str).value_counts().to_dict()
    pos = layout.positions(dataset) if fixed else {}

    def place(node: dict[str, Any]) -> dict[str, Any]:
        if node["id"] in pos:
            node["x"], node["y"] = (round(v, 1) for v in pos[node["id"]])
        return node

    t = dataset.treatments
    for ident, label, category in zip(t["id"].astype(str), t["label"].astype(str), t["category"].astype(str),
                                      strict=True):
        _lab, colour, shape = style.CATEGORY_STYLE[category]  # type: ignore[index]
        n = int(n_statements.get(ident, 0))
        net.nodes.append(place({
            "id": "treatment:" + ident, "label": _short(label), "shape": shape,
            "size": round(11 + 4 * math.sqrt(n), 1) if n else 9,
            "color": {"background": colour if n else "#ffffff", "border": colour,
                      "highlight": {"background": colour, "border": "#111111"},
                      "hover": {"background": colour, "border": "#111111"}},
            "borderWidth": 1 if n else 2, "font": {"size": 16, "color": "#1d2430" if n else "#6b7280"},
        }))
    c = dataset.conditions
    roots = set(c.loc[c["parent"].isna(), "id"].astype(str))
    for ident, label in zip(c["id"].astype(str), c["label"].astype(str), strict=True):
        n = int(c_statements.get(ident, 0))
        net.nodes.append(place({
            "id": "condition:" + ident, "label": _short(label), "shape": "box",
            "color": {"background": style.CONDITION_COLOUR, "border": style.CONDITION_COLOUR,
                      "highlight": {"background": "#2f5d94", "border": "#111111"},
                      "hover": {"background": "#2f5d94", "border": "#111111"}},
            "font": {"size": 20 if ident in roots else 17, "color": "#ffffff"},
            "margin": 10 if ident in roots else 8, "borderWidth": 1, "mass": 2 + min(n, 20) / 4,
        }))
    s = dataset.sources
    for ident, title in zip(s["id"].astype(str), s["title"].astype(str), strict=True):
        net.nodes.append(place({
            "id": "source:" + ident, "label": _short(title, 30), "shape": "box",
            "color": {"background": style.SOURCE_COLOUR, "border": "#b5ad95",
                      "highlight": {"background": "#f5f0e1", "border": "#111111"},
                      "hover": {"background": "#f5f0e1", "border": "#111111"}},
            "font": {"size": 12, "color": "#3b3526"}, "margin": 6, "physics": False,
        }))

    verdicts = style.VERDICT_STYLE
    widths = {k: w for k, (_l, w) in style.SOURCE_TYPE_STYLE.items()}
    for p in pairs:
        colour = verdicts[p["verdict"]][1]
        net.edges.append({
            "id": p["key"], "from": "treatment:" + p["treatment"], "to": "condition:" + p["condition"],
            "color": colour, "width": widths[p["best_source_type"]],
            **({"dashes": [10, 6]} if p["verdict"] == "short_term_only" else {}),
        })
    effects = style.EFFECT_STYLE
    rank: dict[tuple[str, str], int] = {}
    source_type = dict(zip(s["id"].astype(str), s["type"].astype(str), strict=True))
    cols = ev[["id", "treatment", "condition", "source", "effect", "timeframe", "certainty"]].astype(object)
    for ident, tr, co, src, effect, timeframe, certainty in cols.itertuples(index=False):
        i = rank.get((tr, co), 0)
        rank[(tr, co)] = i + 1
        colour = effects[effect][1]
        width = widths[source_type[src]] * 0.6 + (style.CERTAINTY_WIDTH.get(certainty, 0.0)
                                                  if _present(certainty) else 0.0)
        edge: dict[str, Any] = {
            "id": "evidence:" + ident, "from": "treatment:" + tr, "to": "condition:" + co, "color": colour,
            "width": round(width, 2), "physics": False,
        }
        if timeframe == "short_term":
            edge["dashes"] = [10, 6]
        if i:
            edge["smooth"] = {"enabled": True, "type": "curvedCW" if i % 2 else "curvedCCW",
                              "roundness": round(0.12 * ((i + 1) // 2), 2)}
        net.edges.append(edge)
    for table, kind in (("treatments", "treatment"), ("conditions", "condition")):
        frame = dataset.table(table)
        child = frame[frame["parent"].notna()]
        for ident, parent in zip(child["id"].astype(str), child["parent"].astype(str), strict=True):
            net.edges.append({
                "id": f"broader:{kind}:{ident}", "from": f"{kind}:{ident}", "to": f"{kind}:{parent}",
                "color": style.HIERARCHY_COLOUR, "width": 1.2, "dashes": [2, 5],
                "arrows": {"to": {"enabled": not fixed, "scaleFactor": 0.4}},
            })
    cites = ev[["source", "treatment"]].astype(str).drop_duplicates()
    for src, tr in cites.itertuples(index=False):
        net.edges.append({
            "id": f"cites:{src}:{tr}", "from": "source:" + src, "to": "treatment:" + tr,
            "color": style.CITES_COLOUR, "width": 0.8, "arrows": {"to": {"enabled": False}}, "physics": False,
        })

    if fixed:
        net.toggle_physics(False)
        net.set_edge_smooth("continuous")
        net.toggle_hide_edges_on_drag(True)
    else:
        net.force_atlas_2based(gravity=-110, central_gravity=0.035, spring_length=90, spring_strength=0.06,
                               damping=0.5, overlap=0.8)
        net.set_edge_smooth("continuous")
    nodes, edges, _heading, _height, _width, options_json = net.get_network_data()
    options = json.loads(options_json)
    options["edges"]["smooth"]["enabled"] = not fixed
    options["edges"]["color"] = {"inherit": False}
    # Arrowheads are most of a frame's drawing time on thousands of edges (each is fitted to its
    # node's outline); on a large graph the direction is plain anyway (treatment -> condition box).
    options["edges"]["arrows"] = {"to": {"enabled": not fixed, "scaleFactor": 0.55}}
    options["interaction"].update({"hover": True, "tooltipDelay": 120, "hideEdgesOnZoom": fixed,
                                   "multiselect": False, "navigationButtons": False, "keyboard": False})
    options["layout"] = {"randomSeed": 7, "improvedLayout": not fixed and len(nodes) <= 150}
    options["nodes"] = {"font": {"face": "system-ui, 'Liberation Sans', 'DejaVu Sans', sans-serif"}}
    if not fixed:
        options["physics"]["stabilization"] = {"enabled": True, "iterations": 700, "updateInterval": 50,
                                               "fit": True}
        options["physics"]["minVelocity"] = 1.0
    return {"nodes": nodes, "edges": edges, "options": options, "fixed": fixed}


# --------------------------------------------------------------------------- the page


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("kg.render", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _dataset(graph: EvidenceGraph | Dataset) -> Dataset:
    return graph if isinstance(graph, Dataset) else graph.dataset


def page_data(graph: EvidenceGraph | Dataset, options: PageOptions | None = None) -> dict[str, Any]:
    """Everything the page's script reads from the `kg-page` island (see the module docstring)."""
    options = options or PageOptions()
    dataset = _dataset(graph)
    initial = _initial(dataset, options)
    summary, conflicts = _summary(graph)
    pairs = _pairs(dataset, summary, conflicts)
    n_nodes = len(dataset.treatments) + len(dataset.conditions) + len(dataset.sources)
    fixed = n_nodes > options.layout_threshold
    counts = {"statements": len(dataset.evidence), "treatments": len(dataset.treatments),
              "conditions": len(dataset.conditions), "sources": len(dataset.sources), "pairs": len(pairs)}
    return {
        "meta": {
            "title": options.title or "Evidence graph",
            "counts": counts,
            "layout": "fixed" if fixed else "physics",
            "max_nodes": int(options.max_nodes),
            "max_edges": int(options.max_edges),
            "max_matrix_cells": int(options.max_matrix_cells),
        },
        "vocab": style.vocabulary(),
        "view": _network(dataset, pairs, fixed),
        "pairs": pairs,
        "matrix": matrix.axes(dataset),
        "initial": initial,
    }


def render_page(graph: EvidenceGraph | Dataset, **options: Any) -> str:
    """The whole self-contained HTML page for `graph` (an EvidenceGraph or a validated Dataset).

    Keyword options are the fields of `PageOptions` (e.g. `focus="condition:sciatica"`,
    `condition="hip-pain"`, `verdicts=["benefit"]`, `tab="matrix"`, `show_sources=True`).
    Raises ValueError for an unknown option, id or enum value.
    """
    known = set(PageOptions.__dataclass_fields__)
    unknown = sorted(set(options) - known)
    if unknown:
        raise ValueError(f"unknown page option {unknown[0]!r} (expected one of: {', '.join(sorted(known))})")
    opts = PageOptions(**options)
    dataset = _dataset(graph)
    data = island(dataset)
    page = page_data(graph, opts)
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
    counts = page["meta"]["counts"]
    template = _environment().get_template("page.html.j2")
    return template.render(
        title=page["meta"]["title"],
        counts=counts,
        csp=csp,
        vis_css=Markup(parts.vis_css),  # installed assets, checked by assets.load
        page_css=Markup(parts.page_css),
        vis_js=Markup(parts.vis_js),
        page_js=Markup(parts.page_js),
        data_json=script_json(data),
        page_json=script_json(page),
    )


__all__ = ["LAYOUT_THRESHOLD", "MAX_NODES", "PageOptions", "island", "page_data", "render_page", "script_json"]
