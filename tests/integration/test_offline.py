"""Verification needs no network: the whole path runs with every socket blocked.

The ``all_sockets_blocked`` fixture makes any connection (loopback included) and any name
lookup raise, so a verification that tried to fetch a context, a DID document or a status list
would fail loudly instead of passing quietly.

End to end, through the library: make an issuer home, issue one credential per tier, publish,
pin the published folder (keys and status lists), then verify: valid; a tampered copy is invalid
with the content checks skipped; an unpinned did:web issuer is inconclusive; a date after
validUntil is invalid (expired); the right recipient passes and a wrong one fails; a revoked
credential is invalid once the new lists are published and pinned.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from leadbadge.pathway.framework import default_framework
from leadbadge.trust.store import TrustStore
from leadbadge.verifier.report import CheckStatus, Verdict
from leadbadge.verifier.verify import VerificationPolicy, Verifier
from tests.conftest import FIXED_NOW, NetworkBlockedError, interop_path
from tests.unit._issued import DID_WEB, LATER, World, make_world
from tests.unit.cli._cli import ok

pytestmark = pytest.mark.usefixtures("all_sockets_blocked")

TIERS = default_framework().tier_ids()


def test_the_guard_is_really_on() -> None:
    with pytest.raises(NetworkBlockedError):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(NetworkBlockedError):
        socket.getaddrinfo("example.org", 443)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    # Built before the per-test socket block applies; nothing in it needs the network either,
    # which test_issuer_side_is_offline_too checks.
    return make_world(tmp_path_factory.mktemp("offline"), did_web=DID_WEB)


def test_issuer_side_is_offline_too(tmp_path: Path) -> None:
    built = make_world(tmp_path, did_web=None)
    doc = built.issue()
    built.fresh_lists(LATER)
    assert Verifier(built.trust).verify(doc, now=LATER).verdict is Verdict.VALID
    built.issuer.home.change_status(doc["id"], "revoke", actor="registrar", now=LATER)
    built.fresh_lists(LATER + timedelta(hours=1))
    report = Verifier(built.trust).verify(doc, now=LATER + timedelta(hours=1))
    assert report.verdict is Verdict.INVALID
    assert report.check("status").code == "REVOKED"


@pytest.mark.parametrize("tier", TIERS)
def test_every_tier_verifies_valid_when_pinned(world: World, tier: str) -> None:
    doc = world.issue(tier)
    world.fresh_lists(LATER)
    report = Verifier(world.trust).verify(doc, recipient="ana.ruiz@example.org", now=LATER)
    assert report.verdict is Verdict.VALID, [(c.id, c.status, c.message) for c in report.checks]
    assert report.summary is not None
    assert report.summary.tier == tier
    assert report.check("issuer_trust").detail["tier"] == tier
    assert report.check("recipient").status is CheckStatus.PASS


def test_tampered_copy_is_invalid_and_content_is_skipped(world: World) -> None:
    doc = world.issue("district")
    doc["credentialSubject"]["creditsEarned"] = 1000
    report = Verifier(world.trust).verify(doc, now=LATER, recipient="ana.ruiz@example.org")
    assert report.verdict is Verdict.INVALID
    assert report.check("proof").code == "INVALID_SIGNATURE"
    for check_id in ("schema", "issuer_trust", "validity", "status", "recipient"):
        assert report.check(check_id).status is CheckStatus.SKIPPED


def test_unpinned_did_web_issuer_is_inconclusive(world: World) -> None:
    report = Verifier(world.empty_trust).verify(world.issue(), now=LATER)
    assert report.verdict is Verdict.INCONCLUSIVE
    assert report.check("issuer_key").code == "KEY_UNRESOLVABLE"


def test_after_valid_until_is_expired(world: World) -> None:
    doc = world.issue()
    end = datetime.fromisoformat(doc["validUntil"].replace("Z", "+00:00"))
    report = Verifier(world.trust).verify(doc, now=end + timedelta(seconds=301))
    assert report.verdict is Verdict.INVALID
    assert report.check("validity").code == "EXPIRED"


def test_recipient_right_passes_wrong_fails(world: World) -> None:
    doc = world.issue("building")
    world.fresh_lists(LATER)
    verifier = Verifier(world.trust)
    right = verifier.verify(doc, recipient="Ana.Ruiz@example.org", now=LATER)
    assert right.check("recipient").status is CheckStatus.PASS
    wrong = verifier.verify(doc, recipient="someone@example.org", now=LATER)
    assert wrong.check("recipient").status is CheckStatus.FAIL
    assert wrong.verdict is Verdict.INVALID


def test_official_fixtures_verify_offline() -> None:
    folder = interop_path("ob-spec-examples", "rendered-spec-v1.0.14")
    verifier = Verifier(None, VerificationPolicy(require_trusted_issuer=False))
    for name in ("02-sample-openbadgecredential", "05-achievement-alignment-case"):
        report = verifier.verify(folder / f"{name}.signed-eddsa-rdfc-2022.json", now=FIXED_NOW)
        assert report.verdict is Verdict.VALID


def test_trust_store_reads_are_offline(world: World) -> None:
    store = TrustStore.open(world.trust.root)
    assert store.find_issuer(DID_WEB) is not None


def test_cli_verify_offline(world: World, tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(world.issue("teacher-leader")))
    # --at judges the validity period; the lists are judged against the real time.
    world.fresh_lists(datetime.now(UTC))
    result = ok(
        "verify", str(good), "--trust", str(world.trust.root), "--at", "2027-06-01", "--json"
    )
    assert json.loads(result.output)["verdict"] == "valid"


def test_verify_opens_no_socket_under_strace(world: World, tmp_path: Path) -> None:
    """The console script's verify, traced at the system-call level, creates no socket at all.

    Blocking Python's socket module cannot see sockets opened from C (libuuid opened some, for
    pyld's cache keys); strace sees every one. Optional: skipped where strace is not installed
    or may not trace (a container without ptrace).
    """
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(world.issue("teacher-leader")))
    # --at judges the validity period; the lists are judged against the real time.
    world.fresh_lists(datetime.now(UTC))
    trace = tmp_path / "trace.txt"
    script = Path(sys.executable).with_name("leadbadge")
    args = ["verify", str(good), "--trust", str(world.trust.root), "--at", "2027-06-01", "--json"]
    done = subprocess.run(
        [strace, "-f", "-qq", "-e", "trace=socket,connect", "-o", str(trace), str(script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if not trace.exists() or "ptrace" in done.stderr.lower():
        pytest.skip(f"strace cannot trace here: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["verdict"] == "valid"
    calls = [line for line in trace.read_text().splitlines() if "socket(" in line]
    assert calls == []
