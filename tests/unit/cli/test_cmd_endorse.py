"""``leadbadge endorse`` and how trust, ledger and renew commands show accreditations."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from leadbadge.issuer.issue import Issuer
from tests.unit._issued import PASSPHRASE
from tests.unit.cli._cli import ENV, NO_PASSPHRASE, ok, refused, run

AUTHORITY = "State Commission on Educator Credentialing"
PROGRAM = "Lakeside Unified Leadership Program"


@dataclass
class Homes:
    root: Path

    @property
    def authority(self) -> str:
        return str(self.root / "authority")

    @property
    def site(self) -> str:
        return str(self.root / "program-site")

    def endorse(self, *tiers: str, program: str | None = None) -> list[str]:
        """The authority's ``endorse`` of ``program`` (default: the site) for ``tiers``."""
        args = ["endorse", "--issuer", self.authority, "--program", program or self.site]
        return [*args, *(arg for tier in tiers for arg in ("--tier", tier))]

    def ledger(self) -> list[dict[str, object]]:
        listed = ok("ledger", "list", "--issuer", self.authority, "--json")
        data: list[dict[str, object]] = json.loads(listed.stdout)
        return data


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("endorse-cli")
    program = Issuer.create(
        root / "program",
        name=PROGRAM,
        url="https://lead.lakeside.example/program",
        passphrase=PASSPHRASE,
    )
    program.publish(root / "program-site")
    Issuer.create(
        root / "authority",
        name=AUTHORITY,
        url="https://ctc.example.gov/accreditation",
        did_web="ctc.example.gov",
        passphrase=PASSPHRASE,
    )
    return root


@pytest.fixture
def homes(made: Path, tmp_path: Path) -> Homes:
    """A fresh copy of the two homes, so each test starts with an empty authority ledger."""
    shutil.copytree(made, tmp_path / "w")
    return Homes(tmp_path / "w")


def test_endorse_signs_one_endorsement_per_tier_and_writes_them(homes: Homes) -> None:
    out = homes.root / "signed"
    result = ok(
        *homes.endorse("initial", "building"), "--valid-until", "2031-06-30", "-o", str(out)
    )
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3
    docs = {t: json.loads((out / f"{t}.json").read_text()) for t in ("initial", "building")}
    for line, tier in zip(lines[:2], ("initial", "building"), strict=True):
        doc = docs[tier]
        assert f"(tier '{tier}', program " in line
        assert doc["id"] in line
        assert "valid until 2031-06-30T23:59:59Z" in line
        assert doc["type"] == ["VerifiableCredential", "EndorsementCredential"]
        assert doc["credentialSubject"]["id"].endswith(f"/achievements/{tier}.json")
        assert doc["validUntil"] == "2031-06-30T23:59:59Z"
    assert lines[2].startswith(f"Next: leadbadge publish --issuer {homes.authority} ")
    assert "accreditations.json" in lines[2]
    assert f"Wrote {out / 'initial.json'}." in result.stderr

    ledger = homes.ledger()
    assert [(e["kind"], e["tier"], e["id"]) for e in ledger] == [
        ("endorsement", t, docs[t]["id"]) for t in ("initial", "building")
    ]
    assert ledger[0]["program"] == ledger[0]["recipientHash"]
    assert ledger[0]["achievement"] == docs["initial"]["credentialSubject"]["id"]
    table = run("ledger", "list", "--issuer", homes.authority, env={**ENV, "COLUMNS": "300"})
    assert f"endorsement of {ledger[0]['program']}" in table.stdout
    shown = ok("ledger", "show", "--issuer", homes.authority, str(out / "building.json"))
    assert shown.stdout.startswith(f"Endorsement {docs['building']['id']} (EndorsementCredential")
    assert f"Program     {ledger[0]['program']}" in shown.stdout


def test_comment_and_default_period(homes: Homes) -> None:
    out = homes.root / "signed"
    ok(
        *homes.endorse("initial", program=str(Path(homes.site) / "program" / "keys.json")),
        "--comment",
        "Accredited after the 2026 site visit.",
        "-o",
        str(out),
    )
    doc = json.loads((out / "initial.json").read_text())
    assert doc["credentialSubject"]["endorsementComment"] == "Accredited after the 2026 site visit."
    years = int(doc["validUntil"][:4]) - int(doc["validFrom"][:4])
    assert years == 5


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--tier", "principal"], "publishes no Achievement for 'principal'; it publishes "),
        (["--tier", "initial", "--valid-until", "2020-01-01"], "'--valid-until': the date has"),
        (["--tier", "initial", "--valid-until", "next year"], "is not a date (2031-06-30)"),
        (["--tier", "initial", "--comment", "  "], "'--comment': the comment is empty"),
    ],
)
def test_bad_input_is_one_sentence_and_signs_nothing(
    homes: Homes, args: list[str], expected: str
) -> None:
    line = refused(*homes.endorse(), *args)
    assert expected in line
    assert homes.ledger() == []


def test_a_missing_program_folder_is_named_before_the_passphrase(homes: Homes) -> None:
    missing = str(homes.root / "nowhere")
    line = refused(*homes.endorse("initial", program=missing), env=NO_PASSPHRASE)
    assert (
        line
        == f"leadbadge: The program's published folder cannot be used: {missing} does not exist."
    )


def test_missing_passphrase_wrong_passphrase_and_not_an_issuer_home(homes: Homes) -> None:
    args = homes.endorse("initial")
    assert "No passphrase" in refused(*args, env=NO_PASSPHRASE)
    assert "passphrase" in refused(*args, env={"LEADBADGE_PASSPHRASE": "not it"}).lower()
    args[2] = str(homes.root / "program-site")
    assert "is not an issuer home" in refused(*args)
    assert homes.ledger() == []


def test_an_issuer_cannot_endorse_itself(homes: Homes) -> None:
    ok("publish", "--issuer", homes.authority, str(homes.root / "authority-site"))
    line = refused(*homes.endorse("initial", program=str(homes.root / "authority-site")))
    assert "cannot accredit itself" in line


def test_an_existing_output_file_stops_the_command_before_signing(homes: Homes) -> None:
    out = homes.root / "signed"
    out.mkdir()
    (out / "building.json").write_text("keep me")
    line = refused(*homes.endorse("initial", "building"), "-o", str(out))
    assert f"{out / 'building.json'} already exists" in line
    assert (out / "building.json").read_text() == "keep me"
    assert not (out / "initial.json").exists()
    assert homes.ledger() == []


def test_renew_refuses_an_endorsement_and_expiring_marks_it(homes: Homes) -> None:
    out = homes.root / "signed"
    ok(*homes.endorse("initial"), "--valid-until", "2027-01-31", "-o", str(out))
    line = refused("renew", "--issuer", homes.authority, str(out / "initial.json"))
    assert "is an accreditation (an EndorsementCredential of the program" in line
    assert "endorse the program again" in line
    assert len(homes.ledger()) == 1
    due = ok("ledger", "expiring", "--issuer", homes.authority, "--within", "400d", "--json")
    assert [e["kind"] for e in json.loads(due.stdout)] == ["endorsement"]
    table = ok("ledger", "expiring", "--issuer", homes.authority, "--within", "400d")
    assert "endorse the program again" in table.stdout


def test_trust_add_and_list_show_an_authoritys_accreditations(homes: Homes) -> None:
    ok(*homes.endorse("initial"))
    ok(*homes.endorse("building"))
    ok("publish", "--issuer", homes.authority, str(homes.root / "authority-site"))
    trust = str(homes.root / "trust")
    added = ok("trust", "add", "--trust", trust, str(homes.root / "authority-site"))
    assert added.stdout.startswith(
        f"Added {AUTHORITY} (did:web:ctc.example.gov): 1 key and 2 accreditations of 1 program "
        "from "
    )
    program = ok("trust", "add", "--trust", trust, homes.site)
    assert " and " not in program.stdout.splitlines()[0]

    listed = json.loads(ok("trust", "list", "--trust", trust, "--json").stdout)
    by_name = {e["name"]: e for e in listed}
    assert by_name[PROGRAM]["accreditations"] is None
    registry = by_name[AUTHORITY]["accreditations"]
    assert (registry["programs"], registry["endorsements"]) == (1, 2)
    assert Path(registry["file"]).is_file()
    table = ok("trust", "list", "--trust", trust, env={"COLUMNS": "300"})
    assert "accredits" in table.stdout
    assert "2 accreditations of 1 program" in table.stdout

    # A damaged registry is named, the command exits 3, the issuers are still listed.
    Path(registry["file"]).write_text("{}")
    damaged = run("trust", "list", "--trust", trust, env={"COLUMNS": "300"})
    assert damaged.exit_code == 3
    assert "accreditation registry" in damaged.stderr
    assert AUTHORITY in damaged.stdout


def test_endorse_fetches_a_program_published_at_a_url(
    homes: Homes, loopback_site: tuple[str, Path]
) -> None:
    base, root = loopback_site
    program = Issuer.create(
        homes.root / "web-program", name="Web Program", url=f"{base}/program", passphrase=PASSPHRASE
    )
    program.publish(root)
    out = homes.root / "signed"
    result = ok(*homes.endorse("building", program=f"{base}/program/"), "-o", str(out))
    doc = json.loads((out / "building.json").read_text())
    assert doc["credentialSubject"]["id"] == f"{base}/program/achievements/building.json"
    assert f"program {program.home.issuer_id}" in result.stdout

    line = refused(*homes.endorse("initial", program=f"{base}/nothing/keys.json"))
    assert "The program's published folder cannot be used" in line
    assert "404" in line
    assert len(homes.ledger()) == 1
