"""The check that no error, repr or file shows a private key, in any spelling of its seed."""

from __future__ import annotations

import base64

from leadbadge.crypto import multibase as _multibase


def secret_forms(seed: bytes) -> list[str]:
    """Every spelling of a seed that must never show up in output."""
    return [
        seed.hex(),
        seed.hex().upper(),
        _multibase.b58encode(seed),
        base64.b64encode(seed).decode().rstrip("="),
        base64.urlsafe_b64encode(seed).decode().rstrip("="),
        _multibase.encode_base58btc(b"\x80\x26" + seed),
    ]


def assert_no_secret(text: str, seed: bytes) -> None:
    for form in secret_forms(seed):
        assert form not in text
