"""One ledger connection for a batch worker's life, reused for every credential it issues.

Opening and closing SQLite for every credential is a fifth of a batch worker's time (closing the
last connection checkpoints the write-ahead log). Within :func:`kept_open`, every
:meth:`Ledger.open <leadbadge.issuer.ledger.Ledger.open>` of that file in this thread returns one
ledger on one connection, and closing that ledger leaves the connection open. Nothing else
changes: every transaction still commits, or rolls back, before the method that began it
returns, so a process killed between credentials loses nothing recorded.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from leadbadge.issuer.ledger import KEPT, Ledger

__all__ = ["kept_open"]


class _KeptLedger(Ledger):
    def close(self) -> None:
        if self._db.in_transaction:
            # Unreachable through Ledger (each transaction ends where it begins); a kept
            # connection must never carry one into its next use.
            self._db.execute("ROLLBACK")


@contextmanager
def kept_open(path: str | os.PathLike[str]) -> Iterator[None]:
    """Within this block, :meth:`Ledger.open` of ``path`` in this thread reuses one connection."""
    target = Path(path)
    key = (target.resolve(), threading.get_ident())
    if key in KEPT:
        yield
        return
    opened = Ledger.open(target)
    KEPT[key] = _KeptLedger(opened._db, target)
    try:
        yield
    finally:
        del KEPT[key]
        opened.close()
