"""QR codes: the full payload format, the left-out Achievement, rendering and reading photos."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import random
import struct
import zlib
from typing import Any

import pytest
import zxingcpp
from PIL import Image, ImageFilter

from leadbadge.errors import CredentialDocumentError, InputError
from leadbadge.share import qr
from leadbadge.share.qr import (
    FULL_PREFIX,
    _b45decode,
    _b45encode,
    make_qr,
    pack_full,
    read_qr,
    unpack_full,
)

ACHIEVEMENT: dict[str, Any] = {
    "id": "https://rcoe.example.org/leadership/achievements/initial.json",
    "type": ["Achievement"],
    "name": "Initial Leadership Certification",
    "description": "A long rubric. " * 400,
    "criteria": {"narrative": "Complete the internship."},
}
CREDENTIAL: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:6a9c92a9-2530-4e2b-9776-530467e9bbe0",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {"id": "did:web:rcoe.example.org:leadership", "name": "RCOE"},
    "credentialSubject": {"type": ["AchievementSubject"], "achievement": ACHIEVEMENT},
    "proof": [{"type": "DataIntegrityProof", "proofValue": "z" + "5" * 86}],
}


def _published(achievement: dict[str, Any]) -> dict[str, Any]:
    return {"@context": ["https://www.w3.org/ns/credentials/v2"], **copy.deepcopy(achievement)}


# --- base45 (RFC 9285) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"AB", "BB8"),
        (b"Hello!!", "%69 VD92EX0"),
        (b"base-45", "UJCLQE7W581"),
        (b"ietf!", "QED8WEX0"),
    ],
)
def test_base45_matches_rfc_9285_examples(raw: bytes, text: str) -> None:
    assert _b45encode(raw) == text
    assert _b45decode(text) == raw


@pytest.mark.parametrize("text", ["GGW", "a", "AB", "::::"])
def test_invalid_base45_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="base45"):
        _b45decode(text)


# --- packing -----------------------------------------------------------------------------------


def test_a_small_credential_round_trips_whole() -> None:
    small = copy.deepcopy(CREDENTIAL)
    small["credentialSubject"]["achievement"] = {"id": ACHIEVEMENT["id"], "name": "x"}
    text = pack_full(small, elide_achievement=False)
    assert text.startswith(FULL_PREFIX)
    assert set(text) <= set(qr._BASE45 + "LB1:")
    assert json.loads(unpack_full(text)) == small


def test_a_left_out_achievement_is_put_back_and_checked() -> None:
    text = pack_full(CREDENTIAL, elide_achievement=True)
    whole = pack_full(CREDENTIAL, elide_achievement=False)
    assert len(text) < len(whole)
    with pytest.raises(CredentialDocumentError, match="was left out to fit"):
        unpack_full(text)
    with pytest.raises(CredentialDocumentError, match="was left out to fit"):
        unpack_full(text, achievements=lambda _id: None)
    restored = unpack_full(text, achievements=lambda _id: _published(ACHIEVEMENT))
    assert json.loads(restored) == CREDENTIAL
    changed = {**ACHIEVEMENT, "name": "Another name"}
    with pytest.raises(CredentialDocumentError, match="another version of the Achievement"):
        unpack_full(text, achievements=lambda _id: changed)


def test_a_vc_jwt_is_kept_byte_for_byte() -> None:
    token = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl"
    assert unpack_full(pack_full(token, elide_achievement=False)) == token
    with pytest.raises(InputError, match="byte for byte"):
        pack_full(token, elide_achievement=True)


def test_an_achievement_without_an_https_id_is_not_left_out() -> None:
    doc = copy.deepcopy(CREDENTIAL)
    doc["credentialSubject"]["achievement"]["id"] = "urn:uuid:1"
    with pytest.raises(InputError, match="no https id"):
        pack_full(doc, elide_achievement=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LB1:", "empty"),
        ("LB1:abc", "not base45"),
        ("LB1:" + _b45encode(b"\x00" + b"not deflate"), "does not decompress"),
        ("LB1:" + _b45encode(b"\x80"), "newer format"),
        ("LB1:" + _b45encode(b"\x03"), "newer format"),
        ("XX1:ABC", "not a leadbadge full QR payload"),
    ],
)
def test_damaged_payloads_are_refused(text: str, expected: str) -> None:
    with pytest.raises(CredentialDocumentError, match=expected):
        unpack_full(text)


def test_a_decompression_bomb_is_refused() -> None:
    bomb = b"{" + b" " * (5 * 1024 * 1024) + b"}"
    text = FULL_PREFIX + _b45encode(b"\x00" + qr._deflate(bomb))
    assert len(text) < 20_000
    with pytest.raises(CredentialDocumentError, match="more than 4 MiB"):
        unpack_full(text)


def _elided(body: str) -> str:
    """A ``full`` payload whose Achievement was left out, carrying ``body`` as its JSON."""
    raw = bytes([qr._FLAG_ACHIEVEMENT]) + b"\0" * qr._DIGEST_BYTES + qr._deflate(body.encode())
    return FULL_PREFIX + _b45encode(raw)


def test_a_deeply_nested_elided_payload_is_refused_without_a_crash() -> None:
    deep = "[" * 200_000 + "]" * 200_000
    text = _elided('{"credentialSubject":{"achievement":{"id":"https://a.example/a"}},"x":' + deep)
    assert len(text) < qr.capacity("M")
    with pytest.raises(CredentialDocumentError, match="nested too deeply"):
        unpack_full(text, achievements=lambda _id: _published(ACHIEVEMENT))


def test_an_elided_payload_with_a_duplicate_key_is_refused() -> None:
    body = json.dumps(copy.deepcopy(CREDENTIAL)["credentialSubject"])
    text = _elided(f'{{"name":"a","credentialSubject":{body},"name":"b"}}')
    with pytest.raises(CredentialDocumentError, match="'name' twice"):
        unpack_full(text, achievements=lambda _id: _published(ACHIEVEMENT))


def test_the_dictionary_never_changes() -> None:
    # Format LB1 is defined by this dictionary: changing it would break every printed code.
    assert hashlib.sha256(qr._DICTIONARY).hexdigest()[:16] == "1572f65aab01734c"


# --- rendering and sizes -----------------------------------------------------------------------


def test_make_qr_picks_the_smallest_version_and_refuses_what_cannot_fit() -> None:
    link = "https://rcoe.example.org/leadership/c/" + "a" * 26
    code = make_qr(link)
    assert (code.version, code.level, code.size) == (5, "M", 37)
    assert code.printed_mm(0.4) == pytest.approx(18.0)
    with pytest.raises(InputError, match=r"version 40 at error correction M"):
        make_qr("A" * (qr.capacity("M") + 1))
    assert make_qr("A" * qr.capacity("M")).version == 40
    with pytest.raises(InputError, match="error correction level"):
        make_qr("x", level="X")


def test_svg_and_png_renderings() -> None:
    code = make_qr("https://example.org/c/abc")
    svg = code.svg(module_mm=0.5).decode()
    assert svg.startswith("<?xml")
    assert f'width="{(code.size + 8) * 0.5:.2f}mm"' in svg
    assert "<script" not in svg
    png = code.png(pixels_per_module=4, module_mm=0.5)
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == ((code.size + 8) * 4,) * 2
        assert round(image.info["dpi"][0]) == round(25.4 * 4 / 0.5)
    assert read_qr(png) == code.text


# --- reading photos ----------------------------------------------------------------------------


def _photo(png: bytes, *, scale: float, angle: float, noise: float, seed: int = 7) -> bytes:
    """The code printed and photographed: scaled, rotated, blurred, noisy, saved as JPEG."""
    image = Image.open(io.BytesIO(png)).convert("L")
    size = (int(image.width * scale), int(image.height * scale))
    image = image.resize(size, Image.Resampling.BILINEAR)
    image = image.rotate(angle, expand=True, fillcolor=230)
    pixels = image.load()
    assert pixels is not None
    rng = random.Random(seed)  # noqa: S311 - reproducible noise, not a secret
    for _ in range(int(image.width * image.height * noise)):
        x, y = rng.randrange(image.width), rng.randrange(image.height)
        pixels[x, y] = rng.randrange(256)
    image = image.filter(ImageFilter.GaussianBlur(0.5))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=70)
    return buffer.getvalue()


@pytest.mark.parametrize("angle", [0, 13, 90, 180, 247])
def test_a_scaled_rotated_noisy_photo_is_read(angle: float) -> None:
    text = pack_full(CREDENTIAL, elide_achievement=True)
    code = make_qr(text)
    photo = _photo(code.png(pixels_per_module=6), scale=0.5, angle=angle, noise=0.02)
    assert photo.startswith(b"\xff\xd8\xff")
    assert read_qr(photo) == text


def test_images_without_one_readable_code() -> None:
    blank = io.BytesIO()
    Image.new("L", (200, 200), 255).save(blank, format="PNG")
    with pytest.raises(CredentialDocumentError, match="holds no QR code"):
        read_qr(blank.getvalue(), label="photo.png")
    with pytest.raises(CredentialDocumentError, match="not an image"):
        read_qr(b"\xff\xd8\xff\xe0 not really a jpeg")
    first = Image.open(io.BytesIO(make_qr("https://a.example/c/1").png(pixels_per_module=4)))
    second = Image.open(io.BytesIO(make_qr("https://b.example/c/2").png(pixels_per_module=4)))
    both = Image.new("L", (first.width + second.width + 40, max(first.height, second.height)), 255)
    both.paste(first, (0, 0))
    both.paste(second, (first.width + 40, 0))
    buffer = io.BytesIO()
    both.save(buffer, format="PNG")
    with pytest.raises(CredentialDocumentError, match="2 different QR codes"):
        read_qr(buffer.getvalue())


def test_an_enormous_image_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    # A PNG header claiming 12,000 by 12,000 pixels (a "decompression bomb"): refused unread.
    ihdr = struct.pack(">IIBBBBB", 12_000, 12_000, 8, 0, 0, 0, 0)
    header = b"IHDR" + ihdr
    idat = b"IDAT" + zlib.compress(b"\0" * 1024)
    bomb = b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(chunk) - 4) + chunk + struct.pack(">I", zlib.crc32(chunk))
        for chunk in (header, idat, b"IEND")
    )
    with pytest.raises(CredentialDocumentError, match="more than 40 million pixels"):
        read_qr(bomb)
    monkeypatch.setattr(qr, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(CredentialDocumentError, match="million pixels"):
        read_qr(make_qr("x").png(pixels_per_module=4))


def _blank_png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (width, height), 1).save(buffer, format="PNG")
    return buffer.getvalue()


def _declared_png(width: int, height: int) -> bytes:
    """A PNG header declaring ``width`` by ``height`` pixels, with almost no pixel data."""
    chunks = (
        b"IHDR" + struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0),
        b"IDAT" + zlib.compress(b"\0" * 1024),
        b"IEND",
    )
    return b"\x89PNG\r\n\x1a\n" + b"".join(
        struct.pack(">I", len(chunk) - 4) + chunk + struct.pack(">I", zlib.crc32(chunk))
        for chunk in chunks
    )


def _count_scans(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    scanned: list[tuple[int, int]] = []

    def scan(picture: Image.Image, subject: str) -> set[str]:
        scanned.append(picture.size)
        return set()

    monkeypatch.setattr(qr, "_scan", scan)
    return scanned


def test_a_large_image_is_scaled_down_once_and_scanned_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scanned = _count_scans(monkeypatch)
    with pytest.raises(CredentialDocumentError, match="holds no QR code"):
        read_qr(_blank_png(6000, 6000))
    assert 1 <= len(scanned) <= qr.MAX_SCANS
    assert all(w * h <= qr.SCAN_PIXELS for w, h in scanned)
    scanned.clear()
    with pytest.raises(CredentialDocumentError, match="holds no QR code"):
        read_qr(_blank_png(1000, 1000))
    # A small image is also tried enlarged, within the same budget.
    assert scanned == [(1000, 1000), (1000, 1000), (2000, 2000)]


@pytest.mark.parametrize(
    ("png", "expected"),
    [
        (_blank_png(70_000, 2), "70000 by 2 pixels"),
        (_declared_png(40_000, 1000), "40000 by 1000 pixels"),
        (_declared_png(100, 40_000), "100 by 40000 pixels"),
        (_blank_png(100, 4000), "100 by 4000 pixels"),
        (_blank_png(10, 10), "10 by 10 pixels"),
    ],
    ids=["zxing-width", "too-wide", "too-tall", "elongated", "tiny"],
)
def test_images_of_shapes_no_scan_reads_are_refused_before_decoding(
    png: bytes, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scanned = _count_scans(monkeypatch)
    with pytest.raises(CredentialDocumentError, match=expected):
        read_qr(png)
    assert scanned == []


def test_a_scanner_failure_is_a_typed_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: Any, **_kwargs: Any) -> list[Any]:
        raise ValueError("Maximum image width/height is 65535")

    monkeypatch.setattr(zxingcpp, "read_barcodes", fail)
    with pytest.raises(CredentialDocumentError, match="could not be scanned"):
        read_qr(make_qr("x").png(pixels_per_module=4))
