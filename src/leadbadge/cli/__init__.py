"""The ``leadbadge`` command line: a thin layer over the public API.

Each command group lives in its own ``cmd_*`` module and registers itself on the root group
when the root group first needs it; heavy imports (JSON-LD, cryptography) happen inside
commands so ``--help`` stays fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    import click

    from leadbadge.cli._app import cli

__all__ = ["cli", "main"]


def _load() -> click.Group:
    # The commands themselves load when asked for (leadbadge.cli._app.COMMAND_MODULES).
    from leadbadge.cli._app import cli

    return cli


def main() -> NoReturn:
    # The commands are imported here, not when this module is, so that a Ctrl-C while they
    # load (the first few hundred milliseconds) is an interrupt like any other.
    from leadbadge.cli import _collection

    _collection.pause()
    try:
        app = _load()
    except KeyboardInterrupt:
        sys.stderr.write("leadbadge: Interrupted.\n")
        sys.exit(130)
    app.main(prog_name="leadbadge")


def __getattr__(name: str) -> Any:
    if name == "cli":
        return _load()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
