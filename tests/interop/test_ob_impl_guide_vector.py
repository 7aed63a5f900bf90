"""1EdTech's "Linked Data Proof Test Vector for Open Badges 3.0", reproduced exactly.

Source: 1EdTech/openbadges-specification ``ob_v3p0/impl/linked-data-proof-ob.html`` and its
``test-vectors/obv3p0/{document,proof}-canon.txt`` (see shared/interop/README.md). The key is
given as ``secretKeyMultibase`` in the older 64-byte form (seed ‖ public key).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

import pytest

from leadbadge.crypto import multibase as _multibase
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import SignatureError, VerificationMethodError
from leadbadge.ld.canonical import canonicalize
from leadbadge.proof.eddsa_rdfc_2022 import hash_data, proof_config, sign, verify
from tests.conftest import interop_path

pytestmark = pytest.mark.shared


def load(name: str) -> Any:
    return json.loads(interop_path("ob-impl-guide-test-vector", name).read_text(encoding="utf-8"))


def text(name: str) -> str:
    return interop_path("ob-impl-guide-test-vector", name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def key() -> SigningKey:
    pair = load("keyPair.json")
    signing = SigningKey.from_multibase(pair["secretKeyMultibase"])
    assert signing.public_key.multikey == pair["publicKeyMultibase"]
    assert signing.public_key.raw.hex() == pair["publicKeyHex"]
    return signing


def test_canonical_document() -> None:
    assert canonicalize(load("unsigned.json")) == text("document-canon.txt")


def test_canonical_proof_configuration() -> None:
    config = proof_config(load("unsigned.json"), load("proofConfig.json"))
    assert canonicalize(config) == text("proof-canon.txt")


def test_hashes_and_data_to_sign() -> None:
    hashes = load("hashes.json")
    unsigned = load("unsigned.json")
    data = hash_data(unsigned, proof_config(unsigned, load("proofConfig.json")))
    assert data.hex() == hashes["dataToSignHex"]
    assert data[:32].hex() == hashes["proofConfigHashHex"]
    assert data[32:].hex() == hashes["documentHashHex"]
    doc_hash = hashlib.sha256(text("document-canon.txt").encode()).hexdigest()
    assert doc_hash == hashes["documentHashHex"]


def test_signing_reproduces_the_proof(key: SigningKey) -> None:
    config = load("proofConfig.json")
    signed = sign(
        load("unsigned.json"),
        key,
        verification_method=config["verificationMethod"],
        created=datetime.fromisoformat(config["created"]),
    )
    hashes = load("hashes.json")
    (proof,) = signed["proof"]
    assert proof == load("proof.json")
    assert proof["proofValue"] == hashes["proofValue"]
    assert _multibase.decode_base58btc(proof["proofValue"]).hex() == hashes["signatureHex"]


def test_the_signed_credential_verifies(key: SigningKey) -> None:
    signed = load("signed.json")
    result = verify(signed)
    assert result.controller == load("keyPair.json")["controller"]
    assert result.public_key == key.public_key
    assert result.warnings == ()


def test_a_changed_credential_does_not_verify() -> None:
    signed = load("signed.json")
    signed["issuer"]["name"] = "Example Forgery Corp"
    with pytest.raises(SignatureError):
        verify(signed)


def test_the_fragment_key_belongs_to_the_issuer_only() -> None:
    # The vector's key sits under https://example.edu/issuers/565049: claim another issuer and
    # the same key no longer counts, because nothing but the issuer's id vouches for it.
    signed = load("signed.json")
    with pytest.raises(VerificationMethodError):
        verify(signed, issuer="https://example.edu/issuers/other")
