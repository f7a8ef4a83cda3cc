"""HL7 FHIR R5: the dataset as one `Bundle` (type `collection`) of evidence resources, and back.

- `Citation` per source, `EvidenceVariable` per treatment and condition, and one per distinct
  (outcome, timeframe) of the statements (the timeframe is that variable's `timeFromEvent`);
- `Evidence` per statement: `variableDefinition` population (condition) / exposure (treatment) /
  referenceExposure (comparator) / measuredVariable (outcome), GRADE certainty of type Overall,
  the effect, the summary, the quote as its first `note`, and `relatedArtifact` -> its `Citation`;
- `ArtifactAssessment` per recommendation (direction of recommendation, about the `Evidence`) and per
  treatment-condition pair of the summary (verdict, headline, strength when the summary has it).

Every contract column has one home (docs/interop.md has the table); extra columns are extensions
whose URL is the column's IRI in the project vocabulary, as in the RDF. Ids come from the slugs, the
entries come in table order, and the JSON is written from whole columns, so the same tables give the
same bytes. The reader keeps what maps from any R5 Bundle and counts what it skipped, per resource type.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kg import vocab as V
from kg.errors import InputError
from kg.formats import Context, Format, register
from kg.formats._common import (
    TEXT,
    Imported,
    arrow,
    dataset_from_strings,
    join,
    literals,
    member,
    short_hash,
    write_lines,
    write_text,
)
from kg.model import BATCH_ROWS
from kg.schema import TABLES, enum_values

MEDIA_TYPE = "application/fhir+json"
EXT = f"{V.CONCEPTS}fhir/StructureDefinition/"
"""Extensions of our own: effect, synonym, body-site, text-file; extra columns use `vocab.column_iri`."""
CERTAINTY_TYPE = "http://terminology.hl7.org/CodeSystem/certainty-type"
CERTAINTY_RATING = "http://terminology.hl7.org/CodeSystem/certainty-rating"
VARIABLE_ROLE = "http://terminology.hl7.org/CodeSystem/variable-role"
EBM_CONTENT_TYPE = "https://fevir.net/resources/CodeSystem/179423"
"""The code system the EBM IG's RecommendationRating profile types its content with."""
DOI_SYSTEM = "https://doi.org"
PMID_SYSTEM = "https://pubmed.ncbi.nlm.nih.gov"
UCUM = "http://unitsofmeasure.org"
SUMMARY_SYSTEM = f"{V.CONCEPTS}summary"
"""Our code system for the summary's columns (verdict, strength) as ArtifactAssessment content types."""

CERTAINTY_CODES = {"high": "high", "moderate": "moderate", "low": "low", "very_low": "very-low"}
CERTAINTY_DISPLAY = {"high": "High quality", "moderate": "Moderate quality", "low": "Low quality",
                     "very_low": "Very low quality"}
EFFECT_ASSERTION = {"benefit": "benefit", "no_benefit": "no benefit", "harm": "harm",
                    "insufficient": "insufficient evidence"}
TIMEFRAME_MONTHS: dict[str, tuple[int | None, int | None]] = {
    "short_term": (0, 3),
    "medium_term": (3, 12),
    "long_term": (12, None),
}
"""timeFromEvent ranges (months from the start of treatment); `unspecified` has no timeFromEvent."""

CURIE_SYSTEMS = {
    "MESH": "http://id.nlm.nih.gov/mesh",
    "ICD10": "http://hl7.org/fhir/sid/icd-10",
    "ICD10CM": "http://hl7.org/fhir/sid/icd-10-cm",
    "SNOMEDCT": "http://snomed.info/sct",
    "RXNORM": "http://www.nlm.nih.gov/research/umls/rxnorm",
    "LOINC": "http://loinc.org",
    "ATC": "http://www.whocc.no/atc",
    "UMLS": "http://www.nlm.nih.gov/research/umls",
    "NCIT": "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl",
}
"""CURIE prefixes with an HL7-registered system; any other prefix P becomes `CURIE_FALLBACK + P`."""
CURIE_FALLBACK = "https://bioregistry.io/registry/"
SYSTEM_PREFIXES = {v: k for k, v in CURIE_SYSTEMS.items()}

KIND_PREFIX = {"source": "s", "treatment": "t", "condition": "c", "evidence": "e"}
"""Resource id = prefix, '-', the slug with '_' as '.' (FHIR ids allow no '_'); a digest past 64 characters."""


# --------------------------------------------------------------------------------------------- ids


def fhir_ids(kind: str, slugs: pd.Series) -> pd.Series:
    """FHIR resource ids for slugs of one kind ([A-Za-z0-9.-]{1,64})."""
    text = KIND_PREFIX[kind] + "-" + slugs.astype("string").str.replace("_", ".", regex=False)
    long = (text.str.len() > 64).fillna(False)
    if long.any():
        digests = pd.Series([f"{KIND_PREFIX[kind]}-x{short_hash(str(s))}" for s in slugs[long]],
                            index=slugs[long].index, dtype="string")
        text = text.mask(long, digests)
    return text


def _system(base: str, kind: str) -> str:
    return f"{base}{kind}/"


def _outcome_id(outcome: str | None, timeframe: str) -> str:
    return "o-" + short_hash(timeframe, outcome if outcome is not None else "\x01")


# ------------------------------------------------------------------------------------- small dicts


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"system": system, "code": code}
    if display is not None:
        out["display"] = display
    return out


def _concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"coding": [_coding(system, code, display)]}


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value)) and value is not pd.NA


def _items(value: Any) -> list[str]:
    return str(value).split("|") if _present(value) else []


def _extras(row: Mapping[Any, Any], columns: Iterable[str]) -> list[dict[str, Any]]:
    return [{"url": V.column_iri(c), "valueString": str(row[c])} for c in columns if _present(row[c])]


def curie_coding(curie: str) -> dict[str, Any]:
    prefix, local = curie.split(":", 1)
    return {"system": CURIE_SYSTEMS.get(prefix, CURIE_FALLBACK + prefix), "code": local}


def coding_curie(coding: dict[str, Any]) -> str | None:
    system, code = coding.get("system"), coding.get("code")
    if not isinstance(system, str) or not isinstance(code, str):
        return None
    if system in SYSTEM_PREFIXES:
        return f"{SYSTEM_PREFIXES[system]}:{code}"
    if system.startswith(CURIE_FALLBACK):
        return f"{system[len(CURIE_FALLBACK):]}:{code}"
    return None


# ------------------------------------------------------------------------------------------ writer


def _entry(fhir_base: str, resource: dict[str, Any]) -> str:
    url = f"{fhir_base}{resource['resourceType']}/{resource['id']}"
    return json.dumps({"fullUrl": url, "resource": resource}, ensure_ascii=False, separators=(",", ":"))


def _listed(key: str, items: list[pa.Array], opener: str = "[", closer: str = "]") -> pa.Array:
    """`"key":[a,b]` of the items that are not null (comma-led), or the empty string when none is."""
    # each item ends in '}' or '"', so trimming the trailing commas leaves the items whole
    joined = pc.utf8_rtrim(join(*(pc.fill_null(join(item, ","), "") for item in items)), characters=",")
    wrapped = join(f",{json.dumps(key)}:{opener}", joined, closer)
    return pc.if_else(pc.equal(joined, ""), pa.scalar("", TEXT), wrapped)


def _citation_entries(sources: pd.DataFrame, base: str, fhir_base: str, extras: list[str]) -> pa.Array:
    """One Citation entry (a JSON text, no comma, no newline) per source, built from whole columns."""
    if sources.empty:
        return arrow([])
    rid = _ids("source", sources["id"])
    extension = _listed("extension", [
        join('{"url":"', EXT, 'text-file","valueString":', literals(sources["text_file"]), "}"),
        *(join('{"url":', json.dumps(V.column_iri(c)), ',"valueString":', literals(sources[c]), "}") for c in extras),
    ])
    identifiers = _listed("identifier", [
        join('{"system":"', DOI_SYSTEM, '","value":', literals(sources["doi"]), "}"),
        join('{"system":"', PMID_SYSTEM, '","value":', literals(sources["pmid"]), "}"),
    ])
    form = _listed("publicationForm", [
        join('"publishedIn":{"publisher":{"display":', literals(sources["publisher"]), "}}"),
        join('"articleDate":"', arrow(sources["year"].astype("string")), '"'),
    ], "[{", "}]")
    authors = pc.replace_substring(literals(sources["authors"]), "|", '"}},{"contributor":{"display":"')
    contributors = pc.fill_null(join(',"contributorship":{"entry":[{"contributor":{"display":', authors, "}}]}"), "")
    web = pc.fill_null(join(',"webLocation":[{"url":', literals(sources["url"]), "}]"), "")
    title = literals(sources["title"])
    return join(
        '{"fullUrl":"', fhir_base, "Citation/", rid, '","resource":{"resourceType":"Citation","id":"', rid, '"',
        extension, ',"identifier":[{"system":"', _system(base, "source"), '","value":"', arrow(sources["id"]), '"}]',
        ',"title":', title, ',"status":"active","citedArtifact":{"title":[{"text":', title, "}]",
        identifiers, web, form,
        ',"classification":[{"type":{"coding":[{"system":"', SUMMARY_SYSTEM,
        '","code":"source-type","display":"Source type"}]},"classifier":[{"coding":[{"system":"',
        V.scheme_iri("source_type"), '","code":"', arrow(sources["type"]), '"}]}]}]', contributors, "}}}",
    )


def _variables(ctx: Context, kind: str, extras: list[str]) -> Iterable[dict[str, Any]]:
    table = ctx.dataset.treatments if kind == "treatment" else ctx.dataset.conditions
    ids = fhir_ids(kind, table["id"])
    parents = fhir_ids(kind, table["parent"].fillna("x"))
    system = _system(ctx.base, kind)
    for row, rid, parent in zip(table.to_dict("records"), ids, parents, strict=True):
        ext = [{"url": EXT + "synonym", "valueString": s} for s in _items(row["synonyms"])]
        if kind == "condition" and _present(row["body_site"]):
            ext.append({"url": EXT + "body-site", "valueString": str(row["body_site"])})
        ext += _extras(row, extras)
        resource: dict[str, Any] = {"resourceType": "EvidenceVariable", "id": rid}
        if ext:
            resource["extension"] = ext
        resource |= {
            "identifier": [{"system": system, "value": str(row["id"])}],
            "title": str(row["label"]),
            "status": "active",
        }
        if _present(row["description"]):
            resource["description"] = str(row["description"])
        if _present(row["parent"]):
            resource["relatedArtifact"] = [
                {"type": "part-of", "resourceReference": {"reference": f"EvidenceVariable/{parent}"}}
            ]
        characteristic: list[dict[str, Any]] = []
        xrefs = _items(row["xrefs"])
        if xrefs:
            characteristic.append({"definitionCodeableConcept": {"coding": [curie_coding(x) for x in xrefs]}})
        if kind == "treatment":
            characteristic.append({"definitionByTypeAndValue": {
                "type": _concept(SUMMARY_SYSTEM, "treatment-category", "Treatment category"),
                "valueCodeableConcept": _concept(V.scheme_iri("category"), str(row["category"])),
            }})
        if characteristic:
            resource["characteristic"] = characteristic
        yield resource


def _quantity(months: int) -> dict[str, Any]:
    return {"value": months, "unit": "months", "system": UCUM, "code": "mo"}


def _outcome_variables(ev: pd.DataFrame) -> tuple[list[dict[str, Any]], pd.Series]:
    """One EvidenceVariable per distinct (outcome, timeframe); the id each statement refers to (None: none)."""
    keyed = pd.DataFrame({"outcome": ev["outcome"], "timeframe": ev["timeframe"].astype("string")})
    needed = keyed["outcome"].notna() | (keyed["timeframe"] != "unspecified")
    distinct = keyed[needed].drop_duplicates()
    ids = {
        (None if pd.isna(o) else str(o), str(t)): _outcome_id(None if pd.isna(o) else str(o), str(t))
        for o, t in zip(distinct["outcome"], distinct["timeframe"], strict=True)
    }
    resources = []
    for (outcome, timeframe), rid in sorted(ids.items(), key=lambda kv: kv[1]):
        resource: dict[str, Any] = {"resourceType": "EvidenceVariable", "id": rid}
        if outcome is not None:
            resource["title"] = outcome
        resource["status"] = "active"
        if outcome is None:
            resource["description"] = "outcome not stated"
        if timeframe in TIMEFRAME_MONTHS:
            low, high = TIMEFRAME_MONTHS[timeframe]
            span: dict[str, Any] = {}
            if low is not None:
                span["low"] = _quantity(low)
            if high is not None:
                span["high"] = _quantity(high)
            resource["characteristic"] = [{
                "description": V.ENUM_DEFINITIONS[("timeframe", timeframe)],
                "timeFromEvent": [{
                    "description": timeframe,
                    "eventCodeableConcept": {"text": "start of treatment"},
                    "range": span,
                }],
            }]
        resources.append(resource)
    keys = pd.DataFrame({"outcome": [k[0] if k[0] is not None else "\x01" for k in ids],
                         "timeframe": [k[1] for k in ids], "ref": list(ids.values())})
    wanted = pd.DataFrame({"outcome": keyed["outcome"].fillna("\x01").astype(object),
                           "timeframe": keyed["timeframe"].astype(object)})
    refs = wanted.merge(keys.astype(object), how="left", on=["outcome", "timeframe"])["ref"]
    refs.index = keyed.index
    return resources, refs.where(needed.to_numpy(), None)


def _lookup(values: pd.Series, table: dict[str, str]) -> pa.Array:
    return arrow(values.astype("string").map(table))


def _role(code: str) -> str:
    return json.dumps({"coding": [_coding(VARIABLE_ROLE, code)]}, separators=(",", ":"))


def _ids(kind: str, slugs: pd.Series) -> pa.Array:
    """`fhir_ids` by Arrow kernels (the pandas rule, with its digests, only when an id would be too long)."""
    ids = join(KIND_PREFIX[kind] + "-", pc.replace_substring(arrow(slugs), "_", "."))
    longest = pc.max(pc.utf8_length(ids)).as_py()
    return arrow(fhir_ids(kind, slugs)) if longest is not None and longest > 64 else ids


def _reference(kind: str, slugs: pd.Series) -> pa.Array:
    return join('{"reference":"EvidenceVariable/', _ids(kind, slugs), '"}')


def _evidence_entries(
    ev: pd.DataFrame, base: str, fhir_base: str, outcome_refs: pd.Series, extras: list[str]
) -> pa.Array:
    """One Bundle entry (a JSON text) per statement, built from whole columns by Arrow kernels."""
    rid = _ids("evidence", ev["id"])
    effect = ev["effect"].astype("string")
    extension = [  # slugs and enum codes need no JSON escaping
        '[{"url":"', EXT, 'effect","valueCodeableConcept":{"coding":[{"system":"', V.scheme_iri("effect"),
        '","code":"', arrow(effect), '"}]}}',
    ]
    for column in extras:
        value = literals(ev[column])
        extension.append(pc.fill_null(join(',{"url":', json.dumps(V.column_iri(column)), ',"valueString":', value,
                                           "}"), ""))
    extension.append("]")
    population = [
        '{"variableRole":', _role("population"), ',"observed":', _reference("condition", ev["condition"]),
        member("description", literals(ev["population"])), "}",
    ]
    exposure = [',{"variableRole":', _role("exposure"), ',"observed":',
                _reference("treatment", ev["treatment"]), "}"]
    comparator = pc.fill_null(join(',{"variableRole":', _role("referenceExposure"),
                                   ',"observed":', _reference("treatment", ev["comparator"]), "}"), "")
    outcome = pc.fill_null(join(',{"variableRole":', _role("measuredVariable"),
                                ',"observed":{"reference":"EvidenceVariable/', arrow(outcome_refs), '"}}'), "")
    certainty = ev["certainty"].astype("string")
    certainty_part = pc.fill_null(join(
        ',"certainty":[{"type":{"coding":[{"system":"', CERTAINTY_TYPE, '","code":"Overall",'
        '"display":"Overall certainty"}]},"rating":{"coding":[{"system":"', CERTAINTY_RATING, '","code":"',
        _lookup(certainty, CERTAINTY_CODES), '","display":"', _lookup(certainty, CERTAINTY_DISPLAY), '"}]}}]',
    ), "")
    notes = pc.fill_null(join(',{"text":', literals(ev["notes"]), "}"), "")
    return join(
        ',{"fullUrl":"', fhir_base, "Evidence/", rid, '","resource":',
        '{"resourceType":"Evidence","id":"', rid, '","extension":', *extension,
        ',"identifier":[{"system":', json.dumps(_system(base, "evidence")), ',"value":"', arrow(ev["id"]), '"}]',
        ',"status":"active","description":', literals(ev["summary"]),
        ',"assertion":"', _lookup(effect, EFFECT_ASSERTION), '"',
        ',"note":[{"text":', literals(ev["quote"]), "}", notes, "]",
        ',"relatedArtifact":[{"type":"derived-from","resourceReference":{"reference":"Citation/',
        _ids("source", ev["source"]), '"}}]',
        ',"variableDefinition":[', *population, *exposure, comparator, outcome, "]",
        certainty_part, "}}\n",
    )


def _recommendation_entries(ev: pd.DataFrame, fhir_base: str) -> pa.Array:
    has = ev[ev["recommendation"].notna()]
    rid = _ids("evidence", has["id"])
    aid = join("r", pc.utf8_slice_codeunits(rid, 1))
    return join(
        ',{"fullUrl":"', fhir_base, "ArtifactAssessment/", aid, '","resource":',
        '{"resourceType":"ArtifactAssessment","id":"', aid, '","artifactReference":{"reference":"Evidence/', rid, '"}',
        ',"content":[{"informationType":"rating","type":{"coding":[{"system":"', EBM_CONTENT_TYPE,
        '","code":"direction-of-recommendation","display":"Direction of Recommendation"}]}'
        ',"classifier":[{"coding":[{"system":"', V.scheme_iri("recommendation"), '","code":"',
        arrow(has["recommendation"]), '"}]}]}]}}\n',
    )


def _summary_entries(summary: pd.DataFrame, fhir_base: str) -> pa.Array:
    """One ArtifactAssessment per treatment-condition pair: verdict and headline, strength when there is one."""
    if summary.empty:
        return arrow([])
    pid = arrow(["p-" + short_hash(str(t), str(c))
                 for t, c in zip(summary["treatment_id"], summary["condition_id"], strict=True)])
    title = literals(summary["treatment"].astype("string") + " for " + summary["condition"].astype("string") + ": "
                     + summary["headline"].astype("string"))
    strength: pa.Array | str = ""
    if "strength" in summary:
        strength = pc.fill_null(join(
            ',{"informationType":"rating","type":{"coding":[{"system":"', SUMMARY_SYSTEM,
            '","code":"strength","display":"Strength of the evidence"}]},"classifier":[{"coding":[{"system":"',
            f"{V.CONCEPTS}strength", '","code":', literals(summary["strength"]), "}]}]}"), "")
    return join(
        ',{"fullUrl":"', fhir_base, "ArtifactAssessment/", pid, '","resource":',
        '{"resourceType":"ArtifactAssessment","id":"', pid, '","title":', title,
        ',"artifactReference":', _reference("treatment", summary["treatment_id"]),
        ',"content":[{"informationType":"classifier","summary":', literals(summary["headline"]),
        ',"type":{"coding":[{"system":"', SUMMARY_SYSTEM, '","code":"verdict","display":"Verdict"}]}',
        ',"classifier":[{"coding":[{"system":"', f"{V.CONCEPTS}verdict", '","code":', literals(summary["verdict"]),
        '}]}],"relatedArtifact":[{"type":"depends-on","label":"condition","resourceReference":',
        _reference("condition", summary["condition_id"]), "}]}", strength, "]}}\n",
    )


def _extra_columns(ctx: Context, name: str) -> list[str]:
    known = set(TABLES[name].column_names)
    return [c for c in ctx.dataset.table(name).columns if c not in known]


def write(ctx: Context, path: Path) -> None:
    """The Bundle as JSON, one entry a line (each after the first led by its comma), to `path`."""
    fhir_base = f"{ctx.base}fhir/"
    ev = ctx.dataset.evidence.reset_index(drop=True)
    outcomes, outcome_refs = _outcome_variables(ev)
    with open(path, "wb") as out:
        out.write(b'{"resourceType":"Bundle","id":"evidence-kg","type":"collection","entry":[\n')
        small = [*_variables(ctx, "treatment", _extra_columns(ctx, "treatments")),
                 *_variables(ctx, "condition", _extra_columns(ctx, "conditions")), *outcomes]
        # every entry after the first is led by its comma: the column-built ones carry it themselves
        citations = _citation_entries(ctx.dataset.sources, ctx.base, fhir_base, _extra_columns(ctx, "sources"))
        write_lines(out, citations, ",", "")
        write_lines(out, arrow([_entry(fhir_base, r) for r in small]), ",", None if len(citations) else "")
        extras = _extra_columns(ctx, "evidence")
        for start in range(0, len(ev), BATCH_ROWS * 4):
            part = ev.iloc[start : start + BATCH_ROWS * 4]
            refs = outcome_refs.iloc[start : start + BATCH_ROWS * 4]
            write_text(out, _evidence_entries(part, ctx.base, fhir_base, refs, extras))
        for start in range(0, len(ev), BATCH_ROWS * 4):
            write_text(out, _recommendation_entries(ev.iloc[start : start + BATCH_ROWS * 4], fhir_base))
        write_text(out, _summary_entries(ctx.summary, fhir_base))
        out.write(b"]}\n")


# ------------------------------------------------------------------------------------------ reader

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")


class _Bundle:
    """The resources of one Bundle file by type and id, and what was skipped."""

    def __init__(self, path: Path):
        self.path = path
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except UnicodeDecodeError as err:
            raise InputError(f"{path}: not UTF-8 text (byte {err.start})") from None
        except json.JSONDecodeError as err:
            raise InputError(f"{path}:{err.lineno}:{err.colno}: not JSON: {err.msg}") from None
        except OSError as err:
            raise InputError(f"{path}: cannot be read: {err.strerror}") from None
        if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
            raise InputError(f"{path}: not a FHIR Bundle (resourceType is {_show(data, 'resourceType')})")
        entries = data.get("entry", [])
        if not isinstance(entries, list):
            raise InputError(f"{path}: Bundle.entry is not a list")
        self.by_type: dict[str, list[dict[str, Any]]] = {}
        self.by_ref: dict[str, dict[str, Any]] = {}
        for i, entry in enumerate(entries):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
                raise InputError(f"{path}: Bundle.entry[{i}]: no resource with a resourceType")
            kind = resource["resourceType"]
            self.by_type.setdefault(kind, []).append(resource)
            if isinstance(resource.get("id"), str):
                self.by_ref[f"{kind}/{resource['id']}"] = resource

    def where(self, resource: dict[str, Any]) -> str:
        return f"{self.path}: {resource.get('resourceType')}/{resource.get('id', '?')}"


def _show(data: Any, key: str) -> str:
    return repr(data.get(key)) if isinstance(data, dict) else f"a JSON {type(data).__name__}"


def _ident(resource: dict[str, Any], kind: str) -> str | None:
    """The slug our export gave the resource, or one made from a foreign resource's id."""
    for ident in resource.get("identifier", []) or []:
        system, value = ident.get("system"), ident.get("value")
        if isinstance(system, str) and system.endswith(f"/{kind}/") and isinstance(value, str):
            return value
    rid = resource.get("id")
    if not isinstance(rid, str):
        return None
    slug = re.sub(r"[^a-z0-9_-]+", "-", rid.lower()).strip("-_")
    return slug if slug and SLUG_RE.match(slug) else None


def _codes(concept: Any, system: str) -> list[str]:
    if not isinstance(concept, dict):
        return []
    return [c["code"] for c in concept.get("coding", []) or [] if c.get("system") == system and "code" in c]


def _ext(resource: dict[str, Any], url: str) -> list[Any]:
    out = []
    for e in resource.get("extension", []) or []:
        if e.get("url") == url:
            out.append(e.get("valueString", e.get("valueCodeableConcept")))
    return out


def _extra_values(resource: dict[str, Any], order: dict[str, None]) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in resource.get("extension", []) or []:
        url = e.get("url")
        if isinstance(url, str) and url.startswith(V.COLUMN) and isinstance(e.get("valueString"), str):
            name = unquote(url[len(V.COLUMN):])
            order.setdefault(name, None)
            out[name] = e["valueString"]
    return out


def _one(values: list[Any]) -> Any:
    return values[0] if values else None


class _Reader:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        self.extras: dict[str, dict[str, None]] = {name: {} for name in TABLES}
        self.skipped: Counter[str] = Counter()
        self.slugs: dict[str, str] = {}
        """'EvidenceVariable/t-x' -> slug, for the variables and citations kept."""

    def citation(self, b: _Bundle, r: dict[str, Any]) -> None:
        slug = _ident(r, "source")
        cited = r.get("citedArtifact") or {}
        titles = [t.get("text") for t in cited.get("title", []) or [] if isinstance(t, dict)]
        title = _one([t for t in titles if isinstance(t, str)]) or r.get("title")
        types = [c for cl in cited.get("classification", []) or [] for cf in cl.get("classifier", []) or []
                 for c in _codes(cf, V.scheme_iri("source_type"))]
        if slug is None or not isinstance(title, str) or not types:
            self.skipped["Citation (no id, title or source type)"] += 1
            return
        row: dict[str, Any] = {"id": slug, "title": title, "type": types[0]}
        for ident in cited.get("identifier", []) or []:
            if ident.get("system") == DOI_SYSTEM:
                row["doi"] = ident.get("value")
            elif ident.get("system") == PMID_SYSTEM:
                row["pmid"] = ident.get("value")
        urls = [w.get("url") for w in cited.get("webLocation", []) or [] if isinstance(w.get("url"), str)]
        row["url"] = _one(urls)
        form = _one(cited.get("publicationForm", []) or []) or {}
        row["publisher"] = ((form.get("publishedIn") or {}).get("publisher") or {}).get("display")
        date = form.get("articleDate")
        row["year"] = date[:4] if isinstance(date, str) else None
        entries = sorted((cited.get("contributorship") or {}).get("entry", []) or [],
                         key=lambda e: e.get("rankingOrder", 0))
        names = [(e.get("contributor") or {}).get("display") for e in entries]
        row["authors"] = "|".join(n for n in names if isinstance(n, str)) or None
        row["text_file"] = _one(_ext(r, EXT + "text-file"))
        row |= _extra_values(r, self.extras["sources"])
        self.slugs[f"Citation/{r.get('id')}"] = slug
        self.rows["sources"].append(row)

    def variable(self, b: _Bundle, r: dict[str, Any]) -> None:
        identifiers = [i.get("system", "") for i in r.get("identifier", []) or []]
        kind = next((k for k in ("treatment", "condition") for s in identifiers if s.endswith(f"/{k}/")), None)
        if kind is None:
            return  # an outcome variable (or a foreign one): read through the Evidence that uses it
        slug = _ident(r, kind)
        title = r.get("title") or r.get("name")
        if slug is None or not isinstance(title, str):
            self.skipped["EvidenceVariable (no id or title)"] += 1
            return
        row: dict[str, Any] = {"id": slug, "label": title, "description": r.get("description")}
        row["synonyms"] = "|".join(str(s) for s in _ext(r, EXT + "synonym")) or None
        xrefs: list[str] = []
        category = None
        for ch in r.get("characteristic", []) or []:
            for coding in (ch.get("definitionCodeableConcept") or {}).get("coding", []) or []:
                curie = coding_curie(coding)
                if curie:
                    xrefs.append(curie)
            by = ch.get("definitionByTypeAndValue") or {}
            category = _one(_codes(by.get("valueCodeableConcept"), V.scheme_iri("category"))) or category
        row["xrefs"] = "|".join(xrefs) or None
        parents = [a.get("resourceReference", {}).get("reference") for a in r.get("relatedArtifact", []) or []
                   if a.get("type") == "part-of"]
        row["_parent_ref"] = _one([p for p in parents if isinstance(p, str)])
        if kind == "treatment":
            if category is None:
                self.skipped["EvidenceVariable (treatment without a category)"] += 1
                return
            row["category"] = category
            table = "treatments"
        else:
            row["body_site"] = _one(_ext(r, EXT + "body-site"))
            table = "conditions"
        row |= _extra_values(r, self.extras[table])
        self.slugs[f"EvidenceVariable/{r.get('id')}"] = slug
        self.rows[table].append(row)

    def evidence(self, b: _Bundle, r: dict[str, Any]) -> str | None:
        """The statement's row; None (and counted as skipped) when something it needs does not map."""
        slug = _ident(r, "evidence")
        roles: dict[str, dict[str, Any]] = {}
        for vd in r.get("variableDefinition", []) or []:
            for code in _codes(vd.get("variableRole"), VARIABLE_ROLE):
                roles.setdefault(code, vd)
        ref = {k: (v.get("observed") or {}).get("reference") for k, v in roles.items()}
        sources = [a.get("resourceReference", {}).get("reference") for a in r.get("relatedArtifact", []) or []]
        source = _one([self.slugs[s] for s in sources if isinstance(s, str) and s in self.slugs])
        effect = _one([c for v in _ext(r, EXT + "effect") for c in _codes(v, V.scheme_iri("effect"))])
        notes = [n.get("text") for n in r.get("note", []) or [] if isinstance(n, dict)]
        treatment = self.slugs.get(str(ref.get("exposure")))
        condition = self.slugs.get(str(ref.get("population")))
        if (slug is None or treatment is None or condition is None or source is None or effect is None
                or not notes or not isinstance(notes[0], str) or not isinstance(r.get("description"), str)):
            self.skipped["Evidence (a part did not map)"] += 1
            return None
        row: dict[str, Any] = {
            "id": slug, "treatment": treatment, "condition": condition, "source": source, "effect": effect,
            "summary": r["description"], "quote": notes[0], "notes": notes[1] if len(notes) > 1 else None,
            "population": roles["population"].get("description"), "timeframe": "unspecified",
        }
        if "referenceExposure" in ref:
            comparator = self.slugs.get(str(ref["referenceExposure"]))
            if comparator is None:
                self.skipped["Evidence (a part did not map)"] += 1
                return None
            row["comparator"] = comparator
        outcome = b.by_ref.get(str(ref.get("measuredVariable")))
        if outcome is not None:
            row["outcome"] = outcome.get("title")
            for ch in outcome.get("characteristic", []) or []:
                for tfe in ch.get("timeFromEvent", []) or []:
                    if tfe.get("description") in TIMEFRAME_MONTHS:
                        row["timeframe"] = tfe["description"]
        for c in r.get("certainty", []) or []:
            if "Overall" in _codes(c.get("type"), CERTAINTY_TYPE):
                rating = _one(_codes(c.get("rating"), CERTAINTY_RATING))
                row["certainty"] = {v: k for k, v in CERTAINTY_CODES.items()}.get(str(rating))
        row |= _extra_values(r, self.extras["evidence"])
        self.rows["evidence"].append(row)
        return slug

    def recommendation(self, r: dict[str, Any], evidence: dict[str, dict[str, Any]]) -> None:
        target = (r.get("artifactReference") or {}).get("reference")
        codes = [c for content in r.get("content", []) or [] for cf in content.get("classifier", []) or []
                 for c in _codes(cf, V.scheme_iri("recommendation"))]
        if codes and isinstance(target, str) and target in evidence:
            evidence[target]["recommendation"] = codes[0]
        elif codes:
            self.skipped["ArtifactAssessment (recommendation about no kept Evidence)"] += 1
        elif not any(_codes(c.get("type"), SUMMARY_SYSTEM) for c in r.get("content", []) or []):
            self.skipped["ArtifactAssessment"] += 1
        # our per-pair summaries are derived from the tables: recomputed, not read

    def frames(self) -> dict[str, pd.DataFrame]:
        frames: dict[str, pd.DataFrame] = {}
        for name, rows in self.rows.items():
            frame = pd.DataFrame(rows, dtype=object)
            if name in ("treatments", "conditions") and len(frame):
                refs = frame.pop("_parent_ref")
                frame["parent"] = refs.map(lambda ref: self.slugs.get(ref) if isinstance(ref, str) else None)
            frames[name] = frame
        return frames


def read(paths: Sequence[Path]) -> Imported:
    """The four tables from FHIR Bundles (their resources taken together, in file order)."""
    reader = _Reader()
    bundles = [_Bundle(Path(p)) for p in paths]
    for b in bundles:
        for r in b.by_type.get("Citation", []):
            reader.citation(b, r)
        for r in b.by_type.get("EvidenceVariable", []):
            reader.variable(b, r)
    evidence_rows: dict[str, dict[str, Any]] = {}
    for b in bundles:
        for r in b.by_type.get("Evidence", []):
            if reader.evidence(b, r) is not None:
                evidence_rows[f"Evidence/{r.get('id')}"] = reader.rows["evidence"][-1]
    for b in bundles:
        for r in b.by_type.get("ArtifactAssessment", []):
            reader.recommendation(r, evidence_rows)
        for kind, resources in b.by_type.items():
            if kind not in ("Citation", "EvidenceVariable", "Evidence", "ArtifactAssessment"):
                reader.skipped[kind] += len(resources)
    _check(reader, bundles)
    extras = {name: list(order) for name, order in reader.extras.items()}
    return dataset_from_strings(reader.frames(), extras, dict(reader.skipped))


def _check(reader: _Reader, bundles: list[_Bundle]) -> None:
    """Enum values the contract does not know are an error naming the resource (nothing is written)."""
    where = ", ".join(str(b.path) for b in bundles)
    checks = [("sources", "type", "source_type"), ("treatments", "category", "category"),
              ("evidence", "effect", "effect"), ("evidence", "recommendation", "recommendation")]
    for table, column, key in checks:
        allowed = set(enum_values(key))
        for row in reader.rows[table]:
            value = row.get(column)
            if value is not None and value not in allowed:
                kind = {"sources": "Citation", "treatments": "EvidenceVariable"}.get(table, "Evidence")
                raise InputError(f"{where}: {kind} {row['id']!r}: {column} {value!r} is not one of "
                                 f"{', '.join(sorted(allowed))}")


register(Format(
    name="fhir",
    filename="evidence.fhir.json",
    media_type=MEDIA_TYPE,
    description="HL7 FHIR R5 Bundle (collection): Citation, EvidenceVariable, Evidence, ArtifactAssessment",
    write=write,
    read=read,
))
