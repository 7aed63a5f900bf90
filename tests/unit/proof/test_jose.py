"""Compact JWS: tokens are split and decoded strictly, and the header is judged before any key."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from leadbadge.errors import InputError
from leadbadge.proof.jose import parse


def _segment(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    [
        "a.b",
        "a.b.c.d",
        f"{_segment(b'[1]')}.{_segment({})}.",
        f"{_segment({'alg': 'RS256'})}.{_segment(b'not json')}.",
        _segment(b'{"alg":"RS256","alg":"none"}') + f".{_segment({})}.",
        f"{_segment({'alg': 'RS256'})}=.{_segment({})}.",
        f"{_segment({'alg': 'RS256'})}.{_segment({})}.a+b",
    ],
    ids=[
        "two-parts",
        "four-parts",
        "header-array",
        "payload-text",
        "duplicate",
        "padded",
        "not-b64",
    ],
)
def test_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(InputError):
        parse(token)
