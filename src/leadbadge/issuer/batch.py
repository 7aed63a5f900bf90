"""Batch issuance: check a whole roster first, then issue its rows on every core, resumably.

A roster is a CSV file, one credential a row (docs/batch.md). :func:`read_roster`
(:mod:`leadbadge.issuer.roster`) checks every row the way ``leadbadge issue`` checks its options
and builds each credential unsigned as a dry run, and :func:`check_prerequisites` checks every
row's prerequisite tiers against one read of the issuer's ledger and the roster's own rows, so
one pass names every bad row and column. :func:`issue_batch` then signs the rows in a pool of
processes, in waves so that a row awarding a prerequisite tier is recorded before the rows that
rely on it are signed; each row's key is recorded in the ledger in the transaction that records
its credential (one transaction for a group of rows, whose files are written once it commits),
so a run interrupted at any point and started again issues exactly the rows not yet recorded and
rewrites any credential file that was lost with the interruption.
"""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import Any, Final

from leadbadge import _fs
from leadbadge.errors import InputError
from leadbadge.issuer._pretty_json import pretty_json
from leadbadge.issuer._workers import (
    cancelled_on_error,
    die_with_parent,
    settle_worker_heap,
    spawn_pool,
    submit_all,
)
from leadbadge.issuer.home import IssuerHome, xsd_datetime
from leadbadge.issuer.issue import Issuer, IssueRequest
from leadbadge.issuer.ledger import Ledger
from leadbadge.issuer.ledger_kept import kept_open
from leadbadge.issuer.ledger_records import LedgerEntry

# The roster is read by its own module; its names stay importable from here, where the library
# use of a batch (docs/batch.md) starts.
from leadbadge.issuer.roster import (
    EVIDENCE_SEPARATOR,
    REQUIRED_COLUMNS,
    ROSTER_COLUMNS,
    Roster,
    RosterProblem,
    RosterRow,
    read_roster,
)
from leadbadge.model import Framework, IssuerProfile

# The evidence, results and date syntax is the one ``leadbadge issue`` reads.
from leadbadge.pathway.credential import build_credential
from leadbadge.pathway.identity import credential_matches_email
from leadbadge.pathway.prerequisites import HeldTier, held_now_in_ledger, parse_instant
from leadbadge.share.bake import bake
from leadbadge.share.links import link_for
from leadbadge.share.qr import make_qr

__all__ = [
    "EVIDENCE_SEPARATOR",
    "REQUIRED_COLUMNS",
    "ROSTER_COLUMNS",
    "SUMMARY_COLUMNS",
    "BatchResult",
    "Roster",
    "RosterProblem",
    "RosterRow",
    "check_prerequisites",
    "issue_batch",
    "read_roster",
    "write_summary",
]

SUMMARY_COLUMNS: Final = ("row", "key", "email", "tier", "credential_id", "file", "status")


@dataclass(frozen=True)
class BatchResult:
    """One summary line: what became of a roster row."""

    row: int
    key: str
    email: str
    tier: str
    credential_id: str
    #: The credential file's name in the output folder.
    file: str
    #: ``issued`` (by this run) or ``already-issued`` (by an earlier one).
    status: str


# --- prerequisites -------------------------------------------------------------------------


def check_prerequisites(
    roster: Roster,
    issuer_dir: str | os.PathLike[str],
    *,
    now: datetime | None = None,
    override_prerequisites: str | None = None,
) -> Roster:
    """``roster`` with every row whose recipient lacks its tier's prerequisites made a problem.

    A prerequisite tier is held by an active (not revoked, not suspended) entry of the ledger of
    the issuer at ``issuer_dir`` for the row's e-mail, valid at ``now`` (default: the clock), or
    by another good row of the roster awarding that tier to the same e-mail (:func:`issue_batch`
    records it first). Rows the ledger already records (an earlier run) are not checked again.
    Each problem is in column ``tier`` and names the missing tiers. With
    ``override_prerequisites`` (the reason, recorded with each credential issued without them)
    no row is a problem. The ledger is read once for the whole roster.
    """
    _check_reason(override_prerequisites)
    home = IssuerHome.open(issuer_dir)
    if override_prerequisites is not None:
        return roster
    framework = home.framework()
    with home.open_ledger() as ledger:
        recorded = ledger.batch_keys()
        pending = [row for row in roster.rows if row.key not in recorded]
        entries = _prerequisite_entries(ledger, framework, pending)
    steps = _plan(pending, entries, framework, home, _instant(now))
    found = _prerequisite_problems(steps)
    if not found:
        return roster
    bad = {problem.row for problem in found}
    return Roster(
        rows=tuple(row for row in roster.rows if row.row not in bad),
        problems=tuple(sorted([*roster.problems, *found], key=lambda p: p.row)),
    )


@dataclass(frozen=True)
class _Step:
    """A pending row and how it is issued."""

    row: RosterRow
    #: Rows of a wave rely only on the ledger and on rows of earlier waves.
    wave: int
    #: Prerequisite tiers held neither in the ledger nor by a row of the roster.
    missing: tuple[str, ...]


def _check_reason(reason: str | None) -> None:
    if reason is not None and not reason.strip():
        raise InputError(
            "An override of prerequisites must give a reason.", field="override_prerequisites"
        )


def _instant(now: datetime | None) -> datetime:
    """The moment prerequisites are judged at, to the second as credentials write it."""
    return datetime.fromisoformat(xsd_datetime(now or datetime.now(UTC)))


def _prerequisite_entries(
    ledger: Ledger,
    framework: Framework,
    rows: Sequence[RosterRow],
    loaded: Iterable[LedgerEntry] | None = None,
) -> list[LedgerEntry]:
    """The active ledger entries of every tier some row needs (``loaded``: entries read already)."""
    tiers = sorted(
        {p for row in rows if (tier := framework.find_tier(row.tier)) for p in tier.prerequisites}
    )
    if loaded is not None:
        return [e for e in loaded if e.tier in tiers and e.status == "active"]
    return [e for t in tiers for e in ledger.entries(tier=t, status="active")]


def _depths(framework: Framework) -> dict[str, int]:
    """Each tier's depth in the pathway: 0 without prerequisites, else one more than theirs."""
    depth: dict[str, int] = {}

    def of(tier_id: str) -> int:
        if tier_id not in depth:
            tier = framework.find_tier(tier_id)
            # The framework loader refuses cycles, so this ends.
            below = [of(p) for p in tier.prerequisites] if tier is not None else []
            depth[tier_id] = 1 + max(below, default=-1)
        return depth[tier_id]

    for tier_id in framework.tier_ids():
        of(tier_id)
    return depth


def _plan(
    rows: Sequence[RosterRow],
    entries: Sequence[LedgerEntry],
    framework: Framework,
    home: IssuerHome,
    moment: datetime,
) -> list[_Step]:
    """Each row's wave and missing prerequisites, from the ledger ``entries`` and the rows."""
    needs = {
        row.key: tier.prerequisites
        for row in rows
        if (tier := framework.find_tier(row.tier)) is not None and tier.prerequisites
    }
    wanted = [(r.recipient.email, r.recipient.name, needs[r.key]) for r in rows if r.key in needs]
    in_ledger = held_now_in_ledger(entries, wanted, issuer_id=home.issuer_id, at=moment)
    relied_on = {(email, tier) for email, _, tiers in wanted for tier in tiers}
    depth = _depths(framework)
    # (e-mail, tier) -> the earliest wave in which a row of the roster awards it.
    awarded: dict[tuple[str, str], int] = {}
    steps: list[_Step] = []
    for row in sorted(rows, key=lambda r: depth.get(r.tier, 0)):
        email = row.recipient.email
        held = in_ledger.get(email, {})
        wave, missing = 0, []
        for prerequisite in needs.get(row.key, ()):
            if prerequisite in held:
                continue
            earlier = awarded.get((email, prerequisite))
            if earlier is None:
                missing.append(prerequisite)
            else:
                wave = max(wave, earlier + 1)
        pair = (email, row.tier)
        if pair in relied_on and _current_at(row, framework, home.profile, moment):
            awarded[pair] = min(wave, awarded.get(pair, wave))
        steps.append(_Step(row, wave, tuple(missing)))
    return sorted(steps, key=lambda step: (step.wave, step.row.row))


def _current_at(
    row: RosterRow, framework: Framework, issuer: IssuerProfile, moment: datetime
) -> bool:
    """Whether the credential ``row`` will award is valid at ``moment``, as a prerequisite."""
    if row.valid_from is None:
        # Valid from its own issue, which comes before that of the rows relying on it.
        return True
    unsigned = build_credential(
        framework,
        row.tier,
        issuer,
        row.recipient,
        valid_from=row.valid_from,
        evidence=row.evidence,
        results=row.results,
        credits=row.credits,
        issued_at=moment,
    )
    window = HeldTier(
        tier=row.tier,
        credential_id=str(unsigned["id"]),
        issuer_id=issuer.id,
        valid_from=parse_instant(unsigned.get("validFrom")),
        valid_until=parse_instant(unsigned.get("validUntil")),
        source="roster",
    )
    return window.current_at(moment)


def _prerequisite_problems(steps: Iterable[_Step]) -> list[RosterProblem]:
    """A problem, in column ``tier``, for each row lacking prerequisites, in roster order."""
    problems = []
    for step in steps:
        if not step.missing:
            continue
        names = ", ".join(repr(m) for m in step.missing)
        many = len(step.missing) > 1
        problems.append(
            RosterProblem(
                step.row.row,
                "tier",
                f"The recipient does not hold the prerequisite tier{'s' if many else ''} "
                f"{names} for {step.row.tier!r}: neither the ledger (a current credential, not "
                "revoked, suspended or expired) nor another good row of this roster awards "
                f"{'them' if many else 'it'} to this e-mail address.",
            )
        )
    return sorted(problems, key=lambda p: p.row)


# --- issuing -------------------------------------------------------------------------------


def issue_batch(
    issuer_dir: str | os.PathLike[str],
    roster: Roster,
    outdir: str | os.PathLike[str],
    *,
    passphrase: str,
    jobs: int | None = None,
    now: datetime | None = None,
    baked_image: bytes | None = None,
    qr_base_url: str | None = None,
    progress: Callable[[BatchResult], None] | None = None,
    override_prerequisites: str | None = None,
) -> list[BatchResult]:
    """Issue every roster row not yet recorded, write its files, and return one result a row.

    Refuses (:class:`InputError`) a roster with problems, and one with rows whose recipients
    lack prerequisite tiers (:func:`check_prerequisites`, ``field="prerequisites"``), before
    anything is issued; with ``override_prerequisites`` such rows are issued and the reason is
    recorded with each of their credentials (:meth:`Ledger.prerequisite_overrides`). Rows are
    issued in waves: a row relying on another row for a prerequisite tier is signed only once
    that row is recorded. ``jobs`` processes (default: the number of cores) each open the
    issuer with ``passphrase``, handed to them through the pool's initializer (a pipe), never
    the command line or environment. Each credential is written to ``outdir`` as
    ``<key>.json`` (atomically), with ``<key>.png`` baked into ``baked_image`` (a PNG or SVG) if
    given and a ``<key>.qr.png`` QR code of its link under ``qr_base_url`` if given.
    ``progress`` is called in this process as each row is done. Results are in roster order.
    """
    if roster.problems:
        raise InputError(
            f"The roster has {len(roster.problems)} problem(s); nothing was issued.",
            field="roster",
        )
    _check_reason(override_prerequisites)
    home = IssuerHome.open(issuer_dir)
    framework = home.framework()
    with home.open_ledger() as ledger:
        recorded = ledger.batch_keys()
        # One query for every entry rather than one a row: a resumed run may find thousands.
        issued = {e.id: e for e in ledger.entries()} if recorded else {}
        pending = [row for row in roster.rows if row.key not in recorded]
        entries = _prerequisite_entries(
            ledger, framework, pending, issued.values() if recorded else None
        )
    _check_recorded(roster.rows, recorded, issued)
    steps = _plan(pending, entries, framework, home, _instant(now))
    lacking = sorted((s for s in steps if s.missing), key=lambda s: s.row.row)
    if lacking and override_prerequisites is None:
        shown = "; ".join(
            f"row {s.row.row}: {', '.join(map(repr, s.missing))} for {s.row.tier!r}"
            for s in lacking[:5]
        )
        raise InputError(
            f"{len(lacking)} roster row(s) lack prerequisite tiers; nothing was issued "
            f"({shown}{' …' if len(lacking) > 5 else ''}).",
            field="prerequisites",
        )
    target = Path(outdir)
    target.mkdir(parents=True, exist_ok=True)
    options = _Options(str(target), now, baked_image, qr_base_url, override_prerequisites)
    results: dict[str, BatchResult] = {}
    for row in roster.rows:
        if row.key not in recorded:
            continue
        document = issued[recorded[row.key]].document
        results[row.key] = _write_files(row, document, options, "already-issued")
        if progress:
            progress(results[row.key])
    workers = max(1, min(jobs or os.cpu_count() or 1, len(pending) or 1))
    for result in _run(str(home.path), passphrase, steps, options, workers):
        results[result.key] = result
        if progress:
            progress(result)
    if steps and hasattr(os, "sync"):
        # The workers write credential files without syncing each (a group's names are
        # synced): one flush makes them all durable before the batch says it is done.
        os.sync()
    return [results[row.key] for row in roster.rows]


def write_summary(outdir: str | os.PathLike[str], results: Iterable[BatchResult]) -> Path:
    """Write ``summary.csv`` (:data:`SUMMARY_COLUMNS`) in ``outdir`` atomically."""
    path = Path(outdir) / "summary.csv"
    lines: list[list[Any]] = [list(SUMMARY_COLUMNS)]
    lines += [[r.row, r.key, r.email, r.tier, r.credential_id, r.file, r.status] for r in results]
    buffer = StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(lines)
    _fs.atomic_write_text(path, buffer.getvalue())
    return path


@dataclass(frozen=True)
class _Options:
    outdir: str
    now: datetime | None
    baked_image: bytes | None
    qr_base_url: str | None
    #: The reason rows lacking prerequisite tiers are issued anyway.
    override: str | None = None


def _check_recorded(
    rows: Sequence[RosterRow], recorded: Mapping[str, str], issued: Mapping[str, LedgerEntry]
) -> None:
    """Refuse a roster whose ids the ledger records for another tier or person."""
    clashes = []
    for row in rows:
        if row.key in recorded:
            entry = issued.get(recorded[row.key])
            if (
                entry is None
                or entry.tier != row.tier
                or not credential_matches_email(entry.document, row.recipient.email)
            ):
                clashes.append(f"row {row.row} (key {row.key})")
    if clashes:
        raise InputError(
            "The ledger records these roster keys for another tier or person; give them new "
            f"ids: {', '.join(clashes[:10])}{' …' if len(clashes) > 10 else ''}.",
            field="id",
        )


#: The most credentials one ledger transaction records, and the longest it waits to record
#: the first of them: a group costs one commit and one sync of the output folder.
GROUP_ITEMS: Final = 64
GROUP_SECONDS: Final = 0.25
#: A wave is cut in about this many chunks per worker, so the workers finish together.
_CHUNKS_PER_WORKER = 4


def _chunks(steps: Sequence[_Step], workers: int) -> list[list[_Step]]:
    size = max(1, min(GROUP_ITEMS, -(-len(steps) // (workers * _CHUNKS_PER_WORKER))))
    return [list(steps[i : i + size]) for i in range(0, len(steps), size)]


def _run(
    home: str, passphrase: str, steps: Sequence[_Step], options: _Options, workers: int
) -> Iterable[BatchResult]:
    if not steps:
        return
    waves: dict[int, list[_Step]] = {}
    for step in steps:
        waves.setdefault(step.wave, []).append(step)
    if workers == 1:
        _init_worker(home, passphrase, options)
        with kept_open(_WORKER["issuer"].home.ledger_path):
            for wave in sorted(waves):
                yield from _issue_steps(waves[wave])
        return
    with spawn_pool(workers, _init_worker, (home, passphrase, options, os.getpid())) as pool:
        for wave in sorted(waves):
            # A wave is submitted only when every row of the ones before is recorded.
            futures = submit_all(pool, _issue_chunk, _chunks(waves[wave], workers))
            with cancelled_on_error(futures):
                for future in as_completed(futures):
                    yield from future.result()


_WORKER: dict[str, Any] = {}


def _init_worker(
    home: str, passphrase: str, options: _Options, parent_pid: int | None = None
) -> None:
    if parent_pid is not None:
        die_with_parent(parent_pid)
    _WORKER["issuer"] = Issuer.open(home, passphrase=passphrase)
    _WORKER["options"] = options
    if parent_pid is not None:
        # One ledger connection for the worker's life (it ends with the process).
        kept = kept_open(_WORKER["issuer"].home.ledger_path)
        kept.__enter__()
        _WORKER["ledger"] = kept
        settle_worker_heap()


def _issue_chunk(steps: Sequence[_Step]) -> list[BatchResult]:
    return list(_issue_steps(steps))


def _issue_steps(steps: Sequence[_Step]) -> Iterator[BatchResult]:
    """Issue ``steps`` in groups (:meth:`Issuer._issue_groups`), each group's files written
    once the ledger has recorded it, so a process killed at any point leaves no credential
    file the ledger does not hold; a resumed run writes the files a kill left unwritten."""
    issuer: Issuer = _WORKER["issuer"]
    options: _Options = _WORKER["options"]
    # The prerequisites were checked for the whole roster (_plan), against one read of the
    # ledger: reading it again for every row would make a batch quadratic.
    requests = [
        IssueRequest(
            tier=step.row.tier,
            recipient=step.row.recipient,
            evidence=step.row.evidence,
            results=step.row.results,
            credits=step.row.credits,
            valid_from=step.row.valid_from,
            missing=step.missing,
            reason=options.override if step.missing else None,
            batch_key=step.row.key,
        )
        for step in steps
    ]
    groups = issuer._issue_groups(
        requests, now=options.now, max_items=GROUP_ITEMS, max_seconds=GROUP_SECONDS
    )
    # A group's files are written by a thread while the next group is signed: creating files
    # waits on the disk, signing on the processor.
    with ThreadPoolExecutor(max_workers=1) as writer:
        pending: Future[list[BatchResult]] | None = None
        try:
            for group in groups:
                documents = []
                for index, signed in group:
                    row = steps[index].row
                    if signed is not None:
                        documents.append((row, signed.document, "issued"))
                        continue
                    # Another run recorded this row after this one read the ledger.
                    with issuer.home.open_ledger() as ledger:
                        entry = ledger.get(ledger.batch_keys()[row.key])
                    if entry is None:
                        raise InputError(
                            f"The ledger records roster row {row.key} but not its credential.",
                            field="batch_key",
                        )
                    documents.append((row, entry.document, "already-issued"))
                if pending is not None:
                    yield from pending.result()
                pending = writer.submit(_write_group, documents, options)
            if pending is not None:
                yield from pending.result()
                pending = None
        finally:
            # Stopped early: the files of every group recorded are still written.
            if pending is not None:
                with contextlib.suppress(Exception):
                    pending.result()


def _write_group(
    documents: Sequence[tuple[RosterRow, Mapping[str, Any], str]], options: _Options
) -> list[BatchResult]:
    """Write the files of a group the ledger has recorded."""
    done = [
        _write_files(row, document, options, status, sync=False)
        for row, document, status in documents
    ]
    # One sync of the folder's new names for the group; the data itself is flushed when the
    # batch ends (issue_batch), and a run after a crash rewrites any file that does not hold
    # its recorded credential.
    _fs.fsync_dir(options.outdir)
    return done


def _holds(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def _write_files(
    row: RosterRow,
    document: Mapping[str, Any],
    options: _Options,
    status: str,
    *,
    sync: bool = True,
) -> BatchResult:
    folder = Path(options.outdir)
    text = pretty_json(document) + "\n"
    written = folder / row.file_name
    # A file from an earlier run is left alone when it already holds this credential.
    fresh = not _holds(written, text)
    if fresh:
        _fs.atomic_write_text(written, text, sync=sync)
    if options.baked_image is not None:
        suffix = ".png" if options.baked_image.startswith(b"\x89PNG") else ".svg"
        baked = folder / f"{row.key}{suffix}"
        if fresh or not baked.exists():
            image = bake(options.baked_image, text, label=f"row {row.row}")
            _fs.atomic_write_bytes(baked, image, sync=sync)
    if options.qr_base_url is not None:
        code_path = folder / f"{row.key}.qr.png"
        if fresh or not code_path.exists():
            code = make_qr(link_for(document, options.qr_base_url))
            _fs.atomic_write_bytes(code_path, code.png(), sync=sync)
    return BatchResult(
        row=row.row,
        key=row.key,
        email=row.recipient.email,
        tier=row.tier,
        credential_id=str(document["id"]),
        file=row.file_name,
        status=status,
    )
