"""The networkx view of a dataset, and GraphML written straight from the tables.

Nodes are treatments, conditions and sources, keyed `KIND:ID` (`kg.vocab.node_keys`);
each evidence statement is one treatment -> condition edge (key: the statement id)
carrying its columns; `broader` edges link a treatment or condition to its parent;
`cites` edges (drawn by the page only) link a source to the treatments it has
statements about. The three edge lists are made here and nowhere else.
GraphML is assembled from the same columns with vectorised string operations
so a large graph does not become millions of Python dicts; networkx reads it
back as the same graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kg.escape import xml_text, xml_texts
from kg.model import BATCH_ROWS, Dataset, row_batches
from kg.rdf import document
from kg.schema import HIERARCHY_KINDS, KINDS, NODE_KINDS
from kg.vocab import node_keys

EDGE_COLUMNS = ["key", "kind", "from", "to"]
"""The columns every edge list starts with: its own key, its kind, and the node keys it joins."""


def node_frame(dataset: Dataset) -> pd.DataFrame:
    """One row per node: key, kind, id, label and the table's other columns."""
    frames = []
    for kind in NODE_KINDS:
        frame = dataset.table(KINDS[kind].table)
        frame = frame.astype({c: "string" for c in frame.columns if c != "year"})
        label = frame[KINDS[kind].label]
        head = pd.DataFrame({"key": node_keys(kind, frame["id"]), "kind": kind, "id": frame["id"], "label": label})
        rest = frame.drop(columns=[c for c in ("id", "label") if c in frame])
        frames.append(pd.concat([head.astype("string"), rest], axis=1))
    return pd.concat(frames, ignore_index=True)


def evidence_edges(dataset: Dataset) -> pd.DataFrame:
    """One edge per statement, treatment -> condition: `key` (`evidence:ID`), `kind`, `from`, `to`, `evidence`
    (the statement id), then the statement's other columns."""
    ev = dataset.evidence.astype("string")
    head = pd.DataFrame(
        {
            "key": node_keys("evidence", ev["id"]),
            "kind": "evidence",
            "from": node_keys("treatment", ev["treatment"]),
            "to": node_keys("condition", ev["condition"]),
            "evidence": ev["id"],
        }
    ).astype("string")
    rest = [c for c in ev.columns if c not in ("id", "treatment", "condition")]
    return pd.concat([head, ev[rest]], axis=1)


def broader_edges(dataset: Dataset) -> pd.DataFrame:
    """One edge per row with a parent, child -> parent (`key` `broader:KIND:ID`), treatments first."""
    parts = []
    for kind in HIERARCHY_KINDS:
        frame = dataset.table(KINDS[kind].table)
        child = frame[frame["parent"].notna()]
        parts.append(
            pd.DataFrame(
                {
                    "key": "broader:" + node_keys(kind, child["id"]),
                    "kind": "broader",
                    "from": node_keys(kind, child["id"]),
                    "to": node_keys(kind, child["parent"]),
                }
            ).astype("string")
        )
    return pd.concat(parts, ignore_index=True)


def cites_keys(sources: pd.Series, treatments: pd.Series) -> pd.Series:
    """The key of the `cites` edge from each source to each treatment: `cites:SOURCE:TREATMENT`."""
    return "cites:" + sources.astype("string") + ":" + treatments.astype("string")


def pair_keys(treatments: pd.Series, conditions: pd.Series) -> pd.Series:
    """The key of each treatment-condition pair (the page's pair edges and cards): `pair:TREATMENT|CONDITION`."""
    return "pair:" + treatments.astype("string") + "|" + conditions.astype("string")


def cites_edges(dataset: Dataset) -> pd.DataFrame:
    """One edge per source and treatment it has statements about, source -> treatment
    (`key` `cites:SOURCE:TREATMENT`), in the order of their first statement."""
    pairs = dataset.evidence[["source", "treatment"]].astype("string").drop_duplicates()
    return pd.DataFrame(
        {
            "key": cites_keys(pairs["source"], pairs["treatment"]),
            "kind": "cites",
            "from": node_keys("source", pairs["source"]),
            "to": node_keys("treatment", pairs["treatment"]),
        }
    ).astype("string")


def edge_frame(dataset: Dataset) -> pd.DataFrame:
    """The networkx view's edges: evidence statements, then `broader` hierarchy edges, keyed as networkx
    and GraphML want them (`source_key`, `target_key`, `edge_key`)."""
    names = {"key": "edge_key", "from": "source_key", "to": "target_key"}
    evidence = evidence_edges(dataset).rename(columns=names)
    front = ["source_key", "target_key", "edge_key", "kind"]
    evidence = evidence[front + [c for c in evidence.columns if c not in front]]
    broader = broader_edges(dataset).rename(columns=names)[front]
    return pd.concat([evidence, broader], ignore_index=True)


def _clean_attrs(record: dict[Any, Any]) -> dict[str, object]:
    return {k: (int(v) if isinstance(v, np.integer) else v) for k, v in record.items() if not pd.isna(v)}  # type: ignore[call-overload]


def to_networkx(dataset: Dataset) -> nx.MultiDiGraph:
    """A MultiDiGraph of the dataset (attributes that are not stated are left out)."""
    graph = nx.MultiDiGraph()
    nodes = node_frame(dataset)
    attrs = nodes.drop(columns=["key"]).to_dict("records")
    graph.add_nodes_from((k, _clean_attrs(a)) for k, a in zip(nodes["key"].tolist(), attrs, strict=True))
    edges = edge_frame(dataset)
    eattrs = edges.drop(columns=["source_key", "target_key", "edge_key"]).to_dict("records")
    graph.add_edges_from(
        (u, v, k, _clean_attrs(a))
        for u, v, k, a in zip(
            edges["source_key"].tolist(), edges["target_key"].tolist(), edges["edge_key"].tolist(), eattrs, strict=True
        )
    )
    return graph


_NOTHING = pa.scalar("", pa.large_string())


def _arrow(values: pd.Series) -> pa.Array:
    """A text column as an Arrow array (NA as null), XML-escaped."""
    arr = pa.array(xml_texts(values.astype("string")).array)
    if isinstance(arr, pa.ChunkedArray):  # pandas' string arrays arrive chunked
        arr = arr.combine_chunks()
    return arr.cast(pa.large_string())


def _elements(frame: pd.DataFrame, opening: list[str | pd.Series], closing: str, keys: dict[str, str]) -> bytes:
    """One element per row, each on its own line: `opening` (text and escaped columns), a `<data>` child per
    stated cell, `closing`. The pieces are joined by Arrow in one pass, not by growing Python strings."""
    parts: list[pa.Array | pa.Scalar] = [
        pa.scalar(p, pa.large_string()) if isinstance(p, str) else _arrow(p) for p in opening]
    for column, key in keys.items():
        values = frame[column]
        if not values.notna().any():
            continue
        data = pc.binary_join_element_wise(pa.scalar(f'<data key="{key}">', pa.large_string()), _arrow(values),
                                           pa.scalar("</data>", pa.large_string()), _NOTHING)  # null where not stated
        parts.append(data)
    parts.append(pa.scalar(closing + "\n", pa.large_string()))
    lines = pc.binary_join_element_wise(*parts, _NOTHING, null_handling="replace", null_replacement="")
    return document(lines).to_pybytes()


def _declare(keys: dict[str, str], domain: str, types: dict[str, str]) -> list[str]:
    return [
        f'  <key id="{key}" for="{domain}" attr.name="{xml_text(name)}" attr.type="{types.get(name, "string")}"/>'
        for name, key in keys.items()
    ]


def graphml_chunks(dataset: Dataset, rows: int = BATCH_ROWS) -> Iterator[bytes]:
    """GraphML of the networkx view as consecutive pieces of one document, byte-identical for identical input."""
    nodes = node_frame(dataset)
    edges = edge_frame(dataset)
    node_cols = [c for c in nodes.columns if c != "key"]
    edge_cols = [c for c in edges.columns if c not in ("source_key", "target_key", "edge_key")]
    node_keys = {c: f"n{i}" for i, c in enumerate(node_cols)}
    edge_keys = {c: f"e{i}" for i, c in enumerate(edge_cols)}
    types = {"year": "long"}
    if "year" in nodes:
        nodes["year"] = nodes["year"].astype("Int64").astype("string")
    head = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
        *_declare(node_keys, "node", types),
        *_declare(edge_keys, "edge", {}),
        '  <graph edgedefault="directed">',
    ]
    yield ("\n".join(head) + "\n").encode("utf-8")
    for _, part in row_batches(nodes, rows):
        node: list[str | pd.Series] = ['    <node id="', part["key"], '">']
        yield _elements(part, node, "</node>", node_keys)
    for _, part in row_batches(edges, rows):
        opening: list[str | pd.Series] = ['    <edge id="', part["edge_key"], '" source="', part["source_key"],
                                          '" target="', part["target_key"], '">']
        yield _elements(part, opening, "</edge>", edge_keys)
    yield b"  </graph>\n</graphml>\n"


def graphml(dataset: Dataset) -> bytes:
    """GraphML of the networkx view, byte-identical for identical input."""
    return b"".join(graphml_chunks(dataset))


def write_graphml(dataset: Dataset, path: str | Path) -> None:
    """Write `graphml` to `path` a piece at a time."""
    with open(path, "wb") as out:
        for chunk in graphml_chunks(dataset):
            out.write(chunk)
