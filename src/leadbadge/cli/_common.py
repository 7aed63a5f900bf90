"""Exit codes, console output and the error handling every command shares."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
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


def echo(message: str = "", *, nl: bool = True) -> None:
    """``click.echo`` to stdout that outlives a closed pipe (see :func:`discard_stdout`)."""
    try:
        click.echo(message, nl=nl)
        sys.stdout.flush()
    except BrokenPipeError:
        discard_stdout()


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich's default exits with status 1, which verify documents as "invalid".
        self.quiet = True
        discard_stdout()


def console(*, stderr: bool = False) -> Console:
    """A console that uses colour only on a terminal (and never when NO_COLOR is set)."""
    # emoji=False: rich would turn "did:key:z6Mk" into a key emoji.
    return _Console(stderr=stderr, highlight=False, soft_wrap=True, emoji=False)


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
