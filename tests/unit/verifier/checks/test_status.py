"""The status check in the pipeline: the lists come from the context, never fetched here."""

from __future__ import annotations

from leadbadge.verifier.checks._common import ProofOutcome, result
from leadbadge.verifier.checks.status import check_credential_status
from leadbadge.verifier.report import CheckStatus
from tests.unit.verifier.checks._make import context, credential

PROOF = ProofOutcome(
    result("proof", CheckStatus.PASS, "Matches."), result("issuer_key", CheckStatus.PASS, "Ok.")
)
LIST = "https://rcoe.example.org/leadership/status/1.json"
ENTRY = {
    "id": f"{LIST}#4",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "4",
    "statusListCredential": LIST,
}


def test_no_entry_is_not_applicable() -> None:
    found = check_credential_status(context(), PROOF)
    assert found.status is CheckStatus.NOT_APPLICABLE


def test_a_list_the_context_does_not_hold_is_unknown() -> None:
    found = check_credential_status(context(credential(credentialStatus=ENTRY)), PROOF)
    assert (found.status, found.code) == (CheckStatus.UNKNOWN, "STATUS_UNCHECKABLE")
    assert found.detail["entries"][0]["list"] == LIST
