"""Inline display for Jupyter: the interactive page in an `<iframe srcdoc>`, and a compact overview.

Why `srcdoc`: pyvis's notebook mode writes the page to a file and points an
IFrame at it, which VS Code cannot load (the output renders blank) and which
breaks as soon as the notebook moves. Here the whole self-contained page is
embedded in the output itself, html-escaped into the `srcdoc` attribute, so
the same output works in JupyterLab, classic Notebook and VS Code, offline,
and travels with the saved notebook. The iframe is sandboxed: the page's
scripts run, but with an opaque origin, so nothing in the page can reach the
notebook around it.

Filtering (`subset`) keeps whole treatment-condition pairs, so the verdicts the
page shows for a focused view are the verdicts of the full graph.

>>> import kg
>>> g = kg.load()
>>> hips = subset(g.dataset, condition="hip-pain")
>>> sorted(set(hips.evidence["condition"]))[:2]
['avascular-necrosis-of-the-hip', 'hip-labrum-tear']
>>> InlinePage("<p>a & b</p>", height=120)._repr_html_().startswith('<iframe srcdoc="&lt;p&gt;a &amp; b&lt;/p&gt;"')
True
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from kg.errors import UnknownIdError
from kg.model import Dataset, bundled_data_dir
from kg.render import page
from kg.render.style import VERDICT_SORT, VERDICT_STYLE
from kg.results import ResultSet, to_dataframe
from kg.summary import narrower_conditions, narrower_treatments

SANDBOX = "allow-scripts allow-popups allow-popups-to-escape-sandbox allow-downloads"
"""What the embedded page may do: run its own scripts and open links in a new tab; nothing else."""

DEFAULT_HEIGHT = 650


# --- filtering ---------------------------------------------------------------------------------


def with_ancestors(dataset: Dataset, table: str, ids: Iterable[str]) -> set[str]:
    """The given ids of `table` and every broader id above them (so `broader` links stay inside a subset).

    >>> import kg
    >>> sorted(with_ancestors(kg.load().dataset, "treatments", ["ibuprofen"]))
    ['ibuprofen', 'nsaids']
    """
    wanted = set(ids)
    return wanted | set(dataset.hierarchy(table).ancestors(*wanted))


def subset(dataset: Dataset, *, condition: str | None = None, treatment: str | None = None) -> Dataset:
    """The statements about `condition` and/or `treatment` (narrower ones included), as a Dataset.

    Keeps the treatments, conditions and sources those statements name (comparators too),
    the whole hierarchy below the focused entity, and every broader entity above them.
    Raises UnknownIdError for an id that names nothing.

    >>> import kg
    >>> part = subset(kg.load().dataset, treatment="nsaids")
    >>> sorted(set(part.evidence["treatment"]))
    ['ibuprofen', 'nsaids']
    >>> sorted(part.treatments["id"])  # the hierarchy below the focus comes along
    ['ibuprofen', 'ketorolac', 'naproxen', 'nsaids', 'sulindac']
    """
    ev = dataset.evidence
    keep = pd.Series(True, index=ev.index)
    focus_conditions: list[str] = []
    focus_treatments: list[str] = []
    if condition is not None:
        focus_conditions = narrower_conditions(dataset, condition)
        keep &= ev["condition"].isin(focus_conditions)
    if treatment is not None:
        focus_treatments = narrower_treatments(dataset, treatment)
        keep &= ev["treatment"].isin(focus_treatments)
    evidence = ev[keep].reset_index(drop=True)
    named_treatments = [*evidence["treatment"].tolist(), *evidence["comparator"].dropna().tolist(), *focus_treatments]
    named_conditions = [*evidence["condition"].tolist(), *focus_conditions]
    treatments = with_ancestors(dataset, "treatments", named_treatments)
    conditions = with_ancestors(dataset, "conditions", named_conditions)
    sources = set(evidence["source"].tolist())

    def rows(frame: pd.DataFrame, ids: set[str]) -> pd.DataFrame:
        return frame[frame["id"].isin(ids)].reset_index(drop=True)

    return dataclasses.replace(
        dataset,
        sources=rows(dataset.sources, sources),
        conditions=rows(dataset.conditions, conditions),
        treatments=rows(dataset.treatments, treatments),
        evidence=evidence,
    )


def statements(
    dataset: Dataset,
    *,
    condition: str | None = None,
    treatment: str | None = None,
    source: str | None = None,
) -> pd.DataFrame:
    """The statements about a condition and/or treatment, narrower ones included, with labels and quotes.

    Columns are those of `kg.summary.statements` (labels, source title and type,
    `in_verdict`, `conflicts_with`); `source` keeps one source's statements.

    >>> import kg
    >>> rows = statements(kg.load().dataset, treatment="traction")
    >>> rows[["treatment", "condition", "effect", "timeframe"]].iloc[0].tolist()
    ['Traction', 'Low back pain', 'no_benefit', 'long_term']
    """
    from kg import summary

    rows = summary.statements(subset(dataset, condition=condition, treatment=treatment))
    if source is not None:
        if not dataset.sources["id"].eq(source).any():
            raise UnknownIdError("source", source)
        rows = rows[(rows["source_id"] == source).to_numpy()].reset_index(drop=True)
    return rows


# --- query results ------------------------------------------------------------------------------


def to_frame(results: ResultSet) -> pd.DataFrame:
    """A result set as a DataFrame (`kg.results.to_dataframe`); an ASK answer as one `boolean` cell."""
    if results.boolean is not None:
        return pd.DataFrame({"boolean": pd.Series([results.boolean], dtype="boolean")})
    return to_dataframe(results)


# --- inline pages ------------------------------------------------------------------------------


def iframe(page: str, *, height: int = DEFAULT_HEIGHT, title: str = "evidence-kg") -> str:
    """An `<iframe>` whose `srcdoc` attribute holds the whole page, html-escaped.

    >>> iframe('<b title="x">hi</b>', height=100)  # doctest: +ELLIPSIS
    '<iframe srcdoc="&lt;b title=&quot;x&quot;&gt;hi&lt;/b&gt;" title="evidence-kg" sandbox="...
    """
    if isinstance(height, bool) or not isinstance(height, int) or height <= 0:
        raise ValueError(f"height must be a positive number of pixels, not {height!r}")
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" title="{html.escape(title, quote=True)}" '
        f'sandbox="{SANDBOX}" '
        f'style="width: 100%; height: {height}px; border: 1px solid #d0d7de; border-radius: 4px;"></iframe>'
    )


class InlinePage:
    """A self-contained HTML page that Jupyter shows inline (see `iframe`).

    `.html` is the page itself, e.g. to save it; `repr()` says what it is for plain-text front ends.
    """

    def __init__(self, page: str, *, height: int = DEFAULT_HEIGHT, title: str = "evidence-kg"):
        iframe("", height=height)  # validates height early, where the caller made the mistake
        self.html = page
        self.height = height
        self.title = title

    def _repr_html_(self) -> str:
        return iframe(self.html, height=self.height, title=self.title)

    def __repr__(self) -> str:
        return f"<InlinePage {self.title!r}: {len(self.html):,} characters, shown inline in Jupyter>"


def _title(condition: str | None, treatment: str | None, dataset: Dataset, what: str) -> str:
    parts: list[str] = []
    if condition is not None:
        parts.append(_label(dataset.conditions, condition))
    if treatment is not None:
        parts.append(_label(dataset.treatments, treatment))
    return f"{what}: " + " and ".join(parts) if parts else what


def _label(frame: pd.DataFrame, ident: str) -> str:
    match = frame.loc[frame["id"] == ident, "label"]
    return str(match.iloc[0]) if len(match) else ident


def _page(
    dataset: Dataset,
    what: str,
    condition: str | None,
    treatment: str | None,
    height: int,
    summary: pd.DataFrame | None,
    options: dict[str, Any],
) -> InlinePage:
    if condition is None and treatment is None:
        part = dataset
    else:
        part, summary = subset(dataset, condition=condition, treatment=treatment), None
    title = str(options.setdefault("title", _title(condition, treatment, dataset, what)))
    return InlinePage(page.render_page(part, summary=summary, **options), height=height, title=title)


def show(
    dataset: Dataset,
    *,
    condition: str | None = None,
    treatment: str | None = None,
    height: int = DEFAULT_HEIGHT,
    summary: pd.DataFrame | None = None,
    **options: Any,
) -> InlinePage:
    """The interactive graph page for inline display, optionally focused on a condition and/or treatment.

    A focus keeps the statements about it (narrower ones included, see `subset`); `summary` is
    the whole dataset's summary when the caller has it; other keyword options go to
    `kg.render.page.render_page` (e.g. `verdicts=["benefit"]`, `focus="treatment:traction"`
    to select a node and open its panel).
    """
    return _page(dataset, "Evidence graph", condition, treatment, height, summary, dict(options))


def matrix(
    dataset: Dataset,
    *,
    condition: str | None = None,
    treatment: str | None = None,
    height: int = DEFAULT_HEIGHT,
    summary: pd.DataFrame | None = None,
    **options: Any,
) -> InlinePage:
    """The evidence matrix (treatments x conditions, cells coloured by verdict) for inline display.

    It is the same self-contained page as `show`, opened on its matrix tab.
    """
    return _page(dataset, "Evidence matrix", condition, treatment, height, summary, {**options, "tab": "matrix"})


# --- the overview (EvidenceGraph._repr_html_) --------------------------------------------------

VERDICT_COLOURS: dict[str, str] = {verdict: VERDICT_STYLE[verdict][1] for verdict in VERDICT_SORT}
"""Verdict -> colour, in the page legend's order (helpful first), the same colours as the page and matrix."""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _bar(counts: pd.Series, colours: dict[str, str] | None = None) -> str:
    total = int(counts.sum()) or 1
    cells = []
    for name, n in counts.items():
        if not n:
            continue
        colour = (colours or {}).get(str(name), "#475467")
        cells.append(
            f'<tr><td style="padding:1px 8px 1px 0;white-space:nowrap">{_e(name)}</td>'
            f'<td style="padding:1px 6px;text-align:right">{int(n)}</td>'
            f'<td style="padding:1px 0;width:180px"><div style="background:{colour};height:10px;'
            f'width:{max(2, round(170 * int(n) / total))}px"></div></td></tr>'
        )
    return '<table style="border-collapse:collapse;font-size:12px">' + "".join(cells) + "</table>"


def overview_html(dataset: Dataset, summary: pd.DataFrame | None = None) -> str:
    """A compact HTML overview: counts, verdicts of the treatment-condition pairs, effects, top conditions.

    `summary` is the dataset's summary when the caller has it. Every piece of text from the
    data is html-escaped.

    >>> import kg
    >>> out = overview_html(kg.load().dataset)
    >>> "63</b> statements" in out and "verdict" in out
    True
    """
    d = dataset
    if summary is None:
        from kg.summary import summarise

        summary = summarise(d)
    verdicts = summary["verdict"].astype("string").value_counts(sort=False)
    verdicts = verdicts.reindex([v for v in VERDICT_COLOURS if v in verdicts.index])
    effects = d.evidence["effect"].value_counts(sort=False)
    per_condition = d.evidence["condition"].value_counts()
    roots = d.conditions[d.conditions["parent"].isna()]
    tops: list[tuple[str, int]] = []
    for ident, label in zip(roots["id"].tolist(), roots["label"].tolist(), strict=True):
        n = int(per_condition.reindex(narrower_conditions(d, ident)).fillna(0).sum())
        if n:
            tops.append((label, n))
    tops.sort(key=lambda t: (-t[1], t[0]))
    top_list = ", ".join(f"{_e(label)} ({n})" for label, n in tops[:8])
    if len(tops) > 8:
        top_list += f", … {len(tops) - 8} more"
    where = ""
    if d.data_dir is not None:
        bundled = Path(d.data_dir).resolve() == bundled_data_dir().resolve()
        where = " from the bundled data" if bundled else f" from <code>{_e(d.data_dir)}</code>"
    counts = (
        f"<b>{len(d.evidence)}</b> statements about <b>{len(summary)}</b> treatment-condition pairs: "
        f"<b>{len(d.treatments)}</b> treatments, <b>{len(d.conditions)}</b> conditions, "
        f"<b>{len(d.sources)}</b> sources"
    )
    head = 'style="margin:6px 0 2px;font-size:12px;font-weight:600"'
    return (
        '<div class="kg-overview" style="font-family:system-ui,sans-serif;font-size:13px;line-height:1.4">'
        f"<div><b>EvidenceGraph</b>{where}</div>"
        f"<div>{counts}</div>"
        '<div style="display:flex;gap:32px;flex-wrap:wrap">'
        f"<div><div {head}>verdict per pair</div>{_bar(verdicts, VERDICT_COLOURS)}</div>"
        f"<div><div {head}>effect per statement</div>{_bar(effects)}</div>"
        "</div>"
        f"<div style=\"margin-top:4px\"><span {head}>conditions by statements (narrower included):</span> "
        f"{top_list or '<i>none</i>'}</div>"
        "<div style=\"font-size:11px;color:#667085\">g.show() draws the graph, g.matrix() the evidence matrix, "
        "g.summary() / g.query(...) give tables</div>"
        "</div>"
    )
