"""Benchmark the evidence summary and the `conflicts` query against reading the CSVs with pandas.

    python scripts/bench_summary.py [--sizes 10000,100000] [--seed 0] [--rdflib-timeout 300]

For each size N it writes a synthetic folder of N statements (scripts/synth.py),
then measures, in this run and on this machine:

- floor: pandas reading the four CSV files (`pd.read_csv`, all columns as strings);
- `kg.summary.summarise` on the loaded dataset, and `kg.summary.conflicts`;
- the saved `conflicts` query on pyoxigraph (`kg.engines.run`, results collected);
- `kg.summary.related_conflicts` and the saved `related-conflicts` query on pyoxigraph,
  the query also as a ratio to the `conflicts` query measured in the same run;
- both queries on rdflib, in a child process; each is stopped after --rdflib-timeout
  seconds (reported as "> T s").

Each time is printed with its ratio to the floor. Loading the graph into each
engine is reported on its own line and not included in the query times.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth

from kg import engines, rdf, summary
from kg.model import read_valid


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best of `repeat` wall-clock runs."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def read_csvs(folder: Path) -> None:
    for name in ("sources", "conditions", "treatments", "evidence"):
        pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)


def _rdflib_child(nt_path: str, out: Any) -> None:
    load_start = time.perf_counter()
    graph = engines.OxigraphEngine.from_ntriples(Path(nt_path).read_bytes())
    graph.using("rdflib")  # build the rdflib graph now, outside the query time
    out.put(("load", time.perf_counter() - load_start))
    for name in RDFLIB_QUERIES:
        start = time.perf_counter()
        rows = engines.run(name, graph, using="rdflib")
        out.put((name, time.perf_counter() - start, len(rows)))


RDFLIB_QUERIES = ("conflicts", "related-conflicts")


def rdflib_queries(nt_path: Path, timeout: float) -> tuple[float | None, dict[str, tuple[float, int]]]:
    """(load seconds, {query: (seconds, rows)}) for `RDFLIB_QUERIES` in turn; the load is None, and a query
    is missing, when it did not finish within `timeout` seconds (each)."""
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    child = ctx.Process(target=_rdflib_child, args=(str(nt_path), out))
    child.start()
    load = None
    done: dict[str, tuple[float, int]] = {}
    try:
        load = out.get(timeout=timeout)[1]
        for _ in RDFLIB_QUERIES:
            name, seconds, rows = out.get(timeout=timeout)
            done[name] = (seconds, rows)
    except Exception:  # queue.Empty: the child ran out of time
        pass
    finally:
        if child.is_alive():
            child.terminate()
        child.join()
    return load, done


def fmt(seconds: float | None, floor: float, timeout: float) -> str:
    if seconds is None:
        return f"> {timeout:.0f} s (> {timeout / floor:,.0f}x)"
    return f"{seconds:.3f} s ({seconds / floor:,.1f}x)"


def bench(n: int, seed: int, timeout: float, workdir: Path) -> dict[str, str]:
    folder = synth.write(workdir / f"synth-{n}", synth.generate(n, seed))
    floor, _ = timed(lambda: read_csvs(folder), repeat=3)
    dataset = read_valid(folder)
    t_summary, frame = timed(lambda: summary.summarise(dataset), repeat=3)
    t_conflicts, found = timed(lambda: summary.conflicts(dataset), repeat=3)

    t_nt, nt = timed(lambda: rdf.ntriples(dataset))
    t_load_ox, graph = timed(lambda: engines.OxigraphEngine.from_ntriples(nt))
    t_related, related = timed(lambda: summary.related_conflicts(dataset), repeat=3)
    # the two queries interleaved, best of two each, so both see the same machine
    t_ox = t_ox_related = float("inf")
    for _ in range(2):
        t, rows = timed(lambda: engines.run("conflicts", graph))
        t_ox = min(t_ox, t)
        t, related_rows = timed(lambda: engines.run("related-conflicts", graph))
        t_ox_related = min(t_ox_related, t)
    assert len(rows) == len(found), "the conflicts query and kg.summary.conflicts disagree"
    assert len(related_rows) == len(related), "the related-conflicts query and kg.summary.related_conflicts disagree"

    nt_path = workdir / f"synth-{n}.nt"
    nt_path.write_bytes(nt)
    load_rl, rl = rdflib_queries(nt_path, timeout)
    for name, want in (("conflicts", len(found)), ("related-conflicts", len(related))):
        if name in rl:
            assert rl[name][1] == want, f"rdflib and pyoxigraph disagree on {name}"

    def on_rdflib(name: str) -> str:
        if load_rl is None:
            return "not run (load timed out)"
        return fmt(rl[name][0] if name in rl else None, floor, timeout)

    triples = nt.count(b"\n")
    return {
        "statements": f"{n:,}",
        "triples": f"{triples:,}",
        "pairs / conflict rows / related conflict rows": f"{len(frame):,} / {len(found):,} / {len(related):,}",
        "floor: pandas reads the four CSVs": f"{floor:.3f} s",
        "kg.summary.summarise": fmt(t_summary, floor, timeout),
        "kg.summary.conflicts (pandas)": fmt(t_conflicts, floor, timeout),
        "kg.summary.related_conflicts (pandas)": fmt(t_related, floor, timeout),
        "graph: N-Triples, then loading pyoxigraph": f"{t_nt:.2f} s + {t_load_ox:.2f} s",
        "`conflicts` query, pyoxigraph": fmt(t_ox, floor, timeout),
        "`related-conflicts` query, pyoxigraph": f"{fmt(t_ox_related, floor, timeout)}; "
                                                 f"{t_ox_related / t_ox:.1f}x the `conflicts` query",
        "graph: loading rdflib": f"{load_rl:.1f} s" if load_rl is not None else f"> {timeout:.0f} s",
        "`conflicts` query, rdflib": on_rdflib("conflicts"),
        "`related-conflicts` query, rdflib": on_rdflib("related-conflicts"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated statement counts")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rdflib-timeout", type=float, default=300.0, metavar="SECONDS")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-summary-") as tmp:
        for n in sizes:
            print(f"N = {n:,} ...", file=sys.stderr, flush=True)
            results.append(bench(n, args.seed, args.rdflib_timeout, Path(tmp)))
    keys = list(results[0])
    print("| step | " + " | ".join(f"N = {r['statements']}" for r in results) + " |")
    print("|---|" + "---|" * len(results))
    for key in keys[1:]:
        print(f"| {key} | " + " | ".join(r[key] for r in results) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
