"""Compact JWS for VC-JWT: split and decode a token strictly, encode segments, judge the header.

RFC 7515 (JWS compact serialization §7.1, §5.2 validation, §4.1.11 ``crit``), RFC 8725 (the
algorithm comes from the caller's allowlist and the key, never from the token alone; ``none`` and
MAC algorithms are refused) and OB 3.0 §8.2.3 (the header members a VC-JWT may have). What the
payload means as a credential is :mod:`leadbadge.proof.vc_jwt`'s business.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, Final

from leadbadge.crypto.jwk import ALGORITHMS
from leadbadge.errors import InputError, UnsupportedProofError
from leadbadge.ld.inputs import MAX_JSON_DEPTH
from leadbadge.proof.jwt_shape import b64url_segment, looks_like_jwt

__all__ = [
    "MAX_TOKEN_CHARS",
    "ParsedJwt",
    "check_header",
    "encode_segment",
    "looks_like_jwt",
    "parse",
]

#: The longest token read (a credential with an embedded image stays far below this).
MAX_TOKEN_CHARS: Final = 8 * 1024 * 1024
# OB 3.0 §8.2.3: the header members a VC-JWT may have.
_HEADER_MEMBERS: Final = frozenset({"alg", "kid", "jwk", "typ"})
# ``typ`` values in use: OB 3.0 ("JWT"), VC-JOSE-COSE ("vc+jwt"), older drafts.
_TYPES: Final = frozenset({"JWT", "vc+jwt", "vc+ld+json+jwt", "application/vc+ld+json+jwt"})
_LONE_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class ParsedJwt:
    """A compact JWS split and decoded; nothing about it is verified yet."""

    token: str
    header: dict[str, Any]
    payload: dict[str, Any]
    #: ``BASE64URL(header) || "." || BASE64URL(payload)``: the bytes the signature covers.
    signing_input: bytes
    signature: bytes


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the member {key!r} appears twice")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _json_object(raw: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(
            raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant
        )
    except UnicodeDecodeError:
        raise InputError(f"The JWT {what} is not UTF-8.", field=f"jwt/{what}") from None
    except RecursionError:
        raise InputError(f"The JWT {what} is nested too deeply.", field=f"jwt/{what}") from None
    except ValueError as error:
        raise InputError(
            f"The JWT {what} is not valid JSON ({error}).", field=f"jwt/{what}"
        ) from None
    if not isinstance(value, dict):
        raise InputError(f"The JWT {what} is not a JSON object.", field=f"jwt/{what}")
    _check_json_values(value, what)
    return value


def _check_json_values(value: dict[str, Any], what: str) -> None:
    """The bounds a credential document gets from the JSON-LD input check, applied before anything
    copies or walks the token's JSON: the nesting depth, and text that is Unicode (a lone
    surrogate, which JSON's \\u escapes can spell, cannot be encoded or signed)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InputError(
                f"The JWT {what} nests deeper than {MAX_JSON_DEPTH} levels.", field=f"jwt/{what}"
            )
        if isinstance(item, dict):
            texts: list[str] = list(item)
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            texts = []
            stack.extend((child, depth + 1) for child in item)
        else:
            texts = [item] if isinstance(item, str) else []
        if any(_LONE_SURROGATE.search(text) for text in texts):
            raise InputError(
                f"The JWT {what} holds a lone surrogate, which is not Unicode text.",
                field=f"jwt/{what}",
            )


def parse(token: str) -> ParsedJwt:
    """Split a compact JWS (RFC 7515 §7.1) and decode its header and payload, strictly.

    Raises :class:`InputError` for anything that is not three canonical base64url segments
    holding two JSON objects (duplicate member names are refused: what was signed would be
    ambiguous).
    """
    if not isinstance(token, str):
        raise InputError("A JWT must be text.", field="jwt")
    text = token.strip()
    if len(text) > MAX_TOKEN_CHARS:
        raise InputError("The JWT is too large to be a credential.", field="jwt")
    parts = text.split(".")
    if len(parts) != 3:
        raise InputError(
            f"A compact JWS has three parts separated by '.', not {len(parts)}.", field="jwt"
        )
    header = _json_object(b64url_segment(parts[0], "header"), "header")
    payload = _json_object(b64url_segment(parts[1], "payload"), "payload")
    signature = b64url_segment(parts[2], "signature") if parts[2] else b""
    return ParsedJwt(
        token=text,
        header=header,
        payload=payload,
        signing_input=f"{parts[0]}.{parts[1]}".encode("ascii"),
        signature=signature,
    )


def encode_segment(value: Mapping[str, Any]) -> str:
    """A header or payload as a JWS segment: compact UTF-8 JSON, unpadded base64url."""
    data = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def check_header(header: Mapping[str, Any], allowed: Collection[str], warnings: list[str]) -> str:
    """The header's ``alg``, once the header passes RFC 8725 and OB 3.0 §8.2.3; notes go to
    ``warnings``. Raises :class:`InputError` or :class:`UnsupportedProofError`."""
    alg = header.get("alg")
    if not isinstance(alg, str) or not alg:
        raise InputError("The JWT header has no alg.", field="jwt/header/alg")
    if alg.lower() == "none":
        raise InputError(
            "The JWT is unsigned (alg 'none'): it proves nothing about who issued it.",
            field="jwt/header/alg",
        )
    if alg.upper().startswith("HS"):
        raise InputError(
            f"The JWT uses {alg}, a shared-secret MAC: anyone who can check it could have made it.",
            field="jwt/header/alg",
        )
    if alg not in allowed:
        raise UnsupportedProofError(
            f"The verifier's policy does not accept the JWS algorithm {alg}."
        )
    if alg not in ALGORITHMS:
        raise UnsupportedProofError(f"The JWS algorithm {alg} is not supported.")
    if "crit" in header:
        # RFC 7515 §4.1.11: extensions a verifier does not understand make the token invalid.
        raise InputError(
            "The JWT header lists critical extensions (crit) that leadbadge does not implement.",
            field="jwt/header/crit",
        )
    extra = sorted(set(header) - _HEADER_MEMBERS)
    if extra:
        warnings.append(
            f"The JWT header has members OB 3.0 does not allow ({', '.join(extra)}); they were "
            "ignored."
        )
    typ = header.get("typ")
    if typ is not None and not isinstance(typ, str):
        # RFC 7515 §4.1.9: typ is a string (a media type).
        raise InputError("The JWT header's typ is not a string.", field="jwt/header/typ")
    if typ is not None and typ not in _TYPES:
        warnings.append(f"The JWT header's typ is {typ!r}, not 'JWT'.")
    return alg
