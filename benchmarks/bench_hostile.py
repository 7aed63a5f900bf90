"""Benchmark how fast hostile canonicalization inputs are refused.

Usage: ``python benchmarks/bench_hostile.py --size 40 --runs 5``. A blank-node clique (SIZE
blank nodes that all point at each other, nothing telling them apart: the "poison graph" that
makes a naive RDFC-1.0 implementation take factorial time) is refused three ways:

- ``verify``: a whole ``Verifier.verify`` of a credential carrying it, with a proof (strict
  JSON-LD refuses blank node identifiers before any canonicalization);
- ``canonicalize``: the signing path's strict expansion and canonicalization;
- ``rdfc10``: RDFC-1.0 itself, given the clique's quads (as a document expanded without the
  strict rules would give them), which stops at its work bound.

It prints the median milliseconds to refusal over the runs and the rate at that median.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import pyld.jsonld as pyld

from leadbadge.errors import CanonicalizationLimitError, JsonLdError
from leadbadge.ld import rdfc10
from leadbadge.ld.canonical import canonicalize
from leadbadge.ld.contexts import DEFAULT_LOADER
from leadbadge.ld.nquads import QuadBuilder
from leadbadge.verifier.report import Verdict
from leadbadge.verifier.verify import Verifier

V2 = "https://www.w3.org/ns/credentials/v2"


def _clique(size: int) -> dict[str, Any]:
    nodes = [
        {
            "id": f"_:n{i}",
            "type": "VerifiableCredential",
            "credentialSubject": [f"_:n{j}" for j in range(size) if j != i],
        }
        for i in range(size)
    ]
    return {
        "@context": [V2],
        "id": "urn:uuid:5bd2a3f0-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential"],
        "issuer": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": nodes,
    }


def _signed(size: int) -> dict[str, Any]:
    return _clique(size) | {
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2026-01-01T00:00:00Z",
            "verificationMethod": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
            "#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
            "proofPurpose": "assertionMethod",
            "proofValue": "z" + "1" * 86,
        }
    }


def _refusals(size: int) -> dict[str, Callable[[], None]]:
    signed = _signed(size)
    unsigned = _clique(size)
    expanded = pyld.expand(_clique(size), {"documentLoader": DEFAULT_LOADER})
    quads = QuadBuilder(pyld.JsonLdProcessor(), {"processingMode": "json-ld-1.1"}).build(expanded)
    verifier = Verifier()

    def verify() -> None:
        assert verifier.verify(signed).verdict is not Verdict.VALID

    def strict() -> None:
        try:
            canonicalize(unsigned)
        except JsonLdError:
            return
        raise AssertionError("the clique was canonicalized")

    def bounded() -> None:
        try:
            rdfc10.canonical_nquads(quads)
        except CanonicalizationLimitError:
            return
        raise AssertionError("RDFC-1.0 finished the clique")

    return {"verify": verify, "canonicalize": strict, "rdfc10": bounded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=40, help="blank nodes in the clique")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    refusals = _refusals(args.size)
    print(f"blank-node clique of {args.size} nodes, median of {args.runs} runs")
    for name, refuse in refusals.items():
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            refuse()
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        print(f"{name:>13}: refused in {median * 1000:9.1f} ms  ({1 / median:8.1f}/s)")


if __name__ == "__main__":
    main()
