"""``leadbadge framework show`` / ``validate`` and ``leadbadge evidence-template``."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

from leadbadge.pathway.framework import default_framework
from tests.unit._issued import recorded
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


def test_show_one_tier_lists_its_evidence_fields_and_levels(tmp_path: Path) -> None:
    shown = ok("framework", "show", "initial").stdout
    assert shown.startswith("Initial Leadership Certification (initial)\n")
    assert "time-management: Time Management [developing, proficient*," in shown
    assert (
        "internship: Structured Entry-Level Leadership Internship (internship, at least 180"
        in shown
    )
    assert "fields: course_title, provider, credits, completion_date, grade" in shown
    assert "professional-learning-log" in shown  # the renewal's evidence
    # The same from a framework file, and as JSON.
    path = tmp_path / "program.json"
    path.write_text(ok("framework", "show", "--json").stdout, encoding="utf-8")
    assert ok("framework", "show", str(path), "initial").stdout == shown
    data = json.loads(ok("framework", "show", "building", "--json").stdout)
    assert data["id"] == "building"
    assert "Unknown tier 'nope'; the known tiers are initial, building" in refused(
        "framework", "show", "nope"
    )


def test_an_evidence_template_filled_in_issues_and_unfilled_is_refused(tmp_path: Path) -> None:
    template = ok("evidence-template", "building").stdout
    parsed = tomllib.loads(template)
    assert [item["requirement"] for item in parsed["evidence"]] == [
        r.id for r in default_framework().tier("building").evidence
    ]
    home = tmp_path / "home"
    ok("init", str(home), "--name", "Academy", "--url", "https://academy.example.org")
    unfilled = tmp_path / "unfilled.toml"
    unfilled.write_text(template, encoding="utf-8")
    args = ["issue", "--issuer", str(home), "building", "--email", "a@example.org", "--name", "A"]
    args += ["--override-prerequisites", "Checked on paper"]
    assert "must record" in refused(*args, "--evidence", f"@{unfilled}")
    filled = tmp_path / "filled.toml"
    filled.write_text(
        re.sub(
            r'^([a-z_]+) = ""',
            lambda m: f'{m.group(1)} = "{_value(m.group(1))}"',
            template,
            flags=re.M,
        ),
        encoding="utf-8",
    )
    issued = json.loads(ok(*args, "--evidence", f"@{filled}").stdout)
    assert len(issued["evidence"]) == len(parsed["evidence"])
    renewal = tomllib.loads(ok("evidence-template", "building", "--renewal").stdout)
    assert [item["requirement"] for item in renewal["evidence"]] == ["professional-learning-log"]


def _value(name: str) -> str:
    return "120" if name == "hours" else recorded(name, "filled in")
