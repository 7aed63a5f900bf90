"""The verdict follows from the checks; the JSON shape is stable."""

from __future__ import annotations

import pytest

from leadbadge.verifier.report import (
    CHECK_IDS,
    CheckResult,
    CheckStatus,
    CredentialSummary,
    Verdict,
    VerificationFailedError,
    VerificationReport,
    compute_verdict,
    deciding_check,
)
from tests.conftest import FIXED_NOW

REQUIRED = frozenset({"format", "jsonld", "schema", "proof", "issuer_key", "validity", "status"})


def _checks(**statuses: CheckStatus) -> list[CheckResult]:
    return [
        CheckResult(cid, statuses.get(cid, CheckStatus.PASS), f"{cid} checked.")
        for cid in CHECK_IDS
    ]


def test_all_pass_is_valid() -> None:
    assert compute_verdict(_checks(), REQUIRED) is Verdict.VALID


def test_warn_and_not_applicable_stay_valid() -> None:
    checks = _checks(format=CheckStatus.WARN, recipient=CheckStatus.NOT_APPLICABLE)
    assert compute_verdict(checks, REQUIRED) is Verdict.VALID


def test_any_fail_is_invalid_even_with_unknowns() -> None:
    checks = _checks(validity=CheckStatus.FAIL, status=CheckStatus.UNKNOWN)
    assert compute_verdict(checks, REQUIRED) is Verdict.INVALID


def test_unknown_required_check_is_inconclusive() -> None:
    assert compute_verdict(_checks(status=CheckStatus.UNKNOWN), REQUIRED) is Verdict.INCONCLUSIVE


def test_unknown_optional_check_does_not_change_verdict() -> None:
    checks = _checks(issuer_trust=CheckStatus.UNKNOWN)
    assert compute_verdict(checks, REQUIRED) is Verdict.VALID
    assert compute_verdict(checks, REQUIRED | {"issuer_trust"}) is Verdict.INCONCLUSIVE


@pytest.mark.parametrize(
    ("verdict", "code"), [(Verdict.VALID, 0), (Verdict.INVALID, 1), (Verdict.INCONCLUSIVE, 2)]
)
def test_exit_codes(verdict: Verdict, code: int) -> None:
    assert verdict.exit_code == code


def test_json_shape_and_raise_for_verdict() -> None:
    checks = _checks(proof=CheckStatus.FAIL)
    report = VerificationReport(
        input="cred.json",
        verdict=compute_verdict(checks, REQUIRED),
        checks=tuple(checks),
        evaluated_at=FIXED_NOW,
        summary=CredentialSummary(tier="initial", achievement_name="Initial"),
    )
    data = report.to_json()
    assert data["verdict"] == "invalid"
    assert data["evaluatedAt"] == "2026-11-23T12:00:00Z"
    assert [c["id"] for c in data["checks"]] == list(CHECK_IDS)
    assert data["credential"]["tier"] == "initial"
    assert report.check("proof").status is CheckStatus.FAIL
    with pytest.raises(VerificationFailedError, match="invalid"):
        report.raise_for_verdict()


def _report(checks: list[CheckResult], required: frozenset[str] = REQUIRED) -> VerificationReport:
    return VerificationReport(
        input="cred.json",
        verdict=compute_verdict(checks, required),
        checks=tuple(checks),
        evaluated_at=FIXED_NOW,
        required=required,
    )


def test_the_deciding_check_of_an_invalid_verdict_is_the_first_failure_not_an_unknown() -> None:
    # An optional check that could not run comes first; the failure still explains the verdict.
    report = _report(_checks(issuer_trust=CheckStatus.UNKNOWN, status=CheckStatus.FAIL))
    assert report.verdict is Verdict.INVALID
    assert report.deciding_check is report.check("status")
    with pytest.raises(VerificationFailedError, match=r"invalid\. status checked\."):
        report.raise_for_verdict()


def test_the_deciding_check_of_an_inconclusive_verdict_is_a_required_unknown() -> None:
    report = _report(_checks(recipient=CheckStatus.UNKNOWN, status=CheckStatus.UNKNOWN))
    assert report.verdict is Verdict.INCONCLUSIVE
    assert report.deciding_check is report.check("status")


def test_a_valid_verdict_has_no_deciding_check() -> None:
    checks = _checks(format=CheckStatus.WARN, issuer_trust=CheckStatus.UNKNOWN)
    assert _report(checks).deciding_check is None
    assert deciding_check(checks, Verdict.VALID, REQUIRED) is None
