"""The digests of a credential's related resources (VC 2.0 §5.3 "Integrity of Related Resources").

``digestSRI`` follows the hash-expression grammar of Subresource Integrity §3.5 (``sha256``,
``sha384`` or ``sha512``, a dash, the digest in standard base64, optional ``?options``; several
expressions separated by spaces); ``digestMultibase`` is one or more multibase strings.

A digest is compared with its resource only where the resource is known without fetching it:
VC 2.0 §B.1 says implementations MUST treat the base context as already retrieved, and gives the
SHA2-256 digest of its file. leadbadge never fetches a related resource while issuing or
verifying, so the digests of other resources are checked for form only; a digest that names the
base context and disagrees with the specification's value is an error.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from typing import Final

from leadbadge.crypto.multibase import decode_base58btc, decode_base64url

__all__ = ["digest_problems"]

#: Resources whose digests the specifications state: URL → algorithm → digest.
KNOWN_DIGESTS: Final[dict[str, dict[str, bytes]]] = {
    "https://www.w3.org/ns/credentials/v2": {
        "sha256": bytes.fromhex("24a18c90e9856d526111f29376e302d970b2bd10182e33959995b0207d7043b9"),
    },
}

_SRI_LENGTHS: Final = {"sha256": 32, "sha384": 48, "sha512": 64}
_SRI = re.compile(r"(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?[\x21-\x7e]*)?")
#: Multihash codes of the SHA-2 digests, for a digestMultibase that carries a multihash header.
_MULTIHASH: Final = {0x12: "sha256", 0x13: "sha512", 0x20: "sha384"}
_BY_LENGTH: Final = {32: "sha256", 48: "sha384", 64: "sha512"}
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
#: Longer than any SHA-2 digest in any multibase (and base58 decoding is quadratic).
_MAX_MULTIBASE: Final = 256


def _sri_digests(value: str) -> Iterator[tuple[str | None, bytes] | str]:
    """Each hash expression as (algorithm, digest), or a sentence saying what is wrong."""
    expressions = value.split()
    if not expressions:
        yield "digestSRI is empty."
        return
    for expression in expressions:
        match = _SRI.fullmatch(expression)
        if match is None:
            yield (
                f"digestSRI {expression[:80]!r} is not a Subresource Integrity hash expression "
                "(sha256-, sha384- or sha512- followed by the digest in standard base64)."
            )
            continue
        algorithm, encoded = match.group(1), match.group(2)
        try:
            digest = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            yield f"digestSRI {expression[:80]!r} is not valid base64."
            continue
        if len(digest) != _SRI_LENGTHS[algorithm]:
            yield (
                f"digestSRI {expression[:80]!r} holds {len(digest)} bytes; a {algorithm} digest "
                f"is {_SRI_LENGTHS[algorithm]}."
            )
            continue
        yield algorithm, digest


def _multibase_digest(value: str) -> tuple[str | None, bytes] | str:
    """(algorithm if it can be told, digest) of one digestMultibase value, or what is wrong."""
    if len(value) > _MAX_MULTIBASE:
        return f"digestMultibase is {len(value)} characters long; a digest is far shorter."
    try:
        if value.startswith("u"):
            if not _BASE64URL.fullmatch(value[1:]):
                return f"digestMultibase {value[:80]!r} is not valid base64url."
            raw = decode_base64url(value)
        elif value.startswith("z"):
            raw = decode_base58btc(value)
        else:
            return (
                f"digestMultibase {value[:80]!r} is not multibase base64url ('u…') or "
                "base58btc ('z…')."
            )
    except (ValueError, binascii.Error):
        return f"digestMultibase {value[:80]!r} does not decode as its multibase prefix says."
    if not raw:
        return "digestMultibase is empty."
    # A multihash (code, length, digest) when the header fits exactly; otherwise the bare digest,
    # which is what many issuers (and the W3C test suites) write.
    if len(raw) >= 2 and raw[0] in _MULTIHASH and raw[1] == len(raw) - 2:
        return _MULTIHASH[raw[0]], raw[2:]
    return _BY_LENGTH.get(len(raw)), raw


def digest_problems(resource: object, sri: object, multibase: object) -> list[str]:
    """What is wrong with a relatedResource entry's digests: malformed, or different from the
    digest the specifications give for ``resource``. Empty when nothing is wrong."""
    problems: list[str] = []
    found: list[tuple[str | None, bytes]] = []
    if sri is not None:
        if not isinstance(sri, str) or len(sri) > 4096:
            problems.append("digestSRI must be a string of hash expressions.")
        else:
            for outcome in _sri_digests(sri):
                if isinstance(outcome, str):
                    problems.append(outcome)
                else:
                    found.append(outcome)
    if multibase is not None:
        values = multibase if isinstance(multibase, list) else [multibase]
        for value in values:
            if not isinstance(value, str):
                problems.append("digestMultibase must be a string or a list of strings.")
                continue
            outcome = _multibase_digest(value)
            if isinstance(outcome, str):
                problems.append(outcome)
            else:
                found.append(outcome)
    known = KNOWN_DIGESTS.get(resource) if isinstance(resource, str) else None
    for algorithm, digest in found:
        expected = known.get(algorithm) if known and algorithm else None
        if expected is not None and digest != expected:
            problems.append(
                f"The {algorithm} digest does not match {resource}, whose digest the "
                "VC 2.0 specification gives (§B.1)."
            )
    return problems
