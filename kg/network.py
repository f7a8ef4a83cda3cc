"""The networkx view of a dataset, and GraphML written straight from the tables.

Nodes are treatments, conditions and sources, keyed `KIND:ID`; each evidence
statement is one treatment -> condition edge (key: the statement id) carrying
its columns; `broader` edges link a treatment or condition to its parent.
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

NODE_TABLES = (("treatments", "treatment"), ("conditions", "condition"), ("sources", "source"))
EVIDENCE_ATTRS = (
    "source",
    "effect",
    "timeframe",
    "certainty",
    "recommendation",
    "comparator",
    "outcome",
    "population",
    "summary",
    "quote",
    "notes",
)


def node_frame(dataset: Dataset) -> pd.DataFrame:
    """One row per node: key, kind, id, label and the table's other columns."""
    frames = []
    for table, kind in NODE_TABLES:
        frame = dataset.table(table)
        frame = frame.astype({c: "string" for c in frame.columns if c != "year"})
        label = frame["label"] if "label" in frame else frame["title"]
        head = pd.DataFrame({"key": kind + ":" + frame["id"], "kind": kind, "id": frame["id"], "label": label})
        rest = frame.drop(columns=[c for c in ("id", "label") if c in frame])
        frames.append(pd.concat([head.astype("string"), rest], axis=1))
    return pd.concat(frames, ignore_index=True)


def edge_frame(dataset: Dataset) -> pd.DataFrame:
    """One row per edge: evidence statements, then `broader` hierarchy edges."""
    ev = dataset.evidence.astype("string")
    evidence = pd.DataFrame(
        {
            "source_key": "treatment:" + ev["treatment"],
            "target_key": "condition:" + ev["condition"],
            "edge_key": "evidence:" + ev["id"],
            "kind": "evidence",
            "evidence": ev["id"],
        }
    ).astype("string")
    extra = [c for c in ev.columns if c not in ("id", "treatment", "condition")]
    evidence = pd.concat([evidence, ev[extra]], axis=1)
    parts = [evidence]
    for table, kind in NODE_TABLES[:2]:
        frame = dataset.table(table)
        child = frame[frame["parent"].notna()]
        parts.append(
            pd.DataFrame(
                {
                    "source_key": kind + ":" + child["id"],
                    "target_key": kind + ":" + child["parent"],
                    "edge_key": "broader:" + kind + ":" + child["id"],
                    "kind": "broader",
                }
            ).astype("string")
        )
    return pd.concat(parts, ignore_index=True)


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
