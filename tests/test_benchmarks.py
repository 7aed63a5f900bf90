"""Each benchmark still runs and prints its rates (tiny sizes: a smoke test, not a timing).

The figures themselves are measured by hand on a quiet machine (README, Development)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT


@pytest.mark.parametrize(
    "argv",
    [
        ["bench_sign_verify.py", "--tier", "initial", "--n", "2", "--runs", "1"],
        ["bench_sign_verify.py", "--inline", "--n", "2", "--runs", "1"],
        ["bench_batch.py", "--rows", "6", "--jobs", "1"],
        ["bench_accreditation.py", "--n", "2", "--runs", "1"],
        ["bench_hostile.py", "--size", "7", "--runs", "1"],
    ],
    ids=" ".join,
)
def test_the_benchmark_runs_and_prints_rates(argv: list[str]) -> None:
    script, *args = argv
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "/s" in done.stdout, done.stdout


def test_the_side_by_side_benchmark_runs_and_prints_ratios() -> None:
    js = REPO_ROOT / "tests" / "interop" / "js"
    if shutil.which("node") is None or not (js / "node_modules").is_dir():
        pytest.skip("node and the Digital Bazaar packages (npm ci in tests/interop/js) are needed")
    done = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "benchmarks" / "bench_vs_digitalbazaar.py"),
            *("--n", "2", "--runs", "1", "--cli-runs", "1"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "x the rate" in done.stdout, done.stdout
    assert "leadbadge / node" in done.stdout, done.stdout
