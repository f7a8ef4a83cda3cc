"""The FHIR R5 format: a Bundle that the FHIR R5 model library accepts, and that gives the tables back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fhir.resources import get_fhir_model_class
from fhir.resources.bundle import Bundle

import kg
from kg.errors import InputError
from kg.formats import Context, get
from kg.schema import TABLES

FIXTURES = Path(__file__).parent / "data"
FOLDERS = [None, *sorted(p.name for p in FIXTURES.iterdir() if (p / "evidence.csv").is_file())]


def export(dataset: kg.model.Dataset, path: Path) -> dict[str, Any]:
    get("fhir").write(Context(dataset), path)
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def assert_same_tables(a: kg.model.Dataset, b: kg.model.Dataset) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(a.table(name), b.table(name))
    assert {n: c for n, c in a.extra_columns.items() if c} == {n: c for n, c in b.extra_columns.items() if c}


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


@pytest.mark.parametrize("folder", FOLDERS)
def test_round_trip_gives_every_cell_back(folder: str | None, tmp_path: Path) -> None:
    g = kg.load(None if folder is None else FIXTURES / folder)
    export(g.dataset, tmp_path / "b.json")
    back = get("fhir").read([tmp_path / "b.json"])
    assert_same_tables(g.dataset, back)
    assert back.skipped == {}


def test_round_trip_of_ten_thousand_synthetic_statements(script: Callable[[str], Any], tmp_path: Path) -> None:
    folder = tmp_path / "synth"
    script("synth").write(folder, script("synth").generate(10_000, seed=3))
    g = kg.load(folder)
    assert len(g.evidence) == 10_000
    export(g.dataset, tmp_path / "b.json")
    assert_same_tables(g.dataset, get("fhir").read([tmp_path / "b.json"]))


@pytest.mark.parametrize("folder", [None, "minimal", "render-hostile", "summary-comparators"])
def test_every_resource_parses_with_the_fhir_r5_models_and_references_resolve(folder: str | None,
                                                                             tmp_path: Path) -> None:
    g = kg.load(None if folder is None else FIXTURES / folder)
    data = export(g.dataset, tmp_path / "b.json")
    bundle = Bundle.model_validate(data)
    assert bundle.type == "collection"
    known = set()
    for entry in data["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        known.add(f"{resource['resourceType']}/{resource['id']}")
        assert entry["fullUrl"].endswith(f"/{resource['resourceType']}/{resource['id']}")
    refs = set(references(data))
    assert refs and refs <= known, sorted(refs - known)[:5]
    kinds = pd.Series([e["resource"]["resourceType"] for e in data["entry"]]).value_counts()
    assert kinds["Evidence"] == len(g.evidence)
    assert kinds["Citation"] == len(g.sources)
    recommendations = int(g.evidence["recommendation"].notna().sum())
    assert kinds.get("ArtifactAssessment", 0) == recommendations + len(g.summary())


def test_a_statement_reads_as_the_ebm_ig_would_have_it(tmp_path: Path) -> None:
    g = kg.load(FIXTURES / "minimal")
    data = export(g.dataset, tmp_path / "b.json")
    by_id = {f"{e['resource']['resourceType']}/{e['resource']['id']}": e["resource"] for e in data["entry"]}
    row = g.evidence.set_index("id").loc["d1"]
    ev = by_id["Evidence/e-d1"]
    roles = {vd["variableRole"]["coding"][0]["code"]: vd for vd in ev["variableDefinition"]}
    assert by_id[roles["exposure"]["observed"]["reference"]]["title"] == "Discectomy"
    assert by_id[roles["population"]["observed"]["reference"]]["title"] == "Sciatica"
    outcome = by_id[roles["measuredVariable"]["observed"]["reference"]]
    assert outcome["title"] == row["outcome"]
    window = outcome["characteristic"][0]["timeFromEvent"][0]["range"]
    assert (window["low"]["value"], window["high"]["value"]) == (3, 12)  # medium_term: over 3 up to 12 months
    certainty = ev["certainty"][0]
    assert certainty["type"]["coding"][0]["code"] == "Overall"
    assert certainty["rating"]["coding"][0]["code"] == "moderate"
    assert ev["note"][0]["text"] == row["quote"]
    citation = by_id[ev["relatedArtifact"][0]["resourceReference"]["reference"]]
    assert {i["system"]: i["value"] for i in citation["citedArtifact"]["identifier"]} == {
        "https://doi.org": "10.1000/xyz-1", "https://pubmed.ncbi.nlm.nih.gov": "123456"}
    rating = [r for r in by_id.values() if r.get("artifactReference", {}).get("reference") == "Evidence/e-d1"]
    assert rating[0]["content"][0]["classifier"][0]["coding"][0]["code"] == "consider"


def test_same_bytes_across_runs_and_hash_seeds(tmp_path: Path) -> None:
    script = ("import kg,sys; from pathlib import Path; from kg.formats import get, Context; "
              "get('fhir').write(Context(kg.load().dataset), Path(sys.argv[1]))")
    outputs = []
    for seed in ("1", "2"):
        target = tmp_path / f"b{seed}.json"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(target)], env=env, check=True)
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def test_summary_strength_is_carried_when_the_summary_has_it(tmp_path: Path) -> None:
    g = kg.load(FIXTURES / "minimal")
    ctx = Context(g.dataset)
    summary = g.summary()
    ctx.__dict__["summary"] = summary.assign(strength=["weak"] * len(summary))
    get("fhir").write(ctx, tmp_path / "b.json")
    data = json.loads((tmp_path / "b.json").read_text())
    pairs = [e["resource"] for e in data["entry"] if e["resource"]["id"].startswith("p-")]
    assert len(pairs) == len(summary)
    codes = {c["type"]["coding"][0]["code"]: c for c in pairs[0]["content"]}
    assert codes["strength"]["classifier"][0]["coding"][0]["code"] == "weak"
    assert codes["verdict"]["summary"] == summary["headline"].iloc[0]


def test_a_foreign_bundle_keeps_what_maps_and_counts_the_rest(tmp_path: Path) -> None:
    g = kg.load(FIXTURES / "minimal")
    data = export(g.dataset, tmp_path / "ours.json")
    blog = next(e["resource"] for e in data["entry"] if e["resource"]["id"] == "s-blog")
    del blog["citedArtifact"]["classification"]  # a Citation without a source type does not map
    data["entry"] += [{"resource": {"resourceType": "Patient", "id": f"p{i}"}} for i in range(2)]
    data["entry"].append({"resource": {"resourceType": "Group", "id": "g", "membership": "definitional"}})
    (tmp_path / "foreign.json").write_text(json.dumps(data))
    back = get("fhir").read([tmp_path / "foreign.json"])
    dropped = set(g.evidence.loc[g.evidence["source"] == "blog", "id"])
    assert dropped and set(back.evidence["id"]) == set(g.evidence["id"]) - dropped
    assert list(back.sources["id"]) == [s for s in g.sources["id"] if s != "blog"]
    recommended = int(g.evidence.loc[g.evidence["id"].isin(dropped), "recommendation"].notna().sum())
    assert back.skipped == {
        **({"ArtifactAssessment (recommendation about no kept Evidence)": recommended} if recommended else {}),
        "Citation (no id, title or source type)": 1,
        "Evidence (a part did not map)": len(dropped),
        "Group": 1,
        "Patient": 2,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"resourceType": "Bundle",\n  "entry": [}', "b.json:2:13: not JSON"),
        ('{"resourceType": "Patient"}', "not a FHIR Bundle"),
        ('{"resourceType": "Bundle", "entry": [{"fullUrl": "x"}]}', "Bundle.entry[0]: no resource"),
    ],
)
def test_bad_input_is_an_error_naming_the_file_and_place(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "b.json").write_text(text)
    with pytest.raises(InputError, match=message.replace("[", r"\[")):
        get("fhir").read([tmp_path / "b.json"])


def test_an_unknown_code_names_the_resource(tmp_path: Path) -> None:
    data = export(kg.load(FIXTURES / "minimal").dataset, tmp_path / "b.json")
    variable = next(e["resource"] for e in data["entry"] if e["resource"]["id"] == "t-surgery")
    variable["characteristic"][-1]["definitionByTypeAndValue"]["valueCodeableConcept"]["coding"][0]["code"] = "wizardry"
    (tmp_path / "b.json").write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"b.json: EvidenceVariable 'surgery': category 'wizardry' is not one of"):
        get("fhir").read([tmp_path / "b.json"])
