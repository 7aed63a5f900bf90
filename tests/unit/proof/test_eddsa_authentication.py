"""eddsa-rdfc-2022 for a holder: the ``authentication`` purpose, and ``challenge`` and ``domain``
signed with the proof (VC Data Integrity 1.0 §2.1, §4.4)."""

from __future__ import annotations

from typing import Any

import pytest

from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import InputError, SignatureError, VerificationMethodError
from leadbadge.proof.eddsa_rdfc_2022 import AUTHENTICATION, PROOF_PURPOSE, sign, verify
from tests.unit.proof.test_eddsa_rdfc_2022 import CREATED, credential, resign

# TEST-ONLY key.
HOLDER = SigningKey.from_seed(bytes(range(40, 72)))
DID = HOLDER.public_key.did_key
VM = HOLDER.public_key.did_key_verification_method


def presentation() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": DID,
    }


def holder_signed(**options: Any) -> dict[str, Any]:
    return sign(
        presentation(),
        HOLDER,
        verification_method=VM,
        created=CREATED,
        proof_purpose=AUTHENTICATION,
        **options,
    )


def test_challenge_and_domain_are_signed_and_reported() -> None:
    doc = holder_signed(challenge="abc-123", domain="https://verifier.example")
    proof = doc["proof"][0]
    assert proof["proofPurpose"] == "authentication"
    assert (proof["challenge"], proof["domain"]) == ("abc-123", "https://verifier.example")
    found = verify(doc, issuer=DID, purpose=AUTHENTICATION)
    assert (found.challenge, found.domain, found.controller) == (
        "abc-123",
        ("https://verifier.example",),
        DID,
    )


@pytest.mark.parametrize(
    ("name", "value"), [("challenge", "other"), ("domain", "https://x.example")]
)
def test_a_changed_challenge_or_domain_breaks_the_signature(name: str, value: str) -> None:
    doc = holder_signed(challenge="abc-123", domain="https://verifier.example")
    doc["proof"][0][name] = value
    with pytest.raises(SignatureError):
        verify(doc, issuer=DID, purpose=AUTHENTICATION)


def test_without_challenge_or_domain_the_proof_has_neither() -> None:
    doc = holder_signed()
    assert "challenge" not in doc["proof"][0]
    assert "domain" not in doc["proof"][0]
    found = verify(doc, issuer=DID, purpose=AUTHENTICATION)
    assert (found.challenge, found.domain) == (None, ())


def test_a_domain_list_is_read_as_a_set() -> None:
    doc = presentation()
    proof = holder_signed()["proof"][0] | {"domain": ["https://a.example", "https://b.example"]}
    doc["proof"] = [resign(doc, proof, HOLDER)]
    found = verify(doc, issuer=DID, purpose=AUTHENTICATION)
    assert found.domain == ("https://a.example", "https://b.example")


def test_the_purpose_must_be_the_one_asked_for() -> None:
    with pytest.raises(VerificationMethodError, match="not 'assertionMethod'"):
        verify(holder_signed(), issuer=DID)
    credential_proof = sign(credential(issuer=DID), HOLDER, verification_method=VM, created=CREATED)
    assert credential_proof["proof"][0]["proofPurpose"] == PROOF_PURPOSE
    with pytest.raises(VerificationMethodError, match="does not vouch for the presenter"):
        verify(credential_proof, issuer=DID, purpose=AUTHENTICATION)


@pytest.mark.parametrize(
    "options",
    [
        {"proof_purpose": "capabilityInvocation"},
        {"challenge": ""},
        {"domain": 7},
    ],
)
def test_bad_signing_options_are_refused(options: dict[str, Any]) -> None:
    settings: dict[str, Any] = {"proof_purpose": AUTHENTICATION, **options}
    with pytest.raises(InputError):
        sign(presentation(), HOLDER, verification_method=VM, created=CREATED, **settings)


def test_a_malformed_challenge_or_domain_is_an_input_error() -> None:
    doc = presentation()
    proof = holder_signed()["proof"][0] | {"challenge": 5}
    doc["proof"] = [resign(doc, proof, HOLDER)]
    with pytest.raises(InputError, match="challenge"):
        verify(doc, issuer=DID, purpose=AUTHENTICATION)
