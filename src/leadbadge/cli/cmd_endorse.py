"""``leadbadge endorse``: an authority accredits a program for tiers (docs/accreditation.md)."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from leadbadge.cli._app import cli
from leadbadge.cli._common import echo, issuer_option
from leadbadge.cli.cmd_issuer import _passphrase, _say
from leadbadge.errors import InputError

if TYPE_CHECKING:
    from leadbadge.issuer.endorse import Endorsement

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _parse_until(value: str | None) -> datetime | None:
    """``--valid-until``: a date (the end of that day, UTC) or a date-time with a time zone."""
    if value is None:
        return None
    text = value.strip()
    try:
        if _DATE_ONLY.match(text):
            return datetime.combine(date.fromisoformat(text), time(23, 59, 59), tzinfo=UTC)
        parsed = datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise click.BadParameter(
            f"{value!r} is not a date (2031-06-30) or a date-time with a time zone "
            "(2031-06-30T17:00:00Z)",
            param_hint="'--valid-until'",
        )
    return parsed


def _is_remote(source: str) -> bool:
    """A URL or a DID: fetched, so read once only (by the library)."""
    return "://" in source or source.startswith("did:")


def _precheck_local(source: str, tiers: tuple[str, ...]) -> None:
    """Find a wrong folder or tier name before the passphrase is asked for.

    Only for a local folder or file, which is cheap to read twice; a URL (or DID) is fetched
    once, by :func:`leadbadge.issuer.endorse.endorse`, which checks the same things.
    """
    from leadbadge.issuer.endorse import load_program

    load_program(source, tiers)


def _outputs(outdir: Path | None, tiers: tuple[str, ...]) -> dict[str, Path]:
    """The file each endorsement goes to; refuses, before anything is signed, to replace one."""
    if outdir is None:
        return {}
    paths = {tier: outdir / f"{tier}.json" for tier in dict.fromkeys(tiers)}
    taken = [str(p) for p in paths.values() if os.path.lexists(p)]
    if taken:
        raise click.ClickException(
            f"{', '.join(taken)} already exist{'s' if len(taken) == 1 else ''}; choose another "
            "-o folder (endorsements are never overwritten)."
        )
    return paths


def _write(endorsements: list[Endorsement], paths: dict[str, Path], outdir: Path) -> None:
    import json

    from leadbadge import _fs

    outdir.mkdir(parents=True, exist_ok=True)
    for endorsement in endorsements:
        path = paths[endorsement.tier]
        text = json.dumps(endorsement.document, indent=2, ensure_ascii=False) + "\n"
        try:
            _fs.atomic_write_text(path, text, overwrite=False)
        except InputError:
            raise click.ClickException(
                f"{path} appeared while the endorsement was being written; it is recorded in "
                f"the ledger as {endorsement.id} (see 'leadbadge ledger show')."
            ) from None
        _say(f"Wrote {path}.")


@cli.command("endorse")
@issuer_option
@click.option(
    "--program",
    "program",
    required=True,
    metavar="PUBLISHED_DIR|KEYS_JSON|URL",
    help="What the program publishes ('leadbadge publish'): its folder, its keys.json, or the "
    "https URL of either (fetched, bounded, from the program's own site).",
)
@click.option(
    "--tier",
    "tiers",
    required=True,
    multiple=True,
    metavar="TIER",
    help="A tier of the program to accredit; repeatable. One endorsement is signed per tier.",
)
@click.option(
    "--valid-until",
    metavar="DATE",
    help="End of the accreditation: a date (the end of that day, UTC) or a date-time with a "
    "time zone (default: 5 years from now).",
)
@click.option(
    "--comment",
    metavar="TEXT",
    help="The endorsementComment (default: a sentence naming the authority, program and tier).",
)
@click.option(
    "-o",
    "--output",
    "outdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write each signed endorsement to OUTDIR/TIER.json (an existing file is never "
    "replaced).",
)
def endorse_command(
    *,
    issuer_dir: Path,
    program: str,
    tiers: tuple[str, ...],
    valid_until: str | None,
    comment: str | None,
    outdir: Path | None,
) -> None:
    """Accredit a program for TIERs: sign one OB 3.0 EndorsementCredential per tier.

    --issuer is the authority's home. Each endorsement's subject is the program's Achievement
    for the tier; it names a snapshot of the program's key history (kept in the authority's
    home), carries a revocation status entry and is recorded in the authority's ledger, so
    'leadbadge revoke' withdraws it. Publish the authority afterwards: verifiers who pin it
    receive accreditations.json. The passphrase comes from LEADBADGE_PASSPHRASE, else it is
    asked for on the terminal.
    """
    from leadbadge.issuer.endorse import endorse
    from leadbadge.issuer.home import IssuerHome

    home = IssuerHome.open(issuer_dir)
    until = _parse_until(valid_until)
    if until is not None and until <= datetime.now(UTC):
        raise click.BadParameter("the date has passed", param_hint="'--valid-until'")
    if comment is not None and not comment.strip():
        raise click.BadParameter("the comment is empty", param_hint="'--comment'")
    paths = _outputs(outdir, tiers)
    if not _is_remote(program):
        _precheck_local(program, tiers)
    signing_key = home.signing_key(_passphrase(confirm=False))
    done = endorse(home, signing_key, program, tiers, valid_until=until, comment=comment)
    for endorsement in done:
        document = endorsement.document
        echo(
            f"{document.get('name')} (tier {endorsement.tier!r}, program {endorsement.program}): "
            f"{endorsement.id}, valid until {document.get('validUntil')}."
        )
    if outdir is not None:
        _write(done, paths, outdir)
    echo(
        f"Next: leadbadge publish --issuer {issuer_dir} SITE_FOLDER and host it, so that "
        "verifiers who pin the authority receive its accreditations.json."
    )
