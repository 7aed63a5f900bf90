"""Telling a compact JWS from other text, and decoding its segments strictly."""

from __future__ import annotations

import base64
import json

import pytest

from leadbadge.errors import InputError
from leadbadge.proof.jwt_shape import b64url_segment, looks_like_jwt


def _segment(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


HEADER = _segment(json.dumps({"alg": "EdDSA", "typ": "vc+jwt"}).encode())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{HEADER}.{_segment(b'{}')}.{_segment(b'sig')}", True),
        (f"{HEADER}.{_segment(b'{}')}.", True),  # an empty signature is still the shape
        ('{"id": "https://example.org/a.b.c"}', False),
        (f"{HEADER}.{_segment(b'{}')}", False),  # two segments
        (f"{HEADER}.a.b.c", False),
        (f".{_segment(b'{}')}.{_segment(b'sig')}", False),
        (f"{_segment(b'{}')}.e30.c2ln", False),  # a header without alg
        (f"{_segment(b'[1]')}.e30.c2ln", False),  # a header that is not an object
        (f"{_segment(b'not json')}.e30.c2ln", False),
        (f"{HEADER}+.e30.c2ln", False),  # outside the base64url alphabet
        (f"{_segment(b'[' * 100_000)}.e30.c2ln", True),  # too deep to read: parse says why
    ],
)
def test_looks_like_jwt(text: str, expected: bool) -> None:
    assert looks_like_jwt(text) is expected


def test_a_segment_must_be_canonical_base64url() -> None:
    assert b64url_segment(_segment(b"\xff\xfe"), "payload") == b"\xff\xfe"
    for bad in ("a", "ab=", "ab+c", "_x"):  # one char left over, padding, '+', non-zero tail bits
        with pytest.raises(InputError) as caught:
            b64url_segment(bad, "payload")
        assert caught.value.field == "jwt/payload"
