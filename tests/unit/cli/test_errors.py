"""Every CLI failure is one plain sentence with a documented exit code, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from leadbadge.cli import cli
from leadbadge.errors import InputError
from tests.unit.cli._cli import refused, run


def test_unknown_command_is_usage_error_exit_3() -> None:
    assert "No such command" in refused("no-such-command")


def test_library_error_becomes_one_sentence() -> None:
    @cli.command("boom-input")
    def _boom() -> None:
        raise InputError("The e-mail address 'x' is not valid", field="email")

    try:
        line = refused("boom-input")
    finally:
        cli.commands.pop("boom-input")
    assert line == "leadbadge: The e-mail address 'x' is not valid."


def test_unexpected_error_is_internal_exit_4_without_traceback() -> None:
    @cli.command("boom-bug")
    def _bug() -> None:
        raise ZeroDivisionError

    try:
        line = refused("boom-bug", code=4)
    finally:
        cli.commands.pop("boom-bug")
    assert "Internal error (ZeroDivisionError)" in line


def test_command_return_value_is_exit_code() -> None:
    @cli.command("returns-two")
    @click.pass_context
    def _two(ctx: click.Context) -> None:
        ctx.exit(2)

    try:
        result = run("returns-two")
    finally:
        cli.commands.pop("returns-two")
    assert result.exit_code == 2


def test_python_dash_m_runs_the_cli() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "leadbadge", "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0
    assert "leadbadge" in proc.stdout


@pytest.mark.parametrize(
    "group", [(), ("trust",), ("keys",), ("ledger",), ("framework",), ("endorsements",)]
)
def test_a_group_without_a_subcommand_shows_its_help(group: tuple[str, ...]) -> None:
    result = run(*group)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == run(*group, "--help").stdout
    assert result.stdout.startswith("Usage: ")
    assert "\nCommands:\n" in result.stdout or "\nVerifiers (hiring offices):\n" in result.stdout


def test_a_suggestion_is_its_own_sentence() -> None:
    line = refused("verfy")
    assert "No such command 'verfy'. Did you mean 'verify'? See '" in line
    assert line.endswith(" --help'.")


def test_a_ctrl_c_while_the_commands_load_is_an_interrupt(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import leadbadge.cli

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(leadbadge.cli, "_load", interrupted)
    with pytest.raises(SystemExit) as caught:
        leadbadge.cli.main()
    assert caught.value.code == 130
    assert capsys.readouterr().err == "leadbadge: Interrupted.\n"
