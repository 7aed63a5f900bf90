"""Exit codes, console output and the error handling every command shares."""

from __future__ import annotations

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


def console(*, stderr: bool = False) -> Console:
    """A console that uses colour only on a terminal (and never when NO_COLOR is set)."""
    # emoji=False: rich would turn "did:key:z6Mk" into a key emoji.
    return Console(stderr=stderr, highlight=False, soft_wrap=True, emoji=False)


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
