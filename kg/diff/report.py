"""A diff as text: an aligned table for a terminal, one CSV, JSON (schema in docs/diff.md), markdown for a
pull-request comment, or a self-contained offline HTML page with the changed pairs' before/after cards.

Text from the data is data: HTML escapes it (Jinja autoescape), markdown escapes its markup characters.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kg.diff.compare import CONFLICT_COLUMNS, ENTITY_COLUMNS, STATEMENT_COLUMNS, VERDICT_COLUMNS
from kg.render.style import VERDICT_STYLE

if TYPE_CHECKING:
    from kg.diff.result import DiffResult as Diff

FORMATS: tuple[str, ...] = ("table", "csv", "json", "markdown", "html")
JSON_SCHEMA = "https://evidence-kg.example/schema/diff/1"
CSV_COLUMNS = ("part", "kind", "key", "change", "field", "old", "new", "detail")
X = "\u00d7"
"""The sign between a treatment and a condition naming a pair."""
MARKDOWN_ROWS = 50
"""Rows of each table a markdown comment shows before saying how many more there are."""


def render(d: Diff, fmt: str) -> str:
    writers = {"table": to_table, "csv": to_csv, "json": to_json, "markdown": to_markdown, "html": to_html}
    return writers[fmt](d)


def _cells(frame: pd.DataFrame) -> list[list[str]]:
    return frame.astype(object).where(frame.notna(), "").astype(str).values.tolist()


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    cells = frame.astype(object).where(frame.notna(), None)
    return [dict(zip([str(c) for c in frame.columns], row, strict=True)) for row in cells.values.tolist()]


def headline(d: Diff) -> str:
    """One line: the two sides and whether they differ."""
    line = f"{d.old} ({d.old_kind}) -> {d.new} ({d.new_kind}): "
    if d.same_inputs:
        return line + "same inputs (every input file has the same sha256); nothing differs"
    return line + ("differences found" if d.different else "no differences")


def _versions(d: Diff) -> str:
    old, new = d.versions
    if old and new and old != new:
        return f"built by evidence-kg {old} and {new}"
    return ""


# --------------------------------------------------------------------------- table and csv


def to_table(d: Diff) -> str:
    from kg.results import format_table

    out = [headline(d)]
    if _versions(d):
        out.append(_versions(d))
    out.append("")
    counts = d.counts
    out.append(format_table([str(c) for c in counts.columns], _cells(counts), 40))
    sections = [
        ("Verdicts", d.verdicts, VERDICT_COLUMNS),
        ("Conflicts", d.conflicts, CONFLICT_COLUMNS[:8]),
        ("Statements", d.statements, STATEMENT_COLUMNS),
        ("Entities", d.entities, ENTITY_COLUMNS),
        ("Input files", d.files, tuple(d.files.columns)),
    ]
    for title, frame, columns in sections:
        if len(frame):
            out.append(f"{title}:")
            out.append(format_table(list(columns), _cells(frame[list(columns)]), 48))
    return "\n".join(out)


def long_frame(d: Diff) -> pd.DataFrame:
    """Every change as one row of `CSV_COLUMNS`: part, kind, key (id, pair, conflict), change, field, old,
    new, detail (a quote's word diff, a verdict's causes, a renamed statement's old id)."""
    e, s, v, c, f = d.entities, d.statements, d.verdicts, d.conflicts, d.files
    conflict_key = c["treatment_id"] + "/" + c["condition_id"] + "/" + c["evidence_a"] + "/" + c["evidence_b"]
    parts = [
        pd.DataFrame({"part": "entities", "kind": e["kind"], "key": e["id"], "change": e["change"],
                      "field": e["field"], "old": e["old"], "new": e["new"], "detail": pd.NA}),
        pd.DataFrame({"part": "statements", "kind": "evidence", "key": s["id"], "change": s["change"],
                      "field": s["field"], "old": s["old"], "new": s["new"],
                      "detail": s["words"].fillna("renamed from " + s["old_id"])}),
        pd.DataFrame({"part": "verdicts", "kind": "pair", "key": v["treatment_id"] + "/" + v["condition_id"],
                      "change": v["change"], "field": v["field"], "old": v["old"], "new": v["new"],
                      "detail": v["because"]}),
        pd.DataFrame({"part": "conflicts", "kind": c["kind"], "key": conflict_key, "change": c["change"],
                      "field": pd.NA, "old": c["value_a"], "new": c["value_b"],
                      "detail": c["source_a"] + " vs " + c["source_b"]}),
        pd.DataFrame({"part": "files", "kind": "file", "key": f["path"], "change": f["change"], "field": "sha256",
                      "old": f["old_sha256"], "new": f["new_sha256"], "detail": pd.NA}),
    ]
    return pd.concat([p for p in parts if len(p)] or [pd.DataFrame(columns=list(CSV_COLUMNS))],
                     ignore_index=True).reindex(columns=list(CSV_COLUMNS)).astype("string")


def to_csv(d: Diff) -> str:
    return long_frame(d).to_csv(index=False, lineterminator="\n")


# --------------------------------------------------------------------------- json


def to_dict(d: Diff) -> dict[str, Any]:
    counts = {row["part"]: {k: v for k, v in row.items() if k != "part" and v is not None}
              for row in _records(d.counts)}
    return {
        "schema": JSON_SCHEMA,
        "old": {"side": d.old, "kind": d.old_kind, "version": d.versions[0]},
        "new": {"side": d.new, "kind": d.new_kind, "version": d.versions[1]},
        "same_inputs": d.same_inputs,
        "different": d.different,
        "counts": counts,
        "files": _records(d.files),
        "entities": _records(d.entities),
        "statements": [{**r, "words": d.words.get(str(r["id"])) if r["field"] == "quote" else None}
                       for r in _records(d.statements)],
        "verdicts": _records(d.verdicts),
        "conflicts": _records(d.conflicts),
    }


def to_json(d: Diff) -> str:
    return json.dumps(to_dict(d), indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(value: Any) -> str:
    """A table cell's text made inert in GitHub markdown: HTML characters as entities, the inline markup
    characters (emphasis, code, links, strike-through, the cell separator) backslash-escaped, line
    breaks as <br>. Block markers (#, -, >) mean nothing inside a table cell."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"\r\n|\r|\n", "<br>", text)


def md_words(ops: list[tuple[str, str]]) -> str:
    tags = {"=": "{}", "-": "<del>{}</del>", "+": "<ins>{}</ins>"}
    return " ".join(tags[op].format(md(text)) for op, text in ops)


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows[:MARKDOWN_ROWS]]
    if len(rows) > MARKDOWN_ROWS:
        lines.append(f"\n… and {len(rows) - MARKDOWN_ROWS} more (see `kg diff --format csv`)")
    return lines


def _arrow(old: Any, new: Any) -> str:
    return f"{md(old) or '∅'} → {md(new) or '∅'}"


def _because(value: Any) -> str:
    if value is None or value is pd.NA:
        return "no change of its own (the hierarchy or related pairs)"
    return ", ".join(md(k) for k in str(value).split("|"))


def to_markdown(d: Diff) -> str:
    out = [f"### `kg diff`: {md(d.old)} → {md(d.new)}", ""]
    if d.same_inputs:
        out.append("**Same inputs**: every input file has the same sha256, so nothing differs.")
        return "\n".join(out) + "\n"
    out.append(f"{md(d.old_kind)} → {md(d.new_kind)}: "
               + ("**differences found**" if d.different else "**no differences**")
               + (f" ({md(_versions(d))})" if _versions(d) else ""))
    out.append("")
    counts = d.counts
    shown = list(counts.columns[1:])
    out += _md_table(["part", *shown], [[md(r["part"]), *(md(r[c]) for c in shown)]
                                         for r in _records(counts)])
    if len(d.pairs):
        out += ["", f"#### Verdicts ({len(d.pairs)} pair{'s' if len(d.pairs) != 1 else ''})", ""]
        rows = []
        for pair in _records(d.pairs):
            mine = d.verdicts[((d.verdicts["treatment_id"] == pair["treatment_id"])
                               & (d.verdicts["condition_id"] == pair["condition_id"])).to_numpy()]
            name = f"{md(pair['new_treatment'] or pair['old_treatment'])} {X} " \
                   f"{md(pair['new_condition'] or pair['old_condition'])}"
            changes = "<br>".join(f"{md(r['field'])}: {_arrow(r['old'], r['new'])}" for r in _records(mine))
            rows.append([name, md(pair["change"]), changes, _because(pair["because"])])
        out += _md_table(["pair", "change", "old → new", "because of"], rows)
    if len(d.conflicts):
        out += ["", f"#### Conflicts ({len(d.conflicts)})", ""]
        out += _md_table(["change", "pair", "kind", "statements", "values"],
                         [[md(r["change"]), f"{md(r['treatment_id'])} {X} {md(r['condition_id'])}", md(r["kind"]),
                           f"{md(r['evidence_a'])} ({md(r['source_a'])}) vs {md(r['evidence_b'])} "
                           f"({md(r['source_b'])})", f"{md(r['value_a'])} vs {md(r['value_b'])}"]
                          for r in _records(d.conflicts)])
    if len(d.statements):
        out += ["", "<details><summary>Statements: " + _count_line(d, "statements") + "</summary>", ""]
        rows = []
        for r in _records(d.statements):
            if r["change"] == "renamed":
                what = f"renamed from {md(r['old_id'])}"
            elif r["change"] == "changed" and r["field"] == "quote":
                what = f"quote: {md_words(d.words.get(str(r['id']), []))}"
            elif r["change"] == "changed":
                what = f"{md(r['field'])}: {_arrow(r['old'], r['new'])}"
            else:
                what = ""
            rows.append([md(r["id"]), md(r["change"]), f"{md(r['treatment'])} {X} {md(r['condition'])}", what])
        out += _md_table(["statement", "change", "pair", "what"], rows)
        out += ["", "</details>"]
    if len(d.entities):
        out += ["", "<details><summary>Sources, treatments, conditions: " + str(len(d.entities))
                + " change(s)</summary>", ""]
        out += _md_table(["kind", "id", "change", "field", "old → new"],
                         [[md(r["kind"]), md(r["id"]), md(r["change"]), md(r["field"]),
                           _arrow(r["old"], r["new"]) if r["change"] == "changed" else md(r["label"])]
                          for r in _records(d.entities)])
        out += ["", "</details>"]
    if len(d.files):
        out += ["", "<details><summary>Input files</summary>", ""]
        out += _md_table(["file", "change"], [[md(r["path"]), md(r["change"])] for r in _records(d.files)])
        out += ["", "</details>"]
    return "\n".join(out) + "\n"


def _count_line(d: Diff, part: str) -> str:
    row = _records(d.counts.loc[(d.counts["part"] == part).to_numpy()])[0]
    return ", ".join(f"{v} {k}" for k, v in row.items() if k != "part" and v) or "none"


# --------------------------------------------------------------------------- html


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("kg.diff", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _cards(d: Diff) -> list[dict[str, Any]]:
    """One card per changed pair: its summary before and after, the changed fields marked, its causes."""
    fields = [c.removeprefix("new_") for c in d.pairs.columns if c.startswith("new_")]
    shown = [f for f in fields if f not in ("treatment", "condition")]
    cards = []
    changed: dict[tuple[str, str], set[str]] = {}
    for r in _records(d.verdicts):
        changed.setdefault((r["treatment_id"], r["condition_id"]), set()).add(r["field"])
    for pair in _records(d.pairs):
        key = (pair["treatment_id"], pair["condition_id"])
        moved = changed.get(key, set())
        sides = []
        for side in ("old", "new"):
            present = pair[f"{side}_verdict"] is not None
            verdict = pair[f"{side}_verdict"]
            style = VERDICT_STYLE.get(str(verdict), (str(verdict), "#999999", ""))
            sides.append({
                "name": "before" if side == "old" else "after",
                "present": present,
                "verdict": style[0] if present else "",
                "colour": style[1],
                "rows": [(f, pair[f"{side}_{f}"], f in moved) for f in shown if f != "verdict"],
            })
        because = [] if pair["because"] is None else str(pair["because"]).split("|")
        cards.append({
            "treatment": pair["new_treatment"] or pair["old_treatment"],
            "condition": pair["new_condition"] or pair["old_condition"],
            "key": f"{key[0]} {X} {key[1]}",
            "change": pair["change"],
            "verdict_moved": "verdict" in moved,
            "sides": sides,
            "because": because,
        })
    return cards


def to_html(d: Diff, standalone: bool = True) -> str:
    """The report as HTML: a whole offline page, or (standalone=False) a fragment for a notebook."""
    css = resources.files("kg.diff").joinpath("templates", "diff.css").read_text(encoding="utf-8")
    statements = []
    for r in _records(d.statements):
        r["words"] = d.words.get(str(r["id"])) if r["field"] == "quote" else None
        statements.append(r)
    template = _environment().get_template("diff.html.j2")
    return str(template.render(
        standalone=standalone, css=css, title=f"kg diff: {d.old} → {d.new}", d=d, headline=headline(d),
        versions=_versions(d), counts=_records(d.counts), count_columns=list(d.counts.columns[1:]),
        cards=_cards(d), statements=statements, entities=_records(d.entities), conflicts=_records(d.conflicts),
        files=_records(d.files),
    ))


def write(d: Diff, fmt: str, path: str | Path) -> Path:
    """Write the report to `path` whole or not at all (`kg.atomic.write_text_atomic`)."""
    from kg.atomic import write_text_atomic
    from kg.errors import OutputError

    target = Path(path)
    try:
        write_text_atomic(target, render(d, fmt))
    except OSError as err:
        raise OutputError(f"{target}: cannot write the report ({err.strerror or err})") from err
    return target


__all__ = ["FORMATS", "JSON_SCHEMA", "long_frame", "md", "render", "to_csv", "to_dict", "to_html", "to_json",
           "to_markdown", "to_table", "write"]
