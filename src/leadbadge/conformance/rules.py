"""Data-model checks for any credential document: VC 1.1 / VC 2.0 rules and the OB 3.0 shape.

These checks look only at the JSON structure. They never fetch anything, never expand JSON-LD
(undefined terms and protected-term redefinitions are the strict JSON-LD layer's job) and never
look at proofs beyond their shape, so they can run on credentials from any issuer.

Each rule cites the section of the specification it implements: VC Data Model 2.0 (W3C
Recommendation, 2025), VC Data Model 1.1, and Open Badges 3.0 (1EdTech) Appendix B. A problem
is an ``error`` when a MUST of those specifications is broken and a ``warning`` when the document
is usable but dated or incomplete (VC 1.1 form, an older OB context, a subject with neither
``id`` nor ``identifier``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal
from urllib.parse import urlsplit

__all__ = [
    "OB_CONTEXT_URL",
    "OB_EXTENSIONS_CONTEXT_URL",
    "VC_V1_CONTEXT_URL",
    "VC_V2_CONTEXT_URL",
    "ConformanceProblem",
    "Severity",
    "VcVersion",
    "check_credential_shape",
    "detect_versions",
    "is_absolute_iri",
    "is_date_time_stamp",
]

VC_V2_CONTEXT_URL = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT_URL = "https://www.w3.org/2018/credentials/v1"
#: The current OB 3.0 context (3.0.3).
OB_CONTEXT_URL = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS_CONTEXT_URL = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
_CURRENT_OB_VERSION = "3.0.3"

Severity = Literal["error", "warning"]
VcVersion = Literal["1.1", "2.0"]

_MALFORMED = "MALFORMED_VALUE_ERROR"
_RANGE = "RANGE_ERROR"
_PARSING = "PARSING_ERROR"

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

_VC_TYPE_IRI = "https://www.w3.org/2018/credentials#VerifiableCredential"
_OB_CREDENTIAL_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})

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

# XML Schema 1.1 Part 2 §3.4.28 dateTimeStamp: a dateTime whose time zone is required.
_DATE_TIME_STAMP = re.compile(
    r"^(?P<year>-?(?:[1-9][0-9]{3,}|0[0-9]{3}))-(?P<month>0[1-9]|1[0-2])"
    r"-(?P<day>0[1-9]|[12][0-9]|3[01])"
    r"T(?:(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9]):(?P<second>[0-5][0-9])"
    r"(?:\.(?P<fraction>[0-9]+))?|(?P<midnight>24:00:00(?:\.0+)?))"
    r"(?P<tz>Z|(?P<sign>[+-])(?P<tzh>0[0-9]|1[0-3]):(?P<tzm>[0-5][0-9])|[+-]14:00)$"
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# Characters RFC 3987 never allows in an IRI (whitespace, controls, and <>"{}|\^`).
_NOT_IN_IRI = re.compile(r"[\s\x00-\x1f\x7f<>\"{}|\\^`]")
_DID = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%\-]*[A-Za-z0-9._%\-](?:[/?#].*)?$")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_JSONLD_KEYWORD = re.compile(r"^@[A-Za-z]+$")


@dataclass(frozen=True)
class ConformanceProblem:
    """One way a document departs from the data model.

    ``path`` is a JSON Pointer (RFC 6901) into the document; ``problem_type`` is the W3C VC 2.0
    problem type name (``MALFORMED_VALUE_ERROR``, ``RANGE_ERROR``, ``PARSING_ERROR``).
    """

    path: str
    message: str
    severity: Severity = "error"
    problem_type: str = _MALFORMED

    def __str__(self) -> str:
        return f"{self.severity}: {self.path or '/'}: {self.message}"


def is_absolute_iri(value: object) -> bool:
    """True for an absolute IRI with a scheme (``https://…``, ``did:…``, ``urn:uuid:…``).

    HTTP(S) URLs also need a host; DIDs need a method and a method-specific id.
    """
    if not isinstance(value, str) or not _SCHEME.match(value) or _NOT_IN_IRI.search(value):
        return False
    scheme = value.split(":", 1)[0].lower()
    if scheme in ("http", "https"):
        try:
            parts = urlsplit(value)
        except ValueError:
            return False
        return bool(parts.hostname) and value[len(scheme) + 1 :].startswith("//")
    if scheme == "did":
        return bool(_DID.match(value))
    return len(value) > len(scheme) + 1


def is_date_time_stamp(value: object) -> bool:
    """True for an XML Schema ``dateTimeStamp``: a date and time with a time zone."""
    return _instant(value) is not None


def detect_versions(doc: Mapping[str, Any]) -> tuple[VcVersion | None, str | None]:
    """The VC data model version and the OB context version a document names.

    The VC version comes from the first ``@context`` item (``"2.0"`` for credentials/v2,
    ``"1.1"`` for credentials/v1) or, failing that, from any item; the OB version from the OB
    3.0 context URL (``"3.0.0"`` … ``"3.0.3"``, ``"3.0-beta"`` for pre-release drafts).
    Either is ``None`` when the document names no such context.
    """
    contexts = _context_list(doc.get("@context")) if isinstance(doc, Mapping) else []
    urls = [c for c in contexts if isinstance(c, str)]
    vc_version: VcVersion | None = None
    if urls and urls[0] == VC_V2_CONTEXT_URL:
        vc_version = "2.0"
    elif urls and urls[0] == VC_V1_CONTEXT_URL:
        vc_version = "1.1"
    elif VC_V2_CONTEXT_URL in urls:
        vc_version = "2.0"
    elif VC_V1_CONTEXT_URL in urls:
        vc_version = "1.1"
    ob_version = next((v for v in map(_ob_context_version, urls) if v is not None), None)
    return vc_version, ob_version


def check_credential_shape(
    doc: Mapping[str, Any], *, require_open_badge: bool = False
) -> list[ConformanceProblem]:
    """Every data-model problem in a credential document, errors and warnings, in document order.

    An empty list means the document satisfies the VC data model (and, for an
    OpenBadgeCredential / AchievementCredential, the OB 3.0 data model) as far as its JSON
    structure shows. With ``require_open_badge`` a credential that is not an
    OpenBadgeCredential / AchievementCredential is an error (an Open Badges verifier's view).
    """
    check = _Checker()
    if not isinstance(doc, Mapping):
        check.error("", "A credential must be a JSON object.", _PARSING)
        return check.problems
    vc_version = _check_contexts(check, doc)
    _check_optional_id(check, doc, "")
    types = _check_types(check, doc, "", required=True)
    if types is not None and "VerifiableCredential" not in types and _VC_TYPE_IRI not in types:
        check.error("/type", "The type must include VerifiableCredential.")
    _check_issuer(check, doc)
    _check_subjects(check, doc)
    _check_validity(check, doc, vc_version)
    _check_language_strings(check, doc, "")
    _check_typed_objects(check, doc)
    if types is not None and _OB_CREDENTIAL_TYPES & set(types):
        _check_open_badge(check, doc, vc_version)
    elif require_open_badge and types is not None:
        check.error("/type", "The type must include OpenBadgeCredential or AchievementCredential.")
    return check.problems


class _Checker:
    def __init__(self) -> None:
        self.problems: list[ConformanceProblem] = []

    def error(self, path: str, message: str, problem_type: str = _MALFORMED) -> None:
        self.problems.append(ConformanceProblem(path, message, "error", problem_type))

    def warning(self, path: str, message: str, problem_type: str = _MALFORMED) -> None:
        self.problems.append(ConformanceProblem(path, message, "warning", problem_type))


def _pointer(base: str, *parts: str | int) -> str:
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return base + "".join("/" + p for p in escaped)


def _context_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _ob_context_version(url: str) -> str | None:
    if url in _OB_CONTEXT_VERSIONS:
        return _OB_CONTEXT_VERSIONS[url]
    match = _OB_CONTEXT_PATTERN.match(url)
    return match.group(1) if match else None


def _items(value: Any, path: str) -> Iterator[tuple[Any, str]]:
    """(item, path) for a value that JSON-LD allows as one object or an array of them."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield item, _pointer(path, index)
    else:
        yield value, path


# --- VC Data Model 2.0 §4.3 Contexts ------------------------------------------------------


def _check_contexts(check: _Checker, doc: Mapping[str, Any]) -> VcVersion | None:
    if "@context" not in doc:
        check.error("/@context", "The @context property is missing.")
        return None
    raw = doc["@context"]
    if isinstance(raw, str):
        check.warning("/@context", "The @context should be an array (an ordered set).")
    elif not isinstance(raw, list) or not raw:
        check.error("/@context", "The @context must be an ordered set of URLs and objects.")
        return None
    contexts = _context_list(raw)
    for item, path in _items(raw, "/@context"):
        if isinstance(item, str):
            if not is_absolute_iri(item):
                check.error(path, f"The context {item!r} is not a URL.")
        elif isinstance(item, Mapping):
            _check_inline_context(check, item, path)
        else:
            check.error(path, "Each @context item must be a URL or a context object.")
    first = contexts[0]
    if first == VC_V2_CONTEXT_URL:
        return "2.0"
    if first == VC_V1_CONTEXT_URL:
        check.warning(
            "/@context/0",
            "The credential uses the VC 1.1 data model (credentials/v1); VC 2.0 is current.",
        )
        return "1.1"
    check.error(
        "/@context/0",
        f"The first @context item must be {VC_V2_CONTEXT_URL} (or {VC_V1_CONTEXT_URL} for VC 1.1).",
    )
    return None


def _check_inline_context(check: _Checker, context: Mapping[str, Any], path: str) -> None:
    """Only what makes a context object unprocessable on its face: malformed IRI mappings."""
    for term, definition in context.items():
        if term.startswith("@"):
            continue
        target = definition.get("@id") if isinstance(definition, Mapping) else definition
        if target is None or not isinstance(target, str):
            continue
        if _JSONLD_KEYWORD.match(target):
            continue
        if _NOT_IN_IRI.search(target) or (":" in target and not _SCHEME.match(target)):
            check.error(
                _pointer(path, term), f"The term {term!r} maps to {target!r}, which is not an IRI."
            )


# --- §4.4 Identifiers, §4.5 Types ---------------------------------------------------------


def _check_optional_id(check: _Checker, node: Mapping[str, Any], path: str) -> None:
    if "id" not in node:
        return
    value = node["id"]
    where = _pointer(path, "id")
    if isinstance(value, list):
        check.error(where, "The id must be a single URL, not a list.")
    elif not is_absolute_iri(value):
        check.error(where, f"The id {value!r} is not a URL.")


def _check_types(
    check: _Checker, node: Mapping[str, Any], path: str, *, required: bool
) -> list[str] | None:
    """The node's types, or None when absent or malformed (reported)."""
    where = _pointer(path, "type")
    if "type" not in node:
        if required:
            check.error(where, "The type property is missing.")
        return None
    raw = node["type"]
    values = raw if isinstance(raw, list) else [raw]
    if not values:
        check.error(where, "The type must name at least one type.")
        return None
    good: list[str] = []
    for value, item_path in _items(raw, where):
        if not isinstance(value, str) or not value or _NOT_IN_IRI.search(value):
            check.error(item_path, f"The type {value!r} is not a term or a URL.")
        else:
            good.append(value)
    return good if len(good) == len(values) else None


# --- §4.7 Issuer, §4.8 Credential subject -------------------------------------------------


def _check_issuer(check: _Checker, doc: Mapping[str, Any]) -> None:
    if "issuer" not in doc:
        check.error("/issuer", "The issuer property is missing.")
        return
    issuer = doc["issuer"]
    if isinstance(issuer, Mapping):
        if "id" not in issuer:
            check.error("/issuer/id", "The issuer object must have an id that is a URL.")
        else:
            _check_optional_id(check, issuer, "/issuer")
        _check_language_strings(check, issuer, "/issuer")
    elif not is_absolute_iri(issuer):
        check.error("/issuer", f"The issuer {issuer!r} is neither a URL nor an object with an id.")


def _check_subjects(check: _Checker, doc: Mapping[str, Any]) -> None:
    if "credentialSubject" not in doc:
        check.error("/credentialSubject", "The credentialSubject property is missing.")
        return
    raw = doc["credentialSubject"]
    if isinstance(raw, list) and not raw:
        check.error("/credentialSubject", "The credentialSubject must not be empty.")
    for subject, path in _items(raw, "/credentialSubject"):
        if not isinstance(subject, Mapping):
            check.error(path, "A credential subject must be an object.")
        elif not subject:
            check.error(path, "A credential subject must make at least one claim.")
        else:
            _check_optional_id(check, subject, path)


# --- §4.6 Names and descriptions ----------------------------------------------------------


def _check_language_strings(check: _Checker, node: Mapping[str, Any], path: str) -> None:
    for key in ("name", "description"):
        if key not in node:
            continue
        for value, item_path in _items(node[key], _pointer(path, key)):
            if isinstance(value, str):
                continue
            if not _is_language_value(value):
                check.error(
                    item_path,
                    f"The {key} must be a string or a language value object "
                    "(@value with optional @language and @direction).",
                )


def _is_language_value(value: Any) -> bool:
    if not isinstance(value, Mapping) or not isinstance(value.get("@value"), str):
        return False
    if set(value) - {"@value", "@language", "@direction"}:
        return False
    language = value.get("@language")
    if language is not None and not (isinstance(language, str) and _LANGUAGE_TAG.match(language)):
        return False
    return value.get("@direction") in (None, "ltr", "rtl")


# --- §4.9 Validity period (VC 1.1 §4.6 issuance and expiration dates) ---------------------


def _instant(value: object) -> Fraction | None:
    """Seconds since 0000-03-01T00:00:00Z of a dateTimeStamp, exact; None if malformed."""
    if not isinstance(value, str):
        return None
    match = _DATE_TIME_STAMP.match(value)
    if not match:
        return None
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    month_days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    if day > month_days[month - 1]:
        return None
    if match["midnight"]:
        hour, minute, second, fraction = 24, 0, 0, Fraction(0)
    else:
        hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"])
        digits = match["fraction"] or "0"
        fraction = Fraction(int(digits), 10 ** len(digits))
    offset = 0
    if match["tz"] != "Z":
        sign = -1 if match["tz"][0] == "-" else 1
        hours, minutes = (14, 0) if match["tzh"] is None else (int(match["tzh"]), int(match["tzm"]))
        offset = sign * (hours * 3600 + minutes * 60)
    days = _days_from_civil(year, month, day)
    return days * 86400 + hour * 3600 + minute * 60 + second + fraction - offset


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days of the proleptic Gregorian calendar, valid for any year (H. Hinnant's algorithm)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era


def _check_date(check: _Checker, doc: Mapping[str, Any], key: str) -> Fraction | None:
    if key not in doc:
        return None
    value = doc[key]
    instant = _instant(value)
    if instant is None:
        check.error(
            _pointer("", key),
            f"The {key} {value!r} is not a date and time with a time zone "
            "(XML Schema dateTimeStamp, e.g. 2026-01-31T09:00:00Z).",
        )
    return instant


def _check_validity(check: _Checker, doc: Mapping[str, Any], vc_version: VcVersion | None) -> None:
    if vc_version == "1.1":
        if "issuanceDate" not in doc:
            check.error("/issuanceDate", "A VC 1.1 credential must have an issuanceDate.")
        start, end = (
            _check_date(check, doc, "issuanceDate"),
            _check_date(check, doc, "expirationDate"),
        )
        end_key = "expirationDate"
        for key in ("validFrom", "validUntil"):
            if key in doc:
                check.warning(
                    _pointer("", key), f"{key} is a VC 2.0 property; VC 1.1 does not define it."
                )
    else:
        start, end = _check_date(check, doc, "validFrom"), _check_date(check, doc, "validUntil")
        end_key = "validUntil"
        for key in ("issuanceDate", "expirationDate"):
            if key in doc:
                check.warning(
                    _pointer("", key),
                    f"{key} is a VC 1.1 property that the VC 2.0 context does not define.",
                )
    if start is not None and end is not None and start > end:
        check.error(
            _pointer("", end_key), f"The {end_key} is earlier than the start of validity.", _RANGE
        )


# --- Typed objects: §4.10 status, §4.11 schemas, §4.12 securing, §5.4-5.6, §5.3 -----------


def _check_typed_objects(check: _Checker, doc: Mapping[str, Any]) -> None:
    for key in ("credentialStatus", "termsOfUse", "evidence", "refreshService", "proof"):
        if key not in doc:
            continue
        for item, path in _items(doc[key], _pointer("", key)):
            if not isinstance(item, Mapping):
                check.error(path, f"Each {key} entry must be an object.")
                continue
            _check_types(check, item, path, required=True)
            _check_optional_id(check, item, path)
    if "credentialSchema" in doc:
        for item, path in _items(doc["credentialSchema"], "/credentialSchema"):
            if not isinstance(item, Mapping):
                check.error(path, "Each credentialSchema entry must be an object.")
                continue
            if "id" not in item:
                check.error(_pointer(path, "id"), "A credentialSchema entry must have an id.")
            _check_optional_id(check, item, path)
            _check_types(check, item, path, required=True)
    if "relatedResource" in doc:
        for item, path in _items(doc["relatedResource"], "/relatedResource"):
            if not isinstance(item, Mapping) or "id" not in item:
                check.error(path, "A relatedResource entry must be an object with an id.")
                continue
            _check_optional_id(check, item, path)
            if "digestSRI" not in item and "digestMultibase" not in item:
                check.error(path, "A relatedResource entry needs digestSRI or digestMultibase.")


# --- Open Badges 3.0 Appendix B -----------------------------------------------------------


def _type_includes(node: Mapping[str, Any], wanted: str) -> bool:
    raw = node.get("type")
    return raw == wanted or (isinstance(raw, list) and wanted in raw)


def _check_open_badge(
    check: _Checker, doc: Mapping[str, Any], vc_version: VcVersion | None
) -> None:
    _check_ob_contexts(check, doc, vc_version)
    if "id" not in doc:
        check.error("/id", "An OB 3.0 credential must have an id.")
    if vc_version != "1.1" and "validFrom" not in doc:
        check.error("/validFrom", "An OB 3.0 credential must have a validFrom date.")
    if "awardedDate" in doc:
        _check_date(check, doc, "awardedDate")
    issuer = doc.get("issuer")
    if isinstance(issuer, Mapping):
        _check_profile(check, issuer, "/issuer")
    if "evidence" in doc:
        for item, path in _items(doc["evidence"], "/evidence"):
            if isinstance(item, Mapping) and not _type_includes(item, "Evidence"):
                check.error(
                    _pointer(path, "type"), "An OB 3.0 evidence entry must be of type Evidence."
                )
    raw_subject = doc.get("credentialSubject")
    if isinstance(raw_subject, list):
        check.warning(
            "/credentialSubject", "OB 3.0 expects a single AchievementSubject, not an array."
        )
    for subject, path in _items(raw_subject, "/credentialSubject"):
        if isinstance(subject, Mapping):
            _check_achievement_subject(check, subject, path)


def _check_ob_contexts(
    check: _Checker, doc: Mapping[str, Any], vc_version: VcVersion | None
) -> None:
    contexts = _context_list(doc.get("@context"))
    versions = [
        (index, _ob_context_version(item))
        for index, item in enumerate(contexts)
        if isinstance(item, str) and _ob_context_version(item)
    ]
    if not versions:
        check.error("/@context", "An OB 3.0 credential must list an Open Badges 3.0 context.")
        return
    index, version = versions[0]
    if version != _CURRENT_OB_VERSION:
        check.warning(
            _pointer("/@context", index),
            f"The OB context is version {version}; the current version is {_CURRENT_OB_VERSION}.",
        )
    if vc_version == "2.0" and index != 1:
        check.warning(
            _pointer("/@context", index), "The OB context should be the second @context item."
        )
    inline_terms = {t for c in contexts if isinstance(c, Mapping) for t in c}
    has_extensions = OB_EXTENSIONS_CONTEXT_URL in contexts
    for key in ("credentialSchema", "credentialStatus", "refreshService"):
        for item, path in _items(doc.get(key), _pointer("", key)):
            if not isinstance(item, Mapping):
                continue
            raw = item.get("type")
            for name in raw if isinstance(raw, list) else [raw]:
                if name in _EXTENSION_TYPES and not has_extensions and name not in inline_terms:
                    # Strict JSON-LD processing refuses the undefined type; that layer decides.
                    check.warning(
                        _pointer(path, "type"),
                        f"The type {name} is defined only by {OB_EXTENSIONS_CONTEXT_URL}, "
                        "which the @context does not list.",
                    )


def _check_profile(check: _Checker, profile: Any, path: str, depth: int = 0) -> None:
    if not isinstance(profile, Mapping):
        if not is_absolute_iri(profile):
            check.error(path, "A profile must be an object or the URL of one.")
        return
    if not _type_includes(profile, "Profile"):
        check.error(_pointer(path, "type"), "An OB 3.0 Profile must be of type Profile.")
    if "url" in profile and not is_absolute_iri(profile["url"]):
        check.error(_pointer(path, "url"), f"The url {profile['url']!r} is not a URL.")
    _check_other_identifiers(check, profile, path)
    # A parentOrg chain is short in practice; the bound keeps hostile input cheap.
    if "parentOrg" in profile and depth < 8:
        _check_profile(check, profile["parentOrg"], _pointer(path, "parentOrg"), depth + 1)


def _check_other_identifiers(check: _Checker, node: Mapping[str, Any], path: str) -> None:
    for entry, entry_path in _items(
        node.get("otherIdentifier", []), _pointer(path, "otherIdentifier")
    ):
        if not isinstance(entry, Mapping):
            check.error(entry_path, "An otherIdentifier entry must be an IdentifierEntry object.")
            continue
        if not _type_includes(entry, "IdentifierEntry"):
            check.error(
                _pointer(entry_path, "type"),
                "An otherIdentifier entry must be of type IdentifierEntry.",
            )
        for key in ("identifier", "identifierType"):
            if not isinstance(entry.get(key), str):
                check.error(_pointer(entry_path, key), f"An IdentifierEntry needs a {key} string.")


def _check_achievement_subject(check: _Checker, subject: Mapping[str, Any], path: str) -> None:
    if not _type_includes(subject, "AchievementSubject"):
        check.error(
            _pointer(path, "type"), "The credential subject must be of type AchievementSubject."
        )
    identifiers = subject.get("identifier")
    if "id" not in subject and not identifiers:
        check.warning(
            path,
            "The subject has neither id nor identifier, so the recipient cannot be identified "
            "(OB 3.0 requires one of them).",
        )
    if identifiers is not None:
        for item, item_path in _items(identifiers, _pointer(path, "identifier")):
            _check_identity_object(check, item, item_path)
    if "source" in subject:
        _check_profile(check, subject["source"], _pointer(path, "source"))
    if "creditsEarned" in subject:
        _check_number(check, subject["creditsEarned"], _pointer(path, "creditsEarned"))
    achievement = subject.get("achievement")
    if not isinstance(achievement, Mapping):
        check.error(
            _pointer(path, "achievement"), "The subject must contain an achievement object."
        )
        return
    levels_by_description = _check_achievement(check, achievement, _pointer(path, "achievement"))
    for result, result_path in _items(subject.get("result", []), _pointer(path, "result")):
        _check_result(check, result, result_path, levels_by_description)


def _check_identity_object(check: _Checker, item: Any, path: str) -> None:
    if not isinstance(item, Mapping):
        check.error(path, "An identifier entry must be an IdentityObject.")
        return
    if not _type_includes(item, "IdentityObject"):
        check.error(_pointer(path, "type"), "An identifier entry must be of type IdentityObject.")
    hashed = item.get("hashed")
    if not isinstance(hashed, bool):
        check.error(_pointer(path, "hashed"), "An IdentityObject needs hashed: true or false.")
    identity = item.get("identityHash")
    if not isinstance(identity, str) or not identity:
        check.error(_pointer(path, "identityHash"), "An IdentityObject needs an identityHash.")
    elif hashed is True and not _IDENTITY_HASH.match(identity):
        check.error(
            _pointer(path, "identityHash"),
            "A hashed identityHash must be sha256$<64 hex digits> or md5$<32 hex digits>.",
        )
    identity_type = item.get("identityType")
    if not isinstance(identity_type, str):
        check.error(_pointer(path, "identityType"), "An IdentityObject needs an identityType.")
    elif identity_type not in _IDENTIFIER_TYPES and not _EXT_TERM.match(identity_type):
        check.warning(
            _pointer(path, "identityType"), f"{identity_type!r} is not an OB 3.0 identity type."
        )
    if "salt" in item and not isinstance(item["salt"], str):
        check.error(_pointer(path, "salt"), "The salt must be a string.")


def _check_number(check: _Checker, value: Any, path: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        check.error(path, "This value must be a number.")


def _require_string(
    check: _Checker, node: Mapping[str, Any], key: str, path: str, what: str
) -> None:
    value = node.get(key)
    if value is None:
        check.error(_pointer(path, key), f"{what} must have a {key}.")
        return
    for item, item_path in _items(value, _pointer(path, key)):
        if not isinstance(item, str) and not _is_language_value(item):
            check.error(item_path, f"The {key} of {what.lower()} must be a string.")


def _check_achievement(
    check: _Checker, achievement: Mapping[str, Any], path: str
) -> dict[str, set[str]]:
    """Checks the Achievement; returns result description id -> its rubric level ids."""
    if "id" not in achievement:
        check.error(_pointer(path, "id"), "An achievement must have an id.")
    _check_optional_id(check, achievement, path)
    if not _type_includes(achievement, "Achievement"):
        check.error(_pointer(path, "type"), "The achievement must be of type Achievement.")
    _require_string(check, achievement, "name", path, "An achievement")
    _require_string(check, achievement, "description", path, "An achievement")
    criteria = achievement.get("criteria")
    if not isinstance(criteria, Mapping):
        check.error(_pointer(path, "criteria"), "An achievement must have a criteria object.")
    elif "id" not in criteria and "narrative" not in criteria:
        check.warning(_pointer(path, "criteria"), "The criteria has neither an id nor a narrative.")
    achievement_type = achievement.get("achievementType")
    if achievement_type is not None and (
        achievement_type not in _ACHIEVEMENT_TYPES
        and not (isinstance(achievement_type, str) and _EXT_TERM.match(achievement_type))
    ):
        check.warning(
            _pointer(path, "achievementType"),
            f"{achievement_type!r} is not an OB 3.0 achievement type (extensions start with ext:).",
        )
    if "creator" in achievement:
        _check_profile(check, achievement["creator"], _pointer(path, "creator"))
    _check_other_identifiers(check, achievement, path)
    if "creditsAvailable" in achievement:
        _check_number(check, achievement["creditsAvailable"], _pointer(path, "creditsAvailable"))
    _check_alignments(check, achievement, path)
    levels: dict[str, set[str]] = {}
    for rd, rd_path in _items(
        achievement.get("resultDescription", []), _pointer(path, "resultDescription")
    ):
        if not isinstance(rd, Mapping):
            check.error(rd_path, "A resultDescription entry must be an object.")
            continue
        rd_levels = _check_result_description(check, rd, rd_path)
        if isinstance(rd.get("id"), str):
            levels[rd["id"]] = rd_levels
    return levels


def _check_alignments(check: _Checker, node: Mapping[str, Any], path: str) -> None:
    for alignment, item_path in _items(node.get("alignment", []), _pointer(path, "alignment")):
        if not isinstance(alignment, Mapping):
            check.error(item_path, "An alignment entry must be an object.")
            continue
        if not _type_includes(alignment, "Alignment"):
            check.error(_pointer(item_path, "type"), "An alignment must be of type Alignment.")
        _require_string(check, alignment, "targetName", item_path, "An alignment")
        if not is_absolute_iri(alignment.get("targetUrl")):
            check.error(_pointer(item_path, "targetUrl"), "An alignment must have a targetUrl URL.")


def _check_result_description(check: _Checker, rd: Mapping[str, Any], path: str) -> set[str]:
    if not is_absolute_iri(rd.get("id")):
        check.error(_pointer(path, "id"), "A resultDescription must have an id that is a URI.")
    if not _type_includes(rd, "ResultDescription"):
        check.error(
            _pointer(path, "type"), "A resultDescription must be of type ResultDescription."
        )
    _require_string(check, rd, "name", path, "A resultDescription")
    result_type = rd.get("resultType")
    if result_type is None:
        check.error(_pointer(path, "resultType"), "A resultDescription must have a resultType.")
    elif result_type not in _RESULT_TYPES and not (
        isinstance(result_type, str) and _EXT_TERM.match(result_type)
    ):
        check.warning(
            _pointer(path, "resultType"), f"{result_type!r} is not an OB 3.0 result type."
        )
    _check_alignments(check, rd, path)
    level_ids: set[str] = set()
    for level, level_path in _items(
        rd.get("rubricCriterionLevel", []), _pointer(path, "rubricCriterionLevel")
    ):
        if not isinstance(level, Mapping):
            check.error(level_path, "A rubricCriterionLevel entry must be an object.")
            continue
        if not is_absolute_iri(level.get("id")):
            check.error(_pointer(level_path, "id"), "A rubric level must have an id that is a URI.")
        else:
            level_ids.add(level["id"])
        if not _type_includes(level, "RubricCriterionLevel"):
            check.error(
                _pointer(level_path, "type"), "A rubric level must be of type RubricCriterionLevel."
            )
        _require_string(check, level, "name", level_path, "A rubric level")
        _check_alignments(check, level, level_path)
    required = rd.get("requiredLevel")
    if required is not None and level_ids and required not in level_ids:
        check.warning(
            _pointer(path, "requiredLevel"), "The requiredLevel is not one of the rubric levels."
        )
    return level_ids


def _check_result(
    check: _Checker, result: Any, path: str, levels_by_description: Mapping[str, set[str]]
) -> None:
    if not isinstance(result, Mapping):
        check.error(path, "A result entry must be an object.")
        return
    if not _type_includes(result, "Result"):
        check.error(_pointer(path, "type"), "A result must be of type Result.")
    _check_alignments(check, result, path)
    described = result.get("resultDescription")
    if described is None:
        return
    if described not in levels_by_description:
        check.warning(
            _pointer(path, "resultDescription"),
            "The result refers to a resultDescription that the achievement does not define.",
        )
        return
    achieved = result.get("achievedLevel")
    if achieved is not None and achieved not in levels_by_description[described]:
        check.warning(
            _pointer(path, "achievedLevel"),
            "The achievedLevel is not one of the rubric levels of its resultDescription.",
        )
