"""RFC 8785 canonical JSON: member order, string escapes, ECMAScript numbers, refusals."""

from __future__ import annotations

import random

import pytest

from leadbadge.errors import InputError
from leadbadge.ld.jcs import canonical_json


def test_rfc_8785_sorting_and_strings() -> None:
    # RFC 8785 §3.2.3: sorting by UTF-16 code units; §3.2.2.2: minimal escaping.
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew",
        "1": "One",
        "\U0001f600": "Emoji",
        "\u0080": "Control",
        "\u00f6": "Latin",
    }
    expected = (
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin",'
        '"\u20ac":"Euro Sign","\U0001f600":"Emoji","\ufb33":"Hebrew"}'
    )
    assert canonical_json(value).decode() == expected
    assert (
        canonical_json({"a": '\u001f\b\t\n\f\r"\\/'}) == b'{"a":"\\u001f\\b\\t\\n\\f\\r\\"\\\\/"}'
    )


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (6.0, "6"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (123.456, "123.456"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (9007199254740993, "9007199254740992"),
        (333333333.3333333, "333333333.3333333"),
        (-1.5e-9, "-1.5e-9"),
    ],
)
def test_rfc_8785_numbers_follow_ecmascript(number: float, text: str) -> None:
    assert canonical_json(number).decode() == text


def test_what_has_no_canonical_form() -> None:
    for bad in (float("nan"), float("inf"), "\ud800", {1: "a"}, object()):
        with pytest.raises(InputError):
            canonical_json(bad)


# --- links -------------------------------------------------------------------------------------


def _spec_string(text: str) -> str:
    """RFC 8785 §3.2.2.2 read literally, one character at a time: the reference."""
    short = {
        '"': '\\"',
        "\\": "\\\\",
        "\b": "\\b",
        "\t": "\\t",
        "\n": "\\n",
        "\f": "\\f",
        "\r": "\\r",
    }
    out = []
    for char in text:
        if char in short:
            out.append(short[char])
        elif ord(char) < 0x20:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def test_strings_are_escaped_exactly_as_the_rfc_says() -> None:
    every = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    for start in range(0, len(every), 4096):
        text = "".join(every[start : start + 4096])
        assert canonical_json(text) == _spec_string(text).encode("utf-8")
    rng = random.Random(8785)  # noqa: S311 - reproducible test data, not secrets
    for _ in range(2000):
        text = "".join(rng.choice(every[:0x3000]) for _ in range(rng.randrange(12)))
        assert canonical_json({text: text}) == (
            "{" + _spec_string(text) + ":" + _spec_string(text) + "}"
        ).encode("utf-8")
