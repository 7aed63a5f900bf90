"""Helpers shared by proof formats: XML Schema date-times, the issuer id, proof lists, copies."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from leadbadge.errors import InputError

# XML Schema 1.1 Part 2 §3.3.8 dateTimeStamp (a dateTime with a time zone), as Data Integrity
# 1.0 §2.1 requires for ``created`` and ``expires``. Years are four digits: nothing else is a
# plausible proof date, and Python's datetime cannot hold them anyway.
_DATE_TIME_STAMP = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}:\d{2})(?:\.(?P<fraction>\d+))?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})\Z"
)


def parse_date_time_stamp(value: object, *, field: str) -> datetime:
    """A timezone-aware datetime from an XML Schema ``dateTimeStamp``; InputError otherwise."""
    match = _DATE_TIME_STAMP.match(value) if isinstance(value, str) else None
    if match is None:
        raise InputError(
            f"The proof's {field!r} is not a date-time with a time zone "
            "(like 2024-05-01T12:00:00Z).",
            field=field,
        )
    fraction = (match["fraction"] or "")[:6]
    text = f"{match['date']}T{match['time']}{'.' + fraction if fraction else ''}"
    tz = "+00:00" if match["tz"] == "Z" else match["tz"]
    try:
        return datetime.fromisoformat(text + tz)
    except ValueError:
        raise InputError(f"The proof's {field!r} is not a valid date-time.", field=field) from None


def format_date_time_stamp(moment: datetime, *, field: str) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC, to the second; refuses a naive datetime."""
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(f"{field!r} must be a timezone-aware datetime.", field=field)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_id(document: Mapping[str, Any]) -> str | None:
    """The document's issuer: the ``issuer`` string, or the ``id`` of an ``issuer`` object."""
    issuer = document.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) and issuer else None


def as_list(value: object) -> list[Any]:
    """A JSON value that may be single or an array, as a list (``None`` is empty)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def copy_json(value: Any, _depth: int = 0) -> Any:
    """A deep copy of ``value``: plain JSON (dicts, lists, text, numbers) is copied directly,
    anything else by :func:`copy.deepcopy`.

    A signer copies the whole document; ``copy.deepcopy`` spends most of its time on a memo
    that JSON, a tree, does not need. Past JSON-LD's depth bound the rest is left to
    ``copy.deepcopy`` too, which copies a structure that contains itself, so that the input
    check refuses it as it did before, with its own error.
    """
    kind = type(value)
    if _depth > _COPY_DEPTH:
        return copy.deepcopy(value)
    if kind is dict:
        return {key: copy_json(item, _depth + 1) for key, item in value.items()}
    if kind is list:
        return [copy_json(item, _depth + 1) for item in value]
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    return copy.deepcopy(value)


# Deeper than any document JSON-LD processing accepts (leadbadge.ld.inputs.MAX_JSON_DEPTH).
_COPY_DEPTH = 100
