"""The tier, issuer and evidence the credential-builder tests build from."""

from __future__ import annotations

from typing import Any

from leadbadge.model import (
    Alignment,
    Competency,
    EvidenceRequirement,
    Framework,
    IssuerProfile,
    Program,
    Renewal,
    RubricLevel,
    Tier,
)
from leadbadge.pathway.credential import Recipient, build_credential
from leadbadge.pathway.evidence import EvidenceItem
from tests.conftest import FIXED_NOW

LEVELS = (
    RubricLevel("developing", "Developing", "Not yet.", "1"),
    RubricLevel("proficient", "Proficient", "Does it reliably.", "2"),
    RubricLevel("exemplary", "Exemplary", None, None),
)
PSEL = Alignment(
    "Operations and Management",
    "https://www.npbea.org/psel/",
    target_framework="Professional Standards for Educational Leaders 2015",
    target_code="PSEL 9",
)
INTERNSHIP = EvidenceRequirement(
    id="internship",
    kind="internship",
    name="Supervised internship",
    description="An internship supervised by a sitting leader.",
    records=("mentor_name", "mentor_role", "hours"),
    min_hours=180,
)
PORTFOLIO = EvidenceRequirement(
    id="portfolio",
    kind="portfolio",
    name="Competency portfolio",
    description="Artifacts scored against the rubric.",
)
TIER = Tier(
    id="initial",
    name="Initial Leadership Certification",
    description="Entry-level certification for a first leadership role.",
    achievement_type="Certification",
    criteria="Complete the internship and demonstrate each competency.",
    roles=("Assistant Principal",),
    credits=15,
    competencies=(
        Competency(
            "time-management", "Time Management", "Plans time.", LEVELS, "proficient", (PSEL,)
        ),
        Competency("communication", "Communication", "Speaks clearly.", LEVELS),
    ),
    evidence=(INTERNSHIP, PORTFOLIO),
    prerequisites=(),
    validity_years=5,
    renewal=Renewal("Renew with professional learning.", 30),
    alignments=(PSEL,),
    field_of_study="Educational Leadership",
    tags=("leadership", "entry level"),
)
FRAMEWORK = Framework(Program("Pathway", "Example Academy"), (TIER,))
ISSUER = IssuerProfile(
    id="did:web:academy.example.org",
    name="Example Academy",
    url="https://academy.example.org/leadership/",
    email="Registrar@Academy.Example.org",
    description="A leadership academy.",
    image="https://academy.example.org/logo.png",
)
RECIPIENT = Recipient("ana.ruiz@example.org", "Ana Ruiz")


def sample_evidence() -> list[EvidenceItem]:
    return [
        EvidenceItem(
            "internship",
            narrative="Led the master schedule rebuild.",
            url="https://portfolio.example.org/ana/internship",
            fields={"mentor_name": "Dr. Lee", "mentor_role": "Principal", "hours": "120"},
        ),
        EvidenceItem(
            "internship",
            fields={"mentor_name": "Dr. Lee", "mentor_role": "Principal", "hours": "60.5"},
        ),
        EvidenceItem("portfolio", name="Portfolio review", description="Scored in May."),
    ]


def build_sample(**overrides: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "evidence": sample_evidence(),
        "results": {"time-management": "exemplary", "communication": "developing"},
        "valid_from": FIXED_NOW,
        "salt": "pepper",
        "credential_id": "urn:uuid:6f1f0e52-92d8-4e58-a2a6-3c2d0c5d2f10",
    }
    kwargs.update(overrides)
    framework = kwargs.pop("framework", FRAMEWORK)
    tier = kwargs.pop("tier", "initial")
    issuer = kwargs.pop("issuer", ISSUER)
    recipient = kwargs.pop("recipient", RECIPIENT)
    return build_credential(framework, tier, issuer, recipient, **kwargs)
