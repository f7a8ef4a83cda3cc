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

from kg.model import BATCH_ROWS, Dataset, row_batches
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


def cites_edges(dataset: Dataset) -> pd.DataFrame:
    """One edge per source and treatment it has statements about, source -> treatment
    (`key` `cites:SOURCE:TREATMENT`), in the order of their first statement."""
    pairs = dataset.evidence[["source", "treatment"]].astype("string").drop_duplicates()
    return pd.DataFrame(
        {
            "key": "cites:" + pairs["source"] + ":" + pairs["treatment"],
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


_XML = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;"}
_XML.update({c: "\ufffd" for c in [*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20)]})


_XML_SPECIAL = r'[&<>"\x00-\x08\x0b\x0c\x0e-\x1f]'


def _xml(values: pd.Series) -> pd.Series:
    """XML-escaped text; only the cells that need it go through Python's `str.translate`."""
    special = values.str.contains(_XML_SPECIAL, regex=True).fillna(False).astype(bool)
    if not special.any():
        return values
    out = values.copy()
    out[special] = values[special].str.translate(_XML)
    return out


def _xml_text(text: str) -> str:
    return text.translate(_XML)


def _elements(frame: pd.DataFrame, opening: pd.Series, closing: str, keys: dict[str, str]) -> pd.Series:
    body = opening
    for column, key in keys.items():
        values = frame[column]
        present = values.notna()
        if not present.any():
            continue
        text = pd.Series("", index=frame.index, dtype="string")
        text[present] = f'<data key="{key}">' + _xml(values[present].astype("string")) + "</data>"
        body = body + text
    return body + closing


def _declare(keys: dict[str, str], domain: str, types: dict[str, str]) -> list[str]:
    return [
        f'  <key id="{key}" for="{domain}" attr.name="{_xml_text(name)}" attr.type="{types.get(name, "string")}"/>'
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
        xml = _elements(part, '    <node id="' + _xml(part["key"]) + '">', "</node>", node_keys)
        yield ("\n".join(xml.tolist()) + "\n").encode("utf-8")
    for _, part in row_batches(edges, rows):
        opening = ('    <edge id="' + _xml(part["edge_key"]) + '" source="' + _xml(part["source_key"])
                   + '" target="' + _xml(part["target_key"]) + '">')
        xml = _elements(part, opening, "</edge>", edge_keys)
        yield ("\n".join(xml.tolist()) + "\n").encode("utf-8")
    yield b"  </graph>\n</graphml>\n"


def graphml(dataset: Dataset) -> bytes:
    """GraphML of the networkx view, byte-identical for identical input."""
    return b"".join(graphml_chunks(dataset))


def write_graphml(dataset: Dataset, path: str | Path) -> None:
    """Write `graphml` to `path` a piece at a time."""
    with open(path, "wb") as out:
        for chunk in graphml_chunks(dataset):
            out.write(chunk)
