"""Renewal: what renewing a tier requires, and how a renewal names the credential it renews.

A renewal is a new credential for the same tier and person: the same recipient IdentityObjects
(the issuer keeps only the e-mail's salted hash, so the hash and salt are carried over), the
original ``awardedDate``, a new validity period, evidence for the tier's renewal requirements,
and one more ``Evidence`` item whose ``id`` is the renewed credential's id and whose ``genre`` is
``renewal`` — terms the OB 3.0 context defines, so the credential stays strict JSON-LD.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

from leadbadge.errors import InputError
from leadbadge.model import Framework, Tier
from leadbadge.pathway.evidence import EvidenceItem

__all__ = [
    "RENEWAL_GENRE",
    "check_renewal_hours",
    "renewal_framework",
    "renewal_reference",
    "renewal_tier",
    "renews",
    "with_identity_of",
]

#: The ``genre`` of the Evidence item that names the renewed credential.
RENEWAL_GENRE: Final = "renewal"


def renewal_tier(tier: Tier) -> Tier:
    """``tier`` with its renewal requirements as its evidence requirements (same Achievement)."""
    return replace(tier, evidence=tier.renewal.evidence)


def renewal_framework(framework: Framework, tier_id: str) -> Framework:
    """``framework`` in which tier ``tier_id`` asks for its renewal evidence."""
    tiers = tuple(renewal_tier(t) if t.id == tier_id else t for t in framework.tiers)
    return replace(framework, tiers=tiers)


def check_renewal_hours(tier: Tier, items: Sequence[EvidenceItem]) -> None:
    """Refuse evidence recording fewer professional-learning hours than the tier's renewal needs.

    The hours are the ``hours`` fields of the evidence for the renewal requirements.
    """
    needed = tier.renewal.professional_learning_hours
    ids = {r.id for r in tier.renewal.evidence}
    total = 0.0
    for item in items:
        if item.requirement in ids and item.fields.get("hours", "").strip():
            try:
                total += float(item.fields["hours"])
            except ValueError:
                raise InputError(
                    f"{item.fields['hours']!r} is not a number of hours.", field="evidence"
                ) from None
    if total < needed:
        names = ", ".join(f"{r.id!r} ({r.name})" for r in tier.renewal.evidence) or "evidence"
        raise InputError(
            f"Renewing {tier.id!r} needs {needed:g} hours of professional learning, recorded as "
            f"the hours of {names}; the evidence records {total:g}.",
            field="evidence[renewal]",
        )


def renewal_reference(original: Mapping[str, Any]) -> dict[str, Any]:
    """The Evidence item that names the renewed credential."""
    until = original.get("validUntil")
    lapse = f", valid until {until}" if isinstance(until, str) else ""
    return {
        "id": str(original["id"]),
        "type": ["Evidence"],
        "name": "Renewed credential",
        "narrative": f"Renews the credential {original['id']}{lapse}.",
        "genre": RENEWAL_GENRE,
    }


def renews(document: Mapping[str, Any]) -> list[str]:
    """The ids of the credentials ``document`` says it renews."""
    found = []
    evidence = document.get("evidence")
    for item in evidence if isinstance(evidence, list) else [evidence]:
        if isinstance(item, Mapping) and item.get("genre") == RENEWAL_GENRE and item.get("id"):
            found.append(str(item["id"]))
    return found


def with_identity_of(unsigned: Mapping[str, Any], original: Mapping[str, Any]) -> dict[str, Any]:
    """``unsigned`` naming the recipient exactly as ``original`` does (its IdentityObjects)."""
    identifiers = original.get("credentialSubject", {}).get("identifier")
    if not isinstance(identifiers, list) or not any(
        isinstance(i, Mapping) and i.get("identityType") == "emailAddress" for i in identifiers
    ):
        raise InputError(
            "The credential to renew names no e-mail recipient.", field="credentialSubject"
        )
    document = copy.deepcopy(dict(unsigned))
    document["credentialSubject"]["identifier"] = copy.deepcopy(identifiers)
    return document
