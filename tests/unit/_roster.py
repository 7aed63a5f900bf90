"""Roster CSV files for the batch issuance tests: good rows for a tier, bad rows on request."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from leadbadge.issuer.batch import EVIDENCE_SEPARATOR
from leadbadge.pathway.framework import default_framework
from tests.unit._issued import recorded

HEADER = ("id", "tier", "email", "name", "credits", "evidence", "results", "valid_from")


def evidence_cell(tier: str, *, hours: dict[str, str] | None = None) -> str:
    """Evidence for every requirement of ``tier``, in ``issue --evidence`` syntax."""
    parts = []
    for requirement in default_framework().tier(tier).evidence:
        fields = {name: recorded(name, requirement.id) for name in requirement.records}
        if requirement.min_hours is not None:
            fields["hours"] = (hours or {}).get(requirement.id, f"{requirement.min_hours:g}")
        parts.append(f"{requirement.id}: " + "; ".join(f"{k}={v}" for k, v in fields.items()))
    return f" {EVIDENCE_SEPARATOR} ".join(parts)


def good_row(n: int, tier: str = "initial") -> dict[str, str]:
    return {
        "id": f"cohort-{n:05d}",
        "tier": tier,
        "email": f"leader{n}@example.org",
        "name": f"Leader {n}",
        "evidence": evidence_cell(tier),
    }


def write_roster(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path
