"""What every data-model check shares: the ConformanceProblem type and the value rules.

A problem is an ``error`` when a MUST of the specifications is broken and a ``warning`` when the
document is usable but dated or incomplete. The value rules (absolute IRIs, dateTimeStamps,
language value objects) are VC Data Model 2.0 §4.4, §4.9 and §4.6; the OB 3.0 shape applies them
too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

__all__ = [
    "MALFORMED",
    "NOT_IN_IRI",
    "PARSING",
    "RANGE",
    "SCHEME",
    "Checker",
    "ConformanceProblem",
    "Severity",
    "VcVersion",
    "check_date",
    "check_optional_id",
    "context_list",
    "is_absolute_iri",
    "is_date_time_stamp",
    "is_language_value",
    "items",
    "pointer",
    "shown",
]

Severity = Literal["error", "warning"]
VcVersion = Literal["1.1", "2.0"]

MALFORMED = "MALFORMED_VALUE_ERROR"
RANGE = "RANGE_ERROR"
PARSING = "PARSING_ERROR"

# XML Schema 1.1 Part 2 §3.4.28 dateTimeStamp: a dateTime whose time zone is required.
_DATE_TIME_STAMP = re.compile(
    r"^(?P<year>-?(?:[1-9][0-9]{3,}|0[0-9]{3}))-(?P<month>0[1-9]|1[0-2])"
    r"-(?P<day>0[1-9]|[12][0-9]|3[01])"
    r"T(?:(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9]):(?P<second>[0-5][0-9])"
    r"(?:\.(?P<fraction>[0-9]+))?|(?P<midnight>24:00:00(?:\.0+)?))"
    r"(?P<tz>Z|(?P<sign>[+-])(?P<tzh>0[0-9]|1[0-3]):(?P<tzm>[0-5][0-9])|[+-]14:00)$"
)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# Characters RFC 3987 never allows in an IRI (whitespace, controls, and <>"{}|\^`).
NOT_IN_IRI = re.compile(r"[\s\x00-\x1f\x7f<>\"{}|\\^`]")
_DID = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%\-]*[A-Za-z0-9._%\-](?:[/?#].*)?$")
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")


@dataclass(frozen=True)
class ConformanceProblem:
    """One way a document departs from the data model.

    ``path`` is a JSON Pointer (RFC 6901) into the document; ``problem_type`` is the W3C VC 2.0
    problem type name (``MALFORMED_VALUE_ERROR``, ``RANGE_ERROR``, ``PARSING_ERROR``).
    """

    path: str
    message: str
    severity: Severity = "error"
    problem_type: str = MALFORMED

    def __str__(self) -> str:
        return f"{self.severity}: {self.path or '/'}: {self.message}"


def is_absolute_iri(value: object) -> bool:
    """True for an absolute IRI with a scheme (``https://…``, ``did:…``, ``urn:uuid:…``).

    HTTP(S) URLs also need a host; DIDs need a method and a method-specific id.
    """
    if not isinstance(value, str) or not SCHEME.match(value) or NOT_IN_IRI.search(value):
        return False
    scheme = value.split(":", 1)[0].lower()
    if scheme in ("http", "https"):
        try:
            parts = urlsplit(value)
        except ValueError:
            return False
        return bool(parts.hostname) and value[len(scheme) + 1 :].startswith("//")
    if scheme == "did":
        return bool(_DID.match(value))
    return len(value) > len(scheme) + 1


def is_date_time_stamp(value: object) -> bool:
    """True for an XML Schema ``dateTimeStamp``: a date and time with a time zone."""
    return _instant(value) is not None


class Checker:
    """Collects the problems of one document, in the order they are found."""

    def __init__(self) -> None:
        self.problems: list[ConformanceProblem] = []

    def error(self, path: str, message: str, problem_type: str = MALFORMED) -> None:
        self.problems.append(ConformanceProblem(path, message, "error", problem_type))

    def warning(self, path: str, message: str, problem_type: str = MALFORMED) -> None:
        self.problems.append(ConformanceProblem(path, message, "warning", problem_type))


def shown(value: object, limit: int = 80) -> str:
    """A JSON value as a message shows it: a string quoted, anything else as JSON (``null``,
    ``true``, ``["a"]``), never Python's ``None`` or ``True``; long values cut short."""
    if isinstance(value, str):
        text = repr(value)
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
        except (TypeError, ValueError):
            text = type(value).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pointer(base: str, *parts: str | int) -> str:
    """The JSON Pointer ``base`` extended by ``parts``, escaped (RFC 6901 §3)."""
    # Made for every item a check visits, problem or not: escape only what needs it.
    out = base
    for part in parts:
        text = str(part)
        if "~" in text or "/" in text:
            text = text.replace("~", "~0").replace("/", "~1")
        out += "/" + text
    return out


def context_list(value: Any) -> list[Any]:
    """The ``@context`` value as a list (one item, or none when absent)."""
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def items(value: Any, path: str) -> Iterator[tuple[Any, str]]:
    """(item, path) for a value that JSON-LD allows as one object or an array of them."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield item, pointer(path, index)
    else:
        yield value, path


def check_optional_id(check: Checker, node: Mapping[str, Any], path: str) -> None:
    """VC 2.0 §4.4: an ``id``, when present, is one URL."""
    if "id" not in node:
        return
    value = node["id"]
    where = pointer(path, "id")
    if isinstance(value, list):
        check.error(where, "The id must be a single URL, not a list.")
    elif not is_absolute_iri(value):
        check.error(where, f"The id {shown(value)} is not a URL.")


def is_language_value(value: Any) -> bool:
    """VC 2.0 §4.6: a ``@value`` object with optional ``@language`` and ``@direction``."""
    if not isinstance(value, Mapping) or not isinstance(value.get("@value"), str):
        return False
    if set(value) - {"@value", "@language", "@direction"}:
        return False
    language = value.get("@language")
    if language is not None and not (isinstance(language, str) and _LANGUAGE_TAG.match(language)):
        return False
    return value.get("@direction") in (None, "ltr", "rtl")


#: An instant, exactly: whole seconds since 0000-03-01T00:00:00Z, then the digits of the
#: fraction of a second without trailing zeros. Tuples of these compare as the instants do
#: (digit strings without trailing zeros order as the fractions they write), without the
#: fractions module, which a cold start would otherwise import for this alone.
Instant = tuple[int, str]


def _instant(value: object) -> Instant | None:
    """A dateTimeStamp's instant (see :data:`Instant`); None if malformed."""
    if not isinstance(value, str):
        return None
    match = _DATE_TIME_STAMP.match(value)
    if not match:
        return None
    year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    month_days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    if day > month_days[month - 1]:
        return None
    if match["midnight"]:
        hour, minute, second, fraction = 24, 0, 0, ""
    else:
        hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"])
        fraction = (match["fraction"] or "").rstrip("0")
    offset = 0
    if match["tz"] != "Z":
        sign = -1 if match["tz"][0] == "-" else 1
        hours, minutes = (14, 0) if match["tzh"] is None else (int(match["tzh"]), int(match["tzm"]))
        offset = sign * (hours * 3600 + minutes * 60)
    days = _days_from_civil(year, month, day)
    return days * 86400 + hour * 3600 + minute * 60 + second - offset, fraction


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days of the proleptic Gregorian calendar, valid for any year (H. Hinnant's algorithm)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era


def check_date(check: Checker, doc: Mapping[str, Any], key: str) -> Instant | None:
    """The instant of a dateTimeStamp property, reporting a malformed one; None if absent."""
    if key not in doc:
        return None
    value = doc[key]
    instant = _instant(value)
    if instant is None:
        check.error(
            pointer("", key),
            f"The {key} {shown(value)} is not a date and time with a time zone "
            "(XML Schema dateTimeStamp, e.g. 2026-01-31T09:00:00Z).",
        )
    return instant
