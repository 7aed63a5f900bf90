"""``leadbadge framework show`` / ``validate``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.cli._cli import ok, refused, run

TIER_IDS = [
    "initial",
    "building",
    "district",
    "sped-director",
    "hr-director",
    "tech-director",
    "teacher-leader",
]


def test_show_default_lists_every_tier() -> None:
    result = ok("framework", "show")
    for tier in TIER_IDS:
        assert tier in result.output


def test_show_json_round_trips_through_validate(tmp_path: Path) -> None:
    result = ok("framework", "show", "--json")
    data = json.loads(result.output)
    assert [t["id"] for t in data["tiers"]] == TIER_IDS
    path = tmp_path / "program.json"
    path.write_text(result.output, encoding="utf-8")
    checked = ok("framework", "validate", str(path))
    assert "valid framework with 7 tiers" in checked.output


def test_validate_reports_every_problem_with_location(tmp_path: Path) -> None:
    result = ok("framework", "show", "--json")
    data = json.loads(result.output)
    data["tiers"][1]["prerequisites"] = ["no-such-tier"]
    data["tiers"][2]["id"] = data["tiers"][0]["id"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    checked = run("framework", "validate", str(path))
    assert checked.exit_code == 1
    assert "/tiers/1/prerequisites/0" in checked.output
    assert "/tiers/2/id" in checked.output
    assert "Traceback" not in checked.output


def test_missing_file_is_one_sentence_exit_3(tmp_path: Path) -> None:
    refused("framework", "show", str(tmp_path / "nope.toml"))
