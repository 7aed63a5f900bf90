"""Plain typed data shared across layers: the framework and the parties to a credential.

These objects are well-formed once they exist (parse, don't validate): loaders and constructors
check their input, everything downstream trusts them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from leadbadge.errors import UnknownTierError

__all__ = [
    "Alignment",
    "Competency",
    "EvidenceRequirement",
    "Framework",
    "IssuerProfile",
    "Program",
    "Renewal",
    "RubricLevel",
    "Standard",
    "Tier",
]


@dataclass(frozen=True)
class Alignment:
    """An OB 3.0 ``Alignment``: a standard, framework item or competency this aligns to."""

    target_name: str
    target_url: str
    target_description: str | None = None
    target_framework: str | None = None
    target_code: str | None = None
    #: OB 3.0 AlignmentTargetType (``CFItem``, ``ceasn:Competency``, ``ext:…``) or None.
    target_type: str | None = None


@dataclass(frozen=True)
class Standard:
    """A set of standards the program aligns to (e.g. a state's leadership standards)."""

    id: str
    name: str
    url: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Program:
    """The certification program that owns the framework."""

    name: str
    organization: str
    url: str | None = None
    description: str | None = None
    standards: tuple[Standard, ...] = ()


@dataclass(frozen=True)
class RubricLevel:
    """One level of a competency rubric (an OB 3.0 ``RubricCriterionLevel``)."""

    id: str
    name: str
    description: str | None = None
    points: str | None = None


@dataclass(frozen=True)
class Competency:
    """A competency demonstrated through evidence; becomes an OB 3.0 ``ResultDescription``."""

    id: str
    name: str
    description: str
    levels: tuple[RubricLevel, ...]
    #: Lowest rubric level id that counts as demonstrated; None when any level counts.
    required_level: str | None = None
    alignments: tuple[Alignment, ...] = ()


@dataclass(frozen=True)
class EvidenceRequirement:
    """Evidence a tier requires (internship, mentoring, portfolio, coursework…)."""

    id: str
    #: ``internship`` | ``mentoring`` | ``portfolio`` | ``coursework`` | ``peer-support`` |
    #: ``professional-learning`` | ``other``
    kind: str
    name: str
    description: str
    #: Fields a piece of this evidence must record (``mentor_name``, ``mentor_role``, ``hours``…).
    records: tuple[str, ...] = ()
    min_hours: float | None = None


@dataclass(frozen=True)
class Renewal:
    """What renewing a tier requires."""

    description: str
    professional_learning_hours: float
    evidence: tuple[EvidenceRequirement, ...] = ()


@dataclass(frozen=True)
class Tier:
    """One credential in the pathway."""

    id: str
    name: str
    description: str
    #: OB 3.0 ``achievementType`` (``Certification``, ``License``, ``ext:…``).
    achievement_type: str
    criteria: str
    roles: tuple[str, ...]
    credits: float
    competencies: tuple[Competency, ...]
    evidence: tuple[EvidenceRequirement, ...]
    prerequisites: tuple[str, ...]
    validity_years: int
    renewal: Renewal
    alignments: tuple[Alignment, ...] = ()
    #: Coursework, credit type or other notes a program shows on the achievement.
    field_of_study: str | None = None
    tags: tuple[str, ...] = ()

    def competency(self, competency_id: str) -> Competency | None:
        return next((c for c in self.competencies if c.id == competency_id), None)


@dataclass(frozen=True)
class Framework:
    """A program and its tiers, as loaded and validated by :mod:`leadbadge.pathway.framework`."""

    program: Program
    tiers: tuple[Tier, ...]
    #: Where it was loaded from, for messages; not part of equality.
    source: str | None = field(default=None, compare=False)

    def tier_ids(self) -> list[str]:
        return [t.id for t in self.tiers]

    def find_tier(self, tier_id: str) -> Tier | None:
        return next((t for t in self.tiers if t.id == tier_id), None)

    def tier(self, tier_id: str) -> Tier:
        """The tier with this id; raises :class:`UnknownTierError` naming the known ones."""
        found = self.find_tier(tier_id)
        if found is None:
            raise UnknownTierError(tier_id, self.tier_ids())
        return found


@dataclass(frozen=True)
class IssuerProfile:
    """The issuing organisation as it appears in credentials (OB 3.0 ``Profile``)."""

    #: The issuer id: a did:key, a did:web, or an HTTPS URL.
    id: str
    name: str
    #: The issuer's public website; achievement ids live under it.
    url: str
    email: str | None = None
    description: str | None = None
    image: str | None = None
    #: Signed OB 3.0 EndorsementCredentials of the issuer's Achievements, by Achievement id:
    #: the Achievement of that id carries them in ``endorsement`` (in credentials and as
    #: published). Not hashed: the documents are dicts.
    achievement_endorsements: Mapping[str, tuple[Mapping[str, Any], ...]] = field(
        default_factory=dict, hash=False
    )
