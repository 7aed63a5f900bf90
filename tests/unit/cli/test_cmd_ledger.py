"""``leadbadge ledger list`` through click's CliRunner: filters and what an empty answer says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.cli._cli import issue_args, ok, refused


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ledger") / "home"
    ok("init", str(path), "--name", "Academy", "--url", "https://academy.example.org/lead")
    ok(*issue_args(path, "initial", "-o", str(path.parent / "ana.json")))
    ok(*issue_args(path, "teacher-leader", email="ben@example.org", name="Ben Okafor"))
    return path


def test_a_tier_of_the_framework_with_no_credentials_matches_nothing(home: Path) -> None:
    result = ok("ledger", "list", "--issuer", str(home), "--tier", "district")
    assert result.stdout == "No credentials match.\n"
    listed = ok("ledger", "list", "--issuer", str(home), "--tier", "district", "--json")
    assert json.loads(listed.stdout) == []


def test_an_unknown_tier_is_refused_naming_the_known_ones(home: Path) -> None:
    line = refused("ledger", "list", "--issuer", str(home), "--tier", "nope")
    assert "Unknown tier 'nope'; the known tiers are initial, building, district" in line


def test_the_tier_filter(home: Path) -> None:
    listed = ok("ledger", "list", "--issuer", str(home), "--tier", "initial", "--json")
    assert [entry["tier"] for entry in json.loads(listed.stdout)] == ["initial"]


def _listed(home: Path, *args: str) -> list[tuple[str, str]]:
    rows = json.loads(ok("ledger", "list", "--issuer", str(home), "--json", *args).stdout)
    return [(row["tier"], row["recipientName"]) for row in rows]


def test_one_persons_credentials_by_email_or_name(home: Path) -> None:
    assert _listed(home, "--email", "Ben@Example.org") == [("teacher-leader", "Ben Okafor")]
    assert _listed(home, "--email", "ana.ruiz@example.org") == [("initial", "Ana Ruiz")]
    assert _listed(home, "--email", "nobody@example.org") == []
    assert _listed(home, "--name", "okafor") == [("teacher-leader", "Ben Okafor")]
    assert _listed(home, "--name", "a", "--tier", "initial") == [("initial", "Ana Ruiz")]
    assert "is not a valid e-mail address" in refused(
        "ledger", "list", "--issuer", str(home), "--email", "nobody"
    )


def test_off_a_terminal_each_credential_is_one_tab_separated_line(home: Path) -> None:
    lines = ok("ledger", "list", "--issuer", str(home)).stdout.splitlines()
    assert lines[0] == "id\ttier\trecipient\tissued\tstatus"
    assert [line.split("\t")[1:3] for line in lines[1:]] == [
        ["initial", "Ana Ruiz"],
        ["teacher-leader", "Ben Okafor"],
    ]
