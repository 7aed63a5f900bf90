"""Ed25519 key pairs and their forms: Multikey ``z6Mk…``, OKP JWK, did:key; saved encrypted.

Private key material never appears in a ``repr``, a log line or an exception message: errors
describe what is wrong with an input, never echo it.

Specifications:

- Multikey: W3C Controlled Identifiers v1.0, section "Multikey" (public ``0xed01`` ‖ 32 bytes,
  secret ``0x8026`` ‖ 32 bytes, base58btc ``z``); also VC-DI-EdDSA, section "Multikey".
- JWK: RFC 8037 §2 (``kty`` ``OKP``, ``crv`` ``Ed25519``); thumbprint: RFC 7638 §3.
- did:key: did:key Method v0.7, "Document Creation Algorithm".
- Public key validity: RFC 8032 §5.1.3 (decoding), did:key "Signature Method Creation
  Algorithm" (``invalidPublicKey``).
- Key files: :meth:`SigningKey.save` and :meth:`SigningKey.load` use the encrypted PKCS#8
  files of :mod:`leadbadge.crypto.keyfile`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from leadbadge.crypto import multibase as _multibase
from leadbadge.errors import InputError, InvalidKeyError

# Key files (leadbadge.crypto.keyfile) load in save() and load() only: they bring cryptography's
# serialization, cipher and PBKDF2 modules, which verifying a signature never uses.

__all__ = [
    "MULTICODEC_ED25519_PRIV",
    "MULTICODEC_ED25519_PUB",
    "MULTICODEC_P256_PUB",
    "MULTICODEC_P384_PUB",
    "SECRET_KEY_CODECS",
    "SigningKey",
    "VerifyingKey",
    "decode_multikey",
    "multicodec_name",
    "multikey_codec",
]

#: Multicodec ``ed25519-pub``; varint bytes ``0xed 0x01``.
MULTICODEC_ED25519_PUB = 0xED
#: Multicodec ``ed25519-priv``; varint bytes ``0x80 0x26``.
MULTICODEC_ED25519_PRIV = 0x1300
#: Multicodec ``p256-pub`` (compressed point); a Multikey starting ``zDn``.
MULTICODEC_P256_PUB = 0x1200
#: Multicodec ``p384-pub`` (compressed point); a Multikey starting ``z82``.
MULTICODEC_P384_PUB = 0x1201
#: Multicodecs of secret keys: a Multikey with one of these was handed over by mistake.
SECRET_KEY_CODECS = frozenset({MULTICODEC_ED25519_PRIV, 0x1301, 0x1302, 0x1306, 0x1307})
_PUB_HEADER = _multibase.varint_encode(MULTICODEC_ED25519_PUB)
_PRIV_HEADER = _multibase.varint_encode(MULTICODEC_ED25519_PRIV)

# Names for error messages, so a refusal says what was handed over (multiformats table.csv).
_CODEC_NAMES = {
    0xE7: "secp256k1-pub",
    0xEB: "bls12_381-g2-pub",
    0xEC: "x25519-pub",
    0xED: "ed25519-pub",
    0x1200: "p256-pub",
    0x1201: "p384-pub",
    0x1202: "p521-pub",
    0x1205: "rsa-pub",
    0x1206: "sm2-pub",
    0x1300: "ed25519-priv",
    0x1301: "secp256k1-priv",
    0x1302: "x25519-priv",
    0x1306: "p256-priv",
    0x1307: "p384-priv",
}


# --- Multicodec / Multikey -------------------------------------------------------------------


def multicodec_name(codec: int) -> str:
    """A readable name for a multicodec value (``0xed`` -> ``ed25519-pub``)."""
    name = _CODEC_NAMES.get(codec)
    return f"0x{codec:x} ({name})" if name else f"0x{codec:x}"


def _varint_decode(data: bytes) -> tuple[int, int]:
    """Unsigned LEB128 varint at the start of ``data``: (value, bytes used)."""
    value = 0
    for i, byte in enumerate(data[:9]):
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            if i and byte == 0:
                raise ValueError("non-minimal varint")
            return value, i + 1
    raise ValueError("truncated varint")


def _decode_multicodec(value: object, what: str) -> tuple[int, bytes]:
    """Decode a base58btc multibase string into (multicodec, payload); messages never echo it."""
    if not isinstance(value, str):
        raise InvalidKeyError(f"The {what} must be a string, not {type(value).__name__}.")
    if not value.startswith("z"):
        raise InvalidKeyError(f"The {what} must be multibase base58btc (start with 'z').")
    try:
        data = _multibase.b58decode(value[1:])
    except ValueError:
        raise InvalidKeyError(f"The {what} contains characters outside base58btc.") from None
    try:
        codec, used = _varint_decode(data)
    except ValueError:
        raise InvalidKeyError(f"The {what} does not start with a multicodec header.") from None
    return codec, data[used:]


def decode_multikey(value: str) -> tuple[int, bytes]:
    """A Multikey value's multicodec and the key bytes after it, for any key type.

    Raises :class:`InvalidKeyError` if the value is not base58btc multibase with a varint header
    (the message never echoes the value).
    """
    return _decode_multicodec(value, "Multikey value")


def multikey_codec(value: str) -> int:
    """The multicodec of a Multikey value, so callers can tell other key types from bad input.

    Raises :class:`InvalidKeyError` if the value is not base58btc multibase with a varint header.
    """
    return _decode_multicodec(value, "Multikey value")[0]


# --- Ed25519 point validation (RFC 8032 §5.1.3) --------------------------------------------------

_P = 2**255 - 19
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)


def _ed25519_point(raw: bytes) -> tuple[int, int, int, int] | None:
    """Decode 32 bytes into an extended-coordinates point, or None if not a canonical point."""
    y = int.from_bytes(raw, "little") & ((1 << 255) - 1)
    sign = raw[31] >> 7
    if y >= _P:
        return None
    u = (y * y - 1) % _P
    v = (_D * y * y + 1) % _P
    x = (u * pow(v, 3, _P) * pow(u * pow(v, 7, _P), (_P - 5) // 8, _P)) % _P
    if (v * x * x - u) % _P != 0:
        if (v * x * x + u) % _P != 0:
            return None
        x = x * _SQRT_M1 % _P
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = _P - x
    return (x, y, 1, x * y % _P)


def _point_double(pt: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    # RFC 8032 §5.1.4 doubling in extended coordinates (a = -1).
    x1, y1, z1, _ = pt
    a = x1 * x1 % _P
    b = y1 * y1 % _P
    c = 2 * z1 * z1 % _P
    h = (a + b) % _P
    e = (h - (x1 + y1) ** 2) % _P
    g = (a - b) % _P
    f = (c + g) % _P
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _check_public_point(raw: bytes) -> None:
    point = _ed25519_point(raw)
    if point is None:
        raise InvalidKeyError("The Ed25519 public key is not a valid curve point.")
    for _ in range(3):
        point = _point_double(point)
    x, y, z, _ = point
    # A small-order key (8·A = identity) lets anyone forge signatures that verify under it.
    if x % _P == 0 and (y - z) % _P == 0:
        raise InvalidKeyError("The Ed25519 public key is a small-order point and is refused.")


# --- Public key --------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class VerifyingKey:
    """An Ed25519 public key. Immutable, hashable, equal when the 32 key bytes are equal."""

    __slots__ = ("_key", "_raw")

    def __init__(self, raw: bytes) -> None:
        if not isinstance(raw, bytes | bytearray | memoryview):
            raise InvalidKeyError("An Ed25519 public key must be bytes.")
        raw = bytes(raw)
        if len(raw) != 32:
            raise InvalidKeyError(f"An Ed25519 public key is 32 bytes, not {len(raw)}.")
        _check_public_point(raw)
        self._raw = raw
        self._key = Ed25519PublicKey.from_public_bytes(raw)

    @classmethod
    def from_raw(cls, raw: bytes) -> VerifyingKey:
        """The key from its 32 raw bytes (RFC 8032 encoding)."""
        return cls(raw)

    @classmethod
    def from_multikey(cls, value: str) -> VerifyingKey:
        """Decode ``publicKeyMultibase`` strictly: ``z``, base58btc, ``0xed01`` ‖ 32 bytes."""
        codec, payload = _decode_multicodec(value, "Multikey value")
        if codec in SECRET_KEY_CODECS:
            raise InvalidKeyError(
                "This Multikey value is a secret key where a public key was expected; "
                "keep it private: do not publish or share it."
            )
        if codec != MULTICODEC_ED25519_PUB:
            raise InvalidKeyError(
                f"The Multikey header is multicodec {multicodec_name(codec)}, "
                "not 0xed (ed25519-pub)."
            )
        if len(payload) != 32:
            raise InvalidKeyError(
                f"An Ed25519 Multikey holds 34 bytes (0xed01 header and 32 key bytes), "
                f"not {len(payload) + 2}."
            )
        return cls(payload)

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> VerifyingKey:
        """Decode an RFC 8037 public JWK: ``kty`` OKP, ``crv`` Ed25519, ``x``; refuse ``d``."""
        if not isinstance(jwk, Mapping):
            raise InvalidKeyError("A JWK must be a JSON object.")
        if "d" in jwk:
            # Say nothing about the value: it is a private key handed over by mistake.
            raise InvalidKeyError(
                "This JWK contains a private key ('d') where a public key was expected; "
                "keep it private: do not publish or share it."
            )
        if jwk.get("kty") != "OKP":
            raise InvalidKeyError(f"The JWK key type must be 'OKP', not {jwk.get('kty')!r}.")
        if jwk.get("crv") != "Ed25519":
            raise InvalidKeyError(f"The JWK curve must be 'Ed25519', not {jwk.get('crv')!r}.")
        if "alg" in jwk and jwk["alg"] not in ("EdDSA", "Ed25519"):
            raise InvalidKeyError(f"The JWK 'alg' {jwk['alg']!r} is not an Ed25519 algorithm.")
        if "use" in jwk and jwk["use"] != "sig":
            raise InvalidKeyError(f"The JWK 'use' is {jwk['use']!r}, not 'sig'.")
        x = jwk.get("x")
        if not isinstance(x, str) or not x:
            raise InvalidKeyError("The JWK has no 'x' string.")
        try:
            raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
        except (binascii.Error, ValueError):
            raise InvalidKeyError("The JWK 'x' is not base64url.") from None
        if _b64url(raw) != x:
            raise InvalidKeyError("The JWK 'x' is not unpadded canonical base64url.")
        return cls(raw)

    @property
    def raw(self) -> bytes:
        """The 32 key bytes."""
        return self._raw

    @property
    def multikey(self) -> str:
        """``publicKeyMultibase``: ``z`` + base58btc(``0xed01`` ‖ key), i.e. ``z6Mk…``."""
        return _multibase.encode_base58btc(_PUB_HEADER + self._raw)

    @property
    def did_key(self) -> str:
        """The did:key DID for this key (``did:key:z6Mk…``)."""
        return f"did:key:{self.multikey}"

    @property
    def did_key_verification_method(self) -> str:
        """The did:key verification method id (``did:key:z6Mk…#z6Mk…``)."""
        mk = self.multikey
        return f"did:key:{mk}#{mk}"

    @property
    def key_id(self) -> str:
        """The stable identifier of this key: its Multikey string.

        It depends on the key bytes only, is the did:key fragment, and matches the
        ``<issuer id>#<publicKeyMultibase>`` verification method convention of Open Badges 3.0.
        """
        return self.multikey

    @property
    def jwk_thumbprint(self) -> str:
        """RFC 7638 JWK SHA-256 thumbprint, base64url (for a JWK ``kid``)."""
        members = {"crv": "Ed25519", "kty": "OKP", "x": _b64url(self._raw)}
        canonical = json.dumps(members, separators=(",", ":"), sort_keys=True)
        return _b64url(hashlib.sha256(canonical.encode("ascii")).digest())

    def to_jwk(self) -> dict[str, str]:
        """The RFC 8037 public JWK ``{"kty": "OKP", "crv": "Ed25519", "x": …}``."""
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64url(self._raw)}

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True if ``signature`` is a valid Ed25519 signature of ``data`` by this key."""
        if len(signature) != 64:
            return False
        try:
            self._key.verify(bytes(signature), bytes(data))
        except InvalidSignature:
            return False
        return True

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, VerifyingKey):
            return NotImplemented
        return self._raw == other._raw

    def __hash__(self) -> int:
        return hash((VerifyingKey, self._raw))

    def __repr__(self) -> str:
        return f"VerifyingKey({self.multikey!r})"


class SigningKey:
    """An Ed25519 private key. Its ``repr`` shows only the public key."""

    __slots__ = ("_key", "_public")

    def __init__(self, key: Ed25519PrivateKey) -> None:
        if not isinstance(key, Ed25519PrivateKey):
            raise InvalidKeyError("A SigningKey wraps an Ed25519 private key.")
        self._key = key
        # public_bytes_raw, not public_bytes(Encoding.Raw, …): the same 32 bytes without
        # importing the serialization package.
        self._public = VerifyingKey(key.public_key().public_bytes_raw())

    @classmethod
    def generate(cls) -> SigningKey:
        """A new random key pair."""
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> SigningKey:
        """The key pair for a 32-byte RFC 8032 private key (seed)."""
        if not isinstance(seed, bytes | bytearray | memoryview):
            raise InvalidKeyError("An Ed25519 seed must be bytes.")
        if len(seed) != 32:
            raise InvalidKeyError(f"An Ed25519 seed is 32 bytes, not {len(seed)}.")
        return cls(Ed25519PrivateKey.from_private_bytes(bytes(seed)))

    @classmethod
    def from_multibase(cls, secret: str) -> SigningKey:
        """Decode ``secretKeyMultibase``: ``z``, base58btc, ``0x8026`` ‖ 32-byte seed.

        Also accepts ``0x8026`` ‖ seed ‖ public key (64 bytes), the older Digital Bazaar form
        used by 1EdTech's Open Badges test vector, after checking that the public half belongs
        to the seed.
        """
        codec, payload = _decode_multicodec(secret, "secret key multibase value")
        if codec != MULTICODEC_ED25519_PRIV:
            raise InvalidKeyError(
                f"The secret key header is multicodec {multicodec_name(codec)}, "
                "not 0x1300 (ed25519-priv)."
            )
        if len(payload) not in (32, 64):
            raise InvalidKeyError(
                f"An Ed25519 secret key holds 32 (or 64) bytes after its header, "
                f"not {len(payload)}."
            )
        key = cls.from_seed(payload[:32])
        if len(payload) == 64 and payload[32:] != key.public_key.raw:
            raise InvalidKeyError(
                "The secret key's public half does not belong to its seed; refusing it."
            )
        return key

    @property
    def public_key(self) -> VerifyingKey:
        """The matching public key."""
        return self._public

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``data``."""
        return self._key.sign(bytes(data))

    def save(
        self, path: str | os.PathLike[str], passphrase: str | bytes, *, overwrite: bool = False
    ) -> None:
        """Write the key as an encrypted PKCS#8 PEM file with mode 0600, atomically.

        Without ``overwrite`` an existing file is never replaced (:class:`KeyFileExistsError`),
        even if it appears between the check and the write.
        """
        from leadbadge.crypto.keyfile import encrypt_pkcs8, passphrase_bytes, write_private_file

        secret = passphrase_bytes(passphrase)
        target = Path(path)
        if not target.parent.is_dir():
            raise InputError(f"The folder for the key file {target} does not exist.", field="path")
        data = encrypt_pkcs8(self._key, secret)
        try:
            write_private_file(target, data, overwrite=overwrite)
        except OSError as exc:
            raise InputError(
                f"The key file {target} cannot be written ({exc.strerror}).", field="path"
            ) from None

    @classmethod
    def load(cls, path: str | os.PathLike[str], passphrase: str | bytes) -> SigningKey:
        """Read a key file written by :meth:`save` (any encrypted PKCS#8 Ed25519 PEM).

        Raises :class:`WrongPassphraseError` if the passphrase does not open it,
        :class:`InvalidKeyError` if the file is not an encrypted Ed25519 private key, and
        :class:`InputError` (field ``path``) if it cannot be read.
        """
        from leadbadge.crypto.keyfile import load_private_key_file

        source = Path(path)
        key = load_private_key_file(source, passphrase)
        if not isinstance(key, Ed25519PrivateKey):
            raise InvalidKeyError(f"The key file {source} does not hold an Ed25519 key.")
        return cls(key)

    def __repr__(self) -> str:
        return f"SigningKey(public_key={self._public.multikey!r})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("A SigningKey cannot be pickled; save it with a passphrase instead.")
