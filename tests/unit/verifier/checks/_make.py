"""A check context for the pure-function tests: a small credential, the default policy, a clock."""

from __future__ import annotations

from typing import Any

from leadbadge.verifier.checks._common import issuer_id
from leadbadge.verifier.checks._context import CheckContext
from leadbadge.verifier.policy import VerificationPolicy
from tests.conftest import FIXED_NOW

ISSUER = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def credential(**changes: Any) -> dict[str, Any]:
    """An unsigned OB 3.0 credential; ``changes`` replace (or, as None, remove) its properties."""
    doc: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:5f1c9a0e-0a7e-4b61-9d4b-1f0d6c2a8e11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": ISSUER, "type": ["Profile"], "name": "Riverside"},
        "validFrom": "2026-11-23T13:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": False,
                    "identityHash": "ana.ruiz@example.org",
                }
            ],
            "achievement": {
                "id": "https://rcoe.example.org/leadership/achievements/initial",
                "type": ["Achievement"],
                "name": "Initial",
                "description": "The first tier.",
                "criteria": {"narrative": "Complete the program."},
            },
        },
    }
    for key, value in changes.items():
        if value is None:
            doc.pop(key, None)
        else:
            doc[key] = value
    return doc


def context(doc: dict[str, Any] | None = None, **fields: Any) -> CheckContext:
    doc = credential() if doc is None else doc
    fields.setdefault("now", FIXED_NOW)
    fields.setdefault("policy", VerificationPolicy())
    return CheckContext(doc=doc, source_format="JSON-LD", issuer_id=issuer_id(doc), **fields)
