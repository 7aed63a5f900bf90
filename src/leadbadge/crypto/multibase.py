"""Multibase (base58btc ``z``, base64url ``u``) and multicodec varint helpers."""

from __future__ import annotations

import base64

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58_ALPHABET)}


def b58encode(data: bytes) -> str:
    """Bitcoin base58 (no check), as multibase ``z`` uses."""
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, rem = divmod(n, 58)
        out.append(_B58_ALPHABET[rem])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    """Inverse of :func:`b58encode`; raises ``ValueError`` on a character outside the alphabet."""
    n = 0
    for ch in text:
        try:
            n = n * 58 + _B58_INDEX[ch]
        except KeyError:
            raise ValueError(f"invalid base58 character {ch!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


def encode_base58btc(data: bytes) -> str:
    """Multibase base58btc: ``z`` + base58."""
    return "z" + b58encode(data)


def decode_base58btc(text: str) -> bytes:
    """Decode a multibase base58btc string; raises ``ValueError`` for any other base."""
    if not text.startswith("z"):
        raise ValueError("not multibase base58btc (expected a leading 'z')")
    return b58decode(text[1:])


def encode_base64url(data: bytes) -> str:
    """Multibase base64url without padding: ``u`` + base64url."""
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_base64url(text: str) -> bytes:
    """Decode a multibase base64url string; raises ``ValueError`` for any other base."""
    if not text.startswith("u"):
        raise ValueError("not multibase base64url (expected a leading 'u')")
    body = text[1:]
    if any(c in body for c in "+/="):
        raise ValueError("base64url must not contain '+', '/' or padding")
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def varint_encode(value: int) -> bytes:
    """Unsigned LEB128 varint, as multicodec prefixes use."""
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)
