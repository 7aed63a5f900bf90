"""Benchmark eddsa-rdfc-2022 signing and verification of a realistic OB 3.0 credential.

Usage: ``python benchmarks/bench_sign_verify.py --n 200 --runs 5``; ``--tier initial`` uses a
leadbadge credential for that tier of the default framework (what programs actually issue),
``--inline`` the small built-in credential, ``--profile sign`` (or ``verify``) a cProfile of one
run.

The credential is the OB 3.0 specification's "complete" example (with embedded endorsements),
taken from ../shared/interop when present, else a smaller inline OpenBadgeCredential. Each run
signs N copies (distinct ids) and verifies them; the script prints, per operation, the median
milliseconds per credential over the runs and the credentials per second at that median.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import hashlib
import json
import pstats
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leadbadge.cli._demo_data import EDUCATOR_EMAIL, sample_evidence, sample_results
from leadbadge.crypto.keys import SigningKey
from leadbadge.model import IssuerProfile
from leadbadge.pathway.credential import Recipient, build_credential
from leadbadge.pathway.framework import default_framework
from leadbadge.proof.eddsa_rdfc_2022 import sign, verify

EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "shared/interop/ob-spec-examples/rendered-spec-v1.0.14"
    / "03-complete-openbadgecredential.unsigned.json"
)
# BENCHMARK-ONLY key: fixed so runs are comparable.
KEY = SigningKey.from_seed(bytes(range(32)))
# After every date the demo evidence records: evidence is complete when a credential is awarded.
CREATED = datetime(2026, 9, 1, 9, 30, tzinfo=UTC)

INLINE_CREDENTIAL: dict[str, Any] = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
    "id": "urn:uuid:placeholder",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "issuer": {
        "id": "https://leaders.example.org/issuer",
        "type": ["Profile"],
        "name": "Regional Leadership Academy",
        "url": "https://leaders.example.org",
    },
    "validFrom": "2026-01-15T09:30:00Z",
    "name": "Instructional Leadership (Tier 2)",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": "sha256$" + hashlib.sha256(b"ana@example.org0b6c3f").hexdigest(),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": "0b6c3f",
            }
        ],
        "achievement": {
            "id": "https://leaders.example.org/achievements/instructional-leadership",
            "type": ["Achievement"],
            "name": "Instructional Leadership",
            "description": "Leads a school's instructional programme.",
            "criteria": {"narrative": "Completes 15 credits and a supervised practicum."},
            "alignment": [
                {
                    "type": ["Alignment"],
                    "targetName": f"Competency {i}",
                    "targetUrl": f"https://leaders.example.org/competencies/{i}",
                }
                for i in range(1, 6)
            ],
        },
        "result": [{"type": ["Result"], "value": "15 credits"}],
    },
    "evidence": [
        {"type": ["Evidence"], "name": "Practicum report", "narrative": "Observed lessons."}
    ],
}


def tier_credential(tier_id: str) -> dict[str, Any]:
    """A credential for ``tier_id`` of the default framework, as ``leadbadge issue`` builds it."""
    framework = default_framework()
    tier = framework.tier(tier_id)
    issuer = IssuerProfile(
        id=KEY.public_key.did_key, name="Regional Leadership Academy", url="https://leaders.example"
    )
    return build_credential(
        framework,
        tier_id,
        issuer,
        Recipient(EDUCATOR_EMAIL, name="Ana Ruiz"),
        evidence=sample_evidence(tier),
        results=sample_results(tier),
        valid_from=CREATED,
        salt="0b6c3f",
    )


def credential(*, inline: bool, tier: str | None = None) -> tuple[dict[str, Any], str]:
    if tier:
        return tier_credential(tier), f"leadbadge '{tier}' credential"
    if EXAMPLE.is_file() and not inline:
        return json.loads(EXAMPLE.read_text(encoding="utf-8")), EXAMPLE.name
    return copy.deepcopy(INLINE_CREDENTIAL), "inline OpenBadgeCredential"


def copies(template: dict[str, Any], n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        doc = copy.deepcopy(template)
        doc["id"] = f"urn:uuid:00000000-0000-4000-8000-{i:012d}"
        out.append(doc)
    return out


def method_for(doc: dict[str, Any]) -> str:
    issuer = doc["issuer"]
    issuer_id = issuer["id"] if isinstance(issuer, dict) else issuer
    if issuer_id.startswith("did:key:"):
        return str(KEY.public_key.did_key_verification_method)
    return f"{issuer_id}#{KEY.public_key.multikey}"


def sign_all(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [sign(d, KEY, verification_method=method_for(d), created=CREATED) for d in docs]


def verify_all(docs: list[dict[str, Any]]) -> None:
    for doc in docs:
        verify(doc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="credentials per run")
    parser.add_argument("--runs", type=int, default=5, help="timed runs (after one warm-up)")
    parser.add_argument("--profile", choices=["sign", "verify"], help="cProfile one run")
    parser.add_argument("--inline", action="store_true", help="use the built-in credential")
    parser.add_argument("--tier", help="use a leadbadge credential for this default-framework tier")
    args = parser.parse_args(argv)
    if args.n < 1 or args.runs < 1:
        parser.error("--n and --runs must be at least 1")

    template, source = credential(inline=args.inline, tier=args.tier)
    docs = copies(template, args.n)
    signed = sign_all(docs[:1])  # warm-up: loads and processes the contexts once
    verify_all(signed)

    if args.profile:
        profiler = cProfile.Profile()
        if args.profile == "sign":
            profiler.runcall(sign_all, docs)
        else:
            signed = sign_all(docs)
            profiler.runcall(verify_all, signed)
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)
        return 0

    timings: dict[str, list[float]] = {"sign": [], "verify": []}
    for _ in range(args.runs):
        started = time.perf_counter()
        signed = sign_all(docs)
        timings["sign"].append((time.perf_counter() - started) / args.n)
        started = time.perf_counter()
        verify_all(signed)
        timings["verify"].append((time.perf_counter() - started) / args.n)

    size = len(json.dumps(signed[0], separators=(",", ":")))
    print(f"credential: {source} ({size} bytes signed); N = {args.n} per run, {args.runs} runs")
    for operation, per_item in timings.items():
        median = statistics.median(per_item)
        print(
            f"{operation:>6}: median {median * 1000:7.2f} ms per credential, "
            f"{1 / median:8.1f} credentials/s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
