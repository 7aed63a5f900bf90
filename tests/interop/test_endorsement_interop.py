"""Accreditation endorsements against the official OB 3.0 schemas and the Digital Bazaar peer.

An authority's ``EndorsementCredential`` (:func:`leadbadge.issuer.endorse.endorse`) must validate
against both official 1EdTech variants of the EndorsementCredential JSON Schema, and verify in an
independent implementation (``tests/interop/js/peer.mjs``), which must refuse a tampered copy and
one whose revocation bit is set; and a program credential that embeds the endorsement in its
Achievement (OB 3.0 ``Achievement.endorsement``) must verify there too. The official endorsement
examples (the spec's
``04-sample-endorsementcredential`` and 1EdTech's ``ob30/endorsement-valid.json``) keep their
manifest verdicts in ``test_fixture_verdicts.py``; here they only show the schemas accept a
known-good endorsement, so a pass for ours means something.
"""

from __future__ import annotations

import copy
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft201909Validator

from leadbadge.issuer.endorse import Endorsement
from leadbadge.issuer.issue import Issuer
from tests.conftest import interop_path
from tests.interop.test_official_ob_schemas import VARIANTS, _format_checker
from tests.interop.test_peer_digitalbazaar import Peer, _install, _unavailable, _xsd
from tests.unit._accredited import (
    CHECKED,
    ISSUED,
    PUBLISHED,
    T0,
    make_accredited,
)
from tests.unit._issued import ANA, PASSPHRASE, evidence_for

SCHEMA_FILE = "ob_v3p0_endorsementcredential_schema.json"


@dataclass
class World:
    root: Path
    program: Issuer
    authority: Issuer
    endorsements: dict[str, Endorsement]
    #: The program's 'initial' credential, its Achievement carrying the endorsement.
    credential: dict[str, Any]

    def status_lists(self, site: str = "authority-site") -> list[dict[str, Any]]:
        """The signed status lists a publish wrote to ``site``."""
        folder = self.root / site
        return [json.loads(p.read_text()) for p in sorted(folder.rglob("status/*.json"))]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("endorsement-interop")
    # One revocation entry per credential: OB 3.0 allows one credentialStatus (docs/status.md).
    program, authority, done = make_accredited(root, program_purposes=("revocation",))
    program.home.add_endorsement(done[0].document, now=T0)
    program = Issuer.open(root / "program", passphrase=PASSPHRASE)
    evidence = evidence_for(program.framework.tier("initial"))
    credential = program.issue("initial", ANA, evidence=evidence, now=ISSUED).document
    program.publish(root / "program-site", now=PUBLISHED)
    return World(root, program, authority, {e.tier: e for e in done}, credential)


# --- the official EndorsementCredential schemas ---------------------------------------------


@cache
def _validator(variant: str) -> Draft201909Validator:
    path = interop_path("schemas", "ob-v3p0", variant, SCHEMA_FILE)
    schema = json.loads(path.read_text())
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=_format_checker())


def _errors(variant: str, document: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in _validator(variant).iter_errors(document)
    ]


OFFICIAL_ENDORSEMENTS = {
    "spec-04-signed": (
        "ob-spec-examples",
        "rendered-spec-v1.0.14",
        "04-sample-endorsementcredential.signed-eddsa-rdfc-2022.json",
    ),
    "1edtech-endorsement-valid": ("1edtech-validator", "ob30", "endorsement-valid.json"),
}


@pytest.mark.shared
@pytest.mark.parametrize("example", list(OFFICIAL_ENDORSEMENTS))
@pytest.mark.parametrize("variant", VARIANTS)
def test_the_official_endorsement_examples_validate(variant: str, example: str) -> None:
    document = json.loads(interop_path(*OFFICIAL_ENDORSEMENTS[example]).read_text())
    assert "EndorsementCredential" in document["type"]
    assert _errors(variant, document) == []


@pytest.mark.shared
@pytest.mark.parametrize("variant", VARIANTS)
def test_the_official_broken_endorsement_fails_the_schema(variant: str) -> None:
    # A VC 1.1 endorsement (issuanceDate, credentials/v1): OB 3.0 wants the VC 2.0 form.
    path = interop_path("1edtech-validator", "ob30", "endorsement-err-schema-status-refresh.json")
    assert _errors(variant, json.loads(path.read_text()))


@pytest.mark.shared
@pytest.mark.parametrize("tier", ["initial", "building"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_our_endorsement_validates_against_the_official_schema(
    variant: str, tier: str, world: World
) -> None:
    document = world.endorsements[tier].document
    # What the schema is asked about: a signed endorsement with its status entry and the
    # relatedResource naming the program's key snapshot.
    assert isinstance(document["proof"], list)
    assert document["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert document["relatedResource"][0]["digestSRI"].startswith("sha384-")
    assert _errors(variant, document) == []


def _drop_subject_type(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["type"] = ["Subject"]


def _drop_name(doc: dict[str, Any]) -> None:
    del doc["name"]


def _bad_valid_from(doc: dict[str, Any]) -> None:
    doc["validFrom"] = "2026-11-23 12:00"


def _status_without_type(doc: dict[str, Any]) -> None:
    del doc["credentialStatus"]["type"]


BREAKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "subject-not-EndorsementSubject": _drop_subject_type,
    "no-name": _drop_name,
    "bad-validFrom": _bad_valid_from,
    "status-without-type": _status_without_type,
}


@pytest.mark.shared
@pytest.mark.parametrize("how", list(BREAKS))
@pytest.mark.parametrize("variant", VARIANTS)
def test_the_schema_catches_a_broken_copy_of_ours(variant: str, how: str, world: World) -> None:
    document = copy.deepcopy(world.endorsements["initial"].document)
    BREAKS[how](document)
    assert _errors(variant, document)


# --- the Digital Bazaar peer ----------------------------------------------------------------


class StatusPeer(Peer):
    """The peer, verifying against status lists handed to it (``--status-lists``)."""

    def verify_at(
        self,
        credentials: dict[str, dict[str, Any]],
        *,
        status_lists: list[dict[str, Any]],
        now: datetime,
    ) -> dict[str, dict[str, Any]]:
        labels = list(credentials)
        with tempfile.TemporaryDirectory() as folder:
            lists = Path(folder) / "status-lists.json"
            lists.write_text(json.dumps(status_lists), encoding="utf-8")
            results = self._run(
                ["verify", "--now", _xsd(now), "--status-lists", str(lists)],
                [credentials[k] for k in labels],
            )
        assert len(results) == len(labels)
        return dict(zip(labels, results, strict=True))


@pytest.fixture(scope="module")
def js_peer() -> StatusPeer:
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed, so the Digital Bazaar peer cannot run")
    _install()
    return StatusPeer(node)


def _tampered(doc: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    copied = copy.deepcopy(doc)
    change(copied)
    return copied


def _other_tier(doc: dict[str, Any]) -> None:
    subject = doc["credentialSubject"]
    subject["id"] = subject["id"].replace("/initial.json", "/district.json")


def _longer(doc: dict[str, Any]) -> None:
    doc["validUntil"] = "2099-01-01T00:00:00Z"


def _other_snapshot(doc: dict[str, Any]) -> None:
    doc["relatedResource"][0]["digestSRI"] = "sha384-" + "A" * 64


TAMPERINGS: dict[str, Callable[[dict[str, Any]], None]] = {
    "endorsed-achievement": _other_tier,
    "validUntil": _longer,
    "snapshot-digest": _other_snapshot,
}


@pytest.fixture(scope="module")
def endorsement_verdicts(js_peer: StatusPeer, world: World) -> dict[str, dict[str, Any]]:
    """The peer's verdicts on our endorsements and tampered copies, from one node process."""
    batch = {tier: e.document for tier, e in world.endorsements.items()}
    for name, change in TAMPERINGS.items():
        batch[f"tampered-{name}"] = _tampered(world.endorsements["initial"].document, change)
    return js_peer.verify_at(batch, status_lists=world.status_lists(), now=CHECKED)


@pytest.mark.interop
@pytest.mark.parametrize("tier", ["initial", "building"])
def test_the_peer_verifies_our_endorsement(
    tier: str, endorsement_verdicts: dict[str, dict[str, Any]]
) -> None:
    verdict = endorsement_verdicts[tier]
    assert verdict["verified"] is True, verdict["errors"]


@pytest.mark.interop
@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_the_peer_refuses_a_tampered_endorsement(
    tampering: str, endorsement_verdicts: dict[str, dict[str, Any]]
) -> None:
    verdict = endorsement_verdicts[f"tampered-{tampering}"]
    assert verdict["verified"] is False
    assert "Invalid signature" in verdict["error"], verdict["errors"]


@pytest.mark.interop
def test_the_peer_needs_the_authoritys_status_list(js_peer: StatusPeer, world: World) -> None:
    # Guards the comparison: with no list for the endorsement's status entry the peer must not
    # call it verified, so a pass above included the status check.
    document = world.endorsements["initial"].document
    verdict = js_peer.verify_at({"e": document}, status_lists=[], now=CHECKED)["e"]
    assert verdict["verified"] is False
    assert "no status list" in verdict["error"], verdict["errors"]


@pytest.mark.interop
def test_the_peer_refuses_a_revoked_endorsement(
    js_peer: StatusPeer, world: World, tmp_path: Path
) -> None:
    root = tmp_path / "copy"
    shutil.copytree(world.root, root)
    authority = Issuer.open(root / "authority", passphrase=PASSPHRASE)
    building = world.endorsements["building"].id
    authority.home.change_status(building, "revoke", actor="registrar", now=CHECKED)
    authority.publish(root / "revoked-site", now=CHECKED)
    copied = World(root, world.program, authority, world.endorsements, world.credential)
    verdicts = js_peer.verify_at(
        {tier: e.document for tier, e in world.endorsements.items()},
        status_lists=copied.status_lists("revoked-site"),
        now=CHECKED + timedelta(minutes=1),
    )
    assert verdicts["initial"]["verified"] is True, verdicts["initial"]["errors"]
    assert verdicts["building"]["verified"] is False
    assert "revocation status is set" in verdicts["building"]["error"], verdicts["building"]


# --- a program credential that embeds the endorsement ------------------------------------------


def _embedded(doc: dict[str, Any]) -> dict[str, Any]:
    embedded: dict[str, Any] = doc["credentialSubject"]["achievement"]["endorsement"][0]
    return embedded


def _edit_embedded_comment(doc: dict[str, Any]) -> None:
    _embedded(doc)["credentialSubject"]["endorsementComment"] = "Accredited for every tier."


def _drop_embedded(doc: dict[str, Any]) -> None:
    del doc["credentialSubject"]["achievement"]["endorsement"]


@pytest.fixture(scope="module")
def credential_verdicts(js_peer: StatusPeer, world: World) -> dict[str, dict[str, Any]]:
    batch = {
        "credential": world.credential,
        "tampered-embedded-comment": _tampered(world.credential, _edit_embedded_comment),
        "tampered-embedded-dropped": _tampered(world.credential, _drop_embedded),
    }
    return js_peer.verify_at(batch, status_lists=world.status_lists("program-site"), now=CHECKED)


@pytest.mark.interop
def test_the_peer_verifies_a_credential_that_embeds_the_endorsement(
    world: World, credential_verdicts: dict[str, dict[str, Any]]
) -> None:
    assert _embedded(world.credential) == world.endorsements["initial"].document
    verdict = credential_verdicts["credential"]
    assert verdict["verified"] is True, verdict["errors"]


@pytest.mark.interop
@pytest.mark.parametrize("tampering", ["embedded-comment", "embedded-dropped"])
def test_the_peer_refuses_a_credential_whose_embedded_endorsement_was_changed(
    tampering: str, credential_verdicts: dict[str, dict[str, Any]]
) -> None:
    verdict = credential_verdicts[f"tampered-{tampering}"]
    assert verdict["verified"] is False
    assert "Invalid signature" in verdict["error"], verdict["errors"]


@pytest.mark.shared
@pytest.mark.parametrize("variant", VARIANTS)
def test_a_credential_that_embeds_the_endorsement_validates_against_the_official_schema(
    variant: str, world: World
) -> None:
    path = interop_path("schemas", "ob-v3p0", variant, "ob_v3p0_achievementcredential_schema.json")
    schema = json.loads(path.read_text())
    validator = Draft201909Validator(schema, format_checker=_format_checker())
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in validator.iter_errors(world.credential)
    ]
    assert errors == []
    # The embedded endorsement is checked as such, not waved through as anything.
    broken = copy.deepcopy(world.credential)
    _embedded(broken)["credentialSubject"]["type"] = ["Subject"]
    assert list(validator.iter_errors(broken))
