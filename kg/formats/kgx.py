"""Biolink KGX: `nodes.jsonl` and `edges.jsonl` in a folder, and back.

Nodes are the treatments, conditions and sources, with Biolink categories from `TREATMENT_CATEGORY`,
`CONDITION_CATEGORY` and `SOURCE_CATEGORY`; a treatment or condition's id is its first xref when no
other node claims that CURIE, else `EKG.KIND:SLUG`, and its `iri` is its IRI in the RDF (which is how
the reader finds the slug again). Each statement is one edge whose predicate comes from `predicate_for`
(`treats` only for what a guideline recommends, `negated: true` for no benefit), with
`knowledge_level: knowledge_assertion`, `agent_type: manual_agent`, the project as
`primary_knowledge_source`, the source's PMID/DOI/URL as `publications`, the quote as
`supporting_text` and the project's own properties (`ekg_*`) for what Biolink has no slot for. The
hierarchy is `biolink:subclass_of` edges. Extra CSV columns are `ekg_column_NAME` properties.

JSON lines are written by pandas' C JSON writer from whole columns; optional members that are null
are then cut out of the text (only the known keys, so no cell text is touched).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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
    json_lists,
    literals,
    member,
    write_text,
)
from kg.model import BATCH_ROWS
from kg.schema import TABLES, enum_values

NODES = "nodes.jsonl"
EDGES = "edges.jsonl"
PREFIX = "EKG"
"""The project's own CURIE prefixes, one per kind: `EKG.treatment:traction` (kgx accepts no '/' in a local id)."""
INFORES = "infores:evidence-kg"
EXTRA = "ekg_column_"
STATEMENT_CATEGORY = "biolink:ChemicalOrDrugOrTreatmentToDiseaseOrPhenotypicFeatureAssociation"
"""The association class of statements; its predicates are the treats family and ameliorates_condition."""
HARM_CATEGORY = "biolink:Association"
"""`exacerbates_condition` is outside that class's predicates (Biolink puts it on chemical-affects classes,
whose subject must be a chemical): harm statements are plain associations."""

TREATMENT_CATEGORY = {c: "biolink:Treatment" for c in enum_values("category")} | {"medication": "biolink:Drug"}
"""A medication is a `biolink:Drug`; every other kind of care is a `biolink:Treatment` (a drug, device or
procedure given for a condition). Both carry the ChemicalOrDrugOrTreatment mixin that the `treats` family
of predicates takes as domain; Procedure and Device do not. The exact category is kept in `ekg_category`."""
CONDITION_CATEGORY = "biolink:DiseaseOrPhenotypicFeature"
"""Back and hip conditions mix diseases (osteoarthritis) and phenotypes (leg pain): the grouping class."""
SOURCE_CATEGORY = "biolink:Publication"
"""Every source type is a publication; the exact type is its `publication_type`."""

PREDICATES = {
    "benefit": "biolink:ameliorates_condition",
    "no_benefit": "biolink:ameliorates_condition",
    "harm": "biolink:exacerbates_condition",
    "insufficient": "biolink:studied_to_treat",
}
"""Effect -> predicate; `no_benefit` is the negated `ameliorates_condition`. `benefit` becomes
`biolink:treats` only where a guideline recommends it (Biolink reserves `treats` for established use)."""
TREATS = "biolink:treats"
SUBCLASS_OF = "biolink:subclass_of"

OWN = ["ekg_timeframe", "ekg_certainty", "ekg_recommendation", "ekg_comparator", "ekg_outcome", "ekg_population",
       "ekg_notes", "ekg_source"]
"""The project's own edge properties (no Biolink slot holds them)."""
NODE_OWN = ["ekg_category", "ekg_body_site", "ekg_publisher", "ekg_year", "ekg_text_file"]
OPTIONAL = ["negated", "publications", "description", "synonym", "xref", "authors", *OWN, *NODE_OWN]
"""Members left out of a record when they are null."""
_NULLS = re.compile(",(?:" + "|".join(re.escape(json.dumps(k)) for k in OPTIONAL) + "):null")
IRI_RE = re.compile(r"/(treatment|condition|source)/([a-z0-9][a-z0-9_-]*)\Z")


def prefixes(base: str = V.DEFAULT_BASE) -> dict[str, str]:
    """The project's CURIE prefixes and the IRIs they stand for (declare them to KGX tools)."""
    return {f"{PREFIX}.{kind}": f"{base}{kind}/" for kind in V.KINDS} | {f"{PREFIX}.subclass": f"{base}subclass/"}


def predicate_for(effect: pd.Series, recommendation: pd.Series, source_type: pd.Series) -> pd.Series:
    """The Biolink predicate of each statement (the documented table, as one vectorised rule)."""
    predicate = effect.astype("string").map(PREDICATES)
    treats = (effect.astype("string") == "benefit") & (recommendation.astype("string") == "recommend") & (
        source_type.astype("string") == "guideline")
    return predicate.mask(treats.fillna(False).to_numpy(dtype=bool), TREATS).astype(object)


def _own(kind: str, slugs: pd.Series) -> pd.Series:
    return (f"{PREFIX}.{kind}:" + slugs.astype("string")).astype(object)


def node_ids(dataset: Any) -> dict[str, pd.Series]:
    """Node CURIEs of treatments and conditions (first xref when unique to one node) and sources."""
    first = {name: dataset.table(name)["xrefs"].astype("string").str.split("|").str[0]
             for name in ("treatments", "conditions")}
    claimed = pd.concat([first["treatments"], first["conditions"]], ignore_index=True).dropna()
    counts = claimed.value_counts()
    out: dict[str, pd.Series] = {}
    for name, kind in (("treatments", "treatment"), ("conditions", "condition")):
        table = dataset.table(name)
        cand = first[name]
        unique = cand.notna() & cand.map(counts).eq(1).fillna(False) & ~cand.str.startswith(f"{PREFIX}.").fillna(False)
        out[kind] = pd.Series(np.where(unique.to_numpy(dtype=bool), cand.astype(object), _own(kind, table["id"])),
                              index=table.index, dtype=object)
    out["source"] = _own("source", dataset.sources["id"])
    return out


def source_curies(pmid: pd.Series, doi: pd.Series, url: pd.Series) -> pd.Series:
    """`PMID:…|doi:…|URL` of sources (what is stated, in that order; NA when none): xref and publications."""
    parts = [("PMID:" + pmid.astype("string")).fillna(""), ("doi:" + doi.astype("string")).fillna(""),
             url.astype("string").fillna("")]
    joined = (parts[0] + "|" + parts[1] + "|" + parts[2]).str.replace(r"\|+", "|", regex=True).str.strip("|")
    return joined.mask(joined == "")


def _lists(values: pd.Series) -> pd.Series:
    text = values.astype("string")
    return text.str.split("|").astype(object).where(text.notna().to_numpy(), None)


def _strings(values: pd.Series) -> pd.Series:
    return values.astype("string").astype(object).where(values.notna().to_numpy(), None)


def _extras(frame: pd.DataFrame, name: str) -> dict[str, pd.Series]:
    known = set(TABLES[name].column_names)
    return {EXTRA + c: _strings(frame[c]) for c in frame.columns if c not in known}


def _write_lines(out: Any, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    text = frame.to_json(orient="records", lines=True, force_ascii=False)
    out.write(_NULLS.sub("", text).rstrip("\n") + "\n")


def _nodes(ctx: Context, ids: dict[str, pd.Series]) -> list[pd.DataFrame]:
    ds, base = ctx.dataset, ctx.base
    frames = []
    s = ds.sources
    frames.append(pd.DataFrame({
        "id": ids["source"],
        "category": [[SOURCE_CATEGORY]] * len(s),
        "name": _strings(s["title"]),
        "iri": (f"{base}source/" + s["id"].astype("string")).astype(object),
        "publication_type": s["type"].astype("string").str.split("|").astype(object),
        "authors": _lists(s["authors"]),
        "xref": _lists(source_curies(s["pmid"], s["doi"], s["url"])),
        "ekg_publisher": _strings(s["publisher"]),
        "ekg_year": _strings(s["year"].astype("string")),
        "ekg_text_file": _strings(s["text_file"]),
        **_extras(s, "sources"),
    }))
    for name, kind in (("treatments", "treatment"), ("conditions", "condition")):
        t = ds.table(name)
        category = (t["category"].astype("string").map(TREATMENT_CATEGORY) if kind == "treatment"
                    else pd.Series(CONDITION_CATEGORY, index=t.index))
        columns: dict[str, Any] = {
            "id": ids[kind],
            "category": category.str.split("|").astype(object),
            "name": _strings(t["label"]),
            "iri": (f"{base}{kind}/" + t["id"].astype("string")).astype(object),
            "synonym": _lists(t["synonyms"]),
            "xref": _lists(t["xrefs"]),
            "description": _strings(t["description"]),
        }
        if kind == "treatment":
            columns["ekg_category"] = _strings(t["category"].astype("string"))
        else:
            columns["ekg_body_site"] = _strings(t["body_site"])
        frames.append(pd.DataFrame(columns | _extras(t, name)))
    return frames


def _edges(ctx: Context, ids: dict[str, pd.Series], ev: pd.DataFrame) -> pa.Array:
    """One edge (a JSON text) per statement, built from whole columns by Arrow kernels; members that
    are not stated are left out, extra columns are always there (null when empty)."""
    ds = ctx.dataset
    treatment = pd.Series(ids["treatment"].to_numpy(), index=ds.treatments["id"].to_numpy())
    condition = pd.Series(ids["condition"].to_numpy(), index=ds.conditions["id"].to_numpy())
    sources = ds.sources.set_index("id")
    src = ev["source"].astype("string")
    publications = source_curies(src.map(sources["pmid"]), src.map(sources["doi"]), src.map(sources["url"]))
    effect = ev["effect"].astype("string")
    negated = pc.if_else(pa.array((effect == "no_benefit").fillna(False).to_numpy(dtype=bool)),
                         pa.scalar(',"negated":true', TEXT), pa.scalar("", TEXT))
    category = pc.if_else(pa.array((effect == "harm").fillna(False).to_numpy(dtype=bool)),
                          pa.scalar(HARM_CATEGORY, TEXT), pa.scalar(STATEMENT_CATEGORY, TEXT))
    own = [member(name, literals(ev[column])) for name, column in (
        ("ekg_timeframe", "timeframe"), ("ekg_certainty", "certainty"), ("ekg_recommendation", "recommendation"))]
    own.append(member("ekg_comparator", literals(ev["comparator"].astype("string").map(treatment))))
    own += [member(name, literals(ev[column])) for name, column in (
        ("ekg_outcome", "outcome"), ("ekg_population", "population"), ("ekg_notes", "notes"))]
    known = set(TABLES["evidence"].column_names)
    extras = [join(",", json.dumps(EXTRA + c), ":", pc.fill_null(literals(ev[c]), "null"))
              for c in ev.columns if c not in known]
    return join(
        '{"id":', literals(_own("evidence", ev["id"])),
        ',"subject":', literals(ev["treatment"].astype("string").map(treatment)),
        ',"predicate":"', arrow(predicate_for(effect, ev["recommendation"], src.map(sources["type"].astype("string")))),
        '","object":', literals(ev["condition"].astype("string").map(condition)), negated,
        ',"category":["', category, '"],"knowledge_level":"knowledge_assertion","agent_type":"manual_agent"',
        ',"primary_knowledge_source":"', INFORES, '"', member("publications", json_lists(publications)),
        member("description", literals(ev["summary"])), ',"supporting_text":[', literals(ev["quote"]), "]",
        *own, ',"ekg_source":', literals(_own("source", ev["source"])), *extras, "}\n",
    )


def _hierarchy(ctx: Context, ids: dict[str, pd.Series]) -> list[pd.DataFrame]:
    frames = []
    for name, kind in (("treatments", "treatment"), ("conditions", "condition")):
        t = ctx.dataset.table(name)
        has = t["parent"].notna().to_numpy()
        node = pd.Series(ids[kind].to_numpy(), index=t["id"].to_numpy())
        child = t["id"][has].astype("string")
        frames.append(pd.DataFrame({
            "id": (f"{PREFIX}.subclass:{kind}." + child).astype(object).to_numpy(),
            "subject": child.map(node).to_numpy(),
            "predicate": SUBCLASS_OF,
            "object": t["parent"][has].astype("string").map(node).to_numpy(),
            "category": [["biolink:Association"]] * int(has.sum()),
            "knowledge_level": "knowledge_assertion",
            "agent_type": "manual_agent",
            "primary_knowledge_source": INFORES,
        }))
    return frames


def write(ctx: Context, path: Path) -> None:
    """`nodes.jsonl` and `edges.jsonl` into the folder `path` (made if missing)."""
    path.mkdir(parents=True, exist_ok=True)
    ids = node_ids(ctx.dataset)
    with open(path / NODES, "w", encoding="utf-8", newline="\n") as out:
        for frame in _nodes(ctx, ids):
            _write_lines(out, frame)
    ev = ctx.dataset.evidence
    with open(path / EDGES, "wb") as out:
        for start in range(0, len(ev), BATCH_ROWS * 4):
            write_text(out, _edges(ctx, ids, ev.iloc[start : start + BATCH_ROWS * 4]))
        for frame in _hierarchy(ctx, ids):
            if len(frame):
                out.write(_NULLS.sub("", frame.to_json(orient="records", lines=True, force_ascii=False)).encode())


# ------------------------------------------------------------------------------------------ reader


def _records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (byte {err.start})") from None
    except OSError as err:
        raise InputError(f"{path}: cannot be read: {err.strerror}") from None
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{path}:{number}:{err.colno}: not JSON: {err.msg}") from None
        if not isinstance(record, dict) or not isinstance(record.get("id", record.get("subject")), str):
            raise InputError(f"{path}:{number}: not a KGX node or edge (a JSON object with an id)")
        out.append((number, record))
    return out


def _files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            missing = [n for n in (NODES, EDGES) if not (p / n).is_file()]
            if missing:
                raise InputError(f"{p}: no {' or '.join(missing)} in this folder")
            files += [p / NODES, p / EDGES]
        else:
            files.append(p)
    return files


def _joined(value: Any) -> str | None:
    if isinstance(value, list):
        return "|".join(str(v) for v in value) if value else None
    return value if isinstance(value, str) else None


def _extra(record: dict[str, Any], order: dict[str, None]) -> dict[str, Any]:
    out = {}
    for key, value in record.items():
        if key.startswith(EXTRA):
            name = key[len(EXTRA):]
            order.setdefault(name, None)
            out[name] = value
    return out


def read(paths: Sequence[Path]) -> Imported:
    """The four tables from KGX JSON lines: a folder holding nodes.jsonl/edges.jsonl, or the files."""
    nodes: list[tuple[Path, int, dict[str, Any]]] = []
    edges: list[tuple[Path, int, dict[str, Any]]] = []
    for f in _files(paths):
        for number, record in _records(f):
            (edges if "subject" in record else nodes).append((f, number, record))
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    extras: dict[str, dict[str, None]] = {name: {} for name in TABLES}
    skipped: Counter[str] = Counter()
    slug: dict[str, tuple[str, str]] = {}
    for f, number, r in nodes:
        match = IRI_RE.search(str(r.get("iri", "")))
        if match is None:
            skipped["node (not one of ours: no evidence-kg iri)"] += 1
            continue
        kind, ident = match.groups()
        slug[r["id"]] = (kind, ident)
        if kind == "source":
            xref = r.get("xref") or []
            row = {
                "id": ident, "title": r.get("name"), "type": _one(r.get("publication_type")),
                "publisher": r.get("ekg_publisher"), "authors": _joined(r.get("authors")), "year": r.get("ekg_year"),
                "doi": _one([x[4:] for x in xref if x.startswith("doi:")]),
                "pmid": _one([x[5:] for x in xref if x.startswith("PMID:")]),
                "url": _one([x for x in xref if x.startswith(("http:", "https:"))]),
                "text_file": r.get("ekg_text_file"),
            }
            table = "sources"
        else:
            row = {"id": ident, "label": r.get("name"), "synonyms": _joined(r.get("synonym")),
                   "xrefs": _joined(r.get("xref")), "description": r.get("description")}
            if kind == "treatment":
                row["category"] = r.get("ekg_category")
                table = "treatments"
            else:
                row["body_site"] = r.get("ekg_body_site")
                table = "conditions"
        for column in ("label", "title", "type", "category"):
            if column in row and not isinstance(row[column], str):
                raise InputError(f"{f}:{number}: node {r['id']}: no {column} ({_KGX_SLOT[column]})")
        row |= _extra(r, extras[table])
        rows[table].append(row)
    parent: dict[tuple[str, str], str] = {}
    for f, number, r in edges:
        subject, obj = slug.get(str(r.get("subject"))), slug.get(str(r.get("object")))
        predicate = r.get("predicate")
        if predicate == SUBCLASS_OF and subject and obj and subject[0] == obj[0] != "source":
            parent[subject] = obj[1]
            continue
        effect = _effect(predicate, r.get("negated"))
        source = slug.get(str(r.get("ekg_source")))
        match = re.fullmatch(rf"{PREFIX}\.evidence:([a-z0-9][a-z0-9_-]*)", str(r.get("id", "")))
        if (effect is None or match is None or subject is None or obj is None or source is None
                or subject[0] != "treatment" or obj[0] != "condition"):
            skipped[f"edge {predicate}" if effect is None else "edge (not one of our statements)"] += 1
            continue
        quote = _one(r.get("supporting_text"))
        if not isinstance(quote, str) or not isinstance(r.get("description"), str):
            raise InputError(f"{f}:{number}: edge {r.get('id')}: no supporting_text (quote) or description (summary)")
        comparator = slug.get(str(r.get("ekg_comparator"))) if r.get("ekg_comparator") is not None else None
        row = {
            "id": match.group(1), "treatment": subject[1], "condition": obj[1], "source": source[1],
            "effect": effect, "timeframe": r.get("ekg_timeframe"), "certainty": r.get("ekg_certainty"),
            "recommendation": r.get("ekg_recommendation"), "comparator": comparator[1] if comparator else None,
            "outcome": r.get("ekg_outcome"), "population": r.get("ekg_population"), "summary": r["description"],
            "quote": quote, "notes": r.get("ekg_notes"),
        }
        row |= _extra(r, extras["evidence"])
        rows["evidence"].append(row)
    for name, kind in (("treatments", "treatment"), ("conditions", "condition")):
        for row in rows[name]:
            row["parent"] = parent.get((kind, row["id"]))
    _check(rows, ", ".join(str(f) for f in _files(paths)))
    frames = {name: pd.DataFrame(r, dtype=object) for name, r in rows.items()}
    return dataset_from_strings(frames, {n: list(o) for n, o in extras.items()}, dict(skipped))


_KGX_SLOT = {"label": "name", "title": "name", "type": "publication_type", "category": "ekg_category"}


def _one(values: Any) -> Any:
    if isinstance(values, list):
        return values[0] if values else None
    return values


def _effect(predicate: Any, negated: Any) -> str | None:
    if predicate == TREATS:
        return "benefit"
    if predicate == PREDICATES["benefit"]:
        return "no_benefit" if negated is True else "benefit"
    for effect in ("harm", "insufficient"):
        if predicate == PREDICATES[effect] and negated is not True:
            return effect
    return None


def _check(rows: dict[str, list[dict[str, Any]]], where: str) -> None:
    checks = [("sources", "type", "source_type"), ("treatments", "category", "category"),
              ("evidence", "timeframe", "timeframe"), ("evidence", "certainty", "certainty"),
              ("evidence", "recommendation", "recommendation")]
    for table, column, key in checks:
        allowed = set(enum_values(key))
        for row in rows[table]:
            value = row.get(column)
            if (value is not None or column in ("type", "category", "timeframe")) and value not in allowed:
                raise InputError(f"{where}: {table[:-1]} {row['id']!r}: {column} {value!r} is not one of "
                                 f"{', '.join(sorted(allowed))}")


register(Format(
    name="kgx",
    filename="kgx",
    media_type="application/x-ndjson",
    description="Biolink KGX JSON lines: a folder with nodes.jsonl and edges.jsonl",
    write=write,
    read=read,
    folder=True,
))
