"""sign_presentation: a holder's credentials in one presentation, signed for a verifier."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from leadbadge import sign_presentation
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import InputError
from leadbadge.proof import eddsa_rdfc_2022
from tests.conftest import FIXED_NOW
from tests.unit.proof.test_eddsa_rdfc_2022 import credential, signed

# TEST-ONLY key.
HOLDER = SigningKey.from_seed(bytes(range(72, 104)))
CREATED = FIXED_NOW - timedelta(hours=1)


def test_a_presentation_by_the_keys_did_key() -> None:
    cred = signed()
    made = sign_presentation(
        [cred],
        HOLDER,
        challenge="c-1",
        domain="https://verifier.example",
        presentation_id="urn:uuid:5b8e2c1d-0f3a-4e6b-9c7d-8a1b2c3d4e5f",
        created=CREATED,
    )
    assert made["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert made["type"] == ["VerifiablePresentation"]
    assert made["id"] == "urn:uuid:5b8e2c1d-0f3a-4e6b-9c7d-8a1b2c3d4e5f"
    assert made["holder"] == HOLDER.public_key.did_key
    assert made["verifiableCredential"] == [cred]
    proof = made["proof"][0]
    assert proof["verificationMethod"] == HOLDER.public_key.did_key_verification_method
    assert (proof["proofPurpose"], proof["challenge"], proof["domain"]) == (
        "authentication",
        "c-1",
        "https://verifier.example",
    )
    found = eddsa_rdfc_2022.verify(
        made, issuer=HOLDER.public_key.did_key, purpose=eddsa_rdfc_2022.AUTHENTICATION
    )
    assert found.public_key == HOLDER.public_key


def test_the_callers_credentials_are_left_alone() -> None:
    cred = signed()
    before = copy.deepcopy(cred)
    sign_presentation([cred], HOLDER, created=CREATED)
    assert cred == before


def test_another_holder_needs_its_verification_method() -> None:
    with pytest.raises(InputError, match="verification_method"):
        sign_presentation([signed()], HOLDER, holder="did:web:holder.example")
    made = sign_presentation(
        [signed()],
        HOLDER,
        holder="did:example:holder",
        verification_method=HOLDER.public_key.did_key_verification_method,
        created=CREATED,
    )
    assert made["holder"] == "did:example:holder"


BAD: list[Any] = [
    pytest.param([credential()], "has no proof", id="unsigned-credential"),
    pytest.param(["not a token"], "not a VC-JWT", id="text-not-jwt"),
    pytest.param([42], "not a JSON object", id="a-number"),
    pytest.param(
        [{"@context": "https://example.org", "proof": {}}], "not a Verifiable", id="no-vc"
    ),
]


@pytest.mark.parametrize(("credentials", "said"), BAD)
def test_what_cannot_be_presented_is_refused(credentials: list[Any], said: str) -> None:
    with pytest.raises(InputError, match=said):
        sign_presentation(credentials, HOLDER, created=CREATED)


def test_credentials_must_be_a_list_and_the_key_a_signing_key() -> None:
    with pytest.raises(InputError, match="as a list"):
        sign_presentation(signed(), HOLDER)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="SigningKey"):
        sign_presentation([signed()], "key")  # type: ignore[arg-type]
