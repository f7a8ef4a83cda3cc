"""The notebooks in notebooks/: each runs top to bottom in a fresh kernel, shows what it promises,
writes nothing outside its temporary folder, and is committed with its outputs, less the inline
pages (about a megabyte each), which appear when a notebook runs.

Refresh the committed outputs after changing a notebook or the data:

    .venv/bin/python tests/test_notebooks.py --save
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
EXPECTED = [
    "01-explore-evidence.ipynb",
    "02-sparql.ipynb",
    "03-network-analysis.ipynb",
    "04-interop.ipynb",
    "05-extract.ipynb",
    "06-diff.ipynb",
]
SECONDS = 60
"""Each notebook must run top to bottom in under a minute."""
MAX_BYTES = 300_000
"""Committed size: text, tables and a plot or two; the inline pages are left out when saving (`strip_pages`)."""
LEFT_OUT = ("The interactive page is drawn here when the notebook runs; the saved copy leaves it out "
            "(about a megabyte). `kg build` writes the same page as index.html.")
ISLAND = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.S)
SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".hypothesis",
             ".ipynb_checkpoints", "test-artifacts"}


# --------------------------------------------------------------------------- helpers


# Installed in the kernel before a notebook runs: records every write the kernel's Python code makes
# inside the repository (audit events, PEP 578), so a write is caught where it happens and is not
# confused with someone else editing the working tree meanwhile.
WATCH = """
import os as _os, sys as _sys
_kg_writes = []
def _kg_where(path, dir_fd, _os=_os):
    if isinstance(path, int):
        return None
    path = _os.fsdecode(path)
    if not _os.path.isabs(path) and isinstance(dir_fd, int):
        path = _os.path.join(_os.readlink(f"/proc/self/fd/{{dir_fd}}"), path)
    return _os.path.realpath(path)
def _kg_audit(event, args, _root={root!r}, _os=_os):
    if event == "open":
        path, mode, flags = args
        if isinstance(mode, str):
            writing = any(c in mode for c in "wax+")
        else:
            writing = bool((flags or 0) & (_os.O_WRONLY | _os.O_RDWR | _os.O_CREAT | _os.O_APPEND | _os.O_TRUNC))
        found = [_kg_where(path, None)] if writing else []
    elif event in ("os.remove", "os.rmdir", "shutil.rmtree"):
        found = [_kg_where(args[0], args[1] if len(args) > 1 else None)]
    elif event in ("os.mkdir", "os.chmod", "os.symlink"):
        found = [_kg_where(args[1 if event == "os.symlink" else 0], args[-1])]
    elif event == "os.utime":
        found = [_kg_where(args[0], args[3])]
    elif event in ("os.rename", "os.link"):
        found = [_kg_where(args[0], args[2]), _kg_where(args[1], args[3])]
    elif event in ("shutil.copyfile", "shutil.copytree", "shutil.move", "os.truncate"):
        found = [_kg_where(args[1 if event != "os.truncate" else 0], None)]
    else:
        return
    for full in found:
        if full is not None and (full == _root or full.startswith(_root + _os.sep)):
            _kg_writes.append((event, full))
_sys.addaudithook(_kg_audit)
"""
REPORT = "import json as _json; print('KG-WRITES ' + _json.dumps(sorted(set(map(tuple, _kg_writes)))))"


def execute(path: Path, tmp: Path | None = None) -> Any:
    """Run a notebook in a fresh python3 kernel from its own folder; the executed notebook.

    With `tmp`, the kernel's temporary folder (TMPDIR) is `tmp`, and the kernel records every write
    into the repository: the notebook's `metadata["kg-writes"]` lists them (event, path).
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    env = {**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    if tmp is not None:
        env.update({"TMPDIR": str(tmp), "TEMP": str(tmp), "TMP": str(tmp)})
        nb.cells.insert(0, nbformat.v4.new_code_cell(WATCH.format(root=str(ROOT.resolve()))))
        nb.cells.append(nbformat.v4.new_code_cell(REPORT))
    client = NotebookClient(nb, timeout=SECONDS, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(env=env)
    if tmp is not None:
        watch, report = nb.cells.pop(0), nb.cells.pop()
        assert not watch.outputs, watch.outputs
        line = next(o.text for o in report.outputs if o.output_type == "stream")
        nb.metadata["kg-writes"] = json.loads(line.split("KG-WRITES ", 1)[1])
    return nb


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under `root` (caches and the virtualenv left out) with its size and modification time."""
    found: dict[str, tuple[int, int]] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        for name in files:
            path = Path(folder) / name
            st = path.lstat()
            found[str(path.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return found


def watched(key: str, folders: set[str]) -> bool:
    """Where the black-box check looks: the notebooks' folder (their working directory), files at
    the top of the repository and new top-level folders. Elsewhere the kernel's audit log speaks,
    so that someone editing the tree meanwhile does not make the check fail."""
    return key.startswith("notebooks/") or "/" not in key or key.split("/")[0] not in folders


def code_cells(nb: Any) -> list[Any]:
    return [c for c in nb.cells if c.cell_type == "code"]


def cell(nb: Any, marker: str) -> Any:
    """The one code cell whose source holds `marker`."""
    found = [c for c in code_cells(nb) if marker in c.source]
    assert len(found) == 1, f"{len(found)} code cells contain {marker!r}"
    return found[0]


def text_of(c: Any) -> str:
    """Everything a cell printed or displayed as text or HTML."""
    parts = []
    for out in c.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(out.data.get("text/html", "") + "\n" + out.data.get("text/plain", ""))
    return "\n".join(parts)


def images(nb: Any) -> list[str]:
    return [out.data["image/png"] for c in code_cells(nb) for out in c.outputs
            if out.output_type in ("execute_result", "display_data") and "image/png" in out.data]


class _Iframes(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "iframe":
            self.found.append(dict(attrs))


def iframes(c: Any) -> list[dict[str, str | None]]:
    parser = _Iframes()
    for out in c.outputs:
        if out.output_type in ("execute_result", "display_data") and "text/html" in out.data:
            parser.feed(out.data["text/html"])
    return parser.found


def island(page: str) -> dict[str, list[dict[str, Any]]]:
    found = ISLAND.findall(page)
    assert len(found) == 1
    data: dict[str, list[dict[str, Any]]] = json.loads(found[0])
    return data


def errors(nb: Any) -> list[str]:
    return [f"{out.ename}: {out.evalue}" for c in code_cells(nb) for out in c.outputs if out.output_type == "error"]


# --------------------------------------------------------------------------- committed notebooks


def test_the_notebooks_are_there() -> None:
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_committed_with_outputs_from_one_clean_run(name: str) -> None:
    import nbformat

    path = NOTEBOOKS / name
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"
    cells = code_cells(nb)
    assert [c.execution_count for c in cells] == list(range(1, len(cells) + 1)), "not run top to bottom once"
    assert errors(nb) == []
    shown = sum(1 for c in cells if c.outputs)
    assert shown >= len(cells) - 3, "most cells should show something"
    assert path.stat().st_size < MAX_BYTES
    embeds = sum(len(iframes(c)) for c in cells)
    assert embeds <= 2, f"{embeds} inline pages: at most two per notebook"
    assert embeds == 0, "the saved copy leaves the inline pages out (tests/test_notebooks.py --save strips them)"
    assert all(LEFT_OUT in text_of(c) for c in cells if "g.show(" in c.source or "g.matrix(" in c.source)
    markdown = [c for c in nb.cells if c.cell_type == "markdown"]
    assert markdown and markdown[0].source.startswith("# "), "a notebook opens with a title"
    assert len(markdown) >= 5, "the story is told in markdown cells"


def test_the_notebooks_extra_installs_what_they_import() -> None:
    """`pip install -e '.[notebooks]'` brings Jupyter and every package a notebook imports; the README says so."""
    import ast
    import tomllib

    import nbformat

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extra = project["optional-dependencies"]["notebooks"]
    names = {re.split(r"[<>=!~\[ ]", r, maxsplit=1)[0].lower() for r in project["dependencies"] + extra}
    assert {"jupyter", "matplotlib"} <= names
    imported: set[str] = set()
    for name in EXPECTED:
        for c in code_cells(nbformat.read(NOTEBOOKS / name, as_version=4)):
            for node in ast.walk(ast.parse(c.source)):
                if isinstance(node, ast.Import):
                    imported |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    imported.add(node.module.split(".")[0])
    third_party = {m.lower() for m in imported if m not in sys.stdlib_module_names and m != "kg"}
    assert third_party and third_party <= names, third_party - names
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -e '.[notebooks]'" in readme and "jupyter lab notebooks/" in readme


# --------------------------------------------------------------------------- executed in a fresh kernel


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, float, list[Path], dict[str, Any]]]:
    """Each notebook executed once, with what it left in its TMPDIR and what changed in the repository."""
    out: dict[str, tuple[Any, float, list[Path], dict[str, Any]]] = {}
    for name in EXPECTED:
        tmp = tmp_path_factory.mktemp(name.split("-")[0])
        before = snapshot(ROOT)
        start = time.monotonic()
        nb = execute(NOTEBOOKS / name, tmp)
        seconds = time.monotonic() - start
        after = snapshot(ROOT)
        top = {key.split("/")[0] for key in before if "/" in key}
        changed = {
            "added": sorted(k for k in set(after) - set(before) if watched(k, top)),
            "removed": sorted(k for k in set(before) - set(after) if watched(k, top)),
            "modified": sorted(k for k in set(before) & set(after) if before[k] != after[k] and watched(k, top)),
            "writes": nb.metadata.pop("kg-writes"),
        }
        left = sorted(p for p in tmp.rglob("*") if not p.name.startswith("matplotlib-"))
        out[name] = (nb, seconds, left, changed)
    return out


@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("name", EXPECTED)
def test_runs_cleanly_fast_and_writes_nothing_outside_tmp(
    executed: dict[str, tuple[Any, float, list[Path], dict[str, Any]]], name: str
) -> None:
    nb, seconds, left, changed = executed[name]
    assert errors(nb) == []
    assert seconds < SECONDS, f"{name} took {seconds:.0f} s"
    assert changed == {"added": [], "removed": [], "modified": [], "writes": []}, f"{name} wrote into the repository"
    assert left == [], f"{name} left files in its temporary folder"


@pytest.mark.notebook
@pytest.mark.slow
def test_05_extract(executed: dict[str, tuple[Any, float, list[Path], dict[str, Any]]]) -> None:
    import kg
    from kg.extract import read_text

    g = kg.load()
    text = read_text(ROOT / "data" / "texts" / "seed-back-hip-pain.txt")
    rows = kg.extract(text, g, source="encyclopedia-low-back-pain")
    nb = executed["05-extract.ipynb"][0]
    assert f"-> {len(rows)} proposed rows" in text_of(cell(nb, "rows = kg.extract("))
    assert "verbatim quotes: 1.0" in text_of(cell(nb, "verbatim(rows, text)"))
    counts = text_of(cell(nb, "value_counts()"))
    for status in ("found", "missed", "added"):
        assert status in counts
    assert "treatment, condition, effect" in text_of(cell(nb, "scores(rows, g.evidence"))
    assert "min_confidence" in text_of(cell(nb, "for floor in"))


@pytest.mark.notebook
@pytest.mark.slow
def test_01_explore_evidence(executed: dict[str, tuple[Any, float, list[Path], dict[str, Any]]]) -> None:
    import kg

    g = kg.load()
    nb = executed["01-explore-evidence.ipynb"][0]
    overview = text_of(cell(nb, "g = kg.load()"))
    assert f"<b>{len(g.evidence)}</b> statements" in overview
    broken = text_of(cell(nb, "kg.ValidationError"))
    assert re.search(r"^treatments\.csv:\d+: label: ", broken, re.M)
    assert re.search(r"^evidence\.csv:\d+: effect: 'no benefit'", broken, re.M)
    assert "2 problems in the data" in broken
    back = text_of(cell(nb, "definite = back["))
    discectomy = g.summary(condition="sciatica").set_index("treatment_id").loc["discectomy", "headline"]
    assert "Discectomy" in back and str(discectomy) in back
    hips = text_of(cell(nb, 'g.summary(condition="hip-pain")'))
    for label in g.summary(condition="hip-pain")["treatment"]:
        assert str(label) in hips
    assert len(images(nb)) == 1, "the verdicts-by-category plot"
    graph = iframes(cell(nb, "g.show("))
    grid = iframes(cell(nb, "g.matrix("))
    assert len(graph) == len(grid) == 1
    assert graph[0]["srcdoc"] and grid[0]["srcdoc"]
    shown = island(graph[0]["srcdoc"])
    lbp = set(g.statements(condition="low-back-pain")["evidence_id"])
    edges = {e["id"] for e in shown["edges"] if e["kind"] == "evidence"}
    assert edges == lbp, "the focused graph shows exactly the statements about low back pain"
    assert '"tab":"matrix"' in grid[0]["srcdoc"]
    assert len(island(grid[0]["srcdoc"])["nodes"]) >= len(g.treatments) + len(g.conditions)


@pytest.mark.notebook
@pytest.mark.slow
def test_02_sparql(executed: dict[str, tuple[Any, float, list[Path], dict[str, Any]]]) -> None:
    import kg
    from kg import queries

    g = kg.load()
    nb = executed["02-sparql.ipynb"][0]
    listing = text_of(cell(nb, "queries.saved_queries()"))
    for q in queries.saved_queries():
        assert q.name in listing
    no_long = text_of(cell(nb, 'g.query("no-long-term-benefit")'))
    for label in g.query("no-long-term-benefit")["treatment"]:
        assert str(label) in no_long
    refused = text_of(cell(nb, "attempts = ["))
    assert "unknown condition 'sciatika'" in refused
    assert "needs parameter 'condition'" in refused
    assert "no parameter 'year'" in refused
    assert "unknown condition 'x> } UNION { ?s ?p ?o'" in refused
    assert "oxigraph and rdflib agree" in text_of(cell(nb, 'engine="rdflib"'))
    exported = text_of(cell(nb, "results.to_json(rs)"))
    for name in ("hip.csv", "hip.srj", "hip.tsv", "hip-records.json"):
        assert name in exported
    built = text_of(cell(nb, "build(out_dir="))
    assert "graph.ttl" in built and "index.html" in built
    same = text_of(cell(nb, "via_kg = g.query("))
    assert same.strip().splitlines()[-1] == str(len(g.query("evidence-for-condition", condition="sciatica")))


@pytest.mark.notebook
@pytest.mark.slow
def test_03_network_analysis(executed: dict[str, tuple[Any, float, list[Path], dict[str, Any]]]) -> None:
    import kg

    g = kg.load()
    nb = executed["03-network-analysis.ipynb"][0]
    first = text_of(cell(nb, "print(G)"))
    assert f"{g.nx.number_of_nodes()} nodes and {g.nx.number_of_edges()} edges" in first
    reach = text_of(cell(nb, "reach = pd.DataFrame("))
    most = g.evidence.groupby("treatment")["condition"].nunique().sort_values(ascending=False)
    top = g.treatments.set_index("id").loc[most.index[0], "label"]
    assert str(top) in reach
    rolled = text_of(cell(nb, "about_lbp = "))
    assert rolled.strip().splitlines()[-1] == str(len(g.statements(condition="low-back-pain")))
    if g.conflicts().empty:  # the story says so: no direct conflict in the curated data
        assert "Empty DataFrame" in text_of(cell(nb, "g.conflicts()"))
    assert "contradiction" in text_of(cell(nb, "leads = []"))
    assert len(images(nb)) == 1, "the drawn subgraph"
    frames = iframes(cell(nb, "g.show("))
    assert len(frames) == 1 and frames[0]["srcdoc"]
    shown = island(frames[0]["srcdoc"])
    family = set(g.statements(treatment="spine-surgery")["evidence_id"])
    assert {e["id"] for e in shown["edges"] if e["kind"] == "evidence"} == family


@pytest.mark.notebook
@pytest.mark.slow
def test_04_interop(executed: dict[str, tuple[Any, float, list[Path], dict[str, Any]]]) -> None:
    import html

    nb = executed["04-interop.ipynb"][0]
    side = html.unescape(text_of(cell(nb, "def pane(")))
    assert "FHIR R5 Evidence" in side and "KGX edge (Biolink)" in side
    assert '"resourceType": "Evidence"' in side and '"id": "e-discectomy-sciatica-one-year"' in side
    assert '"predicate": "biolink:ameliorates_condition"' in side and '"knowledge_level": "knowledge_assertion"' in side
    import kg

    quote = kg.load().evidence.set_index("id").loc["discectomy-sciatica-one-year", "quote"]
    assert side.count(json.dumps(quote, ensure_ascii=False)) == 2, "the quote in both panes"
    back = text_of(cell(nb, "kg.import_("))
    assert "False" not in back and back.count("True") >= 8  # 4 tables x 2 formats (in the HTML and the text view)
def test_06_diff(executed: dict[str, tuple[Any, float, list[Path], dict[str, Any]]]) -> None:
    nb = executed["06-diff.ipynb"][0]
    shown = cell(nb, "d = kg.diff(original, edited)")
    html = "".join(o.data.get("text/html", "") for o in shown.outputs if o.output_type == "execute_result")
    assert html.count('class="kgd-card"') == 2, "a card for each of the two pairs whose verdict moved"
    assert 'data-pair="gabapentin × chronic-low-back-pain"' in html  # noqa: RUF001
    assert 'data-pair="traction × low-back-pain"' in html  # noqa: RUF001

    def row(*cells: str) -> str:
        return r"\s*".join(f"<td>{re.escape(c)}</td>" for c in cells)

    verdicts = text_of(cell(nb, 'd.verdicts[["treatment"'))
    assert re.search(row("Gabapentin", "Chronic low back pain", "verdict", "no_benefit", "insufficient"), verdicts)
    assert re.search(row("Traction", "Low back pain", "verdict", "no_benefit", "short_term_only"), verdicts)
    statements = text_of(cell(nb, 'd.statements[["id"'))
    assert re.search(row("pregabalin-clbp-no-benefit", "pregabalin-chronic-lbp-no-benefit", "renamed"), statements)
    comment = text_of(cell(nb, 'print(d.to("markdown"))'))
    assert comment.startswith("### `kg diff`: before → after")
    assert "| Gabapentin × Chronic low back pain | changed | verdict: no\\_benefit → insufficient" in comment  # noqa: RUF001
    assert text_of(cell(nb, "same = kg.diff(original, original)")).split() == ["True", "False"]


# --------------------------------------------------------------------------- the inline pages in a browser


def _chromium() -> str:
    pytest.importorskip("playwright.sync_api")
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return path


@pytest.mark.browser
@pytest.mark.notebook
@pytest.mark.slow
@pytest.mark.parametrize("name", ["01-explore-evidence.ipynb", "03-network-analysis.ipynb"])
def test_inline_pages_work_offline_in_a_browser(
    executed: dict[str, tuple[Any, float, list[Path], dict[str, Any]]], name: str, tmp_path: Path
) -> None:
    """The HTML outputs of a run, as a notebook front end shows them: the sandboxed iframes draw, offline,
    without errors. (The saved copies leave these pages out.)"""
    from playwright.sync_api import sync_playwright

    nb = executed[name][0]
    html = [out.data["text/html"] for c in code_cells(nb) for out in c.outputs
            if out.output_type in ("execute_result", "display_data") and "<iframe srcdoc=" in out.data.get("text/html", "")]
    assert html
    host = tmp_path / "host.html"
    host.write_text("<!doctype html><meta charset=utf-8><body>" + "".join(html) + "</body>", encoding="utf-8")
    requests: list[str] = []
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium())
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))

            def route(r: Any) -> None:
                if r.request.url.startswith(("file://", "about:", "data:")):
                    r.continue_()
                else:
                    requests.append(r.request.url)
                    r.abort()

            page.context.route("**/*", route)
            page.goto(host.as_uri())
            frames = [f for f in page.frames if f.url == "about:srcdoc"]
            assert len(frames) == len(html)
            for frame in frames:
                frame.wait_for_function("document.body && document.body.dataset.tab", timeout=15_000)
                tab = frame.evaluate("document.body.dataset.tab")
                if tab == "graph":
                    frame.wait_for_selector("canvas", timeout=15_000)
                else:
                    assert frame.locator("td").count() > 0
                assert frame.evaluate("JSON.parse(document.getElementById('kg-data').textContent).nodes.length") > 0
                # the sandbox keeps the page away from the notebook around it
                assert frame.evaluate("(() => { try { return !!window.parent.document; } catch (e) { return false; } })()") is False
            artifacts = ROOT / "test-artifacts"
            artifacts.mkdir(exist_ok=True)
            page.screenshot(path=str(artifacts / f"notebook-{name.split('-')[0]}-inline.png"), full_page=True)
        finally:
            browser.close()
    assert requests == []
    assert problems == []


# --------------------------------------------------------------------------- refreshing the committed outputs


def strip_pages(nb: Any) -> Any:
    """The notebook with every inline page (an output holding `<iframe srcdoc=`) replaced by a note saying
    it appears when the notebook runs, in the manner of nbstripout but for those outputs only."""
    import nbformat

    for c in code_cells(nb):
        for i, out in enumerate(c.outputs):
            html = out.get("data", {}).get("text/html", "") if out.output_type in ("execute_result",
                                                                                   "display_data") else ""
            if "<iframe srcdoc=" in html:
                note = nbformat.v4.new_output("display_data", data={"text/plain": LEFT_OUT,
                                                                    "text/markdown": f"*{LEFT_OUT}*"})
                if out.output_type == "execute_result":
                    note = nbformat.v4.new_output("execute_result", data=note.data,
                                                  execution_count=out.execution_count)
                c.outputs[i] = note
    return nb


def test_strip_pages_leaves_everything_else() -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    page = nbformat.v4.new_code_cell("g.show()", execution_count=1, outputs=[
        nbformat.v4.new_output("execute_result", data={"text/html": '<iframe srcdoc="x"></iframe>',
                                                       "text/plain": "<InlinePage>"}, execution_count=1)])
    table = nbformat.v4.new_code_cell("g.summary()", execution_count=2, outputs=[
        nbformat.v4.new_output("execute_result", data={"text/html": "<table></table>"}, execution_count=2),
        nbformat.v4.new_output("stream", text="printed\n")])
    nb.cells = [page, table]
    before = json.loads(json.dumps(table.outputs))
    strip_pages(nb)
    nbformat.validate(nb)
    assert iframes(page) == [] and LEFT_OUT in text_of(page) and page.outputs[0].execution_count == 1
    assert json.loads(json.dumps(table.outputs)) == before


def save(names: list[str]) -> None:
    """Execute notebooks in place and save them with their outputs, less the inline pages (per-cell
    timings left out)."""
    import nbformat

    for name in names:
        path = NOTEBOOKS / name
        start = time.monotonic()
        nb = strip_pages(execute(path))
        for c in nb.cells:
            c.metadata.pop("execution", None)
        nbformat.validate(nb)
        nbformat.write(nb, path)
        print(f"{name}: {time.monotonic() - start:.1f} s, {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    if sys.argv[1:2] != ["--save"]:
        sys.exit("usage: python tests/test_notebooks.py --save [NOTEBOOK...]")
    save(sys.argv[2:] or EXPECTED)
