"""The value rules every check shares (IRIs, dateTimeStamps) and how a problem reads."""

from __future__ import annotations

from typing import Any

import pytest

from leadbadge.conformance.problems import is_absolute_iri, is_date_time_stamp, shown
from leadbadge.conformance.vc import check_credential_shape
from tests.unit.conformance._documents import vc_credential


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org/a?b#c", True),
        ("http://localhost:8000/x", True),
        ("did:web:example.org", True),
        ("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", True),
        ("urn:uuid:0b2b4f3c-5d7e-4a59-9f43-2f6f6ad0b0a1", True),
        ("mailto:a@example.org", True),
        ("https://", False),
        ("https:example.org", False),
        ("https ://example.org", False),
        ("https://exa mple.org", False),
        ("did:example", False),
        ("did:Web:example.org", False),
        ("example.org/path", False),
        ("", False),
        (None, False),
        (42, False),
    ],
)
def test_is_absolute_iri(value: Any, expected: bool) -> None:
    assert is_absolute_iri(value) is expected


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-31T09:00:00Z",
        "2026-01-31T09:00:00.123456Z",
        "2026-01-31T09:00:00-06:00",
        "2026-01-31T09:00:00+14:00",
        "2024-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z",
        "2026-01-31T24:00:00Z",
        "12026-01-01T00:00:00Z",
        "-0044-03-15T12:00:00Z",
    ],
)
def test_valid_date_time_stamps(value: str) -> None:
    assert is_date_time_stamp(value)


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-31T09:00:00",
        "2026-01-31",
        "2026-01-31 09:00:00Z",
        "2026-01-31t09:00:00z",
        "2026-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-01-31T09:60:00Z",
        "2026-01-31T09:00:00+14:30",
        "2026-01-31T09:00:00+0600",
        "26-01-31T09:00:00Z",
        "Sat 25 Feb 2023 07:16:31 PM CST",
        1700000000,
        None,
    ],
)
def test_invalid_date_time_stamps(value: Any) -> None:
    assert not is_date_time_stamp(value)


def test_problems_read_as_one_line() -> None:
    doc = vc_credential()
    del doc["type"]
    (problem,) = check_credential_shape(doc)
    assert str(problem) == "error: /type: The type property is missing."


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        (["a", 1], '["a", 1]'),
        ({"id": None}, '{"id": null}'),
        ("x", "'x'"),
        ("y" * 200, "'" + "y" * 78 + "…"),
    ],
)
def test_a_json_value_is_shown_as_json(value: Any, text: str) -> None:
    assert shown(value) == text


@pytest.mark.parametrize("field", ["id", "issuer", "validFrom"])
def test_no_message_shows_a_json_null_as_none(field: str) -> None:
    credential = vc_credential()
    credential[field] = None
    messages = [p.message for p in check_credential_shape(credential)]
    assert messages
    assert not any("None" in message for message in messages), messages
    assert any("null" in message for message in messages), messages
