"""The one strict reading of a credential's JSON text, for every decoder that meets one.

A credential that reaches the verifier as text (a file, a baked image, a QR code, a link) is read
here: no duplicate member names (what was signed would be ambiguous), no NaN or Infinity, nesting
bounded, no lone UTF-16 surrogate in any string (it is not text: I-JSON, RFC 7493 §2.1, and
RFC 8785 refuse it, and nothing could encode it again), one object that is a credential and not a
presentation. Each refusal is one :class:`~leadbadge.errors.CredentialDocumentError` sentence.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from leadbadge.errors import CredentialDocumentError
from leadbadge.proof.jwt_shape import looks_like_jwt

__all__ = [
    "MAX_INTEGER_DIGITS",
    "MAX_NESTING",
    "credential_object",
    "has_lone_surrogate",
    "parse_credential",
]

#: Deepest JSON nesting accepted. Credentials nest about ten levels; the limit keeps every later
#: step (which may recurse) far from Python's recursion limit, wherever it is called from.
MAX_NESTING: Final = 128

#: Longest integer literal accepted, in digits: Python's own bound on decimal conversion, which
#: stops a single number from costing quadratic time. No credential field comes near it.
MAX_INTEGER_DIGITS: Final = 4300

# A valid pair is one code point once decoded, so any surrogate left in a str stands alone.
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _error(label: str, what: str) -> CredentialDocumentError:
    return CredentialDocumentError.about(label, what)


def parse_credential(text: str, label: str, *, presentations: bool = False) -> dict[str, Any]:
    """The credential object in ``text``, read strictly; ``label`` names the input in errors.

    With ``presentations`` a Verifiable Presentation is accepted too (its reader checks it).
    """
    try:
        value = json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_no_constants,
            parse_int=_bounded_int,
        )
    except _DuplicateKeyError as error:
        raise _error(
            label,
            f"has the key {error.key!r} twice in one object, so what was signed is ambiguous",
        ) from None
    except _ConstantError as error:
        raise _error(label, f"is not valid JSON ({error.name} is not a JSON number)") from None
    except _LongIntegerError as error:
        raise _error(
            label,
            f"has a number of {error.digits} digits, more than the {MAX_INTEGER_DIGITS} "
            "a credential may use",
        ) from None
    except json.JSONDecodeError as error:
        raise _error(
            label, f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise _error(label, "is nested too deeply to be a credential") from None
    return credential_object(value, label, presentations=presentations)


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


def has_lone_surrogate(text: str) -> bool:
    """True if ``text`` holds a UTF-16 surrogate code point, which UTF-8 cannot encode."""
    return _SURROGATE.search(text) is not None


def _strings_have_lone_surrogate(value: Any) -> bool:
    """Whether any key or string in ``value`` (parsed JSON, nesting already bounded) holds a
    lone surrogate."""
    # UTF-8 cannot encode a surrogate code point, and the json module's C encoder with the
    # codec visit every key and string several times faster than a walk in Python.
    try:
        json.dumps(value, ensure_ascii=False, check_circular=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def credential_object(value: Any, label: str, *, presentations: bool = False) -> dict[str, Any]:
    """``value`` (parsed JSON) as one credential object, or the sentence saying what it is.

    With ``presentations`` a Verifiable Presentation object is returned as well.
    """
    if _nesting(value) > MAX_NESTING:
        raise _error(label, "is nested too deeply to be a credential")
    if _strings_have_lone_surrogate(value):
        raise _error(label, "has a string holding a lone surrogate, which is not text")
    if isinstance(value, str) and looks_like_jwt(value.strip()):
        raise _error(
            label,
            "is a JSON string holding a JWT; give the token itself, not quoted as JSON",
        )
    if isinstance(value, list):
        raise _error(label, "holds a JSON array, not one credential object")
    if not isinstance(value, dict):
        kind = {str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")
        raise _error(label, f"holds {kind}, not a credential object")
    types = value.get("type")
    type_names = types if isinstance(types, list) else [types]
    if "VerifiablePresentation" in type_names and not presentations:
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


class _LongIntegerError(ValueError):
    def __init__(self, digits: int) -> None:
        super().__init__(digits)
        self.digits = digits


def _bounded_int(literal: str) -> int:
    digits = len(literal.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        raise _LongIntegerError(digits)
    return int(literal)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


def _no_constants(name: str) -> Any:
    raise _ConstantError(name)
