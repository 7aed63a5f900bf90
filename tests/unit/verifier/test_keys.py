"""Keys pinned by hand (``trust add-key``) as the verifier uses them, end to end: VC-JWTs signed
with ES256, ES384, RS256 or EdDSA by an issuer known only by its key verify valid whether the
token names the key (kid), carries it (jwk) or neither names a key the verifier can find (the
key is known out of band); the algorithm is always the pinned key's, never the header's; the
key's period is respected; an RSA or EC key cannot stand behind a Data Integrity proof.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from leadbadge import TrustStore, Verifier, sign_credential
from leadbadge.crypto.jwk import JoseSigningKey, PublicJwk
from leadbadge.crypto.keys import SigningKey
from leadbadge.proof import vc_jwt
from leadbadge.trust.by_key import issuer_from_key, read_public_key
from leadbadge.verifier.report import CheckStatus, Verdict, VerificationReport
from tests.conftest import FIXED_NOW

ISSUER = "https://badges.example.edu/issuers/1"
SIGNED = datetime.fromisoformat("2026-11-01T12:00:00+00:00")
#: A kid the verifier cannot dereference offline: the key must be known out of band.
OPAQUE_KID = "https://badges.example.edu/keys/2026"
# TEST-ONLY keys, made once: RSA generation is slow.
RSA = JoseSigningKey.generate("RS256")
P256 = JoseSigningKey.generate("ES256")
P384 = JoseSigningKey.generate("ES384")
ED = JoseSigningKey(SigningKey.generate())
OTHER_EC = JoseSigningKey.generate("ES256")
OTHER_RSA = JoseSigningKey.generate("RS256")
P, F = CheckStatus.PASS, CheckStatus.FAIL


def _unsigned() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:7f1b9c2e-3d4a-4b5c-8d6e-9f0a1b2c3d4e",
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "validFrom": "2026-11-01T12:00:00Z",
        "credentialSubject": {"id": "did:example:ana"},
    }


def _pin(
    tmp_path: Path,
    *keys: PublicJwk | str,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> TrustStore:
    """A store with ISSUER pinned by ``keys`` (a key, or what ``trust add-key`` reads)."""
    store = TrustStore.open(tmp_path / "trust")
    for key in keys:
        public = read_public_key(key) if isinstance(key, str) else key
        published = issuer_from_key(
            ISSUER,
            public,
            existing=store.find_issuer(ISSUER),
            valid_from=valid_from,
            valid_until=valid_until,
        )
        store.pin(published, pinned_at=SIGNED)
    return store


def _verify(store: TrustStore, token: str) -> VerificationReport:
    return Verifier(store).verify(token, now=FIXED_NOW)


def _valid(report: VerificationReport) -> None:
    assert report.verdict is Verdict.VALID, [(c.id, c.status, c.message) for c in report.checks]
    assert report.check("issuer_key").status is P
    assert report.check("proof").status is P


def _segment(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _forged(header: dict[str, Any], sign: Any) -> str:
    """A token with this header over the credential's payload, signed by ``sign(input)``."""
    payload = {**_unsigned(), "iss": ISSUER, "jti": _unsigned()["id"], "sub": "did:example:ana"}
    payload["nbf"] = int(SIGNED.timestamp())
    signing_input = f"{_segment(header)}.{_segment(payload)}"
    signature = sign(signing_input.encode("ascii"))
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _jwk_file(tmp_path: Path, key: JoseSigningKey) -> str:
    path = tmp_path / "issuer-key.json"
    path.write_text(json.dumps(key.public_key.to_jwk()))
    return str(path)


def _pem_file(tmp_path: Path, key: JoseSigningKey) -> str:
    inner: Any = key._key
    pem = inner.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    path = tmp_path / "issuer-key.pem"
    path.write_bytes(pem)
    return str(path)


# --- valid: the pinned key signed it, however the token names it -------------------------------


@pytest.mark.parametrize("given", ["jwk", "pem"])
@pytest.mark.parametrize("key", [P256, RSA], ids=["ES256", "RS256"])
def test_a_vc_jwt_by_an_issuer_pinned_by_key_verifies(
    tmp_path: Path, key: JoseSigningKey, given: str
) -> None:
    store = _pin(tmp_path, _jwk_file(tmp_path, key) if given == "jwk" else _pem_file(tmp_path, key))
    (pinned,) = store.list()
    (pinned_key,) = pinned.json_web_keys
    # Named by the id the key was pinned under, carried in the header, or neither.
    for token in (
        vc_jwt.sign(_unsigned(), key, kid=pinned_key.id, include_jwk=False, issued_at=SIGNED),
        vc_jwt.sign(_unsigned(), key, kid=None, include_jwk=True, issued_at=SIGNED),
        vc_jwt.sign(_unsigned(), key, kid=OPAQUE_KID, include_jwk=False, issued_at=SIGNED),
        vc_jwt.sign(_unsigned(), key, kid=OPAQUE_KID, include_jwk=True, issued_at=SIGNED),
        vc_jwt.sign(_unsigned(), key, kid=key.public_key.thumbprint, include_jwk=False),
    ):
        report = _verify(store, token)
        _valid(report)
        assert report.check("proof").detail["alg"] == key.alg
        issuer_key = report.check("issuer_key")
        assert issuer_key.detail["jwkThumbprint"] == key.public_key.thumbprint
        assert "pinned for this issuer by key" in issuer_key.message


def test_es384_with_a_p384_multikey_and_eddsa_beside_it(tmp_path: Path) -> None:
    multikey = P384.public_key.multikey
    assert multikey is not None
    store = _pin(tmp_path, multikey, ED.public_key)
    _valid(_verify(store, vc_jwt.sign(_unsigned(), P384, kid=OPAQUE_KID, include_jwk=False)))
    ed_kid = f"{ISSUER}#{ED.public_key.multikey}"
    _valid(_verify(store, vc_jwt.sign(_unsigned(), ED, kid=ed_kid, include_jwk=False)))
    # The issuer's other key, found by trying the pinned keys of the token's algorithm.
    _valid(_verify(store, vc_jwt.sign(_unsigned(), ED, kid=OPAQUE_KID, include_jwk=False)))


# --- refused: another key, or an algorithm the pinned key does not have --------------------------


def _refused(report: VerificationReport) -> None:
    assert report.verdict is Verdict.INVALID, [(c.id, c.status, c.message) for c in report.checks]
    assert report.check("proof").status is F


def test_a_token_signed_with_another_key_is_refused(tmp_path: Path) -> None:
    store = _pin(tmp_path, P256.public_key)
    unnamed = _verify(store, vc_jwt.sign(_unsigned(), OTHER_EC, kid=OPAQUE_KID, include_jwk=False))
    _refused(unnamed)
    assert unnamed.check("proof").code == "INVALID_SIGNATURE"
    assert (unnamed.check("issuer_key").status, unnamed.check("issuer_key").code) == (
        F,
        "WRONG_KEY",
    )
    # Carrying its own key does not help: it is not the pinned one.
    for kid in (None, OPAQUE_KID):
        carried = _verify(store, vc_jwt.sign(_unsigned(), OTHER_EC, kid=kid, include_jwk=True))
        _refused(carried)
        assert carried.check("issuer_key").code == "WRONG_KEY"
    # Naming the pinned key while signed with another is a bad signature.
    named = vc_jwt.sign(
        _unsigned(), OTHER_EC, kid=f"{ISSUER}#{P256.public_key.multikey}", include_jwk=False
    )
    assert _verify(store, named).check("proof").code == "INVALID_SIGNATURE"


def test_a_header_naming_rs256_for_a_pinned_ec_key_is_refused(tmp_path: Path) -> None:
    store = _pin(tmp_path, P256.public_key)
    for kid in (OPAQUE_KID, f"{ISSUER}#{P256.public_key.multikey}"):
        token = _forged({"alg": "RS256", "kid": kid, "typ": "JWT"}, OTHER_RSA.sign)
        report = _verify(store, token)
        _refused(report)
        assert (
            "does not fit its key (a P-256 key signs with ES256)" in report.check("proof").message
        )


def test_a_header_naming_es256_for_a_pinned_rsa_key_is_refused(tmp_path: Path) -> None:
    store = _pin(tmp_path, RSA.public_key)
    token = _forged({"alg": "ES256", "kid": OPAQUE_KID, "typ": "JWT"}, OTHER_EC.sign)
    report = _verify(store, token)
    _refused(report)
    assert "a RSA 2048-bit key signs with RS256" in report.check("proof").message


def test_an_unsigned_token_or_a_mac_keyed_with_the_public_key_is_refused(tmp_path: Path) -> None:
    store = _pin(tmp_path, _pem_file(tmp_path, RSA))
    unsigned = _forged({"alg": "none", "kid": OPAQUE_KID, "typ": "JWT"}, lambda _: b"")
    report = _verify(store, unsigned)
    _refused(report)
    assert "unsigned" in report.check("proof").message
    # The classic confusion: the verifier's own public key used as an HMAC secret.
    for secret in (
        Path(_pem_file(tmp_path, RSA)).read_bytes(),
        json.dumps(RSA.public_key.to_jwk()).encode(),
    ):
        mac = _forged(
            {"alg": "HS256", "kid": OPAQUE_KID, "typ": "JWT"},
            lambda data, secret=secret: hmac.new(secret, data, hashlib.sha256).digest(),
        )
        report = _verify(store, mac)
        _refused(report)
        assert "shared-secret MAC" in report.check("proof").message


# --- the key's period ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "issued_at", "status"),
    [
        ({"valid_from": SIGNED - timedelta(days=1)}, SIGNED, P),
        ({"valid_until": SIGNED + timedelta(days=1)}, SIGNED, P),
        ({"valid_until": SIGNED - timedelta(days=1)}, SIGNED, F),
        ({"valid_from": SIGNED + timedelta(days=1)}, SIGNED, F),
        # Without iat the token counts as signed at its nbf (the credential's validFrom).
        ({"valid_from": SIGNED + timedelta(days=1)}, None, F),
        ({"valid_until": SIGNED}, None, P),
    ],
)
def test_a_key_pinned_for_a_period_vouches_only_within_it(
    tmp_path: Path, period: dict[str, datetime], issued_at: datetime | None, status: CheckStatus
) -> None:
    store = _pin(tmp_path, RSA.public_key, **period)
    token = vc_jwt.sign(_unsigned(), RSA, kid=OPAQUE_KID, include_jwk=False, issued_at=issued_at)
    report = _verify(store, token)
    key = report.check("issuer_key")
    assert key.status is status, key.message
    if status is F:
        assert key.code == "WRONG_KEY"
        assert report.verdict is Verdict.INVALID
    else:
        assert report.verdict is Verdict.VALID


# --- Data Integrity proofs need an Ed25519 key ---------------------------------------------------


def test_an_ec_key_pinned_by_hand_cannot_stand_behind_a_data_integrity_proof(
    tmp_path: Path,
) -> None:
    store = _pin(tmp_path, P256.public_key)
    vm = f"{ISSUER}#{P256.public_key.multikey}"
    signed = sign_credential(_unsigned(), SigningKey.generate(), verification_method=vm)
    report = Verifier(store).verify(signed, now=FIXED_NOW)
    assert report.verdict is Verdict.INVALID
    key = report.check("issuer_key")
    assert (key.status, key.code) == (F, "WRONG_KEY")
    assert "as a P-256 key, which verifies VC-JWTs (ES256) only" in key.message


def test_an_ed25519_key_pinned_by_hand_still_verifies_data_integrity_proofs(
    tmp_path: Path,
) -> None:
    signer = SigningKey.generate()
    store = _pin(tmp_path, PublicJwk.from_verifying_key(signer.public_key), RSA.public_key)
    vm = f"{ISSUER}#{signer.public_key.multikey}"
    report = Verifier(store).verify(
        sign_credential(_unsigned(), signer, verification_method=vm), now=FIXED_NOW
    )
    _valid(report)
