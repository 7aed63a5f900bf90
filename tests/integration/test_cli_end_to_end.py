"""The whole CLI contract, end to end: init → issue every tier → publish → trust add → verify.

Runs through the real console script (a subprocess, as users run it) and through click's
CliRunner. Exit codes: 0 valid, 1 invalid, 2 inconclusive, 3 usage or unreadable input.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from leadbadge.cli._demo_data import sample_results
from leadbadge.pathway.framework import default_framework
from tests.unit._issued import PASSPHRASE
from tests.unit.cli._cli import (
    CONSOLE_SCRIPT,
    EMAIL,
    evidence_file,
    ok,
    refused,
    run_script,
    script_refused,
)

TIERS = [t.id for t in default_framework().tiers]


def _issue_args(home: Path, tier_id: str, tmp: Path, out: Path) -> list[str]:
    args = ["issue", "--issuer", str(home), tier_id, "--email", EMAIL, "--name", "Ana Ruiz"]
    args += ["--evidence", f"@{evidence_file(tmp, tier_id)}"]
    for competency, level in sample_results(default_framework().tier(tier_id)).items():
        args += ["--result", f"{competency}={level}"]
    return [*args, "--valid-from", "2026-09-01T00:00:00Z", "-o", str(out)]


@pytest.fixture(scope="module")
def pathway(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A did:web issuer that issued every tier through the console script, published and pinned."""
    if not CONSOLE_SCRIPT.exists():
        pytest.fail(f"the console script is not installed next to {sys.executable}")
    tmp = tmp_path_factory.mktemp("e2e")
    env = {**os.environ, "LEADBADGE_PASSPHRASE": PASSPHRASE, "LEADBADGE_TRUST": str(tmp / "trust")}
    home = tmp / "issuer"
    init = run_script(
        [
            "init",
            str(home),
            "--name",
            "Riverside County Leadership Academy",
            "--url",
            "https://leadership.riverside.example",
            "--did-web",
            "leadership.riverside.example",
        ],
        env,
    )
    assert init.code == 0, init.err
    paths: dict[str, Path] = {"home": home, "tmp": tmp}
    for tier_id in TIERS:
        out = tmp / f"{tier_id}.json"
        issued = run_script(_issue_args(home, tier_id, tmp, out), env)
        assert issued.code == 0, issued.err
        paths[tier_id] = out
    published = run_script(["publish", "--issuer", str(home), str(tmp / "site")], env)
    assert published.code == 0, published.err
    pinned = run_script(["trust", "add", str(tmp / "site")], env)
    assert pinned.code == 0, pinned.err
    return paths


def script_env(pathway: dict[str, Path]) -> dict[str, str]:
    return {**os.environ, "LEADBADGE_TRUST": str(pathway["tmp"] / "trust")}


def test_every_tier_verifies_valid_through_the_console_script(pathway: dict[str, Path]) -> None:
    files = [str(pathway[t]) for t in TIERS]
    result = run_script(["verify", "--json", *files], script_env(pathway))
    assert result.code == 0, result.out
    reports = json.loads(result.out)
    assert [r["verdict"] for r in reports] == ["valid"] * len(TIERS)
    assert [r["credential"]["tier"] for r in reports] == TIERS


def test_stdin_input(pathway: dict[str, Path]) -> None:
    text = pathway["initial"].read_text(encoding="utf-8")
    result = run_script(["verify", "-"], script_env(pathway), stdin=text)
    assert result.code == 0, result.out + result.err


def test_tampered_copy_is_invalid_exit_1(pathway: dict[str, Path], tmp_path: Path) -> None:
    doc = json.loads(pathway["district"].read_text(encoding="utf-8"))
    doc["credentialSubject"]["creditsEarned"] = 99
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(doc), encoding="utf-8")
    result = run_script(["verify", "--json", str(tampered)], script_env(pathway))
    assert result.code == 1
    report = json.loads(result.out)
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    assert statuses["proof"] == "fail"
    assert statuses["validity"] == "skipped"


def test_worst_verdict_wins_with_several_inputs(pathway: dict[str, Path], tmp_path: Path) -> None:
    doc = json.loads(pathway["initial"].read_text(encoding="utf-8"))
    doc["name"] = "Something else"
    tampered = tmp_path / "bad.json"
    tampered.write_text(json.dumps(doc), encoding="utf-8")
    result = run_script(["verify", str(pathway["initial"]), str(tampered)], script_env(pathway))
    assert result.code == 1


def test_unpinned_did_web_issuer_is_inconclusive_exit_2(
    pathway: dict[str, Path], tmp_path: Path
) -> None:
    env = {**os.environ, "LEADBADGE_TRUST": str(tmp_path / "empty-trust")}
    result = run_script(["verify", "--json", str(pathway["building"])], env)
    assert result.code == 2, result.out
    report = json.loads(result.out)
    statuses = {c["id"]: c["status"] for c in report["checks"]}
    assert statuses["issuer_key"] == "unknown"


def test_expired_at_a_later_instant_is_invalid_exit_1(pathway: dict[str, Path]) -> None:
    # Default validity is 5 years from 2026-09-01.
    result = run_script(
        ["verify", "--at", "2032-01-01T00:00:00Z", "--json", str(pathway["initial"])],
        script_env(pathway),
    )
    assert result.code == 1
    statuses = {c["id"]: c["status"] for c in json.loads(result.out)["checks"]}
    assert statuses["validity"] == "fail"


@pytest.mark.parametrize(
    ("email", "code", "status"), [(EMAIL, 0, "pass"), ("x@example.org", 1, "fail")]
)
def test_recipient_check(pathway: dict[str, Path], email: str, code: int, status: str) -> None:
    result = run_script(
        ["verify", "--recipient", email, "--json", str(pathway["initial"])], script_env(pathway)
    )
    assert result.code == code
    statuses = {c["id"]: c["status"] for c in json.loads(result.out)["checks"]}
    assert statuses["recipient"] == status


@pytest.mark.parametrize(
    "args",
    [
        ["verify", "/no/such/file.json"],
        ["verify", "--at", "yesterday", "x.json"],
        ["issue", "--issuer", "/no/such/home", "initial", "--email", EMAIL, "--name", "A"],
        ["trust", "add", "/no/such/folder"],
        ["framework", "validate", "/no/such/program.toml"],
    ],
)
def test_bad_input_is_one_sentence_exit_3(args: list[str], tmp_path: Path) -> None:
    env = {**os.environ, "LEADBADGE_TRUST": str(tmp_path / "t"), "LEADBADGE_PASSPHRASE": "x"}
    script_refused(args, env)


def test_unreadable_json_and_non_credential_png_exit_3(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    png = tmp_path / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    for path in (broken, png):
        refused("verify", "--trust", str(tmp_path / "t"), str(path))


def test_key_rotation_keeps_old_credentials_valid(tmp_path: Path) -> None:
    """CliRunner path: issue, rotate, issue again, republish, re-pin; both verify."""
    home, trust = tmp_path / "home", tmp_path / "trust"
    ok("init", str(home), "--name", "Academy", "--url", "https://academy.example")
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    ok(*_issue_args(home, "teacher-leader", tmp_path, old))
    ok("publish", "--issuer", str(home), str(tmp_path / "s1"))
    ok("trust", "add", "--trust", str(trust), str(tmp_path / "s1"))
    ok("keys", "rotate", "--issuer", str(home))
    ok(*_issue_args(home, "teacher-leader", tmp_path, new))

    # Before re-pinning, the new key is unknown to the verifier; the old credential still verifies.
    ok("verify", "--trust", str(trust), str(old))

    ok("publish", "--issuer", str(home), str(tmp_path / "s2"))
    ok("trust", "add", "--trust", str(trust), str(tmp_path / "s2"))
    both = ok("verify", "--trust", str(trust), "--json", str(old), str(new))
    assert [r["verdict"] for r in json.loads(both.output)] == ["valid", "valid"]
    doc_old, doc_new = (json.loads(p.read_text(encoding="utf-8")) for p in (old, new))
    assert doc_old["proof"][-1]["verificationMethod"] != doc_new["proof"][-1]["verificationMethod"]


def test_demo_runs_with_no_arguments_and_shows_a_rejected_copy(tmp_path: Path) -> None:
    result = run_script(["demo", "--out", str(tmp_path / "demo")], dict(os.environ))
    assert result.code == 0, result.out + result.err
    assert result.out.count("valid") >= len(TIERS)
    assert "invalid" in result.out
    assert "tampered" in result.out
    assert "PATHWAY VALID" in result.out
    assert "prerequisite initial: held" in result.out
    # One credential is revoked, the lists published and pinned again: it fails as revoked.
    assert "(revoked)" in result.out
    assert "(REVOKED)" in result.out
    assert "Revoked credential: The issuer has revoked the credential" in result.out
    assert (tmp_path / "demo" / "site" / "status" / "1.json").is_file()
