"""``leadbadge issue`` checks prerequisite tiers: own ledger, --prerequisite, override."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from leadbadge.issuer.ledger import Ledger
from tests.unit.cli._cli import did_web_home, issue_args, ok, refused


def test_building_needs_initial_from_the_ledger(tmp_path: Path) -> None:
    home = did_web_home(tmp_path, "academy.example")
    line = refused(*issue_args(home, "building"))
    assert "does not hold the prerequisite tier 'initial' for 'building'" in line
    ok(*issue_args(home, "initial"))
    allowed = ok(*issue_args(home, "building"))
    assert json.loads(allowed.stdout)["credentialSubject"]["achievement"]["name"]


def test_an_override_is_recorded(tmp_path: Path) -> None:
    home = did_web_home(tmp_path, "academy.example")
    refused(*issue_args(home, "building", "--override-prerequisites", " "))
    result = ok(
        *issue_args(home, "building", "--override-prerequisites", "Transfer from another state")
    )
    assert "Issued without the prerequisite tier(s) initial" in result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    with Ledger.open(home / "ledger.sqlite") as ledger:
        [override] = ledger.prerequisite_overrides()
    assert (override.credential_id, override.missing) == (doc["id"], ("initial",))
    assert override.reason == "Transfer from another state"


def test_an_initial_presented_from_another_pinned_issuer(tmp_path: Path) -> None:
    other = did_web_home(tmp_path, "county.example")
    initial = tmp_path / "initial.json"
    ok(*issue_args(other, "initial", "-o", str(initial)))
    site, trust = tmp_path / "site", tmp_path / "trust"
    ok("publish", "--issuer", str(other), str(site))
    ok("trust", "add", str(site), "--trust", str(trust))
    home = did_web_home(tmp_path, "academy.example")
    building = issue_args(home, "building", "--prerequisite", str(initial))
    assert "is inconclusive" in refused(*building, "--trust", str(tmp_path / "none"))
    ok(*building, "--trust", str(trust))
    ok("revoke", "--issuer", str(other), json.loads(initial.read_text())["id"], "--reason", "x")
    ok("publish", "--issuer", str(other), str(site))
    ok("trust", "add", str(site), "--trust", str(trust))
    assert "is invalid" in refused(*building, "--trust", str(trust))
