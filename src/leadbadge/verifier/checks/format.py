"""The format check: is this a Verifiable Credential, of which versions, an Open Badge or not.

VC Data Model 2.0 §4.3 (Contexts), §4.5 (Types), §4.7 (Issuer); VC Data Model 1.1 §4.1, §4.3;
OB 3.0 "OpenBadgeCredential Verification" (which credentials it covers). The data model rules
(:mod:`leadbadge.conformance.vc`) run once here; the findings outside what makes a document
a credential are the schema check's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from leadbadge.conformance import vc as conformance
from leadbadge.conformance.problems import ConformanceProblem
from leadbadge.verifier.checks._common import (
    FAIL,
    MALFORMED,
    PASS,
    WARN,
    FormatOutcome,
    as_list,
    clause,
    is_format_path,
    result,
)
from leadbadge.verifier.checks._context import CheckContext
from leadbadge.verifier.report import CheckResult

__all__ = ["check_format"]

# OB 3.0 "OpenBadgeCredential Verification" and "EndorsementCredential Verification": the
# credential types an Open Badges verifier reads.
_OB_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential", "EndorsementCredential"})
_VC_TYPE_IRI = "https://www.w3.org/2018/credentials#VerifiableCredential"
_OB2_CONTEXT = "https://w3id.org/openbadges/v2"


def check_format(ctx: CheckContext) -> FormatOutcome:
    """The ``format`` check, with every data model finding for the schema check."""
    shape = tuple(conformance.check_credential_shape(ctx.doc))
    return FormatOutcome(_judge(ctx.doc, shape), shape)


def _judge(doc: Mapping[str, Any], shape: Sequence[ConformanceProblem]) -> CheckResult:
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
