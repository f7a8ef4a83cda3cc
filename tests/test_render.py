"""The page as a document: data island, escaping, offline assets, options, large-graph layout, `kg view`.

What the page does in a browser is tested in tests/test_browser.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType, SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg
from kg import build as kg_build
from kg import cli
from kg.render import assets, layout, page
from kg.render.layout import positions

TESTS = Path(__file__).resolve().parent
BASIC = TESTS / "data" / "render-basic"
HOSTILE = TESTS / "data" / "render-hostile"
ROOT = TESTS.parent


class Tags(HTMLParser):
    """Every start tag of a document, and the text of each <script> by id (HTMLParser reads script as raw text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._script: dict[str, str | None] | None = None
        self._text: list[str] = []
        self.title_text = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script, self._text = dict(attrs), []
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._text)))
            self._script = None
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._text.append(data)
        if self._in_title:
            self.title_text += data


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    tags.close()
    return tags


def island(html: str, ident: str = "kg-data") -> dict:
    for attrs, text in parse(html).scripts:
        if attrs.get("id") == ident:
            assert attrs.get("type") == "application/json"
            return json.loads(text)
    raise AssertionError(f"no {ident} island")


def rows(table: dict) -> list[dict]:
    """A `{columns, data}` table of the kg-page island as dicts, null cells left out (as the page reads it)."""
    assert set(table) == {"columns", "data"}
    return [{c: v for c, v in zip(table["columns"], r, strict=True) if v is not None} for r in table["data"]]


@pytest.fixture(scope="module")
def basic() -> kg.EvidenceGraph:
    return kg.load(BASIC)


@pytest.fixture(scope="module")
def basic_html(basic: kg.EvidenceGraph) -> str:
    return basic.page_html()


@pytest.fixture(scope="module")
def hostile_html() -> str:
    return kg.load(HOSTILE).page_html()


def csv_rows(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


# --------------------------------------------------------------------------- the data island


def test_island_has_one_node_per_row_with_contract_keys(basic_html: str) -> None:
    data = island(basic_html)
    assert set(data) == {"nodes", "edges"}
    nodes = data["nodes"]
    for kind, file in (("treatment", "treatments"), ("condition", "conditions"), ("source", "sources")):
        ids = csv_rows(BASIC, file)["id"].tolist()
        mine = [n for n in nodes if n["kind"] == kind]
        assert [n["id"] for n in mine] == ids
        assert all(n["key"] == f"{kind}:{n['id']}" for n in mine)
    assert len({n["key"] for n in nodes}) == len(nodes)
    # a treatment and a condition may share a slug: two nodes, two keys
    assert {"treatment:exercise", "condition:exercise"} <= {n["key"] for n in nodes}


def test_island_edges_per_statement_and_hierarchy(basic_html: str) -> None:
    data = island(basic_html)
    keys = {n["key"] for n in data["nodes"]}
    edges = data["edges"]
    assert all(e["from"] in keys and e["to"] in keys for e in edges)
    evidence = csv_rows(BASIC, "evidence")
    statement_edges = [e for e in edges if e["kind"] == "evidence"]
    assert [e["id"] for e in statement_edges] == evidence["id"].tolist()
    first = statement_edges[0]
    row = evidence.iloc[0]
    assert first["from"] == f"treatment:{row['treatment']}" and first["to"] == f"condition:{row['condition']}"
    assert first["quote"] == row["quote"] and first["summary"] == row["summary"]
    assert first["reviewer"] == row["reviewer"]  # an extra column travels with its statement
    broader = {(e["from"], e["to"]) for e in edges if e["kind"] == "broader"}
    expected = set()
    for kind, file in (("treatment", "treatments"), ("condition", "conditions")):
        rows = csv_rows(BASIC, file)
        rows = rows[rows["parent"] != ""]
        expected |= {(f"{kind}:{c}", f"{kind}:{p}") for c, p in zip(rows["id"], rows["parent"], strict=True)}
    assert broader == expected
    cites = {(e["from"], e["to"]) for e in edges if e["kind"] == "cites"}
    assert cites == {(f"source:{s}", f"treatment:{t}") for s, t in zip(evidence["source"], evidence["treatment"],
                                                                           strict=True)}


def test_island_leaves_out_what_is_not_stated(basic_html: str) -> None:
    nodes = {n["key"]: n for n in island(basic_html)["nodes"]}
    assert "parent" not in nodes["treatment:traction"]
    assert nodes["source:acp-2017"]["year"] == 2017
    assert "doi" not in nodes["source:runner-blog"]


# --------------------------------------------------------------------------- escaping


def test_hostile_text_stays_data(hostile_html: str) -> None:
    tags = parse(hostile_html)
    names = [t for t, _ in tags.tags]
    # only the page's own elements: no element was created by the data
    for forbidden in ("img", "svg", "iframe", "a", "b", "i", "textarea", "link"):
        assert forbidden not in names, forbidden
    assert names.count("style") == 2  # the page's two inlined style sheets, no more
    assert [a.get("id") or a.get("type") for a, _ in tags.scripts] == ["kg-data", "kg-page", None, None]
    data = island(hostile_html)
    labels = {n["key"]: n["label"] for n in data["nodes"]}
    raw = csv_rows(HOSTILE, "treatments")
    assert labels["treatment:evil-pill"] == raw.loc[raw["id"] == "evil-pill", "label"].item()
    ev = csv_rows(HOSTILE, "evidence")
    quotes = {e["id"]: e["quote"] for e in data["edges"] if e["kind"] == "evidence"}
    assert quotes == dict(zip(ev["id"], ev["quote"], strict=True))  # byte for byte, newlines included
    for attrs, text in tags.scripts:
        if attrs.get("type") == "application/json":
            assert "<" not in text and ">" not in text and "&" not in text


def test_script_json_escapes_markup_characters() -> None:
    text = str(page.script_json({"a": "</script><!-- & \u2028"}))
    assert text == '{"a":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028"}'
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_title_is_escaped(basic: kg.EvidenceGraph) -> None:
    html = basic.page_html(title="<script>alert(1)</script> & co")
    tags = parse(html)
    assert tags.title_text == "<script>alert(1)</script> & co"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert [t for t, _ in tags.tags].count("script") == 4


def test_page_script_never_uses_markup_sinks() -> None:
    source = assets.load().page_js
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function",
                 "setAttribute(\"on"):
        assert sink not in source, sink


# --------------------------------------------------------------------------- offline and self-contained


def test_page_is_self_contained(basic_html: str) -> None:
    tags = parse(basic_html)
    for tag, attrs in tags.tags:
        assert tag != "link"
        assert "src" not in attrs, (tag, attrs)
        if tag == "a":
            pytest.fail("no static links")
    for bad in ("cdn.", "bootstrap", "tom-select", "googleapis", "unpkg", "jsdelivr", "cdnjs"):
        assert bad not in basic_html.lower(), bad
    assert "vis.Network" in basic_html or "Network" in basic_html


def test_csp_allows_exactly_the_inline_scripts(basic_html: str) -> None:
    tags = parse(basic_html)
    csp = next(a["content"] for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None
    assert "default-src 'none'" in csp and "connect-src" not in csp
    executable = [text for attrs, text in tags.scripts if "type" not in attrs]
    assert len(executable) == 2
    hashes = re.findall(r"'sha256-[^']+'", csp)
    assert sorted(hashes) == sorted(assets.csp_hash(text) for text in executable)


def test_assets_come_from_installed_pyvis() -> None:
    parts = assets.load()
    assert "vis-network" in parts.vis_js[:400]
    assert "sourceMappingURL" not in parts.vis_js
    assert ".vis-network" in parts.vis_css


# --------------------------------------------------------------------------- what the page is told to draw


def test_page_island_pairs_match_summary(basic: kg.EvidenceGraph, basic_html: str) -> None:
    data = island(basic_html, "kg-page")
    summary = basic.summary()
    pairs = rows(data["pairs"])
    assert len(pairs) == len(summary)
    by_key = {p["key"]: p for p in pairs}
    gabapentin = by_key["pair:gabapentin|sciatica"]
    assert gabapentin["verdict"] == "conflicting"
    assert gabapentin["sources"] == 2
    assert rows(data["conflicts"]) == [{"pair": "pair:gabapentin|sciatica", "kind": "effect",
                                        "a": "gabapentin-sciatica-nice", "b": "gabapentin-sciatica-trial"}]
    assert {p["verdict"] for p in pairs} == set(summary["verdict"].astype(str))
    # every statement edge of the data island belongs to a pair (the page lists a pair's statements from it)
    statements = [e for e in island(basic_html)["edges"] if e["kind"] == "evidence"]
    discectomy = [e["id"] for e in statements if (e["from"], e["to"]) == ("treatment:discectomy", "condition:sciatica")]
    assert discectomy == ["discectomy-sciatica-sport", "discectomy-sciatica-cochrane"]
    assert all(f"pair:{e['from'][10:]}|{e['to'][10:]}" in by_key for e in statements)


def test_view_is_built_with_pyvis_options(basic_html: str) -> None:
    view = island(basic_html, "kg-page")["view"]
    assert view["options"]["physics"]["enabled"] is True
    assert view["options"]["physics"]["solver"] == "forceAtlas2Based"
    assert view["options"]["interaction"]["hover"] is True
    nodes = rows(view["nodes"])
    ids = [n["id"] for n in nodes]
    assert len(ids) == 12 + 7 + 6
    edges = {e["id"]: e for e in rows(view["edges"])}
    assert edges["pair:discectomy|sciatica"]["dashes"]  # short-term only: dashed
    assert edges["pair:traction|low-back-pain"]["color"] == "#525252"
    assert edges["pair:traction|low-back-pain"]["width"] > edges["pair:ibuprofen|low-back-pain"]["width"]
    assert "title" not in view["nodes"]["columns"]  # no vis/pyvis tooltips: the page builds its own from text


def test_matrix_axes_group_rows_by_category_and_columns_by_hierarchy(basic_html: str) -> None:
    axes = island(basic_html, "kg-page")["matrix"]
    treatments = rows(axes["rows"])
    categories = [r["category"] for r in treatments]
    order = ["medication", "injection", "surgery", "procedure", "physical_therapy", "exercise", "manual_therapy",
             "psychological", "self_care", "multidisciplinary", "device", "imaging", "other"]
    assert categories == sorted(categories, key=order.index)
    ids = [r["id"] for r in treatments]
    assert ids.index("ibuprofen") == ids.index("nsaids") + 1
    assert next(r for r in treatments if r["id"] == "ibuprofen")["depth"] == 1
    columns = rows(axes["columns"])
    assert [c["id"] for c in columns][:4] == ["low-back-pain", "chronic-low-back-pain", "sciatica", "hip-pain"]
    # the broader path of a column is walked from one stored parent (no ancestor lists in the page)
    by_id = {c["id"]: c for c in columns}
    path, up = [], by_id["sciatica"].get("parent")
    while up:
        path.insert(0, up)
        up = by_id[up].get("parent")
    assert path == ["low-back-pain"]
    assert by_id["sciatica"]["depth"] == 1
    # a condition's narrower ones are the `size` columns from its own
    at = [c["id"] for c in columns].index("low-back-pain")
    under = {c["id"] for c in columns[at: at + by_id["low-back-pain"]["size"]]}
    assert under == {"low-back-pain", "chronic-low-back-pain", "sciatica"} | {
        c["id"] for c in columns if c.get("parent") in ("chronic-low-back-pain", "sciatica", "low-back-pain")}


def test_matrix_columns_of_a_deep_chain_stay_linear(tmp_path: Path) -> None:
    from kg.render import matrix

    depth = 10_000
    ids = [f"c{i}" for i in range(depth)]
    conditions = pd.DataFrame({"id": ids, "parent": [None, *ids[:-1]]})
    dataset = SimpleNamespace(conditions=conditions)
    columns = matrix.columns(dataset)  # type: ignore[arg-type]
    assert list(columns.columns) == ["id", "parent", "depth", "size"]
    assert columns["depth"].tolist() == list(range(depth))
    assert columns["size"].tolist() == list(range(depth, 0, -1))
    text = columns.to_json(orient="values")
    assert len(text) < 60 * depth  # one parent per column, not a path: linear, not quadratic


# --------------------------------------------------------------------------- options


def test_options_are_validated(basic: kg.EvidenceGraph) -> None:
    with pytest.raises(ValueError, match="unknown page option 'colour'"):
        basic.page_html(colour="red")
    with pytest.raises(ValueError, match="nowhere"):
        basic.page_html(condition="nowhere")
    with pytest.raises(ValueError, match="ambiguous focus 'exercise'"):
        basic.page_html(focus="exercise")
    with pytest.raises(ValueError, match="unknown verdict 'great'"):
        basic.page_html(verdicts=["great"])
    with pytest.raises(ValueError, match="unknown tab"):
        basic.page_html(tab="table")
    with pytest.raises(ValueError, match="unknown treatment 'nope'"):
        basic.page_html(focus="treatment:nope")


def test_options_reach_the_page(basic: kg.EvidenceGraph) -> None:
    html = basic.page_html(focus="sciatica", condition="low-back-pain", verdicts=["benefit", "harm"],
                           certainties=["high", "none"], tab="matrix", show_sources=True, expanded=True)
    initial = island(html, "kg-page")["initial"]
    assert initial["focus"] == "condition:sciatica"
    assert initial["condition"] == "low-back-pain"
    assert initial["verdicts"] == ["benefit", "harm"]
    assert initial["certainties"] == ["high", "none"]
    assert initial["tab"] == "matrix" and initial["show_sources"] and initial["expanded"]


def test_render_page_accepts_a_dataset(basic: kg.EvidenceGraph) -> None:
    html = page.render_page(basic.dataset)
    assert len(island(html)["nodes"]) == 25


# --------------------------------------------------------------------------- large graphs


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory, script: Callable[[str], ModuleType]) -> kg.EvidenceGraph:
    folder = tmp_path_factory.mktemp("large") / "data"
    script("bench_page").write_synthetic(folder, nodes=1500, seed=3)
    return kg.load(folder)


def test_large_graph_gets_fixed_positions_and_no_physics(large: kg.EvidenceGraph) -> None:
    data = page.page_data(large.dataset)
    view = data["view"]
    assert data["meta"]["layout"] == "fixed"
    assert view["options"]["physics"]["enabled"] is False
    assert view["options"]["edges"]["smooth"]["enabled"] is False
    nodes = view["nodes"]
    assert nodes[["x", "y"]].notna().all().all()
    xy = {(round(x), round(y)) for x, y in zip(nodes["x"], nodes["y"], strict=True)}
    assert len(xy) > 0.95 * len(nodes)  # nodes are spread, not stacked


def test_layout_never_stacks_nodes(large: kg.EvidenceGraph) -> None:
    frame = layout.position_frame(large.dataset)
    drawn = frame[~frame["key"].str.startswith("source:")][["x", "y"]].to_numpy()
    assert len(frame) == len(large.treatments) + len(large.conditions) + len(large.sources)
    gaps = np.hypot(*(drawn[:, None, :] - drawn[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(gaps, np.inf)
    assert gaps.min() >= layout.SPACING  # one lattice cell at least between any two


def test_layout_keeps_treatments_near_their_conditions(large: kg.EvidenceGraph) -> None:
    pos = positions(large.dataset)
    ev = large.evidence[["treatment", "condition"]].astype(str).drop_duplicates("treatment")
    near = []
    xs = [p[0] for p in pos.values()]
    span = max(xs) - min(xs)
    for t, c in zip(ev["treatment"], ev["condition"], strict=True):
        (tx, ty), (cx, cy) = pos[f"treatment:{t}"], pos[f"condition:{c}"]
        near.append(((tx - cx) ** 2 + (ty - cy) ** 2) ** 0.5 < span / 4)
    assert sum(near) / len(near) > 0.9


def test_threshold_and_caps_are_options(basic: kg.EvidenceGraph) -> None:
    data = page.page_data(basic.dataset, page.PageOptions(layout_threshold=10, max_nodes=5, max_edges=7))
    assert data["meta"]["layout"] == "fixed" and data["meta"]["max_nodes"] == 5 and data["meta"]["max_edges"] == 7


def test_the_size_guess_for_working_counts_pairs_and_carried_statements(basic: kg.EvidenceGraph) -> None:
    data = page.page_data(basic.dataset)
    rows = len(data["pairs"]) + len(data["statements"])
    assert rows == len(basic.summary()) + len(basic.dataset.evidence)  # every pair, every carried statement
    assert data["meta"]["heavy"] is False and data["meta"]["busy_ms"] == page.BUSY_MS
    assert page.page_data(basic.dataset, page.PageOptions(busy_rows=rows))["meta"]["heavy"] is False
    assert page.page_data(basic.dataset, page.PageOptions(busy_rows=rows - 1))["meta"]["heavy"] is True
    with pytest.raises(ValueError, match="busy_rows must be a positive number"):
        basic.page_html(busy_rows=0)


# --------------------------------------------------------------------------- the build and `kg view`


def test_build_writes_the_page_among_six_files(tmp_path: Path) -> None:
    paths = kg_build.build(BASIC, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(kg_build.OUTPUTS)
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert len(island(html)["nodes"]) == 25
    assert len(paths) == 6


def test_kg_view_builds_when_needed_and_prints_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site"
    assert cli.main(["view", "--data", str(BASIC), "--out", str(out), "--no-open"]) == 0
    printed = capsys.readouterr().out.strip()
    assert printed == str((out / "index.html").resolve())
    first = (out / "index.html").stat().st_mtime_ns
    assert cli.main(["view", "--data", str(BASIC), "--out", str(out), "--no-open"]) == 0
    assert (out / "index.html").stat().st_mtime_ns == first  # up to date: not rebuilt


def test_kg_view_rebuilds_a_stale_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import os
    import shutil

    data = tmp_path / "data"
    shutil.copytree(BASIC, data)
    out = tmp_path / "site"
    assert cli.main(["view", "--data", str(data), "--out", str(out), "--no-open"]) == 0
    page_file = out / "index.html"
    os.utime(page_file, ns=(1, 1))
    assert cli.main(["view", "--data", str(data), "--out", str(out), "--no-open"]) == 0
    assert page_file.stat().st_mtime_ns > 1
    capsys.readouterr()


def test_kg_view_reports_invalid_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["view", "--data", str(tmp_path), "--out", str(tmp_path / "site"), "--no-open"]) == 1
    err = capsys.readouterr().err
    assert "evidence.csv" in err and not (tmp_path / "site").exists()


def test_kg_view_runs_as_a_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", "view", "--data", str(BASIC), "--out", str(tmp_path / "o"), "--no-open"],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("index.html")


@settings(max_examples=60, deadline=None)
@given(
    points=st.lists(st.tuples(st.floats(-500, 500), st.floats(-500, 500)), min_size=1, max_size=60),
    reach=st.floats(1.0, 200.0),
)
def test_near_pairs_finds_exactly_the_close_pairs(points: list[tuple[float, float]], reach: float) -> None:
    xy = np.array(points, dtype=float)
    found = layout._near_pairs(xy, reach)
    got = sorted((min(i, j), max(i, j)) for i, j in found.tolist())
    expected = [(i, j) for i in range(len(xy)) for j in range(i + 1, len(xy))
                if np.hypot(*(xy[i] - xy[j])) < reach]
    assert got == expected  # each close pair once, nothing else


@pytest.mark.parametrize("rows", [1, 2, 7])
def test_json_pieces_do_not_depend_on_the_batch_size(rows: int) -> None:
    data = page.island(kg.load(HOSTILE).dataset)
    for frame in (data["nodes"], data["edges"]):
        assert b"".join(page.records_pieces(frame, rows=rows)) == page.records_json(frame)
        assert json.loads(page.records_json(frame)) == [
            {k: v for k, v in r.items() if v is not None} for r in json.loads(frame.to_json(orient="records"))
        ]
        assert b"".join(page.table_pieces(frame, rows=rows)) == page.table_json(frame)
        assert json.loads(page.table_json(frame))["data"] == json.loads(frame.to_json(orient="values"))


def test_a_large_graph_carries_whole_treatments_with_most_statements(basic: kg.EvidenceGraph) -> None:
    evidence = basic.evidence.astype({"treatment": str})
    counts = evidence["treatment"].value_counts()
    limit = int(counts.iloc[0] + counts.iloc[1])  # room for the two treatments with most statements
    html = basic.page_html(max_statements=limit)
    carried = [e for e in island(html)["edges"] if e["kind"] == "evidence"]
    treatments = {e["from"].removeprefix("treatment:") for e in carried}
    assert len(carried) <= limit and len(treatments) >= 2
    for t in treatments:  # each carried treatment with every one of its statements
        assert sum(e["from"] == f"treatment:{t}" for e in carried) == counts[t]
    assert min(counts[t] for t in treatments) >= max(c for t, c in counts.items() if t not in treatments)
    assert len(island(html)["nodes"]) == 25  # every node stays
    counts_meta = island(html, "kg-page")["meta"]["counts"]
    assert counts_meta["statements"] == 19 and counts_meta["carried"] == len(carried)
    assert island(basic.page_html(max_statements=19), "kg-page")["meta"]["counts"]["carried"] == 19


def test_each_pairs_facts_are_those_of_its_statements() -> None:
    """Counted plainly, statement by statement: the number of statements, the distinct source types (in the
    contract's order) and whether one reports harm, for every pair of the
    bundled data, its sources given every source type in turn."""
    import dataclasses

    from kg.model import enum_dtype
    from kg.schema import enum_values
    from kg.summary import summarise

    dataset = kg.load().dataset
    kinds = enum_values("source_type")
    sources = dataset.sources.assign(type=pd.Series([kinds[i % len(kinds)] for i in range(len(dataset.sources))],
                                                    dtype=enum_dtype("source_type")))
    dataset = dataclasses.replace(dataset, sources=sources)
    pairs = page._pairs(summarise(dataset), dataset).set_index(["treatment", "condition"])
    type_of = dict(zip(dataset.sources["id"].astype(str), dataset.sources["type"].astype(str), strict=True))
    assert set(type_of.values()) == set(kinds)
    order = {v: i for i, v in enumerate(enum_values("source_type"))}
    expected: dict[tuple[str, str], dict[str, object]] = {}
    for row in dataset.evidence.astype(object).itertuples():
        facts = expected.setdefault((row.treatment, row.condition), {"n": 0, "types": set(), "harm": False})
        facts["n"] += 1  # type: ignore[operator]
        facts["types"].add(type_of[row.source])  # type: ignore[attr-defined]
        facts["harm"] = facts["harm"] or row.effect == "harm"
    assert len(expected) == len(pairs)
    for key, facts in expected.items():
        got = pairs.loc[key]
        assert got["statements"] == facts["n"]
        assert got["source_types"] == "|".join(sorted(facts["types"], key=order.__getitem__))  # type: ignore[arg-type]
        assert bool(got["harms"]) == facts["harm"]
    assert any(len(f["types"]) > 1 for f in expected.values())  # type: ignore[arg-type]
