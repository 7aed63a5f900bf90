"""Whether text is shaped like a compact JWS, told without the JOSE module.

Deciding what an input is (a file's text, a value in a credential) asks this of every text;
:mod:`leadbadge.proof.jose`, which parses and judges tokens, loads only for a token.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Final

from leadbadge.errors import InputError

__all__ = ["b64url_segment", "looks_like_jwt"]

_SEGMENT_ALPHABET: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
)


def looks_like_jwt(text: str) -> bool:
    """True for three base64url segments whose first decodes to a JSON object with ``alg``."""
    parts = text.split(".")
    if len(parts) != 3 or not parts[0] or not all(set(p) <= _SEGMENT_ALPHABET for p in parts):
        return False
    try:
        header = json.loads(b64url_segment(parts[0], "header"))
    except RecursionError:
        # Shaped like a token but too deep to read: parse() refuses it with that reason.
        return True
    except (InputError, ValueError):
        return False
    return isinstance(header, dict) and "alg" in header


def b64url_segment(segment: str, what: str) -> bytes:
    """One segment of a token, decoded: canonical base64url without padding, or InputError."""
    if not set(segment) <= _SEGMENT_ALPHABET or len(segment) % 4 == 1:
        raise InputError(f"The JWT {what} is not base64url.", field=f"jwt/{what}")
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise InputError(f"The JWT {what} is not base64url.", field=f"jwt/{what}") from None
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != segment:
        raise InputError(f"The JWT {what} is not canonical base64url.", field=f"jwt/{what}")
    return raw
