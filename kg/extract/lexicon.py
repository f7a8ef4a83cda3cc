"""The extractor's lexicon: every way the folder's treatments and conditions may be written.

Terms are each entity's label and synonyms. Variants are made by general morphology only
(rules in `rules/spelling.json`): plural and singular of the last word, hyphen/space/dash
forms, British and American spellings, prefixes written with or without a hyphen
("antiseizure"/"anti-seizure"), a drug-class head noun swapped for another ("antiseizure
drugs"/"antiseizure medications"), a plural class word as "<class> drugs", a label's leading
gerund as its verb ("returning to ..."/"return to ..."), the head of a label before a
trailing prepositional phrase ("stem cell approaches to X" -> "stem cell approaches") and
the conjuncts of an "A and B" label. A written term (tier 0) always beats a generated
variant (tier 1); a variant that two entities would share is dropped as ambiguous.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from kg.extract.rules import Rules
from kg.hierarchy import Hierarchy

DASHES = ("-", "\u2013", "\u2014", "\u2010", "\u2011")


@dataclass(frozen=True)
class Lexicon:
    """Variant text (lower case) -> entity id, for one kind (treatments or conditions)."""

    kind: str
    terms: dict[str, str]
    """variant -> id"""
    tiers: dict[str, int]
    """variant -> 0 for a written label or synonym, 1 for a generated variant, 2 for a '<body site> pain' name"""

    def __len__(self) -> int:
        return len(self.terms)


def written_terms(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per (id, term) from the label and `|`-separated synonyms, vectorised."""
    labels = pd.DataFrame({"id": frame["id"].astype(str), "term": frame["label"].astype("string")})
    if "synonyms" in frame:
        syn = frame["synonyms"].astype("string").fillna("").str.split("|")
        synonyms = pd.DataFrame({"id": frame["id"].astype(str), "term": syn}).explode("term")
        labels = pd.concat([labels, synonyms], ignore_index=True)
    labels["term"] = labels["term"].astype("string").str.strip()
    labels = labels[labels["term"].notna() & (labels["term"] != "")]
    return labels.drop_duplicates().reset_index(drop=True)


def _plural_forms(word: str) -> list[str]:
    if not word.isalpha() or len(word) < 3:
        return []
    lower = word.lower()
    if lower.endswith(("ss", "us", "is")):
        return [word + "es"]
    if lower.endswith("ies"):
        return [word[:-3] + "y"]
    if lower.endswith(("ches", "shes", "xes", "sses")):
        return [word[:-2]]
    if lower.endswith("s"):
        return [word[:-1]]
    if lower.endswith("y") and lower[-2:-1] not in "aeiou":
        return [word[:-1] + "ies"]
    if lower.endswith(("ch", "sh", "x")):
        return [word + "es"]
    return [word + "s"]


def _number_variants(term: str) -> set[str]:
    words = term.split(" ")
    last = words[-1]
    head = re.match(r"^(.*?)([A-Za-z]+)$", last)
    if not head:
        return set()
    return {" ".join([*words[:-1], head.group(1) + form]) for form in _plural_forms(head.group(2))}


def _dash_variants(term: str) -> set[str]:
    out: set[str] = set()
    if any(d in term for d in DASHES):
        plain = re.sub("[" + "".join(DASHES) + "]", "-", term)
        out |= {plain, plain.replace("-", " "), plain.replace("-", "")}
        out |= {plain.replace("-", d) for d in DASHES}
    words = term.split(" ")
    if 1 < len(words) <= 4:
        for i in range(len(words) - 1):
            out.add(" ".join(words[:i]) + (" " if i else "") + words[i] + "-" + " ".join(words[i + 1 :]))
    return {re.sub(r"\s+", " ", v).strip() for v in out}


def _swap(word: str, src: str, dst: str, anchored: bool) -> str:
    if anchored:
        return word[: -len(src)] + dst if word.endswith(src) else word
    return word.replace(src, dst)


def _spelling_variants(term: str, pairs: list[tuple[str, str]]) -> set[str]:
    out: set[str] = set()
    words = term.split(" ")
    for i, word in enumerate(words):
        low = word.lower()
        for british, american in pairs:
            anchored = british.endswith("$")
            b, a = british.rstrip("$"), american.rstrip("$")
            if b not in low and a not in low:
                continue
            for src, dst in ((b, a), (a, b)):
                new = _swap(low, src, dst, anchored)
                if new != low:
                    out.add(" ".join([*words[:i], new, *words[i + 1 :]]))
    return out


def _prefix_variants(term: str, prefixes: list[str]) -> set[str]:
    out: set[str] = set()
    words = term.split(" ")
    for i, word in enumerate(words):
        low = word.lower()
        for prefix in prefixes:
            if low.startswith(prefix + "-") and len(low) > len(prefix) + 3:
                out.add(" ".join([*words[:i], prefix + low[len(prefix) + 1 :], *words[i + 1 :]]))
            elif low.startswith(prefix) and len(low) > len(prefix) + 3 and low[len(prefix)].isalpha():
                out.add(" ".join([*words[:i], prefix + "-" + low[len(prefix) :], *words[i + 1 :]]))
    return out


def _head_variants(term: str, heads: list[str]) -> set[str]:
    """Drug-class head nouns swapped, and a plural class word read as '<class> drugs'."""
    words = term.lower().split(" ")
    out: set[str] = set()
    if len(words) >= 2 and words[-1] in heads:
        out |= {" ".join([*words[:-1], h]) for h in heads}
    if len(words) == 1 and words[0].endswith("s") and len(words[0]) > 6:
        singular = words[0][:-1]
        out |= {f"{singular} {h}" for h in heads}
    return out


def _gerund_variants(term: str) -> set[str]:
    words = term.split(" ")
    first = words[0].lower()
    if len(words) < 2 or not first.endswith("ing") or len(first) < 6:
        return set()
    return {" ".join([s, *words[1:]]) for s in _verb_stems(first)}


def _verb_stems(gerund: str) -> set[str]:
    """'strengthening' -> 'strengthen', 'relieving' -> 'relieve', 'sitting' -> 'sit' (and harmless misses)."""
    stem = gerund[:-3]
    stems = {stem, stem + "e"}
    if len(stem) > 2 and stem[-1] == stem[-2]:
        stems.add(stem[:-1])
    return stems


def _is_gerund(word: str) -> bool:
    return word.isalpha() and word.endswith("ing") and len(word) >= 6


def _inner_gerund_variants(term: str, objects: list[str]) -> set[str]:
    """A gerund inside a label: dropped ('hip strengthening exercises' -> 'hip exercises'), acting on the
    word before it ('strengthening your hips'), and 'noun-verbing head' as 'head to verb noun'
    ('pain-relieving medications' -> 'medications to relieve pain')."""
    words = term.lower().split(" ")
    out: set[str] = set()
    for i, word in enumerate(words):
        parts = word.split("-")
        if len(parts) == 2 and parts[0].isalpha() and _is_gerund(parts[1]) and i + 1 < len(words):
            head = " ".join(words[i + 1:])
            out |= {f"{head} to {stem} {parts[0]}" for stem in _verb_stems(parts[1])}
        if 0 < i < len(words) - 1 and _is_gerund(word):
            out.add(" ".join(words[:i] + words[i + 1:]))
            if i == 1 and words[0].isalpha():
                objects_ = [words[0], *_plural_forms(words[0])]
                out |= {" ".join(x for x in (word, det, obj) if x) for det in ["", *objects] for obj in objects_}
    return out


def _part_variants(term: str, prepositions: list[str]) -> set[str]:
    """The head before a trailing prepositional phrase, and the conjuncts of 'A and B'."""
    words = term.lower().split(" ")
    out: set[str] = set()
    for i, word in enumerate(words):
        if word in prepositions and i >= 2:
            out.add(" ".join(words[:i]))
            break
    if " and " in term.lower() and "," not in term:
        for part in term.lower().split(" and "):
            part = part.strip()
            if len(part.split(" ")) >= 2 or len(part) >= 8:
                out.add(part)
    return out


def variants(term: str, rules: Rules) -> set[str]:
    """Every generated spelling of one written term (lower case, the term itself excluded)."""
    spelling = rules.spelling
    base = {term.lower()}
    base |= {v.lower() for v in _part_variants(term, spelling["prepositions"])}
    base |= {v.lower() for v in _gerund_variants(term)}
    base |= _inner_gerund_variants(term, spelling["gerund_objects"])
    grown = set(base)
    for v in list(base):
        grown |= _head_variants(v, spelling["drug_heads"])
    for v in list(grown):
        grown |= _prefix_variants(v, spelling["prefixes"])
    for v in list(grown):
        grown |= _spelling_variants(v, rules.spelling_pairs)
    for v in list(grown):
        grown |= _number_variants(v)
    for v in list(grown):
        grown |= _dash_variants(v)
    grown = {v.lower() for v in grown if v.strip()}
    grown.discard(term.lower())
    return grown


SITE_SPLIT = re.compile(r",|;|&|\band\b|\bor\b")


def site_terms(frame: pd.DataFrame, rules: Rules, written: pd.DataFrame | None = None) -> dict[str, str]:
    """'<site> pain' for conditions defined as pain (label, synonyms or description) at a body site:
    'leg pain' names sciatica when its body_site is 'lower back and leg'. A phrase several conditions
    share goes to the one that is an ancestor of all the others; without one it names none."""
    if "body_site" not in frame or frame.empty:
        return {}
    symptoms = [str(s).lower() for s in rules.spelling["site_symptoms"]]
    terms = written_terms(frame) if written is None else written
    names = terms.groupby("id")["term"].apply(lambda t: " ".join(t.astype(str))).to_dict()
    description = frame["description"].astype("string").fillna("") if "description" in frame else None
    named: dict[str, set[str]] = {}
    for n, (ident, site) in enumerate(zip(frame["id"].astype(str), frame["body_site"].astype("string"), strict=True)):
        if pd.isna(site) or not str(site).strip():
            continue
        words = set(re.findall(r"[a-z]+", (names.get(ident, "") + " "
                                          + (str(description.iloc[n]) if description is not None else "")).lower()))
        said = [s for s in symptoms if s in words]
        if not said:
            continue
        for part in SITE_SPLIT.split(re.sub(r"\([^)]*\)", " ", str(site).lower())):
            part = " ".join(part.split())
            if not part or len(part.split(" ")) > 2:
                continue
            for symptom in said:
                phrase = f"{part} {symptom}"
                for v in {phrase, *variants(phrase, rules), *(f"{symptom} in the {p}" for p in
                                                              {part, *_number_variants(part)})}:
                    named.setdefault(v, set()).add(ident)
    if not named:
        return {}
    hierarchy = Hierarchy.of(frame)
    shared = {i for ids in named.values() if len(ids) > 1 for i in ids}
    above = {i: set(hierarchy.ancestors(i)) for i in sorted(shared)}
    out: dict[str, str] = {}
    for phrase, ids in named.items():
        if len(ids) == 1:
            out[phrase] = next(iter(ids))
            continue
        top = [i for i in ids if all(o == i or i in above[o] for o in ids)]
        if len(top) == 1:
            out[phrase] = top[0]
    return out


def build(frame: pd.DataFrame, kind: str, rules: Rules) -> Lexicon:
    """The lexicon of one table (treatments or conditions)."""
    written = written_terms(frame)
    exact: dict[str, set[str]] = {}
    for ident, term in zip(written["id"], written["term"], strict=True):
        exact.setdefault(str(term).lower(), set()).add(str(ident))
    generated: dict[str, set[str]] = {}
    for ident, term in zip(written["id"], written["term"], strict=True):
        for v in variants(str(term), rules):
            generated.setdefault(v, set()).add(str(ident))
    terms: dict[str, str] = {}
    tiers: dict[str, int] = {}
    for text, ids in exact.items():
        if len(ids) == 1:
            terms[text] = next(iter(ids))
            tiers[text] = 0
    for text, ids in generated.items():
        if text in exact or len(ids) != 1 or len(text) < 3:
            continue
        terms[text] = next(iter(ids))
        tiers[text] = 1
    for text, ident in site_terms(frame, rules, written).items():
        if text not in terms and text not in generated and len(text) >= 3:
            terms[text] = ident
            tiers[text] = 2
    return Lexicon(kind, terms, tiers)


def ids_named(lexicon: Lexicon) -> Iterable[str]:
    return sorted(set(lexicon.terms.values()))
