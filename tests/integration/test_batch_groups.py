"""``issue-batch`` records credentials in groups (one ledger transaction a group) and writes a
group's files once the ledger holds it. A process killed (SIGKILL) while it signs a group
leaves nothing of that group; killed while it writes a group's files, it leaves the whole group
recorded and some of its files. Either way no file holds a credential the ledger does not
record, and running the batch again ends with exactly one credential per row, every file
holding the recorded one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from leadbadge.issuer.batch import GROUP_ITEMS, issue_batch, read_roster
from leadbadge.issuer.issue import Issuer
from leadbadge.issuer.ledger import Ledger
from tests.conftest import FIXED_NOW, REPO_ROOT
from tests.unit._issued import DID_WEB, PASSPHRASE, URL
from tests.unit._roster import good_row, write_roster

pytestmark = pytest.mark.slow

ROWS = 40
#: The group is killed after this many of its credentials are signed, or files written.
KILL_AT = 7

# Runs the batch in one process (jobs=1) and kills it, with SIGKILL, at the KILL_AT-th call of
# the function it names: the signing of a credential, or the writing of a credential's files.
_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from leadbadge.issuer import batch, issue
    from leadbadge.issuer.roster import read_roster
    home, roster_path, out, where, kill_at, passphrase = sys.argv[1:]
    calls = []

    def killing(original):
        def wrapped(*args, **kw):
            calls.append(1)
            if len(calls) == int(kill_at):
                os.kill(os.getpid(), signal.SIGKILL)
            return original(*args, **kw)
        return wrapped

    if where == "signing":
        signer = issue.Issuer._signer
        def _signer(self, *args, **kw):
            return killing(signer(self, *args, **kw))
        issue.Issuer._signer = _signer
    else:
        batch._write_files = killing(batch._write_files)
    opened = issue.Issuer.open(home, passphrase=passphrase)
    roster = read_roster(roster_path, opened.framework, opened.profile)
    batch.issue_batch(home, roster, out, passphrase=passphrase, jobs=1)
    """
)


def _files(out: Path) -> dict[str, str]:
    """Each credential file's id, by file name."""
    if not out.exists():
        return {}
    return {f.name: json.loads(f.read_text(encoding="utf-8"))["id"] for f in out.glob("*.json")}


@pytest.mark.parametrize("where", ["signing", "writing"])
def test_a_batch_killed_mid_group_leaves_no_stray_file_and_resumes(
    tmp_path: Path, where: str
) -> None:
    assert KILL_AT < ROWS <= GROUP_ITEMS
    home = tmp_path / "home"
    Issuer.create(
        home, name="Academy", url=URL, passphrase=PASSPHRASE, did_web=DID_WEB, now=FIXED_NOW
    )
    roster_path = write_roster(tmp_path / "roster.csv", [good_row(n) for n in range(ROWS)])
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(home), str(roster_path), str(out), where,
         str(KILL_AT), PASSPHRASE],
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert run.returncode == -signal.SIGKILL, run.stderr
    with Ledger.open(home / "ledger.sqlite") as ledger:
        recorded = {e.id for e in ledger.entries()}
        assert len(ledger.batch_keys()) == len(recorded)
    files = _files(out)
    # No file holds a credential the ledger does not record.
    assert set(files.values()) <= recorded
    if where == "signing":
        # The group being signed is not recorded at all; groups before it (if the clock cut
        # the first one short) are, with their files.
        assert len(recorded) < KILL_AT
        assert len(files) == len(recorded)
    else:
        # The group is recorded whole; the kill came while its files were being written.
        assert len(files) == KILL_AT - 1
        assert len(recorded) >= KILL_AT

    home_issuer = Issuer.open(home, passphrase=PASSPHRASE)
    roster = read_roster(roster_path, home_issuer.framework, home_issuer.profile)
    results = issue_batch(home, roster, out, passphrase=PASSPHRASE, jobs=1)
    assert sum(r.status == "already-issued" for r in results) == len(recorded)
    with Ledger.open(home / "ledger.sqlite") as ledger:
        assert ledger.consistency_problems() == []
        entries = ledger.entries()
        keys = ledger.batch_keys()
    assert len(entries) == ROWS
    assert recorded <= {e.id for e in entries}
    assert sorted(keys) == sorted(r.key for r in results)
    files = _files(out)
    assert len(files) == ROWS
    assert {name: keys[name.removesuffix(".json")] for name in files} == files
