"""The schema check as a pure function of the format check's findings."""

from __future__ import annotations

from leadbadge.verifier.checks._common import FormatOutcome, result
from leadbadge.verifier.checks.format import check_format
from leadbadge.verifier.checks.schema import check_schema
from leadbadge.verifier.report import CheckStatus
from tests.unit.verifier.checks._make import context, credential


def test_a_broken_must_fails_with_every_finding_listed() -> None:
    doc = credential()
    del doc["credentialSubject"]["achievement"]["criteria"]
    ctx = context(doc)
    found = check_schema(ctx, check_format(ctx))
    assert (found.status, found.code) == (CheckStatus.FAIL, "NONCONFORMANT")
    assert "/credentialSubject/achievement" in found.message
    assert found.detail["problems"]


def test_without_findings_it_is_skipped_not_passed() -> None:
    ctx = context()
    failed = FormatOutcome(result("format", CheckStatus.FAIL, "Could not be checked."), None)
    found = check_schema(ctx, failed)
    assert found.status is CheckStatus.SKIPPED
    assert "format check could not be completed" in found.message
