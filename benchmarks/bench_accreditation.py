"""Benchmark full verification of a program's credential: program pinned vs. accredited.

Usage: ``python benchmarks/bench_accreditation.py --n 50 --runs 5``. It builds, in a temporary
folder, a program and an authority that endorses it, issues one ``initial`` credential, and
verifies it N times per run with two trust stores: one pinning the program itself, one pinning
only the authority (so each verification also verifies the endorsement it relies on). It
prints the median milliseconds per verification over the runs and the rate at that median.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from leadbadge.cli._demo_data import sample_evidence
from leadbadge.issuer.endorse import endorse
from leadbadge.issuer.issue import Issuer
from leadbadge.pathway.credential import Recipient
from leadbadge.trust.store import TrustStore
from leadbadge.verifier.report import Verdict
from leadbadge.verifier.verify import Verifier

PASSPHRASE = "benchmark passphrase"  # noqa: S105 - a throw-away home
T0 = datetime(2026, 11, 23, 12, tzinfo=UTC)


def _setup(root: Path) -> tuple[dict[str, object], Verifier, Verifier]:
    program = Issuer.create(
        root / "program",
        name="Riverside County Office of Education",
        url="https://rcoe.example.org/leadership",
        passphrase=PASSPHRASE,
        now=T0,
    )
    authority = Issuer.create(
        root / "authority",
        name="State Commission on Educator Credentialing",
        url="https://ctc.example.gov/accreditation",
        passphrase=PASSPHRASE,
        now=T0,
    )
    program.publish(root / "program-site", now=T0)
    key = authority.home.signing_key(PASSPHRASE)
    endorse(authority.home, key, root / "program-site", ["initial"], now=T0)
    tier = program.framework.tier("initial")
    credential = program.issue(
        "initial",
        Recipient(email="ana.ruiz@example.org", name="Ana Ruiz"),
        evidence=sample_evidence(tier),
        now=T0 + timedelta(hours=1),
    ).document
    program.publish(root / "program-site", now=T0 + timedelta(hours=2))
    authority.publish(root / "authority-site", now=T0 + timedelta(hours=2))
    direct = TrustStore.open(root / "trust-direct")
    direct.add_published(root / "program-site", now=T0 + timedelta(hours=2))
    accredited = TrustStore.open(root / "trust-accredited")
    accredited.add_published(root / "authority-site", now=T0 + timedelta(hours=2))
    for path in sorted((root / "program-site" / "leadership" / "status").glob("*.json")):
        accredited.add_status_list(path, now=T0 + timedelta(hours=2))
    return credential, Verifier(direct), Verifier(accredited)


def _time(verifier: Verifier, credential: dict[str, object], n: int) -> float:
    now = T0 + timedelta(days=1)
    start = time.perf_counter()
    for _ in range(n):
        report = verifier.verify(credential, now=now)
        if report.verdict is not Verdict.VALID:
            raise SystemExit(f"unexpected verdict {report.verdict.value}")
    return (time.perf_counter() - start) * 1000 / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="verifications per run")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        credential, direct, accredited = _setup(Path(folder))
        _time(accredited, credential, 2)  # warm caches (contexts, parsed store entries)
        for label, verifier in (("program pinned", direct), ("accredited", accredited)):
            runs = [_time(verifier, credential, args.n) for _ in range(args.runs)]
            median = statistics.median(runs)
            print(f"{label:>15}: {median:6.1f} ms per verification ({1000 / median:5.1f}/s)")


if __name__ == "__main__":
    main()
