"""Benchmark the whole pipeline against floors measured in the same run.

    python scripts/bench.py [--sizes 10000,100000,1000000] [--seed 0] [--keep DIR] [--quote-length 400]

For each size N (statements, from scripts/synth.py) it prints seconds and a
ratio to a floor, all measured in this process on this machine:

- validate            ÷ pandas reading the same four CSVs
- build (every output, and in total) ÷ pyoxigraph loading the same N-Triples + dumping Turtle + dumping N-Triples
- summary, `conflicts` query ÷ raw pyoxigraph execution of the conflicts query on the same store
- kg diff             of that folder against a copy with 1 % of its statements edited (changed,
  renamed, removed, added) ÷ loading and validating both folders
- page generation     for the graph of that size, and once for a 20,000-node graph (scripts/bench_page.py)
- each interchange export (`fhir`, `kgx`) ÷ the build's own N-Triples write of the same dataset, and its
  peak memory (load, validate, export, in a fresh process) beside the build's
- peak memory of a full `kg build` in a fresh process, in bytes per triple: the larger of the
  build process's high-water mark and the sampled peak of it and its serialising children together

Timings are wall-clock and share the machine with whatever else runs; ratios
against a floor from the same run are what to compare across machines. The
build's and the floor's CPU seconds (children included) are printed too: on a
machine whose cores are busy with other work, wall-clock ratios swing with the
scheduler, CPU ratios do not.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
import itertools

import synth

from kg import vocab
from kg.build import build
from kg.engines import OxigraphEngine, run
from kg.model import read
from kg.queries import saved_query
from kg.summary import summarise

ROOT = Path(__file__).resolve().parent.parent


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def floor_csv(folder: Path) -> float:
    def read_all() -> None:
        for name in ("sources", "conditions", "treatments", "evidence"):
            pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)

    return timed(read_all)[0]


def cpu_seconds() -> tuple[float, float]:
    """CPU time (user and system) of this process (all threads), and of its finished children."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def floor_rdf(nt: bytes) -> tuple[float, float]:
    """Wall and CPU seconds of the RDF floor."""
    def load_and_dump() -> None:
        store = ox.Store()
        store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
        store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=vocab.prefixes())
        store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())

    cpu = sum(cpu_seconds())
    wall = timed(load_and_dump)[0]
    return wall, sum(cpu_seconds()) - cpu


_MEASURE = """
import os, sys, threading, time

# Bytes of a "Name:  N kB" line of /proc/PID/FILE (0 once the process is gone). PSS (smaps_rollup)
# divides shared pages among their sharers, so a sum over processes counts a page once (a child
# between fork and exec shares all of its parent's pages); VmHWM (status) is one process's peak.
def kib(pid, file, field):
    try:
        with open(f"/proc/{pid}/{file}") as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0

def pss(pid):
    return kib(pid, "smaps_rollup", "Pss:")

def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []

me, peak, running = os.getpid(), [0, 0], [True]

def sample():
    while running[0]:
        kids = sum(pss(c) for c in children(me))
        peak[0] = max(peak[0], pss(me) + kids)
        peak[1] = max(peak[1], kids)
        time.sleep(0.002)

watcher = threading.Thread(target=sample, daemon=True)
watcher.start()
from kg.build import build
build(sys.argv[1], sys.argv[2])
running[0] = False
watcher.join()
print(kib(me, "status", "VmHWM:"), peak[0], peak[1])
"""


def peak_memory(folder: Path, out: Path) -> tuple[int, int, int]:
    """Peak resident memory (bytes) of a full build in a fresh interpreter: the build process's own
    high-water mark (VmHWM: exact, and unlike ru_maxrss not inherited from the process that started
    it), and, sampled every 2 ms, the largest sum of the proportional set sizes of the build and its
    serialising child processes, and the largest of the children alone."""
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(folder), str(out)], capture_output=True, text=True,
                          check=True)
    own, together, children = done.stdout.strip().splitlines()[-1].split()
    return int(own), int(together), int(children)


_EXPORT = """
import sys
from pathlib import Path
from kg.formats import Context, get
from kg.model import read_valid
get(sys.argv[2]).write(Context(read_valid(sys.argv[1])), Path(sys.argv[3]))
print(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
"""


def export_peak(folder: Path, name: str, out: Path) -> int:
    """Peak resident memory (bytes, VmHWM) of loading, validating and exporting `folder` in a fresh process."""
    done = subprocess.run([sys.executable, "-c", _EXPORT, str(folder), name, str(out)], capture_output=True,
                          text=True, check=True)
    return int(done.stdout.strip().splitlines()[-1]) * 1024


def exports(folder: Path, dataset: Any, workdir: Path, build_peak: int) -> None:
    """The interchange exports against the build's own N-Triples writer, and their memory against the build's."""
    from kg import rdf
    from kg.formats import Context, get

    t_nt, _ = timed(lambda: rdf.write_ntriples(dataset, workdir / "floor.nt"))
    row("floor: build's N-Triples write", t_nt)
    for name in ("fhir", "kgx"):
        target = workdir / f"export.{name}"
        seconds, _ = timed(lambda name=name, target=target: get(name).write(Context(dataset), target))
        files = [target] if target.is_file() else sorted(target.iterdir())
        size = sum(f.stat().st_size for f in files)
        peak = export_peak(folder, name, workdir / f"export-mem.{name}")
        row(f"export {name}", seconds, t_nt, f"{size / 1e6:.0f} MB; peak {peak / 2**20:.0f} MiB "
            f"({peak / build_peak:.2f}x the build's {build_peak / 2**20:.0f} MiB)")


def page_nodes(workdir: Path, nodes: int = 20000) -> None:
    """Page generation for a graph of `nodes` nodes (the issue's figure), after loading it."""
    import bench_page

    from kg.api import load

    folder = workdir / f"page-{nodes}"
    counts = bench_page.write_synthetic(folder, nodes=nodes, seed=1)
    graph = load(folder)
    seconds, page = timed(graph.page_bytes)
    total = counts["conditions"] + counts["treatments"] + counts["sources"]
    print(f"\nPage of a {total:,}-node graph ({counts['statements']:,} statements)", flush=True)
    row("page generation", seconds, note=f"{len(page) / 1e6:.1f} MB")


def edited(tables: dict[str, pd.DataFrame], seed: int, fraction: float = 0.01) -> tuple[dict[str, pd.DataFrame], int]:
    """A copy of `tables` whose evidence differs in `fraction` of its rows: 40 % of those change their
    effect, 20 % their quote, 20 % are renamed, 10 % removed, and as many new statements added."""
    import numpy as np

    rng = np.random.default_rng(seed + 1)
    ev = tables["evidence"].copy()
    n = len(ev)
    picked = rng.choice(n, size=max(10, int(n * fraction)), replace=False)
    k = len(picked)
    effect, quote, rename, drop = np.split(picked, [int(k * .4), int(k * .6), int(k * .8)])
    drop, add = drop[: len(drop) // 2], drop[len(drop) // 2:]
    flip = {"benefit": "no_benefit", "no_benefit": "benefit", "harm": "insufficient", "insufficient": "harm"}
    ev.loc[effect, "effect"] = ev.loc[effect, "effect"].map(flip)
    ev.loc[quote, "quote"] = ev.loc[quote, "quote"] + " (revised)"
    ev.loc[rename, "id"] = ev.loc[rename, "id"] + "-renamed"
    added = ev.loc[add].assign(id=ev.loc[add, "id"] + "-new", effect="harm")
    ev = pd.concat([ev.drop(index=drop), added], ignore_index=True)
    return {**tables, "evidence": ev}, k


DIFF_RUNS = 3


def bench_diff(n: int, seed: int, workdir: Path, tables: dict[str, pd.DataFrame], folder: Path) -> None:
    """kg diff of two folders of n statements that differ in 1 % of rows, against loading both."""
    from kg.diff import diff

    changed, k = edited(tables, seed)
    other = synth.write(workdir / f"synth-{n}-edited", changed)
    # floor and diff in turn, DIFF_RUNS times each; the best of each (wall and CPU), as the machine is shared
    walls: dict[str, list[float]] = {"floor": [], "diff": []}
    cpus: dict[str, list[float]] = {"floor": [], "diff": []}
    found = ""
    for _ in range(DIFF_RUNS):
        for name, work in (("floor", lambda: (read(folder), read(other))),
                           ("diff", lambda: diff(folder, other).to("table"))):
            own = cpu_seconds()[0]
            seconds, result = timed(work)
            walls[name].append(seconds)
            cpus[name].append(cpu_seconds()[0] - own)
            found = result if name == "diff" else found
    t_floor, t_diff = min(walls["floor"]), min(walls["diff"])
    row("floor: load+validate both", t_floor, note=f"best of {DIFF_RUNS}")
    row("kg diff (1 % edited)", t_diff, t_floor, f"{k:,} statements edited, {len(found.splitlines()):,} lines")
    row("CPU: floor", min(cpus["floor"]))
    row("CPU: kg diff", min(cpus["diff"]), min(cpus["floor"]))


def row(label: str, seconds: float, floor: float | None = None, note: str = "") -> None:
    ratio = f"{seconds / floor:6.2f}x" if floor else "       "
    print(f"  {label:<28} {seconds:9.3f} s  {ratio}  {note}", flush=True)


def bench(n: int, seed: int, workdir: Path, quote_length: int = 0) -> None:
    folder = workdir / f"synth-{n}"
    tables = synth.generate(n, seed, quote_length)
    synth.write(folder, tables)
    quotes = f", quotes of ~{quote_length} characters" if quote_length else ""
    print(f"\nN = {n:,} statements{quotes} ({folder})", flush=True)

    csv_floor = floor_csv(folder)
    row("floor: pandas read CSVs", csv_floor)
    t_validate, (dataset, problems) = timed(lambda: read(folder))
    assert not problems, problems[:3]
    row("validate", t_validate, csv_floor)

    marks: list[tuple[str, float, float]] = []
    own, kids = cpu_seconds()
    start, start_cpu = time.perf_counter(), time.process_time()
    build(folder, workdir / f"out-{n}",
          progress=lambda name: marks.append((name, time.perf_counter(), time.process_time())))
    end, end_cpu = time.perf_counter(), time.process_time()
    own_after, kids_after = cpu_seconds()
    build_own, build_kids = own_after - own, kids_after - kids
    nt = (workdir / f"out-{n}" / "graph.nt").read_bytes()
    triples = nt.count(b"\n")
    rdf_floor, floor_cpu = floor_rdf(nt)
    row("floor: oxigraph load+ttl+nt", rdf_floor, note=f"{triples:,} triples; CPU {floor_cpu:.2f} s")
    stages = [("load + validate", start, start_cpu), *marks, ("end", end, end_cpu)]
    for (name, t0, c0), (_, t1, c1) in itertools.pairwise(stages):
        if name.startswith("graph.ttl"):
            name = "wait for graph.ttl, graph.jsonld"
        # the stage's CPU in the build process: comparable between runs even when the serialisers share the cores
        row(f"build: {name}", t1 - t0, rdf_floor, f"build process CPU {c1 - c0:.2f} s")
    row("build: total (six outputs)", end - start, rdf_floor)
    # On a busy machine wall-clock ratios swing with the scheduler; CPU seconds do not. The build process's
    # own CPU is its critical path (the serialising children run beside it); the sum is the total work.
    row("CPU: floor", floor_cpu)
    row("CPU: build process", build_own, floor_cpu, "its critical path; the serialisers run beside it")
    row("CPU: build + serialisers", build_own + build_kids, floor_cpu, f"serialisers {build_kids:.2f} s")

    graph = OxigraphEngine.from_ntriples(nt)
    conflicts = saved_query("conflicts")
    t_raw, raw_rows = timed(lambda: list(graph.store.query(conflicts.text)))
    row("floor: raw oxigraph conflicts", t_raw, note=f"{len(raw_rows):,} rows")
    t_query, result = timed(lambda: run(conflicts, graph))
    row("kg query conflicts", t_query, t_raw, f"{len(result.rows):,} rows")
    t_summary, frame = timed(lambda: summarise(dataset))
    row("kg summary", t_summary, t_raw, f"{len(frame):,} pairs")

    bench_diff(n, seed, workdir, tables, folder)

    own, together, children = peak_memory(folder, workdir / f"mem-{n}")
    peak = max(own, together)
    print(f"  {'peak memory (full build)':<28} {peak / 2**20:9.0f} MiB  {peak / triples:6.0f} bytes/triple"
          f"  (build process {own / 2**20:.0f} MiB; serialisers {children / 2**20:.0f} MiB)", flush=True)
    exports(folder, dataset, workdir, own)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated statement counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--page-nodes", type=int, default=20000, help="nodes of the page-generation graph (0: skip)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the synthetic folders and builds here")
    parser.add_argument("--extract-mb", type=float, default=1.0,
                        help="text size for the kg extract section, in MB (0: skip; scripts/bench_extract.py)")
    parser.add_argument("--quote-length", type=int, default=0,
                        help="characters per synthetic quote (default: a short sentence; the issue's long-quote "
                             "figure uses 400)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            bench(n, args.seed, workdir, args.quote_length)
        if args.page_nodes:
            page_nodes(workdir, args.page_nodes)
    if args.extract_mb:
        import bench_extract

        print(flush=True)
        bench_extract.run(ROOT / "data", ROOT / "data" / "texts" / "seed-back-hip-pain.txt", args.extract_mb)
    return 0


if __name__ == "__main__":
    sys.exit(main())
