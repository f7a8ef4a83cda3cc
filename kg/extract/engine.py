"""Source text -> proposed evidence rows: spaCy (blank English) + the lexicon + cue rules + NegEx.

The pipeline is `spacy.blank("en")` with a sentencizer (no model weights). Treatment and
condition mentions are found with a PhraseMatcher over the lexicon; cues with a
PhraseMatcher (phrases) and a Matcher (token patterns); negation and hedging of effect cues
with negspacy's NegEx run over the cue spans (`doc.spans`), with the termsets in
`rules/negation.json` and `rules/hedging.json`.

Per paragraph (a line of the text): paragraphs that read as navigation, a comment or a bio
are skipped. Each sentence is cut into clauses at contrastive words ("but", "however", ";").
A clause's subjects are its treatment mentions (a comparator after "than"/"versus" is not a
subject; a class followed by its members gives the members, a class followed by "such as"
members gives the class); a clause without one takes the previous clause's subjects, and a
sentence whose only news is an effect cue takes the previous sentence's. Each subject gets
one row per effect its clause states, with the condition from the clause, the sentence, the
preceding sentences of the paragraph, the nearest heading, the next sentence, or the text's
most-named condition (in that order; `condition_from` says which).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd
import spacy
from negspacy.negation import Negex
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LOWER, ORTH
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_suffix_regex

from kg.extract import lexicon as lex
from kg.extract.columns import COLUMNS
from kg.extract.rules import EFFECTS, RECOMMENDATIONS, Rules, band, months
from kg.hierarchy import Hierarchy
from kg.model import Dataset

ODD_SPACE = re.compile(r"[^\S ]| {2,}")
WORD = re.compile(r"[a-z\u2019']+")
ODD_SPACE_RUN = re.compile(r"\s+")
"""fold_spaces' text, without its index (made only for paragraphs that give rows)."""
CITATION = re.compile(r"\[\d+(?:[,\u2013-]\s?\d+)*\]")

CONDITION_WEIGHT = {
    "clause": 1.0,
    "sentence": 0.95,
    "previous_sentence": 0.8,
    "heading": 0.8,
    "document": 0.5,
}
"""Confidence factor for where the condition came from."""
BASIS_WEIGHT = {"cue": 1.0, "purpose": 0.85, "recommendation": 0.8, "usage": 0.7, "ellipsis": 0.9}
"""Confidence factor for what the effect rests on."""
SUBJECT_WEIGHT = {"clause": 1.0, "previous_clause": 0.9, "previous_sentence": 0.7}
"""Confidence factor for where the treatment came from."""
HEDGE_WEIGHT = 0.9
WINDOW = 3
"""How many preceding sentences of the paragraph are searched for a condition."""
REFINE = "\x00refine:"
"""Marks a row whose condition is the text's main one, to be narrowed by the words near it."""
"""How many preceding sentences of the paragraph are searched for a condition."""
IMPLIED = {"recommend": "benefit", "against": "no_benefit", "consider": "insufficient", "practice": "insufficient"}
"""The effect a recommendation implies when its clause states none: advising a treatment implies a
benefit, advising against it no benefit; an option ("may be considered") or a description of
usual practice ("treatment consists of") states no effect."""
NOUN_CUES = {"benefit", "benefits", "improvement", "improvements", "relief", "pain relief", "difference",
             "different outcome", "reduction", "better outcomes"}
PREDICATE_WORDS = {"is", "are", "was", "were", "be", "been", "being", "uses", "use", "used", "has", "have", "had",
                   "can", "may", "might", "could", "should", "will", "would", "provide", "provides", "involves"}


@dataclass(frozen=True)
class Mention:
    ident: str
    start: int
    end: int
    start_char: int
    end_char: int
    text: str
    note: str = ""
    """Why a condition other than the one named was chosen (recorded in the row's cues)."""


@dataclass(frozen=True)
class Cue:
    kind: str
    """effect:<effect>, usage, purpose, rec:<recommendation>, comparator, class_examples, ..."""
    start: int
    end: int
    text: str
    negated: bool = False
    hedged: bool = False


@dataclass
class Sentence:
    start: int
    end: int
    start_char: int
    end_char: int
    subjects: list[Mention] = field(default_factory=list)
    conditions: list[Mention] = field(default_factory=list)


@dataclass
class Pending:
    row: dict[str, Any]


def _tokenizer(nlp: Language) -> Tokenizer:
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    return tokenizer


def _phrase_matcher(nlp: Language, groups: Mapping[str, Sequence[str]]) -> PhraseMatcher:
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for key, phrases in groups.items():
        docs = list(_tokenizer(nlp).pipe(sorted(set(phrases))))
        if docs:
            matcher.add(key, docs)
    return matcher


@cache
def blank_pipeline() -> Language:
    """spaCy's blank English with a sentencizer and citation markers ("[14]") split off as tokens
    (one per process: it holds no data of a folder, and building it costs a quarter of a second)."""
    nlp = spacy.blank("en")
    suffixes = [CITATION.pattern, *(nlp.Defaults.suffixes or ())]
    _tokenizer(nlp).suffix_search = compile_suffix_regex(suffixes).search
    nlp.add_pipe("sentencizer")
    return nlp


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, line) for every line with some text."""
    for m in re.finditer(r"[^\n]+", text):
        line = m.group(0).rstrip("\r")
        if line.strip():
            yield m.start(), line


def fold_spaces(line: str) -> tuple[str, list[int] | range]:
    """The line with every run of white space (no-break spaces too) as one space, and for each
    character of it the position of the character it came from, so that quotes stay exact spans."""
    if not ODD_SPACE.search(line):
        return line, range(len(line))
    parts: list[str] = []
    index: list[int] = []
    pos = 0
    for m in re.finditer(r"\s+", line):
        parts.append(line[pos:m.start()])
        index.extend(range(pos, m.start()))
        parts.append(" ")
        index.append(m.start())
        pos = m.end()
    parts.append(line[pos:])
    index.extend(range(pos, len(line)))
    return "".join(parts), index


class Extractor:
    """Everything built once per (dataset, rules): pipeline, lexicons, matchers."""

    def __init__(self, dataset: Dataset, rules: Rules):
        self.rules = rules
        self.dataset = dataset
        self.nlp = blank_pipeline()
        self.tokenizer = _tokenizer(self.nlp)
        self.sentencizer = self.nlp.get_pipe("sentencizer")
        """Run only on paragraphs that name a treatment: the others need tokens alone."""
        self.treatments = lex.build(dataset.treatments, "treatments", rules)
        self.conditions = lex.build(dataset.conditions, "conditions", rules)
        self.t_matcher = self._lexicon_matcher(self.treatments)
        self.c_matcher = self._lexicon_matcher(self.conditions)
        cues = rules.cues
        groups: dict[str, list[str]] = {}
        for effect, phrases in cues["effect"].items():
            groups["usage" if effect == "usage" else f"effect:{effect}"] = phrases
        for rec, phrases in cues["recommendation"].items():
            if not rec.startswith("_"):
                groups[f"rec:{rec}"] = phrases
        for kind, phrases in cues["ignore"].items():
            if not kind.startswith("_"):
                groups[f"ignore:{kind}"] = phrases
        for key in ("comparator", "comparator_column", "class_examples", "not_treatment_heads", "conditional",
                    "cause_of", "other_conditions"):
            groups[key] = cues[key]
        groups["ellipsis"] = cues["ellipsis_negation"]["starts"]
        purpose = cues["purpose"]
        groups["purpose"] = [f"to {v}" for v in purpose["verbs"]] + [
            f"to {a} {v}" for a in purpose["between"] for v in purpose["verbs"]]
        self.cue_matcher = _phrase_matcher(self.nlp, groups)
        self.effect_after = {p.lower() for p in cues["effect_after"]["cues"]}
        self.purpose_verbs = {v.lower() for v in cues["purpose"]["verbs"]}
        self.breaks = {b.lower() for b in cues["clause_breaks"]}
        self._clause_cache: dict[tuple[int, int], list[Cue]] = {}
        self._line = ""
        self._families: dict[str, str] = {}
        """The text of the paragraph being read (a doc's .text walks every token)."""
        """The current clause's effect and purpose cues outside conditional phrases ('if ...')."""
        self.pronouns = {p.lower() for p in cues["pronoun_subjects"]}
        self.negex = Negex(self.nlp, "kg_negation", neg_termset=rules.termset("negation"),
                           extension_name="kg_negated", span_keys=["kg_effect"])
        self.hedge = Negex(self.nlp, "kg_hedging", neg_termset=rules.termset("hedging"),
                           extension_name="kg_hedged", span_keys=["kg_scoped"])
        self.negation_words = _trigger_words(self, rules.termset("negation"))
        self.hedge_words = _trigger_words(self, rules.termset("hedging"))
        self.noise = rules.noise
        self.first_person = {w.lower() for w in rules.noise["first_person"]}
        self.noise_kind: dict[str, str] = {}
        """noise phrase -> its list (the first list that holds it)"""
        for kind in ("navigation", "bio", "comment"):
            for phrase in rules.noise[kind]:
                self.noise_kind.setdefault(phrase.lower(), kind)
        self.noise_cues = re.compile(literal_trie(self.noise_kind))
        bands: dict[str, list[str]] = {}
        for tf, pattern in rules.timeframe_patterns:
            bands.setdefault(tf, []).append(pattern.pattern)
        self.tf_words = re.compile("|".join(f"(?P<{tf}>{'|'.join(p)})" for tf, p in bands.items()), re.I)
        self.tf_units = tuple(rules.cues["timeframe"]["units_in_months"])
        self.tf_keys = tuple(rules.cues["timeframe"]["prefilter"])
        """Literal pieces one of which every timeframe word pattern contains: most clauses skip the regex."""
        self.number = rules.number_pattern
        self.certainty = rules.certainty_patterns
        self.population = rules.population_patterns
        self.relative_words = {w.lower() for w in cues["population_relatives"]}
        self.relative = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(self.relative_words))) + r")\b", re.I)
        outcomes = sorted(cues["outcomes"], key=len, reverse=True)
        self.outcome = re.compile(r"\b(?:" + "|".join(re.escape(o) for o in outcomes) + r")\b", re.I)
        hierarchy = Hierarchy.of(dataset.treatments)
        pairs = hierarchy.ancestor_pairs()
        ids = pd.Series(hierarchy.ids)
        ups = pd.DataFrame({"id": ids.iloc[pairs["row"]].to_numpy(), "up": ids.iloc[pairs["ancestor"]].to_numpy()})
        self.t_ancestors: dict[str, set[str]] = {str(k): set(v) for k, v in ups.groupby("id")["up"]}
        self.c_children = _children_marks(dataset.conditions)
        self.c_up = _ancestors_nearest_first(dataset.conditions)
        """condition -> its ancestors, parent first"""
        labels = dataset.treatments.set_index("id")["label"].astype(str)
        self.t_label = labels.to_dict()

    def _lexicon_matcher(self, lexicon: lex.Lexicon) -> PhraseMatcher:
        by_id: dict[str, list[str]] = {}
        for text, ident in lexicon.terms.items():
            by_id.setdefault(ident, []).append(text)
        return _phrase_matcher(self.nlp, by_id)

    # ------------------------------------------------------------------ paragraphs

    def is_noise(self, line: str) -> str | None:
        """'navigation', 'bio', 'comment' or 'first_person' when the paragraph is one of those, else None."""
        stripped = line.lstrip()
        if stripped.startswith(tuple(self.noise["line_starts"])):
            return "navigation"
        low = line.lower()
        words = WORD.findall(low)
        if len(self.first_person.intersection(words)) and sum(map(self.first_person.__contains__, words)) >= \
                self.noise["first_person_min"]:
            return "first_person"
        hits = Counter(self.noise_kind[m.group(0)] for m in self.noise_cues.finditer(low))
        for kind in ("navigation", "bio", "comment"):
            if hits[kind] >= self.noise["cue_min"]:
                return kind
        return None

    def mentions(self, doc: Doc, line: str, matcher: PhraseMatcher,
                 drop_heads: set[str] | None = None) -> list[Mention]:
        """Lexicon matches, longest first where they overlap; `line` is the doc's text."""
        matches = matcher(doc)
        if not matches:
            return []
        taken: set[int] = set()
        chosen = []
        for m, s, e in sorted(matches, key=lambda x: (x[1] - x[2], x[1])):  # longest first, as filter_spans
            if taken.isdisjoint(range(s, e)):
                chosen.append((m, s, e))
                taken.update(range(s, e))
        strings = self.nlp.vocab.strings
        text = line
        out = []
        for m, s, e in sorted(chosen, key=lambda x: x[1]):
            if drop_heads and e < len(doc) and doc[e].lower_ in drop_heads:
                continue
            start, last = doc[s].idx, doc[e - 1]
            end = last.idx + len(last.text)
            out.append(Mention(strings[m], s, e, start, end, text[start:end]))
        return out

    def sentences(self, doc: Doc) -> list[Sentence]:
        """The doc's sentences, citation markers ("[14]") kept with the sentence they close."""
        cached = doc.user_data.get("kg_sentences")
        if cached is not None:
            return [Sentence(x.start, x.end, x.start_char, x.end_char) for x in cached]
        out = self._sentences(doc)
        doc.user_data["kg_sentences"] = out
        return [Sentence(x.start, x.end, x.start_char, x.end_char) for x in out]

    def _sentences(self, doc: Doc) -> list[Sentence]:
        t = _tok(doc)
        starts = [i for i, flag in enumerate(doc.to_array("SENT_START")) if flag == 1 or i == 0]
        bounds = [[a, b] for a, b in zip(starts, [*starts[1:], len(doc)], strict=True)]
        for i in range(1, len(bounds)):
            j = bounds[i][0]
            while j < bounds[i][1] and CITATION.fullmatch(t.text[j]):
                j += 1
            bounds[i - 1][1] = j
            bounds[i][0] = j
        out = []
        for start, end in bounds:
            while start < end and t.space[start]:
                start += 1
            while end > start and t.space[end - 1]:
                end -= 1
            if end > start:
                out.append(Sentence(start, end, t.idx[start], t.end[end - 1]))
        return out

    # ------------------------------------------------------------------ cues

    def cues(self, doc: Doc, mentions: list[Mention]) -> list[Cue]:
        """Cue matches (effect, usage, purpose, recommendation, comparator, ...), ignores applied; not scoped yet."""
        strings = self.nlp.vocab.strings
        raw = [(strings[m], s, e) for m, s, e in self.cue_matcher(doc)]
        ignores = [(label.split(":", 1)[1], s, e) for label, s, e in raw if label.startswith("ignore:")]
        taken = [(m.start, m.end) for m in mentions]
        t = _tok(doc)
        lower = t.lower

        family = self._family
        kept: list[tuple[str, int, int]] = []
        for label, start, end in raw:
            if label == "ignore:timeframe":
                kept.append((label, start, end))
                continue
            if label.startswith("ignore:"):
                continue
            fam = family(label)
            if any(i_s < end and start < i_e and (kind == fam or label == f"effect:{kind}"
                                                  or (kind == "recommendation" and fam == "rec"))
                   for kind, i_s, i_e in ignores):
                continue
            if label == "effect:benefit" and lower[start] in self.purpose_verbs and _after_to(doc, start):
                label = "purpose"
            # a term's own words are no cue, except a purpose it states ("medications to relieve pain")
            stated = label == "purpose" and any(a < start and end <= b for a, b in taken)
            if fam in ("effect", "rec", "purpose") and not stated and any(a < end and start < b for a, b in taken):
                continue
            kept.append((label, start, end))
        # longest cue wins within the effect and the recommendation families ("not recommended" over "recommended")
        result: list[tuple[str, int, int]] = []
        for fam in sorted({family(k[0]) for k in kept}):
            group = [k for k in kept if family(k[0]) == fam]
            if fam in ("effect", "rec"):
                busy: set[int] = set()
                chosen = []
                for k in sorted(group, key=lambda k: (k[1] - k[2], k[1])):
                    if busy.isdisjoint(range(k[1], k[2])):
                        chosen.append(k)
                        busy.update(range(k[1], k[2]))
                group = chosen
            result.extend(group)
        result.sort(key=lambda k: (k[1], k[2], k[0]))
        return [Cue(label, s, e, self._line[t.idx[s]:t.end[e - 1]]) for label, s, e in result]

    def _family(self, label: str) -> str:
        fam = self._families.get(label)
        if fam is None:
            fam = "effect" if label.startswith("effect:") or label == "usage" else label.split(":")[0]
            self._families[label] = fam
        return fam

    def scoped(self, doc: Doc, cues: list[Cue]) -> list[Cue]:
        """The cues with NegEx's verdicts: benefit and harm cues negated or not, effect and
        recommendation cues hedged or not."""
        lower = _tok(doc).lower
        effect: list[Cue] = []
        scoped: list[Cue] = []
        for sent in self.sentences(doc):
            inside = [c for c in cues if sent.start <= c.start < sent.end]
            if not inside:
                continue
            # NegEx compares every span with every clause boundary of its doc: give it only the cues
            # of sentences that hold one of its trigger words
            words = set(lower[sent.start:sent.end])
            if not words.isdisjoint(self.negation_words):
                effect += [c for c in inside if c.kind in ("effect:benefit", "effect:harm")]
            if not words.isdisjoint(self.hedge_words):
                scoped += [c for c in inside if c.kind.startswith(("effect:", "rec:", "purpose"))]
        negated = self._in_scope(self.negex, doc, effect)
        hedged = self._in_scope(self.hedge, doc, scoped)
        return [Cue(c.kind, c.start, c.end, c.text, (c.start, c.end, c.kind) in negated,
                    (c.start, c.end, c.kind) in hedged) for c in cues]

    @staticmethod
    def _in_scope(negex: Negex, doc: Doc, cues: list[Cue]) -> set[tuple[int, int, str]]:
        """The cues NegEx puts in the scope of one of its triggers.

        negspacy finds the triggers (dropping those inside pseudo-triggers) and cuts the text at
        sentence ends and termination phrases, as its own component does; the rule is NegEx's: a
        preceding trigger before the cue, or a following one after it, within the same piece.
        (Its component walks every span for every piece, which is quadratic on long paragraphs.)
        """
        if not cues:
            return set()
        preceding, following, terminating = negex.process_negations(doc)
        if not preceding and not following:
            return set()
        pieces = negex.termination_boundaries(doc, terminating)
        starts = [a for a, _ in pieces]
        found = set()
        for c in cues:
            a, b = pieces[max(bisect.bisect_right(starts, c.start) - 1, 0)]
            if not (a <= c.start < b and c.end <= b):
                continue
            before = any(a <= start < c.start for _, start, _ in preceding)
            after = any(a <= start < b and end > c.end for _, start, end in following)
            if before or after:
                found.add((c.start, c.end, c.kind))
        return found

    # ------------------------------------------------------------------ one text

    def run(self, text: str, source: str, min_confidence: float) -> pd.DataFrame:
        pending: list[Pending] = []
        condition_counts: Counter[str] = Counter()
        first_seen: dict[str, int] = {}
        heading: list[Mention] = []
        kept: list[tuple[int, str, str]] = []
        for offset, raw in paragraphs(text):
            if self.is_noise(raw) is None:
                kept.append((offset, raw, ODD_SPACE_RUN.sub(" ", raw)))
        docs = self.tokenizer.pipe((line for _, _, line in kept), batch_size=64)
        for (offset, raw, line), doc in zip(kept, docs, strict=True):
            conditions = self.mentions(doc, line, self.c_matcher)
            for c in conditions:
                condition_counts[c.ident] += 1
                first_seen.setdefault(c.ident, offset + c.start_char)
            lead = re.match(r"\s*([^.:!?]{2,60}?)\s*(?:\([^)]*\))?\s*:\s", line)
            words = len(line.split())
            if words <= 8 and not line.rstrip().endswith((".", "!", "?")):
                heading = conditions
                continue
            para_heading = heading
            if lead:
                lead_conditions = [c for c in conditions if c.end_char <= lead.end()]
                if lead_conditions:
                    para_heading = lead_conditions
            treatments = self.mentions(doc, line, self.t_matcher, set(self.rules.cues["not_treatment_heads"]))
            if not treatments:
                continue
            self._line = line
            spans = self.cues(doc, treatments + conditions)
            if not any(sp.kind.startswith(("effect:", "rec:", "usage", "purpose")) for sp in spans):
                continue
            doc = self.sentencizer(doc)
            cues = self.scoped(doc, spans)
            index = fold_spaces(raw)[1] if line != raw else range(len(raw))
            for p in self._paragraph(doc, line, source, treatments, conditions, cues, para_heading):
                p.row["char_start"] = offset + index[p.row["char_start"]]
                p.row["char_end"] = offset + index[p.row["char_end"] - 1] + 1
                pending.append(p)
        document = None
        if condition_counts:
            document = min(condition_counts, key=lambda c: (-condition_counts[c], first_seen[c]))
        rows = []
        for p in pending:
            row = p.row
            if str(row["condition"]).startswith(REFINE):
                if document is None:
                    continue
                row["condition"] = self.refine_condition(document, set(row["condition"][len(REFINE):].split(" ")))
            rows.append(row)
        return self._frame(rows, min_confidence)

    def suggest(self, text: str) -> pd.DataFrame:
        """Candidate lexicon rows: subjects of cue-bearing clauses that name no known treatment, and
        'people with X' phrases that name no known condition, with counts and a first example."""
        seen: dict[tuple[str, str], list[Any]] = {}
        kept = [(o, fold_spaces(raw)[0]) for o, raw in paragraphs(text) if self.is_noise(raw) is None]
        heads = set(self.rules.cues["not_treatment_heads"])
        for (_, line), doc in zip(kept, self.tokenizer.pipe(line for _, line in kept), strict=True):
            treatments = self.mentions(doc, line, self.t_matcher, heads)
            conditions = self.mentions(doc, line, self.c_matcher)
            doc = self.sentencizer(doc)
            self._line = line
            cues = [c for c in self.scoped(doc, self.cues(doc, treatments + conditions))
                    if c.kind.startswith(("effect:", "rec:", "usage", "purpose"))]
            for sent in self.sentences(doc):
                example = line[sent.start_char:sent.end_char]
                for c_start, c_end in self._clauses(doc, sent):
                    here = [c for c in cues if c_start <= c.start < c_end]
                    if not here:
                        continue
                    found: list[tuple[str, str]] = []
                    if not any(c_start <= t.start < c_end for t in treatments):
                        phrase = _subject_phrase(doc, c_start, min(c.start for c in here), conditions)
                        if phrase:
                            found.append(("treatment", phrase))
                    clause = line[_tok(doc).idx[c_start]:_tok(doc).end[c_end - 1]]
                    for pattern in self.population[:1]:
                        m = pattern.search(clause)
                        if m:
                            words = re.split(r"[,;]", m.group(1))[0].strip().split()
                            phrase = " ".join(words[:5])
                            if phrase and phrase.lower() not in self.conditions.terms and not any(
                                    c.text.lower() in phrase.lower() for c in conditions):
                                found.append(("condition", phrase))
                    for kind, phrase in found:
                        entry = seen.setdefault((kind, phrase.lower()), [phrase, 0, example])
                        entry[1] += 1
        rows = [{"kind": kind, "id": _slug(label), "label": first[0].upper() + first[1:], "count": n,
                 "example": example} for (kind, label), (first, n, example) in seen.items()]
        frame = pd.DataFrame(rows, columns=["kind", "id", "label", "count", "example"])
        return frame.sort_values(["kind", "count", "id"], ascending=[False, False, True]).reset_index(drop=True)

    def _frame(self, rows: list[dict[str, Any]], min_confidence: float) -> pd.DataFrame:
        frame = pd.DataFrame(rows, columns=COLUMNS)
        if frame.empty:
            return frame.astype({c: "string" for c in COLUMNS if c not in ("confidence", "char_start", "char_end")})
        frame["id"] = [
            _slug(f"{t}-{c}-{e}-{tf}-{s}") for t, c, e, tf, s in
            zip(frame["treatment"], frame["condition"], frame["effect"], frame["timeframe"], frame["char_start"],
                strict=True)
        ]
        frame = frame.sort_values(["confidence"], ascending=False, kind="stable")
        frame = frame.drop_duplicates("id").sort_values(["char_start", "id"], kind="stable")
        frame = frame[frame["confidence"] >= min_confidence].reset_index(drop=True)
        frame["confidence"] = frame["confidence"].astype(float).round(3)
        frame["char_start"] = frame["char_start"].astype(int)
        frame["char_end"] = frame["char_end"].astype(int)
        return frame[COLUMNS]

    # ------------------------------------------------------------------ one paragraph

    def _paragraph(self, doc: Doc, line: str, source: str, treatments: list[Mention],
                   conditions: list[Mention], cues: list[Cue], heading: list[Mention]) -> list[Pending]:
        self._clause_cache = {}
        sents = self.sentences(doc)
        for s in sents:
            s.conditions = [c for c in conditions if s.start <= c.start < s.end]
            s.subjects = [t for t in treatments if s.start <= t.start < s.end]
        out: list[Pending] = []
        previous_subjects: list[Mention] = []
        for i, sent in enumerate(sents):
            sent_treatments = [t for t in treatments if sent.start <= t.start < sent.end]
            sent_cues = [c for c in cues if sent.start <= c.start < sent.end]
            clauses = self._clauses(doc, sent)
            carried: list[Mention] = []
            previous_conds: tuple[list[Mention], str] | None = None
            sentence_subjects: list[Mention] = []
            prev_effects: list[tuple[str, Cue | None]] = []
            for k, (c_start, c_end) in enumerate(clauses):
                clause_t = [t for t in sent_treatments if c_start <= t.start < c_end]
                described = self._population_relatives(doc, c_start, c_end)
                clause_t = [t for t in clause_t if not any(a <= t.start < b for a, b in described)]
                clause_cues = [c for c in sent_cues if c_start <= c.start < c_end]
                comparator, subjects = self._subjects(doc, clause_t, clause_cues)
                how = "clause"
                if carried and (not subjects or self._opens_with_pronoun(doc, c_start, c_end)):
                    subjects, how = carried, "previous_clause"
                explicit = [c for c in clause_cues if c.kind in ("effect:benefit", "effect:harm", "effect:no_benefit")]
                unsure = any(c.kind == "effect:insufficient" for c in clause_cues)
                if not subjects and k == 0 and not sent_treatments and explicit and not unsure and previous_subjects:
                    subjects, how = previous_subjects, "previous_sentence"
                if not subjects:
                    continue
                carried = subjects
                sentence_subjects = subjects if how == "clause" else sentence_subjects
                conds, cond_from = self._condition(doc, sents, i, c_start, c_end, heading, subjects)
                if cond_from not in ("clause", "document") and any(c.kind == "other_conditions" for c in clause_cues):
                    conds = [self._broader(c) for c in conds]
                    cond_from = "document" if any(c.ident == REFINE for c in conds) else cond_from
                if how == "previous_clause" and cond_from != "clause" and previous_conds:
                    conds, cond_from = previous_conds  # the same statement goes on: so does its condition
                previous_conds = (conds, cond_from)
                ellipsis = any(c.kind == "ellipsis" and c.start <= c_start + 1 for c in clause_cues)
                clause_text_start = _tok(doc).idx[c_start]
                clause_text = line[clause_text_start:_tok(doc).end[c_end - 1]]
                tf, tf_text = self._timeframe(doc, clause_text, clause_text_start, clause_cues)
                sent_text = line[sent.start_char:sent.end_char]
                certainty = self._certainty(clause_text) or self._certainty(sent_text)
                population = self._population(clause_text) or self._population(sent_text)
                outcome = self._outcome(clause_text, clause_text_start, conditions)
                effects_this_clause: list[tuple[str, Cue | None]] = []
                for n, subject in enumerate(subjects):
                    nxt = subjects[n + 1].start if n + 1 < len(subjects) else c_end
                    effects = self._effects(doc, subject, subjects, nxt, c_start, c_end, clause_cues)
                    if not effects and ellipsis and prev_effects:
                        effects = [(neg, c, "ellipsis") for e, c in prev_effects if (neg := _negate(e)) is not None]
                    rec = self._recommendation(subject, clause_cues)
                    if not effects and rec is not None:
                        effects = [(IMPLIED[rec.kind.split(":")[1]], None, "recommendation")]
                    if not effects and any(c.kind == "usage" for c in clause_cues):
                        usage = next(c for c in clause_cues if c.kind == "usage")
                        effects = [("insufficient", usage, "usage")]
                    for effect, cue, basis in effects:
                        effects_this_clause.append((effect, cue))
                        for cond in conds:
                            row = self._row(source, sent, subject, cond, effect, cue, basis, rec, tf,
                                            tf_text, certainty, comparator, population, outcome, how, cond_from)
                            out.append(Pending(row))
                if effects_this_clause:
                    prev_effects = list(dict.fromkeys(effects_this_clause))
            previous_subjects = sentence_subjects or ([t for t in sent_treatments] if sent_treatments else [])
        return out

    def _clauses(self, doc: Doc, sent: Sentence) -> list[tuple[int, int]]:
        cuts = [sent.start]
        lower = _tok(doc).lower
        for i in range(sent.start + 2, sent.end):
            if lower[i] in self.breaks:
                cuts.append(i)
        cuts.append(sent.end)
        return [(a, b) for a, b in itertools.pairwise(cuts) if b > a]

    def _opens_with_pronoun(self, doc: Doc, start: int, end: int) -> bool:
        """'..., it should be considered': the clause's subject is the previous clause's."""
        t = _tok(doc)
        for i in range(start, end):
            if t.punct[i] or t.lower[i] in self.breaks or t.lower[i] in SKIP_WORDS:
                continue
            return t.lower[i] in self.pronouns
        return False

    def _subjects(self, doc: Doc, mentions: list[Mention], cues: list[Cue]) -> tuple[str | None, list[Mention]]:
        """The clause's treatments that a row is about, and the comparator if one is named."""
        comparator = None
        subjects: list[Mention] = []
        comp_cues = [c for c in cues if c.kind == "comparator"]
        column_cues = [c for c in cues if c.kind == "comparator_column"]
        for m in mentions:
            if any(c.end <= m.start <= c.end + 5 for c in comp_cues):
                if any(c.end <= m.start <= c.end + 5 for c in column_cues):
                    comparator = comparator or m.ident
                continue
            subjects.append(m)
        # class followed by its own members: "such as" keeps the class, apposition keeps the members
        examples = [c for c in cues if c.kind == "class_examples"]
        drop: set[int] = set()
        for a_i, a in enumerate(subjects):
            members = [b for b in subjects[a_i + 1:] if b.ident != a.ident
                       and a.ident in self.t_ancestors.get(b.ident, ())]
            if not members:
                continue
            first = members[0]
            if any(a.end <= c.start < first.start for c in examples):
                drop |= {id(b) for b in members}
            else:
                drop.add(id(a))
        unique: dict[str, Mention] = {}
        for m in subjects:
            if id(m) not in drop and m.ident != comparator:
                unique.setdefault(m.ident, m)
        return comparator, list(unique.values())

    def _effects(self, doc: Doc, subject: Mention, subjects: list[Mention], item_end: int, c_start: int,
                 c_end: int, cues: list[Cue]) -> list[tuple[str, Cue | None, str]]:
        t = _tok(doc)
        key = (c_start, c_end)
        if key not in self._clause_cache:
            scopes = []
            for cond in (c for c in cues if c.kind == "conditional"):
                stop = next((i for i in range(cond.end, c_end) if t.text[i] in (",", ";")), c_end)
                scopes.append((cond.start, stop))
            scopes += self._population_relatives(doc, c_start, c_end)
            free = [c for c in cues if c.kind.startswith(("effect:", "purpose"))
                    and not any(a <= c.start < b for a, b in scopes)]
            self._clause_cache = {key: free}
        free = self._clause_cache[key]
        usable = [c for c in free if c.kind.startswith("effect:")]
        usable = [c for c in usable if c.text.lower() not in self.effect_after or c.start < subject.start]
        found: list[tuple[str, Cue | None, str]] = []
        insufficient = [c for c in usable if c.kind == "effect:insufficient"]
        if insufficient:
            return [("insufficient", insufficient[0], "cue")]
        for c in usable:
            effect = c.kind.split(":")[1]
            if effect == "benefit" and c.negated:
                effect = "no_benefit"
            elif effect == "harm" and c.negated:
                continue
            if effect not in [f[0] for f in found]:
                found.append((effect, c, "cue"))
        if found:
            return found
        for c in free:
            if c.kind != "purpose" or (c.start < subject.end and not subject.start < c.start):
                continue
            last = subjects[-1]
            between = set(t.lower[last.end:c.start])
            if c.start < item_end or (subject is not last and between & PREDICATE_WORDS):
                return [("benefit", c, "purpose")]
        return []

    def _population_relatives(self, doc: Doc, c_start: int, c_end: int) -> list[tuple[int, int]]:
        """Token spans of relative clauses that describe a population ('for people with X who have not
        improved with Y', '... whose symptoms persist despite Y'): they say who the advice is for, not what
        a treatment does. A 'who'/'whose' inside the population phrase, up to the next comma."""
        t = _tok(doc)
        if self.relative_words.isdisjoint(t.lower[c_start:c_end]):
            return []
        base = t.idx[c_start]
        clause = self._line[base:t.end[c_end - 1]]
        spans = []
        for m in self.population[0].finditer(clause):
            rel = self.relative.search(clause, m.start(), m.end(1))
            if rel is None:
                continue
            comma = clause.find(",", rel.start(), m.end(1))
            start, end = rel.start(), comma if comma >= 0 else m.end(1)
            tokens = [i for i in range(c_start, c_end) if start <= t.idx[i] - base < end]
            if tokens:
                spans.append((tokens[0], tokens[-1] + 1))
        return spans

    def _recommendation(self, subject: Mention, cues: list[Cue]) -> Cue | None:
        recs = [c for c in cues if c.kind.startswith("rec:")]
        if not recs:
            return None
        order = {f"rec:{r}": i for i, r in enumerate(RECOMMENDATIONS)}

        def distance(c: Cue) -> tuple[int, int]:
            gap = c.start - subject.end if c.start >= subject.end else subject.start - c.end
            return (max(gap, 0), order[c.kind])

        return min(recs, key=distance)

    def _condition(self, doc: Doc, sents: list[Sentence], i: int, c_start: int, c_end: int,
                   heading: list[Mention], subjects: list[Mention]) -> tuple[list[Mention], str]:
        sent = sents[i]
        in_clause = [c for c in sent.conditions if c_start <= c.start < c_end]
        if in_clause:
            return self._drop_causes(doc, in_clause), "clause"
        earlier = [c for c in sent.conditions if c.start < c_start]
        lower = _tok(doc).lower
        scope = set(lower[c_start:c_end])
        if earlier:
            return [earlier[-1]], "sentence"
        for j in range(i - 1, max(i - 1 - WINDOW, -1), -1):
            scope |= set(lower[sents[j].start:sents[j].end])
            if sents[j].conditions:
                found = self._drop_causes(doc, sents[j].conditions)[-1]
                covering = self._covering(doc, sents, j, found, subjects)
                if covering is not None:
                    return [covering], "previous_sentence"
                return [self._refine(found, scope)], "previous_sentence"
        if sent.conditions:
            return self._drop_causes(doc, sent.conditions), "sentence"
        if heading:
            return [self._refine(heading[-1], scope)], "heading"
        return [Mention(f"{REFINE}{' '.join(sorted(scope))}", 0, 0, 0, 0, "")], "document"

    def _covering(self, doc: Doc, sents: list[Sentence], j: int, found: Mention,
                  subjects: list[Mention]) -> Mention | None:
        """The paragraph's topic and a nearer condition that sentence j bound to other treatments,
        reconciled: the narrowest condition covering both (their lowest common ancestor), or None
        when sentence j is the topic sentence, speaks of the same treatments or of none, or the two
        share no ancestor. ('For chronic low back pain, X may help. Y is recommended.' files Y under
        the paragraph's low back pain, not under the chronic pain X was scoped to.)"""
        if j == 0 or not sents[0].conditions or not sents[j].subjects:
            return None
        if {m.ident for m in subjects} & {m.ident for m in sents[j].subjects}:
            return None
        topic = self._drop_causes(doc, sents[0].conditions)[-1]
        if topic.ident == found.ident:
            return None
        ident = self.common_ancestor(topic.ident, found.ident)
        if ident is None:
            return None
        base = topic if ident == topic.ident else found
        note = f"{ident}, covering the paragraph's {topic.text!r} and the nearer {found.text!r}"
        return Mention(ident, base.start, base.end, base.start_char, base.end_char, base.text, note)

    def common_ancestor(self, a: str, b: str) -> str | None:
        """The nearest condition that is `a` or above it and `b` or above it, or None."""
        above_b = {b, *self.c_up.get(b, ())}
        return next((c for c in (a, *self.c_up.get(a, ())) if c in above_b), None)

    def _broader(self, cond: Mention) -> Mention:
        """The condition's parent ('for most other conditions' after sciatica means low back pain), or
        the text's main condition when it has none."""
        parent = next(iter(self.c_up.get(cond.ident, ())), None)
        note = f"'other conditions' than {cond.ident}"
        if parent:
            return Mention(parent, cond.start, cond.end, cond.start_char, cond.end_char, cond.text,
                           f"{parent}: {note}")
        return Mention(REFINE, 0, 0, 0, 0, "", f"the text's main condition: {note}")

    def _refine(self, cond: Mention, words: set[str]) -> Mention:
        """A broader condition named away from the clause, narrowed to the one child whose
        distinguishing words (e.g. 'chronic' of 'chronic low back pain') the nearby text uses."""
        ident = self.refine_condition(cond.ident, words)
        return cond if ident == cond.ident else Mention(ident, cond.start, cond.end, cond.start_char,
                                                        cond.end_char, cond.text)

    def refine_condition(self, ident: str, words: set[str]) -> str:
        fits = [child for child, marks in self.c_children.get(ident, []) if any(m <= words for m in marks)]
        return fits[0] if len(fits) == 1 else ident

    def _drop_causes(self, doc: Doc, conds: list[Mention]) -> list[Mention]:
        """Conditions named as a consequence ("a cause of X") give way to the others in the clause."""
        cause_words = {"of"}
        lower = _tok(doc).lower
        kept = [c for c in conds if not (c.start >= 2 and lower[c.start - 1] in cause_words
                                         and lower[c.start - 2] in ("cause", "causes"))]
        unique: dict[str, Mention] = {}
        for c in kept or conds:
            unique.setdefault(c.ident, c)
        return list(unique.values())

    def _timeframe(self, doc: Doc, text: str, base: int, cues: list[Cue]) -> tuple[str, str]:
        t = _tok(doc)
        ignored = [(t.idx[c.start] - base, t.end[c.end - 1] - base)
                   for c in cues if c.kind == "ignore:timeframe"]
        found: list[tuple[int, str, str]] = []
        low = text.lower()
        if any(k in low for k in self.tf_keys):
            for m in self.tf_words.finditer(text):
                found.append((m.start(), str(m.lastgroup), m.group(0)))
        units = any(u in low for u in self.tf_units)
        for m in self.number.finditer(text) if units else ():
            value = months(self.rules, m.group(1))
            unit = self.rules.cues["timeframe"]["units_in_months"][m.group(3).lower()]
            if value is not None:
                found.append((m.start(), band(self.rules, value * unit), m.group(0)))
        found = [f for f in found if not any(a <= f[0] < b for a, b in ignored)]
        if not found:
            return "unspecified", ""
        _, tf, phrase = min(found)
        return tf, phrase

    def _certainty(self, text: str) -> str | None:
        low = text.lower()
        if "quality" not in low and "certainty" not in low and "evidence" not in low:
            return None
        for pattern in self.certainty:
            m = pattern.search(text)
            if m:
                return m.group(1).lower().replace(" ", "_")
        return None

    def _population(self, text: str) -> str | None:
        low = text.lower()
        if " with " not in low and " who" not in low and not low.lstrip()[:1].isalpha():
            return None
        for pattern in self.population:
            m = pattern.search(text.strip())
            if m:
                value = m.group(1).strip(" ,")
                return value[:100] if value else None
        return None

    def _outcome(self, text: str, base: int, conditions: list[Mention]) -> str | None:
        spans = [(c.start_char - base, c.end_char - base) for c in conditions]
        for m in self.outcome.finditer(text):
            if not any(a < m.end() and m.start() < b for a, b in spans):
                return m.group(0).lower()
        return None

    def _row(self, source: str, sent: Sentence, subject: Mention, cond: Mention, effect: str,
             cue: Cue | None, basis: str, rec: Cue | None, tf: str, tf_text: str, certainty: str | None,
             comparator: str | None, population: str | None, outcome: str | None, how: str,
             cond_from: str) -> dict[str, Any]:
        parts: list[str] = []
        cue_notes: list[str] = []
        if cue is not None:
            phrase = cue.text.lower()
            if (cue.negated and cue.kind == "effect:benefit") or basis == "ellipsis":
                phrase = ("no " if phrase in NOUN_CUES else "not ") + phrase
            parts.append(phrase)
            label = "purpose" if cue.kind == "purpose" else f"{effect}"
            negated = cue.negated and cue.kind == "effect:benefit"
            cue_notes.append(f"{label}: {cue.text!r}" + (" (negated)" if negated else "")
                             + (" (hedged)" if cue.hedged else ""))
        elif basis == "recommendation" and rec is not None:
            cue_notes.append(f"{effect}: implied by the recommendation")
        if basis == "ellipsis":
            cue_notes.append(f"{effect}: 'but not' repeats the previous clause's effect, negated")
        if tf_text:
            parts.append(tf_text.lower())
            cue_notes.append(f"timeframe: {tf_text!r}")
        if rec is not None:
            parts.append(rec.text.lower())
            kind = rec.kind.split(":")[1]
            kind = "recommend (usual practice)" if kind == "practice" else kind
            cue_notes.append(f"recommendation {kind}: {rec.text!r}")
        if comparator:
            parts.append(f"vs {self.t_label.get(comparator, comparator).lower()}")
            cue_notes.append(f"comparator: {comparator}")
        if certainty:
            cue_notes.append(f"certainty: {certainty}")
        cue_notes.append(f"treatment from {how.replace('_', ' ')}")
        if cond.note:
            cue_notes.append(f"condition {cond.note}")
        summary = "; ".join(dict.fromkeys(parts)) or effect.replace("_", " ")
        hedged = (cue is not None and cue.hedged) or (rec is not None and rec.hedged)
        confidence = (CONDITION_WEIGHT[cond_from] * BASIS_WEIGHT[basis if cue is not None or basis != "cue" else "cue"]
                      * SUBJECT_WEIGHT[how] * (HEDGE_WEIGHT if hedged else 1.0))
        start = sent.start_char
        end = sent.end_char
        recommendation = rec.kind.split(":")[1] if rec is not None else None
        if recommendation == "practice":
            recommendation = "recommend"
        return {
            "id": "",
            "treatment": subject.ident,
            "condition": cond.ident,
            "source": source,
            "effect": effect,
            "timeframe": tf,
            "certainty": certainty,
            "recommendation": recommendation,
            "comparator": comparator,
            "outcome": outcome,
            "population": population,
            "summary": summary[:120],
            "quote": None,
            "notes": "proposed by kg extract",
            "confidence": confidence,
            "char_start": start,
            "char_end": end,
            "condition_from": cond_from,
            "cues": "; ".join(cue_notes),
        }


def literal_trie(phrases: Iterable[str]) -> str:
    """A regex matching the longest of `phrases` at each place, written as a trie of their characters:
    three times faster than an alternation of the phrases, which re tries one by one at every position."""
    root: dict[str, Any] = {}
    for phrase in phrases:
        node = root
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return (f"(?:{body})" if len(branches) == 1 and len(branches[0]) > 1 else body) + "?"
        return body

    return emit(root) or "(?!)"


def _ancestors_nearest_first(frame: pd.DataFrame) -> dict[str, list[str]]:
    """Each id's ancestors, nearest first (one ancestor_pairs() walk, read once per folder)."""
    hierarchy = Hierarchy.of(frame)
    pairs = hierarchy.ancestor_pairs().sort_values(["row", "distance"], kind="stable")
    ids = pd.Series(hierarchy.ids)
    up = pd.DataFrame({"id": ids.iloc[pairs["row"]].to_numpy(), "up": ids.iloc[pairs["ancestor"]].to_numpy()})
    return {str(k): [str(x) for x in v] for k, v in up.groupby("id", sort=False)["up"]}


def _children_marks(conditions: pd.DataFrame) -> dict[str, list[tuple[str, list[set[str]]]]]:
    """For each condition, its children with the word sets that tell each child apart from it."""
    words = re.compile(r"[a-z0-9]+")
    names = lex.written_terms(conditions).groupby("id")["term"].apply(list).to_dict()
    label = dict(zip(conditions["id"].astype(str), conditions["label"].astype(str), strict=True))
    out: dict[str, list[tuple[str, list[set[str]]]]] = {}
    parents = conditions["parent"].astype("string").fillna("")
    for child, parent in zip(conditions["id"].astype(str), parents, strict=True):
        if not parent or parent not in label:
            continue
        base = set(words.findall(label[parent].lower()))
        marks = [set(words.findall(str(n).lower())) - base for n in names.get(child, [])]
        marks = [m for m in marks if m and len(" ".join(m)) >= 4]
        if marks:
            out.setdefault(str(parent), []).append((child, marks))
    return out


def _trigger_words(extractor: Extractor, termset: dict[str, list[str]]) -> set[str]:
    """The first token of every negation (or hedging) phrase: without one of them, NegEx has nothing to do."""
    phrases = termset["preceding_negations"] + termset["following_negations"]
    return {doc[0].lower_ for doc in extractor.tokenizer.pipe(phrases) if len(doc)}


@dataclass(frozen=True)
class Tokens:
    """A paragraph's token attributes read once (spaCy makes a Python object per token access)."""

    lower: list[str]
    text: list[str]
    idx: list[int]
    end: list[int]
    space: list[bool]
    punct: list[bool]


def _tok(doc: Doc) -> Tokens:
    cached = doc.user_data.get("kg_tokens")
    if cached is None:
        table = doc.to_array([LOWER, ORTH, IDX, IS_SPACE, IS_PUNCT]).tolist() if len(doc) else []
        strings = doc.vocab.strings
        text = [strings[row[1]] for row in table]
        idx = [row[2] for row in table]
        cached = Tokens([strings[row[0]] for row in table], text, idx,
                        [i + len(x) for i, x in zip(idx, text, strict=True)],
                        [bool(row[3]) for row in table], [bool(row[4]) for row in table])
        doc.user_data["kg_tokens"] = cached
    result: Tokens = cached
    return result


def _after_to(doc: Doc, start: int) -> bool:
    """An effect verb in an infinitive of purpose ('medications to relieve pain', 'to help reduce')."""
    before = _tok(doc).lower[max(start - 2, 0):start]
    return bool(before) and (before[-1] == "to" or before[-2:] == ["to", "help"])


SKIP_WORDS = {"the", "a", "an", "these", "this", "those", "that", "some", "most", "also", "however", "although",
              "though", "but", "and", "or", "in", "for", "with", "of", "then", "both", "all", "such", "its", "their"}


def _subject_phrase(doc: Doc, start: int, stop: int, conditions: list[Mention]) -> str | None:
    """The noun phrase a clause opens with (up to its verb or first cue), when it looks like a name."""
    from spacy.lang.en.stop_words import STOP_WORDS

    i = start
    while i < stop and (doc[i].is_punct or doc[i].lower_ in SKIP_WORDS):
        i += 1
    words: list[str] = []
    j = i
    while j < stop and len(words) < 6:
        tok = doc[j]
        if tok.lower_ in PREDICATE_WORDS or not (tok.is_alpha or tok.text == "-"):
            break
        words.append(tok.text_with_ws)
        j += 1
    if not words or j - i > 5 or any(i <= c.start < j for c in conditions):
        return None
    phrase = "".join(words).strip()
    tokens = phrase.lower().split()
    if tokens[-1] in STOP_WORDS or tokens[0] in STOP_WORDS or len(phrase) < 4:
        return None
    return phrase


def _negate(effect: str) -> str | None:
    return {"benefit": "no_benefit", "no_benefit": "benefit"}.get(effect)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")
    return slug if re.match(r"[a-z0-9]", slug) else "x" + slug


__all__ = ["EFFECTS", "Extractor", "blank_pipeline", "fold_spaces", "paragraphs"]
