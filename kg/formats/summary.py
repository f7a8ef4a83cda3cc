"""The evidence summary as CSV (`summary.csv`): one row per treatment-condition pair with its verdict."""

from __future__ import annotations

from pathlib import Path

from kg.formats import Context, Format, register


def write(ctx: Context, path: Path) -> None:
    from kg.summary import to_csv

    path.write_bytes(to_csv(ctx.summary).encode("utf-8"))


register(Format("summary", "summary.csv", "text/csv", "the evidence summary: one row per treatment-condition pair",
                write=write, build_output=True))
