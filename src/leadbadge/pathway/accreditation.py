"""Accreditation records: what an authority publishes about the programs it endorses.

An accreditation is an OB 3.0 ``EndorsementCredential`` whose subject is a program's Achievement
(one per tier). The authority also vouches for the program's keys: it keeps a snapshot of the
program's key history (the ``keys.json`` it read when it endorsed), publishes it, and names it in
each endorsement as a VC 2.0 ``relatedResource`` with its ``digestSRI`` (VC Data Model 2.0
§5.3), so the endorsement's signature covers exactly which keys the program may sign with. The
registry (``accreditations.json``) gathers the endorsements and the snapshots they name, for
verifiers who pin the authority. docs/accreditation.md describes the formats; this module holds
the pure parts both sides share.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, Final

from leadbadge.ld.jcs import canonical_json

__all__ = [
    "ENDORSEMENT_SCHEMA_URL",
    "ENDORSEMENT_TYPE",
    "REGISTRY_TYPE",
    "REGISTRY_VERSION",
    "achievement_digest",
    "digest_sri",
    "endorsed_achievement_digest",
    "endorsed_subject",
    "is_endorsement",
    "registry_document",
    "related_digests",
    "snapshot_bytes",
    "snapshot_file_name",
]

REGISTRY_TYPE: Final = "LeadbadgeAccreditations"
REGISTRY_VERSION: Final = 1
ENDORSEMENT_TYPE: Final = "EndorsementCredential"
#: The official JSON Schema an endorsement names in ``credentialSchema``.
ENDORSEMENT_SCHEMA_URL: Final = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_endorsementcredential_schema.json"
)


def snapshot_bytes(key_history: Mapping[str, Any]) -> bytes:
    """The bytes a snapshot is published as and hashed over: its RFC 8785 canonical JSON.

    Canonical bytes let a verifier check a snapshot it received inside the registry (parsed
    JSON) against the digest the endorsement signed, whatever whitespace it travelled with.
    """
    return canonical_json(dict(key_history))


def digest_sri(data: bytes) -> str:
    """The Subresource Integrity expression (sha384) VC 2.0 ``digestSRI`` holds."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def achievement_digest(achievement: Mapping[str, Any]) -> str:
    """The ``digestSRI`` an endorsement gives the Achievement it accredits: sha384 of its content.

    The content is the Achievement object as a credential embeds it, in RFC 8785 form, without
    ``@context`` (a published Achievement file has one, an embedded one does not) and without
    ``endorsement`` (programs embed the endorsements they received after being endorsed). A
    verifier recomputes it over the Achievement in the credential, so an accreditation for one
    tier cannot be borrowed by a credential that keeps the tier's id but says something else.
    """
    content = {k: v for k, v in achievement.items() if k not in ("@context", "endorsement")}
    return digest_sri(canonical_json(content))


def endorsed_achievement_digest(doc: Mapping[str, Any]) -> str | None:
    """The digest an endorsement gives its subject's content: the ``relatedResource`` entry whose
    id is the endorsed Achievement's id, or None (an endorsement that does not commit to it)."""
    subject = endorsed_subject(doc)
    digests = [d for rid, d in related_digests(doc) if subject is not None and rid == subject]
    return digests[0] if len(digests) == 1 else None


def snapshot_file_name(data: bytes) -> str:
    """The file name a snapshot is kept and published under: named by its content."""
    return hashlib.sha256(data).hexdigest()[:32] + ".json"


def _types(doc: Mapping[str, Any]) -> list[Any]:
    value = doc.get("type")
    return value if isinstance(value, list) else [value]


def is_endorsement(doc: Any) -> bool:
    """True for a document typed ``EndorsementCredential``."""
    return isinstance(doc, Mapping) and ENDORSEMENT_TYPE in _types(doc)


def endorsed_subject(doc: Mapping[str, Any]) -> str | None:
    """The id of what an endorsement endorses (its single ``EndorsementSubject``)."""
    subject = doc.get("credentialSubject")
    if isinstance(subject, list) and len(subject) == 1:
        subject = subject[0]
    if not isinstance(subject, Mapping) or "EndorsementSubject" not in _types(subject):
        return None
    value = subject.get("id")
    return value if isinstance(value, str) and value else None


def related_digests(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(id, digestSRI)`` of every ``relatedResource`` entry that carries a sha384 digest."""
    found = []
    items = doc.get("relatedResource")
    for item in items if isinstance(items, list) else [items]:
        if not isinstance(item, Mapping):
            continue
        rid, digests = item.get("id"), item.get("digestSRI")
        for digest in digests if isinstance(digests, list) else [digests]:
            if isinstance(rid, str) and isinstance(digest, str) and digest.startswith("sha384-"):
                found.append((rid, digest))
    return found


def registry_document(
    authority_id: str,
    endorsements: Sequence[Mapping[str, Any]],
    snapshots: Mapping[str, tuple[str, Mapping[str, Any]]],
) -> dict[str, Any]:
    """``accreditations.json``: the endorsements and the key snapshots they name.

    ``snapshots`` maps a digest to (the URL it is published at, the key history); only those an
    endorsement names are listed.
    """
    named = {digest for doc in endorsements for _, digest in related_digests(doc)}
    programs = [
        {"id": url, "digestSRI": digest, "keyHistory": dict(history)}
        for digest, (url, history) in sorted(snapshots.items(), key=lambda kv: kv[1][0])
        if digest in named
    ]
    return {
        "type": REGISTRY_TYPE,
        "version": REGISTRY_VERSION,
        "issuer": authority_id,
        "programs": programs,
        "endorsements": [dict(doc) for doc in endorsements],
    }
