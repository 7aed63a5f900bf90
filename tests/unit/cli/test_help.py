"""The root help grouped by role, an Examples section in every command's help, --quiet, and
shell completion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from leadbadge.cli import cli
from leadbadge.cli._examples import EXAMPLES, ROLES
from tests.unit.cli._cli import CONSOLE_SCRIPT, issue_args, ok, refused


def test_the_root_help_groups_every_command_by_role_once() -> None:
    text = ok("--help").stdout
    titles = [title for title, _ in ROLES]
    positions = [text.index(f"\n{title}:\n") for title in titles]
    assert positions == sorted(positions)
    grouped = [name for _, names in ROLES for name in names]
    every = cli.list_commands(click.Context(cli))
    assert sorted(grouped) == every
    assert "Other commands" not in text
    for name in every:
        assert sum(line.split()[:1] == [name] for line in text.splitlines()) == 1, name


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_command_help_ends_with_examples_of_itself(name: str) -> None:
    text = ok(name, "--help").stdout
    _, _, examples = text.partition("\n  Examples:\n")
    assert examples, text
    lines = [line.strip() for line in examples.splitlines() if line.strip()]
    starts = [line for line in lines if line.startswith("leadbadge ")]
    assert starts
    assert all(line.split()[1] == name for line in starts), lines


def test_quiet_leaves_results_and_errors_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ok("init", str(home), "--name", "Academy", "--url", "https://academy.example.org")
    loud = ok(*issue_args(home, "initial", "-o", str(tmp_path / "a.json")))
    assert "Wrote " in loud.stderr
    quiet = ok("--quiet", *issue_args(home, "initial", "-o", str(tmp_path / "b.json")))
    assert quiet.stderr == ""
    assert (tmp_path / "b.json").is_file()
    # The next command is not quiet: the flag is per command.
    assert "Wrote " in ok(*issue_args(home, "initial", "-o", str(tmp_path / "c.json"))).stderr
    assert "exists; use --force" in refused(
        "-q", *issue_args(home, "initial", "-o", str(tmp_path / "b.json"))
    )


def test_bash_completion_script_and_completions() -> None:
    env = {**os.environ, "_LEADBADGE_COMPLETE": "bash_source"}
    script = subprocess.run(
        [str(CONSOLE_SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert script.returncode == 0, script.stderr
    assert "_leadbadge_completion()" in script.stdout
    env = {**os.environ, "_LEADBADGE_COMPLETE": "bash_complete", "COMP_WORDS": "leadbadge ver",
           "COMP_CWORD": "1"}  # fmt: skip
    found = subprocess.run(
        [str(CONSOLE_SCRIPT)], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert found.returncode == 0, found.stderr
    assert "plain,verify" in found.stdout.split()


def test_quiet_also_hides_progress_displays(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from leadbadge.cli import _common

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    _common.set_quiet(False)
    assert _common.show_progress()
    _common.set_quiet(True)
    try:
        assert not _common.show_progress()
    finally:
        _common.set_quiet(False)


def test_every_command_loads_from_the_module_the_root_group_names() -> None:
    import importlib
    import pkgutil

    import leadbadge.cli
    from leadbadge.cli._app import COMMAND_MODULES

    modules = [m.name for m in pkgutil.iter_modules(leadbadge.cli.__path__) if m.name[:4] == "cmd_"]
    for module in modules:
        importlib.import_module(f"leadbadge.cli.{module}")
    assert sorted(cli.commands) == sorted(COMMAND_MODULES)
    for name, command in cli.commands.items():
        assert command.callback is not None
        defined_in = command.callback.__module__
        assert defined_in == f"leadbadge.cli.{COMMAND_MODULES[name]}", name


def test_verify_loads_no_other_command() -> None:
    probe = (
        "import sys\n"
        "from leadbadge.cli import cli\n"
        "try:\n"
        "    cli.main(['verify', '--help'], prog_name='leadbadge', standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('leadbadge.cli.cmd_')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "['leadbadge.cli.cmd_verify']"
