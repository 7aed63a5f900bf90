"""Compact JWS: tokens are split and decoded strictly, and the header is judged before any key."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from leadbadge.errors import InputError
from leadbadge.ld.inputs import MAX_JSON_DEPTH
from leadbadge.proof.jose import check_header, looks_like_jwt, parse


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


# --- hostile headers and payloads end in a typed refusal ---------------------------------------

_HEADER = _segment({"alg": "ES256", "kid": "did:web:example.org#jwk-1"})
_PAYLOAD = _segment({"iss": "did:web:example.org"})


def _nested(depth: int) -> bytes:
    return b'{"alg":"ES256","x":' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize("depth", [100, 100_000], ids=["deeper-than-the-bound", "recursion"])
def test_a_deeply_nested_header_is_refused(depth: int) -> None:
    token = f"{_segment(_nested(depth))}.{_PAYLOAD}.c2ln"
    # It still looks like a token, so it is refused as one (with the reason), not read as JSON.
    assert looks_like_jwt(token)
    with pytest.raises(InputError, match="header") as caught:
        parse(token)
    assert caught.value.field == "jwt/header"


@pytest.mark.parametrize("depth", [100, 100_000], ids=["deeper-than-the-bound", "recursion"])
def test_a_deeply_nested_payload_is_refused(depth: int) -> None:
    nested = b'{"credentialSubject":' + b"[" * depth + b"]" * depth + b"}"
    with pytest.raises(InputError) as caught:
        parse(f"{_HEADER}.{_segment(nested)}.c2ln")
    assert caught.value.field == "jwt/payload"


def test_nesting_up_to_the_bound_is_read() -> None:
    # The top object is level 0, so MAX_JSON_DEPTH - 1 arrays hold a value at MAX_JSON_DEPTH.
    depth = MAX_JSON_DEPTH - 1
    nested = b'{"x":' + b"[" * depth + b"1" + b"]" * depth + b"}"
    assert parse(f"{_HEADER}.{_segment(nested)}.c2ln").payload["x"]
    deeper = b'{"x":' + b"[" * (depth + 1) + b"1" + b"]" * (depth + 1) + b"}"
    with pytest.raises(InputError):
        parse(f"{_HEADER}.{_segment(deeper)}.c2ln")


@pytest.mark.parametrize(
    ("header", "payload", "field"),
    [
        (b'{"alg":"ES256","typ":"\\ud800"}', b"{}", "jwt/header"),
        (b'{"alg":"ES256","\\udfff":1}', b"{}", "jwt/header"),
        (b'{"alg":"ES256"}', b'{"name":["ok","\\ud800x"]}', "jwt/payload"),
        (b'{"alg":"ES256"}', b'{"a":{"\\udc00":"key"}}', "jwt/payload"),
    ],
    ids=["header-value", "header-key", "payload-value", "payload-key"],
)
def test_a_lone_surrogate_is_refused(header: bytes, payload: bytes, field: str) -> None:
    with pytest.raises(InputError, match="surrogate") as caught:
        parse(f"{_segment(header)}.{_segment(payload)}.c2ln")
    assert caught.value.field == field


def test_a_surrogate_pair_is_text() -> None:
    payload = b'{"name":"\\ud83c\\udf93"}'
    assert parse(f"{_HEADER}.{_segment(payload)}.c2ln").payload["name"] == "\N{GRADUATION CAP}"


@pytest.mark.parametrize("typ", [["JWT"], {"media": "JWT"}, 1, True])
def test_a_typ_that_is_not_a_string_is_refused(typ: Any) -> None:
    with pytest.raises(InputError) as caught:
        check_header({"alg": "ES256", "typ": typ}, {"ES256"}, [])
    assert caught.value.field == "jwt/header/typ"


def test_an_unknown_typ_string_is_a_warning() -> None:
    warnings: list[str] = []
    assert check_header({"alg": "ES256", "typ": "at+jwt"}, {"ES256"}, warnings) == "ES256"
    assert warnings == ["The JWT header's typ is 'at+jwt', not 'JWT'."]
