"""The format check as a pure function: what the document is, and the findings left to schema."""

from __future__ import annotations

from leadbadge.verifier.checks.format import check_format
from leadbadge.verifier.report import CheckStatus
from tests.unit.verifier.checks._make import context, credential


def test_an_open_badge_passes_and_hands_its_findings_on() -> None:
    outcome = check_format(context())
    assert outcome.result.status is CheckStatus.PASS
    assert outcome.result.detail["obVersion"] == "3.0.3"
    assert outcome.shape == ()


def test_findings_outside_the_format_are_left_to_the_schema_check() -> None:
    doc = credential()
    del doc["credentialSubject"]["achievement"]["criteria"]
    outcome = check_format(context(doc))
    assert outcome.result.status is CheckStatus.PASS
    assert outcome.shape
    assert all(not p.path.startswith(("/type", "/@context", "/issuer")) for p in outcome.shape)


def test_no_verifiable_credential_type_is_malformed() -> None:
    outcome = check_format(context(credential(type=["OpenBadgeCredential"])))
    assert (outcome.result.status, outcome.result.code) == (CheckStatus.FAIL, "MALFORMED")
