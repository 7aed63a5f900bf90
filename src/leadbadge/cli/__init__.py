"""The ``leadbadge`` command line: a thin layer over the public API.

Each command group lives in its own ``cmd_*`` module and registers itself on the root group;
heavy imports (JSON-LD, cryptography) happen inside commands so ``--help`` stays fast.
"""

from __future__ import annotations

from typing import NoReturn

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
from leadbadge.cli import cmd_share  # noqa: F401  # isort: skip
from leadbadge.cli import cmd_trust  # noqa: F401  # isort: skip
from leadbadge.cli import cmd_verify  # noqa: F401  # isort: skip

__all__ = ["cli", "main"]


def main() -> NoReturn:
    cli.main(prog_name="leadbadge")
