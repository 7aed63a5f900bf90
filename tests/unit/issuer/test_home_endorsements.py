"""The endorsements an issuer home keeps for its Achievements: add, list, remove, refusals."""

from __future__ import annotations

import copy
import json
import re
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge.errors import InputError, IssuerHomeError
from leadbadge.issuer.endorsements import MAX_ACHIEVEMENT_ENDORSEMENTS
from leadbadge.issuer.home import IssuerHome
from leadbadge.issuer.issue import Issuer
from leadbadge.pathway.credential import achievement_id
from tests.unit._accredited import (
    CHECKED,
    ISSUED,
    PROGRAM_URL,
    T0,
    make_accredited,
)
from tests.unit._issued import ANA, PASSPHRASE, evidence_for

ADDED = T0 + timedelta(minutes=30)


@dataclass
class Endorsed:
    """A program, an authority that endorsed its 'initial' and 'building' tiers, and sites."""

    root: Path
    endorsements: dict[str, dict[str, Any]]

    @property
    def program_home(self) -> Path:
        return self.root / "program"

    def program(self) -> Issuer:
        return Issuer.open(self.program_home, passphrase=PASSPHRASE)

    def authority(self) -> Issuer:
        return Issuer.open(self.root / "authority", passphrase=PASSPHRASE)

    def home(self) -> IssuerHome:
        return IssuerHome.open(self.program_home)

    def issue(self, tier: str = "initial") -> dict[str, Any]:
        program = self.program()
        evidence = evidence_for(program.framework.tier(tier))
        return copy.deepcopy(program.issue(tier, ANA, evidence=evidence, now=ISSUED).document)


def build_endorsed(root: Path) -> Endorsed:
    _, _, done = make_accredited(root)
    return Endorsed(root, {e.tier: e.document for e in done})


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Endorsed:
    return build_endorsed(tmp_path_factory.mktemp("home-endorsements"))


@pytest.fixture
def world(made: Endorsed, tmp_path: Path) -> Endorsed:
    """A copy of the homes each test may change."""
    root = tmp_path / "world"
    shutil.copytree(made.root, root)
    return Endorsed(root, made.endorsements)


def _files(home: IssuerHome) -> list[str]:
    folder = home.path / "endorsements"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


# --- adding, listing, removing ----------------------------------------------------------------


def test_an_added_endorsement_is_kept_and_carried_by_the_profile(world: Endorsed) -> None:
    home = world.home()
    assert home.held_endorsements == []
    assert home.profile.achievement_endorsements == {}
    document = world.endorsements["initial"]
    held = home.add_endorsement(document, now=ADDED)
    initial = achievement_id(PROGRAM_URL, "initial")
    assert held.id == document["id"]
    assert (held.tier, held.achievement) == ("initial", initial)
    assert held.endorser == world.authority().home.issuer_id
    assert held.endorser_name == "State Commission on Educator Credentialing"
    assert held.valid_from == T0
    assert held.valid_until is not None
    assert held.valid_until > CHECKED
    assert held.path.parent == home.path / "endorsements"
    assert json.loads(held.path.read_text()) == document
    assert home.profile.achievement_endorsements == {initial: (document,)}
    again = world.home()  # a fresh open reads the folder
    assert [h.id for h in again.held_endorsements] == [document["id"]]
    assert again.profile.achievement_endorsements == {initial: (document,)}


def test_adding_the_same_endorsement_again_replaces_its_copy(world: Endorsed) -> None:
    home = world.home()
    home.add_endorsement(world.endorsements["initial"], now=ADDED)
    home.add_endorsement(world.endorsements["initial"], now=ADDED)
    home.add_endorsement(world.endorsements["building"], now=ADDED)
    assert len(_files(home)) == 2
    assert sorted(h.tier or "" for h in home.held_endorsements) == ["building", "initial"]


def test_check_endorsement_writes_nothing(world: Endorsed) -> None:
    home = world.home()
    held = home.check_endorsement(world.endorsements["building"], now=ADDED)
    assert held.tier == "building"
    assert not held.path.exists()
    assert _files(home) == []


def test_a_removed_endorsement_is_no_longer_carried(world: Endorsed) -> None:
    home = world.home()
    home.add_endorsement(world.endorsements["initial"], now=ADDED)
    home.add_endorsement(world.endorsements["building"], now=ADDED)
    removed = home.remove_endorsement(world.endorsements["initial"]["id"])
    assert removed.tier == "initial"
    assert not removed.path.exists()
    assert list(home.profile.achievement_endorsements) == [achievement_id(PROGRAM_URL, "building")]
    with pytest.raises(InputError, match="keeps no endorsement"):
        home.remove_endorsement(world.endorsements["initial"]["id"])


def test_a_damaged_endorsement_file_makes_the_home_refuse_to_open(world: Endorsed) -> None:
    home = world.home()
    held = home.add_endorsement(world.endorsements["initial"], now=ADDED)
    held.path.write_text(json.dumps({"type": ["VerifiableCredential"]}))
    with pytest.raises(IssuerHomeError, match="not a signed EndorsementCredential"):
        world.home()
    held.path.write_text("{")
    with pytest.raises(IssuerHomeError, match="not valid JSON"):
        world.home()


# --- refusals ------------------------------------------------------------------------------------


def _not_an_endorsement(doc: dict[str, Any]) -> None:
    doc["type"] = ["VerifiableCredential", "OpenBadgeCredential"]


def _unsigned(doc: dict[str, Any]) -> None:
    del doc["proof"]


def _another_issuers_achievement(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["id"] = "https://other.example.org/achievements/initial.json"


def _unknown_tier(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["id"] = f"{PROGRAM_URL}/achievements/principal.json"


def _undefined_term(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["accreditationLevel"] = "full"


def _no_id(doc: dict[str, Any]) -> None:
    del doc["id"]


def _bad_date(doc: dict[str, Any]) -> None:
    doc["validFrom"] = "next week"


REFUSALS = {
    "not-an-endorsement": (_not_an_endorsement, "not an OB 3.0 EndorsementCredential"),
    "unsigned": (_unsigned, "not signed"),
    "another-issuers-achievement": (_another_issuers_achievement, "not the Achievement of a tier"),
    "unknown-tier": (_unknown_tier, "principal.json, which is not the Achievement"),
    "undefined-term": (_undefined_term, "strict JSON-LD"),
    "no-id": (_no_id, "has no id"),
    "bad-date": (_bad_date, "breaks the data model at /validFrom"),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_document_unfit_to_embed_is_refused_in_one_sentence(case: str, world: Endorsed) -> None:
    change, expected = REFUSALS[case]
    document = copy.deepcopy(world.endorsements["initial"])
    change(document)
    home = world.home()
    with pytest.raises(InputError, match=expected) as caught:
        home.add_endorsement(document, now=ADDED)
    message = caught.value.message
    assert not re.search(r"[a-z]\. [A-Z]", message), message
    assert message.endswith("."), message
    assert _files(home) == []
    assert home.profile.achievement_endorsements == {}


def test_something_that_is_not_a_json_object_is_refused(world: Endorsed) -> None:
    home = world.home()
    with pytest.raises(InputError, match="JSON object"):
        home.add_endorsement([world.endorsements["initial"]], now=ADDED)  # type: ignore[arg-type]


def test_an_expired_endorsement_is_refused(world: Endorsed) -> None:
    later = T0 + timedelta(days=6 * 366)
    with pytest.raises(InputError, match="expired on 2031-"):
        world.home().add_endorsement(world.endorsements["initial"], now=later)


def test_an_issuer_cannot_embed_an_endorsement_of_itself(world: Endorsed) -> None:
    document = copy.deepcopy(world.endorsements["initial"])
    document["issuer"]["id"] = world.home().issuer_id
    with pytest.raises(InputError, match="its own Achievements"):
        world.home().add_endorsement(document, now=ADDED)


def test_an_achievement_carries_at_most_as_many_endorsements_as_a_verifier_checks(
    world: Endorsed,
) -> None:
    home = world.home()
    for n in range(MAX_ACHIEVEMENT_ENDORSEMENTS):
        document = copy.deepcopy(world.endorsements["initial"])
        document["id"] = f"urn:uuid:00000000-0000-4000-8000-{n:012d}"
        home.add_endorsement(document, now=ADDED)
    with pytest.raises(InputError, match=f"already carries {MAX_ACHIEVEMENT_ENDORSEMENTS}"):
        home.add_endorsement(world.endorsements["initial"], now=ADDED)
    # Replacing one of them is not adding one.
    document = copy.deepcopy(world.endorsements["initial"])
    document["id"] = "urn:uuid:00000000-0000-4000-8000-000000000000"
    home.add_endorsement(document, now=ADDED)
    # Another Achievement has its own allowance.
    home.add_endorsement(world.endorsements["building"], now=ADDED)
    assert len(_files(home)) == MAX_ACHIEVEMENT_ENDORSEMENTS + 1
