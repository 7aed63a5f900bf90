"""The input check: JSON values, size bounds, integers and text before JSON-LD processing."""

from __future__ import annotations

from typing import Any

import pytest

from leadbadge.errors import CanonicalizationLimitError, JsonLdError
from leadbadge.ld import inputs
from leadbadge.ld.canonical import canonicalize
from tests.unit.ld._badges import badge

# The refusals that canonicalize reports like every other strictness refusal (non-finite and
# oversized numbers, lone surrogates, non-JSON values) are in test_expand.py's DROPPED table.


def test_integers_up_to_the_64_bit_bound_are_accepted() -> None:
    for number in (2**63 - 1, -(2**63 - 1), 10**18):
        doc = badge()
        doc["credentialSubject"]["achievement"]["criteria"]["narrative"] = number
        assert f'"{number}"^^<http://www.w3.org/2001/XMLSchema#integer>' in canonicalize(doc)


def test_a_surrogate_is_refused_with_a_printable_message_and_path() -> None:
    doc = badge()
    doc["credentialSubject"]["x\ud800"] = {"name": "\ud800"}
    with pytest.raises(JsonLdError) as caught:
        canonicalize(doc)
    assert caught.value.path == "/credentialSubject/x\\ud800"
    caught.value.message.encode("utf-8")  # a message that can be printed and logged
    str(caught.value).encode("utf-8")


# --- Limits -----------------------------------------------------------------------------------


def test_too_deep_a_document_is_refused() -> None:
    doc = badge()
    inner: dict[str, Any] = doc["credentialSubject"]
    for _ in range(inputs.MAX_JSON_DEPTH):
        inner["achievement"] = {"type": ["Achievement"]}
        inner = inner["achievement"]
    with pytest.raises(CanonicalizationLimitError, match="nests deeper"):
        canonicalize(doc)


def test_too_many_json_values_are_refused() -> None:
    doc = badge()
    doc["name"] = ["x"] * inputs.MAX_JSON_VALUES
    with pytest.raises(CanonicalizationLimitError, match="JSON values"):
        canonicalize(doc)


def test_too_much_text_is_refused() -> None:
    doc = badge()
    doc["description"] = "x" * (inputs.MAX_JSON_TEXT + 1)
    with pytest.raises(CanonicalizationLimitError, match="characters"):
        canonicalize(doc)
