"""eddsa-rdfc-2022 decisions a verdict rests on: which earlier proofs a chained proof covers
(``previousProof``), and which verification methods count as ``<issuer id>#<Multikey>``.

Each test pairs a case that verifies with the nearest case that must not, so that a verifier
choosing the wrong earlier proofs, or accepting a method that is not an IRI, fails here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from leadbadge.crypto import multibase as _multibase
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import InputError, SignatureError, VerificationMethodError
from leadbadge.ld import contexts
from leadbadge.proof.eddsa_rdfc_2022 import (
    default_resolver,
    hash_data,
    proof_config,
    sign,
    verify,
)
from tests.conftest import FIXED_NOW, interop_path
from tests.unit.proof.test_eddsa_rdfc_2022 import credential as base_credential

# TEST-ONLY keys: the issuer and two other signers.
ISSUER_KEY = SigningKey.from_seed(bytes(range(32)))
SECOND_KEY = SigningKey.from_seed(bytes(range(100, 132)))
THIRD_KEY = SigningKey.from_seed(bytes(range(200, 232)))
ISSUER = ISSUER_KEY.public_key.did_key


def credential() -> dict[str, Any]:
    """The unsigned OB 3.0 credential of the suite's own tests, issued by ISSUER's did:key."""
    return base_credential(ISSUER)


def _proof(key: SigningKey, proof_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": proof_id,
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-11-23T12:00:00Z",
        "verificationMethod": key.public_key.did_key_verification_method,
        "proofPurpose": "assertionMethod",
        **extra,
    }


def _signed_over(
    unsecured: dict[str, Any], covered: list[dict[str, Any]], body: dict[str, Any], key: SigningKey
) -> dict[str, Any]:
    """``body`` with a proofValue over the document holding exactly the ``covered`` proofs (Data
    Integrity §4.5: a chained proof signs the document with the proofs it names)."""
    over = unsecured | {"proof": covered} if covered else unsecured
    value = key.sign(hash_data(over, proof_config(over, body)))
    return body | {"proofValue": _multibase.encode_base58btc(value)}


def _set_of_two() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(unsecured document, proof A by the issuer, proof B by the second key): a proof set."""
    unsecured = credential()
    first = _signed_over(unsecured, [], _proof(ISSUER_KEY, "urn:uuid:a"), ISSUER_KEY)
    second = _signed_over(unsecured, [], _proof(SECOND_KEY, "urn:uuid:b"), SECOND_KEY)
    return unsecured, first, second


def _chained(previous: Any, covered: list[dict[str, Any]]) -> dict[str, Any]:
    """Proofs A and B, and C by the third key naming ``previous`` and signed over ``covered``."""
    unsecured, first, second = _set_of_two()
    body = _proof(THIRD_KEY, "urn:uuid:c", previousProof=previous)
    third = _signed_over(unsecured, covered, body, THIRD_KEY)
    return unsecured | {"proof": [first, second, third]}


def _others(result_warnings: tuple[str, ...]) -> list[str]:
    return sorted(w for w in result_warnings if "also verifies" in w)


# --- previousProof: the chained proof covers exactly the proofs it names ----------------------


def test_a_chain_naming_one_proof_of_a_set_verifies_over_that_proof_alone() -> None:
    _, first, second = _set_of_two()
    for named, other in ((first, second), (second, first)):
        good = _chained(named["id"], [named])
        result = verify(good)
        assert result.controller == ISSUER
        assert len(_others(result.warnings)) == 2  # the second signer's and the chained proof
        # Signed over the other proof, or over both, while naming one: the selection is wrong.
        for covered in ([other], [first, second]):
            with pytest.raises(SignatureError):
                verify(_chained(named["id"], covered))


def test_a_chain_naming_both_proofs_covers_both_in_document_order() -> None:
    _, first, second = _set_of_two()
    for previous in (["urn:uuid:a", "urn:uuid:b"], ["urn:uuid:b", "urn:uuid:a"]):
        assert verify(_chained(previous, [first, second])).controller == ISSUER
        for covered in ([first], [second]):
            with pytest.raises(SignatureError):
                verify(_chained(previous, covered))


def test_a_single_id_and_a_one_element_list_name_the_same_proof() -> None:
    _, first, _ = _set_of_two()
    assert verify(_chained("urn:uuid:a", [first])).controller == ISSUER
    assert verify(_chained(["urn:uuid:a"], [first])).controller == ISSUER
    # Naming it twice names it once.
    assert verify(_chained(["urn:uuid:a", "urn:uuid:a"], [first])).controller == ISSUER


def test_the_chained_proof_covers_the_earlier_proof_it_names() -> None:
    doc = _chained("urn:uuid:a", [_set_of_two()[1]])
    # The earlier proof is changed and signed again by its own key: it still verifies on its
    # own, so only the chained proof's signature shows that it is not the proof it covered.
    body = {k: v for k, v in doc["proof"][0].items() if k != "proofValue"}
    body["created"] = "2026-11-23T12:00:01Z"
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    doc["proof"][0] = _signed_over(unsecured, [], body, ISSUER_KEY)
    with pytest.raises(SignatureError):
        verify(doc)


def test_an_unchained_proof_never_covers_the_other_proofs() -> None:
    unsecured, first, _ = _set_of_two()
    # A proof without previousProof, signed over the document with proof A in it: a verifier
    # that hashed the whole proof set for it would accept it.
    third = _signed_over(unsecured, [first], _proof(THIRD_KEY, "urn:uuid:c"), THIRD_KEY)
    with pytest.raises(SignatureError):
        verify(unsecured | {"proof": [first, third]})


@pytest.mark.parametrize(
    "previous",
    ["urn:uuid:missing", ["urn:uuid:a", "urn:uuid:missing"], [], "", [7], ["urn:uuid:a", None]],
)
def test_a_chain_naming_no_proof_of_the_document_is_refused(previous: Any) -> None:
    _, first, _ = _set_of_two()
    doc = _chained(first["id"], [first])
    # Refused before any hashing, so the signature does not matter.
    doc["proof"][2]["previousProof"] = previous
    with pytest.raises(InputError) as caught:
        verify(doc)
    assert caught.value.field == "proof/2/previousProof"


def test_a_chain_naming_an_id_two_proofs_share_is_refused() -> None:
    unsecured, first, second = _set_of_two()
    twin = second | {"id": first["id"]}
    twin = _signed_over(
        unsecured, [], {k: v for k, v in twin.items() if k != "proofValue"}, SECOND_KEY
    )
    body = _proof(THIRD_KEY, "urn:uuid:c", previousProof=first["id"])
    third = _signed_over(unsecured, [first, twin], body, THIRD_KEY)
    doc = unsecured | {"proof": [first, twin, third]}
    with pytest.raises(InputError, match="exactly once"):
        verify(doc)
    # Without the chained proof the two proofs verify as a set: only the chain is ambiguous.
    assert verify(unsecured | {"proof": [first, twin]}).controller == ISSUER


def test_the_w3c_proof_chain_verifies_only_over_the_proofs_it_names() -> None:
    folder = interop_path("vc-di-eddsa", "TestVectors", "proof-set-chain")
    examples = json.loads(
        interop_path("contexts", "credentials-examples-v2.jsonld").read_text(encoding="utf-8")
    )
    loader = contexts.ContextLoader(
        {"https://www.w3.org/ns/credentials/examples/v2": examples},
        trusted_vocabularies={"https://www.w3.org/ns/credentials/examples#"},
    )
    document = json.loads((folder / "signedProofChain2.json").read_text(encoding="utf-8"))
    pairs = json.loads((folder / "multiKeyPairs.json").read_text(encoding="utf-8"))
    proofs = document["proof"]
    issuer = proofs[0]["verificationMethod"].partition("#")[0]
    assert verify(document, issuer=issuer, loader=loader).controller == issuer
    first, second, third = (p["id"] for p in proofs[:3])
    assert (proofs[2]["previousProof"], proofs[3]["previousProof"]) == ([first, second], third)
    # The last proof made again with the vectors' own key, naming ``previous`` and signed over
    # the document holding ``covered``: it verifies exactly when the two agree.
    fourth_key = SigningKey.from_multibase(pairs["keyPair4"]["privateKeyMultibase"])
    assert fourth_key.public_key.did_key_verification_method == proofs[3]["verificationMethod"]
    unsecured = {k: v for k, v in document.items() if k != "proof"}

    def with_fourth(previous: Any, covered: list[dict[str, Any]]) -> dict[str, Any]:
        body = {k: v for k, v in proofs[3].items() if k != "proofValue"}
        body["previousProof"] = previous
        over = unsecured | {"proof": covered}
        value = fourth_key.sign(hash_data(over, proof_config(over, body), loader=loader))
        last = body | {"proofValue": _multibase.encode_base58btc(value)}
        return unsecured | {"proof": [*proofs[:3], last]}

    for previous, covered in ((first, proofs[:1]), ([second, first], proofs[:2])):
        assert verify(with_fourth(previous, covered), issuer=issuer, loader=loader)
    for previous, covered in (
        (first, proofs[2:3]),
        (first, proofs[:3]),
        (third, proofs[:1]),
        ([first, second], proofs[:1]),
        ([first, third], [proofs[0], proofs[2], proofs[1]]),
    ):
        with pytest.raises(SignatureError):
            verify(with_fourth(previous, covered), issuer=issuer, loader=loader)


# --- <issuer id>#<Multikey>: only when the part before '#' is an absolute IRI ------------------

FRAGMENT = ISSUER_KEY.public_key.multikey


@pytest.mark.parametrize(
    "base",
    [
        "https://example.edu/issuers/565049",
        "urn:uuid:2f1e0d9c-8b7a-4c5d-9e6f-0a1b2c3d4e5f",
        "x1:issuer",
        "coap+tcp://example.edu/issuer",
        "ms-app://example.edu/issuer",
        "iris.beep://example.edu/issuer",
        "A:issuer",
    ],
)
def test_a_key_written_under_an_iri_issuer_id_resolves(base: str) -> None:
    method = default_resolver()(f"{base}#{FRAGMENT}", base)
    assert (method.controller, method.public_key) == (base, ISSUER_KEY.public_key)


@pytest.mark.parametrize(
    "base",
    [
        "example.edu/issuers/565049",
        "https:",
        "urn:",
        ":issuer",
        "1https://example.edu/issuer",
        "+https://example.edu/issuer",
        "ht_tp://example.edu/issuer",
        "ht tp://example.edu/issuer",
        "http$://example.edu/issuer",
        "",
    ],
)
def test_a_key_written_under_anything_else_is_not_resolved(base: str) -> None:
    # The issuer id is the same string, so only the shape of the id can refuse it.
    method_id = f"{base}#{FRAGMENT}"
    with pytest.raises(VerificationMethodError, match="cannot be resolved offline") as caught:
        default_resolver()(method_id, base)
    assert caught.value.verification_method == method_id


def test_a_key_without_a_fragment_is_not_resolved_even_under_an_iri() -> None:
    with pytest.raises(VerificationMethodError, match="cannot be resolved offline"):
        default_resolver()(
            "https://example.edu/issuers/565049#", "https://example.edu/issuers/565049"
        )


def test_a_credential_signed_under_its_iri_issuer_id_verifies_end_to_end() -> None:
    doc = credential()
    issuer = "https://example.edu/issuers/565049"
    doc["issuer"]["id"] = issuer
    signed = sign(doc, ISSUER_KEY, verification_method=f"{issuer}#{FRAGMENT}", created=FIXED_NOW)
    result = verify(signed)
    assert (result.controller, result.verification_method) == (issuer, f"{issuer}#{FRAGMENT}")
