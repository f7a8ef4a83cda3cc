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

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kg.errors import UnknownIdError, UsageError
from kg.hierarchy import Hierarchy
from kg.model import Dataset, enum_dtype
from kg.schema import Effect, Timeframe, enum_values
from kg.verdicts import (
    CERTAIN,
    DISAGREEMENTS,
    FLAGS,
    GRADE_TESTS,
    GRADES,
    RULES,
    SIDES,
    STRENGTHS,
    TIERS,
    VERDICTS,
    Counts,
    Disagreement,
    Flag,
    Side,
    Tier,
    Verdict,
    independence_key,
)

CONTRACT_COLUMNS: tuple[str, ...] = (
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
"""The columns of contract section 3, in order."""

STRENGTH_COLUMNS: tuple[str, ...] = (
    "certainty",
    "strength",
    "agreeing_sources",
    "disagreeing_sources",
    "related_conflicts",
    "why",
)
"""The columns added after the contract's (contract section 5): how far to trust the verdict."""

SUMMARY_COLUMNS: tuple[str, ...] = (*CONTRACT_COLUMNS, *STRENGTH_COLUMNS)

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

CONFLICT_KINDS: tuple[str, ...] = tuple(d.kind for d in DISAGREEMENTS)

RELATED_CONFLICT_COLUMNS: tuple[str, ...] = (
    "evidence_a",
    "evidence_b",
    "source_a",
    "source_b",
    "treatment_a",
    "treatment_b",
    "condition_a",
    "condition_b",
    "kind",
    "value_a",
    "value_b",
    "timeframe_a",
    "timeframe_b",
    "relation",
)

RELATIONS: tuple[str, ...] = ("broader treatment", "broader condition", "broader treatment and condition")
"""`relation` of a related conflict: which of the two differ (one statement's is an ancestor of the other's)."""

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
_CERTAINTIES = enum_values("certainty")


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
    certainty: np.ndarray
    """-1 where not stated; 0 is the best (high)."""
    free: np.ndarray
    """True for statements without a comparator (the ones that count for the verdict)."""

    @property
    def n_pairs(self) -> int:
        return len(self.pair_treatment)


def _factorize(values: pd.Series, sort: bool = True) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(values, sort=sort)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)


def _code(ev: pd.DataFrame, ordered: bool = True) -> _Coded:
    """`ev` as codes. Without `ordered`, ids are coded in order of appearance and `rank` is left empty:
    sorting is the costliest part, and only the order of rows (conflicts, pairs) needs it."""
    t, treatments = _factorize(ev["treatment"], ordered)
    c, conditions = _factorize(ev["condition"], ordered)
    s, sources = _factorize(ev["source"], ordered)
    rank = _factorize(ev["id"])[0] if ordered else np.zeros(0, dtype=np.int64)
    keys, pair = np.unique(t * max(len(conditions), 1) + c, return_inverse=True)
    return _Coded(
        treatment=t, treatments=treatments, condition=c, conditions=conditions, source=s, sources=sources,
        rank=rank, pair=np.asarray(pair, dtype=np.int64).reshape(-1),
        pair_treatment=keys // max(len(conditions), 1), pair_condition=keys % max(len(conditions), 1),
        effect=np.asarray(ev["effect"].cat.codes, dtype=np.int64),
        timeframe=np.asarray(ev["timeframe"].cat.codes, dtype=np.int64),
        recommendation=np.asarray(ev["recommendation"].cat.codes, dtype=np.int64),
        certainty=np.asarray(ev["certainty"].cat.codes, dtype=np.int64),
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


def _values(cd: _Coded, field: str) -> np.ndarray:
    """The integer codes of one enum field of the statements (-1 where not stated)."""
    return {"effect": cd.effect, "recommendation": cd.recommendation}[field]


def _sides_of(cd: _Coded, d: Disagreement, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Of `rows`, those saying one of `d`'s positive values and those saying a negative one."""
    codes = _values(cd, d.field)[rows]
    names = enum_values(d.field)
    pos = rows[np.isin(codes, [names.index(v) for v in d.positive])]
    neg = rows[np.isin(codes, [names.index(v) for v in d.negative])]
    return pos, neg


def _overlapping(cd: _Coded, d: Disagreement, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Which (x, y) disagree at overlapping timeframes, when the kind asks for it (`unspecified` overlaps all)."""
    if not d.timeframes_overlap:
        return np.ones(len(x), dtype=bool)
    tx, ty = cd.timeframe[x], cd.timeframe[y]
    return np.asarray((tx == ty) | (tx == _UNSPECIFIED) | (ty == _UNSPECIFIED), dtype=bool)


def _find_conflicts(cd: _Coded) -> _Conflicts:
    rows = np.flatnonzero(cd.free)
    xs, ys, kinds = [], [], []
    for k, d in enumerate(DISAGREEMENTS):
        x, y = _joined(cd, *_sides_of(cd, d, rows))
        keep = _overlapping(cd, d, x, y)
        xs.append(x[keep])
        ys.append(y[keep])
        kinds.append(np.full(int(keep.sum()), k, dtype=np.int64))
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    kind = np.concatenate(kinds)
    x_first = cd.rank[x] < cd.rank[y]
    a = np.where(x_first, x, y)
    b = np.where(x_first, y, x)
    pair = cd.pair[x]
    order = np.lexsort((cd.rank[b], cd.rank[a], kind, pair))
    return _Conflicts(pair[order], kind[order], x[order], y[order], a[order], b[order])


def _value_text(cd: _Coded, kind: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The value each statement in `rows` disagrees by (its effect or its recommendation, per `kind`)."""
    out = np.empty(len(rows), dtype=object)
    for k, d in enumerate(DISAGREEMENTS):
        names = np.asarray([*enum_values(d.field), ""], dtype=object)  # index -1: not stated
        mine = kind == k
        out[mine] = names[_values(cd, d.field)[rows[mine]]]
    return out


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
    timeframes = np.asarray(_TIMEFRAMES, dtype=object)

    def value(rows: np.ndarray) -> np.ndarray:
        return _value_text(cd, found.kind, rows)

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
    return _narrower(dataset, "conditions", condition, "condition")


def narrower_treatments(dataset: Dataset, treatment: str) -> list[str]:
    """`treatment` and every treatment under it (transitively), sorted; raises UnknownIdError."""
    return _narrower(dataset, "treatments", treatment, "treatment")


def _narrower(dataset: Dataset, table: str, ident: str, kind: str) -> list[str]:
    if not (dataset.table(table)["id"].astype(str) == ident).any():
        raise UnknownIdError(kind, ident)
    return dataset.hierarchy(table).descendants(ident)


# --------------------------------------------------------------------------- related conflicts


def _equal_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (i, j) with a[i] == b[j] (non-negative integers): an equi-join, sorted by i."""
    empty = np.zeros(0, dtype=np.int64)
    if not len(a) or not len(b):
        return empty, empty
    order = np.argsort(b, kind="stable")
    top = int(max(a.max(), b.max())) + 1
    if top <= 8 * (len(a) + len(b)) + 4096:  # dense keys: a table of where each key's run starts
        counts_b = np.bincount(b, minlength=top)
        lo = (np.cumsum(counts_b) - counts_b)[a]
        counts = counts_b[a]
    else:
        sb = b[order]
        lo = np.searchsorted(sb, a, "left")
        counts = np.searchsorted(sb, a, "right") - lo
    li = np.repeat(np.arange(len(a), dtype=np.int64), counts)
    offsets = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return li, order[np.repeat(lo, counts) + offsets]


def _up_pairs(h: Hierarchy, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code, code of a strict ancestor) for every id in `ids` (codes index `ids`; ancestors outside
    `ids` are left out, as no statement is about them), from the dataset's cached hierarchy `h`."""
    anc = h.ancestor_pairs()
    row_ids = h.ids.to_numpy(dtype=object)
    lookup = pd.Index(ids)
    below = lookup.get_indexer(row_ids[anc["row"].to_numpy()])
    above = lookup.get_indexer(row_ids[anc["ancestor"].to_numpy()])
    keep = (below >= 0) & (above >= 0)
    return below[keep], above[keep]


def _find_related(dataset: Dataset, cd: _Coded) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Disagreeing statement pairs (x positive, y negative, as row positions, and the kind) across the
    hierarchies: treatments equal or one an ancestor of the other, conditions likewise, not both equal."""
    strict = {"t": _up_pairs(dataset.hierarchy("treatments"), cd.treatments),
              "c": _up_pairs(dataset.hierarchy("conditions"), cd.conditions)}
    own = {"t": np.arange(len(cd.treatments), dtype=np.int64), "c": np.arange(len(cd.conditions), dtype=np.int64)}
    # x walks up to itself or an ancestor, y only to a strict ancestor: each (x, y) meets in exactly one way
    ups = {(dim, True): (np.concatenate([own[dim], strict[dim][0]]), np.concatenate([own[dim], strict[dim][1]]))
           for dim in ("t", "c")}
    ups.update({(dim, False): strict[dim] for dim in ("t", "c")})
    codes = {"t": cd.treatment, "c": cd.condition}
    n_c = max(len(cd.conditions), 1)

    def walk(rows: np.ndarray, up_t: bool | None, up_c: bool | None) -> tuple[np.ndarray, np.ndarray]:
        """`rows`, repeated once per (treatment, condition) above theirs (None: stay), with that meeting
        point as one integer key."""
        place = {dim: codes[dim][rows] for dim in ("t", "c")}
        for dim, up in (("t", up_t), ("c", up_c)):
            if up is not None:
                li, ri = _equal_pairs(place[dim], ups[(dim, up)][0])
                rows = rows[li]
                place = {k: v[li] for k, v in place.items()}
                place[dim] = ups[(dim, up)][1][ri]
        return rows, place["t"] * n_c + place["c"]

    free = np.flatnonzero(cd.free)
    xs, ys, kinds = [], [], []
    for k, d in enumerate(DISAGREEMENTS):
        x_rows, y_rows = _sides_of(cd, d, free)
        # per dimension, either x's is at or below y's (x walks up, itself included) or y's is strictly
        # below x's (y walks up): four ways to meet, each (x, y) in exactly one
        for x_up_t in (True, False):
            for x_up_c in (True, False):
                x_at, x_key = walk(x_rows, True if x_up_t else None, True if x_up_c else None)
                y_at, y_key = walk(y_rows, None if x_up_t else False, None if x_up_c else False)
                li, ri = _equal_pairs(x_key, y_key)
                xs.append(x_at[li])
                ys.append(y_at[ri])
                kinds.append(np.full(len(li), k, dtype=np.int64))
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    kind = np.concatenate(kinds)
    keep = (cd.source[x] != cd.source[y]) & (cd.pair[x] != cd.pair[y])
    for k, d in enumerate(DISAGREEMENTS):
        mine = kind == k
        keep[mine] &= _overlapping(cd, d, x[mine], y[mine])
    return x[keep], y[keep], kind[keep]


def _related(dataset: Dataset, cd: _Coded | None = None) -> tuple[_Coded, pd.DataFrame]:
    """Related conflicts as row positions `a` < `b` (by id) and kind, sorted; `cd` is the whole evidence coded."""
    cd = _code(dataset.evidence) if cd is None else cd
    x, y, kind = _find_related(dataset, cd)
    x_first = cd.rank[x] < cd.rank[y]
    a = np.where(x_first, x, y)
    b = np.where(x_first, y, x)
    order = np.lexsort((kind, cd.rank[b], cd.rank[a]))
    return cd, pd.DataFrame({"a": a[order], "b": b[order], "kind": kind[order]})


def related_conflicts(dataset: Dataset) -> pd.DataFrame:
    """Disagreeing statements across the treatment and condition hierarchies (the `related-conflicts` query).

    Two statements from different sources, neither with a comparator, that disagree by the
    `conflicts` rules, whose treatments are equal or one is an ancestor of the other, whose
    conditions are likewise, and which are not about the same pair (those are `conflicts`).
    Columns are `RELATED_CONFLICT_COLUMNS`; `evidence_a` < `evidence_b`; rows sorted by
    evidence_a, evidence_b, kind.
    """
    cd, found = _related(dataset)
    a = found["a"].to_numpy(dtype=np.int64)
    b = found["b"].to_numpy(dtype=np.int64)
    kind = found["kind"].to_numpy(dtype=np.int64)
    ids = dataset.evidence["id"].to_numpy(dtype=object)
    timeframes = np.asarray(_TIMEFRAMES, dtype=object)
    t_differ = cd.treatment[a] != cd.treatment[b]
    c_differ = cd.condition[a] != cd.condition[b]
    relation = np.asarray(RELATIONS, dtype=object)[np.where(t_differ & c_differ, 2, np.where(t_differ, 0, 1))]
    return pd.DataFrame({
        "evidence_a": _strings(ids[a]),
        "evidence_b": _strings(ids[b]),
        "source_a": _strings(cd.sources[cd.source[a]]),
        "source_b": _strings(cd.sources[cd.source[b]]),
        "treatment_a": _strings(cd.treatments[cd.treatment[a]]),
        "treatment_b": _strings(cd.treatments[cd.treatment[b]]),
        "condition_a": _strings(cd.conditions[cd.condition[a]]),
        "condition_b": _strings(cd.conditions[cd.condition[b]]),
        "kind": _strings(np.asarray(CONFLICT_KINDS, dtype=object)[kind]),
        "value_a": _strings(_value_text(cd, kind, a)),
        "value_b": _strings(_value_text(cd, kind, b)),
        "timeframe_a": _strings(timeframes[cd.timeframe[a]]),
        "timeframe_b": _strings(timeframes[cd.timeframe[b]]),
        "relation": _strings(relation),
    })[list(RELATED_CONFLICT_COLUMNS)]


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


# --------------------------------------------------------------------------- strength


@dataclass(frozen=True)
class _Strength:
    """Per pair: the strength code (0 strong .. 3 very weak), the best stated certainty code (-1: none),
    the agreeing and disagreeing sources, and what the `why` sentence names about each side."""

    strength: np.ndarray
    certainty: np.ndarray
    agreeing: np.ndarray
    disagreeing: np.ndarray
    agree_type: np.ndarray
    agree_types: np.ndarray
    disagree_type: np.ndarray
    disagree_types: np.ndarray


STRENGTH_DTYPE = pd.CategoricalDtype([str(x) for x in STRENGTHS], ordered=True)
"""Strengths, strongest first (so `strong` < `moderate` in comparisons)."""
_NONE = -1


def _side_rows(cd: _Coded, side: Side) -> np.ndarray:
    """Which statements belong to `side` (kg.verdicts.SIDES)."""
    sd = SIDES[side]
    if sd.comparison:
        return ~cd.free
    m = np.isin(cd.effect, [EFFECTS.index(e) for e in sd.effects]) & np.isin(
        cd.timeframe, [_TIMEFRAMES.index(t) for t in sd.timeframes])
    if sd.recommendations:
        m |= np.isin(cd.recommendation, [_RECOMMENDATIONS.index(r) for r in sd.recommendations])
    return np.asarray(m & cd.free, dtype=bool)


class _Distinct:
    """Counts distinct values per pair among any subset of the statements, without sorting each time:
    each statement's (pair, value) is numbered once, and a subset marks the numbers it holds."""

    def __init__(self, pair: np.ndarray, value: np.ndarray, n_pairs: int):
        combos, self.combo = np.unique(pair * (int(value.max()) + 1 if len(value) else 1) + value,
                                       return_inverse=True)
        self.combo = np.asarray(self.combo, dtype=np.int64).reshape(-1)
        self.combo_pair = np.asarray(pair[np.unique(self.combo, return_index=True)[1]], dtype=np.int64)
        self.n_pairs = n_pairs
        del combos

    def __call__(self, m: np.ndarray) -> np.ndarray:
        held = np.zeros(len(self.combo_pair), dtype=bool)
        held[self.combo[m]] = True
        return np.bincount(self.combo_pair[held], minlength=self.n_pairs)


def _grade(cd: _Coded, rows: np.ndarray, distinct: _Distinct, tier: np.ndarray, certain: np.ndarray) -> np.ndarray:
    """The strength code of each pair's statements in `rows` (kg.verdicts.GRADES); _NONE where it has none.
    `distinct` counts independent sources."""
    n_pairs = cd.n_pairs

    synthesis = rows & (tier == _TIER_CODE[Tier.SYNTHESIS])
    research = synthesis | (rows & (tier == _TIER_CODE[Tier.STUDY]))
    counts = Counts(
        synthesis=distinct(synthesis),  # type: ignore[arg-type]
        synthesis_certain=distinct(synthesis & certain),  # type: ignore[arg-type]
        research=distinct(research),  # type: ignore[arg-type]
        research_certain=distinct(research & certain),  # type: ignore[arg-type]
        known=distinct(rows & (tier != _TIER_CODE[Tier.ANECDOTE])),  # type: ignore[arg-type]
    )
    code = np.select([np.asarray(GRADE_TESTS[g.strength](counts), dtype=bool) for g in GRADES[:-1]],
                     [STRENGTHS.index(g.strength) for g in GRADES[:-1]], default=STRENGTHS.index(GRADES[-1].strength))
    present = np.bincount(cd.pair[rows], minlength=n_pairs) > 0
    return np.where(present, code, _NONE)


_TIER_CODE = {t: i for i, t in enumerate(Tier)}


def _strength(dataset: Dataset, cd: _Coded, verdict: np.ndarray, type_of_source: np.ndarray) -> _Strength:
    """Strength, certainty and the agreeing/disagreeing sources per pair, by the sides each verdict names."""
    n_pairs = cd.n_pairs
    src = dataset.sources.set_index(dataset.sources["id"].astype(str))
    publisher = (src["publisher"] if "publisher" in src else pd.Series(pd.NA, index=src.index)).reindex(
        cd.sources.astype(str))
    keys = [independence_key(str(i), None if pd.isna(p) else str(p)) for i, p in zip(cd.sources, publisher,
                                                                                     strict=True)]
    indep = np.asarray(pd.factorize(pd.Series(keys, dtype=object))[0], dtype=np.int64)[cd.source] if len(
        keys) else np.zeros(0, dtype=np.int64)
    type_names = enum_values("source_type")
    tier_of_type = np.asarray([_TIER_CODE[TIERS[t]] for t in type_names], dtype=np.int64)  # type: ignore[index]
    stype = type_of_source[cd.source]
    tier = tier_of_type[stype]
    certain = np.isin(cd.certainty, [_CERTAINTIES.index(c) for c in CERTAIN])
    independent = _Distinct(cd.pair, indep, n_pairs)

    members: dict[Side, np.ndarray] = {}
    grades: dict[Side, np.ndarray] = {}

    def rows_of(side: Side) -> np.ndarray:
        if side not in members:
            members[side] = _side_rows(cd, side)
        return members[side]

    def grade_of(side: Side) -> np.ndarray:
        if side not in grades:
            grades[side] = _grade(cd, rows_of(side), independent, tier, certain)
        return grades[side]

    def union(sides: tuple[Side, ...]) -> np.ndarray:
        m = np.zeros(len(cd.pair), dtype=bool)
        for side in sides:
            m |= rows_of(side)
        return m

    strength = np.full(n_pairs, STRENGTHS.index(STRENGTHS[-1]), dtype=np.int64)
    behind = np.zeros(len(cd.pair), dtype=bool)
    agree = np.zeros(len(cd.pair), dtype=bool)
    disagree = np.zeros(len(cd.pair), dtype=bool)
    stated_verdict = verdict[cd.pair]
    anecdote = np.bincount(cd.pair[cd.free & (tier == _TIER_CODE[Tier.ANECDOTE])], minlength=n_pairs) > 0
    for rule in RULES:
        pairs = verdict == rule.verdict
        if not pairs.any():
            continue
        if rule.strength_sides:
            worst = np.full(n_pairs, _NONE, dtype=np.int64)
            for side in rule.strength_sides:
                worst = np.maximum(worst, grade_of(side))
            code = np.where(worst == _NONE, STRENGTHS.index(STRENGTHS[-1]), worst)
            sides = rule.strength_sides
        else:  # a disagreement: at most weak, very weak when a blog or forum takes part
            code = np.where(anecdote, STRENGTHS.index(STRENGTHS[-1]), STRENGTHS.index(STRENGTHS[-2]))
            sides = rule.agree + rule.disagree
        strength[pairs] = code[pairs]
        mine = stated_verdict == rule.verdict
        behind |= mine & union(sides)
        agree |= mine & union(rule.agree)
        disagree |= mine & union(rule.disagree)

    certainty = np.full(n_pairs, len(_CERTAINTIES), dtype=np.int64)
    stated = behind & (cd.certainty >= 0)
    np.minimum.at(certainty, cd.pair[stated], cd.certainty[stated])
    certainty = np.where(certainty == len(_CERTAINTIES), _NONE, certainty)

    of_source = _Distinct(cd.pair, cd.source, n_pairs)
    of_type = _Distinct(cd.pair, stype, n_pairs)

    def per_side(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        count = of_source(m)
        best_type = np.full(n_pairs, len(type_names), dtype=np.int64)
        np.minimum.at(best_type, cd.pair[m], stype[m])
        types = of_type(m)
        return count, best_type, types

    n_agree, agree_type, agree_types = per_side(agree)
    n_disagree, disagree_type, disagree_types = per_side(disagree)
    return _Strength(strength, certainty, n_agree, n_disagree, agree_type, agree_types, disagree_type,
                     disagree_types)


def _related_per_pair(dataset: Dataset, cd: _Coded, whole: bool, t_ids: np.ndarray, c_ids: np.ndarray
                      ) -> np.ndarray:
    """How many related conflicts (across the hierarchies) each pair's statements take part in, counted on
    the whole dataset; `whole` says `cd` codes all of it (else it is coded again)."""
    full = cd if whole else _code(dataset.evidence)
    _, found = _related(dataset, full)
    a = full.pair[found["a"].to_numpy(dtype=np.int64)]
    b = full.pair[found["b"].to_numpy(dtype=np.int64)]  # never a's pair: both count it once
    counts = np.bincount(a, minlength=full.n_pairs) + np.bincount(b, minlength=full.n_pairs)
    if whole:
        return np.asarray(counts, dtype=np.int64)
    keys = pd.MultiIndex.from_arrays([full.treatments[full.pair_treatment].astype(str),
                                      full.conditions[full.pair_condition].astype(str)])
    wanted = pd.MultiIndex.from_arrays([pd.Index(t_ids, dtype=object), pd.Index(c_ids, dtype=object)])
    return np.asarray(counts[keys.get_indexer(wanted)], dtype=np.int64)


_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_TYPE_WORDS: dict[str, tuple[str, str]] = {
    "guideline": ("guideline", "guidelines"),
    "systematic_review": ("systematic review", "systematic reviews"),
    "trial": ("trial", "trials"),
    "observational_study": ("observational study", "observational studies"),
    "reference_article": ("reference article", "reference articles"),
    "expert_opinion": ("expert opinion", "expert opinions"),
    "patient_education": ("patient leaflet", "patient leaflets"),
    "blog": ("blog", "blogs"),
    "forum": ("forum", "forums"),
}


def _number(n: np.ndarray) -> np.ndarray:
    words = np.asarray(_NUMBERS, dtype=object)
    return np.where(n < len(_NUMBERS), words[np.minimum(n, len(_NUMBERS) - 1)], n.astype(str).astype(object))


def _who(n: np.ndarray, best: np.ndarray, types: np.ndarray) -> np.ndarray:
    """"one blog", "two guidelines", "three sources (the strongest a guideline)" per pair."""
    names = enum_values("source_type")
    one = np.asarray([_TYPE_WORDS[t][0] for t in names] + ["source"], dtype=object)[best]
    many = np.asarray([_TYPE_WORDS[t][1] for t in names] + ["sources"], dtype=object)[best]
    same = np.where(n == 1, one, many)
    mixed = "sources (the strongest a " + one + ")"
    return np.asarray(_number(n) + " " + np.where(types > 1, mixed, np.where(n == 0, "sources", same)), dtype=object)


def _why(verdict: np.ndarray, st: _Strength, related: np.ndarray) -> np.ndarray:
    """One plain sentence per pair: who says it, how sure they are, who disagrees, what conflicts around it.

    Pairs share few distinct sentences: each is written once and looked up (string work on every pair
    would cost more than the rest of the summary)."""
    inputs = pd.DataFrame({
        "verdict": pd.Categorical(verdict, categories=list(VERDICTS)).codes, "certainty": st.certainty,
        "agreeing": st.agreeing, "agree_type": st.agree_type, "agree_types": np.minimum(st.agree_types, 2),
        "disagreeing": st.disagreeing, "disagree_type": st.disagree_type,
        "disagree_types": np.minimum(st.disagree_types, 2), "related": related,
    })
    group = inputs.groupby(list(inputs.columns), sort=False).ngroup().to_numpy()
    first = np.unique(group, return_index=True)[1]
    u = inputs.iloc[first]
    one = _Strength(np.zeros(len(u), dtype=np.int64), u["certainty"].to_numpy(), u["agreeing"].to_numpy(),
                    u["disagreeing"].to_numpy(), u["agree_type"].to_numpy(), u["agree_types"].to_numpy(),
                    u["disagree_type"].to_numpy(), u["disagree_types"].to_numpy())
    texts = _why_each(np.asarray(VERDICTS, dtype=object)[u["verdict"].to_numpy()], one, u["related"].to_numpy())
    return np.asarray(texts[group], dtype=object)


def _why_each(verdict: np.ndarray, st: _Strength, related: np.ndarray) -> np.ndarray:
    certainty_words = np.asarray([c.replace("_", " ") for c in _CERTAINTIES] + [""], dtype=object)
    certainty = np.where(st.certainty >= 0, " (" + certainty_words[st.certainty] + " certainty)",
                         ", no certainty stated")
    agree = _who(st.agreeing, st.agree_type, st.agree_types)
    against = _who(st.disagreeing, st.disagree_type, st.disagree_types)
    two_sided = np.isin(verdict, [str(r.verdict) for r in RULES if r.verdict in (Verdict.CONFLICTING, Verdict.MIXED)])
    prefix = np.select([verdict == Verdict.CONFLICTING, verdict == Verdict.MIXED, verdict == Verdict.COMPARISON_ONLY],
                       ["sources disagree: ", "statements point different ways: ", "comparisons only: "], default="")
    one_side = agree + np.where((st.agreeing > 1) & (verdict != Verdict.COMPARISON_ONLY), " agree", "")
    dissent = np.where(st.disagreeing > 0,
                       "; " + _number(st.disagreeing) + np.where(st.disagreeing == 1, " disagrees", " disagree"), "")
    body = np.where(two_sided, agree + " for, " + against + " against" + certainty, one_side + certainty + dissent)
    related_text = np.where(
        related > 0,
        "; " + _number(related) + np.where(related == 1, " conflict", " conflicts")
        + " with statements on a broader or narrower treatment or condition", "")
    return np.asarray(prefix + body + related_text, dtype=object)


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

    def related(cd: _Coded, t_ids: np.ndarray, c_ids: np.ndarray) -> np.ndarray:
        return _related_per_pair(dataset, cd, condition is None, t_ids, c_ids)  # whole dataset, whatever the filter

    return _summary(dataset, ev, related)


def related_per_pair(dataset: Dataset) -> pd.Series:
    """The `related_conflicts` column of every pair that has any (pairs with none are left out), indexed by
    (treatment_id, condition_id): what `summarise_pairs` needs from the whole dataset."""
    cd = _code(dataset.evidence, ordered=False)
    x, y, _ = _find_related(dataset, cd)  # never the same pair: each counts it once
    counts = np.bincount(cd.pair[x], minlength=cd.n_pairs) + np.bincount(cd.pair[y], minlength=cd.n_pairs)
    hit = np.flatnonzero(counts)
    keys = pd.MultiIndex.from_arrays([cd.treatments[cd.pair_treatment[hit]].astype(str),
                                      cd.conditions[cd.pair_condition[hit]].astype(str)],
                                     names=["treatment_id", "condition_id"])
    return pd.Series(counts[hit], index=keys, dtype="int64", name="related_conflicts")


def of_pairs(evidence: pd.DataFrame, pairs: pd.MultiIndex) -> np.ndarray:
    """Which statements are about one of `pairs` ((treatment_id, condition_id) keys), as a boolean mask."""
    if not len(pairs) or not len(evidence):
        return np.zeros(len(evidence), dtype=bool)
    t, treatments = pd.factorize(evidence["treatment"])
    c, conditions = pd.factorize(evidence["condition"])
    wt = pd.Index(treatments).get_indexer(pairs.get_level_values(0))
    wc = pd.Index(conditions).get_indexer(pairs.get_level_values(1))
    known = (wt >= 0) & (wc >= 0)
    n_c = max(len(conditions), 1)
    wanted = np.zeros(max(len(treatments), 1) * n_c, dtype=bool)
    wanted[wt[known] * n_c + wc[known]] = True
    return np.asarray(wanted[np.asarray(t, dtype=np.int64) * n_c + c], dtype=bool)


def summarise_pairs(dataset: Dataset, pairs: pd.MultiIndex, related: pd.Series | None = None) -> pd.DataFrame:
    """The rows of `summarise(dataset)` for `pairs` ((treatment_id, condition_id) keys; those without
    statements have no row), computed from those pairs' statements alone: a pair's row depends only on its
    own statements, their sources and labels, and its `related_conflicts`, counted on the whole dataset
    (`related`, from `related_per_pair`, when the caller has it). `kg diff` uses it for the pairs a change
    can reach."""
    ev = dataset.evidence[of_pairs(dataset.evidence, pairs)].reset_index(drop=True)
    counts = related_per_pair(dataset) if related is None else related

    def looked_up(cd: _Coded, t_ids: np.ndarray, c_ids: np.ndarray) -> np.ndarray:
        wanted = pd.MultiIndex.from_arrays([pd.Index(t_ids, dtype=object), pd.Index(c_ids, dtype=object)])
        return np.asarray(counts.reindex(wanted, fill_value=0).to_numpy(), dtype=np.int64)

    return _summary(dataset, ev, looked_up)


def _summary(dataset: Dataset, ev: pd.DataFrame,
             related_of: Callable[[_Coded, np.ndarray, np.ndarray], np.ndarray]) -> pd.DataFrame:
    """The summary rows of the pairs of `ev` (statements of `dataset`); `related_of` gives each pair's
    related-conflict count, which looks beyond `ev`."""
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

    # the verdict: the first rule of kg.verdicts.RULES whose flags hold
    found = _find_conflicts(cd)
    tally: dict[tuple[str, str], np.ndarray] = {}
    for k, kind in enumerate(CONFLICT_KINDS):
        of_kind = found.kind == k
        for side, rows in (("for", found.x), ("against", found.y)):
            tally[(kind, side)] = _distinct_per_pair(found.pair[of_kind], cd.source[rows[of_kind]], n_pairs,
                                                     len(cd.sources))
    conflicting = np.zeros(n_pairs, dtype=bool)
    for kind in CONFLICT_KINDS:
        conflicting |= tally[(kind, "for")] > 0
    flag = _verdict_flags(flags, conflicting)
    verdict = _verdicts(flag)
    h = flag[Flag.HARM]
    headline = _headlines(verdict, flags, h, tally, _comparators(ev, cd, _labels(dataset.treatments)))
    t_ids = cd.treatments[cd.pair_treatment].astype(str)
    c_ids = cd.conditions[cd.pair_condition].astype(str)
    strength = _strength(dataset, cd, verdict, type_of_source)
    related = related_of(cd, t_ids, c_ids)
    why = _why(verdict, strength, related)

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
            "certainty": pd.Categorical.from_codes(strength.certainty, dtype=enum_dtype("certainty")),
            "strength": pd.Categorical.from_codes(strength.strength, dtype=STRENGTH_DTYPE),
            "agreeing_sources": pd.Series(strength.agreeing, dtype="int64"),
            "disagreeing_sources": pd.Series(strength.disagreeing, dtype="int64"),
            "related_conflicts": pd.Series(related, dtype="int64"),
            "why": _strings(why),
        }
    )
    return out[list(SUMMARY_COLUMNS)]


def _verdict_flags(flags: np.ndarray, conflicting: np.ndarray) -> dict[Flag, np.ndarray]:
    """Per pair, each `Flag` of kg.verdicts (statements without a comparator)."""
    out: dict[Flag, np.ndarray] = {}
    for f, fd in FLAGS.items():
        if fd.effect is not None:
            out[f] = _flag(flags, fd.timeframes, fd.effect)
    out[Flag.CONFLICT] = conflicting
    out[Flag.ASSESSED] = np.asarray(flags.any(axis=1), dtype=bool)
    return out


def _verdicts(flag: dict[Flag, np.ndarray]) -> np.ndarray:
    """The first rule of the ladder that holds, per pair."""
    n = len(flag[Flag.CONFLICT])
    holds = []
    for rule in RULES:
        ok = np.ones(n, dtype=bool)
        for f in rule.needs:
            ok &= flag[f]
        for f in rule.excludes:
            ok &= ~flag[f]
        holds.append(ok)
    return np.asarray(np.select(holds, list(VERDICTS), default=""), dtype=object)


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


def at_least(frame: pd.DataFrame, strength: str) -> pd.DataFrame:
    """The summary rows whose strength is `strength` or stronger (UsageError for an unknown level)."""
    levels = [str(x) for x in STRENGTHS]
    if strength not in levels:
        raise UsageError(f"unknown strength {strength!r}; use one of: {', '.join(levels)}")
    keep = frame["strength"].astype(STRENGTH_DTYPE).cat.codes <= levels.index(strength)
    return frame[keep.to_numpy()].reset_index(drop=True)


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
    "of_pairs",
    "related_per_pair",
    "statements",
    "summarise",
    "summarise_pairs",
    "to_csv",
    "to_json",
    "to_table",
]
