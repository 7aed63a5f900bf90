"""The W3C vc-di-eddsa test vectors, reproduced exactly: canonical forms, hashes, signatures.

Source: github w3c/vc-di-eddsa ``TestVectors/`` (see shared/interop/README.md). The vectors use
the W3C examples context, which leadbadge does not ship; the tests load it from the shared data
with a test-only loader that also treats its catch-all vocabulary as defined.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from leadbadge.crypto import multibase as _multibase
from leadbadge.crypto.keys import SigningKey, VerifyingKey
from leadbadge.errors import (
    ContextNotAllowedError,
    SignatureError,
    UnsupportedProofError,
    VerificationMethodError,
)
from leadbadge.ld.canonical import canonicalize
from leadbadge.ld.contexts import ContextLoader
from leadbadge.proof import ed25519_signature_2020
from leadbadge.proof.eddsa_rdfc_2022 import hash_data, proof_config, sign, verify
from tests.conftest import interop_path

pytestmark = pytest.mark.shared

EXAMPLES_URL = "https://www.w3.org/ns/credentials/examples/v2"
EXAMPLES_VOCAB = "https://www.w3.org/ns/credentials/examples#"


def vectors(*parts: str) -> Path:
    return interop_path("vc-di-eddsa", "TestVectors", *parts)


def load(*parts: str) -> Any:
    return json.loads(vectors(*parts).read_text(encoding="utf-8"))


def text(*parts: str) -> str:
    return vectors(*parts).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def loader() -> ContextLoader:
    examples = json.loads(
        interop_path("contexts", "credentials-examples-v2.jsonld").read_text(encoding="utf-8")
    )
    return ContextLoader({EXAMPLES_URL: examples}, trusted_vocabularies={EXAMPLES_VOCAB})


@pytest.fixture(scope="module")
def key() -> SigningKey:
    pair = load("keyPair.json")
    signing = SigningKey.from_multibase(pair["privateKeyMultibase"])
    assert signing.public_key.multikey == pair["publicKeyMultibase"]
    return signing


def _without_context(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k != "@context"}


def test_the_examples_context_is_not_accepted_by_default() -> None:
    with pytest.raises(ContextNotAllowedError) as caught:
        canonicalize(load("unsigned.json"))
    assert caught.value.url == EXAMPLES_URL


def test_canonical_document(loader: ContextLoader) -> None:
    canonical = canonicalize(load("unsigned.json"), loader=loader)
    assert canonical == text("eddsa-rdfc-2022", "canonDocDataInt.txt")


def test_canonical_proof_configuration(loader: ContextLoader) -> None:
    config = load("eddsa-rdfc-2022", "proofConfigDataInt.json")
    built = proof_config(load("unsigned.json"), _without_context(config))
    assert built == config
    assert canonicalize(built, loader=loader) == text("eddsa-rdfc-2022", "proofCanonDataInt.txt")


def test_hashes(loader: ContextLoader) -> None:
    unsigned = load("unsigned.json")
    config = load("eddsa-rdfc-2022", "proofConfigDataInt.json")
    combined = hash_data(unsigned, config, loader=loader)
    proof_hash = text("eddsa-rdfc-2022", "proofHashDataInt.txt").strip()
    doc_hash = text("eddsa-rdfc-2022", "docHashDataInt.txt").strip()
    assert combined.hex() == text("eddsa-rdfc-2022", "combinedHashDataInt.txt").strip()
    assert combined.hex() == proof_hash + doc_hash


def test_signing_reproduces_the_signed_credential(loader: ContextLoader, key: SigningKey) -> None:
    config = load("eddsa-rdfc-2022", "proofConfigDataInt.json")
    signed = sign(
        load("unsigned.json"),
        key,
        verification_method=config["verificationMethod"],
        created=datetime.fromisoformat(config["created"]),
        loader=loader,
    )
    expected = load("eddsa-rdfc-2022", "signedDataInt.json")
    (proof,) = signed["proof"]
    assert proof["proofValue"] == text("eddsa-rdfc-2022", "sigBTC58DataInt.txt").strip()
    signature_hex = text("eddsa-rdfc-2022", "sigHexDataInt.txt").strip()
    assert key.sign(hash_data(load("unsigned.json"), config, loader=loader)).hex() == signature_hex
    # The vector writes a single proof object; leadbadge always writes an array.
    assert signed | {"proof": proof} == expected


def test_the_signed_credential_verifies(loader: ContextLoader, key: SigningKey) -> None:
    signed = load("eddsa-rdfc-2022", "signedDataInt.json")
    # The issuer (https://vc.example/issuers/5678) does not control the did:key: name the key's
    # controller as the issuer to check the signature itself.
    result = verify(signed, issuer=key.public_key.did_key, loader=loader)
    assert result.public_key == key.public_key
    assert result.created == datetime.fromisoformat("2023-02-24T23:36:38+00:00")


def test_a_changed_credential_does_not_verify(loader: ContextLoader, key: SigningKey) -> None:
    signed = load("eddsa-rdfc-2022", "signedDataInt.json")
    signed["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    with pytest.raises(SignatureError):
        verify(signed, issuer=key.public_key.did_key, loader=loader)


# --- employ/: the citizenship context is not shipped; its canonical forms are given -----------


def test_employment_vector_needs_a_context_leadbadge_does_not_ship() -> None:
    with pytest.raises(ContextNotAllowedError) as caught:
        canonicalize(load("employmentAuth.json"))
    assert caught.value.url == "https://w3id.org/citizenship/v4rc1"


def test_employment_vector_hashes_and_signature_from_its_canonical_forms(key: SigningKey) -> None:
    canonical_doc = text("eddsa-rdfc-2022", "employ", "canonDocDataInt.txt")
    canonical_proof = text("eddsa-rdfc-2022", "employ", "proofCanonDataInt.txt")
    doc_hash = hashlib.sha256(canonical_doc.encode()).hexdigest()
    proof_hash = hashlib.sha256(canonical_proof.encode()).hexdigest()
    assert doc_hash == text("eddsa-rdfc-2022", "employ", "docHashDataInt.txt").strip()
    assert proof_hash == text("eddsa-rdfc-2022", "employ", "proofHashDataInt.txt").strip()
    combined = bytes.fromhex(proof_hash + doc_hash)
    assert combined.hex() == text("eddsa-rdfc-2022", "employ", "combinedHashDataInt.txt").strip()
    signature = key.sign(combined)
    assert signature.hex() == text("eddsa-rdfc-2022", "employ", "sigHexDataInt.txt").strip()
    signed = load("eddsa-rdfc-2022", "employ", "signedDataInt.json")
    assert (
        signed["proof"]["proofValue"]
        == text("eddsa-rdfc-2022", "employ", "sigBTC58DataInt.txt").strip()
    )
    assert VerifyingKey.from_multikey(load("keyPair.json")["publicKeyMultibase"]).verify(
        signature, combined
    )


def test_our_canonical_form_of_the_employment_proof_configuration(
    loader: ContextLoader,
) -> None:
    # The proof configuration uses only the VC context's terms: it can be canonicalized here.
    config = load("eddsa-rdfc-2022", "employ", "proofConfigDataInt.json")
    config["@context"] = config["@context"][:1]
    assert canonicalize(config, loader=loader) == text(
        "eddsa-rdfc-2022", "employ", "proofCanonDataInt.txt"
    )


# --- proof-set-chain/ -------------------------------------------------------------------------


def _pairs() -> dict[str, SigningKey]:
    pairs = load("proof-set-chain", "multiKeyPairs.json")
    return {name: SigningKey.from_multibase(p["privateKeyMultibase"]) for name, p in pairs.items()}


@pytest.mark.parametrize(
    "name", ["signedProofSet1.json", "signedProofSet2.json", "signedProofChain1.json",
             "signedProofChain2.json"]
)  # fmt: skip
def test_proof_sets_and_chains_verify(name: str, loader: ContextLoader) -> None:
    document = load("proof-set-chain", name)
    first = _pairs()["keyPair1"].public_key.did_key
    result = verify(document, issuer=first, loader=loader)
    assert result.controller == first
    proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    others = len(proofs) - 1
    assert len([w for w in result.warnings if "also verifies" in w]) == others


@pytest.mark.parametrize("index", [1, 2])
def test_each_set_proof_reproduces(index: int, loader: ContextLoader) -> None:
    config = load("proof-set-chain", f"proofSetConfig{index}.json")
    expected = load("proof-set-chain", f"proofSetConfigSigned{index}.json")
    unsigned = load("proof-set-chain", "unsigned.json")
    data = hash_data(unsigned, proof_config(unsigned, config), loader=loader)
    signature = _pairs()[f"keyPair{index}"].sign(data)
    assert _multibase.encode_base58btc(signature) == expected["proofValue"]


@pytest.mark.parametrize(("step", "key_name"), [(1, "keyPair3"), (2, "keyPair4")])
def test_each_chained_proof_reproduces_over_its_temporary_document(
    step: int, key_name: str, loader: ContextLoader
) -> None:
    # proofChainTempDocN is the document with the proofs that previousProof names.
    temp = load("proof-set-chain", f"proofChainTempDoc{step}.json")
    config = load("proof-set-chain", f"proofChainConfig{step}.json")
    expected = load("proof-set-chain", f"proofChainConfigSigned{step}.json")
    data = hash_data(temp, proof_config(temp, config), loader=loader)
    assert _multibase.encode_base58btc(_pairs()[key_name].sign(data)) == expected["proofValue"]


def test_a_chain_with_a_changed_earlier_proof_fails(loader: ContextLoader) -> None:
    document = load("proof-set-chain", "signedProofChain2.json")
    document["proof"][2]["created"] = "2023-02-26T22:06:39Z"
    first = _pairs()["keyPair1"].public_key.did_key
    with pytest.raises(SignatureError):
        verify(document, issuer=first, loader=loader)


def test_ed25519_signature_2020_is_not_checked_by_the_eddsa_default(
    loader: ContextLoader,
) -> None:
    document = load("Ed25519Signature2020", "signedEdSig.json")
    with pytest.raises(UnsupportedProofError, match="Ed25519Signature2020"):
        verify(document, loader=loader)


def test_ed25519_signature_2020_vector_canonical_forms_and_hashes(
    loader: ContextLoader,
) -> None:
    signed = load("Ed25519Signature2020", "signedEdSig.json")
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    assert canonicalize(unsigned, loader=loader) == text(
        "Ed25519Signature2020", "canonDocEdSig.txt"
    )
    config = proof_config(unsigned, signed["proof"])
    assert config == load("Ed25519Signature2020", "proofConfigEdSig.json")
    assert canonicalize(config, loader=loader) == text(
        "Ed25519Signature2020", "proofCanonEdSig.txt"
    )
    combined = hash_data(unsigned, config, loader=loader)
    assert combined.hex() == text("Ed25519Signature2020", "combinedHashEdSig.txt").strip()
    signature = _multibase.decode_base58btc(signed["proof"]["proofValue"])
    assert signature.hex() == text("Ed25519Signature2020", "sigHexEdSig.txt").strip()


def test_ed25519_signature_2020_vector_verifies(loader: ContextLoader, key: SigningKey) -> None:
    document = load("Ed25519Signature2020", "signedEdSig.json")
    did = key.public_key.did_key
    result = ed25519_signature_2020.verify(document, issuer=did, loader=loader)
    assert result.cryptosuite == "Ed25519Signature2020"
    assert result.controller == did
    assert result.created == datetime.fromisoformat("2023-02-24T23:36:38+00:00")
    assert any("legacy suite" in w for w in result.warnings)
    # The vector's issuer is not its key's controller (the vectors only test the signature).
    with pytest.raises(VerificationMethodError, match="not by the issuer"):
        ed25519_signature_2020.verify(document, loader=loader)
    document["credentialSubject"]["alumniOf"] = "Another School"
    with pytest.raises(SignatureError):
        ed25519_signature_2020.verify(document, issuer=did, loader=loader)
