"""The validity check reads the instant from the context, never from the clock."""

from __future__ import annotations

from datetime import timedelta

from leadbadge.verifier.checks.validity import check_validity
from leadbadge.verifier.report import CheckStatus
from tests.conftest import FIXED_NOW
from tests.unit.verifier.checks._make import context, credential

START = FIXED_NOW + timedelta(hours=1)  # the validFrom of the test credential


def test_judged_at_the_contexts_instant_with_the_policys_skew() -> None:
    assert check_validity(context(now=START)).status is CheckStatus.PASS
    early = check_validity(context(now=START - timedelta(minutes=6)))
    assert (early.status, early.code) == (CheckStatus.FAIL, "NOT_YET_VALID")
    within_skew = check_validity(context(now=START - timedelta(minutes=4)))
    assert within_skew.status is CheckStatus.PASS


def test_expiry_and_unreadable_dates() -> None:
    doc = credential(validUntil="2027-01-01T00:00:00Z")
    expired = check_validity(context(doc, now=FIXED_NOW + timedelta(days=400)))
    assert (expired.status, expired.code) == (CheckStatus.FAIL, "EXPIRED")
    garbled = check_validity(context(credential(validFrom=["2026-11-23T13:00:00Z"]), now=START))
    assert (garbled.status, garbled.code) == (CheckStatus.FAIL, "MALFORMED")
