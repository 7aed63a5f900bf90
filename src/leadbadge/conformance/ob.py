"""The Open Badges 3.0 shape of a credential: 1EdTech OB 3.0 Appendix B, on JSON structure only.

:func:`check_open_badge` runs on an OpenBadgeCredential / AchievementCredential after the VC
data-model checks (:mod:`leadbadge.conformance.vc`). Like them it fetches nothing and expands no
JSON-LD. Each rule cites the section of Appendix B it implements.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from leadbadge.conformance.problems import (
    Checker,
    ConformanceProblem,
    VcVersion,
    check_date,
    check_optional_id,
    context_list,
    is_absolute_iri,
    is_language_value,
    items,
    pointer,
    shown,
)

__all__ = [
    "OB_CONTEXT_URL",
    "OB_CREDENTIAL_TYPES",
    "OB_EXTENSIONS_CONTEXT_URL",
    "check_open_badge",
    "ob_context_version",
]

#: The current OB 3.0 context (3.0.3).
OB_CONTEXT_URL = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS_CONTEXT_URL = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
_CURRENT_OB_VERSION = "3.0.3"

_OB_CONTEXT_VERSIONS: Mapping[str, str] = {
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json": "3.0.0",
    "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld": "3.0.0",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "3.0.1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "3.0.2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "3.0.3",
    # Pre-release drafts (2022) and the JFF plugfest context: readable, long superseded.
    "https://imsglobal.github.io/openbadges-specification/ob_v3p0.html": "3.0-beta",
    "https://imsglobal.github.io/openbadges-specification/context.json": "3.0-beta",
    "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json": (
        "3.0-beta"
    ),
}
_OB_CONTEXT_PATTERN = re.compile(
    r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context-(\d+\.\d+\.\d+)\.json$"
)

#: Types only ``extensions.json`` defines (OB 3.0 §B, "1EdTech extensions").
_EXTENSION_TYPES = frozenset(
    {"1EdTechJsonSchemaValidator2019", "1EdTechRevocationList", "1EdTechCredentialRefresh"}
)

#: The credential types that make a credential an Open Badge.
OB_CREDENTIAL_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})

# OB 3.0 §B.1.28-B.1.31: the enumerations; each may be extended with "ext:" terms.
_ACHIEVEMENT_TYPES = frozenset(
    {
        "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment",
        "AssociateDegree", "Award", "Badge", "BachelorDegree", "Certificate",
        "CertificateOfCompletion", "Certification", "CommunityService", "Competency", "Course",
        "CoCurricular", "Degree", "Diploma", "DoctoralDegree", "Fieldwork",
        "GeneralEducationDevelopment", "JourneymanCertificate", "LearningProgram", "License",
        "Membership", "ProfessionalDoctorate", "QualityAssuranceCredential",
        "MasterCertificate", "MasterDegree", "MicroCredential", "ResearchDoctorate",
        "SecondarySchoolDiploma",
    }
)  # fmt: skip
_IDENTIFIER_TYPES = frozenset(
    {
        "name", "sourcedId", "systemId", "productId", "userName", "accountId", "emailAddress",
        "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId",
        "sisSourcedId", "ltiContextId", "ltiDeploymentId", "ltiToolId", "ltiPlatformId",
        "ltiUserId", "identifier",
    }
)  # fmt: skip
_RESULT_TYPES = frozenset(
    {
        "GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel", "PredictedScore",
        "RawScore", "Result", "RubricCriterion", "RubricCriterionLevel", "RubricScore",
        "ScaledScore", "Status",
    }
)  # fmt: skip
_EXT_TERM = re.compile(r"^ext:[A-Za-z0-9._-]+$")
_IDENTITY_HASH = re.compile(r"^(?:sha256\$[0-9a-fA-F]{64}|md5\$[0-9a-fA-F]{32})$")


def ob_context_version(url: str) -> str | None:
    """The OB version a context URL names (``3.0.3``, ``3.0-beta``…), or None."""
    if url in _OB_CONTEXT_VERSIONS:
        return _OB_CONTEXT_VERSIONS[url]
    match = _OB_CONTEXT_PATTERN.match(url)
    return match.group(1) if match else None


def _type_includes(node: Mapping[str, Any], wanted: str) -> bool:
    raw = node.get("type")
    return raw == wanted or (isinstance(raw, list) and wanted in raw)


def check_open_badge(check: Checker, doc: Mapping[str, Any], vc_version: VcVersion | None) -> None:
    """The OB 3.0 problems of an OpenBadgeCredential / AchievementCredential."""
    _check_ob_contexts(check, doc, vc_version)
    if "id" not in doc:
        check.error("/id", "An OB 3.0 credential must have an id.")
    if vc_version != "1.1" and "validFrom" not in doc:
        check.error("/validFrom", "An OB 3.0 credential must have a validFrom date.")
    if "awardedDate" in doc:
        check_date(check, doc, "awardedDate")
    issuer = doc.get("issuer")
    if isinstance(issuer, Mapping):
        _check_profile(check, issuer, "/issuer")
    if "evidence" in doc:
        for item, path in items(doc["evidence"], "/evidence"):
            if isinstance(item, Mapping) and not _type_includes(item, "Evidence"):
                check.error(
                    pointer(path, "type"), "An OB 3.0 evidence entry must be of type Evidence."
                )
    raw_subject = doc.get("credentialSubject")
    if isinstance(raw_subject, list):
        check.warning(
            "/credentialSubject", "OB 3.0 expects a single AchievementSubject, not an array."
        )
    for subject, path in items(raw_subject, "/credentialSubject"):
        if isinstance(subject, Mapping):
            _check_achievement_subject(check, subject, path)


def _check_ob_contexts(
    check: Checker, doc: Mapping[str, Any], vc_version: VcVersion | None
) -> None:
    contexts = context_list(doc.get("@context"))
    versions = [
        (index, ob_context_version(item))
        for index, item in enumerate(contexts)
        if isinstance(item, str) and ob_context_version(item)
    ]
    if not versions:
        check.error("/@context", "An OB 3.0 credential must list an Open Badges 3.0 context.")
        return
    index, version = versions[0]
    if version != _CURRENT_OB_VERSION:
        check.warning(
            pointer("/@context", index),
            f"The OB context is version {version}; the current version is {_CURRENT_OB_VERSION}.",
        )
    if vc_version == "2.0" and index != 1:
        check.warning(
            pointer("/@context", index), "The OB context should be the second @context item."
        )
    inline_terms = {t for c in contexts if isinstance(c, Mapping) for t in _unwrapped(c)}
    has_extensions = OB_EXTENSIONS_CONTEXT_URL in contexts
    for key in ("credentialSchema", "credentialStatus", "refreshService"):
        for item, path in items(doc.get(key), pointer("", key)):
            if not isinstance(item, Mapping):
                continue
            raw = item.get("type")
            for name in raw if isinstance(raw, list) else [raw]:
                # A type that is not a string is the VC type check's error, not a term to look up.
                if not isinstance(name, str):
                    continue
                if name in _EXTENSION_TYPES and not has_extensions and name not in inline_terms:
                    # Strict JSON-LD processing refuses the undefined type; that layer decides.
                    check.warning(
                        pointer(path, "type"),
                        f"The type {name} is defined only by {OB_EXTENSIONS_CONTEXT_URL}, "
                        "which the @context does not list.",
                    )


def _unwrapped(context: Mapping[str, Any]) -> Mapping[str, Any]:
    """An inline context, unwrapped when written ``{"@context": {…}}`` (JSON-LD unwraps it)."""
    inner = context.get("@context")
    return inner if set(context) == {"@context"} and isinstance(inner, Mapping) else context


def _check_profile(check: Checker, profile: Any, path: str, depth: int = 0) -> None:
    if not isinstance(profile, Mapping):
        if not is_absolute_iri(profile):
            check.error(path, "A profile must be an object or the URL of one.")
        return
    if not _type_includes(profile, "Profile"):
        check.error(pointer(path, "type"), "An OB 3.0 Profile must be of type Profile.")
    if "url" in profile and not is_absolute_iri(profile["url"]):
        check.error(pointer(path, "url"), f"The url {shown(profile['url'])} is not a URL.")
    _check_other_identifiers(check, profile, path)
    # A parentOrg chain is short in practice; the bound keeps hostile input cheap.
    if "parentOrg" in profile and depth < 8:
        _check_profile(check, profile["parentOrg"], pointer(path, "parentOrg"), depth + 1)


def _check_other_identifiers(check: Checker, node: Mapping[str, Any], path: str) -> None:
    for entry, entry_path in items(
        node.get("otherIdentifier", []), pointer(path, "otherIdentifier")
    ):
        if not isinstance(entry, Mapping):
            check.error(entry_path, "An otherIdentifier entry must be an IdentifierEntry object.")
            continue
        if not _type_includes(entry, "IdentifierEntry"):
            check.error(
                pointer(entry_path, "type"),
                "An otherIdentifier entry must be of type IdentifierEntry.",
            )
        for key in ("identifier", "identifierType"):
            if not isinstance(entry.get(key), str):
                check.error(pointer(entry_path, key), f"An IdentifierEntry needs a {key} string.")


def _check_achievement_subject(check: Checker, subject: Mapping[str, Any], path: str) -> None:
    if not _type_includes(subject, "AchievementSubject"):
        check.error(
            pointer(path, "type"), "The credential subject must be of type AchievementSubject."
        )
    identifiers = subject.get("identifier")
    if "id" not in subject and not identifiers:
        check.warning(
            path,
            "The subject has neither id nor identifier, so the recipient cannot be identified "
            "(OB 3.0 requires one of them).",
        )
    if identifiers is not None:
        for item, item_path in items(identifiers, pointer(path, "identifier")):
            _check_identity_object(check, item, item_path)
    if "source" in subject:
        _check_profile(check, subject["source"], pointer(path, "source"))
    if "creditsEarned" in subject:
        _check_number(check, subject["creditsEarned"], pointer(path, "creditsEarned"))
    achievement = subject.get("achievement")
    if not isinstance(achievement, Mapping):
        check.error(pointer(path, "achievement"), "The subject must contain an achievement object.")
        return
    levels_by_description = _check_achievement(check, achievement, pointer(path, "achievement"))
    for result, result_path in items(subject.get("result", []), pointer(path, "result")):
        _check_result(check, result, result_path, levels_by_description)


def _check_identity_object(check: Checker, item: Any, path: str) -> None:
    if not isinstance(item, Mapping):
        check.error(path, "An identifier entry must be an IdentityObject.")
        return
    if not _type_includes(item, "IdentityObject"):
        check.error(pointer(path, "type"), "An identifier entry must be of type IdentityObject.")
    hashed = item.get("hashed")
    if not isinstance(hashed, bool):
        check.error(pointer(path, "hashed"), "An IdentityObject needs hashed: true or false.")
    identity = item.get("identityHash")
    if not isinstance(identity, str) or not identity:
        check.error(pointer(path, "identityHash"), "An IdentityObject needs an identityHash.")
    elif hashed is True and not _IDENTITY_HASH.match(identity):
        check.error(
            pointer(path, "identityHash"),
            "A hashed identityHash must be sha256$<64 hex digits> or md5$<32 hex digits>.",
        )
    identity_type = item.get("identityType")
    if not isinstance(identity_type, str):
        check.error(pointer(path, "identityType"), "An IdentityObject needs an identityType.")
    elif identity_type not in _IDENTIFIER_TYPES and not _EXT_TERM.match(identity_type):
        check.warning(
            pointer(path, "identityType"), f"{shown(identity_type)} is not an OB 3.0 identity type."
        )
    if "salt" in item and not isinstance(item["salt"], str):
        check.error(pointer(path, "salt"), "The salt must be a string.")


def _check_number(check: Checker, value: Any, path: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        check.error(path, "This value must be a number.")


def _require_string(
    check: Checker, node: Mapping[str, Any], key: str, path: str, what: str
) -> None:
    value = node.get(key)
    if value is None:
        check.error(pointer(path, key), f"{what} must have a {key}.")
        return
    for item, item_path in items(value, pointer(path, key)):
        if not isinstance(item, str) and not is_language_value(item):
            check.error(item_path, f"The {key} of {what.lower()} must be a string.")


#: Achievements checked before, by their JSON text and path: the document the text parses to
#: (which a later achievement must equal), the problems found and the rubric levels. Every
#: credential of a tier carries the same Achievement, and a batch checks thousands.
_CHECKED: dict[tuple[str, str], tuple[Any, tuple[ConformanceProblem, ...], dict[str, set[str]]]]
_CHECKED = {}
_CHECKED_KEPT = 64


#: An Achievement and the JSON text it was just parsed from (:func:`achievement_from_text`).
_PARSED: ContextVar[tuple[Mapping[str, Any], str] | None] = ContextVar("_PARSED", default=None)


@contextmanager
def achievement_from_text(achievement: Mapping[str, Any], text: str) -> Iterator[None]:
    """Within this block ``achievement`` is known to be what ``text`` (compact JSON) parses
    to, unchanged: the credential builder, which makes each Achievement of a tier from one
    text, says so while it checks the credential, sparing the checker from serialising it."""
    token = _PARSED.set((achievement, text))
    try:
        yield
    finally:
        _PARSED.reset(token)


def _check_achievement(
    check: Checker, achievement: Mapping[str, Any], path: str
) -> dict[str, set[str]]:
    """Checks the Achievement; returns result description id -> its rubric level ids."""
    parsed = _PARSED.get()
    plain = parsed is not None and parsed[0] is achievement
    if parsed is not None and plain:
        text = parsed[1]
    else:
        try:
            text = json.dumps(achievement, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):
            return _check_achievement_now(check, achievement, path)
    kept = _CHECKED.get((text, path))
    # Equal to what its text parses to: plain JSON values (no tuple, no key that is not a
    # string), so the checks see exactly what they saw for the kept one.
    if kept is not None and (plain or achievement == kept[0]):
        check.problems.extend(kept[1])
        return {rd: set(levels) for rd, levels in kept[2].items()}
    fresh = Checker()
    levels = _check_achievement_now(fresh, achievement, path)
    check.problems.extend(fresh.problems)
    if plain or achievement == json.loads(text):
        if len(_CHECKED) >= _CHECKED_KEPT:
            _CHECKED.clear()
        _CHECKED[(text, path)] = (
            json.loads(text),
            tuple(fresh.problems),
            {rd: set(rd_levels) for rd, rd_levels in levels.items()},
        )
    return levels


def _check_achievement_now(
    check: Checker, achievement: Mapping[str, Any], path: str
) -> dict[str, set[str]]:
    if "id" not in achievement:
        check.error(pointer(path, "id"), "An achievement must have an id.")
    check_optional_id(check, achievement, path)
    if not _type_includes(achievement, "Achievement"):
        check.error(pointer(path, "type"), "The achievement must be of type Achievement.")
    _require_string(check, achievement, "name", path, "An achievement")
    _require_string(check, achievement, "description", path, "An achievement")
    criteria = achievement.get("criteria")
    if not isinstance(criteria, Mapping):
        check.error(pointer(path, "criteria"), "An achievement must have a criteria object.")
    elif "id" not in criteria and "narrative" not in criteria:
        check.warning(pointer(path, "criteria"), "The criteria has neither an id nor a narrative.")
    if achievement.get("achievementType") is not None:
        _check_term(
            check,
            achievement["achievementType"],
            pointer(path, "achievementType"),
            _ACHIEVEMENT_TYPES,
            "achievement type",
        )
    if "creator" in achievement:
        _check_profile(check, achievement["creator"], pointer(path, "creator"))
    _check_other_identifiers(check, achievement, path)
    if "creditsAvailable" in achievement:
        _check_number(check, achievement["creditsAvailable"], pointer(path, "creditsAvailable"))
    _check_alignments(check, achievement, path)
    levels: dict[str, set[str]] = {}
    for rd, rd_path in items(
        achievement.get("resultDescription", []), pointer(path, "resultDescription")
    ):
        if not isinstance(rd, Mapping):
            check.error(rd_path, "A resultDescription entry must be an object.")
            continue
        rd_levels = _check_result_description(check, rd, rd_path)
        if isinstance(rd.get("id"), str):
            levels[rd["id"]] = rd_levels
    return levels


def _check_alignments(check: Checker, node: Mapping[str, Any], path: str) -> None:
    for alignment, item_path in items(node.get("alignment", []), pointer(path, "alignment")):
        if not isinstance(alignment, Mapping):
            check.error(item_path, "An alignment entry must be an object.")
            continue
        if not _type_includes(alignment, "Alignment"):
            check.error(pointer(item_path, "type"), "An alignment must be of type Alignment.")
        _require_string(check, alignment, "targetName", item_path, "An alignment")
        if not is_absolute_iri(alignment.get("targetUrl")):
            check.error(pointer(item_path, "targetUrl"), "An alignment must have a targetUrl URL.")


def _check_result_description(check: Checker, rd: Mapping[str, Any], path: str) -> set[str]:
    if not is_absolute_iri(rd.get("id")):
        check.error(pointer(path, "id"), "A resultDescription must have an id that is a URI.")
    if not _type_includes(rd, "ResultDescription"):
        check.error(pointer(path, "type"), "A resultDescription must be of type ResultDescription.")
    _require_string(check, rd, "name", path, "A resultDescription")
    result_type = rd.get("resultType")
    if result_type is None:
        check.error(pointer(path, "resultType"), "A resultDescription must have a resultType.")
    else:
        _check_term(check, result_type, pointer(path, "resultType"), _RESULT_TYPES, "result type")
    _check_alignments(check, rd, path)
    level_ids: set[str] = set()
    for level, level_path in items(
        rd.get("rubricCriterionLevel", []), pointer(path, "rubricCriterionLevel")
    ):
        if not isinstance(level, Mapping):
            check.error(level_path, "A rubricCriterionLevel entry must be an object.")
            continue
        if not is_absolute_iri(level.get("id")):
            check.error(pointer(level_path, "id"), "A rubric level must have an id that is a URI.")
        else:
            level_ids.add(level["id"])
        if not _type_includes(level, "RubricCriterionLevel"):
            check.error(
                pointer(level_path, "type"), "A rubric level must be of type RubricCriterionLevel."
            )
        _require_string(check, level, "name", level_path, "A rubric level")
        _check_alignments(check, level, level_path)
    required = rd.get("requiredLevel")
    # The reference is checked (and a malformed one reported) before it is looked up.
    is_id = required is not None and _is_reference(check, required, path, "requiredLevel")
    if is_id and level_ids and required not in level_ids:
        check.warning(
            pointer(path, "requiredLevel"), "The requiredLevel is not one of the rubric levels."
        )
    return level_ids


def _check_result(
    check: Checker, result: Any, path: str, levels_by_description: Mapping[str, set[str]]
) -> None:
    if not isinstance(result, Mapping):
        check.error(path, "A result entry must be an object.")
        return
    if not _type_includes(result, "Result"):
        check.error(pointer(path, "type"), "A result must be of type Result.")
    _check_alignments(check, result, path)
    described = result.get("resultDescription")
    if described is None or not _is_reference(check, described, path, "resultDescription"):
        return
    if described not in levels_by_description:
        check.warning(
            pointer(path, "resultDescription"),
            "The result refers to a resultDescription that the achievement does not define.",
        )
        return
    achieved = result.get("achievedLevel")
    if achieved is None or not _is_reference(check, achieved, path, "achievedLevel"):
        return
    if achieved not in levels_by_description[described]:
        check.warning(
            pointer(path, "achievedLevel"),
            "The achievedLevel is not one of the rubric levels of its resultDescription.",
        )


def _check_term(check: Checker, value: Any, path: str, terms: frozenset[str], what: str) -> None:
    """OB 3.0 §B.1.28-B.1.31: one term of the enumeration, or an ``ext:`` extension term."""
    if not isinstance(value, str):
        # A list or an object here is no term at all (and must not reach a set lookup).
        check.error(path, f"The {what} must be one term (a string), not {_json_kind(value)}.")
    elif value not in terms and not _EXT_TERM.match(value):
        hint = " (extensions start with ext:)" if what == "achievement type" else ""
        check.warning(path, f"{shown(value)} is not an OB 3.0 {what}{hint}.")


def _is_reference(check: Checker, value: Any, path: str, key: str) -> bool:
    """True for an id reference (a string); anything else is reported as an error."""
    if isinstance(value, str):
        return True
    check.error(pointer(path, key), f"The {key} must be an id (a string), not {_json_kind(value)}.")
    return False


def _json_kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true or false"
    return "a number" if isinstance(value, int | float) else "null"
