"""GraphML (`graph.graphml`): the networkx view (treatments, conditions, sources; statements as edges)."""

from __future__ import annotations

from pathlib import Path

from kg.formats import Context, Format, register


def write(ctx: Context, path: Path) -> None:
    from kg.network import write_graphml

    write_graphml(ctx.dataset, path)


register(Format("graphml", "graph.graphml", "application/graphml+xml",
                "the network view as GraphML (for networkx, Gephi, Cytoscape)", write=write, build_output=True))
