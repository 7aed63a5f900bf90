"""``leadbadge renew`` and ``leadbadge ledger expiring`` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.unit.cli._cli import issue_args, ok, refused

LOG = (
    "professional-learning-log: activity_title=Equity institute; provider=State academy; "
    "completion_date=2026-05-01; hours={hours}; standards_addressed=PSEL 3; reflection=Useful"
)


def _home(tmp_path: Path) -> tuple[Path, dict[str, Any], Path]:
    home = tmp_path / "home"
    ok("init", str(home), "--name", "Academy", "--url", "https://academy.example.org/lead")
    out = tmp_path / "ana.json"
    ok(*issue_args(home, "initial", "-o", str(out), email="ana@example.org"))
    return home, json.loads(out.read_text()), out


def test_renew_writes_the_renewal_and_supersedes_the_original(tmp_path: Path) -> None:
    home, original, path = _home(tmp_path)
    out = tmp_path / "renewed.json"
    result = ok(
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
    shown = json.loads(ok("ledger", "list", "--issuer", str(home), "--json").stdout)
    assert len(shown) == 2

    again = refused(
        "renew", "--issuer", str(home), original["id"], "--evidence", LOG.format(hours=95)
    )
    assert "already renewed" in again


def test_renew_names_the_missing_hours_and_issues_nothing(tmp_path: Path) -> None:
    home, original, _ = _home(tmp_path)
    line = refused(
        "renew", "--issuer", str(home), original["id"], "--evidence", LOG.format(hours=30)
    )
    assert "needs 90 hours" in line
    assert "professional-learning-log" in line
    missing = refused("renew", "--issuer", str(home), original["id"])
    assert "professional-learning-log" in missing
    assert len(json.loads(ok("ledger", "list", "--issuer", str(home), "--json").stdout)) == 1


def test_ledger_expiring_lists_what_is_due(tmp_path: Path) -> None:
    home, original, _ = _home(tmp_path)
    assert json.loads(ok("ledger", "expiring", "--issuer", str(home), "--json").stdout) == []
    # Five years from now falls inside a window of 1,900 days.
    due = json.loads(
        ok("ledger", "expiring", "--issuer", str(home), "--within", "1900d", "--json").stdout
    )
    assert [d["id"] for d in due] == [original["id"]]
    assert due[0]["validUntil"] == original["validUntil"]
    assert due[0]["recipientName"] == "Ana Ruiz"
    ok("renew", "--issuer", str(home), original["id"], "--evidence", LOG.format(hours=90))
    due = json.loads(
        ok("ledger", "expiring", "--issuer", str(home), "--within", "1900d", "--json").stdout
    )
    assert len(due) == 1
    assert due[0]["id"] != original["id"]
    lines = ok("ledger", "expiring", "--issuer", str(home), "--within", "1900d").stdout
    # Off a terminal: a header and one tab-separated line per credential due.
    assert lines.splitlines()[0] == "id\ttier\trecipient\tvalid until"
    assert [line.split("\t")[0] for line in lines.splitlines()[1:]] == [due[0]["id"]]


def test_renew_into_a_missing_folder_renews_nothing(tmp_path: Path) -> None:
    home, original, _ = _home(tmp_path)
    out = tmp_path / "missing" / "renewed.json"
    args = ("renew", "--issuer", str(home), original["id"], "--evidence", LOG.format(hours=95))
    line = refused(*args, "-o", str(out))
    assert "does not exist" in line
    assert "nothing was issued" in line
    listed = json.loads(ok("ledger", "list", "--issuer", str(home), "--json").stdout)
    assert [entry["status"] for entry in listed] == ["active"]
