"""JSON Web Keys for VC-JWT: RSA, P-256 and Ed25519 public keys, JWS signatures, key files.

Each key signs and verifies with exactly one JWS algorithm, fixed by its type: an RSA key
``RS256``, a P-256 key ``ES256``, an Ed25519 key ``EdDSA``. A token's ``alg`` header never picks
the algorithm; it must name the one the key has (RFC 8725 §3.1, "Perform Algorithm
Verification").

Specifications:

- JWK: RFC 7517 (public members only: a private member is refused, never echoed); RSA and EC
  members: RFC 7518 §6.2, §6.3; OKP/Ed25519: RFC 8037 §2; thumbprint: RFC 7638 §3.
- JWS algorithms: RFC 7518 §3.3 (RS256, RSASSA-PKCS1-v1_5 with SHA-256), §3.4 (ES256, ECDSA
  P-256 with SHA-256, signature = R ‖ S, 32 bytes each), RFC 8037 §3.1 (EdDSA with Ed25519).
- RSA keys of fewer than 2048 bits are refused (RFC 7518 §3.3: "A key of size 2048 bits or
  larger MUST be used").
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
from pathlib import Path
from typing import Any, Final, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from leadbadge.crypto.keys import SigningKey, VerifyingKey
from leadbadge.errors import InputError, InvalidKeyError

# The Ed25519 key files' own format and checks: encrypted PKCS#8 (PBKDF2 600,000 rounds,
# AES-256-CBC), one PEM block, a bounded work factor, mode 0600, never clobbering a file.
from leadbadge.crypto.keyfile import (  # isort: skip
    encrypt_pkcs8 as _encrypt_pkcs8,
    load_private_key_file as _load_private_key_file,
    passphrase_bytes as _passphrase_bytes,
    write_private_file as _write_private_file,
)

__all__ = [
    "ALGORITHMS",
    "JoseAlgorithm",
    "JoseSigningKey",
    "PublicJwk",
    "algorithm_for_key_type",
]

JoseAlgorithm = Literal["RS256", "ES256", "EdDSA"]
#: The JWS algorithms leadbadge signs and verifies.
ALGORITHMS: Final[frozenset[str]] = frozenset({"RS256", "ES256", "EdDSA"})
_BY_KTY: Final[dict[str, JoseAlgorithm]] = {"RSA": "RS256", "EC": "ES256", "OKP": "EdDSA"}
# RFC 7517 §4, RFC 7518 §6.2.2, §6.3.2, §6.4: members that only private or symmetric keys have.
_PRIVATE_MEMBERS: Final = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
_MIN_RSA_BITS = 2048
_MAX_RSA_BITS = 8192
_NEW_RSA_BITS = 2048


def algorithm_for_key_type(kty: str) -> JoseAlgorithm | None:
    """The one JWS algorithm a key of this ``kty`` uses, or None for a type leadbadge refuses."""
    return _BY_KTY.get(kty)


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


class PublicJwk:
    """A public key as a JWK: RSA (RS256), EC P-256 (ES256) or OKP Ed25519 (EdDSA).

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
                "expected; do not publish it."
            )
        kty = jwk.get("kty")
        alg = _BY_KTY.get(kty) if isinstance(kty, str) else None
        if alg is None:
            raise InvalidKeyError(
                f"The JWK key type {kty!r} is not one leadbadge verifies (RSA, EC P-256, "
                "OKP Ed25519)."
            )
        if "alg" in jwk and jwk["alg"] != alg and not (alg == "EdDSA" and jwk["alg"] == "Ed25519"):
            raise InvalidKeyError(f"The JWK's 'alg' {jwk['alg']!r} does not fit a {kty} key.")
        if "use" in jwk and jwk["use"] != "sig":
            raise InvalidKeyError(f"The JWK 'use' is {jwk['use']!r}, not 'sig'.")
        ops = jwk.get("key_ops")
        if ops is not None and (not isinstance(ops, list) or "verify" not in ops):
            raise InvalidKeyError("The JWK 'key_ops' does not allow 'verify'.")
        if kty == "RSA":
            return cls._rsa(jwk)
        if kty == "EC":
            return cls._ec(jwk)
        key = VerifyingKey.from_jwk({k: v for k, v in jwk.items() if k not in ("alg", "key_ops")})
        return cls.from_verifying_key(key)

    @classmethod
    def _rsa(cls, jwk: Mapping[str, Any]) -> PublicJwk:
        n = int.from_bytes(_member_bytes(jwk, "n"), "big")
        e = int.from_bytes(_member_bytes(jwk, "e"), "big")
        if not _MIN_RSA_BITS <= n.bit_length() <= _MAX_RSA_BITS:
            raise InvalidKeyError(
                f"The RSA key has {n.bit_length()} bits; leadbadge accepts "
                f"{_MIN_RSA_BITS} to {_MAX_RSA_BITS}."
            )
        if e < 3 or e % 2 == 0 or e >= n:
            raise InvalidKeyError("The RSA key's public exponent is not usable.")
        try:
            key = rsa.RSAPublicNumbers(e, n).public_key()
        except ValueError:
            raise InvalidKeyError("The RSA public key is not valid.") from None
        return cls._from_rsa(key)

    @classmethod
    def _from_rsa(cls, key: rsa.RSAPublicKey) -> PublicJwk:
        numbers = key.public_numbers()
        members = {"kty": "RSA", "n": _b64url_int(numbers.n), "e": _b64url_int(numbers.e)}
        return cls(key, members, "RS256")

    @classmethod
    def _ec(cls, jwk: Mapping[str, Any]) -> PublicJwk:
        if jwk.get("crv") != "P-256":
            raise InvalidKeyError(
                f"The EC key's curve is {jwk.get('crv')!r}; leadbadge verifies only P-256 (ES256)."
            )
        x, y = _member_bytes(jwk, "x"), _member_bytes(jwk, "y")
        if len(x) != 32 or len(y) != 32:
            raise InvalidKeyError("A P-256 JWK's 'x' and 'y' are 32 bytes each.")
        try:
            key = ec.EllipticCurvePublicNumbers(
                int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
            ).public_key()
        except ValueError:
            raise InvalidKeyError("The P-256 public key is not a point on the curve.") from None
        return cls._from_ec(key)

    @classmethod
    def _from_ec(cls, key: ec.EllipticCurvePublicKey) -> PublicJwk:
        if not isinstance(key.curve, ec.SECP256R1):
            raise InvalidKeyError("Only P-256 elliptic-curve keys are supported.")
        numbers = key.public_numbers()
        members = {
            "kty": "EC",
            "crv": "P-256",
            "x": _b64url_int(numbers.x, 32),
            "y": _b64url_int(numbers.y, 32),
        }
        return cls(key, members, "ES256")

    @classmethod
    def from_verifying_key(cls, key: VerifyingKey) -> PublicJwk:
        """An Ed25519 public key as an OKP JWK (EdDSA)."""
        return cls(key, dict(key.to_jwk()), "EdDSA")

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
    def ed25519(self) -> VerifyingKey | None:
        """The key as a leadbadge Ed25519 key, for an OKP key; else None."""
        return self._key if isinstance(self._key, VerifyingKey) else None

    def to_jwk(self) -> dict[str, str]:
        """The public JWK: the key's required members only."""
        return dict(self._jwk)

    def describe(self) -> str:
        """A short label for messages (``RSA 2048-bit key``, ``P-256 key``, ``Ed25519 key``)."""
        if isinstance(self._key, rsa.RSAPublicKey):
            return f"RSA {self._key.key_size}-bit key"
        return "P-256 key" if self.kty == "EC" else "Ed25519 key"

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
            if isinstance(key, rsa.RSAPublicKey):
                key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
                return True
            if len(signature) != 64:
                return False
            r = int.from_bytes(signature[:32], "big")
            s = int.from_bytes(signature[32:], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
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
    """A private key that signs JWS: RSA (RS256), P-256 (ES256) or Ed25519 (EdDSA).

    Its ``repr`` shows only the public key's thumbprint; it cannot be pickled.
    """

    __slots__ = ("_key", "_public")

    def __init__(self, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | SigningKey) -> None:
        if isinstance(key, SigningKey):
            self._public = PublicJwk.from_verifying_key(key.public_key)
        elif isinstance(key, rsa.RSAPrivateKey):
            if not _MIN_RSA_BITS <= key.key_size <= _MAX_RSA_BITS:
                raise InvalidKeyError(f"An RSA signing key needs at least {_MIN_RSA_BITS} bits.")
            self._public = PublicJwk._from_rsa(key.public_key())
        elif isinstance(key, ec.EllipticCurvePrivateKey):
            self._public = PublicJwk._from_ec(key.public_key())
        else:
            raise InvalidKeyError("A JOSE signing key is an RSA, P-256 or Ed25519 private key.")
        self._key = key

    @classmethod
    def generate(cls, alg: JoseAlgorithm) -> JoseSigningKey:
        """A new key for ``alg``: RSA 2048-bit (RS256), P-256 (ES256) or Ed25519 (EdDSA)."""
        if alg == "RS256":
            return cls(rsa.generate_private_key(public_exponent=65537, key_size=_NEW_RSA_BITS))
        if alg == "ES256":
            return cls(ec.generate_private_key(ec.SECP256R1()))
        if alg == "EdDSA":
            return cls(SigningKey.generate())
        raise InputError(f"Unknown JWS algorithm {alg!r}; use RS256, ES256 or EdDSA.", field="alg")

    @property
    def alg(self) -> JoseAlgorithm:
        return self._public.alg

    @property
    def public_key(self) -> PublicJwk:
        return self._public

    def sign(self, data: bytes) -> bytes:
        """The JWS signature of ``data`` with the key's algorithm (ES256: R ‖ S, 64 bytes)."""
        key = self._key
        if isinstance(key, SigningKey):
            return key.sign(data)
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def save(
        self, path: str | os.PathLike[str], passphrase: str | bytes, *, overwrite: bool = False
    ) -> None:
        """Write an RSA or P-256 key as an encrypted PKCS#8 PEM file (mode 0600), atomically.

        Ed25519 keys are saved with :meth:`leadbadge.crypto.keys.SigningKey.save`.
        """
        key = self._key
        if isinstance(key, SigningKey):
            key.save(path, passphrase, overwrite=overwrite)
            return
        secret = _passphrase_bytes(passphrase)
        target = Path(path)
        if not target.parent.is_dir():
            raise InputError(f"The folder for the key file {target} does not exist.", field="path")
        data = _encrypt_pkcs8(key, secret)
        try:
            _write_private_file(target, data, overwrite=overwrite)
        except OSError as exc:
            raise InputError(
                f"The key file {target} cannot be written ({exc.strerror}).", field="path"
            ) from None

    @classmethod
    def load(cls, path: str | os.PathLike[str], passphrase: str | bytes) -> JoseSigningKey:
        """Read an encrypted PKCS#8 key file holding an RSA, P-256 or Ed25519 key.

        Raises :class:`WrongPassphraseError`, :class:`InvalidKeyError` (not an encrypted key of
        a usable type) or :class:`InputError` (``path``: cannot be read).
        """
        source = Path(path)
        key = _load_private_key_file(source, passphrase)
        if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            if isinstance(key, ec.EllipticCurvePrivateKey) and not isinstance(
                key.curve, ec.SECP256R1
            ):
                raise InvalidKeyError(f"The key file {source} holds an EC key that is not P-256.")
            return cls(key)
        return cls(SigningKey.load(source, passphrase))

    def __repr__(self) -> str:
        return f"JoseSigningKey({self._public.describe()}, thumbprint={self._public.thumbprint!r})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("A signing key cannot be pickled; save it with a passphrase instead.")
