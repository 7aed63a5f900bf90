"""Documents the data-model tests start from: a minimal VC 2.0 credential, a complete OB 3.0 one."""

from __future__ import annotations

from typing import Any

from leadbadge.conformance.ob import OB_CONTEXT_URL
from leadbadge.conformance.problems import ConformanceProblem
from leadbadge.conformance.vc import VC_V2_CONTEXT_URL, check_credential_shape


def vc_credential() -> dict[str, Any]:
    return {
        "@context": [VC_V2_CONTEXT_URL],
        "type": ["VerifiableCredential"],
        "issuer": "https://issuer.example.org",
        "credentialSubject": {"id": "did:example:subject"},
    }


def open_badge() -> dict[str, Any]:
    achievement_id = "https://issuer.example.org/achievements/initial.json"
    rd_id = f"{achievement_id}#planning"
    return {
        "@context": [VC_V2_CONTEXT_URL, OB_CONTEXT_URL],
        "id": "urn:uuid:0b2b4f3c-5d7e-4a59-9f43-2f6f6ad0b0a1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:issuer.example.org", "type": ["Profile"], "name": "Academy"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$" + "ab" * 32,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "pepper",
                }
            ],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "name": "Initial",
                "description": "First tier.",
                "criteria": {"narrative": "Do the work."},
                "achievementType": "Certification",
                "resultDescription": [
                    {
                        "id": rd_id,
                        "type": ["ResultDescription"],
                        "name": "Planning",
                        "resultType": "RubricCriterionLevel",
                        "rubricCriterionLevel": [
                            {"id": f"{rd_id}/low", "type": ["RubricCriterionLevel"], "name": "Low"},
                            {
                                "id": f"{rd_id}/high",
                                "type": ["RubricCriterionLevel"],
                                "name": "High",
                            },
                        ],
                        "requiredLevel": f"{rd_id}/high",
                    }
                ],
            },
            "result": [
                {"type": ["Result"], "resultDescription": rd_id, "achievedLevel": f"{rd_id}/high"}
            ],
        },
    }


def errors_of(doc: Any, **kwargs: Any) -> list[ConformanceProblem]:
    return [p for p in check_credential_shape(doc, **kwargs) if p.severity == "error"]


def warnings_of(doc: Any) -> list[ConformanceProblem]:
    return [p for p in check_credential_shape(doc) if p.severity == "warning"]


def paths_of(problems: list[ConformanceProblem]) -> set[str]:
    return {p.path for p in problems}
