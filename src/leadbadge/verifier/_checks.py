"""The verifier's document checks: pure functions of the credential, the clock and the policy.

Each check returns one :class:`~leadbadge.verifier.report.CheckResult` and names the section of the
specification it implements. The checks that need keys or the trust store (proof, issuer key,
issuer trust) live in :mod:`leadbadge.verifier.verify`, the status check in
:mod:`leadbadge.verifier._status`; :mod:`leadbadge.verifier.verify` runs everything in order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from leadbadge.conformance import rules as conformance
from leadbadge.conformance.rules import ConformanceProblem
from leadbadge.errors import CanonicalizationLimitError, ContextNotAllowedError, JsonLdError
from leadbadge.ld.expand import expand_strict
from leadbadge.pathway.credential import matches_identity
from leadbadge.verifier.report import CHECK_TITLES, CheckResult, CheckStatus

PASS, WARN, FAIL = CheckStatus.PASS, CheckStatus.WARN, CheckStatus.FAIL
UNKNOWN, SKIPPED, NOT_APPLICABLE = (
    CheckStatus.UNKNOWN,
    CheckStatus.SKIPPED,
    CheckStatus.NOT_APPLICABLE,
)

# W3C problem type names: VC Data Model 2.0 §7.1 "Verification", VC Data Integrity 1.0 §2.2
# "Processing errors" (the status check's are in _verify_status).
MALFORMED = "MALFORMED_VALUE_ERROR"
PROOF_ERROR = "PROOF_VERIFICATION_ERROR"
MALFORMED_PROOF = "MALFORMED_PROOF_ERROR"

# OB 3.0 "OpenBadgeCredential Verification" and "EndorsementCredential Verification": the
# credential types an Open Badges verifier reads.
_OB_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential"})
_VC_TYPE_IRI = "https://www.w3.org/2018/credentials#VerifiableCredential"
_OB2_CONTEXT = "https://w3id.org/openbadges/v2"
_EMAIL_TYPES = frozenset({"emailAddress", "email"})
_DATE_TIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d+))?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})$"
)


def result(
    check_id: str,
    status: CheckStatus,
    message: str,
    *,
    action: str | None = None,
    code: str | None = None,
    problem_type: str | None = None,
    **detail: Any,
) -> CheckResult:
    """A check result; ``detail`` entries that are None are left out."""
    return CheckResult(
        id=check_id,
        status=status,
        message=message,
        action=action,
        problem_type=problem_type,
        detail={k: v for k, v in detail.items() if v is not None},
        code=code,
    )


def skipped_after_failed_proof(check_id: str) -> CheckResult:
    return result(
        check_id,
        SKIPPED,
        f"{CHECK_TITLES[check_id]} not checked: the proof failed, so the content proves nothing.",
    )


def clause(message: str) -> str:
    """A sentence made into a clause that can follow a colon ("The term…" -> "the term…")."""
    if len(message) > 1 and message[0].isupper() and message[1].islower():
        return message[0].lower() + message[1:]
    return message


# --- reading the document --------------------------------------------------------------------


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def text(value: Any) -> str | None:
    """A plain string from a string, a JSON-LD value object, or a list of them (first wins)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("@value"), str):
        return str(value["@value"])
    if isinstance(value, list):
        return next((t for t in map(text, value) if t is not None), None)
    return None


def issuer_id(doc: Mapping[str, Any]) -> str | None:
    issuer = doc.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def subjects(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [s for s in as_list(doc.get("credentialSubject")) if isinstance(s, Mapping)]


def achievement_id(doc: Mapping[str, Any]) -> str | None:
    for subject in subjects(doc):
        achievement = subject.get("achievement")
        if isinstance(achievement, Mapping) and isinstance(achievement.get("id"), str):
            return str(achievement["id"])
    return None


def recipient_name(doc: Mapping[str, Any]) -> str | None:
    """The plain-text name an issuer gave the recipient (an IdentityObject of type ``name``)."""
    for subject in subjects(doc):
        for item in as_list(subject.get("identifier")):
            if (
                isinstance(item, Mapping)
                and item.get("identityType") == "name"
                and item.get("hashed") is False
                and isinstance(item.get("identityHash"), str)
            ):
                return str(item["identityHash"])
        name = text(subject.get("name"))
        if name:
            return name
    return None


def parse_date(value: Any) -> datetime | None:
    """An XSD dateTimeStamp (VC Data Model 2.0 §4.9) as an aware datetime, else None."""
    if not isinstance(value, str) or not conformance.is_date_time_stamp(value):
        return None
    match = _DATE_TIME.match(value)
    if match is None:
        return None
    fraction = (match.group("fraction") or "")[:6].ljust(6, "0")
    clock = match.group("time")
    next_day = clock == "24:00:00"
    tz = "+00:00" if match.group("tz") == "Z" else match.group("tz")
    try:
        parsed = datetime.fromisoformat(
            f"{match.group('date')}T{'00:00:00' if next_day else clock}.{fraction}{tz}"
        )
    except ValueError:
        return None
    return (parsed + timedelta(days=1) if next_day else parsed).astimezone(UTC)


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def is_format_path(path: str) -> bool:
    """Problems at these paths decide what the document is (format); the rest are schema's."""
    # VC Data Model 2.0 §4.3 contexts, §4.5 types, §4.7 issuer: without them a document is not
    # a credential at all.
    return path in ("/type", "/issuer", "/issuer/id") or path.startswith(("/@context", "/type/"))


# --- format: VC Data Model 2.0 §4.3 Contexts, §4.5 Types, §4.7 Issuer; VC Data Model 1.1
# --- §4.1, §4.3; OB 3.0 "OpenBadgeCredential Verification" (which credentials it covers) -------


def check_format(doc: Mapping[str, Any], shape: Sequence[ConformanceProblem]) -> CheckResult:
    vc_version, ob_version = conformance.detect_versions(doc)
    contexts = [c for c in as_list(doc.get("@context")) if isinstance(c, str)]
    types = [t for t in as_list(doc.get("type")) if isinstance(t, str)]
    problems = [p for p in shape if is_format_path(p.path)]
    errors = [p for p in problems if p.severity == "error"]
    detail: dict[str, Any] = {"vcVersion": vc_version, "obVersion": ob_version, "types": types}
    if _OB2_CONTEXT in contexts or "Assertion" in types:
        return result(
            "format",
            FAIL,
            "This is an Open Badges 2.0 assertion, not an Open Badges 3.0 credential.",
            action="Ask the issuer for the credential in Open Badges 3.0 form.",
            code="MALFORMED",
            problem_type=MALFORMED,
            **detail,
        )
    if vc_version is None or not ({"VerifiableCredential", _VC_TYPE_IRI} & set(types)):
        why = clause(errors[0].message) if errors else "it names no Verifiable Credential type."
        return result(
            "format",
            FAIL,
            f"This is not a Verifiable Credential: {why}",
            action="Check that the file is the credential itself, as the issuer sent it.",
            code="MALFORMED",
            problem_type=MALFORMED,
            problems=[str(p) for p in problems] or None,
            **detail,
        )
    if errors:
        return result(
            "format",
            FAIL,
            f"The credential is malformed: {clause(errors[0].message)}",
            action="Ask the issuer to reissue the credential.",
            code="MALFORMED",
            problem_type=errors[0].problem_type,
            problems=[str(p) for p in problems],
            **detail,
        )
    label = f"VC {vc_version}"
    if not _OB_TYPES & set(types):
        return result(
            "format",
            WARN,
            f"A {label} credential of type {', '.join(types)}, not an Open Badge; only what "
            "every Verifiable Credential has was checked.",
            action="Make sure this is the credential you meant to verify.",
            code="NOT_OPEN_BADGE",
            **detail,
        )
    label += f", Open Badges {ob_version}" if ob_version else ""
    warnings = [p for p in problems if p.severity == "warning"]
    if warnings:
        return result(
            "format",
            WARN,
            f"{label}. {warnings[0].message}",
            action="It still verifies; the issuer should use the current versions in new "
            "credentials.",
            code="OLD_VERSION",
            problems=[str(p) for p in warnings],
            **detail,
        )
    return result("format", PASS, f"{label}.", **detail)


# --- jsonld: JSON-LD 1.1 Processing Algorithms §5 "Expansion", refusing what it would drop;
# --- VC Data Integrity 1.0 §2.1 (what is not in the canonical form is not signed) -------------


def check_jsonld(doc: Mapping[str, Any]) -> CheckResult:
    try:
        expand_strict(doc)
    except ContextNotAllowedError as error:
        return result(
            "jsonld",
            UNKNOWN,
            f"The credential uses the JSON-LD context {error.url}, which leadbadge does not "
            "ship, so its content cannot be interpreted offline.",
            action="Ask the issuer which context this is; leadbadge never fetches contexts.",
            code="CONTEXT_UNAVAILABLE",
            problem_type=MALFORMED,
            url=error.url,
        )
    except CanonicalizationLimitError as error:
        return result(
            "jsonld",
            UNKNOWN,
            f"The credential is too large or complex to process: {clause(error.message)}",
            action="Ask the issuer for a smaller credential.",
            code="TOO_COMPLEX",
            problem_type=MALFORMED,
        )
    except JsonLdError as error:
        return result(
            "jsonld",
            FAIL,
            f"The credential's JSON-LD is not strict: {clause(error.message)}",
            action="Content its contexts do not define is not covered by the signature; ask "
            "the issuer to reissue the credential.",
            code="MALFORMED",
            problem_type=error.problem_type,
            path=error.path,
        )
    return result("jsonld", PASS, "Every term is defined by the credential's contexts.")


# --- schema: VC Data Model 2.0 §4 and the OB 3.0 data model (Appendix "Data Models"), with OB
# --- 3.0 "OpenBadgeCredential Verification" step 1 (the subject has an id or identifier) ------


def check_schema(shape: Sequence[ConformanceProblem]) -> CheckResult:
    problems = [p for p in shape if not is_format_path(p.path)]
    errors = [p for p in problems if p.severity == "error"]
    listed = [str(p) for p in problems] or None
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return result(
            "schema",
            FAIL,
            f"The credential breaks the data model at {errors[0].path or '/'}: "
            f"{clause(errors[0].message)}{more}",
            action="Ask the issuer to reissue a conforming credential.",
            code="NONCONFORMANT",
            problem_type=errors[0].problem_type,
            problems=listed,
        )
    if problems:
        return result(
            "schema",
            WARN,
            problems[0].message,
            action="The credential is usable; the issuer should fix this in new credentials.",
            code="NONCONFORMANT",
            problems=listed,
        )
    return result("schema", PASS, "The credential follows the VC and OB 3.0 data models.")


# --- validity: VC Data Model 2.0 §4.9 Validity Period (validFrom, validUntil); VC Data Model
# --- 1.1 §4.6 Issuance Date, §4.7 Expiration; OB 3.0 "OpenBadgeCredential Verification" step 4


def check_validity(doc: Mapping[str, Any], now: datetime, skew: timedelta) -> CheckResult:
    start_key = "validFrom" if "validFrom" in doc else "issuanceDate"
    end_key = "validUntil" if "validUntil" in doc else "expirationDate"
    bounds: dict[str, datetime | None] = {}
    for key in (start_key, end_key):
        if key not in doc:
            bounds[key] = None
            continue
        parsed = parse_date(doc[key])
        if parsed is None:
            return result(
                "validity",
                FAIL,
                f"The {key} value {doc[key]!r} is not a date and time with a time zone, so the "
                "validity period cannot be read.",
                action="Ask the issuer to reissue the credential.",
                code="MALFORMED",
                problem_type=MALFORMED,
            )
        bounds[key] = parsed
    start, end = bounds[start_key], bounds[end_key]
    detail: dict[str, Any] = {
        "now": iso(now),
        start_key: iso(start) if start else None,
        end_key: iso(end) if end else None,
        "maxClockSkewSeconds": int(skew.total_seconds()),
    }
    if start is not None and now + skew < start:
        return result(
            "validity",
            FAIL,
            f"The credential is not valid until {iso(start)}.",
            action="Verify it again after that date.",
            code="NOT_YET_VALID",
            **detail,
        )
    if end is not None and now - skew > end:
        return result(
            "validity",
            FAIL,
            f"The credential expired on {iso(end)}.",
            action="Ask the holder for a renewed credential.",
            code="EXPIRED",
            **detail,
        )
    if end is None:
        since = f" since {iso(start)}" if start else ""
        return result("validity", PASS, f"Valid{since}, with no end date.", **detail)
    since = f"from {iso(start)} " if start else ""
    return result("validity", PASS, f"Valid {since}until {iso(end)}.", **detail)


# --- recipient: OB 3.0 "Verify the Recipient Using an Identifier" (IdentityObject,
# --- IdentityHash); "OpenBadgeCredential Verification" step 5 -------------------------------


def recipient_not_asked() -> CheckResult:
    return result(
        "recipient",
        NOT_APPLICABLE,
        "No recipient was given to check (use --recipient EMAIL to check one).",
    )


def check_recipient(doc: Mapping[str, Any], email: str | None) -> CheckResult:
    if email is None:
        return recipient_not_asked()
    identities = [
        item
        for subject in subjects(doc)
        for item in as_list(subject.get("identifier"))
        if isinstance(item, Mapping) and item.get("identityType") in _EMAIL_TYPES
    ]
    if not identities:
        return result(
            "recipient",
            UNKNOWN,
            "The credential has no e-mail identifier, so it cannot be matched to an e-mail "
            "address.",
            action="Confirm the holder's identity another way (the subject's id, a document).",
            code="NO_IDENTIFIER",
        )
    if any(matches_identity(item, email) for item in identities):
        return result("recipient", PASS, f"The credential was awarded to {email}.")
    return result(
        "recipient",
        FAIL,
        f"The credential was not awarded to {email}.",
        action="Check the address with the holder; the credential names someone else.",
        code="RECIPIENT_MISMATCH",
    )
