"""Exit codes, console output and the error handling every command shares."""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rich.console import Console

#: Documented exit codes (docs/cli.md). verify uses 0/1/2 for its verdict.
EXIT_OK = 0
EXIT_INVALID = 1
EXIT_INCONCLUSIVE = 2
EXIT_USAGE = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130


def discard_stdout() -> None:
    """Send the rest of standard output to the null device.

    Called when whoever read it has gone (``leadbadge verify x.json | head -1``): the command
    still finishes its work and exits with its own code; a closed pipe is not a failure of the
    command, and must never turn a verdict into another.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    finally:
        os.close(devnull)


def echo(message: str = "", *, nl: bool = True, colour: bool | None = None) -> None:
    """``click.echo`` to stdout that outlives a closed pipe (see :func:`discard_stdout`).

    ``colour``: keep (True) or strip (False) ANSI styles; None leaves it to click (kept only on
    a terminal).
    """
    try:
        click.echo(message, nl=nl, color=colour)
        sys.stdout.flush()
    except BrokenPipeError:
        discard_stdout()


# A spreadsheet runs a cell that starts like a formula; a leading quote keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """``value`` as a spreadsheet cell that is read as text, never run as a formula."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def print_rows(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, styles: Sequence[str] = ()
) -> None:
    """A table on a terminal; otherwise (a pipe, a file) a header line and one tab-separated
    line per row, for grep, cut and spreadsheets: never wrapped, one record per line.

    ``styles`` gives, per row, a rich style for its last cell on a terminal (e.g. a status).
    """
    if not sys.stdout.isatty():
        echo("\t".join(headers))
        for row in rows:
            # Tabs and newlines inside a value would split the line.
            echo("\t".join(safe_cell(" ".join(cell.split())) for cell in row))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table()
    table.add_column(headers[0], no_wrap=True)
    for header in headers[1:]:
        table.add_column(header, overflow="fold")
    for number, row in enumerate(rows):
        cells = [Text(cell) for cell in row]
        if number < len(styles) and styles[number]:
            cells[-1].stylize(styles[number])
        table.add_row(*cells)
    console().print(table)


@functools.cache
def _console_class() -> type[Console]:
    # rich is imported here, not with this module: `leadbadge verify` prints without it, and
    # its import is a good part of a cold start.
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            # rich's default exits with status 1, which verify documents as "invalid".
            self.quiet = True
            discard_stdout()

    return _Console


def console(*, stderr: bool = False) -> Console:
    """A console that uses colour only on a terminal (and never when NO_COLOR is set)."""
    # emoji=False: rich would turn "did:key:z6Mk" into a key emoji.
    return _console_class()(stderr=stderr, highlight=False, soft_wrap=True, emoji=False)


_QUIET = [False]


def set_quiet(quiet: bool) -> None:
    """``leadbadge --quiet``: :func:`say` prints nothing for the rest of the command."""
    _QUIET[0] = quiet


def show_progress() -> bool:
    """Whether to draw a progress display: on a terminal (stderr), and not under --quiet."""
    return sys.stderr.isatty() and not _QUIET[0]


def say(text: str) -> None:
    """A status line on stderr (what was done, what to do next), unless ``--quiet``; stdout
    carries only results. Errors and warnings are not status lines: they always print."""
    if not _QUIET[0]:
        click.echo(text, err=True)


def say_error(message: str) -> None:
    """Print one plain sentence to stderr, no markup interpretation of user-supplied text."""
    click.echo(f"leadbadge: {message}", err=True)


def sentence(text: str) -> str:
    """Make ``text`` a single sentence that ends with a full stop."""
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


#: ``--issuer DIR``: the issuer home every issuing and ledger command works on.
issuer_option = click.option(
    "--issuer",
    "issuer_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The issuer home made by 'leadbadge init'.",
)


def check_output(output: Path, *, force: bool) -> None:
    """Refuse ``--output`` before anything is signed or recorded, if it cannot be written."""
    from leadbadge import _fs

    if not force and os.path.lexists(output):
        raise click.ClickException(f"{output} exists; use --force to replace it.")
    folder = output.parent
    if not folder.is_dir():
        raise click.ClickException(
            f"The folder {folder} does not exist; create it or choose another --output "
            "(nothing was issued)."
        )
    try:
        _fs.probe_writable(folder)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise click.ClickException(
            f"Cannot write into {folder} ({reason}); choose another --output (nothing was issued)."
        ) from None


def write_recorded(
    output: Path, text: str, *, force: bool, credential_id: str, issuer_dir: Path
) -> None:
    """Write a credential that is already in the ledger to ``output``; if that fails, say
    exactly what was recorded and how to get the file, so nobody issues it twice."""
    from leadbadge import _fs
    from leadbadge.errors import InputError

    recover = (
        f'its signed document is the "document" of \'leadbadge ledger show {credential_id} '
        f"--issuer {issuer_dir} --json'; do not issue it again"
    )
    try:
        _fs.atomic_write_text(output, text, overwrite=force)
    except InputError:
        raise click.ClickException(
            f"{output} appeared while the credential was being written; it is recorded in the "
            f"ledger as {credential_id}: use --force to write it, or {recover}."
        ) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise click.ClickException(
            f"The credential is recorded in the ledger as {credential_id} but could not be "
            f"written to {output} ({reason}); {recover}."
        ) from None


_DATE_ONLY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_when(value: str | None, option: str) -> datetime | None:
    """An instant given on the command line: an ISO 8601 date-time (no zone means UTC) or a
    date (midnight UTC)."""
    if value is None:
        return None
    text = value.strip()
    try:
        if _DATE_ONLY_RE.match(text):
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date or date-time (for example 2031-01-01T00:00:00Z)",
            param_hint=f"'{option}'",
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
