"""Benchmark `kg extract` against spaCy's blank English tokenizer over the same text, in the same run.

    python scripts/bench_extract.py [--mb 1] [--data DIR] [--text FILE]

The text is the given source text (default: the bundled seed) repeated to 1/4, 1/2 and 1 times
`--mb` megabytes. For each size it prints the tokenizer floor (spaCy's blank English tokenizer
over the same lines), the extraction time (`kg.extract.extract` on a Dataset read beforehand, fresh
each run, so that the lexicon and matchers are built inside the timing; reading and validating the
folder is `kg validate`'s cost, measured by scripts/bench.py), the ratio of the two, and the extraction time per megabyte, which
stays flat when time grows linearly with the text. Times are the process's CPU seconds, the best
of `--repeat` runs: the machine is shared, and wall-clock time there measures the neighbours.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import spacy

from kg.extract import extract, read_text
from kg.model import read_valid

ROOT = Path(__file__).resolve().parent.parent


def text_of(seed: str, size: int) -> str:
    copies = -(-size // (len(seed.encode("utf-8")) + 1))
    return "\n".join([seed] * copies)


def best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.process_time()
        result = fn()
        times.append(time.process_time() - start)
    return min(times), result


def floor(text: str, repeat: int) -> float:
    nlp = spacy.blank("en")
    lines = [line for line in text.split("\n") if line.strip()]
    return best(lambda: sum(1 for _ in nlp.tokenizer.pipe(lines, batch_size=64)), repeat)[0]


def run(data: Path, text_file: Path, mb: float, repeat: int = 3) -> list[tuple[int, float, float, int]]:
    seed = read_text(text_file)
    source = str(read_valid(data).sources["id"].iloc[0])
    results = []
    print(f"kg extract vs spaCy blank tokenizer ({text_file.name} repeated; lexicon of {data})", flush=True)
    print(f"  {'text':>10}  {'tokenizer':>9}  {'kg extract':>10}  {'ratio':>6}  {'s per MB':>8}  rows", flush=True)
    for share in (0.25, 0.5, 1.0):
        size = int(mb * share * 1_000_000)
        text = text_of(seed, size)
        t_floor = floor(text, repeat)
        datasets = [read_valid(data) for _ in range(repeat)]
        t_extract, rows = best(lambda: extract(datasets.pop(), text, source=source), repeat)  # noqa: B023
        assert isinstance(rows, pd.DataFrame)
        megabytes = len(text.encode("utf-8")) / 1_000_000
        results.append((len(text), t_floor, t_extract, len(rows)))
        print(f"  {megabytes:8.2f} MB  {t_floor:8.2f} s  {t_extract:9.2f} s  {t_extract / t_floor:5.2f}x  "
              f"{t_extract / megabytes:8.2f}  {len(rows):,}", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="largest text, in megabytes (default 1)")
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--text", type=Path, default=ROOT / "data" / "texts" / "seed-back-hip-pain.txt")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts (default 3)")
    args = parser.parse_args(argv)
    run(args.data, args.text, args.mb, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
