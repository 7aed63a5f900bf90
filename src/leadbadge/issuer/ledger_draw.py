"""Drawing a free status list index at random (:class:`leadbadge.issuer.ledger.Ledger`).

An index must not reveal the order of issue, so it is drawn at random among the free ones of
its list: a few random tries, then, in a crowded list, a draw among the free indexes listed.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Set

from leadbadge.issuer.ledger_records import StatusAssignment

__all__ = ["draw_index"]

#: Random draws before the free indexes of a crowded list are listed instead.
_RANDOM_TRIES = 32


def draw_index(
    db: sqlite3.Connection,
    purpose: str,
    n: int,
    url: str,
    list_size: int,
    *,
    avoid: Set[tuple[int, int]] = frozenset(),
) -> StatusAssignment | None:
    """A random index of list ``n`` that no credential holds now and ``avoid`` ((list, index)
    pairs drawn for credentials not recorded yet) does not name; None if there is none."""
    taken = "SELECT 1 FROM status_entries WHERE list_n = ? AND idx = ?"
    for _ in range(_RANDOM_TRIES):
        index = secrets.randbelow(list_size)
        if (n, index) in avoid:
            continue
        if db.execute(taken, (n, index)).fetchone() is None:
            return StatusAssignment(purpose, n, url, index)
    # A crowded list: draw among the free indexes themselves, still at random.
    used = {int(r[0]) for r in db.execute("SELECT idx FROM status_entries WHERE list_n = ?", (n,))}
    used |= {index for list_n, index in avoid if list_n == n}
    free = [i for i in range(list_size) if i not in used]
    if not free:
        return None
    return StatusAssignment(purpose, n, url, free[secrets.randbelow(len(free))])
