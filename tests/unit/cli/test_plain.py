"""The verify report's writer: colour rules, column alignment and wrapping on a terminal."""

from __future__ import annotations

import io

import pytest

from leadbadge.cli import _plain
from leadbadge.cli._plain import Output

ROWS = [
    [[("Signature", "")], [("pass", "green")], [("The signature matches.", "")]],
    [
        [("Issuer trust", "")],
        [("unknown", "magenta")],
        [("The issuer is not pinned.", ""), (" Pin it with `leadbadge trust add`.", "dim")],
    ],
]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("env", "terminal", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": ""}, True, True),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, False, False),
        ({"TERM": "dumb"}, True, False),
        ({"FORCE_COLOR": "1"}, False, True),
    ],
)
def test_colour_only_on_a_terminal_and_as_the_environment_says(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], terminal: bool, expected: bool
) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("sys.stdout", _Terminal() if terminal else io.StringIO())
    assert Output.stdout().colour is expected
    assert (Output.stdout().width is not None) is terminal


def test_off_a_terminal_a_row_is_one_line_with_columns_aligned(
    capsys: pytest.CaptureFixture[str],
) -> None:
    Output(colour=False, width=None).table(("check", "status", "finding"), ROWS)
    assert capsys.readouterr().out.splitlines() == [
        "check         status   finding",
        "Signature     pass     The signature matches.",
        "Issuer trust  unknown  The issuer is not pinned. Pin it with `leadbadge trust add`.",
    ]


def test_on_a_terminal_the_last_column_wraps_under_its_own_start(
    capsys: pytest.CaptureFixture[str],
) -> None:
    Output(colour=False, width=48).table(("check", "status", "finding"), ROWS)
    assert capsys.readouterr().out.splitlines() == [
        "check         status   finding",
        "Signature     pass     The signature matches.",
        "Issuer trust  unknown  The issuer is not pinned.",
        "                       Pin it with `leadbadge",
        "                       trust add`.",
    ]


def test_styles_apply_to_their_own_segments(capsys: pytest.CaptureFixture[str]) -> None:
    out = Output(colour=True, width=None)
    out.line(("VALID", "bold green"), ("  file.json", ""))
    out.table(("check", "status", "finding"), ROWS[1:])
    headline, header, row = capsys.readouterr().out.splitlines()
    assert headline == "\x1b[32m\x1b[1mVALID\x1b[0m  file.json"
    assert header.startswith("\x1b[1mcheck\x1b[0m")
    # The action is dim, the message and the space between them are not.
    assert "The issuer is not pinned. \x1b[2mPin\x1b[0m" in row
    assert "\x1b[35munknown\x1b[0m" in row


def test_a_word_longer_than_the_column_is_cut() -> None:
    lines = _plain._wrap([("x" * 50, "")], 20)
    assert [text for line in lines for text, _ in line] == ["x" * 20, "x" * 20, "x" * 10]


def test_wide_characters_take_two_cells() -> None:
    assert _plain._width("証明書") == 6
    assert _plain._width("é") == 1
    assert _plain._width("e\u0301") == 1
    lines = _plain._wrap([("証明書 証明書", "")], 7)
    assert len(lines) == 2


def test_an_empty_finding_still_prints_its_row(capsys: pytest.CaptureFixture[str]) -> None:
    Output(colour=False, width=40).table(("a", "b"), [[[("x", "")], [("", "")]]])
    assert capsys.readouterr().out.splitlines() == ["a  b", "x"]


def test_whitespace_inside_a_finding_never_splits_a_row(
    capsys: pytest.CaptureFixture[str],
) -> None:
    Output(colour=False, width=None).table(("a", "b"), [[[("x", "")], [("one\ntwo\tthree", "")]]])
    assert capsys.readouterr().out.splitlines() == ["a  b", "x  one two three"]


HOSTILE = "Evil\x1b[2J\x1b[32m\nVALID\x07\x9b31m\u202eabc\x7f\ttab"


def test_control_characters_in_what_a_credential_says_are_never_written_as_they_are(
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = Output(colour=True, width=None)
    out.line((HOSTILE, "bold"))
    out.text(HOSTILE)
    out.table(("a", "b"), [[[(HOSTILE, "red")], [(HOSTILE, "dim")]]])
    written = capsys.readouterr().out
    for char in ("\x1b[2J", "\x1b[32m\n", "\x07", "\x9b", "\u202e", "\x7f", "\t"):
        assert char not in written
    # One line each: the headline, the text, the table's header and its row.
    assert len(written.splitlines()) == 4
    assert "Evil\ufffd[2J\ufffd[32m VALID\ufffd\ufffd31m\ufffdabc\ufffd tab" in written


def test_printable_keeps_every_character_in_its_place() -> None:
    assert _plain.printable(HOSTILE) == (
        "Evil\ufffd[2J\ufffd[32m VALID\ufffd\ufffd31m\ufffdabc\ufffd tab"
    )
    assert _plain.printable("Ana Ruiz — 証明書 é") == "Ana Ruiz — 証明書 é"
