"""The recipient check as a pure function, malformed identifiers included."""

from __future__ import annotations

from typing import Any

import pytest

from leadbadge.verifier.checks.recipient import check_recipient
from leadbadge.verifier.report import CheckStatus
from tests.unit.verifier.checks._make import context, credential


def _with_identity_type(value: Any) -> dict[str, Any]:
    doc = credential()
    doc["credentialSubject"]["identifier"][0]["identityType"] = value
    return doc


def test_not_asked_matched_and_mismatched() -> None:
    assert check_recipient(context()).status is CheckStatus.NOT_APPLICABLE
    ana = check_recipient(context(recipient="Ana.Ruiz@example.org"))
    assert ana.status is CheckStatus.PASS
    other = check_recipient(context(recipient="someone@example.org"))
    assert (other.status, other.code) == (CheckStatus.FAIL, "RECIPIENT_MISMATCH")


@pytest.mark.parametrize("value", [["emailAddress"], {"@value": "emailAddress"}, 7, None])
def test_an_identity_type_that_is_not_a_string_names_no_email(value: Any) -> None:
    found = check_recipient(context(_with_identity_type(value), recipient="ana.ruiz@example.org"))
    assert (found.status, found.code) == (CheckStatus.UNKNOWN, "NO_IDENTIFIER")
