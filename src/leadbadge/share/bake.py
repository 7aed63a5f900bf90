"""Baked badges: put a credential into a PNG or SVG image, and take it out again.

Open Badges 3.0 §5.3 "Baked Badge" (docformat): a PNG carries the credential in one ``iTXt``
chunk with the keyword ``openbadgecredential``, uncompressed; an SVG in one
``<openbadges:credential>`` element (namespace ``https://purl.imsglobal.org/ob/v3p0``) directly
after the ``<svg>`` tag, the JSON in a CDATA section or a VC-JWT in its ``verify`` attribute.
Baking again replaces the credential, never adds a second one.

Images come from strangers, so reading is strict and bounded: every PNG chunk's length and CRC
is checked and no pixel is ever decoded; SVG is parsed with ``defusedxml`` (no entity
declarations, no internal DTD subset, nothing fetched), first as a stream that stops as soon as
elements nest too deeply or are too many, so only a document within those bounds is built as a
DOM. Each refusal is one :class:`~leadbadge.errors.CredentialDocumentError` sentence. Nothing
here decides whether the credential is any good.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final, Literal
from xml.dom.minidom import Document, Element, Node, Text
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from leadbadge.errors import CredentialDocumentError, InputError
from leadbadge.share.strict_json import has_lone_surrogate

# defusedxml is imported by the SVG functions, not with this module: reading a PNG or telling
# what kind of file an input is (which ``leadbadge verify`` does for every file) needs no XML
# parser, and loading one costs a noticeable part of a cold start.

__all__ = [
    "MAX_CREDENTIAL_BYTES",
    "MAX_IMAGE_BYTES",
    "MAX_SVG_DEPTH",
    "MAX_SVG_ELEMENTS",
    "OB3_NAMESPACE",
    "PNG_KEYWORD",
    "BakedCredential",
    "ImageKind",
    "bake",
    "image_kind",
    "unbake",
]

ImageKind = Literal["png", "svg"]
#: OB 3.0: the iTXt keyword of a baked PNG.
PNG_KEYWORD: Final = b"openbadgecredential"
#: OB 3.0: the namespace of ``<openbadges:credential>`` in a baked SVG.
OB3_NAMESPACE: Final = "https://purl.imsglobal.org/ob/v3p0"
#: Largest image read or baked.
MAX_IMAGE_BYTES: Final = 8 * 1024 * 1024
#: Largest credential text an image may carry.
MAX_CREDENTIAL_BYTES: Final = 4 * 1024 * 1024
#: Deepest nesting of SVG elements read. Badge artwork nests a few levels; the bound keeps every
#: later step (building the DOM costs time growing with the square of the depth, serializing a
#: re-baked image recurses) cheap and far from Python's recursion limit.
MAX_SVG_DEPTH: Final = 256
#: Most SVG elements read: detailed badge artwork has a few thousand; building the DOM costs
#: tens of microseconds an element, so an 8 MiB image of empty elements would take minutes.
MAX_SVG_ELEMENTS: Final = 50_000

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_OB2_PNG_KEYWORD: Final = b"openbadges"
_SVG_NAMESPACE: Final = "http://www.w3.org/2000/svg"
_OB2_NAMESPACE: Final = "http://openbadges.org"
_MAX_CHUNKS: Final = 10_000


@dataclass(frozen=True)
class BakedCredential:
    """The credential text an image carried, and what kind of image it was."""

    #: The JSON credential or the compact JWS, as baked.
    text: str
    image: ImageKind


def _error(label: str, what: str) -> CredentialDocumentError:
    unnamed = "The image" if label == "<image>" else "The input"
    return CredentialDocumentError.about(label, what, unnamed=unnamed)


def image_kind(data: bytes) -> ImageKind | None:
    """``png`` or ``svg`` from the first bytes, or None for anything else."""
    if data.startswith(_PNG_SIGNATURE):
        return "png"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and b"<svg" in data[:65536]:
        return "svg"
    return None


def unbake(data: bytes, *, label: str = "<image>") -> BakedCredential:
    """The credential baked into a PNG or SVG image.

    Raises :class:`CredentialDocumentError` naming what is wrong: not an image, an image with
    no credential (or an Open Badges 2.0 one), a damaged or hostile image, several credentials.
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise _error(label, f"is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MiB")
    kind = image_kind(data)
    if kind == "png":
        return BakedCredential(_png_credential(data, label), "png")
    if kind == "svg":
        return BakedCredential(_svg_credential(data, label), "svg")
    raise _error(label, "is neither a PNG nor an SVG image")


def bake(image: bytes, credential: str, *, label: str = "<image>") -> bytes:
    """``image`` (PNG or SVG bytes) with ``credential`` baked in, replacing any baked before.

    ``credential`` is the JSON text of a credential or a compact JWS (VC-JWT). Raises
    :class:`CredentialDocumentError` for an image that cannot be read and :class:`InputError`
    for a credential that is neither.
    """
    text = credential.strip()
    if not text:
        raise InputError("There is no credential to bake.", field="credential")
    if has_lone_surrogate(text):
        raise InputError(
            "The credential to bake holds a lone surrogate, which is not text.", field="credential"
        )
    is_jwt = not text.startswith("{")
    if is_jwt and (text.count(".") != 2 or any(c.isspace() or c in "<>&\"'" for c in text)):
        raise InputError(
            "The credential to bake is neither JSON nor a compact JWS.", field="credential"
        )
    if len(text.encode("utf-8")) > MAX_CREDENTIAL_BYTES:
        raise InputError("The credential is too large to bake into an image.", field="credential")
    if len(image) > MAX_IMAGE_BYTES:
        raise _error(label, f"is larger than {MAX_IMAGE_BYTES // (1024 * 1024)} MiB")
    kind = image_kind(image)
    if kind == "png":
        return _bake_png(image, text, label)
    if kind == "svg":
        return _bake_svg(image, text, is_jwt=is_jwt, label=label)
    raise _error(label, "is neither a PNG nor an SVG image, so it cannot be baked")


# --- PNG (PNG specification, 3rd edition: §5.3 chunk layout, §11.3.3.4 iTXt) ----------------


@dataclass(frozen=True)
class _Chunk:
    kind: bytes
    data: bytes

    def encode(self) -> bytes:
        crc = zlib.crc32(self.kind + self.data) & 0xFFFFFFFF
        return struct.pack(">I", len(self.data)) + self.kind + self.data + struct.pack(">I", crc)


def _chunks(data: bytes, label: str) -> Iterator[_Chunk]:
    """Every chunk up to and including IEND, each checked; what follows IEND is ignored."""
    damaged = "is a damaged PNG image"
    offset = len(_PNG_SIGNATURE)
    for index in range(_MAX_CHUNKS):
        if offset + 12 > len(data):
            raise _error(label, f"{damaged} (it ends before its IEND chunk)")
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        if length > 0x7FFFFFFF or offset + 12 + length > len(data):
            raise _error(label, f"{damaged} (a chunk is longer than the file)")
        if not kind.isalpha() or not kind.isascii():
            raise _error(label, f"{damaged} (a chunk has an invalid type)")
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise _error(label, f"{damaged} (the {kind.decode()} chunk's CRC does not match)")
        if index == 0 and kind != b"IHDR":
            raise _error(label, f"{damaged} (it does not start with IHDR)")
        yield _Chunk(kind, body)
        if kind == b"IEND":
            return
        offset += 12 + length
    raise _error(label, "has too many PNG chunks to be a badge image")


def _text_keyword(chunk: _Chunk) -> bytes | None:
    if chunk.kind in (b"iTXt", b"tEXt", b"zTXt"):
        return chunk.data.split(b"\0", 1)[0]
    return None


def _png_credential(data: bytes, label: str) -> str:
    found: list[_Chunk] = []
    for chunk in _chunks(data, label):
        keyword = _text_keyword(chunk)
        if keyword == _OB2_PNG_KEYWORD:
            raise _error(
                label,
                "is a baked Open Badges 2.0 badge (keyword 'openbadges'); leadbadge reads Open "
                "Badges 3.0 credentials",
            )
        if keyword == PNG_KEYWORD:
            if chunk.kind != b"iTXt":
                raise _error(
                    label,
                    f"carries its credential in a {chunk.kind.decode()} chunk; Open Badges 3.0 "
                    "bakes it into an uncompressed iTXt chunk",
                )
            found.append(chunk)
    if not found:
        raise _error(label, "is a PNG image that carries no credential")
    if len(found) > 1:
        raise _error(
            label,
            f"has {len(found)} '{PNG_KEYWORD.decode()}' chunks; Open Badges 3.0 allows exactly "
            "one, so which credential it carries is ambiguous",
        )
    return _itxt_text(found[0], label)


def _itxt_text(chunk: _Chunk, label: str) -> str:
    # keyword \0 compression-flag compression-method language-tag \0 translated-keyword \0 text
    parts = chunk.data.split(b"\0", 1)
    rest = parts[1] if len(parts) == 2 else b""
    if len(rest) < 2:
        raise _error(label, "has a damaged credential chunk")
    flag, method, rest = rest[0], rest[1], rest[2:]
    if flag != 0:
        raise _error(
            label,
            "carries a compressed credential chunk; Open Badges 3.0 says compression MUST NOT "
            "be used",
        )
    if method != 0:
        raise _error(label, "has a damaged credential chunk (unknown compression method)")
    fields = rest.split(b"\0", 2)
    if len(fields) != 3:
        raise _error(label, "has a damaged credential chunk")
    text = fields[2]
    if len(text) > MAX_CREDENTIAL_BYTES:
        raise _error(label, "carries a credential larger than 4 MiB")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise _error(label, "carries a credential that is not UTF-8 text") from None


def _bake_png(image: bytes, text: str, label: str) -> bytes:
    chunks = list(_chunks(image, label))
    if chunks[-1].kind != b"IEND":
        raise _error(label, "is a damaged PNG image (it ends before its IEND chunk)")
    kept = [c for c in chunks if _text_keyword(c) not in (PNG_KEYWORD, _OB2_PNG_KEYWORD)]
    payload = PNG_KEYWORD + b"\0\0\0\0\0" + text.encode("utf-8")
    # Right after IHDR: a reader that stops at the first matching chunk finds it at once.
    ordered = [kept[0], _Chunk(b"iTXt", payload), *kept[1:]]
    return _PNG_SIGNATURE + b"".join(c.encode() for c in ordered)


# --- SVG -------------------------------------------------------------------------------------


def _svg_events(data: bytes) -> Iterator[tuple[str, Any]]:
    """Start and end events of the elements, as expat reads them (16 KiB at a time)."""
    import defusedxml.ElementTree  # noqa: PLC0415 - see the module's imports

    events: Iterator[tuple[str, Any]] = defusedxml.ElementTree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        forbid_dtd=False,
        forbid_entities=True,
        forbid_external=True,
    )
    yield from events


def _check_svg_shape(data: bytes, label: str) -> None:
    """Refuse, while parsing, elements nested too deeply or too many (see the bounds above)."""
    depth = count = 0
    for event, element in _svg_events(data):
        if event == "end":
            depth -= 1
            element.clear()  # nothing of this pass is kept
            continue
        depth += 1
        count += 1
        if depth > MAX_SVG_DEPTH:
            raise _error(
                label,
                f"is nested too deeply to be a badge image (more than {MAX_SVG_DEPTH} levels)",
            )
        if count > MAX_SVG_ELEMENTS:
            raise _error(
                label,
                f"has more than {MAX_SVG_ELEMENTS:,} elements, too many to be a badge image",
            )


def _parse_svg(data: bytes, label: str) -> tuple[Document, Element]:
    import defusedxml.minidom  # noqa: PLC0415 - see the module's imports
    from defusedxml import DefusedXmlException  # noqa: PLC0415

    try:
        _check_svg_shape(data, label)
        document: Document = defusedxml.minidom.parseString(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException:
        raise _error(
            label,
            "is an XML document that declares entities or external references, which "
            "leadbadge refuses to process",
        ) from None
    except (ExpatError, ParseError) as error:
        raise _error(label, f"is not well-formed XML ({error})") from None
    doctype = document.doctype
    if doctype is not None and (doctype.internalSubset or "").strip():
        # An internal subset can declare default attribute values, changing what a reader sees.
        raise _error(
            label, "has an internal DTD subset, which leadbadge refuses to process in an image"
        )
    root = document.documentElement
    if root is None or root.localName != "svg" or root.namespaceURI != _SVG_NAMESPACE:
        raise _error(label, "is XML, but not an SVG image")
    return document, root


def _elements(root: Element) -> list[Element]:
    """Every element under and including ``root``, in document order, without recursion."""
    found: list[Element] = []
    stack: list[Element] = [root]
    while stack:
        element = stack.pop()
        found.append(element)
        stack.extend(reversed([c for c in element.childNodes if isinstance(c, Element)]))
    return found


def _credential_elements(root: Element, label: str) -> list[Element]:
    found: list[Element] = []
    for element in _elements(root):
        name, namespace = element.localName, element.namespaceURI
        if namespace == OB3_NAMESPACE and name == "credential":
            found.append(element)
        elif namespace == _OB2_NAMESPACE or (
            element.prefix == "openbadges" and name == "assertion"
        ):
            raise _error(
                label,
                "is a baked Open Badges 2.0 badge (<openbadges:assertion>); leadbadge reads Open "
                "Badges 3.0 credentials",
            )
        elif name == "credential" and element.prefix == "openbadges":
            raise _error(
                label,
                f"has an <openbadges:credential> element in the namespace {namespace!r}, not "
                f"{OB3_NAMESPACE}",
            )
    return found


def _svg_credential(data: bytes, label: str) -> str:
    _document, root = _parse_svg(data, label)
    found = _credential_elements(root, label)
    if not found:
        raise _error(label, "is an SVG image that carries no credential")
    if len(found) > 1:
        raise _error(
            label,
            f"has {len(found)} <openbadges:credential> elements; Open Badges 3.0 allows only "
            "one, so which credential it carries is ambiguous",
        )
    element = found[0]
    body = "".join(
        n.data
        for n in element.childNodes
        if n.nodeType in (Node.TEXT_NODE, Node.CDATA_SECTION_NODE)
    ).strip()
    jwt = element.getAttribute("verify").strip() if element.hasAttribute("verify") else ""
    if jwt and body:
        raise _error(
            label,
            "has a credential element with both a 'verify' attribute and content, so which "
            "credential it carries is ambiguous",
        )
    text = jwt or body
    if not text:
        raise _error(label, "has an empty <openbadges:credential> element")
    if len(text.encode("utf-8")) > MAX_CREDENTIAL_BYTES:
        raise _error(label, "carries a credential larger than 4 MiB")
    return text


def _bake_svg(image: bytes, text: str, *, is_jwt: bool, label: str) -> bytes:
    document, root = _parse_svg(image, label)
    for old in _credential_elements(root, label):
        parent = old.parentNode
        if not isinstance(parent, Element):
            continue  # the root itself is never a credential element
        following = old.nextSibling
        parent.removeChild(old)
        if isinstance(following, Text) and not following.data.strip():
            parent.removeChild(following)
    bound = root.getAttribute("xmlns:openbadges") if root.hasAttribute("xmlns:openbadges") else None
    if bound not in (None, OB3_NAMESPACE):
        raise _error(label, f"binds the prefix 'openbadges' to {bound!r}, so it cannot be baked")
    root.setAttribute("xmlns:openbadges", OB3_NAMESPACE)
    element = document.createElementNS(OB3_NAMESPACE, "openbadges:credential")
    if is_jwt:
        element.setAttribute("verify", text)
    else:
        # A CDATA section cannot contain "]]>": split it there into adjacent sections.
        pieces = text.split("]]>")
        for i, piece in enumerate(pieces):
            chunk = piece if i == len(pieces) - 1 else piece + "]]"
            if i:
                chunk = ">" + chunk
            element.appendChild(document.createCDATASection(chunk))
    root.insertBefore(document.createTextNode("\n"), root.firstChild)
    root.insertBefore(element, root.firstChild)
    root.insertBefore(document.createTextNode("\n"), root.firstChild)
    out: bytes = document.toxml(encoding="utf-8")
    return out
