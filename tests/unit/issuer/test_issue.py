"""Issuer: build, sign with the current key, record; old credentials verify after a rotation."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge.crypto.did import parse_did_document
from leadbadge.errors import (
    InputError,
    IssuerHomeError,
    SignatureError,
    UnknownTierError,
    WrongPassphraseError,
)
from leadbadge.issuer.issue import Issuer, SignedCredential
from leadbadge.model import Tier
from leadbadge.pathway.credential import Recipient
from leadbadge.pathway.evidence import EvidenceItem
from leadbadge.pathway.framework import default_framework
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.proof.eddsa_rdfc_2022 import default_resolver, verify
from tests.conftest import FIXED_NOW
from tests.unit._issued import recorded

PASSPHRASE = "correct horse battery staple"
DID = "did:web:rcoe.example.org:leadership"
ANA = Recipient(email="Ana.Ruiz@example.org", name="Ana Ruiz")


def _evidence(tier: Tier) -> list[EvidenceItem]:
    items = []
    for requirement in tier.evidence:
        fields = {name: recorded(name, requirement.id) for name in requirement.records}
        if requirement.min_hours is not None:
            fields["hours"] = f"{requirement.min_hours:g}"
        items.append(EvidenceItem(requirement=requirement.id, fields=fields))
    return items


def _issuer(path: Path, *, did_web: str | None = DID) -> Issuer:
    return Issuer.create(
        path,
        name="Riverside County Office of Education",
        url="https://rcoe.example.org/leadership",
        passphrase=PASSPHRASE,
        did_web=did_web,
        now=FIXED_NOW,
    )


def _issue(issuer: Issuer, tier_id: str = "initial", **kw: Any) -> SignedCredential:
    tier = issuer.framework.tier(tier_id)
    kw.setdefault("now", FIXED_NOW + timedelta(hours=1))
    return issuer.issue(tier_id, ANA, evidence=_evidence(tier), **kw)


def _published_did_documents(site: Path) -> dict[str, Any]:
    raw = json.loads((site / "leadership" / "did.json").read_text())
    return {raw["id"]: parse_did_document(raw)}


def test_issue_signs_with_the_current_key_and_records(tmp_path: Path) -> None:
    issuer = _issuer(tmp_path / "home")
    credential = _issue(issuer, results={"time-management": "accomplished"}, credits=12)
    doc = credential.document
    assert credential.tier == "initial"
    assert credential.id == doc["id"]
    assert doc["issuer"]["id"] == DID
    [proof] = doc["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["created"] == "2026-11-23T13:00:00Z"
    assert proof["verificationMethod"] == f"{DID}#key-1" == credential.verification_method
    assert doc["validFrom"] == "2026-11-23T13:00:00Z"
    assert doc["credentialSubject"]["creditsEarned"] == 12
    assert doc["credentialSubject"]["result"][0]["achievedLevel"].endswith("/accomplished")

    with issuer.home.open_ledger() as ledger:
        [entry] = ledger.entries()
    assert entry.id == credential.id
    assert entry.tier == "initial"
    assert entry.key_vm == f"{DID}#key-1"
    assert entry.issued_at == "2026-11-23T13:00:00Z"
    assert entry.recipient_hash == doc["credentialSubject"]["identifier"][0]["identityHash"]
    assert entry.document == doc

    issuer.publish(tmp_path / "site", now=FIXED_NOW + timedelta(hours=2))
    checked = verify(doc, resolver=default_resolver(_published_did_documents(tmp_path / "site")))
    assert checked.verification_method == f"{DID}#key-1"
    assert checked.created == FIXED_NOW + timedelta(hours=1)


def test_a_changed_credential_does_not_verify(tmp_path: Path) -> None:
    issuer = _issuer(tmp_path / "home", did_web=None)
    doc = copy.deepcopy(_issue(issuer).document)
    verify(doc)  # did:key: resolved offline from the DID itself
    doc["credentialSubject"]["creditsEarned"] = 99
    with pytest.raises(SignatureError):
        verify(doc)


def test_to_json_keeps_the_document_order(tmp_path: Path) -> None:
    credential = _issue(_issuer(tmp_path / "home"))
    text = credential.to_json()
    assert text.startswith('{\n  "@context": [')
    assert list(json.loads(text)) == list(credential.document)
    assert json.loads(text) == credential.document
    assert "\n" not in credential.to_json(indent=None)


def test_valid_from_sets_the_validity_window(tmp_path: Path) -> None:
    issuer = _issuer(tmp_path / "home")
    start = datetime.fromisoformat("2027-01-04T08:30:00-08:00")
    doc = _issue(issuer, valid_from=start).document
    assert doc["validFrom"] == "2027-01-04T16:30:00Z"
    years = issuer.framework.tier("initial").validity_years
    assert doc["validUntil"] == f"{2027 + years}-01-04T16:30:00Z"
    assert doc["proof"][0]["created"] == "2026-11-23T13:00:00Z"


def test_every_tier_issues_and_verifies(tmp_path: Path) -> None:
    issuer = _issuer(tmp_path / "home", did_web=None)
    for tier in default_framework().tiers:
        doc = _issue(issuer, tier.id).document
        assert doc["credentialSubject"]["achievement"]["id"].endswith(f"/{tier.id}.json")
        verify(doc)
    with issuer.home.open_ledger() as ledger:
        assert [e.tier for e in ledger.entries()] == default_framework().tier_ids()


def test_unknown_tier_records_nothing(tmp_path: Path) -> None:
    issuer = _issuer(tmp_path / "home")
    with pytest.raises(UnknownTierError) as info:
        issuer.issue("principal", ANA)
    assert "initial" in info.value.message
    with issuer.home.open_ledger() as ledger:
        assert ledger.count() == 0


def test_bad_evidence_records_nothing(tmp_path: Path) -> None:
    issuer = _issuer(tmp_path / "home")
    with pytest.raises(InputError, match="requires evidence"):
        issuer.issue("initial", ANA, now=FIXED_NOW + timedelta(hours=1))
    with issuer.home.open_ledger() as ledger:
        assert ledger.count() == 0


def test_failed_signing_records_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    issuer = _issuer(tmp_path / "home")

    def broken(*_a: object, **_k: object) -> dict[str, Any]:
        raise InputError("cannot sign")

    monkeypatch.setattr(eddsa_rdfc_2022, "sign_owned", broken)
    with pytest.raises(InputError, match="cannot sign"):
        _issue(issuer)
    with issuer.home.open_ledger() as ledger:
        assert ledger.count() == 0


def test_signing_before_the_key_exists_is_refused(tmp_path: Path) -> None:
    issuer = _issuer(tmp_path / "home")
    with pytest.raises(InputError, match="cannot sign at"):
        _issue(issuer, now=FIXED_NOW - timedelta(seconds=1))


def test_wrong_passphrase(tmp_path: Path) -> None:
    _issuer(tmp_path / "home")
    with pytest.raises(WrongPassphraseError):
        Issuer.open(tmp_path / "home", passphrase="nope")


def test_an_issuer_opened_before_a_rotation_stops_signing(tmp_path: Path) -> None:
    issuer = _issuer(tmp_path / "home")
    other = Issuer.open(tmp_path / "home", passphrase=PASSPHRASE)
    other.home.rotate(PASSPHRASE, now=FIXED_NOW + timedelta(days=1))
    with pytest.raises(IssuerHomeError, match="rotated"):
        _issue(issuer, now=FIXED_NOW + timedelta(days=2))


def _check_period(history: dict[str, Any], vm: str, created: datetime | None) -> None:
    assert created is not None
    [entry] = [k for k in history["keys"] if k["id"] == vm]
    assert datetime.fromisoformat(entry["validFrom"]) <= created
    if entry["validUntil"] is not None:
        assert created <= datetime.fromisoformat(entry["validUntil"])


def test_did_web_rotation_keeps_old_credentials_verifying(tmp_path: Path) -> None:
    issuer = _issuer(tmp_path / "home")
    old = _issue(issuer, now=FIXED_NOW + timedelta(hours=1)).document
    issuer.home.rotate(PASSPHRASE, now=FIXED_NOW + timedelta(days=1))
    issuer = Issuer.open(tmp_path / "home", passphrase=PASSPHRASE)
    new = _issue(issuer, now=FIXED_NOW + timedelta(days=2)).document
    assert new["proof"][0]["verificationMethod"] == f"{DID}#key-2"
    assert new["issuer"]["id"] == old["issuer"]["id"] == DID

    site = tmp_path / "site"
    issuer.publish(site, now=FIXED_NOW + timedelta(days=3))
    resolver = default_resolver(_published_did_documents(site))
    history = json.loads((site / "leadership" / "keys.json").read_text())
    for doc, vm in ((old, f"{DID}#key-1"), (new, f"{DID}#key-2")):
        checked = verify(doc, resolver=resolver)
        assert checked.verification_method == vm
        _check_period(history, vm, checked.created)


def test_did_key_rotation_ties_both_identities_together(tmp_path: Path) -> None:
    issuer = _issuer(tmp_path / "home", did_web=None)
    old = _issue(issuer).document
    issuer.home.rotate(PASSPHRASE, now=FIXED_NOW + timedelta(days=1))
    issuer = Issuer.open(tmp_path / "home", passphrase=PASSPHRASE)
    new = _issue(issuer, now=FIXED_NOW + timedelta(days=2)).document
    assert old["issuer"]["id"] != new["issuer"]["id"]

    issuer.publish(tmp_path / "site", now=FIXED_NOW + timedelta(days=3))
    history = json.loads((tmp_path / "site" / "leadership" / "keys.json").read_text())
    assert [k["controller"] for k in history["keys"]] == [
        old["issuer"]["id"],
        new["issuer"]["id"],
    ]
    for doc in (old, new):
        checked = verify(doc)
        assert checked.controller == doc["issuer"]["id"]
        _check_period(history, checked.verification_method, checked.created)
