"""Verify a verifiable presentation: the holder's proof, and every credential it carries.

Specifications:

- VC Data Model 2.0 §4.13 "Verifiable Presentations" (``holder``, ``verifiableCredential``),
  §4.13.1 "Enveloped Verifiable Credentials" (``data:application/vc+jwt,<token>``); VC Data
  Model 1.1 §4.10 and §6.3.1 (a VP-JWT with a ``vp`` claim: ``iss`` is the holder, ``aud`` the
  verifier's domain, ``nonce`` its challenge); VC-JOSE-COSE §3.2 (``vp+jwt``: the payload is the
  presentation).
- VC Data Integrity 1.0 §2.1 and §4.4: a holder signs with the proof purpose
  ``authentication``, and the verifier's ``challenge`` and ``domain`` are part of what is
  signed; a verifier that expected them must find them (``INVALID_CHALLENGE_ERROR``,
  ``INVALID_DOMAIN_ERROR``).
- Controlled Identifiers 1.0 §3.3: the proof's key must belong to the holder (its controller is
  the ``holder``); a did:key holder is resolved locally, nothing is fetched.

Each credential inside is verified exactly as one handed in on its own (the caller's function,
:meth:`leadbadge.verifier.verify.Verifier.verify`). The presentation's checks are those of
:data:`leadbadge.verifier.report.PRESENTATION_CHECK_IDS`; docs/verification.md explains them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from leadbadge.crypto.did import VerificationMethod, resolve_did_key
from leadbadge.crypto.jwk import PublicJwk
from leadbadge.errors import (
    CanonicalizationLimitError,
    ContextNotAllowedError,
    CredentialDocumentError,
    DIDError,
    InputError,
    JsonLdError,
    LeadbadgeError,
    SignatureError,
    UnsupportedProofError,
    VerificationMethodError,
)
from leadbadge.ld.expand import expand_strict
from leadbadge.proof import eddsa_rdfc_2022, jose, vc_jwt
from leadbadge.verifier.checks._common import (
    FAIL,
    MALFORMED,
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
from leadbadge.verifier.report import (
    PRESENTATION_CHECK_IDS,
    CheckResult,
    PresentationReport,
    PresentationSummary,
    PresentedCredential,
    Verdict,
    VerificationReport,
    compute_verdict,
)

__all__ = ["PresentedItem", "presented_items", "verify_presentation"]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
ENVELOPED = "EnvelopedVerifiableCredential"
#: Media types of an enveloped credential leadbadge reads (VC-JOSE-COSE §3.1.1, and the name
#: drafts used before it).
JWT_MEDIA_TYPES: Final = ("application/vc+jwt", "application/vc+ld+json+jwt")
#: ``typ`` values of a VP-JWT (VC-JOSE-COSE §3.2; VC-JWT 1.1 tokens say ``JWT``).
_VP_TYPES: Final = frozenset({"JWT", "vp+jwt", "application/vp+jwt", "vp+ld+json+jwt"})
_ALWAYS_REQUIRED: Final = frozenset(PRESENTATION_CHECK_IDS)

#: Verifies one credential: (data, label) -> its report. Raises CredentialDocumentError when
#: the data holds no readable credential.
VerifyCredential = Callable[[Any, str], VerificationReport]


@dataclass(frozen=True)
class PresentedItem:
    """One entry of ``verifiableCredential``, ready to verify: the data, or why it cannot be."""

    position: int
    label: str
    carried: str
    #: A credential object or a VC-JWT (text); None when ``error`` says why there is none.
    data: Mapping[str, Any] | str | None
    error: CredentialDocumentError | None = None
    #: What the error makes of the entry: invalid (garbled), inconclusive (a form leadbadge
    #: does not read, such as an SD-JWT envelope).
    verdict: Verdict = Verdict.INVALID


def presented_items(decoded: DecodedPresentation) -> list[PresentedItem]:
    """The credentials of a presentation, in order, each as data a verifier reads."""
    items: list[PresentedItem] = []
    entries = as_list(decoded.document.get("verifiableCredential"))
    for position, entry in enumerate(entries, start=1):
        label = f"{decoded.source} [credential {position}]"
        items.append(_item(entry, position, label, jwt_form=decoded.jwt is not None))
    return items


def _item(entry: object, position: int, label: str, *, jwt_form: bool) -> PresentedItem:
    if isinstance(entry, str):
        if jwt_form and jose.looks_like_jwt(entry.strip()):
            # VC 1.1 §6.3.1: a VP-JWT's vp claim carries its credentials as VC-JWT strings.
            return PresentedItem(position, label, "jwt", entry.strip())
        return _unreadable(position, label, "is a string, not a credential object", "jwt")
    if not isinstance(entry, Mapping):
        return _unreadable(position, label, "is not a credential object", "embedded")
    if ENVELOPED not in as_list(entry.get("type")):
        return PresentedItem(position, label, "embedded", entry)
    envelope = entry.get("id")
    if not isinstance(envelope, str) or not envelope.startswith("data:"):
        return _unreadable(
            position, label, "is an enveloped credential whose id is not a data: URL", "enveloped"
        )
    media_type, comma, payload = envelope[len("data:") :].partition(",")
    if not comma:
        return _unreadable(position, label, "is an enveloped credential with no data", "enveloped")
    if media_type.strip().lower() not in JWT_MEDIA_TYPES:
        return _unreadable(
            position,
            label,
            f"is an enveloped credential of the media type {media_type or '(none)'!r}, which "
            "leadbadge does not read (it reads application/vc+jwt)",
            "enveloped",
            verdict=Verdict.INCONCLUSIVE,
        )
    return PresentedItem(position, label, "enveloped", payload.strip())


def _unreadable(
    position: int, label: str, what: str, carried: str, *, verdict: Verdict = Verdict.INVALID
) -> PresentedItem:
    error = CredentialDocumentError.about(label, what)
    return PresentedItem(position, label, carried, None, error, verdict)


# --- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _HolderProof:
    """What the holder's proof established, for the checks after it."""

    result: CheckResult
    #: Who controls the key that signed (None when unsigned, unresolved or failed).
    controller: str | None = None
    #: The key itself, when it came only from the token (a ``jwk`` header).
    carried_key: PublicJwk | None = None
    verification_method: str | None = None
    challenge: str | None = None
    domain: tuple[str, ...] = ()


def verify_presentation(
    decoded: DecodedPresentation,
    verify_credential: VerifyCredential,
    policy: VerificationPolicy,
    *,
    now: datetime,
    at: datetime | None = None,
    challenge: str | None = None,
    domain: str | None = None,
) -> PresentationReport:
    """The presentation's checks and each credential's report, with one verdict over both.

    ``challenge`` and ``domain`` are what this verifier asked the holder to sign; without them a
    proof that carries one is reported (it may be meant for another verifier), not refused.
    """
    doc = decoded.document
    when = at or now
    fmt, version = _check_format(decoded)
    jsonld = _check_jsonld(decoded, fmt)
    proof = _check_holder_proof(decoded, jsonld, policy, when)
    holder_id = _holder_id(doc)
    checks = (
        fmt,
        jsonld,
        proof.result,
        _check_holder(holder_id, proof),
        _check_expected(
            "challenge", challenge, (proof.challenge,) if proof.challenge else (), proof
        ),
        _check_expected("domain", domain, proof.domain, proof),
    )
    credentials = tuple(_verify_item(item, verify_credential) for item in presented_items(decoded))
    all_checks = (*checks, _check_credentials(credentials))
    summary = PresentationSummary(
        id=doc.get("id") if isinstance(doc.get("id"), str) else None,
        holder=holder_id,
        vc_version=version,
        source_format=decoded.format_label,
        signed=decoded.jwt is not None or bool(as_list(doc.get("proof"))),
        verification_method=proof.verification_method,
        challenge=proof.challenge,
        domain=proof.domain,
    )
    return PresentationReport(
        input=decoded.source,
        verdict=compute_verdict(all_checks, _ALWAYS_REQUIRED),
        checks=all_checks,
        credentials=credentials,
        evaluated_at=when,
        summary=summary,
        required=_ALWAYS_REQUIRED,
    )


def _verify_item(item: PresentedItem, verify_credential: VerifyCredential) -> PresentedCredential:
    if item.data is not None:
        try:
            report = verify_credential(item.data, item.label)
        except CredentialDocumentError as error:
            return _unread(item, error, Verdict.INVALID)
        return PresentedCredential(item.position, report.verdict, report, item.carried)
    missing = item.error or CredentialDocumentError.about(item.label, "holds no credential")
    return _unread(item, missing, item.verdict)


def _unread(item: PresentedItem, error: LeadbadgeError, verdict: Verdict) -> PresentedCredential:
    return PresentedCredential(
        item.position,
        verdict,
        None,
        item.carried,
        {"code": error.code, "message": error.message, "problemType": error.problem_type},
    )


def _holder_id(doc: Mapping[str, Any]) -> str | None:
    holder = doc.get("holder")
    if isinstance(holder, Mapping):
        holder = holder.get("id")
    return holder if isinstance(holder, str) and holder else None


# --- format and JSON-LD ------------------------------------------------------------------------


def _check_format(decoded: DecodedPresentation) -> tuple[CheckResult, str | None]:
    doc = decoded.document
    contexts = as_list(doc.get("@context"))
    first = contexts[0] if contexts else None
    version = {VC_V2: "2.0", VC_V1: "1.1"}.get(first) if isinstance(first, str) else None
    problems: list[str] = []
    if version is None:
        problems.append(f"its first @context is not {VC_V2} (VC 2.0) or {VC_V1} (VC 1.1)")
    if "VerifiablePresentation" not in as_list(doc.get("type")):
        problems.append("its type does not include VerifiablePresentation")
    if "id" in doc and not isinstance(doc["id"], str):
        problems.append("its id is not a URL")
    holder = doc.get("holder")
    if holder is not None and _holder_id(doc) is None:
        problems.append("its holder is not a URL or an object with an id")
    for position, entry in enumerate(as_list(doc.get("verifiableCredential")), start=1):
        if isinstance(entry, str) and decoded.jwt is None:
            problems.append(
                f"credential {position} is a string; VC 2.0 §4.13 asks for an object (a VC-JWT "
                "goes in an EnvelopedVerifiableCredential)"
            )
        elif not isinstance(entry, str | Mapping):
            problems.append(f"credential {position} is not an object")
    if problems:
        return (
            result(
                "format",
                FAIL,
                f"This is not a well-formed verifiable presentation: {'; '.join(problems)}.",
                action="Ask the holder to export the presentation again from their wallet.",
                code="MALFORMED",
                problem_type=MALFORMED,
                vcVersion=version,
                problems=problems,
            ),
            version,
        )
    if version == "1.1":
        return (
            result(
                "format",
                WARN,
                "A VC 1.1 verifiable presentation.",
                action="It still verifies; wallets now export VC 2.0 presentations.",
                code="OLD_VERSION",
                vcVersion=version,
            ),
            version,
        )
    return result("format", PASS, "A VC 2.0 verifiable presentation.", vcVersion=version), version


def _check_jsonld(decoded: DecodedPresentation, fmt: CheckResult) -> CheckResult:
    if decoded.jwt is not None:
        return result(
            "jsonld",
            NOT_APPLICABLE,
            "A VP-JWT: its signature covers the token's bytes, so nothing in it is unsigned.",
        )
    if fmt.status is FAIL:
        return result("jsonld", SKIPPED, "Not checked: the presentation is malformed.")
    try:
        expand_strict(decoded.document)
    except ContextNotAllowedError as error:
        return result(
            "jsonld",
            UNKNOWN,
            f"The presentation uses the JSON-LD context {error.url}, which leadbadge does not "
            "ship, so it cannot be interpreted offline.",
            action="Ask the holder which context this is; leadbadge never fetches contexts.",
            code="CONTEXT_UNAVAILABLE",
            problem_type=MALFORMED,
            url=error.url,
        )
    except CanonicalizationLimitError as error:
        return result(
            "jsonld",
            UNKNOWN,
            f"The presentation is too large or complex to process: {clause(error.message)}",
            action="Ask the holder for a presentation with fewer credentials.",
            code="TOO_COMPLEX",
            problem_type=MALFORMED,
        )
    except JsonLdError as error:
        return result(
            "jsonld",
            FAIL,
            "The presentation holds content its contexts do not define, which a signature "
            f"would not cover: {clause(error.message)}",
            action="Do not rely on the presentation; ask the holder to export it again.",
            code="MALFORMED",
            problem_type=error.problem_type or MALFORMED,
            path=error.path,
        )
    return result("jsonld", PASS, "Every term is defined by the presentation's contexts.")


# --- the holder's proof ------------------------------------------------------------------------


def _check_holder_proof(
    decoded: DecodedPresentation, jsonld: CheckResult, policy: VerificationPolicy, when: datetime
) -> _HolderProof:
    if decoded.jwt is not None:
        return _check_jwt_proof(decoded.jwt, decoded.claims or {}, policy, when)
    doc = decoded.document
    proofs = as_list(doc.get("proof"))
    if not proofs:
        return _HolderProof(
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
        return _HolderProof(
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
        return _HolderProof(
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
        return _HolderProof(
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
        return _HolderProof(
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
    signed = _HolderProof(
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


def _unknown_proof(why: str, code: str, method_id: str | None) -> _HolderProof:
    return _HolderProof(
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


def _expired(signed: _HolderProof, expires: datetime, detail: Mapping[str, Any]) -> _HolderProof:
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


def _replace_result(proof: _HolderProof, new: CheckResult) -> _HolderProof:
    return _HolderProof(
        new,
        proof.controller,
        proof.carried_key,
        proof.verification_method,
        proof.challenge,
        proof.domain,
    )


def _check_jwt_proof(
    token: str, claims: Mapping[str, Any], policy: VerificationPolicy, when: datetime
) -> _HolderProof:
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
        return _HolderProof(
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
        return _HolderProof(
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
    signed = _HolderProof(
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


def _check_holder(holder: str | None, proof: _HolderProof) -> CheckResult:
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


def _check_expected(
    check_id: str, expected: str | None, found: Sequence[str], proof: _HolderProof
) -> CheckResult:
    """Data Integrity 1.0 §4.4: an expected ``challenge``/``domain`` must be the signed one."""
    status = proof.result.status
    shown = ", ".join(repr(f) for f in found)
    if status is FAIL or status is SKIPPED:
        return result(check_id, SKIPPED, "Not checked: the holder's signature did not verify.")
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


# --- the credentials ---------------------------------------------------------------------------


def _check_credentials(credentials: Sequence[PresentedCredential]) -> CheckResult:
    if not credentials:
        return result("credentials", NOT_APPLICABLE, "The presentation carries no credentials.")
    total = len(credentials)
    invalid = [c.position for c in credentials if c.verdict is Verdict.INVALID]
    unsure = [c.position for c in credentials if c.verdict is Verdict.INCONCLUSIVE]
    verdicts = {str(c.position): c.verdict.value for c in credentials}
    if invalid:
        return result(
            "credentials",
            FAIL,
            f"{_count(invalid, total)} invalid (credential {_numbers(invalid)}).",
            action="Do not rely on the invalid credentials; each report below says why.",
            code="CREDENTIAL_INVALID",
            verdicts=verdicts,
        )
    if unsure:
        return result(
            "credentials",
            UNKNOWN,
            f"{_count(unsure, total)} inconclusive (credential {_numbers(unsure)}).",
            action="Each credential's report below says what is missing.",
            code="CREDENTIAL_INCONCLUSIVE",
            verdicts=verdicts,
        )
    noun = "credential is" if total == 1 else f"{total} credentials are"
    return result(
        "credentials",
        PASS,
        f"The {noun} valid." if total == 1 else f"All {noun} valid.",
        verdicts=verdicts,
    )


def _count(positions: Sequence[int], total: int) -> str:
    return f"{len(positions)} of the {total} credentials {'is' if len(positions) == 1 else 'are'}"


def _numbers(positions: Sequence[int]) -> str:
    return ", ".join(str(p) for p in positions)
