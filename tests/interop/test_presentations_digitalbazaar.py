"""Verifiable presentations across implementations: the Digital Bazaar stack
(``vc.createPresentation``, ``vc.signPresentation``, ``vc.verify``) and leadbadge each verify
what the other presents.

The credentials inside are signed by leadbadge with a did:key issuer (so the offline peer can
resolve every key); the holder is another did:key. The peer and its install are the ones of
``test_peer_digitalbazaar.py``.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from leadbadge import SigningKey, VerificationPolicy, Verifier, sign_presentation
from leadbadge.proof.eddsa_rdfc_2022 import sign
from leadbadge.verifier.report import CheckStatus, Verdict
from tests.conftest import FIXED_NOW
from tests.interop.test_peer_digitalbazaar import (  # noqa: F401 - the fixture is used by name
    CREATED,
    JS_SEED,
    PY_SEED,
    TIER_IDS,
    Peer,
    _unsigned,
    peer,
)

pytestmark = pytest.mark.interop

CHALLENGE = "d5c1b0e6-7f0b-4d8e-9b0c-2f1e6a3b9c41"
DOMAIN = "https://hiring.example.org"
HOLDER_SEED = bytes(range(64, 96))


@pytest.fixture(scope="module")
def credentials() -> list[dict[str, Any]]:
    """Two tiers signed by leadbadge with a did:key issuer."""
    issuer = SigningKey.from_seed(PY_SEED)
    unsigned = _unsigned(issuer.public_key.did_key)
    return [
        sign(
            unsigned[tier],
            issuer,
            verification_method=issuer.public_key.did_key_verification_method,
            created=CREATED,
        )
        for tier in TIER_IDS[:2]
    ]


@pytest.fixture(scope="module")
def js_holder(peer: Peer) -> dict[str, str]:  # noqa: F811
    return peer.keygen(JS_SEED)


@pytest.fixture(scope="module")
def js_presentation(
    peer: Peer,  # noqa: F811
    js_holder: dict[str, str],
    credentials: list[dict[str, Any]],
) -> dict[str, Any]:
    return peer.present(credentials, js_holder, "--challenge", CHALLENGE, "--domain", DOMAIN)


def _verifier() -> Verifier:
    # The did:key issuer is pinned nowhere: these tests are about signatures, not trust.
    return Verifier(None, VerificationPolicy(require_trusted_issuer=False))


def test_a_peer_presentation_verifies_in_leadbadge(
    js_presentation: dict[str, Any], js_holder: dict[str, str]
) -> None:
    assert js_presentation["proof"]["proofPurpose"] == "authentication"
    report = _verifier().verify_presentation(
        js_presentation, challenge=CHALLENGE, domain=DOMAIN, now=FIXED_NOW
    )
    statuses = {c.id: c.status for c in report.checks}
    assert report.verdict is Verdict.VALID, report.to_json()
    assert statuses["holder_proof"] is CheckStatus.PASS
    assert statuses["holder"] is CheckStatus.PASS
    assert statuses["challenge"] is CheckStatus.PASS
    assert statuses["domain"] is CheckStatus.PASS
    assert report.summary.holder == js_holder["did"]
    assert [c.verdict for c in report.credentials] == [Verdict.VALID, Verdict.VALID]


def test_a_peer_presentation_answers_only_its_own_challenge(
    js_presentation: dict[str, Any],
) -> None:
    report = _verifier().verify_presentation(
        js_presentation, challenge="another-request", domain=DOMAIN, now=FIXED_NOW
    )
    assert report.verdict is Verdict.INVALID
    assert report.check("challenge").code == "CHALLENGE_MISMATCH"


def test_a_tampered_peer_presentation_fails_in_leadbadge(
    js_presentation: dict[str, Any],
) -> None:
    tampered = copy.deepcopy(js_presentation)
    tampered["verifiableCredential"][1]["credentialSubject"]["achievement"]["name"] += " (gold)"
    report = _verifier().verify_presentation(
        tampered, challenge=CHALLENGE, domain=DOMAIN, now=FIXED_NOW
    )
    assert report.verdict is Verdict.INVALID
    assert report.check("holder_proof").code == "INVALID_SIGNATURE"
    assert [c.verdict for c in report.credentials] == [Verdict.VALID, Verdict.INVALID]


def test_a_leadbadge_presentation_verifies_in_the_peer(
    peer: Peer,  # noqa: F811
    credentials: list[dict[str, Any]],
) -> None:
    holder = SigningKey.from_seed(HOLDER_SEED)
    presentation = sign_presentation(
        credentials, holder, challenge=CHALLENGE, domain=DOMAIN, created=CREATED
    )
    verified = peer.verify_presentation(presentation, "--challenge", CHALLENGE, "--domain", DOMAIN)
    assert verified["verified"] is True, verified["errors"]
    wrong = peer.verify_presentation(presentation, "--challenge", "another", "--domain", DOMAIN)
    assert wrong["verified"] is False
    tampered = copy.deepcopy(presentation)
    tampered["holder"] = SigningKey.from_seed(PY_SEED).public_key.did_key
    assert peer.verify_presentation(tampered, "--challenge", CHALLENGE)["verified"] is False


def test_unsigned_presentations_agree(
    peer: Peer,  # noqa: F811
    js_holder: dict[str, str],
    credentials: list[dict[str, Any]],
) -> None:
    unsigned = peer.present(credentials, js_holder, "--unsigned")
    assert "proof" not in unsigned
    assert peer.verify_presentation(unsigned, "--unsigned")["verified"] is True
    report = _verifier().verify_presentation(unsigned, now=FIXED_NOW)
    assert report.verdict is Verdict.VALID
    assert report.check("holder_proof").status is CheckStatus.NOT_APPLICABLE
    assert report.check("holder_proof").code == "NOT_SIGNED"
    assert report.summary.signed is False
