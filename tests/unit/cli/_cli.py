"""What the command-line tests share: running ``leadbadge`` in-process (click's CliRunner) or as
the installed console script, the checks a refusal must pass, and the arguments of an issue.

A refusal is the CLI's promise for bad input (docs/cli.md): its exit code, nothing on stdout,
one sentence on stderr that starts with ``leadbadge: ``, never a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from leadbadge.cli import cli
from leadbadge.cli._demo_data import sample_evidence
from leadbadge.pathway.framework import default_framework
from tests.unit._issued import PASSPHRASE, recorded

#: What a test passes as ``env``: variables set over the process environment, None unsets one.
Env = Mapping[str, str | None]

ENV: Env = {"LEADBADGE_PASSPHRASE": PASSPHRASE}
NO_PASSPHRASE: Env = {"LEADBADGE_PASSPHRASE": None}
EMAIL = "ana.ruiz@example.org"
NAME = "Ana Ruiz"
CONSOLE_SCRIPT = Path(sys.executable).with_name("leadbadge")


def run(*args: str, input: str | bytes | None = None, env: Env | None = None) -> Result:
    """``leadbadge ARGS`` through click's CliRunner, with ``env`` (default: ENV) set over the
    process environment."""
    result = CliRunner().invoke(cli, list(args), input=input, env=ENV if env is None else env)
    # The CLI turns every exception into a sentence and an exit code; one that reaches the
    # runner is a bug, whatever exit code the test expects.
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"leadbadge {' '.join(args)} raised") from result.exception
    return result


def ok(*args: str, input: str | bytes | None = None, env: Env | None = None) -> Result:
    """:func:`run`, which must exit 0."""
    result = run(*args, input=input, env=env)
    assert result.exit_code == 0, result.output
    return result


def one_sentence(code: int, stdout: str, stderr: str, *, expected: int = 3) -> str:
    """The line a refusal printed, after checking it is one (see the module docstring)."""
    assert code == expected, (code, stdout, stderr)
    assert "Traceback" not in stdout + stderr, stderr
    assert stdout == "", stdout
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("leadbadge: "), lines[0]
    return lines[0]


def refused(
    *args: str,
    code: int = 3,
    input: str | bytes | None = None,
    env: Env | None = None,
) -> str:
    """:func:`run`, which must be refused with exit ``code``; the one sentence it printed."""
    result = run(*args, input=input, env=env)
    return one_sentence(result.exit_code, result.stdout, result.stderr, expected=code)


def evidence_args(tier: str) -> list[str]:
    """``--evidence 'REQ: key=value; …'`` for each requirement of ``tier``, at its minimum hours."""
    args = []
    for requirement in default_framework().tier(tier).evidence:
        fields = {name: recorded(name, "value") for name in requirement.records}
        if requirement.min_hours is not None:
            fields["hours"] = f"{requirement.min_hours:g}"
        pairs = "; ".join(f"{k}={v}" for k, v in fields.items())
        args += ["--evidence", f"{requirement.id}: {pairs}"]
    return args


def issue_args(
    home: Path, tier: str = "initial", *extra: str, email: str = EMAIL, name: str = NAME
) -> list[str]:
    """``issue`` of ``tier`` from ``home`` to one recipient, with all the evidence it needs."""
    args = ["issue", "--issuer", str(home), tier, "--email", email, "--name", name]
    return [*args, *evidence_args(tier), *extra]


def did_web_home(root: Path, host: str) -> Path:
    """``root/host``: an issuer home for https://host, identified as did:web:host."""
    home = root / host
    ok("init", str(home), "--name", host, "--url", f"https://{host}", "--did-web", host)
    return home


# --- the installed console script ----------------------------------------------------------------


@dataclass
class ScriptRun:
    code: int
    out: str
    err: str


def run_script(args: Sequence[str], env: dict[str, str], stdin: str | None = None) -> ScriptRun:
    """``leadbadge ARGS`` as users run it: the console script in a subprocess."""
    proc = subprocess.run(
        [str(CONSOLE_SCRIPT), *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return ScriptRun(proc.returncode, proc.stdout, proc.stderr)


def script_refused(args: Sequence[str], env: dict[str, str]) -> str:
    """:func:`run_script`, which must be refused with exit 3; the one sentence it printed."""
    result = run_script(args, env)
    return one_sentence(result.code, result.out, result.err)


def evidence_file(folder: Path, tier: str) -> Path:
    """``folder/evidence-TIER.json``, for ``--evidence @FILE``: the demo's evidence for ``tier``."""
    items = [
        {"requirement": e.requirement, "name": e.name, "fields": dict(e.fields)}
        for e in sample_evidence(default_framework().tier(tier))
    ]
    path = folder / f"evidence-{tier}.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    return path
