"""The proof check: does the credential's signature verify, made by its issuer.

VC Data Integrity 1.0 §4.4 "Verify Proof" and §4.5 (proof sets: every proof of an accepted
suite verifies, and one is the issuer's), EdDSA Cryptosuites v1.0 §3.2.2 (eddsa-rdfc-2022,
"Verify Proof") and the legacy Ed25519Signature2020; the suites are
:mod:`leadbadge.proof.eddsa_rdfc_2022`. The key is found as Controlled Identifiers 1.0 §3.3 asks
(:mod:`leadbadge.verifier.keys`) and judged by :mod:`leadbadge.verifier.checks.issuer_key`. A
VC-JWT's proof is its JWS signature (:mod:`leadbadge.verifier.checks.proof_jwt`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadbadge.errors import (
    CanonicalizationLimitError,
    ContextNotAllowedError,
    LeadbadgeError,
    SignatureError,
    UnsupportedProofError,
    VerificationMethodError,
)
from leadbadge.proof import ed25519_signature_2020, eddsa_rdfc_2022
from leadbadge.verifier.checks._common import (
    FAIL,
    MALFORMED_PROOF,
    PASS,
    PROOF_ERROR,
    SKIPPED,
    UNKNOWN,
    WARN,
    ProofOutcome,
    as_list,
    clause,
    iso,
    result,
)
from leadbadge.verifier.checks._context import CheckContext
from leadbadge.verifier.checks.issuer_key import key_refused, key_result
from leadbadge.verifier.keys import KeyLookup
from leadbadge.verifier.report import CheckResult

__all__ = ["check_proof"]


def check_proof(ctx: CheckContext, jsonld: CheckResult) -> ProofOutcome:
    """The ``proof`` check, with the ``issuer_key`` result judged on the way.

    ``jsonld`` is the JSON-LD check's result: when it failed, the signed data cannot be
    computed and the signature is not checked.
    """
    return ProofOutcome(*_proof_and_key(ctx, jsonld))


def _proof_and_key(ctx: CheckContext, strict: CheckResult) -> tuple[CheckResult, CheckResult]:
    if ctx.jwt is not None:
        # OB 3.0 §8.2: a VC-JWT's proof is its JWS signature, over the token's bytes (an
        # embedded proof inside it is covered by that signature and not relied on).
        from leadbadge.verifier.checks.proof_jwt import check_jwt_proof  # noqa: PLC0415 -- JWTs

        return check_jwt_proof(ctx, ctx.jwt)
    proofs = as_list(ctx.doc.get("proof"))
    if not proofs:
        return (
            result(
                "proof",
                FAIL,
                "The credential has no proof: nothing shows who issued it or that it is unchanged.",
                action="Ask the issuer for the signed credential.",
                code="NO_PROOF",
                problem_type=MALFORMED_PROOF,
            ),
            result("issuer_key", SKIPPED, "No key to look up: the credential has no proof."),
        )
    if strict.status is FAIL:
        return (
            result(
                "proof",
                SKIPPED,
                "The signature was not checked: the JSON-LD check failed, so the signed "
                "data cannot be computed.",
            ),
            result("issuer_key", SKIPPED, "No key was looked up: the signature was not checked."),
        )
    lookup = KeyLookup(ctx.pinned, ctx.issuer_id)
    if ctx.trust_problem is not None:
        lookup.pinned = None
    try:
        verified = eddsa_rdfc_2022.verify(
            ctx.doc,
            issuer=ctx.issuer_id,
            resolver=lookup,
            allowed=ctx.policy.allowed_proofs,
            unsecured_quads=ctx.computed.get("unsecured_quads"),
        )
    except SignatureError:
        return (
            result(
                "proof",
                FAIL,
                "The signature does not match the credential: it was changed after signing "
                "or signed with another key.",
                action="Treat the credential as forged; ask the holder for the file the "
                "issuer sent.",
                code="INVALID_SIGNATURE",
                problem_type=PROOF_ERROR,
                verificationMethod=lookup.vm_id,
            ),
            key_result(ctx, lookup, None),
        )
    except UnsupportedProofError as error:
        return (
            result(
                "proof",
                UNKNOWN,
                f"The proof cannot be checked: {clause(error.message)}",
                action="Ask the issuer for the credential signed with eddsa-rdfc-2022.",
                code="UNSUPPORTED_PROOF",
                problem_type=PROOF_ERROR,
                found=_proof_kinds(proofs) or None,
            ),
            result(
                "issuer_key",
                UNKNOWN,
                "The issuer's key was not looked up: the proof type is not supported.",
                code="UNSUPPORTED_PROOF",
            ),
        )
    except VerificationMethodError as error:
        return key_refused(ctx, lookup, error)
    except ContextNotAllowedError as error:
        return (
            result(
                "proof",
                UNKNOWN,
                f"The signature cannot be checked offline: the context {error.url} is not "
                "shipped with leadbadge.",
                action="Ask the issuer which context this is; leadbadge never fetches contexts.",
                code="CONTEXT_UNAVAILABLE",
                problem_type=PROOF_ERROR,
            ),
            key_result(ctx, lookup, None),
        )
    except CanonicalizationLimitError as error:
        return (
            result(
                "proof",
                UNKNOWN,
                f"The signature cannot be checked: {clause(error.message)}",
                action="Ask the issuer for a smaller credential.",
                code="TOO_COMPLEX",
                problem_type=PROOF_ERROR,
            ),
            key_result(ctx, lookup, None),
        )
    except LeadbadgeError as error:
        # A malformed proof (no proofValue, a bad multibase…) or data the suite refuses.
        return (
            result(
                "proof",
                FAIL,
                f"The proof is malformed: {clause(error.message)}",
                action="Treat the credential as unverified and ask the issuer to reissue it.",
                code="MALFORMED_PROOF",
                problem_type=MALFORMED_PROOF,
            ),
            key_result(ctx, lookup, None, proof_failed=True),
        )
    detail: dict[str, Any] = {
        "cryptosuite": verified.cryptosuite,
        "verificationMethod": verified.verification_method,
        "created": iso(verified.created) if verified.created else None,
        "expires": iso(verified.expires) if verified.expires else None,
    }
    key = key_result(ctx, lookup, verified)
    if verified.expires is not None and ctx.valid_at - ctx.policy.max_clock_skew > verified.expires:
        # Data Integrity 1.0 §4.4: a proof past its ``expires`` does not verify.
        proof = result(
            "proof",
            FAIL,
            f"The signature matches, but the proof expired on {iso(verified.expires)}.",
            action="Ask the holder for a credential with a current proof.",
            code="PROOF_EXPIRED",
            problem_type=PROOF_ERROR,
            **detail,
        )
        return proof, key
    if verified.warnings:
        legacy = verified.cryptosuite in (
            eddsa_rdfc_2022.LEGACY_CRYPTOSUITE,
            ed25519_signature_2020.PROOF_TYPE,
        )
        proof = result(
            "proof",
            WARN,
            f"The {verified.cryptosuite} signature matches the credential. {verified.warnings[0]}",
            action="It still verifies; the issuer should sign new credentials with eddsa-rdfc-2022."
            if legacy
            else "The issuer's signature verifies; the other proofs were not relied on.",
            code="LEGACY_SUITE" if legacy else "OTHER_PROOFS",
            warnings=list(verified.warnings),
            **detail,
        )
        return proof, key
    proof = result(
        "proof",
        PASS,
        f"The {verified.cryptosuite} signature matches the credential.",
        **detail,
    )
    return proof, key


def _proof_kinds(proofs: list[Any]) -> list[str]:
    """``type/cryptosuite`` of each proof, for the report."""
    kinds: list[str] = []
    for proof in proofs:
        if isinstance(proof, Mapping):
            kind = "/".join(str(proof[k]) for k in ("type", "cryptosuite") if k in proof)
            if kind and kind not in kinds:
                kinds.append(kind)
    return kinds
