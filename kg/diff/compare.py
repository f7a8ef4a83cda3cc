"""Compare two datasets: entities, statements (with renames), verdicts and conflicts, as long tables.

Everything is a merge on ids or on a hash of a row's content, so the time grows with the number of
rows, never with pairs of rows. Cells are compared as text (NA equals NA); the order of the items of
`synonyms` and `xrefs` carries no meaning and is ignored, as the RDF ignores it.
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kg.model import Dataset
from kg.rdf import KIND_OF_TABLE, MAPPING, Obj
from kg.summary import conflicts as find_conflicts
from kg.summary import of_pairs, related_per_pair, summarise, summarise_pairs

ENTITY_TABLES: tuple[str, ...] = ("sources", "conditions", "treatments")
PAIR_KEY = ["treatment_id", "condition_id"]
CONFLICT_KEY = ["treatment_id", "condition_id", "kind", "evidence_a", "evidence_b"]

ENTITY_COLUMNS = ("kind", "id", "label", "change", "field", "old", "new")
STATEMENT_COLUMNS = ("id", "old_id", "change", "treatment", "condition", "field", "old", "new", "words")
VERDICT_COLUMNS = ("treatment_id", "condition_id", "treatment", "condition", "change", "field", "old", "new",
                   "because")
CONFLICT_COLUMNS = ("treatment_id", "condition_id", "kind", "evidence_a", "evidence_b", "change", "source_a",
                    "source_b", "value_a", "value_b", "timeframe_a", "timeframe_b")
COUNT_COLUMNS = ("part", "added", "removed", "changed", "renamed", "appeared", "resolved")

_UNORDERED = {name: [m.column for m in maps if m.obj is Obj.ITEMS
                     and not any(x.column == m.column and x.obj is Obj.SEQ for x in maps)]
              for name, maps in MAPPING.items()}
"""Multi-valued columns whose item order means nothing (the RDF keeps them as a set)."""
_LABEL = {"sources": "title", "conditions": "label", "treatments": "label"}


@dataclass
class Compared:
    """The differences between two datasets, one long table per part (all cells strings, NA for none)."""

    entities: pd.DataFrame
    statements: pd.DataFrame
    verdicts: pd.DataFrame
    conflicts: pd.DataFrame
    pairs: pd.DataFrame
    """One row per pair whose summary changed: `old_COLUMN` and `new_COLUMN` for every summary column."""
    words: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Word-level diff of each changed quote, by statement id: (op, text) with op '=', '-' or '+'."""


def empty(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})


# --------------------------------------------------------------------------- cells as comparable text


def as_text(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Every column as nullable strings, indexed by id; unordered multi-valued cells with sorted, distinct items."""
    out = frame.astype("string")
    for column in _UNORDERED.get(table, []):
        if column not in out:
            continue
        values = out[column]
        multi = values.str.contains("|", regex=False).fillna(False).to_numpy()
        if multi.any():
            items = values[multi].str.split("|").explode().rename("item")
            found = pd.DataFrame({"row": items.index, "item": items.to_numpy()}).drop_duplicates()
            joined = found.sort_values(["row", "item"]).groupby("row", sort=False)["item"].agg("|".join)
            out.loc[out.index[multi], column] = joined.reindex(out.index[multi]).to_numpy()
    return out.set_index(out["id"].to_numpy()).drop(columns="id")


def _differs(a: pd.Series, b: pd.Series) -> np.ndarray:
    same = (a == b).fillna(False).to_numpy(dtype=bool) | (a.isna().to_numpy() & b.isna().to_numpy())
    return ~same


def row_hashes(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """A 64-bit hash of each row's cells in `columns` (NA, and a column the frame lacks, hash alike)."""
    return np.asarray(pd.util.hash_pandas_object(frame.reindex(columns=columns).fillna("\x00"), index=False))


@dataclass(frozen=True)
class Aligned:
    """Two id columns matched in one pass: ids only in the new (sorted), only in the old (sorted), the
    positions of the common ids in each (in old order), and the positions of the added and removed rows."""

    added: pd.Index
    removed: pd.Index
    common_old: np.ndarray
    common_new: np.ndarray
    added_at: np.ndarray
    """Positions in `new` of the added ids, ascending."""
    removed_at: np.ndarray
    """Positions in `old` of the removed ids, ascending."""


def _arrow(ids: pd.Index | pd.Series) -> pa.Array | pa.ChunkedArray:
    """The ids as Arrow strings (no copy when they are Arrow-backed already)."""
    values = ids.array
    if isinstance(values, pd.arrays.ArrowStringArray):
        return pa.array(values)
    return pa.array(np.asarray(ids, dtype=object), type=pa.large_string())


def align(old: pd.Index | pd.Series, new: pd.Index | pd.Series) -> Aligned:
    """Match ids (unique within each side) by one hash lookup of each side's ids in the other's, in Arrow
    (no Python string objects for the common rows, no sorting of the whole)."""
    a, b = _arrow(old), _arrow(new)
    if a.type != b.type:
        b = b.cast(a.type)
    in_new = pc.index_in(a, value_set=b).to_numpy(zero_copy_only=False)  # float, NaN where absent
    in_old = pc.is_in(b, value_set=a).to_numpy(zero_copy_only=False)
    found = ~np.isnan(in_new)
    common = np.flatnonzero(found)
    added_at, removed_at = np.flatnonzero(~in_old), np.flatnonzero(~found)
    return Aligned(
        added=pd.Index(np.sort(np.asarray(b.take(added_at).to_pylist(), dtype=object))),
        removed=pd.Index(np.sort(np.asarray(a.take(removed_at).to_pylist(), dtype=object))),
        common_old=common,
        common_new=in_new[common].astype(np.int64),
        added_at=added_at,
        removed_at=removed_at,
    )


def _runs(ia: np.ndarray, ib: np.ndarray) -> np.ndarray | None:
    """The stretches where positions `ia` and `ib` both advance one by one, as rows (start in `ia`, start
    in `ib`, length); None when there are so many that taking the cells is cheaper."""
    if not len(ia):
        return np.zeros((0, 3), dtype=np.int64)
    breaks = np.flatnonzero((np.diff(ia) != 1) | (np.diff(ib) != 1)) + 1
    if len(breaks) > len(ia) // 64 + 16:
        return None
    starts = np.concatenate([[0], breaks])
    lengths = np.diff(np.concatenate([starts, [len(ia)]]))
    return np.stack([ia[starts], ib[starts], lengths], axis=1)


def _stretches(values: pd.Series, runs: np.ndarray, side: int) -> pa.ChunkedArray:
    """The Arrow strings of `values` at the runs' positions on one side, as slices (no copy)."""
    whole = pa.array(values.array)
    chunks = whole.chunks if isinstance(whole, pa.ChunkedArray) else [whole]
    bounds = [0, *itertools.accumulate(len(c) for c in chunks)]
    out = []
    for start, length in runs[:, [side, 2]].tolist():
        while length:  # a stretch may span the Arrow chunks the column was read in
            k = bisect.bisect_right(bounds, start) - 1
            n = min(length, bounds[k + 1] - start)
            out.append(chunks[k].slice(start - bounds[k], n))
            start, length = start + n, length - n
    return pa.chunked_array(out, type=whole.type)


def _column_pair(old: pd.DataFrame, new: pd.DataFrame, column: str, ia: np.ndarray, ib: np.ndarray,
                 runs: np.ndarray | None = None) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Where a column's cells at positions `ia` of `old` and `ib` of `new` differ (NA where a side lacks the
    column), and the differing cells of each side. Categoricals of one vocabulary are compared by code,
    Arrow strings along the `runs` of aligned rows (no copy of the column), the rest as text."""
    here = column in old and column in new
    if here and runs is not None and isinstance(old[column].array, pd.arrays.ArrowStringArray) \
            and isinstance(new[column].array, pd.arrays.ArrowStringArray):
        a, b = _stretches(old[column], runs, 0), _stretches(new[column], runs, 1)
        same = pc.or_kleene(pc.fill_null(pc.equal(a, b), False), pc.and_(pc.is_null(a), pc.is_null(b)))
        hit = ~np.asarray(same.to_numpy(), dtype=bool)
        return old[column].iloc[ia[hit]], new[column].iloc[ib[hit]], hit
    x = old[column].iloc[ia] if column in old else pd.Series(pd.NA, index=range(len(ia)), dtype="string")
    y = new[column].iloc[ib] if column in new else pd.Series(pd.NA, index=range(len(ib)), dtype="string")
    if isinstance(x.dtype, pd.CategoricalDtype) and x.dtype == y.dtype:
        hit = x.cat.codes.to_numpy() != y.cat.codes.to_numpy()
    else:
        x, y = x.astype("string"), y.astype("string")
        hit = _differs(x.reset_index(drop=True), y.reset_index(drop=True))
    return x[hit], y[hit], hit


def _field_changes(old: pd.DataFrame, new: pd.DataFrame, ids: Any, ia: np.ndarray, ib: np.ndarray,
                   rows: bool = False) -> pd.DataFrame:
    """(id, field, old, new) for every cell that differs between the rows at positions `ia` of `old` and `ib`
    of `new` (which hold the same `ids`, an array); every column of either side but `id`, in order. With
    `rows`, also `_row`: the cell's position in `new`."""
    parts = []
    columns = [c for c in dict.fromkeys([*old.columns, *new.columns]) if c != "id"]
    runs = _runs(ia, ib)
    for column in columns:
        x, y, hit = _column_pair(old, new, column, ia, ib, runs)
        if hit.any():
            part = pd.DataFrame({"id": ids[hit], "field": column, "old": x.astype("string").array,
                                 "new": y.astype("string").array})
            if rows:
                part["_row"] = ib[hit]
            parts.append(part)
    if not parts:
        return empty(("id", "field", "old", "new")).assign(_row=pd.Series(dtype=np.int64)) if rows else \
            empty(("id", "field", "old", "new"))
    found = pd.concat(parts, ignore_index=True)
    found = found.astype({c: "string" for c in ("id", "field", "old", "new")})
    order = {c: i for i, c in enumerate(columns)}
    return found.assign(_o=found["field"].map(order)).sort_values(["id", "_o"], kind="stable").drop(columns="_o")


# --------------------------------------------------------------------------- entities


def compare_entities(old: Dataset, new: Dataset) -> pd.DataFrame:
    parts = []
    for table in ENTITY_TABLES:
        a, b = as_text(old.table(table), table), as_text(new.table(table), table)
        kind = KIND_OF_TABLE[table]
        label = _LABEL[table]
        found = align(a.index, b.index)
        for ids, change, side in ((found.added, "added", b), (found.removed, "removed", a)):
            parts.append(pd.DataFrame({"kind": kind, "id": ids, "label": side[label].reindex(ids).array,
                                       "change": change}))
        fields = _field_changes(a, b, a.index.to_numpy(dtype=object)[found.common_old], found.common_old,
                                found.common_new)
        fields.insert(0, "kind", kind)
        fields.insert(2, "label", b[label].reindex(fields["id"]).array)
        fields.insert(3, "change", "changed")
        parts.append(fields)
    return pd.concat(parts, ignore_index=True).reindex(columns=list(ENTITY_COLUMNS)).astype("string")


# --------------------------------------------------------------------------- statements


def renames(old: pd.DataFrame, new: pd.DataFrame, removed: pd.Index, added: pd.Index) -> pd.DataFrame:
    """Pairs (old_id, id) of a removed and an added statement with exactly the same content.

    Matched on a hash of the content, then checked cell by cell; several identical statements pair up
    in id order.
    """
    columns = list(dict.fromkeys([*old.columns, *new.columns]))
    a = old.reindex(index=removed.sort_values(), columns=columns)
    b = new.reindex(index=added.sort_values(), columns=columns)
    left = pd.DataFrame({"old_id": a.index, "h": row_hashes(a, columns)})
    right = pd.DataFrame({"id": b.index, "h": row_hashes(b, columns)})
    left["k"] = left.groupby("h").cumcount()
    right["k"] = right.groupby("h").cumcount()
    both = left.merge(right, on=["h", "k"])
    if both.empty:
        return pd.DataFrame({"old_id": pd.Series(dtype="string"), "id": pd.Series(dtype="string")})
    x = a.loc[both["old_id"]].reset_index(drop=True)
    y = b.loc[both["id"]].reset_index(drop=True)
    same = np.ones(len(both), dtype=bool)
    for column in columns:
        same &= ~_differs(x[column], y[column])
    return both.loc[same, ["old_id", "id"]].astype("string").reset_index(drop=True)


_TOKEN = re.compile(r"\S+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The words of `new` against those of `old`: runs kept ('='), removed ('-') and added ('+')."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("=", " ".join(a[i1:i2])))
        else:
            if i2 > i1:
                out.append(("-", " ".join(a[i1:i2])))
            if j2 > j1:
                out.append(("+", " ".join(b[j1:j2])))
    return out


def words_text(ops: list[tuple[str, str]]) -> str:
    """A word diff as one line, in the style of `git diff --word-diff=plain`: [-removed-]{+added+}."""
    wrap = {"=": "{}", "-": "[-{}-]", "+": "{{+{}+}}"}
    return " ".join(wrap[op].format(text) for op, text in ops)


def compare_statements(old: Dataset, new: Dataset) -> tuple[pd.DataFrame, dict[str, list[tuple[str, str]]]]:
    a, b = old.evidence, new.evidence
    found = align(a["id"], b["id"])
    # renames: only the removed and added rows are turned into text and hashed
    a_gone = as_text(a.iloc[found.removed_at], "evidence")
    b_new = as_text(b.iloc[found.added_at], "evidence")
    renamed = renames(a_gone, b_new, found.removed, found.added)
    added = found.added.difference(pd.Index(renamed["id"]))
    removed = found.removed.difference(pd.Index(renamed["old_id"]))
    parts = [
        pd.DataFrame({"id": added, "change": "added", "treatment": b_new["treatment"].reindex(added).array,
                      "condition": b_new["condition"].reindex(added).array}),
        pd.DataFrame({"id": removed, "change": "removed", "treatment": a_gone["treatment"].reindex(removed).array,
                      "condition": a_gone["condition"].reindex(removed).array}),
        pd.DataFrame({"id": renamed["id"].array, "old_id": renamed["old_id"].array, "change": "renamed",
                      "treatment": b_new["treatment"].reindex(renamed["id"]).array,
                      "condition": b_new["condition"].reindex(renamed["id"]).array}),
    ]
    fields = _field_changes(a, b, a["id"].astype("string").array.take(found.common_old), found.common_old,
                            found.common_new, rows=True)
    fields["change"] = "changed"
    rows = fields.pop("_row").to_numpy(dtype=np.int64)
    fields["treatment"] = b["treatment"].astype("string").iloc[rows].array
    fields["condition"] = b["condition"].astype("string").iloc[rows].array
    words: dict[str, list[tuple[str, str]]] = {}
    quotes = fields[(fields["field"] == "quote").to_numpy()]
    for ident, before, after in zip(quotes["id"], quotes["old"], quotes["new"], strict=True):
        words[str(ident)] = word_diff(str(before), str(after))
    fields["words"] = fields["id"].map({k: words_text(v) for k, v in words.items()}).where(
        fields["field"] == "quote")
    parts.append(fields)
    out = pd.concat(parts, ignore_index=True).reindex(columns=list(STATEMENT_COLUMNS)).astype("string")
    return out, words


# --------------------------------------------------------------------------- verdicts and conflicts


def _touched_pairs(statements: pd.DataFrame, old: Dataset, new: Dataset, entities: pd.DataFrame) -> pd.DataFrame:
    """(treatment_id, condition_id, cause) for every change that bears on a pair: its statements added,
    removed or changed (on either side of a change of treatment or condition), its treatment or condition
    changed, or a source of its statements changed. Causes are `KIND:ID` keys."""
    rows = [statements.loc[statements["change"] != "renamed", ["treatment", "condition", "id"]]]
    moved = statements[(statements["field"].isin(["treatment", "condition"])).fillna(False).to_numpy()]
    if len(moved):
        before = old.evidence.set_index(old.evidence["id"].to_numpy())
        rows.append(pd.DataFrame({"treatment": before["treatment"].reindex(moved["id"]).array,
                                  "condition": before["condition"].reindex(moved["id"]).array,
                                  "id": moved["id"].array}))
    found = pd.concat(rows, ignore_index=True).astype("string")
    found = pd.DataFrame({"treatment_id": found["treatment"], "condition_id": found["condition"],
                          "cause": "evidence:" + found["id"]})
    parts = [found]
    for kind, column in (("treatment", "treatment_id"), ("condition", "condition_id")):
        changed = entities.loc[(entities["kind"] == kind).to_numpy(), "id"].unique()
        if len(changed):
            for ev in (old.evidence, new.evidence):
                hit = ev[ev[kind].isin(changed).to_numpy()]
                parts.append(pd.DataFrame({"treatment_id": hit["treatment"].astype("string").array,
                                           "condition_id": hit["condition"].astype("string").array,
                                           "cause": (kind + ":" + hit[kind].astype("string")).array}))
        del column
    sources = entities.loc[(entities["kind"] == "source").to_numpy(), "id"].unique()
    if len(sources):
        for ev in (old.evidence, new.evidence):
            hit = ev[ev["source"].isin(sources).to_numpy()]
            parts.append(pd.DataFrame({"treatment_id": hit["treatment"].astype("string").array,
                                       "condition_id": hit["condition"].astype("string").array,
                                       "cause": ("source:" + hit["source"].astype("string")).array}))
    return pd.concat(parts, ignore_index=True).astype("string").drop_duplicates()


@dataclass(frozen=True)
class Reach:
    """The pairs whose summary row or conflicts can differ between two datasets, and each side's
    related-conflict counts (`kg.summary.related_per_pair`), which the summary of those pairs needs.

    A pair's summary row depends only on its own statements, their sources, the labels of its treatment,
    condition and comparators, and its related-conflict count; its conflicts only on its own statements.
    So every other pair has the same row and the same conflicts on both sides (a renamed statement has the
    same content under another id), and need not be summarised at all."""

    pairs: pd.MultiIndex
    related_old: pd.Series
    related_new: pd.Series
    old: Dataset
    """The old dataset with only the statements of `pairs`."""
    new: Dataset
    """The new dataset with only the statements of `pairs`."""


def reach(old: Dataset, new: Dataset, causes: pd.DataFrame, entities: pd.DataFrame) -> Reach:
    """The pairs a change can reach: those of `causes` (statements added, removed or changed, and the
    statements of a changed treatment, condition or source), those whose comparator is a changed
    treatment, and those whose related-conflict count moved (a hierarchy or a statement nearby changed)."""
    keys = [causes[PAIR_KEY].astype(str)]
    changed = entities.loc[(entities["kind"] == "treatment").to_numpy(), "id"].unique()
    if len(changed):
        for ev in (old.evidence, new.evidence):
            hit = ev[ev["comparator"].isin(changed).fillna(False).to_numpy()]
            keys.append(pd.DataFrame({"treatment_id": hit["treatment"].astype(str).to_numpy(),
                                      "condition_id": hit["condition"].astype(str).to_numpy()}))
    ro, rn = related_per_pair(old), related_per_pair(new)
    counts = pd.concat([ro, rn], axis=1, join="outer").fillna(0)
    moved = counts.index[(counts.iloc[:, 0] != counts.iloc[:, 1]).to_numpy()]
    keys.append(pd.DataFrame({"treatment_id": moved.get_level_values(0).astype(str),
                              "condition_id": moved.get_level_values(1).astype(str)}))
    pairs = pd.MultiIndex.from_frame(pd.concat(keys, ignore_index=True).drop_duplicates())
    old_in, new_in = (dataclasses.replace(d, evidence=d.evidence[of_pairs(d.evidence, pairs)].reset_index(drop=True))
                      for d in (old, new))
    return Reach(pairs, ro, rn, old_in, new_in)


def compare_verdicts(old: Dataset, new: Dataset, causes: pd.DataFrame, scope: Reach | None = None
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every pair whose summary row changed (any summary column but the ids and labels), field by field,
    with the changes that bear on it; and the changed pairs side by side (`old_*`, `new_*`). With `scope`,
    only its pairs are summarised (the others cannot have changed); without, every pair is."""
    if scope is None:
        so, sn = summarise(old), summarise(new)
    else:
        so = summarise_pairs(scope.old, scope.pairs, scope.related_old)
        sn = summarise_pairs(scope.new, scope.pairs, scope.related_new)
    so, sn = so.astype("string"), sn.astype("string")
    columns = list(dict.fromkeys([*so.columns, *sn.columns]))
    compared = [c for c in columns if c not in (*PAIR_KEY, "treatment", "condition")]
    both = so.merge(sn, on=PAIR_KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
    parts = []
    for change, where, side in (("added", "right_only", "_new"), ("removed", "left_only", "_old")):
        rows = both[(both["_merge"] == where).to_numpy()]
        parts.append(pd.DataFrame({
            "treatment_id": rows["treatment_id"].array, "condition_id": rows["condition_id"].array,
            "treatment": rows["treatment" + side].array, "condition": rows["condition" + side].array,
            "change": change, "field": "verdict",
            "old": rows["verdict_old"].array if side == "_old" else pd.NA,
            "new": rows["verdict_new"].array if side == "_new" else pd.NA,
        }))
    common = both[(both["_merge"] == "both").to_numpy()].reset_index(drop=True)
    changed_any = np.zeros(len(common), dtype=bool)
    for column in compared:
        a = common[column + "_old"] if column + "_old" in common else pd.Series(pd.NA, index=common.index)
        b = common[column + "_new"] if column + "_new" in common else pd.Series(pd.NA, index=common.index)
        hit = _differs(a.astype("string"), b.astype("string"))
        changed_any |= hit
        if hit.any():
            rows = common[hit]
            parts.append(pd.DataFrame({
                "treatment_id": rows["treatment_id"].array, "condition_id": rows["condition_id"].array,
                "treatment": rows["treatment_new"].array, "condition": rows["condition_new"].array,
                "change": "changed", "field": column, "_o": compared.index(column),
                "old": a[hit].astype("string").array, "new": b[hit].astype("string").array,
            }))
    out = pd.concat(parts, ignore_index=True)
    if "_o" not in out:
        out["_o"] = 0
    out = out.sort_values(["treatment_id", "condition_id", "_o"], kind="stable").drop(columns="_o")
    because = causes.sort_values("cause").groupby(PAIR_KEY)["cause"].agg("|".join)
    keys = pd.MultiIndex.from_frame(out[PAIR_KEY].astype("string"))
    out["because"] = because.reindex(keys).to_numpy() if len(because) else pd.NA
    out = out.reindex(columns=list(VERDICT_COLUMNS)).astype("string").reset_index(drop=True)

    # the pairs side by side, for cards
    keep = pd.MultiIndex.from_frame(out[PAIR_KEY]).unique()
    wide = both.set_index(PAIR_KEY)
    wide = wide[wide.index.isin(keep)].reset_index()
    cards = pd.DataFrame({"treatment_id": wide["treatment_id"], "condition_id": wide["condition_id"]})
    for column in [c for c in columns if c not in PAIR_KEY]:
        for side in ("old", "new"):
            name = f"{column}_{side}"
            cards[f"{side}_{column}"] = wide.get(name, pd.NA)
    cards["change"] = wide["_merge"].map({"left_only": "removed", "right_only": "added", "both": "changed"})
    cards["because"] = because.reindex(pd.MultiIndex.from_frame(cards[PAIR_KEY])).to_numpy() if len(because) \
        else pd.NA
    return out, cards.sort_values(PAIR_KEY).reset_index(drop=True).astype("string")


def compare_conflicts(old: Dataset, new: Dataset, renamed: pd.DataFrame, scope: Reach | None = None
                      ) -> pd.DataFrame:
    """Conflicts that appeared or were resolved; a renamed statement's conflicts are matched under its new id.
    With `scope`, only the conflicts of its pairs are listed (those of the others are the same on both sides)."""
    if scope is not None:
        old, new = scope.old, scope.new
    co, cn = find_conflicts(old).astype("string"), find_conflicts(new).astype("string")
    if len(renamed) and len(co):
        to_new = pd.Series(renamed["id"].to_numpy(), index=renamed["old_id"].to_numpy())
        a = co["evidence_a"].map(to_new).fillna(co["evidence_a"])
        b = co["evidence_b"].map(to_new).fillna(co["evidence_b"])
        swap = (a > b).fillna(False).to_numpy()
        co["evidence_a"], co["evidence_b"] = np.where(swap, b, a), np.where(swap, a, b)
        for x, y in (("source_a", "source_b"), ("value_a", "value_b"), ("timeframe_a", "timeframe_b")):
            co[x], co[y] = np.where(swap, co[y], co[x]), np.where(swap, co[x], co[y])
        co = co.astype("string")
    both = co.merge(cn, on=CONFLICT_KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
    both = both[(both["_merge"] != "both").to_numpy()]
    old_side = (both["_merge"] == "left_only").to_numpy()
    out = both[CONFLICT_KEY].copy()
    out["change"] = np.where(old_side, "resolved", "appeared")
    for column in ("source_a", "source_b", "value_a", "value_b", "timeframe_a", "timeframe_b"):
        out[column] = np.where(old_side, both[column + "_old"], both[column + "_new"])
    out = out.sort_values(CONFLICT_KEY, kind="stable").reset_index(drop=True)
    return out.reindex(columns=list(CONFLICT_COLUMNS)).astype("string")


def compare(old: Dataset, new: Dataset, *, every_pair: bool = False) -> Compared:
    """Everything that differs from `old` to `new`. Only the pairs a change can reach are summarised and
    searched for conflicts (`reach`); `every_pair` does it for all of them, the straightforward way, which
    gives the same answer (the tests check it) in more time."""
    entities = compare_entities(old, new)
    statements, words = compare_statements(old, new)
    renamed = statements.loc[(statements["change"] == "renamed").to_numpy(), ["old_id", "id"]]
    causes = _touched_pairs(statements, old, new, entities)
    scope = None if every_pair else reach(old, new, causes, entities)
    verdicts, pairs = compare_verdicts(old, new, causes, scope)
    return Compared(entities, statements, verdicts, compare_conflicts(old, new, renamed, scope), pairs, words)


__all__ = ["CONFLICT_COLUMNS", "COUNT_COLUMNS", "ENTITY_COLUMNS", "STATEMENT_COLUMNS", "VERDICT_COLUMNS",
           "Compared", "compare", "renames", "word_diff", "words_text"]
