"""``leadbadge issue`` checks prerequisite tiers: own ledger, --prerequisite, override."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from leadbadge.cli import cli
from leadbadge.issuer.ledger import Ledger
from leadbadge.pathway.framework import default_framework

ENV = {"LEADBADGE_PASSPHRASE": "correct horse battery staple"}
EMAIL = "ana.ruiz@example.org"


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=ENV)


def _ok(*args: str) -> Result:
    result = _run(*args)
    assert result.exit_code == 0, result.output
    return result


def _issue(home: Path, tier: str, *extra: str) -> Result:
    args = ["issue", "--issuer", str(home), tier, "--email", EMAIL, "--name", "Ana Ruiz"]
    for requirement in default_framework().tier(tier).evidence:
        fields = {f: f"{f} value" for f in requirement.records}
        if requirement.min_hours is not None:
            fields["hours"] = f"{requirement.min_hours:g}"
        args += [
            "--evidence",
            f"{requirement.id}: " + "; ".join(f"{k}={v}" for k, v in fields.items()),
        ]
    return _run(*args, *extra)


def _home(root: Path, host: str) -> Path:
    home = root / host
    _ok("init", str(home), "--name", host, "--url", f"https://{host}", "--did-web", host)
    return home


def test_building_needs_initial_from_the_ledger(tmp_path: Path) -> None:
    home = _home(tmp_path, "academy.example")
    refused = _issue(home, "building")
    assert refused.exit_code == 3
    assert "does not hold the prerequisite tier 'initial' for 'building'" in refused.stderr
    assert refused.stdout == ""
    assert _issue(home, "initial").exit_code == 0
    allowed = _issue(home, "building")
    assert allowed.exit_code == 0, allowed.output
    assert json.loads(allowed.stdout)["credentialSubject"]["achievement"]["name"]


def test_an_override_is_recorded(tmp_path: Path) -> None:
    home = _home(tmp_path, "academy.example")
    empty = _issue(home, "building", "--override-prerequisites", " ")
    assert empty.exit_code == 3
    result = _issue(home, "building", "--override-prerequisites", "Transfer from another state")
    assert result.exit_code == 0, result.output
    assert "Issued without the prerequisite tier(s) initial" in result.stderr
    doc: dict[str, Any] = json.loads(result.stdout)
    with Ledger.open(home / "ledger.sqlite") as ledger:
        [override] = ledger.prerequisite_overrides()
    assert (override.credential_id, override.missing) == (doc["id"], ("initial",))
    assert override.reason == "Transfer from another state"


def test_an_initial_presented_from_another_pinned_issuer(tmp_path: Path) -> None:
    other = _home(tmp_path, "county.example")
    initial = tmp_path / "initial.json"
    assert _issue(other, "initial", "-o", str(initial)).exit_code == 0
    site, trust = tmp_path / "site", tmp_path / "trust"
    _ok("publish", "--issuer", str(other), str(site))
    _ok("trust", "add", str(site), "--trust", str(trust))
    home = _home(tmp_path, "academy.example")
    unpinned = _issue(
        home, "building", "--prerequisite", str(initial), "--trust", str(tmp_path / "none")
    )
    assert unpinned.exit_code == 3
    assert "is inconclusive" in unpinned.stderr
    allowed = _issue(home, "building", "--prerequisite", str(initial), "--trust", str(trust))
    assert allowed.exit_code == 0, allowed.output
    _ok("revoke", "--issuer", str(other), json.loads(initial.read_text())["id"], "--reason", "x")
    _ok("publish", "--issuer", str(other), str(site))
    _ok("trust", "add", str(site), "--trust", str(trust))
    revoked = _issue(home, "building", "--prerequisite", str(initial), "--trust", str(trust))
    assert revoked.exit_code == 3
    assert "is invalid" in revoked.stderr
