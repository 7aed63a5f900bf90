"""The ``leadbadge`` command line: a thin layer over the public API.

Each command group lives in its own ``cmd_*`` module and registers itself on the root group;
heavy imports (JSON-LD, cryptography) happen inside commands so ``--help`` stays fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    import click

    from leadbadge.cli._app import cli

__all__ = ["cli", "main"]


def _load() -> click.Group:
    from leadbadge.cli._app import cli

    # Command modules register themselves on ``cli`` when imported.
    from leadbadge.cli import cmd_batch  # noqa: F401  # isort: skip
    from leadbadge.cli import cmd_demo  # noqa: F401  # isort: skip
    from leadbadge.cli import cmd_endorse  # noqa: F401  # isort: skip
    from leadbadge.cli import cmd_endorsements  # noqa: F401  # isort: skip
    from leadbadge.cli import cmd_framework  # noqa: F401  # isort: skip
    from leadbadge.cli import cmd_issuer  # noqa: F401  # isort: skip
    from leadbadge.cli import cmd_ledger  # noqa: F401  # isort: skip
    from leadbadge.cli import cmd_status  # noqa: F401  # isort: skip
    from leadbadge.cli import cmd_renew  # noqa: F401  # isort: skip
    from leadbadge.cli import cmd_serve  # noqa: F401  # isort: skip
    from leadbadge.cli import cmd_share  # noqa: F401  # isort: skip
    from leadbadge.cli import cmd_trust  # noqa: F401  # isort: skip
    from leadbadge.cli import cmd_verify  # noqa: F401  # isort: skip
    from leadbadge.cli._examples import EXAMPLES

    for name, lines in EXAMPLES.items():
        command = cli.commands[name]
        if command.epilog is None:
            # "\b" keeps click from re-wrapping the example lines.
            command.epilog = "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
    return cli


def main() -> NoReturn:
    # The commands are imported here, not when this module is, so that a Ctrl-C while they
    # load (the first few hundred milliseconds) is an interrupt like any other.
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
