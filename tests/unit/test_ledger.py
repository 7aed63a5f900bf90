"""The ledger: WAL, a versioned schema brought forward by migrations, transactional records."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from leadbadge import ledger
from leadbadge.errors import InputError, IssuerHomeError
from leadbadge.ledger import Ledger, LedgerEntry


def _entry(n: int, tier: str = "initial") -> LedgerEntry:
    return LedgerEntry(
        id=f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        tier=tier,
        recipient_hash=f"sha256${n:064x}",
        issued_at=f"2026-11-23T12:00:{n:02d}Z",
        key_vm="did:web:example.org#key-1",
        document={"id": f"urn:uuid:{n}", "name": "Ana Müller", "n": n},
    )


def test_create_sets_wal_and_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path, create=True) as book:
        assert book.schema_version == ledger.SCHEMA_VERSION == len(ledger.MIGRATIONS)
        assert book.count() == 0
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        columns = [r[1] for r in db.execute("PRAGMA table_info(credentials)")]
    finally:
        db.close()
    assert columns == ["id", "tier", "recipient_hash", "issued_at", "key_vm", "document"]


def test_record_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    with Ledger.open(path, create=True) as book:
        book.record(_entry(2, "building"))
        book.record(_entry(1))
    with Ledger.open(path) as book:
        assert book.count() == 2
        assert [e.id for e in book.entries()] == [_entry(1).id, _entry(2).id]
        assert [e.tier for e in book.entries(tier="building")] == ["building"]
        assert book.get(_entry(2).id) == _entry(2, "building")
        assert book.get("urn:uuid:none") is None


def test_duplicate_id_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.sqlite", create=True) as book:
        book.record(_entry(1))
        with pytest.raises(InputError, match="already records"):
            book.record(_entry(1, "district"))
        assert book.count() == 1
        found = book.get(_entry(1).id)
        assert found is not None
        assert found.tier == "initial"


def test_missing_ledger_without_create(tmp_path: Path) -> None:
    with pytest.raises(IssuerHomeError, match="missing"):
        Ledger.open(tmp_path / "nope.sqlite")
    assert not (tmp_path / "nope.sqlite").exists()


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    path.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(IssuerHomeError, match="cannot be used"):
        Ledger.open(path)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ledger.sqlite"
    Ledger.open(path, create=True).close()
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {ledger.SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(IssuerHomeError, match="newer than this leadbadge"):
        Ledger.open(path)


def test_migrations_apply_in_order_and_only_once(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "m.sqlite", isolation_level=None)
    first = (("CREATE TABLE a (x INTEGER)",),)
    ledger._migrate(db, tmp_path, first)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    more = (*first, ("CREATE TABLE b (y INTEGER)", "INSERT INTO b VALUES (7)"))
    ledger._migrate(db, tmp_path, more)  # step 1 is not run again (it would fail: a exists)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 2
    assert db.execute("SELECT y FROM b").fetchall() == [(7,)]
    db.close()


def test_failed_migration_rolls_back_entirely(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "m.sqlite", isolation_level=None)
    broken = (("CREATE TABLE a (x INTEGER)", "CREATE TABLE a (x INTEGER)"),)
    with pytest.raises(sqlite3.OperationalError):
        ledger._migrate(db, tmp_path, broken)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 0
    assert db.execute("SELECT name FROM sqlite_master").fetchall() == []
    db.close()


def test_document_must_be_json_in_the_table(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    Ledger.open(path, create=True).close()
    db = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO credentials VALUES ('i', 't', 'h', 'at', 'vm', 'not json')")
    db.close()


def test_two_connections_see_each_others_records(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    with Ledger.open(path, create=True) as writer, Ledger.open(path) as reader:
        writer.record(_entry(1))
        assert reader.count() == 1
