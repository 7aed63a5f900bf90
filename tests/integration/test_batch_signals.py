"""``leadbadge issue-batch`` interrupted as people interrupt it: Ctrl-C (SIGINT to the whole
process group, as a terminal sends it) at start-up and mid-run, and SIGKILL to the parent alone.

Every interrupt ends in "Interrupted." and exit 130, with no traceback from the parent or its
workers; no process of the batch outlives it, so nothing is signed or recorded after it ends;
and running the batch again gives exactly one credential per row.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from leadbadge.issuer.issue import Issuer
from leadbadge.issuer.ledger import Ledger
from tests.conftest import FIXED_NOW, REPO_ROOT
from tests.unit._issued import DID_WEB, PASSPHRASE, URL
from tests.unit._roster import good_row, write_roster

pytestmark = pytest.mark.slow

ROWS = 150


class Batch:
    def __init__(self, root: Path) -> None:
        self.home = root / "home"
        Issuer.create(
            self.home,
            name="Academy",
            url=URL,
            passphrase=PASSPHRASE,
            did_web=DID_WEB,
            now=FIXED_NOW,
        )
        self.roster = write_roster(root / "roster.csv", [good_row(n) for n in range(ROWS)])
        self.out = root / "out"
        self.env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "LEADBADGE_PASSPHRASE": PASSPHRASE}

    def command(self) -> list[str]:
        return [sys.executable, "-m", "leadbadge", "issue-batch", "--issuer", str(self.home),
                str(self.roster), "-o", str(self.out), "--jobs", "2"]  # fmt: skip

    def start(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(),
            env=self.env,
            cwd=REPO_ROOT,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )

    def recorded(self) -> int:
        with Ledger.open(self.home / "ledger.sqlite") as ledger:
            return ledger.count()

    def files(self) -> int:
        return len(list(self.out.glob("*.json"))) if self.out.exists() else 0


def _group(pgid: int, *, marker: bytes = b"") -> list[int]:
    """The live (not zombie) processes of process group ``pgid`` whose command line holds
    ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z" and marker in cmdline:
            found.append(int(entry.name))
    return found


def _wait_for(condition: Callable[[], bool], run: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        assert run.poll() is None, f"the batch ended before {what}"
        assert time.monotonic() < deadline, f"no {what} within two minutes"
        time.sleep(0.01)


def _no_process_left(pgid: int) -> None:
    deadline = time.monotonic() + 10
    while _group(pgid):
        assert time.monotonic() < deadline, f"processes outlived the batch: {_group(pgid)}"
        time.sleep(0.05)


def _resumes_to_one_credential_per_row(batch: Batch) -> None:
    again = subprocess.run(
        batch.command(), env=batch.env, cwd=REPO_ROOT, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    with Ledger.open(batch.home / "ledger.sqlite") as ledger:
        assert ledger.count() == ROWS
        assert len(ledger.batch_keys()) == ROWS
    assert batch.files() == ROWS


@pytest.fixture
def batch(tmp_path: Path) -> Batch:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to see the batch's processes")
    return Batch(tmp_path)


@pytest.mark.parametrize("when", ["start-up", "mid-run"])
def test_ctrl_c_says_interrupted_and_leaves_nothing_running(batch: Batch, when: str) -> None:
    run = batch.start()
    if when == "start-up":
        # A pool worker exists but is still starting: importing, then opening the key.
        _wait_for(lambda: bool(_group(run.pid, marker=b"spawn_main")), run, "a worker process")
    else:
        _wait_for(lambda: batch.files() >= 10, run, "ten credentials")
    os.killpg(run.pid, signal.SIGINT)
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.strip() == "leadbadge: Interrupted."
    _no_process_left(run.pid)
    _resumes_to_one_credential_per_row(batch)


def test_workers_die_with_a_killed_parent(batch: Batch) -> None:
    run = batch.start()
    _wait_for(lambda: batch.files() >= 10, run, "ten credentials")
    os.kill(run.pid, signal.SIGKILL)
    run.communicate(timeout=60)
    _no_process_left(run.pid)
    # Nothing signs or records once the batch is gone.
    recorded = batch.recorded()
    time.sleep(1)
    assert batch.recorded() == recorded
    assert recorded < ROWS
    _resumes_to_one_credential_per_row(batch)
