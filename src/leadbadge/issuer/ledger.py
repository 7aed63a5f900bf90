"""The issuer's ledger: a SQLite record of every credential issued, with a versioned schema
(:mod:`leadbadge.issuer.ledger_schema`) that is brought up to date when the file is opened.

Status lists (schema version 2): every credential issued with :meth:`Ledger.issue` holds one
index in a revocation list and one in a suspension list. An index is drawn at random (it must
not reveal the order of issue) among the free ones, and the ``BEGIN IMMEDIATE`` transaction
that records the signed credential checks it is still free, so two processes never hold the
same index (the primary key of ``status_entries`` would refuse it anyway), and a process that
dies before the commit leaves neither the credential nor its indexes behind. Indexes are never
freed: a list that fills up is followed by a new one. A credential's current status and every
change to it (who, when, why) are recorded; the bits a published list carries are computed from
the current statuses.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence, Set
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from leadbadge.errors import InputError, IssuerHomeError
from leadbadge.issuer.ledger_draw import draw_index
from leadbadge.issuer.ledger_records import (
    LedgerEntry,
    PrerequisiteOverride,
    StatusAssignment,
    StatusChange,
    StatusListInfo,
)
from leadbadge.issuer.ledger_schema import connect, damaged

__all__ = ["ACTIONS", "DEFAULT_LIST_SIZE", "STATUSES", "Ledger"]

#: Entries in a new status list: the minimum Bitstring Status List v1.0 allows (16 KiB).
DEFAULT_LIST_SIZE: Final = 131_072
#: A credential's status in the ledger.
STATUSES: Final = ("active", "suspended", "revoked")
#: What a status change does: the status it leads to and the statuses it may start from.
ACTIONS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "revoke": ("revoked", ("active", "suspended")),
    "suspend": ("suspended", ("active",)),
    "unsuspend": ("active", ("suspended",)),
}
#: The status whose credentials have their bit set in a list of each purpose.
_SET_BY_PURPOSE: Final = {"revocation": "revoked", "suspension": "suspended"}
_NONE: Set[tuple[int, int]] = frozenset()
#: Signatures made with drawn indexes before issuing falls back to signing under the lock.
_DRAW_TRIES = 3
_SELECT = (
    "SELECT id, tier, recipient_hash, issued_at, key_vm, document, status, superseded_by "
    "FROM credentials"
)
_SELECT_ASSIGNMENTS = (
    "SELECT e.credential_id, e.purpose, e.list_n, l.url, e.idx FROM status_entries e "
    "JOIN status_lists l ON l.n = e.list_n WHERE e.credential_id IN (SELECT id FROM credentials"
)


@dataclass(frozen=True)
class _Extras:
    """What :meth:`Ledger.issue` records with a credential besides its status indexes."""

    override: PrerequisiteOverride | None = None
    batch_key: str | None = None
    supersedes: str | None = None


#: Ledgers :func:`leadbadge.issuer.ledger_kept.kept_open` keeps, by (resolved path, thread).
KEPT: dict[tuple[Path, int], Ledger] = {}


class Ledger:
    """An open ledger file; use as a context manager or call :meth:`close`."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = False) -> Ledger:
        """Open (or with ``create``, create) the ledger and bring its schema up to date."""
        target = Path(path)
        if not create and not target.is_file():
            raise IssuerHomeError(
                f"The ledger {target} is missing; the issuer home is incomplete.", path=target
            )
        if create:
            # Personal data: owner-only, as SQLite then makes its -wal and -shm files too.
            with contextlib.suppress(FileExistsError):
                os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        kept = KEPT.get((target.resolve(), threading.get_ident())) if KEPT else None
        return kept if kept is not None else cls(connect(target), target)

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def record(self, entry: LedgerEntry) -> None:
        """Add one issued credential that holds no status index (see :meth:`issue`).

        An id already recorded raises :class:`InputError`.
        """
        try:
            with self._transaction():
                self._insert(entry)
        except sqlite3.IntegrityError:
            raise InputError(
                f"The ledger already records a credential with id {entry.id}.", field="id"
            ) from None
        except sqlite3.Error as exc:
            raise damaged(self.path, exc) from None

    def issue(
        self,
        build: Callable[[tuple[StatusAssignment, ...]], LedgerEntry],
        *,
        purposes: Sequence[str],
        list_url: Callable[[int], str],
        now: str,
        list_size: int = DEFAULT_LIST_SIZE,
        override: PrerequisiteOverride | None = None,
        batch_key: str | None = None,
        supersedes: str | None = None,
    ) -> LedgerEntry:
        """Draw a status index per purpose, have ``build`` sign the credential, record both.

        The indexes are drawn at random among the free ones, ``build`` signs (without holding
        the write lock, so several processes sign at once), and one ``BEGIN IMMEDIATE``
        transaction records the credential with its indexes if they are still free, or ``build``
        is called again with new ones. When a purpose needs a new list, drawing, signing and
        recording all happen under the lock. Either way the indexes exist only if the credential
        ``build`` returns is recorded with them. ``build`` gets the assignments (in
        the order of ``purposes``) and returns the entry to record; whatever it raises rolls
        everything back. ``list_url(n)`` names a new list's URL; ``now`` dates a new list.
        ``override`` records, in the same transaction, that the credential was issued although
        prerequisites were missing (see :meth:`prerequisite_overrides`).
        With ``batch_key`` (a roster row's key) the key is recorded with the credential; a key
        already recorded raises :class:`InputError` with ``field="batch_key"`` before anything
        is signed. With ``supersedes`` (the id of the credential this one renews) that credential
        is marked superseded by this one; it must be recorded, active and not superseded yet,
        else :class:`InputError` with ``field="supersedes"``.
        """
        extras = _Extras(override, batch_key, supersedes)
        if override is not None and not override.reason.strip():
            raise InputError("A prerequisite override must give a reason.", field="override")
        if list_size < DEFAULT_LIST_SIZE or list_size % 8:
            raise InputError(
                f"A status list has at least {DEFAULT_LIST_SIZE} entries, a multiple of 8.",
                field="list_size",
            )
        try:
            done = self._issue_drawn_first(build, purposes, extras)
            if done is None:
                with self._transaction():
                    self._precheck(extras)
                    assignments = tuple(
                        self._allocate(purpose, list_url, now, list_size) for purpose in purposes
                    )
                    entry = build(assignments)
                    self._record_issued(entry, assignments, extras)
                done = entry, assignments
        except sqlite3.IntegrityError:
            raise InputError(
                "The ledger already records a credential with this id.", field="id"
            ) from None
        except sqlite3.Error as exc:
            raise damaged(self.path, exc) from None
        entry, assignments = done
        return _as_recorded(entry, assignments)

    def _issue_drawn_first(
        self,
        build: Callable[[tuple[StatusAssignment, ...]], LedgerEntry],
        purposes: Sequence[str],
        extras: _Extras,
    ) -> tuple[LedgerEntry, tuple[StatusAssignment, ...]] | None:
        """Draw the indexes, sign without the write lock, then record them if still free.

        Signing is the slow part of issuing: holding the lock only to check and record lets
        several processes sign at once. An index another process took meanwhile means signing
        again with new ones. None when a purpose has no list with room (a new list is made
        under the lock) or the draws kept being taken.
        """
        for _ in range(_DRAW_TRIES):
            self._precheck(extras)
            drawn = []
            for purpose in purposes:
                found = self._find_open_list(purpose)
                one = self._draw(purpose, *found) if found is not None else None
                if one is None:
                    return None
                drawn.append(one)
            assignments = tuple(drawn)
            entry = build(assignments)
            with self._transaction():
                self._precheck(extras)
                if all(self._is_free(a) for a in assignments):
                    self._record_issued(entry, assignments, extras)
                    return entry, assignments
        return None

    def _is_free(self, assignment: StatusAssignment) -> bool:
        taken = self._db.execute(
            "SELECT 1 FROM status_entries WHERE list_n = ? AND idx = ?",
            (assignment.list_n, assignment.index),
        ).fetchone()
        return taken is None

    def _precheck(self, extras: _Extras) -> None:
        """Refuse before signing (and again under the lock) what the extras do not allow."""
        if extras.batch_key is not None:
            self._check_batch_key(extras.batch_key)
        if extras.supersedes is not None:
            row = self._db.execute(
                "SELECT status, superseded_by FROM credentials WHERE id = ?", (extras.supersedes,)
            ).fetchone()
            if row is None:
                raise InputError(
                    f"The ledger records no credential with the id {extras.supersedes}.",
                    field="supersedes",
                )
            if row[1] is not None:
                raise InputError(
                    f"The credential {extras.supersedes} was already renewed by {row[1]}.",
                    field="supersedes",
                )
            if row[0] != "active":
                raise InputError(
                    f"The credential {extras.supersedes} is {row[0]}; only an active credential "
                    "can be renewed.",
                    field="supersedes",
                )

    def _record_issued(
        self, entry: LedgerEntry, assignments: tuple[StatusAssignment, ...], extras: _Extras
    ) -> None:
        override, batch_key = extras.override, extras.batch_key
        self._insert(entry)
        self._db.executemany(
            "INSERT INTO status_entries (list_n, idx, credential_id, purpose) VALUES (?, ?, ?, ?)",
            [(a.list_n, a.index, entry.id, a.purpose) for a in assignments],
        )
        if batch_key is not None:
            self._db.execute(
                "INSERT INTO batch_rows (batch_key, credential_id) VALUES (?, ?)",
                (batch_key, entry.id),
            )
        if override is not None:
            self._db.execute(
                "INSERT INTO prerequisite_overrides (credential_id, missing, reason, at) "
                "VALUES (?, ?, ?, ?)",
                (
                    entry.id,
                    json.dumps(list(override.missing)),
                    override.reason.strip(),
                    override.at,
                ),
            )
        if extras.supersedes is not None:
            self._db.execute(
                "UPDATE credentials SET superseded_by = ? WHERE id = ?",
                (entry.id, extras.supersedes),
            )

    def ensure_lists(
        self,
        purposes: Sequence[str],
        *,
        list_url: Callable[[int], str],
        now: str,
        list_size: int = DEFAULT_LIST_SIZE,
    ) -> None:
        """Make sure each purpose has a list with free indexes (a new home gets its first lists)."""
        try:
            with self._transaction():
                for purpose in purposes:
                    self._open_list(purpose, list_url, now, list_size)
        except sqlite3.Error as exc:
            raise damaged(self.path, exc) from None

    def batch_keys(self) -> dict[str, str]:
        """Every recorded roster row key and the id of the credential issued for it."""
        rows = self._query("SELECT batch_key, credential_id FROM batch_rows", ())
        return {str(k): str(c) for k, c in rows}

    def get(self, credential_id: str) -> LedgerEntry | None:
        """The entry for ``credential_id``, or None."""
        rows = self._select(" WHERE id = ?", (credential_id,))
        return rows[0] if rows else None

    def entries(self, *, tier: str | None = None, status: str | None = None) -> list[LedgerEntry]:
        """Every entry, oldest first; only those of one tier and/or one status if given."""
        clauses, params = [], []
        if tier is not None:
            clauses.append("tier = ?")
            params.append(tier)
        if status is not None:
            if status not in STATUSES:
                raise InputError(
                    f"Unknown status {status!r}; use one of {', '.join(STATUSES)}.",
                    field="status",
                )
            clauses.append("status = ?")
            params.append(status)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return self._select(where, params)

    def prerequisite_overrides(
        self, credential_id: str | None = None
    ) -> list[PrerequisiteOverride]:
        """Every credential issued with missing prerequisites (or that one's), oldest first."""
        query = "SELECT credential_id, missing, reason, at FROM prerequisite_overrides"
        params: tuple[Any, ...] = ()
        if credential_id is not None:
            query += " WHERE credential_id = ?"
            params = (credential_id,)
        rows = self._query(query + " ORDER BY at, credential_id", params)
        return [
            PrerequisiteOverride(
                missing=tuple(json.loads(missing)), reason=reason, at=at, credential_id=cid
            )
            for cid, missing, reason, at in rows
        ]

    # --- status -------------------------------------------------------------------------------

    def change_status(
        self,
        credential_id: str,
        action: str,
        *,
        actor: str,
        at: str,
        reason: str | None = None,
    ) -> StatusChange:
        """Revoke, suspend or unsuspend a credential, and record who did it, when and why.

        Raises :class:`InputError` for an id the ledger does not record, an unknown action, a
        change that does not apply (suspending a suspended credential, unsuspending an active
        one) and any change to a revoked credential: revocation is final.
        """
        if action not in ACTIONS:
            raise InputError(f"Unknown status change {action!r}.", field="action")
        if not isinstance(actor, str) or not actor.strip():
            raise InputError("A status change must name who made it.", field="actor")
        target, allowed_from = ACTIONS[action]
        text = reason.strip() if isinstance(reason, str) and reason.strip() else None
        try:
            with self._transaction():
                row = self._db.execute(
                    "SELECT status FROM credentials WHERE id = ?", (credential_id,)
                ).fetchone()
                if row is None:
                    raise InputError(
                        f"The ledger records no credential with the id {credential_id}.",
                        field="credential",
                    )
                current = str(row[0])
                if current not in allowed_from:
                    raise InputError(_refusal(credential_id, action, current), field="action")
                self._db.execute(
                    "UPDATE credentials SET status = ? WHERE id = ?", (target, credential_id)
                )
                cursor = self._db.execute(
                    "INSERT INTO status_changes (credential_id, action, from_status, to_status, "
                    "actor, at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (credential_id, action, current, target, actor.strip(), at, text),
                )
                seq = int(cursor.lastrowid or 0)
        except sqlite3.Error as exc:
            raise damaged(self.path, exc) from None
        return StatusChange(seq, credential_id, action, current, target, actor.strip(), at, text)

    def changes(self, credential_id: str | None = None) -> list[StatusChange]:
        """Every recorded status change (of one credential if given), oldest first."""
        query = (
            "SELECT seq, credential_id, action, from_status, to_status, actor, at, reason "
            "FROM status_changes"
        )
        params: tuple[Any, ...] = ()
        if credential_id is not None:
            query += " WHERE credential_id = ?"
            params = (credential_id,)
        rows = self._query(query + " ORDER BY seq", params)
        return [StatusChange(*row) for row in rows]

    def status_lists(self) -> list[StatusListInfo]:
        """Every status list, in the order they were made."""
        rows = self._query(
            "SELECT l.n, l.url, l.purpose, l.size, "
            "(SELECT count(*) FROM status_entries e WHERE e.list_n = l.n), "
            "(SELECT count(*) FROM status_entries e JOIN credentials c ON c.id = e.credential_id "
            " WHERE e.list_n = l.n AND c.status = CASE l.purpose "
            "  WHEN 'revocation' THEN 'revoked' ELSE 'suspended' END), "
            "l.created_at FROM status_lists l ORDER BY l.n",
            (),
        )
        return [StatusListInfo(*row) for row in rows]

    def set_indexes(self, list_n: int) -> list[int]:
        """The indexes whose bit is set in list ``list_n`` now, ascending."""
        rows = self._query("SELECT purpose FROM status_lists WHERE n = ?", (list_n,))
        if not rows:
            raise InputError(f"The ledger has no status list {list_n}.", field="list")
        status = _SET_BY_PURPOSE[str(rows[0][0])]
        rows = self._query(
            "SELECT e.idx FROM status_entries e JOIN credentials c ON c.id = e.credential_id "
            "WHERE e.list_n = ? AND c.status = ? ORDER BY e.idx",
            (list_n, status),
        )
        return [int(r[0]) for r in rows]

    def consistency_problems(self) -> list[str]:
        """What is wrong with the records (empty when all is well), for audits and tests.

        SQLite's integrity and foreign-key checks (no status entry without its credential and
        list), and for every credential: the status entries its signed document carries are
        exactly the indexes the ledger says it holds.
        """
        problems = [str(r[0]) for r in self._query("PRAGMA integrity_check", ()) if r[0] != "ok"]
        problems += [
            f"foreign key: {r[0]} row {r[1]} refers to a missing {r[2]}"
            for r in self._query("PRAGMA foreign_key_check", ())
        ]
        for entry in self.entries():
            carried = {
                (
                    item.get("statusPurpose"),
                    item.get("statusListCredential"),
                    str(item.get("statusListIndex")),
                )
                for item in _as_list(entry.document.get("credentialStatus"))
                if isinstance(item, dict)
            }
            held = {(a.purpose, a.list_url, str(a.index)) for a in entry.assignments}
            if carried != held:
                problems.append(
                    f"credential {entry.id} carries status entries {sorted(map(str, carried))} "
                    f"but holds {sorted(map(str, held))}"
                )
        return problems

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM credentials").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- internals ----------------------------------------------------------------------------

    def _insert(self, entry: LedgerEntry) -> None:
        document = json.dumps(entry.document, ensure_ascii=False, separators=(",", ":"))
        self._db.execute(
            "INSERT INTO credentials (id, tier, recipient_hash, issued_at, key_vm, document) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (entry.id, entry.tier, entry.recipient_hash, entry.issued_at, entry.key_vm, document),
        )

    def _check_batch_key(self, batch_key: str) -> None:
        if not isinstance(batch_key, str) or not batch_key:
            raise InputError("A batch row key must be a non-empty text.", field="batch_key")
        row = self._db.execute(
            "SELECT credential_id FROM batch_rows WHERE batch_key = ?", (batch_key,)
        ).fetchone()
        if row is not None:
            raise InputError(
                f"The roster row {batch_key} is already issued as {row[0]}.", field="batch_key"
            )

    def _find_open_list(self, purpose: str) -> tuple[int, str, int] | None:
        """The oldest list of ``purpose`` with a free index, if there is one."""
        if purpose not in _SET_BY_PURPOSE:
            raise InputError(f"Unknown status purpose {purpose!r}.", field="purpose")
        row = self._db.execute(
            "SELECT l.n, l.url, l.size FROM status_lists l WHERE l.purpose = ? AND "
            "(SELECT count(*) FROM status_entries e WHERE e.list_n = l.n) < l.size "
            "ORDER BY l.n LIMIT 1",
            (purpose,),
        ).fetchone()
        return None if row is None else (int(row[0]), str(row[1]), int(row[2]))

    def _open_list(
        self, purpose: str, list_url: Callable[[int], str], now: str, size: int
    ) -> tuple[int, str, int]:
        """The oldest list of ``purpose`` with a free index, made if there is none."""
        found = self._find_open_list(purpose)
        if found is not None:
            return found
        n = int(self._db.execute("SELECT coalesce(max(n), 0) + 1 FROM status_lists").fetchone()[0])
        url = list_url(n)
        self._db.execute(
            "INSERT INTO status_lists (n, url, purpose, size, created_at) VALUES (?, ?, ?, ?, ?)",
            (n, url, purpose, size, now),
        )
        return n, url, size

    def _allocate(
        self, purpose: str, list_url: Callable[[int], str], now: str, size: int
    ) -> StatusAssignment:
        """A random free index of an open list; called inside the issuing transaction."""
        drawn = self._draw(purpose, *self._open_list(purpose, list_url, now, size))
        if drawn is None:
            raise IssuerHomeError(f"The ledger {self.path} lost a free index.", path=self.path)
        return drawn

    def _draw(
        self, purpose: str, n: int, url: str, list_size: int, avoid: Set[tuple[int, int]] = _NONE
    ) -> StatusAssignment | None:
        """A random free index of list ``n`` not in ``avoid`` (:func:`draw_index`)."""
        return draw_index(self._db, purpose, n, url, list_size, avoid=avoid)

    def _query(self, query: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        try:
            return list(self._db.execute(query, tuple(params)).fetchall())
        except sqlite3.Error as exc:
            raise damaged(self.path, exc) from None

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so two writers queue instead of deadlocking.
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _select(self, where: str, params: Sequence[Any]) -> list[LedgerEntry]:
        rows = self._query(_SELECT + where + " ORDER BY issued_at, rowid", params)
        held: dict[str, list[StatusAssignment]] = {}
        # The status entries of the same selection, in one query; ``where`` is one of the fixed
        # clauses built by the callers, with every value bound as a parameter.
        query = _SELECT_ASSIGNMENTS + where + ") ORDER BY e.credential_id, e.purpose"
        for credential_id, purpose, n, url, index in self._query(query, params):
            held.setdefault(credential_id, []).append(
                StatusAssignment(purpose, int(n), url, int(index))
            )
        return [
            LedgerEntry(
                id=r[0],
                tier=r[1],
                recipient_hash=r[2],
                issued_at=r[3],
                key_vm=r[4],
                document=json.loads(r[5]),
                status=r[6],
                superseded_by=r[7],
                assignments=tuple(held.get(r[0], ())),
            )
            for r in rows
        ]


def _as_recorded(entry: LedgerEntry, assignments: tuple[StatusAssignment, ...]) -> LedgerEntry:
    return LedgerEntry(
        id=entry.id,
        tier=entry.tier,
        recipient_hash=entry.recipient_hash,
        issued_at=entry.issued_at,
        key_vm=entry.key_vm,
        document=entry.document,
        status="active",
        assignments=assignments,
    )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _refusal(credential_id: str, action: str, current: str) -> str:
    if current == "revoked":
        return f"The credential {credential_id} is revoked, and revocation is final."
    if action == "suspend":
        return f"The credential {credential_id} is already suspended."
    return f"The credential {credential_id} is not suspended (it is {current})."
