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
