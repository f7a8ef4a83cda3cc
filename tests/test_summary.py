"""The evidence summary (contract section 3): each rule, the precedence between rules, and the conflicts.

Fixture folders under tests/data/summary-*/ each hold the four CSVs and the
summary and conflicts a person works out by hand from them
(expected-summary.csv, expected-conflicts.csv).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kg import summary as S
from kg.model import Dataset, read_valid

DATA = Path(__file__).parent / "data"
FOLDERS = sorted(p.name for p in DATA.glob("summary-*") if p.is_dir())
BUNDLED = Path(__file__).resolve().parent.parent / "data"


def load(name: str) -> Dataset:
    return read_valid(DATA / name)


def expected(name: str, what: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name / f"expected-{what}.csv", dtype=str, keep_default_na=False)


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame as a user sees it in summary.csv: every cell a string, '' for none."""
    return frame.astype(object).where(frame.notna(), "").astype(str).reset_index(drop=True)


def row(frame: pd.DataFrame, treatment: str, condition: str) -> dict[str, object]:
    hit = frame[(frame["treatment_id"] == treatment) & (frame["condition_id"] == condition)]
    assert len(hit) == 1, f"expected one row for {treatment}/{condition}, got {len(hit)}"
    out: dict[str, object] = {k: (None if pd.isna(v) else v) for k, v in hit.iloc[0].to_dict().items()}
    return out


# --------------------------------------------------------------------------- whole folders


def test_fixture_folders_exist() -> None:
    assert {"summary-rules", "summary-precedence", "summary-timeframes", "summary-three-sources",
            "summary-comparators", "summary-recommendation"} <= set(FOLDERS)


@pytest.mark.parametrize("name", FOLDERS)
def test_summary_matches_the_hand_worked_expectation(name: str) -> None:
    got = S.summarise(load(name))
    assert list(got.columns) == list(S.SUMMARY_COLUMNS)
    pd.testing.assert_frame_equal(as_text(got), expected(name, "summary"))


@pytest.mark.parametrize("name", FOLDERS)
def test_conflicts_match_the_hand_worked_expectation(name: str) -> None:
    got = S.conflicts(load(name))
    assert list(got.columns) == list(S.CONFLICT_COLUMNS)
    pd.testing.assert_frame_equal(as_text(got), expected(name, "conflicts"))


@pytest.mark.parametrize("name", FOLDERS)
def test_summary_csv_is_the_expected_file_byte_for_byte(name: str) -> None:
    text = S.to_csv(S.summarise(load(name)))
    assert text == (DATA / name / "expected-summary.csv").read_text(encoding="utf-8")


def test_columns_are_exactly_the_contract_columns() -> None:
    assert S.CONTRACT_COLUMNS == (
        "treatment_id", "treatment", "condition_id", "condition", "verdict", "short_term", "medium_term",
        "long_term", "sources", "best_source_type", "headline",
    )
    # contract section 5: the strength columns come after the contract's, in this order
    added = ("certainty", "strength", "agreeing_sources", "disagreeing_sources", "related_conflicts", "why")
    assert list(S.SUMMARY_COLUMNS) == [*S.CONTRACT_COLUMNS, *added]
    assert S.CONFLICT_COLUMNS == (
        "treatment_id", "condition_id", "kind", "evidence_a", "evidence_b", "source_a", "source_b",
        "value_a", "value_b", "timeframe_a", "timeframe_b",
    )


# --------------------------------------------------------------------------- one rule at a time

RULES = [
    # (folder, treatment, condition, verdict, headline)
    ("summary-rules", "spinal-manipulation", "low-back-pain", "conflicting",
     "sources disagree on benefit (1 for, 1 against)"),
    ("summary-rules", "discectomy", "sciatica", "short_term_only", "better at one year only"),
    ("summary-rules", "epidural-steroids", "sciatica", "short_term_only", "short-term improvement only"),
    ("summary-rules", "antidepressants", "low-back-pain", "benefit_with_harms", "short-term benefit, with harms"),
    ("summary-rules", "exercise", "low-back-pain", "benefit", "benefit beyond one year"),
    ("summary-rules", "opioids", "low-back-pain", "harm", "no benefit, with harms"),
    ("summary-rules", "traction", "low-back-pain", "no_benefit", "no long-term benefit"),
    ("summary-rules", "acupuncture", "hip-oa", "insufficient", "insufficient evidence"),
    ("summary-rules", "yoga", "low-back-pain", "comparison_only", "compared with Stretching only"),
    ("summary-rules", "massage", "low-back-pain", "mixed", "benefit at long term, none at short term"),
]


@pytest.mark.parametrize(("folder", "treatment", "condition", "verdict", "headline"), RULES,
                         ids=[r[3] + ":" + r[1] for r in RULES])
def test_each_rule(folder: str, treatment: str, condition: str, verdict: str, headline: str) -> None:
    got = row(S.summarise(load(folder)), treatment, condition)
    assert got["verdict"] == verdict
    assert got["headline"] == headline


def test_every_verdict_is_exercised_by_the_rules_fixture() -> None:
    verdicts = set(S.summarise(load("summary-rules"))["verdict"].astype(str))
    assert verdicts == set(S.VERDICTS)


def test_timeframe_columns_join_effects_in_contract_order() -> None:
    frame = S.summarise(load("summary-rules"))
    opioids = row(frame, "opioids", "low-back-pain")
    assert (opioids["short_term"], opioids["medium_term"], opioids["long_term"]) == (None, None, "no_benefit|harm")
    manipulation = row(frame, "spinal-manipulation", "low-back-pain")
    assert manipulation["short_term"] == "benefit|no_benefit"


def test_unspecified_statements_fill_no_timeframe_column() -> None:
    antidepressants = row(S.summarise(load("summary-rules")), "antidepressants", "low-back-pain")
    # benefit at short term; the harm is `unspecified`, so it shows in no column (but in the verdict)
    assert antidepressants["short_term"] == "benefit"
    assert antidepressants["medium_term"] is None and antidepressants["long_term"] is None
    assert antidepressants["verdict"] == "benefit_with_harms"


def test_sources_count_distinct_sources_and_best_type_is_the_strongest() -> None:
    frame = S.summarise(load("summary-rules"))
    discectomy = row(frame, "discectomy", "sciatica")  # two statements, one trial
    assert (discectomy["sources"], discectomy["best_source_type"]) == (1, "trial")
    epidural = row(frame, "epidural-steroids", "sciatica")  # a review and a guideline
    assert (epidural["sources"], epidural["best_source_type"]) == (2, "guideline")
    acupuncture = row(frame, "acupuncture", "hip-oa")
    assert acupuncture["best_source_type"] == "blog"


# --------------------------------------------------------------------------- precedence

PRECEDENCE = [
    # (treatment, condition, verdict, why)
    ("fusion", "low-back-pain", "conflicting", "1 over 2: benefit short + no_benefit long, but another source "
                                                "says no_benefit short"),
    ("epidural-steroids", "sciatica", "short_term_only", "2 over 9: benefit, no_benefit and harm"),
    ("nsaids", "low-back-pain", "benefit_with_harms", "3 over 4 (and 4 over 7): benefit, harm, insufficient"),
    ("heat", "low-back-pain", "benefit", "4 over 7: benefit and insufficient"),
    ("opioids", "sciatica", "harm", "5 over 6: harm and no_benefit, no benefit"),
    ("gabapentin", "low-back-pain", "no_benefit", "6 over 7: no_benefit and insufficient"),
    ("tens", "low-back-pain", "insufficient", "7 over 8: a comparator statement does not make it comparison_only"),
    ("hip-injection", "hip-oa", "mixed", "9: benefit, no_benefit and harm from one source at one timeframe"),
]


@pytest.mark.parametrize(("treatment", "condition", "verdict", "why"), PRECEDENCE, ids=[p[0] for p in PRECEDENCE])
def test_precedence(treatment: str, condition: str, verdict: str, why: str) -> None:
    assert row(S.summarise(load("summary-precedence")), treatment, condition)["verdict"] == verdict, why


def test_headlines_follow_the_timeframes() -> None:
    frame = S.summarise(load("summary-precedence"))
    assert row(frame, "epidural-steroids", "sciatica")["headline"] == "short-term improvement only, with harms"
    assert row(frame, "gabapentin", "low-back-pain")["headline"] == "no short- or long-term benefit"
    assert row(frame, "heat", "low-back-pain")["headline"] == "short-term benefit"
    assert row(frame, "hip-injection", "hip-oa")["headline"] == "mixed results, with harms"
    assert row(frame, "tens", "low-back-pain")["headline"] == "insufficient evidence"


# --------------------------------------------------------------------------- timeframes and sources


def conflict_pairs(dataset: Dataset) -> set[tuple[str, str]]:
    c = S.conflicts(dataset)
    return set(zip(c["treatment_id"], c["condition_id"], strict=True))


def test_same_source_disagreement_is_not_a_conflict() -> None:
    frame = S.summarise(load("summary-timeframes"))
    same = row(frame, "same-source-same-time", "low-back-pain")
    assert same["verdict"] == "mixed"
    assert same["headline"] == "mixed results"


def test_cross_source_disagreement_at_different_timeframes_is_not_a_conflict() -> None:
    other = row(S.summarise(load("summary-timeframes")), "cross-source-other-time", "low-back-pain")
    assert other["verdict"] == "mixed"
    assert other["headline"] == "benefit at short term, none at medium term"


def test_cross_source_disagreement_at_the_same_timeframe_is_a_conflict() -> None:
    assert row(S.summarise(load("summary-timeframes")), "cross-source-same-time", "low-back-pain")["verdict"] \
        == "conflicting"


@pytest.mark.parametrize("treatment", ["unspecified-vs-short", "unspecified-vs-medium", "unspecified-vs-long",
                                       "unspecified-vs-unspecified"])
def test_unspecified_overlaps_every_timeframe(treatment: str) -> None:
    dataset = load("summary-timeframes")
    assert (treatment, "low-back-pain") in conflict_pairs(dataset)
    assert row(S.summarise(dataset), treatment, "low-back-pain")["verdict"] == "conflicting"


def test_unspecified_against_a_timeframe_from_one_source_is_not_a_conflict() -> None:
    dataset = load("summary-timeframes")
    assert ("same-source-unspecified", "low-back-pain") not in conflict_pairs(dataset)
    assert row(S.summarise(dataset), "same-source-unspecified", "low-back-pain")["verdict"] == "mixed"


def test_harm_against_benefit_is_not_a_conflict() -> None:
    dataset = load("summary-timeframes")
    assert ("harm-vs-benefit", "low-back-pain") not in conflict_pairs(dataset)
    assert row(S.summarise(dataset), "harm-vs-benefit", "low-back-pain")["verdict"] == "benefit_with_harms"


def test_three_sources_where_one_disagrees_with_two() -> None:
    dataset = load("summary-three-sources")
    c = S.conflicts(dataset)
    manipulation = c[c["treatment_id"] == "spinal-manipulation"]
    # one row per disagreeing pair, never the two agreeing statements, evidence_a < evidence_b
    assert manipulation[["evidence_a", "evidence_b"]].values.tolist() == [["m-1", "m-2"], ["m-1", "m-3"]]
    assert manipulation[["value_a", "value_b"]].values.tolist() == [["no_benefit", "benefit"]] * 2
    assert manipulation[["source_a", "source_b"]].values.tolist() == [["guide-a", "trial-c"], ["guide-a", "review-b"]]
    frame = S.summarise(dataset)
    assert row(frame, "spinal-manipulation", "low-back-pain")["headline"] == \
        "sources disagree on benefit (2 for, 1 against)"
    assert row(frame, "spinal-manipulation", "low-back-pain")["sources"] == 3


def test_three_sources_recommendation_one_for_two_against() -> None:
    dataset = load("summary-three-sources")
    c = S.conflicts(dataset)
    acupuncture = c[c["treatment_id"] == "acupuncture"]
    assert set(acupuncture["kind"]) == {"recommendation"}  # benefit short vs no_benefit long: no effect conflict
    assert acupuncture[["evidence_a", "evidence_b"]].values.tolist() == [["a-1", "a-2"], ["a-1", "a-3"]]
    assert row(S.summarise(dataset), "acupuncture", "low-back-pain")["headline"] == \
        "sources disagree on recommending it (1 for, 2 against)"


# --------------------------------------------------------------------------- comparators


def test_comparator_statements_are_left_out_of_the_verdict_but_count_as_sources() -> None:
    mckenzie = row(S.summarise(load("summary-comparators")), "mckenzie", "low-back-pain")
    # a blog says benefit; a guideline says no better than manipulation (a comparison) and advises against
    assert mckenzie["verdict"] == "benefit"
    assert mckenzie["short_term"] == "benefit"
    assert mckenzie["sources"] == 2
    assert mckenzie["best_source_type"] == "guideline"
    assert S.conflicts(load("summary-comparators")).empty


def test_comparison_only_names_what_it_was_compared_with() -> None:
    frame = S.summarise(load("summary-comparators"))
    yoga = row(frame, "yoga", "low-back-pain")
    assert yoga["verdict"] == "comparison_only"
    assert yoga["headline"] == "compared with Education and Stretching only"
    assert (yoga["short_term"], yoga["medium_term"], yoga["long_term"]) == (None, None, None)
    assert row(frame, "pilates", "sciatica")["headline"] == "compared with 3 other treatments only"


# --------------------------------------------------------------------------- recommendations


def test_recommendation_only_conflict() -> None:
    dataset = load("summary-recommendation")
    exercise = row(S.summarise(dataset), "exercise", "low-back-pain")
    assert exercise["verdict"] == "conflicting"  # both say benefit; one recommends, one advises against
    assert exercise["headline"] == "sources disagree on recommending it (1 for, 1 against)"
    c = S.conflicts(dataset)
    assert c[c["treatment_id"] == "exercise"][["kind", "value_a", "value_b"]].values.tolist() == [
        ["recommendation", "recommend", "against"]]


def test_consider_against_against_is_a_conflict_but_recommend_and_consider_agree() -> None:
    frame = S.summarise(load("summary-recommendation"))
    assert row(frame, "massage", "low-back-pain")["verdict"] == "conflicting"
    assert row(frame, "acupuncture", "low-back-pain")["verdict"] == "benefit"
    assert row(frame, "heat", "low-back-pain")["verdict"] == "benefit"  # recommend and against from one source


def test_a_pair_conflicting_on_both_kinds_has_one_row_per_kind() -> None:
    dataset = load("summary-recommendation")
    c = S.conflicts(dataset)
    manipulation = c[c["treatment_id"] == "manipulation"]
    assert manipulation["kind"].tolist() == ["effect", "recommendation"]
    assert set(manipulation["evidence_a"]) == {"man-1"} and set(manipulation["evidence_b"]) == {"man-2"}
    assert row(S.summarise(dataset), "manipulation", "low-back-pain")["headline"] == \
        "sources disagree on benefit and on recommending it"


# --------------------------------------------------------------------------- --condition and statements


def test_condition_includes_narrower_conditions_transitively() -> None:
    dataset = read_valid(DATA / "queries")
    pairs = S.summarise(dataset, condition="low-back-pain")
    assert {"low-back-pain", "chronic-low-back-pain", "sciatica", "lumbar-radiculopathy"} >= set(pairs["condition_id"])
    assert "lumbar-radiculopathy" in set(pairs["condition_id"])  # two levels down
    assert "hip-oa" not in set(pairs["condition_id"])
    only = S.summarise(dataset, condition="sciatica")
    assert set(only["condition_id"]) == {"sciatica", "lumbar-radiculopathy"}
    assert S.narrower_conditions(dataset, "sciatica") == ["lumbar-radiculopathy", "sciatica"]


def test_unknown_condition_is_an_error_naming_it() -> None:
    with pytest.raises(S.UnknownIdError, match="no-such-condition"):
        S.summarise(load("summary-rules"), condition="no-such-condition")


def test_a_condition_without_statements_gives_an_empty_summary() -> None:
    frame = S.summarise(read_valid(DATA / "queries"), condition="bed-rest")
    assert frame["treatment_id"].tolist() == ["exercise"]  # the condition 'bed-rest' (a treatment shares the slug)


def test_statements_behind_a_pair() -> None:
    rows = S.statements(load("summary-comparators"), "mckenzie", "low-back-pain")
    assert list(rows.columns) == list(S.STATEMENT_COLUMNS)
    assert rows["evidence_id"].tolist() == ["mck-1", "mck-2"]
    assert rows["in_verdict"].tolist() == [True, False]
    assert rows["comparator"].tolist()[1] == "Spinal manipulation"
    assert rows["source_type"].astype(str).tolist() == ["blog", "guideline"]


def test_statements_name_the_statements_they_conflict_with() -> None:
    rows = S.statements(load("summary-three-sources"), "spinal-manipulation")
    by_id = dict(zip(rows["evidence_id"], rows["conflicts_with"], strict=True))
    assert by_id == {"m-1": "m-2|m-3", "m-2": "m-1", "m-3": "m-1"}


def test_statements_unknown_ids() -> None:
    dataset = load("summary-rules")
    with pytest.raises(S.UnknownIdError, match="nope"):
        S.statements(dataset, treatment="nope")
    with pytest.raises(S.UnknownIdError, match="nowhere"):
        S.statements(dataset, condition="nowhere")


def test_json_and_table_output() -> None:
    import json

    frame = S.summarise(load("summary-rules"), condition="sciatica")
    records = json.loads(S.to_json(frame))
    assert [r["treatment_id"] for r in records] == ["discectomy", "epidural-steroids"]
    assert records[0]["short_term"] is None and records[0]["sources"] == 1
    table = S.to_table(frame)
    assert table.splitlines()[0].split() == list(S.SUMMARY_COLUMNS)
    assert "better at one year only" in table


# --------------------------------------------------------------------------- bundled data


@pytest.mark.skipif(not (BUNDLED / "evidence.csv").is_file(), reason="no bundled data")
def test_bundled_data_has_one_row_per_pair() -> None:
    dataset = read_valid(BUNDLED)
    frame = S.summarise(dataset)
    pairs = dataset.evidence[["treatment", "condition"]].drop_duplicates()
    assert len(frame) == len(pairs)
    assert frame["headline"].notna().all() and (frame["headline"].str.len() > 0).all()
    assert set(frame["verdict"].astype(str)) <= set(S.VERDICTS)


# --------------------------------------------------------------------------- the verdict and the query agree
#
# `conflicting` must hold for exactly the pairs the `conflicts` query lists, and
# summary.conflicts() must give the query's rows. Checked on every fixture
# folder, on the bundled data, on synthetic data, and on random small tables
# against a plain-Python reading of the contract.


def sparql(dataset: Dataset, name: str) -> pd.DataFrame:
    from kg import engines, results

    frame = results.to_dataframe(engines.run(name, engines.OxigraphEngine.from_dataset(dataset)))
    return frame.astype(object).where(frame.notna(), "").astype(str)


def assert_summary_agrees_with_queries(dataset: Dataset) -> None:
    mine = as_text(S.conflicts(dataset))
    query = sparql(dataset, "conflicts")
    pd.testing.assert_frame_equal(mine, query[list(S.CONFLICT_COLUMNS)])
    frame = S.summarise(dataset)
    conflicting = frame[frame["verdict"] == "conflicting"]
    assert set(zip(conflicting["treatment_id"], conflicting["condition_id"], strict=True)) == set(
        zip(query["treatment_id"], query["condition_id"], strict=True))
    # the SPARQL version of every verdict rule (treatments-by-category) agrees too
    verdicts = sparql(dataset, "treatments-by-category")
    by_query = dict(zip(zip(verdicts["treatment_id"], verdicts["condition_id"], strict=True), verdicts["verdict"],
                        strict=True))
    by_summary = dict(zip(zip(frame["treatment_id"], frame["condition_id"], strict=True),
                          frame["verdict"].astype(str), strict=True))
    assert by_query == by_summary


AGREEMENT_FOLDERS = [*FOLDERS, "queries"]


@pytest.mark.parametrize("name", AGREEMENT_FOLDERS)
def test_conflicting_verdict_and_conflicts_query_agree_on_fixtures(name: str) -> None:
    assert_summary_agrees_with_queries(read_valid(DATA / name))


@pytest.mark.skipif(not (BUNDLED / "evidence.csv").is_file(), reason="no bundled data")
def test_conflicting_verdict_and_conflicts_query_agree_on_bundled_data() -> None:
    assert_summary_agrees_with_queries(read_valid(BUNDLED))


def test_conflicting_verdict_and_conflicts_query_agree_on_synthetic_data(script: Callable[[str], Any]) -> None:
    dataset = script("synth").dataset(3000, seed=11)
    frame = S.summarise(dataset)
    assert (frame["verdict"] == "conflicting").sum() > 10  # the generator does make conflicts
    assert_summary_agrees_with_queries(dataset)


def test_synthetic_folders_are_contract_valid(tmp_path: Path, script: Callable[[str], Any]) -> None:
    synth = script("synth")
    folder = synth.write(tmp_path / "synth", synth.generate(500, seed=3))
    dataset = read_valid(folder)
    assert len(dataset.evidence) == 500
    assert dataset.conditions["parent"].notna().any() and dataset.treatments["parent"].notna().any()
    assert dataset.evidence["comparator"].notna().any()
    again = synth.generate(500, seed=3)["evidence"]
    assert again.equals(synth.generate(500, seed=3)["evidence"])  # deterministic with a seed


# --------------------------------------------------------------------------- property test

def oracle_conflicts(ev: pd.DataFrame) -> list[tuple[str, ...]]:
    """The contract's definition read literally: every pair of rows, one at a time."""
    from itertools import combinations

    rows = [{k: (None if pd.isna(v) else str(v)) for k, v in r.items()} for r in ev.to_dict("records")]
    out = set()
    for p, q in combinations(rows, 2):
        if (p["treatment"], p["condition"]) != (q["treatment"], q["condition"]):
            continue
        if p["source"] == q["source"] or p["comparator"] or q["comparator"]:
            continue
        a, b = sorted([p, q], key=lambda r: str(r["id"]))
        base = (a["treatment"], a["condition"])
        if {a["effect"], b["effect"]} == {"benefit", "no_benefit"} and (
                a["timeframe"] == b["timeframe"] or "unspecified" in (a["timeframe"], b["timeframe"])):
            out.add((*base, "effect", a["id"], b["id"], a["source"], b["source"], a["effect"], b["effect"],
                     a["timeframe"], b["timeframe"]))
        recs = {a["recommendation"], b["recommendation"]}
        if "against" in recs and recs & {"recommend", "consider"}:
            out.add((*base, "recommendation", a["id"], b["id"], a["source"], b["source"], a["recommendation"],
                     b["recommendation"], a["timeframe"], b["timeframe"]))
    return sorted(out)  # type: ignore[arg-type]


def oracle_verdict(rows: list[dict[str, str | None]], conflicting: bool) -> str:
    """Contract section 3, rule by rule."""
    free = [r for r in rows if not r["comparator"]]
    effects = {r["effect"] for r in free}
    at = {(r["timeframe"], r["effect"]) for r in free}
    if conflicting:
        return "conflicting"
    if ({("short_term", "benefit"), ("medium_term", "benefit")} & at) and ("long_term", "no_benefit") in at:
        return "short_term_only"
    if {"benefit", "harm"} <= effects and "no_benefit" not in effects:
        return "benefit_with_harms"
    if "benefit" in effects and "no_benefit" not in effects:
        return "benefit"
    if "harm" in effects and "benefit" not in effects:
        return "harm"
    if "no_benefit" in effects and "benefit" not in effects:
        return "no_benefit"
    if effects == {"insufficient"}:
        return "insufficient"
    if not free:
        return "comparison_only"
    return "mixed"


def dataset_of(statements: list[dict[str, str]]) -> Dataset:
    from kg.model import typed_frame
    from kg.schema import TABLES

    tables = {
        "sources": pd.DataFrame({"id": ["s1", "s2", "s3"], "title": ["A", "B", "C"],
                                 "type": ["guideline", "trial", "blog"]}),
        "conditions": pd.DataFrame({"id": ["c1", "c2"], "label": ["C1", "C2"], "parent": ["", "c1"]}),
        "treatments": pd.DataFrame({"id": ["t1", "t2", "t3"], "label": ["T1", "T2", "T3"], "parent": ["", "t1", ""],
                                    "category": ["other"] * 3}),
        "evidence": pd.DataFrame(statements, columns=["id", "treatment", "condition", "source", "effect", "timeframe",
                                                      "recommendation", "comparator", "summary", "quote"]),
    }
    frames = {n: typed_frame(TABLES[n], f.astype("string"), list(f.columns)) for n, f in tables.items()}
    return Dataset(frames["sources"], frames["conditions"], frames["treatments"], frames["evidence"])


def _statements():  # type: ignore[no-untyped-def]
    from hypothesis import strategies as st

    one = st.fixed_dictionaries({
        "treatment": st.sampled_from(["t1", "t2"]),
        "condition": st.sampled_from(["c1", "c2"]),
        "source": st.sampled_from(["s1", "s2", "s3"]),
        "effect": st.sampled_from(["benefit", "no_benefit", "harm", "insufficient"]),
        "timeframe": st.sampled_from(["short_term", "medium_term", "long_term", "unspecified"]),
        "recommendation": st.sampled_from(["", "", "recommend", "consider", "against"]),
        "comparator": st.sampled_from(["", "", "", "t3"]),
    })
    return st.lists(one, min_size=1, max_size=12).flatmap(
        lambda rows: st.permutations(range(len(rows))).map(
            lambda order: [{**r, "id": f"e{order[i]:02d}", "summary": "s", "quote": "q"} for i, r in enumerate(rows)]
        )
    )


def test_property_summary_conflicts_and_query_agree_with_the_contract() -> None:
    from hypothesis import given, settings

    @settings(max_examples=60, deadline=None)
    @given(_statements())
    def check(statements: list[dict[str, str]]) -> None:
        dataset = dataset_of(statements)
        expected_rows = oracle_conflicts(dataset.evidence)
        got = as_text(S.conflicts(dataset))
        assert [tuple(r) for r in got.itertuples(index=False)] == expected_rows
        query = sparql(dataset, "conflicts")[list(S.CONFLICT_COLUMNS)]
        assert [tuple(r) for r in query.itertuples(index=False)] == expected_rows

        frame = S.summarise(dataset)
        pairs_in_conflict = {(r[0], r[1]) for r in expected_rows}
        ev = dataset.evidence
        for r in frame.itertuples(index=False):
            mine = ev[(ev["treatment"] == r.treatment_id) & (ev["condition"] == r.condition_id)]
            rows = [{k: (None if pd.isna(v) else str(v)) for k, v in x.items()} for x in mine.to_dict("records")]
            want = oracle_verdict(rows, (r.treatment_id, r.condition_id) in pairs_in_conflict)
            assert str(r.verdict) == want, (rows, want)
            assert r.sources == len({x["source"] for x in rows})
        assert_summary_agrees_with_queries(dataset)

    check()


# --------------------------------------------------------------------------- strength (contract section 5)
#
# The strength rules are in kg.verdicts (docs/summary-rules.md is generated from them). Here:
# a plain-Python reading of them pair by pair, and the properties issue 11 asks for, under
# Hypothesis, on random small tables.

POOL = pd.DataFrame({
    "id": ["g1", "g2", "r1", "r2", "t1", "o1", "a1", "e1", "p1", "b1", "f1"],
    "title": list("ABCDEFGHIJK"),
    "type": ["guideline", "guideline", "systematic_review", "systematic_review", "trial", "observational_study",
             "reference_article", "expert_opinion", "patient_education", "blog", "forum"],
    # r2 shares g1's publisher: the two are one independent source
    "publisher": ["Pub A", "Pub B", "Pub C", "pub a", "Pub D", "", "", "", "", "", ""],
})
TYPE_RANK = {t: i for i, t in enumerate(["guideline", "systematic_review", "trial", "observational_study",
                                         "reference_article", "expert_opinion", "patient_education", "blog",
                                         "forum"])}
COHERENT = {"benefit": ["", "recommend", "consider"], "no_benefit": ["", "against"], "harm": ["", "against"],
            "insufficient": ["", "recommend", "consider", "against"]}


def pool_dataset(statements: list[dict[str, str]], sources: pd.DataFrame = POOL) -> Dataset:
    from kg.model import typed_frame
    from kg.schema import TABLES

    tables = {
        "sources": sources,
        "conditions": pd.DataFrame({"id": ["c1", "c2"], "label": ["C1", "C2"], "parent": ["", "c1"]}),
        "treatments": pd.DataFrame({"id": ["t1", "t2", "t3"], "label": ["T1", "T2", "T3"], "parent": ["", "t1", ""],
                                    "category": ["other"] * 3}),
        "evidence": pd.DataFrame(statements, columns=["id", "treatment", "condition", "source", "effect", "timeframe",
                                                      "certainty", "recommendation", "comparator", "summary",
                                                      "quote"]),
    }
    frames = {n: typed_frame(TABLES[n], f.astype("string"), list(f.columns)) for n, f in tables.items()}
    return Dataset(frames["sources"], frames["conditions"], frames["treatments"], frames["evidence"])


def _one_statement(sources: list[str] | None = None):  # type: ignore[no-untyped-def]
    from hypothesis import strategies as st

    return st.fixed_dictionaries({
        "treatment": st.sampled_from(["t1", "t2"]),
        "condition": st.sampled_from(["c1", "c2"]),
        "source": st.sampled_from(sources or list(POOL["id"])),
        "effect": st.sampled_from(["benefit", "no_benefit", "harm", "insufficient"]),
        "timeframe": st.sampled_from(["short_term", "medium_term", "long_term", "unspecified"]),
        "certainty": st.sampled_from(["", "", "high", "moderate", "low", "very_low"]),
        "recommendation": st.sampled_from(["", "", "recommend", "consider", "against"]),
        "comparator": st.sampled_from(["", "", "", "", "t3"]),
    })


def _pool_statements(sources: list[str] | None = None, max_size: int = 10):  # type: ignore[no-untyped-def]
    from hypothesis import strategies as st

    return st.lists(_one_statement(sources), min_size=1, max_size=max_size).map(
        lambda rows: [{**r, "id": f"e{i:02d}", "summary": "s", "quote": "q"} for i, r in enumerate(rows)])


def _in_side(statement: dict[str, str], side: str) -> bool:
    """Is a statement in a side of kg.verdicts.SIDES (read from its definition, one statement at a time)?"""
    from kg.verdicts import SIDES, Side

    sd = SIDES[Side(side)]
    if sd.comparison:
        return bool(statement["comparator"])
    if statement["comparator"]:
        return False
    return (statement["effect"] in sd.effects and statement["timeframe"] in sd.timeframes) or (
        statement["recommendation"] in sd.recommendations)


def oracle_strength(rows: list[dict[str, str]], verdict: str) -> tuple[str, int, int]:
    """kg.verdicts' strength rules read one statement at a time: (strength, agreeing, disagreeing)."""
    from kg.verdicts import GRADES, RULE, STRENGTHS, TIERS, Counts, SourceType, Strength, Tier, Verdict

    pub = dict(zip(POOL["id"], POOL["publisher"], strict=True))
    kind = dict(zip(POOL["id"], POOL["type"], strict=True))

    def key(source: str) -> str:
        return pub[source].strip().casefold() or source

    def grade(side_rows: list[dict[str, str]]) -> Strength:
        def n(pred: Callable[[dict[str, str]], bool]) -> int:
            return len({key(r["source"]) for r in side_rows if pred(r)})

        def tier(r: dict[str, str]) -> Tier:
            return TIERS[SourceType(kind[r["source"]])]

        def certain(r: dict[str, str]) -> bool:
            return r["certainty"] in ("high", "moderate")

        counts = Counts(
            synthesis=n(lambda r: tier(r) is Tier.SYNTHESIS),
            synthesis_certain=n(lambda r: tier(r) is Tier.SYNTHESIS and certain(r)),
            research=n(lambda r: tier(r) in (Tier.SYNTHESIS, Tier.STUDY)),
            research_certain=n(lambda r: tier(r) in (Tier.SYNTHESIS, Tier.STUDY) and certain(r)),
            known=n(lambda r: tier(r) is not Tier.ANECDOTE),
        )
        return next(g.strength for g in GRADES if g.holds(counts))

    rule = RULE[Verdict(verdict)]
    if rule.strength_sides:
        grades = [grade(s) for s in ([r for r in rows if _in_side(r, side)] for side in rule.strength_sides) if s]
        strength = max(grades, key=STRENGTHS.index) if grades else Strength.VERY_WEAK
    else:
        anecdote = any(TIERS[SourceType(kind[r["source"]])] is Tier.ANECDOTE for r in rows if not r["comparator"])
        strength = Strength.VERY_WEAK if anecdote else Strength.WEAK
    agreeing = len({r["source"] for r in rows if any(_in_side(r, s) for s in rule.agree)})
    disagreeing = len({r["source"] for r in rows if any(_in_side(r, s) for s in rule.disagree)})
    return str(strength), agreeing, disagreeing


def pair_rows(dataset: Dataset, treatment: str, condition: str) -> list[dict[str, str]]:
    ev = dataset.evidence
    mine = ev[(ev["treatment"] == treatment) & (ev["condition"] == condition)]
    return [{k: ("" if pd.isna(v) else str(v)) for k, v in x.items()} for x in mine.to_dict("records")]


def strength_of(dataset: Dataset, treatment: str, condition: str) -> tuple[str, str]:
    r = row(S.summarise(dataset), treatment, condition)
    return str(r["verdict"]), str(r["strength"])


def rank(strength: str) -> int:
    """0 for strong .. 3 for very_weak."""
    return ["strong", "moderate", "weak", "very_weak"].index(strength)


def test_property_strength_follows_the_rules_pair_by_pair() -> None:
    from hypothesis import given, settings

    @settings(max_examples=80, deadline=None)
    @given(_pool_statements())
    def check(statements: list[dict[str, str]]) -> None:
        dataset = pool_dataset(statements)
        for r in S.summarise(dataset).itertuples(index=False):
            rows = pair_rows(dataset, r.treatment_id, r.condition_id)
            assert (str(r.strength), r.agreeing_sources, r.disagreeing_sources) == oracle_strength(
                rows, str(r.verdict)), rows

    check()


def test_property_blog_or_forum_only_pairs_are_very_weak() -> None:
    from hypothesis import given, settings

    @settings(max_examples=60, deadline=None)
    @given(_pool_statements(), _pool_statements(["b1", "f1"]))
    def check(others: list[dict[str, str]], anecdotes: list[dict[str, str]]) -> None:
        # the anecdotes are about t3/c2, which nothing else is about
        mine = [{**r, "id": f"x{i:02d}", "treatment": "t3", "condition": "c2", "comparator": r["comparator"] and "t1"}
                for i, r in enumerate(anecdotes)]
        dataset = pool_dataset(others + mine)
        frame = S.summarise(dataset)
        assert str(row(frame, "t3", "c2")["strength"]) == "very_weak"
        # and every pair whose sources are all blogs or forums, wherever it is
        for r in frame.itertuples(index=False):
            if {x["source"] for x in pair_rows(dataset, r.treatment_id, r.condition_id)} <= {"b1", "f1"}:
                assert str(r.strength) == "very_weak"

    check()


def _candidates(pair: tuple[str, str], sources: list[str]) -> list[dict[str, str]]:
    """Every statement about `pair` from one of `sources` (recommendations coherent with the effect)."""
    from itertools import product

    return [{"id": "z99", "treatment": pair[0], "condition": pair[1], "source": src, "effect": eff, "timeframe": tf,
             "certainty": cert, "recommendation": rec, "comparator": comp, "summary": "s", "quote": "q"}
            for src, eff, tf, cert, comp in product(sources, COHERENT, ["short_term", "medium_term", "long_term",
                                                                         "unspecified"], ["", "moderate", "low"],
                                                     ["", "t3"])
            for rec in COHERENT[eff]]


def _added(statements: list[dict[str, str]], data: Any, side: str, better_only: bool
           ) -> tuple[tuple[str, str], str, str, dict[str, str] | None]:
    """A pair of `statements`, its verdict and strength, and a statement that agrees (or disagrees) with it."""
    from hypothesis import strategies as st

    from kg.verdicts import RULE, Verdict

    dataset = pool_dataset(statements)
    pair = data.draw(st.sampled_from(sorted({(r["treatment"], r["condition"]) for r in statements})))
    verdict, strength = strength_of(dataset, *pair)
    sources = list(POOL["id"])
    if better_only:
        best = min(TYPE_RANK[t] for t in POOL.set_index("id").loc[[r["source"] for r in pair_rows(dataset, *pair)],
                                                                    "type"])
        sources = [s for s, t in zip(POOL["id"], POOL["type"], strict=True) if TYPE_RANK[t] <= best]
    rule = RULE[Verdict(verdict)]
    this, other = (rule.agree, rule.disagree) if side == "agree" else (rule.disagree, rule.agree)
    if side == "disagree":
        # A statement on a side the strength is graded on is evidence for the verdict whatever else it says:
        # `mixed` grades every side, so better evidence against makes "they point different ways" firmer.
        other = other + rule.strength_sides
    fits = [c for c in _candidates(pair, sources)
            if any(_in_side(c, s) for s in this) and not any(_in_side(c, s) for s in other)]
    return pair, verdict, strength, (data.draw(st.sampled_from(fits)) if fits else None)


def test_property_an_agreeing_statement_from_an_equal_or_better_source_never_lowers_strength() -> None:
    from hypothesis import assume, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=80, deadline=None)
    @given(_pool_statements(), st.data())
    def check(statements: list[dict[str, str]], data: st.DataObject) -> None:
        pair, verdict, strength, new = _added(statements, data, "agree", better_only=True)
        assume(new is not None)
        assert new is not None
        new_verdict, new_strength = strength_of(pool_dataset([*statements, new]), *pair)
        assume(new_verdict == verdict)  # it agrees: it restates the verdict rather than changing it
        assert rank(new_strength) <= rank(strength), (statements, new)

    check()


def test_property_a_disagreeing_statement_never_raises_strength() -> None:
    from hypothesis import assume, given, settings
    from hypothesis import strategies as st

    @settings(max_examples=80, deadline=None)
    @given(_pool_statements(), st.data())
    def check(statements: list[dict[str, str]], data: st.DataObject) -> None:
        pair, _, strength, new = _added(statements, data, "disagree", better_only=False)
        assume(new is not None)
        assert new is not None
        _, new_strength = strength_of(pool_dataset([*statements, new]), *pair)
        assert rank(new_strength) >= rank(strength), (statements, new)

    check()


def test_property_independent_guidelines_or_reviews_agreeing_with_certainty_outrank_any_single_source_pair() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=80, deadline=None)
    @given(_pool_statements(), st.sampled_from(["benefit", "no_benefit", "harm", "insufficient"]),
           st.lists(st.tuples(st.sampled_from(["g1", "g2", "r1", "r2"]),
                              st.sampled_from(["short_term", "medium_term", "long_term", "unspecified"]),
                              st.sampled_from(["high", "moderate"])), min_size=2, max_size=5))
    def check(others: list[dict[str, str]], effect: str, backers: list[tuple[str, str, str]]) -> None:
        independent = {POOL.set_index("id").loc[s, "publisher"].casefold() for s, _, _ in backers}
        if len(independent) < 2:
            backers = [*backers, ("g2" if "pub b" not in independent else "r1", backers[0][1], "high")]
        mine = [{"id": f"y{i:02d}", "treatment": "t3", "condition": "c2", "source": s, "effect": effect,
                 "timeframe": tf, "certainty": c, "recommendation": "", "comparator": "", "summary": "s",
                 "quote": "q"} for i, (s, tf, c) in enumerate(backers)]
        frame = S.summarise(pool_dataset(others + mine))
        strong = rank(str(row(frame, "t3", "c2")["strength"]))
        single = frame[frame["sources"] == 1]
        for r in single.itertuples(index=False):
            assert strong < rank(str(r.strength))

    check()


def test_property_summary_does_not_depend_on_row_order() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @settings(max_examples=60, deadline=None)
    @given(_pool_statements(), st.randoms(use_true_random=False))
    def check(statements: list[dict[str, str]], rnd: Any) -> None:
        shuffled = list(statements)
        rnd.shuffle(shuffled)
        pool = POOL.sample(frac=1, random_state=rnd.randrange(1000)).reset_index(drop=True)
        a = pool_dataset(statements)
        b = pool_dataset(shuffled, pool)
        assert S.to_csv(S.summarise(a)) == S.to_csv(S.summarise(b))
        assert S.to_csv(S.related_conflicts(a)) == S.to_csv(S.related_conflicts(b))

    check()


# --------------------------------------------------------------------------- related conflicts
#
# kg.summary.related_conflicts() and the `related-conflicts` saved query (Oxigraph and rdflib)
# give the same rows, and they are the rows a plain reading of the definition gives, pair of
# statements by pair of statements.


def oracle_related(dataset: Dataset) -> list[tuple[str, ...]]:
    from itertools import combinations

    def chain(table: pd.DataFrame, ident: str) -> set[str]:
        parents = {str(i): (None if pd.isna(p) else str(p)) for i, p in zip(table["id"], table["parent"],
                                                                             strict=True)}
        out = {ident}
        while parents.get(ident):
            ident = parents[ident]  # type: ignore[assignment]
            out.add(ident)
        return out

    def related(table: pd.DataFrame, a: str, b: str) -> bool:
        return a in chain(table, b) or b in chain(table, a)

    rows = [{k: (None if pd.isna(v) else str(v)) for k, v in r.items()} for r in dataset.evidence.to_dict("records")]
    out = set()
    for p, q in combinations(rows, 2):
        if p["source"] == q["source"] or p["comparator"] or q["comparator"]:
            continue
        if (p["treatment"], p["condition"]) == (q["treatment"], q["condition"]):
            continue
        if not (related(dataset.treatments, p["treatment"], q["treatment"])  # type: ignore[arg-type]
                and related(dataset.conditions, p["condition"], q["condition"])):  # type: ignore[arg-type]
            continue
        a, b = sorted([p, q], key=lambda r: str(r["id"]))
        t_differ, c_differ = a["treatment"] != b["treatment"], a["condition"] != b["condition"]
        relation = ("broader treatment and condition" if t_differ and c_differ
                    else "broader treatment" if t_differ else "broader condition")
        base = (a["id"], b["id"], a["source"], b["source"], a["treatment"], b["treatment"], a["condition"],
                b["condition"])
        if {a["effect"], b["effect"]} == {"benefit", "no_benefit"} and (
                a["timeframe"] == b["timeframe"] or "unspecified" in (a["timeframe"], b["timeframe"])):
            out.add((*base, "effect", a["effect"], b["effect"], a["timeframe"], b["timeframe"], relation))
        recs = {a["recommendation"], b["recommendation"]}
        if "against" in recs and recs & {"recommend", "consider"}:
            out.add((*base, "recommendation", a["recommendation"], b["recommendation"], a["timeframe"],
                     b["timeframe"], relation))
    return sorted(out, key=lambda r: (r[0], r[1], r[8]))  # type: ignore[arg-type,return-value]


def sparql_on(dataset: Dataset, name: str, engine: str) -> pd.DataFrame:
    from kg import engines, results

    frame = results.to_dataframe(engines.run(name, engines.OxigraphEngine.from_dataset(dataset), using=engine))
    return frame.astype(object).where(frame.notna(), "").astype(str)


def assert_related_conflicts_agree(dataset: Dataset, engines: tuple[str, ...] = ("oxigraph", "rdflib")) -> None:
    mine = as_text(S.related_conflicts(dataset))
    assert list(mine.columns) == list(S.RELATED_CONFLICT_COLUMNS)
    for engine in engines:
        pd.testing.assert_frame_equal(mine, sparql_on(dataset, "related-conflicts", engine)[
            list(S.RELATED_CONFLICT_COLUMNS)], obj=engine)
    # the summary counts each related conflict once for each of its two pairs
    frame = S.summarise(dataset)
    counted = pd.concat([mine[["treatment_a", "condition_a"]].set_axis(["t", "c"], axis=1),
                         mine[["treatment_b", "condition_b"]].set_axis(["t", "c"], axis=1)]).value_counts()
    for r in frame.itertuples(index=False):
        assert r.related_conflicts == counted.get((r.treatment_id, r.condition_id), 0)


@pytest.mark.parametrize("name", [*FOLDERS, "queries", "strength-guidelines"])
def test_related_conflicts_agree_on_fixtures(name: str) -> None:
    assert_related_conflicts_agree(read_valid(DATA / name))


@pytest.mark.skipif(not (BUNDLED / "evidence.csv").is_file(), reason="no bundled data")
def test_related_conflicts_agree_on_bundled_data() -> None:
    dataset = read_valid(BUNDLED)
    assert [tuple(r) for r in as_text(S.related_conflicts(dataset)).itertuples(index=False)] == oracle_related(
        dataset)
    assert_related_conflicts_agree(dataset)


def test_related_conflicts_agree_on_synthetic_data(script: Callable[[str], Any]) -> None:
    dataset = script("synth").dataset(1500, seed=5)
    assert len(S.related_conflicts(dataset)) > 10  # the generator's hierarchies do make some
    assert_related_conflicts_agree(dataset, engines=("oxigraph",))


def test_property_related_conflicts_follow_the_definition_on_every_engine() -> None:
    from hypothesis import given, settings

    @settings(max_examples=25, deadline=None)
    @given(_pool_statements(max_size=8))
    def check(statements: list[dict[str, str]]) -> None:
        dataset = pool_dataset(statements)
        got = as_text(S.related_conflicts(dataset))
        assert [tuple(r) for r in got.itertuples(index=False)] == oracle_related(dataset)
        assert_related_conflicts_agree(dataset)

    check()


def test_a_summary_for_one_condition_counts_related_conflicts_across_the_whole_hierarchy() -> None:
    dataset = read_valid(DATA / "strength-guidelines")
    whole = S.summarise(dataset)
    part = S.summarise(dataset, condition="sciatica")
    merged = part.merge(whole, on=["treatment_id", "condition_id"], suffixes=("", "_whole"))
    assert len(merged) == len(part) > 0
    assert (merged["related_conflicts"] == merged["related_conflicts_whole"]).all()
    assert (merged["strength"].astype(str) == merged["strength_whole"].astype(str)).all()


# --------------------------------------------------------------------------- the held-out guideline fixture

HELD_OUT = DATA / "strength-guidelines"


def test_held_out_guidelines_get_the_hand_worked_summary_byte_for_byte() -> None:
    text = S.to_csv(S.summarise(read_valid(HELD_OUT)))
    assert text == (HELD_OUT / "expected-summary.csv").read_text(encoding="utf-8")


def test_held_out_guidelines_get_the_hand_worked_related_conflicts() -> None:
    got = as_text(S.related_conflicts(read_valid(HELD_OUT)))
    pd.testing.assert_frame_equal(got, expected("strength-guidelines", "related-conflicts"))


def test_held_out_strengths_rank_agreement_of_two_guidelines_above_a_single_one() -> None:
    frame = S.summarise(read_valid(HELD_OUT))
    strength = {(r.treatment_id, r.condition_id): str(r.strength) for r in frame.itertuples(index=False)}
    assert strength[("exercise", "chronic-low-back-pain")] == "strong"  # two guidelines, certainty stated
    assert strength[("anticonvulsants", "low-back-pain")] == "moderate"  # one guideline, moderate certainty
    assert strength[("gabapentin", "chronic-low-back-pain")] == "weak"  # one guideline, low certainty
    assert strength[("spinal-manipulation", "sciatica")] == "very_weak"  # a blog


def test_min_strength_keeps_the_pairs_at_least_that_strong() -> None:
    frame = S.summarise(read_valid(HELD_OUT))
    assert list(S.at_least(frame, "strong")["treatment_id"]) == ["exercise", "opioids"]
    moderate = S.at_least(frame, "moderate")
    assert set(moderate["strength"].astype(str)) == {"strong", "moderate"} and len(moderate) == 3
    assert len(S.at_least(frame, "very_weak")) == len(frame)
    from kg.errors import UsageError

    with pytest.raises(UsageError, match="unknown strength 'solid'"):
        S.at_least(frame, "solid")


@pytest.mark.skipif(not (BUNDLED / "evidence.csv").is_file(), reason="no bundled data")
def test_bundled_blog_only_pairs_sit_at_the_lowest_grade() -> None:
    dataset = read_valid(BUNDLED)
    frame = S.summarise(dataset)
    kinds = dataset.sources.set_index("id")["type"].astype(str)
    by_pair = dataset.evidence.assign(kind=dataset.evidence["source"].map(kinds)).groupby(
        ["treatment", "condition"])["kind"].agg(set)
    anecdotal = {pair for pair, kinds_of in by_pair.items() if kinds_of <= {"blog", "forum"}}
    assert anecdotal  # the bundled data has blog-only pairs (e.g. cycling for hip pain)
    for r in frame.itertuples(index=False):
        if (r.treatment_id, r.condition_id) in anecdotal:
            assert str(r.strength) == "very_weak", r
        else:
            assert str(r.strength) != "very_weak" or r.verdict == "conflicting", r


# --------------------------------------------------------------------------- the rows of some pairs


def test_property_summarise_pairs_gives_those_rows_of_summarise(script: Callable[[str], Any]) -> None:
    """`summarise_pairs` (what `kg diff` uses for the pairs a change reaches) gives exactly the rows the
    whole summary has for those pairs, related-conflict counts included, and none for unknown pairs."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    synth = script("synth")

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.integers(0, 10_000), st.data())
    def check(seed: int, data: st.DataObject) -> None:
        dataset = synth.dataset(200, seed)
        whole = S.summarise(dataset)
        chosen = sorted(data.draw(st.sets(st.integers(0, len(whole) - 1), max_size=len(whole))))
        keys = [(str(t), str(c)) for t, c in whole[["treatment_id", "condition_id"]].to_numpy()[chosen]]
        unknown = data.draw(st.lists(st.sampled_from([("t0000", "nowhere"), ("nothing", "c0000")]), max_size=2))
        pairs = pd.MultiIndex.from_tuples(keys + unknown, names=["treatment_id", "condition_id"]) if keys or unknown \
            else pd.MultiIndex.from_arrays([[], []], names=["treatment_id", "condition_id"])
        related = S.related_per_pair(dataset) if data.draw(st.booleans()) else None
        got = S.summarise_pairs(dataset, pairs, related)
        pd.testing.assert_frame_equal(got, whole.iloc[chosen].reset_index(drop=True))

    check()


def test_related_per_pair_is_the_summary_column(script: Callable[[str], Any]) -> None:
    dataset = script("synth").dataset(300, 1)
    whole = S.summarise(dataset)
    counts = S.related_per_pair(dataset)
    assert len(counts) and (counts > 0).all()
    expected = whole[whole["related_conflicts"] > 0].set_index(["treatment_id", "condition_id"])["related_conflicts"]
    assert counts.sort_index().to_dict() == {(str(t), str(c)): int(n) for (t, c), n in expected.sort_index().items()}
