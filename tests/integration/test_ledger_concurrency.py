"""The ledger under real processes: concurrent issuers never share a status index, and a
process killed mid-issue leaves the ledger consistent (no half record, no orphaned index).

Each worker is a separate Python process (``tests/integration/_issue_worker.py``) issuing from
the same issuer home, as two administrators running ``leadbadge issue`` at once would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from leadbadge.issuer.home import WITH_SUSPENSION
from leadbadge.issuer.issue import Issuer
from leadbadge.issuer.ledger import Ledger
from tests.conftest import FIXED_NOW, REPO_ROOT
from tests.unit._issued import ANA, DID_WEB, PASSPHRASE, URL, evidence_for

pytestmark = pytest.mark.slow


def _home(root: Path) -> Path:
    Issuer.create(
        root / "home",
        name="Academy",
        url=URL,
        passphrase=PASSPHRASE,
        did_web=DID_WEB,
        now=FIXED_NOW,
        # Both status purposes: no index of either list may be held twice.
        status_purposes=WITH_SUSPENSION,
    )
    return root / "home"


def _worker(home: Path, count: int, go: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.integration._issue_worker", str(home), str(count), str(go)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready", process.stderr
    return process


def _check_unique_and_consistent(home: Path) -> list[tuple[str, int, int]]:
    with Ledger.open(home / "ledger.sqlite") as ledger:
        assert ledger.consistency_problems() == []
        entries = ledger.entries()
    held = [(a.purpose, a.list_n, a.index) for e in entries for a in e.assignments]
    assert all(len(e.assignments) == 2 for e in entries)
    repeated = [key for key, n in Counter(held).items() if n > 1]
    assert repeated == []
    # What each signed credential carries is what the ledger says it holds.
    carried = [
        (s["statusPurpose"], int(s["statusListIndex"]))
        for e in entries
        for s in e.document["credentialStatus"]
    ]
    assert Counter(carried) == Counter((p, i) for p, _, i in held)
    return held


def test_two_processes_issuing_at_once_never_share_an_index(tmp_path: Path) -> None:
    home = _home(tmp_path)
    go = tmp_path / "go"
    per_worker = 150
    workers = [_worker(home, per_worker, go) for _ in range(2)]
    started = time.monotonic()
    go.touch()
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    elapsed = time.monotonic() - started
    held = _check_unique_and_consistent(home)
    assert len(held) == 2 * 2 * per_worker
    print(f"\n{2 * per_worker} credentials from 2 processes in {elapsed:.1f} s")


def test_a_process_killed_mid_issue_leaves_the_ledger_consistent(tmp_path: Path) -> None:
    home = _home(tmp_path)
    go = tmp_path / "go"
    go.touch()
    recorded_before_kill = []
    for round_ in range(3):
        worker = _worker(home, 0, go)
        assert worker.stdout is not None
        # Let it issue a few, then kill it without warning, most likely inside a transaction
        # (signing happens while the write lock is held).
        wanted = 5 + 3 * round_
        for _ in range(wanted):
            worker.stdout.readline()
        time.sleep(0.007 * round_)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
        worker.stdout.close()
        assert worker.stderr is not None
        worker.stderr.close()
        assert worker.returncode == -signal.SIGKILL
        recorded_before_kill.append(wanted)
        held = _check_unique_and_consistent(home)
        with Ledger.open(home / "ledger.sqlite") as ledger:
            count = ledger.count()
            allocated = sum(i.allocated for i in ledger.status_lists())
        # Every index belongs to a recorded credential: none was left allocated by the kill.
        assert allocated == 2 * count == len(held)
        assert count >= sum(recorded_before_kill)
    # And the next issue works, with indexes no one holds.
    issuer = Issuer.open(home, passphrase=PASSPHRASE)
    new = issuer.issue("initial", ANA, evidence=evidence_for(issuer.framework.tier("initial")))
    held = _check_unique_and_consistent(home)
    mine = {
        (s["statusPurpose"], int(s["statusListIndex"])) for s in new.document["credentialStatus"]
    }
    assert len(mine) == 2
    assert Counter((p, i) for p, _, i in held)[next(iter(mine))] == 1
