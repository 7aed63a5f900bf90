"""Data Integrity ``DataIntegrityProof`` proofs with the ``eddsa-rdfc-2022`` cryptosuite.

Specifications:

- VC Data Integrity EdDSA Cryptosuites v1.0, §3.3 "eddsa-rdfc-2022": Create Proof, Verify
  Proof, Transformation (RDFC-1.0), Hashing (SHA-256 of the proof configuration, then of the
  document, concatenated), Proof Configuration, Proof Serialization (Ed25519, multibase
  base58btc). ``eddsa-2022`` is the same algorithm under its pre-2023 name; it is verified, with
  a warning, and never produced.
- VC Data Integrity 1.0, §4.2 "Add Proof", §4.4 "Verify Proof" and §4.5 "Verify Proof Sets and
  Chains" (``previousProof``).
- W3C CCG "Ed25519 Signature 2020": the legacy proof type ``Ed25519Signature2020`` computes the
  same signature over the same hashes; it is verified here too (when the caller allows it),
  with a warning, and never produced.
- Open Badges 3.0 §8.3 and 1EdTech's implementation guide: a ``verificationMethod`` of the form
  ``<issuer id>#<publicKeyMultibase>`` names the key in its fragment.

The proof-set rule, the accepted verification method forms and the allowlist are described in
docs/proofs.md.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Final

from leadbadge.crypto import multibase as _multibase
from leadbadge.crypto.keys import SigningKey, VerifyingKey
from leadbadge.errors import (
    DIDError,
    InputError,
    InvalidKeyError,
    SignatureError,
    UnsupportedProofError,
    VerificationMethodError,
)
from leadbadge.ld.canonical import canonicalize
from leadbadge.ld.contexts import ContextLoader
from leadbadge.ld.nquads import Quad
from leadbadge.ld.rdfc10 import canonical_nquads
from leadbadge.proof._common import (
    as_list,
    copy_json,
    format_date_time_stamp,
    issuer_id,
    parse_date_time_stamp,
)
from leadbadge.proof._resolve import (
    _DEFAULT_RESOLVER,
    KeyResolver,
    _did_key_document,
    default_resolver,
)

__all__ = [
    "AUTHENTICATION",
    "CRYPTOSUITE",
    "DEFAULT_ALLOWED",
    "ED25519_SIGNATURE_2020",
    "LEGACY_CRYPTOSUITE",
    "PROOF_PURPOSE",
    "PROOF_TYPE",
    "KeyResolver",
    "ProofVerification",
    "default_resolver",
    "hash_data",
    "proof_config",
    "sign",
    "verify",
]

PROOF_TYPE: Final = "DataIntegrityProof"
CRYPTOSUITE: Final = "eddsa-rdfc-2022"
#: The suite's name in drafts before 2023; same algorithm, accepted for verification only.
LEGACY_CRYPTOSUITE: Final = "eddsa-2022"
#: The only proof purpose a credential's proof may have.
PROOF_PURPOSE: Final = "assertionMethod"
#: The proof purpose of a holder's proof on a presentation (VC 2.0 §4.13, Data Integrity §2.1):
#: it authenticates the presenter, often bound to a verifier's ``challenge`` and ``domain``.
AUTHENTICATION: Final = "authentication"
#: (proof type, cryptosuite) pairs a verifier accepts unless its caller says otherwise.
DEFAULT_ALLOWED: Final[frozenset[tuple[str, str]]] = frozenset(
    {(PROOF_TYPE, CRYPTOSUITE), (PROOF_TYPE, LEGACY_CRYPTOSUITE)}
)
#: The legacy Ed25519Signature2020 suite (W3C CCG): the same Ed25519 signature over the same
#: hashes of the same RDFC-1.0 canonical forms, under its own proof type and no cryptosuite.
#: Verified here, never produced; see :mod:`leadbadge.proof.ed25519_signature_2020`.
ED25519_SIGNATURE_2020: Final = ("Ed25519Signature2020", "")
# What this module can verify; an allowlist entry outside it is reported, never "verified".
_IMPLEMENTED: Final = DEFAULT_ALLOWED | {ED25519_SIGNATURE_2020}
_SIGNATURE_BYTES = 64


@dataclass(frozen=True)
class ProofVerification:
    """A proof that verified: which key, whose, and when the proof says it was made.

    For a proof set this describes the issuer's proof; ``warnings`` also names proofs that were
    not checked (type outside the allowlist) and proofs by other signers.
    """

    verification_method: str
    controller: str
    public_key: VerifyingKey
    #: The proof's ``created`` (optional in Data Integrity 1.0, so ``None`` when absent).
    created: datetime | None
    cryptosuite: str
    warnings: tuple[str, ...] = ()
    #: The proof's ``expires``, if any; comparing it with a clock is the caller's job.
    expires: datetime | None = None
    #: The proof's ``challenge`` and ``domain`` (Data Integrity 1.0 §2.1), as signed; comparing
    #: them with what the verifier expected is the caller's job. ``domain`` is always a tuple.
    challenge: str | None = None
    domain: tuple[str, ...] = ()


# --- The algorithm ----------------------------------------------------------------------------


def proof_config(document: Mapping[str, Any], proof: Mapping[str, Any]) -> dict[str, Any]:
    """The proof configuration (§3.3.5): the proof without ``proofValue``, in the document's
    ``@context``."""
    config = {k: copy_json(v) for k, v in proof.items() if k != "proofValue"}
    context = document.get("@context")
    if "@context" in proof and as_list(proof["@context"]) != as_list(context):
        # Data Integrity lets a proof carry a prefix of the document's contexts; leadbadge
        # only accepts the same list, which is what every signer it knows produces.
        raise InputError(
            "The proof's @context differs from the document's, which leadbadge does not accept.",
            field="proof/@context",
        )
    config["@context"] = copy_json(context)
    return config


def hash_data(
    document: Mapping[str, Any],
    config: Mapping[str, Any],
    *,
    loader: ContextLoader | None = None,
) -> bytes:
    """SHA-256 of the canonical proof configuration ‖ SHA-256 of the canonical document."""
    # The document first, so that its own problems are reported rather than the proof's.
    document_hash = _canonical_hash(document, loader)
    return _config_hash(config, loader) + document_hash


def _canonical_hash(document: Mapping[str, Any], loader: ContextLoader | None) -> bytes:
    return hashlib.sha256(canonicalize(document, loader=loader).encode("utf-8")).digest()


#: A proof configuration as a cache key: its members in order, a list of strings as a tuple.
_ConfigKey = tuple[tuple[str, str | tuple[str, ...]], ...]


def _config_hash(config: Mapping[str, Any], loader: ContextLoader | None) -> bytes:
    """:func:`_canonical_hash` of a proof configuration, remembered for the shipped contexts.

    A signer's configurations differ only by their ``created`` second, so a batch hashes the
    same one over and over. Only the default loader's results are kept: its contexts are the
    files the package ships, whereas a caller's loader may serve other documents for a URL.
    """
    key = _config_key(config) if loader is None else None
    if key is None:
        return _canonical_hash(config, loader)
    return _cached_config_hash(key)


def _config_key(config: Mapping[str, Any]) -> _ConfigKey | None:
    """The configuration as a key that equals another only for the same JSON, member order
    included; None when a member is anything but a string or a list of strings."""
    members: list[tuple[str, str | tuple[str, ...]]] = []
    for name, value in config.items():
        if type(name) is not str:
            return None
        if type(value) is str:
            members.append((name, value))
        elif type(value) is list and all(type(item) is str for item in value):
            members.append((name, tuple(value)))
        else:
            return None
    return tuple(members)


@functools.lru_cache(maxsize=16)
def _cached_config_hash(key: _ConfigKey) -> bytes:
    config = {name: list(value) if type(value) is tuple else value for name, value in key}
    return _canonical_hash(config, None)


# --- Signing ----------------------------------------------------------------------------------


def sign(
    document: Mapping[str, Any],
    key: SigningKey,
    *,
    verification_method: str,
    created: datetime,
    loader: ContextLoader | None = None,
    proof_purpose: str = PROOF_PURPOSE,
    challenge: str | None = None,
    domain: str | None = None,
) -> dict[str, Any]:
    """A copy of ``document`` with an ``eddsa-rdfc-2022`` proof added to its ``proof`` array.

    ``proof`` is always an array (OB 3.0's JSON Schema requires one; every verifier accepts
    one). Proofs already present are kept, making a proof set: the new proof, like each of
    them, signs the document without any proof. ``created`` is recorded in UTC to the second.
    The document must pass strict JSON-LD processing, or nothing is signed.

    ``proof_purpose`` is ``assertionMethod`` for a credential; a holder signs a presentation
    with ``authentication`` and the verifier's ``challenge`` and ``domain`` (both then signed).
    """
    if not isinstance(document, Mapping):
        raise InputError("The document to sign must be a JSON object.", field="document")
    _check_signer(key, verification_method)
    if proof_purpose not in (PROOF_PURPOSE, AUTHENTICATION):
        raise InputError(
            f"The proof purpose must be {PROOF_PURPOSE!r} or {AUTHENTICATION!r}.",
            field="proof_purpose",
        )
    for name, value in (("challenge", challenge), ("domain", domain)):
        if value is not None and (not isinstance(value, str) or not value):
            raise InputError(f"The {name} must be a non-empty string.", field=name)
    _check_method_names_key(verification_method, key.public_key)
    signed = {key: copy_json(value) for key, value in document.items()}
    return _add_proof(
        signed,
        key,
        verification_method=verification_method,
        created=created,
        loader=loader,
        proof_purpose=proof_purpose,
        challenge=challenge,
        domain=domain,
    )


def sign_owned(
    document: dict[str, Any],
    key: SigningKey,
    *,
    verification_method: str,
    created: datetime,
) -> dict[str, Any]:
    """:func:`sign` (``assertionMethod``, shipped contexts) for a document handed over: the
    proof is added to ``document`` itself, which is returned.

    For a caller that has just built ``document`` and keeps none of its containers for
    anything else, so the copy :func:`sign` makes would only cost time (a batch signs
    thousands). Whatever ``document`` shares with the caller ends up in the signed credential.
    """
    if type(document) is not dict:
        raise InputError("The document to sign must be a JSON object.", field="document")
    _check_signer(key, verification_method)
    _check_method_names_key(verification_method, key.public_key)
    return _add_proof(
        document, key, verification_method=verification_method, created=created, loader=None
    )


def _add_proof(
    signed: dict[str, Any],
    key: SigningKey,
    *,
    verification_method: str,
    created: datetime,
    loader: ContextLoader | None,
    proof_purpose: str = PROOF_PURPOSE,
    challenge: str | None = None,
    domain: str | None = None,
) -> dict[str, Any]:
    """Sign ``signed`` (checked inputs) and add the proof to it."""
    existing = as_list(signed.pop("proof", None))
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": format_date_time_stamp(created, field="created"),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain
    data = hash_data(signed, proof_config(signed, proof), loader=loader)
    proof["proofValue"] = _multibase.encode_base58btc(key.sign(data))
    signed["proof"] = [*existing, proof]
    return signed


def _check_signer(key: SigningKey, verification_method: str) -> None:
    if not isinstance(key, SigningKey):
        raise InputError("The signing key must be a leadbadge SigningKey.", field="key")
    if not isinstance(verification_method, str) or not verification_method:
        raise InputError(
            "The verification method must be a non-empty string.", field="verification_method"
        )


def _check_method_names_key(verification_method: str, public_key: VerifyingKey) -> None:
    """Refuse a verification method that visibly names another key than the signing key."""
    named = _named_key(verification_method)
    if named is not None and named != public_key:
        raise InputError(
            "The verification method names a different key than the signing key.",
            field="verification_method",
        )


def _named_key(verification_method: str) -> VerifyingKey | None:
    """The key a verification method names in its text (did:key, or a Multikey fragment)."""
    base, _, fragment = verification_method.partition("#")
    if base.startswith("did:key:"):
        try:
            # Parsed once per URL, as for verification.
            return _did_key_document(verification_method).verification_methods[0].public_key
        except DIDError as error:
            raise InputError(
                f"The verification method is not a usable did:key: {error.message}",
                field="verification_method",
            ) from None
    if fragment.startswith("z6Mk"):
        try:
            return VerifyingKey.from_multikey(fragment)
        except InvalidKeyError:
            return None
    return None


# --- Verification -----------------------------------------------------------------------------


def verify(
    document: Mapping[str, Any],
    *,
    issuer: str | None = None,
    resolver: KeyResolver | None = None,
    allowed: Collection[tuple[str, str]] = DEFAULT_ALLOWED,
    loader: ContextLoader | None = None,
    purpose: str = PROOF_PURPOSE,
    unsecured_quads: Sequence[Quad] | None = None,
) -> ProofVerification:
    """Verify the document's proof (or proof set) and that its issuer made it.

    ``issuer`` defaults to the document's issuer id; ``allowed`` lists the (type, cryptosuite)
    pairs to check and comes from the caller, never from the document. The rule for several
    proofs: proofs outside ``allowed`` are not checked (each is named in ``warnings``); every
    checked proof must verify; at least one must be by a key the issuer controls.

    ``purpose`` is the proof purpose every checked proof must have: ``assertionMethod`` for a
    credential; ``authentication`` for a holder's proof on a presentation, whose ``issuer`` is
    then the holder the key must belong to.

    ``unsecured_quads``, when given, are the strictly expanded quads of the document without
    its ``proof`` (:func:`leadbadge.ld.canonical.strict_quads` gives them): a caller that has
    expanded the document already spares this function a second expansion.

    Raises UnsupportedProofError (no proof, or none allowed), InputError (a malformed proof),
    VerificationMethodError (key not found, wrong purpose, not the issuer's), SignatureError,
    and JsonLdError subclasses (the document fails strict JSON-LD processing).
    """
    if not isinstance(document, Mapping):
        raise InputError("The document to verify must be a JSON object.", field="document")
    proofs = as_list(document.get("proof"))
    if not proofs:
        raise UnsupportedProofError("The document has no proof.")
    for index, proof in enumerate(proofs):
        if not isinstance(proof, Mapping):
            raise InputError(f"Proof {index + 1} is not a JSON object.", field=f"proof/{index}")
    issuer = issuer if issuer is not None else issuer_id(document)
    resolve = resolver if resolver is not None else _DEFAULT_RESOLVER
    accepted = frozenset(allowed)
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    notes: list[str] = []
    verified: list[ProofVerification] = []
    hashes: dict[str, bytes] = {}
    for index, proof in enumerate(proofs):
        # A proof type without a cryptosuite (Ed25519Signature2020) has "" in the pair.
        kind = (_string(proof.get("type")), _string(proof.get("cryptosuite", "")))
        if kind not in accepted or kind not in _IMPLEMENTED:
            why = "its suite is not accepted" if kind not in accepted else "it is not supported"
            notes.append(f"Proof {index + 1} ({_describe(proof)}) was not checked: {why}.")
            continue
        if issuer is None:
            raise VerificationMethodError(
                "The document names no issuer, so no proof can be tied to one.",
                verification_method=_string(proof.get("verificationMethod")),
            )
        verified.append(
            _verify_one(
                unsecured,
                proofs,
                index,
                issuer=issuer,
                resolve=resolve,
                loader=loader,
                hashes=hashes,
                purpose=purpose,
                unsecured_quads=unsecured_quads,
            )
        )
    if not verified:
        found = ", ".join(_describe(p) for p in proofs)
        raise UnsupportedProofError(f"No proof uses a suite this verifier accepts (found {found}).")
    by_issuer = [v for v in verified if v.controller == issuer]
    if not by_issuer:
        first = verified[0]
        raise VerificationMethodError(
            f"The proof's key {first.verification_method} is controlled by {first.controller}, "
            f"not by the issuer {issuer}.",
            verification_method=first.verification_method,
        )
    for other in verified:
        if other.controller != issuer:
            notes.append(
                f"A proof by {other.controller} also verifies; it says nothing about the issuer."
            )
    chosen = by_issuer[0]
    return replace(chosen, warnings=chosen.warnings + tuple(notes))


def _verify_one(
    unsecured: Mapping[str, Any],
    proofs: list[Mapping[str, Any]],
    index: int,
    *,
    issuer: str,
    resolve: KeyResolver,
    loader: ContextLoader | None,
    hashes: dict[str, bytes],
    purpose: str = PROOF_PURPOSE,
    unsecured_quads: Sequence[Quad] | None = None,
) -> ProofVerification:
    """Data Integrity §4.4 "Verify Proof" with eddsa-rdfc-2022 §3.3.2, for one proof."""
    proof = proofs[index]
    where = "proof" if len(proofs) == 1 else f"proof/{index}"
    method_id = proof.get("verificationMethod")
    if not isinstance(method_id, str) or not method_id:
        raise InputError(
            "The proof has no verificationMethod.", field=f"{where}/verificationMethod"
        )
    stated = proof.get("proofPurpose")
    if not isinstance(stated, str):
        raise InputError("The proof has no proofPurpose.", field=f"{where}/proofPurpose")
    if stated != purpose:
        what = "the credential" if purpose == PROOF_PURPOSE else "the presenter"
        raise VerificationMethodError(
            f"The proof's purpose is {stated!r}, not {purpose!r}, so it does not vouch for {what}.",
            verification_method=method_id,
        )
    challenge = proof.get("challenge")
    if challenge is not None and not isinstance(challenge, str):
        raise InputError("The proof's challenge is not a string.", field=f"{where}/challenge")
    domain = as_list(proof.get("domain"))
    if not all(isinstance(d, str) and d for d in domain):
        # Data Integrity 1.0 §2.1: a string or an unordered set of strings.
        raise InputError("The proof's domain is not a string or a list of strings.", field=where)
    created = (
        parse_date_time_stamp(proof["created"], field=f"{where}/created")
        if "created" in proof
        else None
    )
    expires = (
        parse_date_time_stamp(proof["expires"], field=f"{where}/expires")
        if "expires" in proof
        else None
    )
    signature = _decode_proof_value(proof.get("proofValue"), field=f"{where}/proofValue")
    document = dict(unsecured)
    if "previousProof" in proof:
        document["proof"] = _previous_proofs(proofs, proof["previousProof"], where)
        document_hash = _canonical_hash(document, loader)
    else:
        # The same for every unchained proof of a set: canonicalized once.
        if "unsecured" not in hashes:
            hashes["unsecured"] = (
                _canonical_hash(document, loader)
                if unsecured_quads is None
                else hashlib.sha256(canonical_nquads(unsecured_quads).encode("utf-8")).digest()
            )
        document_hash = hashes["unsecured"]
    # The document before the key: a document that fails strict processing is refused as such,
    # whoever's key it names. The key before the proof configuration: a verification method
    # that is not an IRI is reported as an unusable key.
    method = resolve(method_id, issuer)
    data = _config_hash(proof_config(document, proof), loader) + document_hash
    if not method.public_key.verify(signature, data):
        raise SignatureError(
            f"The signature of the proof by {method_id} does not match the document: it was "
            "changed after signing or signed with another key."
        )
    suite = str(proof.get("cryptosuite") or proof["type"])
    warnings: tuple[str, ...] = ()
    if suite == LEGACY_CRYPTOSUITE:
        warnings = (
            f"The proof uses the legacy cryptosuite name {LEGACY_CRYPTOSUITE!r}; the current "
            f"name is {CRYPTOSUITE!r}.",
        )
    elif suite == ED25519_SIGNATURE_2020[0]:
        warnings = (
            f"The proof uses the legacy suite {suite}; the current one is {PROOF_TYPE} with "
            f"the cryptosuite {CRYPTOSUITE!r}.",
        )
    return ProofVerification(
        verification_method=method_id,
        controller=method.controller,
        public_key=method.public_key,
        created=created,
        cryptosuite=suite,
        warnings=warnings,
        expires=expires,
        challenge=challenge,
        domain=tuple(domain),
    )


def _decode_proof_value(value: object, *, field: str) -> bytes:
    if not isinstance(value, str) or not value:
        raise InputError("The proof has no proofValue.", field=field)
    try:
        signature = _multibase.decode_base58btc(value)
    except ValueError:
        raise InputError("The proofValue is not multibase base58btc ('z…').", field=field) from None
    if len(signature) != _SIGNATURE_BYTES or _multibase.encode_base58btc(signature) != value:
        raise InputError(
            f"The proofValue does not encode a {_SIGNATURE_BYTES}-byte Ed25519 signature.",
            field=field,
        )
    return signature


def _previous_proofs(
    proofs: list[Mapping[str, Any]], previous: object, where: str
) -> list[Mapping[str, Any]]:
    """The proofs a chained proof signed over (Data Integrity §4.5, ``previousProof``)."""
    wanted = as_list(previous)
    if not wanted or not all(isinstance(w, str) for w in wanted):
        raise InputError(
            "The proof's previousProof must name proof ids.", field=f"{where}/previousProof"
        )
    found = [p for p in proofs if p.get("id") in wanted]
    if sorted(str(p.get("id")) for p in found) != sorted(set(wanted)):
        raise InputError(
            "The proof's previousProof names a proof the document does not contain (exactly once).",
            field=f"{where}/previousProof",
        )
    return found


def _describe(proof: Mapping[str, Any]) -> str:
    kind = _string(proof.get("type")) or "no type"
    suite = _string(proof.get("cryptosuite"))
    return f"{kind}/{suite}" if suite else kind


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None
