"""The jsonld check as a pure function: strict expansion, with proofs of types leadbadge does
not verify left out (they are not signed content, and the proof check names them)."""

from __future__ import annotations

from typing import Any

import pytest

from leadbadge.verifier.checks.jsonld import check_jsonld
from leadbadge.verifier.report import CheckStatus
from tests.unit.verifier.checks._make import ISSUER, context, credential

DI_PROOF: dict[str, Any] = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": "2026-11-23T13:00:00Z",
    "verificationMethod": f"{ISSUER}#{ISSUER.removeprefix('did:key:')}",
    "proofPurpose": "assertionMethod",
    "proofValue": "z" + "1" * 86,
}
UNKNOWN_PROOF: dict[str, Any] = {"type": "SomeProofType", "someUndefinedTerm": "x"}


@pytest.mark.parametrize(
    "proof", [UNKNOWN_PROOF, [UNKNOWN_PROOF, DI_PROOF], [DI_PROOF, {"type": ["A", "B"]}]]
)
def test_proofs_of_unverified_types_are_left_out_and_named(proof: Any) -> None:
    found = check_jsonld(context(credential(proof=proof)))
    assert found.status is CheckStatus.PASS, found.message
    assert found.detail["skippedProofTypes"] in (["SomeProofType"], ["A, B"])


@pytest.mark.parametrize(
    "proof",
    [
        {**DI_PROOF, "someUndefinedTerm": "x"},
        [UNKNOWN_PROOF, {**DI_PROOF, "someUndefinedTerm": "x"}],
        # A type list naming a verified type keeps the proof in: its terms must be defined.
        {**UNKNOWN_PROOF, "type": ["DataIntegrityProof", "SomeProofType"]},
    ],
)
def test_a_proof_that_is_verified_stays_strict(proof: Any) -> None:
    found = check_jsonld(context(credential(proof=proof)))
    assert (found.status, found.code) == (CheckStatus.FAIL, "MALFORMED")


def test_content_outside_the_proofs_stays_strict() -> None:
    doc = credential(proof=UNKNOWN_PROOF, someUndefinedTerm="unsigned text")
    found = check_jsonld(context(doc))
    assert (found.status, found.code) == (CheckStatus.FAIL, "MALFORMED")


def test_inline_contexts_and_directional_text_pass() -> None:
    doc = credential()
    doc["@context"] = [*doc["@context"], {"cohort": "https://leaders.example.org/vocab#cohort"}]
    doc["cohort"] = "Spring 2026"
    doc["name"] = {"@value": "شهادة", "@language": "ar", "@direction": "rtl"}
    found = check_jsonld(context(doc))
    assert found.status is CheckStatus.PASS, found.message


def test_an_inline_second_name_for_a_published_term_fails_with_its_path() -> None:
    until = {
        "@id": "https://www.w3.org/2018/credentials#validUntil",
        "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
    }
    doc = credential()
    doc["@context"] = [*doc["@context"], {"until": until}]
    doc["until"] = "2020-01-01T00:00:00Z"
    found = check_jsonld(context(doc))
    assert (found.status, found.code) == (CheckStatus.FAIL, "MALFORMED")
    assert found.detail["path"] == "/until"


def test_an_inline_import_of_an_unshipped_context_is_unknown_not_fetched() -> None:
    doc = credential()
    doc["@context"] = [*doc["@context"], {"@import": "https://evil.example/context"}]
    found = check_jsonld(context(doc))
    assert (found.status, found.code) == (CheckStatus.UNKNOWN, "CONTEXT_UNAVAILABLE")
    assert found.detail["url"] == "https://evil.example/context"
