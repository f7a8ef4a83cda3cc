"""Measure the graph page on a synthetic graph: build time, file size, and time to first drawing in Chromium.

    .venv/bin/python scripts/bench_page.py            # 5,000 nodes (the figure in docs/performance.md)
    .venv/bin/python scripts/bench_page.py --nodes 20000 --keep /tmp/big

The synthetic data is valid contract data (it goes through `kg.load`):
a fifth of the nodes are conditions in a hierarchy of 50 trees, three
quarters treatments (a fifth of them narrower than another), the rest
sources; each treatment has one to five statements about conditions of one
tree. The browser is Debian's Chromium (/usr/bin/chromium, headless, software
rendering) driven by Playwright, with every non-file request aborted; the
page must report no console error. Browser figures are the median of
`--repeat` runs (default 3):

- ready_s: from navigation to the first complete drawing (the page sets
  `window.kgPage.ready`), HTML parsing and JSON decoding included;
- overview: whether the page opened on its overview (a large graph does);
- filter_ms: unticking one verdict until the next frame is drawn (after the page applied it);
- condition_ms: from the overview into its first condition (clicked), to the next frame;
- everything_ms, everything_nodes, everything_filter_ms, everything_redraw_ms: "Draw every node" (up to
  max_nodes), the nodes it draws, the verdict click again with all of them drawn, and one more frame of them;
- zoom_redraw_ms: one frame after zooming in 1.5 times;
- matrix_tab_ms: switching to the evidence matrix (it is drawn capped).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def write_synthetic(folder: Path, nodes: int = 5000, seed: int = 1) -> dict[str, int]:
    """Write a valid synthetic data folder with about `nodes` nodes; return the row counts."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    n_c = max(2, nodes // 5)
    n_s = max(1, nodes // 25)
    n_t = max(1, nodes - n_c - n_s)
    roots = min(50, n_c)
    conditions = []
    tree_of: list[int] = []
    for i in range(n_c):
        if i < roots:
            parent, tree = "", i
        else:
            p = rng.randrange(i)
            parent, tree = f"c{p}", tree_of[p]
        tree_of.append(tree)
        conditions.append({"id": f"c{i}", "label": f"Condition {i}", "synonyms": f"cond {i}|c-{i}",
                           "parent": parent, "body_site": "", "xrefs": "", "description": ""})
    by_tree: dict[int, list[int]] = {}
    for i, tree in enumerate(tree_of):
        by_tree.setdefault(tree, []).append(i)
    categories = ["medication", "injection", "surgery", "procedure", "physical_therapy", "exercise",
                  "manual_therapy", "psychological", "self_care", "multidisciplinary", "device", "imaging", "other"]
    treatments = []
    home = [rng.randrange(roots) for _ in range(n_t)]
    earlier: dict[int, list[int]] = {}
    for i in range(n_t):
        same_tree = earlier.setdefault(home[i], [])
        parent = f"t{rng.choice(same_tree)}" if same_tree and rng.random() < 0.2 else ""
        same_tree.append(i)
        treatments.append({"id": f"t{i}", "label": f"Treatment {i}", "synonyms": f"treat {i}", "parent": parent,
                           "category": rng.choice(categories), "xrefs": "", "description": ""})
    types = ["guideline", "systematic_review", "trial", "observational_study", "reference_article",
             "expert_opinion", "patient_education", "blog", "forum"]
    sources = [{"id": f"s{i}", "title": f"Source {i}: a study of things", "type": rng.choice(types),
                "publisher": "", "authors": "", "year": str(1990 + i % 35), "doi": f"10.1234/s{i}",
                "pmid": str(1000 + i), "url": f"https://example.org/s{i}", "text_file": ""} for i in range(n_s)]
    effects = ["benefit", "no_benefit", "harm", "insufficient"]
    timeframes = ["short_term", "medium_term", "long_term", "unspecified"]
    certainties = ["high", "moderate", "low", "very_low", ""]
    evidence = []
    for i in range(n_t):
        tree = by_tree[home[i]]
        for k in range(rng.randint(1, 5)):
            c = rng.choice(tree)
            evidence.append({
                "id": f"e{i}-{k}", "treatment": f"t{i}", "condition": f"c{c}", "source": f"s{rng.randrange(n_s)}",
                "effect": rng.choice(effects), "timeframe": rng.choice(timeframes),
                "certainty": rng.choice(certainties), "recommendation": "", "comparator": "", "outcome": "pain",
                "population": "", "summary": f"statement {k} about treatment {i}",
                "quote": f"Treatment {i} was studied for condition {c} and this is what the source says.",
                "notes": ""})
    for name, rows in (("conditions", conditions), ("treatments", treatments), ("sources", sources),
                       ("evidence", evidence)):
        pd.DataFrame(rows).to_csv(folder / f"{name}.csv", index=False)
    return {"conditions": n_c, "treatments": n_t, "sources": n_s, "statements": len(evidence)}


_APPLY = """() => new Promise(resolve => {
    const api = window.kgPage;
    const before = api.applied || 0;
    const t0 = performance.now();
    ACTION;
    (function wait() {
        if ((api.applied || 0) > before) {
            api.network.once('afterDrawing', () => resolve(performance.now() - t0));
            api.network.redraw();
        } else { setTimeout(wait, 1); }
    })();
})"""
"""Time from an action until the page has applied it (after the busy indicator, if any) and drawn a frame."""

_REDRAW = """() => new Promise(resolve => {
    const net = window.kgPage.network;
    const t0 = performance.now();
    net.once('afterDrawing', () => resolve(performance.now() - t0));
    net.redraw();
})"""
"""One frame of what is drawn, nothing changed (what any later frame costs, e.g. the page framing newly
drawn nodes again once they are measured)."""

_BENEFIT = """document.querySelector('#kg-f-verdict input[data-value="benefit"]').click()"""


def _timed(page: object, action: str) -> float:
    """Milliseconds from `action` (JS) to the next frame after the page applied it."""
    return float(page.evaluate(_APPLY.replace("ACTION", action)))  # type: ignore[attr-defined]


def _filter_click(page: object) -> float:
    """Untick the "benefit" verdict, timed to the next frame; then tick it again (not timed)."""
    ms = _timed(page, _BENEFIT)
    _timed(page, _BENEFIT)
    return ms


def measure_browser(html: Path, timeout_s: float = 120.0) -> dict[str, float]:
    """Open the page from disk in Chromium; time to first drawing, a filter change and a zoom redraw."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        blocked: list[str] = []

        def route(r: object) -> None:
            url = r.request.url  # type: ignore[attr-defined]
            if url.startswith("file://"):
                r.continue_()  # type: ignore[attr-defined]
            else:
                blocked.append(url)
                r.abort()  # type: ignore[attr-defined]

        page.route("**/*", route)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        start = time.perf_counter()
        page.goto(html.as_uri(), wait_until="commit")
        while not page.evaluate("() => !!(window.kgPage && window.kgPage.ready)"):
            if time.perf_counter() - start > timeout_s:
                raise SystemExit("the page did not draw in time")
            time.sleep(0.05)
        ready = time.perf_counter() - start
        nav = page.evaluate("() => performance.now()") / 1000
        drawn = page.evaluate("() => [window.kgPage.drawnNodes().length, window.kgPage.drawnEdges().length]")
        overview = bool(page.evaluate("() => !!window.kgPage.current.overview"))
        filter_ms = _filter_click(page)
        zoom_ms = page.evaluate("""() => new Promise(resolve => {
            const net = window.kgPage.network;
            const t0 = performance.now();
            net.once('afterDrawing', () => resolve(performance.now() - t0));
            net.moveTo({scale: net.getScale() * 1.5});
        })""")
        matrix_ms = page.evaluate("""() => {
            const t0 = performance.now();
            window.kgPage.selectTab('matrix');
            const t1 = performance.now();
            window.kgPage.selectTab('graph');
            return t1 - t0;
        }""")
        figures: dict[str, float] = {}
        if overview:
            # from the overview into its first condition, then every node drawn, and a filter click there
            figures["condition_ms"] = _timed(page, "window.kgPage.openCondition(window.kgPage.model.overview[0])")
            figures["everything_ms"] = _timed(page, "const k = window.kgPage; k.state.condition = ''; "
                                              "k.state.everything = true; k.syncControls(); k.applyFilters()")
            figures["everything_nodes"] = page.evaluate("() => window.kgPage.drawnNodes().length")
            figures["everything_filter_ms"] = _filter_click(page)
            figures["everything_redraw_ms"] = page.evaluate(_REDRAW)
        browser.close()
    if blocked or errors:
        raise SystemExit(f"requests: {blocked[:3]} errors: {errors[:3]}")
    return {"ready_s": round(ready, 2), "page_clock_s": round(nav, 2), "nodes_drawn": drawn[0],
            "edges_drawn": drawn[1], "overview": overview, "filter_ms": round(filter_ms),
            "zoom_redraw_ms": round(zoom_ms), "matrix_tab_ms": round(matrix_ms),
            **{k: round(v) for k, v in figures.items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the data and page here instead of a temporary folder")
    parser.add_argument("--no-browser", action="store_true", help="only build the page")
    parser.add_argument("--repeat", type=int, default=3, help="browser runs; the median of each figure is printed")
    args = parser.parse_args(argv)

    import kg

    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        data = root / "data"
        counts = write_synthetic(data, args.nodes, args.seed)
        t0 = time.perf_counter()
        graph = kg.load(data)
        t1 = time.perf_counter()
        html = graph.page_html()
        t2 = time.perf_counter()
        out = root / "index.html"
        out.write_text(html, encoding="utf-8")
        result: dict[str, object] = {**counts, "nodes": counts["conditions"] + counts["treatments"]
                                     + counts["sources"], "load_s": round(t1 - t0, 2),
                                     "render_s": round(t2 - t1, 2), "html_mb": round(len(html.encode()) / 1e6, 1)}
        if not args.no_browser:
            if not Path(CHROMIUM).exists():
                print(f"{CHROMIUM} not found: install Debian's chromium", file=sys.stderr)
                return 1
            runs = [measure_browser(out) for _ in range(max(1, args.repeat))]
            result.update({k: statistics.median(r[k] for r in runs) for k in runs[0]})
            result["ready_s_runs"] = [r["ready_s"] for r in runs]
        result["machine"] = f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end"
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
