"""Baking: OB 3.0 PNG iTXt and SVG <openbadges:credential>, re-baking, and hostile images."""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator
from typing import Any

import defusedxml.minidom
import PIL.Image
import pytest

from leadbadge.errors import CredentialDocumentError, InputError
from leadbadge.share import bake as bake_module
from leadbadge.share.bake import OB3_NAMESPACE, bake, image_kind, unbake
from leadbadge.verifier.decode import decode_credential
from tests.conftest import interop_path

CREDENTIAL = json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:x"})
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln"
SVG = (
    b'<?xml version="1.0"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect/></svg>'
)


def _chunk(kind: bytes, body: bytes, *, crc: int | None = None) -> bytes:
    value = zlib.crc32(kind + body) & 0xFFFFFFFF if crc is None else crc
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", value)


def _png(*extra: bytes) -> bytes:
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    idat = _chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"".join(extra) + idat + _chunk(b"IEND", b"")


def _itxt(text: str, *, keyword: bytes = b"openbadgecredential", flag: int = 0) -> bytes:
    return _chunk(b"iTXt", keyword + b"\0" + bytes([flag, 0]) + b"\0\0" + text.encode())


def _chunk_types(png: bytes) -> list[bytes]:
    offset, kinds = 8, []
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kinds.append(png[offset + 4 : offset + 8])
        offset += 12 + length
    return kinds


def _message(data: bytes) -> str:
    with pytest.raises(CredentialDocumentError) as info:
        unbake(data, label="badge")
    assert info.value.message.startswith("badge ")
    assert info.value.message.endswith(".")
    return info.value.message


# --- PNG ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [CREDENTIAL, JWT])
def test_png_round_trip_puts_one_uncompressed_itxt_after_ihdr(text: str) -> None:
    baked = bake(_png(), text)
    assert _chunk_types(baked) == [b"IHDR", b"iTXt", b"IDAT", b"IEND"]
    assert b"openbadgecredential\0\0\0\0\0" in baked
    result = unbake(baked)
    assert (result.text, result.image) == (text, "png")


def test_rebaking_a_png_replaces_the_credential() -> None:
    once = bake(_png(_chunk(b"tEXt", b"Comment\0kept")), CREDENTIAL)
    twice = bake(once, JWT)
    assert _chunk_types(twice).count(b"iTXt") == 1
    assert unbake(twice).text == JWT
    assert b"Comment\0kept" in twice


@pytest.mark.parametrize(
    ("png", "expected"),
    [
        (_png(), "is a PNG image that carries no credential."),
        (_png(_itxt(CREDENTIAL), _itxt(JWT)), "has 2 'openbadgecredential' chunks"),
        (_png(_itxt(CREDENTIAL, flag=1)), "compression MUST NOT be used"),
        (_png(_itxt("{}", keyword=b"openbadges")), "Open Badges 2.0"),
        (
            _png(_chunk(b"tEXt", b"openbadgecredential\0" + CREDENTIAL.encode())),
            "in a tEXt chunk",
        ),
        (_png(_chunk(b"iTXt", b"openbadgecredential\0\0")), "damaged credential chunk"),
        (_png(_chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0\xff\xfe")), "not UTF-8"),
    ],
    ids=["none", "two", "compressed", "ob2", "text-chunk", "short", "not-utf8"],
)
def test_png_credentials_that_cannot_be_read(png: bytes, expected: str) -> None:
    assert expected in _message(png)


def test_damaged_and_hostile_pngs_are_refused() -> None:
    good = _png(_itxt(CREDENTIAL))
    assert "CRC does not match" in _message(
        _png(_chunk(b"iTXt", b"openbadgecredential\0\0\0\0\0{}", crc=0))
    )
    # A chunk that claims to be longer than the file (a "huge chunk").
    huge = good[:8] + struct.pack(">I", 0x7FFFFFF0) + good[12:]
    assert "longer than the file" in _message(huge)
    assert "ends before its IEND" in _message(good[:-12])
    assert "invalid type" in _message(good[:12] + b"I\x00DR" + good[16:])
    no_ihdr = b"\x89PNG\r\n\x1a\n" + _chunk(b"tEXt", b"a\0b") + _chunk(b"IEND", b"")
    assert "does not start with IHDR" in _message(no_ihdr)
    with pytest.raises(CredentialDocumentError, match="larger than 8 MiB"):
        unbake(b"\x89PNG\r\n\x1a\n" + b"\0" * (8 * 1024 * 1024))


def test_reading_a_baked_png_never_decodes_its_pixels(monkeypatch: pytest.MonkeyPatch) -> None:
    # The header declares 60,000 by 60,000 pixels: decoding them would be a bomb.
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", 60_000, 60_000, 8, 0, 0, 0, 0))
    idat = _chunk(b"IDAT", zlib.compress(b"\0" * 4096))

    def huge(*extra: bytes) -> bytes:
        return b"\x89PNG\r\n\x1a\n" + ihdr + b"".join(extra) + idat + _chunk(b"IEND", b"")

    def never(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(PIL.Image, "open", never)
    assert unbake(huge(_itxt(CREDENTIAL))).text == CREDENTIAL
    assert decode_credential(huge(_itxt(CREDENTIAL))).document["id"] == "urn:x"
    with pytest.raises(CredentialDocumentError, match=r"Open Badges 2\.0"):
        decode_credential(huge(_itxt("{}", keyword=b"openbadges")))


# --- SVG ---------------------------------------------------------------------------------------


def test_svg_round_trip_json_in_cdata_and_jwt_in_verify() -> None:
    baked = bake(SVG, CREDENTIAL)
    text = baked.decode()
    assert f'xmlns:openbadges="{OB3_NAMESPACE}"' in text
    assert f"<openbadges:credential><![CDATA[{CREDENTIAL}]]></openbadges:credential>" in text
    assert text.index("<openbadges:credential>") < text.index("<rect")
    assert unbake(baked).text == CREDENTIAL
    jwt_baked = bake(baked, JWT)
    assert f'<openbadges:credential verify="{JWT}"/>' in jwt_baked.decode()
    assert jwt_baked.decode().count("openbadges:credential") == 1
    assert unbake(jwt_baked).text == JWT


def test_json_containing_the_cdata_terminator_survives() -> None:
    tricky = json.dumps({"narrative": "a ]]> b ]]>"})
    assert unbake(bake(SVG, tricky)).text == tricky


@pytest.mark.parametrize(
    ("svg", "expected"),
    [
        (SVG, "is an SVG image that carries no credential."),
        (
            b'<!DOCTYPE svg [<!ENTITY lol "lol">]><svg xmlns="http://www.w3.org/2000/svg">'
            b"&lol;</svg>",
            "declares entities",
        ),
        (
            b'<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "declares entities",
        ),
        (
            b'<!DOCTYPE svg [<!ATTLIST credential verify CDATA "a.b.c">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"/>',
            "internal DTD subset",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://example.org/ob">'
            b"<openbadges:credential>{}</openbadges:credential></svg>",
            "in the namespace 'http://example.org/ob'",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
            b'<openbadges:assertion verify="x"/></svg>',
            "Open Badges 2.0",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="' + OB3_NAMESPACE.encode() + b'">'
            b"<ob:credential>{}</ob:credential><ob:credential>{}</ob:credential></svg>",
            "has 2 <openbadges:credential> elements",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="' + OB3_NAMESPACE.encode() + b'">'
            b'<ob:credential verify="a.b.c">{}</ob:credential></svg>',
            "both a 'verify' attribute and content",
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", "not well-formed XML"),
        (b"<html><svg/></html>", "not an SVG image"),
    ],
    ids=[
        "none",
        "billion-laughs",
        "external-entity",
        "attlist",
        "wrong-namespace",
        "ob2",
        "two",
        "ambiguous",
        "broken",
        "html",
    ],
)
def test_svg_credentials_that_cannot_be_read(svg: bytes, expected: str) -> None:
    assert expected in _message(svg)


def test_deeply_nested_svg_is_refused_without_a_crash() -> None:
    deep = b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * 50_000 + b"</g>" * 50_000
    deep += b"</svg>"
    assert "nested too deeply" in _message(deep)
    with pytest.raises(CredentialDocumentError, match="nested too deeply"):
        bake(deep, CREDENTIAL)


def _count_starts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the elements the streaming parse reports; fail if the whole document is built."""
    starts = [0]
    original = bake_module._svg_events

    def counting(data: bytes) -> Iterator[tuple[str, Any]]:
        for event in original(data):
            starts[0] += event[0] == "start"
            yield event

    def never(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("the document was parsed whole")

    monkeypatch.setattr(bake_module, "_svg_events", counting)
    monkeypatch.setattr(defusedxml.minidom, "parseString", never)
    return starts


def test_nested_svg_elements_are_refused_while_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    # 100,000 nested <svg xmlns=...> elements (4.5 MB) once took minutes: refused at the bound.
    opening = b'<svg xmlns="http://www.w3.org/2000/svg">'
    deep = opening * 100_000 + b"</svg>" * 100_000
    assert len(deep) < bake_module.MAX_IMAGE_BYTES
    starts = _count_starts(monkeypatch)
    assert f"more than {bake_module.MAX_SVG_DEPTH} levels" in _message(deep)
    assert starts[0] == bake_module.MAX_SVG_DEPTH + 1
    with pytest.raises(CredentialDocumentError, match="nested too deeply"):
        bake(deep, CREDENTIAL)
    assert starts[0] == 2 * (bake_module.MAX_SVG_DEPTH + 1)


def test_an_svg_with_too_many_elements_is_refused_while_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wide = b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g/>" * 1_000_000 + b"</svg>"
    starts = _count_starts(monkeypatch)
    assert f"more than {bake_module.MAX_SVG_ELEMENTS:,} elements" in _message(wide)
    assert starts[0] == bake_module.MAX_SVG_ELEMENTS + 1


def test_the_svg_bounds_are_exact() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg">'
    deepest = (
        svg + b"<g>" * (bake_module.MAX_SVG_DEPTH - 1) + b"</g>" * (bake_module.MAX_SVG_DEPTH - 1)
    )
    assert "carries no credential" in _message(deepest + b"</svg>")
    widest = svg + b"<g/>" * (bake_module.MAX_SVG_ELEMENTS - 1) + b"</svg>"
    assert "carries no credential" in _message(widest)


def test_a_doctype_without_an_internal_subset_is_read() -> None:
    # The 1EdTech fixtures declare the SVG 1.1 DTD by public id; it is never fetched.
    result = unbake(interop_path("1edtech-validator", "ob30", "simple-json.svg").read_bytes())
    assert json.loads(result.text)["id"] == "http://example.com/credentials/3527"


def test_a_prefix_bound_elsewhere_cannot_be_baked() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://example.org/x"/>'
    with pytest.raises(CredentialDocumentError, match="binds the prefix"):
        bake(svg, CREDENTIAL)


# --- both ------------------------------------------------------------------------------------


def test_what_cannot_be_baked() -> None:
    with pytest.raises(InputError, match="neither JSON nor a compact JWS"):
        bake(SVG, "hello world")
    with pytest.raises(InputError, match="no credential"):
        bake(SVG, "  ")
    with pytest.raises(CredentialDocumentError, match="neither a PNG nor an SVG"):
        bake(b"\xff\xd8\xff\xe0 jpeg", CREDENTIAL)


def test_image_kind() -> None:
    assert image_kind(_png()) == "png"
    assert image_kind(SVG) == "svg"
    assert image_kind(b'{"a": 1}') is None


@pytest.mark.parametrize(
    "name",
    ["simple-json.png", "simple-jwt.png", "simple-jwt_v1.png", "simple-json.svg", "simple-jwt.svg"],
)
def test_the_1edtech_baked_fixtures_unbake_and_rebake_identically(name: str) -> None:
    raw = interop_path("1edtech-validator", "ob30", name).read_bytes()
    text = unbake(raw).text
    assert text.startswith(("{", "eyJ"))
    again = bake(raw, text)
    assert unbake(again).text == text.strip()
    assert image_kind(again) == image_kind(raw)
