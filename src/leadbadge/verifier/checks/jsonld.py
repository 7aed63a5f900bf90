"""The jsonld check: JSON-LD expansion that refuses what it would silently drop.

JSON-LD 1.1 Processing Algorithms §5 "Expansion", strict: every term, type and IRI defined by
the credential's own (shipped) contexts; VC Data Integrity 1.0 §2.1: what does not reach the
canonical form is not signed, so a credential that loses content in expansion is refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadbadge.errors import CanonicalizationLimitError, ContextNotAllowedError, JsonLdError
from leadbadge.ld.canonical import strict_quads
from leadbadge.verifier.checks._common import FAIL, MALFORMED, PASS, UNKNOWN, clause, result
from leadbadge.verifier.checks._context import CheckContext
from leadbadge.verifier.report import CheckResult

__all__ = ["check_jsonld"]


#: The proof types leadbadge verifies; a proof of another type is not checked at all (the proof
#: check names it), so its terms are not ours to judge either.
CHECKED_PROOF_TYPES = frozenset({"DataIntegrityProof", "Ed25519Signature2020"})


def _without_unknown_proofs(doc: Mapping[str, Any]) -> tuple[Mapping[str, Any], list[str]]:
    """``doc`` without the proofs of types leadbadge does not verify, and those types.

    Safe to leave out: a proof is never part of what a Data Integrity proof signs (§4.2 removes
    every proof before canonicalizing), and the proofs that are checked are expanded here and
    again, strictly, with their own options when their signature is checked.
    """
    proofs = doc.get("proof")
    if proofs is None:
        return doc, []
    listed = proofs if isinstance(proofs, list) else [proofs]
    kept, skipped = [], []
    for proof in listed:
        kind = proof.get("type") if isinstance(proof, Mapping) else None
        kinds = kind if isinstance(kind, list) else [kind]
        if isinstance(proof, Mapping) and not CHECKED_PROOF_TYPES & {
            k for k in kinds if isinstance(k, str)
        }:
            skipped.append(", ".join(str(k) for k in kinds))
        else:
            kept.append(proof)
    if not skipped:
        return doc, []
    rest = {k: v for k, v in doc.items() if k != "proof"}
    if kept:
        rest["proof"] = kept if isinstance(proofs, list) else kept[0]
    return rest, skipped


def check_jsonld(ctx: CheckContext) -> CheckResult:
    document, skipped = _without_unknown_proofs(ctx.doc)
    try:
        # The proof check hashes the quads of the credential without its proofs: one expansion.
        ctx.computed["unsecured_quads"] = strict_quads(document).unsecured
    except ContextNotAllowedError as error:
        return result(
            "jsonld",
            UNKNOWN,
            f"The credential uses the JSON-LD context {error.url}, which leadbadge does not "
            "ship, so its content cannot be interpreted offline.",
            action="Ask the issuer which context this is; leadbadge never fetches contexts.",
            code="CONTEXT_UNAVAILABLE",
            problem_type=MALFORMED,
            url=error.url,
        )
    except CanonicalizationLimitError as error:
        return result(
            "jsonld",
            UNKNOWN,
            f"The credential is too large or complex to process: {clause(error.message)}",
            action="Ask the issuer for a smaller credential.",
            code="TOO_COMPLEX",
            problem_type=MALFORMED,
        )
    except JsonLdError as error:
        return result(
            "jsonld",
            FAIL,
            f"The credential's JSON-LD is not strict: {clause(error.message)}",
            action="Content its contexts do not define is not covered by the signature; ask "
            "the issuer to reissue the credential.",
            code="MALFORMED",
            problem_type=error.problem_type,
            path=error.path,
        )
    if skipped:
        return result(
            "jsonld",
            PASS,
            "Every term is defined by the credential's contexts (proofs of types leadbadge does "
            f"not verify are left out: {'; '.join(skipped)}).",
            skippedProofTypes=skipped,
        )
    return result("jsonld", PASS, "Every term is defined by the credential's contexts.")
