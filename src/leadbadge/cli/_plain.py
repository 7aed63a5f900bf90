"""Styled lines and an aligned table on standard output, without rich.

``leadbadge verify`` prints a headline, a few lines and a three-column table. Most of a cold
verify is start-up, and rich's import and layout engine cost about as much as checking the
credential, so the verify report is written with this instead. Colour follows the usual rules:
only on a terminal, never under ``NO_COLOR`` or ``TERM=dumb``; ``FORCE_COLOR`` colours
output that is not a terminal.
On a terminal the last column wraps at the terminal's width under its own start; anywhere else
(a pipe, a file) a row is one line, for grep.

What a credential says (its names, ids, the values a finding quotes) is the credential author's
text: control characters in it are never written as they are. An escape sequence would command
the verifier's terminal (recolour, move the cursor, rewrite the verdict line), a line break would
start a line that looks like the report's own, and the bidirectional overrides and isolates
reorder what follows them on the line.
"""

from __future__ import annotations

import os
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from typing import TextIO

import click

from leadbadge.cli._common import echo

#: A run of text and its style: space-separated words among bold, dim and a colour name.
Segment = tuple[str, str]
#: A table cell: one or more segments, written one after another.
Cell = Sequence[Segment]

_WHITESPACE_CONTROLS = "\t\n\v\f\r"
#: C0 and C1 controls and DEL, and the bidirectional embeddings, overrides and isolates: a
#: whitespace control becomes a space, any other one U+FFFD, so that it is seen.
_UNPRINTABLE = str.maketrans(
    {
        code: " " if chr(code) in _WHITESPACE_CONTROLS else "\ufffd"
        for code in (
            *range(0x20),
            *range(0x7F, 0xA0),
            *range(0x202A, 0x202F),
            *range(0x2066, 0x206A),
        )
    }
)

_GAP = "  "
# Below this many columns for the last one, wrapping would make a column of single words.
_MIN_WRAP = 20


def _wants_colour(stream: TextIO) -> bool:
    # As no-color.org and rich read them: set means set to a non-empty value.
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


def printable(text: str) -> str:
    """``text`` with every control character replaced (see the module's documentation); each
    character stays one character."""
    return text.translate(_UNPRINTABLE)


def _width(text: str) -> int:
    """Terminal cells ``text`` takes: East Asian wide characters take two, combining none."""
    if text.isascii():
        return len(text)
    cells = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        cells += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return cells


class Output:
    """Where the verify report goes: knows whether to colour and where to wrap."""

    def __init__(self, *, colour: bool, width: int | None) -> None:
        self.colour = colour
        #: The terminal's width, or None to never wrap.
        self.width = width

    @classmethod
    def stdout(cls) -> Output:
        stream = sys.stdout
        try:
            terminal = stream.isatty()
        except (AttributeError, ValueError):
            terminal = False
        width = shutil.get_terminal_size().columns if terminal else None
        return cls(colour=_wants_colour(stream), width=width)

    def styled(self, text: str, style: str) -> str:
        text = printable(text)
        if not self.colour or not style or not text:
            return text
        words = style.split()
        colours = [word for word in words if word not in ("bold", "dim")]
        return click.style(
            text,
            fg=colours[0] if colours else None,
            bold="bold" in words or None,
            dim="dim" in words or None,
        )

    def line(self, *segments: Segment) -> None:
        """One line made of ``segments``, each styled as it says."""
        echo("".join(self.styled(text, style) for text, style in segments), colour=self.colour)

    def text(self, text: str = "") -> None:
        echo(printable(text), colour=self.colour)

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
        """Columns two spaces apart, headers in bold; only the last column wraps. A cell of the
        other columns is one segment."""
        widths = [
            max([_width(header)] + [_width(row[index][0][0]) for row in rows])
            for index, header in enumerate(headers[:-1])
        ]
        indent = sum(widths) + len(_GAP) * len(widths)
        room = None if self.width is None else max(self.width - indent, _MIN_WRAP)
        self._row(
            [(header, "bold") for header in headers[:-1]], widths, [(headers[-1], "bold")], room
        )
        for row in rows:
            self._row([cell[0] for cell in row[:-1]], widths, row[-1], room)

    def _row(
        self, fixed: Sequence[Segment], widths: Sequence[int], last: Cell, room: int | None
    ) -> None:
        lead = "".join(
            self.styled(text, style) + " " * (width - _width(text)) + _GAP
            for (text, style), width in zip(fixed, widths, strict=True)
        )
        hanging = " " * (sum(widths) + len(_GAP) * len(widths))
        for number, segments in enumerate(_wrap(last, room)):
            body = "".join(self.styled(text, style) for text, style in segments)
            echo(((lead if number == 0 else hanging) + body).rstrip(" "), colour=self.colour)


def _wrap(cell: Cell, room: int | None) -> list[list[Segment]]:
    """``cell`` as lines of at most ``room`` cells, broken between words; a word longer than a
    line is cut. Without ``room``, one line with the cell's whitespace runs made single spaces
    (a finding is prose; a newline inside it would split the row)."""
    words: list[Segment] = [(word, style) for text, style in cell for word in text.split()]
    if room is None:
        return [_joined(words)]
    lines: list[list[Segment]] = []
    current: list[Segment] = []
    used = 0
    for whole, style in words:
        word = whole
        while _width(word) > room:
            if current:
                lines.append(_joined(current))
                current, used = [], 0
            cut = _fit(word, room)
            lines.append([(word[:cut], style)])
            word = word[cut:]
        needed = _width(word) + (1 if current else 0)
        if current and used + needed > room:
            lines.append(_joined(current))
            current, used, needed = [], 0, _width(word)
        current.append((word, style))
        used += needed
    if current:
        lines.append(_joined(current))
    return lines or [[]]


def _fit(word: str, room: int) -> int:
    """How many characters of ``word`` fill at most ``room`` cells (at least one)."""
    used = 0
    for index, char in enumerate(word):
        used += _width(char)
        if used > room:
            return max(index, 1)
    return len(word)


def _joined(words: list[Segment]) -> list[Segment]:
    """Words as segments with the spaces between them, unstyled so a dim run does not dim a
    gap before a plain word."""
    out: list[Segment] = []
    for index, (word, style) in enumerate(words):
        if index:
            out.append((" ", ""))
        out.append((word, style))
    return out
