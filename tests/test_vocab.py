"""Kinds, IRIs and node keys: defined once (schema.KINDS, vocab) and consistent with each other."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kg import vocab
from kg.schema import KIND_OF_TABLE, KINDS, NODE_KINDS, SLUG, TABLES

slugs = st.from_regex(rf"\A{SLUG}\Z", fullmatch=True)


def test_every_kind_names_a_table_and_a_column_people_read() -> None:
    for kind in KINDS.values():
        assert kind.label in TABLES[kind.table].column_names
        assert KIND_OF_TABLE[kind.table] == kind.name
        assert kind.name in vocab.CLASSES
    assert set(KIND_OF_TABLE) == set(TABLES)
    assert NODE_KINDS == ("treatment", "condition", "source")
    assert [k for k in KINDS if KINDS[k].hierarchical] == ["treatment", "condition"]


def test_entity_iris_and_prefixes_agree() -> None:
    base = "https://data.example.net/kg/"
    for kind in KINDS:
        assert vocab.prefixes(base)[kind] == vocab.entity_prefix(base, kind) == f"{base}{kind}/"


@given(st.sampled_from(list(KINDS)), st.lists(slugs, max_size=20))
def test_node_keys_are_node_key_at_once_and_split_back(kind: str, ids: list[str]) -> None:
    keys = vocab.node_keys(kind, pd.Series(ids, dtype="string"))
    assert keys.tolist() == [vocab.node_key(kind, i) for i in ids]
    assert [vocab.split_key(k) for k in keys] == [(kind, i) for i in ids]


def test_split_key_refuses_what_is_not_a_key() -> None:
    assert vocab.split_key("sciatica") is None
    assert vocab.split_key("pair:a|b") is None
