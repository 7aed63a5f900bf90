"""The verification report: every check with a status, a summary of the credential, one verdict.

A verifiable presentation gets a
:class:`~leadbadge.verifier.report_presentation.PresentationReport`: its own checks (the holder's
proof, challenge, domain) and one :class:`VerificationReport` per credential it carries.
The JSON forms (``to_json()``) have a documented, stable shape (docs/verification.md): fields
are only ever added, never renamed or removed. The presentation classes live in
:mod:`leadbadge.verifier.report_presentation`, which verifying a credential does not load.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from leadbadge.verifier.report_presentation import PresentationReport

__all__ = [
    "CHECK_IDS",
    "PRESENTATION_CHECK_IDS",
    "CheckResult",
    "CheckStatus",
    "CredentialSummary",
    "Verdict",
    "VerificationFailedError",
    "VerificationReport",
    "compute_verdict",
    "deciding_check",
]

#: Every report lists these checks, in this order.
CHECK_IDS: tuple[str, ...] = (
    "format",
    "jsonld",
    "schema",
    "proof",
    "issuer_key",
    "issuer_trust",
    "validity",
    "status",
    "recipient",
)

#: Every presentation report lists these checks, in this order (its credentials have their own).
PRESENTATION_CHECK_IDS: tuple[str, ...] = (
    "format",
    "jsonld",
    "holder_proof",
    "holder",
    "challenge",
    "domain",
    "credentials",
)

#: What each check answers, for people reading a report.
CHECK_TITLES: Mapping[str, str] = {
    "holder_proof": "Holder's signature",
    "holder": "Holder binding",
    "challenge": "Challenge",
    "domain": "Domain",
    "credentials": "Credentials",
    "format": "Format and version",
    "jsonld": "JSON-LD strictness",
    "schema": "OB 3.0 conformance",
    "proof": "Signature",
    "issuer_key": "Issuer key",
    "issuer_trust": "Issuer trust",
    "validity": "Validity window",
    "status": "Revocation status",
    "recipient": "Recipient",
}


class CheckStatus(StrEnum):
    PASS = "pass"  # noqa: S105 - a status name, not a password
    #: Passed with a caveat the reader should see (older context, VC 1.1 form, legacy suite name).
    WARN = "warn"
    FAIL = "fail"
    #: Could not be determined (key not found, list not cached, network off). Never a pass.
    UNKNOWN = "unknown"
    #: Not run because a check it depends on failed.
    SKIPPED = "skipped"
    NOT_APPLICABLE = "not_applicable"


class Verdict(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    INCONCLUSIVE = "inconclusive"

    @property
    def exit_code(self) -> int:
        return {Verdict.VALID: 0, Verdict.INVALID: 1, Verdict.INCONCLUSIVE: 2}[self]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check."""

    id: str
    status: CheckStatus
    #: One sentence: what was found.
    message: str
    #: When not passing: what the reader can do about it.
    action: str | None = None
    #: W3C VC problem type name where one exists (``PROOF_VERIFICATION_ERROR``…).
    problem_type: str | None = None
    #: Where the material came from and how old it is, and other specifics.
    detail: Mapping[str, Any] = field(default_factory=dict)
    #: Why the check did not simply pass, as a stable name scripts can match (``EXPIRED``,
    #: ``WRONG_KEY``, ``KEY_UNRESOLVABLE``…; the list is in docs/verification.md).
    code: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "title": CHECK_TITLES.get(self.id, self.id),
            "status": self.status.value,
            "message": self.message,
        }
        if self.action:
            out["action"] = self.action
        if self.code:
            out["code"] = self.code
        if self.problem_type:
            out["problemType"] = self.problem_type
        if self.detail:
            out["detail"] = dict(self.detail)
        return out


@dataclass(frozen=True)
class CredentialSummary:
    """What the credential claims, for display; claims are only shown next to the verdict."""

    id: str | None = None
    issuer_id: str | None = None
    issuer_name: str | None = None
    tier: str | None = None
    achievement_id: str | None = None
    achievement_name: str | None = None
    recipient_name: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    awarded: str | None = None
    vc_version: str | None = None
    ob_version: str | None = None
    source_format: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "issuer": {"id": self.issuer_id, "name": self.issuer_name},
            "tier": self.tier,
            "achievement": {"id": self.achievement_id, "name": self.achievement_name},
            "recipientName": self.recipient_name,
            "validFrom": self.valid_from,
            "validUntil": self.valid_until,
            "awardedDate": self.awarded,
            "vcVersion": self.vc_version,
            "obVersion": self.ob_version,
            "sourceFormat": self.source_format,
        }


def compute_verdict(checks: Sequence[CheckResult], required: frozenset[str]) -> Verdict:
    """Invalid if any check fails; inconclusive if a required check is unknown; else valid."""
    if any(c.status is CheckStatus.FAIL for c in checks):
        return Verdict.INVALID
    if any(c.status is CheckStatus.UNKNOWN and c.id in required for c in checks):
        return Verdict.INCONCLUSIVE
    return Verdict.VALID


def deciding_check(
    checks: Sequence[CheckResult], verdict: Verdict, required: frozenset[str]
) -> CheckResult | None:
    """The check that explains a verdict that is not valid: the first failing check of an
    invalid one, the first required check that could not be done of an inconclusive one."""
    if verdict is Verdict.INVALID:
        return next((c for c in checks if c.status is CheckStatus.FAIL), None)
    if verdict is Verdict.INCONCLUSIVE:
        return next(
            (c for c in checks if c.status is CheckStatus.UNKNOWN and c.id in required), None
        )
    return None


class VerificationFailedError(Exception):
    """Raised by ``raise_for_verdict`` (of a credential's or a presentation's report) when the
    verdict is not valid."""

    def __init__(self, report: VerificationReport | PresentationReport) -> None:
        deciding = report.deciding_check
        first = f" {deciding.message}" if deciding else ""
        what = "credential" if isinstance(report, VerificationReport) else "presentation"
        super().__init__(f"The {what} is {report.verdict.value}.{first}")
        self.report = report


@dataclass(frozen=True)
class VerificationReport:
    """Everything a verifier found about one input."""

    input: str
    verdict: Verdict
    checks: tuple[CheckResult, ...]
    evaluated_at: datetime
    summary: CredentialSummary | None = None
    #: The checks whose ``unknown`` makes the verdict inconclusive (the policy's choice).
    required: frozenset[str] = frozenset()

    def check(self, check_id: str) -> CheckResult:
        return next(c for c in self.checks if c.id == check_id)

    @property
    def deciding_check(self) -> CheckResult | None:
        """The check that explains a verdict that is not valid (see :func:`deciding_check`)."""
        return deciding_check(self.checks, self.verdict, self.required)

    @property
    def exit_code(self) -> int:
        return self.verdict.exit_code

    def raise_for_verdict(self) -> None:
        if self.verdict is not Verdict.VALID:
            raise VerificationFailedError(self)

    def to_json(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "verdict": self.verdict.value,
            "evaluatedAt": self.evaluated_at.isoformat().replace("+00:00", "Z"),
            "credential": self.summary.to_json() if self.summary else None,
            "checks": [{**c.to_json(), "required": c.id in self.required} for c in self.checks],
        }
