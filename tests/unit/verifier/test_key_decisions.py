"""The issuer_key decisions a verdict rests on: a pinned key's period against the date a
credential says it was signed, and which verification methods stand for the pinned issuer.

A credential that says nowhere when it was signed (no proof ``created``, no JWT ``iat``/``nbf``,
no ``validFrom``) cannot be placed in a key's period: ``unknown`` (inconclusive), never a pass.
Such credentials are plain VerifiableCredentials, which the VC data model lets go without
``validFrom``, so that the key check alone decides the verdict.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge import TrustStore, VerificationPolicy, Verifier
from leadbadge.crypto.jwk import JoseSigningKey
from leadbadge.crypto.keys import SigningKey
from leadbadge.issuer.jose import add_jose_key, jose_keys, jose_signing_key
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.verifier.report import CheckStatus, Verdict, VerificationReport
from tests.unit._issued import DID_WEB, ISSUED, LATER, PASSPHRASE, World, make_world

P, W, F, U = CheckStatus.PASS, CheckStatus.WARN, CheckStatus.FAIL, CheckStatus.UNKNOWN
AT = LATER


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> World:
    world = make_world(tmp_path_factory.mktemp("keys"), did_web=DID_WEB)
    world.fresh_lists(AT)
    return world


def _plain(world: World, *, dated: bool) -> dict[str, Any]:
    """An unsigned plain VerifiableCredential of the issuer, with or without validFrom."""
    doc = {k: v for k, v in world.issue().items() if k != "proof"}
    doc["type"] = ["VerifiableCredential"]
    if not dated:
        del doc["validFrom"]
    return doc


def _segment(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _jwt(unsigned: dict[str, Any], key: JoseSigningKey, kid: str | None, **claims: Any) -> str:
    """A VC-JWT made by hand: ``iss`` and ``jti`` and only the date claims given; without a
    ``kid`` the header carries the public key (``jwk``, OB 3.0 §8.2.3)."""
    payload = {**unsigned, "iss": DID_WEB, "jti": unsigned["id"], **claims}
    named = {"kid": kid} if kid is not None else {"jwk": key.public_key.to_jwk()}
    signing_input = f"{_segment({'alg': key.alg, **named, 'typ': 'JWT'})}.{_segment(payload)}"
    signature = key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _key(report: VerificationReport) -> tuple[CheckStatus, str | None]:
    key = report.check("issuer_key")
    return key.status, key.code


# --- no date to place the proof in the key's period ------------------------------------------


def test_an_undated_data_integrity_credential_is_inconclusive(web: World) -> None:
    undated = web.sign_with_options(_plain(web, dated=False))
    report = Verifier(web.trust).verify(undated, now=AT)
    assert _key(report) == (U, "KEY_PERIOD_UNKNOWN")
    assert report.check("issuer_key").detail["keyPeriod"] == {
        "validFrom": "2026-11-23T12:00:00Z",
        "validUntil": None,
    }
    assert {c.id for c in report.checks if c.status not in (P, W)} == {
        "issuer_key",
        "recipient",
    }
    assert report.verdict is Verdict.INCONCLUSIVE
    # A date from the proof, or from validFrom, places it: the same key then passes.
    for dated in (
        web.sign_with_options(_plain(web, dated=False), created="2026-11-23T13:00:00Z"),
        web.sign_with_options(_plain(web, dated=True)),
    ):
        report = Verifier(web.trust).verify(dated, now=AT)
        assert _key(report) == (P, None)
        assert report.check("issuer_key").detail["signedAt"] == "2026-11-23T13:00:00Z"
        assert report.verdict is Verdict.VALID


def test_a_vc_1_1_issuance_date_places_an_undated_proof(web: World) -> None:
    # No proof date and no validFrom: a VC 1.1 credential's issuanceDate is its own date.
    for day, expected in (("2026-11-23T13:00:00Z", (P, None)), ("2026-11-01T00:00:00Z", None)):
        unsigned = {
            "@context": [
                "https://www.w3.org/2018/credentials/v1",
                "https://w3id.org/security/data-integrity/v2",
            ],
            "id": "urn:uuid:3c1d2f4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
            "type": ["VerifiableCredential"],
            "issuer": DID_WEB,
            "issuanceDate": day,
            "credentialSubject": {"id": "did:example:ana"},
        }
        report = Verifier(web.trust).verify(web.sign_with_options(unsigned), now=AT)
        key = report.check("issuer_key")
        assert key.detail["signedAt"] == day
        if expected is None:
            assert (key.status, key.code) == (F, "WRONG_KEY")
        else:
            assert (key.status, key.code) == expected


def test_the_proof_date_wins_over_valid_from(web: World) -> None:
    # validFrom inside the key's period, the proof made before the key existed: WRONG_KEY.
    early = web.sign_with_options(_plain(web, dated=True), created="2026-11-01T00:00:00Z")
    report = Verifier(web.trust).verify(early, now=AT)
    assert _key(report) == (F, "WRONG_KEY")
    assert report.check("issuer_key").detail["signedAt"] == "2026-11-01T00:00:00Z"
    assert report.verdict is Verdict.INVALID


def _did_document_store(world: World, root: Path, expires: str | None) -> TrustStore:
    """A store where only the issuer's DID document is pinned, its key ending at ``expires``."""
    document = json.loads((world.site / "leadership" / "did.json").read_text())
    if expires is not None:
        for method in document["verificationMethod"]:
            method["expires"] = expires
    path = root / "did.json"
    path.write_text(json.dumps(document))
    store = TrustStore.open(root / "trust")
    store.add_published(path, now=AT)
    return store


def test_a_key_pinned_without_a_period_needs_no_date(web: World, tmp_path: Path) -> None:
    store = _did_document_store(web, tmp_path, None)
    lists = web.list_documents(AT)
    report = Verifier(store).verify(
        web.sign_with_options(_plain(web, dated=False)), now=AT, status_lists=lists
    )
    assert _key(report) == (P, None)
    assert report.check("issuer_key").detail.get("keyPeriod") is None
    assert report.verdict is Verdict.VALID


def test_a_key_pinned_with_only_an_end_still_needs_a_date(web: World, tmp_path: Path) -> None:
    store = _did_document_store(web, tmp_path, "2027-06-01T00:00:00Z")
    lists = web.list_documents(AT)
    verifier = Verifier(store)
    report = verifier.verify(
        web.sign_with_options(_plain(web, dated=False)), now=AT, status_lists=lists
    )
    assert _key(report) == (U, "KEY_PERIOD_UNKNOWN")
    assert report.check("issuer_key").detail["keyPeriod"] == {
        "validFrom": None,
        "validUntil": "2027-06-01T00:00:00Z",
    }
    assert report.verdict is Verdict.INCONCLUSIVE
    dated = web.sign_with_options(_plain(web, dated=False), created="2026-11-23T13:00:00Z")
    assert verifier.verify(dated, now=AT, status_lists=lists).verdict is Verdict.VALID
    late = web.sign_with_options(_plain(web, dated=False), created="2027-06-01T00:00:01Z")
    report = verifier.verify(late, now=AT, status_lists=lists)
    assert (_key(report), report.verdict) == ((F, "WRONG_KEY"), Verdict.INVALID)


def test_an_undated_vc_jwt_is_inconclusive(web: World) -> None:
    key = JoseSigningKey(web.key())
    kid = f"{DID_WEB}#key-1"
    undated = _jwt(_plain(web, dated=False), key, kid)
    report = Verifier(web.trust).verify(undated, now=AT)
    assert report.check("proof").status is W  # no nbf: OB 3.0 requires one
    assert _key(report) == (U, "KEY_PERIOD_UNKNOWN")
    assert report.verdict is Verdict.INCONCLUSIVE
    # iat dates it.
    issued_at = int(ISSUED.timestamp())
    report = Verifier(web.trust).verify(
        _jwt(_plain(web, dated=False), key, kid, iat=issued_at), now=AT
    )
    assert _key(report) == (P, None)
    assert report.verdict is Verdict.VALID


def test_a_token_carrying_its_key_is_judged_against_the_pinned_keys(web: World) -> None:
    dated = _plain(web, dated=True)
    issued_at = int(ISSUED.timestamp())
    verifier = Verifier(web.trust)
    pinned = verifier.verify(_jwt(dated, JoseSigningKey(web.key()), None, nbf=issued_at), now=AT)
    assert (_key(pinned), pinned.verdict) == ((P, None), Verdict.VALID)
    other = JoseSigningKey(SigningKey.generate())
    forged = verifier.verify(_jwt(dated, other, None, nbf=issued_at), now=AT)
    assert (_key(forged), forged.verdict) == ((F, "WRONG_KEY"), Verdict.INVALID)


def test_a_kid_of_an_issuer_nobody_pinned_is_not_a_key_that_passes(tmp_path: Path) -> None:
    # Even a policy that does not require a trusted issuer needs the kid resolved: a did:web
    # key cannot be, offline and unpinned, so the key is unknown and the verdict not valid.
    world = make_world(tmp_path, did_web=DID_WEB)
    token = _jwt(
        _plain(world, dated=True),
        JoseSigningKey(world.key()),
        f"{DID_WEB}#key-1",
        nbf=int(ISSUED.timestamp()),
    )
    policy = VerificationPolicy(require_trusted_issuer=False, unsafe_skip_status=True)
    report = Verifier(TrustStore.open(tmp_path / "empty"), policy).verify(token, now=AT)
    assert report.check("proof").status is not P
    assert report.check("issuer_key").status is not P
    assert report.verdict is not Verdict.VALID


def test_an_undated_vc_jwt_signed_with_a_retired_json_web_key(tmp_path: Path) -> None:
    world = make_world(tmp_path, did_web=DID_WEB)
    home = world.issuer.home
    add_jose_key(home, "ES256", PASSPHRASE, now=ISSUED)
    retired_at = ISSUED + timedelta(days=10)
    add_jose_key(home, "ES256", PASSPHRASE, now=retired_at)
    record = next(r for r in jose_keys(home) if r.n == 1)
    assert record.valid_until == retired_at
    world.fresh_lists(AT)
    world.trust.add_published(world.site, now=AT)
    key = jose_signing_key(home, record, PASSPHRASE)
    kid = record.verification_method
    verifier = Verifier(world.trust)

    def verify(**claims: Any) -> VerificationReport:
        dated = "nbf" in claims
        unsigned = _plain(world, dated=dated)
        if dated:
            start = datetime.fromtimestamp(claims["nbf"], UTC)
            unsigned["validFrom"] = start.isoformat().replace("+00:00", "Z")
        return verifier.verify(_jwt(unsigned, key, kid, **claims), now=AT)

    report = verify()
    assert _key(report) == (U, "KEY_PERIOD_UNKNOWN")
    assert report.check("issuer_key").detail["keyPeriod"] == {"validUntil": "2026-12-03T13:00:00Z"}
    assert report.verdict is Verdict.INCONCLUSIVE
    inside = int((retired_at - timedelta(days=1)).timestamp())
    for claims in ({"iat": inside}, {"nbf": inside}):
        report = verify(**claims)
        assert _key(report) == (P, None), claims
        assert report.verdict is Verdict.VALID
    edge = int(retired_at.timestamp())
    assert _key(verify(iat=edge)) == (P, None)
    report = verify(iat=edge + 1)
    assert (_key(report), report.verdict) == ((F, "WRONG_KEY"), Verdict.INVALID)
    # A token with no date claims is placed by the credential's own date: validFrom, or a
    # VC 1.1 issuanceDate.
    for claim in ("validFrom", "issuanceDate"):
        for day, expected in (
            (retired_at - timedelta(days=1), P),
            (retired_at + timedelta(days=1), F),
        ):
            unsigned = _plain(world, dated=False)
            unsigned[claim] = day.isoformat().replace("+00:00", "Z")
            report = verifier.verify(_jwt(unsigned, key, kid), now=AT)
            assert _key(report)[0] is expected, (claim, day, report.check("issuer_key").message)


# --- which verification methods stand for the pinned issuer ----------------------------------


def _entry_path(store_root: Path, issuer_id: str) -> Path:
    """The store's file for an issuer (docs/trust.md, "Where the store lives")."""
    digest = hashlib.sha256(issuer_id.encode("utf-8")).hexdigest()[:16]
    return store_root / "issuers" / f"{digest}.json"


def test_a_proof_under_a_pinned_identity_must_use_a_pinned_key(web: World, tmp_path: Path) -> None:
    stranger = SigningKey.generate()
    doc = eddsa_rdfc_2022.sign(
        web.issue(),
        stranger,
        verification_method=stranger.public_key.did_key_verification_method,
        created=ISSUED,
    )
    lists = web.list_documents(AT)
    store = TrustStore.open(tmp_path / "trust")
    store.add_published(web.site, now=AT)
    # Another party's proof beside the issuer's: the issuer's proof decides, the other is named.
    report = Verifier(store).verify(doc, now=AT, status_lists=lists)
    assert (report.check("proof").status, report.check("proof").code) == (W, "OTHER_PROOFS")
    assert _key(report) == (P, None)
    assert report.verdict is Verdict.VALID
    # The same proof when the pinned entry names that did:key as one of the issuer's own ids
    # (an entry written by another tool; docs/trust.md allows ids without keys): a key the
    # issuer's own id names must be one of its pinned keys, so the credential is refused.
    path = _entry_path(tmp_path / "trust", DID_WEB)
    entry = json.loads(path.read_text())
    entry["identities"] = [*entry["identities"], stranger.public_key.did_key]
    path.write_text(json.dumps(entry))
    report = Verifier(TrustStore.open(tmp_path / "trust")).verify(doc, now=AT, status_lists=lists)
    assert _key(report) == (F, "WRONG_KEY")
    assert report.check("issuer_key").detail["verificationMethod"] == (
        stranger.public_key.did_key_verification_method
    )
    assert "not one of the keys pinned" in report.check("issuer_key").message
    assert report.verdict is Verdict.INVALID


def test_a_proof_under_the_issuer_id_with_a_key_not_pinned_is_refused(web: World) -> None:
    stranger = SigningKey.generate()
    unsigned = {k: v for k, v in web.issue().items() if k != "proof"}
    for vm in (f"{DID_WEB}#key-9", f"{DID_WEB}#{stranger.public_key.multikey}"):
        doc = eddsa_rdfc_2022.sign(unsigned, stranger, verification_method=vm, created=ISSUED)
        report = Verifier(web.trust).verify(doc, now=AT)
        assert _key(report) == (F, "WRONG_KEY"), vm
        assert "not one of the keys pinned" in report.check("issuer_key").message
        assert report.verdict is Verdict.INVALID


def test_an_untrusted_issuer_policy_does_not_relax_the_key_period(web: World) -> None:
    # Not requiring a trusted issuer does not relax the key's period.
    relaxed = VerificationPolicy(require_trusted_issuer=False)
    report = Verifier(web.trust, relaxed).verify(
        web.sign_with_options(_plain(web, dated=False)), now=AT
    )
    assert _key(report) == (U, "KEY_PERIOD_UNKNOWN")
    assert report.verdict is Verdict.INCONCLUSIVE


def test_an_unpinned_did_web_key_written_as_a_multikey_fragment_is_not_resolved(
    tmp_path: Path,
) -> None:
    # '<did:web:…>#z6Mk…' carries a public key in its fragment, but only the DID document says
    # whether the DID holds that key: offline and unpinned the key is unknown, whatever policy.
    world = make_world(tmp_path, did_web=DID_WEB)
    unsigned = {k: v for k, v in world.issue().items() if k != "proof"}
    multikey = world.key().public_key.multikey
    signed = world.sign_with_options(
        unsigned, verificationMethod=f"{DID_WEB}#{multikey}", created="2026-11-23T13:00:00Z"
    )
    policy = VerificationPolicy(require_trusted_issuer=False, unsafe_skip_status=True)
    report = Verifier(TrustStore.open(tmp_path / "empty"), policy).verify(signed, now=AT)
    assert report.check("issuer_key").status is not P
    assert report.verdict is not Verdict.VALID


def test_a_vc_jwt_under_its_issuers_multikey_proves_integrity_when_unpinned(
    tmp_path: Path,
) -> None:
    # 1EdTech's '<issuer id>#<publicKeyMultibase>' as a kid: the key is in the kid itself, so
    # the token is checked against it; without a pin that proves integrity, not who issued it.
    issuer = "https://badges.example.edu/issuers/7"
    signing = SigningKey.generate()
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:8a9b0c1d-2e3f-4a5b-8c7d-9e0f1a2b3c4d",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": ISSUED.isoformat().replace("+00:00", "Z"),
        "credentialSubject": {"id": "did:example:ana"},
    }
    payload = {**unsigned, "iss": issuer, "jti": unsigned["id"], "nbf": int(ISSUED.timestamp())}
    key = JoseSigningKey(signing)
    header = {"alg": key.alg, "kid": f"{issuer}#{signing.public_key.multikey}", "typ": "JWT"}
    signing_input = f"{_segment(header)}.{_segment(payload)}"
    signature = base64.urlsafe_b64encode(key.sign(signing_input.encode("ascii")))
    token = f"{signing_input}.{signature.rstrip(b'=').decode()}"
    policy = VerificationPolicy(require_trusted_issuer=False)
    report = Verifier(TrustStore.open(tmp_path / "empty"), policy).verify(token, now=AT)
    assert report.check("proof").status in (P, W)
    assert _key(report) == (P, None)
    assert report.verdict is Verdict.VALID
