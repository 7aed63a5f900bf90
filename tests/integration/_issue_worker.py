"""A process that issues credentials from one issuer home, for the ledger concurrency tests.

``python -m tests.integration._issue_worker HOME COUNT GO_FILE``: opens the home, waits until
GO_FILE exists (so several workers start together), then issues COUNT credentials (0: until it
is killed), printing a line after each one is recorded.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from leadbadge.issuer.issue import Issuer
from tests.unit._issued import ANA, PASSPHRASE, evidence_for


def main(home: str, count: int, go: str) -> None:
    issuer = Issuer.open(home, passphrase=PASSPHRASE)
    evidence = evidence_for(issuer.framework.tier("initial"))
    print("ready", flush=True)
    while not Path(go).exists():
        time.sleep(0.01)
    issued = 0
    while count == 0 or issued < count:
        issuer.issue("initial", ANA, evidence=evidence)
        issued += 1
        print(issued, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
