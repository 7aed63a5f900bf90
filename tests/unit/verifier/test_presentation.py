"""Verifiable presentations: the holder's proof, challenge, domain, holder binding, and every
credential inside verified as it would be on its own, with one honest verdict over all of it.

Credentials come from a real, pinned did:web issuer (tests/unit/_issued.py); the holder is a
TEST-ONLY did:key.
"""

from __future__ import annotations

import base64
import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge import sign_presentation
from leadbadge.crypto.jwk import JoseSigningKey
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import CredentialDocumentError, InputError, LeadbadgeError
from leadbadge.proof import eddsa_rdfc_2022, vc_jwt
from leadbadge.proof.jose import encode_segment
from leadbadge.verifier.presentation import MAX_CREDENTIALS
from leadbadge.verifier.report import (
    PRESENTATION_CHECK_IDS,
    CheckStatus,
    Verdict,
    VerificationFailedError,
)
from leadbadge.verifier.report_presentation import PresentationReport
from leadbadge.verifier.verify import Verifier
from tests.unit._issued import DID_WEB, ISSUED, LATER, World, make_world

P, W, F, U, S, NA = (
    CheckStatus.PASS,
    CheckStatus.WARN,
    CheckStatus.FAIL,
    CheckStatus.UNKNOWN,
    CheckStatus.SKIPPED,
    CheckStatus.NOT_APPLICABLE,
)
CHALLENGE = "1f3c9a52-6d1e-4b7a-8c2d-5e4f3a2b1c0d"
DOMAIN = "https://hiring.example.org"
# TEST-ONLY holder keys.
HOLDER = SigningKey.from_seed(bytes(range(100, 132)))
STRANGER = SigningKey.from_seed(bytes(range(140, 172)))
SIGNED_AT = ISSUED + timedelta(days=2)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> World:
    world = make_world(tmp_path_factory.mktemp("web"), did_web=DID_WEB)
    world.fresh_lists(LATER)
    return world


@pytest.fixture(scope="module")
def creds(web: World) -> list[dict[str, Any]]:
    return [web.issue("initial"), web.issue("building")]


@pytest.fixture(scope="module")
def signed(creds: list[dict[str, Any]]) -> dict[str, Any]:
    return sign_presentation(creds, HOLDER, challenge=CHALLENGE, domain=DOMAIN, created=SIGNED_AT)


def _verify(world: World, data: Any, **kw: Any) -> PresentationReport:
    kw.setdefault("now", LATER)
    return Verifier(world.trust).verify_presentation(data, **kw)


def _statuses(report: PresentationReport) -> dict[str, CheckStatus]:
    return {c.id: c.status for c in report.checks}


# --- a holder-signed presentation --------------------------------------------------------------


def test_a_holder_signed_presentation_is_valid(web: World, signed: dict[str, Any]) -> None:
    report = _verify(web, signed, challenge=CHALLENGE, domain=DOMAIN)
    assert report.verdict is Verdict.VALID
    assert [c.id for c in report.checks] == list(PRESENTATION_CHECK_IDS)
    assert _statuses(report) == {
        "format": P,
        "jsonld": P,
        "holder_proof": P,
        "holder": P,
        "challenge": P,
        "domain": P,
        "credentials": P,
    }
    assert report.summary.holder == HOLDER.public_key.did_key
    assert report.summary.signed is True
    assert (report.summary.challenge, report.summary.domain) == (CHALLENGE, (DOMAIN,))
    assert [c.verdict for c in report.credentials] == [Verdict.VALID, Verdict.VALID]
    assert all(
        c.report is not None and c.report.verdict is Verdict.VALID for c in report.credentials
    )
    assert report.exit_code == 0
    report.raise_for_verdict()


def test_the_json_report_holds_each_credential_report(web: World, signed: dict[str, Any]) -> None:
    out = _verify(web, signed, challenge=CHALLENGE, domain=DOMAIN, source="vp.json").to_json()
    assert out["kind"] == "presentation"
    assert out["verdict"] == "valid"
    assert out["presentation"]["holder"] == HOLDER.public_key.did_key
    assert out["presentation"]["signed"] is True
    assert [c["id"] for c in out["checks"]] == list(PRESENTATION_CHECK_IDS)
    assert all(c["required"] for c in out["checks"])
    first = out["credentials"][0]
    assert (first["position"], first["carried"], first["verdict"]) == (1, "embedded", "valid")
    assert first["report"]["input"] == "vp.json [credential 1]"
    assert first["report"]["credential"]["issuer"]["id"] == DID_WEB
    json.dumps(out)  # plain JSON


def test_a_proof_bound_to_a_challenge_nobody_asked_for_is_reported(
    web: World, signed: dict[str, Any]
) -> None:
    report = _verify(web, signed)
    assert report.verdict is Verdict.VALID
    assert report.check("challenge").status is W
    assert report.check("challenge").code == "UNEXPECTED_CHALLENGE"
    assert report.check("domain").code == "UNEXPECTED_DOMAIN"


# --- tampering ---------------------------------------------------------------------------------


def test_a_changed_credential_inside_breaks_the_presentation(
    web: World, signed: dict[str, Any]
) -> None:
    tampered = copy.deepcopy(signed)
    tampered["verifiableCredential"][0]["credentialSubject"]["achievement"]["name"] += " (gold)"
    report = _verify(web, tampered, challenge=CHALLENGE, domain=DOMAIN)
    assert report.verdict is Verdict.INVALID
    assert report.check("holder_proof").code == "INVALID_SIGNATURE"
    # What the holder's broken proof leaves unestablished is not passed.
    assert _statuses(report)["holder"] is S
    assert _statuses(report)["challenge"] is S
    assert [c.verdict for c in report.credentials] == [Verdict.INVALID, Verdict.VALID]
    assert report.check("credentials").code == "CREDENTIAL_INVALID"
    with pytest.raises(VerificationFailedError, match="The presentation is invalid"):
        report.raise_for_verdict()


def test_a_changed_holder_breaks_the_presentation(web: World, signed: dict[str, Any]) -> None:
    tampered = {**signed, "holder": STRANGER.public_key.did_key}
    report = _verify(web, tampered, challenge=CHALLENGE, domain=DOMAIN)
    assert report.verdict is Verdict.INVALID
    assert report.check("holder_proof").code == "INVALID_SIGNATURE"


@pytest.mark.parametrize(
    ("name", "value"),
    [("id", "urn:uuid:0c0ffee0-0000-4000-8000-000000000001"), ("holder", None)],
)
def test_a_property_added_or_removed_after_signing_fails(
    web: World, signed: dict[str, Any], name: str, value: str | None
) -> None:
    changed = {k: v for k, v in signed.items() if k != name}
    if value is not None:
        changed[name] = value
    report = _verify(web, changed, challenge=CHALLENGE, domain=DOMAIN)
    assert report.verdict is Verdict.INVALID
    assert report.check("holder_proof").status is F


def test_an_undefined_term_the_signature_would_not_cover_fails(
    web: World, signed: dict[str, Any]
) -> None:
    report = _verify(web, {**signed, "note": "added later"}, challenge=CHALLENGE, domain=DOMAIN)
    assert report.verdict is Verdict.INVALID
    assert report.check("jsonld").status is F
    assert report.check("holder_proof").status is S


def test_a_key_that_is_not_the_holders_fails_the_binding(
    web: World, creds: list[dict[str, Any]]
) -> None:
    made = sign_presentation(
        creds,
        STRANGER,
        holder=HOLDER.public_key.did_key,
        verification_method=STRANGER.public_key.did_key_verification_method,
        challenge=CHALLENGE,
        domain=DOMAIN,
        created=SIGNED_AT,
    )
    report = _verify(web, made, challenge=CHALLENGE, domain=DOMAIN)
    assert report.check("holder_proof").status is P
    assert report.check("holder").status is F
    assert report.check("holder").code == "WRONG_HOLDER"
    assert report.verdict is Verdict.INVALID


def test_a_proof_for_another_purpose_does_not_authenticate(
    web: World, creds: list[dict[str, Any]]
) -> None:
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER.public_key.did_key,
        "verifiableCredential": creds,
    }
    made = eddsa_rdfc_2022.sign(
        unsigned,
        HOLDER,
        verification_method=HOLDER.public_key.did_key_verification_method,
        created=SIGNED_AT,
    )
    report = _verify(web, made)
    assert report.check("holder_proof").code == "WRONG_PURPOSE"
    assert report.verdict is Verdict.INVALID


def test_a_holder_key_that_cannot_be_found_offline_is_inconclusive(
    web: World, creds: list[dict[str, Any]]
) -> None:
    made = sign_presentation(
        creds,
        HOLDER,
        holder="did:web:holder.example",
        verification_method="did:web:holder.example#key-1",
        challenge=CHALLENGE,
        created=SIGNED_AT,
    )
    report = _verify(web, made, challenge=CHALLENGE)
    assert report.check("holder_proof").code == "KEY_UNRESOLVABLE"
    assert _statuses(report)["holder"] is S
    # The challenge it carries is not confirmed by an unverified proof, nor reported missing.
    assert report.check("challenge").status is U
    assert report.verdict is Verdict.INCONCLUSIVE


# --- challenge and domain ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "check", "code"),
    [
        ({"challenge": "another-request", "domain": DOMAIN}, "challenge", "CHALLENGE_MISMATCH"),
        ({"challenge": CHALLENGE, "domain": "https://other.example"}, "domain", "DOMAIN_MISMATCH"),
    ],
)
def test_a_wrong_challenge_or_domain_fails(
    web: World, signed: dict[str, Any], options: dict[str, str], check: str, code: str
) -> None:
    report = _verify(web, signed, **options)
    assert report.verdict is Verdict.INVALID
    assert report.check(check).code == code
    assert report.check(check).problem_type == f"INVALID_{check.upper()}_ERROR"


def test_a_missing_challenge_or_domain_fails(web: World, creds: list[dict[str, Any]]) -> None:
    bare = sign_presentation(creds, HOLDER, created=SIGNED_AT)
    report = _verify(web, bare, challenge=CHALLENGE, domain=DOMAIN)
    assert report.verdict is Verdict.INVALID
    assert report.check("challenge").code == "CHALLENGE_MISSING"
    assert report.check("domain").code == "DOMAIN_MISSING"
    # Without expectations the same presentation is fine.
    assert _verify(web, bare).verdict is Verdict.VALID


def test_an_empty_challenge_is_refused(web: World, signed: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="challenge"):
        _verify(web, signed, challenge=" ")


# --- unsigned ----------------------------------------------------------------------------------


def test_an_unsigned_presentation_is_reported_as_such(web: World, signed: dict[str, Any]) -> None:
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    report = _verify(web, unsigned)
    assert report.verdict is Verdict.VALID  # the credentials inside stand on their own proofs
    proof = report.check("holder_proof")
    assert (proof.status, proof.code) == (NA, "NOT_SIGNED")
    assert report.check("holder").status is NA
    assert report.summary.signed is False
    assert [c.verdict for c in report.credentials] == [Verdict.VALID, Verdict.VALID]


def test_an_unsigned_presentation_cannot_answer_a_challenge(
    web: World, signed: dict[str, Any]
) -> None:
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    report = _verify(web, unsigned, challenge=CHALLENGE)
    assert report.verdict is Verdict.INVALID
    assert report.check("challenge").code == "CHALLENGE_MISSING"


# --- the credentials inside --------------------------------------------------------------------


def test_one_revoked_credential_among_valid_ones_makes_it_invalid(tmp_path: Path) -> None:
    world = make_world(tmp_path, did_web=DID_WEB)
    good, revoked = world.issue("initial"), world.issue("building")
    world.issuer.home.change_status(
        revoked["id"], "revoke", actor="registrar", now=ISSUED + timedelta(days=1)
    )
    world.fresh_lists(LATER)
    made = sign_presentation([good, revoked], HOLDER, challenge=CHALLENGE, created=SIGNED_AT)
    report = _verify(world, made, challenge=CHALLENGE)
    assert report.verdict is Verdict.INVALID
    assert report.check("holder_proof").status is P
    assert [c.verdict for c in report.credentials] == [Verdict.VALID, Verdict.INVALID]
    second = report.credentials[1].report
    assert second is not None
    assert second.check("status").code == "REVOKED"
    credentials = report.check("credentials")
    assert credentials.code == "CREDENTIAL_INVALID"
    assert "1 of the 2 credentials is invalid (credential 2)" in credentials.message


def test_an_inconclusive_credential_makes_it_inconclusive(
    web: World, signed: dict[str, Any]
) -> None:
    report = Verifier(web.empty_trust).verify_presentation(
        signed, challenge=CHALLENGE, domain=DOMAIN, now=LATER
    )
    assert report.verdict is Verdict.INCONCLUSIVE
    assert report.check("credentials").status is U
    assert report.exit_code == 2


def test_an_enveloped_vc_jwt_is_verified(web: World, creds: list[dict[str, Any]]) -> None:
    token = vc_jwt.sign(creds[0], JoseSigningKey(web.key()), kid=f"{DID_WEB}#key-1")
    made = sign_presentation([token, creds[1]], HOLDER, created=SIGNED_AT)
    entry = made["verifiableCredential"][0]
    assert entry["type"] == "EnvelopedVerifiableCredential"
    assert entry["id"] == f"data:application/vc+jwt,{token}"
    report = _verify(web, made)
    assert report.verdict is Verdict.VALID
    assert [c.carried for c in report.credentials] == ["enveloped", "embedded"]
    first = report.credentials[0].report
    assert first is not None
    assert first.check("proof").detail["format"] == "VC-JWT"


def test_an_envelope_leadbadge_does_not_read_is_inconclusive(
    web: World, creds: list[dict[str, Any]]
) -> None:
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [
            creds[0],
            {
                "@context": "https://www.w3.org/ns/credentials/v2",
                "id": "data:application/vc+sd-jwt,eyJhbGciOiJFUzI1NiJ9.e30.c2ln~",
                "type": "EnvelopedVerifiableCredential",
            },
        ],
    }
    report = _verify(web, unsigned)
    assert report.verdict is Verdict.INCONCLUSIVE
    second = report.credentials[1]
    assert second.report is None
    assert second.error is not None
    assert "application/vc+sd-jwt" in second.error["message"]


def test_a_garbled_entry_is_invalid(web: World, creds: list[dict[str, Any]]) -> None:
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [creds[0], {"type": "EnvelopedVerifiableCredential"}],
    }
    report = _verify(web, unsigned)
    assert report.verdict is Verdict.INVALID
    assert report.credentials[1].verdict is Verdict.INVALID


def test_an_empty_presentation_has_no_credentials_to_check(web: World) -> None:
    made = sign_presentation([], HOLDER, challenge=CHALLENGE, created=SIGNED_AT)
    report = _verify(web, made, challenge=CHALLENGE)
    assert report.verdict is Verdict.VALID
    assert report.check("credentials").status is NA
    assert report.credentials == ()


def test_a_presentation_of_too_many_credentials_is_refused_unverified(web: World) -> None:
    crowded = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [{"type": ["VerifiableCredential"]}] * (MAX_CREDENTIALS + 1),
    }
    report = _verify(web, crowded)
    assert report.verdict is Verdict.INVALID
    assert report.check("format").code == "MALFORMED"
    assert report.check("credentials").status is S
    assert report.credentials == ()


# --- VC 1.1 ------------------------------------------------------------------------------------


def _vc1_credential() -> dict[str, Any]:
    issuer = SigningKey.from_seed(bytes(range(180, 212)))
    unsigned = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/security/data-integrity/v2",
        ],
        "id": "urn:uuid:7d1b2c3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e",
        "type": ["VerifiableCredential"],
        "issuer": issuer.public_key.did_key,
        "issuanceDate": "2026-11-01T00:00:00Z",
        "credentialSubject": {"id": HOLDER.public_key.did_key},
    }
    return eddsa_rdfc_2022.sign(
        unsigned,
        issuer,
        verification_method=issuer.public_key.did_key_verification_method,
        created=ISSUED,
    )


def test_a_vc_1_1_presentation_verifies_with_a_warning(web: World) -> None:
    made = sign_presentation([_vc1_credential()], HOLDER, challenge=CHALLENGE, created=SIGNED_AT)
    assert made["@context"][0] == "https://www.w3.org/2018/credentials/v1"
    report = _verify(web, made, challenge=CHALLENGE)
    assert report.check("format").code == "OLD_VERSION"
    assert report.check("holder_proof").status is P
    assert report.check("challenge").status is P
    assert report.summary.vc_version == "1.1"
    # The did:key issuer is pinned nowhere: the credential proves integrity, not who issued it.
    assert report.credentials[0].verdict is Verdict.INCONCLUSIVE


def test_vc_1_1_and_2_0_credentials_cannot_share_a_presentation(
    creds: list[dict[str, Any]],
) -> None:
    with pytest.raises(InputError, match=r"mix VC 1\.1 and VC 2\.0"):
        sign_presentation([creds[0], _vc1_credential()], HOLDER)


# --- VP-JWT ------------------------------------------------------------------------------------


def _vp_jwt(payload: dict[str, Any], *, key: SigningKey = HOLDER, typ: str = "JWT") -> str:
    header = {"alg": "EdDSA", "typ": typ, "kid": key.public_key.did_key_verification_method}
    signing_input = f"{encode_segment(header)}.{encode_segment(payload)}"
    signature = JoseSigningKey(key).sign(signing_input.encode("ascii"))
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _vc1_vp_claims(web: World, creds: list[dict[str, Any]]) -> dict[str, Any]:
    token = vc_jwt.sign(creds[0], JoseSigningKey(web.key()), kid=f"{DID_WEB}#key-1")
    return {
        "iss": HOLDER.public_key.did_key,
        "aud": DOMAIN,
        "nonce": CHALLENGE,
        "jti": "urn:uuid:3a9c1f52-0b7e-4d6a-9c8b-1e2f3a4b5c6d",
        "nbf": int(SIGNED_AT.timestamp()),
        "vp": {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [token, creds[1]],
        },
    }


def test_a_vc_1_1_vp_jwt_is_verified(web: World, creds: list[dict[str, Any]]) -> None:
    token = _vp_jwt(_vc1_vp_claims(web, creds))
    report = _verify(web, token, challenge=CHALLENGE, domain=DOMAIN)
    assert report.verdict is Verdict.VALID, report.to_json()
    assert report.summary.source_format == "jwt"
    assert report.summary.holder == HOLDER.public_key.did_key  # from iss
    assert report.check("holder_proof").detail["vpClaim"] is True
    assert report.check("jsonld").status is NA
    assert [c.carried for c in report.credentials] == ["jwt", "embedded"]
    wrong = _verify(web, token, challenge="another-request")
    assert wrong.check("challenge").code == "CHALLENGE_MISMATCH"


def test_a_vc_2_0_vp_jwt_is_verified(web: World, creds: list[dict[str, Any]]) -> None:
    made = sign_presentation(creds, HOLDER)
    payload = {k: v for k, v in made.items() if k != "proof"}
    token = _vp_jwt({**payload, "iss": HOLDER.public_key.did_key, "nonce": CHALLENGE}, typ="vp+jwt")
    report = _verify(web, token, challenge=CHALLENGE)
    assert report.verdict is Verdict.VALID, report.to_json()
    assert "vpClaim" not in report.check("holder_proof").detail


def test_a_tampered_or_foreign_vp_jwt_fails(web: World, creds: list[dict[str, Any]]) -> None:
    token = _vp_jwt(_vc1_vp_claims(web, creds))
    head, _body, signature = token.split(".")
    claims = _vc1_vp_claims(web, creds)
    claims["nonce"] = "changed"
    forged = f"{head}.{encode_segment(claims)}.{signature}"
    report = _verify(web, forged)
    assert report.check("holder_proof").code == "INVALID_SIGNATURE"
    assert report.verdict is Verdict.INVALID
    # Signed by a key that is not the holder's (iss).
    other = _vp_jwt(_vc1_vp_claims(web, creds), key=STRANGER)
    report = _verify(web, other)
    assert report.check("holder").code == "WRONG_HOLDER"
    assert report.verdict is Verdict.INVALID


def test_an_expired_vp_jwt_fails(web: World, creds: list[dict[str, Any]]) -> None:
    claims = {
        **_vc1_vp_claims(web, creds),
        "exp": int((SIGNED_AT + timedelta(hours=1)).timestamp()),
    }
    report = _verify(web, _vp_jwt(claims))
    assert report.check("holder_proof").code == "PROOF_EXPIRED"


# --- which method reads what -------------------------------------------------------------------


def test_verify_refuses_a_presentation_and_verify_presentation_a_credential(
    web: World, signed: dict[str, Any], creds: list[dict[str, Any]]
) -> None:
    verifier = Verifier(web.trust)
    with pytest.raises(CredentialDocumentError, match="is a verifiable presentation"):
        verifier.verify(signed, now=LATER)
    with pytest.raises(CredentialDocumentError, match="not a verifiable presentation"):
        verifier.verify_presentation(creds[0], now=LATER)
    assert isinstance(verifier.verify_any(signed, now=LATER), PresentationReport)
    assert verifier.verify_any(creds[0], now=LATER).verdict is Verdict.VALID
    with pytest.raises(CredentialDocumentError, match="cannot answer a challenge"):
        verifier.verify_any(creds[0], challenge=CHALLENGE, now=LATER)


def test_a_presentation_file_is_read_like_a_credential_file(
    web: World, signed: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "vp.json"
    path.write_text(json.dumps(signed), encoding="utf-8")
    report = Verifier(web.trust).verify_presentation(
        path, challenge=CHALLENGE, domain=DOMAIN, now=LATER
    )
    assert report.verdict is Verdict.VALID
    assert report.input == str(path)
    assert report.credentials[1].report is not None
    assert report.credentials[1].report.input == f"{path} [credential 2]"


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))]
    return [path]


def _changed(doc: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    parent: Any = out
    for step in path[:-1]:
        parent = parent[step]
    value = parent[path[-1]]
    if isinstance(value, bool):
        parent[path[-1]] = not value
    elif isinstance(value, int | float):
        parent[path[-1]] = value + 1
    else:
        parent[path[-1]] = f"{value}x"
    return out


def test_no_changed_value_anywhere_keeps_the_holders_proof(signed: dict[str, Any]) -> None:
    """Every value the holder signed is covered: the presentation's own, each credential's
    (its proof included) and the holder's proof options. A sample of every sixth leaf keeps
    the test fast; the leaves are listed in document order, so each part is sampled."""
    leaves = _leaves(signed)
    assert len(leaves) > 60
    for path in leaves[::6]:
        with pytest.raises(LeadbadgeError):
            eddsa_rdfc_2022.verify(
                _changed(signed, path),
                issuer=HOLDER.public_key.did_key,
                purpose=eddsa_rdfc_2022.AUTHENTICATION,
            )
