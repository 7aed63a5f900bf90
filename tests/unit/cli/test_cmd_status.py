"""``leadbadge revoke | suspend | unsuspend``, ``ledger list | show | export`` and the status
options of ``verify`` and ``trust``, through click's CliRunner, end to end."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from tests.unit.cli._cli import issue_args, ok, refused, run


def _issue(home: Path, out: Path, tier: str = "initial", name: str = "Ana Ruiz") -> dict[str, Any]:
    ok(*issue_args(home, tier, "-o", str(out), email="ana@example.org", name=name))
    return dict(json.loads(out.read_text()))


class Program:
    """An issuer home with two credentials, published and pinned through the CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.site = root / "site"
        self.trust = root / "trust"
        ok(
            "init", str(self.home), "--name", "Academy", "--url", "https://academy.example",
            "--did-web", "academy.example", "--suspension",
        )  # fmt: skip
        self.ana = root / "ana.json"
        self.ben = root / "ben.json"
        self.ana_doc = _issue(self.home, self.ana)
        self.ben_doc = _issue(self.home, self.ben, "building", '=HYPERLINK("x")')
        self.publish()

    def publish(self) -> None:
        ok("publish", "--issuer", str(self.home), str(self.site))
        ok("trust", "add", str(self.site), "--trust", str(self.trust))

    def verify(self, path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
        result = run("verify", str(path), "--trust", str(self.trust), "--json", *extra)
        assert result.exit_code in (0, 1, 2), result.output
        return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def program(tmp_path: Path) -> Program:
    return Program(tmp_path)


def _status(report: dict[str, Any]) -> tuple[str, str | None]:
    check = next(c for c in report["checks"] if c["id"] == "status")
    return check["status"], check.get("code")


def test_revoke_then_verify_says_revoked_exit_1(program: Program) -> None:
    assert program.verify(program.ana)[0] == 0
    revoked = ok(
        "revoke",
        "--issuer",
        str(program.home),
        str(program.ana),
        "--reason",
        "Fraud",
        "--by",
        "Dr. Lee",
    )
    assert revoked.stdout.startswith(
        f"Revoked {program.ana_doc['id']} (initial): active -> revoked."
    )
    assert "publish again" in revoked.stderr
    # Not yet published: verifiers still see the old lists.
    assert program.verify(program.ana)[0] == 0
    program.publish()
    code, report = program.verify(program.ana)
    assert code == 1
    assert report["verdict"] == "invalid"
    assert _status(report) == ("fail", "REVOKED")
    assert program.verify(program.ben)[0] == 0
    again = refused("revoke", "--issuer", str(program.home), program.ana_doc["id"])
    assert "revocation is final" in again
    human = run("verify", str(program.ana), "--trust", str(program.trust))
    assert human.exit_code == 1
    assert "The issuer has revoked the credential" in human.output


def test_suspend_then_unsuspend(program: Program) -> None:
    ok("suspend", "--issuer", str(program.home), program.ben_doc["id"])
    program.publish()
    code, report = program.verify(program.ben)
    assert (code, _status(report)) == (1, ("fail", "SUSPENDED"))
    ok("unsuspend", "--issuer", str(program.home), str(program.ben), "--reason", "Cleared")
    program.publish()
    code, report = program.verify(program.ben)
    assert (code, _status(report)) == (0, ("pass", None))
    not_suspended = refused("unsuspend", "--issuer", str(program.home), str(program.ben))
    assert "is not suspended" in not_suspended


def test_an_unknown_credential_is_one_sentence_exit_3(program: Program, tmp_path: Path) -> None:
    assert refused("revoke", "--issuer", str(program.home), "urn:uuid:nobody") == (
        "leadbadge: The ledger records no credential with the id urn:uuid:nobody."
    )
    not_a_credential = tmp_path / "notes.json"
    not_a_credential.write_text('{"hello": "world"}')
    assert "has no id" in refused("suspend", "--issuer", str(program.home), str(not_a_credential))


def test_no_pinned_list_is_inconclusive_exit_2_and_unsafe_skip_is_valid(
    program: Program, tmp_path: Path
) -> None:
    keys_only = tmp_path / "keys-only"
    ok("trust", "add", str(program.site / ".well-known" / "did.json"), "--trust", str(keys_only))
    result = run("verify", str(program.ana), "--trust", str(keys_only), "--json")
    assert result.exit_code == 2
    assert _status(json.loads(result.stdout)) == ("unknown", "STATUS_UNCHECKABLE")
    ok("verify", str(program.ana), "--trust", str(keys_only), "--unsafe-skip-status")
    # The lists handed in with the credential are checked as pinned ones.
    lists = [str(p) for p in sorted((program.site / "status").glob("*.json"))]
    ok(
        "verify",
        str(program.ana),
        "--trust",
        str(keys_only),
        *[a for p in lists for a in ("--status-list", p)],
    )


def test_max_status_age(program: Program) -> None:
    code, _ = program.verify(program.ana, "--max-status-age", "1m")
    assert code == 0
    code, _ = program.verify(program.ana, "--max-status-age", "9d")
    assert code == 0


@pytest.mark.parametrize("days", [8, 45])
def test_at_does_not_age_the_status_lists(program: Program, days: int) -> None:
    # --at judges the validity period; the status is as of the list's date, and the list's
    # age and own validity (30 days here) are judged against the real time.
    code, report = program.verify(program.ana, "--at", _days_from_now(days))
    assert code == 0, report
    assert _status(report) == ("pass", None)
    code, report = program.verify(program.ana, "--at", _days_from_now(8), "--unsafe-skip-status")
    assert code == 0, report
    for bad in ("0d", "week", "7 weeks"):
        assert "is not a duration" in refused("verify", str(program.ana), "--max-status-age", bad)


def _days_from_now(days: int) -> str:
    from datetime import UTC, datetime, timedelta

    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_ledger_list_show_export(program: Program, tmp_path: Path) -> None:
    ok("suspend", "--issuer", str(program.home), program.ben_doc["id"], "--reason", "Audit")
    listing = ok("ledger", "list", "--issuer", str(program.home))
    # Not a terminal: a header and one tab-separated line per credential.
    assert listing.stdout.splitlines() == [
        "id\ttier\trecipient\tissued\tstatus",
        f"{program.ana_doc['id']}\tinitial\tAna Ruiz\t{program.ana_doc['validFrom']}\tactive",
        f'{program.ben_doc["id"]}\tbuilding\t\'=HYPERLINK("x")\t'
        f"{program.ben_doc['validFrom']}\tsuspended",
    ]
    rows = json.loads(ok("ledger", "list", "--issuer", str(program.home), "--json").stdout)
    assert [(r["tier"], r["status"], r["recipientName"]) for r in rows] == [
        ("initial", "active", "Ana Ruiz"),
        ("building", "suspended", '=HYPERLINK("x")'),
    ]
    assert [e["purpose"] for e in rows[0]["statusEntries"]] == ["revocation", "suspension"]
    only = json.loads(
        ok(
            "ledger", "list", "--issuer", str(program.home), "--status", "suspended", "--json"
        ).stdout
    )
    assert [r["id"] for r in only] == [program.ben_doc["id"]]
    tier = json.loads(
        ok("ledger", "list", "--issuer", str(program.home), "--tier", "initial", "--json").stdout
    )
    assert [r["id"] for r in tier] == [program.ana_doc["id"]]

    shown = ok("ledger", "show", "--issuer", str(program.home), str(program.ben)).stdout
    assert "Status      suspended" in shown
    assert "suspend by" in shown
    assert ": Audit" in shown
    data = json.loads(
        ok("ledger", "show", "--issuer", str(program.home), program.ben_doc["id"], "--json").stdout
    )
    assert data["changes"][0]["action"] == "suspend"
    assert data["document"] == program.ben_doc
    refused("ledger", "show", "--issuer", str(program.home), "urn:uuid:none")

    exported = ok("ledger", "export", "--issuer", str(program.home)).stdout
    table = list(csv.DictReader(io.StringIO(exported)))
    assert [r["id"] for r in table] == [program.ana_doc["id"], program.ben_doc["id"]]
    assert table[1]["status"] == "suspended"
    assert table[1]["last_change_reason"] == "Audit"
    assert table[1]["recipient_name"] == '\'=HYPERLINK("x")'  # never run as a formula
    index = program.ana_doc["credentialStatus"][0]["statusListIndex"]
    assert table[0]["revocation_index"] == index
    assert table[0]["revocation_list"] == "https://academy.example/status/1.json"
    out = tmp_path / "ledger.csv"
    ok("ledger", "export", "--issuer", str(program.home), "-o", str(out))
    assert out.read_text() == exported
    refused("ledger", "export", "--issuer", str(program.home), "-o", str(out))


def test_trust_list_shows_lists_and_remove_takes_a_list_url(program: Program) -> None:
    listed = ok("trust", "list", "--trust", str(program.trust)).stdout
    assert "https://academy.example/status/1.json" in listed
    removed = ok(
        "trust", "remove", "https://academy.example/status/2.json", "--trust", str(program.trust)
    )
    assert "status list" in removed.stdout
    code, report = program.verify(program.ana)
    assert (code, _status(report)) == (2, ("unknown", "STATUS_UNCHECKABLE"))


def test_trust_add_a_list_file_with_its_url(program: Program, tmp_path: Path) -> None:
    store = tmp_path / "t"
    ok("trust", "add", str(program.site / ".well-known" / "did.json"), "--trust", str(store))
    copy = tmp_path / "copy.json"
    copy.write_text((program.site / "status" / "1.json").read_text())
    added = ok(
        "trust", "add", str(copy), "--trust", str(store), "--url", "https://mirror.example/r"
    )
    assert added.stdout.startswith("Pinned the status list https://mirror.example/r")
    # Pinned from files, both are read again from them.
    again = ok("trust", "refresh", "--trust", str(store))
    assert again.stdout.splitlines() == [
        f"Refreshed the issuer {program.site / '.well-known' / 'did.json'}.",
        f"Refreshed the status list {copy}.",
    ]
    assert "nothing to refresh" in ok("trust", "refresh", "--trust", str(tmp_path / "t2")).stdout
