"""An issuer home on a read-only file system (a mounted backup), through the console script.

Reading commands work; commands that would change the home say it is read-only, and none of
them advises restoring a backup, which could overwrite a healthy ledger. Needs a read-only bind
mount (root with CAP_SYS_ADMIN, as CI has); elsewhere the test skips, and
tests/unit/issuer/test_ledger.py covers the same decisions in-process.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit._issued import PASSPHRASE
from tests.unit.cli._cli import issue_args, one_sentence, run_script


def _mount(*args: str) -> bool:
    proc = subprocess.run(["mount", *args], capture_output=True, check=False, timeout=30)
    return proc.returncode == 0


@pytest.fixture
def read_only_home(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str], str]]:
    env = {**os.environ, "LEADBADGE_PASSPHRASE": PASSPHRASE}
    home = tmp_path / "home"
    init = ["init", str(home), "--name", "Academy", "--url", "https://a.example", "--suspension"]
    made = run_script(init, env)
    assert made.code == 0, made.err
    issued = run_script(issue_args(home), env)
    assert issued.code == 0, issued.err
    credential_id = json.loads(issued.out)["id"]
    mounted = tmp_path / "mounted"
    mounted.mkdir()
    if not _mount("--bind", str(home), str(mounted)):
        pytest.skip("cannot bind-mount a folder here (needs root with CAP_SYS_ADMIN)")
    try:
        if not _mount("-o", "remount,ro,bind", str(mounted)):
            pytest.skip("cannot remount a bind mount read-only here")
        yield mounted, env, credential_id
    finally:
        unmounted = subprocess.run(["umount", str(mounted)], check=False, timeout=30)
        assert unmounted.returncode == 0


def test_reading_commands_work_on_a_read_only_home(
    read_only_home: tuple[Path, dict[str, str], str],
) -> None:
    home, env, credential_id = read_only_home
    listed = run_script(["ledger", "list", "--issuer", str(home), "--json"], env)
    assert listed.code == 0, listed.err
    assert [entry["id"] for entry in json.loads(listed.out)] == [credential_id]
    shown = run_script(["ledger", "show", credential_id, "--issuer", str(home), "--json"], env)
    assert shown.code == 0, shown.err
    assert json.loads(shown.out)["document"]["id"] == credential_id


@pytest.mark.parametrize(
    "command",
    [
        ["revoke", "--issuer", "{home}", "{id}", "--reason", "test"],
        ["suspend", "--issuer", "{home}", "{id}"],
        [*issue_args(Path("{home}"))],
    ],
    ids=["revoke", "suspend", "issue"],
)
def test_changing_commands_say_the_home_is_read_only(
    read_only_home: tuple[Path, dict[str, str], str], command: list[str]
) -> None:
    home, env, credential_id = read_only_home
    argv = [part.format(home=home, id=credential_id) for part in command]
    result = run_script(argv, env)
    line = one_sentence(result.code, result.out, result.err)
    assert f"The issuer home {home} is read-only" in line
    assert "from a backup" not in line
    listed = run_script(["ledger", "list", "--issuer", str(home), "--json"], env)
    assert [entry["status"] for entry in json.loads(listed.out)] == ["active"]
