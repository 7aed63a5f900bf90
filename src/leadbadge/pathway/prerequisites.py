"""Prerequisite tiers: which tiers a recipient holds, and which a tier still needs.

This module makes no trust decision. Credentials from the issuer's own ledger are facts the
issuer recorded; credentials presented from other issuers become :class:`HeldTier` only after
the verification side has verified them fully (:mod:`leadbadge.verifier.pathway`), so the issuing
side never imports the verifier.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadbadge.model import Tier
from leadbadge.pathway.identity import matches_identity

__all__ = [
    "HeldTier",
    "held_in_ledger",
    "held_now_in_ledger",
    "missing_prerequisites",
    "parse_instant",
]


@dataclass(frozen=True)
class HeldTier:
    """One tier a recipient holds, by a credential that was recorded or verified."""

    tier: str
    credential_id: str
    issuer_id: str
    valid_from: datetime | None
    valid_until: datetime | None
    #: ``ledger`` (this issuer's own record) or ``presented`` (verified from another issuer).
    source: str

    def current_at(self, when: datetime) -> bool:
        """Whether its validity window covers ``when`` (open ends count as covering)."""
        if self.valid_from is not None and when < self.valid_from:
            return False
        return self.valid_until is None or when < self.valid_until


def parse_instant(value: object) -> datetime | None:
    """An XML Schema dateTime with a time zone as an aware datetime; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _names_email(document: Mapping[str, Any], email: str) -> bool:
    subject = document.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    for item in subjects:
        identifiers = item.get("identifier") if isinstance(item, Mapping) else None
        if isinstance(identifiers, list) and any(matches_identity(i, email) for i in identifiers):
            return True
    return False


def held_in_ledger(entries: Iterable[Any], email: str, *, issuer_id: str) -> list[HeldTier]:
    """The tiers ``email`` holds by active (not revoked, not suspended) ledger entries.

    ``entries`` are :class:`~leadbadge.issuer.ledger.LedgerEntry` objects. The recipient is matched
    by recomputing the salted identity hash stored in each credential; validity is left to
    :func:`missing_prerequisites`, which judges it at the moment of issue.
    """
    held: list[HeldTier] = []
    for entry in entries:
        if entry.status != "active" or not _names_email(entry.document, email):
            continue
        held.append(
            HeldTier(
                tier=entry.tier,
                credential_id=entry.id,
                issuer_id=issuer_id,
                valid_from=parse_instant(entry.document.get("validFrom")),
                valid_until=parse_instant(entry.document.get("validUntil")),
                source="ledger",
            )
        )
    return held


def _name_key(name: str | None) -> str | None:
    return " ".join(name.split()).casefold() if name else None


def _names_of(document: Mapping[str, Any]) -> set[str]:
    """The plain-text name IdentityObjects of a credential's subjects, as name keys."""
    subject = document.get("credentialSubject")
    names: set[str] = set()
    for item in subject if isinstance(subject, list) else [subject]:
        identifiers = item.get("identifier") if isinstance(item, Mapping) else None
        for identity in identifiers if isinstance(identifiers, list) else []:
            if (
                isinstance(identity, Mapping)
                and identity.get("identityType") == "name"
                and identity.get("hashed") is False
                and isinstance(identity.get("identityHash"), str)
            ):
                names.add(_name_key(identity["identityHash"]) or "")
    return names


def held_now_in_ledger(
    entries: Iterable[Any],
    wanted: Iterable[tuple[str, str | None, Sequence[str]]],
    *,
    issuer_id: str,
    at: datetime,
) -> dict[str, dict[str, HeldTier]]:
    """For each wanted ``(email, name, tiers)``: one credential of each of those tiers it holds.

    A tier is held by an active (not revoked, not suspended) ledger entry whose validity window
    covers ``at`` and whose credential names the address. Matching an address means recomputing
    each credential's salted hash, so for many recipients at once the credentials that carry the
    recipient's ``name`` are tried first and the others only when those hold no current
    credential of the tier: a roster of thousands against a ledger of thousands stays fast. The
    result maps each address to ``{tier: HeldTier}`` for the tiers found (absent: none found).
    """
    current: dict[str, list[tuple[Any, HeldTier]]] = {}
    by_name: dict[tuple[str, str], list[tuple[Any, HeldTier]]] = {}
    for entry in entries:
        if entry.status != "active":
            continue
        held = HeldTier(
            tier=entry.tier,
            credential_id=entry.id,
            issuer_id=issuer_id,
            valid_from=parse_instant(entry.document.get("validFrom")),
            valid_until=parse_instant(entry.document.get("validUntil")),
            source="ledger",
        )
        if not held.current_at(at):
            continue
        current.setdefault(entry.tier, []).append((entry, held))
        for named in _names_of(entry.document):
            by_name.setdefault((entry.tier, named), []).append((entry, held))
    found: dict[str, dict[str, HeldTier]] = {}
    for email, name, tiers in wanted:
        mine = found.setdefault(email, {})
        key = _name_key(name)
        for tier in tiers:
            if tier in mine:
                continue
            likely = by_name.get((tier, key), []) if key is not None else []
            for entry, found_tier in [*likely, *current.get(tier, [])]:
                if _names_email(entry.document, email):
                    mine[tier] = found_tier
                    break
    return {email: tiers for email, tiers in found.items() if tiers}


def missing_prerequisites(tier: Tier, held: Iterable[HeldTier], at: datetime) -> tuple[str, ...]:
    """The prerequisite tiers of ``tier`` not held by a credential valid at ``at``."""
    current = {h.tier for h in held if h.current_at(at)}
    return tuple(p for p in tier.prerequisites if p not in current)
