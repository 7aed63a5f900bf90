"""``leadbadge verify`` through click's CliRunner: exit codes, human output, the JSON shape."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import Result

from leadbadge.trust.store import TrustStore
from leadbadge.verifier.report import CHECK_IDS
from tests.unit._issued import DID_WEB, World, make_world
from tests.unit.cli._cli import CONSOLE_SCRIPT, ok, refused, run

AT = "2026-12-23T12:00:00Z"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    built = make_world(tmp_path_factory.mktemp("cli-verify"), did_web=DID_WEB)
    # The status lists every credential points to, as published and pinned today: --at AT
    # judges the credentials' validity periods, the lists are judged against the real time.
    built.fresh_lists(datetime.now(UTC))
    return built


@pytest.fixture
def files(world: World, tmp_path: Path) -> dict[str, Path]:
    """A valid credential, a tampered copy, an expired-by-then copy and a non-credential."""
    good = world.issue()
    tampered = json.loads(json.dumps(good))
    tampered["credentialSubject"]["creditsEarned"] = 99
    out = {
        "good": tmp_path / "good.json",
        "tampered": tmp_path / "tampered.json",
        "broken": tmp_path / "broken.json",
    }
    out["good"].write_text(json.dumps(good))
    out["tampered"].write_text(json.dumps(tampered))
    out["broken"].write_text("{ this is not json")
    return out


def _argv(world: World, *args: str) -> list[str]:
    """``verify ARGS`` against the world's trust store."""
    return ["verify", *args, "--trust", str(world.trust.root)]


def _verify(world: World, *args: str, input: bytes | None = None) -> Result:
    return run(*_argv(world, *args), input=input)


def test_valid_credential_exits_0_with_a_verdict_line_and_every_check(
    world: World, files: dict[str, Path]
) -> None:
    result = _verify(world, str(files["good"]), "--at", AT)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"VALID  {files['good']}"
    for title in ("Format and version", "Signature", "Issuer key", "Issuer trust", "Recipient"):
        assert title in result.output
    assert "Riverside County Office of Education" in result.output
    assert "tier initial" in result.output
    assert "Recipient: Ana Ruiz" in result.output
    assert "\x1b[" not in result.output  # no colour when not on a terminal
    assert "It claims" not in result.output


def test_tampered_credential_exits_1_and_says_why(world: World, files: dict[str, Path]) -> None:
    result = _verify(world, str(files["tampered"]), "--at", AT)
    assert result.exit_code == 1
    assert result.output.startswith("INVALID")
    assert "The signature does not match the credential" in result.output
    assert "skipped" in result.output
    assert "It claims (not established):" in result.output


def test_unpinned_issuer_exits_2(world: World, files: dict[str, Path], tmp_path: Path) -> None:
    result = run("verify", str(files["good"]), "--trust", str(tmp_path / "empty"), "--at", AT)
    assert result.exit_code == 2
    assert result.output.startswith("INCONCLUSIVE")
    assert "leadbadge trust add" in result.output


def test_trust_store_from_the_environment(world: World, files: dict[str, Path]) -> None:
    ok("verify", str(files["good"]), "--at", AT, env={"LEADBADGE_TRUST": str(world.trust.root)})


def test_at_after_valid_until_exits_1_expired(world: World, files: dict[str, Path]) -> None:
    result = _verify(world, str(files["good"]), "--at", "2032-01-01", "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    validity = next(c for c in report["checks"] if c["id"] == "validity")
    assert validity["code"] == "EXPIRED"
    assert report["evaluatedAt"] == "2032-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("2027-01-01T01:00:00+01:00", "2027-01-01T00:00:00Z"),
        ("2027-01-01T00:00:00", "2027-01-01T00:00:00Z"),
        ("2027-01-01", "2027-01-01T00:00:00Z"),
    ],
)
def test_at_forms(world: World, files: dict[str, Path], value: str, expected: str) -> None:
    result = _verify(world, str(files["good"]), "--at", value, "--json")
    assert json.loads(result.output)["evaluatedAt"] == expected


def test_bad_at_is_a_usage_error(world: World, files: dict[str, Path]) -> None:
    line = refused(*_argv(world, str(files["good"]), "--at", "next tuesday"))
    assert "is not a date or date-time" in line


def test_recipient_right_and_wrong(world: World, files: dict[str, Path]) -> None:
    right = _verify(world, str(files["good"]), "--at", AT, "--recipient", "ana.ruiz@example.org")
    assert right.exit_code == 0
    assert "The credential was awarded to ana.ruiz@example.org." in right.output
    wrong = _verify(world, str(files["good"]), "--at", AT, "--recipient", "bob@example.org")
    assert wrong.exit_code == 1
    assert "The credential was not awarded to bob@example.org." in wrong.output


def test_bad_recipient_is_a_usage_error(world: World, files: dict[str, Path]) -> None:
    line = refused(*_argv(world, str(files["good"]), "--recipient", "nobody"))
    assert line == "leadbadge: 'nobody' is not a valid e-mail address."


def test_json_for_one_input_is_one_object(world: World, files: dict[str, Path]) -> None:
    result = _verify(world, str(files["good"]), "--at", AT, "--json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    assert report["verdict"] == "valid"
    assert report["input"] == str(files["good"])
    assert report["credential"]["tier"] == "initial"
    assert [c["id"] for c in report["checks"]] == list(CHECK_IDS)


def test_several_inputs_exit_with_the_worst_and_json_is_an_array(
    world: World, files: dict[str, Path]
) -> None:
    result = _verify(world, str(files["good"]), str(files["tampered"]), "--at", AT, "--json")
    assert result.exit_code == 1
    reports = json.loads(result.output)
    assert [r["verdict"] for r in reports] == ["valid", "invalid"]


def test_invalid_is_worse_than_inconclusive(
    world: World, files: dict[str, Path], tmp_path: Path
) -> None:
    # The issuer pinned from its DID document alone: its key is known, its status lists are
    # not, so the good credential is inconclusive and the tampered one invalid.
    store = TrustStore.open(tmp_path / "keys-only")
    store.add_published(world.site / "leadership" / "did.json")
    args = ["verify", str(files["good"]), str(files["tampered"]), "--at", AT, "--json"]
    result = run(*args, "--trust", str(store.root))
    assert result.exit_code == 1
    assert [r["verdict"] for r in json.loads(result.output)] == ["inconclusive", "invalid"]


def test_unreadable_input_counts_as_3_and_the_others_are_still_reported(
    world: World, files: dict[str, Path], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.json"
    args = [str(files["good"]), str(files["broken"]), str(missing), "--at", AT, "--json"]
    result = run(*_argv(world, *args))
    assert result.exit_code == 3
    reports = json.loads(result.stdout)
    assert [r["verdict"] for r in reports] == ["valid", None, None]
    assert reports[1]["error"]["code"] == "unreadable_credential"
    assert "not valid JSON" in reports[1]["error"]["message"]
    assert reports[2]["error"]["message"] == f"{missing} does not exist."
    assert f"leadbadge: {missing} does not exist." in result.stderr
    assert "Traceback" not in result.output


def test_unreadable_single_input_is_one_sentence_exit_3(world: World, tmp_path: Path) -> None:
    png = tmp_path / "photo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    assert refused(*_argv(world, str(png))) == (
        f"leadbadge: {png} is a damaged PNG image (a chunk has an invalid type)."
    )


def test_stdin(world: World, files: dict[str, Path]) -> None:
    result = _verify(world, "-", "--at", AT, "--json", input=files["good"].read_bytes())
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["input"] == "-"


def test_stdin_only_once(world: World) -> None:
    assert "read only once" in refused(*_argv(world, "-", "-"), input=b"{}")


def test_no_input_is_a_usage_error() -> None:
    assert "Missing argument" in refused("verify")


def test_the_check_table_shows_actions_only_when_not_passing(
    world: World, files: dict[str, Path], tmp_path: Path
) -> None:
    result = run("verify", str(files["good"]), "--trust", str(tmp_path / "none"), "--at", AT)
    rows = result.output.splitlines()
    acting = [row for row in rows if "Pin the issuer's published folder" in row]
    # Off a terminal a row is one line: signature, key and status rows, each unknown.
    assert [row.split("  unknown  ")[0].strip() for row in acting] == [
        "Signature",
        "Issuer key",
        "Revocation status",
    ]
    passing = [row for row in rows if "  pass  " in row]
    assert passing
    assert not any("leadbadge trust add" in row for row in passing)


def test_damaged_trust_store_does_not_crash(
    world: World, files: dict[str, Path], tmp_path: Path
) -> None:
    store = tmp_path / "trust"
    (store / "issuers").mkdir(parents=True)
    (store / "issuers" / "0000000000000000.json").write_text("[]")
    result = run("verify", str(files["good"]), "--trust", str(store), "--at", AT, "--json")
    assert result.exit_code == 2
    report = json.loads(result.output)
    trust = next(c for c in report["checks"] if c["id"] == "issuer_trust")
    assert trust["code"] == "TRUST_STORE_ERROR"


def test_verification_is_as_of_now_by_default(world: World, files: dict[str, Path]) -> None:
    before = datetime.now(UTC)
    result = _verify(world, str(files["good"]), "--json")
    after = datetime.now(UTC)
    evaluated = datetime.fromisoformat(json.loads(result.output)["evaluatedAt"])
    assert before <= evaluated <= after


@pytest.mark.parametrize("form", [(), ("--json",)], ids=["text", "json"])
@pytest.mark.parametrize(("name", "code"), [("good", 0), ("tampered", 1)])
def test_a_closed_pipe_does_not_change_the_exit_code(
    world: World, files: dict[str, Path], form: tuple[str, ...], name: str, code: int
) -> None:
    # As `leadbadge verify x.json | head -1`, except that the reader is gone before the first
    # write, so the pipe is closed whatever the size of the report.
    with subprocess.Popen(
        [str(CONSOLE_SCRIPT), *_argv(world, str(files[name]), "--at", AT, *form)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_COLOR": "1"},
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        proc.stdout.close()
        stderr = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == code, stderr
    assert stderr == ""


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"{ not json", "Standard input is not valid JSON"),
        (b" " * (8 * 2**20 + 1), "Standard input is larger than 8 MiB."),
    ],
)
def test_standard_input_is_named_in_words(world: World, data: bytes, says: str) -> None:
    assert says in refused(*_argv(world, "-"), input=data)


def test_an_internationalised_recipient_is_issued_and_recognised(
    world: World, tmp_path: Path
) -> None:
    from leadbadge.pathway.credential import Recipient
    from tests.unit._issued import ISSUED, OVERRIDE, evidence_for

    recipient = Recipient("José.Núñez@Bücher.example", "José Núñez")
    evidence = evidence_for(world.issuer.framework.tier("initial"))
    issued = world.issuer.issue(
        "initial", recipient, evidence=evidence, now=ISSUED, override_prerequisites=OVERRIDE
    )
    path = tmp_path / "jose.json"
    path.write_text(issued.to_json(), encoding="utf-8")
    for typed in ("josé.núñez@bücher.example", "JOSÉ.NÚÑEZ@xn--bcher-kva.example"):
        result = _verify(world, str(path), "--at", AT, "--recipient", typed)
        assert result.exit_code == 0, result.output
        said = " ".join(result.output.split())
        assert "The credential was awarded to josé.núñez@bücher.example." in said
    other = _verify(world, str(path), "--at", AT, "--recipient", "jose.nunez@bucher.example")
    assert other.exit_code == 1


def test_a_credential_cannot_write_terminal_commands_or_lines_of_its_own(
    world: World, tmp_path: Path
) -> None:
    forged = world.issue()
    forged["credentialSubject"]["achievement"]["name"] = "X\x1b[2J\x1b[1A\rVALID  cv.json\u202e"
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged))
    result = _verify(world, str(path), "--at", AT)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("INVALID")
    assert not any(line.startswith("VALID") for line in lines)
    assert not any(char in result.output for char in ("\x1b", "\r", "\u202e"))
    assert "X\ufffd[2J\ufffd[1A VALID  cv.json\ufffd" in result.output
