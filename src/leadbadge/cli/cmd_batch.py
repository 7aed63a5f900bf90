"""``leadbadge issue-batch``: issue a roster (CSV), every row checked first, resumably."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from leadbadge.cli._app import cli
from leadbadge.cli._common import EXIT_USAGE, issuer_option, say_error, show_progress
from leadbadge.cli.cmd_issuer import _passphrase

if TYPE_CHECKING:
    from collections.abc import Callable

    from leadbadge.issuer.batch import BatchResult, Roster
    from leadbadge.issuer.home import IssuerHome


@cli.command("issue-batch")
@issuer_option
@click.argument("roster", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "outdir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder for the credentials and summary.csv (made if missing).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    help="Signing processes (default: the number of cores).",
)
@click.option(
    "--baked",
    "baked",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    metavar="IMAGE",
    help="Also bake each credential into a copy of this PNG or SVG badge image.",
)
@click.option(
    "--qr",
    is_flag=True,
    help="Also write a QR code (PNG) of each credential's link on the issuer's site.",
)
@click.option(
    "--override-prerequisites",
    metavar="REASON",
    help="Issue rows whose recipients lack prerequisite tiers anyway; the reason is recorded in "
    "the ledger with each of their credentials.",
)
def issue_batch_command(
    *,
    issuer_dir: Path,
    roster: Path,
    outdir: Path,
    jobs: int | None,
    baked: Path | None,
    qr: bool,
    override_prerequisites: str | None,
) -> None:
    """Issue one credential per row of ROSTER (CSV) and write them to -o with summary.csv.

    Every row is checked first, its prerequisite tiers too (held in the ledger, or awarded to
    the same e-mail by another row, which is then issued first); if any is bad, all bad rows are
    listed (row and column) and nothing is issued. --override-prerequisites REASON issues rows
    lacking prerequisites and records the reason. Rows already issued by an earlier run (the
    ledger records each row's key) are not issued again, so an interrupted run is simply run
    again. The passphrase comes from LEADBADGE_PASSPHRASE, else it is asked for once on the
    terminal.
    """
    from leadbadge.issuer.batch import check_prerequisites, issue_batch, read_roster, write_summary
    from leadbadge.issuer.home import IssuerHome

    if override_prerequisites is not None and not override_prerequisites.strip():
        raise click.UsageError("--override-prerequisites needs a reason.")
    home = IssuerHome.open(issuer_dir)
    read = read_roster(roster, home.framework(), home.profile, jobs=jobs)
    checked = check_prerequisites(read, issuer_dir, override_prerequisites=override_prerequisites)
    if checked.problems:
        _report_problems(roster, checked, outdir)
        if len(checked.problems) > len(read.problems):
            click.echo(
                "A row lacking prerequisite tiers is issued only with --override-prerequisites "
                "REASON (the reason is recorded).",
                err=True,
            )
        sys.exit(EXIT_USAGE)
    image = baked.read_bytes() if baked is not None else None
    passphrase = _passphrase(confirm=False)
    # Unlock once here, so a wrong passphrase is one sentence before any worker starts.
    home.signing_key(passphrase)
    results = _issue_with_progress(
        lambda progress: issue_batch(
            issuer_dir,
            checked,
            outdir,
            passphrase=passphrase,
            jobs=jobs,
            baked_image=image,
            qr_base_url=home.profile.url if qr else None,
            progress=progress,
            override_prerequisites=override_prerequisites,
        ),
        total=len(checked.rows),
    )
    summary = write_summary(outdir, results)
    issued = sum(1 for r in results if r.status == "issued")
    click.echo(
        f"Issued {issued} credential(s); {len(results) - issued} were already issued. "
        f"Summary: {summary}.",
        err=True,
    )
    if override_prerequisites is not None:
        _report_overrides(home, results)


def _report_overrides(home: IssuerHome, results: list[BatchResult]) -> None:
    ids = {r.credential_id for r in results if r.status == "issued"}
    with home.open_ledger() as ledger:
        overridden = [o for o in ledger.prerequisite_overrides() if o.credential_id in ids]
    if overridden:
        click.echo(
            f"{len(overridden)} of them without prerequisite tiers; the overrides are recorded "
            "in the ledger.",
            err=True,
        )


#: Problems printed on the terminal; a longer list goes to a file (a shifted column can make
#: every row of a 2,000-row roster wrong).
SHOWN_PROBLEMS = 20


def _report_problems(roster: Path, checked: Roster, outdir: Path) -> None:
    from leadbadge import _fs

    rows = sorted({p.row for p in checked.problems})
    say_error(
        f"{roster} has {len(checked.problems)} problem(s) in {len(rows)} row(s); "
        "nothing was issued: fix them and run again."
    )
    for problem in checked.problems[:SHOWN_PROBLEMS]:
        click.echo(f"  {problem}", err=True)
    hidden = len(checked.problems) - SHOWN_PROBLEMS
    if hidden <= 0:
        return
    listing = outdir / "roster-problems.txt"
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        _fs.atomic_write_text(listing, "".join(f"{p}\n" for p in checked.problems))
    except OSError:
        click.echo(f"  … and {hidden} more (could not write them to {listing}).", err=True)
        return
    click.echo(f"  … and {hidden} more; every problem is listed in {listing}.", err=True)


def _issue_with_progress(
    run: Callable[[Callable[[BatchResult], None] | None], list[BatchResult]], *, total: int
) -> list[BatchResult]:
    if not show_progress():
        return run(None)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from leadbadge.cli._common import console

    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console(stderr=True), transient=True) as bar:
        task = bar.add_task("Issuing", total=total)
        return run(lambda _result: bar.advance(task))
