"""The built wheel carries everything verification needs: contexts, schemas, default framework.

Builds the wheel, installs it (without dependencies) into a fresh virtual environment that borrows
the test environment's third-party packages, and verifies a credential offline with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.unit._issued import make_world

pytestmark = pytest.mark.slow


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        args, capture_output=True, text=True, check=False, timeout=300, **kwargs
    )


@pytest.fixture(scope="module")
def wheel_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), "."],
        cwd=REPO_ROOT,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (tmp / "dist").glob("leadbadge-*.whl")
    env_dir = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
        ).stdout.strip()
    )
    # Third-party dependencies come from the test environment; leadbadge itself only from the
    # wheel (a plain path entry does not run the editable install's finder hook).
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    installed = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ]
    )
    assert installed.returncode == 0, installed.stderr
    return python


def test_wheel_ships_data_and_imports_from_itself(wheel_python: Path) -> None:
    code = (
        "import json, leadbadge, leadbadge._resources as r;"
        "print(json.dumps({'file': leadbadge.__file__, 'schemas': str(r.schemas_dir()),"
        " 'framework': r.default_framework_path().is_file(),"
        " 'contexts': len(r.context_index())}))"
    )
    result = _run([str(wheel_python), "-c", code], cwd=wheel_python.parent)
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    venv_dir = str(wheel_python.parent.parent)
    assert info["file"].startswith(venv_dir)
    assert info["schemas"].startswith(venv_dir)
    assert info["framework"] is True
    assert info["contexts"] >= 15
    for name in ("framework.schema.json", "credential.schema.json"):
        assert (Path(info["schemas"]) / name).is_file()


def test_wheel_verifies_a_credential_offline(wheel_python: Path, tmp_path: Path) -> None:
    world = make_world(tmp_path, did_web="leadership.riverside.example")
    credential = tmp_path / "credential.json"
    credential.write_text(json.dumps(world.issue("initial")), encoding="utf-8")
    # --at judges the validity period; the lists are judged against the real time.
    world.fresh_lists(datetime.now(UTC))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADBADGE")}
    result = _run(
        [
            str(wheel_python),
            "-m",
            "leadbadge",
            "verify",
            "--trust",
            str(world.trust.root),
            "--at",
            "2027-01-01T00:00:00Z",
            "--json",
            str(credential),
        ],
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout)["verdict"] == "valid"
