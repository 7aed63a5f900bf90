"""The proof check of a VC-JWT: the JWS signature over the token, by a key of its issuer.

OB 3.0 §8.2 "JSON Web Token Proof Format" (§8.2.6 "Verify a Credential"): a VC-JWT's proof is
its JWS signature over the token's bytes, and an embedded proof inside it is covered by that
signature and not relied on; RFC 7515 §5.2 (validating the signature); RFC 8725 §3.1 (the
algorithm comes from the key and the policy, never from the token alone: a key pinned by hand
verifies only with the algorithm of its type).
"""

from __future__ import annotations

from typing import Any

from leadbadge.errors import (
    LeadbadgeError,
    SignatureError,
    UnsupportedProofError,
    VerificationMethodError,
)
from leadbadge.proof import vc_jwt
from leadbadge.verifier.checks._common import (
    FAIL,
    MALFORMED_PROOF,
    PASS,
    PROOF_ERROR,
    SKIPPED,
    UNKNOWN,
    WARN,
    clause,
    iso,
    result,
)
from leadbadge.verifier.checks._context import CheckContext
from leadbadge.verifier.checks.issuer_key import jwt_key_result, key_refused
from leadbadge.verifier.keys import PIN_IT, JwtKeys, KeyLookup
from leadbadge.verifier.report import CheckResult

__all__ = ["check_jwt_proof"]


def check_jwt_proof(ctx: CheckContext, token: str) -> tuple[CheckResult, CheckResult]:
    lookup = KeyLookup(ctx.pinned, ctx.issuer_id)
    if ctx.trust_problem is not None:
        lookup.pinned = None
    keys = JwtKeys(lookup)
    try:
        # The resolver sees the token too: for an issuer pinned by key, the key known out of
        # band is the pinned one that made the signature, whatever the kid calls it.
        keys.token = vc_jwt.parse(token)
        verified = vc_jwt.verify(
            keys.token, resolver=keys, allowed=ctx.policy.allowed_jwt_algorithms
        )
    except SignatureError:
        return (
            result(
                "proof",
                FAIL,
                "The VC-JWT signature does not match the token: it was changed after signing "
                "or signed with another key.",
                action="Treat the credential as forged; ask the holder for the file the "
                "issuer sent.",
                code="INVALID_SIGNATURE",
                problem_type=PROOF_ERROR,
                kid=lookup.vm_id,
            ),
            jwt_key_result(ctx, lookup, keys, None),
        )
    except UnsupportedProofError as error:
        return (
            result(
                "proof",
                UNKNOWN,
                f"The VC-JWT cannot be checked: {clause(error.message)}",
                action="Ask the issuer for the credential signed with RS256, ES256, ES384 or "
                "EdDSA.",
                code="UNSUPPORTED_PROOF",
                problem_type=PROOF_ERROR,
            ),
            result(
                "issuer_key",
                UNKNOWN,
                "The issuer's key was not looked up: the JWS algorithm is not accepted.",
                code="UNSUPPORTED_PROOF",
            ),
        )
    except VerificationMethodError as error:
        if lookup.vm_id is None:
            # No kid to look up: the header names no key at all (or no issuer to tie to).
            return (
                result(
                    "proof",
                    UNKNOWN,
                    f"The VC-JWT cannot be checked: {clause(error.message)}",
                    action="Ask the issuer for a token whose header names its key (kid).",
                    code="KEY_UNRESOLVABLE",
                    problem_type=PROOF_ERROR,
                ),
                result(
                    "issuer_key",
                    UNKNOWN,
                    f"No key could be found: {clause(error.message)}",
                    action=PIN_IT,
                    code="KEY_UNRESOLVABLE",
                ),
            )
        return key_refused(ctx, lookup, error)
    except LeadbadgeError as error:
        return (
            result(
                "proof",
                FAIL,
                f"The VC-JWT is not valid: {clause(error.message)}",
                action="Treat the credential as unverified and ask the issuer to reissue it.",
                code="MALFORMED_PROOF",
                problem_type=MALFORMED_PROOF,
            ),
            result("issuer_key", SKIPPED, "No key was relied on: the token was refused."),
        )
    key = jwt_key_result(ctx, lookup, keys, verified)
    detail: dict[str, Any] = {
        "format": "VC-JWT",
        "alg": verified.alg,
        "kid": verified.kid,
        "jwkThumbprint": verified.key.thumbprint,
        "signedAt": iso(verified.signed_at) if verified.signed_at else None,
        "vcClaim": True if verified.form == "vc1" else None,
    }
    if key.status is FAIL:
        proof = result(
            "proof",
            FAIL,
            "The VC-JWT was not signed with a key of the credential's issuer.",
            action=key.action,
            code="WRONG_KEY",
            problem_type=PROOF_ERROR,
            **detail,
        )
        return proof, key
    if verified.warnings:
        proof = result(
            "proof",
            WARN,
            f"The VC-JWT signature ({verified.alg}) matches the credential. {verified.warnings[0]}",
            action="It still verifies; the issuer should follow OB 3.0 §8.2 in new tokens.",
            code="JWT_CLAIMS",
            warnings=list(verified.warnings),
            **detail,
        )
        return proof, key
    message = f"The VC-JWT signature ({verified.alg}) matches the credential."
    return result("proof", PASS, message, **detail), key
