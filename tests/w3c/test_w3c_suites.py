"""The W3C Verifiable Credentials test suites (../shared/w3c-suites) against ``leadbadge serve``.

Each suite is prepared once into a cache folder (``$XDG_CACHE_HOME/leadbadge/w3c-suites``, else
beside pytest's temporary folders), keyed by a digest of what ``prepare.sh`` installs. The test
makes an issuer home whose URL is the server's own ``https://127.0.0.1:<port>``, so the status
lists its credentials name are served by the server under test, with a throw-away certificate;
starts ``leadbadge serve`` on 127.0.0.1; runs the suite with mocha's JSON reporter; and checks
the result against ``expected_failures.toml``: the pass count, and the failing tests exactly
(an unlisted failure fails, and so does a listed test that now passes, so the list stays
honest).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from leadbadge import Issuer
from tests.conftest import SHARED, require_shared
from tests.unit.serve._server import free_port, self_signed_cert, serving

pytestmark = [pytest.mark.slow, pytest.mark.interop]

SUITES_DIR = SHARED / "w3c-suites"
SUITES = ("vc-di-eddsa", "vc-data-model-2.0", "vc-bitstring-status-list")
EXPECTED = Path(__file__).with_name("expected_failures.toml")
PASSPHRASE = "w3c suites passphrase"
TOKEN = "w3c-suites-bearer-token-0123456789"
#: Where each run's reports are kept for reading (``W3C_REPORTS=DIR`` to choose).
REPORTS_ENV = "W3C_REPORTS"


def _need(condition: bool, reason: str) -> None:
    if not condition:
        if require_shared():
            pytest.fail(f"{reason} (LEADBADGE_REQUIRE_SHARED=1)")
        pytest.skip(reason)


def _requirements() -> None:
    _need(SUITES_DIR.is_dir(), f"the W3C test suites are not found: {SUITES_DIR}")
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    _need(not missing, f"the W3C test suites need {' and '.join(missing)} on PATH")


def _cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "leadbadge" / "w3c-suites"
    # pytest keeps its last few temporary folders under this root; the cache outlives them.
    return tmp_path_factory.getbasetemp().parent / "leadbadge-w3c-suites"


def _digest(suite: str) -> str:
    """What a prepared copy depends on: the script, the lock file and the sources' list."""
    digest = hashlib.sha256()
    for path in (
        SUITES_DIR / "prepare.sh",
        SUITES_DIR / "locks" / f"{suite}.package-lock.json",
        SUITES_DIR / "SOURCES.md",
    ):
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()[:16]


def _prepared(suite: str, cache: Path) -> Path:
    """The suite prepared by ``prepare.sh`` (once; later runs reuse it), with localConfig.cjs."""
    root = cache / f"{suite}-{_digest(suite)}"
    if not (root / "node_modules").is_dir():
        # Prepared beside, then renamed: an interrupted prepare is never taken as done.
        partial = cache / f".{root.name}.{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        cache.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["bash", str(SUITES_DIR / "prepare.sh"), suite, str(partial)],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, f"prepare.sh {suite} failed:\n{done.stdout}\n{done.stderr}"
        shutil.rmtree(root, ignore_errors=True)
        partial.rename(root)
    shutil.copyfile(SUITES_DIR / "localConfig.example.cjs", root / "localConfig.cjs")
    return root


@dataclass(frozen=True)
class Server:
    base_url: str
    issuer_id: str


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _requirements()
    folder = tmp_path_factory.mktemp("w3c-server")
    cert, key = self_signed_cert(folder)
    port = free_port()
    issuer = Issuer.create(
        folder / "home",
        name="leadbadge W3C suites",
        url=f"https://127.0.0.1:{port}",
        passphrase=PASSPHRASE,
    )
    env = {"LEADBADGE_PASSPHRASE": PASSPHRASE, "LEADBADGE_SERVE_TOKEN": TOKEN}
    args = [
        "--issuer", str(folder / "home"), "--trust", str(folder / "trust"),
        "--host", "127.0.0.1", "--port", str(port), "--tls-cert", str(cert), "--tls-key", str(key),
    ]  # fmt: skip
    with serving(args, cert=cert, port=port, env=env, log=folder / "serve.log") as base_url:
        yield Server(base_url, issuer.home.issuer_id)


def _mocha(root: Path, server: Server, output: Path, *extra: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "W3C_SUITE_BASE_URL": server.base_url,
        "W3C_SUITE_ISSUER_ID": server.issuer_id,
        "W3C_SUITE_TOKEN": TOKEN,
        "W3C_SUITE_VP_VERIFY_URL": f"{server.base_url}/presentations/verify",
    }
    subprocess.run(
        [str(root / "node_modules" / ".bin" / "mocha"), "tests/", "--preserve-symlinks",
         "--timeout", "30000", "--reporter", "json", "--reporter-option", f"output={output}",
         *extra],
        cwd=root, env=env, capture_output=True, timeout=900, check=False,
    )  # fmt: skip
    assert output.is_file(), f"mocha wrote no report in {root}"
    result: dict[str, Any] = json.loads(output.read_text(encoding="utf-8"))
    return result


def _expected(suite: str) -> dict[str, Any]:
    table: dict[str, Any] = tomllib.loads(EXPECTED.read_text(encoding="utf-8"))[suite]
    return table


@pytest.mark.parametrize("suite", SUITES)
def test_w3c_suite(
    suite: str, server: Server, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    root = _prepared(suite, _cache_root(tmp_path_factory))
    reports = Path(os.environ.get(REPORTS_ENV, tmp_path))
    reports.mkdir(parents=True, exist_ok=True)
    results = _mocha(root, server, reports / f"{suite}-results.json")
    declared = _mocha(root, server, reports / f"{suite}-declared.json", "--dry-run")
    failing = {t["fullTitle"]: t["err"].get("message", "") for t in results["failures"]}
    expected = _expected(suite)
    listed = {f["title"]: f["reason"] for f in expected.get("failures", [])}
    summary = (
        f"{suite}: declared {len(declared['tests'])}, passed {len(results['passes'])}, "
        f"failed {len(results['failures'])}, pending {len(results['pending'])}"
    )
    unexpected = {t: m for t, m in failing.items() if t not in listed}
    assert not unexpected, f"{summary}; failures not in {EXPECTED.name}:\n" + "\n".join(
        f"- {t}\n    {m}" for t, m in sorted(unexpected.items())
    )
    now_passing = sorted(t for t in listed if t not in failing)
    assert not now_passing, (
        f"{summary}; listed in {EXPECTED.name} as failing but no longer failing (remove "
        "them):\n" + "\n".join(f"- {t}" for t in now_passing)
    )
    assert len(results["passes"]) == expected["passed"], summary
    assert len(results["pending"]) == expected.get("pending", 0), summary
    assert len(declared["tests"]) == expected["declared"], summary
