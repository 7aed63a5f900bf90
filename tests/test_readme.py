"""The README's set-up commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leadbadge import Issuer, TrustStore
from tests.conftest import REPO_ROOT
from tests.unit._issued import PASSPHRASE


def _readme_commands() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text)


def test_readme_opens_with_demo_and_test_commands() -> None:
    demo, tests = _readme_commands()[:2]
    assert demo.endswith("leadbadge demo")
    assert "pytest" in tests
    assert "[test]" in tests


def _ci_lines() -> list[str]:
    """The lines of .ci/run, a command run in a subshell (``( … )``) read as the command."""
    lines = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    return [line[2:-2] if line.startswith("( ") and line.endswith(" )") else line for line in lines]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    lines = _ci_lines()
    test_command = _readme_commands()[1]
    assert test_command in lines
    assert "export LEADBADGE_REQUIRE_SHARED=1" in lines[: lines.index(test_command)]


def test_ci_runs_the_readme_test_command_again_in_a_fresh_clone() -> None:
    lines = _ci_lines()
    first, second = [i for i, line in enumerate(lines) if line == _readme_commands()[1]]
    between = [line.split() for line in lines[first + 1 : second]]
    assert any(words[:1] == ["git"] and "clone" in words for words in between)
    assert any(words[:1] == ["cd"] for words in between)
    assert any(words[:1] == ["unset"] and "LEADBADGE_REQUIRE_SHARED" in words for words in between)


def test_the_library_example_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```python\n(.+?)\n```", text, flags=re.S)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LEADBADGE_PASSPHRASE", PASSPHRASE)
    Issuer.create("rcoe", name="Riverside County Leadership Academy",
                  url="https://leadership.riverside.example", passphrase=PASSPHRASE)  # fmt: skip
    TrustStore.open("trust")
    exec(compile(example, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102
    printed = capsys.readouterr().out
    # Not pinned in the fresh trust store: inconclusive, everything else passing.
    assert printed.startswith("inconclusive [('format', 'pass'), ")
