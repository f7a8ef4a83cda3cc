"""The extractor's rules, read from the JSON files in `kg/extract/rules/` (shipped as package data).

Cue lists are data, not code: a curator can read and extend them, and docs/extract.md
prints them as tables. This module only loads and compiles them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

EFFECTS = ("benefit", "no_benefit", "harm", "insufficient")
RECOMMENDATIONS = ("against", "recommend", "practice", "consider")
"""Tried in this order when two recommendation cues are equally near a treatment."""


def _load(name: str) -> dict[str, Any]:
    text = resources.files("kg.extract").joinpath("rules", name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@dataclass(frozen=True)
class Rules:
    """Every rule file, loaded once."""

    cues: dict[str, Any]
    negation: dict[str, list[str]]
    hedging: dict[str, list[str]]
    noise: dict[str, Any]
    spelling: dict[str, Any]

    @property
    def spelling_pairs(self) -> list[tuple[str, str]]:
        return [(str(b), str(a)) for b, a in self.spelling["pairs"]]

    def termset(self, which: str) -> dict[str, list[str]]:
        """A negspacy termset (the four lists negspacy expects, nothing else)."""
        data = self.negation if which == "negation" else self.hedging
        keys = ("pseudo_negations", "preceding_negations", "following_negations", "termination")
        return {k: list(data[k]) for k in keys}

    @property
    def timeframe_patterns(self) -> list[tuple[str, re.Pattern[str]]]:
        tf = self.cues["timeframe"]
        out = []
        for band in ("short_term", "medium_term", "long_term"):
            for pattern in tf[band]:
                out.append((band, re.compile(rf"\b(?:{pattern})\b", re.I)))
        return out

    @property
    def number_pattern(self) -> re.Pattern[str]:
        words = sorted(self.cues["timeframe"]["numbers"], key=len, reverse=True)
        num = r"(?:\d+(?:\.\d+)?|" + "|".join(re.escape(w) for w in words) + ")"
        units = "|".join(self.cues["timeframe"]["units_in_months"])
        return re.compile(
            rf"\b({num})(?:\s*(?:to|-|\u2013|or)\s*({num}))?[\s-]+({units})s?\b(?!-old)", re.I
        )

    @property
    def certainty_patterns(self) -> list[re.Pattern[str]]:
        return [re.compile(p, re.I) for p in self.cues["certainty"]["patterns"]]

    @property
    def population_patterns(self) -> list[re.Pattern[str]]:
        return [re.compile(p, re.I) for p in self.cues["population"]["patterns"]]


@cache
def rules() -> Rules:
    """The shipped rules (read once per process)."""
    return Rules(
        cues=_load("cues.json"),
        negation=_load("negation.json"),
        hedging=_load("hedging.json"),
        noise=_load("noise.json"),
        spelling=_load("spelling.json"),
    )


def months(rules_: Rules, number: str) -> float | None:
    """A number written in digits or words, or None."""
    text = number.lower()
    words: dict[str, float] = rules_.cues["timeframe"]["numbers"]
    if text in words:
        return float(words[text])
    try:
        return float(text)
    except ValueError:
        return None


def band(rules_: Rules, value_in_months: float) -> str:
    """The contract's timeframe band for a duration in months."""
    limits = rules_.cues["timeframe"]["bands_in_months"]
    if value_in_months <= limits["short_term"]:
        return "short_term"
    if value_in_months <= limits["medium_term"]:
        return "medium_term"
    return "long_term"
