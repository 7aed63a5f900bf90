"""One ledger connection kept for a batch worker: reused, never closed early, nothing pending."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from leadbadge.errors import InputError
from leadbadge.issuer.ledger import Ledger
from leadbadge.issuer.ledger_kept import kept_open
from tests.unit.issuer.test_ledger import NOW, PURPOSES, _entry, _issue, _list_url


def _made(tmp_path: Path) -> Path:
    path = tmp_path / "l.sqlite"
    Ledger.open(path, create=True).close()
    return path


def test_within_kept_open_every_open_shares_one_connection(tmp_path: Path) -> None:
    path = _made(tmp_path)
    with kept_open(path):
        with Ledger.open(path) as first:
            _issue(first, 1)
        with Ledger.open(path) as second:
            assert second._db is first._db
            _issue(second, 2)
            assert second.count() == 2
        # Committed, not merely pending on the kept connection: another connection sees both.
        other = Ledger(sqlite3.connect(path), path)
        try:
            assert other.count() == 2
        finally:
            other.close()
    # The block closed it.
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        first._db.execute("SELECT 1")
    with Ledger.open(path) as fresh:
        assert fresh._db is not first._db
        assert fresh.count() == 2


def test_a_failed_issue_leaves_no_transaction_on_the_kept_connection(tmp_path: Path) -> None:
    path = _made(tmp_path)

    def broken(assignments: object) -> object:
        raise InputError("the signer refused")

    with kept_open(path):
        with Ledger.open(path) as book:
            with pytest.raises(InputError):
                book.issue(broken, purposes=PURPOSES, list_url=_list_url, now=NOW)  # type: ignore[arg-type]
            assert not book._db.in_transaction
        with Ledger.open(path) as book:
            book.record(_entry(3))
            assert book.count() == 1


def test_another_thread_gets_its_own_connection(tmp_path: Path) -> None:
    path = _made(tmp_path)
    seen: list[object] = []
    with kept_open(path), Ledger.open(path) as mine:

        def other() -> None:
            with Ledger.open(path) as theirs:
                seen.append(theirs._db)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert len(seen) == 1
        assert seen[0] is not mine._db
