"""JSON Web Keys for VC-JWT: RSA, P-256, P-384 and Ed25519 public keys, JWS signatures, key files.

Each key signs and verifies with exactly one JWS algorithm, fixed by its type: an RSA key
``RS256``, a P-256 key ``ES256``, a P-384 key ``ES384``, an Ed25519 key ``EdDSA``. A token's
``alg`` header never picks the algorithm; it must name the one the key has (RFC 8725 §3.1,
"Perform Algorithm Verification").

Specifications:

- JWK: RFC 7517 (public members only: a private member is refused, never echoed); RSA and EC
  members: RFC 7518 §6.2, §6.3; OKP/Ed25519: RFC 8037 §2; thumbprint: RFC 7638 §3.
- JWS algorithms: RFC 7518 §3.3 (RS256, RSASSA-PKCS1-v1_5 with SHA-256), §3.4 (ES256, ECDSA
  P-256 with SHA-256, signature = R ‖ S, 32 bytes each; ES384, P-384 with SHA-384, 48 bytes
  each), RFC 8037 §3.1 (EdDSA with Ed25519).
- RSA keys of fewer than 2048 bits are refused (RFC 7518 §3.3: "A key of size 2048 bits or
  larger MUST be used").
- Multikey: W3C Controlled Identifiers v1.0 §2.2.2 "Multikey" (``p256-pub`` ``0x1200`` and
  ``p384-pub`` ``0x1201`` with the compressed point, SEC 1 §2.3.3; ``ed25519-pub`` ``0xed``).
- PEM public keys: RFC 7468 §13 (SubjectPublicKeyInfo, ``BEGIN PUBLIC KEY``).
- Key files: encrypted PKCS#8 (RFC 5958) with PBES2, PBKDF2-HMAC-SHA256 and AES-256-CBC, the
  same protection as the Ed25519 key files (docs/keys.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import ed25519

from leadbadge.crypto import multibase as _multibase
from leadbadge.crypto.keys import (
    MULTICODEC_ED25519_PUB,
    MULTICODEC_P256_PUB,
    MULTICODEC_P384_PUB,
    SECRET_KEY_CODECS,
    SigningKey,
    VerifyingKey,
    decode_multikey,
    multicodec_name,
)
from leadbadge.errors import InputError, InvalidKeyError

# cryptography's RSA, elliptic-curve, padding, serialization (PEM) and key-file modules load
# where an RSA or EC key, a PEM or a key file is first handled: every process that verifies an
# Ed25519 signature imports this module, and together they cost it tens of milliseconds.
if TYPE_CHECKING:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

__all__ = [
    "ALGORITHMS",
    "JoseAlgorithm",
    "JoseSigningKey",
    "PublicJwk",
    "algorithm_for_key_type",
]

JoseAlgorithm = Literal["RS256", "ES256", "ES384", "EdDSA"]
#: The JWS algorithms leadbadge signs and verifies.
ALGORITHMS: Final[frozenset[str]] = frozenset({"RS256", "ES256", "ES384", "EdDSA"})
# RFC 7517 §4, RFC 7518 §6.2.2, §6.3.2, §6.4: members that only private or symmetric keys have.
_PRIVATE_MEMBERS: Final = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
_MIN_RSA_BITS = 2048
_MAX_RSA_BITS = 8192
_NEW_RSA_BITS = 2048
_KEEP_PRIVATE = "keep it private: do not publish or share it, and give the public key instead"
_SUPPORTED = "RSA (2048 to 8192 bits), EC P-256 or P-384, or Ed25519"


@dataclass(frozen=True)
class _Curve:
    """A NIST curve leadbadge verifies: its JWK name, size, JWS algorithm and Multikey codec."""

    name: str
    #: Its class in cryptography's ``ec`` module, by name, so the table needs no ``ec``.
    ec_name: str
    size: int
    alg: JoseAlgorithm
    codec: int

    @property
    def curve(self) -> type[ec.EllipticCurve]:
        from cryptography.hazmat.primitives.asymmetric import ec

        curve: type[ec.EllipticCurve] = getattr(ec, self.ec_name)
        return curve

    def digest(self) -> hashes.HashAlgorithm:
        from cryptography.hazmat.primitives import hashes

        return hashes.SHA256() if self.size == 32 else hashes.SHA384()


_CURVES: Final = {
    "P-256": _Curve("P-256", "SECP256R1", 32, "ES256", MULTICODEC_P256_PUB),
    "P-384": _Curve("P-384", "SECP384R1", 48, "ES384", MULTICODEC_P384_PUB),
}
_BY_CODEC: Final = {c.codec: c for c in _CURVES.values()}


def algorithm_for_key_type(kty: str, crv: str | None = None) -> JoseAlgorithm | None:
    """The one JWS algorithm a key of this ``kty`` (and, for EC and OKP, ``crv``) uses, or None
    for a type leadbadge refuses. An EC key's algorithm follows from its curve."""
    if kty == "RSA":
        return "RS256"
    if kty == "EC":
        curve = _CURVES.get(crv or "")
        return curve.alg if curve is not None else None
    if kty == "OKP" and crv in (None, "Ed25519"):
        return "EdDSA"
    return None


def _curve_of(key: ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey) -> _Curve:
    for curve in _CURVES.values():
        if isinstance(key.curve, curve.curve):
            return curve
    raise InvalidKeyError(
        f"The elliptic-curve key is on {key.curve.name}; leadbadge verifies P-256 (ES256) and "
        "P-384 (ES384) keys."
    )


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_int(value: int, length: int | None = None) -> str:
    size = length if length is not None else max(1, (value.bit_length() + 7) // 8)
    return _b64url(value.to_bytes(size, "big"))


def _member_bytes(jwk: Mapping[str, Any], name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidKeyError(f"The JWK has no {name!r} string.")
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise InvalidKeyError(f"The JWK {name!r} is not base64url.") from None
    if _b64url(raw) != value:
        raise InvalidKeyError(f"The JWK {name!r} is not unpadded canonical base64url.")
    return raw


def _checked_rsa(n: int, e: int) -> rsa.RSAPublicKey:
    if not _MIN_RSA_BITS <= n.bit_length() <= _MAX_RSA_BITS:
        raise InvalidKeyError(
            f"The RSA key has {n.bit_length()} bits; leadbadge accepts "
            f"{_MIN_RSA_BITS} to {_MAX_RSA_BITS}."
        )
    if e < 3 or e % 2 == 0 or e >= n:
        raise InvalidKeyError("The RSA key's public exponent is not usable.")
    from cryptography.hazmat.primitives.asymmetric import rsa

    try:
        return rsa.RSAPublicNumbers(e, n).public_key()
    except ValueError:
        raise InvalidKeyError("The RSA public key is not valid.") from None


class PublicJwk:
    """A public key as a JWK: RSA (RS256), EC P-256 (ES256) or P-384 (ES384), OKP Ed25519 (EdDSA).

    Immutable and hashable; two keys are equal when their RFC 7638 thumbprints are.
    """

    __slots__ = ("_alg", "_jwk", "_key", "_thumbprint")

    def __init__(
        self,
        key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey | VerifyingKey,
        members: dict[str, str],
        alg: JoseAlgorithm,
    ) -> None:
        self._key = key
        self._jwk = members
        self._alg: JoseAlgorithm = alg
        # RFC 7638 §3.2: the required members only, sorted, no whitespace.
        required = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y")}.get(
            members["kty"], ("crv", "kty", "x")
        )
        canonical = json.dumps(
            {m: members[m] for m in required}, separators=(",", ":"), sort_keys=True
        )
        self._thumbprint = _b64url(hashlib.sha256(canonical.encode("ascii")).digest())

    # --- construction --------------------------------------------------------------------

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> PublicJwk:
        """Read a public JWK strictly; refuses private members, weak or unknown key types.

        ``use``, ``key_ops`` and ``alg``, when present, must allow signature verification with
        the key type's algorithm. Raises :class:`InvalidKeyError` (never echoing key material).
        """
        if not isinstance(jwk, Mapping):
            raise InvalidKeyError("A JWK must be a JSON object.")
        if any(member in jwk for member in _PRIVATE_MEMBERS):
            # Say nothing about the value: a private or secret key handed over by mistake.
            raise InvalidKeyError(
                "This JWK contains private or secret key material where a public key was "
                f"expected; {_KEEP_PRIVATE}."
            )
        kty, crv = jwk.get("kty"), jwk.get("crv")
        if kty == "EC" and crv not in _CURVES:
            raise InvalidKeyError(
                f"The EC key's curve is {crv!r}; leadbadge verifies P-256 (ES256) and "
                "P-384 (ES384)."
            )
        alg = (
            algorithm_for_key_type(kty, crv if isinstance(crv, str) else None)
            if isinstance(kty, str)
            else None
        )
        if alg is None:
            what = f"{kty!r}" + (f" (curve {crv!r})" if crv is not None else "")
            raise InvalidKeyError(
                f"The JWK key type {what} is not one leadbadge verifies ({_SUPPORTED})."
            )
        if "alg" in jwk and jwk["alg"] != alg and not (alg == "EdDSA" and jwk["alg"] == "Ed25519"):
            raise InvalidKeyError(f"The JWK's 'alg' {jwk['alg']!r} does not fit a {kty} key.")
        if "use" in jwk and jwk["use"] != "sig":
            raise InvalidKeyError(f"The JWK 'use' is {jwk['use']!r}, not 'sig'.")
        ops = jwk.get("key_ops")
        if ops is not None and (not isinstance(ops, list) or "verify" not in ops):
            raise InvalidKeyError("The JWK 'key_ops' does not allow 'verify'.")
        if kty == "RSA":
            n = int.from_bytes(_member_bytes(jwk, "n"), "big")
            e = int.from_bytes(_member_bytes(jwk, "e"), "big")
            return cls._from_rsa(_checked_rsa(n, e))
        if kty == "EC":
            return cls._ec(jwk, _CURVES[str(crv)])
        key = VerifyingKey.from_jwk({k: v for k, v in jwk.items() if k not in ("alg", "key_ops")})
        return cls.from_verifying_key(key)

    @classmethod
    def _from_rsa(cls, key: rsa.RSAPublicKey) -> PublicJwk:
        numbers = key.public_numbers()
        members = {"kty": "RSA", "n": _b64url_int(numbers.n), "e": _b64url_int(numbers.e)}
        return cls(key, members, "RS256")

    @classmethod
    def _ec(cls, jwk: Mapping[str, Any], curve: _Curve) -> PublicJwk:
        x, y = _member_bytes(jwk, "x"), _member_bytes(jwk, "y")
        if len(x) != curve.size or len(y) != curve.size:
            raise InvalidKeyError(f"A {curve.name} JWK's 'x' and 'y' are {curve.size} bytes each.")
        from cryptography.hazmat.primitives.asymmetric import ec

        try:
            key = ec.EllipticCurvePublicNumbers(
                int.from_bytes(x, "big"), int.from_bytes(y, "big"), curve.curve()
            ).public_key()
        except ValueError:
            raise InvalidKeyError(
                f"The {curve.name} public key is not a point on the curve."
            ) from None
        return cls._from_ec(key)

    @classmethod
    def _from_ec(cls, key: ec.EllipticCurvePublicKey) -> PublicJwk:
        curve = _curve_of(key)
        numbers = key.public_numbers()
        members = {
            "kty": "EC",
            "crv": curve.name,
            "x": _b64url_int(numbers.x, curve.size),
            "y": _b64url_int(numbers.y, curve.size),
        }
        return cls(key, members, curve.alg)

    @classmethod
    def from_verifying_key(cls, key: VerifyingKey) -> PublicJwk:
        """An Ed25519 public key as an OKP JWK (EdDSA)."""
        return cls(key, dict(key.to_jwk()), "EdDSA")

    @classmethod
    def from_public_key(cls, key: object) -> PublicJwk:
        """A ``cryptography`` public key object: RSA, EC P-256/P-384 or Ed25519; any other type
        (DSA, X25519, Ed448, another curve) or a weak RSA key raises :class:`InvalidKeyError`."""
        if isinstance(key, ed25519.Ed25519PublicKey):
            return cls.from_verifying_key(VerifyingKey(key.public_bytes_raw()))
        from cryptography.hazmat.primitives.asymmetric import ec, rsa

        if isinstance(key, rsa.RSAPublicKey):
            numbers = key.public_numbers()
            return cls._from_rsa(_checked_rsa(numbers.n, numbers.e))
        if isinstance(key, ec.EllipticCurvePublicKey):
            return cls._from_ec(key)
        kind = type(key).__name__.removeprefix("_").removesuffix("PublicKey") or "unknown"
        raise InvalidKeyError(f"The key is a {kind} key; leadbadge verifies {_SUPPORTED} keys.")

    @classmethod
    def from_pem(cls, data: bytes) -> PublicJwk:
        """A PEM public key (``BEGIN PUBLIC KEY``, RFC 7468 §13; also ``BEGIN RSA PUBLIC KEY``).

        A private key (any ``… PRIVATE KEY`` block) is refused without being parsed, so its
        value never reaches a message; so is a certificate (give its public key).
        """
        if not isinstance(data, bytes):
            raise InvalidKeyError("A PEM key must be bytes.")
        if b"PRIVATE KEY-----" in data:
            raise InvalidKeyError(
                f"This PEM file holds a private key where a public key was expected; "
                f"{_KEEP_PRIVATE} (openssl pkey -in FILE -pubout)."
            )
        if b"-----BEGIN CERTIFICATE-----" in data:
            raise InvalidKeyError(
                "This PEM file holds a certificate, not a public key; give its public key "
                "(openssl x509 -in FILE -pubkey -noout)."
            )
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        try:
            key = load_pem_public_key(data)
        except UnsupportedAlgorithm:
            raise InvalidKeyError(
                f"The PEM public key is of a type leadbadge does not verify ({_SUPPORTED})."
            ) from None
        except ValueError:
            raise InvalidKeyError("This is not a PEM public key.") from None
        return cls.from_public_key(key)

    @classmethod
    def from_multikey(cls, value: str) -> PublicJwk:
        """A Multikey public key: Ed25519 (``z6Mk…``), P-256 (``zDn…``) or P-384 (``z82…``).

        A secret-key Multikey or another key type raises :class:`InvalidKeyError`.
        """
        codec, payload = decode_multikey(value)
        if codec in SECRET_KEY_CODECS:
            raise InvalidKeyError(
                f"This Multikey value is a secret key where a public key was expected; "
                f"{_KEEP_PRIVATE}."
            )
        if codec == MULTICODEC_ED25519_PUB:
            return cls.from_verifying_key(VerifyingKey.from_multikey(value))
        curve = _BY_CODEC.get(codec)
        if curve is None:
            raise InvalidKeyError(
                f"The Multikey is multicodec {multicodec_name(codec)}; leadbadge reads Ed25519 "
                "(z6Mk…), P-256 (zDn…) and P-384 (z82…) Multikeys."
            )
        # CID 1.0 §2.2.2: the compressed point (SEC 1 §2.3.3), 0x02 or 0x03 and x.
        if len(payload) != curve.size + 1 or payload[0] not in (2, 3):
            raise InvalidKeyError(
                f"A {curve.name} Multikey holds a compressed point of {curve.size + 1} bytes."
            )
        from cryptography.hazmat.primitives.asymmetric import ec

        try:
            key = ec.EllipticCurvePublicKey.from_encoded_point(curve.curve(), payload)
        except ValueError:
            raise InvalidKeyError(
                f"The {curve.name} Multikey is not a point on the curve."
            ) from None
        return cls._from_ec(key)

    # --- properties --------------------------------------------------------------------------

    @property
    def kty(self) -> str:
        return self._jwk["kty"]

    @property
    def alg(self) -> JoseAlgorithm:
        """The one JWS algorithm this key verifies."""
        return self._alg

    @property
    def thumbprint(self) -> str:
        """RFC 7638 SHA-256 thumbprint, base64url."""
        return self._thumbprint

    @property
    def key_type(self) -> str:
        """``Ed25519``, ``P-256``, ``P-384`` or ``RSA``."""
        if self.kty == "RSA":
            return "RSA"
        return self._jwk["crv"]

    @property
    def ed25519(self) -> VerifyingKey | None:
        """The key as a leadbadge Ed25519 key, for an OKP key; else None."""
        return self._key if isinstance(self._key, VerifyingKey) else None

    @property
    def multikey(self) -> str | None:
        """The Multikey value (``z6Mk…``, ``zDn…``, ``z82…``); None for RSA, which has none."""
        key = self._key
        if isinstance(key, VerifyingKey):
            return key.multikey
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        if isinstance(key, rsa.RSAPublicKey):
            return None
        header = _multibase.varint_encode(_curve_of(key).codec)
        return _multibase.encode_base58btc(
            header + key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)
        )

    def to_jwk(self) -> dict[str, str]:
        """The public JWK: the key's required members only."""
        return dict(self._jwk)

    def describe(self) -> str:
        """A short label for messages (``RSA 2048-bit key``, ``P-256 key``, ``Ed25519 key``)."""
        key = self._key
        if not isinstance(key, VerifyingKey):
            from cryptography.hazmat.primitives.asymmetric import rsa

            if isinstance(key, rsa.RSAPublicKey):
                return f"RSA {key.key_size}-bit key"
        return f"{self.key_type} key"

    # --- verification ----------------------------------------------------------------------

    def verify(self, alg: str, signature: bytes, data: bytes) -> bool:
        """True if ``signature`` is this key's ``alg`` signature of ``data``.

        An ``alg`` other than the key's own is False, whatever the signature: the algorithm is
        a property of the key, never of the token.
        """
        if alg != self._alg:
            return False
        key = self._key
        try:
            if isinstance(key, VerifyingKey):
                return key.verify(signature, data)
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
            from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

            if isinstance(key, rsa.RSAPublicKey):
                key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
                return True
            curve = _curve_of(key)
            if len(signature) != 2 * curve.size:
                return False
            r = int.from_bytes(signature[: curve.size], "big")
            s = int.from_bytes(signature[curve.size :], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(curve.digest()))
        except (InvalidSignature, ValueError):
            return False
        return True

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PublicJwk):
            return NotImplemented
        return self._thumbprint == other._thumbprint

    def __hash__(self) -> int:
        return hash((PublicJwk, self._thumbprint))

    def __repr__(self) -> str:
        return f"PublicJwk({self.describe()}, thumbprint={self._thumbprint!r})"


class JoseSigningKey:
    """A private key that signs JWS: RSA (RS256), P-256 (ES256), P-384 (ES384) or Ed25519 (EdDSA).

    Its ``repr`` shows only the public key's thumbprint; it cannot be pickled.
    """

    __slots__ = ("_key", "_public")

    def __init__(self, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | SigningKey) -> None:
        from cryptography.hazmat.primitives.asymmetric import ec, rsa

        if isinstance(key, SigningKey):
            self._public = PublicJwk.from_verifying_key(key.public_key)
        elif isinstance(key, rsa.RSAPrivateKey):
            if not _MIN_RSA_BITS <= key.key_size <= _MAX_RSA_BITS:
                raise InvalidKeyError(f"An RSA signing key needs at least {_MIN_RSA_BITS} bits.")
            self._public = PublicJwk._from_rsa(key.public_key())
        elif isinstance(key, ec.EllipticCurvePrivateKey):
            self._public = PublicJwk._from_ec(key.public_key())
        else:
            raise InvalidKeyError(
                "A JOSE signing key is an RSA, P-256, P-384 or Ed25519 private key."
            )
        self._key = key

    @classmethod
    def generate(cls, alg: JoseAlgorithm) -> JoseSigningKey:
        """A new key for ``alg``: RSA 2048-bit (RS256), P-256 (ES256), P-384 (ES384) or Ed25519
        (EdDSA)."""
        from cryptography.hazmat.primitives.asymmetric import ec, rsa

        if alg == "RS256":
            return cls(rsa.generate_private_key(public_exponent=65537, key_size=_NEW_RSA_BITS))
        if alg == "ES256":
            return cls(ec.generate_private_key(ec.SECP256R1()))
        if alg == "ES384":
            return cls(ec.generate_private_key(ec.SECP384R1()))
        if alg == "EdDSA":
            return cls(SigningKey.generate())
        raise InputError(
            f"Unknown JWS algorithm {alg!r}; use RS256, ES256, ES384 or EdDSA.", field="alg"
        )

    @property
    def alg(self) -> JoseAlgorithm:
        return self._public.alg

    @property
    def public_key(self) -> PublicJwk:
        return self._public

    def sign(self, data: bytes) -> bytes:
        """The JWS signature of ``data`` with the key's algorithm (ES256: R ‖ S, 64 bytes;
        ES384: 96 bytes)."""
        key = self._key
        if isinstance(key, SigningKey):
            return key.sign(data)
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        curve = _curve_of(key)
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(curve.digest())))
        return r.to_bytes(curve.size, "big") + s.to_bytes(curve.size, "big")

    def save(
        self, path: str | os.PathLike[str], passphrase: str | bytes, *, overwrite: bool = False
    ) -> None:
        """Write an RSA, P-256 or P-384 key as an encrypted PKCS#8 PEM file (mode 0600), atomically.

        Ed25519 keys are saved with :meth:`leadbadge.crypto.keys.SigningKey.save`.
        """
        key = self._key
        if isinstance(key, SigningKey):
            key.save(path, passphrase, overwrite=overwrite)
            return
        from leadbadge.crypto.keyfile import encrypt_pkcs8, passphrase_bytes, write_private_file

        secret = passphrase_bytes(passphrase)
        target = Path(path)
        if not target.parent.is_dir():
            raise InputError(f"The folder for the key file {target} does not exist.", field="path")
        data = encrypt_pkcs8(key, secret)
        try:
            write_private_file(target, data, overwrite=overwrite)
        except OSError as exc:
            raise InputError(
                f"The key file {target} cannot be written ({exc.strerror}).", field="path"
            ) from None

    @classmethod
    def load(cls, path: str | os.PathLike[str], passphrase: str | bytes) -> JoseSigningKey:
        """Read an encrypted PKCS#8 key file holding an RSA, P-256, P-384 or Ed25519 key.

        Raises :class:`WrongPassphraseError`, :class:`InvalidKeyError` (not an encrypted key of
        a usable type) or :class:`InputError` (``path``: cannot be read).
        """
        from cryptography.hazmat.primitives.asymmetric import ec, rsa

        from leadbadge.crypto.keyfile import load_private_key_file

        source = Path(path)
        key = load_private_key_file(source, passphrase)
        if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            if isinstance(key, ec.EllipticCurvePrivateKey) and not any(
                isinstance(key.curve, c.curve) for c in _CURVES.values()
            ):
                raise InvalidKeyError(
                    f"The key file {source} holds an EC key that is not P-256 or P-384."
                )
            return cls(key)
        return cls(SigningKey.load(source, passphrase))

    def __repr__(self) -> str:
        return f"JoseSigningKey({self._public.describe()}, thumbprint={self._public.thumbprint!r})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("A signing key cannot be pickled; save it with a passphrase instead.")
