"""Evaluate `kg extract` against a curated gold folder.

    python scripts/eval_extract.py GOLD_DIR TEXT_FILE [--min-confidence X]

GOLD_DIR is a data folder (its treatments and conditions are the lexicon, its evidence.csv
the gold rows); TEXT_FILE is the source text. Gold rows are those of the sources whose
`text_file` is TEXT_FILE (all rows when none is). Prints precision and recall of the pairs
described in kg/extract/evaluate.py, the mean quote overlap and the share of verbatim quotes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg.extract import DEFAULT_MIN_CONFIDENCE, extract, read_text
from kg.extract.evaluate import gold_rows, quote_overlap, scores, verbatim
from kg.model import read_valid
from kg.validate import resolve_text_file


def evaluate(gold_dir: Path, text_file: Path, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> dict[str, float]:
    dataset = read_valid(gold_dir)
    text = read_text(text_file)
    sources = dataset.sources
    reading = [
        str(i) for i, f in zip(sources["id"], sources["text_file"], strict=True)
        if isinstance(f, str) and (p := resolve_text_file(gold_dir, f)) is not None and p == text_file.resolve()
    ]
    source = reading[0] if reading else str(sources["id"].iloc[0])
    predicted = extract(dataset, text, source=source, min_confidence=min_confidence)
    gold = gold_rows(dataset, reading)
    figures: dict[str, float] = {"rows": len(predicted), "gold_rows": len(gold)}
    print(f"gold {gold_dir}: {len(gold)} rows; text {text_file}: {len(predicted)} proposed rows "
          f"(min confidence {min_confidence})")
    print(f"{'pairs':58} {'precision':>9} {'recall':>7}  (correct/proposed, recalled/gold)")
    for s in scores(predicted, gold, dataset.conditions):
        print(f"{s.name:58} {s.precision:9.3f} {s.recall:7.3f}  ({s.correct_predicted}/{s.predicted}, "
              f"{s.recalled_gold}/{s.gold})")
        figures[f"{s.name}: precision"] = s.precision
        figures[f"{s.name}: recall"] = s.recall
    overlap = quote_overlap(predicted, gold, text)
    exact = verbatim(predicted, text)
    print(f"{'quote overlap (mean share of a gold quote covered)':58} {overlap:9.3f}")
    print(f"{'verbatim quotes':58} {exact:9.3f}")
    figures["quote overlap"] = overlap
    figures["verbatim"] = exact
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold_dir", type=Path)
    parser.add_argument("text_file", type=Path)
    parser.add_argument("--min-confidence", type=float, default=DEFAULT_MIN_CONFIDENCE)
    args = parser.parse_args(argv)
    text_file = args.text_file
    if text_file.is_dir():
        files = sorted(text_file.glob("*.txt"))
        if len(files) != 1:
            print(f"{text_file}: expected one .txt file in the folder, found {len(files)}", file=sys.stderr)
            return 2
        text_file = files[0]
    evaluate(args.gold_dir, text_file, args.min_confidence)
    return 0


if __name__ == "__main__":
    sys.exit(main())
