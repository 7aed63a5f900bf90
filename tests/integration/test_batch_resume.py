"""``leadbadge issue-batch`` killed mid-run (SIGKILL, the whole process group) and run again:
exactly one credential per roster row, no status index held twice, every file and the summary,
and every building credential recorded after the initial one it relies on."""

from __future__ import annotations

import csv
import json
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
from tests.unit._issued import DID_WEB, PASSPHRASE, URL
from tests.unit._roster import good_row, write_roster

pytestmark = pytest.mark.slow

ROWS = 2000
#: Leaders 0 … BUILDING-1 also get the building tier, its rows placed before the initial ones.
BUILDING = 500
KILL_AFTER_FILES = 300


def _command(home: Path, roster: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "leadbadge",
        "issue-batch",
        "--issuer",
        str(home),
        str(roster),
        "-o",
        str(out),
    ]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO_ROOT), "LEADBADGE_PASSPHRASE": PASSPHRASE}


def test_an_interrupted_batch_resumes_to_exactly_one_credential_per_row(tmp_path: Path) -> None:
    home = tmp_path / "home"
    # Both status purposes: no index of either list may be held twice.
    Issuer.create(
        home, name="Academy", url=URL, passphrase=PASSPHRASE, did_web=DID_WEB, now=FIXED_NOW,
        status_purposes=WITH_SUSPENSION,
    )  # fmt: skip
    building = [{**good_row(n, "building"), "id": f"building-{n:05d}"} for n in range(BUILDING)]
    initial = [good_row(n) for n in range(ROWS - BUILDING)]
    roster = write_roster(tmp_path / "roster.csv", [*building, *initial])
    out = tmp_path / "out"
    run = subprocess.Popen(
        _command(home, roster, out),
        env=_env(),
        cwd=REPO_ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 300
    while len(list(out.glob("*.json"))) < KILL_AFTER_FILES:
        assert run.poll() is None, run.stderr.read() if run.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait(timeout=30)
    assert run.stderr is not None
    run.stderr.close()
    assert run.returncode == -signal.SIGKILL
    with Ledger.open(home / "ledger.sqlite") as ledger:
        recorded = ledger.count()
        # The building rows wait for the initial ones they rely on.
        assert {e.tier for e in ledger.entries()} == {"initial"}
    assert KILL_AFTER_FILES <= recorded < ROWS - BUILDING

    done = subprocess.run(
        _command(home, roster, out),
        env=_env(),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"Issued {ROWS - recorded} credential(s); {recorded} were already issued" in done.stderr

    with Ledger.open(home / "ledger.sqlite") as ledger:
        assert ledger.consistency_problems() == []
        entries = ledger.entries()
        keys = ledger.batch_keys()
        ledger_overrides = ledger.prerequisite_overrides()
    assert len(entries) == ROWS
    assert len({e.id for e in entries}) == ROWS
    assert sorted(keys) == sorted(r["id"] for r in [*building, *initial])
    assert ledger_overrides == []
    # Killed during the initial rows' wave, so the building rows were all issued on resuming:
    # those whose initial was recorded before from the ledger, the others after theirs.
    order = {e.id: n for n, e in enumerate(entries)}
    for n in range(BUILDING):
        assert order[keys[f"cohort-{n:05d}"]] < order[keys[f"building-{n:05d}"]]
    held = Counter((a.list_n, a.index) for e in entries for a in e.assignments)
    assert len(held) == 2 * ROWS
    assert max(held.values()) == 1
    with (out / "summary.csv").open(encoding="utf-8", newline="") as fh:
        summary = list(csv.DictReader(fh))
    assert len(summary) == ROWS
    assert Counter(s["status"] for s in summary) == {
        "already-issued": recorded,
        "issued": ROWS - recorded,
    }
    assert {s["credential_id"] for s in summary} == {e.id for e in entries}
    for line in summary:
        assert keys[line["key"]] == line["credential_id"]
    files = sorted(out.glob("*.json"))
    assert len(files) == ROWS
    assert {json.loads(f.read_text())["id"] for f in files} == {e.id for e in entries}
