"""Credential files of a batch are written by a faster indented JSON writer: its text is, character
for character, what ``json.dumps(value, indent=2, ensure_ascii=False)`` writes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from leadbadge.issuer._pretty_json import pretty_json

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_credential_files_are_json_dumps_indented_character_for_character(value: Any) -> None:
    assert pretty_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_the_fast_writer_leaves_what_is_not_plain_json_to_json_dumps() -> None:
    for value in ({1: "a", "b": [2]}, {"n": float("nan")}, [float("-inf")], {"d": {True: None}}):
        assert pretty_json(value) == json.dumps(value, indent=2, ensure_ascii=False)
