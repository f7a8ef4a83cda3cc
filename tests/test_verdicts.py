"""kg.verdicts: the one rule table, and everything generated from it staying in step with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import verdicts as V
from kg.render import style

ROOT = Path(__file__).resolve().parent.parent


def test_the_ladder_is_the_contracts_in_its_order() -> None:
    assert V.VERDICTS == ("conflicting", "short_term_only", "benefit_with_harms", "benefit", "harm", "no_benefit",
                          "insufficient", "comparison_only", "mixed")
    assert [str(v) for v in V.Verdict] == list(V.VERDICTS)
    assert V.RULES[-1].needs == () and V.RULES[-1].excludes == ()  # mixed: what is left


def test_strengths_are_ordered_strongest_first() -> None:
    assert [str(s) for s in V.STRENGTHS] == ["strong", "moderate", "weak", "very_weak"]
    assert set(V.STRENGTH_LABELS) == set(V.Strength) == set(V.STRENGTH_DESCRIPTIONS)
    assert [g.strength for g in V.GRADES] == list(V.STRENGTHS)


def test_labels_are_honest() -> None:
    assert "short" not in V.RULE[V.Verdict.SHORT_TERM_ONLY].label.lower()
    assert V.RULE[V.Verdict.SHORT_TERM_ONLY].label == "Benefit fades by the long term"
    for rule in V.RULES:
        assert ("harm" in rule.label.lower()) == rule.mentions_harm, rule.verdict
        words = rule.label.lower().split()
        assert len(words) == len(set(words)), rule.label  # no "Benefit benefit"
    # a verdict with harms says so on its badge
    assert V.badge("short_term_only", harms=True) == "Benefit fades by the long term, with harms"
    assert V.badge("mixed", harms=True) == "Mixed, with harms"
    assert V.badge("benefit_with_harms", harms=True) == "Benefit with harms"
    assert V.badge("harm", harms=True) == "Harm"
    assert V.badge("benefit", harms=False) == "Benefit"


def test_the_page_styles_come_from_the_rule_table() -> None:
    assert list(style.VERDICT_SORT) == [str(v) for v in V.LEGEND]
    assert sorted(r.legend for r in V.RULES) == list(range(len(V.RULES)))
    for rule in V.RULES:
        assert style.VERDICT_STYLE[rule.verdict] == (rule.label, rule.colour, rule.description)
    shown = {v["value"]: v for v in style.vocabulary()["verdicts"]}
    assert shown["short_term_only"]["dashed"] and not shown["benefit"]["dashed"]
    assert shown["short_term_only"]["label"] == V.RULE[V.Verdict.SHORT_TERM_ONLY].label


def test_every_rule_names_its_sides() -> None:
    for rule in V.RULES:
        assert rule.agree, rule.verdict
        assert not set(rule.agree) & set(rule.disagree), rule.verdict
    assert V.RULE[V.Verdict.CONFLICTING].strength_sides == ()  # a disagreement: graded by its weakest source


@pytest.mark.parametrize("path", V.generated_files(), ids=lambda p: p.name)
def test_generated_regions_are_up_to_date(path: Path) -> None:
    """docs/summary-rules.md and the saved queries carry copies of the tables: they must match the code
    (run `python scripts/generate_rules.py` after changing kg/verdicts.py)."""
    text = path.read_text(encoding="utf-8")
    assert V.regenerate(text) == text, f"{path} is stale: run python scripts/generate_rules.py"


def test_the_rules_page_and_the_disagreeing_queries_have_generated_regions() -> None:
    names = {p.name for p in V.generated_files() if V.GENERATED.search(p.read_text(encoding="utf-8"))}
    assert {"summary-rules.md", "conflicts.rq", "related-conflicts.rq", "hierarchy-conflicts.rq"} <= names
    doc = (ROOT / "docs" / "summary-rules.md").read_text(encoding="utf-8")
    for what in ("verdict-table", "legend-table", "strength-table", "grade-table", "tier-table"):
        assert f"BEGIN generated: {what}" in doc


def test_a_stale_region_is_caught_and_rewritten(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "summary-rules.md").read_text(encoding="utf-8")
    stale = doc.replace("Benefit fades by the long term", "Short-term only", 1)
    assert stale != doc
    assert V.regenerate(stale) == doc
    rq = (ROOT / "kg" / "queries" / "conflicts.rq").read_text(encoding="utf-8")
    assert V.regenerate(rq.replace("recommendation:consider", "recommendation:maybe", 1)) == rq


def test_no_saved_query_writes_the_verdict_ladder_by_hand() -> None:
    for path in (ROOT / "kg" / "queries").glob("*.rq"):
        text = path.read_text(encoding="utf-8")
        # the ladder's tell-tale: the verdict names as string literals in a nested IF
        assert '"short_term_only"' not in text and '"benefit_with_harms"' not in text, path.name


def test_sparql_fragments_say_the_disagreement_rules() -> None:
    assert V.sparql_side("effect", "positive", "v") == "VALUES ?v { effect:benefit }"
    assert V.sparql_side("recommendation", "positive", "r") == (
        "VALUES ?r { recommendation:recommend recommendation:consider }")
    assert V.sparql_overlap("a", "b", notation=True) == 'FILTER (?a = ?b || ?a = "unspecified" || ?b = "unspecified")'
    with pytest.raises(ValueError, match="unknown generated region"):
        V.generate("no-such-table")


def test_sparql_side_filters_and_timeframe_conditions_follow_the_rules() -> None:
    assert V.generate("positive recommendation v filter") == (
        "FILTER (?v IN (recommendation:recommend, recommendation:consider))")
    assert V.generate("negative effect w filter") == "FILTER (?w IN (effect:no_benefit))"
    assert V.generate("timeframes effect a b") == V.sparql_overlap("a", "b")
    assert V.generate("timeframes effect a b notation") == V.sparql_overlap("a", "b", notation=True)
    assert V.generate("timeframes recommendation a b") == "# recommendation: any timeframes"
    rq = (ROOT / "kg" / "queries" / "related-conflicts.rq").read_text(encoding="utf-8")
    assert V.regenerate(rq.replace("IN (recommendation:against)", "IN (recommendation:consider)", 1)) == rq


def test_independence_is_by_publisher() -> None:
    assert V.independence_key("a", "NICE") == V.independence_key("b", " nice ")
    assert V.independence_key("a", None) != V.independence_key("b", None)
    assert V.independence_key("a", "") == V.independence_key("a", None)
