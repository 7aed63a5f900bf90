"""Issuing credentials in groups: one ledger transaction records each group (batch issuance).

:func:`issue_group` issues credentials as :meth:`Ledger.issue` does — status indexes drawn at
random, the credential signed without the write lock, recorded with its indexes if they are
still free — but records a group of them in one transaction, so a batch pays one commit (and one
sync of the ledger file) a group instead of one a credential. A process that dies before the
commit leaves nothing of the group behind.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from leadbadge.errors import InputError
from leadbadge.issuer.ledger import DEFAULT_LIST_SIZE, Ledger, _as_recorded, _Extras
from leadbadge.issuer.ledger_records import LedgerEntry, PrerequisiteOverride, StatusAssignment
from leadbadge.issuer.ledger_schema import damaged

__all__ = ["GroupItem", "issue_group"]


@dataclass(frozen=True)
class GroupItem:
    """One credential of :func:`issue_group`: how to sign it and what to record with it."""

    #: Signs the credential with the assignments it is given (as for :meth:`Ledger.issue`).
    build: Callable[[tuple[StatusAssignment, ...]], LedgerEntry]
    #: Dates a status list made for it.
    now: str
    override: PrerequisiteOverride | None = None
    batch_key: str | None = None
    #: The caller's own reference to the item (the ledger does not read it).
    ref: int = 0


def issue_group(
    ledger: Ledger,
    items: Iterator[GroupItem],
    *,
    purposes: Sequence[str],
    list_url: Callable[[int], str],
    list_size: int = DEFAULT_LIST_SIZE,
    max_items: int = 64,
    max_seconds: float = 0.25,
) -> list[tuple[GroupItem, LedgerEntry | None]]:
    """Issue the next credentials of ``items`` as :meth:`Ledger.issue` does, recorded in one
    transaction: each item's, or none.

    Takes items while fewer than ``max_items`` are taken and less than ``max_seconds`` have
    passed since the first was signed (the rest stay in the iterator for the next call), so
    one commit, and one sync of the file, records a group of credentials. Each item's
    indexes are drawn among those free in the ledger and not drawn for an earlier item of
    the group; ``build`` signs without the write lock. Under the lock, an item whose
    indexes were taken meanwhile by another process gets new ones and is signed again. Each
    taken item comes back with its recorded entry, or None when its ``batch_key`` is
    already recorded (before signing or under the lock): nothing of it is recorded then. An
    empty list means the iterator is exhausted.
    """
    if list_size < DEFAULT_LIST_SIZE or list_size % 8:
        raise InputError(
            f"A status list has at least {DEFAULT_LIST_SIZE} entries, a multiple of 8.",
            field="list_size",
        )
    taken: list[tuple[GroupItem, LedgerEntry | None, tuple[StatusAssignment, ...] | None]] = []
    drawn: set[tuple[int, int]] = set()
    try:
        lists = {p: ledger._find_open_list(p) for p in purposes}
        started = time.monotonic()
        for item in items:
            if item.override is not None and not item.override.reason.strip():
                raise InputError("A prerequisite override must give a reason.", field="override")
            if item.batch_key is not None and _batch_key_recorded(ledger, item.batch_key):
                taken.append((item, None, None))
            else:
                assignments = _draw_group(ledger, purposes, lists, drawn)
                entry = item.build(assignments) if assignments is not None else None
                taken.append((item, entry, assignments))
            if len(taken) >= max_items or time.monotonic() - started >= max_seconds:
                break
        if not taken:
            return []
        done: list[tuple[GroupItem, LedgerEntry | None]] = []
        with ledger._transaction():
            for item, signed, drawn_for in taken:
                extras = _Extras(item.override, item.batch_key)
                if item.batch_key is not None and _batch_key_recorded(ledger, item.batch_key):
                    done.append((item, None))
                    continue
                entry, assignments = signed, drawn_for
                if (
                    entry is None
                    or assignments is None
                    or not all(ledger._is_free(a) for a in assignments)
                ):
                    # No free index was drawn, or another process took one meanwhile.
                    assignments = tuple(
                        ledger._allocate(p, list_url, item.now, list_size) for p in purposes
                    )
                    entry = item.build(assignments)
                ledger._record_issued(entry, assignments, extras)
                done.append((item, _as_recorded(entry, assignments)))
    except sqlite3.IntegrityError:
        raise InputError(
            "The ledger already records a credential with this id.", field="id"
        ) from None
    except sqlite3.Error as exc:
        raise damaged(ledger.path, exc) from None
    return done


def _draw_group(
    ledger: Ledger,
    purposes: Sequence[str],
    lists: dict[str, tuple[int, str, int] | None],
    drawn: set[tuple[int, int]],
) -> tuple[StatusAssignment, ...] | None:
    """Free indexes for one more credential of a group, none drawn for the group before
    (None when a purpose's list has no room left: the index is then allocated under the
    lock, which makes a new list)."""
    chosen = []
    for purpose in purposes:
        found = lists[purpose]
        one = ledger._draw(purpose, *found, avoid=drawn) if found is not None else None
        if one is None:
            return None
        chosen.append(one)
    drawn.update((a.list_n, a.index) for a in chosen)
    return tuple(chosen)


def _batch_key_recorded(ledger: Ledger, batch_key: str) -> bool:
    try:
        ledger._check_batch_key(batch_key)
    except InputError as error:
        if error.field == "batch_key" and isinstance(batch_key, str) and batch_key:
            return True
        raise
    return False
