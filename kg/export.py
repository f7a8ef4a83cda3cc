"""Serialise a built graph: Turtle, JSON-LD, N-Triples (Oxigraph) and GraphML."""

from __future__ import annotations

import json

from kg import vocab


def turtle(nt: bytes, base: str = vocab.DEFAULT_BASE) -> bytes:
    """Turtle with the project's prefixes; triples keep the N-Triples order, grouped by subject."""
    import pyoxigraph as ox

    triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    out: bytes = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=vocab.prefixes(base))
    return out


def jsonld(nt: bytes, base: str = vocab.DEFAULT_BASE) -> bytes:
    """JSON-LD: Oxigraph's expanded node objects under an inline @context of the prefixes.

    The context is inline so no processor needs to fetch anything.
    """
    import pyoxigraph as ox

    triples = ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)
    body: bytes = ox.serialize(triples, format=ox.RdfFormat.JSON_LD)
    context = json.dumps({"@context": vocab.prefixes(base)}, indent=1, sort_keys=True)
    graph = body.strip() or b"[]"
    return context[:-2].encode("utf-8") + b',\n "@graph": ' + graph + b"\n}\n"
