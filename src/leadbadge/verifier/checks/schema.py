"""The schema check: does the credential follow the VC and OB 3.0 data models.

VC Data Model 2.0 §4 and the OB 3.0 data model (Appendix "Data Models"), with OB 3.0
"OpenBadgeCredential Verification" step 1 (the subject has an id or an identifier). The rules
themselves are :mod:`leadbadge.conformance.vc`, run once by the format check.
"""

from __future__ import annotations

from leadbadge.verifier.checks._common import (
    FAIL,
    PASS,
    WARN,
    FormatOutcome,
    clause,
    is_format_path,
    result,
    skipped_after_error,
)
from leadbadge.verifier.checks._context import CheckContext
from leadbadge.verifier.report import CheckResult

__all__ = ["check_schema"]


def check_schema(ctx: CheckContext, form: FormatOutcome) -> CheckResult:
    """The ``schema`` check: the data model findings the format check left to it."""
    del ctx  # the findings were computed once, by the format check
    shape = form.shape
    if shape is None:
        return skipped_after_error("schema", "format")
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
