"""Synthetic evidence: contract-valid data folders of N statements, the same for the same seed.

    python scripts/synth.py OUT_DIR --n 10000 [--seed 0] [--quote-length 400]

The shape imitates the curated data at scale: a few roots of conditions with
narrower ones under them (up to four levels), treatments in categories with a
third of them under a broader treatment, sources of every type (many more
articles than guidelines), statements spread over treatment-condition pairs
(most pairs have one to five statements, a few many more), recommendations
that mostly follow the effect, about one statement in ten measured against a
comparator, and therefore some conflicts. Everything is drawn with numpy from
one seeded generator, column by column.

Quotes are short by default; `--quote-length L` makes each about L characters of
word-like text (with commas, quotes and the odd line break, as real quotes have), the
shape that dominates the size of the RDF outputs.

`generate(n, seed, quote_length)` gives the four tables as string DataFrames, `write(...)`
writes them as CSV files, and `dataset(n, seed)` gives a `kg.model.Dataset`
directly (no CSV round trip, no validation) for benchmarks and tests.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

SOURCE_TYPES = ["guideline", "systematic_review", "trial", "observational_study", "reference_article",
                "expert_opinion", "patient_education", "blog", "forum"]
SOURCE_WEIGHTS = [0.04, 0.12, 0.25, 0.12, 0.1, 0.07, 0.12, 0.1, 0.08]
CATEGORIES = ["medication", "injection", "surgery", "procedure", "physical_therapy", "exercise", "manual_therapy",
              "psychological", "self_care", "multidisciplinary", "device", "imaging", "other"]
EFFECTS = ["benefit", "no_benefit", "harm", "insufficient"]
EFFECT_WEIGHTS = [0.42, 0.3, 0.1, 0.18]
TIMEFRAMES = ["short_term", "medium_term", "long_term", "unspecified"]
TIMEFRAME_WEIGHTS = [0.35, 0.2, 0.2, 0.25]
CERTAINTIES = ["high", "moderate", "low", "very_low"]


def _hierarchy(rng: np.random.Generator, n: int, roots: int, p_child: float) -> np.ndarray:
    """Parent index per node (-1 for none): node i may hang under a node before it, so no cycles."""
    parent = np.full(n, -1, dtype=np.int64)
    if n > roots:
        idx = np.arange(roots, n)
        candidates = (rng.random(n - roots) * idx).astype(np.int64)  # an earlier node
        has_parent = rng.random(n - roots) < p_child
        parent[roots:] = np.where(has_parent, candidates, -1)
    return parent


def _ids(prefix: str, n: int) -> pd.Series:
    width = max(len(str(n)), 4)
    return pd.Series([f"{prefix}{i:0{width}d}" for i in range(n)], dtype="string")


_WORDS = ["pain", "back", "hip", "the", "of", "and", "at", "one", "year", "months", "patients", "with", "without", "trial", "evidence", "benefit", "surgery", "exercise", "therapy", "low", "moderate", "high", "certainty", "compared", "placebo", "usual", "care", "function", "outcome", "follow-up", "relief", "reduced", "improved", "no", "difference", "short", "long", "term", "review", "guideline"]


def _quotes(rng: np.random.Generator, ids: pd.Series, length: int) -> pd.Series:
    """About `length` characters per statement: its id, then a slice of one seeded stream of words
    (cut at word boundaries; some commas, double quotes and line breaks among them)."""
    words = np.asarray(_WORDS)[rng.integers(0, len(_WORDS), 200_000)].astype(object)
    marks = rng.random(len(words))
    words = np.where(marks < 0.04, words + ",", words)
    words = np.where((marks >= 0.04) & (marks < 0.05), '"' + words + '"', words)
    words = np.where((marks >= 0.05) & (marks < 0.053), words + "\n", words)
    stream = " ".join(words.tolist())
    starts = rng.integers(0, len(stream) - 2 * length - 1, len(ids))
    text = [stream[a: a + length] for a in starts.tolist()]
    return "Synthetic quote for statement " + ids.astype(str) + ": " + pd.Series(text).str.rsplit(" ", n=1).str[0]


def generate(n: int, seed: int = 0, quote_length: int = 0) -> dict[str, pd.DataFrame]:
    """The four tables (string cells, '' for not stated) of a folder of `n` statements; `quote_length`
    (when above 0) makes every quote about that many characters long."""
    rng = np.random.default_rng(seed)
    n_sources = max(8, n // 25)
    n_conditions = max(6, int(np.sqrt(n)) // 2)
    n_treatments = max(12, n // 60)
    n_pairs = max(1, min(n, n // 4, n_treatments * n_conditions))

    s_ids = _ids("s", n_sources)
    s_types = rng.choice(SOURCE_TYPES, size=n_sources, p=SOURCE_WEIGHTS)
    s_types[: min(9, n_sources)] = SOURCE_TYPES[: min(9, n_sources)]  # every type at least once
    sources = pd.DataFrame({
        "id": s_ids,
        "title": "Synthetic source " + s_ids.astype(str),
        "type": s_types,
        "publisher": np.where(rng.random(n_sources) < 0.6, "Publisher " + (s_ids.str[-2:]).astype(str), ""),
        "year": np.where(rng.random(n_sources) < 0.8, rng.integers(1995, 2025, n_sources).astype(str), ""),
    })

    c_ids = _ids("c", n_conditions)
    c_parent = _hierarchy(rng, n_conditions, roots=max(2, n_conditions // 8), p_child=0.75)
    conditions = pd.DataFrame({
        "id": c_ids,
        "label": "Condition " + c_ids.astype(str),
        "parent": np.where(c_parent >= 0, c_ids.to_numpy()[np.maximum(c_parent, 0)], ""),
    })

    t_ids = _ids("t", n_treatments)
    t_parent = _hierarchy(rng, n_treatments, roots=max(4, n_treatments // 4), p_child=0.35)
    treatments = pd.DataFrame({
        "id": t_ids,
        "label": "Treatment " + t_ids.astype(str),
        "parent": np.where(t_parent >= 0, t_ids.to_numpy()[np.maximum(t_parent, 0)], ""),
        "category": rng.choice(CATEGORIES, size=n_treatments),
    })

    # distinct pairs; statements spread over them with a long tail
    codes = rng.choice(n_treatments * n_conditions, size=n_pairs, replace=False)
    pair_t, pair_c = codes // n_conditions, codes % n_conditions
    weights = np.minimum(rng.pareto(1.5, n_pairs) + 1, 15.0)
    pair_of = np.concatenate([np.arange(n_pairs), rng.choice(n_pairs, size=n - n_pairs, p=weights / weights.sum())])
    rng.shuffle(pair_of)

    effect = rng.choice(len(EFFECTS), size=n, p=EFFECT_WEIGHTS)
    timeframe = rng.choice(len(TIMEFRAMES), size=n, p=TIMEFRAME_WEIGHTS)
    # recommendations mostly follow the effect, sometimes not
    has_rec = rng.random(n) < 0.3
    follows = rng.random(n) < 0.85
    positive = np.where(rng.random(n) < 0.5, "recommend", "consider")
    natural = np.where(effect == 0, positive, np.where(effect == 3, "consider", "against"))
    contrary = np.where(effect == 0, "against", positive)
    recommendation = np.where(has_rec, np.where(follows, natural, contrary), "")
    comparator_idx = rng.integers(0, n_treatments, n)
    own = pair_t[pair_of]
    comparator_idx = np.where(comparator_idx == own, (comparator_idx + 1) % n_treatments, comparator_idx)
    has_comparator = rng.random(n) < 0.1
    e_ids = _ids("e", n)
    source_idx = np.minimum((rng.pareto(1.2, n) * n_sources / 20).astype(np.int64), n_sources - 1)
    rng.shuffle(source_idx)
    effects = np.asarray(EFFECTS)[effect]
    timeframes = np.asarray(TIMEFRAMES)[timeframe]
    evidence = pd.DataFrame({
        "id": e_ids,
        "treatment": t_ids.to_numpy()[own],
        "condition": c_ids.to_numpy()[pair_c[pair_of]],
        "source": s_ids.to_numpy()[source_idx],
        "effect": effects,
        "timeframe": timeframes,
        "certainty": np.where(rng.random(n) < 0.7, rng.choice(CERTAINTIES, size=n), ""),
        "recommendation": recommendation,
        "comparator": np.where(has_comparator, t_ids.to_numpy()[comparator_idx], ""),
        "summary": pd.Series(effects).str.replace("_", " ") + " at " + pd.Series(timeframes).str.replace("_", " "),
        "quote": "Synthetic quote for statement " + e_ids.astype(str),
    })
    if quote_length > 0:
        evidence["quote"] = _quotes(np.random.default_rng([seed, 1]), e_ids, quote_length).to_numpy()
    return {"sources": sources, "conditions": conditions, "treatments": treatments, "evidence": evidence}


FILES = {"sources": "sources.csv", "conditions": "conditions.csv", "treatments": "treatments.csv",
         "evidence": "evidence.csv"}


def write(folder: str | Path, tables: dict[str, pd.DataFrame]) -> Path:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(out / FILES[name], index=False, lineterminator="\n")
    return out


def dataset(n: int, seed: int = 0):  # type: ignore[no-untyped-def]
    """A kg.model.Dataset of `n` synthetic statements, typed as if read from CSV (no validation)."""
    from kg.model import Dataset, typed_frame
    from kg.schema import TABLES

    tables = generate(n, seed)
    frames = {name: typed_frame(TABLES[name], tables[name].astype("string"), list(tables[name].columns))
              for name in tables}
    return Dataset(frames["sources"], frames["conditions"], frames["treatments"], frames["evidence"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic, contract-valid data folder.")
    parser.add_argument("out", type=Path, help="folder to write the four CSV files into")
    parser.add_argument("--n", type=int, default=10_000, help="number of statements (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--quote-length", type=int, default=0,
                        help="characters per quote (default: a short sentence)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    write(args.out, generate(args.n, args.seed, args.quote_length))
    print(f"wrote {args.n} statements to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
