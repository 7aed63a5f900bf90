"""Pinning an issuer by a key the verifier was given, when it publishes no key history.

Issuers that follow 1EdTech's examples sign with ``<issuer id>#<publicKeyMultibase>`` and
publish neither a key history nor a DID document; a VC-JWT issuer may be known only by its key.
A verifier who received the key out of band (the issuer's program office, a letter) pins it for
the issuer: the key then speaks for that issuer — as ``<issuer id>#<multikey>``, or carried
in a VC-JWT's header — within the period given.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)

from leadbadge.conformance.problems import is_absolute_iri
from leadbadge.crypto.keys import VerifyingKey
from leadbadge.errors import InvalidKeyError, TrustStoreError
from leadbadge.trust.key_history import HistoryKey, PublishedIssuer
from leadbadge.trust.pins import PinnedIssuer

__all__ = ["KEY_SOURCE", "issuer_from_key", "read_public_key"]

#: The ``source`` of an entry pinned by key: nothing to fetch or read again.
KEY_SOURCE = "key:given to trust add-key"
_MAX_KEY_FILE = 64 * 1024


def read_public_key(value: str) -> VerifyingKey:
    """An Ed25519 public key from a Multikey (``z6Mk…``) or a file holding a public JWK or a
    PEM public key. Raises :class:`InvalidKeyError` saying what it is instead."""
    if value.startswith("z"):
        return VerifyingKey.from_multikey(value)
    path = Path(value).expanduser()
    if not path.is_file():
        raise InvalidKeyError(
            f"{value!r} is neither a Multikey (z6Mk…) nor a file holding a public key."
        )
    data = path.read_bytes()[: _MAX_KEY_FILE + 1]
    if len(data) > _MAX_KEY_FILE:
        raise InvalidKeyError(f"{path} is too large to be a public key file.")
    if data.lstrip().startswith(b"{"):
        try:
            jwk = json.loads(data)
        except ValueError:
            raise InvalidKeyError(f"{path} is not valid JSON.") from None
        if isinstance(jwk, dict) and jwk.get("kty") != "OKP":
            raise InvalidKeyError(
                f"{path} holds a {jwk.get('kty')!r} key; only Ed25519 keys (OKP) can be pinned "
                "by value."
            )
        return VerifyingKey.from_jwk(jwk)
    try:
        key = load_pem_public_key(data)
    except ValueError:
        raise InvalidKeyError(f"{path} holds neither a JWK nor a PEM public key.") from None
    if not isinstance(key, Ed25519PublicKey):
        raise InvalidKeyError(
            f"{path} holds a {type(key).__name__.removesuffix('PublicKey') or 'non-Ed25519'} "
            "key; only Ed25519 keys can be pinned by value."
        )
    return VerifyingKey.from_raw(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def issuer_from_key(
    issuer_id: str,
    key: VerifyingKey,
    *,
    name: str | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    existing: PinnedIssuer | None = None,
) -> PublishedIssuer:
    """What to pin: ``issuer_id`` with ``key`` (and the keys it was pinned with by key before).

    Refuses an issuer pinned from what it publishes: its own key history or DID document says
    which keys it has, and a key given by hand must not quietly extend it.
    """
    if not is_absolute_iri(issuer_id):
        raise TrustStoreError(f"The issuer id {issuer_id!r} is not a URL or a DID.")
    if valid_from and valid_until and valid_until < valid_from:
        raise TrustStoreError("--valid-until is before --valid-from.")
    keys: list[HistoryKey] = []
    if existing is not None:
        if existing.source != KEY_SOURCE:
            raise TrustStoreError(
                f"{issuer_id} is pinned from {existing.source}, which says which keys it has; "
                "remove it first ('leadbadge trust remove') to pin it by key instead."
            )
        keys = [
            HistoryKey(k.id, k.controller, k.public_key, k.valid_from, k.valid_until)
            for k in existing.keys
            if k.public_key != key
        ]
        name = name or existing.name
    keys.append(HistoryKey(f"{issuer_id}#{key.multikey}", issuer_id, key, valid_from, valid_until))
    return PublishedIssuer(
        issuer=issuer_id,
        identities=(issuer_id,),
        name=name,
        url=None,
        keys=tuple(keys),
        achievements={},
        did_document=None,
        source=KEY_SOURCE,
    )
