"""The ledger's batch row keys and superseded credentials (schema versions 4 and 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadbadge.errors import InputError
from leadbadge.issuer.ledger import Ledger
from leadbadge.issuer.ledger_records import LedgerEntry, StatusAssignment
from leadbadge.status.lists import status_entry

URL = "https://rcoe.example.org/leadership"
NOW = "2026-11-23T12:00:00Z"


def _issue(book: Ledger, n: int, **kw: str) -> LedgerEntry:
    calls = []

    def build(assignments: tuple[StatusAssignment, ...]) -> LedgerEntry:
        calls.append(n)
        document = {
            "id": f"urn:uuid:00000000-0000-4000-8000-{n:012d}",
            "credentialStatus": [status_entry(a.list_url, a.purpose, a.index) for a in assignments],
        }
        return LedgerEntry(
            id=str(document["id"]),
            tier="initial",
            recipient_hash="sha256$00",
            issued_at=NOW,
            key_vm="did:example:1#k",
            document=document,
        )

    return book.issue(
        build,
        purposes=("revocation", "suspension"),
        list_url=lambda i: f"{URL}/status/{i}.json",
        now=NOW,
        **kw,  # type: ignore[arg-type]
    )


def test_a_batch_key_is_recorded_once_and_refused_before_signing(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.sqlite", create=True) as book:
        first = _issue(book, 1, batch_key="cohort-1")
        assert book.batch_keys() == {"cohort-1": first.id}
        with pytest.raises(InputError, match="already issued") as caught:
            _issue(book, 2, batch_key="cohort-1")
        assert caught.value.field == "batch_key"
        assert book.count() == 1
        assert sum(i.allocated for i in book.status_lists()) == 2


def test_a_renewal_supersedes_its_credential_once(tmp_path: Path) -> None:
    with Ledger.open(tmp_path / "l.sqlite", create=True) as book:
        old = _issue(book, 1)
        new = _issue(book, 2, supersedes=old.id)
        got = book.get(old.id)
        assert got is not None
        assert (got.status, got.superseded_by) == ("active", new.id)
        assert book.get(new.id).superseded_by is None  # type: ignore[union-attr]
        with pytest.raises(InputError, match="already renewed") as caught:
            _issue(book, 3, supersedes=old.id)
        assert caught.value.field == "supersedes"
        with pytest.raises(InputError, match="no credential"):
            _issue(book, 4, supersedes="urn:uuid:missing")
        book.change_status(new.id, "revoke", actor="registrar", at=NOW)
        with pytest.raises(InputError, match="is revoked"):
            _issue(book, 5, supersedes=new.id)
        assert book.count() == 2
        assert book.consistency_problems() == []
