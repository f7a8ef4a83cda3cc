"""Namespaces, IRIs and the mapping of contract columns onto standard vocabularies.

Entity IRIs live under one configurable base; the project's own vocabulary
(`ekg:`) and its SKOS concept schemes have fixed IRIs so that saved queries
work on any build. Together with `kg.schema.KINDS` (kind <-> table) this is the
one home of an entity's names: its IRI `{base}{kind}/{id}` (`entity_prefix`), its
classes (`CLASSES`) and its node key `KIND:ID` in the network views and the page
(`node_key`, `node_keys`, `split_key`). This module imports nothing of ours but the schema.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote

from kg.errors import UsageError
from kg.schema import ENUMS, KINDS

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_BASE = "https://evidence-kg.example/id/"
VOCAB = "https://evidence-kg.example/vocab#"
CONCEPTS = "https://evidence-kg.example/vocab/"
COLUMN = "https://evidence-kg.example/vocab/column/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SCHEMA = "http://schema.org/"
BIBO = "http://purl.org/ontology/bibo/"
OBOINOWL = "http://www.geneontology.org/formats/oboInOwl#"
SH = "http://www.w3.org/ns/shacl#"

KEY_SEPARATOR = ":"
"""Between a node key's kind and id: `treatment:traction` (ids are slugs, so they hold no ':')."""

SCHEME_KEYS = {
    "source_type": "source-type",
    "category": "category",
    "effect": "effect",
    "timeframe": "timeframe",
    "certainty": "certainty",
    "recommendation": "recommendation",
}

SUMMARY_SCHEME_KEYS = {
    "verdict": "verdict",
    "strength": "strength",
}
"""Concept schemes of the pair summaries (their concepts come from kg.verdicts, not from the CSV enums)."""


def prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefixes for Turtle, JSON-LD contexts and SPARQL headers."""
    out = {
        "ekg": VOCAB,
        "col": COLUMN,
        "rdf": RDF,
        "rdfs": RDFS,
        "xsd": XSD,
        "owl": OWL,
        "skos": SKOS,
        "dcterms": DCTERMS,
        "prov": PROV,
        "schema": SCHEMA,
        "bibo": BIBO,
        "oboInOwl": OBOINOWL,
    }
    for path in [*SCHEME_KEYS.values(), *SUMMARY_SCHEME_KEYS.values()]:
        out[path.replace("-", "")] = f"{CONCEPTS}{path}/"
    for kind in KINDS:
        out[kind] = entity_prefix(base, kind)
    out["pair"] = f"{base}pair/"
    return out


def entity_prefix(base: str, kind: str) -> str:
    """The start of every IRI of an entity of `kind`: `{base}{kind}/` (the id follows)."""
    return f"{base}{kind}/"


def node_key(kind: str, ident: str) -> str:
    """The key of an entity in the network views and the page: `KIND:ID`.

    >>> node_key("condition", "sciatica")
    'condition:sciatica'
    """
    return f"{kind}{KEY_SEPARATOR}{ident}"


def node_keys(kind: str, ids: pd.Series) -> pd.Series:
    """`node_key` for a column of ids at once (a string column; NA stays NA)."""
    return kind + KEY_SEPARATOR + ids.astype("string")


def split_key(key: str) -> tuple[str, str] | None:
    """(kind, id) of a node key, or None when `key` is not `KIND:ID` with a known kind.

    >>> split_key("treatment:traction"), split_key("traction")
    (('treatment', 'traction'), None)
    """
    kind, sep, ident = key.partition(KEY_SEPARATOR)
    return (kind, ident) if sep and kind in KINDS else None


_SAFE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20\x7f]*")


def is_safe_iri(text: str) -> bool:
    """An absolute IRI that can sit between < and > in SPARQL or N-Triples as is: no character that
    ends an IRI, no white space or control character, no backslash (SPARQL reads \\u escapes
    anywhere in a query, before parsing).

    >>> is_safe_iri("https://example.org/g"), is_safe_iri("https://x/a> } DROP ALL { <x")
    (True, False)
    """
    return _SAFE_IRI.fullmatch(text) is not None


def check_base(base: str) -> str:
    """Return `base` if it is an absolute IRI entity IRIs can be made under; else UsageError (exit 2).

    >>> check_base("https://example.org/id/")
    'https://example.org/id/'
    """
    if not is_safe_iri(base):
        raise UsageError(f"the base {base!r} is not an absolute IRI (scheme:..., no spaces, quotes, <, >, "
                         "{, }, |, ^, ` or backslashes), e.g. https://example.org/id/")
    return base


def scheme_iri(key: str) -> str:
    return f"{CONCEPTS}{(SCHEME_KEYS | SUMMARY_SCHEME_KEYS)[key]}"


def concept_iri(key: str, value: str) -> str:
    return f"{CONCEPTS}{(SCHEME_KEYS | SUMMARY_SCHEME_KEYS)[key]}/{value}"


def pair_iri(base: str, treatment: str, condition: str) -> str:
    """The IRI of a pair summary node (ids are slugs: they hold no '/')."""
    return f"{base}pair/{treatment}/{condition}"


def column_iri(name: str) -> str:
    """Annotation property for an extra CSV column (any header text)."""
    return COLUMN + quote(name, safe="")


def entity_scheme_iri(base: str, kind: str) -> str:
    return f"{base}{kind}"


CLASSES: dict[str, tuple[str, ...]] = {
    "condition": (SCHEMA + "MedicalCondition", SKOS + "Concept"),
    "treatment": (SCHEMA + "MedicalTherapy", SKOS + "Concept"),
    "evidence": (VOCAB + "EvidenceStatement",),
    "source": (VOCAB + "Source",),
}
"""The RDF classes of every entity of a kind; the first one is what makes an entity of that kind."""


# Source types mapped to schema.org types (the `ekg:sourceType` concept keeps the exact value).
SOURCE_CLASS = {
    "guideline": SCHEMA + "MedicalGuideline",
    "systematic_review": SCHEMA + "MedicalScholarlyArticle",
    "trial": SCHEMA + "MedicalScholarlyArticle",
    "observational_study": SCHEMA + "MedicalScholarlyArticle",
    "reference_article": SCHEMA + "Article",
    "expert_opinion": SCHEMA + "Article",
    "patient_education": SCHEMA + "MedicalWebPage",
    "blog": SCHEMA + "BlogPosting",
    "forum": SCHEMA + "DiscussionForumPosting",
}

ENUM_DEFINITIONS = {
    ("timeframe", "short_term"): "up to 3 months",
    ("timeframe", "medium_term"): "over 3 up to 12 months",
    ("timeframe", "long_term"): "over 12 months",
    ("timeframe", "unspecified"): "the source states no time; overlaps every timeframe",
    ("effect", "benefit"): "better than the comparator, or than no treatment or usual care",
    ("effect", "no_benefit"): "no better than the comparator, or than no treatment or usual care",
    ("effect", "harm"): "causes harm or side effects",
    ("effect", "insufficient"): "the evidence is not enough to say",
}

__all__ = ["CLASSES", "DEFAULT_BASE", "ENUMS", "KEY_SEPARATOR", "VOCAB", "entity_prefix", "is_safe_iri", "node_key",
           "node_keys", "prefixes", "split_key"]
