"""QR codes for résumés: a credential link (``url`` mode) or the whole credential (``full`` mode).

- ``url``: the QR holds a credential link (:mod:`leadbadge.share.links`), an HTTPS URL that
  names the credential and commits to its content: about 64 characters, QR version 5 at error
  correction M for a typical issuer address.
- ``full``: the QR holds the signed credential itself, so it verifies with no network:
  ``LB1:`` followed by base45 (RFC 9285, which QR's alphanumeric mode stores at 5.5 bits a
  character) of a one-byte header and the credential's compact JSON (or its VC-JWT) compressed
  with raw DEFLATE at level 9 and a preset dictionary of Open Badges vocabulary. A credential
  whose compressed form would not fit may leave out its Achievement, which is the issuer's
  published Achievement word for word: the header then carries the Achievement's id (kept in the
  credential) and the first 16 bytes of the SHA-256 of its RFC 8785 canonical JSON, and whoever
  reads the QR puts the Achievement back from a pinned or local copy and checks it against that
  digest. The signature is then verified over exactly the document the issuer signed. An
  Achievement's endorsements are part of it: when the copy at hand carries endorsements the
  issuer added after the credential was signed, the copy without some of them is tried too,
  and only the one matching the digest is used.

Reading QR codes from photos and scans uses ``zxing-cpp``; rendering uses ``qrcode`` (and
Pillow for PNG). Nothing here decides whether a credential is any good.
"""

from __future__ import annotations

import copy
import hashlib
import io
import itertools
import json
import warnings
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

from leadbadge.errors import CredentialDocumentError, InputError
from leadbadge.ld.jcs import canonical_json
from leadbadge.share.strict_json import has_lone_surrogate, parse_credential

if TYPE_CHECKING:
    from PIL import Image

# Pillow, qrcode and zxing-cpp are imported by the functions that draw or scan a QR code, not
# with this module: packing and unpacking (which ``leadbadge verify`` of a JSON file reaches)
# need none of them, and they take a large part of a cold start.

__all__ = [
    "FULL_PREFIX",
    "MAX_ASPECT_RATIO",
    "MAX_IMAGE_PIXELS",
    "MAX_IMAGE_SIDE",
    "MAX_SCANS",
    "SCAN_PIXELS",
    "AchievementLookup",
    "QrCode",
    "QrMode",
    "capacity",
    "make_qr",
    "pack_full",
    "read_qr",
    "unpack_full",
]

QrMode = Literal["url", "full"]
#: What a ``full`` QR code's text starts with (version 1 of the format, and its dictionary).
FULL_PREFIX: Final = "LB1:"
#: Largest photo or scan read (pixels); a phone photo is about 12 million. Larger images are
#: refused from the size their header declares, before any pixel is decoded.
MAX_IMAGE_PIXELS: Final = 40_000_000
#: Longest side read, in pixels (zxing-cpp reads at most 65,535; scanning may double a side).
MAX_IMAGE_SIDE: Final = 30_000
#: Most elongated image read: its longer side over its shorter side.
MAX_ASPECT_RATIO: Final = 32
#: Largest image scanned (pixels): a larger one is scaled down once, before the first scan.
SCAN_PIXELS: Final = 16_000_000
#: Scans of one image at most: as taken, despeckled, enlarged (each within ``SCAN_PIXELS``).
MAX_SCANS: Final = 3
#: ``(achievement id) -> the published Achievement, or None`` for putting an elided one back.
AchievementLookup = Callable[[str], Mapping[str, Any] | None]

_FLAG_JWT: Final = 0x01
_FLAG_ACHIEVEMENT: Final = 0x02
_KNOWN_FLAGS: Final = _FLAG_JWT | _FLAG_ACHIEVEMENT
_DIGEST_BYTES: Final = 16
#: Endorsements of an Achievement copy whose subsets are tried against the digest (2^n - 1).
_MAX_ENDORSEMENT_SUBSETS_OF: Final = 8
_MAX_INFLATED: Final = 4 * 1024 * 1024
_MAX_QR_VERSION: Final = 40
#: A version 1 QR code is 21 modules wide: a narrower image cannot show one.
_MIN_IMAGE_SIDE: Final = 21
_BASE45: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_BASE45_INDEX: Final = {c: i for i, c in enumerate(_BASE45)}
_LEVELS: Final = ("L", "M", "Q", "H")

# The preset dictionary of format LB1 (never change it: old QR codes would not inflate; a new
# dictionary is a new prefix). Strings a credential repeats, least frequent first, because
# DEFLATE reaches nearer bytes with shorter codes.
_DICTIONARY: Final = "".join(
    (
        '"https://w3id.org/security/data-integrity/v2","https://w3id.org/security/suites/',
        'ed25519-2020/v1","https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",',
        '"credentialSchema":[{"id":"https://purl.imsglobal.org/spec/ob/v3p0/schema/json/',
        'ob_v3p0_achievementcredential_schema.json","type":"1EdTechJsonSchemaValidator2019"}],',
        '"endorsement","image":{"id":"data:image/png;base64,","type":"Image"},"description":"',
        '"achievementType":"Certification","humanCode":"","creditsAvailable":',
        '"fieldOfStudy":"Educational Leadership","tag":["school leadership"],',
        '"alignment":[{"type":["Alignment"],"targetName":"","targetUrl":"https://",',
        '"targetFramework":"Professional Standards for Educational Leaders 2015",',
        '"targetCode":"PSEL "}],"resultDescription":[{"id":"","type":["ResultDescription"],',
        '"resultType":"RubricCriterionLevel","rubricCriterionLevel":[{"type":',
        '["RubricCriterionLevel"],"name":"Proficient","description":"","points":"2"}]}],',
        '"result":[{"type":["Result"],"resultDescription":"","achievedLevel":"#',
        '/proficient"}],"credentialStatus":{"id":"","type":"BitstringStatusListEntry",',
        '"statusPurpose":"revocation","statusListIndex":"","statusListCredential":"https://',
        '/status/","evidence":[{"type":["Evidence"],"name":"","narrative":"- **Hours:** ',
        "\\n- **Supervisor name:** \\n- **Start date:** \\n- **End date:** \\n- **",
        '","genre":"internship"},{"type":["Evidence"],"name":"","narrative":"- **',
        ':** ","genre":"coursework"}],"awardedDate":"","creditsEarned":',
        '{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/',
        'ob/v3p0/context-3.0.3.json"],"id":"urn:uuid:","type":["VerifiableCredential",',
        '"OpenBadgeCredential"],"name":"","issuer":{"id":"did:web:","type":["Profile"],',
        '"name":"","url":"https://","email":""},"validFrom":"T00:00:00Z","validUntil":"',
        'T00:00:00Z","credentialSubject":{"type":["AchievementSubject"],"identifier":[{"type":',
        '"IdentityObject","identityHash":"sha256$","identityType":"emailAddress","hashed":',
        'true,"salt":""},{"type":"IdentityObject","identityHash":"","identityType":"name",',
        '"hashed":false}],"achievement":{"id":"https://","type":["Achievement"],"name":"',
        '"criteria":{"narrative":""}},"proof":[{"type":"DataIntegrityProof","cryptosuite":',
        '"eddsa-rdfc-2022","created":"T00:00:00Z","verificationMethod":"did:web:#key-1",',
        '"proofPurpose":"assertionMethod","proofValue":"z"}]}',
    )
).encode()


# --- base45 (RFC 9285) -------------------------------------------------------------------------


def _b45encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        e, n = divmod(n, 45 * 45)
        d, c = divmod(n, 45)
        out.append(_BASE45[c] + _BASE45[d] + _BASE45[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out.append(_BASE45[c] + _BASE45[d])
    return "".join(out)


def _b45decode(text: str) -> bytes:
    try:
        values = [_BASE45_INDEX[c] for c in text]
    except KeyError:
        raise ValueError("not base45") from None
    if len(values) % 3 == 1:
        raise ValueError("not base45")
    out = bytearray()
    for i in range(0, len(values), 3):
        group = values[i : i + 3]
        if len(group) == 3:
            n = group[0] + group[1] * 45 + group[2] * 45 * 45
            if n > 0xFFFF:
                raise ValueError("not base45")
            out += n.to_bytes(2, "big")
        else:
            n = group[0] + group[1] * 45
            if n > 0xFF:
                raise ValueError("not base45")
            out.append(n)
    return bytes(out)


# --- full mode: packing and unpacking ----------------------------------------------------------


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, _DICTIONARY)
    return compressor.compress(data) + compressor.flush()


def _inflate(data: bytes, label: str) -> bytes:
    inflater = zlib.decompressobj(-15, zdict=_DICTIONARY)
    try:
        out = inflater.decompress(data, _MAX_INFLATED + 1)
    except zlib.error:
        raise _error(label, "holds a leadbadge QR payload that does not decompress") from None
    if len(out) > _MAX_INFLATED or inflater.unconsumed_tail:
        raise _error(label, "holds a QR payload that decompresses to more than 4 MiB")
    if not inflater.eof or inflater.unused_data:
        raise _error(label, "holds a truncated or padded leadbadge QR payload")
    return out


def _achievement_digest(achievement: Mapping[str, Any]) -> bytes:
    return hashlib.sha256(canonical_json(achievement)).digest()[:_DIGEST_BYTES]


def _elidable(document: Mapping[str, Any]) -> Mapping[str, Any] | None:
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, Mapping) else None
    if isinstance(achievement, Mapping) and str(achievement.get("id", "")).startswith("https://"):
        return achievement
    return None


def pack_full(credential: Mapping[str, Any] | str, *, elide_achievement: bool) -> str:
    """The ``full`` QR text of a credential (a JSON document, or a VC-JWT string).

    With ``elide_achievement`` the Achievement (which must have an https id) is left out and
    only its digest kept: the reader needs the issuer's published Achievement to put it back.
    A VC-JWT is kept byte for byte, so nothing can be left out of it.
    """
    flags = 0
    header = b""
    if isinstance(credential, str):
        if elide_achievement:
            raise InputError(
                "A VC-JWT is signed byte for byte, so its Achievement cannot be left out.",
                field="credential",
            )
        try:
            body = credential.strip().encode("ascii")
        except UnicodeEncodeError:
            raise InputError(
                "A VC-JWT is ASCII text; this one is not.", field="credential"
            ) from None
        flags |= _FLAG_JWT
    else:
        document = copy.deepcopy(dict(credential))
        if elide_achievement:
            achievement = _elidable(document)
            if achievement is None:
                raise InputError(
                    "The credential's Achievement has no https id, so it cannot be left out.",
                    field="credential",
                )
            header = _achievement_digest(achievement)
            document["credentialSubject"]["achievement"] = {"id": achievement["id"]}
            flags |= _FLAG_ACHIEVEMENT
        compact = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
        if has_lone_surrogate(compact):
            raise InputError(
                "The credential holds a lone surrogate, which is not text.", field="credential"
            )
        body = compact.encode()
    return FULL_PREFIX + _b45encode(bytes([flags]) + header + _deflate(body))


def unpack_full(
    text: str, *, achievements: AchievementLookup | None = None, label: str = "<QR code>"
) -> str:
    """The credential text (JSON or a compact JWS) of a ``full`` QR code.

    An elided Achievement is put back from ``achievements`` and must match the digest in the
    code. Raises :class:`CredentialDocumentError` with what is missing or wrong.
    """
    payload = text.strip()
    if not payload.startswith(FULL_PREFIX):
        raise _error(label, "is not a leadbadge full QR payload")
    try:
        raw = _b45decode(payload[len(FULL_PREFIX) :])
    except ValueError:
        raise _error(label, "holds a damaged leadbadge QR payload (not base45)") from None
    if not raw:
        raise _error(label, "holds an empty leadbadge QR payload")
    flags = raw[0]
    if flags & ~_KNOWN_FLAGS or flags == _FLAG_JWT | _FLAG_ACHIEVEMENT:
        raise _error(label, "holds a leadbadge QR payload of a newer format; upgrade leadbadge")
    digest = b""
    rest = raw[1:]
    if flags & _FLAG_ACHIEVEMENT:
        digest, rest = rest[:_DIGEST_BYTES], rest[_DIGEST_BYTES:]
    body = _inflate(rest, label)
    if flags & _FLAG_JWT:
        try:
            return body.decode("ascii")
        except UnicodeDecodeError:
            raise _error(label, "holds a damaged VC-JWT") from None
    if not flags & _FLAG_ACHIEVEMENT:
        return _utf8(body, label)
    return _restore_achievement(_utf8(body, label), digest, achievements, label)


def _utf8(body: bytes, label: str) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise _error(label, "holds a credential that is not UTF-8") from None


def _restore_achievement(
    text: str, digest: bytes, achievements: AchievementLookup | None, label: str
) -> str:
    document = parse_credential(text, label)
    try:
        subject = document["credentialSubject"]
        achievement_id = subject["achievement"]["id"]
    except (KeyError, TypeError):
        raise _error(label, "holds a damaged credential") from None
    if not isinstance(achievement_id, str):
        raise _error(label, "holds a damaged credential")
    found = achievements(achievement_id) if achievements is not None else None
    if found is None:
        raise _error(
            label,
            f"holds a credential whose Achievement ({achievement_id}) was left out to fit; "
            "pin the issuer's published folder (leadbadge trust add) or verify with --online "
            "to put it back",
        )
    achievement = {k: copy.deepcopy(v) for k, v in found.items() if k != "@context"}
    match = next((a for a in _versions(achievement) if _achievement_digest(a) == digest), None)
    if match is None:
        raise _error(
            label,
            f"holds a credential signed with another version of the Achievement "
            f"{achievement_id} than the copy at hand; the issuer may have changed it since "
            "(its endorsements, for example): pin the issuer's current published folder "
            "(leadbadge trust add) or verify with --online, else verify the credential file",
        )
    subject["achievement"] = match
    return json.dumps(document, ensure_ascii=False)


def _versions(achievement: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The Achievement copy, then the copy with fewer of its endorsements (order kept).

    An issuer that adds an endorsement changes its published Achievement, but not what earlier
    credentials carry: they were signed with the Achievement as it was, without it. The
    digest, and then the signature, decide which version, if any, the credential holds.
    """
    yield achievement
    endorsements = achievement.get("endorsement")
    if not isinstance(endorsements, list) or not 0 < len(endorsements) <= (
        _MAX_ENDORSEMENT_SUBSETS_OF
    ):
        return
    for size in range(len(endorsements) - 1, -1, -1):
        for kept in itertools.combinations(endorsements, size):
            version = {k: v for k, v in achievement.items() if k != "endorsement"}
            if kept:
                version["endorsement"] = list(kept)
            yield version


# --- rendering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QrCode:
    """A QR code ready to render: its text, version and error correction level."""

    text: str
    version: int
    level: str
    #: The dark modules, row by row (without the quiet zone).
    modules: tuple[tuple[bool, ...], ...]

    @property
    def size(self) -> int:
        """Modules per side, without the 4-module quiet zone."""
        return len(self.modules)

    def printed_mm(self, module_mm: float) -> float:
        """Printed width with the quiet zone, at ``module_mm`` millimetres a module."""
        return (self.size + 8) * module_mm

    def png(self, *, pixels_per_module: int = 8, module_mm: float = 0.4) -> bytes:
        """A black-on-white PNG with a 4-module quiet zone; its resolution makes a module
        ``module_mm`` wide when printed at 100 %."""
        from PIL import Image  # noqa: PLC0415 - see the module's imports

        side = (self.size + 8) * pixels_per_module
        image = Image.new("1", (self.size + 8, self.size + 8), 1)
        pixels = image.load()
        assert pixels is not None  # noqa: S101 - Pillow returns an accessor for a new image
        for y, row in enumerate(self.modules):
            for x, dark in enumerate(row):
                if dark:
                    pixels[x + 4, y + 4] = 0
        scaled = image.resize((side, side), Image.Resampling.NEAREST)
        buffer = io.BytesIO()
        dpi = round(25.4 * pixels_per_module / module_mm)
        scaled.save(buffer, format="PNG", dpi=(dpi, dpi), optimize=True)
        return buffer.getvalue()

    def svg(self, *, module_mm: float = 0.4) -> bytes:
        """An SVG, sized in millimetres, one path of unit squares on a white background."""
        total = self.size + 8
        path = "".join(
            f"M{x + 4} {y + 4}h1v1h-1z"
            for y, row in enumerate(self.modules)
            for x, dark in enumerate(row)
            if dark
        )
        width = f"{total * module_mm:.2f}mm"
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{width}" '
            f'viewBox="0 0 {total} {total}" shape-rendering="crispEdges">'
            f'<rect width="{total}" height="{total}" fill="#fff"/>'
            f'<path fill="#000" d="{path}"/></svg>\n'
        ).encode()


#: Characters a version-40 QR code holds in alphanumeric mode (ISO/IEC 18004 Table 7), which is
#: how a ``full`` payload is stored.
_V40_ALPHANUMERIC: Final = {"L": 4296, "M": 3391, "Q": 2420, "H": 1852}


def capacity(level: str) -> int:
    """How many ``full``-payload characters the largest QR code holds at ``level``."""
    return _V40_ALPHANUMERIC[level]


def make_qr(text: str, *, level: str = "M") -> QrCode:
    """The smallest QR code holding ``text`` at error correction ``level`` (L, M, Q, H).

    Raises :class:`InputError` naming the size when no QR code (version 40 at most) can hold it.
    """
    if level not in _LEVELS:
        raise InputError(f"Unknown QR error correction level {level!r}.", field="level")
    if has_lone_surrogate(text):
        raise InputError(
            "The QR code text holds a lone surrogate, which is not text.", field="text"
        )
    import qrcode.constants  # noqa: PLC0415 - see the module's imports
    import qrcode.exceptions  # noqa: PLC0415

    correction = getattr(qrcode.constants, f"ERROR_CORRECT_{level}")
    code = qrcode.QRCode(version=None, error_correction=correction, border=0)
    code.add_data(text, optimize=0)
    try:
        code.make(fit=True)
    except (qrcode.exceptions.DataOverflowError, ValueError):
        raise InputError(
            f"{len(text)} characters do not fit in a QR code (version 40 at error correction "
            f"{level} is the largest).",
            field="text",
        ) from None
    version = int(code.version)
    if version > _MAX_QR_VERSION:
        raise InputError(f"{len(text)} characters do not fit in a QR code.", field="text")
    modules = tuple(tuple(bool(m) for m in row) for row in code.modules)
    return QrCode(text=text, version=version, level=level, modules=modules)


# --- reading -----------------------------------------------------------------------------------


def _error(label: str, what: str) -> CredentialDocumentError:
    return CredentialDocumentError.about(label, what, unnamed="The QR code")


def read_qr(image: bytes, *, label: str = "<image>") -> str:
    """The text of the one QR code in a photo or scan (PNG, JPEG…), rotated or not.

    Raises :class:`CredentialDocumentError` when the image cannot be read, holds no QR code,
    or holds several that differ.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError  # noqa: PLC0415 - see the imports

    subject = "The image" if label.startswith("<") else label
    too_large = CredentialDocumentError(
        f"{subject} has more than {max(1, MAX_IMAGE_PIXELS // 1_000_000)} million pixels; crop "
        "or scale it down.",
        field="input",
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns (rather than refuses) below twice its own bound: refuse here too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(image)) as opened:
                if opened.width * opened.height > MAX_IMAGE_PIXELS:
                    raise too_large
                _check_shape(opened.width, opened.height, subject)
                _draft(opened)
                picture = _within_scan_budget(ImageOps.exif_transpose(opened).convert("L"))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise too_large from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise CredentialDocumentError(
            f"{subject} is not an image leadbadge can read.", field="input"
        ) from None
    texts: set[str] = set()
    # As taken first; then with speckle (sensor noise, dust, paper texture) filtered out; then
    # enlarged, for a code photographed from afar. One scan each, at most SCAN_PIXELS each.
    for attempt in (_as_is, _despeckled, _enlarged):
        candidate = attempt(picture)
        if candidate is None:
            continue
        texts = _scan(candidate, subject)
        if texts:
            break
    if not texts:
        raise CredentialDocumentError(
            f"{subject} holds no QR code that could be read; take a sharper, straighter photo "
            "that shows the whole code.",
            field="input",
        )
    if len(texts) > 1:
        raise CredentialDocumentError(
            f"{subject} holds {len(texts)} different QR codes; crop it to the one to verify.",
            field="input",
        )
    return texts.pop()


def _check_shape(width: int, height: int, subject: str) -> None:
    """Refuse, from the declared size, an image no scan could read a QR code in."""
    longer, shorter = max(width, height), min(width, height)
    if shorter < _MIN_IMAGE_SIDE:
        reason = f"too small to show a QR code (one is at least {_MIN_IMAGE_SIDE} pixels wide)"
    elif longer > MAX_IMAGE_SIDE:
        reason = f"longer than {MAX_IMAGE_SIDE:,} pixels on a side; crop or scale it down"
    elif longer > shorter * MAX_ASPECT_RATIO:
        reason = (
            f"more than {MAX_ASPECT_RATIO} times longer than it is wide; crop it to the QR code"
        )
    else:
        return
    raise CredentialDocumentError(
        f"{subject} is {width} by {height} pixels, {reason}.", field="input"
    )


def _reduction(width: int, height: int) -> int:
    """The smallest whole factor that brings an image within ``SCAN_PIXELS``."""
    factor = 1
    while -(-width // factor) * -(-height // factor) > SCAN_PIXELS:
        factor += 1
    return factor


def _draft(opened: Image.Image) -> None:
    # A JPEG can be decoded at 1/2, 1/4 or 1/8 scale for little more than the cost of the
    # smaller image; other formats ignore this and are scaled down after decoding.
    factor = _reduction(opened.width, opened.height)
    if factor > 1:
        opened.draft("L", (-(-opened.width // factor), -(-opened.height // factor)))


def _within_scan_budget(picture: Image.Image) -> Image.Image:
    factor = _reduction(picture.width, picture.height)
    return picture.reduce(factor) if factor > 1 else picture


def _scan(picture: Image.Image, subject: str) -> set[str]:
    """The texts of the valid QR codes zxing-cpp finds in ``picture`` (one scan)."""
    import zxingcpp  # noqa: PLC0415 - see the module's imports

    try:
        found = zxingcpp.read_barcodes(
            picture, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        )
    except (ValueError, RuntimeError) as error:
        raise CredentialDocumentError(
            f"{subject} could not be scanned for a QR code ({error}).", field="input"
        ) from None
    return {_result_text(r) for r in found if r.valid}


def _as_is(picture: Image.Image) -> Image.Image | None:
    return picture


def _despeckled(picture: Image.Image) -> Image.Image | None:
    from PIL import ImageFilter  # noqa: PLC0415 - see the module's imports

    return picture.filter(ImageFilter.MedianFilter(3))


def _enlarged(picture: Image.Image) -> Image.Image | None:
    if picture.width * picture.height * 4 > SCAN_PIXELS:
        return None
    from PIL import Image  # noqa: PLC0415 - see the module's imports

    return picture.resize((picture.width * 2, picture.height * 2), Image.Resampling.BICUBIC)


def _result_text(result: Any) -> str:
    raw = bytes(result.bytes)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return str(result.text)
