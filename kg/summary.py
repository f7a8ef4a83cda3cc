"""The evidence summary: one verdict per treatment-condition pair, and the conflicts behind it.

Everything here is column arithmetic on the validated tables (no Python loop
over statements), so it runs on hundreds of thousands of statements in well
under a second. The rules are those of the contract, section 3, written out
with examples in `docs/summary-rules.md`:

- `conflicts` pairs statements from different sources about the same
  treatment and condition (neither with a comparator) that disagree: `effect`
  (benefit against no_benefit at overlapping timeframes, `unspecified`
  overlapping every timeframe) or `recommendation` (recommend/consider
  against `against`).
- `summarise` gives one row per pair with the effects per timeframe, the
  number of distinct sources, the strongest source type, the verdict (the
  first rule that holds) and a headline built from the same flags.
- `statements` lists the statements behind pairs, for pages and notebooks.

Statements with a comparator compare two treatments: they belong to their
pair (they count for `sources` and `best_source_type`, and a pair of only
such statements still gets a row) but they are left out of the timeframe
columns, the conflicts and the verdict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kg.errors import UnknownIdError
from kg.model import Dataset, enum_dtype
from kg.schema import Effect, Recommendation, Timeframe, enum_values

VERDICTS: tuple[str, ...] = (
    "conflicting",
    "short_term_only",
    "benefit_with_harms",
    "benefit",
    "harm",
    "no_benefit",
    "insufficient",
    "comparison_only",
    "mixed",
)
"""Verdicts in rule order: the first rule that holds wins."""

SUMMARY_COLUMNS: tuple[str, ...] = (
    "treatment_id",
    "treatment",
    "condition_id",
    "condition",
    "verdict",
    "short_term",
    "medium_term",
    "long_term",
    "sources",
    "best_source_type",
    "headline",
)

CONFLICT_COLUMNS: tuple[str, ...] = (
    "treatment_id",
    "condition_id",
    "kind",
    "evidence_a",
    "evidence_b",
    "source_a",
    "source_b",
    "value_a",
    "value_b",
    "timeframe_a",
    "timeframe_b",
)

CONFLICT_KINDS: tuple[str, ...] = ("effect", "recommendation")

STATEMENT_COLUMNS: tuple[str, ...] = (
    "evidence_id",
    "treatment_id",
    "treatment",
    "condition_id",
    "condition",
    "source_id",
    "source",
    "source_type",
    "effect",
    "timeframe",
    "certainty",
    "recommendation",
    "comparator_id",
    "comparator",
    "outcome",
    "population",
    "summary",
    "quote",
    "in_verdict",
    "conflicts_with",
)

TIMEFRAME_COLUMNS: tuple[str, ...] = (Timeframe.SHORT_TERM, Timeframe.MEDIUM_TERM, Timeframe.LONG_TERM)
EFFECTS: tuple[str, ...] = tuple(enum_values("effect"))

PAIR = ["treatment", "condition"]

# Timeframes as bits of a mask, for the phrases of the headline.
_SHORT, _MEDIUM, _LONG = 1, 2, 4
_TIMEFRAME_WORDS = {
    1: "short term",
    2: "medium term",
    4: "long term",
    3: "short and medium term",
    5: "short and long term",
    6: "medium and long term",
    7: "every timeframe",
}
_NO_BENEFIT_PHRASES = {
    0: "no benefit",
    1: "no short-term benefit",
    2: "no medium-term benefit",
    4: "no long-term benefit",
    3: "no benefit up to one year",
    5: "no short- or long-term benefit",
    6: "no benefit beyond three months",
    7: "no benefit at any timeframe",
}


# --------------------------------------------------------------------------- the table as integer codes

_N_EFFECTS = len(enum_values("effect"))
_TIMEFRAMES = enum_values("timeframe")
_UNSPECIFIED = _TIMEFRAMES.index(Timeframe.UNSPECIFIED)
_RECOMMENDATIONS = enum_values("recommendation")
_POSITIVE = [_RECOMMENDATIONS.index(Recommendation.RECOMMEND), _RECOMMENDATIONS.index(Recommendation.CONSIDER)]
_AGAINST = _RECOMMENDATIONS.index(Recommendation.AGAINST)


@dataclass(frozen=True)
class _Coded:
    """The evidence table as integer codes. Ids are coded in sorted order, so code order is id order."""

    treatment: np.ndarray
    treatments: np.ndarray
    condition: np.ndarray
    conditions: np.ndarray
    source: np.ndarray
    sources: np.ndarray
    rank: np.ndarray
    """Position of each statement's id in sorted id order."""
    pair: np.ndarray
    """Pair of each statement; pairs are numbered in (treatment id, condition id) order."""
    pair_treatment: np.ndarray
    pair_condition: np.ndarray
    effect: np.ndarray
    timeframe: np.ndarray
    recommendation: np.ndarray
    """-1 where not stated."""
    free: np.ndarray
    """True for statements without a comparator (the ones that count for the verdict)."""

    @property
    def n_pairs(self) -> int:
        return len(self.pair_treatment)


def _factorize(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(values, sort=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def _code(ev: pd.DataFrame) -> _Coded:
    t, treatments = _factorize(ev["treatment"])
    c, conditions = _factorize(ev["condition"])
    s, sources = _factorize(ev["source"])
    rank, _ = _factorize(ev["id"])
    keys, pair = np.unique(t * max(len(conditions), 1) + c, return_inverse=True)
    return _Coded(
        treatment=t, treatments=treatments, condition=c, conditions=conditions, source=s, sources=sources,
        rank=rank, pair=np.asarray(pair, dtype=np.int64).reshape(-1),
        pair_treatment=keys // max(len(conditions), 1), pair_condition=keys % max(len(conditions), 1),
        effect=np.asarray(ev["effect"].cat.codes, dtype=np.int64),
        timeframe=np.asarray(ev["timeframe"].cat.codes, dtype=np.int64),
        recommendation=np.asarray(ev["recommendation"].cat.codes, dtype=np.int64),
        free=np.asarray(ev["comparator"].isna(), dtype=bool),
    )


# --------------------------------------------------------------------------- conflicts


@dataclass(frozen=True)
class _Conflicts:
    """Conflicting statement pairs as row positions: `x` is the positive side (benefit, recommend or
    consider), `y` the negative one (no_benefit, against); `a`/`b` the same pair ordered by id."""

    pair: np.ndarray
    kind: np.ndarray
    x: np.ndarray
    y: np.ndarray
    a: np.ndarray
    b: np.ndarray


def _joined(cd: _Coded, x_rows: np.ndarray, y_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (x, y) of rows from the same pair, from different sources."""
    left = pd.DataFrame({"pair": cd.pair[x_rows], "x": x_rows})
    right = pd.DataFrame({"pair": cd.pair[y_rows], "y": y_rows})
    both = left.merge(right, on="pair")
    x = both["x"].to_numpy(dtype=np.int64)
    y = both["y"].to_numpy(dtype=np.int64)
    keep = cd.source[x] != cd.source[y]
    return x[keep], y[keep]


def _find_conflicts(cd: _Coded) -> _Conflicts:
    rows = np.flatnonzero(cd.free)
    eff = cd.effect[rows]
    # effect: benefit against no_benefit at overlapping timeframes (`unspecified` overlaps every timeframe)
    ex, ey = _joined(cd, rows[eff == EFFECTS.index(Effect.BENEFIT)], rows[eff == EFFECTS.index(Effect.NO_BENEFIT)])
    tx, ty = cd.timeframe[ex], cd.timeframe[ey]
    overlap = (tx == ty) | (tx == _UNSPECIFIED) | (ty == _UNSPECIFIED)
    ex, ey = ex[overlap], ey[overlap]
    # recommendation: recommend or consider against `against`
    rec = cd.recommendation[rows]
    rx, ry = _joined(cd, rows[np.isin(rec, _POSITIVE)], rows[rec == _AGAINST])

    x = np.concatenate([ex, rx])
    y = np.concatenate([ey, ry])
    kind = np.concatenate([np.zeros(len(ex), dtype=np.int64), np.ones(len(rx), dtype=np.int64)])
    x_first = cd.rank[x] < cd.rank[y]
    a = np.where(x_first, x, y)
    b = np.where(x_first, y, x)
    pair = cd.pair[x]
    order = np.lexsort((cd.rank[b], cd.rank[a], kind, pair))
    return _Conflicts(pair[order], kind[order], x[order], y[order], a[order], b[order])


def _strings(values: np.ndarray) -> pd.Series:
    return pd.Series(pd.array(np.asarray(values, dtype=object), dtype="string"))


def conflicts(dataset: Dataset) -> pd.DataFrame:
    """Every unordered pair of disagreeing statements, once per kind (the `conflicts` query's rows).

    Columns are exactly `CONFLICT_COLUMNS`; rows are sorted by treatment_id,
    condition_id, kind, evidence_a, evidence_b.
    """
    ev = dataset.evidence
    cd = _code(ev)
    found = _find_conflicts(cd)
    ids = ev["id"].to_numpy(dtype=object)
    effects = np.asarray(EFFECTS, dtype=object)
    recs = np.asarray([*_RECOMMENDATIONS, ""], dtype=object)  # index -1: not stated
    timeframes = np.asarray(_TIMEFRAMES, dtype=object)
    is_effect = found.kind == 0

    def value(rows: np.ndarray) -> np.ndarray:
        return np.where(is_effect, effects[cd.effect[rows]], recs[cd.recommendation[rows]])

    out = pd.DataFrame({
        "treatment_id": _strings(cd.treatments[cd.pair_treatment[found.pair]]),
        "condition_id": _strings(cd.conditions[cd.pair_condition[found.pair]]),
        "kind": _strings(np.asarray(CONFLICT_KINDS, dtype=object)[found.kind]),
        "evidence_a": _strings(ids[found.a]),
        "evidence_b": _strings(ids[found.b]),
        "source_a": _strings(cd.sources[cd.source[found.a]]),
        "source_b": _strings(cd.sources[cd.source[found.b]]),
        "value_a": _strings(value(found.a)),
        "value_b": _strings(value(found.b)),
        "timeframe_a": _strings(timeframes[cd.timeframe[found.a]]),
        "timeframe_b": _strings(timeframes[cd.timeframe[found.b]]),
    })
    return out


# --------------------------------------------------------------------------- hierarchy


def narrower_conditions(dataset: Dataset, condition: str) -> list[str]:
    """`condition` and every condition under it (transitively), sorted; raises UnknownIdError."""
    return _narrower(dataset.conditions, condition, "condition")


def narrower_treatments(dataset: Dataset, treatment: str) -> list[str]:
    """`treatment` and every treatment under it (transitively), sorted; raises UnknownIdError."""
    return _narrower(dataset.treatments, treatment, "treatment")


def _narrower(table: pd.DataFrame, ident: str, kind: str) -> list[str]:
    ids = table["id"].astype(str)
    if not (ids == ident).any():
        raise UnknownIdError(kind, ident)
    parents = table["parent"]
    found = {ident}
    frontier = {ident}
    while frontier:  # one step per level of the hierarchy, not per row
        children = set(ids[parents.isin(list(frontier)).fillna(False).to_numpy()])
        frontier = children - found
        found |= frontier
    return sorted(found)


# --------------------------------------------------------------------------- summary


def _flag(flags: np.ndarray, timeframes: Iterable[str], effect: str) -> np.ndarray:
    """Per pair: is `effect` stated (without a comparator) at any of `timeframes`?"""
    e = EFFECTS.index(effect)
    cols = [_TIMEFRAMES.index(t) * _N_EFFECTS + e for t in timeframes]
    return np.asarray(flags[:, cols].any(axis=1), dtype=bool)


def _mask(flags: np.ndarray, effect: str) -> np.ndarray:
    """3-bit mask (short=1, medium=2, long=4) of the timeframes at which `effect` is stated."""
    return (
        _flag(flags, [Timeframe.SHORT_TERM], effect) * _SHORT
        + _flag(flags, [Timeframe.MEDIUM_TERM], effect) * _MEDIUM
        + _flag(flags, [Timeframe.LONG_TERM], effect) * _LONG
    )


def _timeframe_cell(flags: np.ndarray, timeframe: str) -> pd.Series:
    """The effects stated at one timeframe, '|'-joined in contract order; NA where none."""
    # 4 effects -> 16 combinations: look each pair's combination up instead of joining strings per row
    t = _TIMEFRAMES.index(timeframe)
    combo = flags[:, t * _N_EFFECTS:(t + 1) * _N_EFFECTS].astype(np.int64) @ (1 << np.arange(_N_EFFECTS))
    texts = np.asarray(
        ["|".join(e for i, e in enumerate(EFFECTS) if m >> i & 1) or None for m in range(1 << _N_EFFECTS)],
        dtype=object,
    )
    return _strings(texts[combo])


def _lookup(mapping: dict[int, str], keys: np.ndarray) -> np.ndarray:
    table = np.asarray([mapping.get(k, "") for k in range(max(mapping) + 1)], dtype=object)
    return table[keys]


def _distinct_per_pair(pair: np.ndarray, value: np.ndarray, n_pairs: int, n_values: int) -> np.ndarray:
    """How many distinct values each pair has."""
    distinct = np.unique(pair * max(n_values, 1) + value)
    return np.bincount(distinct // max(n_values, 1), minlength=n_pairs)


def _comparators(ev: pd.DataFrame, cd: _Coded, labels: pd.Series) -> np.ndarray:
    """Per pair, 'X', 'X and Y' or 'N other treatments': what its comparator statements compare with."""
    rows = np.flatnonzero(~cd.free)
    out = np.full(cd.n_pairs, "", dtype=object)
    if len(rows) == 0:
        return out
    comp = pd.DataFrame({
        "pair": cd.pair[rows],
        "label": ev["comparator"].to_numpy(dtype=object)[rows],
    }).drop_duplicates()
    comp["label"] = comp["label"].map(labels).astype(str)
    comp = comp.sort_values(["pair", "label"])
    grouped = comp.groupby("pair", sort=True)["label"]
    n = grouped.size()
    first = grouped.first().to_numpy(dtype=object)
    last = grouped.last().to_numpy(dtype=object)
    counts = n.to_numpy()
    text = np.where(counts == 1, first, first + " and " + last)
    text = np.where(counts <= 2, text, counts.astype(str).astype(object) + " other treatments")
    out[n.index.to_numpy()] = text
    return out


def _labels(table: pd.DataFrame) -> pd.Series:
    return pd.Series(table["label"].astype(str).to_numpy(), index=table["id"].astype(str).to_numpy())


def summarise(dataset: Dataset, condition: str | None = None) -> pd.DataFrame:
    """One row per treatment-condition pair with at least one statement (contract section 3).

    With `condition`, only the pairs of that condition and of the conditions
    under it (transitively). Columns are exactly `SUMMARY_COLUMNS`; rows are
    sorted by treatment_id, then condition_id. Raises UnknownIdError for a
    condition that does not exist.
    """
    ev = dataset.evidence
    if condition is not None:
        wanted = narrower_conditions(dataset, condition)
        ev = ev[ev["condition"].isin(wanted).to_numpy()].reset_index(drop=True)
    cd = _code(ev)
    n_pairs = cd.n_pairs

    # which effects are stated at which timeframe, per pair (statements without a comparator)
    flags = np.zeros((n_pairs, len(_TIMEFRAMES) * _N_EFFECTS), dtype=bool)
    free = cd.free
    flags[cd.pair[free], cd.timeframe[free] * _N_EFFECTS + cd.effect[free]] = True

    # sources (all statements of the pair, comparisons included) and the strongest source type
    n_sources = _distinct_per_pair(cd.pair, cd.source, n_pairs, len(cd.sources))
    src = dataset.sources
    type_of_source = np.asarray(src["type"].cat.codes, dtype=np.int64)[
        pd.Index(src["id"].astype(str)).get_indexer(pd.Index(cd.sources.astype(str)))]
    best_code = np.full(n_pairs, len(enum_values("source_type")), dtype=np.int64)
    np.minimum.at(best_code, cd.pair, type_of_source[cd.source])
    best = pd.Categorical.from_codes(best_code, dtype=enum_dtype("source_type"))

    # the verdict flags (statements without a comparator only)
    b = _flag(flags, _TIMEFRAMES, Effect.BENEFIT)
    n = _flag(flags, _TIMEFRAMES, Effect.NO_BENEFIT)
    h = _flag(flags, _TIMEFRAMES, Effect.HARM)
    i = _flag(flags, _TIMEFRAMES, Effect.INSUFFICIENT)
    any_free = flags.any(axis=1)
    b_early = _flag(flags, [Timeframe.SHORT_TERM, Timeframe.MEDIUM_TERM], Effect.BENEFIT)
    n_long = _flag(flags, [Timeframe.LONG_TERM], Effect.NO_BENEFIT)

    # conflicts, and how many distinct sources are on each side, per pair and kind
    found = _find_conflicts(cd)
    tally: dict[tuple[str, str], np.ndarray] = {}
    for k, kind in enumerate(CONFLICT_KINDS):
        of_kind = found.kind == k
        for side, rows in (("for", found.x), ("against", found.y)):
            tally[(kind, side)] = _distinct_per_pair(found.pair[of_kind], cd.source[rows[of_kind]], n_pairs,
                                                     len(cd.sources))
    conflicting = (tally[("effect", "for")] > 0) | (tally[("recommendation", "for")] > 0)

    rules = [
        conflicting,
        b_early & n_long,
        b & h & ~n,
        b & ~n,
        h & ~b,
        n & ~b,
        i & ~b & ~n & ~h,
        ~any_free,
    ]
    verdict = np.select(rules, list(VERDICTS[:-1]), default=VERDICTS[-1])
    headline = _headlines(verdict, flags, h, tally, _comparators(ev, cd, _labels(dataset.treatments)))

    t_ids = cd.treatments[cd.pair_treatment].astype(str)
    c_ids = cd.conditions[cd.pair_condition].astype(str)
    out = pd.DataFrame(
        {
            "treatment_id": _strings(t_ids),
            "treatment": _strings(_labels(dataset.treatments).reindex(t_ids).to_numpy(dtype=object)),
            "condition_id": _strings(c_ids),
            "condition": _strings(_labels(dataset.conditions).reindex(c_ids).to_numpy(dtype=object)),
            "verdict": pd.Categorical(verdict, categories=list(VERDICTS)),
            **{str(tf): _timeframe_cell(flags, tf) for tf in TIMEFRAME_COLUMNS},
            "sources": pd.Series(n_sources, dtype="int64"),
            "best_source_type": best,
            "headline": _strings(headline),
        }
    )
    return out[list(SUMMARY_COLUMNS)]


def _headlines(
    verdict: np.ndarray,
    flags: np.ndarray,
    harm: np.ndarray,
    tally: dict[tuple[str, str], np.ndarray],
    comparators: np.ndarray,
) -> np.ndarray:
    """A short phrase per pair, built from the verdict and the timeframes of the effects."""
    b_mask = _mask(flags, Effect.BENEFIT)
    n_mask = _mask(flags, Effect.NO_BENEFIT)
    with_harms = np.where(harm, ", with harms", "").astype(object)

    benefit = np.select(
        [b_mask & _LONG > 0, b_mask & _MEDIUM > 0, b_mask & _SHORT > 0],
        ["benefit beyond one year", "benefit up to one year", "short-term benefit"],
        default="benefit",
    ).astype(object)
    short_only = np.where(b_mask & _MEDIUM > 0, "better at one year only", "short-term improvement only").astype(object)
    no_benefit = _lookup(_NO_BENEFIT_PHRASES, n_mask)
    any_no_benefit = _flag(flags, _TIMEFRAMES, Effect.NO_BENEFIT)
    harmful = np.where(any_no_benefit, "no benefit, with harms", "harms, no benefit shown").astype(object)
    split = (b_mask > 0) & (n_mask > 0) & (b_mask & n_mask == 0)
    mixed = np.where(
        split,
        "benefit at " + _lookup(_TIMEFRAME_WORDS, b_mask) + ", none at " + _lookup(_TIMEFRAME_WORDS, n_mask),
        "mixed results",
    ).astype(object)

    def counts(kind: str) -> np.ndarray:
        pro = tally[(kind, "for")].astype(str).astype(object)
        con = tally[(kind, "against")].astype(str).astype(object)
        return np.asarray("(" + pro + " for, " + con + " against)", dtype=object)

    c_effect = tally[("effect", "for")] > 0
    c_rec = tally[("recommendation", "for")] > 0
    disagree = np.select(
        [c_effect & c_rec, c_effect],
        ["sources disagree on benefit and on recommending it", "sources disagree on benefit " + counts("effect")],
        default="sources disagree on recommending it " + counts("recommendation"),
    )

    phrases = {
        "conflicting": disagree,
        "short_term_only": short_only + with_harms,
        "benefit_with_harms": benefit + ", with harms",
        "benefit": benefit,
        "harm": harmful,
        "no_benefit": no_benefit,
        "insufficient": np.full(len(verdict), "insufficient evidence", dtype=object),
        "comparison_only": "compared with " + comparators + " only",
        "mixed": mixed + with_harms,
    }
    return np.select([verdict == v for v in VERDICTS], [phrases[v] for v in VERDICTS], default="")


# --------------------------------------------------------------------------- statements behind a pair


def statements(
    dataset: Dataset,
    treatment: str | None = None,
    condition: str | None = None,
    *,
    narrower: bool = False,
) -> pd.DataFrame:
    """The statements behind summary rows, with labels and source details.

    Filters by treatment and/or condition id (with `narrower`, conditions
    under `condition` too). `in_verdict` is False for comparator statements;
    `conflicts_with` lists ('|'-joined) the statements this one conflicts with.
    Columns are `STATEMENT_COLUMNS`, rows sorted by treatment_id,
    condition_id, evidence_id. Raises UnknownIdError for ids that do not exist.
    """
    ev = dataset.evidence
    if treatment is not None:
        if not (dataset.treatments["id"] == treatment).any():
            raise UnknownIdError("treatment", treatment)
        ev = ev[(ev["treatment"] == treatment).fillna(False).to_numpy()]
    if condition is not None:
        wanted = narrower_conditions(dataset, condition) if narrower else None
        if wanted is None:
            if not (dataset.conditions["id"] == condition).any():
                raise UnknownIdError("condition", condition)
            wanted = [condition]
        ev = ev[ev["condition"].isin(wanted).to_numpy()]

    t_labels = _labels(dataset.treatments)
    c_labels = _labels(dataset.conditions)
    src = dataset.sources.set_index(dataset.sources["id"].astype(str))

    found = conflicts(Dataset(dataset.sources, dataset.conditions, dataset.treatments, ev))
    links = pd.concat(
        [found[["evidence_a", "evidence_b"]].set_axis(["id", "other"], axis=1),
         found[["evidence_b", "evidence_a"]].set_axis(["id", "other"], axis=1)],
        ignore_index=True,
    ).astype(str).drop_duplicates().sort_values(["id", "other"])
    others = links.groupby("id")["other"].agg("|".join) if len(links) else pd.Series(dtype=object)

    ids = ev["id"].astype(str)
    out = pd.DataFrame(
        {
            "evidence_id": ev["id"],
            "treatment_id": ev["treatment"],
            "treatment": ev["treatment"].map(t_labels).astype("string"),
            "condition_id": ev["condition"],
            "condition": ev["condition"].map(c_labels).astype("string"),
            "source_id": ev["source"],
            "source": ev["source"].map(src["title"]).astype("string"),
            "source_type": ev["source"].map(src["type"].astype(str)).astype(enum_dtype("source_type")),
            "effect": ev["effect"],
            "timeframe": ev["timeframe"],
            "certainty": ev["certainty"],
            "recommendation": ev["recommendation"],
            "comparator_id": ev["comparator"],
            "comparator": ev["comparator"].map(t_labels).astype("string"),
            "outcome": ev["outcome"],
            "population": ev["population"],
            "summary": ev["summary"],
            "quote": ev["quote"],
            "in_verdict": ev["comparator"].isna(),
            "conflicts_with": ids.map(others).astype("string"),
        }
    )
    out = out.sort_values(["treatment_id", "condition_id", "evidence_id"], kind="stable")
    return out.reset_index(drop=True)[list(STATEMENT_COLUMNS)]


# --------------------------------------------------------------------------- output


def to_csv(frame: pd.DataFrame) -> str:
    """A summary (or conflicts) frame as CSV text: header row, empty cells for 'none', LF line ends."""
    return frame.to_csv(index=False, lineterminator="\n")


def to_table(frame: pd.DataFrame, max_width: int = 48) -> str:
    """A summary (or conflicts) frame as aligned text columns for a terminal; empty where none."""
    from kg.results import format_table

    cells = frame.astype(object).where(frame.notna(), "").astype(str)
    return format_table([str(c) for c in frame.columns], cells.values.tolist(), max_width)


def to_json(frame: pd.DataFrame) -> str:
    """A summary frame as a JSON array of objects (null for 'none'), one object per row."""
    import json

    cells = frame.astype(object).where(frame.notna(), None)
    records = [dict(zip([str(c) for c in frame.columns], row, strict=True)) for row in cells.values.tolist()]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


__all__ = [
    "CONFLICT_COLUMNS",
    "STATEMENT_COLUMNS",
    "SUMMARY_COLUMNS",
    "VERDICTS",
    "UnknownIdError",
    "conflicts",
    "narrower_conditions",
    "narrower_treatments",
    "statements",
    "summarise",
    "to_csv",
    "to_json",
    "to_table",
]
