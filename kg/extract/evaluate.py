"""Precision and recall of proposed rows against a curated gold evidence table.

Pairs are compared as sets of distinct tuples (a row repeated with another quote counts once):
- (treatment, condition, effect), exactly, and again with a condition counted right when it is
  the gold condition's ancestor or descendant (the `hierarchy` variant);
- (treatment, recommendation) over rows that state a recommendation;
- (treatment, timeframe) over rows whose timeframe is not `unspecified`;
- quote overlap: for each gold row, the largest share of its quote (characters of the
  white-space-normalised text) covered by a proposed quote for the same treatment;
- verbatim: the share of proposed quotes that are exact spans of the text.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kg.hierarchy import Hierarchy
from kg.model import Dataset
from kg.validate import normalise_quote


@dataclass(frozen=True)
class Score:
    name: str
    predicted: int
    gold: int
    correct_predicted: int
    recalled_gold: int

    @property
    def precision(self) -> float:
        return self.correct_predicted / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.recalled_gold / self.gold if self.gold else 0.0


def _tuples(frame: pd.DataFrame, columns: list[str]) -> set[tuple[str, ...]]:
    sub = frame[columns].dropna()
    sub = sub[(sub.astype(str) != "").all(axis=1)]
    return {tuple(str(v) for v in row) for row in sub.itertuples(index=False)}


def _exact(name: str, pred: set[tuple[str, ...]], gold: set[tuple[str, ...]]) -> Score:
    hit = pred & gold
    return Score(name, len(pred), len(gold), len(hit), len(hit))


def _hierarchy(pred: set[tuple[str, ...]], gold: set[tuple[str, ...]], conditions: pd.DataFrame) -> Score:
    h = Hierarchy.of(conditions)
    related: dict[str, set[str]] = {}

    def rel(c: str) -> set[str]:
        if c not in related:
            related[c] = {c, *h.ancestors(c), *h.descendants(c)}
        return related[c]

    def match(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
        return a[0] == b[0] and a[2] == b[2] and b[1] in rel(a[1])

    good = sum(any(match(p, g) for g in gold) for p in pred)
    recalled = sum(any(match(p, g) for p in pred) for g in gold)
    return Score("treatment, condition (or ancestor/descendant), effect", len(pred), len(gold), good, recalled)


def scores(predicted: pd.DataFrame, gold: pd.DataFrame, conditions: pd.DataFrame) -> list[Score]:
    """Every pair score of the module docstring."""
    tce = ["treatment", "condition", "effect"]
    out = [_exact("treatment, condition, effect", _tuples(predicted, tce), _tuples(gold, tce)),
           _hierarchy(_tuples(predicted, tce), _tuples(gold, tce), conditions),
           _exact("treatment, recommendation", _tuples(predicted, ["treatment", "recommendation"]),
                  _tuples(gold, ["treatment", "recommendation"]))]
    tf_pred = predicted[predicted["timeframe"].astype(str) != "unspecified"]
    tf_gold = gold[gold["timeframe"].astype(str) != "unspecified"]
    out.append(_exact("treatment, timeframe (stated)", _tuples(tf_pred, ["treatment", "timeframe"]),
                      _tuples(tf_gold, ["treatment", "timeframe"])))
    return out


def _span(body: str, quote: str) -> tuple[int, int] | None:
    q = str(normalise_quote(quote))
    at = body.find(q)
    return None if at < 0 or not q else (at, at + len(q))


def quote_overlap(predicted: pd.DataFrame, gold: pd.DataFrame, text: str) -> float:
    """Mean, over gold rows, of the largest share of the gold quote covered by a proposed quote
    for the same treatment (0 where there is none)."""
    body = str(normalise_quote(text))
    spans: dict[str, list[tuple[int, int]]] = {}
    for t, q in zip(predicted["treatment"], predicted["quote"], strict=True):
        s = _span(body, str(q))
        if s:
            spans.setdefault(str(t), []).append(s)
    shares = []
    for t, q in zip(gold["treatment"], gold["quote"], strict=True):
        g = _span(body, str(q))
        if g is None:
            continue
        best = 0.0
        for a, b in spans.get(str(t), []):
            inter = max(0, min(b, g[1]) - max(a, g[0]))
            best = max(best, inter / (g[1] - g[0]))
        shares.append(best)
    return sum(shares) / len(shares) if shares else 0.0


def verbatim(predicted: pd.DataFrame, text: str) -> float:
    """Share of proposed quotes that are `text[char_start:char_end]` and found as `kg validate` looks."""
    if predicted.empty:
        return 1.0
    body = str(normalise_quote(text))
    ok = [
        text[int(s):int(e)] == q and str(normalise_quote(q)) in body
        for s, e, q in zip(predicted["char_start"], predicted["char_end"], predicted["quote"], strict=True)
    ]
    return sum(ok) / len(ok)


def gold_rows(dataset: Dataset, text_file_sources: list[str]) -> pd.DataFrame:
    """The gold rows whose source reads the evaluated text (all rows when no source names one)."""
    ev = dataset.evidence
    if text_file_sources:
        ev = ev[ev["source"].astype(str).isin(text_file_sources)]
    return ev.reset_index(drop=True)


__all__ = ["Score", "gold_rows", "quote_overlap", "scores", "verbatim"]
