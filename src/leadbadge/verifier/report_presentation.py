"""The report of a verifiable presentation: its own checks and one report per credential.

Kept apart from :mod:`leadbadge.verifier.report` so that verifying a credential, which never
needs these classes, does not create them (each dataclass costs about a millisecond at start-up).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadbadge.verifier.report import (
    CheckResult,
    Verdict,
    VerificationFailedError,
    VerificationReport,
    deciding_check,
)

__all__ = ["PresentationReport", "PresentationSummary", "PresentedCredential"]


@dataclass(frozen=True)
class PresentationSummary:
    """What the presentation says about itself, for display."""

    id: str | None = None
    holder: str | None = None
    vc_version: str | None = None
    #: ``json`` or ``jwt`` (or the carrier and the encoding, as for a credential).
    source_format: str | None = None
    #: Whether the presentation carries a proof (or is a VP-JWT): not whether it verified.
    signed: bool = False
    #: The key of the holder's proof, as the proof names it.
    verification_method: str | None = None
    #: The ``challenge`` and ``domain`` the holder's proof carries (VP-JWT: ``nonce``, ``aud``).
    challenge: str | None = None
    domain: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "holder": self.holder,
            "vcVersion": self.vc_version,
            "sourceFormat": self.source_format,
            "signed": self.signed,
            "verificationMethod": self.verification_method,
            "challenge": self.challenge,
            "domain": list(self.domain),
        }


@dataclass(frozen=True)
class PresentedCredential:
    """One entry of a presentation's ``verifiableCredential``: its full report, or why there is
    none (an entry that is not a readable credential)."""

    #: Its position in ``verifiableCredential``, from 1.
    position: int
    verdict: Verdict
    report: VerificationReport | None = None
    #: How it was carried: ``embedded`` (a JSON credential), ``enveloped`` (an
    #: EnvelopedVerifiableCredential), ``jwt`` (a VC-JWT string in a VP-JWT).
    carried: str = "embedded"
    #: When unreadable: ``code``, ``message``, ``problemType``.
    error: Mapping[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "position": self.position,
            "carried": self.carried,
            "verdict": self.verdict.value,
        }
        if self.report is not None:
            out["report"] = self.report.to_json()
        if self.error is not None:
            out["error"] = dict(self.error)
        return out


@dataclass(frozen=True)
class PresentationReport:
    """Everything a verifier found about one presentation and each credential in it.

    The verdict covers both: a presentation is valid only when its own checks pass and every
    credential it carries is valid (the ``credentials`` check says which are not).
    """

    input: str
    verdict: Verdict
    checks: tuple[CheckResult, ...]
    credentials: tuple[PresentedCredential, ...]
    evaluated_at: datetime
    summary: PresentationSummary
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
            "kind": "presentation",
            "verdict": self.verdict.value,
            "evaluatedAt": self.evaluated_at.isoformat().replace("+00:00", "Z"),
            "presentation": self.summary.to_json(),
            "checks": [{**c.to_json(), "required": c.id in self.required} for c in self.checks],
            "credentials": [c.to_json() for c in self.credentials],
        }
