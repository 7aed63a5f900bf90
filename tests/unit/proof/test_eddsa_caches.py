"""Parsed keys are cached by their DID URL alone, and a refusal is never cached."""

from __future__ import annotations

import pytest

from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import VerificationMethodError
from leadbadge.proof import eddsa_rdfc_2022


def test_a_did_key_is_parsed_once_and_gives_the_same_method() -> None:
    # TEST-ONLY key.
    key = SigningKey.from_seed(bytes(range(32))).public_key
    method_id = str(key.did_key_verification_method)
    first = eddsa_rdfc_2022._did_key_method(method_id)
    again = eddsa_rdfc_2022._did_key_method(method_id)
    assert first is again
    assert first.public_key == key
    assert first.controller == key.did_key


def test_a_refused_did_key_is_refused_every_time() -> None:
    bad = "did:key:z6MkBROKEN#z6MkBROKEN"
    for _ in range(2):
        with pytest.raises(VerificationMethodError):
            eddsa_rdfc_2022._did_key_method(bad)
    assert eddsa_rdfc_2022._did_key_document.cache_info().currsize >= 1
