"""RFC 8785 JSON Canonicalization Scheme: the one byte form of a JSON value that is hashed.

Credential links, QR Achievement digests and accreditation snapshots all commit to JSON by the
SHA-256 of these bytes, so every producer and every checker must write exactly the same form.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from json import encoder
from typing import Any

from leadbadge.errors import InputError

__all__ = ["canonical_json"]

_SURROGATE = re.compile("[\ud800-\udfff]")
_encode_string: Callable[[str], str] = encoder.encode_basestring


def _es6_number(value: float) -> str:
    """ECMAScript Number::toString, as RFC 8785 §3.2.2.3 requires for every number."""
    if not math.isfinite(value):
        raise InputError("NaN and infinite numbers have no canonical JSON form.", field="number")
    if value == 0:
        return "0"
    if value < 0:
        return "-" + _es6_number(-value)
    mantissa, _, exponent = repr(float(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    point = len(whole) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k, n = len(digits), point
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    sign = "+" if n - 1 >= 0 else "-"
    head = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{head}e{sign}{abs(n - 1)}"


def _string(text: str) -> str:
    # RFC 8785 §3.2.2.2 is JSON.stringify's escaping: '"', '\\', \b \t \n \f \r, other
    # controls as \u00xx (lower-case hex), everything else as itself. That is exactly what
    # the json module's non-ASCII encoder writes (in C), once lone surrogates are refused.
    if _SURROGATE.search(text):
        raise InputError("A lone surrogate has no canonical JSON form.", field="string")
    return _encode_string(text)


def _utf16_key(text: str) -> bytes:
    return text.encode("utf-16-be", "surrogatepass")


def _canonical(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(value) if abs(value) <= 2**53 else _es6_number(float(value)))
    elif isinstance(value, float):
        out.append(_es6_number(value))
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _canonical(item, out)
        out.append("]")
    elif isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise InputError("JSON object member names are strings.", field="document")
        out.append("{")
        # RFC 8785 §3.2.3: members sorted by their names' UTF-16 code units.
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _canonical(value[key], out)
        out.append("}")
    else:
        raise InputError(f"A {type(value).__name__} is not JSON data.", field="document")


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical form of a JSON value, UTF-8."""
    out: list[str] = []
    _canonical(value, out)
    return "".join(out).encode("utf-8")
