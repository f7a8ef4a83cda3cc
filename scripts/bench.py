"""Benchmark the whole pipeline against floors measured in the same run.

    python scripts/bench.py [--sizes 10000,100000,1000000] [--seed 0] [--keep DIR]

For each size N (statements, from scripts/synth.py) it prints seconds and a
ratio to a floor, all measured in this process on this machine:

- validate            ÷ pandas reading the same four CSVs
- build (every output, and in total) ÷ pyoxigraph loading the same N-Triples + dumping Turtle + dumping N-Triples
- summary, `conflicts` query ÷ raw pyoxigraph execution of the conflicts query on the same store
- page generation     (seconds; nodes drawn)
- peak memory of a full `kg build` in a fresh process, in bytes per triple

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
from kg.model import read
from kg.queries import QueryGraph, run, saved_query
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


def peak_memory(folder: Path, out: Path) -> int:
    """Peak resident memory (bytes) of a full build in a fresh interpreter."""
    code = (
        "import resource, sys; from kg.build import build; build(sys.argv[1], sys.argv[2]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(folder), str(out)], capture_output=True, text=True, check=True)
    return int(done.stdout.strip().splitlines()[-1]) * 1024


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
        if name == "graph.ttl":
            name = "N-Triples + graph.ttl"
        row(f"build: {name}", t1 - t0, rdf_floor)
    row("build: total (six outputs)", end - start, rdf_floor)

    graph = QueryGraph.from_ntriples(nt)
    conflicts = saved_query("conflicts")
    t_raw, raw_rows = timed(lambda: list(graph.store.query(conflicts.text)))
    row("floor: raw oxigraph conflicts", t_raw, note=f"{len(raw_rows):,} rows")
    t_query, result = timed(lambda: run(conflicts, graph))
    row("kg query conflicts", t_query, t_raw, f"{len(result.rows):,} rows")
    t_summary, frame = timed(lambda: summarise(dataset))
    row("kg summary", t_summary, t_raw, f"{len(frame):,} pairs")

    peak = peak_memory(folder, workdir / f"mem-{n}")
    print(f"  {'peak memory (full build)':<28} {peak / 2**20:9.0f} MiB  {peak / triples:6.0f} bytes/triple", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated statement counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, default=None, help="keep the synthetic folders and builds here")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            bench(n, args.seed, workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
