"""eddsa-rdfc-2022: signing, verification, every refusal, proof sets and key resolution."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from leadbadge.crypto import multibase as _multibase
from leadbadge.crypto.did import VerificationMethod, did_web_document, parse_did_document
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import (
    InputError,
    JsonLdError,
    SignatureError,
    UndefinedTermError,
    UnsupportedProofError,
    VerificationMethodError,
)
from leadbadge.ld.contexts import DEFAULT_LOADER, ContextLoader
from leadbadge.proof import eddsa_rdfc_2022 as suite
from leadbadge.proof.eddsa_rdfc_2022 import (
    DEFAULT_ALLOWED,
    ProofVerification,
    default_resolver,
    hash_data,
    proof_config,
    sign,
    verify,
)
from tests.conftest import FIXED_NOW

# TEST-ONLY keys.
ISSUER_KEY = SigningKey.from_seed(bytes(range(32)))
OTHER_KEY = SigningKey.from_seed(bytes(range(100, 132)))
ISSUER = "https://example.edu/issuers/565049"
FRAGMENT_VM = f"{ISSUER}#{ISSUER_KEY.public_key.multikey}"
CREATED = FIXED_NOW - timedelta(days=1)


def credential(issuer: str = ISSUER) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:0b3c1d6a-3f2e-4b8e-9a57-5a8d8d3f9c11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example University"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Instructional Leadership",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.edu/achievements/instructional-leadership",
                "type": ["Achievement"],
                "criteria": {"narrative": "Completed the tier."},
                "description": "Leads instruction.",
                "name": "Instructional Leadership",
            },
        },
    }


def signed(doc: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    options: dict[str, Any] = {"verification_method": FRAGMENT_VM, "created": CREATED}
    options.update(kwargs)
    key = options.pop("key", ISSUER_KEY)
    return sign(credential() if doc is None else doc, key, **options)


def resign(doc: dict[str, Any], proof: dict[str, Any], key: SigningKey) -> dict[str, Any]:
    """``proof`` with a fresh proofValue over ``doc`` (for proofs ``sign`` would not make)."""
    unsecured = {k: v for k, v in doc.items() if k != "proof"}
    body = {k: v for k, v in proof.items() if k != "proofValue"}
    value = key.sign(hash_data(unsecured, proof_config(unsecured, body)))
    return body | {"proofValue": _multibase.encode_base58btc(value)}


# --- Signing ----------------------------------------------------------------------------------


def test_sign_adds_a_proof_array_and_leaves_the_input_alone() -> None:
    doc = credential()
    before = copy.deepcopy(doc)
    out = signed(doc)
    assert doc == before
    assert out is not doc
    assert {k: v for k, v in out.items() if k != "proof"} == doc
    (proof,) = out["proof"]
    assert proof == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-11-22T12:00:00Z",
        "verificationMethod": FRAGMENT_VM,
        "proofPurpose": "assertionMethod",
        "proofValue": proof["proofValue"],
    }
    assert proof["proofValue"].startswith("z")
    assert len(_multibase.decode_base58btc(proof["proofValue"])) == 64


def test_signing_is_deterministic() -> None:
    assert signed() == signed()


def test_created_is_utc_to_the_second() -> None:
    moment = datetime(2026, 5, 1, 14, 30, 15, 987654, tzinfo=timezone(timedelta(hours=2)))
    assert signed(created=moment)["proof"][0]["created"] == "2026-05-01T12:30:15Z"


def test_a_naive_created_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        signed(created=datetime(2026, 5, 1, 12, 0, 0))
    assert caught.value.field == "created"


@pytest.mark.parametrize(
    "method",
    [
        f"{ISSUER}#{OTHER_KEY.public_key.multikey}",
        OTHER_KEY.public_key.did_key_verification_method,
        OTHER_KEY.public_key.did_key,
    ],
)
def test_a_verification_method_naming_another_key_is_refused(method: str) -> None:
    with pytest.raises(InputError) as caught:
        signed(verification_method=method)
    assert caught.value.field == "verification_method"


def test_a_document_that_fails_strict_processing_is_not_signed() -> None:
    doc = credential()
    doc["credentialSubject"]["claim"] = "not defined anywhere"
    with pytest.raises(UndefinedTermError) as caught:
        signed(doc)
    assert caught.value.path == "/credentialSubject/claim"


def test_signing_again_makes_a_proof_set() -> None:
    first = signed()
    both = signed(
        first, key=OTHER_KEY, verification_method=OTHER_KEY.public_key.did_key_verification_method
    )
    assert both["proof"][0] == first["proof"][0]
    assert len(both["proof"]) == 2
    # Each proof signs the document without any proof: the second is the same as alone.
    alone = signed(
        credential(),
        key=OTHER_KEY,
        verification_method=OTHER_KEY.public_key.did_key_verification_method,
    )
    assert both["proof"][1] == alone["proof"][0]


# --- Verifying --------------------------------------------------------------------------------


def test_round_trip_with_the_issuer_fragment_form() -> None:
    result = verify(signed())
    assert result == ProofVerification(
        verification_method=FRAGMENT_VM,
        controller=ISSUER,
        public_key=ISSUER_KEY.public_key,
        created=CREATED.replace(microsecond=0),
        cryptosuite="eddsa-rdfc-2022",
        warnings=(),
        expires=None,
    )


def test_round_trip_with_did_key() -> None:
    did = ISSUER_KEY.public_key.did_key
    doc = signed(
        credential(issuer=did),
        verification_method=ISSUER_KEY.public_key.did_key_verification_method,
    )
    result = verify(doc)
    assert result.controller == did
    assert result.public_key == ISSUER_KEY.public_key


def test_issuer_as_a_string_and_as_an_object_are_both_read() -> None:
    doc = credential()
    doc["issuer"] = ISSUER
    assert verify(signed(doc)).controller == ISSUER


def test_a_changed_value_breaks_the_signature() -> None:
    doc = signed()
    doc["credentialSubject"]["achievement"]["name"] = "Superintendent"
    with pytest.raises(SignatureError):
        verify(doc)


def test_an_added_undefined_property_is_refused_before_the_signature() -> None:
    doc = signed()
    doc["credentialSubject"]["achievement"]["extra"] = "unsigned claim"
    with pytest.raises(UndefinedTermError):
        verify(doc)


def test_a_signature_by_another_key_fails() -> None:
    doc = signed()
    forged = signed(key=OTHER_KEY, verification_method=f"{ISSUER}#{OTHER_KEY.public_key.multikey}")
    doc["proof"][0]["proofValue"] = forged["proof"][0]["proofValue"]
    with pytest.raises(SignatureError):
        verify(doc)


def test_no_proof_is_unsupported() -> None:
    with pytest.raises(UnsupportedProofError, match="no proof"):
        verify(credential())
    with pytest.raises(UnsupportedProofError, match="no proof"):
        verify(credential() | {"proof": []})


def test_a_disallowed_cryptosuite_is_unsupported() -> None:
    doc = signed()
    doc["proof"][0]["cryptosuite"] = "ecdsa-rdfc-2019"
    with pytest.raises(UnsupportedProofError, match="ecdsa-rdfc-2019"):
        verify(doc)


def test_the_allowlist_comes_from_the_caller() -> None:
    doc = signed()
    with pytest.raises(UnsupportedProofError):
        verify(doc, allowed=frozenset({("DataIntegrityProof", "eddsa-2022")}))
    assert verify(doc, allowed=[("DataIntegrityProof", "eddsa-rdfc-2022")]).cryptosuite


def test_an_allowed_suite_this_module_cannot_verify_is_never_reported_verified() -> None:
    doc = signed()
    doc["proof"][0]["cryptosuite"] = "ecdsa-rdfc-2019"
    allowed = DEFAULT_ALLOWED | {("DataIntegrityProof", "ecdsa-rdfc-2019")}
    with pytest.raises(UnsupportedProofError):
        verify(doc, allowed=allowed)


def test_the_legacy_name_eddsa_2022_verifies_with_a_warning() -> None:
    doc = credential()
    proof = signed()["proof"][0] | {"cryptosuite": "eddsa-2022"}
    doc["proof"] = [resign(doc, proof, ISSUER_KEY)]
    result = verify(doc)
    assert result.cryptosuite == "eddsa-2022"
    assert len(result.warnings) == 1
    assert "eddsa-2022" in result.warnings[0]


def test_renaming_the_cryptosuite_breaks_the_signature() -> None:
    # The cryptosuite is part of the signed proof configuration.
    doc = signed()
    doc["proof"][0]["cryptosuite"] = "eddsa-2022"
    with pytest.raises(SignatureError):
        verify(doc)


def test_key_controller_must_be_the_issuer() -> None:
    doc = signed(
        credential(),
        key=OTHER_KEY,
        verification_method=OTHER_KEY.public_key.did_key_verification_method,
    )
    with pytest.raises(VerificationMethodError, match="not by the issuer") as caught:
        verify(doc)
    assert caught.value.verification_method == OTHER_KEY.public_key.did_key_verification_method


def test_fragment_key_under_another_url_is_refused() -> None:
    method = f"https://evil.example/issuer#{ISSUER_KEY.public_key.multikey}"
    with pytest.raises(VerificationMethodError, match="not under the issuer"):
        verify(signed(verification_method=method))


def test_the_issuer_argument_overrides_the_document() -> None:
    did = OTHER_KEY.public_key.did_key
    doc = signed(
        credential(),
        key=OTHER_KEY,
        verification_method=OTHER_KEY.public_key.did_key_verification_method,
    )
    assert verify(doc, issuer=did).controller == did


def test_a_document_without_issuer_cannot_be_tied_to_one() -> None:
    doc = signed()
    del doc["issuer"]
    with pytest.raises(VerificationMethodError, match="no issuer"):
        verify(doc)


def test_a_proof_purpose_other_than_assertion_method_is_refused() -> None:
    doc = credential()
    proof = signed()["proof"][0] | {"proofPurpose": "authentication"}
    doc["proof"] = [resign(doc, proof, ISSUER_KEY)]
    with pytest.raises(VerificationMethodError, match="authentication"):
        verify(doc)


MALFORMED: list[Any] = [
    pytest.param(lambda p: p.pop("proofValue"), "proof/proofValue", id="no-proof-value"),
    pytest.param(lambda p: p.update(proofValue="uAAAA"), "proof/proofValue", id="not-base58btc"),
    pytest.param(lambda p: p.update(proofValue="z0OIl"), "proof/proofValue", id="bad-base58"),
    pytest.param(
        lambda p: p.update(proofValue=_multibase.encode_base58btc(bytes(63))),
        "proof/proofValue",
        id="short-signature",
    ),
    pytest.param(
        lambda p: p.update(proofValue="z1" + p["proofValue"][1:]),
        "proof/proofValue",
        id="non-canonical-base58",
    ),
    pytest.param(lambda p: p.update(created="yesterday"), "proof/created", id="bad-created"),
    pytest.param(
        lambda p: p.update(created="2026-01-01T00:00:00"), "proof/created", id="created-no-zone"
    ),
    pytest.param(lambda p: p.update(expires=12), "proof/expires", id="bad-expires"),
    pytest.param(lambda p: p.pop("verificationMethod"), "proof/verificationMethod", id="no-method"),
    pytest.param(lambda p: p.pop("proofPurpose"), "proof/proofPurpose", id="no-purpose"),
]


@pytest.mark.parametrize(("change", "field"), MALFORMED)
def test_malformed_proof_fields_are_input_errors(
    change: Callable[[dict[str, Any]], None], field: str
) -> None:
    doc = signed()
    change(doc["proof"][0])
    with pytest.raises(InputError) as caught:
        verify(doc)
    assert caught.value.field == field


def test_a_proof_type_that_is_not_a_string_is_not_checked() -> None:
    doc = signed()
    doc["proof"][0]["type"] = ["DataIntegrityProof"]
    with pytest.raises(UnsupportedProofError, match="no type"):
        verify(doc)


def test_a_proof_that_is_not_an_object_is_an_input_error() -> None:
    with pytest.raises(InputError):
        verify(credential() | {"proof": ["z123"]})


def test_created_is_optional_and_expires_is_reported() -> None:
    doc = credential()
    proof = signed()["proof"][0]
    del proof["created"]
    proof["expires"] = "2030-01-01T00:00:00Z"
    doc["proof"] = [resign(doc, proof, ISSUER_KEY)]
    result = verify(doc)
    assert result.created is None
    assert result.expires == datetime(2030, 1, 1, tzinfo=UTC)


def test_a_proof_context_must_be_the_documents() -> None:
    doc = signed()
    doc["proof"][0]["@context"] = doc["@context"][:1]
    with pytest.raises(InputError, match="@context"):
        verify(doc)
    same = credential()
    proof = signed()["proof"][0] | {"@context": same["@context"]}
    same["proof"] = [resign(same, proof, ISSUER_KEY)]
    assert verify(same).controller == ISSUER


def test_strictness_errors_in_the_proof_itself_are_refused() -> None:
    doc = credential()
    proof = signed()["proof"][0] | {"note": "unsigned?"}
    doc["proof"] = [proof]
    with pytest.raises(JsonLdError):
        verify(doc)


# --- Proof sets and chains --------------------------------------------------------------------


def test_a_proof_set_by_issuer_and_another_signer_verifies_with_a_note() -> None:
    both = signed(
        signed(),
        key=OTHER_KEY,
        verification_method=OTHER_KEY.public_key.did_key_verification_method,
    )
    result = verify(both)
    assert result.controller == ISSUER
    assert any(OTHER_KEY.public_key.did_key in w for w in result.warnings)


def test_every_checked_proof_in_a_set_must_verify() -> None:
    both = signed(
        signed(),
        key=OTHER_KEY,
        verification_method=OTHER_KEY.public_key.did_key_verification_method,
    )
    broken = copy.deepcopy(both)
    broken["proof"][1]["proofValue"] = both["proof"][0]["proofValue"]
    with pytest.raises(SignatureError):
        verify(broken)


def test_a_set_without_a_proof_by_the_issuer_is_refused() -> None:
    others = signed(
        credential(),
        key=OTHER_KEY,
        verification_method=OTHER_KEY.public_key.did_key_verification_method,
    )
    with pytest.raises(VerificationMethodError, match="not by the issuer"):
        verify(others)


def test_proofs_outside_the_allowlist_are_named_not_checked() -> None:
    doc = signed()
    doc["proof"].insert(0, {"type": "SomeProofType", "proofPurpose": "assertionMethod"})
    result = verify(doc)
    assert result.controller == ISSUER
    assert result.warnings == (
        "Proof 1 (SomeProofType) was not checked: its suite is not accepted.",
    )


def _chain(first: dict[str, Any]) -> dict[str, Any]:
    """The credential with ``first`` and an issuer proof chained to it (``previousProof``)."""
    base = credential()
    body = {
        "id": "urn:uuid:second",
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-11-23T00:00:00Z",
        "verificationMethod": FRAGMENT_VM,
        "proofPurpose": "assertionMethod",
        "previousProof": "urn:uuid:first",
    }
    over = base | {"proof": [first]}
    value = ISSUER_KEY.sign(hash_data(over, proof_config(over, body)))
    return base | {"proof": [first, body | {"proofValue": _multibase.encode_base58btc(value)}]}


def test_a_chained_proof_verifies_over_the_proof_it_names() -> None:
    first = resign(credential(), signed()["proof"][0] | {"id": "urn:uuid:first"}, ISSUER_KEY)
    good = _chain(first)
    assert verify(good).controller == ISSUER
    with pytest.raises(InputError, match="previousProof"):
        verify(good | {"proof": good["proof"][1:]})


def test_a_chained_proof_covers_the_earlier_proof() -> None:
    # The earlier proof is of a type this verifier does not check, so only the chain protects it.
    first = signed()["proof"][0] | {"id": "urn:uuid:first", "cryptosuite": "ecdsa-rdfc-2019"}
    good = _chain(first)
    result = verify(good)
    assert result.verification_method == FRAGMENT_VM
    assert "Proof 1 (DataIntegrityProof/ecdsa-rdfc-2019) was not checked" in result.warnings[0]
    tampered = copy.deepcopy(good)
    tampered["proof"][0]["created"] = "2026-11-22T12:00:01Z"
    with pytest.raises(SignatureError):
        verify(tampered)


# --- Key resolution ---------------------------------------------------------------------------

DID_WEB = "did:web:example.edu:issuers:565049"


def web_credential_signed(method: str) -> dict[str, Any]:
    return signed(credential(issuer=DID_WEB), verification_method=method)


def test_did_web_needs_a_document_from_the_caller() -> None:
    doc = web_credential_signed(f"{DID_WEB}#key-1")
    with pytest.raises(VerificationMethodError, match="does not fetch"):
        verify(doc)


def test_did_web_with_the_callers_document() -> None:
    document = parse_did_document(did_web_document(DID_WEB, [("key-1", ISSUER_KEY.public_key)]))
    resolver = default_resolver({DID_WEB: document})
    result = verify(web_credential_signed(f"{DID_WEB}#key-1"), resolver=resolver)
    assert result.controller == DID_WEB
    with pytest.raises(VerificationMethodError, match="not in the DID document"):
        verify(web_credential_signed(f"{DID_WEB}#key-2"), resolver=resolver)
    with pytest.raises(VerificationMethodError, match="names a DID"):
        verify(web_credential_signed(DID_WEB), resolver=resolver)


def test_did_web_method_outside_assertion_method_is_refused() -> None:
    raw = did_web_document(DID_WEB, [("key-1", ISSUER_KEY.public_key)])
    raw["authentication"] = raw.pop("assertionMethod")
    resolver = default_resolver({DID_WEB: parse_did_document(raw)})
    with pytest.raises(VerificationMethodError, match="assertionMethod"):
        verify(web_credential_signed(f"{DID_WEB}#key-1"), resolver=resolver)


@pytest.mark.parametrize(
    ("method", "said"),
    [
        (ISSUER_KEY.public_key.multikey, "cannot be resolved offline"),
        (f"xxx:{ISSUER_KEY.public_key.multikey}", "cannot be resolved offline"),
        (f"did:example:{ISSUER_KEY.public_key.multikey}", "does not fetch"),
        (f"{ISSUER}#z6MkjZRsdasZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi", "not an Ed25519"),
        (f"{ISSUER}#zDnaekGZTbQBerwcehBSXLqAg6s55hVEBms1zFy89VHXtJSa9", "not an Ed25519"),
        ("did:key:z6MkInvalid#z6MkInvalid", "did:key"),
    ],
)
def test_default_resolver_refusals(method: str, said: str) -> None:
    resolve = default_resolver()
    with pytest.raises(VerificationMethodError, match=said) as caught:
        resolve(method, ISSUER)
    assert caught.value.verification_method == method


def test_a_bare_did_key_names_its_only_key() -> None:
    method = default_resolver()(ISSUER_KEY.public_key.did_key, ISSUER)
    assert method.public_key == ISSUER_KEY.public_key
    assert method.controller == ISSUER_KEY.public_key.did_key


def test_a_custom_resolver_gets_the_method_and_the_issuer() -> None:
    calls: list[tuple[str, str]] = []

    def resolver(method_id: str, issuer: str, /) -> VerificationMethod:
        calls.append((method_id, issuer))
        return VerificationMethod(method_id, "Multikey", issuer, ISSUER_KEY.public_key)

    doc = signed(verification_method="https://example.edu/keys/2026")
    assert verify(doc, resolver=resolver).verification_method == "https://example.edu/keys/2026"
    assert calls == [("https://example.edu/keys/2026", ISSUER)]


def test_verify_refuses_a_non_object() -> None:
    with pytest.raises(InputError):
        verify("{}")  # type: ignore[arg-type]


def test_the_module_names_its_constants() -> None:
    assert (
        frozenset({("DataIntegrityProof", "eddsa-rdfc-2022"), ("DataIntegrityProof", "eddsa-2022")})
        == suite.DEFAULT_ALLOWED
    )
    assert suite.PROOF_PURPOSE == "assertionMethod"
    assert isinstance(DEFAULT_LOADER, ContextLoader)
