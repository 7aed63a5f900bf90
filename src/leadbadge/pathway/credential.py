"""Build the unsigned Open Badges 3.0 credential (VC 2.0 form) for one tier of a framework.

The builder checks every input against the tier (evidence rules, rubric levels, credits, dates)
and raises :class:`~leadbadge.errors.InputError` naming the offending field; it never signs.
Every property it emits is defined by the VC 2.0 and OB 3.0.3 contexts, so strict JSON-LD
processing accepts the result. docs/credentials.md describes the output field by field.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import math
import re
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from leadbadge.conformance.ob import OB_CONTEXT_URL, OB_EXTENSIONS_CONTEXT_URL
from leadbadge.conformance.problems import is_absolute_iri
from leadbadge.conformance.vc import VC_V2_CONTEXT_URL, check_credential_shape
from leadbadge.errors import InputError
from leadbadge.model import (
    Alignment,
    Competency,
    EvidenceRequirement,
    Framework,
    IssuerProfile,
    Tier,
)
from leadbadge.pathway import accreditation as acc

__all__ = [
    "OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL",
    "EvidenceItem",
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

# The WHATWG HTML "valid e-mail address" syntax: what browsers accept in <input type=email>.
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
_EMAIL_IDENTITY_TYPES = frozenset({"emailAddress", "email"})
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


def normalize_email(email: str, *, field_name: str = "email") -> str:
    """The canonical form leadbadge hashes: surrounding whitespace removed, lower case.

    The syntax check is the WHATWG HTML one (ASCII local part, dot-separated host labels) with
    RFC 5321 length limits. Raises :class:`InputError` (``field=field_name``) otherwise.
    """
    if not isinstance(email, str):
        raise InputError("The e-mail address must be text.", field=field_name)
    candidate = email.strip()
    local, _, domain = candidate.rpartition("@")
    if not _EMAIL.match(candidate) or len(candidate) > 254 or len(local) > 64 or "." not in domain:
        raise InputError(f"{candidate!r} is not a valid e-mail address.", field=field_name)
    return candidate.lower()


def identity_hash(identifier: str, salt: str | None) -> str:
    """The OB 3.0 IdentityHash ``sha256$<hex>`` of an identifier with its salt appended.

    ``identity_hash("a@example.com", "Kosher")`` is the specification's own example.
    """
    digest = hashlib.sha256((identifier + (salt or "")).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def matches_identity(identity_object: Mapping[str, Any], email: str) -> bool:
    """Whether an OB 3.0 e-mail IdentityObject names this e-mail address.

    Handles ``sha256$`` and ``md5$`` hashes (hex in either case, salted or not) and plaintext
    (``hashed: false``) values. The address is tried as typed (trimmed) and in leadbadge's
    normalised lower-case form, so credentials from issuers that hash the address as given also
    match. Anything malformed, or an identity of another type, does not match.
    """
    if not isinstance(identity_object, Mapping) or not isinstance(email, str):
        return False
    if identity_object.get("identityType") not in _EMAIL_IDENTITY_TYPES:
        return False
    value = identity_object.get("identityHash")
    hashed = identity_object.get("hashed")
    salt = identity_object.get("salt") or ""
    if not isinstance(value, str) or not isinstance(hashed, bool) or not isinstance(salt, str):
        return False
    typed = email.strip()
    candidates = {typed, typed.lower()}
    if not hashed:
        return value.strip().casefold() in {c.casefold() for c in candidates}
    algorithm, separator, expected = value.partition("$")
    hash_function = {"sha256": hashlib.sha256, "md5": hashlib.md5}.get(algorithm.lower())
    if not separator or hash_function is None:
        return False
    expected = expected.lower()
    for candidate in candidates:
        actual = hash_function((candidate + salt).encode("utf-8"), usedforsecurity=False)
        if hmac.compare_digest(actual.hexdigest(), expected):
            return True
    return False


def credential_matches_email(credential: Mapping[str, Any], email: str) -> bool:
    """Whether any e-mail identifier of any credential subject names this address."""
    subjects = credential.get("credentialSubject") if isinstance(credential, Mapping) else None
    for subject in subjects if isinstance(subjects, list) else [subjects]:
        if not isinstance(subject, Mapping):
            continue
        identifiers = subject.get("identifier")
        for item in identifiers if isinstance(identifiers, list) else [identifiers]:
            if isinstance(item, Mapping) and matches_identity(item, email):
                return True
    return False


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


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence, usually for one of the tier's evidence requirements.

    ``fields`` holds what the requirement says each piece must record (``mentor_name``,
    ``hours``…); OB 3.0 has no properties for them, so they are written into the evidence
    narrative as Markdown lines.
    """

    requirement: str | None
    name: str | None = None
    narrative: str | None = None
    url: str | None = None
    description: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        for key, value in (
            ("requirement", self.requirement),
            ("name", self.name),
            ("narrative", self.narrative),
            ("description", self.description),
            ("url", self.url),
        ):
            if value is not None and not isinstance(value, str):
                raise InputError(f"The evidence {key} must be text.", field=f"evidence.{key}")
        if self.url is not None and not _is_evidence_url(self.url):
            raise InputError(
                f"The evidence URL {self.url!r} is not an absolute http(s) or data: URL.",
                field="evidence.url",
            )
        if not isinstance(self.fields, Mapping):
            raise InputError("The evidence fields must be a mapping.", field="evidence.fields")
        for key, value in self.fields.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise InputError(
                    "Evidence field names and values must be text.", field=f"evidence.fields.{key}"
                )
        object.__setattr__(self, "fields", dict(self.fields))


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
    return _achievement(tier, achievement, _endorsements(endorsements, achievement))


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
) -> dict[str, Any]:
    """The unsigned ``OpenBadgeCredential`` awarding ``tier_id`` to ``recipient``.

    Defaults: ``credits`` the tier's credits, ``valid_until`` ``valid_from`` plus the tier's
    validity years, ``awarded`` ``valid_from``, ``credential_id`` a fresh ``urn:uuid:``,
    ``salt`` 16 random bytes in hex. ``results`` maps competency ids to rubric level ids.
    With ``credential_schema`` the credential names the official OB 3.0 JSON Schema.

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
    evidence_nodes = _evidence(tier, evidence)
    ach_id = achievement_id(issuer.url, tier.id)
    endorsements = _endorsements(issuer.achievement_endorsements.get(ach_id, ()), ach_id)
    achievement = _achievement(tier, ach_id, endorsements)
    result_nodes = _results(tier, achievement["id"], results or {})
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
    credential = _compact(
        {
            "@context": contexts,
            "id": credential_id,
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": tier.name,
            "issuer": issuer_node,
            "validFrom": _timestamp(start),
            "validUntil": _timestamp(end) if end is not None else None,
            "awardedDate": _timestamp(awarded_at),
            "credentialSubject": _compact(
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
    problems = [
        p
        for p in check_credential_shape(credential, require_open_badge=True)
        if p.severity == "error"
    ]
    if problems:
        first = problems[0]
        raise InputError(
            f"The credential would break the data model at {first.path}: {first.message}",
            field=first.path,
        )
    return credential


# --- inputs -------------------------------------------------------------------------------


def _is_web_url(value: str, *, https_only: bool) -> bool:
    if not is_absolute_iri(value):
        return False
    parts = urlsplit(value)
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and (not https_only or parts.hostname in _LOCAL_HOSTS)


def _is_evidence_url(value: str) -> bool:
    if value.startswith("data:"):
        return "," in value and is_absolute_iri(value)
    return _is_web_url(value, https_only=False)


def _issuer_profile(issuer: IssuerProfile) -> dict[str, Any]:
    if not isinstance(issuer, IssuerProfile):
        raise InputError("The issuer must be an IssuerProfile.", field="issuer")
    issuer_id = issuer.id
    if not isinstance(issuer_id, str) or not (
        (issuer_id.startswith("did:") and is_absolute_iri(issuer_id))
        or _is_web_url(issuer_id, https_only=True)
    ):
        raise InputError(
            f"The issuer id {issuer_id!r} must be a DID or an https URL.", field="issuer.id"
        )
    if not isinstance(issuer.url, str) or not _is_web_url(issuer.url, https_only=True):
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
            _is_web_url(issuer.image, https_only=True) or issuer.image.startswith("data:image/")
        ):
            raise InputError(
                f"The issuer image {issuer.image!r} must be an https or data:image/ URL.",
                field="issuer.image",
            )
        image = {"id": issuer.image, "type": "Image"}
    return _compact(
        {
            "id": issuer_id,
            "type": ["Profile"],
            "name": issuer.name.strip(),
            "url": issuer.url,
            "email": email,
            "description": _text(issuer.description),
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


def _parse_hours(value: str, field_name: str) -> float:
    try:
        hours = float(value.strip())
    except ValueError:
        raise InputError(f"{value!r} is not a number of hours.", field=field_name) from None
    if not math.isfinite(hours) or hours < 0:
        raise InputError(f"{value!r} is not a number of hours.", field=field_name)
    return hours


# --- evidence -----------------------------------------------------------------------------


def _evidence(tier: Tier, items: Sequence[EvidenceItem]) -> list[dict[str, Any]]:
    requirements = {r.id: r for r in tier.evidence}
    by_requirement: dict[str, list[EvidenceItem]] = {}
    for index, item in enumerate(items):
        if not isinstance(item, EvidenceItem):
            raise InputError(
                "Each evidence item must be an EvidenceItem.", field=f"evidence[{index}]"
            )
        if item.requirement is None:
            texts = (item.name, item.narrative, item.url, item.description, *item.fields.values())
            if not any(_text(t) for t in texts):
                raise InputError("An evidence item has no content.", field=f"evidence[{index}]")
            continue
        if item.requirement not in requirements:
            raise InputError(
                f"Tier {tier.id!r} has no evidence requirement {item.requirement!r}.",
                field=f"evidence[{index}].requirement",
            )
        by_requirement.setdefault(item.requirement, []).append(item)
    for requirement in tier.evidence:
        _check_requirement(requirement, by_requirement.get(requirement.id, []))
    return [_evidence_node(item, requirements.get(item.requirement or "")) for item in items]


def _check_requirement(requirement: EvidenceRequirement, items: list[EvidenceItem]) -> None:
    where = f"evidence[{requirement.id}]"
    if not items:
        raise InputError(f"The tier requires evidence for {requirement.name!r}.", field=where)
    for item in items:
        for name in requirement.records:
            if not item.fields.get(name, "").strip():
                raise InputError(
                    f"Evidence for {requirement.name!r} must record {name!r}.",
                    field=f"{where}.{name}",
                )
    if requirement.min_hours is not None:
        total = 0.0
        for item in items:
            if not item.fields.get("hours", "").strip():
                raise InputError(
                    f"Evidence for {requirement.name!r} must record 'hours'.",
                    field=f"{where}.hours",
                )
            total += _parse_hours(item.fields["hours"], f"{where}.hours")
        if total < requirement.min_hours:
            raise InputError(
                f"{requirement.name!r} needs at least {requirement.min_hours:g} hours; "
                f"the evidence records {total:g}.",
                field=f"{where}.hours",
            )


def _evidence_node(item: EvidenceItem, requirement: EvidenceRequirement | None) -> dict[str, Any]:
    order = list(requirement.records) if requirement else []
    order += [k for k in item.fields if k not in order]
    lines = [
        f"- **{_label(key)}:** {_markdown_text(item.fields[key])}"
        for key in order
        if item.fields.get(key, "").strip()
    ]
    parts = [_text(item.narrative) or ""]
    if lines:
        parts.append("\n".join(lines))
    parts = [p for p in parts if p]
    return _compact(
        {
            "id": item.url,
            "type": ["Evidence"],
            "name": _text(item.name) or (requirement.name if requirement else None),
            "description": _text(item.description),
            "narrative": "\n\n".join(parts),
            "genre": requirement.kind if requirement else None,
        }
    )


def _text(value: str | None) -> str | None:
    """The text without surrounding whitespace, or None when nothing is left."""
    if value is None:
        return None
    return value.strip() or None


def _label(key: str) -> str:
    words = key.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else key


def _markdown_text(value: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(value.split()))


# --- achievement and results --------------------------------------------------------------


def _alignment(alignment: Alignment) -> dict[str, Any]:
    return _compact(
        {
            "type": ["Alignment"],
            "targetName": alignment.target_name,
            "targetUrl": alignment.target_url,
            "targetDescription": alignment.target_description,
            "targetFramework": alignment.target_framework,
            "targetCode": alignment.target_code,
            "targetType": alignment.target_type,
        }
    )


def _result_description_id(achievement: str, competency: Competency) -> str:
    return f"{achievement}#{quote(competency.id, safe='-._~')}"


def _level_id(achievement: str, competency: Competency, level_id: str) -> str:
    return f"{_result_description_id(achievement, competency)}/{quote(level_id, safe='-._~')}"


def _result_description(achievement: str, competency: Competency) -> dict[str, Any]:
    levels = [
        _compact(
            {
                "id": _level_id(achievement, competency, level.id),
                "type": ["RubricCriterionLevel"],
                "name": level.name,
                "description": level.description,
                "points": level.points,
            }
        )
        for level in competency.levels
    ]
    required = (
        _level_id(achievement, competency, competency.required_level)
        if competency.required_level
        else None
    )
    return _compact(
        {
            "id": _result_description_id(achievement, competency),
            "type": ["ResultDescription"],
            "name": competency.name,
            "resultType": "RubricCriterionLevel",
            "rubricCriterionLevel": levels,
            "requiredLevel": required,
            "alignment": [_alignment(a) for a in competency.alignments],
        }
    )


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


def _achievement(
    tier: Tier, achievement: str, endorsements: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """The tier's Achievement: the same for every credential of the tier from this issuer."""
    return _compact(
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
            "alignment": [_alignment(a) for a in tier.alignments],
            "resultDescription": [_result_description(achievement, c) for c in tier.competencies],
            "endorsement": list(endorsements),
        }
    )


def _results(tier: Tier, achievement: str, results: Mapping[str, str]) -> list[dict[str, Any]]:
    if not isinstance(results, Mapping):
        raise InputError("results must map competency ids to level ids.", field="results")
    for competency_id in results:
        if tier.competency(competency_id) is None:
            raise InputError(
                f"Tier {tier.id!r} has no competency {competency_id!r}.",
                field=f"results.{competency_id}",
            )
    nodes = []
    for competency in tier.competencies:
        if competency.id not in results:
            continue
        level_id = results[competency.id]
        level_ids = [level.id for level in competency.levels]
        where = f"results.{competency.id}"
        if level_id not in level_ids:
            raise InputError(
                f"{level_id!r} is not a rubric level of {competency.name!r} "
                f"(levels: {', '.join(level_ids)}).",
                field=where,
            )
        required = competency.required_level
        if required in level_ids and level_ids.index(level_id) < level_ids.index(required):
            raise InputError(
                f"{competency.name!r} is at {level_id!r}, below the required {required!r}.",
                field=where,
            )
        nodes.append(
            {
                "type": ["Result"],
                "resultDescription": _result_description_id(achievement, competency),
                "achievedLevel": _level_id(achievement, competency, level_id),
            }
        )
    return nodes


def _compact(node: dict[str, Any]) -> dict[str, Any]:
    """The node without None, empty strings, empty lists and empty objects."""
    return {k: v for k, v in node.items() if v is not None and v not in ("", [], {})}
