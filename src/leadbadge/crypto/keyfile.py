"""Key files: private keys encrypted at rest as PKCS#8 PEM, written atomically with mode 0600.

The format is RFC 5958 EncryptedPrivateKeyInfo with RFC 8018 PBES2 (PBKDF2-HMAC-SHA256,
AES-256-CBC); docs/keys.md explains the parameters. Reading checks the container before any
decryption (one PEM block, a bounded PBKDF2 work factor), so a hostile file cannot hang the
process, and no error message echoes key material. The Ed25519 keys of
:mod:`leadbadge.crypto.keys` and the JOSE keys of :mod:`leadbadge.crypto.jwk` use it alike.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, padding, serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

from leadbadge import _fs
from leadbadge.errors import (
    FileExistsRefusedError,
    InputError,
    InvalidKeyError,
    KeyFileExistsError,
    WrongPassphraseError,
)

__all__ = [
    "PBKDF2_ITERATIONS",
    "encrypt_pkcs8",
    "load_private_key_file",
    "passphrase_bytes",
    "write_private_file",
]

#: PBKDF2-HMAC-SHA256 iterations for new key files (OWASP Password Storage Cheat Sheet, 2023).
PBKDF2_ITERATIONS = 600_000
# A key file asking for more work than this is refused rather than left to hang the process.
_MAX_PBKDF2_ITERATIONS = 10_000_000
_MAX_KEY_FILE_BYTES = 64 * 1024
_PEM_BEGIN = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
_PEM_END = b"-----END ENCRYPTED PRIVATE KEY-----"


def passphrase_bytes(passphrase: str | bytes) -> bytes:
    """The passphrase as bytes; :class:`InputError` for an empty one or one of another type."""
    if isinstance(passphrase, str):
        data = passphrase.encode("utf-8")
    elif isinstance(passphrase, bytes):
        data = passphrase
    else:
        raise InputError("The passphrase must be a string or bytes.", field="passphrase")
    if not data:
        raise InputError("An empty passphrase cannot protect a key file.", field="passphrase")
    return data


def load_private_key_file(source: Path, passphrase: str | bytes) -> Any:
    """The private key in an encrypted PKCS#8 PEM file, of whatever type it holds.

    Raises :class:`WrongPassphraseError` if the passphrase does not open it,
    :class:`InvalidKeyError` if the file is not an encrypted private key we can read, and
    :class:`InputError` (field ``path``) if it cannot be read.
    """
    secret = passphrase_bytes(passphrase)
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


def encrypt_pkcs8(key: PrivateKeyTypes, secret: bytes) -> bytes:
    """``key`` as an encrypted PKCS#8 PEM file's bytes, a fresh salt and IV each time."""
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


def write_private_file(target: Path, data: bytes, *, overwrite: bool) -> None:
    """Write ``data`` to ``target`` atomically with mode 0600; never clobber unless asked."""
    try:
        _fs.atomic_write_bytes(target, data, mode=0o600, overwrite=overwrite)
    except FileExistsRefusedError:
        raise KeyFileExistsError(target) from None
