"""Build the unsigned Open Badges 3.0 credential (VC 2.0 form) for one tier of a framework.

The builder checks every input against the tier (evidence rules, rubric levels, credits, dates)
and raises :class:`~leadbadge.errors.InputError` naming the offending field; it never signs.
The evidence (:mod:`leadbadge.pathway.evidence`) and the rubric results
(:mod:`leadbadge.pathway.results`) are built in their own modules; this one assembles them.
Every property it emits is defined by the VC 2.0 and OB 3.0.3 contexts, so strict JSON-LD
processing accepts the result. docs/credentials.md describes the output field by field.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from leadbadge.conformance.ob import (
    OB_CONTEXT_URL,
    OB_EXTENSIONS_CONTEXT_URL,
    achievement_from_text,
)
from leadbadge.conformance.problems import is_absolute_iri
from leadbadge.conformance.vc import VC_V2_CONTEXT_URL, check_credential_shape
from leadbadge.errors import InputError
from leadbadge.model import Framework, IssuerProfile, Tier
from leadbadge.pathway import accreditation as acc
from leadbadge.pathway._common import compact, is_web_url, text
from leadbadge.pathway.evidence import EvidenceItem, build_evidence
from leadbadge.pathway.identity import (  # re-exported: they were defined here
    credential_matches_email,
    identity_hash,
    matches_identity,
    normalize_email,
)
from leadbadge.pathway.results import alignment_node, build_results, result_description_node

__all__ = [
    "OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL",
    "Recipient",
    "achievement_id",
    "build_achievement",
    "build_credential",
    "credential_matches_email",
    "identity_hash",
    "matches_identity",
    "normalize_email",
    "tier_id_from_achievement_id",
]

#: The official JSON Schema a credential names when built with ``credential_schema=True``.
OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
_SCHEMA_VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"


@dataclass(frozen=True)
class Recipient:
    """The person a credential is awarded to.

    ``email`` is stored normalised (see :func:`normalize_email`); the credential carries only its
    salted hash. ``name``, when given, is carried in plain text as an IdentityObject of type
    ``name``.
    """

    email: str
    name: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "email", normalize_email(self.email))
        if self.name is not None:
            if not isinstance(self.name, str) or not self.name.strip():
                raise InputError("The recipient name must not be blank.", field="name")
            object.__setattr__(self, "name", " ".join(self.name.split()))


def achievement_id(issuer_url: str, tier_id: str) -> str:
    """The stable Achievement id of a tier: ``<issuer url>/achievements/<tier id>.json``."""
    return f"{issuer_url.rstrip('/')}/achievements/{quote(tier_id, safe='')}.json"


def build_achievement(
    tier: Tier, issuer_url: str, *, endorsements: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """The tier's Achievement (without ``@context``), exactly as every credential embeds it.

    This is what an issuer publishes at :func:`achievement_id`. ``endorsements`` are signed
    EndorsementCredentials of this Achievement (OB 3.0 ``Achievement.endorsement``), carried as
    they are; :class:`InputError` for one that is not.
    """
    achievement = achievement_id(issuer_url, tier.id)
    return _achievement(tier, achievement, _endorsements(endorsements, achievement))[0]


def tier_id_from_achievement_id(issuer_url: str, achievement: str) -> str | None:
    """The tier id an Achievement id names under this issuer URL, or None if it names none."""
    prefix = f"{issuer_url.rstrip('/')}/achievements/"
    if not achievement.startswith(prefix) or not achievement.endswith(".json"):
        return None
    encoded = achievement[len(prefix) : -len(".json")]
    if not encoded or "/" in encoded:
        return None
    return unquote(encoded)


def build_credential(
    framework: Framework,
    tier_id: str,
    issuer: IssuerProfile,
    recipient: Recipient,
    *,
    valid_from: datetime,
    evidence: Sequence[EvidenceItem] = (),
    results: Mapping[str, str] | None = None,
    credits: float | None = None,
    valid_until: datetime | None = None,
    awarded: datetime | None = None,
    credential_id: str | None = None,
    salt: str | None = None,
    credential_schema: bool = False,
    issued_at: datetime | None = None,
    share_achievement: bool = False,
) -> dict[str, Any]:
    """The unsigned ``OpenBadgeCredential`` awarding ``tier_id`` to ``recipient``.

    Defaults: ``credits`` the tier's credits, ``valid_until`` ``valid_from`` plus the tier's
    validity years, ``awarded`` ``valid_from``, ``credential_id`` a fresh ``urn:uuid:``,
    ``salt`` 16 random bytes in hex. ``results`` maps competency ids to rubric level ids.
    With ``credential_schema`` the credential names the official OB 3.0 JSON Schema.
    ``issued_at`` (default ``valid_from``) is when it is signed: no evidence may be dated later.
    With ``share_achievement`` the credential holds the Achievement every credential of the
    tier is built from rather than a copy of it: for a caller that only wants the checks
    (a roster's dry run) and drops the credential unchanged.

    Raises :class:`~leadbadge.errors.UnknownTierError` for an unknown tier and
    :class:`~leadbadge.errors.InputError` (with ``field``) for any other invalid input.
    """
    tier = framework.tier(tier_id)
    if not isinstance(recipient, Recipient):
        raise InputError("The recipient must be a Recipient.", field="recipient")
    issuer_node = _issuer_profile(issuer)
    start = _utc(valid_from, "valid_from")
    end = _utc(valid_until, "valid_until") if valid_until is not None else _expiry(start, tier)
    if end is not None and end <= start:
        raise InputError("valid_until must be later than valid_from.", field="valid_until")
    awarded_at = _utc(awarded, "awarded") if awarded is not None else start
    earned = _credits(tier, credits)
    as_of = _utc(issued_at, "issued_at") if issued_at is not None else start
    evidence_nodes = build_evidence(tier, evidence, as_of=max(as_of, start))
    ach_id = achievement_id(issuer.url, tier.id)
    endorsements = _endorsements(issuer.achievement_endorsements.get(ach_id, ()), ach_id)
    achievement, achievement_text = _achievement(tier, ach_id, endorsements, share_achievement)
    result_nodes = build_results(tier, achievement["id"], results or {})
    credential_id = _credential_id(credential_id)
    salt = _salt(salt)

    identifiers: list[dict[str, Any]] = [
        {
            "type": "IdentityObject",
            "identityHash": identity_hash(recipient.email, salt),
            "identityType": "emailAddress",
            "hashed": True,
            "salt": salt,
        }
    ]
    if recipient.name:
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityHash": recipient.name,
                "identityType": "name",
                "hashed": False,
            }
        )
    contexts = [VC_V2_CONTEXT_URL, OB_CONTEXT_URL]
    if credential_schema:
        contexts.append(OB_EXTENSIONS_CONTEXT_URL)
    credential = compact(
        {
            "@context": contexts,
            "id": credential_id,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": tier.name,
            "issuer": issuer_node,
            "validFrom": _timestamp(start),
            "validUntil": _timestamp(end) if end is not None else None,
            "awardedDate": _timestamp(awarded_at),
            "credentialSubject": compact(
                {
                    "type": ["AchievementSubject"],
                    "identifier": identifiers,
                    "achievement": achievement,
                    "creditsEarned": earned,
                    "result": result_nodes,
                }
            ),
            "evidence": evidence_nodes,
            "credentialSchema": (
                [{"id": OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL, "type": _SCHEMA_VALIDATOR_TYPE}]
                if credential_schema
                else None
            ),
        }
    )
    # The inputs are checked above; this catches whatever they could still smuggle through
    # (an id that is not a URL, say) before anyone signs it.
    with (
        achievement_from_text(achievement, achievement_text)
        if achievement_text is not None
        else contextlib.nullcontext()
    ):
        found = check_credential_shape(credential, require_open_badge=True)
    problems = [p for p in found if p.severity == "error"]
    if problems:
        first = problems[0]
        raise InputError(
            f"The credential would break the data model at {first.path}: {first.message}",
            field=first.path,
        )
    return credential


# --- inputs -------------------------------------------------------------------------------


def _issuer_profile(issuer: IssuerProfile) -> dict[str, Any]:
    if not isinstance(issuer, IssuerProfile):
        raise InputError("The issuer must be an IssuerProfile.", field="issuer")
    issuer_id = issuer.id
    if not isinstance(issuer_id, str) or not (
        (issuer_id.startswith("did:") and is_absolute_iri(issuer_id))
        or is_web_url(issuer_id, https_only=True)
    ):
        raise InputError(
            f"The issuer id {issuer_id!r} must be a DID or an https URL.", field="issuer.id"
        )
    if not isinstance(issuer.url, str) or not is_web_url(issuer.url, https_only=True):
        raise InputError(
            f"The issuer url {issuer.url!r} must be an https URL "
            "(http is accepted only for localhost).",
            field="issuer.url",
        )
    parts = urlsplit(issuer.url)
    if parts.query or parts.fragment:
        raise InputError(
            "The issuer url must not have a query or fragment: achievement ids are built on it.",
            field="issuer.url",
        )
    if not isinstance(issuer.name, str) or not issuer.name.strip():
        raise InputError("The issuer name must not be blank.", field="issuer.name")
    email = normalize_email(issuer.email, field_name="issuer.email") if issuer.email else None
    image = None
    if issuer.image is not None:
        if not (
            is_web_url(issuer.image, https_only=True) or issuer.image.startswith("data:image/")
        ):
            raise InputError(
                f"The issuer image {issuer.image!r} must be an https or data:image/ URL.",
                field="issuer.image",
            )
        image = {"id": issuer.image, "type": "Image"}
    return compact(
        {
            "id": issuer_id,
            "type": ["Profile"],
            "name": issuer.name.strip(),
            "url": issuer.url,
            "email": email,
            "description": text(issuer.description),
            "image": image,
        }
    )


def _utc(value: datetime, field_name: str) -> datetime:
    if not isinstance(value, datetime):
        raise InputError(f"{field_name} must be a date and time.", field=field_name)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(
            f"{field_name} has no time zone; pass an aware datetime (e.g. with tzinfo=UTC).",
            field=field_name,
        )
    return value.astimezone(UTC).replace(microsecond=0)


def _expiry(start: datetime, tier: Tier) -> datetime | None:
    if tier.validity_years <= 0:
        return None
    year = start.year + tier.validity_years
    try:
        return start.replace(year=year)
    except ValueError:
        if year > 9999:
            raise InputError(
                "valid_from is too late to add the tier's validity period.", field="valid_from"
            ) from None
        return start.replace(year=year, day=28)  # 29 February in a non-leap year


def _timestamp(value: datetime) -> str:
    return value.isoformat(timespec="seconds").replace("+00:00", "Z")


def _credits(tier: Tier, credits: float | None) -> float:
    if credits is None:
        return float(tier.credits)
    if (
        isinstance(credits, bool)
        or not isinstance(credits, int | float)
        or not math.isfinite(credits)
    ):
        raise InputError("credits must be a number.", field="credits")
    if credits < 0 or credits > tier.credits:
        raise InputError(
            f"credits must be between 0 and the tier's {tier.credits:g}; got {credits:g}.",
            field="credits",
        )
    return float(credits)


def _credential_id(value: str | None) -> str:
    if value is None:
        return f"urn:uuid:{uuid.uuid4()}"
    if not is_absolute_iri(value):
        raise InputError(f"The credential id {value!r} is not a URI.", field="credential_id")
    return value


def _salt(value: str | None) -> str:
    if value is None:
        return secrets.token_hex(16)
    if not isinstance(value, str) or not value:
        raise InputError("The salt must be non-empty text.", field="salt")
    return value


# --- achievement ----------------------------------------------------------------------------


def _endorsements(documents: Sequence[Mapping[str, Any]], achievement: str) -> list[dict[str, Any]]:
    """Copies of signed EndorsementCredentials of ``achievement``, in the order given."""
    copies = []
    for index, document in enumerate(documents):
        where = f"achievement.endorsement[{index}]"
        if not acc.is_endorsement(document):
            raise InputError(
                "An Achievement endorsement must be an EndorsementCredential.", field=where
            )
        if acc.endorsed_subject(document) != achievement:
            raise InputError(
                f"The endorsement {document.get('id')} does not endorse {achievement}.",
                field=where,
            )
        if not document.get("proof"):
            raise InputError(f"The endorsement {document.get('id')} is not signed.", field=where)
        copies.append(copy.deepcopy(dict(document)))
    return copies


#: Achievements built before, as JSON text and as what it parses to, by (tier, achievement id,
#: endorsements as JSON), with the tier they were built from: every credential of a tier
#: carries the same one, and a batch builds thousands. A copy is made from the text each time
#: (callers may change it), unless the caller only checks the credential it is put in.
_ACHIEVEMENTS: dict[tuple[int, str, str], tuple[Tier, str, dict[str, Any]]] = {}
_ACHIEVEMENTS_KEPT = 64


def _achievement(
    tier: Tier, achievement: str, endorsements: Sequence[dict[str, Any]] = (), shared: bool = False
) -> tuple[dict[str, Any], str | None]:
    """The tier's Achievement: the same for every credential of the tier from this issuer,
    with the compact JSON text it was parsed from (None when it was not). ``shared`` gives
    the kept parse itself, which must not be changed, instead of a fresh one."""
    try:
        key = (id(tier), achievement, _json_text(list(endorsements)))
    except (TypeError, ValueError):
        return _build_achievement(tier, achievement, endorsements), None
    kept = _ACHIEVEMENTS.get(key)
    # A Tier is immutable, so the same object builds the same Achievement; the identity check
    # keeps a new tier at a reused address from matching.
    if kept is None or kept[0] is not tier:
        built = _build_achievement(tier, achievement, endorsements)
        if len(_ACHIEVEMENTS) >= _ACHIEVEMENTS_KEPT:
            _ACHIEVEMENTS.clear()
        text = _json_text(built)
        kept = _ACHIEVEMENTS[key] = (tier, text, json.loads(text))
    node: dict[str, Any] = kept[2] if shared else json.loads(kept[1])
    return node, kept[1]


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _build_achievement(
    tier: Tier, achievement: str, endorsements: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    return compact(
        {
            "id": achievement,
            "type": ["Achievement"],
            "name": tier.name,
            "description": tier.description,
            "criteria": {"narrative": tier.criteria},
            "achievementType": tier.achievement_type,
            "humanCode": tier.id,
            "creditsAvailable": float(tier.credits),
            "fieldOfStudy": tier.field_of_study,
            "tag": list(tier.tags),
            "alignment": [alignment_node(a) for a in tier.alignments],
            "resultDescription": [
                result_description_node(achievement, c) for c in tier.competencies
            ],
            "endorsement": list(endorsements),
        }
    )
