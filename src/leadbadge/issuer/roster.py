"""The roster of a batch: a CSV file, one credential a row (docs/batch.md), read and checked.

:func:`read_roster` checks every row the way ``leadbadge issue`` checks its options and builds
each credential unsigned as a dry run, so one pass names every bad row and column.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from leadbadge.errors import InputError, LeadbadgeError
from leadbadge.issuer._workers import (
    cancelled_on_error,
    die_with_parent,
    settle_worker_heap,
    spawn_pool,
    submit_all,
)
from leadbadge.model import Framework, IssuerProfile

# The evidence, results and date syntax is the one ``leadbadge issue`` reads.
from leadbadge.pathway import inputs as _issue_input
from leadbadge.pathway.credential import Recipient, build_credential
from leadbadge.pathway.evidence import EvidenceItem

__all__ = [
    "EVIDENCE_SEPARATOR",
    "REQUIRED_COLUMNS",
    "ROSTER_COLUMNS",
    "Roster",
    "RosterProblem",
    "RosterRow",
    "read_roster",
]

#: The columns a roster may have, besides ``evidence_1``, ``evidence_2``…
ROSTER_COLUMNS: Final = (
    "id",
    "tier",
    "email",
    "name",
    "credits",
    "evidence",
    "results",
    "valid_from",
)
REQUIRED_COLUMNS: Final = ("tier", "email", "name")
#: Separates several evidence items in one cell.
EVIDENCE_SEPARATOR: Final = "||"
_EVIDENCE_COLUMN = re.compile(r"^evidence_[1-9][0-9]*$")
_ROW_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_COLUMN_OF_FIELD: Final = {"email": "email", "name": "name", "credits": "credits"}


@dataclass(frozen=True)
class RosterProblem:
    """A bad roster row: the row (the header is row 1), the column and what is wrong."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass(frozen=True)
class RosterRow:
    """One checked roster row, ready to issue."""

    row: int
    #: The stable key the ledger records: the ``id`` column, else ``row-`` and a digest.
    key: str
    tier: str
    recipient: Recipient
    evidence: tuple[EvidenceItem, ...] = ()
    results: Mapping[str, str] = field(default_factory=dict, hash=False)
    credits: float | None = None
    valid_from: datetime | None = None

    @property
    def file_name(self) -> str:
        return f"{self.key}.json"


@dataclass(frozen=True)
class Roster:
    """A roster as read: its good rows and every problem found (nothing is issued if any)."""

    rows: tuple[RosterRow, ...]
    problems: tuple[RosterProblem, ...]


def read_roster(
    path: str | os.PathLike[str],
    framework: Framework,
    issuer: IssuerProfile,
    *,
    now: datetime | None = None,
    jobs: int | None = 1,
) -> Roster:
    """Read and check every row of the roster CSV at ``path`` (UTF-8, a header row).

    Each row is checked as ``leadbadge issue`` checks its options (tier, e-mail, evidence
    covering the tier's requirements with their fields and hours, results, credits, date) and
    its credential is built unsigned against ``issuer``; every problem is collected. Raises
    :class:`InputError` only if the file cannot be read as CSV at all.

    ``jobs`` processes check a roster of :data:`PARALLEL_FROM` rows or more (``None``: one per
    core); the answer is the same as with one.
    """
    source = Path(path)
    try:
        with source.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, strict=True)
            header = [name.strip() for name in reader.fieldnames or []]
            reader.fieldnames = header
            raw_rows = [(n, dict(r)) for n, r in enumerate(reader, start=2)]
    except UnicodeDecodeError as exc:
        raise InputError(
            f"The roster {source} is not UTF-8 text (byte {exc.object[exc.start]:#04x} at "
            f"position {exc.start}): spreadsheets often save 'CSV' in an older encoding. Save it "
            f"as {_SAVE_AS} and run again.",
            field="roster",
        ) from None
    except (OSError, csv.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc).split("\n")[0]
        raise InputError(
            f"The roster {source} cannot be read ({reason}).", field="roster"
        ) from None
    delimiter = _other_delimiter(header)
    if delimiter is not None:
        raise InputError(
            f"The roster {source} separates its columns with {delimiter}, not commas (a "
            f"spreadsheet set to another locale does this). Save it as {_SAVE_AS} and run again.",
            field="roster",
        )
    problems = _header_problems(header)
    if problems:
        return Roster(rows=(), problems=tuple(problems))
    # Each row is checked on its own (in worker processes for a long roster); what they found
    # is then taken in row order, duplicates included.
    found: list[RosterRow | RosterProblem] = []
    to_check: list[tuple[int, dict[str, str]]] = []
    for number, raw in raw_rows:
        if None in raw:
            found.append(RosterProblem(number, "(row)", "The row has more cells than the header."))
            continue
        cells = {k: (v or "").strip() for k, v in raw.items()}
        if any(cells.values()):
            to_check.append((number, cells))
    moment = now or datetime.now(UTC)
    found += _check_rows(to_check, framework, issuer, moment, jobs)
    found.sort(key=lambda item: item.row)
    rows: list[RosterRow] = []
    seen: dict[str, int] = {}
    ids = {number for number, cells in to_check if cells.get("id")}
    for item in found:
        if isinstance(item, RosterProblem):
            problems.append(item)
            continue
        if item.key in seen:
            column = "id" if item.row in ids else "(row)"
            problems.append(
                RosterProblem(
                    item.row, column, f"It repeats row {seen[item.key]} (key {item.key})."
                )
            )
            continue
        seen[item.key] = item.row
        rows.append(item)
    return Roster(rows=tuple(rows), problems=tuple(problems))


#: Rosters of at least this many rows are checked by worker processes (starting one costs
#: about as much as checking a few hundred rows).
PARALLEL_FROM: Final = 1_000
_CHUNKS_PER_WORKER = 4


def _check_rows(
    to_check: Sequence[tuple[int, dict[str, str]]],
    framework: Framework,
    issuer: IssuerProfile,
    moment: datetime,
    jobs: int | None,
) -> list[RosterRow | RosterProblem]:
    workers = max(1, min(jobs or os.cpu_count() or 1, len(to_check)))
    if workers == 1 or len(to_check) < PARALLEL_FROM:
        return [_check_row(n, cells, framework, issuer, moment) for n, cells in to_check]
    size = -(-len(to_check) // (workers * _CHUNKS_PER_WORKER))
    chunks = [list(to_check[i : i + size]) for i in range(0, len(to_check), size)]
    with spawn_pool(workers, _init_checker, (framework, issuer, moment, os.getpid())) as pool:
        futures = submit_all(pool, _check_chunk, chunks)
        with cancelled_on_error(futures):
            return [item for future in futures for item in future.result()]


_CHECKER: dict[str, Any] = {}


def _init_checker(
    framework: Framework, issuer: IssuerProfile, moment: datetime, parent_pid: int
) -> None:
    die_with_parent(parent_pid)
    _CHECKER.update(framework=framework, issuer=issuer, moment=moment)
    settle_worker_heap()


def _check_chunk(chunk: Sequence[tuple[int, dict[str, str]]]) -> list[RosterRow | RosterProblem]:
    framework, issuer, moment = _CHECKER["framework"], _CHECKER["issuer"], _CHECKER["moment"]
    return [_check_row(number, cells, framework, issuer, moment) for number, cells in chunk]


_SAVE_AS = "'CSV UTF-8 (Comma delimited) (*.csv)' (Excel) or 'Text CSV', UTF-8, comma (LibreOffice)"
_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _other_delimiter(header: Sequence[str]) -> str | None:
    """What a one-column header that names the real columns is separated by, if anything."""
    if len(header) != 1:
        return None
    for char, name in _DELIMITERS.items():
        parts = [part.strip() for part in header[0].split(char)]
        if len(parts) > 1 and set(REQUIRED_COLUMNS) <= set(parts):
            return name
    return None


def _header_problems(header: Sequence[str]) -> list[RosterProblem]:
    problems = [
        RosterProblem(1, name, "The roster has no such column; see docs/batch.md.")
        for name in header
        if name not in ROSTER_COLUMNS and not _EVIDENCE_COLUMN.match(name)
    ]
    problems += [
        RosterProblem(1, name, "The roster lacks this required column.")
        for name in REQUIRED_COLUMNS
        if name not in header
    ]
    if len(set(header)) != len(header):
        problems.append(RosterProblem(1, "(header)", "A column is named twice."))
    return problems


def _check_row(
    number: int,
    cells: Mapping[str, str],
    framework: Framework,
    issuer: IssuerProfile,
    moment: datetime,
) -> RosterRow | RosterProblem:
    column = "tier"
    try:
        tier = framework.find_tier(cells["tier"])
        if tier is None:
            known = ", ".join(framework.tier_ids())
            return RosterProblem(number, column, f"Unknown tier {cells['tier']!r}; known: {known}.")
        column = "email"
        recipient = Recipient(email=cells["email"], name=cells["name"] or None)
        if recipient.name is None:
            return RosterProblem(number, "name", "The recipient's name is empty.")
        items: list[EvidenceItem] = []
        for column in _evidence_columns(cells):
            values = [v.strip() for v in cells[column].split(EVIDENCE_SEPARATOR) if v.strip()]
            if any(v.startswith("@") for v in values):
                return RosterProblem(number, column, "Evidence files (@FILE) are not read here.")
            items += _issue_input.parse_evidence(tier, values)
        column = "evidence"
        _issue_input.check_evidence_covers_tier(tier, items)
        column = "results"
        parts = [p for p in cells.get("results", "").split(";") if p.strip()]
        results = _issue_input.parse_results(tier, parts)
        column = "credits"
        credits = _credits(cells.get("credits", ""))
        column = "valid_from"
        text = cells.get("valid_from", "")
        valid_from = _issue_input.parse_valid_from(text) if text else None
        column = "(row)"
        build_credential(
            framework,
            tier.id,
            issuer,
            recipient,
            valid_from=valid_from or moment,
            evidence=items,
            results=results,
            credits=credits,
            issued_at=moment,
            # A dry run: the credential is only checked, then dropped.
            share_achievement=True,
        )
    except LeadbadgeError as error:
        where = getattr(error, "field", None)
        if column == "(row)" and isinstance(where, str):
            column = _COLUMN_OF_FIELD.get(where, "evidence" if "evidence" in where else where)
        return RosterProblem(number, column, error.message)
    key = cells.get("id", "")
    if key and not _ROW_ID.match(key):
        return RosterProblem(
            number, "id", "An id is letters, digits, '.', '_' or '-' (128 at most)."
        )
    return RosterRow(
        row=number,
        key=key or _digest(tier.id, recipient, cells),
        tier=tier.id,
        recipient=recipient,
        evidence=tuple(items),
        results=results,
        credits=credits,
        valid_from=valid_from,
    )


def _evidence_columns(cells: Mapping[str, str]) -> list[str]:
    numbered = sorted(
        (c for c in cells if _EVIDENCE_COLUMN.match(c)), key=lambda c: int(c.split("_")[1])
    )
    return [c for c in ["evidence", *numbered] if cells.get(c)]


def _credits(text: str) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InputError(f"{text!r} is not a number of credits.", field="credits") from None


def _digest(tier: str, recipient: Recipient, cells: Mapping[str, str]) -> str:
    """A key for a row without an id: the same person, tier and content give the same key."""
    content = {k: v for k, v in cells.items() if k not in ("id", "tier", "email", "name")}
    material = json.dumps(
        [tier, recipient.email, recipient.name, sorted(content.items())], ensure_ascii=False
    )
    return "row-" + hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]
