"""``leadbadge verify --pathway``: the tree, the JSON shape and the exit codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import Result

from tests.unit.cli._cli import EMAIL, did_web_home, issue_args, ok, refused, run


def _verify(*args: str) -> Result:
    return run("verify", "--pathway", *args)


def _world(tmp_path: Path, order: tuple[str, ...]) -> tuple[Path, dict[str, Path]]:
    home = did_web_home(tmp_path, "academy.example")
    files = {}
    for tier in order:
        files[tier] = tmp_path / f"{tier}.json"
        # Awarded an hour ago, before the initial credential that follows it.
        early = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        reason = ("--override-prerequisites", "Test of an out-of-order pathway")
        out_of_order = ("--valid-from", early, *reason)
        extra = out_of_order if tier == "building" and order[0] == "building" else ()
        ok(*issue_args(home, tier, "-o", str(files[tier]), *extra))
    site, trust = tmp_path / "site", tmp_path / "trust"
    ok("publish", "--issuer", str(home), str(site))
    ok("trust", "add", str(site), "--trust", str(trust))
    return trust, files


def test_a_complete_chain(tmp_path: Path) -> None:
    trust, files = _world(tmp_path, ("initial", "building", "district"))
    args = [str(files[t]) for t in ("district", "initial", "building")]
    human = _verify(*args, "--trust", str(trust), "--recipient", EMAIL)
    assert human.exit_code == 0, human.output
    assert "PATHWAY VALID" in human.stdout
    lines = human.stdout.splitlines()
    first = next(i for i, line in enumerate(lines) if "initial —" in line)
    assert first < next(i for i, line in enumerate(lines) if "building —" in line)
    assert "prerequisite building: held" in human.stdout
    result = _verify(*args, "--trust", str(trust), "--recipient", EMAIL, "--json")
    assert result.exit_code == 0, result.output
    shape = json.loads(result.stdout)
    assert shape["verdict"] == "valid"
    assert shape["recipient"]["status"] == "same"
    [initial] = shape["tree"]
    assert initial["tier"] == "initial"
    [building] = initial["children"]
    assert building["credentials"][0]["prerequisites"][0]["held"] is True
    assert building["children"][0]["tier"] == "district"
    assert len(shape["reports"]) == 3


def test_building_awarded_before_initial(tmp_path: Path) -> None:
    trust, files = _world(tmp_path, ("building", "initial"))
    result = _verify(
        str(files["initial"]), str(files["building"]), "--trust", str(trust), "--recipient", EMAIL
    )
    assert result.exit_code == 1, result.output
    assert "PATHWAY INVALID" in result.stdout
    assert "prerequisite initial: NOT HELD" in result.stdout


def test_without_a_recipient_the_identity_is_unknown(tmp_path: Path) -> None:
    trust, files = _world(tmp_path, ("initial", "building"))
    result = _verify(str(files["initial"]), str(files["building"]), "--trust", str(trust))
    assert result.exit_code == 2, result.output
    assert "--recipient" in result.stdout


def test_framework_needs_pathway(tmp_path: Path) -> None:
    framework = tmp_path / "f.toml"
    framework.write_text("")
    refused("verify", "x.json", "--framework", str(framework))


def test_a_file_name_cannot_write_terminal_commands_into_the_tree(tmp_path: Path) -> None:
    trust, files = _world(tmp_path, ("initial",))
    hostile = files["initial"].with_name("a\x1b[2Jb\u202e.json")
    files["initial"].rename(hostile)
    result = _verify(str(hostile), "--trust", str(trust))
    assert "a\ufffd[2Jb\ufffd" in result.stdout  # the tree folds long lines
    assert "\x1b" not in result.stdout
    assert "\u202e" not in result.stdout
