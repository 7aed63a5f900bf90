"""Pinning an issuer by a key the verifier was given, when it publishes no key history.

Issuers that follow 1EdTech's examples sign with ``<issuer id>#<publicKeyMultibase>`` and
publish neither a key history nor a DID document; a VC-JWT issuer may be known only by its key.
A verifier who received the key out of band (the issuer's program office, a letter) pins it for
the issuer: the key then speaks for that issuer — as ``<issuer id>#<multikey>``, carried in a
VC-JWT's header, or as the key a VC-JWT of that issuer was signed with — within the period given.

An Ed25519 key verifies Data Integrity proofs (eddsa-rdfc-2022) and EdDSA VC-JWTs; an RSA,
P-256 or P-384 key verifies VC-JWTs only, with the one algorithm its type has (RS256, ES256,
ES384): the token's header never chooses it (RFC 8725 §3.1).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from leadbadge.conformance.problems import is_absolute_iri
from leadbadge.crypto.jwk import PublicJwk
from leadbadge.crypto.keys import VerifyingKey
from leadbadge.errors import InvalidKeyError, TrustStoreError
from leadbadge.proof.vc_jwt import JwtKey
from leadbadge.trust.key_history import HistoryKey, PublishedIssuer
from leadbadge.trust.pins import KEY_SOURCE, PinnedIssuer, json_web_key_id

__all__ = ["KEY_SOURCE", "issuer_from_key", "read_public_key"]

_MAX_KEY_FILE = 64 * 1024
_WHAT_KEY_IS = (
    "a Multikey (Ed25519 z6Mk…, P-256 zDn…, P-384 z82…) or a file holding a public JWK or PEM "
    "public key (Ed25519, EC P-256 or P-384, RSA of at least 2048 bits)"
)


def read_public_key(value: str) -> PublicJwk:
    """A public key from a Multikey, a file holding a public JWK or a PEM public key, or the JWK
    or PEM text itself. Private keys, weak and unsupported keys raise :class:`InvalidKeyError`
    saying what was given instead (never echoing key material)."""
    text = value.strip()
    if text.startswith("{"):
        return _from_jwk_text(text.encode("utf-8"), "The JWK given")
    if text.startswith("-----BEGIN"):
        return _from_pem(text.encode("utf-8"), "The PEM text given")
    path = Path(value).expanduser()
    if _is_file(path):
        return _from_file(path)
    if text.startswith("z"):
        return PublicJwk.from_multikey(text)
    # Not echoed: what was typed may be key material pasted in the wrong place.
    raise InvalidKeyError(f"The KEY given is neither {_WHAT_KEY_IS}.")


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False  # a long Multikey is not a file name the system accepts


def _from_file(path: Path) -> PublicJwk:
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_KEY_FILE + 1)
    except OSError as error:
        raise InvalidKeyError(f"The key file {path} cannot be read ({error.strerror}).") from None
    if len(data) > _MAX_KEY_FILE:
        raise InvalidKeyError(f"{path} is too large to be a public key file.")
    if data.lstrip().startswith(b"{"):
        return _from_jwk_text(data, str(path))
    if b"-----BEGIN" in data:
        return _from_pem(data, str(path))
    raise InvalidKeyError(f"{path} holds neither a JWK nor a PEM public key.")


def _from_jwk_text(data: bytes, where: str) -> PublicJwk:
    try:
        jwk = json.loads(data)
    except (UnicodeDecodeError, ValueError):
        raise InvalidKeyError(f"{where} is not valid JSON.") from None
    if isinstance(jwk, dict) and "keys" in jwk and "kty" not in jwk:
        # A JWK Set (RFC 7517 §5) of one key is how some issuers hand their key over.
        keys = jwk["keys"]
        if not isinstance(keys, list) or len(keys) != 1:
            count = len(keys) if isinstance(keys, list) else 0
            raise InvalidKeyError(
                f"{where} is a JWK Set of {count} keys; give the one key to pin on its own."
            )
        jwk = keys[0]
    try:
        return PublicJwk.from_jwk(jwk)
    except InvalidKeyError as error:
        raise InvalidKeyError(f"{where}: {error.message}") from None


def _from_pem(data: bytes, where: str) -> PublicJwk:
    try:
        return PublicJwk.from_pem(data)
    except InvalidKeyError as error:
        raise InvalidKeyError(f"{where}: {error.message}") from None


def issuer_from_key(
    issuer_id: str,
    key: PublicJwk | VerifyingKey,
    *,
    name: str | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    existing: PinnedIssuer | None = None,
) -> PublishedIssuer:
    """What to pin: ``issuer_id`` with ``key`` (and the keys it was pinned with by key before).

    An Ed25519 key goes under ``keys`` as ``<issuer id>#<multikey>``; an RSA or EC key under
    ``json_web_keys`` (:func:`~leadbadge.trust.pins.json_web_key_id`). Giving a key pinned
    before again replaces its period. Refuses an issuer pinned from what it publishes: its own
    key history or DID document says which keys it has, and a key given by hand must not
    quietly extend it.
    """
    public = PublicJwk.from_verifying_key(key) if isinstance(key, VerifyingKey) else key
    if not is_absolute_iri(issuer_id):
        raise TrustStoreError(f"The issuer id {issuer_id!r} is not a URL or a DID.")
    if valid_from and valid_until and valid_until <= valid_from:
        raise TrustStoreError("--valid-until must be later than --valid-from.")
    keys: list[HistoryKey] = []
    json_web_keys: list[JwtKey] = []
    if existing is not None:
        if existing.source != KEY_SOURCE:
            raise TrustStoreError(
                f"{issuer_id} is pinned from {existing.source}, which says which keys it has; "
                "remove it first ('leadbadge trust remove') to pin it by key instead."
            )
        keys = [
            HistoryKey(k.id, k.controller, k.public_key, k.valid_from, k.valid_until)
            for k in existing.keys
            if k.public_key != public.ed25519
        ]
        json_web_keys = [k for k in existing.json_web_keys if k.key != public]
        name = name or existing.name
    ed25519 = public.ed25519
    if ed25519 is not None:
        keys.append(
            HistoryKey(
                f"{issuer_id}#{ed25519.multikey}", issuer_id, ed25519, valid_from, valid_until
            )
        )
    else:
        vm_id = json_web_key_id(issuer_id, public)
        json_web_keys.append(JwtKey(vm_id, issuer_id, public, valid_from, valid_until))
    return PublishedIssuer(
        issuer=issuer_id,
        identities=(issuer_id,),
        name=name,
        url=None,
        keys=tuple(keys),
        achievements={},
        did_document=None,
        source=KEY_SOURCE,
        json_web_keys=tuple(json_web_keys),
    )
