"""Benchmark leadbadge side by side with the Digital Bazaar JavaScript stack, same documents.

Usage: ``python benchmarks/bench_vs_digitalbazaar.py --n 50 --runs 5 [--cli-runs 5]``. Needs
``node`` and the pinned npm packages of ``tests/interop/js`` (``npm ci`` there).

Two documents: a leadbadge credential for the default framework's ``initial`` tier, and the
OB 3.0 specification's "complete" example from ../shared/interop (its issuer set to the
benchmark key's did:key and its 1EdTech revocation list left out, which the JavaScript stack
would otherwise have to check). Each run signs N copies (distinct ids) on both sides, then
verifies the signed copies on both sides: Digital Bazaar's ``vc.verifyCredential`` against
leadbadge's proof check (``eddsa_rdfc_2022.verify``) and its full ``Verifier.verify`` (every
check of the report). Operations are interleaved and their order alternates from run to run,
so both sides share the machine's load; the JavaScript side times its work in-process (node's
start-up and the pipe are outside its clock). Both stacks must produce the same signatures
(Ed25519 is deterministic, so equal signatures mean equal canonical forms) and accept each
other's.

Then, unless ``--cli-runs 0``: a cold ``leadbadge verify FILE.json`` against a cold
``node tests/interop/js/peer.mjs verify < FILE.json``, alternately, wall clock and CPU.

Prints per operation the median milliseconds per credential of each side and the ratio of
rates (how many times faster leadbadge is).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench_sign_verify import CREATED, EXAMPLE, KEY, copies, tier_credential

from leadbadge.proof.eddsa_rdfc_2022 import sign, verify
from leadbadge.verifier.report import Verdict
from leadbadge.verifier.verify import Verifier

REPO = Path(__file__).resolve().parents[1]
JS_DIR = REPO / "tests" / "interop" / "js"
CONTEXTS = REPO / "src" / "leadbadge" / "_data" / "contexts"
NOW = CREATED + timedelta(days=1)
METHOD = str(KEY.public_key.did_key_verification_method)


class DigitalBazaar:
    """One node process running benchmarks/js/digitalbazaar.mjs, answering line by line."""

    def __init__(self) -> None:
        source = (Path(__file__).with_name("js") / "digitalbazaar.mjs").read_text(encoding="utf-8")
        self._process = subprocess.Popen(  # noqa: S603 -- fixed argv, our own script
            ["node", "--input-type=module", "-e", source],  # noqa: S607 -- node from PATH
            cwd=JS_DIR,
            env={**os.environ, "LEADBADGE_CONTEXTS": str(CONTEXTS)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        keygen = subprocess.run(  # noqa: S603
            ["node", "peer.mjs", "keygen", "--seed", bytes(range(32)).hex()],  # noqa: S607
            cwd=JS_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        self.key = json.loads(keygen.stdout)
        if self.key["publicKeyMultibase"] != KEY.public_key.multikey:
            raise SystemExit("the two stacks derive different keys from the benchmark seed")

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        answer: dict[str, Any] = json.loads(self._process.stdout.readline())
        return answer

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait(timeout=30)


def spec_example() -> dict[str, Any] | None:
    if not EXAMPLE.is_file():
        return None
    doc: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    doc["issuer"]["id"] = KEY.public_key.did_key
    doc.pop("credentialStatus", None)
    return doc


def _ms_per(started: float, n: int) -> float:
    return (time.perf_counter() - started) * 1000 / n


def measure(template: dict[str, Any], n: int, runs: int, peer: DigitalBazaar) -> None:
    docs = copies(template, n)
    verifier = Verifier()
    timings: dict[str, list[float]] = {
        k: [] for k in ("lb sign", "db sign", "lb proof", "lb full", "db verify")
    }
    signed: list[dict[str, Any]] = []

    def lb_sign() -> None:
        nonlocal signed
        started = time.perf_counter()
        signed = [sign(d, KEY, verification_method=METHOD, created=CREATED) for d in docs]
        timings["lb sign"].append(_ms_per(started, n))

    def db_sign() -> None:
        answer = peer.ask({"op": "sign", "key": peer.key, "created": _iso(CREATED), "docs": docs})
        timings["db sign"].append(answer["ms"] / n)
        theirs = [p["proof"]["proofValue"] for p in answer["signed"]]
        if signed and theirs != [s["proof"][0]["proofValue"] for s in signed]:
            raise SystemExit("the two stacks signed different data")

    def lb_proof() -> None:
        started = time.perf_counter()
        for doc in signed:
            verify(doc)
        timings["lb proof"].append(_ms_per(started, n))

    def lb_full() -> None:
        started = time.perf_counter()
        for doc in signed:
            report = verifier.verify(doc, now=NOW)
            if report.verdict is Verdict.INVALID:
                raise SystemExit(f"leadbadge found a signed copy invalid: {report.summary}")
        timings["lb full"].append(_ms_per(started, n))

    def db_verify() -> None:
        answer = peer.ask({"op": "verify", "now": _iso(NOW), "docs": signed})
        if answer["verified"] != n:
            raise SystemExit(f"Digital Bazaar refused leadbadge's signatures: {answer['errors']}")
        timings["db verify"].append(answer["ms"] / n)

    lb_sign()  # warm-up on both sides: contexts loaded and processed once
    db_sign()
    lb_proof()
    lb_full()
    db_verify()
    for values in timings.values():
        values.clear()
    steps: list[Callable[[], None]] = [lb_sign, db_sign, lb_proof, db_verify, lb_full]
    for run in range(runs):
        # Signing first (the verifications need this run's signatures), alternating sides.
        order = steps if run % 2 == 0 else [db_sign, lb_sign, db_verify, lb_full, lb_proof]
        for step in order:
            step()
    median = {k: statistics.median(v) for k, v in timings.items()}
    for label, ours, theirs in (
        ("sign", "lb sign", "db sign"),
        ("verify (proof only)", "lb proof", "db verify"),
        ("verify (full Verifier)", "lb full", "db verify"),
    ):
        print(
            f"  {label:<24} leadbadge {median[ours]:7.2f} ms   Digital Bazaar "
            f"{median[theirs]:7.2f} ms   leadbadge {median[theirs] / median[ours]:5.1f}x the rate"
        )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _run_timed(argv: list[str], **kwargs: Any) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one run of ``argv``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, check=False, capture_output=True, **kwargs)  # noqa: S603
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def cold_cli(runs: int) -> None:
    leadbadge = shutil.which("leadbadge", path=str(Path(sys.executable).parent))
    if leadbadge is None:
        print("cold CLI: no leadbadge executable next to this Python; skipped")
        return
    doc = sign(tier_credential("initial"), KEY, verification_method=METHOD, created=CREATED)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "credential.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        ours: list[tuple[float, float]] = []
        theirs: list[tuple[float, float]] = []

        def run_ours() -> None:
            ours.append(_run_timed([leadbadge, "verify", str(path)]))

        def run_theirs() -> None:
            with path.open("rb") as stdin:
                theirs.append(_run_timed(["node", "peer.mjs", "verify"], cwd=JS_DIR, stdin=stdin))

        for run in range(runs + 1):
            for step in (run_ours, run_theirs) if run % 2 == 0 else (run_theirs, run_ours):
                step()
            if run == 0:  # warm-up: file caches, .pyc files
                ours.clear()
                theirs.clear()
    lb_wall, lb_cpu = (statistics.median(x) for x in zip(*ours, strict=True))
    db_wall, db_cpu = (statistics.median(x) for x in zip(*theirs, strict=True))
    print(f"cold CLI verify of one 'initial' credential, {runs} runs each (medians):")
    for label, wall, cpu in (
        ("leadbadge verify FILE.json ", lb_wall, lb_cpu),
        ("node peer.mjs verify < FILE", db_wall, db_cpu),
    ):
        print(f"  {label}  wall {wall * 1000:6.0f} ms   CPU {cpu * 1000:6.0f} ms")
    print(f"  leadbadge / node: wall {lb_wall / db_wall:4.2f}, CPU {lb_cpu / db_cpu:4.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="credentials per run")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (after one warm-up)")
    parser.add_argument("--cli-runs", type=int, default=5, help="cold CLI runs (0: skip)")
    args = parser.parse_args(argv)
    if args.n < 1 or args.runs < 1 or args.cli_runs < 0:
        parser.error("--n and --runs must be at least 1, --cli-runs at least 0")
    if shutil.which("node") is None or not (JS_DIR / "node_modules").is_dir():
        print("needs node and `npm ci` in tests/interop/js; nothing measured", file=sys.stderr)
        return 2
    peer = DigitalBazaar()
    try:
        documents = [("leadbadge 'initial' credential", tier_credential("initial"))]
        example = spec_example()
        if example is not None:
            documents.append(("OB 3.0 spec 'complete' example", example))
        for label, template in documents:
            size = len(json.dumps(template, separators=(",", ":")))
            print(f"{label} ({size} bytes unsigned), N = {args.n} per run, {args.runs} runs:")
            measure(copy.deepcopy(template), args.n, args.runs, peer)
    finally:
        peer.close()
    if args.cli_runs:
        cold_cli(args.cli_runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
