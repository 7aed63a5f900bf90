"""Verifier: every check, every status, and the verdict they add up to.

Credentials come from the real issuer side (tests/unit/_issued.py: issuer home, publish, trust
store), so each test runs what a verifier of leadbadge credentials runs.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import CredentialDocumentError, InputError
from leadbadge.issuer.issue import Issuer
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.trust.store import TrustStore
from leadbadge.verifier.report import (
    CHECK_IDS,
    CheckStatus,
    Verdict,
    VerificationFailedError,
    VerificationReport,
)
from leadbadge.verifier.verify import DEFAULT_CLOCK_SKEW, VerificationPolicy, Verifier
from tests.conftest import FIXED_NOW, interop_path
from tests.unit._issued import (
    ANA,
    DID_WEB,
    ISSUED,
    LATER,
    PASSPHRASE,
    URL,
    World,
    evidence_for,
    make_world,
)

P, W, F, U, S, NA = (
    CheckStatus.PASS,
    CheckStatus.WARN,
    CheckStatus.FAIL,
    CheckStatus.UNKNOWN,
    CheckStatus.SKIPPED,
    CheckStatus.NOT_APPLICABLE,
)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("web"), did_web=DID_WEB)


@pytest.fixture(scope="module")
def didkey(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("didkey"), did_web=None)


def _statuses(report: VerificationReport) -> dict[str, CheckStatus]:
    return {c.id: c.status for c in report.checks}


def _verify(subject: World | TrustStore | None, doc: Any, **kw: Any) -> VerificationReport:
    """Verify at ``now`` (default LATER); a World's trust store gets lists of that date first."""
    kw.setdefault("now", LATER)
    policy = kw.pop("policy", None)
    if isinstance(subject, World):
        subject.fresh_lists(kw["now"])
        subject = subject.trust
    return Verifier(subject, policy).verify(doc, **kw)


# --- a credential from a pinned issuer -------------------------------------------------------


def test_pinned_did_web_credential_is_valid_with_every_check_listed(web: World) -> None:
    report = _verify(web, web.issue(), recipient="ana.ruiz@example.org")
    assert report.verdict is Verdict.VALID
    assert [c.id for c in report.checks] == list(CHECK_IDS)
    assert set(_statuses(report).values()) == {P}
    status = report.check("status")
    assert [(e["purpose"], e["result"], e["bit"]) for e in status.detail["entries"]] == [
        ("revocation", "ok", 0),
        ("suspension", "ok", 0),
    ]
    assert all(e["source"].startswith("trust store") for e in status.detail["entries"])
    assert status.message == (
        "Not revoked as of 2026-12-23T12:00:00Z; not suspended as of 2026-12-23T12:00:00Z."
    )
    key = report.check("issuer_key")
    assert key.detail["source"] == "trust store"
    assert key.detail["verificationMethod"] == f"{DID_WEB}#key-1"
    assert key.detail["keyPeriod"] == {"validFrom": "2026-11-23T12:00:00Z", "validUntil": None}
    trust = report.check("issuer_trust")
    assert trust.detail["tier"] == "initial"
    assert trust.detail["pinnedAt"] == "2026-11-23T12:00:00Z"
    assert trust.detail["source"].endswith("keys.json")
    assert report.exit_code == 0
    report.raise_for_verdict()


def test_summary_names_issuer_tier_achievement_recipient_and_dates(web: World) -> None:
    doc = web.issue("building")
    summary = _verify(web, doc).summary
    assert summary is not None
    assert summary.issuer_id == DID_WEB
    assert summary.issuer_name == "Riverside County Office of Education"
    assert summary.tier == "building"
    assert summary.achievement_id == f"{URL}/achievements/building.json"
    assert summary.achievement_name == web.issuer.framework.tier("building").name
    assert summary.recipient_name == "Ana Ruiz"
    assert summary.valid_from == "2026-11-23T13:00:00Z"
    assert summary.valid_until == doc["validUntil"]
    assert (summary.vc_version, summary.ob_version, summary.source_format) == (
        "2.0",
        "3.0.3",
        "json",
    )


@pytest.mark.parametrize("form", ["dict", "bytes", "text", "path"])
def test_every_input_form_gives_the_same_verdict(web: World, tmp_path: Path, form: str) -> None:
    doc = web.issue()
    data: Any = {
        "dict": doc,
        "bytes": json.dumps(doc).encode(),
        "text": json.dumps(doc),
        "path": tmp_path / "c.json",
    }[form]
    (tmp_path / "c.json").write_text(json.dumps(doc))
    report = _verify(web, data, source="my-label")
    assert report.verdict is Verdict.VALID
    assert report.input == "my-label"


def test_the_callers_document_is_not_changed(web: World) -> None:
    doc = web.issue()
    before = copy.deepcopy(doc)
    _verify(web, doc)
    assert doc == before


# --- tampering and the proof ------------------------------------------------------------


def test_tampered_credential_is_invalid_and_content_checks_are_skipped(web: World) -> None:
    doc = web.issue()
    doc["credentialSubject"]["achievement"]["name"] = "Superintendent"
    report = _verify(web, doc, recipient="ana.ruiz@example.org")
    assert report.verdict is Verdict.INVALID
    proof = report.check("proof")
    assert (proof.status, proof.code, proof.problem_type) == (
        F,
        "INVALID_SIGNATURE",
        "PROOF_VERIFICATION_ERROR",
    )
    assert report.check("issuer_key").status is P
    for check_id in ("schema", "issuer_trust", "validity", "status", "recipient"):
        assert report.check(check_id).status is S, check_id
    assert report.exit_code == 1
    with pytest.raises(VerificationFailedError, match="invalid"):
        report.raise_for_verdict()


def test_recipient_not_asked_stays_not_applicable_after_a_failed_proof(web: World) -> None:
    doc = web.issue()
    doc["validUntil"] = "2099-01-01T00:00:00Z"
    assert _statuses(_verify(web, doc))["recipient"] is NA


def test_missing_proof_is_no_proof(web: World) -> None:
    doc = web.issue()
    del doc["proof"]
    report = _verify(web, doc)
    assert report.verdict is Verdict.INVALID
    assert report.check("proof").code == "NO_PROOF"
    assert report.check("issuer_key").status is S


def test_unsupported_proof_is_unknown_never_pass(web: World) -> None:
    doc = web.issue()
    doc["proof"][0]["cryptosuite"] = "ecdsa-rdfc-2019"
    report = _verify(web, doc)
    assert report.verdict is Verdict.INCONCLUSIVE
    proof = report.check("proof")
    assert (proof.status, proof.code) == (U, "UNSUPPORTED_PROOF")
    assert proof.detail["found"] == ["DataIntegrityProof/ecdsa-rdfc-2019"]


def test_a_suite_left_out_of_the_policy_is_not_checked(web: World) -> None:
    policy = VerificationPolicy(allowed_proofs=frozenset({("DataIntegrityProof", "eddsa-2022")}))
    report = _verify(web, web.issue(), policy=policy)
    assert report.check("proof").code == "UNSUPPORTED_PROOF"
    assert report.verdict is Verdict.INCONCLUSIVE


def test_malformed_proof_value_fails(web: World) -> None:
    doc = web.issue()
    doc["proof"][0]["proofValue"] = "not-multibase"
    report = _verify(web, doc)
    assert report.check("proof").code == "MALFORMED_PROOF"
    assert report.check("issuer_key").status is S
    assert report.verdict is Verdict.INVALID


def test_wrong_proof_purpose_fails_without_looking_up_a_key(web: World) -> None:
    doc = web.issue()
    doc["proof"][0]["proofPurpose"] = "authentication"
    report = _verify(web, doc)
    assert report.check("proof").code == "MALFORMED_PROOF"
    assert report.check("issuer_key").status is S


def test_expired_proof_fails(web: World) -> None:
    unsigned = {k: v for k, v in web.issue().items() if k != "proof"}
    doc = web.sign_with_options(
        unsigned, created="2026-11-23T13:00:00Z", expires="2026-12-01T00:00:00Z"
    )
    report = _verify(web, doc, now=FIXED_NOW + timedelta(days=3))
    assert report.check("proof").status is P
    report = _verify(web, doc, now=FIXED_NOW + timedelta(days=30))
    assert report.check("proof").code == "PROOF_EXPIRED"
    assert report.verdict is Verdict.INVALID


def test_signing_time_falls_back_to_valid_from_and_is_unknown_without_either(
    web: World,
) -> None:
    unsigned = {k: v for k, v in web.issue().items() if k != "proof"}
    dated = _verify(web, web.sign_with_options(unsigned))
    assert dated.check("issuer_key").detail["signedAt"] == unsigned["validFrom"]
    assert dated.verdict is Verdict.VALID
    del unsigned["validFrom"]
    undated = _verify(web, web.sign_with_options(unsigned))
    key = undated.check("issuer_key")
    assert (key.status, key.code) == (U, "KEY_PERIOD_UNKNOWN")
    assert undated.check("schema").status is F  # OB 3.0 requires validFrom


def test_legacy_suite_name_is_a_warning_and_still_valid() -> None:
    path = interop_path("1edtech-validator", "ob30", "simple-eddsa-2022.json")
    report = _verify(None, path, policy=VerificationPolicy(require_trusted_issuer=False))
    proof = report.check("proof")
    assert (proof.status, proof.code) == (W, "LEGACY_SUITE")
    assert report.check("format").code == "OLD_VERSION"  # VC 1.1 and OB context 3.0.1
    assert report.verdict is Verdict.VALID


# --- JSON-LD and format ---------------------------------------------------------------------


def test_undefined_term_fails_jsonld_and_the_signature_is_not_checked(web: World) -> None:
    doc = web.issue()
    doc["favouriteColour"] = "green"
    report = _verify(web, doc)
    jsonld = report.check("jsonld")
    assert (jsonld.status, jsonld.code) == (F, "MALFORMED")
    assert "favouriteColour" in jsonld.message
    assert report.check("proof").status is S
    assert report.verdict is Verdict.INVALID


def test_context_not_shipped_is_unknown(web: World) -> None:
    doc = web.issue()
    doc["@context"] = [*doc["@context"], "https://w3id.org/citizenship/v4rc1"]
    report = _verify(web, doc)
    jsonld = report.check("jsonld")
    assert (jsonld.status, jsonld.code) == (U, "CONTEXT_UNAVAILABLE")
    assert jsonld.detail["url"] == "https://w3id.org/citizenship/v4rc1"
    assert report.check("proof").status is U
    assert report.check("proof").code == "CONTEXT_UNAVAILABLE"
    assert report.verdict is Verdict.INCONCLUSIVE


def test_openbadges_2_assertion_is_named() -> None:
    doc = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://example.org/assertions/1",
        "recipient": {"type": "email", "hashed": False, "identity": "a@example.org"},
    }
    report = _verify(None, doc)
    assert report.check("format").status is F
    assert "Open Badges 2.0" in report.check("format").message
    assert report.verdict is Verdict.INVALID


def test_plain_json_object_is_not_a_credential() -> None:
    report = _verify(None, {"name": "hello"})
    assert report.check("format").status is F
    assert report.check("format").message.startswith("This is not a Verifiable Credential")
    assert report.verdict is Verdict.INVALID
    assert report.summary is not None
    assert report.summary.issuer_id is None


def test_a_non_badge_credential_is_a_format_warning() -> None:
    path = interop_path("1edtech-validator", "ob30", "bit-string-list", "testlist.json")
    report = _verify(None, path, policy=VerificationPolicy(require_trusted_issuer=False))
    fmt = report.check("format")
    assert (fmt.status, fmt.code) == (W, "NOT_OPEN_BADGE")
    assert report.verdict is Verdict.VALID


def test_subject_without_id_or_identifier_is_a_schema_warning(web: World) -> None:
    doc = web.issue()
    del doc["credentialSubject"]["identifier"]
    report = _verify(web, web.resign(doc))
    schema = report.check("schema")
    assert (schema.status, schema.code) == (W, "NONCONFORMANT")
    assert report.verdict is Verdict.VALID
    recipient = _verify(web, web.resign(doc), recipient="ana.ruiz@example.org")
    assert recipient.check("recipient").code == "NO_IDENTIFIER"
    assert recipient.verdict is Verdict.INCONCLUSIVE


def test_data_model_error_fails_schema(web: World) -> None:
    doc = web.issue()
    doc["credentialSubject"]["creditsEarned"] = "twelve"
    report = _verify(web, web.resign(doc))
    schema = report.check("schema")
    assert (schema.status, schema.code) == (F, "NONCONFORMANT")
    assert "/credentialSubject/creditsEarned" in schema.message
    assert report.verdict is Verdict.INVALID


def test_unreadable_input_is_an_error_not_a_report() -> None:
    with pytest.raises(CredentialDocumentError, match="not valid JSON"):
        Verifier(None).verify(b"{not json")


# --- the issuer's key -----------------------------------------------------------------------


def test_unpinned_did_web_issuer_is_inconclusive(web: World) -> None:
    report = _verify(web.empty_trust, web.issue())
    assert report.verdict is Verdict.INCONCLUSIVE
    key = report.check("issuer_key")
    assert (key.status, key.code) == (U, "KEY_UNRESOLVABLE")
    assert "trust add" in (key.action or "")
    assert report.check("proof").status is U
    assert report.check("issuer_trust").code == "NOT_PINNED"
    assert report.exit_code == 2


def test_no_trust_store_at_all_says_so(web: World) -> None:
    report = _verify(None, web.issue())
    assert "no trust store was given" in report.check("issuer_trust").message


def test_unpinned_did_key_issuer_proves_integrity_not_identity(didkey: World) -> None:
    doc = didkey.issue()
    report = _verify(didkey.empty_trust, doc)
    key = report.check("issuer_key")
    assert key.status is P
    assert key.detail["source"] == "did:key, not pinned"
    assert report.check("issuer_trust").status is U
    assert report.verdict is Verdict.INCONCLUSIVE
    relaxed = VerificationPolicy(require_trusted_issuer=False)
    # Its status lists, signed by the same did:key, handed in with it.
    lists = didkey.list_documents(LATER)
    assert _verify(didkey.empty_trust, doc, policy=relaxed).verdict is Verdict.INCONCLUSIVE
    report = _verify(didkey.empty_trust, doc, policy=relaxed, status_lists=lists)
    assert report.verdict is Verdict.VALID
    assert report.check("status").detail["entries"][0]["source"] == "given with the credential"


def test_pinned_did_key_issuer_is_valid(didkey: World) -> None:
    report = _verify(didkey, didkey.issue("district"))
    assert report.verdict is Verdict.VALID
    assert report.check("issuer_key").detail["source"] == "trust store"
    assert report.check("issuer_trust").detail["tier"] == "district"


def test_key_not_in_the_pinned_history_is_wrong_key(web: World) -> None:
    stranger = SigningKey.generate()
    unsigned = {k: v for k, v in web.issue().items() if k != "proof"}
    forged = eddsa_rdfc_2022.sign(
        unsigned, stranger, verification_method=f"{DID_WEB}#key-9", created=ISSUED
    )
    report = _verify(web, forged)
    key = report.check("issuer_key")
    assert (key.status, key.code) == (F, "WRONG_KEY")
    assert report.check("proof").code == "WRONG_KEY"
    assert report.verdict is Verdict.INVALID


def test_embedded_key_form_cannot_stand_in_for_a_pinned_issuer(web: World) -> None:
    stranger = SigningKey.generate()
    unsigned = {k: v for k, v in web.issue().items() if k != "proof"}
    forged = eddsa_rdfc_2022.sign(
        unsigned,
        stranger,
        verification_method=f"{DID_WEB}#{stranger.public_key.multikey}",
        created=ISSUED,
    )
    report = _verify(web, forged)
    assert report.check("issuer_key").code == "WRONG_KEY"
    assert report.verdict is Verdict.INVALID
    # Unpinned, a did:web key can only come from the DID document: it is not taken from the
    # fragment, so the credential is not even shown to be unchanged.
    loose = _verify(web.empty_trust, forged)
    assert loose.check("issuer_key").code == "KEY_UNRESOLVABLE"
    assert loose.verdict is Verdict.INCONCLUSIVE


def test_embedded_key_of_a_url_issuer_proves_integrity_only() -> None:
    path = interop_path("1edtech-validator", "ob30", "simple.json")
    report = _verify(None, path, policy=VerificationPolicy(require_trusted_issuer=False))
    key = report.check("issuer_key")
    assert key.status is P
    assert key.detail["source"] == "embedded in the credential (integrity only)"
    assert report.verdict is Verdict.VALID
    doc = json.loads(path.read_text())
    doc["issuer"]["id"] = "https://other.example/issuers/1"
    report = _verify(None, doc, policy=VerificationPolicy(require_trusted_issuer=False))
    assert report.check("issuer_key").code == "WRONG_KEY"
    assert "not under the issuer" in report.check("issuer_key").message


def test_did_key_of_someone_else_is_wrong_key(web: World) -> None:
    stranger = SigningKey.generate()
    unsigned = {k: v for k, v in web.issue().items() if k != "proof"}
    forged = eddsa_rdfc_2022.sign(
        unsigned,
        stranger,
        verification_method=stranger.public_key.did_key_verification_method,
        created=ISSUED,
    )
    report = _verify(
        web.empty_trust, forged, policy=VerificationPolicy(require_trusted_issuer=False)
    )
    key = report.check("issuer_key")
    assert (key.status, key.code) == (F, "WRONG_KEY")
    assert "not by the issuer" in key.message
    assert report.verdict is Verdict.INVALID


def test_proof_set_with_an_endorsers_proof_relies_on_the_issuers(web: World) -> None:
    endorser = SigningKey.generate()
    doc = eddsa_rdfc_2022.sign(
        web.issue(),
        endorser,
        verification_method=endorser.public_key.did_key_verification_method,
        created=ISSUED,
    )
    assert len(doc["proof"]) == 2
    report = _verify(web, doc)
    proof = report.check("proof")
    assert (proof.status, proof.code) == (W, "OTHER_PROOFS")
    assert proof.detail["verificationMethod"] == f"{DID_WEB}#key-1"
    assert report.check("issuer_key").detail["source"] == "trust store"
    assert report.verdict is Verdict.VALID


def test_a_pinned_issuers_credential_signed_only_by_another_did_is_wrong_key(web: World) -> None:
    unsigned = {k: v for k, v in web.issue().items() if k != "proof"}
    stranger = SigningKey.generate()
    by_did_key = eddsa_rdfc_2022.sign(
        unsigned,
        stranger,
        verification_method=stranger.public_key.did_key_verification_method,
        created=ISSUED,
    )
    by_did_web = eddsa_rdfc_2022.sign(
        unsigned, stranger, verification_method="did:web:evil.example#key-1", created=ISSUED
    )
    for forged in (by_did_key, by_did_web):
        report = _verify(web, forged)
        assert report.check("issuer_key").code == "WRONG_KEY", report.check("issuer_key")
        assert report.verdict is Verdict.INVALID


def test_rotation_keeps_old_credentials_valid_and_dates_the_old_key(tmp_path: Path) -> None:
    world = make_world(tmp_path, did_web=DID_WEB)
    old = world.issue()
    rotated_at = FIXED_NOW + timedelta(days=2)
    world.issuer.home.rotate(PASSPHRASE, now=rotated_at)
    world.publisher().publish(world.site, now=rotated_at)
    world.trust.add_published(world.site, now=rotated_at)
    report = _verify(world, old)
    assert report.verdict is Verdict.VALID
    assert report.check("issuer_key").detail["keyPeriod"]["validUntil"] == "2026-11-25T12:00:00Z"
    # The retired key signing after its period: the signature is fine, the key was not in use.
    late = world.resign(old, created=rotated_at + timedelta(days=1), n=1)
    report = _verify(world, late)
    assert report.check("proof").status is P
    key = report.check("issuer_key")
    assert (key.status, key.code) == (F, "WRONG_KEY")
    assert key.detail["signedAt"] == "2026-11-26T12:00:00Z"
    assert report.verdict is Verdict.INVALID
    # And the new key signs for the issuer from the rotation on.
    fresh = Issuer.open(world.issuer.home.path, passphrase=PASSPHRASE)
    new = fresh.issue(
        "initial",
        ANA,
        evidence=evidence_for(fresh.framework.tier("initial")),
        now=rotated_at + timedelta(hours=1),
    )
    assert _verify(world, copy.deepcopy(new.document)).verdict is Verdict.VALID


def test_damaged_trust_store_entry_is_reported_not_raised(tmp_path: Path, web: World) -> None:
    store = tmp_path / "trust"
    (store / "issuers").mkdir(parents=True)
    (store / "issuers" / "0123456789abcdef.json").write_text("{not json")
    report = _verify(TrustStore.open(store), web.issue())
    trust = report.check("issuer_trust")
    assert (trust.status, trust.code) == (U, "TRUST_STORE_ERROR")
    assert report.check("issuer_key").code == "TRUST_STORE_ERROR"
    assert report.verdict is Verdict.INCONCLUSIVE


def test_achievement_the_pinned_issuer_did_not_publish_is_a_warning(web: World) -> None:
    doc = web.issue()
    doc["credentialSubject"]["achievement"]["id"] = f"{URL}/achievements/superintendent.json"
    report = _verify(web, web.resign(doc))
    trust = report.check("issuer_trust")
    assert (trust.status, trust.code) == (W, "UNKNOWN_ACHIEVEMENT")
    assert report.verdict is Verdict.VALID


# --- validity window --------------------------------------------------------------------------


def test_expired(web: World) -> None:
    doc = web.issue()
    end = datetime.fromisoformat(doc["validUntil"].replace("Z", "+00:00"))
    report = _verify(web, doc, now=end + timedelta(days=1))
    validity = report.check("validity")
    assert (validity.status, validity.code) == (F, "EXPIRED")
    assert report.verdict is Verdict.INVALID
    assert _verify(web, doc, now=end).verdict is Verdict.VALID


def test_not_yet_valid(web: World) -> None:
    doc = web.issue(valid_from=FIXED_NOW + timedelta(days=10))
    report = _verify(web, doc, now=FIXED_NOW + timedelta(days=1))
    assert report.check("validity").code == "NOT_YET_VALID"
    assert report.verdict is Verdict.INVALID


def test_clock_skew_is_bounded_and_configurable(web: World) -> None:
    start = FIXED_NOW + timedelta(days=10)
    doc = web.issue(valid_from=start)
    inside = start - DEFAULT_CLOCK_SKEW + timedelta(seconds=1)
    outside = start - DEFAULT_CLOCK_SKEW - timedelta(seconds=1)
    assert _verify(web, doc, now=inside).check("validity").status is P
    assert _verify(web, doc, now=outside).check("validity").status is F
    strict = VerificationPolicy(max_clock_skew=timedelta(0))
    assert _verify(web, doc, now=inside, policy=strict).check("validity").status is F


def test_vc_1_1_dates_are_read() -> None:
    path = interop_path("1edtech-validator", "ob30", "complete_v1.json")
    report = _verify(None, path, now=FIXED_NOW)
    validity = report.check("validity")
    assert validity.code == "EXPIRED"
    assert validity.detail["expirationDate"] == "2020-01-01T00:00:00Z"


def test_unreadable_date_fails_validity(web: World) -> None:
    doc = web.issue()
    doc["validUntil"] = "next year"
    assert _verify(web, web.resign(doc)).check("validity").code == "MALFORMED"


# --- status and recipient -----------------------------------------------------------------------


def test_status_entry_whose_list_is_not_pinned_is_unknown(web: World) -> None:
    doc = web.issue()
    doc["credentialStatus"] = {
        "id": f"{URL}/status/99.json#7",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "7",
        "statusListCredential": f"{URL}/status/99.json",
    }
    report = _verify(web, web.resign(doc))
    status = report.check("status")
    assert (status.status, status.code) == (U, "STATUS_UNCHECKABLE")
    assert status.problem_type == "STATUS_RETRIEVAL_ERROR"
    assert status.detail["entries"][0]["list"] == f"{URL}/status/99.json"
    assert "trust add" in (status.action or "")
    assert report.verdict is Verdict.INCONCLUSIVE


@pytest.mark.parametrize("email", ["ana.ruiz@example.org", "  ANA.RUIZ@example.org "])
def test_right_recipient_passes(web: World, email: str) -> None:
    report = _verify(web, web.issue(), recipient=email)
    assert report.check("recipient").status is P
    assert "recipient" in report.required


def test_wrong_recipient_fails(web: World) -> None:
    report = _verify(web, web.issue(), recipient="mallory@example.org")
    recipient = report.check("recipient")
    assert (recipient.status, recipient.code) == (F, "RECIPIENT_MISMATCH")
    assert report.verdict is Verdict.INVALID


def test_recipient_must_be_an_email_address(web: World) -> None:
    with pytest.raises(InputError) as info:
        _verify(web, web.issue(), recipient="not an address")
    assert info.value.field == "recipient"


def test_plaintext_identifier_of_the_spec_example_matches() -> None:
    folder = interop_path("ob-spec-examples", "rendered-spec-v1.0.14")
    doc = folder / "03-complete-openbadgecredential.signed-eddsa-rdfc-2022.json"
    policy = VerificationPolicy(require_trusted_issuer=False)
    assert (
        _verify(None, doc, recipient="student@1edtech.edu", policy=policy).check("recipient").status
        is P
    )
    assert (
        _verify(None, doc, recipient="other@1edtech.edu", policy=policy).check("recipient").status
        is F
    )


# --- policy, clock, report shape --------------------------------------------------------------


def test_policy_refuses_nonsense() -> None:
    with pytest.raises(InputError):
        VerificationPolicy(max_clock_skew=timedelta(days=2))
    with pytest.raises(InputError):
        VerificationPolicy(max_clock_skew=timedelta(seconds=-1))
    with pytest.raises(InputError):
        VerificationPolicy(status="sometimes")  # type: ignore[arg-type]
    with pytest.raises(InputError):
        VerificationPolicy(max_status_age=timedelta(0))


def test_required_checks_follow_the_policy() -> None:
    base = {"format", "jsonld", "schema", "proof", "issuer_key", "validity", "status"}
    assert VerificationPolicy().required_checks(recipient_asked=False) == base | {"issuer_trust"}
    relaxed = VerificationPolicy(require_trusted_issuer=False)
    assert relaxed.required_checks(recipient_asked=True) == base | {"recipient"}
    unsafe = VerificationPolicy(unsafe_skip_status=True)
    assert unsafe.required_checks(recipient_asked=False) == base - {"status"} | {"issuer_trust"}


def test_now_must_be_aware(web: World) -> None:
    with pytest.raises(InputError, match="time zone"):
        Verifier(web.trust).verify(web.issue(), now=datetime(2027, 1, 1))


def test_json_report_shape(web: World) -> None:
    report = _verify(web, web.issue(), recipient="mallory@example.org")
    data = json.loads(json.dumps(report.to_json()))
    assert set(data) == {"input", "verdict", "evaluatedAt", "credential", "checks"}
    assert data["verdict"] == "invalid"
    assert data["evaluatedAt"] == "2026-12-23T12:00:00Z"
    assert data["credential"]["tier"] == "initial"
    assert data["credential"]["recipientName"] == "Ana Ruiz"
    assert [c["id"] for c in data["checks"]] == list(CHECK_IDS)
    recipient = next(c for c in data["checks"] if c["id"] == "recipient")
    assert recipient["status"] == "fail"
    assert recipient["code"] == "RECIPIENT_MISMATCH"
    assert recipient["required"] is True
    assert recipient["action"]
    for check in data["checks"]:
        assert check["message"].endswith(".")
        assert "\n" not in check["message"]


def test_every_reason_code_is_documented() -> None:
    import re

    from tests.conftest import REPO_ROOT

    verifier = REPO_ROOT / "src" / "leadbadge" / "verifier"
    names = ("verify.py", "keys.py", "materials.py")
    sources = [verifier / n for n in names] + sorted((verifier / "checks").glob("*.py"))
    pattern = re.compile(r'(?:code=|else )"([A-Z_]+)"')
    codes = {c for p in sources for c in pattern.findall(p.read_text())}
    assert {"EXPIRED", "WRONG_KEY", "KEY_UNRESOLVABLE", "NO_PROOF", "OTHER_PROOFS"} <= codes
    documented = (REPO_ROOT / "docs" / "verification.md").read_text()
    assert sorted(c for c in codes if f"`{c}`" not in documented) == []


def test_recipient_hashed_with_its_original_case_matches_as_typed(web: World) -> None:
    """Another issuer may hash the address as the educator wrote it, capitals included."""
    from leadbadge.pathway.identity import identity_hash

    doc = web.issue()
    for identity in doc["credentialSubject"]["identifier"]:
        if identity["identityType"] == "emailAddress":
            identity["identityHash"] = identity_hash("Ana.Ruiz@Example.org", identity["salt"])
    resigned = web.resign(doc)
    assert _verify(web, resigned, recipient="Ana.Ruiz@Example.org").check("recipient").status is P
    assert _verify(web, resigned, recipient="ana.ruiz@example.org").check("recipient").status is F


def test_at_judges_the_validity_period_and_now_the_status_lists(web: World) -> None:
    doc = web.issue()
    web.fresh_lists(LATER)
    verifier = Verifier(web.trust)
    years = timedelta(days=365)
    # Two years on, the credential is still in its five-year period; the lists were not
    # judged at that instant, so they are neither stale nor expired.
    later = verifier.verify(doc, now=LATER, at=LATER + 2 * years)
    assert later.verdict is Verdict.VALID, [(c.id, c.message) for c in later.checks]
    assert later.evaluated_at == LATER + 2 * years
    assert later.check("status").detail["entries"][0]["asOf"].startswith(LATER.date().isoformat())
    expired = verifier.verify(doc, now=LATER, at=LATER + 6 * years)
    assert expired.verdict is Verdict.INVALID
    assert expired.check("validity").status is CheckStatus.FAIL
    assert expired.check("status").status is CheckStatus.PASS
    # The same instant as the verifier's clock judges the lists too: six years on they are old.
    aged = verifier.verify(doc, now=LATER + 2 * years)
    assert aged.check("status").code == "STATUS_LIST_EXPIRED"


def test_at_must_carry_a_time_zone(web: World) -> None:
    with pytest.raises(InputError) as caught:
        Verifier(web.trust).verify(web.issue(), at=datetime(2027, 1, 1))
    assert caught.value.field == "at"
