"""Credentials as a pathway: presented prerequisites for issuing, and pathway verification.

Every trust decision here is the verifier's: a credential counts only when
:meth:`leadbadge.verify.Verifier.verify` found it valid. The issuing side gets the result as
plain :class:`~leadbadge.prerequisites.HeldTier` facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from leadbadge.errors import InputError
from leadbadge.prerequisites import HeldTier, parse_instant
from leadbadge.report import CheckStatus, Verdict, VerificationReport

if TYPE_CHECKING:
    from leadbadge.verify import Verifier

__all__ = ["held_from_report", "verify_presented"]


def _tier_of(report: VerificationReport) -> str | None:
    """The tier, as the pinned issuer published it, else as its achievement id names it."""
    trust = report.check("issuer_trust")
    tier = trust.detail.get("tier") if trust.status is CheckStatus.PASS else None
    if isinstance(tier, str):
        return tier
    return report.summary.tier if report.summary is not None else None


def held_from_report(report: VerificationReport) -> HeldTier | None:
    """The tier a valid credential establishes, or None when it is not valid or names none."""
    summary = report.summary
    if report.verdict is not Verdict.VALID or summary is None:
        return None
    tier = _tier_of(report)
    if tier is None or summary.id is None or summary.issuer_id is None:
        return None
    return HeldTier(
        tier=tier,
        credential_id=summary.id,
        issuer_id=summary.issuer_id,
        valid_from=parse_instant(summary.valid_from),
        valid_until=parse_instant(summary.valid_until),
        source="presented",
    )


def _first_problem(report: VerificationReport) -> str:
    wanted = CheckStatus.FAIL if report.verdict is Verdict.INVALID else CheckStatus.UNKNOWN
    found = next((c for c in report.checks if c.status is wanted), None)
    return found.message.rstrip(".") if found else report.verdict.value


def verify_presented(
    verifier: Verifier,
    files: Sequence[Path],
    *,
    email: str,
    now: datetime | None = None,
) -> list[HeldTier]:
    """Verify credentials a candidate presents for prerequisites, each fully and for ``email``.

    Raises :class:`InputError` naming the first file that is not a valid credential awarded to
    ``email`` (invalid or inconclusive: an unestablished credential proves nothing).
    """
    held: list[HeldTier] = []
    for path in files:
        report = verifier.verify(path, recipient=email, now=now, source=str(path))
        if report.verdict is not Verdict.VALID:
            raise InputError(
                f"The presented credential {path} is {report.verdict.value}: "
                f"{_first_problem(report)}.",
                field="prerequisite",
            )
        found = held_from_report(report)
        if found is None:
            raise InputError(
                f"The presented credential {path} names no tier of the framework.",
                field="prerequisite",
            )
        held.append(found)
    return held
