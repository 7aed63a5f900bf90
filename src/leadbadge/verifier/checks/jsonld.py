"""The jsonld check: JSON-LD expansion that refuses what it would silently drop.

JSON-LD 1.1 Processing Algorithms §5 "Expansion", strict: every term, type and IRI defined by
the credential's own (shipped) contexts; VC Data Integrity 1.0 §2.1: what does not reach the
canonical form is not signed, so a credential that loses content in expansion is refused.
"""

from __future__ import annotations

from leadbadge.errors import CanonicalizationLimitError, ContextNotAllowedError, JsonLdError
from leadbadge.ld.expand import expand_strict
from leadbadge.verifier.checks._common import FAIL, MALFORMED, PASS, UNKNOWN, clause, result
from leadbadge.verifier.checks._context import CheckContext
from leadbadge.verifier.report import CheckResult

__all__ = ["check_jsonld"]


def check_jsonld(ctx: CheckContext) -> CheckResult:
    try:
        expand_strict(ctx.doc)
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
