"""The ledger file's SQLite schema: the steps from an empty file to the current version, and
the settings every connection to the file uses.

The schema version is ``PRAGMA user_version``; :data:`MIGRATIONS` lists the steps from an empty
file to the current schema, each applied in its own transaction, so older ledgers are brought
forward when opened. The database runs in WAL mode so a reader (``publish``, a report) never
blocks an ``issue``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

from leadbadge.errors import IssuerHomeError

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "connect", "damaged", "migrate"]

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
    (
        "ALTER TABLE credentials ADD COLUMN status TEXT NOT NULL DEFAULT 'active' "
        "CHECK (status IN ('active', 'suspended', 'revoked'))",
        "CREATE INDEX credentials_status ON credentials (status, issued_at)",
        """CREATE TABLE status_lists (
            n INTEGER PRIMARY KEY NOT NULL CHECK (n >= 1),
            url TEXT NOT NULL UNIQUE,
            purpose TEXT NOT NULL CHECK (purpose IN ('revocation', 'suspension')),
            size INTEGER NOT NULL CHECK (size >= 131072 AND size % 8 = 0),
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE status_entries (
            list_n INTEGER NOT NULL REFERENCES status_lists (n),
            idx INTEGER NOT NULL CHECK (idx >= 0),
            credential_id TEXT NOT NULL REFERENCES credentials (id),
            purpose TEXT NOT NULL,
            PRIMARY KEY (list_n, idx),
            UNIQUE (credential_id, purpose)
        ) WITHOUT ROWID""",
        # An index lies inside its list and the entry has the list's purpose.
        """CREATE TRIGGER status_entries_fit_their_list BEFORE INSERT ON status_entries
        WHEN NOT EXISTS (SELECT 1 FROM status_lists
                         WHERE n = NEW.list_n AND purpose = NEW.purpose AND NEW.idx < size)
        BEGIN SELECT RAISE(ABORT, 'status entry outside its list'); END""",
        # Indexes are never reassigned or freed.
        """CREATE TRIGGER status_entries_are_permanent BEFORE UPDATE ON status_entries
        BEGIN SELECT RAISE(ABORT, 'status entries never change'); END""",
        """CREATE TRIGGER status_entries_are_kept BEFORE DELETE ON status_entries
        BEGIN SELECT RAISE(ABORT, 'status entries are never deleted'); END""",
        # Revocation is final (Bitstring Status List v1.0 §2.1: "not reversible").
        """CREATE TRIGGER revocation_is_final BEFORE UPDATE OF status ON credentials
        WHEN OLD.status = 'revoked' AND NEW.status <> 'revoked'
        BEGIN SELECT RAISE(ABORT, 'revocation is final'); END""",
        """CREATE TABLE status_changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            credential_id TEXT NOT NULL REFERENCES credentials (id),
            action TEXT NOT NULL CHECK (action IN ('revoke', 'suspend', 'unsuspend')),
            from_status TEXT NOT NULL,
            to_status TEXT NOT NULL,
            actor TEXT NOT NULL,
            at TEXT NOT NULL,
            reason TEXT
        )""",
        "CREATE INDEX status_changes_credential ON status_changes (credential_id, seq)",
    ),
    (
        # A credential issued although prerequisites were missing: what and why, kept for good.
        """CREATE TABLE prerequisite_overrides (
            credential_id TEXT PRIMARY KEY NOT NULL REFERENCES credentials (id),
            missing TEXT NOT NULL CHECK (json_valid(missing)),
            reason TEXT NOT NULL CHECK (length(trim(reason)) > 0),
            at TEXT NOT NULL
        )""",
        """CREATE TRIGGER prerequisite_overrides_are_kept BEFORE DELETE ON prerequisite_overrides
        BEGIN SELECT RAISE(ABORT, 'prerequisite overrides are never deleted'); END""",
    ),
    (
        # A roster row issued by ``issue-batch``: its key is recorded in the transaction that
        # records the credential, so a batch run again issues only the rows not yet recorded.
        """CREATE TABLE batch_rows (
            batch_key TEXT PRIMARY KEY NOT NULL,
            credential_id TEXT NOT NULL UNIQUE REFERENCES credentials (id)
        ) WITHOUT ROWID""",
    ),
    (
        # A renewed credential names the credential that replaced it; it is not revoked.
        "ALTER TABLE credentials ADD COLUMN superseded_by TEXT REFERENCES credentials (id)",
        "CREATE UNIQUE INDEX credentials_superseded_by ON credentials (superseded_by) "
        "WHERE superseded_by IS NOT NULL",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
_BUSY_TIMEOUT_MS = 10_000


def connect(path: Path) -> sqlite3.Connection:
    """A connection to the ledger file at ``path``, its schema brought up to date.

    A ledger that cannot be written (a read-only mount, a backup, another user's file) is
    opened read-only: reading works, and a change raises the read-only error of :func:`damaged`.
    """
    if is_read_only(path):
        return _connect_read_only(path)
    try:
        db = sqlite3.connect(path, isolation_level=None, timeout=_BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise damaged(path, exc) from None
    try:
        _prepare(db, path)
        migrate(db, path, MIGRATIONS)
    except sqlite3.Error as exc:
        db.close()
        raise damaged(path, exc) from None
    except BaseException:
        db.close()
        raise
    return db


def _prepare(db: sqlite3.Connection, path: Path) -> None:
    db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
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


def migrate(db: sqlite3.Connection, path: Path, migrations: Sequence[Sequence[str]]) -> None:
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


def is_read_only(path: Path) -> bool:
    """Whether the ledger at ``path`` (or its folder, where SQLite keeps its journal) cannot be
    written by this process; access(2) says so for a read-only file system even to root."""
    if not path.exists():
        return False
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def _connect_read_only(path: Path) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.resolve()))}"
    db = None
    try:
        try:
            db = sqlite3.connect(f"{uri}?mode=ro", uri=True)
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # A write-ahead-log ledger needs its -shm file, which a read-only folder cannot
            # hold; nothing can change the file there, so SQLite may read it as immutable.
            if db is not None:
                db.close()
            db = sqlite3.connect(f"{uri}?immutable=1", uri=True)
        db.execute("PRAGMA query_only = ON")
        version = _version(db, path, SCHEMA_VERSION)
    except sqlite3.Error as exc:
        if db is not None:
            db.close()
        raise damaged(path, exc) from None
    if version < SCHEMA_VERSION:
        db.close()
        raise IssuerHomeError(
            f"The ledger {path} was made by an older leadbadge and must be upgraded, which "
            "needs write access; run the command on a writable copy of the issuer home.",
            path=path,
        )
    return db


def damaged(path: Path, exc: sqlite3.Error) -> IssuerHomeError:
    if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_READONLY or (
        "readonly" in str(exc) or "read-only" in str(exc)
    ):
        return IssuerHomeError(
            f"The issuer home {path.parent} is read-only, so a command that changes it cannot "
            "run; run it on a writable copy (the ledger itself is fine).",
            path=path,
        )
    return IssuerHomeError(
        f"The ledger {path} cannot be used ({exc}); restore it from a backup.", path=path
    )
