"""What the ledger records, as read from it: an issued credential, the status list indexes it
holds, the status lists, status changes and prerequisite overrides; and which credentials are
due for renewal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

__all__ = [
    "LedgerEntry",
    "PrerequisiteOverride",
    "StatusAssignment",
    "StatusChange",
    "StatusListInfo",
    "due_for_renewal",
]


@dataclass(frozen=True)
class StatusAssignment:
    """One status list index held by a credential."""

    purpose: str
    #: The list's number (its URL ends in ``/status/<n>.json``).
    list_n: int
    list_url: str
    index: int


@dataclass(frozen=True)
class StatusListInfo:
    """One status list the ledger allocates from."""

    n: int
    url: str
    purpose: str
    #: Entries in the list (bits).
    size: int
    #: Indexes held by credentials.
    allocated: int
    #: Indexes whose bit is set now (revoked or suspended credentials).
    set_count: int
    created_at: str

    @property
    def full(self) -> bool:
        return self.allocated >= self.size


@dataclass(frozen=True)
class StatusChange:
    """One recorded change of a credential's status."""

    seq: int
    credential_id: str
    action: str
    from_status: str
    to_status: str
    #: Who made the change (a name or account the administrator gave).
    actor: str
    #: When (XML Schema dateTime, UTC).
    at: str
    reason: str | None


@dataclass(frozen=True)
class PrerequisiteOverride:
    """A credential issued although the recipient lacked prerequisite tiers, and why."""

    #: The prerequisite tiers the recipient did not hold.
    missing: tuple[str, ...]
    #: The administrator's reason (required, never empty).
    reason: str
    #: When (XML Schema dateTime, UTC).
    at: str
    #: The credential it let through (set once recorded).
    credential_id: str | None = None


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
    #: ``active``, ``suspended`` or ``revoked``.
    status: str = "active"
    #: The status list indexes it holds (none for credentials issued without status).
    assignments: tuple[StatusAssignment, ...] = ()
    #: The id of the credential that renewed this one, if it was renewed.
    superseded_by: str | None = None


def due_for_renewal(
    entries: Iterable[LedgerEntry], *, now: datetime, within: timedelta
) -> list[tuple[LedgerEntry, datetime]]:
    """Active, not superseded entries whose ``validUntil`` falls in ``[now, now + within]``.

    With their ``validUntil``, soonest first.
    """
    due = []
    for entry in entries:
        if entry.status != "active" or entry.superseded_by is not None:
            continue
        until = entry.document.get("validUntil")
        if not isinstance(until, str):
            continue
        try:
            end = datetime.fromisoformat(until)
        except ValueError:
            continue
        if end.tzinfo is not None and now <= end <= now + within:
            due.append((entry, end))
    return sorted(due, key=lambda pair: (pair[1], pair[0].id))
