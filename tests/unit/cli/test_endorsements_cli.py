"""``leadbadge endorsements add | list | remove`` through click's CliRunner."""

from __future__ import annotations

import copy
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from leadbadge.issuer.endorse import endorse
from leadbadge.issuer.home import IssuerHome
from leadbadge.issuer.issue import Issuer
from tests.unit._issued import ANA, PASSPHRASE, evidence_for
from tests.unit.cli._cli import ENV, ok, refused

PROGRAM_URL = "https://lead.lakeside.example/program"
AUTHORITY = "State Commission on Educator Credentialing"


@dataclass
class World:
    root: Path

    @property
    def program(self) -> str:
        return str(self.root / "program")

    @property
    def signed(self) -> Path:
        """What ``leadbadge endorse -o`` wrote: one endorsement per tier."""
        return self.root / "signed"

    @property
    def registry(self) -> Path:
        return self.root / "authority-site" / "accreditation" / "accreditations.json"

    def endorsement(self, tier: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads((self.signed / f"{tier}.json").read_text())
        return document

    def listed(self) -> list[dict[str, Any]]:
        result = ok("endorsements", "list", "--issuer", self.program, "--json")
        rows: list[dict[str, Any]] = json.loads(result.stdout)
        return rows

    def trust(self, name: str, *, pin_authority: bool) -> str:
        folder = self.root / name
        if pin_authority:
            ok("trust", "add", str(self.root / "authority-site"), "--trust", str(folder))
        else:
            folder.mkdir()
        return str(folder)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("endorsements-cli")
    program = Issuer.create(
        root / "program",
        name="Lakeside Unified Leadership Program",
        url=PROGRAM_URL,
        passphrase=PASSPHRASE,
    )
    program.publish(root / "program-site")
    authority = Issuer.create(
        root / "authority",
        name=AUTHORITY,
        url="https://ctc.example.gov/accreditation",
        passphrase=PASSPHRASE,
    )
    done = endorse(
        authority.home,
        authority.home.signing_key(PASSPHRASE),
        root / "program-site",
        ["initial", "building"],
    )
    (root / "signed").mkdir()
    for endorsement in done:
        path = root / "signed" / f"{endorsement.tier}.json"
        path.write_text(json.dumps(endorsement.document, indent=2))
    authority.publish(root / "authority-site")
    return root


@pytest.fixture
def world(made: Path, tmp_path: Path) -> World:
    shutil.copytree(made, tmp_path / "w")
    return World(tmp_path / "w")


def test_add_list_issue_publish_remove(world: World) -> None:
    initial = world.endorsement("initial")
    added = ok("endorsements", "add", "--issuer", world.program, str(world.signed / "initial.json"))
    assert added.stdout.strip() == (
        f"Added the endorsement {initial['id']} of 'initial' by {AUTHORITY}, valid until "
        f"{initial['validUntil'][:10]}."
    )
    assert "run 'leadbadge publish'" in added.stderr
    [row] = world.listed()
    assert row["id"] == initial["id"]
    assert row["tier"] == "initial"
    assert row["achievement"] == f"{PROGRAM_URL}/achievements/initial.json"
    assert row["endorser"] == initial["issuer"]["id"]
    assert row["endorserName"] == AUTHORITY
    assert row["validUntil"] == initial["validUntil"]
    assert row["expired"] is False
    table = ok("endorsements", "list", "--issuer", world.program, env={**ENV, "COLUMNS": "300"})
    assert table.stdout.splitlines()[1].split("\t")[:2] == [initial["id"], "initial"]
    assert len(table.stdout.splitlines()) == 2

    program = Issuer.open(world.program, passphrase=PASSPHRASE)
    evidence = evidence_for(program.framework.tier("initial"))
    issued = program.issue("initial", ANA, evidence=evidence).document
    assert issued["credentialSubject"]["achievement"]["endorsement"] == [initial]
    site = world.root / "program-site-2"
    ok("publish", "--issuer", world.program, str(site))
    published = json.loads((site / "program" / "achievements" / "initial.json").read_text())
    assert published["endorsement"] == [initial]

    removed = ok("endorsements", "remove", "--issuer", world.program, initial["id"])
    assert removed.stdout.startswith(f"Removed the endorsement {initial['id']} of 'initial'")
    assert world.listed() == []
    empty = ok("endorsements", "list", "--issuer", world.program)
    assert "keeps no endorsements" in empty.stdout


def test_a_folder_written_by_endorse_adds_every_endorsement_in_it(world: World) -> None:
    ok("endorsements", "add", "--issuer", world.program, str(world.signed))
    assert sorted(row["tier"] for row in world.listed()) == ["building", "initial"]


def test_the_authoritys_registry_gives_its_endorsements_of_this_program(world: World) -> None:
    registry = json.loads(world.registry.read_text())
    other = copy.deepcopy(registry["endorsements"][0])
    other["id"] = "urn:uuid:7d1f3b2a-0000-4000-8000-000000000001"
    other["credentialSubject"]["id"] = "https://another.example.org/achievements/initial.json"
    registry["endorsements"].append(other)  # another program's: left alone
    path = world.root / "accreditations.json"
    path.write_text(json.dumps(registry))
    result = ok("endorsements", "add", "--issuer", world.program, str(path))
    assert result.stdout.count("Added the endorsement") == 2
    assert {row["id"] for row in world.listed()} == {
        world.endorsement(t)["id"] for t in ("initial", "building")
    }


def test_with_trust_a_verified_endorsement_is_added(world: World) -> None:
    trust = world.trust("trust", pin_authority=True)
    ok("endorsements", "add", "--issuer", world.program, str(world.signed), "--trust", trust)
    assert len(world.listed()) == 2


def test_with_trust_an_unverifiable_endorsement_is_refused(world: World) -> None:
    trust = world.trust("empty-trust", pin_authority=False)
    path = str(world.signed / "initial.json")
    line = refused("endorsements", "add", "--issuer", world.program, path, "--trust", trust)
    assert line.startswith(f"leadbadge: {path} was not added: the endorsement is inconclusive: ")
    assert world.listed() == []


def test_with_trust_a_tampered_endorsement_is_refused_and_nothing_is_added(
    world: World,
) -> None:
    trust = world.trust("trust", pin_authority=True)
    tampered = world.endorsement("building")
    tampered["credentialSubject"]["id"] = f"{PROGRAM_URL}/achievements/district.json"
    path = world.root / "tampered.json"
    path.write_text(json.dumps(tampered))
    good = str(world.signed / "initial.json")
    line = refused(
        "endorsements", "add", "--issuer", world.program, good, str(path), "--trust", trust
    )
    assert f"{path} was not added: the endorsement is invalid: " in line
    assert "signature" in line
    assert world.listed() == []


def test_without_trust_the_signature_is_not_checked(world: World) -> None:
    # The home checks what it can without the endorser's key; --trust is how to check that.
    tampered = world.endorsement("initial")
    tampered["credentialSubject"]["endorsementComment"] = "Edited."
    path = world.root / "edited.json"
    path.write_text(json.dumps(tampered))
    ok("endorsements", "add", "--issuer", world.program, str(path))
    assert [row["id"] for row in world.listed()] == [tampered["id"]]


def test_unfit_input_is_one_sentence_and_nothing_is_added(world: World) -> None:
    good = str(world.signed / "initial.json")
    keys = world.root / "program-site" / "program" / "keys.json"
    line = refused("endorsements", "add", "--issuer", world.program, good, str(keys))
    assert line == (
        f"leadbadge: {keys} was not added: the document is not an OB 3.0 EndorsementCredential "
        "with an EndorsementSubject."
    )
    broken = world.root / "broken.json"
    broken.write_text("{")
    assert refused("endorsements", "add", "--issuer", world.program, good, str(broken)) == (
        f"leadbadge: {broken} is not a JSON file."
    )
    empty = world.root / "empty"
    empty.mkdir()
    assert refused("endorsements", "add", "--issuer", world.program, str(empty)) == (
        f"leadbadge: {empty} holds no endorsement of this issuer's Achievements."
    )
    assert world.listed() == []
    assert not (world.root / "program" / "endorsements").exists()


def test_remove_of_an_unknown_id_is_refused(world: World) -> None:
    line = refused("endorsements", "remove", "--issuer", world.program, "urn:uuid:nope")
    assert line == "leadbadge: This issuer keeps no endorsement urn:uuid:nope."


def test_an_endorsement_of_another_program_is_refused(world: World, tmp_path: Path) -> None:
    other = tmp_path / "other"
    IssuerHome.create(
        other, name="Other Program", url="https://other.example.org", passphrase=PASSPHRASE
    )
    path = str(world.signed / "initial.json")
    line = refused("endorsements", "add", "--issuer", str(other), path)
    assert "which is not the Achievement of a tier of this issuer" in line
