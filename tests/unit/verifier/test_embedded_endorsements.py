"""Endorsements embedded in a program's Achievement: in its credentials and published
Achievements (OB 3.0 ``Achievement.endorsement``), through verification and full QR codes."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import CredentialDocumentError, InputError
from leadbadge.model import IssuerProfile
from leadbadge.pathway.credential import achievement_id, build_achievement, build_credential
from leadbadge.pathway.framework import default_framework
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.share.qr import pack_full, unpack_full
from leadbadge.trust.store import TrustStore
from leadbadge.verifier.report import CheckStatus, Verdict, VerificationReport
from leadbadge.verifier.verify import Verifier
from tests.unit._accredited import CHECKED, ISSUED, PROGRAM_URL
from tests.unit._issued import ANA, PASSPHRASE, evidence_for
from tests.unit.issuer.test_home_endorsements import ADDED, Endorsed, build_endorsed

INITIAL = achievement_id(PROGRAM_URL, "initial")


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Endorsed:
    """The program keeps the authority's endorsement of 'initial' and issues with it."""
    world = build_endorsed(tmp_path_factory.mktemp("embedded"))
    world.home().add_endorsement(world.endorsements["initial"], now=ADDED)
    world.program().publish(world.root / "program-site", now=CHECKED - timedelta(hours=1))
    return world


@pytest.fixture(scope="module")
def credential(made: Endorsed) -> dict[str, Any]:
    return made.issue("initial")


def _pinning(made: Endorsed, folder: Path, *, authority: bool, program: bool) -> Verifier:
    store = TrustStore.open(folder)
    if authority:
        store.add_published(made.root / "authority-site", now=CHECKED)
    if program:
        store.add_published(made.root / "program-site", now=CHECKED)
    else:
        for path in sorted((made.root / "program-site").rglob("status/*.json")):
            store.add_status_list(path, now=CHECKED)
    return Verifier(store)


def _shown(report: VerificationReport) -> list[tuple[str, str, str | None, str]]:
    return [(c.id, c.status.value, c.code, c.message) for c in report.checks]


def _resigned(doc: dict[str, Any], made: Endorsed) -> dict[str, Any]:
    """The credential signed again by the program after an edit: only its content changed."""
    home = made.home()
    key = SigningKey.load(home.key_path(home.current_key.n), PASSPHRASE)
    unsigned = {k: v for k, v in doc.items() if k != "proof"}
    return eddsa_rdfc_2022.sign(
        unsigned, key, verification_method=home.current_key.verification_method, created=ISSUED
    )


# --- what is embedded ----------------------------------------------------------------------------


def test_the_credential_carries_the_signed_endorsement_in_its_achievement(
    made: Endorsed, credential: dict[str, Any]
) -> None:
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["id"] == INITIAL
    assert achievement["endorsement"] == [made.endorsements["initial"]]


def test_a_tier_without_endorsements_carries_none(made: Endorsed) -> None:
    assert "endorsement" not in made.issue("building")["credentialSubject"]["achievement"]


def test_the_published_achievement_is_the_credentials_achievement(
    made: Endorsed, credential: dict[str, Any]
) -> None:
    path = made.root / "program-site" / "leadership" / "achievements" / "initial.json"
    published = json.loads(path.read_text())
    assert {k: v for k, v in published.items() if k != "@context"} == (
        credential["credentialSubject"]["achievement"]
    )
    building = path.with_name("building.json")
    assert "endorsement" not in json.loads(building.read_text())


def test_build_credential_refuses_an_endorsement_of_another_achievement() -> None:
    framework = default_framework()
    endorsement = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "credentialSubject": {
            "id": achievement_id(PROGRAM_URL, "building"),
            "type": ["EndorsementSubject"],
        },
        "proof": [{"type": "DataIntegrityProof"}],
    }
    profile = IssuerProfile(
        id="did:web:rcoe.example.org",
        name="Riverside",
        url=PROGRAM_URL,
        achievement_endorsements={INITIAL: (endorsement,)},
    )
    evidence = evidence_for(framework.tier("initial"))
    with pytest.raises(InputError, match="does not endorse") as caught:
        build_credential(framework, "initial", profile, ANA, valid_from=ISSUED, evidence=evidence)
    assert caught.value.field == "achievement.endorsement[0]"
    unsigned = {k: v for k, v in endorsement.items() if k != "proof"}
    with pytest.raises(InputError, match="not signed"):
        build_achievement(framework.tier("building"), PROGRAM_URL, endorsements=[unsigned])
    built = build_achievement(framework.tier("building"), PROGRAM_URL, endorsements=[endorsement])
    assert built["endorsement"] == [endorsement]
    assert built["endorsement"][0] is not endorsement  # a copy: signing never touches the input


# --- verification -------------------------------------------------------------------------------


def test_a_verifier_pinning_the_authority_lists_the_embedded_endorsement_as_valid(
    made: Endorsed, credential: dict[str, Any], tmp_path: Path
) -> None:
    verifier = _pinning(made, tmp_path / "trust", authority=True, program=False)
    report = verifier.verify(credential, now=CHECKED)
    assert report.verdict is Verdict.VALID, _shown(report)
    for check in ("jsonld", "schema", "proof"):
        assert report.check(check).status is CheckStatus.PASS, _shown(report)
    trust = report.check("issuer_trust")
    assert trust.status is CheckStatus.PASS
    assert "accredited by State Commission on Educator Credentialing" in trust.message
    endorsement = made.endorsements["initial"]
    assert trust.detail["endorsements"] == [
        {"id": endorsement["id"], "issuer": endorsement["issuer"]["id"], "verdict": "valid"}
    ]


def test_a_tampered_embedded_endorsement_turns_issuer_trust_into_a_warning(
    made: Endorsed, credential: dict[str, Any], tmp_path: Path
) -> None:
    doc = copy.deepcopy(credential)
    embedded = doc["credentialSubject"]["achievement"]["endorsement"][0]
    embedded["credentialSubject"]["endorsementComment"] = "Accredited for every tier."
    doc = _resigned(doc, made)
    verifier = _pinning(made, tmp_path / "trust", authority=True, program=False)
    report = verifier.verify(doc, now=CHECKED)
    assert report.check("proof").status is CheckStatus.PASS, _shown(report)
    trust = report.check("issuer_trust")
    assert trust.status is CheckStatus.WARN, _shown(report)
    assert trust.code == "ENDORSEMENT_INVALID"
    assert trust.detail["endorsements"][0]["verdict"] == "invalid"
    assert report.verdict is Verdict.VALID  # the program's own signature and trust still hold


def test_a_verifier_pinning_only_the_program_sees_the_endorsement_unconfirmed(
    made: Endorsed, credential: dict[str, Any], tmp_path: Path
) -> None:
    verifier = _pinning(made, tmp_path / "trust", authority=False, program=True)
    report = verifier.verify(credential, now=CHECKED)
    assert report.verdict is Verdict.VALID, _shown(report)
    trust = report.check("issuer_trust")
    assert trust.status is CheckStatus.PASS
    # The authority is not pinned: its endorsement cannot be confirmed, which is no warning.
    assert trust.detail["endorsements"][0]["verdict"] == "inconclusive"


def test_tampering_with_the_embedded_endorsement_breaks_the_credentials_signature(
    made: Endorsed, credential: dict[str, Any], tmp_path: Path
) -> None:
    doc = copy.deepcopy(credential)
    doc["credentialSubject"]["achievement"]["endorsement"][0]["validUntil"] = "2099-01-01T00:00:00Z"
    verifier = _pinning(made, tmp_path / "trust", authority=True, program=False)
    report = verifier.verify(doc, now=CHECKED)
    assert report.check("proof").code == "INVALID_SIGNATURE"
    assert report.verdict is Verdict.INVALID


# --- full QR codes -------------------------------------------------------------------------------


def _published_initial(site: Path) -> dict[str, Any]:
    path = site / "leadership" / "achievements" / "initial.json"
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def test_a_full_qr_code_restores_an_endorsed_achievement_from_the_published_copy(
    made: Endorsed, credential: dict[str, Any]
) -> None:
    text = pack_full(credential, elide_achievement=True)
    published = _published_initial(made.root / "program-site")
    restored = json.loads(unpack_full(text, achievements=lambda _id: published))
    assert restored == credential


def test_a_qr_code_issued_before_the_endorsement_restores_from_the_endorsed_copy(
    made: Endorsed, tmp_path: Path
) -> None:
    # Issued with the Achievement as it was; the issuer has added an endorsement since.
    before = made.issue("initial")
    del before["credentialSubject"]["achievement"]["endorsement"]
    before = _resigned(before, made)
    text = pack_full(before, elide_achievement=True)
    published = _published_initial(made.root / "program-site")
    assert published["endorsement"]
    restored = json.loads(unpack_full(text, achievements=lambda _id: published))
    assert restored == before
    verifier = _pinning(made, tmp_path / "trust", authority=True, program=False)
    assert verifier.verify(restored, now=CHECKED).verdict is Verdict.VALID


def test_a_qr_code_whose_endorsement_the_copy_lacks_fails_clearly(
    made: Endorsed, credential: dict[str, Any]
) -> None:
    # A copy pinned before the endorsement was added cannot supply it.
    text = pack_full(credential, elide_achievement=True)
    older = {
        k: v
        for k, v in _published_initial(made.root / "program-site").items()
        if k != "endorsement"
    }
    with pytest.raises(CredentialDocumentError, match="another version of the Achievement") as e:
        unpack_full(text, achievements=lambda _id: older)
    assert "endorsements" in e.value.message
    assert "leadbadge trust add" in e.value.message
