"""How the page draws things: colours, shapes, widths and human labels for every enum value.

One table per vocabulary, shared by the graph, its legend, the matrix and the
tooltips (the page receives it as data). Colours are chosen so that the
verdicts read at a glance: greens help, red harms, greys say nothing works or
nobody knows, purples mean the sources disagree.
"""

from __future__ import annotations

from kg.schema import Category, Certainty, Effect, Recommendation, SourceType, Timeframe
from kg.verdicts import LEGEND, RULE, Verdict

VERDICT_STYLE: dict[str, tuple[str, str, str]] = {
    # verdict: (label, colour, description), from the one rule table in kg.verdicts
    str(v): (RULE[v].label, RULE[v].colour, RULE[v].description) for v in LEGEND
}
"""In the order the legend and the matrix sort use: helpful first, then unclear, then unhelpful."""

VERDICT_SORT: tuple[str, ...] = tuple(str(v) for v in LEGEND)

EFFECT_STYLE: dict[str, tuple[str, str]] = {
    Effect.BENEFIT: ("Benefit", "#1a9850"),
    Effect.NO_BENEFIT: ("No benefit", "#525252"),
    Effect.HARM: ("Harm", "#d73027"),
    Effect.INSUFFICIENT: ("Insufficient", "#bdbdbd"),
}

TIMEFRAME_LABELS: dict[str, tuple[str, str]] = {
    # timeframe: (label, short label)
    Timeframe.SHORT_TERM: ("Short term (up to 3 months)", "short"),
    Timeframe.MEDIUM_TERM: ("Medium term (3 to 12 months)", "medium"),
    Timeframe.LONG_TERM: ("Long term (over 12 months)", "long"),
    Timeframe.UNSPECIFIED: ("Timeframe not stated", "unspecified"),
}

CERTAINTY_LABELS: dict[str, str] = {
    Certainty.HIGH: "High",
    Certainty.MODERATE: "Moderate",
    Certainty.LOW: "Low",
    Certainty.VERY_LOW: "Very low",
    "none": "Not stated",
}

RECOMMENDATION_LABELS: dict[str, str] = {
    Recommendation.RECOMMEND: "Recommended",
    Recommendation.CONSIDER: "Consider",
    Recommendation.AGAINST: "Recommended against",
}

SOURCE_TYPE_STYLE: dict[str, tuple[str, float]] = {
    # type: (label, edge width)
    SourceType.GUIDELINE: ("Guideline", 7.0),
    SourceType.SYSTEMATIC_REVIEW: ("Systematic review", 6.0),
    SourceType.TRIAL: ("Trial", 5.0),
    SourceType.OBSERVATIONAL_STUDY: ("Observational study", 4.0),
    SourceType.REFERENCE_ARTICLE: ("Reference article", 3.0),
    SourceType.EXPERT_OPINION: ("Expert opinion", 2.5),
    SourceType.PATIENT_EDUCATION: ("Patient education", 2.0),
    SourceType.BLOG: ("Blog", 1.5),
    SourceType.FORUM: ("Forum", 1.0),
}

CERTAINTY_WIDTH: dict[str, float] = {"high": 2.0, "moderate": 1.0, "low": 0.5, "very_low": 0.0}
"""Added to a statement edge's width: GRADE certainty makes a line thicker."""

CATEGORY_STYLE: dict[str, tuple[str, str, str]] = {
    # category: (label, colour, vis-network shape)
    Category.MEDICATION: ("Medication", "#4e79a7", "dot"),
    Category.INJECTION: ("Injection", "#59a5c9", "triangle"),
    Category.SURGERY: ("Surgery", "#b5525c", "diamond"),
    Category.PROCEDURE: ("Procedure", "#d37295", "triangleDown"),
    Category.PHYSICAL_THERAPY: ("Physical therapy", "#f28e2b", "square"),
    Category.EXERCISE: ("Exercise", "#8cd17d", "star"),
    Category.MANUAL_THERAPY: ("Manual therapy", "#b6992d", "hexagon"),
    Category.PSYCHOLOGICAL: ("Psychological", "#a87ca0", "dot"),
    Category.SELF_CARE: ("Self-care", "#86bcb6", "square"),
    Category.MULTIDISCIPLINARY: ("Multidisciplinary", "#9d7660", "hexagon"),
    Category.DEVICE: ("Device", "#79706e", "triangle"),
    Category.IMAGING: ("Imaging", "#bab0ac", "diamond"),
    Category.OTHER: ("Other", "#d4a6c8", "dot"),
}

CONDITION_COLOUR = "#1f3a5f"
SOURCE_COLOUR = "#e8e4d8"
HIERARCHY_COLOUR = "#8a94a6"
CITES_COLOUR = "#c9c3b3"
CONDITION_SHAPE = "box"
"""Conditions (and sources) are labelled boxes on the page; treatments take their category's shape."""

MARKERS: dict[str, str] = {
    # vis-network shape -> matplotlib marker, for figures drawn like the page (notebooks)
    "dot": "o", "triangle": "^", "diamond": "D", "triangleDown": "v", "square": "s", "star": "*",
    "hexagon": "h",
}
"""A `box` has no marker: figures draw conditions as labelled boxes, as the page does."""


def text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with `background` (#rrggbb), by the WCAG contrast ratio."""
    r, g, b = (int(background[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    dark = lin(0x11 / 255)  # #111111: a grey, the same in every channel
    on_black = (luminance + 0.05) / (dark + 0.05)
    on_white = 1.05 / (luminance + 0.05)
    return "#111111" if on_black >= on_white else "#ffffff"


def vocabulary() -> dict[str, list[dict[str, object]]]:
    """Every enum the page shows, with its label and style, in display order (sent to the page)."""
    return {
        "verdicts": [
            {"value": v, "label": VERDICT_STYLE[v][0], "color": VERDICT_STYLE[v][1],
             "text": text_colour(VERDICT_STYLE[v][1]), "description": VERDICT_STYLE[v][2],
             "dashed": RULE[Verdict(v)].dashed}
            for v in VERDICT_SORT
        ],
        "effects": [
            {"value": str(e), "label": lab, "color": col, "text": text_colour(col)}
            for e, (lab, col) in EFFECT_STYLE.items()
        ],
        "timeframes": [
            {"value": str(t), "label": lab, "short": short} for t, (lab, short) in TIMEFRAME_LABELS.items()
        ],
        "certainties": [{"value": str(c), "label": lab} for c, lab in CERTAINTY_LABELS.items()],
        "recommendations": [{"value": str(r), "label": lab} for r, lab in RECOMMENDATION_LABELS.items()],
        "source_types": [
            {"value": str(t), "label": lab, "width": w} for t, (lab, w) in SOURCE_TYPE_STYLE.items()
        ],
        "categories": [
            {"value": str(c), "label": lab, "color": col, "shape": shape}
            for c, (lab, col, shape) in CATEGORY_STYLE.items()
        ],
    }
