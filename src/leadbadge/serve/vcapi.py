"""VC-API request and response shapes: strict reading of request bodies, a verification report
as a VC-API verification result, and JSON error bodies.

VC-API (w3c-ccg/vc-api) ``VerificationResult``: ``verified``, ``checks`` (the checks that
passed), ``warnings`` and ``errors`` (problem details, VC Data Model 2.0 §7.1). The full
leadbadge report (docs/verification.md) rides along under ``report``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from leadbadge import CheckResult, CheckStatus, PresentationReport, Verdict, VerificationReport

__all__ = [
    "MAX_NESTING",
    "BodyError",
    "check_options",
    "error_body",
    "object_member",
    "parse_body",
    "problem_type_url",
    "verification_result",
]

#: Deepest JSON nesting a request body may have (credentials nest about ten levels).
MAX_NESTING: Final = 128

#: Where each problem type name leadbadge reports is defined.
_PROBLEM_BASES: Final[Mapping[str, str]] = {
    "PARSING_ERROR": "https://www.w3.org/TR/vc-data-model#",
    "CRYPTOGRAPHIC_SECURITY_ERROR": "https://www.w3.org/TR/vc-data-model#",
    "MALFORMED_VALUE_ERROR": "https://www.w3.org/TR/vc-data-model#",
    "RANGE_ERROR": "https://www.w3.org/TR/vc-data-model#",
    "PROOF_VERIFICATION_ERROR": "https://w3id.org/security#",
    "PROOF_GENERATION_ERROR": "https://w3id.org/security#",
    "MALFORMED_PROOF_ERROR": "https://w3id.org/security#",
    "STATUS_RETRIEVAL_ERROR": "https://www.w3.org/ns/credentials/status-list#",
    "STATUS_VERIFICATION_ERROR": "https://www.w3.org/ns/credentials/status-list#",
}
_LEADBADGE_PROBLEMS: Final = "https://w3id.org/leadbadge/problems#"


class BodyError(ValueError):
    """A request body that is not one JSON object of the expected shape."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name in out:
            # What was signed, or asked to be signed, would be ambiguous.
            raise BodyError(f"The request body has the member {json.dumps(name)} twice.")
        out[name] = value
    return out


def _no_constant(name: str) -> Any:
    raise BodyError(f"The request body holds {name}, which is not JSON.")


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_NESTING:
                break
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def parse_body(data: bytes) -> dict[str, Any]:
    """The request body as a JSON object: UTF-8, no duplicate member names, no NaN or
    Infinity, nesting bounded. Raises :class:`BodyError` with one sentence otherwise."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyError("The request body is not UTF-8 text.") from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except RecursionError:
        raise BodyError(f"The request body nests deeper than {MAX_NESTING} levels.") from None
    except ValueError as error:
        if isinstance(error, BodyError):
            raise
        raise BodyError("The request body is not valid JSON.") from None
    if not isinstance(value, dict):
        raise BodyError("The request body must be a JSON object.")
    if _depth(value) > MAX_NESTING:
        raise BodyError(f"The request body nests deeper than {MAX_NESTING} levels.")
    return value


def object_member(body: Mapping[str, Any], name: str) -> dict[str, Any]:
    """``body[name]``, which must be a JSON object."""
    value = body.get(name)
    if not isinstance(value, dict):
        what = "is missing" if name not in body else "must be a JSON object"
        raise BodyError(f"The request body's {json.dumps(name)} {what}.", field=name)
    return value


def check_options(body: Mapping[str, Any]) -> None:
    """``options``, when given, must be a JSON object (VC-API); none of its members changes
    what is checked or signed."""
    if "options" in body:
        object_member(body, "options")


def problem_type_url(name: str) -> str:
    """The URL of a problem type name (VC 2.0 §7.1 names them by URL)."""
    return _PROBLEM_BASES.get(name, _LEADBADGE_PROBLEMS) + name


def _problem(check: CheckResult) -> dict[str, Any]:
    name = check.problem_type or (check.code or check.id).upper()
    detail = check.message if not check.action else f"{check.message} {check.action}"
    out: dict[str, Any] = {
        "type": problem_type_url(name),
        "title": check.to_json()["title"],
        "detail": detail,
        "check": check.id,
    }
    if check.code:
        out["code"] = check.code
    return out


def verification_result(report: VerificationReport | PresentationReport) -> dict[str, Any]:
    """A VC-API verification result for ``report`` (a credential's or a presentation's):
    verified only for a valid verdict.

    ``errors`` lists the failed checks and, for an inconclusive verdict, the required checks
    that could not be determined (so an unverified result always says why); ``warnings`` the
    checks that passed with a caveat and the optional ones that could not be determined.
    """
    verified = report.verdict is Verdict.VALID
    checks, warnings, errors = [], [], []
    for check in report.checks:
        if check.status in (CheckStatus.PASS, CheckStatus.WARN):
            checks.append(check.id)
        if check.status is CheckStatus.FAIL or (
            check.status is CheckStatus.UNKNOWN and check.id in report.required
        ):
            errors.append(_problem(check))
        elif check.status in (CheckStatus.WARN, CheckStatus.UNKNOWN):
            warnings.append(_problem(check))
    return {
        "verified": verified,
        "checks": checks,
        "warnings": warnings,
        "errors": errors,
        "report": report.to_json(),
    }


def error_body(status: int, code: str, message: str, *, field: str | None = None) -> dict[str, Any]:
    """A JSON error body (RFC 9457 problem details members, plus leadbadge's stable ``code``)."""
    out: dict[str, Any] = {
        "type": problem_type_url(code),
        "title": _TITLES.get(status, "Request refused"),
        "status": status,
        "detail": message,
        "code": code,
    }
    if field is not None:
        out["field"] = field
    return out


_TITLES: Final[Mapping[int, str]] = {
    400: "Bad request",
    401: "Unauthorized",
    404: "Not found",
    405: "Method not allowed",
    413: "Request body too large",
    415: "Unsupported media type",
    500: "Internal error",
    501: "Not implemented",
}
