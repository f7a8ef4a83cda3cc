"""The columns of a proposed evidence table: the contract's evidence.csv columns, then the extractor's own."""

from __future__ import annotations

from kg.schema import TABLES

EXTRA_COLUMNS = ["confidence", "char_start", "char_end", "condition_from", "cues"]
"""`confidence` 0-1; `char_start`/`char_end`: the quote's character offsets in the text (str indices of the
decoded text, BOM dropped); `condition_from`: clause, sentence, previous_sentence, heading or document;
`cues`: the cues that fired, as `kind: 'text'` items joined by '; '."""
COLUMNS = [*TABLES["evidence"].column_names, *EXTRA_COLUMNS]
