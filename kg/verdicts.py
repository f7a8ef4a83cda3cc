"""The one home of the verdict ladder, the disagreement rules and the evidence-strength grades.

Everything that needs a verdict's rule, label, colour or place in the legend reads it from
here: the pandas summary evaluates `RULES` (vectorised), the page and the notebooks take
labels and colours from it, `docs/summary-rules.md` and the generated regions of the saved
queries are written from it (`python scripts/generate_rules.py`; a test fails when they are
stale). The contract (section 3) fixes the verdicts and their order; the labels are ours.

A rule's condition is a conjunction over per-pair *flags* (`Flag`): every flag in `needs`
holds and none in `excludes` does. The flags are computed per pair from the statements
without a comparator (`conflict` from the `conflicts` query).

Strength (`Strength`) grades how far the evidence behind a verdict can be trusted. Each
verdict names the *sides* (`Side`: classes of statements) whose grades make its strength;
see `docs/summary-rules.md` for the rules and the properties they guarantee.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kg.schema import Certainty, Effect, Recommendation, SourceType, Timeframe

# --------------------------------------------------------------------------- verdicts


class Verdict(StrEnum):
    """The contract's verdicts, in rule order (the first rule that holds wins)."""

    CONFLICTING = "conflicting"
    SHORT_TERM_ONLY = "short_term_only"
    BENEFIT_WITH_HARMS = "benefit_with_harms"
    BENEFIT = "benefit"
    HARM = "harm"
    NO_BENEFIT = "no_benefit"
    INSUFFICIENT = "insufficient"
    COMPARISON_ONLY = "comparison_only"
    MIXED = "mixed"


class Flag(StrEnum):
    """Facts about one pair that the verdict rules combine (statements without a comparator)."""

    CONFLICT = "conflict"
    BENEFIT = "benefit"
    BENEFIT_EARLY = "benefit_early"
    NO_BENEFIT = "no_benefit"
    NO_BENEFIT_LONG = "no_benefit_long"
    HARM = "harm"
    INSUFFICIENT = "insufficient"
    ASSESSED = "assessed"


@dataclass(frozen=True)
class FlagDef:
    """What a flag means: an effect stated at one of `timeframes` (None for the special flags)."""

    flag: Flag
    text: str
    """How the docs say it."""
    effect: Effect | None = None
    timeframes: tuple[Timeframe, ...] = tuple(Timeframe)
    absent: str = ""
    """How the docs say it does not hold (default: "no " + text)."""

    @property
    def negated(self) -> str:
        return self.absent or "no " + self.text


FLAGS: dict[Flag, FlagDef] = {
    f.flag: f
    for f in (
        FlagDef(Flag.CONFLICT, "the pair has a row in the `conflicts` query"),
        FlagDef(Flag.BENEFIT, "benefit", Effect.BENEFIT),
        FlagDef(Flag.BENEFIT_EARLY, "benefit at short_term or medium_term", Effect.BENEFIT,
                (Timeframe.SHORT_TERM, Timeframe.MEDIUM_TERM)),
        FlagDef(Flag.NO_BENEFIT, "no_benefit", Effect.NO_BENEFIT),
        FlagDef(Flag.NO_BENEFIT_LONG, "no_benefit at long_term", Effect.NO_BENEFIT, (Timeframe.LONG_TERM,)),
        FlagDef(Flag.HARM, "harm", Effect.HARM),
        FlagDef(Flag.INSUFFICIENT, "insufficient", Effect.INSUFFICIENT),
        FlagDef(Flag.ASSESSED, "some statement without a comparator", absent="every statement has a comparator"),
    )
}


class Side(StrEnum):
    """A class of a pair's statements: the evidence for one part of a verdict.

    `comparison` holds the statements with a comparator; every other side holds statements
    without one. `for` and `against` are the two sides of a disagreement (effect or
    recommendation).
    """

    BENEFIT = "benefit"
    BENEFIT_EARLY = "benefit_early"
    BENEFIT_LONG = "benefit_long"
    NO_BENEFIT = "no_benefit"
    NO_BENEFIT_EARLY = "no_benefit_early"
    NO_BENEFIT_LONG = "no_benefit_long"
    HARM = "harm"
    HARM_OR_NO_BENEFIT = "harm_or_no_benefit"
    INSUFFICIENT = "insufficient"
    COMPARISON = "comparison"
    FOR = "for"
    AGAINST = "against"


@dataclass(frozen=True)
class SideDef:
    """Statements in a side: an effect in `effects` at a timeframe in `timeframes`, or a recommendation in
    `recommendations` (any timeframe); `comparison` selects statements with a comparator instead."""

    side: Side
    text: str
    effects: tuple[Effect, ...] = ()
    timeframes: tuple[Timeframe, ...] = tuple(Timeframe)
    recommendations: tuple[Recommendation, ...] = ()
    comparison: bool = False


_EARLY = (Timeframe.SHORT_TERM, Timeframe.MEDIUM_TERM)
POSITIVE_RECOMMENDATIONS = (Recommendation.RECOMMEND, Recommendation.CONSIDER)
NEGATIVE_RECOMMENDATIONS = (Recommendation.AGAINST,)

SIDES: dict[Side, SideDef] = {
    s.side: s
    for s in (
        SideDef(Side.BENEFIT, "benefit", (Effect.BENEFIT,)),
        SideDef(Side.BENEFIT_EARLY, "benefit at short or medium term", (Effect.BENEFIT,), _EARLY),
        SideDef(Side.BENEFIT_LONG, "benefit at long term", (Effect.BENEFIT,), (Timeframe.LONG_TERM,)),
        SideDef(Side.NO_BENEFIT, "no_benefit", (Effect.NO_BENEFIT,)),
        SideDef(Side.NO_BENEFIT_EARLY, "no_benefit at short or medium term", (Effect.NO_BENEFIT,), _EARLY),
        SideDef(Side.NO_BENEFIT_LONG, "no_benefit at long term", (Effect.NO_BENEFIT,), (Timeframe.LONG_TERM,)),
        SideDef(Side.HARM, "harm", (Effect.HARM,)),
        SideDef(Side.HARM_OR_NO_BENEFIT, "harm or no_benefit", (Effect.HARM, Effect.NO_BENEFIT)),
        SideDef(Side.INSUFFICIENT, "insufficient", (Effect.INSUFFICIENT,)),
        SideDef(Side.COMPARISON, "statements with a comparator", comparison=True),
        SideDef(Side.FOR, "benefit, recommend or consider", (Effect.BENEFIT,),
                recommendations=POSITIVE_RECOMMENDATIONS),
        SideDef(Side.AGAINST, "no_benefit or against", (Effect.NO_BENEFIT,),
                recommendations=NEGATIVE_RECOMMENDATIONS),
    )
}


@dataclass(frozen=True)
class Rule:
    """One rung of the verdict ladder, with everything shown or derived from it."""

    verdict: Verdict
    needs: tuple[Flag, ...]
    """Flags that must all hold."""
    excludes: tuple[Flag, ...]
    """Flags none of which may hold."""
    label: str
    """The badge: what a person reads. Honest: it says "harm" when the verdict includes harms."""
    colour: str
    description: str
    legend: int
    """Place in the legend and in the matrix sort: helpful first, then unclear, then unhelpful."""
    example: str
    """A worked example (fixture folder: treatment / condition)."""
    strength_sides: tuple[Side, ...]
    """The strength is the weakest grade among these sides (empty ones ignored); () means
    "disagreement": at most weak, very weak when any statement behind it comes from a blog or forum."""
    agree: tuple[Side, ...]
    """Statements that agree with the verdict (`agreeing_sources`)."""
    disagree: tuple[Side, ...]
    """Statements that disagree with it (`disagreeing_sources`)."""
    mentions_harm: bool = False
    """The label already says harm (no "with harms" mark needed)."""
    dashed: bool = False
    """Drawn dashed on the page (benefit that does not last)."""


RULES: tuple[Rule, ...] = (
    Rule(Verdict.CONFLICTING, (Flag.CONFLICT,), (), "Conflicting", "#7b3294",
         "sources disagree on benefit or on recommending it", 3,
         "`summary-rules`: spinal manipulation / low back pain — a review says benefit at short term, "
         "a guideline no_benefit at short term",
         (), (Side.FOR,), (Side.AGAINST,)),
    Rule(Verdict.SHORT_TERM_ONLY, (Flag.BENEFIT_EARLY, Flag.NO_BENEFIT_LONG), (), "Benefit fades by the long term",
         "#91cf60", "benefit at short or medium term, no benefit at long term (over a year)", 1,
         "`summary-rules`: discectomy / sciatica — one trial: benefit medium_term (\"better at one year\"), "
         "no_benefit long_term (\"no difference at four to ten years\"); epidural steroids / sciatica — a review: "
         "benefit short_term, a guideline: no_benefit long_term (different sources, but the timeframes do not "
         "overlap, so no conflict)",
         (Side.BENEFIT_EARLY, Side.NO_BENEFIT_LONG, Side.HARM), (Side.BENEFIT_EARLY, Side.NO_BENEFIT_LONG),
         (Side.BENEFIT_LONG, Side.NO_BENEFIT_EARLY), dashed=True),
    Rule(Verdict.BENEFIT_WITH_HARMS, (Flag.BENEFIT, Flag.HARM), (Flag.NO_BENEFIT,), "Benefit with harms", "#d9a400",
         "benefit and harm, no statement of no benefit", 2,
         "`summary-rules`: antidepressants / low back pain — benefit short_term, harm unspecified",
         (Side.BENEFIT, Side.HARM), (Side.BENEFIT, Side.HARM), (Side.AGAINST,), mentions_harm=True),
    Rule(Verdict.BENEFIT, (Flag.BENEFIT,), (Flag.NO_BENEFIT,), "Benefit", "#1a9850",
         "benefit, and no statement of no benefit", 0,
         "`summary-rules`: exercise / low back pain — benefit short_term and long_term",
         (Side.BENEFIT,), (Side.BENEFIT,), (Side.AGAINST,)),
    Rule(Verdict.HARM, (Flag.HARM,), (Flag.BENEFIT,), "Harm", "#d73027",
         "harm, and no benefit", 8,
         "`summary-rules`: opioids / low back pain — harm and no_benefit at long term",
         (Side.HARM_OR_NO_BENEFIT,), (Side.HARM_OR_NO_BENEFIT,), (Side.FOR,), mentions_harm=True),
    Rule(Verdict.NO_BENEFIT, (Flag.NO_BENEFIT,), (Flag.BENEFIT,), "No benefit", "#525252",
         "no benefit, and no statement of benefit", 7,
         "`summary-rules`: traction / low back pain — no_benefit long_term",
         (Side.NO_BENEFIT,), (Side.NO_BENEFIT,), (Side.FOR,)),
    Rule(Verdict.INSUFFICIENT, (Flag.INSUFFICIENT,), (Flag.BENEFIT, Flag.NO_BENEFIT, Flag.HARM),
         "Insufficient evidence", "#bdbdbd", "only statements that the evidence is insufficient", 6,
         "`summary-rules`: acupuncture / hip osteoarthritis — a blog says there is not enough evidence",
         (Side.INSUFFICIENT,), (Side.INSUFFICIENT,), ()),
    Rule(Verdict.COMPARISON_ONLY, (), (Flag.ASSESSED,), "Comparison only", "#80cdc1",
         "every statement compares with another treatment", 5,
         "`summary-rules`: yoga / low back pain — only \"no better than stretching\"",
         (Side.COMPARISON,), (Side.COMPARISON,), ()),
    Rule(Verdict.MIXED, (), (), "Mixed", "#c2a5cf", "statements point different ways", 4,
         "`summary-rules`: massage / low back pain — one review: no_benefit short_term, benefit long_term",
         (Side.BENEFIT, Side.NO_BENEFIT, Side.HARM), (Side.FOR,), (Side.AGAINST,)),
)
"""The ladder, in contract order. The last rule (`mixed`) needs nothing: it is what is left."""

RULE: dict[Verdict, Rule] = {r.verdict: r for r in RULES}
VERDICTS: tuple[str, ...] = tuple(str(r.verdict) for r in RULES)
LEGEND: tuple[Verdict, ...] = tuple(r.verdict for r in sorted(RULES, key=lambda r: r.legend))
"""Verdicts in legend and matrix order: helpful first, then unclear, then unhelpful."""

WITH_HARMS = ", with harms"
"""Added to the badge of a pair whose verdict label does not say harm but whose statements do."""


def badge(verdict: str, harms: bool) -> str:
    """The badge a person reads for a pair: the verdict's label, plus "with harms" when harm is stated
    and the label does not already say so (a short-term-only or mixed pair with harms)."""
    rule = RULE[Verdict(verdict)]
    return rule.label + (WITH_HARMS if harms and not rule.mentions_harm else "")


# --------------------------------------------------------------------------- disagreement


@dataclass(frozen=True)
class Disagreement:
    """One kind of conflict between two statements: one says a `positive` value, the other a
    `negative` one (of `field`), at overlapping timeframes when `timeframes_overlap`."""

    kind: str
    field: str
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    timeframes_overlap: bool


DISAGREEMENTS: tuple[Disagreement, ...] = (
    Disagreement("effect", "effect", (Effect.BENEFIT,), (Effect.NO_BENEFIT,), True),
    Disagreement("recommendation", "recommendation", POSITIVE_RECOMMENDATIONS, NEGATIVE_RECOMMENDATIONS, False),
)
"""The contract's disagreement rules (section 2, `conflicts`), in `kind` order. `unspecified`
overlaps every timeframe."""

# --------------------------------------------------------------------------- strength


class Strength(StrEnum):
    """How far the evidence behind a verdict can be trusted, strongest first."""

    STRONG = "strong"
    MODERATE = "moderate"
    WEAK = "weak"
    VERY_WEAK = "very_weak"


STRENGTHS: tuple[Strength, ...] = tuple(Strength)
STRENGTH_LABELS: dict[Strength, str] = {
    Strength.STRONG: "Strong",
    Strength.MODERATE: "Moderate",
    Strength.WEAK: "Weak",
    Strength.VERY_WEAK: "Very weak",
}
STRENGTH_DESCRIPTIONS: dict[Strength, str] = {
    Strength.STRONG: "two or more independent guidelines or systematic reviews agree, with moderate or high certainty",
    Strength.MODERATE: "one guideline or review with moderate or high certainty, two or more independent guidelines "
                       "or reviews, or two or more independent studies with moderate or high certainty",
    Strength.WEAK: "at least one source that is not a blog or forum",
    Strength.VERY_WEAK: "only blogs or forums, or sources that disagree with one on a blog or forum",
}


class Tier(StrEnum):
    """Source types grouped by how much a statement from them weighs."""

    SYNTHESIS = "synthesis"
    STUDY = "study"
    OTHER = "other"
    ANECDOTE = "anecdote"


TIERS: dict[SourceType, Tier] = {
    SourceType.GUIDELINE: Tier.SYNTHESIS,
    SourceType.SYSTEMATIC_REVIEW: Tier.SYNTHESIS,
    SourceType.TRIAL: Tier.STUDY,
    SourceType.OBSERVATIONAL_STUDY: Tier.STUDY,
    SourceType.REFERENCE_ARTICLE: Tier.OTHER,
    SourceType.EXPERT_OPINION: Tier.OTHER,
    SourceType.PATIENT_EDUCATION: Tier.OTHER,
    SourceType.BLOG: Tier.ANECDOTE,
    SourceType.FORUM: Tier.ANECDOTE,
}

CERTAIN: tuple[Certainty, ...] = (Certainty.HIGH, Certainty.MODERATE)
"""GRADE certainties that count as "moderate or high"."""


@dataclass(frozen=True)
class Counts:
    """What a side's grade is computed from: independent sources of a side, by tier, and those of them
    stating moderate or high certainty for a statement of the side."""

    synthesis: int = 0
    synthesis_certain: int = 0
    research: int = 0
    """Independent synthesis or study sources."""
    research_certain: int = 0
    known: int = 0
    """Independent sources that are not blogs or forums."""


@dataclass(frozen=True)
class Grade:
    """One rung of the strength ladder for a side: the first whose test holds."""

    strength: Strength
    test: str
    """How the docs say it."""

    def holds(self, c: Counts) -> bool:
        """Does this rung hold for a side with these counts (scalar form of the vectorised rule)?"""
        return bool(GRADE_TESTS[self.strength](c))


GRADE_TESTS = {
    Strength.STRONG: lambda c: c.synthesis_certain >= 2,
    Strength.MODERATE: lambda c: (c.synthesis_certain >= 1) | (c.synthesis >= 2) | (c.research_certain >= 2),
    Strength.WEAK: lambda c: c.known >= 1,
    Strength.VERY_WEAK: lambda c: c == c,
}
"""Each test is written over `Counts`-like fields so that it runs on scalars and on numpy arrays alike."""

GRADES: tuple[Grade, ...] = (
    Grade(Strength.STRONG, "two or more independent guidelines or systematic reviews state moderate or high "
                           "certainty"),
    Grade(Strength.MODERATE, "one guideline or systematic review states moderate or high certainty; or two or more "
                             "independent guidelines or systematic reviews; or two or more independent guidelines, "
                             "reviews, trials or observational studies state moderate or high certainty"),
    Grade(Strength.WEAK, "any source that is not a blog or forum"),
    Grade(Strength.VERY_WEAK, "anything else: only blogs or forums"),
)


def independence_key(source_id: str, publisher: str | None) -> str:
    """Sources are independent when their publishers differ (the id stands in for an unstated publisher)."""
    text = (publisher or "").strip().casefold()
    return "publisher:" + text if text else "source:" + source_id


# --------------------------------------------------------------------------- generated text


def verdict_table() -> str:
    """The ladder as the Markdown table of docs/summary-rules.md."""
    lines = ["| # | verdict | badge | holds when | worked example (folder: treatment / condition) |",
             "|---|---|---|---|---|"]
    for n, rule in enumerate(RULES, 1):
        parts = [FLAGS[f].text for f in rule.needs] + [FLAGS[f].negated for f in rule.excludes]
        holds = ", ".join(parts) if parts else "anything else"
        lines.append(f"| {n} | `{rule.verdict}` | {rule.label} | {holds} | {rule.example} |")
    return "\n".join(lines)


def strength_table() -> str:
    """Per verdict: which statements agree, disagree, and which sides' grades make its strength."""
    def names(sides: tuple[Side, ...]) -> str:
        return "; ".join(SIDES[s].text for s in sides) or "—"

    lines = ["| verdict | agreeing statements | disagreeing statements | strength is the weakest grade of |",
             "|---|---|---|---|"]
    for rule in RULES:
        made = names(rule.strength_sides) if rule.strength_sides else (
            "— (disagreement: weak, or very weak when any statement comes from a blog or forum)")
        lines.append(f"| `{rule.verdict}` | {names(rule.agree)} | {names(rule.disagree)} | {made} |")
    return "\n".join(lines)


def grade_table() -> str:
    """The strength ladder for one side, as a Markdown table."""
    lines = ["| grade | holds when (first that holds) |", "|---|---|"]
    lines += [f"| `{g.strength}` ({STRENGTH_LABELS[g.strength]}) | {g.test} |" for g in GRADES]
    return "\n".join(lines)


def tier_table() -> str:
    """Source types by tier, as a Markdown table."""
    lines = ["| tier | source types |", "|---|---|"]
    for tier in Tier:
        lines.append(f"| {tier} | {', '.join(f'`{t}`' for t, x in TIERS.items() if x is tier)} |")
    return "\n".join(lines)


def legend_table() -> str:
    """Labels and colours in legend order, as a Markdown table."""
    lines = ["| legend | verdict | badge | colour | meaning |", "|---|---|---|---|---|"]
    lines += [f"| {RULE[v].legend + 1} | `{v}` | {RULE[v].label} | `{RULE[v].colour}` | {RULE[v].description} |"
              for v in LEGEND]
    return "\n".join(lines)


def _sparql_values(values: tuple[str, ...], prefix: str) -> str:
    return ", ".join(f"{prefix}:{v}" for v in values)


def sparql_disagreement(kind: str, x: str, y: str, tx: str = "", ty: str = "", symmetric: bool = False) -> str:
    """The FILTER that says statements with values `?x` and `?y` (IRIs of the field's concepts)
    disagree by `kind`; `?tx`/`?ty` their timeframe IRIs when the kind needs overlapping timeframes.
    With `symmetric`, either may be the positive one."""
    d = next(d for d in DISAGREEMENTS if d.kind == kind)
    pos = _sparql_values(d.positive, d.field)
    neg = _sparql_values(d.negative, d.field)
    one = f"?{x} IN ({pos}) && ?{y} IN ({neg})"
    if symmetric:
        one = f"({one}) || (?{x} IN ({neg}) && ?{y} IN ({pos}))"
    lines = [f"FILTER ({one})"]
    if d.timeframes_overlap:
        lines.append(sparql_overlap(tx, ty))
    return "\n".join(lines)


def sparql_side(kind: str, side: str, var: str, as_filter: bool = False) -> str:
    """The VALUES block that binds `?var` to the IRIs of one side of a disagreement (a VALUES join lets the
    engines look the statements up by those IRIs, where a FILTER would scan); with `as_filter`, a FILTER
    that tests `?var` instead (a VALUES block is a join, and rdflib evaluates a join that holds another
    join by pairing every row of one side with every row of the other)."""
    d = next(d for d in DISAGREEMENTS if d.kind == kind)
    values = d.positive if side == "positive" else d.negative
    if as_filter:
        return f"FILTER (?{var} IN ({_sparql_values(values, d.field)}))"
    return f"VALUES ?{var} {{ {' '.join(f'{d.field}:{v}' for v in values)} }}"


def sparql_timeframes(kind: str, tx: str, ty: str, notation: bool = False) -> str:
    """What `kind` asks of the two statements' timeframes: the overlap FILTER when it needs overlapping
    ones, else a comment saying it asks nothing."""
    d = next(d for d in DISAGREEMENTS if d.kind == kind)
    if d.timeframes_overlap:
        return sparql_overlap(tx, ty, notation)
    return f"# {kind}: any timeframes"


def sparql_overlap(tx: str, ty: str, notation: bool = False) -> str:
    """The FILTER that says two timeframes overlap (`unspecified` overlaps every one): on the timeframe
    IRIs, or with `notation` on their skos:notation strings."""
    unspecified = f'"{Timeframe.UNSPECIFIED}"' if notation else f"timeframe:{Timeframe.UNSPECIFIED}"
    return f"FILTER (?{tx} = ?{ty} || ?{tx} = {unspecified} || ?{ty} = {unspecified})"


GENERATED = re.compile(r"(?P<head>^(?P<indent>[ \t]*)(?:#|<!--) BEGIN generated: (?P<what>[^\n]*?)(?: -->)?\n)"
                       r"(?P<body>.*?)(?P<tail>^[ \t]*(?:#|<!--) END generated(?: -->)?$)",
                       re.MULTILINE | re.DOTALL)


def generate(what: str) -> str:
    """The text of one generated region: `verdict-table`, ..., `disagreement KIND X Y [TX TY] [symmetric]`,
    `positive KIND VAR [filter]`, `negative KIND VAR [filter]`, `overlap TX TY [notation]` or
    `timeframes KIND TX TY [notation]`."""
    words = what.split()
    tables = {"verdict-table": verdict_table, "strength-table": strength_table, "grade-table": grade_table,
              "tier-table": tier_table, "legend-table": legend_table}
    if words[0] in tables:
        return tables[words[0]]()
    if words[0] in ("positive", "negative"):
        return sparql_side(words[1], words[0], words[2], as_filter=words[-1] == "filter")
    if words[0] == "overlap":
        return sparql_overlap(words[1], words[2], notation=words[-1] == "notation")
    if words[0] == "timeframes":
        return sparql_timeframes(words[1], words[2], words[3], notation=words[-1] == "notation")
    if words[0] == "disagreement":
        symmetric = words[-1] == "symmetric"
        args = (words[1:-1] if symmetric else words[1:]) + ["", ""]
        return sparql_disagreement(args[0], args[1], args[2], args[3], args[4], symmetric)
    raise ValueError(f"unknown generated region {what!r}")


def regenerate(text: str) -> str:
    """`text` with every generated region rewritten from the tables here."""
    def fill(m: re.Match[str]) -> str:
        body = generate(m["what"])
        indent = m["indent"]
        body = "\n".join(indent + line if line else line for line in body.splitlines())
        return m["head"] + body + "\n" + m["tail"]

    return GENERATED.sub(fill, text)


ROOT = Path(__file__).resolve().parent.parent


def generated_files() -> list[Path]:
    """Files with generated regions: the rules page and the saved queries."""
    files = [ROOT / "docs" / "summary-rules.md"]
    files += sorted((Path(__file__).resolve().parent / "queries").glob("*.rq"))
    return [f for f in files if f.is_file()]


def main(argv: list[str]) -> int:
    """`--check` (exit 1 when a generated region is stale) or `--write` (rewrite them); see
    scripts/generate_rules.py."""
    stale = []
    for path in generated_files():
        text = path.read_text(encoding="utf-8")
        fresh = regenerate(text)
        if fresh != text:
            stale.append(path)
            if "--write" in argv:
                path.write_text(fresh, encoding="utf-8")
    for path in stale:
        print(f"{'rewrote' if '--write' in argv else 'stale'}: {path}", file=sys.stderr)
    return 1 if stale and "--write" not in argv else 0

