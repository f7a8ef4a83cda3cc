"""Names, not only ids: labels and synonyms resolve, and every failure says what to type instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg
from kg import engines, queries
from kg.errors import UnknownIdError
from kg.model import read_valid
from kg.resolve import NAMES_QUERY, AmbiguousNameError, Resolver, dataset_names, graph_names, normalise

NAMES = Path(__file__).resolve().parent / "data" / "resolve-names"
BUNDLED = kg.load()


@pytest.fixture(scope="module")
def r() -> Resolver:
    return Resolver.of(read_valid(NAMES))


@pytest.mark.parametrize(
    ("kind", "text", "ident"),
    [
        ("condition", "sciatica", "sciatica"),
        ("condition", "Sciatica", "sciatica"),
        ("condition", "  SCIATICA ", "sciatica"),
        ("condition", "radicular pain", "sciatica"),
        ("condition", "Lumbago", "back-pain"),
        ("condition", "back pain", "back-pain"),          # the label, and the id with spaces for hyphens
        ("condition", "Back_Pain", "back-pain"),
        ("treatment", "disc surgery", "discectomy"),
        ("treatment", "Bed rest", "rest"),
        ("treatment", "hip-pain", "hip-pain"),             # a treatment and a condition may share a slug
        ("condition", "hip-pain", "hip-pain"),
        ("treatment", "Hip pain clinic", "hip-pain"),
        ("source", "guideline on back pain", "guide"),     # a source by its title
        ("evidence", "d1", "d1"),
    ],
)
def test_ids_labels_and_synonyms_resolve_in_any_case(r: Resolver, kind: str, text: str, ident: str) -> None:
    assert r.resolve(text, kind) == ident


def test_a_name_of_several_entities_lists_them(r: Resolver) -> None:
    with pytest.raises(AmbiguousNameError) as caught:
        r.resolve("Sciatic Pain", "condition")
    assert caught.value.candidates == [("leg-pain", "Leg pain"), ("sciatica", "Sciatica")]
    assert str(caught.value) == ("condition 'Sciatic Pain' could mean 2 conditions: Leg pain (leg-pain), "
                                 "Sciatica (sciatica); give one of their ids")
    assert isinstance(caught.value, UnknownIdError) and caught.value.exit_code == 1


def test_an_id_of_another_kind_says_what_it_is(r: Resolver) -> None:
    with pytest.raises(UnknownIdError) as caught:
        r.resolve("discectomy", "condition")
    assert str(caught.value) == ("unknown condition 'discectomy': that names a treatment, Discectomy (discectomy), "
                                 "not a condition")
    with pytest.raises(UnknownIdError, match=r"that names a condition, Back pain \(back-pain\), not a treatment"):
        r.resolve("lumbago", "treatment")
    with pytest.raises(UnknownIdError, match="that names an evidence statement, not a source"):
        r.resolve("d2", "source")


def test_near_misses_get_did_you_mean(r: Resolver) -> None:
    with pytest.raises(UnknownIdError) as caught:
        r.resolve("sciatika", "condition")
    assert str(caught.value) == ("unknown condition 'sciatika': no condition has this id or name; "
                                 "did you mean Sciatica (sciatica)?")
    with pytest.raises(UnknownIdError, match=r"did you mean Discectomy \(discectomy\)\?"):
        r.resolve("discetcomy", "treatment")
    with pytest.raises(UnknownIdError, match=r"did you mean Hip pain \(hip-pain\)\?"):
        r.resolve("hip", "condition")  # a whole word of a name


def test_nothing_close_points_at_kg_list(r: Resolver) -> None:
    with pytest.raises(UnknownIdError) as caught:
        r.resolve("zzz", "condition")
    assert str(caught.value) == "unknown condition 'zzz': no condition has this id or name (`kg list conditions` lists them)"
    assert (caught.value.kind, caught.value.ident) == ("condition", "zzz")
    with pytest.raises(ValueError, match="unknown kind 'patient'"):
        r.resolve("x", "patient")


def test_bundled_data_the_issue_examples() -> None:
    g = BUNDLED
    assert g.resolve("condition", "Sciatica") == g.resolve("condition", "sciatic pain") == "sciatica"
    with pytest.raises(UnknownIdError, match="did you mean Sciatica"):
        g.resolve("condition", "sciatika")
    with pytest.raises(UnknownIdError, match="that names a treatment, Discectomy"):
        g.resolve("condition", "discectomy")


def test_graph_names_are_the_dataset_names() -> None:
    """A built graph, a store or an endpoint resolves exactly as the Dataset does."""
    from_graph = graph_names(BUNDLED.engine().select(NAMES_QUERY).values())
    from_data = dataset_names(BUNDLED.dataset)
    key = ["kind", "id", "tier", "name"]
    a = from_graph.astype(str).sort_values(key).reset_index(drop=True)
    b = from_data.astype(str).sort_values(key).reset_index(drop=True)
    assert a.equals(b)
    assert "?" in NAMES_QUERY and "sciatica" not in NAMES_QUERY


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_unique_name_of_the_bundled_data_resolves_to_its_entity(data: st.DataObject) -> None:
    names = dataset_names(BUNDLED.dataset)
    keys = names.assign(key=names["name"].map(normalise))
    row = data.draw(st.sampled_from(range(len(names))))
    kind, ident, name = names.loc[row, "kind"], names.loc[row, "id"], str(names.loc[row, "name"])
    same = keys[(keys["kind"] == kind) & (keys["key"] == normalise(name))]
    typed = "".join(c.upper() if data.draw(st.booleans()) else c for c in name)
    if same["id"].nunique() == 1:
        assert BUNDLED.resolver.resolve(typed, str(kind)) == ident
    else:
        with pytest.raises(AmbiguousNameError):
            BUNDLED.resolver.resolve(typed, str(kind))


@given(st.text(max_size=30))
@settings(max_examples=80, deadline=None)
def test_any_text_resolves_or_raises_an_unknown_id_error(text: str) -> None:
    try:
        ident = BUNDLED.resolver.resolve(text, "treatment")
    except UnknownIdError as err:
        assert str(err).startswith(("unknown treatment", "treatment "))
    else:
        assert ident in set(BUNDLED.treatments["id"])


def test_the_api_takes_names_everywhere() -> None:
    g = BUNDLED
    assert g.summary(condition="Sciatic pain").equals(g.summary(condition="sciatica"))
    assert g.statements(treatment="Discectomy", condition="SCIATICA").equals(
        g.statements(treatment="discectomy", condition="sciatica"))
    title = str(g.sources.loc[0, "title"])
    assert set(g.statements(source=title.upper())["source_id"]) == {g.sources.loc[0, "id"]}
    assert g.query("evidence-for-condition", condition="sciatic pain").equals(
        g.query("evidence-for-condition", condition="sciatica"))
    with pytest.raises(UnknownIdError, match="did you mean"):
        g.show(condition="sciatika")


def test_query_parameters_take_names_and_bind_the_entity_iri(tmp_path: Path) -> None:
    g = kg.load(NAMES)
    by_name = engines.run("evidence-for-condition", g.engine(), {"condition": "Radicular Pain"})
    by_id = engines.run("evidence-for-condition", g.engine(), {"condition": "sciatica"})
    assert by_name.rows == by_id.rows and by_name.rows
    # a graph file has no Dataset: its names come from the graph itself
    path = tmp_path / "graph.nt"
    path.write_bytes(g.ntriples)
    graph = engines.open_engine(graph=path)
    assert engines.run("evidence-for-condition", graph, {"condition": "radicular pain"}).rows == by_id.rows
    assert engines.run("evidence-for-condition", graph.using("rdflib"), {"condition": "radicular pain"}).rows \
        == by_id.rows
    with pytest.raises(queries.QueryError) as caught:
        engines.run("evidence-for-condition", graph, {"condition": "sciatic pain"})
    assert "could mean 2 conditions: Leg pain (leg-pain), Sciatica (sciatica)" in str(caught.value)
    assert isinstance(caught.value, UnknownIdError)
    with pytest.raises(queries.QueryError, match=r"unknown condition 'discectomy' \(parameter 'condition'\): "
                                                 r"that names a treatment"):
        engines.run("evidence-for-condition", graph, {"condition": "discectomy"})
