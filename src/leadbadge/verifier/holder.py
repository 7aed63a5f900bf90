"""The holder's side of a presentation: its proof, the holder binding, challenge and domain.

VC Data Integrity 1.0 §2.1 and §4.4 (a holder's proof has the purpose ``authentication``; the
verifier's ``challenge`` and ``domain`` are signed with it and must match, else
``INVALID_CHALLENGE_ERROR`` / ``INVALID_DOMAIN_ERROR``), eddsa-rdfc-2022
(:mod:`leadbadge.proof.eddsa_rdfc_2022`); for a VP-JWT, RFC 7515 §5.2 and RFC 8725 (the
algorithm from the policy and the key), VC Data Model 1.1 §6.3.1 (``iss`` is the holder,
``nonce`` the challenge, ``aud`` the domain) and VC-JOSE-COSE §3.2. Controlled Identifiers 1.0
§3.3: the key must belong to the ``holder``; a did:key is resolved locally and nothing is
fetched. Used by :mod:`leadbadge.verifier.presentation`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from leadbadge.crypto.did import VerificationMethod, resolve_did_key
from leadbadge.crypto.jwk import PublicJwk
from leadbadge.errors import (
    CanonicalizationLimitError,
    ContextNotAllowedError,
    DIDError,
    InputError,
    LeadbadgeError,
    SignatureError,
    UnsupportedProofError,
    VerificationMethodError,
)
from leadbadge.proof import eddsa_rdfc_2022, jose, vc_jwt
from leadbadge.verifier.checks._common import (
    FAIL,
    MALFORMED_PROOF,
    NOT_APPLICABLE,
    PASS,
    PROOF_ERROR,
    SKIPPED,
    UNKNOWN,
    WARN,
    as_list,
    clause,
    iso,
    result,
)
from leadbadge.verifier.decode import DecodedPresentation
from leadbadge.verifier.policy import VerificationPolicy
from leadbadge.verifier.report import CheckResult

__all__ = ["HolderProof", "check_expected", "check_holder", "check_holder_proof"]

#: ``typ`` values of a VP-JWT (VC-JOSE-COSE §3.2; VC-JWT 1.1 tokens say ``JWT``).
_VP_TYPES: Final = frozenset({"JWT", "vp+jwt", "application/vp+jwt", "vp+ld+json+jwt"})


@dataclass(frozen=True)
class HolderProof:
    """What the holder's proof established, for the checks after it."""

    result: CheckResult
    #: Who controls the key that signed (None when unsigned, unresolved or failed).
    controller: str | None = None
    #: The key itself, when it came only from the token (a ``jwk`` header).
    carried_key: PublicJwk | None = None
    verification_method: str | None = None
    challenge: str | None = None
    domain: tuple[str, ...] = ()


# --- the holder's proof ------------------------------------------------------------------------


def check_holder_proof(
    decoded: DecodedPresentation, jsonld: CheckResult, policy: VerificationPolicy, when: datetime
) -> HolderProof:
    if decoded.jwt is not None:
        return _check_jwt_proof(decoded.jwt, decoded.claims or {}, policy, when)
    doc = decoded.document
    proofs = as_list(doc.get("proof"))
    if not proofs:
        return HolderProof(
            result(
                "holder_proof",
                NOT_APPLICABLE,
                "The presentation is not signed: nothing shows who presented it, and each "
                "credential stands on its own proof.",
                action="To know who presents the credentials, ask for a presentation signed by "
                "its holder (with your challenge).",
                code="NOT_SIGNED",
            )
        )
    if jsonld.status in (FAIL, SKIPPED):
        return HolderProof(
            result(
                "holder_proof",
                SKIPPED,
                "The holder's signature was not checked: the JSON-LD check failed, so the "
                "signed data cannot be computed.",
            )
        )
    chosen = next((p for p in proofs if isinstance(p, Mapping)), None)
    method_id = chosen.get("verificationMethod") if chosen is not None else None
    method_id = method_id if isinstance(method_id, str) else None
    purposes = {p.get("proofPurpose") for p in proofs if isinstance(p, Mapping)}
    if purposes - {eddsa_rdfc_2022.AUTHENTICATION}:
        stated = ", ".join(sorted(str(p) for p in purposes))
        return HolderProof(
            result(
                "holder_proof",
                FAIL,
                f"The presentation's proof has the purpose {stated}, not authentication, so "
                "it does not authenticate the holder.",
                action="Ask the holder for a presentation signed for authentication.",
                code="WRONG_PURPOSE",
                problem_type=PROOF_ERROR,
                verificationMethod=method_id,
            ),
            verification_method=method_id,
        )
    try:
        controller = _holder_key(method_id or "", "").controller
        verified = eddsa_rdfc_2022.verify(
            doc,
            issuer=controller,
            resolver=_holder_key,
            allowed=policy.allowed_proofs,
            purpose=eddsa_rdfc_2022.AUTHENTICATION,
        )
    except SignatureError:
        return HolderProof(
            result(
                "holder_proof",
                FAIL,
                "The holder's signature does not match the presentation: it was changed after "
                "signing (a credential, the holder, the challenge…) or signed with another key.",
                action="Do not rely on the presentation; ask the holder to present again.",
                code="INVALID_SIGNATURE",
                problem_type=PROOF_ERROR,
                verificationMethod=method_id,
            ),
            verification_method=method_id,
        )
    except UnsupportedProofError as error:
        return _unknown_proof(
            f"it cannot be checked: {clause(error.message)}", "UNSUPPORTED_PROOF", method_id
        )
    except VerificationMethodError as error:
        return _unknown_proof(
            f"its key cannot be found offline: {clause(error.message)}",
            "KEY_UNRESOLVABLE",
            method_id,
        )
    except ContextNotAllowedError as error:
        return _unknown_proof(
            f"the context {error.url} is not shipped with leadbadge",
            "CONTEXT_UNAVAILABLE",
            method_id,
        )
    except CanonicalizationLimitError as error:
        return _unknown_proof(clause(error.message), "TOO_COMPLEX", method_id)
    except LeadbadgeError as error:
        return HolderProof(
            result(
                "holder_proof",
                FAIL,
                f"The presentation's proof is malformed: {clause(error.message)}",
                action="Do not rely on the presentation; ask the holder to present again.",
                code="MALFORMED_PROOF",
                problem_type=MALFORMED_PROOF,
                verificationMethod=method_id,
            ),
            verification_method=method_id,
        )
    detail: dict[str, Any] = {
        "cryptosuite": verified.cryptosuite,
        "verificationMethod": verified.verification_method,
        "controller": verified.controller,
        "created": iso(verified.created) if verified.created else None,
        "expires": iso(verified.expires) if verified.expires else None,
    }
    signed = HolderProof(
        result(
            "holder_proof",
            PASS,
            f"The holder's {verified.cryptosuite} signature (authentication) matches the "
            "presentation.",
            **detail,
        ),
        verified.controller,
        None,
        verified.verification_method,
        verified.challenge,
        verified.domain,
    )
    if verified.expires is not None and when - policy.max_clock_skew > verified.expires:
        return _expired(signed, verified.expires, detail)
    if verified.warnings:
        return _replace_result(
            signed,
            result(
                "holder_proof",
                WARN,
                f"The holder's {verified.cryptosuite} signature matches the presentation. "
                f"{verified.warnings[0]}",
                action="It still verifies.",
                code="OTHER_PROOFS",
                warnings=list(verified.warnings),
                **detail,
            ),
        )
    return signed


def _holder_key(verification_method: str, _holder: str, /) -> VerificationMethod:
    """The holder's key, found offline: a did:key is its own DID document (it lists its key for
    authentication); any other key cannot be looked up while verifying."""
    if verification_method.startswith("did:key:"):
        try:
            document = resolve_did_key(verification_method)
        except DIDError as error:
            raise VerificationMethodError(
                f"The did:key verification method cannot be used: {error.message}",
                verification_method=verification_method,
            ) from None
        return document.verification_methods[0]
    raise VerificationMethodError(
        f"The key {verification_method or '(none)'} is not a did:key, and leadbadge does not "
        "fetch a holder's DID document while verifying.",
        verification_method=verification_method,
    )


def _unknown_proof(why: str, code: str, method_id: str | None) -> HolderProof:
    return HolderProof(
        result(
            "holder_proof",
            UNKNOWN,
            f"The holder's signature was not verified: {why}",
            action="Ask the holder for a presentation signed with eddsa-rdfc-2022 by a did:key.",
            code=code,
            problem_type=PROOF_ERROR,
            verificationMethod=method_id,
        ),
        verification_method=method_id,
    )


def _expired(signed: HolderProof, expires: datetime, detail: Mapping[str, Any]) -> HolderProof:
    return _replace_result(
        signed,
        result(
            "holder_proof",
            FAIL,
            f"The holder's signature matches, but the proof expired on {iso(expires)}.",
            action="Ask the holder to present again.",
            code="PROOF_EXPIRED",
            problem_type=PROOF_ERROR,
            **detail,
        ),
    )


def _replace_result(proof: HolderProof, new: CheckResult) -> HolderProof:
    return HolderProof(
        new,
        proof.controller,
        proof.carried_key,
        proof.verification_method,
        proof.challenge,
        proof.domain,
    )


def _check_jwt_proof(
    token: str, claims: Mapping[str, Any], policy: VerificationPolicy, when: datetime
) -> HolderProof:
    """A VP-JWT's proof: its JWS signature by the holder's key (``kid``, or a carried ``jwk``)."""
    nonce = claims.get("nonce")
    challenge = nonce if isinstance(nonce, str) else None
    audience = tuple(a for a in as_list(claims.get("aud")) if isinstance(a, str))
    kid: str | None = None
    try:
        parsed = jose.parse(token)
        raw_kid = parsed.header.get("kid")
        kid = raw_kid if isinstance(raw_kid, str) and raw_kid else None
        alg, key, controller = _jwt_signature(parsed, kid, claims, policy)
    except SignatureError:
        return HolderProof(
            result(
                "holder_proof",
                FAIL,
                "The VP-JWT signature does not match the token: it was changed after signing "
                "or signed with another key.",
                action="Do not rely on the presentation; ask the holder to present again.",
                code="INVALID_SIGNATURE",
                problem_type=PROOF_ERROR,
                kid=kid,
            ),
            verification_method=kid,
        )
    except UnsupportedProofError as error:
        return _unknown_proof(
            f"it cannot be checked: {clause(error.message)}", "UNSUPPORTED_PROOF", kid
        )
    except VerificationMethodError as error:
        return _unknown_proof(
            f"its key cannot be found offline: {clause(error.message)}", "KEY_UNRESOLVABLE", kid
        )
    except LeadbadgeError as error:
        return HolderProof(
            result(
                "holder_proof",
                FAIL,
                f"The VP-JWT is not valid: {clause(error.message)}",
                action="Do not rely on the presentation; ask the holder to present again.",
                code="MALFORMED_PROOF",
                problem_type=MALFORMED_PROOF,
                kid=kid,
            ),
            verification_method=kid,
        )
    detail: dict[str, Any] = {
        "format": "VP-JWT",
        "alg": alg,
        "kid": kid,
        "jwkThumbprint": key.thumbprint,
        "controller": controller,
        "vpClaim": True if "vp" in parsed.payload else None,
    }
    signed = HolderProof(
        result("holder_proof", PASS, f"The VP-JWT signature ({alg}) matches the token.", **detail),
        controller,
        key if kid is None else None,
        kid,
        challenge,
        audience,
    )
    dated = _jwt_dates(claims, when, policy)
    if dated is not None:
        return _replace_result(signed, dated)
    return signed


def _jwt_signature(
    parsed: jose.ParsedJwt, kid: str | None, claims: Mapping[str, Any], policy: VerificationPolicy
) -> tuple[str, PublicJwk, str | None]:
    """RFC 7515 §5.2 with RFC 8725's rules: the algorithm from the policy and the key, never
    from the token alone. Returns the algorithm, the key and who controls it."""
    header = dict(parsed.header)
    typ = header.pop("typ", None)
    if typ is not None and typ not in _VP_TYPES:
        raise InputError(f"The JWT header's typ {typ!r} is not a presentation's.")
    alg = jose.check_header(header, policy.allowed_jwt_algorithms, [])
    carried = PublicJwk.from_jwk(header["jwk"]) if "jwk" in header else None
    key, controller = _jwt_key(kid, carried, claims)
    if key.alg != alg:
        raise InputError(f"The token's alg {alg!r} does not fit its key.")
    if not key.verify(alg, parsed.signature, parsed.signing_input):
        raise SignatureError("The JWS signature does not match.")
    return alg, key, controller


def _jwt_key(
    kid: str | None, carried: PublicJwk | None, claims: Mapping[str, Any]
) -> tuple[PublicJwk, str | None]:
    """The key and who controls it: a ``kid`` resolved offline (did:key, or the holder's id with
    a Multikey fragment), else the carried ``jwk`` (whose controller is not known)."""
    if kid is None:
        if carried is None:
            raise VerificationMethodError("The JWT header has neither a kid nor a jwk.")
        return carried, None
    iss = claims.get("iss")
    found = vc_jwt.default_resolver()(kid, iss if isinstance(iss, str) else "")
    if carried is not None and carried != found.key:
        raise VerificationMethodError(
            f"The JWT header's jwk is not the key its kid {kid} names.", verification_method=kid
        )
    return found.key, found.controller


def _jwt_dates(
    claims: Mapping[str, Any], when: datetime, policy: VerificationPolicy
) -> CheckResult | None:
    """A VP-JWT used outside its ``nbf``…``exp`` (RFC 7519 §4.1.4, §4.1.5) does not verify."""
    for name in ("exp", "nbf"):
        value = claims.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            return result(
                "holder_proof",
                FAIL,
                f"The VP-JWT's {name} claim is not a NumericDate.",
                code="MALFORMED_PROOF",
                problem_type=MALFORMED_PROOF,
            )
        moment = datetime.fromtimestamp(value, when.tzinfo)
        if name == "exp" and when - policy.max_clock_skew > moment:
            return result(
                "holder_proof",
                FAIL,
                f"The VP-JWT signature matches, but the token expired on {iso(moment)}.",
                action="Ask the holder to present again.",
                code="PROOF_EXPIRED",
                problem_type=PROOF_ERROR,
            )
        if name == "nbf" and when + policy.max_clock_skew < moment:
            return result(
                "holder_proof",
                FAIL,
                f"The VP-JWT is not valid before {iso(moment)}.",
                action="Check the verifier's clock, or ask the holder to present again.",
                code="NOT_YET_VALID",
                problem_type=PROOF_ERROR,
            )
    return None


# --- holder binding, challenge, domain ---------------------------------------------------------


def check_holder(holder: str | None, proof: HolderProof) -> CheckResult:
    status = proof.result.status
    if status is NOT_APPLICABLE:
        return result(
            "holder",
            NOT_APPLICABLE,
            "No proof binds the presentation to a holder"
            + (f" (it names {holder})." if holder else "."),
        )
    if status is not PASS and status is not WARN:
        return result("holder", SKIPPED, "Not checked: the holder's signature was not verified.")
    if proof.controller is None and proof.carried_key is not None:
        return _holder_by_carried_key(holder, proof.carried_key)
    if holder is None:
        return result(
            "holder",
            NOT_APPLICABLE,
            f"The presentation names no holder; it was signed by {proof.controller}.",
            controller=proof.controller,
        )
    if proof.controller == holder:
        return result(
            "holder",
            PASS,
            f"The presentation was signed by its holder {holder}.",
            holder=holder,
            verificationMethod=proof.verification_method,
        )
    return result(
        "holder",
        FAIL,
        f"The presentation was signed with a key of {proof.controller}, not of its holder "
        f"{holder}.",
        action="Do not rely on the presentation: its signer is not the holder it names.",
        code="WRONG_HOLDER",
        problem_type=PROOF_ERROR,
        holder=holder,
        controller=proof.controller,
    )


def _holder_by_carried_key(holder: str | None, key: PublicJwk) -> CheckResult:
    """A VP-JWT with only a ``jwk``: the key is the holder's when the holder is that did:key."""
    if holder is None or not holder.startswith("did:key:"):
        return result(
            "holder",
            UNKNOWN,
            "The VP-JWT carries its own key, and nothing ties that key to "
            + (f"the holder {holder}." if holder else "a holder."),
            action="Ask the holder to sign with a did:key, or name the key by kid.",
            code="KEY_UNRESOLVABLE",
        )
    try:
        holder_key = PublicJwk.from_verifying_key(
            resolve_did_key(holder).verification_methods[0].public_key
        )
    except DIDError as error:
        return result(
            "holder",
            FAIL,
            f"The holder {holder} is not a usable did:key: {clause(error.message)}",
            code="WRONG_HOLDER",
            problem_type=PROOF_ERROR,
        )
    if holder_key == key:
        return result("holder", PASS, f"The presentation was signed by its holder {holder}.")
    return result(
        "holder",
        FAIL,
        f"The VP-JWT was signed with a key that is not its holder's ({holder}).",
        action="Do not rely on the presentation: its signer is not the holder it names.",
        code="WRONG_HOLDER",
        problem_type=PROOF_ERROR,
    )


def check_expected(
    check_id: str, expected: str | None, found: Sequence[str], proof: HolderProof
) -> CheckResult:
    """Data Integrity 1.0 §4.4: an expected ``challenge``/``domain`` must be the signed one."""
    status = proof.result.status
    shown = ", ".join(repr(f) for f in found)
    if status is FAIL or status is SKIPPED:
        return result(check_id, SKIPPED, "Not checked: the holder's signature did not verify.")
    if status is UNKNOWN:
        # What an unverified proof says is the presenter's word, not the holder's.
        return result(
            check_id,
            UNKNOWN if expected is not None else NOT_APPLICABLE,
            f"The {check_id} could not be confirmed: the holder's signature was not verified.",
            code="NOT_CHECKED" if expected is not None else None,
        )
    if expected is None:
        if not found:
            return result(
                check_id, NOT_APPLICABLE, f"No {check_id} was expected, and the proof has none."
            )
        return result(
            check_id,
            WARN,
            f"The proof carries the {check_id} {shown}, but none was expected: the presentation "
            "may have been made for another verifier, or be replayed.",
            action=f"Give the {check_id} you asked the holder to sign (--{check_id}) to check it.",
            code=f"UNEXPECTED_{check_id.upper()}",
            found=list(found),
        )
    error_type = f"INVALID_{check_id.upper()}_ERROR"
    if status is NOT_APPLICABLE:
        return result(
            check_id,
            FAIL,
            f"The {check_id} {expected!r} was expected, but the presentation is not signed.",
            action="Ask the holder for a presentation signed with your challenge and domain.",
            code=f"{check_id.upper()}_MISSING",
            problem_type=error_type,
            expected=expected,
        )
    if not found:
        return result(
            check_id,
            FAIL,
            f"The {check_id} {expected!r} was expected, but the holder's proof has none.",
            action="Ask the holder to present again, signing your challenge and domain.",
            code=f"{check_id.upper()}_MISSING",
            problem_type=error_type,
            expected=expected,
        )
    if expected in found:
        return result(
            check_id,
            PASS,
            f"The proof carries the expected {check_id} {expected!r}.",
            expected=expected,
        )
    return result(
        check_id,
        FAIL,
        f"The proof carries the {check_id} {shown}, not the expected {expected!r}: the "
        "presentation was made for another request.",
        action="Do not accept it; ask the holder to present again for this request.",
        code=f"{check_id.upper()}_MISMATCH",
        problem_type=error_type,
        expected=expected,
        found=list(found),
    )
