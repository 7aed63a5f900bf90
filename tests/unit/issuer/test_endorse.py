"""Accreditation end to end in the library: an authority endorses a program for some tiers, a
verifier pins only the authority, and the program's credentials are trusted for exactly those."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from leadbadge.errors import InputError, TrustStoreError
from leadbadge.issuer.endorse import Endorsement, endorse
from leadbadge.issuer.issue import Issuer
from leadbadge.pathway import accreditation as acc
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.trust.store import TrustStore
from leadbadge.verifier.checks.issuer_trust import judge_accreditation
from leadbadge.verifier.report import CheckStatus, Verdict, VerificationReport
from leadbadge.verifier.verify import Verifier
from tests.unit._accredited import (
    AUTHORITY_URL,
    CHECKED,
    ISSUED,
    PROGRAM_URL,
    PUBLISHED,
    T0,
    make_accredited,
)
from tests.unit._issued import ANA, PASSPHRASE, evidence_for


@dataclass
class Accredited:
    root: Path
    program: Issuer
    authority: Issuer
    endorsements: list[Endorsement]
    credentials: dict[str, dict[str, Any]]

    @property
    def program_site(self) -> Path:
        return self.root / "program-site"

    @property
    def authority_site(self) -> Path:
        return self.root / "authority-site"

    def verifier(self, name: str = "trust") -> tuple[Verifier, TrustStore]:
        """A verifier that pins only the authority (and the program's status lists)."""
        store = TrustStore.open(self.root / name)
        store.add_published(self.authority_site, now=CHECKED)
        lists = self.program_site / "leadership" / "status"
        for path in sorted(lists.glob("*.json")):
            store.add_status_list(path, now=CHECKED)
        return Verifier(store), store


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Accredited:
    root = tmp_path_factory.mktemp("accreditation")
    program, authority, done = make_accredited(root, published=T0)
    credentials = {}
    for tier in ("initial", "building", "district"):
        evidence = evidence_for(program.framework.tier(tier))
        credentials[tier] = program.issue(tier, ANA, evidence=evidence, now=ISSUED).document
    program.publish(root / "program-site", now=PUBLISHED)
    authority.publish(root / "authority-site", now=PUBLISHED)
    return Accredited(root, program, authority, done, credentials)


def _check(report: VerificationReport, check_id: str) -> Any:
    return next(c for c in report.checks if c.id == check_id)


def test_endorsements_are_ob_endorsement_credentials_naming_the_key_snapshot(
    world: Accredited,
) -> None:
    assert [e.tier for e in world.endorsements] == ["initial", "building"]
    doc = world.endorsements[1].document
    assert doc["type"] == ["VerifiableCredential", "EndorsementCredential"]
    assert doc["credentialSubject"]["id"] == f"{PROGRAM_URL}/achievements/building.json"
    assert doc["credentialSubject"]["type"] == ["EndorsementSubject"]
    assert doc["credentialStatus"]["statusPurpose"] == "revocation"
    [(url, digest), (achievement, content)] = acc.related_digests(doc)
    published = world.authority_site / "accreditation" / "accreditations" / url.rsplit("/")[-1]
    assert acc.digest_sri(published.read_bytes()) == digest
    history = json.loads(published.read_bytes())
    assert history["issuer"] == world.program.home.issuer_id
    # The second entry commits to the content of the Achievement accredited, as published.
    assert achievement == doc["credentialSubject"]["id"]
    assert acc.endorsed_achievement_digest(doc) == content
    credential = world.credentials["building"]
    assert acc.achievement_digest(credential["credentialSubject"]["achievement"]) == content


def test_an_endorsement_verifies_on_its_own_for_a_verifier_pinning_the_authority(
    world: Accredited,
) -> None:
    verifier, _ = world.verifier("trust-own")
    report = verifier.verify(world.endorsements[0].document, now=CHECKED)
    assert report.verdict is Verdict.VALID, [(c.id, c.message) for c in report.checks]


def test_accredited_tiers_pass_and_the_unaccredited_tier_fails_issuer_trust(
    world: Accredited,
) -> None:
    verifier, _ = world.verifier("trust-tiers")
    for tier in ("initial", "building"):
        report = verifier.verify(world.credentials[tier], now=CHECKED)
        trust = _check(report, "issuer_trust")
        assert trust.status is CheckStatus.PASS, trust.message
        assert f"accredited by State Commission on Educator Credentialing for '{tier}'" in (
            trust.message
        )
        assert report.verdict is Verdict.VALID, [(c.id, c.message) for c in report.checks]
        assert _check(report, "issuer_key").status is CheckStatus.PASS
    report = verifier.verify(world.credentials["district"], now=CHECKED)
    trust = _check(report, "issuer_trust")
    assert trust.status is CheckStatus.FAIL
    assert trust.code == "NOT_ACCREDITED"
    assert "'district'" in trust.message
    assert report.verdict is Verdict.INVALID
    # The signature itself is fine: only the accreditation is missing.
    assert _check(report, "proof").status is CheckStatus.PASS


def _resigned(world: Accredited, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` signed again by the program itself, with its own (vouched) current key."""
    home = world.program.home
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    return eddsa_rdfc_2022.sign(
        unsigned,
        home.signing_key(PASSPHRASE),
        verification_method=home.current_key.verification_method,
        created=ISSUED,
    )


def test_an_accredited_tier_id_cannot_carry_another_tiers_content(world: Accredited) -> None:
    # Accredited for 'initial' only among these two: the program keeps the initial id but
    # gives the Achievement the district tier's name, code, criteria and description.
    verifier, _ = world.verifier("trust-borrowed-content")
    district = world.credentials["district"]["credentialSubject"]["achievement"]
    forged = json.loads(json.dumps(world.credentials["initial"]))
    achievement = forged["credentialSubject"]["achievement"]
    for field in ("name", "humanCode", "criteria", "description"):
        if field in district:
            achievement[field] = district[field]
    report = verifier.verify(_resigned(world, forged), now=CHECKED)
    assert _check(report, "proof").status is CheckStatus.PASS
    trust = _check(report, "issuer_trust")
    assert (trust.status, trust.code) == (CheckStatus.FAIL, "ACCREDITATION_CONTENT_MISMATCH")
    assert "'initial'" in trust.message
    assert report.verdict is Verdict.INVALID
    # The same credential signed again unchanged is still accredited: only content counts.
    same = verifier.verify(_resigned(world, world.credentials["initial"]), now=CHECKED)
    assert same.verdict is Verdict.VALID, [(c.id, c.message) for c in same.checks]


def test_an_endorsement_that_does_not_commit_to_content_accredits_nothing(
    world: Accredited,
) -> None:
    verifier, store = world.verifier("trust-no-digest")
    [accreditation] = store.find_accreditations(world.program.home.issuer_id)
    credential = world.credentials["initial"]
    content = acc.achievement_digest(credential["credentialSubject"]["achievement"])
    achievement = credential["credentialSubject"]["achievement"]["id"]

    def judged(digest: str | None) -> Any:
        return judge_accreditation(
            [accreditation],
            achievement=achievement,
            signed_at=ISSUED,
            verify=lambda doc: verifier.verify(doc, now=CHECKED),
            content=digest,
        )

    assert judged(content).status is CheckStatus.PASS
    for digest in (None, acc.achievement_digest({"id": achievement, "name": "Other"})):
        outcome = judged(digest)
        assert (outcome.status, outcome.code) == (
            CheckStatus.FAIL,
            "ACCREDITATION_CONTENT_MISMATCH",
        )


def test_without_the_authority_the_program_is_simply_not_pinned(world: Accredited) -> None:
    store = TrustStore.open(world.root / "trust-none")
    report = Verifier(store).verify(world.credentials["building"], now=CHECKED)
    assert _check(report, "issuer_trust").code == "NOT_PINNED"
    assert report.verdict is Verdict.INCONCLUSIVE


def test_the_accreditation_must_have_been_in_force_when_the_credential_was_signed(
    world: Accredited, tmp_path: Path
) -> None:
    root = tmp_path / "copy"
    shutil.copytree(world.root, root, ignore=shutil.ignore_patterns("trust*"))
    program = Issuer.open(root / "program", passphrase=PASSPHRASE)
    authority = Issuer.open(root / "authority", passphrase=PASSPHRASE)
    endorse(
        authority.home,
        authority.home.signing_key(PASSPHRASE),
        root / "program-site",
        ["district"],
        valid_until=T0 + timedelta(hours=2),
        now=T0,
    )
    authority.publish(root / "authority-site", now=CHECKED - timedelta(hours=1))
    late = program.issue(
        "district",
        ANA,
        evidence=evidence_for(program.framework.tier("district")),
        now=T0 + timedelta(hours=3),
    ).document
    program.publish(root / "program-site", now=CHECKED - timedelta(hours=1))
    copy = Accredited(root, program, authority, world.endorsements, world.credentials)
    verifier, _ = copy.verifier()
    # Signed during the accreditation (which has ended since): still accredited.
    report = verifier.verify(world.credentials["district"], now=CHECKED)
    assert _check(report, "issuer_trust").status is CheckStatus.PASS
    # Signed after it ended: not.
    report = verifier.verify(late, now=CHECKED)
    trust = _check(report, "issuer_trust")
    assert trust.status is CheckStatus.FAIL
    assert trust.code == "ACCREDITATION_NOT_CURRENT"


def test_a_revoked_accreditation_fails_issuer_trust(world: Accredited, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(world.root, root, ignore=shutil.ignore_patterns("trust*"))
    authority = Issuer.open(root / "authority", passphrase=PASSPHRASE)
    building = world.endorsements[1].id
    authority.home.change_status(building, "revoke", actor="registrar", now=CHECKED)
    authority.publish(root / "authority-site", now=CHECKED)
    copy = Accredited(root, world.program, authority, world.endorsements, world.credentials)
    verifier, _ = copy.verifier()
    report = verifier.verify(world.credentials["building"], now=CHECKED + timedelta(minutes=1))
    trust = _check(report, "issuer_trust")
    assert trust.status is CheckStatus.FAIL
    assert trust.code == "ACCREDITATION_REVOKED"
    assert report.verdict is Verdict.INVALID
    report = verifier.verify(world.credentials["initial"], now=CHECKED + timedelta(minutes=1))
    assert _check(report, "issuer_trust").status is CheckStatus.PASS


def _registry(site: Path) -> Path:
    return site / "accreditation" / "accreditations.json"


def test_a_tampered_registry_is_refused_when_pinning(world: Accredited, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(world.authority_site, site)
    registry = json.loads(_registry(site).read_text())
    registry["endorsements"][0]["credentialSubject"]["id"] = (
        f"{PROGRAM_URL}/achievements/district.json"
    )
    _registry(site).write_text(json.dumps(registry))
    with pytest.raises(TrustStoreError, match="signature"):
        TrustStore.open(tmp_path / "trust").add_published(site, now=CHECKED)


def test_a_snapshot_that_does_not_match_its_digest_is_refused(
    world: Accredited, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    shutil.copytree(world.authority_site, site)
    registry = json.loads(_registry(site).read_text())
    keys = registry["programs"][0]["keyHistory"]["keys"]
    other = Issuer.create(
        tmp_path / "forger", name="Forger", url=PROGRAM_URL, passphrase=PASSPHRASE, now=T0
    )
    keys[0]["publicKeyMultibase"] = other.home.current_key.public_key.multikey
    _registry(site).write_text(json.dumps(registry))
    with pytest.raises(TrustStoreError, match="digestSRI"):
        TrustStore.open(tmp_path / "trust").add_published(site, now=CHECKED)


def test_another_issuer_cannot_borrow_an_accredited_achievement(
    world: Accredited, tmp_path: Path
) -> None:
    impostor = Issuer.create(
        tmp_path / "impostor",
        name="Riverside County Office of Education",
        url=PROGRAM_URL,
        passphrase=PASSPHRASE,
        now=T0,
    )
    doc = impostor.issue(
        "initial", ANA, evidence=evidence_for(impostor.framework.tier("initial")), now=ISSUED
    ).document
    verifier, _ = world.verifier("trust-impostor")
    report = verifier.verify(doc, now=CHECKED)
    assert _check(report, "issuer_trust").code == "NOT_PINNED"
    assert report.verdict is not Verdict.VALID


def test_endorse_refuses_unknown_tiers_and_self_accreditation(world: Accredited) -> None:
    key = world.authority.home.signing_key(PASSPHRASE)
    with pytest.raises(InputError, match="'principal'"):
        endorse(world.authority.home, key, world.program_site, ["principal"], now=CHECKED)
    with pytest.raises(InputError, match="itself"):
        endorse(world.authority.home, key, world.authority_site, ["initial"], now=CHECKED)


def test_an_endorsement_is_not_renewed_like_a_credential(world: Accredited) -> None:
    with pytest.raises(InputError, match="endorse the program again") as caught:
        world.authority.renew(world.endorsements[0].id, now=CHECKED)
    assert caught.value.field == "credential"


def _sites(world: Accredited, down: str | None = None) -> httpx.Client:
    """The authority's and the program's web sites, served from their published folders."""
    roots = {"ctc.example.gov": world.authority_site, "rcoe.example.org": world.program_site}

    def serve(request: httpx.Request) -> httpx.Response:
        root = roots.get(request.url.host)
        path = root.joinpath(*request.url.path.strip("/").split("/")) if root else None
        if request.url.host == down or path is None or not path.is_file():
            return httpx.Response(404)
        return httpx.Response(
            200, content=path.read_bytes(), headers={"content-type": "application/json"}
        )

    return httpx.Client(transport=httpx.MockTransport(serve))


def test_pinning_the_authority_from_its_site_also_pins_its_programs_status_lists(
    world: Accredited, tmp_path: Path
) -> None:
    store = TrustStore.open(tmp_path / "trust")
    result = store.add_published(f"{AUTHORITY_URL}/keys.json", client=_sites(world), now=CHECKED)
    assert result.accreditations is not None
    assert [e.url for e in result.program_status_lists] == [
        f"{PROGRAM_URL}/status/1.json",
        f"{PROGRAM_URL}/status/2.json",
    ]
    assert all(e.fetched for e in result.program_status_lists)
    assert result.problems == ()
    # Nothing else pinned: the program's credentials verify offline now.
    report = Verifier(store).verify(world.credentials["building"], now=CHECKED)
    assert report.verdict is Verdict.VALID, [(c.id, c.message) for c in report.checks]


def test_a_program_site_that_is_down_does_not_stop_pinning_the_authority(
    world: Accredited, tmp_path: Path
) -> None:
    store = TrustStore.open(tmp_path / "trust")
    result = store.add_published(
        f"{AUTHORITY_URL}/keys.json", client=_sites(world, down="rcoe.example.org"), now=CHECKED
    )
    assert result.accreditations is not None
    assert result.program_status_lists == ()
    assert len(result.problems) == 2
    assert f"{PROGRAM_URL}/status/1.json" in result.problems[0]
    report = Verifier(store).verify(world.credentials["building"], now=CHECKED)
    assert _check(report, "status").status is CheckStatus.UNKNOWN
    assert report.verdict is Verdict.INCONCLUSIVE
