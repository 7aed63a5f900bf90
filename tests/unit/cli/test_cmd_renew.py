"""``leadbadge renew`` and ``leadbadge ledger expiring`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from leadbadge.cli import cli
from leadbadge.pathway.framework import default_framework

PASSPHRASE = "correct horse battery staple"
ENV = {"LEADBADGE_PASSPHRASE": PASSPHRASE}
LOG = (
    "professional-learning-log: activity_title=Equity institute; provider=State academy; "
    "completion_date=2031-05-01; hours={hours}; standards_addressed=PSEL 3; reflection=Useful"
)


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env=ENV)


def _ok(*args: str) -> Result:
    result = _run(*args)
    assert result.exit_code == 0, result.output
    return result


def _home(tmp_path: Path) -> tuple[Path, dict[str, Any], Path]:
    home = tmp_path / "home"
    _ok("init", str(home), "--name", "Academy", "--url", "https://academy.example.org/lead")
    args = ["issue", "--issuer", str(home), "initial", "--email", "ana@example.org"]
    args += ["--name", "Ana Ruiz"]
    for requirement in default_framework().tier("initial").evidence:
        fields = {f: f"{f} value" for f in requirement.records}
        if requirement.min_hours is not None:
            fields["hours"] = f"{requirement.min_hours:g}"
        args += [
            "--evidence",
            f"{requirement.id}: " + "; ".join(f"{k}={v}" for k, v in fields.items()),
        ]
    out = tmp_path / "ana.json"
    _ok(*args, "-o", str(out))
    return home, json.loads(out.read_text()), out


def test_renew_writes_the_renewal_and_supersedes_the_original(tmp_path: Path) -> None:
    home, original, path = _home(tmp_path)
    out = tmp_path / "renewed.json"
    result = _ok(
        "renew",
        "--issuer",
        str(home),
        str(path),
        "--evidence",
        LOG.format(hours=95),
        "-o",
        str(out),
    )
    renewed = json.loads(out.read_text())
    assert renewed["awardedDate"] == original["awardedDate"]
    assert renewed["id"] != original["id"]
    assert f"Renewed {original['id']} as {renewed['id']}" in result.stderr
    shown = json.loads(_ok("ledger", "list", "--issuer", str(home), "--json").stdout)
    assert len(shown) == 2

    again = _run("renew", "--issuer", str(home), original["id"], "--evidence", LOG.format(hours=95))
    assert again.exit_code == 3
    assert "already renewed" in again.stderr


def test_renew_names_the_missing_hours_and_issues_nothing(tmp_path: Path) -> None:
    home, original, _ = _home(tmp_path)
    result = _run(
        "renew", "--issuer", str(home), original["id"], "--evidence", LOG.format(hours=30)
    )
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "needs 90 hours" in lines[0]
    assert "professional-learning-log" in lines[0]
    missing = _run("renew", "--issuer", str(home), original["id"])
    assert missing.exit_code == 3
    assert "professional-learning-log" in missing.stderr
    assert len(json.loads(_ok("ledger", "list", "--issuer", str(home), "--json").stdout)) == 1


def test_ledger_expiring_lists_what_is_due(tmp_path: Path) -> None:
    home, original, _ = _home(tmp_path)
    assert json.loads(_ok("ledger", "expiring", "--issuer", str(home), "--json").stdout) == []
    # Five years from now falls inside a window of 1,900 days.
    due = json.loads(
        _ok("ledger", "expiring", "--issuer", str(home), "--within", "1900d", "--json").stdout
    )
    assert [d["id"] for d in due] == [original["id"]]
    assert due[0]["validUntil"] == original["validUntil"]
    assert due[0]["recipientName"] == "Ana Ruiz"
    _ok("renew", "--issuer", str(home), original["id"], "--evidence", LOG.format(hours=90))
    due = json.loads(
        _ok("ledger", "expiring", "--issuer", str(home), "--within", "1900d", "--json").stdout
    )
    assert len(due) == 1
    assert due[0]["id"] != original["id"]
    text = _ok("ledger", "expiring", "--issuer", str(home), "--within", "1900d").stdout
    assert "1 credential due for renewal." in text
