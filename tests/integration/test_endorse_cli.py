"""Accreditation through the real console script, offline: a state authority endorses a program
for two tiers, a verifier pins only the authority (and the program's status lists), and the
program's credentials pass issuer trust for exactly those tiers, until an endorsement is revoked.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.unit._issued import PASSPHRASE
from tests.unit.cli._cli import (
    CONSOLE_SCRIPT,
    EMAIL,
    ScriptRun,
    evidence_file,
    run_script,
    script_refused,
)

AUTHORITY = "State Commission on Educator Credentialing"
PROGRAM = "Lakeside Unified Leadership Program"


@dataclass
class World:
    root: Path

    def env(self, trust: str = "trust") -> dict[str, str]:
        return {
            **os.environ,
            "LEADBADGE_PASSPHRASE": PASSPHRASE,
            "LEADBADGE_TRUST": str(self.root / trust),
        }

    def run(self, *args: str, trust: str = "trust") -> ScriptRun:
        return run_script(list(args), self.env(trust))

    def ok(self, *args: str, trust: str = "trust") -> ScriptRun:
        result = self.run(*args, trust=trust)
        assert result.code == 0, (args, result.out, result.err)
        return result

    def refused(self, *args: str) -> str:
        return script_refused(list(args), self.env())

    def path(self, *parts: str) -> str:
        return str(self.root.joinpath(*parts))

    def verify(self, *tiers: str, trust: str = "trust") -> tuple[int, list[dict[str, Any]]]:
        """Exit code and each credential's issuer_trust check (one --json run)."""
        files = [self.path(f"{tier}.json") for tier in tiers]
        result = self.run("verify", "--json", *files, trust=trust)
        reports = json.loads(result.out)
        reports = reports if isinstance(reports, list) else [reports]
        checks = [next(c for c in r["checks"] if c["id"] == "issuer_trust") for r in reports]
        return result.code, checks


def _issue(world: World, tier: str) -> None:
    args = ["issue", "--issuer", world.path("program"), tier, "--email", EMAIL]
    args += ["--name", "Ana Ruiz", "--evidence", f"@{evidence_file(world.root, tier)}"]
    world.ok(*args, "-o", world.path(f"{tier}.json"))


def _pin_only_the_authority(world: World, trust: str = "trust") -> None:
    world.ok("trust", "add", world.path("authority-site"), trust=trust)
    # A new home's credentials carry one status entry (revocation): one list.
    world.ok("trust", "add", world.path("program-site", "program", "status", "1.json"), trust=trust)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    if not CONSOLE_SCRIPT.exists():
        pytest.fail(f"the console script is not installed next to {CONSOLE_SCRIPT.parent}")
    w = World(tmp_path_factory.mktemp("accreditation-cli"))
    w.ok(
        "init",
        w.path("program"),
        "--name",
        PROGRAM,
        "--url",
        "https://lead.lakeside.example/program",
    )
    w.ok(
        "init",
        w.path("authority"),
        "--name",
        AUTHORITY,
        "--url",
        "https://ctc.example.gov/accreditation",
        "--did-web",
        "ctc.example.gov",
    )
    w.ok("publish", "--issuer", w.path("program"), w.path("program-site"))
    endorsed = w.ok(
        "endorse",
        "--issuer",
        w.path("authority"),
        "--program",
        w.path("program-site"),
        "--tier",
        "initial",
        "--tier",
        "building",
        "-o",
        w.path("endorsements"),
    )
    assert endorsed.out.count("Accreditation of ") == 2
    w.ok("publish", "--issuer", w.path("authority"), w.path("authority-site"))
    for tier in ("initial", "building", "district"):
        _issue(w, tier)
    # The program publishes again so its status lists are current; verifiers pin those alone.
    w.ok("publish", "--issuer", w.path("program"), w.path("program-site"))
    _pin_only_the_authority(w)
    return w


def test_trust_add_of_the_authority_names_its_accreditations(world: World) -> None:
    added = world.ok("trust", "add", world.path("authority-site"), trust="trust-check")
    assert "1 key and 2 accreditations of 1 program" in added.out
    listed = json.loads(world.ok("trust", "list", "--json", trust="trust-check").out)
    assert listed[0]["accreditations"]["endorsements"] == 2


def test_accredited_tiers_pass_and_the_unaccredited_tier_fails(world: World) -> None:
    shown = world.run("verify", world.path("initial.json"), world.path("building.json"))
    assert shown.code == 0, shown.out
    text = " ".join(shown.out.split())
    for tier in ("initial", "building"):
        assert f"accredited by {AUTHORITY} for '{tier}'" in text

    code, checks = world.verify("initial", "building", "district")
    assert code == 1  # the worst of the three: district is invalid
    for tier, check in zip(("initial", "building"), checks, strict=False):
        assert check["status"] == "pass"
        assert check["detail"]["tier"] == tier
        assert check["detail"]["authority"] == "did:web:ctc.example.gov"
        endorsement = json.loads(Path(world.path("endorsements", f"{tier}.json")).read_text())
        assert check["detail"]["endorsement"] == endorsement["id"]
    district = checks[2]
    assert district["status"] == "fail"
    assert district["code"] == "NOT_ACCREDITED"
    assert "'district'" in district["message"]

    alone = world.run("verify", world.path("district.json"))
    assert alone.code == 1
    assert "is not accredited for 'district'" in " ".join(alone.out.split())


def test_without_the_authority_the_program_is_not_trusted(world: World) -> None:
    result = world.run("verify", "--json", world.path("initial.json"), trust="trust-empty")
    assert result.code == 2
    checks = {c["id"]: c for c in json.loads(result.out)["checks"]}
    assert checks["issuer_trust"]["code"] == "NOT_PINNED"


def test_a_revoked_endorsement_withdraws_the_tier(world: World, tmp_path: Path) -> None:
    copy = World(tmp_path / "copy")
    shutil.copytree(world.root, copy.root)
    revoked = copy.ok(
        "revoke",
        "--issuer",
        copy.path("authority"),
        copy.path("endorsements", "building.json"),
        "--reason",
        "Site visit findings",
    )
    assert "active -> revoked" in revoked.out
    copy.ok("publish", "--issuer", copy.path("authority"), copy.path("authority-site"))
    copy.ok("trust", "add", copy.path("authority-site"))
    code, (building, initial) = copy.verify("building", "initial")
    assert code == 1
    assert building["status"] == "fail"
    assert building["code"] == "ACCREDITATION_REVOKED"
    assert initial["status"] == "pass", initial
    # A verifier who has not pinned the authority again still sees it in force.
    assert world.verify("building")[0] == 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--tier", "principal"], "publishes no Achievement for 'principal'"),
        (["--tier", "initial", "--valid-until", "someday"], "'--valid-until'"),
    ],
)
def test_bad_endorse_input_is_one_sentence_exit_3(
    world: World, args: list[str], expected: str
) -> None:
    line = world.refused(
        "endorse",
        "--issuer",
        world.path("authority"),
        "--program",
        world.path("program-site"),
        *args,
    )
    assert expected in line


def test_a_missing_program_folder_is_one_sentence_exit_3(world: World) -> None:
    missing = world.path("no-such-site")
    line = world.refused(
        "endorse", "--issuer", world.path("authority"), "--program", missing, "--tier", "initial"
    )
    assert line == (
        f"leadbadge: The program's published folder cannot be used: {missing} does not exist."
    )


def test_the_demo_shows_the_pathway_tree_and_an_accreditation(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = run_script(["demo", "--out", str(out)], {**os.environ, "COLUMNS": "300"})
    assert result.code == 0, result.out + result.err
    assert "PATHWAY VALID" in result.out
    assert "prerequisite building: held" in result.out
    assert f"Accreditation: {AUTHORITY} (did:web:credentialing.state.example) accredits" in (
        result.out
    )
    rows = {
        line.split("│")[1].strip(): line
        for line in result.out.splitlines()
        if "(Marcus Chen)" in line
    }
    assert set(rows) == {
        "initial (Marcus Chen)",
        "building (Marcus Chen)",
        "district (Marcus Chen)",
    }
    for tier in ("initial", "building"):
        assert "│ valid " in rows[f"{tier} (Marcus Chen)"]
        assert f"accredited by {AUTHORITY} for '{tier}'" in rows[f"{tier} (Marcus Chen)"]
    assert "│ invalid " in rows["district (Marcus Chen)"]
    assert "fail (NOT_ACCREDITED)" in rows["district (Marcus Chen)"]
    registry = next((out / "state-site").rglob("accreditations.json"))
    assert len(json.loads(registry.read_text())["endorsements"]) == 2
