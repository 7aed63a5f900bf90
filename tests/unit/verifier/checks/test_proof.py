"""The proof check as a pure function: what it says before any signature is computed."""

from __future__ import annotations

from leadbadge.verifier.checks._common import result
from leadbadge.verifier.checks.jsonld import check_jsonld
from leadbadge.verifier.checks.proof import check_proof
from leadbadge.verifier.report import CheckStatus
from tests.unit.verifier.checks._make import context, credential


def test_no_proof_fails_and_no_key_is_looked_up() -> None:
    ctx = context()
    outcome = check_proof(ctx, check_jsonld(ctx))
    assert (outcome.result.status, outcome.result.code) == (CheckStatus.FAIL, "NO_PROOF")
    assert outcome.key.status is CheckStatus.SKIPPED


def test_after_a_failed_jsonld_check_the_signature_is_not_computed() -> None:
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "proofPurpose": "assertionMethod",
        "verificationMethod": "did:key:z6Mk#z6Mk",
        "proofValue": "z1",
    }
    ctx = context(credential(proof=proof))
    failed = result("jsonld", CheckStatus.FAIL, "Not strict.")
    outcome = check_proof(ctx, failed)
    assert outcome.result.status is CheckStatus.SKIPPED
    assert outcome.key.status is CheckStatus.SKIPPED
