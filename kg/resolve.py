"""Names, not only ids: what a person types for a treatment, condition or source, resolved to its id.

Wherever an id is taken (`--condition`, `--treatment`, `--source`, `--param`, the
Python API), a label or synonym (a source's title) that names exactly one entity
of the asked kind is accepted too. Matching ignores case and treats runs of
spaces, hyphens and underscores alike, so `Sciatica`, `sciatic pain` and
`low back pain` all resolve. The tiers are tried in order and the first that
matches decides: the exact id, then an id or label/title ignoring case, then a
synonym. Anything else is an `UnknownIdError` that says what to do:

- a name shared by several entities lists them (`AmbiguousNameError`);
- a name of another kind says what it is (`discectomy` is a treatment, not a condition);
- a near miss suggests the closest names ("did you mean Sciatica (sciatica)?").

Near misses come from the standard library's `difflib`: the vocabularies are a few
hundred names (thousands for synthetic data), which it ranks in milliseconds, and its
ratio reads typos (`sciatika`) and truncations (`sciatic`) well; a compiled fuzzy
matcher would be one more dependency for no visible gain.

The names come from a Dataset (`Resolver.of(dataset)`) or, for a built graph, a store
or an endpoint, from `NAMES_QUERY` (a fixed query: a person's text never goes into it).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from functools import cached_property

import pandas as pd

from kg import vocab as V
from kg.errors import UnknownIdError
from kg.model import Dataset

KINDS: tuple[str, ...] = tuple(V.KINDS)
"""The kinds an id may name: treatment, condition, source, evidence."""

_TABLES = {"treatment": "treatments", "condition": "conditions", "source": "sources", "evidence": "evidence"}
_WHAT = {"treatment": "a treatment", "condition": "a condition", "source": "a source",
         "evidence": "an evidence statement"}
_PLURAL = {"treatment": "treatments", "condition": "conditions", "source": "sources", "evidence": "evidence"}
_SEPARATORS = re.compile(r"[\s_\-]+")

ID, LABEL, SYNONYM = 0, 1, 2
"""Match tiers, tried in this order (an exact id comes before all of them)."""

NAME_COLUMNS: tuple[str, ...] = ("kind", "id", "label", "name", "tier")
"""One row per name of an entity: its kind, id, preferred label, the name itself and its tier."""

NAMES_QUERY = f"""SELECT ?kind ?id ?label ?synonym WHERE {{
  {{ ?e a <{V.SCHEMA}MedicalTherapy> ; <{V.DCTERMS}identifier> ?id . BIND ("treatment" AS ?kind)
     OPTIONAL {{ ?e <{V.SKOS}prefLabel> ?label }} OPTIONAL {{ ?e <{V.SKOS}altLabel> ?synonym }} }}
  UNION
  {{ ?e a <{V.SCHEMA}MedicalCondition> ; <{V.DCTERMS}identifier> ?id . BIND ("condition" AS ?kind)
     OPTIONAL {{ ?e <{V.SKOS}prefLabel> ?label }} OPTIONAL {{ ?e <{V.SKOS}altLabel> ?synonym }} }}
  UNION
  {{ ?e <{V.VOCAB}sourceType> ?type ; <{V.DCTERMS}identifier> ?id . BIND ("source" AS ?kind)
     OPTIONAL {{ ?e <{V.DCTERMS}title> ?label }} }}
}}"""
"""Every treatment, condition and source with its label (a source's title) and synonyms, from any
copy of the graph; rows as (kind, id, label, synonym), unbound as None. Evidence ids are matched
exactly by the graph's own lookup, so they are not listed here."""


def normalise(text: str) -> str:
    """The form names are compared in: case folded, runs of spaces, hyphens and underscores as one space."""
    return _SEPARATORS.sub(" ", text.casefold()).strip()


def _names(kind: str, ids: pd.Series, labels: pd.Series | None, synonyms: pd.Series | None) -> pd.DataFrame:
    """The name rows of one kind: each id, each label and each `|`-separated synonym."""
    ids = ids.astype("string")
    label = labels.astype("string") if labels is not None else ids
    label = label.fillna(ids)
    parts = [pd.DataFrame({"id": ids, "label": label, "name": ids, "tier": ID})]
    if labels is not None:
        parts.append(pd.DataFrame({"id": ids, "label": label, "name": labels.astype("string"), "tier": LABEL}))
    if synonyms is not None:
        syn = pd.DataFrame({"id": ids, "label": label, "name": synonyms.astype("string").str.split("|")})
        syn = syn.explode("name")
        syn["name"] = syn["name"].astype("string").str.strip()
        parts.append(syn.assign(tier=SYNONYM))
    out = pd.concat(parts, ignore_index=True).dropna(subset=["name"])
    out = out[out["name"] != ""]
    return out.assign(kind=kind)[list(NAME_COLUMNS)]


def dataset_names(dataset: Dataset) -> pd.DataFrame:
    """The names of every treatment, condition and source of a Dataset (`NAME_COLUMNS`); statements have
    ids only, which `Resolver` matches exactly."""
    frames = [
        _names("treatment", dataset.treatments["id"], dataset.treatments["label"], dataset.treatments["synonyms"]),
        _names("condition", dataset.conditions["id"], dataset.conditions["label"], dataset.conditions["synonyms"]),
        _names("source", dataset.sources["id"], dataset.sources["title"], None),
    ]
    return pd.concat(frames, ignore_index=True)


def graph_names(rows: Iterable[Sequence[str | None]]) -> pd.DataFrame:
    """The names from `NAMES_QUERY`'s rows (kind, id, label, synonym) (`NAME_COLUMNS`)."""
    raw = pd.DataFrame(list(rows), columns=["kind", "id", "label", "synonym"], dtype="string")
    frames = []
    for kind in ("treatment", "condition", "source"):
        of = raw[raw["kind"] == kind]
        if of.empty:
            continue
        one = of.groupby("id", sort=True).agg(
            label=("label", "first"), synonyms=("synonym", lambda s: "|".join(sorted(s.dropna().unique())) or pd.NA)
        ).reset_index()
        frames.append(_names(kind, one["id"], one["label"], one["synonyms"]))
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in NAME_COLUMNS})
    return pd.concat(frames, ignore_index=True)


class AmbiguousNameError(UnknownIdError):
    """A name that several entities of the asked kind answer to; `candidates` holds (id, label) of each."""

    def __init__(self, kind: str, ident: str, candidates: list[tuple[str, str]], context: str = ""):
        self.candidates = candidates
        listed = ", ".join(f"{label} ({ident_})" for ident_, label in candidates)
        super().__init__(kind, ident, f"{kind} {ident!r}{context} could mean {len(candidates)} {_PLURAL[kind]}: "
                                      f"{listed}; give one of their ids")


class Resolver:
    """Turns what a person typed into the id of one entity of a kind (see the module's docstring)."""

    def __init__(self, names: pd.DataFrame, evidence: pd.Series | None = None):
        frame = names.reset_index(drop=True).copy()
        frame["key"] = (frame["name"].astype("string").str.casefold()
                        .str.replace(_SEPARATORS.pattern, " ", regex=True).str.strip())
        self.names = frame
        self._evidence = evidence

    @classmethod
    def of(cls, dataset: Dataset) -> Resolver:
        """The resolver of a Dataset's treatments, conditions, sources (by name) and statements (by id)."""
        return cls(dataset_names(dataset), dataset.evidence["id"])

    @cached_property
    def _evidence_ids(self) -> frozenset[str]:
        return frozenset() if self._evidence is None else frozenset(self._evidence.dropna().astype(str))

    @cached_property
    def _by_key(self) -> dict[str, list[int]]:
        return {str(k): list(v) for k, v in self.names.groupby("key", sort=False).indices.items()}

    @cached_property
    def _ids(self) -> dict[tuple[str, str], str]:
        rows = self.names[self.names["tier"] == ID]
        return dict(zip(zip(rows["kind"], rows["id"], strict=True), rows["label"], strict=True))

    def _keys(self, kind: str) -> list[str]:
        return sorted(set(self.names.loc[self.names["kind"] == kind, "key"]))

    def label(self, kind: str, ident: str) -> str | None:
        """The preferred label (a source's title) of an entity, None if there is none of that id."""
        return self._ids.get((kind, ident))

    def matches(self, text: str, kind: str | None = None) -> list[tuple[str, str]]:
        """(kind, id) of the entities `text` names in its best tier (of `kind`, when given), sorted."""
        if kind is not None and (kind, text) in self._ids:
            return [(kind, text)]
        if kind in (None, "evidence") and text in self._evidence_ids:
            return [("evidence", text)]
        rows = self.names.iloc[self._by_key.get(normalise(text), [])]
        if kind is not None:
            rows = rows[rows["kind"] == kind]
        if rows.empty:
            return []
        best = rows[rows["tier"] == rows["tier"].min()]
        return sorted(set(zip(best["kind"].astype(str), best["id"].astype(str), strict=True)))

    def resolve(self, text: str, kind: str, *, context: str = "") -> str:
        """The id of the one `kind` entity that `text` names; UnknownIdError (or AmbiguousNameError) if none
        or several. `context` is added after the quoted text in messages, e.g. " (parameter 'condition')"."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
        text = text.strip()
        found = self.matches(text, kind)
        if len(found) == 1:
            return found[0][1]
        if found:
            raise AmbiguousNameError(kind, text, [(i, self.label(kind, i) or i) for _, i in found], context)
        start = f"unknown {kind} {text!r}{context}: "
        elsewhere = [(k, i) for k, i in self.matches(text) if k != kind]
        if elsewhere:
            what = " and ".join(_WHAT[k] + (f", {self.label(k, i)} ({i})" if self.label(k, i) else "")
                                for k, i in elsewhere)
            raise UnknownIdError(kind, text, f"{start}that names {what}, not {_WHAT[kind]}")
        hint = self.suggest(text, kind)
        if hint:
            raise UnknownIdError(kind, text, f"{start}no {kind} has this id or name; did you mean {hint}?")
        listing = "" if kind == "evidence" else f" (`kg list {_PLURAL[kind]}` lists them)"
        raise UnknownIdError(kind, text, f"{start}no {kind} has this id or name{listing}")

    def suggest(self, text: str, kind: str, n: int = 3) -> str:
        """The closest names of `kind` as "Label (id)" joined with "or"; empty when nothing is close.

        Names that hold the text as whole words come first (`back pain`: Low back pain), shortest
        first; then difflib's close matches (`sciatika`: Sciatica)."""
        if kind == "evidence":
            return ""
        key = normalise(text)
        keys = self._keys(kind)
        containing = sorted((k for k in keys if key and f" {key} " in f" {k} " and k != key), key=len)
        close = difflib.get_close_matches(key, keys, n=n * 3, cutoff=0.75)
        picked: list[str] = []
        for key in containing + close:
            rows = self.names.iloc[self._by_key[key]]
            for ident in rows.loc[rows["kind"] == kind, "id"].astype(str):
                if ident not in picked:
                    picked.append(ident)
        shown = [f"{self.label(kind, i)} ({i})" for i in picked[:n]]
        return " or ".join([", ".join(shown[:-1]), shown[-1]] if len(shown) > 1 else shown)


def resolve(dataset: Dataset, kind: str, text: str | None) -> str | None:
    """`text` resolved to an id of `kind` in `dataset` (None stays None); see `Resolver.resolve`."""
    if text is None:
        return None
    return Resolver.of(dataset).resolve(text, kind)


__all__ = ["KINDS", "NAMES_QUERY", "NAME_COLUMNS", "AmbiguousNameError", "Resolver", "dataset_names",
           "graph_names", "normalise", "resolve"]
