"""Interop with the Digital Bazaar stack for inline @context objects and @direction text.

Each credential below is signed by leadbadge and verified by the peer (``js/peer.mjs``), signed by
the peer and verified by leadbadge, and signed by both with the same key: Ed25519 is
deterministic, so equal proofs mean both sides canonicalized to the same N-Quads, byte for byte
(for @direction, the ``rdfDirection: "i18n-datatype"`` form the peer's cryptosuite uses).
"""

from __future__ import annotations

import copy
import shutil
from typing import Any

import pytest

from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import SignatureError, UndefinedTermError
from leadbadge.issuer.sign import sign_credential
from leadbadge.proof.eddsa_rdfc_2022 import sign, verify
from tests.interop.test_peer_digitalbazaar import (
    CREATED,
    JS_SEED,
    PY_SEED,
    TIER_IDS,
    Peer,
    _install,
    _proof_as,
    _unavailable,
    _unsigned,
    _verified,
)

pytestmark = pytest.mark.interop

VOCAB = "https://leaders.example.org/vocab#"


def _directional(doc: dict[str, Any]) -> None:
    doc["name"] = {"@value": "شهادة القيادة الأولية", "@language": "ar", "@direction": "rtl"}
    doc["description"] = {"@value": "Initial leadership certificate", "@direction": "ltr"}
    doc["credentialSubject"]["achievement"]["name"] = {
        "@value": "Certificación inicial de liderazgo",
        "@language": "es-MX",
        "@direction": "ltr",
    }


def _inline_terms(doc: dict[str, Any]) -> None:
    # The shape the W3C suites send: a protected inline context defining a type and a property.
    doc["@context"].append(
        {
            "@protected": True,
            "cohort": f"{VOCAB}cohort",
            "MentorshipCredential": f"{VOCAB}MentorshipCredential",
        }
    )
    doc["type"].append("MentorshipCredential")
    doc["cohort"] = "Spring 2026"


def _wrapped_and_embedded(doc: dict[str, Any]) -> None:
    # {"@context": {…}} as a @context item (the W3C Data Integrity suite's inputs), an embedded
    # context on a nested node, and a type whose own scoped context defines its properties.
    doc["@context"].append({"@context": {"mentor": {"@id": f"{VOCAB}mentor", "@type": "@id"}}})
    doc["mentor"] = "https://leaders.example.org/people/7"
    subject = doc["credentialSubject"]
    subject["@context"] = {
        "placement": f"{VOCAB}placement",
        "Placement": {
            "@id": f"{VOCAB}Placement",
            "@context": {"@protected": True, "site": f"{VOCAB}site", "hours": f"{VOCAB}hours"},
        },
    }
    subject["placement"] = {"type": "Placement", "site": "Riverside High", "hours": 120}


def _directional_term(doc: dict[str, Any]) -> None:
    # A term whose definition carries a language and a direction: plain text is signed with both.
    doc["@context"].append(
        {"motto": {"@id": f"{VOCAB}motto", "@language": "he", "@direction": "rtl"}}
    )
    doc["motto"] = "להוביל בלמידה"


VARIANTS = {
    "direction": _directional,
    "inline-terms": _inline_terms,
    "wrapped-and-embedded": _wrapped_and_embedded,
    "directional-term": _directional_term,
}


def _variants(issuer_did: str) -> dict[str, dict[str, Any]]:
    base = _unsigned(issuer_did)[TIER_IDS[0]]
    found = {}
    for name, change in VARIANTS.items():
        doc = copy.deepcopy(base)
        change(doc)
        found[name] = doc
    return found


@pytest.fixture(scope="module")
def peer() -> Peer:
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed, so the Digital Bazaar peer cannot run")
    _install()
    return Peer(node)


@pytest.fixture(scope="module")
def py_key() -> SigningKey:
    return SigningKey.from_seed(PY_SEED)


@pytest.fixture(scope="module")
def ours(py_key: SigningKey) -> dict[str, dict[str, Any]]:
    public = py_key.public_key
    return {
        name: sign(
            doc, py_key, verification_method=public.did_key_verification_method, created=CREATED
        )
        for name, doc in _variants(public.did_key).items()
    }


@pytest.fixture(scope="module")
def theirs(peer: Peer) -> dict[str, dict[str, Any]]:
    key = peer.keygen(JS_SEED)
    batch = _variants(key["did"])
    return dict(zip(batch, peer.sign(list(batch.values()), key), strict=True))


@pytest.fixture(scope="module")
def theirs_with_our_key(peer: Peer, py_key: SigningKey) -> dict[str, dict[str, Any]]:
    key = peer.keygen(PY_SEED)
    assert key["verificationMethod"] == py_key.public_key.did_key_verification_method
    batch = _variants(key["did"])
    return dict(zip(batch, peer.sign(list(batch.values()), key), strict=True))


def _flip_direction(doc: dict[str, Any]) -> None:
    doc["name"]["@direction"] = "ltr"


def _drop_direction(doc: dict[str, Any]) -> None:
    del doc["name"]["@direction"]


def _change_inline_value(doc: dict[str, Any]) -> None:
    doc["cohort"] = "Autumn 2026"


def _undefined_beside_inline(doc: dict[str, Any]) -> None:
    doc["ceremonyVenue"] = "Town hall"


#: variant -> (change, what leadbadge raises): each must fail on both sides.
BROKEN = {
    "direction/flipped": ("direction", _flip_direction, SignatureError),
    "direction/dropped": ("direction", _drop_direction, SignatureError),
    "inline-terms/changed": ("inline-terms", _change_inline_value, SignatureError),
    "inline-terms/undefined-term": ("inline-terms", _undefined_beside_inline, UndefinedTermError),
}


@pytest.fixture(scope="module")
def peer_verdicts(
    peer: Peer, ours: dict[str, dict[str, Any]], theirs: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    batch = {f"ours/{name}": doc for name, doc in ours.items()}
    batch.update({f"theirs/{name}": doc for name, doc in theirs.items()})
    for label, (variant, change, _) in BROKEN.items():
        for source, signed in (("ours", ours), ("theirs", theirs)):
            doc = copy.deepcopy(signed[variant])
            change(doc)
            batch[f"{source}/{label}"] = doc
    return peer.verify(batch)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_the_peer_verifies_what_we_sign(
    variant: str, peer_verdicts: dict[str, dict[str, Any]]
) -> None:
    verdict = peer_verdicts[f"ours/{variant}"]
    assert _verified(verdict), verdict["errors"]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_we_verify_what_the_peer_signs(
    variant: str, theirs: dict[str, dict[str, Any]], peer_verdicts: dict[str, dict[str, Any]]
) -> None:
    assert _verified(peer_verdicts[f"theirs/{variant}"])
    result = verify(theirs[variant])
    assert result.controller == theirs[variant]["issuer"]["id"]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_same_key_same_document_gives_the_same_proof(
    variant: str,
    ours: dict[str, dict[str, Any]],
    theirs_with_our_key: dict[str, dict[str, Any]],
) -> None:
    assert (
        _proof_as(ours[variant], "object")["proof"]
        == (_proof_as(theirs_with_our_key[variant], "object")["proof"])
    )


@pytest.mark.parametrize("source", ["ours", "theirs"])
@pytest.mark.parametrize("label", list(BROKEN))
def test_a_changed_copy_is_rejected_by_both(
    source: str,
    label: str,
    ours: dict[str, dict[str, Any]],
    theirs: dict[str, dict[str, Any]],
    peer_verdicts: dict[str, dict[str, Any]],
) -> None:
    variant, change, error = BROKEN[label]
    assert not _verified(peer_verdicts[f"{source}/{label}"])
    doc = copy.deepcopy({"ours": ours, "theirs": theirs}[source][variant])
    change(doc)
    with pytest.raises(error):
        verify(doc)


def test_sign_credential_signs_inline_contexts_and_direction_the_peer_verifies(
    peer: Peer, py_key: SigningKey
) -> None:
    public = py_key.public_key
    doc = _unsigned(public.did_key)[TIER_IDS[0]]
    _inline_terms(doc)
    _directional(doc)
    signed = sign_credential(
        doc, py_key, verification_method=public.did_key_verification_method, created=CREATED
    )
    (verdict,) = peer.verify({"signed": signed}).values()
    assert _verified(verdict), verdict["errors"]
