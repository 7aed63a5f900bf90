"""Ed25519 key pairs: encrypted key files, Multikey ``z6Mk…``, OKP JWK and did:key forms.

Private key material never appears in a ``repr``, a log line or an exception message: errors
describe what is wrong with an input, never echo it.

Specifications:

- Multikey: W3C Controlled Identifiers v1.0, section "Multikey" (public ``0xed01`` ‖ 32 bytes,
  secret ``0x8026`` ‖ 32 bytes, base58btc ``z``); also VC-DI-EdDSA, section "Multikey".
- JWK: RFC 8037 §2 (``kty`` ``OKP``, ``crv`` ``Ed25519``); thumbprint: RFC 7638 §3.
- did:key: did:key Method v0.7, "Document Creation Algorithm".
- Public key validity: RFC 8032 §5.1.3 (decoding), did:key "Signature Method Creation
  Algorithm" (``invalidPublicKey``).
- Key files: RFC 5958 (EncryptedPrivateKeyInfo) with RFC 8018 PBES2 (PBKDF2-HMAC-SHA256,
  AES-256-CBC); see docs/keys.md for the choice of parameters.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from leadbadge import _fs
from leadbadge.crypto import multibase as _multibase
from leadbadge.errors import (
    FileExistsRefusedError,
    InputError,
    InvalidKeyError,
    KeyFileExistsError,
    WrongPassphraseError,
)

__all__ = [
    "MULTICODEC_ED25519_PRIV",
    "MULTICODEC_ED25519_PUB",
    "PBKDF2_ITERATIONS",
    "SigningKey",
    "VerifyingKey",
    "multicodec_name",
    "multikey_codec",
]

#: Multicodec ``ed25519-pub``; varint bytes ``0xed 0x01``.
MULTICODEC_ED25519_PUB = 0xED
#: Multicodec ``ed25519-priv``; varint bytes ``0x80 0x26``.
MULTICODEC_ED25519_PRIV = 0x1300
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

#: PBKDF2-HMAC-SHA256 iterations for new key files (OWASP Password Storage Cheat Sheet, 2023).
PBKDF2_ITERATIONS = 600_000
# A key file asking for more work than this is refused rather than left to hang the process.
_MAX_PBKDF2_ITERATIONS = 10_000_000
_MAX_KEY_FILE_BYTES = 64 * 1024
_PEM_BEGIN = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
_PEM_END = b"-----END ENCRYPTED PRIVATE KEY-----"


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
        if codec in (MULTICODEC_ED25519_PRIV, 0x1301, 0x1302, 0x1306, 0x1307):
            raise InvalidKeyError(
                "This Multikey value is a secret key where a public key was expected; "
                "do not publish it."
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
                "do not publish it."
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


# --- Private key -------------------------------------------------------------------------------


def _passphrase_bytes(passphrase: str | bytes) -> bytes:
    if isinstance(passphrase, str):
        data = passphrase.encode("utf-8")
    elif isinstance(passphrase, bytes):
        data = passphrase
    else:
        raise InputError("The passphrase must be a string or bytes.", field="passphrase")
    if not data:
        raise InputError("An empty passphrase cannot protect a key file.", field="passphrase")
    return data


def _load_private_key_file(source: Path, passphrase: str | bytes) -> Any:
    """The private key in an encrypted PKCS#8 PEM file, of whatever type it holds.

    Raises :class:`WrongPassphraseError` if the passphrase does not open it,
    :class:`InvalidKeyError` if the file is not an encrypted private key we can read, and
    :class:`InputError` (field ``path``) if it cannot be read.
    """
    secret = _passphrase_bytes(passphrase)
    try:
        with source.open("rb") as fh:
            data = fh.read(_MAX_KEY_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"The key file {source} does not exist.", field="path") from None
    except OSError as exc:
        raise InputError(
            f"The key file {source} cannot be read ({exc.strerror}).", field="path"
        ) from None
    if len(data) > _MAX_KEY_FILE_BYTES:
        raise InvalidKeyError(f"The file {source} is too large to be a key file.")
    _check_encrypted_pem(data, source)
    try:
        return serialization.load_pem_private_key(data, password=secret)
    except TypeError:
        raise InvalidKeyError(
            f"The key file {source} is not encrypted; refusing to use it."
        ) from None
    except UnsupportedAlgorithm:
        raise InvalidKeyError(
            f"The key file {source} uses an encryption or key type this system cannot read."
        ) from None
    except ValueError:
        # The container parsed (checked above), so failing to decrypt means the key
        # derived from the passphrase is wrong (or the ciphertext was altered).
        raise WrongPassphraseError(source) from None


class SigningKey:
    """An Ed25519 private key. Its ``repr`` shows only the public key."""

    __slots__ = ("_key", "_public")

    def __init__(self, key: Ed25519PrivateKey) -> None:
        if not isinstance(key, Ed25519PrivateKey):
            raise InvalidKeyError("A SigningKey wraps an Ed25519 private key.")
        self._key = key
        self._public = VerifyingKey(
            key.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        )

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
        secret = _passphrase_bytes(passphrase)
        target = Path(path)
        if not target.parent.is_dir():
            raise InputError(f"The folder for the key file {target} does not exist.", field="path")
        data = _encrypt_pkcs8(self._key, secret)
        try:
            _write_private_file(target, data, overwrite=overwrite)
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
        source = Path(path)
        key = _load_private_key_file(source, passphrase)
        if not isinstance(key, Ed25519PrivateKey):
            raise InvalidKeyError(f"The key file {source} does not hold an Ed25519 key.")
        return cls(key)

    def __repr__(self) -> str:
        return f"SigningKey(public_key={self._public.multikey!r})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("A SigningKey cannot be pickled; save it with a passphrase instead.")


# --- Encrypted PKCS#8 (RFC 5958 / RFC 8018) ----------------------------------------------------

# DER-encoded object identifiers (RFC 8018 Appendix C, NIST CSOR).
_OID_PBES2 = bytes.fromhex("2a864886f70d01050d")  # 1.2.840.113549.1.5.13
_OID_PBKDF2 = bytes.fromhex("2a864886f70d01050c")  # 1.2.840.113549.1.5.12
_OID_HMAC_SHA256 = bytes.fromhex("2a864886f70d0209")  # 1.2.840.113549.2.9
_OID_AES256_CBC = bytes.fromhex("60864801650304012a")  # 2.16.840.1.101.3.4.1.42


def _der(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        body = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(body)]) + body
    return bytes([tag]) + length + content


def _der_int(value: int) -> bytes:
    return _der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _der_items(data: bytes) -> list[tuple[int, bytes]]:
    """Split concatenated DER TLVs into (tag, content); raises ValueError if malformed."""
    items = []
    i = 0
    while i < len(data):
        if i + 2 > len(data):
            raise ValueError("truncated DER")
        tag, first = data[i], data[i + 1]
        i += 2
        if first < 0x80:
            n = first
        else:
            count = first & 0x7F
            if not 1 <= count <= 4 or i + count > len(data):
                raise ValueError("bad DER length")
            n = int.from_bytes(data[i : i + count], "big")
            i += count
        if i + n > len(data):
            raise ValueError("truncated DER")
        items.append((tag, data[i : i + n]))
        i += n
    return items


def _encrypt_pkcs8(key: PrivateKeyTypes, secret: bytes) -> bytes:
    # Any private key: the JOSE keys of leadbadge.crypto.jwk (RSA, P-256) are stored the same way.
    plain = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    salt = secrets.token_bytes(16)
    iv = secrets.token_bytes(16)
    kek = PBKDF2HMAC(hashes.SHA256(), 32, salt, PBKDF2_ITERATIONS).derive(secret)
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(kek), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padded) + encryptor.finalize()
    pbkdf2_params = _der(
        0x30,
        _der(0x04, salt)
        + _der_int(PBKDF2_ITERATIONS)
        + _der_int(32)
        + _der(0x30, _der(0x06, _OID_HMAC_SHA256) + _der(0x05, b"")),
    )
    pbes2_params = _der(
        0x30,
        _der(0x30, _der(0x06, _OID_PBKDF2) + pbkdf2_params)
        + _der(0x30, _der(0x06, _OID_AES256_CBC) + _der(0x04, iv)),
    )
    info = _der(
        0x30,
        _der(0x30, _der(0x06, _OID_PBES2) + pbes2_params) + _der(0x04, ciphertext),
    )
    body = base64.encodebytes(info).replace(b"\n", b"")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return _PEM_BEGIN + b"\n" + b"\n".join(lines) + b"\n" + _PEM_END + b"\n"


def _check_encrypted_pem(data: bytes, source: Path) -> None:
    """Refuse anything but one encrypted PKCS#8 PEM block, before any decryption is tried."""
    not_key = InvalidKeyError(f"The file {source} is not an encrypted PKCS#8 private key file.")
    if _PEM_BEGIN not in data:
        if b"-----BEGIN PRIVATE KEY-----" in data:
            raise InvalidKeyError(
                f"The key file {source} holds an unencrypted private key; refusing to use it. "
                "Re-save it with a passphrase."
            )
        if b"PRIVATE KEY-----" in data:
            raise InvalidKeyError(
                f"The key file {source} is not in encrypted PKCS#8 form "
                "(convert it with 'openssl pkcs8 -topk8')."
            )
    start = data.find(_PEM_BEGIN)
    end = data.find(_PEM_END)
    if start < 0 or end < start or data.count(_PEM_BEGIN) != 1:
        raise not_key
    body = b"".join(data[start + len(_PEM_BEGIN) : end].split())
    try:
        der = binascii.a2b_base64(body, strict_mode=True)
        (outer,) = _der_items(der)
        algorithm, encrypted = _der_items(outer[1])
        if outer[0] != 0x30 or algorithm[0] != 0x30 or encrypted[0] != 0x04:
            raise not_key
        scheme = _der_items(algorithm[1])
        if scheme[0] == (0x06, _OID_PBES2):
            kdf = _der_items(_der_items(scheme[1][1])[0][1])
            if kdf[0] == (0x06, _OID_PBKDF2):
                iterations = _der_items(kdf[1][1])[1]
                if iterations[0] != 0x02 or (
                    int.from_bytes(iterations[1], "big") > _MAX_PBKDF2_ITERATIONS
                ):
                    raise InvalidKeyError(
                        f"The key file {source} asks for an unreasonable PBKDF2 iteration count."
                    )
    except (ValueError, IndexError):
        raise not_key from None


def _write_private_file(target: Path, data: bytes, *, overwrite: bool) -> None:
    """Write ``data`` to ``target`` atomically with mode 0600; never clobber unless asked."""
    try:
        _fs.atomic_write_bytes(target, data, mode=0o600, overwrite=overwrite)
    except FileExistsRefusedError:
        raise KeyFileExistsError(target) from None
