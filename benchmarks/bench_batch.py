"""Benchmark batch issuance: credentials per second for an N-row roster on this machine.

Usage: ``python benchmarks/bench_batch.py --rows 10000 [--jobs N] [--building M]``. Makes a
throw-away issuer home and a roster of ``initial`` tier rows (every evidence requirement with its
fields and hours) — with ``--building M``, M of them for leaders who also get a ``building`` row,
placed first, which must wait for their ``initial`` (two waves) — then times the phases of
``leadbadge issue-batch``: checking every row (each credential built unsigned), checking
prerequisites (one read of the ledger) and issuing (signing with ``--jobs`` processes, default
the number of cores, recording in the ledger, writing one JSON file per credential). Prints
each and the end-to-end rate; with ``--runs N``, each run's and the median of each phase.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

# leadbadge is imported inside the functions below, not here: the worker processes of the
# check and of issuing start by importing this script (multiprocessing's spawn), as they import
# the `leadbadge` command's script when it runs issue-batch, and that script imports no more
# than the command line. Imported here, the issuing stack would load in every worker of the
# check (about 0.5 s of processor time each), which the command does not pay.

PASSPHRASE = "benchmark passphrase"  # noqa: S105 - a throw-away home


def _recorded(name: str, requirement: str) -> str:
    """A value that passes the checks evidence field ``name`` brings (dates, credits)."""
    if name == "date" or name.endswith("_date"):
        return "2024-08-19" if name == "start_date" else "2025-05-30"
    return "3" if name == "credits" else f"{name} of {requirement}"


def _evidence(tier: str) -> str:
    from leadbadge.issuer.batch import EVIDENCE_SEPARATOR  # noqa: PLC0415 -- see above
    from leadbadge.pathway.framework import default_framework  # noqa: PLC0415 -- see above

    parts = []
    for requirement in default_framework().tier(tier).evidence:
        fields = {name: _recorded(name, requirement.id) for name in requirement.records}
        if requirement.min_hours is not None:
            fields["hours"] = f"{requirement.min_hours:g}"
        parts.append(f"{requirement.id}: " + "; ".join(f"{k}={v}" for k, v in fields.items()))
    return f" {EVIDENCE_SEPARATOR} ".join(parts)


def _roster(path: Path, rows: int, building: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "tier", "email", "name", "evidence"])
        for tier, ids, count in (("building", "c", building), ("initial", "b", rows - building)):
            evidence = _evidence(tier)
            for n in range(count):
                email, name = f"leader{n}@example.org", f"Leader {n}"
                writer.writerow([f"{ids}-{n:06d}", tier, email, name, evidence])


def _once(rows: int, jobs: int | None, building: int) -> tuple[float, float, float]:
    """One run: the seconds spent checking every row, checking prerequisites, and issuing."""
    from leadbadge.issuer.batch import (  # noqa: PLC0415 -- see above
        check_prerequisites,
        issue_batch,
        read_roster,
    )
    from leadbadge.issuer.issue import Issuer  # noqa: PLC0415 -- see above

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        issuer = Issuer.create(
            root / "home",
            name="Benchmark Academy",
            url="https://bench.example.org/lead",
            passphrase=PASSPHRASE,
            now=datetime.now(UTC),
        )
        _roster(root / "roster.csv", rows, building)
        started = time.perf_counter()
        roster = read_roster(root / "roster.csv", issuer.framework, issuer.profile, jobs=jobs)
        read = time.perf_counter()
        roster = check_prerequisites(roster, issuer.home.path)
        checked = time.perf_counter()
        assert not roster.problems, roster.problems[:3]
        results = issue_batch(
            issuer.home.path, roster, root / "out", passphrase=PASSPHRASE, jobs=jobs
        )
        finished = time.perf_counter()
        assert len(results) == rows
        assert all(r.status == "issued" for r in results)
    return read - started, checked - read, finished - checked


def _report(rows: int, jobs: int, check_s: float, prereq_s: float, issue_s: float) -> None:
    total_s = check_s + prereq_s + issue_s
    print(f"check every row: {check_s:.1f} s ({rows / check_s:.0f} rows/s)")
    print(f"prerequisites:   {prereq_s:.2f} s")
    print(
        f"issue:           {issue_s:.1f} s ({rows / issue_s:.1f} credentials/s, "
        f"{issue_s * 1000 * jobs / rows:.1f} ms per credential per process)"
    )
    print(f"end to end:      {total_s:.1f} s ({rows / total_s:.1f} credentials/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=None, help="default: the number of cores")
    parser.add_argument(
        "--building", type=int, default=0, help="rows (of --rows) awarding building (default 0)"
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="runs, each on a new home; medians follow (default 1)"
    )
    args = parser.parse_args()
    if not 0 <= 2 * args.building <= args.rows:
        parser.error("--building is at most half of --rows (each needs an initial row)")
    if args.runs < 1:
        parser.error("--runs is at least 1")
    jobs = args.jobs or os.cpu_count() or 1
    print(
        f"{args.rows} rows ({args.building} building), {jobs} processes on {os.cpu_count()} cores"
    )
    runs = []
    for n in range(args.runs):
        runs.append(_once(args.rows, args.jobs, args.building))
        if args.runs > 1:
            print(f"-- run {n + 1}")
        _report(args.rows, jobs, *runs[-1])
    if args.runs > 1:
        print(f"-- median of {args.runs} runs (each phase on its own)")
        medians = [statistics.median(phase) for phase in zip(*runs, strict=True)]
        _report(args.rows, jobs, *medians)


if __name__ == "__main__":
    main()
