"""The graph page (`index.html`): one self-contained, offline HTML file with the graph and the matrix."""

from __future__ import annotations

from pathlib import Path

from kg.formats import Context, Format, register


def write(ctx: Context, path: Path) -> None:
    from kg.render.page import write_page

    write_page(ctx.dataset, path, summary=ctx.summary, **ctx.options)


register(Format("page", "index.html", "text/html", "the interactive graph page (self-contained, offline)",
                write=write, build_output=True))
