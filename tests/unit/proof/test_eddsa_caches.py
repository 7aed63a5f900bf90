"""Parsed keys are cached by their DID URL alone, and a refusal is never cached."""

from __future__ import annotations

import pytest

from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import VerificationMethodError
from leadbadge.proof import _resolve, eddsa_rdfc_2022


def test_a_did_key_is_parsed_once_and_gives_the_same_method() -> None:
    # TEST-ONLY key.
    key = SigningKey.from_seed(bytes(range(32))).public_key
    method_id = str(key.did_key_verification_method)
    first = _resolve._did_key_method(method_id)
    again = _resolve._did_key_method(method_id)
    assert first is again
    assert first.public_key == key
    assert first.controller == key.did_key


def test_a_refused_did_key_is_refused_every_time() -> None:
    bad = "did:key:z6MkBROKEN#z6MkBROKEN"
    for _ in range(2):
        with pytest.raises(VerificationMethodError):
            _resolve._did_key_method(bad)
    assert _resolve._did_key_document.cache_info().currsize >= 1


def test_the_signing_module_offers_the_resolver_names() -> None:
    assert eddsa_rdfc_2022.default_resolver is _resolve.default_resolver
    assert eddsa_rdfc_2022.KeyResolver is _resolve.KeyResolver
    # Signing checks a did:key verification method through the same cache as verifying.
    assert eddsa_rdfc_2022._did_key_document is _resolve._did_key_document
