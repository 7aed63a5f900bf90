"""The issuer_trust check as a pure function of what the verifier gathered about the issuer."""

from __future__ import annotations

import pytest

from leadbadge.verifier.checks._common import ProofOutcome, result
from leadbadge.verifier.checks.issuer_trust import check_issuer_trust
from leadbadge.verifier.report import CheckStatus
from tests.unit.verifier.checks._make import ISSUER, context, credential

PROOF = ProofOutcome(
    result("proof", CheckStatus.PASS, "Matches."), result("issuer_key", CheckStatus.PASS, "Ok.")
)


def test_an_issuer_nobody_pinned_is_unknown_and_says_whether_a_store_was_given() -> None:
    without = check_issuer_trust(context(), PROOF)
    assert (without.status, without.code) == (CheckStatus.UNKNOWN, "NOT_PINNED")
    assert ISSUER in without.message
    assert "no trust store was given" in without.message
    given = check_issuer_trust(context(trust_store_given=True), PROOF)
    assert "no trust store was given" not in given.message


@pytest.mark.parametrize(
    ("issuer", "command"),
    [
        ("did:web:leadership.riverside.example", True),
        ("did:web:rcoe.example.org:leadership", True),
        ("did:web:localhost%3A8443", True),
        (ISSUER, False),  # nothing to fetch: a did:key is its own key
        ("https://badges.example.org/issuer", False),
        ("did:web:evil.example;rm -rf ~", False),
        ("did:web:evil.example$(id)", False),
        ("did:web:evil.example:..", False),
    ],
)
def test_an_unpinned_did_web_issuer_is_named_in_the_command_that_pins_it(
    issuer: str, command: bool
) -> None:
    found = check_issuer_trust(context(credential(issuer=issuer), trust_store_given=True), PROOF)
    assert found.code == "NOT_PINNED"
    assert found.action is not None
    if command:
        assert f"`leadbadge trust add {issuer}`" in found.action
    else:
        assert "leadbadge trust add did:" not in found.action
        assert "`leadbadge trust add`" in found.action


def test_a_trust_store_that_could_not_be_read_is_named() -> None:
    found = check_issuer_trust(context(trust_problem="the file x.json is damaged"), PROOF)
    assert (found.status, found.code) == (CheckStatus.UNKNOWN, "TRUST_STORE_ERROR")
    assert "x.json" in found.message
