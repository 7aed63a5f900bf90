"""Turn verifier input (bytes, text, a parsed object or a file) into one credential document.

Decoding never decides trust: it only finds the credential and says how it came. Accepted:

- a JSON credential (embedded proof), or a VC-JWT (compact JWS, OB 3.0 §8.2);
- a baked PNG or SVG badge (OB 3.0 "Baked Badge") carrying either;
- a photo or scan of a QR code (PNG, JPEG…), or the text a QR code holds: a ``full`` payload
  (``LB1:…``, the credential itself), a credential link (``https://…/c/<id>``), or a JSON
  credential or VC-JWT written into the code as is;
- a verifiable presentation (VC 2.0 §4.13, VC 1.1 §4.10) holding credentials: JSON, or a
  VP-JWT (the VC 1.1 ``vp`` claim, or a VC-JOSE-COSE ``vp+jwt`` whose payload is the
  presentation). :func:`decode_input` returns it as a :class:`DecodedPresentation`;
  :func:`decode_credential` refuses it, saying so.

A ``full`` QR code may leave out the Achievement, and a link names a credential without carrying
it: :class:`CredentialSources` says where decoding may look (pinned or local copies, or the
issuer's site when the caller allows it). Whatever is found is checked against the digest the
code carries, so where it came from does not matter. Anything else (an image without a
credential, an Open Badges 2.0 badge, a PDF) is refused with one sentence saying what it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from leadbadge.errors import CredentialDocumentError, InputError
from leadbadge.proof.jwt_shape import looks_like_jwt
from leadbadge.share.strict_json import MAX_NESTING, has_lone_surrogate
from leadbadge.share.strict_json import credential_object as _credential_object
from leadbadge.share.strict_json import parse_credential as _parse_json

# VC-JWT, QR code and link decoding load when an input is one of those; a JSON credential needs
# none of them.
if TYPE_CHECKING:
    from leadbadge.share.links import CredentialLink

__all__ = [
    "MAX_INPUT_BYTES",
    "MAX_NESTING",
    "Container",
    "CredentialSources",
    "DecodedCredential",
    "DecodedPresentation",
    "SourceFormat",
    "decode_credential",
    "decode_input",
    "is_credential_text",
    "is_presentation",
]

#: Largest input accepted. Credentials with an embedded data-URI image stay well below this.
MAX_INPUT_BYTES = 8 * 1024 * 1024

#: How the credential itself is encoded: JSON with an embedded proof, or a VC-JWT.
SourceFormat = Literal["json", "jwt"]
#: What carried it, when not a plain file: a baked PNG or SVG, or a QR code (its text or a photo).
Container = Literal["png", "svg", "qr"]

#: What a ``full`` QR payload starts with: :data:`leadbadge.share.qr.FULL_PREFIX`, repeated so
#: that telling it apart does not load the QR code module (a test holds them equal).
_FULL_PREFIX = "LB1:"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_IMAGES = (
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
)
_OTHER_BINARY = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
)


@dataclass(frozen=True)
class CredentialSources:
    """Where decoding may look for what a QR code does not carry itself.

    ``achievements`` returns the issuer's published Achievement for an id (a ``full`` QR code
    may leave it out); ``links`` returns the bytes of a copy of the credential a link names
    (a local file, or a fetch from the issuer's site), or None. Both may be None: decoding then
    says what is missing and how to supply it.
    """

    achievements: Callable[[str], Mapping[str, Any] | None] | None = None
    links: Callable[[CredentialLink], bytes | None] | None = None


@dataclass(frozen=True)
class DecodedCredential:
    """One credential document and where it came from."""

    #: The credential as parsed JSON (a fresh copy the caller may not share with anyone).
    document: dict[str, Any]
    #: How the credential is encoded: ``"json"`` (embedded proof) or ``"jwt"`` (VC-JWT).
    source_format: SourceFormat
    #: A label for people: the file name, ``-`` for standard input, or ``<bytes>``/``<document>``.
    source: str
    #: What carried it: ``"png"``/``"svg"`` (baked), ``"qr"``, or None for a plain file or text.
    container: Container | None = None
    #: The compact JWS, when ``source_format`` is ``"jwt"``.
    jwt: str | None = None
    #: The credential link it was reached through (a ``url`` QR code), already checked.
    link: str | None = None

    @property
    def format_label(self) -> str:
        """``json``, ``jwt``, or the container and the encoding: ``png+jwt``, ``qr+json``…"""
        if self.container is None:
            return self.source_format
        return f"{self.container}+{self.source_format}"


@dataclass(frozen=True)
class DecodedPresentation:
    """One verifiable presentation and where it came from; its credentials are not read yet."""

    #: The presentation as JSON-LD (for a VP-JWT: the ``vp`` claim with ``holder`` and ``id``
    #: filled from ``iss`` and ``jti`` as VC 1.1 §6.3.1 says, or the payload without the
    #: registered JWT claims), a fresh copy.
    document: dict[str, Any]
    source_format: SourceFormat
    source: str
    container: Container | None = None
    #: The compact JWS, when ``source_format`` is ``"jwt"``.
    jwt: str | None = None
    #: The registered JWT claims and ``nonce`` of a VP-JWT, as written (``aud``, ``nonce``…).
    claims: Mapping[str, Any] | None = None

    @property
    def format_label(self) -> str:
        if self.container is None:
            return self.source_format
        return f"{self.container}+{self.source_format}"


def is_presentation(document: Mapping[str, Any]) -> bool:
    """True for a document typed ``VerifiablePresentation`` (or a VP-JWT's ``vp`` claim set)."""
    types = document.get("type")
    names = types if isinstance(types, list) else [types]
    return "VerifiablePresentation" in names or isinstance(document.get("vp"), Mapping)


def decode_credential(
    data: bytes | bytearray | str | Mapping[str, Any] | Path,
    *,
    source: str | None = None,
    sources: CredentialSources | None = None,
) -> DecodedCredential:
    """Find the one credential document in ``data``.

    ``bytes`` are the raw input (a file's contents, standard input, an image); ``str`` is the
    text of a document, a VC-JWT or a QR code's text (never a file name: pass a
    :class:`~pathlib.Path` to read a file); a mapping is an already-parsed document. Raises
    :class:`~leadbadge.errors.CredentialDocumentError` with one plain sentence when the input
    holds no credential we can read, or holds a presentation.
    """
    decoded = decode_input(data, source=source, sources=sources)
    if isinstance(decoded, DecodedPresentation):
        raise _error(
            decoded.source,
            "is a verifiable presentation, not one credential; verify it as a presentation "
            "(Verifier.verify_presentation)",
        )
    return decoded


def decode_input(
    data: bytes | bytearray | str | Mapping[str, Any] | Path,
    *,
    source: str | None = None,
    sources: CredentialSources | None = None,
) -> DecodedCredential | DecodedPresentation:
    """The credential or the verifiable presentation in ``data`` (read as
    :func:`decode_credential` reads it)."""
    decoded = _decode(data, source=source, sources=sources)
    if not is_presentation(decoded.document):
        return decoded
    return _presentation(decoded)


def _presentation(decoded: DecodedCredential) -> DecodedPresentation:
    if decoded.jwt is None:
        return DecodedPresentation(
            decoded.document, "json", decoded.source, container=decoded.container
        )
    from leadbadge.proof import jose  # noqa: PLC0415 -- VP-JWTs only
    from leadbadge.proof.vc_jwt import REGISTERED_CLAIMS  # noqa: PLC0415

    try:
        payload = jose.parse(decoded.jwt).payload
    except InputError as error:  # pragma: no cover - decoding parsed it already
        raise _error(decoded.source, f"holds a malformed VP-JWT ({error.message})") from None
    claims: dict[str, Any] = {k: payload[k] for k in (*REGISTERED_CLAIMS, "nonce") if k in payload}
    vp = payload.get("vp")
    if isinstance(vp, Mapping):
        copied = json.loads(json.dumps(vp))
        document = _credential_object(copied, decoded.source, presentations=True)
        # VC 1.1 §6.3.1 "JWT decoding": iss is the holder, jti the presentation's id.
        if isinstance(claims.get("iss"), str) and "holder" not in document:
            document["holder"] = claims["iss"]
        if isinstance(claims.get("jti"), str) and "id" not in document:
            document["id"] = claims["jti"]
    else:
        document = {k: v for k, v in payload.items() if k not in claims}
    return DecodedPresentation(
        document,
        "jwt",
        decoded.source,
        container=decoded.container,
        jwt=decoded.jwt,
        claims=claims,
    )


def _decode(
    data: bytes | bytearray | str | Mapping[str, Any] | Path,
    *,
    source: str | None,
    sources: CredentialSources | None,
) -> DecodedCredential:
    reader = _Reader(sources or CredentialSources())
    if isinstance(data, Path):
        label = source or str(data)
        return reader.from_bytes(_read_file(data, label), label)
    if isinstance(data, bytes | bytearray):
        label = source or "<bytes>"
        return reader.from_bytes(bytes(data), label)
    if isinstance(data, str):
        label = source or "<text>"
        if len(data) > MAX_INPUT_BYTES:
            raise _error(label, f"is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
        if has_lone_surrogate(data):
            raise _error(label, "holds a lone surrogate, which is not text")
        return reader.from_text(data, label, container=None)
    if isinstance(data, Mapping):
        label = source or "<document>"
        return DecodedCredential(_copy_json(data, label), "json", label)
    raise CredentialDocumentError(
        f"Cannot read a credential from a value of type {type(data).__name__}; pass bytes, text, "
        "a dict or a Path.",
        field="data",
    )


def _error(label: str, what: str) -> CredentialDocumentError:
    return CredentialDocumentError.about(label, what)


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


class _Reader:
    """One decoding: follows a container (image, QR code, link) at most one level deep."""

    def __init__(self, sources: CredentialSources) -> None:
        self.sources = sources

    def from_bytes(self, raw: bytes, label: str) -> DecodedCredential:
        if len(raw) > MAX_INPUT_BYTES:
            raise _error(label, f"is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MiB")
        if raw.startswith(_PNG_SIGNATURE):
            return self._png(raw, label)
        for magic, _what in _IMAGES:
            if raw.startswith(magic):
                return self._photo(raw, label)
        for magic, what in _OTHER_BINARY:
            if raw.startswith(magic):
                raise _error(label, f"is {what}, not a credential")
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _error(label, "is binary data, not a credential (JSON must be UTF-8)") from None
        return self.from_text(text, label, container=None)

    def from_text(
        self, text: str, label: str, *, container: Container | None, link: str | None = None
    ) -> DecodedCredential:
        stripped = text.strip().lstrip("\ufeff")
        if not stripped:
            raise _error(label, "is empty")
        if stripped.startswith("<"):
            if container is not None:
                raise _error(label, "holds XML or HTML, not a credential")
            return self._svg(stripped.encode("utf-8"), label)
        if stripped.startswith(_FULL_PREFIX):
            if container not in (None, "qr") or link is not None:
                raise _error(label, "holds a QR payload inside another container")
            from leadbadge.share import qr  # noqa: PLC0415 -- QR payloads only

            inner = qr.unpack_full(stripped, achievements=self.sources.achievements, label=label)
            return self.from_text(inner, label, container="qr", link=link)
        if stripped.startswith(("https://", "http://")) and container in (None, "qr"):
            from leadbadge.share.links import parse_link  # noqa: PLC0415 -- links only

            return self._link(stripped, label, parse_link(stripped))
        if looks_like_jwt(stripped):
            return self._jwt(stripped, label, container, link)
        document = _parse_json(stripped, label, presentations=True)
        return DecodedCredential(document, "json", label, container=container, link=link)

    # --- containers ------------------------------------------------------------------------

    def _png(self, raw: bytes, label: str) -> DecodedCredential:
        from leadbadge.share import bake  # noqa: PLC0415 -- XML and image code, for images only

        try:
            baked = bake.unbake(raw, label=label)
        except CredentialDocumentError as error:
            if not error.message.endswith("carries no credential."):
                raise
            # Not baked: it may be a screenshot or scan of a QR code.
            text = self._qr_text(raw, label, fallback=error)
            return self.from_text(text, label, container="qr")
        return self._baked(baked.text, label, "png")

    def _svg(self, raw: bytes, label: str) -> DecodedCredential:
        from leadbadge.share import bake  # noqa: PLC0415 -- XML and image code, for images only

        if bake.image_kind(raw) != "svg":
            raise _error(label, "is XML or HTML, not a credential")
        return self._baked(bake.unbake(raw, label=label).text, label, "svg")

    def _baked(self, text: str, label: str, container: Container) -> DecodedCredential:
        stripped = text.strip()
        if looks_like_jwt(stripped):
            return self._jwt(stripped, label, container, None)
        document = _parse_json(stripped, label, presentations=True)
        return DecodedCredential(document, "json", label, container=container)

    def _photo(self, raw: bytes, label: str) -> DecodedCredential:
        return self.from_text(self._qr_text(raw, label, fallback=None), label, container="qr")

    def _qr_text(self, raw: bytes, label: str, *, fallback: CredentialDocumentError | None) -> str:
        from leadbadge.share import qr  # noqa: PLC0415 -- images only

        try:
            return qr.read_qr(raw, label=label)
        except CredentialDocumentError as error:
            if fallback is not None and "holds no QR code" in error.message:
                raise _error(
                    label, "is a PNG image that carries no credential (and no QR code)"
                ) from None
            raise

    def _jwt(
        self, token: str, label: str, container: Container | None, link: str | None
    ) -> DecodedCredential:
        from leadbadge.share import jwt  # noqa: PLC0415 -- VC-JWTs only

        try:
            decoded = jwt.decode(token)
        except InputError as error:
            raise _error(label, f"holds a malformed VC-JWT ({error.message.rstrip('.')})") from None
        document = _credential_object(decoded.document, label, presentations=True)
        return DecodedCredential(
            document, "jwt", label, container=container, jwt=decoded.token, link=link
        )

    def _link(self, url: str, label: str, parsed: CredentialLink | None) -> DecodedCredential:
        if parsed is None:
            raise _error(
                label,
                f"is the web address {url}, which is not a leadbadge credential link; open it "
                "in a browser, or ask the holder for the credential file",
            )
        found = self.sources.links(parsed) if self.sources.links is not None else None
        if found is None:
            raise _error(
                label,
                f"is a link to the credential at {parsed.url}; give a copy of it "
                "(--credentials FOLDER) or verify with --online to fetch it from the issuer",
            )
        decoded = self.from_bytes_once(found, label, link=parsed.url)
        if not parsed.matches(decoded.document):
            raise _error(
                label,
                f"is a link to {parsed.url}, but the credential found for it is not the one the "
                "link commits to (its digest differs)",
            )
        return decoded

    def from_bytes_once(self, raw: bytes, label: str, *, link: str) -> DecodedCredential:
        # What a link (from a QR code) leads to is a credential file: JSON or a VC-JWT, never
        # another link.
        try:
            text = raw.decode("utf-8").strip().lstrip("\ufeff")
        except UnicodeDecodeError:
            raise _error(label, "leads to binary data, not a credential") from None
        if looks_like_jwt(text):
            return self._jwt(text, label, "qr", link)
        return DecodedCredential(
            _parse_json(text, label, presentations=True), "json", label, container="qr", link=link
        )


def _copy_json(data: Mapping[str, Any], label: str) -> dict[str, Any]:
    # A round trip proves the object is plain JSON (what a signature can cover) and gives the
    # verifier its own copy, so nothing it does can change the caller's object.
    try:
        text = json.dumps(data, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise _error(label, f"is not plain JSON data ({error})") from None
    except RecursionError:
        raise _error(label, "is nested too deeply to be a credential") from None
    return _credential_object(json.loads(text), label, presentations=True)


def is_credential_text(text: str) -> bool:
    """Whether ``text`` is a credential's text rather than a file's name: a link or full
    payload a QR code holds, or a compact JWT."""
    return text.startswith(("https://", "http://", _FULL_PREFIX)) or looks_like_jwt(text)
