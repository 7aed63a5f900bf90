"""Credentials the JSON-LD tests change one piece of: OB 3.0 in the VC 2.0 and VC 1.1 forms."""

from __future__ import annotations

from typing import Any

V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
OB_300 = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
OB_301 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
OB_302 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
UNDEFINED_TERMS = "https://www.w3.org/ns/credentials/undefined-terms/v2"
DI_V1 = "https://w3id.org/security/data-integrity/v1"


def badge(ob_context: str = OB_303) -> dict[str, Any]:
    """A small OB 3.0 credential (1EdTech's "simple" fixture, without its proof)."""
    return {
        "@context": [V2, ob_context],
        "id": "http://example.com/credentials/3527",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://example.com/issuers/876543", "type": ["Profile"], "name": "Ex"},
        "validFrom": "2010-01-01T00:00:00Z",
        "name": "Teamwork Badge",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.com/achievements/21st-century-skills/teamwork",
                "type": ["Achievement"],
                "criteria": {"narrative": "Nominated by peers."},
                "description": "Collaboration within a group.",
                "name": "Teamwork",
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "Collaboration",
                        "targetUrl": "https://example.org/frameworks/collaboration",
                    }
                ],
            },
        },
    }


def vc11_badge(ob_context: str) -> dict[str, Any]:
    """A VC 1.1 form credential (1EdTech's "simple-eddsa-2022" fixture shape)."""
    return {
        "@context": [V1, ob_context, DI_V1],
        "id": "http://www.1edtech.org/ob/1",
        "type": ["VerifiableCredential", "AchievementCredential"],
        "issuer": {"id": "https://example.com/issuers/876543", "type": ["Profile"]},
        "issuanceDate": "2022-11-27T00:00:00Z",
        "name": "Some name",
        "credentialSubject": {
            "id": "did:1edtech:1",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "did:1edtech:achievement:1",
                "type": ["Achievement"],
                "criteria": {"narrative": "some narrative"},
                "description": "some description",
                "name": "some name",
            },
        },
    }
