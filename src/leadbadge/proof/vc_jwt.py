"""VC-JWT proofs: sign a credential as a compact JWS, and verify one (OB 3.0 §8.2).

Specifications:

- Open Badges 3.0 §8.2 "JSON Web Token Proof Format": the JOSE header (``alg``, ``kid`` or
  ``jwk``, ``typ``), the payload (the credential with ``iss``, ``jti``, ``sub``, ``nbf``,
  ``exp``), and "Verify a Credential VC-JWT Signature" (the claims must match the credential).
- VC Data Model 1.1 §6.3.1: tokens that carry the credential in a ``vc`` claim; decoding sets
  ``id``, ``issuer``, ``issuanceDate``, ``expirationDate`` and ``credentialSubject.id`` from
  ``jti``, ``iss``, ``nbf``, ``exp`` and ``sub`` when the credential lacks them.
- RFC 7515 (JWS compact serialization, §5.2 validation, §4.1.11 ``crit``), RFC 7519 (claims,
  NumericDate), RFC 8725 (JWT best practices: the algorithm comes from the key and an allowlist,
  never from the token alone; ``none`` and MAC algorithms are refused).

The algorithm allowlist is the caller's (a verifier's policy), never the token's. The compact
JWS itself (splitting, strict decoding, the header rules) is in :mod:`leadbadge.proof.jose`;
this module maps the claims to the credential, signs, finds keys and verifies. docs/proofs.md
describes the rules.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal

from leadbadge.crypto.did import DidDocument, parse_did_document, resolve_did_key
from leadbadge.crypto.jwk import ALGORITHMS, JoseSigningKey, PublicJwk
from leadbadge.crypto.keys import VerifyingKey
from leadbadge.errors import (
    DIDError,
    InputError,
    InvalidKeyError,
    SignatureError,
    VerificationMethodError,
)
from leadbadge.proof._common import as_list, issuer_id, parse_date_time_stamp
from leadbadge.proof.jose import (
    MAX_TOKEN_CHARS,
    ParsedJwt,
    check_header,
    encode_segment,
    looks_like_jwt,
    parse,
)

# The token-level names of leadbadge.proof.jose are offered here too, so one module holds the
# whole VC-JWT API (parse a token, read its credential, sign, verify).
__all__ = [
    "DEFAULT_ALGORITHMS",
    "MAX_TOKEN_CHARS",
    "REGISTERED_CLAIMS",
    "JwtCredential",
    "JwtKey",
    "JwtKeyResolver",
    "JwtVerification",
    "ParsedJwt",
    "credential_from_payload",
    "default_resolver",
    "looks_like_jwt",
    "parse",
    "sign",
    "verify",
]

#: JWS algorithms a verifier accepts unless its policy says otherwise (RS256 is OB 3.0's
#: conformance minimum).
DEFAULT_ALGORITHMS: Final[frozenset[str]] = ALGORITHMS
#: RFC 7519 §4.1 registered claims: on a VC 2.0 payload they are JWT claims, not credential
#: properties, and are taken off before the credential is read.
REGISTERED_CLAIMS: Final = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")

JwtForm = Literal["vc2", "vc1"]


# --- the credential inside ---------------------------------------------------------------------


@dataclass(frozen=True)
class JwtCredential:
    """The credential a VC-JWT payload carries, as a verifier reads it."""

    document: dict[str, Any]
    #: ``vc2``: the payload is the credential (OB 3.0, VC 2.0); ``vc1``: it is in a ``vc`` claim.
    form: JwtForm
    #: The JWT claims the payload carried (``iss``, ``nbf``…), as written.
    claims: dict[str, Any]


def _numeric_date(value: Any, name: str) -> datetime:
    # RFC 7519 §2: seconds since the epoch, possibly fractional; bool is not a number here.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"The JWT claim {name!r} is not a NumericDate.", field=f"jwt/{name}")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise InputError(f"The JWT claim {name!r} is out of range.", field=f"jwt/{name}") from None


def _xsd(moment: datetime) -> str:
    text = moment.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


def credential_from_payload(payload: Mapping[str, Any]) -> JwtCredential:
    """The credential of a VC-JWT payload (no signature or claim is checked here).

    A payload with a ``vc`` object is the VC 1.1 form: the credential is that object, and the
    claims fill in what it lacks (VC Data Model 1.1 §6.3.1 "JWT decoding"). Otherwise the payload
    is the credential with the registered JWT claims taken off; ``exp`` sets ``validUntil`` when
    the credential has none (OB 3.0 §8.2.6).
    """
    claims = {k: copy.deepcopy(payload[k]) for k in REGISTERED_CLAIMS if k in payload}
    vc = payload.get("vc")
    if isinstance(vc, Mapping):
        doc = copy.deepcopy(dict(vc))
        _fill_vc1(doc, claims)
        return JwtCredential(doc, "vc1", claims)
    if "vc" in payload:
        raise InputError("The JWT's 'vc' claim is not a credential object.", field="jwt/vc")
    doc = {k: copy.deepcopy(v) for k, v in payload.items() if k not in REGISTERED_CLAIMS}
    if "exp" in claims and "validUntil" not in doc:
        doc["validUntil"] = _xsd(_numeric_date(claims["exp"], "exp"))
    return JwtCredential(doc, "vc2", claims)


def _fill_vc1(doc: dict[str, Any], claims: Mapping[str, Any]) -> None:
    if isinstance(claims.get("jti"), str) and "id" not in doc:
        doc["id"] = claims["jti"]
    if isinstance(claims.get("iss"), str):
        issuer = doc.get("issuer")
        if issuer is None:
            doc["issuer"] = claims["iss"]
        elif isinstance(issuer, dict) and "id" not in issuer:
            issuer["id"] = claims["iss"]
    if "nbf" in claims and "issuanceDate" not in doc:
        doc["issuanceDate"] = _xsd(_numeric_date(claims["nbf"], "nbf"))
    if "exp" in claims and "expirationDate" not in doc:
        doc["expirationDate"] = _xsd(_numeric_date(claims["exp"], "exp"))
    subjects = doc.get("credentialSubject")
    if isinstance(claims.get("sub"), str) and isinstance(subjects, dict) and "id" not in subjects:
        subjects["id"] = claims["sub"]


def sign(
    credential: Mapping[str, Any],
    key: JoseSigningKey,
    *,
    kid: str | None,
    include_jwk: bool = True,
    issued_at: datetime | None = None,
) -> str:
    """The credential as a VC-JWT (OB 3.0 §8.2): a compact JWS signed with ``key``.

    The payload is the credential itself (an embedded proof it carries is kept and signed too)
    with ``iss`` (issuer id), ``jti`` (id), ``sub`` (the subject's id, if it has one), ``nbf``
    (validFrom), ``exp`` (validUntil, if any) and ``iat`` (``issued_at``). The header names the
    key by ``kid`` and, with ``include_jwk``, also carries the public key (``jwk``), so that a
    verifier without the issuer's DID document can still check integrity. Without ``kid`` the
    ``jwk`` is required.
    """
    if not isinstance(credential, Mapping):
        raise InputError("The credential to sign must be a JSON object.", field="credential")
    if not isinstance(key, JoseSigningKey):
        raise InputError("The key must be a leadbadge JoseSigningKey.", field="key")
    if kid is None and not include_jwk:
        raise InputError("A VC-JWT header needs a kid or a jwk (OB 3.0 §8.2.3).", field="kid")
    if "vc" in credential or any(claim in credential for claim in REGISTERED_CLAIMS):
        raise InputError(
            "The credential already has JWT claims (vc, iss, nbf…); sign the credential itself.",
            field="credential",
        )
    payload = copy.deepcopy(dict(credential))
    issuer = issuer_id(payload)
    if issuer is None or not isinstance(payload.get("id"), str):
        raise InputError("The credential needs an id and an issuer to be a VC-JWT.", field="id")
    valid_from = payload.get("validFrom") or payload.get("issuanceDate")
    if valid_from is None:
        raise InputError("The credential needs validFrom (the JWT's nbf).", field="validFrom")
    payload["iss"] = issuer
    payload["jti"] = payload["id"]
    subjects = [s for s in as_list(payload.get("credentialSubject")) if isinstance(s, Mapping)]
    if len(subjects) == 1 and isinstance(subjects[0].get("id"), str):
        payload["sub"] = subjects[0]["id"]
    payload["nbf"] = _timestamp(valid_from, "validFrom")
    valid_until = payload.get("validUntil") or payload.get("expirationDate")
    if valid_until is not None:
        payload["exp"] = _timestamp(valid_until, "validUntil")
    if issued_at is not None:
        if issued_at.tzinfo is None:
            raise InputError("issued_at must be a timezone-aware datetime.", field="issued_at")
        payload["iat"] = int(issued_at.timestamp())
    header: dict[str, Any] = {"alg": key.alg, "typ": "JWT"}
    if kid is not None:
        header["kid"] = kid
    if include_jwk:
        header["jwk"] = key.public_key.to_jwk()
    signing_input = f"{encode_segment(header)}.{encode_segment(payload)}"
    signature = key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode('ascii')}"


def _timestamp(value: Any, field: str) -> int:
    moment = parse_date_time_stamp(value, field=field)
    if moment.microsecond:
        raise InputError(f"{field} has fractions of a second, which a JWT cannot carry.")
    return int(moment.timestamp())


# --- key resolution ----------------------------------------------------------------------------


@dataclass(frozen=True)
class JwtKey:
    """The key a token names, found by its ``kid``: whose it is and when it may be used."""

    id: str
    controller: str
    key: PublicJwk
    valid_from: datetime | None = None
    valid_until: datetime | None = None


#: ``(kid, issuer id) -> JwtKey``; raises :class:`VerificationMethodError` when not found.
JwtKeyResolver = Callable[[str, str], JwtKey]


def default_resolver(
    did_documents: Mapping[str, Mapping[str, Any]] | None = None,
) -> JwtKeyResolver:
    """Offline resolution of a ``kid``: did:key, DID documents the caller provides, and 1EdTech's
    ``<issuer id>#<publicKeyMultibase>`` convention. Nothing is fetched."""
    documents = dict(did_documents or {})

    def resolve(kid: str, issuer: str) -> JwtKey:
        base, _, fragment = kid.partition("#")
        try:
            if base.startswith("did:key:"):
                method = resolve_did_key(kid).verification_methods[0]
                return JwtKey(
                    kid, method.controller, PublicJwk.from_verifying_key(method.public_key)
                )
            if base.startswith("did:"):
                document = documents.get(base)
                if document is None:
                    raise VerificationMethodError(
                        f"No DID document for {base} was provided, and leadbadge does not fetch "
                        "one while verifying.",
                        verification_method=kid,
                    )
                return did_document_key(document, kid)
        except DIDError as error:
            raise VerificationMethodError(
                f"The key {kid} cannot be used: {error.message}", verification_method=kid
            ) from None
        if fragment.startswith("z") and base == issuer:
            try:
                key = VerifyingKey.from_multikey(fragment)
            except InvalidKeyError as error:
                raise VerificationMethodError(
                    f"The kid's fragment is not an Ed25519 Multikey: {error.message}",
                    verification_method=kid,
                ) from None
            return JwtKey(kid, base, PublicJwk.from_verifying_key(key))
        raise VerificationMethodError(
            f"The key {kid} cannot be found offline.", verification_method=kid
        )

    return resolve


def did_document_key(document: Mapping[str, Any], kid: str) -> JwtKey:
    """The assertion key ``kid`` of a DID document: Multikey/Ed25519 or a JsonWebKey (any of
    RSA, P-256, Ed25519), with its ``expires``/``revoked`` as the end of its period.

    Raises :class:`VerificationMethodError` when the key is absent, not an assertion method, or
    not bound to the document (CID 1.0 "Retrieve Verification Method").
    """
    doc_id = document.get("id")
    if not isinstance(doc_id, str) or kid.partition("#")[0] != doc_id:
        raise VerificationMethodError(
            f"The key {kid} is not in the DID document of {doc_id}.", verification_method=kid
        )
    try:
        parsed: DidDocument = parse_did_document(document)
    except DIDError as error:
        raise VerificationMethodError(
            f"The DID document of {doc_id} is unusable: {error.message}", verification_method=kid
        ) from None
    assertion = set(parsed.assertion_method)
    if kid not in assertion:
        raise VerificationMethodError(
            f"The key {kid} is not listed under assertionMethod, so it may not sign credentials.",
            verification_method=kid,
        )
    method = parsed.verification_method(kid)
    if method is not None:
        until = _earliest(method.expires, method.revoked)
        return JwtKey(
            kid, method.controller, PublicJwk.from_verifying_key(method.public_key), None, until
        )
    entry = _raw_method(document, kid)
    if entry is None:
        raise VerificationMethodError(
            f"The key {kid} is not in the DID document.", verification_method=kid
        )
    jwk = entry.get("publicKeyJwk")
    if entry.get("controller") != doc_id or not isinstance(jwk, Mapping):
        raise VerificationMethodError(
            f"The key {kid} is not a JsonWebKey controlled by {doc_id}.", verification_method=kid
        )
    try:
        key = PublicJwk.from_jwk(jwk)
    except InvalidKeyError as error:
        raise VerificationMethodError(
            f"The key {kid} is unusable: {error.message}", verification_method=kid
        ) from None
    until = _earliest(_date(entry.get("expires")), _date(entry.get("revoked")))
    return JwtKey(kid, doc_id, key, None, until)


def _raw_method(document: Mapping[str, Any], kid: str) -> Mapping[str, Any] | None:
    doc_id = str(document.get("id"))
    for name in ("verificationMethod", "assertionMethod"):
        for entry in as_list(document.get(name)):
            if isinstance(entry, Mapping):
                vm_id = entry.get("id")
                full = doc_id + vm_id if isinstance(vm_id, str) and vm_id.startswith("#") else vm_id
                if full == kid:
                    return entry
    return None


def _date(value: Any) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_date_time_stamp(value, field="expires")
    except InputError:
        raise VerificationMethodError("A DID document date is not a date-time.") from None


def _earliest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return min(present) if present else None


# --- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class JwtVerification:
    """A VC-JWT whose signature and claims verified."""

    alg: str
    #: The ``kid`` header, or None when the key came only from ``jwk``.
    kid: str | None
    key: PublicJwk
    #: Who controls the key: the resolved method's controller, or the issuer for a ``jwk``-only
    #: token (whose key proves integrity, not identity).
    controller: str
    #: ``kid`` (resolved) or ``jwk`` (carried in the token).
    key_source: Literal["kid", "jwk"]
    #: When the token says it was signed: ``iat``, else ``nbf``; None if neither.
    signed_at: datetime | None
    form: JwtForm
    warnings: tuple[str, ...] = ()
    #: The resolved key's period (from the resolver), when it has one.
    resolved: JwtKey | None = None


def verify(
    token: str | ParsedJwt,
    *,
    resolver: JwtKeyResolver | None = None,
    allowed: Collection[str] = DEFAULT_ALGORITHMS,
) -> JwtVerification:
    """Verify a VC-JWT's signature and the OB 3.0 §8.2.6 claim rules.

    ``allowed`` is the caller's JWS algorithm allowlist. The key comes from ``kid`` (through
    ``resolver``) or, without one, from the ``jwk`` header; with both, they must be the same key.
    Raises :class:`InputError` (malformed token, ``none`` or a MAC algorithm, an algorithm that
    does not fit the key, claims that contradict the credential), :class:`UnsupportedProofError`
    (an algorithm outside ``allowed`` or not implemented), :class:`VerificationMethodError`
    (no key, key not found, not the issuer's), :class:`SignatureError`.
    """
    parsed = token if isinstance(token, ParsedJwt) else parse(token)
    header, payload = parsed.header, parsed.payload
    warnings: list[str] = []
    alg = check_header(header, allowed, warnings)
    credential = credential_from_payload(payload)
    issuer = issuer_id(credential.document)
    if issuer is None:
        raise VerificationMethodError(
            "The credential names no issuer, so the token cannot be tied to one."
        )
    key, kid, controller, resolved = _token_key(header, issuer, resolver or _DEFAULT_RESOLVER)
    if key.alg != alg:
        raise InputError(
            f"The token's alg {alg!r} does not fit its key (a {key.describe()} signs with "
            f"{key.alg}).",
            field="jwt/header/alg",
        )
    if not key.verify(alg, parsed.signature, parsed.signing_input):
        raise SignatureError(
            "The JWT signature does not match the token: it was changed after signing or signed "
            "with another key."
        )
    if controller != issuer:
        raise VerificationMethodError(
            f"The token's key {kid} is controlled by {controller}, not by the issuer {issuer}.",
            verification_method=kid,
        )
    signed_at = _check_claims(credential, warnings)
    return JwtVerification(
        alg=alg,
        kid=kid,
        key=key,
        controller=controller,
        key_source="kid" if kid is not None else "jwk",
        signed_at=signed_at,
        form=credential.form,
        warnings=tuple(warnings),
        resolved=resolved,
    )


def _token_key(
    header: Mapping[str, Any], issuer: str, resolver: JwtKeyResolver
) -> tuple[PublicJwk, str | None, str, JwtKey | None]:
    kid, jwk = header.get("kid"), header.get("jwk")
    if kid is not None and (not isinstance(kid, str) or not kid):
        raise InputError("The JWT header's kid is not a string.", field="jwt/header/kid")
    carried: PublicJwk | None = None
    if jwk is not None:
        try:
            carried = PublicJwk.from_jwk(jwk)
        except InvalidKeyError as error:
            raise InputError(
                f"The JWT header's jwk is unusable: {error.message}", field="jwt/header/jwk"
            ) from None
    if kid is None:
        if carried is None:
            raise VerificationMethodError(
                "The JWT header has neither a kid nor a jwk, so its key cannot be found."
            )
        # OB 3.0 §8.2.3: the key travels with the token. It proves the token unchanged, not who
        # signed it: only the trust store can say that.
        return carried, None, issuer, None
    resolved = resolver(kid, issuer)
    if carried is not None and carried != resolved.key:
        raise VerificationMethodError(
            f"The JWT header's jwk is not the key its kid {kid} names.", verification_method=kid
        )
    return resolved.key, kid, resolved.controller, resolved


def _check_claims(credential: JwtCredential, warnings: list[str]) -> datetime | None:
    """OB 3.0 §8.2.6 "Verify a Credential VC-JWT Signature"; returns when it was signed."""
    doc, claims = credential.document, credential.claims
    issuer = issuer_id(doc)
    for name, expected in (("iss", issuer), ("jti", doc.get("id"))):
        if name not in claims:
            warnings.append(f"The JWT has no {name} claim, which OB 3.0 requires.")
        elif claims[name] != expected:
            raise InputError(
                f"The JWT's {name} claim {claims[name]!r} does not match the credential's "
                f"{'issuer' if name == 'iss' else 'id'} {expected!r}.",
                field=f"jwt/{name}",
            )
    subject_ids = [
        s.get("id") for s in as_list(doc.get("credentialSubject")) if isinstance(s, Mapping)
    ]
    if "sub" in claims:
        if claims["sub"] not in subject_ids:
            raise InputError(
                f"The JWT's sub claim {claims['sub']!r} is not the credential subject's id.",
                field="jwt/sub",
            )
    elif any(isinstance(s, str) for s in subject_ids):
        warnings.append("The JWT has no sub claim although the credential subject has an id.")
    start_key = "validFrom" if credential.form == "vc2" else "issuanceDate"
    end_key = "validUntil" if credential.form == "vc2" else "expirationDate"
    nbf = _claim_date(claims, "nbf")
    if nbf is None:
        warnings.append("The JWT has no nbf claim, which OB 3.0 requires.")
    else:
        _same_instant(nbf, doc.get(start_key), "nbf", start_key)
    exp = _claim_date(claims, "exp")
    if exp is not None:
        _same_instant(exp, doc.get(end_key), "exp", end_key)
    iat = _claim_date(claims, "iat")
    return iat or nbf


def _claim_date(claims: Mapping[str, Any], name: str) -> datetime | None:
    return _numeric_date(claims[name], name) if name in claims else None


def _same_instant(claim: datetime, value: Any, name: str, key: str) -> None:
    if value is None:
        raise InputError(
            f"The JWT's {name} claim has no matching {key} in the credential.", field=f"jwt/{name}"
        )
    try:
        moment = parse_date_time_stamp(value, field=key)
    except InputError:
        raise InputError(
            f"The credential's {key} is not a date-time, so the JWT's {name} cannot be checked.",
            field=key,
        ) from None
    # NumericDate is whole seconds in practice; compare at that precision.
    if int(claim.timestamp()) != int(moment.timestamp()):
        raise InputError(
            f"The JWT's {name} claim ({_xsd(claim)}) does not match the credential's {key} "
            f"({value}).",
            field=f"jwt/{name}",
        )


_DEFAULT_RESOLVER: Final = default_resolver()
