"""The issuer_key check: was the proof made with a key of the credential's issuer, in use then.

Controlled Identifiers 1.0 §3.3 "Retrieve Verification Method" against the trust store's key
history (a key with a period must have been in use at the proof's ``created``, else at
``validFrom``); for a VC-JWT, OB 3.0 §8.2.3 (the ``kid``, or a ``jwk`` in the header), the
JsonWebKeys of a pinned DID document, and the keys of an issuer pinned by key (``trust
add-key``), which stand for the issuer however the token names them. The key is looked up
while the signature is checked (the suite asks :class:`~leadbadge.verifier.keys.KeyLookup` for
it), and a proof is only the issuer's when its key is, so the proof checks call the judgements
here and carry the result to :func:`check_issuer_key` in their
:class:`~leadbadge.verifier.checks._common.ProofOutcome`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from leadbadge.crypto.jwk import PublicJwk
from leadbadge.errors import VerificationMethodError
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.trust.pins import PinnedIssuer
from leadbadge.verifier.checks._common import (
    FAIL,
    MALFORMED_PROOF,
    PASS,
    PROOF_ERROR,
    SKIPPED,
    UNKNOWN,
    ProofOutcome,
    clause,
    iso,
    parse_date,
    result,
)
from leadbadge.verifier.checks._context import CheckContext
from leadbadge.verifier.keys import JwtKeys, KeyLookup, assertion_ids
from leadbadge.verifier.report import CheckResult

if TYPE_CHECKING:
    from leadbadge.proof import vc_jwt

__all__ = [
    "check_issuer_key",
    "jwt_key_result",
    "key_refused",
    "key_result",
    "key_result_at",
]


def check_issuer_key(ctx: CheckContext, proof: ProofOutcome) -> CheckResult:
    """The ``issuer_key`` check, as judged while the proof was verified."""
    del ctx  # judged with the proof: the suite looked the key up as it checked the signature
    return proof.key


def key_refused(
    ctx: CheckContext, lookup: KeyLookup, error: VerificationMethodError
) -> tuple[CheckResult, CheckResult]:
    refusal = lookup.refusal
    if lookup.vm_id is None:
        # Refused before any key was looked up: a proof purpose other than assertionMethod,
        # or no issuer to tie the proof to.
        return (
            result(
                "proof",
                FAIL,
                f"The proof does not vouch for this credential: {clause(error.message)}",
                action="Ask the issuer to reissue the credential.",
                code="MALFORMED_PROOF",
                problem_type=MALFORMED_PROOF,
            ),
            result("issuer_key", SKIPPED, "No key was looked up: the proof was refused."),
        )
    if refusal is not None and refusal.status is UNKNOWN:
        proof = result(
            "proof",
            UNKNOWN,
            "The signature cannot be checked without the issuer's key.",
            action=refusal.action,
            code="KEY_UNRESOLVABLE",
            problem_type=PROOF_ERROR,
        )
        if ctx.trust_problem is not None:
            refusal = result(
                "issuer_key",
                UNKNOWN,
                f"The trust store could not be read: {ctx.trust_problem}",
                action="Repair or remove the damaged trust store entry, then pin the issuer again.",
                code="TRUST_STORE_ERROR",
            )
        return proof, refusal
    if refusal is None:
        # The key was found, but the suite refused it: its controller is not the issuer, or
        # it is not allowed to assert credentials.
        refusal = result(
            "issuer_key",
            FAIL,
            error.message,
            action="Treat the credential as forged: it was not signed by its issuer.",
            code="WRONG_KEY",
            problem_type=PROOF_ERROR,
            verificationMethod=error.verification_method or lookup.vm_id,
        )
    proof = result(
        "proof",
        FAIL,
        "The proof was not made with a key of the credential's issuer.",
        action=refusal.action,
        code="WRONG_KEY",
        problem_type=PROOF_ERROR,
    )
    return proof, refusal


def key_result(
    ctx: CheckContext,
    lookup: KeyLookup,
    verified: eddsa_rdfc_2022.ProofVerification | None,
    *,
    proof_failed: bool = False,
) -> CheckResult:
    vm = verified.verification_method if verified is not None else lookup.vm_id
    created = verified.created if verified is not None else None
    return key_result_at(ctx, lookup, vm, created, proof_failed=proof_failed)


def key_result_at(
    ctx: CheckContext,
    lookup: KeyLookup,
    vm: str | None,
    created: datetime | None,
    *,
    proof_failed: bool = False,
) -> CheckResult:
    found = lookup.source(vm)
    if found is None:
        if lookup.refusal is not None:
            return lookup.refusal
        if proof_failed:
            return result("issuer_key", SKIPPED, "No key was looked up: the proof is malformed.")
        return result(
            "issuer_key",
            UNKNOWN,
            "The issuer's key was not looked up: the signed data could not be computed.",
            code="NOT_CHECKED",
        )
    source, pinned_key = found
    if source == "did:key":
        return result(
            "issuer_key",
            PASS,
            "The key is the issuer's did:key, which names the key itself.",
            verificationMethod=vm,
            source="did:key, not pinned",
        )
    if source == "embedded":
        return result(
            "issuer_key",
            PASS,
            "The key is written into the credential's verification method, as 1EdTech's "
            "examples do; this proves the credential is unchanged, not who issued it.",
            verificationMethod=vm,
            source="embedded in the credential (integrity only)",
        )
    assert pinned_key is not None  # noqa: S101 - found together with source "trust_store"
    signed_at = created or parse_date(ctx.doc.get("validFrom") or ctx.doc.get("issuanceDate"))
    period = {
        "validFrom": iso(pinned_key.valid_from) if pinned_key.valid_from else None,
        "validUntil": iso(pinned_key.valid_until) if pinned_key.valid_until else None,
    }
    if signed_at is None:
        if pinned_key.valid_from is None and pinned_key.valid_until is None:
            return result(
                "issuer_key",
                PASS,
                "The key is pinned for this issuer.",
                verificationMethod=vm,
                source="trust store",
            )
        return result(
            "issuer_key",
            UNKNOWN,
            "The key is pinned for this issuer for a limited period, but the credential "
            "does not say when it was signed.",
            action="Ask the issuer when the credential was issued.",
            code="KEY_PERIOD_UNKNOWN",
            verificationMethod=vm,
            keyPeriod=period,
        )
    if not pinned_key.valid_at(signed_at):
        return result(
            "issuer_key",
            FAIL,
            f"The key was not in use by the issuer on {iso(signed_at)}, when the proof "
            "says it was made.",
            action="Treat the credential as forged, or ask the issuer about its key history.",
            code="WRONG_KEY",
            problem_type=PROOF_ERROR,
            verificationMethod=vm,
            signedAt=iso(signed_at),
            keyPeriod=period,
        )
    via = pinned_key.issuer.via
    return result(
        "issuer_key",
        PASS,
        f"The key is pinned for this issuer and was in use on {iso(signed_at)}."
        if via is None
        else f"The key is the program's, as the accreditation registry of "
        f"{via.name or via.id} vouches for it, and was in use on {iso(signed_at)}.",
        verificationMethod=vm,
        source="trust store" if via is None else pinned_key.issuer.source,
        signedAt=iso(signed_at),
        keyPeriod=period,
    )


def jwt_key_result(
    ctx: CheckContext, lookup: KeyLookup, keys: JwtKeys, verified: vc_jwt.JwtVerification | None
) -> CheckResult:
    signed_at = verified.signed_at if verified is not None else None
    if verified is not None and verified.kid is None:
        return jwk_only_key_result(ctx, lookup, verified)
    if keys.jose is not None and verified is None and keys.out_of_band:
        pinned = lookup.pinned
        whose = (pinned.name or pinned.id) if pinned is not None else "the issuer"
        return result(
            "issuer_key",
            FAIL,
            f"The token's kid {lookup.vm_id} names none of the keys pinned for {whose}, and "
            "none of them made its signature.",
            action="Treat the credential as forged, or ask the issuer which key signed it and "
            "pin that key with `leadbadge trust add-key` after checking it with the issuer.",
            code="WRONG_KEY",
            problem_type=PROOF_ERROR,
            verificationMethod=lookup.vm_id,
        )
    if keys.jose is not None:
        return jose_key_result(ctx, keys.jose, signed_at, lookup.pinned)
    return key_result_at(ctx, lookup, verified.kid if verified else lookup.vm_id, signed_at)


def jose_key_result(
    ctx: CheckContext,
    key: vc_jwt.JwtKey,
    signed_at: datetime | None,
    pinned: PinnedIssuer | None = None,
) -> CheckResult:
    """A key from outside the Ed25519 key history (a pinned DID document's JsonWebKey, or a key
    pinned by hand): it must have been in use when the token says it was signed."""
    when = signed_at or parse_date(ctx.doc.get("validFrom") or ctx.doc.get("issuanceDate"))
    by_key = pinned is not None and pinned.pinned_by_key
    ends = {"validFrom": key.valid_from, "validUntil": key.valid_until}
    period = {name: iso(moment) for name, moment in ends.items() if moment is not None}
    detail: dict[str, Any] = {
        "verificationMethod": key.id,
        "jwkThumbprint": key.key.thumbprint,
        "keyPeriod": period or None,
    }
    action = "Treat the credential as forged, or ask the issuer about its keys."
    if (key.valid_from or key.valid_until) and when is None:
        return result(
            "issuer_key",
            UNKNOWN,
            f"The key {key.id} is pinned for a limited period, but the credential does not say "
            "when it was signed.",
            action="Ask the issuer when the credential was issued.",
            code="KEY_PERIOD_UNKNOWN",
            **detail,
        )
    if key.valid_until is not None and when is not None and when > key.valid_until:
        return result(
            "issuer_key",
            FAIL,
            f"The key {key.id} was retired on {iso(key.valid_until)}, before the token says it "
            f"was signed ({iso(when)}).",
            action=action,
            code="WRONG_KEY",
            problem_type=PROOF_ERROR,
            signedAt=iso(when),
            **detail,
        )
    if key.valid_from is not None and when is not None and when < key.valid_from:
        return result(
            "issuer_key",
            FAIL,
            f"The key {key.id} was not in use before {iso(key.valid_from)}, and the token says "
            f"it was signed on {iso(when)}.",
            action=action,
            code="WRONG_KEY",
            problem_type=PROOF_ERROR,
            signedAt=iso(when),
            **detail,
        )
    where = (
        "is pinned for this issuer by key" if by_key else "is in the issuer's pinned DID document"
    )
    return result(
        "issuer_key",
        PASS,
        f"The key ({key.key.describe()}) {where}"
        + (
            f" and was in use on {iso(when)}."
            if when and (key.valid_from or key.valid_until)
            else "."
        ),
        source="trust store (pinned by key)" if by_key else "trust store (DID document)",
        signedAt=iso(when) if when else None,
        **detail,
    )


def jwk_only_key_result(
    ctx: CheckContext, lookup: KeyLookup, verified: vc_jwt.JwtVerification
) -> CheckResult:
    # OB 3.0 §8.2.3: without a kid the key travels in the token. For a pinned issuer it must
    # be one of the pinned keys; otherwise it proves integrity, not who signed.
    pinned = lookup.pinned
    if pinned is None:
        return result(
            "issuer_key",
            PASS,
            "The key is carried in the token's header (jwk); this proves the credential is "
            "unchanged, not who issued it.",
            jwkThumbprint=verified.key.thumbprint,
            source="carried in the token (integrity only)",
        )
    for pinned_key in pinned.keys:
        if PublicJwk.from_verifying_key(pinned_key.public_key) == verified.key:
            lookup.found[pinned_key.id] = ("trust_store", pinned_key)
            return key_result_at(ctx, lookup, pinned_key.id, verified.signed_at)
    for by_hand in pinned.json_web_keys:
        if by_hand.key == verified.key:
            return jose_key_result(ctx, by_hand, verified.signed_at, pinned)
    from leadbadge.proof import vc_jwt  # noqa: PLC0415 -- VC-JWTs only

    for method_id in assertion_ids(pinned.did_document):
        try:
            jose = vc_jwt.did_document_key(pinned.did_document or {}, method_id)
        except VerificationMethodError:
            continue
        if jose.key == verified.key:
            return jose_key_result(ctx, jose, verified.signed_at, pinned)
    return result(
        "issuer_key",
        FAIL,
        f"The token carries a key that is not one of the keys pinned for the issuer "
        f"{pinned.name or pinned.id}.",
        action="Treat the credential as forged, or, if the issuer has added a key since you "
        "pinned it, pin its published folder again.",
        code="WRONG_KEY",
        problem_type=PROOF_ERROR,
        jwkThumbprint=verified.key.thumbprint,
    )
