"""Serialise a built graph: Turtle, JSON-LD, N-Triples (Oxigraph) and GraphML."""

from __future__ import annotations

import json

from kg import vocab


def turtle(nt: bytes, base: str = vocab.DEFAULT_BASE) -> bytes:
    """Turtle with the project's prefixes; triples keep the N-Triples order, grouped by subject."""
    import pyoxigraph as ox

    triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    out = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=vocab.prefixes(base))
    assert out is not None
    return out


def jsonld(nt: bytes, base: str = vocab.DEFAULT_BASE) -> bytes:
    """JSON-LD: Oxigraph's expanded node objects under an inline @context of the prefixes.

    The context is inline so no processor needs to fetch anything.
    """
    import pyoxigraph as ox

    triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    body = ox.serialize(triples, format=ox.RdfFormat.JSON_LD)
    assert body is not None
    context = json.dumps({"@context": vocab.prefixes(base)}, indent=1, sort_keys=True)
    graph = body.strip() or b"[]"
    return context[:-2].encode("utf-8") + b',\n "@graph": ' + graph + b"\n}\n"
