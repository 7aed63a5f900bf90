"""``leadbadge verify`` with verifiable presentations: --challenge, --domain, the human and JSON
reports, exit codes, and --pathway over a presentation's credentials."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from leadbadge import sign_presentation
from leadbadge.crypto.keys import SigningKey
from leadbadge.verifier.report import PRESENTATION_CHECK_IDS
from tests.unit._issued import ANA, DID_WEB, World, make_world
from tests.unit.cli._cli import refused, run

CHALLENGE = "8b0f2e4c-1a3d-4c5e-9f7a-6b5c4d3e2f1a"
DOMAIN = "https://hiring.example.org"
# TEST-ONLY holder key.
HOLDER = SigningKey.from_seed(bytes(range(200, 232)))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    built = make_world(tmp_path_factory.mktemp("cli-vp"), did_web=DID_WEB)
    built.fresh_lists(datetime.now(UTC))
    return built


@pytest.fixture(scope="module")
def files(world: World, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("vp-files")
    initial, building = world.issue("initial"), world.issue("building")
    signed = sign_presentation([initial, building], HOLDER, challenge=CHALLENGE, domain=DOMAIN)
    tampered: dict[str, Any] = json.loads(json.dumps(signed))
    tampered["verifiableCredential"][1]["credentialSubject"]["creditsEarned"] = 99
    out = {
        "vp": folder / "vp.json",
        "tampered": folder / "tampered.json",
        "unsigned": folder / "unsigned.json",
        "credential": folder / "initial.json",
    }
    out["vp"].write_text(json.dumps(signed))
    out["tampered"].write_text(json.dumps(tampered))
    out["unsigned"].write_text(json.dumps({k: v for k, v in signed.items() if k != "proof"}))
    out["credential"].write_text(json.dumps(initial))
    return out


def _verify(world: World, *args: str) -> Result:
    return run("verify", *args, "--trust", str(world.trust.root))


def test_a_signed_presentation_with_its_challenge_exits_0(
    world: World, files: dict[str, Path]
) -> None:
    result = _verify(world, str(files["vp"]), "--challenge", CHALLENGE, "--domain", DOMAIN)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"VALID  {files['vp']}"
    assert "VC 2.0 presentation, signed, 2 credentials" in result.stdout
    assert f"Holder: {HOLDER.public_key.did_key}" in result.stdout
    for title in ("Holder's signature", "Holder binding", "Challenge", "Domain", "Credentials"):
        assert title in result.stdout
    assert "Credential 1 of 2 (embedded)" in result.stdout
    assert f"VALID  {files['vp']} [credential 2]" in result.stdout


def test_the_json_report(world: World, files: dict[str, Path]) -> None:
    result = _verify(
        world, str(files["vp"]), "--challenge", CHALLENGE, "--domain", DOMAIN, "--json"
    )
    assert result.exit_code == 0, result.output
    shape = json.loads(result.stdout)
    assert shape["kind"] == "presentation"
    assert shape["verdict"] == "valid"
    assert [c["id"] for c in shape["checks"]] == list(PRESENTATION_CHECK_IDS)
    assert [c["verdict"] for c in shape["credentials"]] == ["valid", "valid"]
    assert shape["credentials"][0]["report"]["credential"]["tier"] == "initial"


def test_a_wrong_challenge_exits_1(world: World, files: dict[str, Path]) -> None:
    result = _verify(world, str(files["vp"]), "--challenge", "another-request")
    assert result.exit_code == 1
    assert result.stdout.startswith("INVALID")
    assert "not the expected 'another-request'" in result.stdout


def test_a_tampered_presentation_exits_1_and_names_the_credential(
    world: World, files: dict[str, Path]
) -> None:
    result = _verify(world, str(files["tampered"]), "--json")
    assert result.exit_code == 1
    shape = json.loads(result.stdout)
    checks = {c["id"]: c for c in shape["checks"]}
    assert checks["holder_proof"]["code"] == "INVALID_SIGNATURE"
    assert checks["credentials"]["code"] == "CREDENTIAL_INVALID"
    assert [c["verdict"] for c in shape["credentials"]] == ["valid", "invalid"]


def test_an_unsigned_presentation_says_so(world: World, files: dict[str, Path]) -> None:
    result = _verify(world, str(files["unsigned"]))
    assert result.exit_code == 0, result.output
    assert "VC 2.0 presentation, not signed" in result.stdout
    assert "The presentation is not signed" in result.stdout
    expected = _verify(world, str(files["unsigned"]), "--challenge", CHALLENGE)
    assert expected.exit_code == 1


def test_a_challenge_for_a_single_credential_is_refused(
    world: World, files: dict[str, Path]
) -> None:
    line = refused(
        "verify",
        str(files["credential"]),
        "--challenge",
        CHALLENGE,
        "--trust",
        str(world.trust.root),
    )
    assert "not a presentation its holder signed" in line


def test_presentations_and_credentials_mix_with_the_worst_exit_code(
    world: World, files: dict[str, Path]
) -> None:
    result = _verify(world, str(files["vp"]), str(files["tampered"]), str(files["credential"]))
    assert result.exit_code == 1
    shape = json.loads(_verify(world, str(files["vp"]), str(files["credential"]), "--json").stdout)
    assert [s.get("kind") for s in shape] == ["presentation", None]


def test_pathway_reads_a_presentations_credentials(world: World, files: dict[str, Path]) -> None:
    result = _verify(world, "--pathway", str(files["vp"]), "--recipient", ANA.email, "--json")
    shape = json.loads(result.stdout)
    assert [r["input"] for r in shape["reports"]] == [
        f"{files['vp']} [credential 1]",
        f"{files['vp']} [credential 2]",
    ]
    assert shape["recipient"]["status"] == "same"
    assert result.exit_code == 0, result.output
    line = refused(
        "verify",
        "--pathway",
        str(files["vp"]),
        "--challenge",
        CHALLENGE,
        "--trust",
        str(world.trust.root),
    )
    assert "without --pathway" in line
