"""Offline resolution of the key a Data Integrity proof names, for verification.

The accepted verification method forms are described in docs/proofs.md;
:mod:`leadbadge.proof.eddsa_rdfc_2022` offers these names with its own.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Final, Protocol

from leadbadge.crypto.did import DidDocument, VerificationMethod, resolve_did_key
from leadbadge.crypto.keys import VerifyingKey
from leadbadge.errors import DIDError, InvalidKeyError, VerificationMethodError

__all__ = ["KeyResolver", "default_resolver"]


class KeyResolver(Protocol):
    """Finds the key a proof names: ``(verification method, issuer id) -> VerificationMethod``.

    Raises :class:`VerificationMethodError` when the method cannot be resolved or may not sign
    for this issuer. The returned method's ``controller`` is compared with the issuer by
    :func:`leadbadge.proof.eddsa_rdfc_2022.verify`.
    """

    def __call__(self, verification_method: str, issuer: str, /) -> VerificationMethod: ...


def default_resolver(did_documents: Mapping[str, DidDocument] | None = None) -> KeyResolver:
    """Offline key resolution for the verification method forms leadbadge accepts.

    - ``did:key:z6Mk…#z6Mk…`` (or the bare DID): decoded locally.
    - Any other DID URL (``did:web:…#key-1``): looked up in ``did_documents`` (keyed by DID),
      which the caller provides; nothing is fetched. The method must be listed under
      ``assertionMethod``.
    - ``<issuer id>#z6Mk…`` (1EdTech's convention, no key document): the part before ``#``
      must be exactly the issuer id and the fragment a strict Ed25519 Multikey.
    """
    documents = dict(did_documents or {})

    def resolve(verification_method: str, issuer: str, /) -> VerificationMethod:
        base, _, fragment = verification_method.partition("#")
        if base.startswith("did:key:"):
            return _did_key_method(verification_method)
        if base.startswith("did:"):
            return _did_document_method(verification_method, base, fragment, documents)
        if fragment and _has_scheme(base):
            return _fragment_key_method(verification_method, base, fragment, issuer)
        raise VerificationMethodError(
            f"The verification method {verification_method!r} cannot be resolved offline: it "
            "is neither a DID URL nor the issuer's id followed by '#' and a Multikey.",
            verification_method=verification_method,
        )

    return resolve


def _did_key_method(verification_method: str) -> VerificationMethod:
    try:
        document = _did_key_document(verification_method)
    except DIDError as error:
        raise VerificationMethodError(
            f"The did:key verification method cannot be used: {error.message}",
            verification_method=verification_method,
        ) from None
    # A bare did:key names its only key.
    return document.verification_methods[0]


# A did:key document is a function of its DID URL alone and immutable once made (a frozen
# dataclass holding an immutable key), so a cached one is the one resolving again would give.
# Refusals are not cached: lru_cache keeps only returned values.
_did_key_document: Final = functools.lru_cache(maxsize=256)(resolve_did_key)


def _did_document_method(
    verification_method: str,
    did: str,
    fragment: str,
    documents: Mapping[str, DidDocument],
) -> VerificationMethod:
    document = documents.get(did)
    if document is None:
        raise VerificationMethodError(
            f"No DID document for {did} was provided, and leadbadge does not fetch one while "
            "verifying.",
            verification_method=verification_method,
        )
    if not fragment:
        raise VerificationMethodError(
            f"The verification method {verification_method!r} names a DID, not one of its keys.",
            verification_method=verification_method,
        )
    method = document.assertion_key(verification_method)
    if method is None:
        listed = document.verification_method(verification_method) is not None
        why = "is not listed under assertionMethod" if listed else "is not in the DID document"
        raise VerificationMethodError(
            f"The key {verification_method} {why}, so it may not sign credentials.",
            verification_method=verification_method,
        )
    return method


def _fragment_key_method(
    verification_method: str, base: str, fragment: str, issuer: str
) -> VerificationMethod:
    if base != issuer:
        raise VerificationMethodError(
            f"The key in {verification_method} is written under {base}, not under the issuer "
            f"{issuer}.",
            verification_method=verification_method,
        )
    try:
        key = VerifyingKey.from_multikey(fragment)
    except InvalidKeyError as error:
        raise VerificationMethodError(
            f"The verification method's fragment is not an Ed25519 Multikey: {error.message}",
            verification_method=verification_method,
        ) from None
    return VerificationMethod(verification_method, "Multikey", base, key)


def _has_scheme(value: str) -> bool:
    scheme, colon, rest = value.partition(":")
    return bool(
        colon
        and rest
        and scheme[:1].isalpha()
        and scheme.replace("+", "").replace("-", "").replace(".", "").isalnum()
    )


_DEFAULT_RESOLVER: Final = default_resolver()
