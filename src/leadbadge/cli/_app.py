"""The root ``leadbadge`` command group and its error handling.

Every failure ends in one plain sentence on stderr and a documented exit code (docs/cli.md),
never a traceback: 0 success (for verify: valid), 1 invalid, 2 inconclusive, 3 usage or
unreadable input, 4 internal error, 130 interrupted.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Mapping, Sequence
from typing import Any, Final, NoReturn

import click

from leadbadge import LeadbadgeError, __version__
from leadbadge.cli import _collection
from leadbadge.cli._common import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    echo,
    say_error,
    sentence,
    set_quiet,
)


def _add_examples(group: click.Group) -> None:
    """An Examples section at the end of each registered command's help."""
    # Read when a command loads, not when the root group does.
    from leadbadge.cli._examples import EXAMPLES

    for name, command in group.commands.items():
        lines = EXAMPLES.get(name)
        if lines and command.epilog is None:
            # "\b" keeps click from re-wrapping the example lines.
            command.epilog = "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


def _usage_message(error: click.UsageError) -> str:
    message = sentence(error.format_message())
    command = error.ctx.command_path if error.ctx else "leadbadge"
    # click's suggestions end in a question ("Did you mean 'verify'?"): a new sentence follows.
    if message.endswith("?"):
        return f"{message} See '{command} --help'."
    return f"{message.rstrip('.')}; see '{command} --help'."


#: The module (in leadbadge.cli) of each top-level command. A command's module is imported when
#: the command is asked for - run, completed, or listed by a help - so ``leadbadge verify``
#: does not load the issuing, batch, ledger or server commands and what they import.
COMMAND_MODULES: Final[Mapping[str, str]] = {
    "bake": "cmd_share",
    "demo": "cmd_demo",
    "endorse": "cmd_endorse",
    "endorsements": "cmd_endorsements",
    "evidence-template": "cmd_framework",
    "framework": "cmd_framework",
    "init": "cmd_issuer",
    "issue": "cmd_issuer",
    "issue-batch": "cmd_batch",
    "keys": "cmd_issuer",
    "ledger": "cmd_ledger",
    "publish": "cmd_issuer",
    "qr": "cmd_share",
    "renew": "cmd_renew",
    "revoke": "cmd_status",
    "serve": "cmd_serve",
    "suspend": "cmd_status",
    "trust": "cmd_trust",
    "unbake": "cmd_share",
    "unsuspend": "cmd_status",
    "verify": "cmd_verify",
}


class LoadsWhenCalled(click.Command):
    """A command whose callback imports what it needs, then calls
    :func:`leadbadge.cli._collection.resume` (the root group leaves collection paused)."""


class LeadbadgeGroup(click.Group):
    """A click group that maps every exception to one sentence and an exit code.

    The root group's commands load on demand (:data:`COMMAND_MODULES`).
    """

    lazy_commands: Mapping[str, str] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(self.lazy_commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = self.lazy_commands.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            # The module registers its commands on this group when imported.
            importlib.import_module(f"leadbadge.cli.{module}")
            _add_examples(self)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if not isinstance(command, LoadsWhenCalled):
            _collection.resume()
        return name, command, rest

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if ctx.parent is not None:  # a subgroup (trust, keys…): click's one list
            super().format_commands(ctx, formatter)
            return
        from leadbadge.cli._examples import ROLES

        listed: set[str] = set()
        for title, names in ROLES:
            rows = self._rows(ctx, formatter, names)
            listed.update(names)
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)
        rest = self._rows(ctx, formatter, [n for n in self.list_commands(ctx) if n not in listed])
        if rest:
            with formatter.section("Other commands"):
                formatter.write_dl(rest)

    def _rows(
        self, ctx: click.Context, formatter: click.HelpFormatter, names: Sequence[str]
    ) -> list[tuple[str, str]]:
        # As click limits the short help: by the widest name, so no line wraps.
        limit = formatter.width - 6 - max(len(n) for n in names) if names else 0
        rows = []
        for name in names:
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        return rows

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> NoReturn:
        extra.pop("standalone_mode", None)
        try:
            result = super().main(args, prog_name, standalone_mode=False, **extra)
        except click.exceptions.Abort:
            say_error("Interrupted.")
            sys.exit(EXIT_INTERRUPTED)
        except click.exceptions.NoArgsIsHelpError as error:
            # A group named without a subcommand ("leadbadge", "leadbadge trust") asks for its
            # help, as --help does: the help as click lays it out, on stdout, exit 0.
            echo(error.ctx.get_help() if error.ctx else self.get_help(click.Context(self)))
            sys.exit(EXIT_OK)
        except click.UsageError as error:
            say_error(_usage_message(error))
            sys.exit(EXIT_USAGE)
        except click.ClickException as error:
            say_error(sentence(error.format_message()))
            sys.exit(EXIT_USAGE)
        except LeadbadgeError as error:
            say_error(sentence(error.message))
            sys.exit(EXIT_USAGE)
        except OSError as error:
            where = f" {error.filename}" if error.filename else ""
            reason = error.strerror or type(error).__name__
            say_error(f"Could not use{where}: {reason}; check the path and permissions.")
            sys.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            say_error("Interrupted.")
            sys.exit(EXIT_INTERRUPTED)
        except Exception as error:  # noqa: BLE001 - the last line of defence against tracebacks
            say_error(
                f"Internal error ({type(error).__name__}); please report it with the command "
                "you ran."
            )
            sys.exit(EXIT_INTERNAL)
        sys.exit(result if isinstance(result, int) else EXIT_OK)


@click.group(cls=LeadbadgeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="leadbadge")
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print no progress or status lines, only results and errors.",
)
def cli(quiet: bool) -> None:
    """Issue and verify Open Badges 3.0 credentials for school-leadership certification.

    Every command has --help with examples. Shell completion: see docs/cli.md.
    """
    set_quiet(quiet)


cli.lazy_commands = COMMAND_MODULES
