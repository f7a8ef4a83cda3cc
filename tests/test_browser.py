"""The page in a real browser: Debian's Chromium driven by Playwright, offline.

Every test opens a page from disk with every non-file:// request aborted and
counted (there must be none), and fails on any console error, page error or
dialog. Screenshots go to test-artifacts/ (git-ignored) for a person to look at.
The browser is /usr/bin/chromium (apt-get install chromium); it is never
downloaded. Without it these tests are skipped, saying so.
"""

from __future__ import annotations

import html as html_lib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import kg
from kg import build as kg_build
from kg.hierarchy import Hierarchy

pytestmark = pytest.mark.browser

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
BASIC = TESTS / "data" / "render-basic"
HOSTILE = TESTS / "data" / "render-hostile"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@dataclass
class Opened:
    """A page and everything it tried that it should not have."""

    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, script: str, arg: Any = None) -> Any:
        return self.page.evaluate(script, arg)

    def until(self, script: str, arg: Any = None, timeout: float = 20.0) -> Any:
        """Poll a JS predicate (page.wait_for_function would need 'unsafe-eval', which the page's CSP forbids)."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.page.evaluate(script, arg)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {script}")
            time.sleep(0.05)

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path))
        return path

    def drawn_nodes(self) -> set[str]:
        return set(self.js("() => window.kgPage.drawnNodes()"))

    def drawn_edges(self) -> set[str]:
        return set(self.js("() => window.kgPage.drawnEdges()"))

    def tip(self) -> str:
        return self.js("() => { const t = document.getElementById('kg-tip'); return t.hidden ? '' : t.textContent; }")

    def panel(self) -> str:
        return self.js("() => { const p = document.getElementById('kg-panel'); return p.hidden ? '' : p.textContent; }")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (apt-get install chromium); "
                    "CI installs it and runs these tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Opened]]:
    opened: list[Opened] = []

    def _open(path: Path, *, width: int = 1400, height: int = 900, ready: bool = True) -> Opened:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        o = Opened(page)

        def route(r: Any) -> None:
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                o.blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page.on("console", lambda m: o.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: o.errors.append(f"page error: {e}"))

        def dialog(d: Any) -> None:
            o.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(path.as_uri())
        if ready:
            o.until("() => !!(window.kgPage && window.kgPage.ready)", timeout=60)
        opened.append(o)
        return o

    yield _open
    try:
        for o in opened:
            assert o.blocked == [], f"requests left the page: {o.blocked}"
            assert o.errors == [], o.errors
            assert o.dialogs == [], f"dialogs fired: {o.dialogs}"
    finally:
        for o in opened:
            o.page.context.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The pages under test, written to disk once."""
    root = tmp_path_factory.mktemp("pages")
    out: dict[str, Path] = {}
    kg_build.build(None, root / "bundled")
    out["bundled"] = root / "bundled" / "index.html"
    basic = kg.load(BASIC)
    for name, options in {
        "basic": {},
        "capped": {"max_nodes": 10},
        "trimmed": {"max_statements": 6},
        "focus": {"focus": "condition:sciatica"},
        "matrix-first": {"tab": "matrix", "condition": "low-back-pain"},
        "heavy": {"busy_rows": 1},
    }.items():
        out[name] = root / f"{name}.html"
        out[name].write_text(basic.page_html(**options), encoding="utf-8")
    out["hostile"] = root / "hostile.html"
    out["hostile"].write_text(kg.load(HOSTILE).page_html(), encoding="utf-8")
    return out


def island(o: Opened) -> dict[str, Any]:
    return o.js("() => JSON.parse(document.getElementById('kg-data').textContent)")


def hover(o: Opened, x: float, y: float) -> None:
    box = o.js("() => { const r = document.getElementById('kg-network').getBoundingClientRect(); return [r.x, r.y]; }")
    o.page.mouse.move(box[0] + x - 30, box[1] + y - 30)
    o.page.mouse.move(box[0] + x, box[1] + y, steps=4)


def click_at(o: Opened, x: float, y: float) -> None:
    box = o.js("() => { const r = document.getElementById('kg-network').getBoundingClientRect(); return [r.x, r.y]; }")
    o.page.mouse.click(box[0] + x, box[1] + y)


def node_xy(o: Opened, key: str) -> tuple[float, float]:
    pos = o.js("(k) => window.kgPage.domPosition(k)", key)
    return pos["x"], pos["y"]


# --------------------------------------------------------------------------- the bundled page


def test_bundled_page_draws_offline_with_every_node(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["bundled"])
    data = island(o)
    counts = {name: len(pd.read_csv(ROOT / "data" / f"{name}.csv", dtype=str)) for name in
              ("treatments", "conditions", "sources")}
    kinds = pd.Series([n["kind"] for n in data["nodes"]]).value_counts().to_dict()
    assert kinds == {"treatment": counts["treatments"], "condition": counts["conditions"],
                     "source": counts["sources"]}
    drawn = o.drawn_nodes()
    assert drawn == {n["key"] for n in data["nodes"] if n["kind"] != "source"}
    assert o.js("() => window.kgPage.network.physics.options.enabled") is False  # stabilised, then stopped
    o.shot("graph-bundled.png")
    o.page.click("#kg-tab-matrix")
    o.until("() => document.querySelectorAll('#kg-matrix td.kg-cell').length > 0")
    cells = o.js("() => document.querySelectorAll('#kg-matrix td.kg-cell').length")
    assert cells == counts["treatments"] * counts["conditions"]
    o.shot("matrix-bundled.png")


# --------------------------------------------------------------------------- hover, click


def test_hover_shows_tooltip_text(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["basic"])
    hover(o, *node_xy(o, "condition:sciatica"))
    o.until("() => !document.getElementById('kg-tip').hidden")
    text = o.tip()
    assert "Sciatica" in text and "Discectomy" in text and "better at one year only" in text
    o.shot("graph-hover-node.png")
    hover(o, 5, 5)
    o.until("() => document.getElementById('kg-tip').hidden")
    mid = o.js("(k) => window.kgPage.edgeMidpoint(k)", "pair:discectomy|sciatica")
    hover(o, mid["x"], mid["y"])
    o.until("() => !document.getElementById('kg-tip').hidden")
    assert o.js("() => document.getElementById('kg-tip').dataset.key") == "pair:discectomy|sciatica"
    text = o.tip()
    for expected in ("Discectomy → Sciatica", "Benefit fades by the long term", "better at one year only", "Medium",
                     "better at one year", "no difference at four to ten years", "certainty moderate"):
        assert expected in text, expected
    o.shot("graph-hover-edge.png")


def test_click_opens_panel_with_quotes_and_safe_links(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["basic"])
    click_at(o, *node_xy(o, "condition:sciatica"))
    o.until("() => !document.getElementById('kg-panel').hidden")
    text = o.panel()
    assert "Patients who had surgery improved more at one year." in text
    assert "At four to ten years, there was no difference between surgery and conservative care." in text
    assert "Disagrees (effect) with" in text  # gabapentin: the trial and the guideline disagree
    links = o.js("""() => Array.from(document.querySelectorAll('#kg-panel a')).map(a =>
        [a.textContent, a.getAttribute('href'), a.target, a.rel])""")
    hrefs = {label: href for label, href, _t, _r in links}
    assert hrefs["DOI 10.1002/14651858.CD003010.pub5"] == "https://doi.org/10.1002/14651858.CD003010.pub5"
    assert hrefs["PubMed 17119140"] == "https://pubmed.ncbi.nlm.nih.gov/17119140/"
    assert hrefs["Web page"] == "https://www.nice.org.uk/guidance/ng59"
    assert all(href.startswith("https://") and t == "_blank" and "noopener" in r for _l, href, t, r in links)
    o.shot("graph-panel-condition.png")
    # a pair edge: its statements
    mid = o.js("(k) => window.kgPage.edgeMidpoint(k)", "pair:traction|low-back-pain")
    click_at(o, mid["x"], mid["y"])
    o.until("() => document.getElementById('kg-panel-kind').textContent === 'Treatment → condition'")
    text = o.panel()
    assert "Traction was not more effective than placebo, sham, or no treatment for pain." in text
    assert "Recommended against" in text and "Certainty: Moderate" in text
    o.page.click("#kg-panel-close")
    assert o.panel() == ""


# --------------------------------------------------------------------------- filters


def test_filters_hide_nodes_and_show_them_again(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["basic"])
    everything = o.drawn_nodes()
    assert len(everything) == 12 + 7
    o.page.click('#kg-f-verdict input[data-value="no_benefit"]')
    drawn = o.drawn_nodes()
    assert "treatment:traction" not in drawn and "pair:traction|low-back-pain" not in o.drawn_edges()
    assert "treatment:discectomy" in drawn
    o.shot("graph-filtered.png")
    o.page.click('#kg-f-verdict input[data-value="no_benefit"]')
    assert o.drawn_nodes() == everything

    o.page.select_option("#kg-f-condition", "low-back-pain")  # with its narrower conditions
    drawn = o.drawn_nodes()
    assert {"condition:sciatica", "condition:chronic-low-back-pain", "treatment:cbt", "treatment:traction"} <= drawn
    assert not {k for k in drawn if "hip" in k}
    o.page.select_option("#kg-f-condition", "sciatica")
    assert {k for k in o.drawn_nodes() if k.startswith("treatment:")} == {
        "treatment:discectomy", "treatment:epidural-steroids", "treatment:gabapentin"}
    o.page.click("#kg-reset")
    assert o.drawn_nodes() == everything

    o.page.click('#kg-f-source-type input[data-value="blog"]')
    assert "treatment:opioids" not in o.drawn_nodes()
    o.page.click('#kg-f-source-type .kg-mini:text("all")')
    o.page.click('#kg-f-timeframe .kg-mini:text("none")')
    o.page.click('#kg-f-timeframe input[data-value="long_term"]')
    treatments = {k for k in o.drawn_nodes() if k.startswith("treatment:")}
    assert treatments == {"treatment:traction", "treatment:discectomy", "treatment:epidural-steroids",
                          "treatment:hip-replacement"}
    o.page.click("#kg-reset")
    o.page.click('#kg-f-certainty input[data-value="none"]')
    assert "treatment:opioids" not in o.drawn_nodes() and "treatment:ibuprofen" not in o.drawn_nodes()
    o.page.click("#kg-reset")
    assert o.drawn_nodes() == everything


def test_statement_lines_and_sources_layer(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["basic"])
    o.page.check("#kg-expanded")
    edges = o.drawn_edges()
    assert len([e for e in edges if e.startswith("evidence:")]) == 19
    assert not [e for e in edges if e.startswith("pair:")]
    o.page.click('#kg-f-effect input[data-value="harm"]')
    edges = o.drawn_edges()
    assert "evidence:nsaids-lbp-harm" not in edges and "evidence:nsaids-lbp-acp" in edges
    o.page.click("#kg-reset")
    o.page.check("#kg-show-sources")
    drawn = o.drawn_nodes()
    assert {k for k in drawn if k.startswith("source:")} == {f"source:{s}" for s in
                                                            pd.read_csv(BASIC / "sources.csv")["id"]}
    assert "cites:acp-2017:traction" in o.drawn_edges()
    o.page.wait_for_timeout(300)
    o.shot("graph-statements-and-sources.png")
    click_at(o, *node_xy(o, "source:acp-2017"))
    o.until("() => document.getElementById('kg-panel-kind').textContent === 'Source'")
    assert "If pharmacologic treatment is desired" in o.panel()
    o.page.uncheck("#kg-show-sources")
    assert not {k for k in o.drawn_nodes() if k.startswith("source:")}


# --------------------------------------------------------------------------- search


def test_search_finds_by_synonym_and_focuses(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["basic"])
    o.page.fill("#kg-search", "sciatic pain")
    o.until("() => !document.getElementById('kg-search-results').hidden")
    first = o.js("() => document.querySelector('#kg-search-results li[data-key]').dataset.key")
    assert first == "condition:sciatica"
    o.page.press("#kg-search", "ArrowDown")
    o.page.press("#kg-search", "Enter")
    assert o.js("() => window.kgPage.focused") == "condition:sciatica"
    assert o.js("() => window.kgPage.network.getSelectedNodes()") == ["condition:sciatica"]
    o.page.wait_for_timeout(700)  # the focus animation
    x, y = node_xy(o, "condition:sciatica")
    w, h = o.js("() => { const r = document.getElementById('kg-network').getBoundingClientRect(); "
                "return [r.width, r.height]; }")
    assert abs(x - w / 2) < 30 and abs(y - h / 2) < 30
    assert o.js("() => document.querySelector('#kg-panel .kg-panel-title').textContent") == "Sciatica"
    o.shot("graph-search-focus.png")
    # a node hidden by a filter is shown anyway, and the page says so
    o.page.click('#kg-f-verdict input[data-value="no_benefit"]')
    assert "treatment:traction" not in o.drawn_nodes()
    o.page.fill("#kg-search", "spinal traction")
    o.page.press("#kg-search", "Enter")
    o.until("(k) => window.kgPage.drawnNodes().includes(k) && window.kgPage.state.selected === k", "treatment:traction")  # after "Working…", if the last change was slow
    assert "treatment:traction" in o.drawn_nodes()
    assert "outside the current filters" in o.js("() => document.getElementById('kg-status').textContent")


# --------------------------------------------------------------------------- evidence matrix


def test_matrix_cells_colours_sorting_and_panel(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["basic"])
    o.page.click("#kg-tab-matrix")
    o.until("() => !document.getElementById('kg-matrix-view').hidden")
    cells = o.js("""() => Array.from(document.querySelectorAll('#kg-matrix td.kg-cell')).map(td => ({
        cls: td.className, verdict: td.dataset.verdict || null, bg: getComputedStyle(td).backgroundColor,
        text: td.textContent }))""")
    assert len(cells) == 12 * 7
    filled = [c for c in cells if "kg-filled" in c["cls"]]
    gaps = [c for c in cells if "kg-gap" in c["cls"]]
    assert len(filled) == 13 and len(gaps) == 12 * 7 - 13
    vocab = {v["value"]: v["color"] for v in o.js("() => window.kgPage.page.vocab.verdicts")}

    def rgb(hex_colour: str) -> str:
        r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
        return f"rgb({r}, {g}, {b})"

    assert {c["verdict"] for c in filled} == set(vocab)  # the fixture has every verdict
    for c in filled:
        assert c["bg"] == rgb(vocab[c["verdict"]]), c
        assert "source" in c["text"]
    assert all(c["text"] == "" for c in gaps)
    groups = o.js("() => Array.from(document.querySelectorAll('#kg-matrix tr.kg-m-group')).map(t => t.textContent.trim())")
    assert groups[:3] == ["Medication", "Injection", "Surgery"]
    spans = o.js("() => Array.from(document.querySelectorAll('#kg-matrix th.kg-m-span')).map(t => t.textContent)")
    assert spans == ["Low back pain", "Hip pain"]
    o.shot("matrix-basic.png")

    o.page.uncheck("#kg-m-group")
    o.page.click('#kg-matrix button[data-column="sciatica"]')
    order = o.js("() => Array.from(document.querySelectorAll('#kg-matrix tbody tr')).map(r => r.dataset.treatment)")
    assert order[:3] == ["discectomy", "epidural-steroids", "gabapentin"]
    assert o.js("() => document.querySelector('#kg-matrix th.kg-sorted').getAttribute('aria-sort')") == "ascending"

    o.page.click('#kg-matrix td[data-pair="pair:gabapentin|sciatica"]')
    o.until("() => !document.getElementById('kg-panel').hidden")
    text = o.panel()
    assert "Gabapentin gave modest relief of leg pain at eight weeks." in text
    assert "Do not offer gabapentinoids" in text and "Conflicting" in text

    o.page.fill("#kg-m-filter", "ibu")
    assert o.js("() => document.querySelectorAll('#kg-matrix tbody tr[data-treatment]').length") == 1
    o.page.fill("#kg-m-filter", "")
    o.page.select_option("#kg-f-condition", "sciatica")
    assert o.js("() => document.querySelectorAll('#kg-matrix td.kg-cell').length") == 12
    o.page.click('#kg-f-verdict input[data-value="conflicting"]')
    assert o.js("() => document.querySelectorAll('#kg-matrix td.kg-filtered').length") == 1
    o.page.check("#kg-m-hide-empty")
    assert o.js("() => document.querySelectorAll('#kg-matrix tbody tr[data-treatment]').length") == 2


def test_initial_options(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["focus"])
    o.until("() => window.kgPage.focused === 'condition:sciatica'")
    assert o.js("() => document.querySelector('#kg-panel .kg-panel-title').textContent") == "Sciatica"
    m = open_page(pages["matrix-first"])
    assert m.js("() => document.getElementById('kg-graph-view').hidden") is True
    assert m.js("() => document.getElementById('kg-f-condition').value") == "low-back-pain"
    assert m.js("() => document.querySelectorAll('#kg-matrix td.kg-cell').length") == 12 * 3
    m.page.click("#kg-tab-graph")
    m.until("() => window.kgPage.network && window.kgPage.drawnNodes().length > 0")
    assert not {k for k in m.drawn_nodes() if "hip" in k}


# --------------------------------------------------------------------------- hostile text


def test_hostile_text_is_shown_never_run(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["hostile"])
    data = island(o)
    raw = pd.read_csv(HOSTILE / "treatments.csv", dtype=str, keep_default_na=False)
    evil_label = raw.loc[raw["id"] == "evil-pill", "label"].item()
    for n in data["nodes"]:  # every drawn node's tooltip
        if n["kind"] != "source":
            hover(o, *node_xy(o, n["key"]))
            o.until("(k) => document.getElementById('kg-tip').dataset.key === k", n["key"])
    for n in data["nodes"]:  # every node's panel
        o.js("(k) => window.kgPage.focusNode(k)", n["key"])
        assert o.js("() => document.querySelector('#kg-panel .kg-panel-title').textContent") == n.get(
            "label", n.get("title"))
    o.js("(k) => window.kgPage.focusNode(k)", "treatment:evil-pill")
    assert evil_label in o.panel()
    o.page.check("#kg-expanded")
    o.page.check("#kg-show-sources")
    o.page.fill("#kg-search", "<img")
    o.page.press("#kg-search", "Enter")
    o.page.click("#kg-tab-matrix")
    for pair in o.js("() => Array.from(document.querySelectorAll('td[data-pair]')).map(td => td.dataset.pair)"):
        o.page.click(f'td[data-pair="{pair}"]')
        o.until("() => !document.getElementById('kg-panel').hidden")
        o.page.wait_for_timeout(50)
    o.page.click('td[data-pair="pair:evil-pill|evil-pain"]')
    ev = pd.read_csv(HOSTILE / "evidence.csv", dtype=str, keep_default_na=False).set_index("id")
    for ident in ("e1", "e2"):
        for column in ("summary", "quote"):
            assert " ".join(ev.loc[ident, column].split()) in " ".join(o.panel().split())
    o.shot("matrix-hostile.png")
    o.page.click("#kg-tab-graph")
    o.js("(k) => window.kgPage.focusNode(k)", "condition:evil-pain")
    o.page.wait_for_timeout(500)
    o.shot("graph-hostile.png")
    assert o.js("() => window.__pwned") is None
    assert o.js("""() => Array.from(document.querySelectorAll('*')).filter(el =>
        ['IMG', 'IFRAME', 'B', 'I', 'A', 'TEXTAREA'].includes(el.tagName) && !el.closest('#kg-panel .kg-links, #kg-panel p.kg-links')
        || Array.from(el.attributes).some(a => a.name.startsWith('on'))).map(el => el.outerHTML.slice(0, 80))""") == []
    hrefs = o.js("() => Array.from(document.querySelectorAll('a')).map(a => a.getAttribute('href'))")
    assert all(h.startswith(("https://", "http://")) for h in hrefs)
    # the DOI with '<' and '>' is percent-encoded in its link, shown as written in its label
    o.js("(k) => window.kgPage.focusNode(k)", "source:good-source")
    links = o.js("() => Array.from(document.querySelectorAll('#kg-panel a')).map(a => [a.textContent, a.href])")
    assert ["DOI 10.1000/xyz<123>", "https://doi.org/10.1000/xyz%3C123%3E"] in links
    assert o.js("() => document.body.style.display") == ""  # the <style> in a note did not apply


def test_links_are_http_only(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["basic"])
    checks = {
        "javascript:alert(1)": None, "JaVaScRiPt:alert(1)": None, " javascript:alert(1)": None,
        "data:text/html,<script>alert(1)</script>": None, "vbscript:x": None, "file:///etc/passwd": None,
        "//example.org/x": None, "": None, "https://example.org/a?b=<c>": "https://example.org/a?b=%3Cc%3E",
        "http://example.org": "http://example.org/",
    }
    got = o.js("(urls) => urls.map(u => window.kgPage.safeHref(u))", list(checks))
    assert dict(zip(checks, got, strict=True)) == checks


# --------------------------------------------------------------------------- large graphs


@pytest.mark.slow
def test_large_graph_draws_with_fixed_layout(
    open_page: Callable[..., Opened], tmp_path: Path, script: Callable[[str], Any]
) -> None:
    folder = tmp_path / "data"
    counts = script("bench_page").write_synthetic(folder, nodes=2000, seed=5)
    path = tmp_path / "index.html"
    path.write_text(kg.load(folder).page_html(), encoding="utf-8")
    o = open_page(path)
    assert o.js("() => window.kgPage.page.meta.layout") == "fixed"
    assert o.js("() => window.kgPage.network.physics.options.enabled") is False
    # it opens on an overview: the broadest conditions, each with its statements, readable
    overview = o.drawn_nodes()
    assert overview and all(k.startswith("condition:") for k in overview) and len(overview) <= 150
    assert o.js("() => window.kgPage.network.getScale()") >= 0.5
    assert "opens on its" in o.js("() => document.getElementById('kg-banner').textContent")
    o.shot("graph-large-overview.png")
    o.page.click("#kg-draw-all")  # every node, as before
    assert len(o.drawn_nodes()) == counts["treatments"] + counts["conditions"]
    o.shot("graph-large.png")
    o.page.fill("#kg-search", "Treatment 42")
    o.page.press("#kg-search", "Enter")
    assert o.js("() => window.kgPage.focused") == "treatment:t42"
    o.page.wait_for_timeout(700)
    o.shot("graph-large-focus.png")
    o.page.click('#kg-f-verdict .kg-mini:text("none")')
    assert o.drawn_nodes() == set()
    o.page.fill("#kg-search", "Treatment 42")
    o.page.press("#kg-search", "Enter")
    o.until("(k) => window.kgPage.drawnNodes().includes(k) && window.kgPage.state.selected === k", "treatment:t42")  # after "Working…", if the last change was slow
    assert o.drawn_nodes() == {"treatment:t42"}  # searched for while filtered out: shown, pinned
    o.page.click("#kg-reset")
    o.page.click("#kg-tab-matrix")
    assert o.js("() => document.querySelectorAll('#kg-matrix td.kg-cell').length") <= 40000


def test_cap_is_announced_on_the_page(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["capped"])
    assert len(o.drawn_nodes()) == 10
    banner = o.js("() => { const b = document.getElementById('kg-banner'); return b.hidden ? '' : b.textContent; }")
    assert "the drawing shows the 10 nodes with most statements out of 19" in banner
    o.shot("graph-capped.png")


def test_statements_left_out_are_announced(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["trimmed"])
    carried = [e for e in island(o)["edges"] if e["kind"] == "evidence"]
    assert 0 < len(carried) <= 6
    banner = o.js("() => { const b = document.getElementById('kg-banner'); return b.hidden ? '' : b.textContent; }")
    assert f"This page carries {len(carried)} of the 19 statements" in banner
    assert o.js("() => document.getElementById('kg-counts').textContent").startswith("19 statements")


# --------------------------------------------------------------------------- embedding (Jupyter)


def test_page_works_in_a_sandboxed_srcdoc_iframe(open_page: Callable[..., Opened], pages: dict[str, Path],
                                                 tmp_path: Path) -> None:
    page = pages["basic"].read_text(encoding="utf-8")
    outer = tmp_path / "notebook.html"
    outer.write_text(
        '<!DOCTYPE html><html><body><h1>Notebook output</h1>'
        f'<iframe sandbox="allow-scripts allow-popups" width="1100" height="650" '
        f'srcdoc="{html_lib.escape(page, quote=True)}"></iframe></body></html>',
        encoding="utf-8",
    )
    o = open_page(outer, ready=False)
    deadline = time.monotonic() + 30
    frame = None
    while time.monotonic() < deadline:
        frames = [f for f in o.page.frames if f != o.page.main_frame]
        if frames and frames[0].evaluate("() => !!(window.kgPage && window.kgPage.ready)"):
            frame = frames[0]
            break
        time.sleep(0.05)
    assert frame is not None, "the embedded page never drew"
    assert len(frame.evaluate("() => window.kgPage.drawnNodes()")) == 19
    data = json.loads(frame.evaluate("() => document.getElementById('kg-data').textContent"))
    assert len(data["nodes"]) == 25
    o.shot("iframe-embedded.png")


# --------------------------------------------------------------------------- issue 12: defects 1-7


def box(o: Opened, selector: str) -> dict[str, float]:
    return o.js("(s) => { const r = document.querySelector(s).getBoundingClientRect(); "
                "return {x: r.x, y: r.y, width: r.width, height: r.height}; }", selector)


def visible(o: Opened, selector: str) -> bool:
    return bool(o.js("(s) => { const e = document.querySelector(s); if (!e) return false; const r = e.getBoundingClientRect(); "
                     "return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; }", selector))


@pytest.mark.parametrize("width,height", [(1400, 900), (390, 844)])
def test_filters_button_never_blanks_the_view(open_page: Callable[..., Opened], pages: dict[str, Path],
                                               width: int, height: int) -> None:
    o = open_page(pages["basic"], width=width, height=height)
    for _ in range(2):
        o.page.click("#kg-toggle-filters")
        o.page.wait_for_timeout(100)
        graph = box(o, "#kg-graph-view")
        assert graph["width"] >= width * 0.6 and graph["height"] >= height * 0.5, graph
        assert len(o.drawn_nodes()) == 19
    o.page.click("#kg-tab-matrix")
    for _ in range(2):
        o.page.click("#kg-toggle-filters")
        matrix = box(o, "#kg-m-scroll")
        assert matrix["width"] >= width * 0.6 and matrix["height"] >= height * 0.4, matrix


def test_back_forward_and_a_shared_link_restore_the_state(open_page: Callable[..., Opened],
                                                         pages: dict[str, Path]) -> None:
    o = open_page(pages["basic"])
    everything = o.drawn_nodes()
    o.page.select_option("#kg-f-condition", "sciatica")
    sciatica = o.drawn_nodes()
    assert sciatica < everything
    o.page.click('#kg-f-verdict input[data-value="no_benefit"]')
    o.page.click("#kg-tab-matrix")
    o.page.click('#kg-matrix td[data-pair="pair:discectomy|sciatica"]')
    o.until("() => !document.getElementById('kg-panel').hidden")
    shared = o.js("() => location.hash")
    assert "view=matrix" in shared and "condition=sciatica" in shared and "sel=pair" in shared

    o.page.go_back()  # the panel closes
    o.until("() => document.getElementById('kg-panel').hidden")
    assert o.js("() => window.kgPage.state.tab") == "matrix"
    o.page.go_back()  # back to the graph
    o.until("() => !document.getElementById('kg-graph-view').hidden")
    o.page.go_back()  # no_benefit ticked again
    o.until("() => document.querySelector('#kg-f-verdict input[data-value=\"no_benefit\"]').checked")
    assert o.js("() => document.getElementById('kg-f-condition').value") == "sciatica"
    assert o.drawn_nodes() == sciatica
    o.page.go_back()  # all conditions
    o.until("() => document.getElementById('kg-f-condition').value === ''")
    assert o.drawn_nodes() == everything
    o.page.go_forward()
    o.until("() => document.getElementById('kg-f-condition').value === 'sciatica'")
    assert o.drawn_nodes() == sciatica  # the dropdown and the drawing agree

    # the shared link opens the page as it was: matrix, Sciatica, no_benefit unticked, the pair's panel open
    fresh = open_page(Path(str(pages["basic"])), ready=False)
    fresh.page.goto(pages["basic"].as_uri() + shared)
    fresh.until("() => !!(window.kgPage && window.kgPage.ready)")
    assert fresh.js("() => window.kgPage.state.tab") == "matrix"
    assert fresh.js("() => document.getElementById('kg-f-condition').value") == "sciatica"
    assert not fresh.js("() => document.querySelector('#kg-f-verdict input[data-value=\"no_benefit\"]').checked")
    assert fresh.js("() => document.getElementById('kg-panel-kind').textContent") == "Treatment → condition"
    assert "Discectomy" in fresh.panel()
    assert fresh.js("() => document.querySelectorAll('#kg-matrix thead button[data-column]').length") == 1


def test_a_trimmed_page_says_true_things(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["trimmed"])
    data = island(o)
    carried = {e["to"] for e in data["edges"] if e["kind"] == "evidence"} | {
        e["from"] for e in data["edges"] if e["kind"] == "evidence"}
    basic = kg.load(BASIC)
    ev = basic.dataset.evidence
    left_out = sorted(set(ev["treatment"].astype(str)) - {k.split(":", 1)[1] for k in carried if k.startswith("treatment:")})
    assert left_out, "the fixture must leave some treatment's statements out"
    t = left_out[0]
    n = int((ev["treatment"].astype(str) == t).sum())
    o.js("(k) => window.kgPage.focusNode(k)", f"treatment:{t}")
    text = o.panel()
    assert "No statements about this treatment" not in text
    assert f"{n} statement" in text and "not carried in this page" in text and "kg query" in text
    # the treatment is drawn as one with statements, with its lines
    assert f"treatment:{t}" in o.drawn_nodes()
    assert any(e.startswith(f"pair:{t}|") for e in o.drawn_edges())
    # filter counts are the whole data's: the effect counts add up to every statement
    effects = o.js("() => Array.from(document.querySelectorAll('#kg-f-effect .kg-count')).map(c => Number(c.textContent))")
    assert sum(effects) == len(ev) == 19
    verdicts = o.js("() => Array.from(document.querySelectorAll('#kg-f-verdict .kg-count')).map(c => Number(c.textContent))")
    assert sum(verdicts) == len(basic.summary())
    # a statement filter cannot judge the pairs whose statements are not carried: the banner says so
    o.page.click('#kg-f-effect input[data-value="harm"]')
    banner = o.js("() => document.getElementById('kg-banner').textContent")
    assert "whose statements this page does not carry" in banner and "hidden" in banner


def test_phone_layout_gives_the_view_the_width(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["bundled"], width=390, height=844)
    graph = box(o, "#kg-graph-view")
    assert graph["width"] >= 380 and graph["height"] >= 600, graph
    assert not visible(o, "#kg-filters")
    o.shot("phone-graph-bundled.png")
    o.page.click("#kg-toggle-filters")  # a drawer over the view
    assert visible(o, "#kg-filters")
    assert box(o, "#kg-graph-view")["width"] >= 380
    o.shot("phone-filters-drawer.png")
    o.page.click("#kg-filters-close")
    assert not visible(o, "#kg-filters")
    o.page.click("#kg-tab-matrix")
    o.until("() => document.querySelectorAll('#kg-matrix td.kg-cell').length > 0")
    shown = o.js("""() => Array.from(document.querySelectorAll('#kg-matrix thead button[data-column]'))
        .filter(b => { const r = b.getBoundingClientRect(); return r.right <= window.innerWidth && r.width > 0; }).length""")
    assert shown >= 2, "the name column must leave room for conditions"
    o.shot("phone-matrix-bundled.png")
    o.page.click('#kg-matrix td.kg-filled')
    panel = box(o, "#kg-panel")
    assert panel["width"] >= 340  # the panel overlays the view
    o.shot("phone-panel.png")
    o.page.click("#kg-panel-close")
    o.js("() => window.kgPage.showSummary('low-back-pain')")
    assert o.js("() => { const s = document.querySelector('.kg-sof-scroll'); return s.scrollWidth <= s.clientWidth + 1; }")
    o.shot("phone-summary-bundled.png")


def test_filters_refit_the_view_and_nothing_matches_says_so(open_page: Callable[..., Opened],
                                                            pages: dict[str, Path]) -> None:
    o = open_page(pages["bundled"])
    o.page.select_option("#kg-f-condition", "sciatica")
    o.page.wait_for_timeout(200)
    canvas = box(o, "#kg-network")
    xs, ys = [], []
    for key in o.drawn_nodes():
        x, y = node_xy(o, key)
        xs.append(x)
        ys.append(y)
        assert 0 <= x <= canvas["width"] and 0 <= y <= canvas["height"], key  # nothing drawn off screen
    spread = max((max(xs) - min(xs)) / canvas["width"], (max(ys) - min(ys)) / canvas["height"])
    assert spread > 0.45, f"the {len(xs)} nodes of Sciatica sit in a corner ({spread:.2f} of the canvas)"
    o.shot("graph-refit-sciatica.png")
    o.page.click('#kg-f-verdict .kg-mini:text("none")')
    assert o.drawn_nodes() <= {"condition:sciatica"} and not o.drawn_edges()
    assert visible(o, "#kg-empty") and "Nothing matches" in o.js("() => document.getElementById('kg-empty').textContent")
    o.shot("graph-nothing-matches.png")
    o.page.click("#kg-empty-reset")
    assert not visible(o, "#kg-empty")
    assert len(o.drawn_nodes()) > 50
    o.page.click('#kg-f-verdict .kg-mini:text("none")')
    o.page.click("#kg-tab-matrix")
    assert visible(o, "#kg-m-empty")
    o.page.click("#kg-m-empty-reset")
    assert not visible(o, "#kg-m-empty")


def test_labels_stay_readable_and_sources_stay_off_treatments(open_page: Callable[..., Opened],
                                                              pages: dict[str, Path]) -> None:
    o = open_page(pages["bundled"])
    # a long condition name is wrapped, not cut
    data = island(o)
    longest = max((n for n in data["nodes"] if n["kind"] == "condition"), key=lambda n: len(n["label"]))
    label = o.js("(k) => window.kgPage.network.body.nodes[k].options.label", longest["key"])
    assert "…" not in label and label.replace("\n", " ").split() == longest["label"].split()
    # clicking a node keeps its label readable (no refit to a tiny scale)
    key = "treatment:microdiscectomy"
    before = o.js("() => window.kgPage.network.getScale()")
    click_at(o, *node_xy(o, key))
    o.until("() => !document.getElementById('kg-panel').hidden")
    o.page.wait_for_timeout(600)
    scale = o.js("() => window.kgPage.network.getScale()")
    font = o.js("(k) => window.kgPage.network.body.nodes[k].labelModule.fontOptions.size", key)  # as drawn
    assert scale >= before * 0.98, f"opening the panel shrank the drawing from {before:.2f} to {scale:.2f}"
    assert font * scale >= 9, f"labels are {font * scale:.1f} px high after a click"
    # treatment labels do not overlap each other
    boxes = o.js("""() => { const n = window.kgPage.network; return window.kgPage.drawnNodes()
        .filter(k => k.startsWith('treatment:')).map(k => { const b = n.getBoundingBox(k); return [k, b.left, b.top, b.right, b.bottom]; }); }""")
    overlaps = [(a[0], b[0]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if a[1] < b[3] - 2 and b[1] < a[3] - 2 and a[2] < b[4] - 2 and b[2] < a[4] - 2]
    assert len(overlaps) <= len(boxes) // 10, overlaps[:10]
    # sources, when shown, are placed off the treatments
    o.page.click("#kg-panel-close")
    o.page.check("#kg-show-sources")
    o.page.wait_for_timeout(1500)
    drawn = o.js("""() => { const n = window.kgPage.network; return window.kgPage.drawnNodes().map(k => {
        const b = n.getBoundingBox(k); return [k, b.left, b.top, b.right, b.bottom]; }); }""")
    sources = [b for b in drawn if b[0].startswith("source:")]
    treatments = [b for b in drawn if b[0].startswith("treatment:")]
    assert sources
    on_top = [(s[0], t[0]) for s in sources for t in treatments
              if s[1] < t[3] - 2 and t[1] < s[3] - 2 and s[2] < t[4] - 2 and t[2] < s[4] - 2]
    assert not on_top, f"sources drawn over treatments: {on_top[:5]}"
    o.shot("graph-sources-bundled.png")


def test_matrix_sorting_grouped_rich_cells_and_keyboard(open_page: Callable[..., Opened],
                                                       pages: dict[str, Path]) -> None:
    o = open_page(pages["bundled"])
    o.page.click("#kg-tab-matrix")
    assert o.js("() => document.getElementById('kg-m-group').checked")
    o.page.click('#kg-matrix button[data-column="sciatica"]')
    first = o.js("""() => { const tr = document.querySelector('#kg-matrix tbody tr[data-treatment]');
        const i = Array.from(document.querySelectorAll('#kg-matrix thead tr:last-child th')).findIndex(th =>
            th.querySelector('button[data-column="sciatica"]'));
        return tr.children[i].className; }""")
    assert "kg-filled" in first, "with group-by on, rows with evidence for the sorted column come first"
    o.shot("matrix-sorted-grouped.png")
    cell = o.js("""() => { const td = document.querySelector('#kg-matrix td.kg-filled');
        return {text: td.textContent, label: td.querySelector('.kg-visually-hidden').textContent,
                dots: td.querySelectorAll('.kg-tfdot').length}; }""")
    assert cell["dots"] == 3  # short / medium / long
    assert "source" in cell["text"] and any(t in cell["text"] for t in ("Guideline", "Reference article", "Patient education", "Blog"))
    assert cell["label"] and " for " in cell["label"]
    # keyboard: one tab stop into the grid, arrows move, Enter opens the pair
    o.page.focus('#kg-matrix td[tabindex="0"]')
    start = o.js("() => document.activeElement.dataset.pair")
    o.page.keyboard.press("ArrowDown")
    moved = o.js("() => document.activeElement.dataset.pair")
    assert moved and moved != start
    o.page.keyboard.press("Enter")
    o.until("() => !document.getElementById('kg-panel').hidden")
    assert o.js("() => window.kgPage.state.selected") == moved


# --------------------------------------------------------------------------- issue 11: strength, honest labels


def test_page_shows_strength_and_honest_labels(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["basic"])
    summary = kg.load(BASIC).summary().set_index(["treatment_id", "condition_id"])
    expected = summary.loc[("discectomy", "sciatica")]
    label = {"strong": "Strong", "moderate": "Moderate", "weak": "Weak", "very_weak": "Very weak"}[expected["strength"]]
    # the pair tooltip
    mid = o.js("(k) => window.kgPage.edgeMidpoint(k)", "pair:discectomy|sciatica")
    hover(o, mid["x"], mid["y"])
    o.until("() => !document.getElementById('kg-tip').hidden")
    tip = o.tip()
    assert f"{label} evidence" in tip and expected["why"] in tip
    # the card in the panel
    o.js("() => window.kgPage.focusNode('treatment:discectomy')")
    panel = o.panel()
    assert f"{label} evidence" in panel and f"Why this strength: {expected['why']}" in panel
    # no card repeats itself ("Benefit benefit")
    o.js("() => window.kgPage.focusNode('condition:low-back-pain')")  # every pair of the fixture's back pain
    heads = o.js("""() => Array.from(document.querySelectorAll('.kg-pair-head')).map(h =>
        [h.querySelector('.kg-chip').textContent.toLowerCase(), h.querySelector('.kg-headline').textContent.toLowerCase()])""")
    assert len(heads) >= 5
    for badge, headline in heads:
        assert not (headline.strip(" .") and headline.strip(" .") in badge), (badge, headline)
    # harms said on the badge of every pair whose statements report harm
    badges = o.js("""() => window.kgPage.model.pairs.filter(p => p.harms).map(p => {
        window.kgPage.focusNode('treatment:' + p.treatment);
        const box = document.querySelector('#kg-panel [data-pair="' + CSS.escape(p.key) + '"] .kg-chip');
        return [p.key, box ? box.textContent : null]; })""")
    assert badges
    for key, text in badges:
        assert text and "harm" in text.lower(), (key, text)
    # comparator statements are marked as left out of the verdict
    o.js("() => window.kgPage.focusNode('treatment:spinal-manipulation')")
    o.page.click("#kg-panel details.kg-pair-details > summary")
    assert "left out of the verdict" in o.panel()
    # the matrix cell: strength mark and label, certainty, timeframes
    o.page.click("#kg-panel-close")
    o.page.click("#kg-tab-matrix")
    cell = o.js("""() => document.querySelector('#kg-matrix td[data-pair="pair:discectomy|sciatica"]').textContent""")
    assert label in cell and f"{expected['certainty']} certainty" in cell
    o.shot("matrix-strength.png")
    # the legend and the filter: unticking a strength hides its pairs
    weak = [f"pair:{t}|{c}" for (t, c), row in summary.iterrows() if row["strength"] == expected["strength"]]
    o.page.click(f'#kg-f-strength input[data-value="{expected["strength"]}"]')
    shown = set(o.js("() => Array.from(window.kgPage.current.okPairs)"))
    assert shown and not shown & set(weak)
    assert len(shown) == len(summary) - len(weak)
    o.page.click("#kg-tab-graph")
    assert "evidence" in o.js("() => document.getElementById('kg-legend').textContent")
    assert "Very weak" in o.js("() => document.getElementById('kg-legend').textContent")


# --------------------------------------------------------------------------- summary of findings


def test_summary_of_findings_for_a_condition(open_page: Callable[..., Opened], pages: dict[str, Path],
                                             tmp_path: Path) -> None:
    o = open_page(pages["basic"])
    o.page.select_option("#kg-f-condition", "low-back-pain")
    o.page.click("#kg-tab-summary")
    assert "view=summary" in o.js("() => location.hash")
    rows = o.js("""() => Array.from(document.querySelectorAll('#kg-sof tbody tr')).map(tr => ({
        pair: tr.dataset.pair, text: tr.textContent}))""")
    summary = kg.load(BASIC).summary()
    within = {"low-back-pain", "chronic-low-back-pain", "sciatica"}
    expected = summary[summary["condition_id"].isin(within)]
    assert {r["pair"] for r in rows} == {f"pair:{t}|{c}" for t, c in zip(expected["treatment_id"], expected["condition_id"],
                                                                           strict=True)}
    # one group of rows per treatment, ranked by verdict (then strength)
    order = o.js("() => window.kgPage.page.vocab.verdicts.map(v => v.value)")
    firsts = o.js("() => Array.from(document.querySelectorAll('#kg-sof tbody tr.kg-sof-first')).map(tr => tr.dataset.pair)")
    assert len(firsts) == expected["treatment_id"].nunique()
    verdict = {f"pair:{t}|{c}": v for t, c, v in zip(summary["treatment_id"], summary["condition_id"], summary["verdict"],
                                                     strict=True)}
    ranks = [order.index(verdict[p]) for p in firsts]
    assert ranks == sorted(ranks)
    # narrower conditions are included and marked
    sciatica = next(r for r in rows if r["pair"] == "pair:gabapentin|sciatica")
    assert "narrower condition: Sciatica" in sciatica["text"] and "1 conflict" in sciatica["text"]
    o.shot("summary-low-back-pain.png")
    # the quotes, one click away
    o.page.click('#kg-sof button[data-pair="pair:traction|low-back-pain"]')
    assert "Traction was not more effective than placebo" in o.panel()
    # evidence on a broader condition is shown as such
    o.page.click("#kg-panel-close")
    o.page.select_option("#kg-f-condition", "sciatica")
    texts = o.js("() => Array.from(document.querySelectorAll('#kg-sof tbody tr')).map(tr => tr.textContent)")
    assert any("broader condition: Low back pain" in t for t in texts)
    # CSV from the page
    with o.page.expect_download() as info:
        o.page.click("#kg-sof-csv")
    path = tmp_path / "sof.csv"
    info.value.save_as(path)
    csv = pd.read_csv(path)
    assert list(csv.columns[:4]) == ["treatment", "condition", "scope", "verdict"]
    assert set(csv["scope"]) == {"self", "broader"}
    assert len(csv) == len(texts)
    # printable: only the summary is printed
    o.page.emulate_media(media="print")
    assert not visible(o, "#kg-filters") and not visible(o, "#kg-search") and visible(o, "#kg-sof")
    o.page.emulate_media(media="screen")


# --------------------------------------------------------------------------- accessibility

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(o: Opened) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations of the page as it is now (axe-core from npm, `npm ci`)."""
    if not o.js("() => typeof window.axe !== 'undefined'"):
        o.js(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = o.page.evaluate("async () => { const r = await window.axe.run(document, {resultTypes: ['violations']}); "
                             "return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, "
                             "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }")
    return [v for v in result if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("width,height", [(1400, 900), (390, 844)])
def test_axe_finds_no_serious_violations(open_page: Callable[..., Opened], pages: dict[str, Path],
                                         width: int, height: int) -> None:
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci` (CI does)")
    o = open_page(pages["basic"], width=width, height=height)
    assert axe_violations(o) == []
    o.js("() => window.kgPage.focusNode('treatment:discectomy')")
    assert axe_violations(o) == []
    o.page.click("#kg-panel-close")
    o.page.click("#kg-tab-matrix")
    assert axe_violations(o) == []
    o.page.select_option("#kg-f-condition", "low-back-pain") if width > 800 else o.js(
        "() => window.kgPage.showSummary('low-back-pain')")
    o.page.click("#kg-tab-summary")
    assert axe_violations(o) == []


def test_keyboard_reaches_views_and_every_drawn_node(open_page: Callable[..., Opened], pages: dict[str, Path]) -> None:
    o = open_page(pages["basic"])
    o.page.keyboard.press("Tab")  # the skip link comes first
    assert o.js("() => document.activeElement.className") == "kg-skip"
    o.page.keyboard.press("Enter")
    assert o.js("() => document.activeElement.id") == "kg-views"
    labels = o.js("() => Array.from(document.querySelectorAll('#kg-f-verdict .kg-mini')).map(b => b.getAttribute('aria-label'))")
    assert labels == ["Tick all: every verdict", "Tick none: no verdict"]
    # the list of drawn nodes stays in step with the canvas
    o.page.click("#kg-list summary")
    o.until("() => document.querySelectorAll('#kg-list-items button[data-key]').length > 0")
    listed = o.js("() => Array.from(document.querySelectorAll('#kg-list-items button[data-key]')).map(b => b.dataset.key)")
    assert set(listed) == o.drawn_nodes()
    o.page.select_option("#kg-f-condition", "sciatica")
    listed = o.js("() => Array.from(document.querySelectorAll('#kg-list-items button[data-key]')).map(b => b.dataset.key)")
    assert set(listed) == o.drawn_nodes()
    o.page.focus('#kg-list-items button[data-key="treatment:gabapentin"]')
    o.page.keyboard.press("Enter")
    o.until("() => !document.getElementById('kg-panel').hidden")
    assert o.js("() => window.kgPage.focused") == "treatment:gabapentin"
    # the canvas takes focus: arrow keys pan, + zooms in
    o.page.focus("#kg-network .vis-network")
    before = o.js("() => [window.kgPage.network.getViewPosition().x, window.kgPage.network.getScale()]")
    o.page.keyboard.down("ArrowRight")
    o.page.wait_for_timeout(300)
    o.page.keyboard.up("ArrowRight")
    o.page.keyboard.down("+")
    o.page.wait_for_timeout(300)
    o.page.keyboard.up("+")
    after = o.js("() => [window.kgPage.network.getViewPosition().x, window.kgPage.network.getScale()]")
    assert after[0] != before[0] and after[1] > before[1]


# --------------------------------------------------------------------------- scale: overview, then on demand


def test_large_graph_opens_on_an_overview_and_expands_on_demand(
    open_page: Callable[..., Opened], tmp_path: Path, script: Callable[[str], Any]
) -> None:
    folder = tmp_path / "data"
    script("bench_page").write_synthetic(folder, nodes=2000, seed=3)
    graph = kg.load(folder)
    path = tmp_path / "index.html"
    path.write_text(graph.page_html(max_statements=1500), encoding="utf-8")
    ev = graph.dataset.evidence
    o = open_page(path)
    overview = o.drawn_nodes()
    roots = set("condition:" + graph.dataset.conditions.loc[graph.dataset.conditions["parent"].isna(), "id"].astype(str))
    assert roots <= overview and all(k.startswith("condition:") for k in overview)
    # each overview condition says how many statements it and its narrower conditions have: true counts
    label = o.js("() => window.kgPage.network.body.nodes['condition:c0'].options.label")
    under = Hierarchy.of(graph.dataset.conditions).descendants("c0")
    assert f"{int(ev['condition'].astype(str).isin(under).sum()):,} statements" in label
    o.shot("graph-overview-2000.png")
    # a click on a condition draws its neighbourhood: its subtree's pairs
    click_at(o, *node_xy(o, "condition:c0"))
    o.until("() => window.kgPage.state.condition === 'c0'")
    pairs = {e for e in o.drawn_edges() if e.startswith("pair:")}
    expected = {f"pair:{t}|{c}" for t, c in zip(ev["treatment"].astype(str), ev["condition"].astype(str), strict=True)
                if c in set(under)}
    assert pairs == expected
    o.shot("graph-overview-condition.png")
    o.page.go_back()
    o.until("() => window.kgPage.current.overview")
    # search from the overview: the treatment and its neighbourhood, even one whose quotes are not carried
    counts = ev["treatment"].astype(str).value_counts()
    carried = {e["from"] for e in island(o)["edges"] if e["kind"] == "evidence"}
    t = next(t for t in counts.index[::-1] if f"treatment:{t}" not in carried)
    o.page.fill("#kg-search", graph.dataset.treatments.set_index("id").loc[t, "label"])
    o.page.press("#kg-search", "Enter")
    o.until("(k) => window.kgPage.drawnNodes().includes(k) && window.kgPage.state.selected === k", f"treatment:{t}")  # after "Working…", if the last change was slow
    drawn = o.drawn_nodes()
    assert f"treatment:{t}" in drawn
    assert {f"condition:{c}" for c in ev.loc[ev["treatment"].astype(str) == t, "condition"].astype(str)} <= drawn
    panel = o.panel()
    assert "No statements about this treatment" not in panel
    assert f"{int(counts[t])} statement" in panel and "not carried in this page" in panel
    assert "open=treatment" in o.js("() => location.hash")


# --------------------------------------------------------------------------- framing: deep links, phones


def label_boxes(o: Opened, keys: list[str]) -> dict[str, list[float]]:
    """Each node's drawn box (shape and label) in pixels of the canvas: [left, top, right, bottom]."""
    return o.js("""(keys) => { const n = window.kgPage.network; const out = {};
        keys.forEach(k => { const b = n.getBoundingBox(k); if (!b) return;
            const a = n.canvasToDOM({x: b.left, y: b.top}), z = n.canvasToDOM({x: b.right, y: b.bottom});
            out[k] = [a.x, a.y, z.x, z.y]; });
        return out; }""", keys)


def outside(o: Opened, boxes: dict[str, list[float]]) -> list[str]:
    canvas = box(o, "#kg-network")
    return [k for k, (left, top, right, bottom) in boxes.items()
            if left < 0 or top < 0 or right > canvas["width"] or bottom > canvas["height"]]


def drawn_neighbours(o: Opened, key: str) -> list[str]:
    return o.js("""(k) => { const drawn = new Set(window.kgPage.drawnNodes());
        return window.kgPage.network.getConnectedNodes(k).filter(n => drawn.has(n)); }""", key)


@pytest.mark.parametrize("width,height", [(1400, 900), (390, 844)])
def test_a_deep_link_frames_the_selection_and_its_neighbours_whole(
    open_page: Callable[..., Opened], pages: dict[str, Path], width: int, height: int
) -> None:
    probe = open_page(pages["bundled"])
    degree = probe.js("""() => { const d = {}; window.kgPage.drawnEdges().forEach(e => {
        const x = window.kgPage.network.body.edges[e]; d[x.fromId] = (d[x.fromId] || 0) + 1; d[x.toId] = (d[x.toId] || 0) + 1; });
        return d; }""")
    # the busiest treatment and condition, and a treatment with a single line
    treatments = sorted((k for k in degree if k.startswith("treatment:")), key=lambda k: (-degree[k], k))
    conditions = sorted((k for k in degree if k.startswith("condition:")), key=lambda k: (-degree[k], k))
    for key in (treatments[0], conditions[0], treatments[-1]):
        o = open_page(pages["bundled"], width=width, height=height, ready=False)
        o.page.goto(pages["bundled"].as_uri() + f"#sel={key}")
        o.until("() => !!(window.kgPage && window.kgPage.ready)")
        o.page.wait_for_timeout(300)
        assert o.js("() => window.kgPage.state.selected") == key
        neighbours = drawn_neighbours(o, key)
        assert neighbours, key
        boxes = label_boxes(o, [key, *neighbours])
        assert len(boxes) == len(neighbours) + 1
        assert outside(o, boxes) == [], f"{key}: labels cut at the canvas edge at {width}px"
        o.shot(f"deep-link-{width}-{key.replace(':', '-')}.png")
        # and the whole graph is one click away (on a phone the panel lies over the view: closed first)
        if width <= 820:
            o.page.click("#kg-panel-close")
            if visible(o, "#kg-whole"):
                o.page.click("#kg-whole")
        else:
            o.page.click("#kg-whole")
        assert outside(o, label_boxes(o, sorted(o.drawn_nodes()))) == []
        assert not visible(o, "#kg-whole")


def test_a_phone_opens_readable_with_the_whole_graph_a_click_away(
    open_page: Callable[..., Opened], pages: dict[str, Path]
) -> None:
    o = open_page(pages["bundled"], width=390, height=844)
    o.shot("phone-opening-bundled.png")
    scale = o.js("() => window.kgPage.network.getScale()")
    drawn = sorted(o.drawn_nodes())
    font = o.js("(k) => window.kgPage.network.body.nodes[k].labelModule.fontOptions.size", drawn[0])
    assert font * scale >= 8, f"labels open {font * scale:.1f} px high on a phone"
    # it opens on the node with most statements, whose label reads whole, among its neighbours
    weights = {n["key"]: n["statements"] for n in pd.DataFrame(**o.js("() => window.kgPage.page.nodes")).to_dict("records")}
    hub = min(drawn, key=lambda k: (-weights.get(k, 0), k))
    assert outside(o, label_boxes(o, [hub])) == []
    inside = [k for k in drawn if k not in outside(o, label_boxes(o, drawn))]
    assert len(inside) >= 5
    assert visible(o, "#kg-whole") and "Whole graph" in o.js("() => document.getElementById('kg-whole').textContent")
    o.page.click("#kg-whole")
    assert outside(o, label_boxes(o, drawn)) == [], "the whole graph must fit the canvas"
    assert not visible(o, "#kg-whole")
    o.shot("phone-whole-bundled.png")
    # a laptop opens on the whole graph, readable, with no button
    wide = open_page(pages["bundled"])
    assert outside(wide, label_boxes(wide, drawn)) == []
    assert wide.js("() => window.kgPage.network.getScale()") * font >= 8
    assert not visible(wide, "#kg-whole")


# --------------------------------------------------------------------------- the busy indicator


WATCH_BUSY = """() => { const b = document.getElementById('kg-busy'); window.busySeen = [];
    new MutationObserver(() => { const r = b.getBoundingClientRect();
        window.busySeen.push(b.hidden ? 'hidden' : (r.width > 0 && r.height > 0 ? 'shown: ' + b.textContent : 'empty'));
    }).observe(b, {attributes: true, attributeFilter: ['hidden']}); }"""


def change(o: Opened, selector: str) -> list[str]:
    """Click `selector`; wait until the page has applied the change and drawn; what the busy indicator did."""
    o.js("() => { window.busySeen = []; }")
    before = o.js("() => window.kgPage.applied || 0")
    o.page.click(selector)
    o.until("(n) => (window.kgPage.applied || 0) > n", before, timeout=60)
    o.page.wait_for_timeout(100)
    assert o.js("() => document.getElementById('kg-busy').hidden")
    return list(o.js("() => window.busySeen"))


def test_a_large_page_shows_working_while_a_filter_applies(open_page: Callable[..., Opened],
                                                           pages: dict[str, Path]) -> None:
    o = open_page(pages["heavy"])  # over `busy_rows` pairs and statements: the first change may be slow
    o.js(WATCH_BUSY)
    assert change(o, '#kg-f-verdict input[data-value="benefit"]') == ["shown: Working…", "hidden"]
    assert len(o.drawn_nodes()) < 19


@pytest.mark.slow
def test_working_follows_the_time_the_last_comparable_change_took(
    open_page: Callable[..., Opened], tmp_path: Path, script: Callable[[str], Any]
) -> None:
    folder = tmp_path / "data"
    script("bench_page").write_synthetic(folder, nodes=2000, seed=5)
    path = tmp_path / "index.html"
    path.write_text(kg.load(folder).page_html(), encoding="utf-8")
    o = open_page(path)
    assert o.js("() => window.kgPage.page.meta.heavy") is False  # by its size, changes should be quick
    cdp = o.page.context.new_cdp_session(o.page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})  # a slow phone: drawing every node takes long
    o.js(WATCH_BUSY)
    assert change(o, "#kg-draw-all") == [], "no change of this kind was timed yet: the size guess (quick)"
    o.page.wait_for_timeout(1000)  # the nodes just added are framed again once drawn (measured)
    drawn = sorted(o.drawn_nodes())
    assert len(drawn) > 1000 and outside(o, label_boxes(o, drawn)) == [], "every label of every node in view"
    benefit = '#kg-f-verdict input[data-value="benefit"]'
    first = change(o, benefit)
    assert first == [], "the first filter change with every node drawn has nothing to compare with"
    # the next one compares with the time the page measured for that one (slow, on a slow machine)
    assert change(o, benefit) == ["shown: Working…", "hidden"], "a slow change is followed by Working…"
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
