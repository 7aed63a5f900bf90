"""The ledger: transactional records, status list indexes drawn at random and never reused,
status changes with who, when and why, and an old ledger brought forward when opened."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from leadbadge.errors import InputError, IssuerHomeError
from leadbadge.issuer import ledger_schema
from leadbadge.issuer.ledger import Ledger
from leadbadge.issuer.ledger_records import LedgerEntry, StatusAssignment
from leadbadge.status.lists import status_entry


def _entry(n: int, tier: str = "initial") -> LedgerEntry:
    return LedgerEntry(
        id=f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
        tier=tier,
        recipient_hash=f"sha256${n:064x}",
        issued_at=f"2026-11-23T12:00:{n:02d}Z",
        key_vm="did:web:example.org#key-1",
        document={"id": f"urn:uuid:{n}", "name": "Ana Müller", "n": n},
    )


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


def test_two_connections_see_each_others_records(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    with Ledger.open(path, create=True) as writer, Ledger.open(path) as reader:
        writer.record(_entry(1))
        assert reader.count() == 1


# --- status lists and status changes (schema version 2) ---------------------------------------

URL = "https://rcoe.example.org/leadership"
PURPOSES = ("revocation", "suspension")
NOW = "2026-11-23T12:00:00Z"


def _list_url(n: int) -> str:
    return f"{URL}/status/{n}.json"


def _issue(book: Ledger, n: int) -> LedgerEntry:
    def build(assignments: tuple[StatusAssignment, ...]) -> LedgerEntry:
        entry = _entry(n)
        document = dict(entry.document)
        document["credentialStatus"] = [
            status_entry(a.list_url, a.purpose, a.index) for a in assignments
        ]
        return replace(entry, document=document)

    return book.issue(build, purposes=PURPOSES, list_url=_list_url, now=NOW)


def test_issue_draws_one_index_per_purpose_in_separate_lists(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.sqlite", create=True) as book:
        entries = [_issue(book, n) for n in range(1, 201)]
        assert book.consistency_problems() == []
        lists = book.status_lists()
    assert [(i.n, i.purpose, i.size, i.allocated, i.set_count) for i in lists] == [
        (1, "revocation", 131_072, 200, 0),
        (2, "suspension", 131_072, 200, 0),
    ]
    for purpose, list_n in (("revocation", 1), ("suspension", 2)):
        indexes = [a.index for e in entries for a in e.assignments if a.purpose == purpose]
        assert {a.list_n for e in entries for a in e.assignments if a.purpose == purpose} == {
            list_n
        }
        assert len(set(indexes)) == 200
        assert all(0 <= i < 131_072 for i in indexes)
        # Drawn at random: the order of issue cannot be read from them.
        assert indexes != sorted(indexes)
        assert max(indexes) > 1000


def test_a_failed_build_leaves_neither_credential_nor_index(tmp_path: Path) -> None:
    def broken(assignments: tuple[StatusAssignment, ...]) -> LedgerEntry:
        assert len(assignments) == 2
        raise InputError("the signer refused")

    with Ledger.open(tmp_path / "l.sqlite", create=True) as book:
        with pytest.raises(InputError, match="signer refused"):
            book.issue(broken, purposes=PURPOSES, list_url=_list_url, now=NOW)
        assert book.count() == 0
        assert [i.allocated for i in book.status_lists()] == []
        _issue(book, 1)
        assert [i.allocated for i in book.status_lists()] == [1, 1]


def test_a_full_list_is_followed_by_a_new_one(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    with Ledger.open(path, create=True) as book:
        book.ensure_lists(PURPOSES, list_url=_list_url, now=NOW)
    # Fill revocation list 1 but for two indexes, straight in SQL (131,070 credentials).
    free = {5, 77_777}
    db = sqlite3.connect(path)
    with db:
        db.executemany(
            "INSERT INTO credentials (id, tier, recipient_hash, issued_at, key_vm, document) "
            "VALUES (?, 't', 'h', ?, 'vm', '{}')",
            ((f"urn:x:{i}", NOW) for i in range(131_072) if i not in free),
        )
        db.executemany(
            "INSERT INTO status_entries (list_n, idx, credential_id, purpose) "
            "VALUES (1, ?, ?, 'revocation')",
            ((i, f"urn:x:{i}") for i in range(131_072) if i not in free),
        )
    db.close()
    with Ledger.open(path) as book:
        first, second, third = (_issue(book, n) for n in (1, 2, 3))
        # The last free indexes of list 1, in random order, then a new revocation list (3).
        assert {first.assignments[0].index, second.assignments[0].index} == free
        assert {first.assignments[0].list_n, second.assignments[0].list_n} == {1}
        assert third.assignments[0].list_n == 3
        assert third.assignments[0].list_url == _list_url(3)
        assert [a.list_n for a in third.assignments if a.purpose == "suspension"] == [2]
        lists = {i.n: i for i in book.status_lists()}
        assert lists[1].full
        assert not lists[3].full
        assert lists[3].purpose == "revocation"


def test_status_changes_are_recorded_and_revocation_is_final(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.sqlite", create=True) as book:
        entry = _issue(book, 1)
        other = _issue(book, 2)
        revocation, suspension = entry.assignments
        book.change_status(entry.id, "suspend", actor="registrar", at=NOW, reason="Audit")
        assert book.set_indexes(suspension.list_n) == [suspension.index]
        assert book.set_indexes(revocation.list_n) == []
        with pytest.raises(InputError, match="already suspended"):
            book.change_status(entry.id, "suspend", actor="registrar", at=NOW)
        book.change_status(entry.id, "unsuspend", actor="registrar", at=NOW)
        with pytest.raises(InputError, match="is not suspended"):
            book.change_status(entry.id, "unsuspend", actor="registrar", at=NOW)
        book.change_status(entry.id, "revoke", actor="director", at=NOW, reason="  Fraud  ")
        for action in ("suspend", "unsuspend", "revoke"):
            with pytest.raises(InputError, match="revocation is final"):
                book.change_status(entry.id, action, actor="director", at=NOW)
        with pytest.raises(InputError, match="records no credential"):
            book.change_status("urn:uuid:nobody", "revoke", actor="director", at=NOW)
        with pytest.raises(InputError, match="who"):
            book.change_status(other.id, "revoke", actor=" ", at=NOW)
        assert book.set_indexes(revocation.list_n) == [revocation.index]
        assert book.set_indexes(suspension.list_n) == []
        history = book.changes(entry.id)
        assert [(c.action, c.from_status, c.to_status, c.actor) for c in history] == [
            ("suspend", "active", "suspended", "registrar"),
            ("unsuspend", "suspended", "active", "registrar"),
            ("revoke", "active", "revoked", "director"),
        ]
        assert (history[0].reason, history[1].reason, history[2].reason) == ("Audit", None, "Fraud")
        assert [e.id for e in book.entries(status="revoked")] == [entry.id]
        assert [e.id for e in book.entries(status="active")] == [other.id]
        with pytest.raises(InputError, match="Unknown status"):
            book.entries(status="lost")
        assert book.consistency_problems() == []


def test_the_database_itself_refuses_to_undo_a_revocation_or_free_an_index(
    tmp_path: Path,
) -> None:
    path = tmp_path / "l.sqlite"
    with Ledger.open(path, create=True) as book:
        entry = _issue(book, 1)
        book.change_status(entry.id, "revoke", actor="director", at=NOW)
    db = sqlite3.connect(path)
    try:
        for statement in (
            "UPDATE credentials SET status = 'active'",
            "DELETE FROM status_entries",
            "UPDATE status_entries SET idx = idx + 1",
            "INSERT INTO status_entries VALUES (1, 200000, 'urn:x', 'revocation')",
            "INSERT INTO status_entries VALUES (2, 5, 'urn:x', 'revocation')",
        ):
            with pytest.raises(sqlite3.IntegrityError):
                db.execute(statement)
    finally:
        db.close()


def test_consistency_check_finds_a_document_that_disagrees_with_its_indexes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "l.sqlite"
    with Ledger.open(path, create=True) as book:
        entry = _issue(book, 1)
    db = sqlite3.connect(path)
    with db:
        db.execute(
            "UPDATE credentials SET document = json_set(document, "
            "'$.credentialStatus[0].statusListIndex', '1') WHERE id = ?",
            (entry.id,),
        )
    db.close()
    with Ledger.open(path) as book:
        [problem] = book.consistency_problems()
    assert entry.id in problem


def test_a_version_1_ledger_is_brought_forward(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    ledger_schema.migrate(db, path, ledger_schema.MIGRATIONS[:1])
    db.execute(
        "INSERT INTO credentials VALUES ('urn:uuid:old', 'initial', 'h', ?, 'vm', '{}')", (NOW,)
    )
    db.close()
    with Ledger.open(path) as book:
        assert book.schema_version == ledger_schema.SCHEMA_VERSION
        old = book.get("urn:uuid:old")
        assert old is not None
        assert (old.status, old.assignments) == ("active", ())
        assert book.status_lists() == []
        new = _issue(book, 1)
        assert len(new.assignments) == 2
        book.change_status("urn:uuid:old", "revoke", actor="registrar", at=NOW)
        assert book.get("urn:uuid:old").status == "revoked"  # type: ignore[union-attr]


def _ledger_of_one(folder: Path) -> Path:
    path = folder / "ledger.sqlite"
    with Ledger.open(path, create=True) as book:
        book.record(_entry(1))
    return path


def test_a_read_only_ledger_is_read_and_refuses_changes_naming_the_cause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _ledger_of_one(tmp_path)
    before = path.read_bytes()
    # As a read-only mount or another user's backup reports itself (root, who runs CI, can
    # write anything else); tests/integration/test_read_only_home.py mounts a real one.
    monkeypatch.setattr(ledger_schema, "is_read_only", lambda _: True)
    with Ledger.open(path) as book:
        assert [e.id for e in book.entries()] == [_entry(1).id]
        with pytest.raises(IssuerHomeError) as caught:
            book.record(_entry(2))
    assert f"The issuer home {tmp_path} is read-only" in caught.value.message
    assert "restore" not in caught.value.message
    assert path.read_bytes() == before


def test_a_read_only_ledger_of_an_older_schema_says_it_needs_upgrading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _ledger_of_one(tmp_path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 1")
    db.close()
    monkeypatch.setattr(ledger_schema, "is_read_only", lambda _: True)
    with pytest.raises(IssuerHomeError, match="must be upgraded, which needs write access"):
        Ledger.open(path)
