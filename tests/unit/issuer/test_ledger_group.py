"""Credentials issued in groups: one transaction a group, at most ``max_items`` of them, no index
drawn twice within a group, an index another process took meanwhile drawn again under the
lock (and the credential signed again), and a roster key recorded meanwhile left out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from leadbadge.issuer.ledger import Ledger
from leadbadge.issuer.ledger_group import GroupItem, issue_group
from leadbadge.issuer.ledger_records import LedgerEntry, StatusAssignment
from leadbadge.status.lists import status_entry
from tests.unit.issuer.test_ledger import NOW, PURPOSES, _entry, _issue, _list_url

Build = Callable[[tuple[StatusAssignment, ...]], LedgerEntry]


def _builder(n: int, calls: list[tuple[StatusAssignment, ...]]) -> Build:
    def build(assignments: tuple[StatusAssignment, ...]) -> LedgerEntry:
        calls.append(assignments)
        entry = _entry(n)
        document = dict(entry.document)
        document["credentialStatus"] = [
            status_entry(a.list_url, a.purpose, a.index) for a in assignments
        ]
        return replace(entry, document=document)

    return build


def _items(ns: range, calls: list[tuple[StatusAssignment, ...]]) -> list[GroupItem]:
    return [GroupItem(_builder(n, calls), NOW, batch_key=f"row-{n}", ref=n) for n in ns]


def _group(book: Ledger, items: list[GroupItem]) -> list[tuple[GroupItem, LedgerEntry | None]]:
    return issue_group(book, iter(items), purposes=PURPOSES, list_url=_list_url)


def test_groups_take_at_most_max_items_and_record_each_once(tmp_path: Path) -> None:
    calls: list[tuple[StatusAssignment, ...]] = []
    with Ledger.open(tmp_path / "l.sqlite", create=True) as book:
        _issue(book, 99)  # the lists exist: indexes are drawn before signing
        items = iter(_items(range(5), calls))
        sizes = []
        while group := issue_group(book, items, purposes=PURPOSES, list_url=_list_url, max_items=2):
            sizes.append(len(group))
            assert all(entry is not None for _, entry in group)
        assert sizes == [2, 2, 1]
        assert book.count() == 6
        assert sorted(book.batch_keys()) == [f"row-{n}" for n in range(5)]
        assert book.consistency_problems() == []
        held = Counter((a.list_n, a.index) for e in book.entries() for a in e.assignments)
    assert len(calls) == 5
    assert max(held.values()) == 1


def test_an_index_taken_meanwhile_is_drawn_again_under_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    calls: list[tuple[StatusAssignment, ...]] = []
    with Ledger.open(path, create=True) as book, Ledger.open(path) as other:
        _issue(book, 99)
        first = _builder(0, calls)

        def racing(assignments: tuple[StatusAssignment, ...]) -> LedgerEntry:
            if not calls:  # another process records a credential holding the drawn index
                taken = assignments[0]
                other._db.execute("BEGIN IMMEDIATE")
                other._insert(_entry(50))
                other._db.execute(
                    "INSERT INTO status_entries (list_n, idx, credential_id, purpose) "
                    "VALUES (?, ?, ?, ?)",
                    (taken.list_n, taken.index, _entry(50).id, taken.purpose),
                )
                other._db.execute("COMMIT")
            return first(assignments)

        [(_, entry)] = _group(book, [GroupItem(racing, NOW, batch_key="row-0")])
        assert entry is not None
        assert len(calls) == 2
        assert calls[1] != calls[0]
        assert entry.assignments == calls[1]
        held = Counter((a.list_n, a.index) for e in book.entries() for a in e.assignments)
        assert max(held.values()) == 1


def test_a_key_recorded_meanwhile_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite"
    calls: list[tuple[StatusAssignment, ...]] = []
    with Ledger.open(path, create=True) as book, Ledger.open(path) as other:
        _issue(book, 99)
        items = _items(range(3), calls)
        before = book.issue(
            _builder(7, calls), purposes=PURPOSES, list_url=_list_url, now=NOW, batch_key="row-0"
        )
        sneaky = items[1].build

        def late(assignments: tuple[StatusAssignment, ...]) -> LedgerEntry:
            # Another run records row-2 while this group is being signed.
            other.issue(
                _builder(8, []), purposes=PURPOSES, list_url=_list_url, now=NOW, batch_key="row-2"
            )
            return sneaky(assignments)

        items[1] = replace(items[1], build=late)
        group = _group(book, items)
        assert [(item.ref, entry is None) for item, entry in group] == [
            (0, True),  # recorded before the group was signed: not signed at all
            (1, False),
            (2, True),  # recorded while it was signed: not recorded again
        ]
        keys = book.batch_keys()
    assert keys["row-0"] == before.id
    assert len(keys) == 3
