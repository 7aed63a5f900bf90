"""Strict credential JSON, and lone surrogates wherever the sharing decoders read text."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadbadge.errors import CredentialDocumentError, InputError
from leadbadge.share import bake, jwt, qr
from leadbadge.share.strict_json import (
    MAX_INTEGER_DIGITS,
    MAX_NESTING,
    _strings_have_lone_surrogate,
    parse_credential,
)
from leadbadge.verifier.decode import decode_credential
from tests.unit.share.test_bake import SVG, _chunk, _itxt, _png

CREDENTIAL: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "issuer": "did:example:issuer",
    "credentialSubject": {"id": "did:example:subject", "name": "Ana"},
}
#: The credential with a lone surrogate in one string, spelled as a JSON escape (ASCII text).
ESCAPED = json.dumps({**CREDENTIAL, "name": "\ud800"})
#: ... and as the code point itself, which only a Python string can hold.
RAW = json.dumps({**CREDENTIAL, "name": "\ud800"}, ensure_ascii=False)


def _refusal(data: Any) -> str:
    with pytest.raises(CredentialDocumentError) as info:
        decode_credential(data)
    return info.value.message


def test_strict_reading() -> None:
    assert parse_credential(json.dumps(CREDENTIAL), "<text>") == CREDENTIAL
    with pytest.raises(CredentialDocumentError, match="'a' twice"):
        parse_credential('{"a":1,"a":2}', "<text>")
    with pytest.raises(CredentialDocumentError, match="NaN is not a JSON number"):
        parse_credential('{"a":NaN}', "<text>")
    with pytest.raises(CredentialDocumentError, match="nested too deeply"):
        parse_credential('{"a":' + "[" * 200_000 + "]" * 200_000 + "}", "<text>")
    with pytest.raises(CredentialDocumentError, match="nested too deeply"):
        parse_credential('{"a":' * MAX_NESTING + "{}" + "}" * MAX_NESTING, "<text>")


@pytest.mark.parametrize(
    "text",
    [ESCAPED, '{"\\udfff":1}', '{"a":["\\ud83d"]}', '{"a":"x\\ude00y"}'],
    ids=["value", "key", "in-array", "low-half"],
)
def test_a_lone_surrogate_in_any_string_is_refused(text: str) -> None:
    with pytest.raises(CredentialDocumentError, match="lone surrogate"):
        parse_credential(text, "<text>")


def test_an_integer_too_long_to_convert_is_refused_as_input() -> None:
    longest = "9" * MAX_INTEGER_DIGITS
    assert parse_credential(f'{{"a":-{longest}}}', "<text>") == {"a": -int(longest)}
    with pytest.raises(CredentialDocumentError, match="4301 digits"):
        parse_credential(f'{{"a":[-{longest}9]}}', "<text>")
    # Every decoder that meets JSON text reads it here: a baked image too.
    assert "5000 digits" in _refusal(bake.bake(_png(), '{"a":' + "1" * 5000 + "}"))


def test_a_surrogate_pair_is_text() -> None:
    emoji = parse_credential('{"name":"\\ud83d\\ude00"}', "<text>")
    assert emoji == {"name": "\U0001f600"}


@pytest.mark.parametrize(
    "data",
    [
        ESCAPED,
        RAW,
        ESCAPED.encode(),
        '<svg xmlns="http://www.w3.org/2000/svg">\ud800</svg>',
        "https://rcoe.example.org/c/\ud800",
        "LB1:\ud800",
    ],
    ids=["json-escape", "json-raw", "json-bytes", "svg-text", "link", "qr-text"],
)
def test_text_with_a_lone_surrogate_is_refused(data: Any) -> None:
    assert "lone surrogate" in _refusal(data)


def test_a_qr_payload_with_a_lone_surrogate_is_refused() -> None:
    whole = qr.FULL_PREFIX + qr._b45encode(b"\0" + qr._deflate(ESCAPED.encode()))
    assert "lone surrogate" in _refusal(whole)
    elided = {**CREDENTIAL, "credentialSubject": {"achievement": {"id": "https://a.example/a"}}}
    body = json.dumps({**elided, "name": "\ud800"}).encode()
    raw = bytes([qr._FLAG_ACHIEVEMENT]) + b"\0" * qr._DIGEST_BYTES + qr._deflate(body)
    with pytest.raises(CredentialDocumentError, match="lone surrogate"):
        qr.unpack_full(qr.FULL_PREFIX + qr._b45encode(raw), achievements=lambda _id: {"id": "x"})


@pytest.mark.parametrize(
    "image",
    [
        _png(_itxt(ESCAPED)),
        bake.bake(SVG, ESCAPED),
        _png(_chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0\xed\xa0\x80")),
        SVG.replace(b"<rect/>", b"<rect>&#xD800;</rect>"),
    ],
    ids=["png-escape", "svg-escape", "png-utf8-surrogate", "svg-char-ref"],
)
def test_a_baked_image_with_a_lone_surrogate_is_refused(image: bytes) -> None:
    message = _refusal(image)
    assert any(part in message for part in ("lone surrogate", "not UTF-8", "not well-formed"))


def test_nothing_with_a_lone_surrogate_is_encoded() -> None:
    with pytest.raises(InputError, match="lone surrogate"):
        bake.bake(SVG, RAW)
    with pytest.raises(InputError, match="lone surrogate"):
        qr.pack_full({**CREDENTIAL, "name": "\ud800"}, elide_achievement=False)
    with pytest.raises(InputError, match="ASCII"):
        qr.pack_full("eyJ.\ud800.x", elide_achievement=False)
    with pytest.raises(InputError, match="lone surrogate"):
        qr.make_qr("https://rcoe.example.org/c/\ud800")


def _token(payload: str) -> str:
    def part(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    header = part(json.dumps({"alg": "EdDSA"}).encode())
    return f"{header}.{part(payload.encode())}.c2ln"


def test_a_vc_jwt_is_read_strictly() -> None:
    with pytest.raises(InputError, match="appears twice"):
        jwt.decode(_token('{"vc":{},"vc":{}}'))
    with pytest.raises(InputError, match="nested too deeply"):
        jwt.decode(_token('{"vc":' + "[" * 100_000 + "]" * 100_000 + "}"))
    assert "lone surrogate" in _refusal(_token('{"vc":' + ESCAPED + "}"))


# Surrogates (category Cs) are left out of generated text unless asked for.
_texts = st.text(
    alphabet=st.characters(min_codepoint=0xD780, max_codepoint=0xE020, exclude_categories=()),
    max_size=4,
)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | _texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_texts, inner, max_size=3),
    max_leaves=12,
)


def _walk_finds_a_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if isinstance(value, dict):
        return any(
            _walk_finds_a_surrogate(k) or _walk_finds_a_surrogate(v) for k, v in value.items()
        )
    if isinstance(value, list):
        return any(_walk_finds_a_surrogate(v) for v in value)
    return False


@settings(max_examples=300, derandomize=True, database=None)
@given(_json)
def test_the_surrogate_check_finds_exactly_the_surrogates_a_walk_finds(value: Any) -> None:
    found = _walk_finds_a_surrogate(value)
    _outcomes.add(found)
    assert _strings_have_lone_surrogate(value) is found


_outcomes: set[bool] = set()


def test_the_generated_values_hold_surrogates_and_none() -> None:
    # The property, run again here: its generated values exercised both outcomes.
    test_the_surrogate_check_finds_exactly_the_surrogates_a_walk_finds()
    assert _outcomes == {True, False}
