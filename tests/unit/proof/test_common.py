"""The helpers shared by proof formats: the copy a signer makes of its document."""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadbadge.proof._common import copy_json

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


def _containers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [value, *(c for item in value.values() for c in _containers(item))]
    if isinstance(value, list):
        return [value, *(c for item in value for c in _containers(item))]
    return []


@given(_JSON)
def test_a_copy_is_equal_and_shares_no_container(value: Any) -> None:
    copied = copy_json(value)
    assert copied == value
    originals = {id(c) for c in _containers(value)}
    assert not originals & {id(c) for c in _containers(copied)}


def test_values_other_than_json_are_deep_copied_as_copy_deepcopy_would() -> None:
    inner = [1, 2]
    value = {"ordered": OrderedDict(a=inner), "pair": (inner, 3)}
    copied = copy_json(value)
    assert copied == value
    assert type(copied["ordered"]) is OrderedDict
    assert copied["ordered"]["a"] is not inner
    assert copied["pair"][0] is not inner


def test_a_document_that_contains_itself_is_refused_by_signing_with_a_typed_error() -> None:
    from leadbadge.crypto.keys import SigningKey
    from leadbadge.errors import LeadbadgeError
    from leadbadge.proof.eddsa_rdfc_2022 import sign
    from tests.unit.ld._badges import badge

    doc = badge()
    doc["credentialSubject"]["achievement"]["related"] = doc["credentialSubject"]
    key = SigningKey.from_seed(bytes(32))  # TEST-ONLY key
    method = str(key.public_key.did_key_verification_method)
    with pytest.raises(LeadbadgeError):
        sign(doc, key, verification_method=method, created=datetime(2026, 1, 1, tzinfo=UTC))
