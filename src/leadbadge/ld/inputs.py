"""The input check before JSON-LD processing: plain JSON, within size bounds, with signable text.

It runs first, on a copy, so nothing later meets a value JSON-LD processing or hashing cannot
handle: a non-JSON object, a non-finite or oversized number, a lone surrogate, or a document
too large or too deep to process within bounded work.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, Final

from leadbadge.errors import CanonicalizationLimitError, JsonLdError

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_JSON_INTEGER",
    "MAX_JSON_TEXT",
    "MAX_JSON_VALUES",
    "checked_copy",
]

#: Deepest JSON nesting accepted (credentials nest about ten levels).
MAX_JSON_DEPTH: Final = 64
#: Most JSON values (objects, arrays, strings, numbers…) in one document.
MAX_JSON_VALUES: Final = 100_000
#: Most characters in all the strings (keys and values) of one document.
MAX_JSON_TEXT: Final = 8 * 1024 * 1024
#: Largest magnitude of a JSON integer (a signed 64-bit integer). Beyond 2**53 JavaScript
#: readers round integers, from 10**21 JSON-LD signs them as rounded doubles, and beyond about
#: 10**308 it cannot convert them at all; no credential needs such numbers.
MAX_JSON_INTEGER: Final = 2**63 - 1

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _printable(path: str) -> str:
    """``path`` with lone surrogates escaped, so a message about them can be printed."""
    return path.encode("utf-8", "backslashreplace").decode("utf-8")


def _check_text(value: str, path: str, what: str) -> None:
    # A lone surrogate is not Unicode text: it has no UTF-8 form, so the N-Quads holding it
    # cannot be hashed, and JSON parsers replace or refuse it.
    found = _SURROGATE.search(value)
    if found is not None:
        shown = _printable(path) or "/"
        raise JsonLdError(
            f"The {what} at {shown} holds a lone surrogate (U+{ord(found.group()):04X}), "
            "which is not Unicode text and cannot be signed.",
            path=_printable(path),
        )


def checked_copy(document: object) -> dict[str, Any]:
    """A plain-JSON copy of ``document``; refuses non-JSON values and oversized input.

    Also refused here, before any processing: integers beyond ``MAX_JSON_INTEGER`` and text
    with lone surrogates, which JSON-LD processing and hashing cannot handle.
    """
    if not isinstance(document, Mapping):
        raise JsonLdError("A JSON-LD document must be a JSON object.")
    count = 0
    text = 0

    def copy_value(value: object, depth: int, path: str) -> Any:
        nonlocal count, text
        count += 1
        if count > MAX_JSON_VALUES:
            raise CanonicalizationLimitError(
                f"The document has more than {MAX_JSON_VALUES} JSON values."
            )
        if depth > MAX_JSON_DEPTH:
            raise CanonicalizationLimitError(
                f"The document nests deeper than {MAX_JSON_DEPTH} levels at {path}."
            )
        if isinstance(value, str):
            text += len(value)
            if text > MAX_JSON_TEXT:
                raise CanonicalizationLimitError(
                    f"The document has more than {MAX_JSON_TEXT} characters of text."
                )
            _check_text(value, path, "text")
            return value
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int):
            if not -MAX_JSON_INTEGER <= value <= MAX_JSON_INTEGER:
                raise JsonLdError(
                    f"The integer at {path or '/'} is outside the signed 64-bit range: JSON "
                    "readers do not all hold it exactly, and JSON-LD would sign it rounded or "
                    "not at all.",
                    path=path,
                )
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                raise JsonLdError(f"The number at {path or '/'} is not finite.", path=path)
            return value
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    raise JsonLdError(f"A JSON object key at {path or '/'} is not a string.")
                text += len(key)
                _check_text(key, f"{path}/{key}", "key")
                out[key] = copy_value(item, depth + 1, f"{path}/{key}")
            return out
        if isinstance(value, list | tuple):
            return [copy_value(item, depth + 1, f"{path}/{i}") for i, item in enumerate(value)]
        raise JsonLdError(
            f"The value at {path or '/'} is a {type(value).__name__}, not a JSON value.",
            path=path,
        )

    copied: dict[str, Any] = copy_value(document, 0, "")
    return copied
