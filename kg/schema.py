"""The data contract as data: files, columns, enums and value patterns.

Everything the validator, the RDF mapping and the docs need to know about the
CSV contract lives here, so that a change to the contract is one edit.
This module imports nothing of ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SourceType(StrEnum):
    """Kinds of source, strongest first (the order `best_source_type` uses)."""

    GUIDELINE = "guideline"
    SYSTEMATIC_REVIEW = "systematic_review"
    TRIAL = "trial"
    OBSERVATIONAL_STUDY = "observational_study"
    REFERENCE_ARTICLE = "reference_article"
    EXPERT_OPINION = "expert_opinion"
    PATIENT_EDUCATION = "patient_education"
    BLOG = "blog"
    FORUM = "forum"


class Category(StrEnum):
    MEDICATION = "medication"
    INJECTION = "injection"
    SURGERY = "surgery"
    PROCEDURE = "procedure"
    PHYSICAL_THERAPY = "physical_therapy"
    EXERCISE = "exercise"
    MANUAL_THERAPY = "manual_therapy"
    PSYCHOLOGICAL = "psychological"
    SELF_CARE = "self_care"
    MULTIDISCIPLINARY = "multidisciplinary"
    DEVICE = "device"
    IMAGING = "imaging"
    OTHER = "other"


class Effect(StrEnum):
    """Effect of a treatment; this order is also the `|`-join order in the summary."""

    BENEFIT = "benefit"
    NO_BENEFIT = "no_benefit"
    HARM = "harm"
    INSUFFICIENT = "insufficient"


class Timeframe(StrEnum):
    SHORT_TERM = "short_term"
    MEDIUM_TERM = "medium_term"
    LONG_TERM = "long_term"
    UNSPECIFIED = "unspecified"


class Certainty(StrEnum):
    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very_low"


class Recommendation(StrEnum):
    RECOMMEND = "recommend"
    CONSIDER = "consider"
    AGAINST = "against"


ENUMS: dict[str, type[StrEnum]] = {
    "source_type": SourceType,
    "category": Category,
    "effect": Effect,
    "timeframe": Timeframe,
    "certainty": Certainty,
    "recommendation": Recommendation,
}

SLUG = r"[a-z0-9][a-z0-9_-]*"
YEAR = r"[0-9]{4}"
DOI = r"10\.[0-9]{4,9}/[^\s]+"
PMID = r"[1-9][0-9]{0,9}"
# http(s) only, a host, and no character that is not allowed in an IRI.
URL = r"(?i:https?)://[^\s/?#<>\"{}|\\^`]+[^\s<>\"{}|\\^`]*"
CURIE = r"[A-Za-z][A-Za-z0-9_.-]*:[^\s|]+"
MULTI_SEPARATOR = "|"


class Kind(StrEnum):
    """How a column's cells are checked and mapped."""

    SLUG = "slug"
    TEXT = "text"
    ENUM = "enum"
    YEAR = "year"
    DOI = "doi"
    PMID = "pmid"
    URL = "url"
    PATH = "path"
    REF = "ref"


PATTERNS: dict[Kind, str] = {
    Kind.SLUG: SLUG,
    Kind.REF: SLUG,
    Kind.YEAR: YEAR,
    Kind.DOI: DOI,
    Kind.PMID: PMID,
    Kind.URL: URL,
}

PATTERN_HINTS: dict[Kind, str] = {
    Kind.SLUG: "not a slug (lower-case letters, digits, '-' and '_', starting with a letter or digit)",
    Kind.REF: "not a slug (lower-case letters, digits, '-' and '_', starting with a letter or digit)",
    Kind.YEAR: "not a four-digit year",
    Kind.DOI: "not a bare DOI (e.g. 10.7326/M16-2367, without 'doi:' or 'https://doi.org/')",
    Kind.PMID: "not a PubMed id (digits only)",
    Kind.URL: "not an http(s) address",
}


@dataclass(frozen=True)
class Column:
    """One contract column."""

    name: str
    kind: Kind = Kind.TEXT
    required: bool = False
    enum: str | None = None
    """Key into ENUMS for Kind.ENUM columns."""
    ref: str | None = None
    """Table whose ids this column references (Kind.REF)."""
    multi: bool = False
    """`|`-separated list of items."""
    item_pattern: str | None = None
    """Pattern each item of a multi-valued column must match."""


@dataclass(frozen=True)
class Table:
    name: str
    file: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


ID = Column("id", Kind.SLUG, required=True)

SOURCES = Table(
    "sources",
    "sources.csv",
    (
        ID,
        Column("title", required=True),
        Column("type", Kind.ENUM, required=True, enum="source_type"),
        Column("publisher"),
        Column("authors", multi=True),
        Column("year", Kind.YEAR),
        Column("doi", Kind.DOI),
        Column("pmid", Kind.PMID),
        Column("url", Kind.URL),
        Column("text_file", Kind.PATH),
    ),
)

CONDITIONS = Table(
    "conditions",
    "conditions.csv",
    (
        ID,
        Column("label", required=True),
        Column("synonyms", multi=True),
        Column("parent", Kind.REF, ref="conditions"),
        Column("body_site"),
        Column("xrefs", multi=True, item_pattern=CURIE),
        Column("description"),
    ),
)

TREATMENTS = Table(
    "treatments",
    "treatments.csv",
    (
        ID,
        Column("label", required=True),
        Column("synonyms", multi=True),
        Column("parent", Kind.REF, ref="treatments"),
        Column("category", Kind.ENUM, required=True, enum="category"),
        Column("xrefs", multi=True, item_pattern=CURIE),
        Column("description"),
    ),
)

EVIDENCE = Table(
    "evidence",
    "evidence.csv",
    (
        ID,
        Column("treatment", Kind.REF, required=True, ref="treatments"),
        Column("condition", Kind.REF, required=True, ref="conditions"),
        Column("source", Kind.REF, required=True, ref="sources"),
        Column("effect", Kind.ENUM, required=True, enum="effect"),
        Column("timeframe", Kind.ENUM, required=True, enum="timeframe"),
        Column("certainty", Kind.ENUM, enum="certainty"),
        Column("recommendation", Kind.ENUM, enum="recommendation"),
        Column("comparator", Kind.REF, ref="treatments"),
        Column("outcome"),
        Column("population"),
        Column("summary", required=True),
        Column("quote", required=True),
        Column("notes"),
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in (SOURCES, CONDITIONS, TREATMENTS, EVIDENCE)}
"""The four tables, in the order they are read and reported."""


@dataclass(frozen=True)
class EntityKind:
    """A kind of entity: the table its rows live in, the column people read as its name, and whether
    the network views draw it as a node. Its IRIs and node keys are made in `kg.vocab`."""

    name: str
    table: str
    label: str
    node: bool = True

    @property
    def hierarchical(self) -> bool:
        """Its rows form a tree through a `parent` column."""
        return "parent" in TABLES[self.table].column_names


ENTITY_KINDS: tuple[EntityKind, ...] = (
    EntityKind("treatment", "treatments", "label"),
    EntityKind("condition", "conditions", "label"),
    EntityKind("source", "sources", "title"),
    EntityKind("evidence", "evidence", "summary", node=False),
)
"""Every kind, in the one order used everywhere (nodes, prefixes, lookups)."""

KINDS: dict[str, EntityKind] = {k.name: k for k in ENTITY_KINDS}
"""Kind name -> kind."""

KIND_OF_TABLE: dict[str, str] = {k.table: k.name for k in ENTITY_KINDS}
"""Table name -> kind name (`sources` -> `source`)."""

NODE_KINDS: tuple[str, ...] = tuple(k.name for k in ENTITY_KINDS if k.node)
"""The kinds drawn as nodes: treatment, condition, source."""

HIERARCHY_KINDS: tuple[str, ...] = tuple(k.name for k in ENTITY_KINDS if k.hierarchical)
"""The kinds with a `parent` tree: treatment, condition."""


def enum_values(key: str) -> list[str]:
    return [m.value for m in ENUMS[key]]
