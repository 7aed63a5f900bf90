"""The issuer's ledger: a SQLite record of every credential issued, with a versioned schema.

The schema version is ``PRAGMA user_version``; :data:`MIGRATIONS` lists the steps from an empty
file to the current schema, each applied in its own transaction, so a later version adds steps
(status lists, status changes) and older ledgers are brought forward when opened. The database
runs in WAL mode so a reader (``publish``, a report) never blocks an ``issue``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from leadbadge.errors import InputError, IssuerHomeError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Ledger", "LedgerEntry"]

#: Each entry takes the schema from version ``i`` to ``i + 1``; never edit a released step.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE credentials (
            id TEXT PRIMARY KEY NOT NULL,
            tier TEXT NOT NULL,
            recipient_hash TEXT NOT NULL,
            issued_at TEXT NOT NULL,
            key_vm TEXT NOT NULL,
            document TEXT NOT NULL CHECK (json_valid(document))
        )""",
        "CREATE INDEX credentials_tier ON credentials (tier, issued_at)",
        "CREATE INDEX credentials_recipient ON credentials (recipient_hash)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
_BUSY_TIMEOUT_MS = 10_000
_SELECT = "SELECT id, tier, recipient_hash, issued_at, key_vm, document FROM credentials"


@dataclass(frozen=True)
class LedgerEntry:
    """One issued credential as the ledger records it."""

    id: str
    tier: str
    #: The recipient's identity hash as it appears in the credential (``sha256$…``).
    recipient_hash: str
    #: When it was issued (XML Schema dateTime, UTC).
    issued_at: str
    #: The verification method that signed it.
    key_vm: str
    #: The signed credential document.
    document: dict[str, Any]


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
        try:
            db = sqlite3.connect(target, isolation_level=None, timeout=_BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise _damaged(target, exc) from None
        try:
            _prepare(db, target)
            _migrate(db, target, MIGRATIONS)
        except sqlite3.Error as exc:
            db.close()
            raise _damaged(target, exc) from None
        except BaseException:
            db.close()
            raise
        return cls(db, target)

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def record(self, entry: LedgerEntry) -> None:
        """Add one issued credential; an id already recorded raises :class:`InputError`."""
        document = json.dumps(entry.document, ensure_ascii=False, separators=(",", ":"))
        try:
            with self._transaction():
                self._db.execute(
                    "INSERT INTO credentials (id, tier, recipient_hash, issued_at, key_vm, "
                    "document) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        entry.id,
                        entry.tier,
                        entry.recipient_hash,
                        entry.issued_at,
                        entry.key_vm,
                        document,
                    ),
                )
        except sqlite3.IntegrityError:
            raise InputError(
                f"The ledger already records a credential with id {entry.id}.", field="id"
            ) from None
        except sqlite3.Error as exc:
            raise _damaged(self.path, exc) from None

    def get(self, credential_id: str) -> LedgerEntry | None:
        """The entry for ``credential_id``, or None."""
        rows = self._select(" WHERE id = ?", (credential_id,))
        return rows[0] if rows else None

    def entries(self, *, tier: str | None = None) -> list[LedgerEntry]:
        """Every entry (or every entry of one tier), oldest first."""
        if tier is None:
            return self._select("", ())
        return self._select(" WHERE tier = ?", (tier,))

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM credentials").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

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
        query = _SELECT + where + " ORDER BY issued_at, rowid"
        try:
            rows = self._db.execute(query, tuple(params)).fetchall()
        except sqlite3.Error as exc:
            raise _damaged(self.path, exc) from None
        return [
            LedgerEntry(
                id=r[0],
                tier=r[1],
                recipient_hash=r[2],
                issued_at=r[3],
                key_vm=r[4],
                document=json.loads(r[5]),
            )
            for r in rows
        ]


def _prepare(db: sqlite3.Connection, path: Path) -> None:
    db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise IssuerHomeError(
            f"The ledger {path} cannot use write-ahead logging (mode {mode}).", path=path
        )
    db.execute("PRAGMA synchronous = FULL")


def _version(db: sqlite3.Connection, path: Path, known: int) -> int:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > known:
        raise IssuerHomeError(
            f"The ledger {path} has schema version {version}, newer than this leadbadge "
            f"understands ({known}); upgrade leadbadge.",
            path=path,
        )
    return version


def _migrate(db: sqlite3.Connection, path: Path, migrations: Sequence[Sequence[str]]) -> None:
    """Apply the steps after the file's ``user_version``, each in one transaction."""
    db.execute("BEGIN IMMEDIATE")
    try:
        version = _version(db, path, len(migrations))
        for number in range(version, len(migrations)):
            for statement in migrations[number]:
                db.execute(statement)
            # PRAGMA takes no bound parameters; the value is an int we computed.
            db.execute(f"PRAGMA user_version = {number + 1}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _damaged(path: Path, exc: sqlite3.Error) -> IssuerHomeError:
    return IssuerHomeError(
        f"The ledger {path} cannot be used ({exc}); restore it from a backup.", path=path
    )
