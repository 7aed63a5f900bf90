"""The validity check: is the credential inside its validity period at the instant judged.

VC Data Model 2.0 §4.9 Validity Period (``validFrom``, ``validUntil``); VC Data Model 1.1 §4.6
Issuance Date, §4.7 Expiration (``issuanceDate``, ``expirationDate``); OB 3.0
"OpenBadgeCredential Verification" step 4. Judged at the context's ``now`` with the policy's
clock skew.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from leadbadge.conformance.problems import shown
from leadbadge.verifier.checks._common import FAIL, MALFORMED, PASS, iso, parse_date, result
from leadbadge.verifier.checks._context import CheckContext
from leadbadge.verifier.report import CheckResult

__all__ = ["check_validity"]


def check_validity(ctx: CheckContext) -> CheckResult:
    doc, now, skew = ctx.doc, ctx.valid_at, ctx.policy.max_clock_skew
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
                f"The {key} value {shown(doc[key])} is not a date and time with a time zone, so "
                "the validity period cannot be read.",
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
