"""What every check shares: the statuses, building a result, and reading the document.

Also the two outcomes later checks depend on: the format check's conformance findings (the
schema check reports the rest of them) and the proof check's result with the issuer key it
judged on the way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from leadbadge.conformance import vc as conformance
from leadbadge.conformance.problems import ConformanceProblem
from leadbadge.verifier.report import CHECK_TITLES, CheckResult, CheckStatus

PASS, WARN, FAIL = CheckStatus.PASS, CheckStatus.WARN, CheckStatus.FAIL
UNKNOWN, SKIPPED, NOT_APPLICABLE = (
    CheckStatus.UNKNOWN,
    CheckStatus.SKIPPED,
    CheckStatus.NOT_APPLICABLE,
)

# W3C problem type names: VC Data Model 2.0 §7.1 "Verification", VC Data Integrity 1.0 §2.2
# "Processing errors" (the status check's are in checks.status).
MALFORMED = "MALFORMED_VALUE_ERROR"
PROOF_ERROR = "PROOF_VERIFICATION_ERROR"
MALFORMED_PROOF = "MALFORMED_PROOF_ERROR"

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


def check_error(check_id: str, error: BaseException) -> CheckResult:
    """The failure a check that raised unexpectedly ends in: never a pass, never a crash."""
    title = CHECK_TITLES[check_id]
    return result(
        check_id,
        FAIL,
        f"{title} could not be checked: leadbadge met an unexpected error "
        f"({type(error).__name__}) in the {check_id} check, so the credential is not accepted.",
        action="Do not rely on the credential; report the problem to leadbadge with the file.",
        code="CHECK_ERROR",
        error=type(error).__name__,
    )


def skipped_after_error(check_id: str, failed: str) -> CheckResult:
    """A check not run because the check it depends on could not be completed."""
    return result(
        check_id,
        SKIPPED,
        f"{CHECK_TITLES[check_id]} not checked: the {failed} check could not be completed.",
    )


@dataclass(frozen=True)
class FormatOutcome:
    """The format check's result, and the conformance findings the schema check reports."""

    result: CheckResult
    #: Every finding of the data model rules; None when they could not be computed.
    shape: Sequence[ConformanceProblem] | None


@dataclass(frozen=True)
class ProofOutcome:
    """The proof check's result and the issuer key it looked up and judged on the way."""

    result: CheckResult
    key: CheckResult


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
