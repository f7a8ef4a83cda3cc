"""The Python API used from Jupyter: loading, statements, queries, inline display and its escaping."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import kg
from kg import notebook
from kg.summary import UnknownIdError

TESTS = Path(__file__).resolve().parent
HOSTILE = TESTS / "data" / "api-hostile"
ISLAND = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.S)


class Tags(HTMLParser):
    """Every start tag with its (unescaped) attributes, and the text between tags."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def srcdoc(markup: str) -> str:
    """The page inside an inline display: the output must be one sandboxed iframe and nothing else."""
    tags = Tags(markup).tags
    assert [t for t, _ in tags] == ["iframe"], tags[:5]
    attrs = tags[0][1]
    assert attrs["sandbox"] is not None and "allow-same-origin" not in attrs["sandbox"]
    assert "allow-scripts" in attrs["sandbox"]
    assert not re.search(r"<(?!iframe\b|/iframe>)", markup), "markup outside the iframe, or an unescaped tag"
    page = attrs["srcdoc"]
    assert page is not None
    return page


def island(page: str) -> dict[str, list[dict[str, str]]]:
    found = ISLAND.findall(page)
    assert len(found) == 1, "the page must carry exactly one kg-data island"
    data: dict[str, list[dict[str, str]]] = json.loads(found[0])
    return data


@pytest.fixture(scope="module")
def g() -> kg.EvidenceGraph:
    return kg.load()


@pytest.fixture(scope="module")
def hostile() -> kg.EvidenceGraph:
    return kg.load(HOSTILE)


# --- loading ----------------------------------------------------------------------------------


def test_load_defaults_to_the_bundled_data(g: kg.EvidenceGraph) -> None:
    assert len(g.evidence) == len(pd.read_csv(TESTS.parent / "data" / "evidence.csv"))
    assert isinstance(g.evidence["effect"].dtype, pd.CategoricalDtype)
    assert isinstance(g.treatments["category"].dtype, pd.CategoricalDtype)


def test_invalid_folder_raises_one_error_listing_every_problem(
    minimal: Path, edit: Callable[[Path, str, str, str], None]
) -> None:
    edit(minimal, "evidence.csv", "d2,discectomy,sciatica,guide,no_benefit", "d2,discectomy,sciatica,guide,no-benefit")
    edit(minimal, "treatments.csv", "rest,Bed rest,,,self_care", "rest,,,,self_care")
    with pytest.raises(kg.ValidationError) as caught:
        kg.load(minimal)
    problems = caught.value.problems
    assert sorted((Path(p.file).name, p.line, p.column) for p in problems) == [
        ("evidence.csv", 3, "effect"),
        ("treatments.csv", 4, "label"),
    ]
    message = str(caught.value)
    for problem in problems:
        assert str(problem) in message
        assert re.fullmatch(r".+:\d+: \w+: .+", str(problem))


# --- statements and focusing ------------------------------------------------------------------


def test_statements_include_narrower_conditions_and_treatments(g: kg.EvidenceGraph) -> None:
    back = g.statements(condition="low-back-pain")
    assert {"sciatica", "chronic-low-back-pain", "low-back-pain"} <= set(back["condition_id"])
    assert not set(back["condition_id"]) & {"hip-pain", "hip-osteoarthritis", "scoliosis"}
    nsaids = g.statements(treatment="nsaids")
    assert set(nsaids["treatment_id"]) == {"nsaids", "ibuprofen"}
    both = g.statements(condition="sciatica", treatment="spine-surgery")
    assert set(both["treatment_id"]) == {"discectomy", "microdiscectomy", "regular-discectomy"} & set(
        g.evidence.loc[g.evidence["condition"] == "sciatica", "treatment"]
    )
    assert set(both["condition_id"]) == {"sciatica"}
    one = g.statements(source="acp-2017-low-back-pain-guideline")
    assert set(one["source_id"]) == {"acp-2017-low-back-pain-guideline"}
    assert len(one) == int((g.evidence["source"] == "acp-2017-low-back-pain-guideline").sum())


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [({"condition": "no-such-pain"}, "no-such-pain"), ({"treatment": "unicorn-oil"}, "unicorn-oil"),
     ({"source": "nobody"}, "nobody")],
)
def test_unknown_ids_are_errors_naming_them(g: kg.EvidenceGraph, kwargs: dict[str, str], named: str) -> None:
    with pytest.raises(UnknownIdError, match=named):
        g.statements(**kwargs)


def test_subset_keeps_whole_pairs_and_a_closed_hierarchy(g: kg.EvidenceGraph) -> None:
    part = notebook.subset(g.dataset, condition="sciatica")
    assert set(part.evidence["condition"]) == {"sciatica"}
    assert len(part.evidence) == int((g.evidence["condition"] == "sciatica").sum())
    # every reference resolves inside the subset: parents, comparators, sources
    for frame in (part.treatments, part.conditions):
        parents = set(frame["parent"].dropna())
        assert parents <= set(frame["id"])
    assert set(part.evidence["comparator"].dropna()) <= set(part.treatments["id"])
    assert set(part.evidence["source"]) == set(part.sources["id"])
    assert "low-back-pain" in set(part.conditions["id"])  # sciatica's broader condition comes along
    # the summary of a focused view agrees with the full summary, pair for pair
    full = g.summary(condition="sciatica").reset_index(drop=True)
    focused = kg.EvidenceGraph(part).summary().reset_index(drop=True)
    pd.testing.assert_frame_equal(focused, full)


# --- the overview ------------------------------------------------------------------------------


def test_overview_counts_and_verdicts(g: kg.EvidenceGraph) -> None:
    out = g._repr_html_()
    text = re.sub(r"\s+", " ", " ".join(Tags(out).text))
    assert f"{len(g.evidence)} statements about {len(g.summary())} treatment-condition pairs" in text
    verdicts = g.summary()["verdict"].astype(str).value_counts()
    for verdict, n in verdicts.items():
        assert re.search(rf"\b{verdict}\s*{n}\b", text), (verdict, n)
    assert "Low back pain (" in text


def test_overview_escapes_hostile_labels(hostile: kg.EvidenceGraph, tmp_path: Path) -> None:
    folder = tmp_path / "<img src=x onerror=alert('folder')>"
    shutil.copytree(HOSTILE, folder)
    out = kg.load(folder)._repr_html_()
    parsed = Tags(out)
    tags = {t for t, _ in parsed.tags}
    assert not tags & {"script", "img", "svg", "iframe", "a"}, tags
    assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")]
    text = "".join(parsed.text)
    assert '<script>alert("condition")</script>Back pain' in text  # shown as text, verbatim
    assert str(folder) in text
    assert "conflicting" in text


# --- inline display ------------------------------------------------------------------------------


def test_inline_page_is_an_escaped_srcdoc_iframe() -> None:
    page = '<!doctype html><p title="a&b">x</p><script>let s = "</p>" && 1;</script>'
    out = notebook.InlinePage(page, height=321, title='a "title" <b>')._repr_html_()
    assert srcdoc(out) == page
    assert "height: 321px" in out
    assert Tags(out).tags[0][1]["title"] == 'a "title" <b>'
    with pytest.raises(ValueError, match="height"):
        notebook.InlinePage(page, height=0)


def test_show_embeds_the_focused_page(g: kg.EvidenceGraph) -> None:
    view = g.show(condition="hip-pain", height=480)
    out = view._repr_html_()
    assert "height: 480px" in out
    page = srcdoc(out)
    assert page == view.html
    data = island(page)
    expected = set(g.statements(condition="hip-pain")["evidence_id"])
    assert {e["id"] for e in data["edges"] if e["kind"] == "evidence"} == expected
    nodes = {n["key"] for n in data["nodes"]}
    assert {"condition:hip-pain", "condition:hip-osteoarthritis", "treatment:cycling"} <= nodes
    assert not nodes & {"condition:sciatica", "treatment:traction"}
    assert Tags(out).tags[0][1]["title"] == "Evidence graph: Hip pain"


def test_show_whole_graph_and_by_treatment(g: kg.EvidenceGraph) -> None:
    whole = island(srcdoc(g.show()._repr_html_()))
    assert sum(e["kind"] == "evidence" for e in whole["edges"]) == len(g.evidence)
    nsaids = island(srcdoc(g.show(treatment="nsaids")._repr_html_()))
    assert {e["id"] for e in nsaids["edges"] if e["kind"] == "evidence"} == set(
        g.evidence.loc[g.evidence["treatment"].isin(["nsaids", "ibuprofen"]), "id"]
    )


def test_matrix_is_the_page_on_its_matrix_tab(g: kg.EvidenceGraph) -> None:
    grid = g.matrix(height=500)
    page = srcdoc(grid._repr_html_())
    assert '"tab":"matrix"' in page
    assert '"tab":"graph"' in srcdoc(g.show()._repr_html_())
    assert len(island(page)["nodes"]) == len(g.treatments) + len(g.conditions) + len(g.sources)


def test_show_refuses_unknown_ids_and_bad_heights(g: kg.EvidenceGraph) -> None:
    with pytest.raises(UnknownIdError, match="no-such-pain"):
        g.show(condition="no-such-pain")
    with pytest.raises(UnknownIdError, match="unicorn-oil"):
        g.matrix(treatment="unicorn-oil")
    with pytest.raises(ValueError, match="height"):
        g.show(height=-5)


def test_inline_pages_escape_hostile_text(hostile: kg.EvidenceGraph) -> None:
    for view in (hostile.show(), hostile.matrix(), hostile.show(condition="evil-pain")):
        out = view._repr_html_()
        page = srcdoc(out)  # one iframe, nothing else: no tag of the data escaped the attribute
        assert "<script>alert(" not in page and "<img src=x" not in page and "<svg onload" not in page
        labels = {n["key"]: n.get("label") for n in island(page)["nodes"]}
        assert labels["condition:evil-pain"] == '<script>alert("condition")</script>Back pain'
        assert labels["treatment:evil-pill"] == '<img src=x onerror=alert("treatment")>'
    titled = hostile.show(condition="evil-sciatica")._repr_html_()
    assert Tags(titled).tags[0][1]["title"] == "Evidence graph: <img src=x onerror=alert('narrower')>"


# --- queries -------------------------------------------------------------------------------------


def test_query_binds_the_parameter_as_the_entity(g: kg.EvidenceGraph) -> None:
    for condition in ("sciatica", "low-back-pain", "hip-pain"):
        rows = g.query("evidence-for-condition", condition=condition)
        assert set(rows["evidence_id"]) == set(g.statements(condition=condition)["evidence_id"])
        assert set(rows["for_condition"]) == {f"{g.base}condition/{condition}"}  # the bound parameter
        labels = g.conditions.set_index("id")["label"]
        assert (rows["condition"] == rows["condition_id"].map(labels)).all()  # the statement's own condition
    by_source = g.query("by-source", source="nih-low-back-pain-fact-sheet")
    assert set(by_source["evidence_id"]) == set(g.evidence.loc[g.evidence["source"] == "nih-low-back-pain-fact-sheet",
                                                                 "id"])


def test_query_errors_name_the_problem(g: kg.EvidenceGraph) -> None:
    from kg.queries import QueryError

    with pytest.raises(QueryError, match="'sciatika'"):
        g.query("evidence-for-condition", condition="sciatika")
    with pytest.raises(QueryError, match="needs parameter 'condition'"):
        g.query("evidence-for-condition")
    with pytest.raises(QueryError, match="no parameter 'year'"):
        g.query("by-source", source="nih-low-back-pain-fact-sheet", year="2020")
    with pytest.raises(QueryError, match="unknown query 'no-such-query'"):
        g.query("no-such-query")
    hostile_id = 'x> } UNION { ?s ?p ?o } #'
    with pytest.raises(QueryError, match=re.escape(repr(hostile_id))):
        g.query("evidence-for-condition", condition=hostile_id)


def test_query_text_with_parameters_on_both_engines(g: kg.EvidenceGraph) -> None:
    text = """
        PREFIX ekg: <https://evidence-kg.example/vocab#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?treatment ?id (STRLEN(?id) AS ?n) WHERE {
          ?s ekg:treatment ?treatment ; dcterms:identifier ?id .
        } ORDER BY ?id
    """
    rows = g.query(text, treatment="traction")
    assert rows["id"].tolist() == sorted(g.evidence.loc[g.evidence["treatment"] == "traction", "id"])
    assert str(rows["n"].dtype) == "Int64"
    pd.testing.assert_frame_equal(g.query(text, treatment="traction", engine="rdflib"), rows)
    ask = g.query("ASK { ?s <https://evidence-kg.example/vocab#effect> ?o }")
    assert ask["boolean"].tolist() == [True]


def test_results_write_w3c_formats(g: kg.EvidenceGraph) -> None:
    from kg import results

    rs = g.results("no-long-term-benefit")
    doc = json.loads(results.to_json(rs))
    assert doc["head"]["vars"][:2] == ["treatment_id", "treatment"]
    assert len(doc["results"]["bindings"]) == len(g.query("no-long-term-benefit")) > 0
    assert results.to_csv(rs).startswith("treatment_id,treatment,condition_id,condition,source_id")


def test_summary_min_strength_and_related_conflicts() -> None:
    from kg.errors import UsageError

    g = kg.load(Path(__file__).parent / "data" / "strength-guidelines")
    strong = g.summary(min_strength="strong")
    assert set(strong["strength"].astype(str)) == {"strong"} and len(strong) == 2
    assert len(g.summary(min_strength="very_weak")) == len(g.summary())
    with pytest.raises(UsageError):
        g.summary(min_strength="solid")
    related = g.related_conflicts()
    assert set(zip(related["evidence_a"], related["evidence_b"], related["kind"], strict=True)) == {
        ("a-gaba", "b-anti", "effect"), ("a-gaba", "b-anti", "recommendation"),
        ("b-sm", "c-sm", "effect"), ("b-sm", "c-sm", "recommendation")}
    # a caller changing the frame it got does not change the next one
    frame = g.summary()
    frame.loc[0, "why"] = "changed"
    assert g.summary().loc[0, "why"] != "changed"
