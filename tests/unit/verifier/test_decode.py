"""Decoding finds the one credential in the input, or says in one sentence what the input is."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from leadbadge.errors import CredentialDocumentError, InputError
from leadbadge.share import links, qr
from leadbadge.verifier import decode as decode_module
from leadbadge.verifier.decode import (
    MAX_INPUT_BYTES,
    MAX_NESTING,
    CredentialSources,
    decode_credential,
)
from tests.conftest import interop_path

CREDENTIAL: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "issuer": "did:example:issuer",
    "credentialSubject": {"id": "did:example:subject", "name": "Ana"},
}


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def _png(*extra: bytes, side: int = 1) -> bytes:
    """A white greyscale PNG ``side`` pixels square, with ``extra`` chunks before its pixels."""
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
    idat = _chunk(b"IDAT", zlib.compress((b"\x00" + b"\xff" * side) * side))
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"".join(extra) + idat + _chunk(b"IEND", b"")


def _jwt(header: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part({'iss': 'x'})}.c2ln"


def _message(data: Any, **kwargs: Any) -> str:
    with pytest.raises(CredentialDocumentError) as info:
        decode_credential(data, **kwargs)
    assert info.value.code == "unreadable_credential"
    assert info.value.problem_type == "PARSING_ERROR"
    assert isinstance(info.value, InputError)
    message = info.value.message
    assert message.endswith(".")
    assert "\n" not in message
    return message


# --- what is accepted -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        json.dumps(CREDENTIAL),
        json.dumps(CREDENTIAL).encode(),
        bytearray(json.dumps(CREDENTIAL).encode()),
        b"\xef\xbb\xbf" + json.dumps(CREDENTIAL, indent=2).encode(),
        "\n\n  " + json.dumps(CREDENTIAL) + "\n",
        CREDENTIAL,
    ],
    ids=["text", "bytes", "bytearray", "utf8-bom", "whitespace", "dict"],
)
def test_json_in_every_form_gives_the_document(data: Any) -> None:
    decoded = decode_credential(data)
    assert decoded.document == CREDENTIAL
    assert decoded.source_format == "json"


def test_path_is_read_and_labelled_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(CREDENTIAL), encoding="utf-8")
    decoded = decode_credential(path)
    assert decoded.document == CREDENTIAL
    assert decoded.source == str(path)
    assert decode_credential(path, source="-").source == "-"


def test_the_decoded_document_is_a_copy_of_a_dict_input() -> None:
    original: dict[str, Any] = json.loads(json.dumps(CREDENTIAL))
    decoded = decode_credential(original)
    decoded.document["credentialSubject"]["name"] = "Mallory"
    assert original["credentialSubject"]["name"] == "Ana"


def test_file_extension_does_not_matter(tmp_path: Path) -> None:
    path = tmp_path / "badge.1ob"
    path.write_bytes(json.dumps(CREDENTIAL).encode())
    assert decode_credential(path).document == CREDENTIAL


def test_the_1edtech_fixture_with_a_1ob_extension_is_json() -> None:
    decoded = decode_credential(interop_path("1edtech-validator", "ob30", "simple.1ob"))
    assert decoded.source_format == "json"
    assert decoded.document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


# --- what is refused, and how it is described -----------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.json"
    assert _message(path) == f"{path} does not exist."


def test_folder_instead_of_file(tmp_path: Path) -> None:
    assert _message(tmp_path) == f"{tmp_path} is a folder, not a credential file."


def test_empty_input() -> None:
    assert _message(b"") == "The input is empty."
    assert _message("   \n") == "The input is empty."


def test_broken_json_says_where() -> None:
    message = _message(b'{"type": ["VerifiableCredential"],\n "issuer": }', source="cred.json")
    assert message.startswith("cred.json is not valid JSON (line 2, column")


def test_duplicate_keys_are_refused_because_the_signed_content_would_be_ambiguous() -> None:
    message = _message('{"issuer": "did:example:a", "issuer": "did:example:b"}')
    assert "'issuer' twice" in message


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_json_numbers_are_refused(constant: str) -> None:
    assert "not a JSON number" in _message('{"creditsEarned": ' + constant + "}")


def test_dict_that_is_not_plain_json_is_refused() -> None:
    assert "not plain JSON" in _message({"validFrom": object()})
    assert "not plain JSON" in _message({"creditsEarned": float("nan")})


@pytest.mark.parametrize(
    ("text", "kind"),
    [("[]", "a JSON array"), ('"hello"', "a string"), ("42", "a number"), ("null", "null")],
)
def test_json_that_is_not_an_object(text: str, kind: str) -> None:
    assert kind in _message(text)


def test_presentation_is_not_a_credential() -> None:
    presentation = {"@context": CREDENTIAL["@context"], "type": ["VerifiablePresentation"]}
    assert "is a verifiable presentation, not one credential" in _message(presentation)


def test_deep_nesting_is_refused_without_a_crash() -> None:
    assert "nested too deeply" in _message("[" * 100_000 + "]" * 100_000)


def test_nesting_limit_is_exact() -> None:
    def nested(depth: int) -> str:
        return '{"a":' * (depth - 1) + "{}" + "}" * (depth - 1)

    assert decode_credential(nested(MAX_NESTING)).document
    assert "nested too deeply" in _message(nested(MAX_NESTING + 1))
    deep: dict[str, Any] = {}
    cursor = deep
    for _ in range(MAX_NESTING):
        cursor["a"] = {}
        cursor = cursor["a"]
    assert "nested too deeply" in _message(deep)


def test_oversized_input_is_refused(tmp_path: Path) -> None:
    big = b" " * (MAX_INPUT_BYTES + 1)
    assert "larger than" in _message(big)
    path = tmp_path / "big.json"
    path.write_bytes(big)
    assert "larger than" in _message(path)


def test_plain_png_carries_no_credential() -> None:
    assert _message(_png(side=32), source="photo.png") == (
        "photo.png is a PNG image that carries no credential (and no QR code)."
    )
    assert _message(_png(), source="dot.png") == (
        "dot.png is 1 by 1 pixels, too small to show a QR code (one is at least 21 pixels wide)."
    )


def test_png_with_unrelated_text_chunk_carries_no_credential() -> None:
    png = _png(_chunk(b"tEXt", b"Comment\0made with a camera"), side=32)
    assert "carries no credential" in _message(png)


def test_baked_png_gives_its_credential() -> None:
    itxt = _chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0" + json.dumps(CREDENTIAL).encode())
    decoded = decode_credential(_png(itxt))
    assert decoded.document == CREDENTIAL
    assert (decoded.source_format, decoded.container, decoded.format_label) == (
        "json",
        "png",
        "png+json",
    )


def test_baked_ob2_png_is_named_as_ob2() -> None:
    assert "Open Badges 2.0" in _message(_png(_chunk(b"iTXt", b"openbadges\0\0\0\0\0{}")))


def test_truncated_png_is_a_damaged_image() -> None:
    assert "damaged PNG image" in _message(_png()[:20])


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("simple-json.png", "png+json"),
        ("simple-jwt.png", "png+jwt"),
        ("simple-json.svg", "svg+json"),
        ("simple-jwt_v1.svg", "svg+jwt"),
    ],
)
def test_the_1edtech_baked_images_give_their_credentials(name: str, label: str) -> None:
    decoded = decode_credential(interop_path("1edtech-validator", "ob30", name))
    assert decoded.format_label == label
    assert "VerifiableCredential" in decoded.document["type"]
    assert (decoded.jwt is not None) == label.endswith("jwt")


def test_svg_without_credential() -> None:
    svg = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'
    assert _message(svg) == "The input is an SVG image that carries no credential."


def test_baked_svg_gives_its_credential_as_bytes_or_text() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        f"<openbadges:credential><![CDATA[{json.dumps(CREDENTIAL)}]]></openbadges:credential></svg>"
    )
    for data in (svg, svg.encode()):
        decoded = decode_credential(data)
        assert decoded.document == CREDENTIAL
        assert decoded.format_label == "svg+json"


def test_html_is_not_a_credential() -> None:
    assert "XML or HTML" in _message(b"<!doctype html><html><body>hi</body></html>")


def test_a_jwt_gives_its_credential_unverified() -> None:
    token = _jwt({"alg": "EdDSA", "typ": "vc+jwt"})
    decoded = decode_credential(token)
    assert decoded.source_format == "jwt"
    assert decoded.jwt == token
    # The JWT claims are taken off a VC 2.0 payload (there is no credential here but {}).
    assert decoded.document == {}
    assert "holding a JWT" in _message(json.dumps(token))


def test_the_1edtech_jwts_give_their_credentials() -> None:
    for name in ("simple.jwt", "velocity.jwt"):
        decoded = decode_credential(interop_path("1edtech-validator", "ob30", name))
        assert decoded.source_format == "jwt"
        assert set(decoded.document["type"]) == {"VerifiableCredential", "OpenBadgeCredential"}


def test_a_malformed_jwt_says_so() -> None:
    header = base64.urlsafe_b64encode(b'{"alg":"RS256","alg":"x"}').rstrip(b"=").decode()
    assert "malformed VC-JWT" in _message(f"{header}.e30.c2ln")


def test_dotted_text_that_is_not_a_jwt_is_just_bad_json() -> None:
    assert "not valid JSON" in _message("abc.def.ghi")


@pytest.mark.parametrize(
    ("magic", "what"),
    [(b"%PDF-1.7", "a PDF document"), (b"PK\x03\x04", "a ZIP archive")],
)
def test_other_files_are_named(magic: bytes, what: str) -> None:
    assert _message(magic + b"\x00" * 16) == f"The input is {what}, not a credential."


@pytest.mark.parametrize("magic", [b"\xff\xd8\xff\xe0", b"GIF89a"])
def test_photos_are_read_for_a_qr_code(magic: bytes) -> None:
    assert "not an image leadbadge can read" in _message(magic + b"\x00" * 16)


def test_qr_text_and_links() -> None:
    full = qr.pack_full(CREDENTIAL, elide_achievement=False)
    decoded = decode_credential(full)
    assert decoded.document == CREDENTIAL
    assert decoded.format_label == "qr+json"
    link = "https://rcoe.example.org/leadership/c/" + "a" * 26
    assert "give a copy of it (--credentials FOLDER) or verify with --online" in _message(link)
    assert "not a leadbadge credential link" in _message("https://example.org/badge/1")


def test_a_link_is_resolved_through_the_sources_and_checked() -> None:
    link = links.link_for(CREDENTIAL, "https://rcoe.example.org/leadership")
    body = json.dumps(CREDENTIAL).encode()
    found = decode_credential(link, sources=CredentialSources(links=lambda _link: body))
    assert found.document == CREDENTIAL
    assert (found.link, found.format_label) == (link, "qr+json")
    other = json.dumps({**CREDENTIAL, "id": "urn:uuid:other"}).encode()
    message = _message(link, sources=CredentialSources(links=lambda _link: other))
    assert "not the one the link commits to" in message


def test_binary_garbage() -> None:
    assert "binary data" in _message(b"\x00\xff\xfe\x80")


def test_unsupported_python_type() -> None:
    with pytest.raises(CredentialDocumentError, match="from a value of type int"):
        decode_credential(42)  # type: ignore[arg-type]


def test_credential_text_is_told_from_a_file_name_without_the_qr_module() -> None:
    assert decode_module._FULL_PREFIX == qr.FULL_PREFIX
    assert decode_module.is_credential_text(qr.FULL_PREFIX + "6BF")
    assert decode_module.is_credential_text("https://leadership.example.org/c/ab12")
    assert decode_module.is_credential_text("eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln")
    assert not decode_module.is_credential_text("credentials/initial.json")
    assert not decode_module.is_credential_text("LB2:6BF")
