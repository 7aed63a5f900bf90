"""The ledger file's schema: WAL, a versioned schema brought forward by migrations applied in
order, once, each entirely or not at all; the tables' own checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from leadbadge.errors import IssuerHomeError
from leadbadge.issuer import ledger_schema
from leadbadge.issuer.ledger import Ledger


def test_create_sets_wal_and_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path, create=True) as book:
        assert book.schema_version == ledger_schema.SCHEMA_VERSION == len(ledger_schema.MIGRATIONS)
        assert book.count() == 0
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        columns = [r[1] for r in db.execute("PRAGMA table_info(credentials)")]
    finally:
        db.close()
    assert columns == [
        "id",
        "tier",
        "recipient_hash",
        "issued_at",
        "key_vm",
        "document",
        "status",
        "superseded_by",
    ]


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(IssuerHomeError, match="cannot be used"):
        Ledger.open(path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    Ledger.open(path, create=True).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {ledger_schema.SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(IssuerHomeError, match="newer than this leadbadge"):
        Ledger.open(path)


def test_migrations_apply_in_order_and_only_once(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "m.sqlite", isolation_level=None)
    first = (("CREATE TABLE a (x INTEGER)",),)
    ledger_schema.migrate(db, tmp_path, first)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    more = (*first, ("CREATE TABLE b (y INTEGER)", "INSERT INTO b VALUES (7)"))
    ledger_schema.migrate(db, tmp_path, more)  # step 1 is not run again (it would fail: a exists)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    assert db.execute("SELECT y FROM b").fetchall() == [(7,)]
    db.close()


def test_failed_migration_rolls_back_entirely(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "m.sqlite", isolation_level=None)
    broken = (("CREATE TABLE a (x INTEGER)", "CREATE TABLE a (x INTEGER)"),)
    with pytest.raises(sqlite3.OperationalError):
        ledger_schema.migrate(db, tmp_path, broken)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 0
    assert db.execute("SELECT name FROM sqlite_master").fetchall() == []
    db.close()


def test_document_must_be_json_in_the_table(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    Ledger.open(path, create=True).close()
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(
            "INSERT INTO credentials (id, tier, recipient_hash, issued_at, key_vm, document) "
            "VALUES ('i', 't', 'h', 'at', 'vm', 'not json')"
        )
    db.close()
