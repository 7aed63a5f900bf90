"""sign_credential: any credential, checked against the data model, with the Data Integrity
context added when its own contexts lack it, then verified as any credential is."""

from __future__ import annotations

from typing import Any

import pytest

from leadbadge import TrustStore, VerificationPolicy, Verifier, sign_credential
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import InputError, JsonLdError
from leadbadge.issuer.sign import DATA_INTEGRITY_CONTEXT_URL
from leadbadge.verifier.report import CheckStatus
from tests.conftest import FIXED_NOW

KEY = SigningKey.generate()
DID = KEY.public_key.did_key
METHOD = f"{DID}#{DID.removeprefix('did:key:')}"


def _vc1() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "id": "urn:uuid:2d6a0d56-5b0d-4a3e-9c8e-3f1f0e0c9a11",
        "type": ["VerifiableCredential"],
        "issuer": DID,
        "issuanceDate": "2026-11-23T12:00:00Z",
        "credentialSubject": {"id": "did:example:ana"},
    }


def _vc2() -> dict[str, Any]:
    doc = _vc1()
    doc["@context"] = ["https://www.w3.org/ns/credentials/v2"]
    doc["validFrom"] = doc.pop("issuanceDate")
    return doc


def _proof(signed: dict[str, Any]) -> CheckStatus:
    policy = VerificationPolicy(require_trusted_issuer=False)
    report = Verifier(TrustStore.open(None), policy).verify(signed, now=FIXED_NOW)
    return report.check("proof").status


def test_a_vc_1_1_credential_gets_the_data_integrity_context_and_verifies() -> None:
    signed = sign_credential(_vc1(), KEY, verification_method=METHOD, created=FIXED_NOW)
    assert signed["@context"] == [
        "https://www.w3.org/2018/credentials/v1",
        DATA_INTEGRITY_CONTEXT_URL,
    ]
    assert signed["proof"][0]["cryptosuite"] == "eddsa-rdfc-2022"
    assert _proof(signed) is CheckStatus.PASS


def test_a_vc_2_0_credential_keeps_its_contexts() -> None:
    signed = sign_credential(_vc2(), KEY, verification_method=METHOD, created=FIXED_NOW)
    assert signed["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert _proof(signed) is CheckStatus.PASS


def test_the_data_model_is_checked_before_signing() -> None:
    doc = _vc2()
    del doc["credentialSubject"]
    with pytest.raises(InputError, match="does not follow the VC data model"):
        sign_credential(doc, KEY, verification_method=METHOD)


def test_undefined_content_is_not_signed() -> None:
    doc = _vc2()
    doc["credentialSubject"]["nickname"] = "unsigned if it were dropped"
    with pytest.raises(JsonLdError):
        sign_credential(doc, KEY, verification_method=METHOD)


def test_inline_contexts_and_directional_text_are_signed_and_verify() -> None:
    # VC 2.0 §4.3 (context objects) and §11.1 (base direction), as the W3C suites send them.
    doc = _vc2()
    doc["@context"].append({"@context": {"Alumni": "https://example.org/#Alumni"}})
    doc["type"].append("Alumni")
    doc["name"] = {"@value": "شهادة", "@language": "ar", "@direction": "rtl"}
    signed = sign_credential(doc, KEY, verification_method=METHOD, created=FIXED_NOW)
    assert _proof(signed) is CheckStatus.PASS


def test_an_inline_vocab_is_refused_and_nothing_is_signed() -> None:
    doc = _vc2()
    doc["@context"].append({"@vocab": "https://example.org/#"})
    with pytest.raises(JsonLdError, match="sets @vocab"):
        sign_credential(doc, KEY, verification_method=METHOD, created=FIXED_NOW)
