"""Turn verifier input (bytes, text, a parsed object or a file) into one credential document.

Decoding never decides trust: it only finds the credential and says which format it came in. JSON
is read today; a VC-JWT, a baked PNG/SVG badge or any other image is recognised and refused with a
sentence that says what it is, so nobody mistakes "unsupported" for "not a credential".
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from leadbadge.errors import CredentialDocumentError

__all__ = [
    "MAX_INPUT_BYTES",
    "MAX_NESTING",
    "DecodedCredential",
    "SourceFormat",
    "decode_credential",
]

#: Largest input accepted. Credentials with an embedded data-URI image stay well below this.
MAX_INPUT_BYTES = 8 * 1024 * 1024
#: Deepest JSON nesting accepted. Credentials nest about ten levels; the limit keeps every later
#: step (which may recurse) far from Python's recursion limit, wherever it is called from.
MAX_NESTING = 128

SourceFormat = Literal["json"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# OB 3.0 §5.3.1 bakes a credential into an iTXt chunk with this keyword; OB 2.0 used "openbadges".
_PNG_BADGE_KEYWORDS = {b"openbadgecredential": "Open Badges 3.0", b"openbadges": "Open Badges 2.0"}
# OB 3.0 §5.3.2 puts it in an <openbadges:credential> element; OB 2.0 used <openbadges:assertion>.
_SVG_BADGE_ELEMENTS = {"credential": "Open Badges 3.0", "assertion": "Open Badges 2.0"}
_SVG_BADGE_ELEMENT = re.compile(rb"<\s*(?:[A-Za-z_][\w.-]*:)?openbadges:(credential|assertion)\b")
_SVG_ROOT = re.compile(rb"<svg[\s>]", re.IGNORECASE)
_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$")
_OTHER_BINARY = (
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
)


@dataclass(frozen=True)
class DecodedCredential:
    """One credential document and where it came from."""

    #: The credential as parsed JSON (a fresh copy the caller may not share with anyone).
    document: dict[str, Any]
    #: How the credential was carried: ``"json"`` (later also ``"jwt"``, ``"png"``, ``"svg"``).
    source_format: SourceFormat
    #: A label for people: the file name, ``-`` for standard input, or ``<bytes>``/``<document>``.
    source: str


def decode_credential(
    data: bytes | bytearray | str | Mapping[str, Any] | Path, *, source: str | None = None
) -> DecodedCredential:
    """Find the one credential document in ``data``.

    ``bytes`` are the raw input (a file's contents, standard input); ``str`` is the text of a
    document (never a file name: pass a :class:`~pathlib.Path` to read a file); a mapping is an
    already-parsed document. Raises :class:`~leadbadge.errors.CredentialDocumentError` with one
    plain sentence when the input holds no credential we can read.
    """
    if isinstance(data, Path):
        label = source or str(data)
        return _decode_bytes(_read_file(data, label), label)
    if isinstance(data, bytes | bytearray):
        label = source or "<bytes>"
        return _decode_bytes(bytes(data), label)
    if isinstance(data, str):
        label = source or "<text>"
        if len(data) > MAX_INPUT_BYTES:
            raise _error(label, f"is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
        return _decode_text(data, label)
    if isinstance(data, Mapping):
        label = source or "<document>"
        return DecodedCredential(_copy_json(data, label), "json", label)
    raise CredentialDocumentError(
        f"Cannot read a credential from a value of type {type(data).__name__}; pass bytes, text, "
        "a dict or a Path.",
        field="data",
    )


def _error(label: str, what: str) -> CredentialDocumentError:
    subject = "The input" if label.startswith("<") else label
    return CredentialDocumentError(f"{subject} {what}.", field="input")


def _read_file(path: Path, label: str) -> bytes:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise _error(label, "does not exist") from None
    except IsADirectoryError:
        raise _error(label, "is a folder, not a credential file") from None
    except OSError as error:
        reason = (error.strerror or type(error).__name__).lower()
        raise _error(label, f"cannot be read ({reason})") from None
    if len(raw) > MAX_INPUT_BYTES:
        raise _error(label, f"is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
    return raw


def _decode_bytes(raw: bytes, label: str) -> DecodedCredential:
    if len(raw) > MAX_INPUT_BYTES:
        raise _error(label, f"is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
    if raw.startswith(_PNG_SIGNATURE):
        raise _png_error(raw, label)
    for magic, what in _OTHER_BINARY:
        if raw.startswith(magic):
            raise _error(label, f"is {what}, not a credential")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _error(label, "is binary data, not a credential (JSON must be UTF-8)") from None
    return _decode_text(text, label)


def _decode_text(text: str, label: str) -> DecodedCredential:
    stripped = text.strip().lstrip("\ufeff")
    if not stripped:
        raise _error(label, "is empty")
    if stripped.startswith("<"):
        raise _svg_error(stripped.encode("utf-8", "replace"), label)
    if _looks_like_jwt(stripped):
        raise _jwt_error(label)
    return DecodedCredential(_parse_json(stripped, label), "json", label)


def _parse_json(text: str, label: str) -> dict[str, Any]:
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
    except _DuplicateKeyError as error:
        raise _error(
            label,
            f"has the key {error.key!r} twice in one object, so what was signed is ambiguous",
        ) from None
    except _ConstantError as error:
        raise _error(label, f"is not valid JSON ({error.name} is not a JSON number)") from None
    except json.JSONDecodeError as error:
        raise _error(
            label, f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise _error(label, "is nested too deeply to be a credential") from None
    return _credential_object(value, label)


def _nesting(value: Any) -> int:
    """How deeply ``value`` nests, found without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > MAX_NESTING:
                break
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def _credential_object(value: Any, label: str) -> dict[str, Any]:
    if _nesting(value) > MAX_NESTING:
        raise _error(label, "is nested too deeply to be a credential")
    if isinstance(value, str) and _looks_like_jwt(value.strip()):
        raise _jwt_error(label)
    if isinstance(value, list):
        raise _error(label, "holds a JSON array, not one credential object")
    if not isinstance(value, dict):
        kind = {str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")
        raise _error(label, f"holds {kind}, not a credential object")
    types = value.get("type")
    type_names = types if isinstance(types, list) else [types]
    if "VerifiablePresentation" in type_names:
        raise _error(
            label, "is a Verifiable Presentation; verify the credentials it contains one at a time"
        )
    return value


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _ConstantError(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise _ConstantError(name)


def _copy_json(data: Mapping[str, Any], label: str) -> dict[str, Any]:
    # A round trip proves the object is plain JSON (what a signature can cover) and gives the
    # verifier its own copy, so nothing it does can change the caller's object.
    try:
        text = json.dumps(data, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise _error(label, f"is not plain JSON data ({error})") from None
    except RecursionError:
        raise _error(label, "is nested too deeply to be a credential") from None
    return _credential_object(json.loads(text), label)


def _looks_like_jwt(text: str) -> bool:
    if not _JWT.match(text):
        return False
    header = text.split(".", 1)[0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    except (binascii.Error, ValueError):
        return False
    return isinstance(decoded, dict) and "alg" in decoded


def _jwt_error(label: str) -> CredentialDocumentError:
    return _error(
        label,
        "is a JWT (a VC-JWT credential); leadbadge cannot verify JWT credentials yet, only "
        "JSON credentials with an embedded proof",
    )


def _png_error(raw: bytes, label: str) -> CredentialDocumentError:
    carrier = _png_badge_keyword(raw)
    if carrier is None:
        return _error(label, "is a PNG image that carries no credential")
    return _error(
        label,
        f"is a baked {carrier} badge image; leadbadge cannot read credentials from images yet",
    )


def _png_badge_keyword(raw: bytes) -> str | None:
    """The badge version named by an iTXt/tEXt chunk keyword, or None."""
    offset = len(_PNG_SIGNATURE)
    while offset + 8 <= len(raw):
        (length,) = struct.unpack(">I", raw[offset : offset + 4])
        kind = raw[offset + 4 : offset + 8]
        body = raw[offset + 8 : offset + 8 + length]
        if len(body) < length:
            return None
        if kind in (b"iTXt", b"tEXt", b"zTXt"):
            keyword = body.split(b"\0", 1)[0]
            if keyword in _PNG_BADGE_KEYWORDS:
                return _PNG_BADGE_KEYWORDS[keyword]
        if kind == b"IEND":
            return None
        offset += 12 + length
    return None


def _svg_error(raw: bytes, label: str) -> CredentialDocumentError:
    if not _SVG_ROOT.search(raw):
        return _error(label, "is XML or HTML, not a credential")
    match = _SVG_BADGE_ELEMENT.search(raw)
    if match is None:
        return _error(label, "is an SVG image that carries no credential")
    carrier = _SVG_BADGE_ELEMENTS[match.group(1).decode()]
    return _error(
        label,
        f"is a baked {carrier} badge image; leadbadge cannot read credentials from images yet",
    )
