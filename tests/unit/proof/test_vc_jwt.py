"""VC-JWT: signing, verification, the claim rules of OB 3.0 §8.2 and every refusal."""

from __future__ import annotations

import base64
import copy
import json
from datetime import timedelta
from typing import Any

import pytest

from leadbadge.crypto.jwk import JoseSigningKey
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import (
    InputError,
    SignatureError,
    UnsupportedProofError,
    VerificationMethodError,
)
from leadbadge.proof import vc_jwt
from leadbadge.proof.vc_jwt import (
    credential_from_payload,
    default_resolver,
    did_document_key,
    looks_like_jwt,
    parse,
    sign,
    verify,
)
from tests.conftest import FIXED_NOW, interop_path

# TEST-ONLY keys.
RSA = JoseSigningKey.generate("RS256")
EC = JoseSigningKey.generate("ES256")
ED_SIGNING = SigningKey.from_seed(bytes(range(32)))
ED = JoseSigningKey(ED_SIGNING)
DID = "did:web:rcoe.example.org:leadership"
ISSUER = "https://example.edu/issuers/565049"

CREDENTIAL: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:6a9c92a9-2530-4e2b-9776-530467e9bbe0",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": ISSUER, "type": ["Profile"], "name": "Example University"},
    "validFrom": "2026-01-01T00:00:00Z",
    "validUntil": "2031-01-01T00:00:00Z",
    "name": "Teamwork",
    "credentialSubject": {
        "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://example.edu/achievements/teamwork",
            "type": ["Achievement"],
            "name": "Teamwork",
            "description": "Works in a team.",
            "criteria": {"narrative": "Nominated by peers."},
        },
    },
}


def _segment(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _forge(header: dict[str, Any], payload: dict[str, Any], key: JoseSigningKey = RSA) -> str:
    """A token with exactly this header and payload, signed by ``key``."""
    signing_input = f"{_segment(header)}.{_segment(payload)}"
    return f"{signing_input}.{_segment(key.sign(signing_input.encode()))}"


def _payload(token: str) -> dict[str, Any]:
    return parse(token).payload


# --- signing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [RSA, EC, ED], ids=["RS256", "ES256", "EdDSA"])
def test_sign_and_verify_each_algorithm(key: JoseSigningKey) -> None:
    token = sign(CREDENTIAL, key, kid=None, issued_at=FIXED_NOW)
    assert looks_like_jwt(token)
    parsed = parse(token)
    assert parsed.header == {"alg": key.alg, "typ": "JWT", "jwk": key.public_key.to_jwk()}
    payload = parsed.payload
    assert payload["iss"] == ISSUER
    assert payload["jti"] == CREDENTIAL["id"]
    assert payload["sub"] == CREDENTIAL["credentialSubject"]["id"]
    assert payload["nbf"] == 1767225600
    assert payload["exp"] == 1924992000
    assert payload["iat"] == int(FIXED_NOW.timestamp())
    result = verify(token)
    assert result.alg == key.alg
    assert result.key_source == "jwk"
    assert result.controller == ISSUER
    assert result.signed_at == FIXED_NOW
    assert result.warnings == ()
    assert result.form == "vc2"
    # The credential read back is the credential signed.
    assert credential_from_payload(payload).document == CREDENTIAL


def test_sign_refuses_what_cannot_be_a_vc_jwt() -> None:
    with pytest.raises(InputError, match="kid or a jwk"):
        sign(CREDENTIAL, RSA, kid=None, include_jwk=False)
    with pytest.raises(InputError, match="JWT claims"):
        sign({**CREDENTIAL, "iss": ISSUER}, RSA, kid=None)
    with pytest.raises(InputError, match="validFrom"):
        sign({k: v for k, v in CREDENTIAL.items() if k != "validFrom"}, RSA, kid=None)
    with pytest.raises(InputError, match="fractions of a second"):
        sign({**CREDENTIAL, "validFrom": "2026-01-01T00:00:00.5Z"}, RSA, kid=None)


def test_a_subject_without_id_gets_no_sub_claim() -> None:
    doc = copy.deepcopy(CREDENTIAL)
    del doc["credentialSubject"]["id"]
    token = sign(doc, EC, kid=None)
    assert "sub" not in _payload(token)
    assert verify(token).warnings == ()


# --- the signature and the algorithm -------------------------------------------------------------


def test_a_changed_payload_fails_the_signature() -> None:
    token = sign(CREDENTIAL, RSA, kid=None)
    header, _payload_segment, signature = token.split(".")
    changed = _payload(token)
    changed["name"] = "Astronaut"
    with pytest.raises(SignatureError):
        verify(f"{header}.{_segment(changed)}.{signature}")


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_alg_none_is_refused(alg: str) -> None:
    payload = _payload(sign(CREDENTIAL, RSA, kid=None))
    token = f"{_segment({'alg': alg, 'jwk': RSA.public_key.to_jwk()})}.{_segment(payload)}."
    with pytest.raises(InputError, match="unsigned"):
        verify(token)


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_mac_algorithms_are_refused(alg: str) -> None:
    payload = _payload(sign(CREDENTIAL, RSA, kid=None))
    header = {"alg": alg, "jwk": RSA.public_key.to_jwk()}
    with pytest.raises(InputError, match="shared-secret MAC"):
        verify(_forge(header, payload))


def test_the_policy_allowlist_decides_which_algorithms_are_checked() -> None:
    token = sign(CREDENTIAL, EC, kid=None)
    with pytest.raises(UnsupportedProofError, match="ES256"):
        verify(token, allowed={"RS256"})
    assert verify(token, allowed={"ES256"}).alg == "ES256"
    payload = _payload(token)
    with pytest.raises(UnsupportedProofError, match="PS256"):
        verify(_forge({"alg": "PS256", "jwk": RSA.public_key.to_jwk()}, payload), allowed={"PS256"})


def test_an_algorithm_that_does_not_fit_the_key_is_refused() -> None:
    payload = _payload(sign(CREDENTIAL, RSA, kid=None))
    # An RSA key with a header claiming ES256: the key decides, so this is refused.
    with pytest.raises(InputError, match="does not fit its key"):
        verify(_forge({"alg": "ES256", "jwk": RSA.public_key.to_jwk()}, payload))
    with pytest.raises(InputError, match="does not fit its key"):
        verify(_forge({"alg": "RS256", "jwk": ED.public_key.to_jwk()}, payload, ED))


def test_critical_extensions_are_refused_and_extra_headers_warned() -> None:
    payload = _payload(sign(CREDENTIAL, RSA, kid=None))
    jwk = RSA.public_key.to_jwk()
    with pytest.raises(InputError, match="crit"):
        verify(_forge({"alg": "RS256", "jwk": jwk, "crit": ["b64"], "b64": False}, payload))
    result = verify(_forge({"alg": "RS256", "jwk": jwk, "cty": "vc", "typ": "odd"}, payload))
    assert any("cty" in w for w in result.warnings)
    assert any("typ" in w for w in result.warnings)


def test_a_private_jwk_in_the_header_is_refused() -> None:
    payload = _payload(sign(CREDENTIAL, EC, kid=None))
    header = {"alg": "ES256", "jwk": {**EC.public_key.to_jwk(), "d": "c2VjcmV0"}}
    with pytest.raises(InputError, match="private"):
        verify(_forge(header, payload, EC))


# --- finding the key ---------------------------------------------------------------------------


def test_no_kid_and_no_jwk_means_no_key() -> None:
    payload = _payload(sign(CREDENTIAL, RSA, kid=None))
    with pytest.raises(VerificationMethodError, match="neither a kid nor a jwk"):
        verify(_forge({"alg": "RS256", "typ": "JWT"}, payload))


def test_a_did_key_kid_is_resolved_offline() -> None:
    did_key = ED_SIGNING.public_key.did_key
    doc = {**CREDENTIAL, "issuer": did_key}
    token = sign(doc, ED, kid=ED_SIGNING.public_key.did_key_verification_method, include_jwk=False)
    result = verify(token)
    assert result.key_source == "kid"
    assert result.controller == did_key
    # The same key under another issuer is not the issuer's.
    other = sign(CREDENTIAL, ED, kid=ED_SIGNING.public_key.did_key_verification_method)
    with pytest.raises(VerificationMethodError, match="not by the issuer"):
        verify(other)


def _did_document(*, assertion: bool = True) -> dict[str, Any]:
    method = {
        "id": f"{DID}#jwk-1",
        "type": "JsonWebKey",
        "controller": DID,
        "publicKeyJwk": RSA.public_key.to_jwk(),
    }
    document: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": DID,
        "verificationMethod": [method],
    }
    if assertion:
        document["assertionMethod"] = [f"{DID}#jwk-1"]
    return document


def test_a_did_web_kid_needs_its_did_document() -> None:
    doc = {**CREDENTIAL, "issuer": {"id": DID, "type": ["Profile"], "name": "RCOE"}}
    token = sign(doc, RSA, kid=f"{DID}#jwk-1")
    with pytest.raises(VerificationMethodError, match="does not fetch"):
        verify(token)
    resolver = default_resolver({DID: _did_document()})
    result = verify(token, resolver=resolver)
    assert (result.kid, result.controller, result.key_source) == (f"{DID}#jwk-1", DID, "kid")
    with pytest.raises(VerificationMethodError, match="assertionMethod"):
        verify(token, resolver=default_resolver({DID: _did_document(assertion=False)}))


def test_a_kid_and_a_jwk_must_name_the_same_key() -> None:
    doc = {**CREDENTIAL, "issuer": {"id": DID, "type": ["Profile"], "name": "RCOE"}}
    payload = _payload(sign(doc, RSA, kid=f"{DID}#jwk-1"))
    other = JoseSigningKey.generate("RS256")
    header = {"alg": "RS256", "kid": f"{DID}#jwk-1", "jwk": other.public_key.to_jwk()}
    with pytest.raises(VerificationMethodError, match="not the key its kid"):
        verify(_forge(header, payload, other), resolver=default_resolver({DID: _did_document()}))


def test_did_document_keys_carry_their_end() -> None:
    document = _did_document()
    document["verificationMethod"][0]["revoked"] = "2026-06-01T00:00:00Z"
    key = did_document_key(document, f"{DID}#jwk-1")
    assert key.valid_until is not None
    assert key.valid_until.isoformat() == "2026-06-01T00:00:00+00:00"
    with pytest.raises(VerificationMethodError):
        did_document_key(document, "did:web:elsewhere.example#jwk-1")


def test_the_fragment_convention_resolves_an_ed25519_kid() -> None:
    kid = f"{ISSUER}#{ED_SIGNING.public_key.multikey}"
    result = verify(sign(CREDENTIAL, ED, kid=kid, include_jwk=False))
    assert result.controller == ISSUER
    with pytest.raises(VerificationMethodError):
        verify(sign(CREDENTIAL, RSA, kid="https://example.edu/keys/1", include_jwk=False))


# --- the claim rules: OB 3.0 §8.2.6 --------------------------------------------------------------


@pytest.mark.parametrize(
    ("claim", "value", "message"),
    [
        ("iss", "https://elsewhere.example/issuer", "iss claim"),
        ("jti", "urn:uuid:00000000-0000-4000-8000-000000000000", "jti claim"),
        ("sub", "did:example:someone-else", "sub claim"),
        ("nbf", 1767225601, "nbf claim"),
        ("exp", 1924992001, "exp claim"),
        ("nbf", "2026-01-01", "NumericDate"),
        ("exp", True, "NumericDate"),
    ],
)
def test_claims_that_contradict_the_credential_are_refused(
    claim: str, value: Any, message: str
) -> None:
    payload = _payload(sign(CREDENTIAL, RSA, kid=None))
    payload[claim] = value
    with pytest.raises(InputError, match=message):
        verify(_forge({"alg": "RS256", "jwk": RSA.public_key.to_jwk()}, payload))


@pytest.mark.parametrize("claim", ["iss", "jti", "sub", "nbf"])
def test_missing_required_claims_are_warnings(claim: str) -> None:
    payload = _payload(sign(CREDENTIAL, RSA, kid=None))
    del payload[claim]
    result = verify(_forge({"alg": "RS256", "jwk": RSA.public_key.to_jwk()}, payload))
    assert any(claim in w for w in result.warnings)


def test_exp_sets_a_missing_valid_until() -> None:
    payload = _payload(sign(CREDENTIAL, RSA, kid=None))
    del payload["validUntil"]
    credential = credential_from_payload(payload)
    assert credential.document["validUntil"] == "2031-01-01T00:00:00Z"
    assert "exp" not in credential.document
    assert verify(_forge({"alg": "RS256", "jwk": RSA.public_key.to_jwk()}, payload)).warnings == ()


def test_a_vc_1_1_token_is_read_from_its_vc_claim() -> None:
    vc = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": {"name": "Example"},
        "credentialSubject": {"name": "Ana"},
    }
    payload = {
        "vc": vc,
        "iss": ISSUER,
        "jti": "urn:uuid:1",
        "sub": "did:example:ana",
        "nbf": 1262304000,
        "exp": 1924992000,
    }
    credential = credential_from_payload(payload)
    assert credential.form == "vc1"
    doc = credential.document
    assert doc["id"] == "urn:uuid:1"
    assert doc["issuer"] == {"name": "Example", "id": ISSUER}
    assert doc["issuanceDate"] == "2010-01-01T00:00:00Z"
    assert doc["expirationDate"] == "2031-01-01T00:00:00Z"
    assert doc["credentialSubject"]["id"] == "did:example:ana"
    result = verify(_forge({"alg": "RS256", "jwk": RSA.public_key.to_jwk()}, payload))
    assert result.form == "vc1"
    with pytest.raises(InputError, match="'vc' claim"):
        credential_from_payload({"vc": "not a credential"})


# --- what a token looks like --------------------------------------------------------------


def test_what_looks_like_a_jwt() -> None:
    token = sign(CREDENTIAL, EC, kid=None)
    assert looks_like_jwt(token)
    assert not looks_like_jwt("abc.def.ghi")
    assert not looks_like_jwt('{"a": 1}')
    assert not looks_like_jwt(token + ".x")


def test_the_spec_examples_verify_with_their_header_jwk() -> None:
    folder = interop_path("ob-spec-examples", "rendered-spec-v1.0.14")
    tokens = sorted(folder.glob("*.jwt"))
    assert len(tokens) == 8
    for path in tokens:
        result = vc_jwt.verify(path.read_text())
        assert result.alg == "RS256"
        assert result.key_source == "jwk"
        assert result.warnings == ("The JWT has no nbf claim, which OB 3.0 requires.",)
        unsigned = json.loads(
            path.with_name(path.name.replace(".jwt", ".unsigned.json")).read_text()
        )
        assert credential_from_payload(parse(path.read_text()).payload).document == unsigned


def test_signed_at_prefers_iat_then_nbf() -> None:
    token = sign(CREDENTIAL, EC, kid=None)
    assert verify(token).signed_at == FIXED_NOW.replace(year=2026, month=1, day=1, hour=0)
    later = sign(CREDENTIAL, EC, kid=None, issued_at=FIXED_NOW + timedelta(days=3))
    assert verify(later).signed_at == FIXED_NOW + timedelta(days=3)
