"""Benchmark canonicalization of distinct credentials, as a batch makes them.

Usage: ``python benchmarks/bench_distinct.py --rows 1000 --runs 7``. Builds the unsigned
``initial`` credentials of an N-row roster (every row its own recipient, ids, dates and evidence
texts, as ``benchmarks/bench_batch.py`` writes them) in a throw-away issuer home, then times,
per credential: ``walk`` (strict expansion to quads by the compiled fast path), ``rdfc`` (RDFC-1.0
of those quads) and ``canon`` (both, on a second build of the same rows). Each run starts with
empty per-process caches of N-Quads text, so every row's own values are new to it, as in a batch;
the tier's Achievement, the same in every row, is found in the fast path's fragments after the
first. Prints each run's milliseconds per credential and the medians.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import bench_batch

from leadbadge.issuer.issue import Issuer
from leadbadge.issuer.roster import RosterRow, read_roster
from leadbadge.ld import rdfc10
from leadbadge.ld.canonical import canonicalize, document_quads
from leadbadge.pathway.credential import build_credential

_T = TypeVar("_T")
_R = TypeVar("_R")


def _per_item(work: Callable[[_T], _R], items: Sequence[_T]) -> tuple[float, list[_R]]:
    """Milliseconds per item of ``work`` over ``items``, and what it returned."""
    started = time.perf_counter()
    done = [work(item) for item in items]
    return (time.perf_counter() - started) * 1000 / len(items), done


def _forget_text() -> None:
    """Empty RDFC-1.0's per-process tables of N-Quads text, so that a run starts cold."""
    vars(rdfc10)["_TERM_TEXT"].clear()
    vars(rdfc10)["_QUAD_TEXT"].clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        now = datetime.now(UTC)
        issuer = Issuer.create(
            root / "home",
            name="Benchmark Academy",
            url="https://bench.example.org/lead",
            passphrase=bench_batch.PASSPHRASE,
            now=now,
        )
        bench_batch._roster(root / "roster.csv", args.rows, 0)
        roster = read_roster(root / "roster.csv", issuer.framework, issuer.profile, jobs=1)

        def build(row: RosterRow) -> dict[str, Any]:
            return build_credential(
                issuer.framework,
                row.tier,
                issuer.profile,
                row.recipient,
                valid_from=now,
                evidence=row.evidence,
                results=row.results,
                credits=row.credits,
                issued_at=now,
            )

        rows = list(roster.rows)
        figures: dict[str, list[float]] = {"walk": [], "rdfc": [], "canon": []}
        for run in range(args.runs):
            _forget_text()
            documents = [build(row) for row in rows]
            walk, quads = _per_item(document_quads, documents)
            rdfc, _ = _per_item(rdfc10.canonical_nquads, quads)
            _forget_text()
            canon, _ = _per_item(canonicalize, [build(row) for row in rows])
            for name, value in (("walk", walk), ("rdfc", rdfc), ("canon", canon)):
                figures[name].append(value)
            print(f"run {run + 1}: walk {walk:.3f} ms, rdfc {rdfc:.3f} ms, canon {canon:.3f} ms")
        print(f"{args.rows} distinct 'initial' credentials, median of {args.runs} runs:")
        for name, values in figures.items():
            print(f"  {name:6} {statistics.median(values):.3f} ms per credential")


if __name__ == "__main__":
    main()
