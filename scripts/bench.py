"""Benchmark the whole pipeline against floors measured in the same run.

    python scripts/bench.py [--sizes 10000,100000,1000000] [--seed 0] [--keep DIR]

For each size N (statements, from scripts/synth.py) it prints seconds and a
ratio to a floor, all measured in this process on this machine:

- validate            ÷ pandas reading the same four CSVs
- build (every output, and in total) ÷ pyoxigraph loading the same N-Triples + dumping Turtle + dumping N-Triples
- summary, `conflicts` query ÷ raw pyoxigraph execution of the conflicts query on the same store
- page generation     for the graph of that size, and once for a 20,000-node graph (scripts/bench_page.py)
- peak memory of a full `kg build` in a fresh process, in bytes per triple: the larger of the
  build process's high-water mark and the sampled peak of it and its serialising children together

Timings are wall-clock and share the machine with whatever else runs; ratios
against a floor from the same run are what to compare across machines.
"""

from __future__ import annotations

import argparse
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


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def floor_csv(folder: Path) -> float:
    def read_all() -> None:
        for name in ("sources", "conditions", "treatments", "evidence"):
            pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)

    return timed(read_all)[0]


def floor_rdf(nt: bytes) -> float:
    def load_and_dump() -> None:
        store = ox.Store()
        store.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
        store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(), prefixes=vocab.prefixes())
        store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())

    return timed(load_and_dump)[0]


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


def row(label: str, seconds: float, floor: float | None = None, note: str = "") -> None:
    ratio = f"{seconds / floor:6.2f}x" if floor else "       "
    print(f"  {label:<28} {seconds:9.3f} s  {ratio}  {note}", flush=True)


def bench(n: int, seed: int, workdir: Path) -> None:
    folder = workdir / f"synth-{n}"
    synth.write(folder, synth.generate(n, seed))
    print(f"\nN = {n:,} statements ({folder})", flush=True)

    csv_floor = floor_csv(folder)
    row("floor: pandas read CSVs", csv_floor)
    t_validate, (dataset, problems) = timed(lambda: read(folder))
    assert not problems, problems[:3]
    row("validate", t_validate, csv_floor)

    marks: list[tuple[str, float]] = []
    start = time.perf_counter()
    build(folder, workdir / f"out-{n}", progress=lambda name: marks.append((name, time.perf_counter())))
    end = time.perf_counter()
    nt = (workdir / f"out-{n}" / "graph.nt").read_bytes()
    triples = nt.count(b"\n")
    rdf_floor = floor_rdf(nt)
    row("floor: oxigraph load+ttl+nt", rdf_floor, note=f"{triples:,} triples")
    stages = [("load + validate", start), *marks, ("end", end)]
    for (name, t0), (_, t1) in itertools.pairwise(stages):
        if name.startswith("graph.ttl"):
            name = "wait for graph.ttl, graph.jsonld"
        row(f"build: {name}", t1 - t0, rdf_floor)
    row("build: total (six outputs)", end - start, rdf_floor)

    graph = OxigraphEngine.from_ntriples(nt)
    conflicts = saved_query("conflicts")
    t_raw, raw_rows = timed(lambda: list(graph.store.query(conflicts.text)))
    row("floor: raw oxigraph conflicts", t_raw, note=f"{len(raw_rows):,} rows")
    t_query, result = timed(lambda: run(conflicts, graph))
    row("kg query conflicts", t_query, t_raw, f"{len(result.rows):,} rows")
    t_summary, frame = timed(lambda: summarise(dataset))
    row("kg summary", t_summary, t_raw, f"{len(frame):,} pairs")

    own, together, children = peak_memory(folder, workdir / f"mem-{n}")
    peak = max(own, together)
    print(f"  {'peak memory (full build)':<28} {peak / 2**20:9.0f} MiB  {peak / triples:6.0f} bytes/triple"
          f"  (build process {own / 2**20:.0f} MiB; serialisers {children / 2**20:.0f} MiB)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated statement counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--page-nodes", type=int, default=20000, help="nodes of the page-generation graph (0: skip)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the synthetic folders and builds here")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            bench(n, args.seed, workdir)
        if args.page_nodes:
            page_nodes(workdir, args.page_nodes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
