"""``leadbadge renew`` and ``leadbadge ledger expiring``: renewing credentials over a career."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from leadbadge.cli._app import cli
from leadbadge.cli._common import check_output, echo, issuer_option, print_rows, write_recorded
from leadbadge.cli.cmd_issuer import _EVIDENCE_HELP, _passphrase, _say, _warn_if_expired
from leadbadge.cli.cmd_ledger import is_endorsement, ledger_group, recipient_label, recipient_name
from leadbadge.cli.cmd_status import credential_id
from leadbadge.cli.cmd_verify import _parse_duration


@cli.command("renew")
@issuer_option
@click.argument("credential")
@click.option("--evidence", multiple=True, metavar="TEXT_OR_URL", help=_EVIDENCE_HELP)
@click.option(
    "--valid-from",
    metavar="DATETIME",
    help="Start of the new validity period, ISO 8601 with a time zone (default: now).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the renewed credential to this file (default: standard output).",
)
@click.option("--force", is_flag=True, help="Replace the -o file if it exists.")
def renew_command(
    *,
    issuer_dir: Path,
    credential: str,
    evidence: tuple[str, ...],
    valid_from: str | None,
    output: Path | None,
    force: bool,
) -> None:
    """Issue the renewal of CREDENTIAL (a file or an id this issuer issued).

    The new credential has the same tier and recipient, keeps the original awardedDate, starts
    a new validity period and names the credential it renews; the evidence must meet the tier's
    renewal requirements (e.g. professional-learning hours). The original is marked superseded
    in the ledger (not revoked).
    """
    from leadbadge.issuer.home import IssuerHome
    from leadbadge.issuer.issue import Issuer
    from leadbadge.pathway import inputs as _issue_input
    from leadbadge.pathway.renewal import renewal_tier

    home = IssuerHome.open(issuer_dir)
    framework = home.framework()
    wanted = credential_id(credential)
    with home.open_ledger() as ledger:
        entry = ledger.get(wanted)
    if entry is None:
        raise click.ClickException(
            f"This issuer's ledger records no credential {wanted}; renew it with the issuer that "
            "issued it."
        )
    if is_endorsement(entry):
        raise click.ClickException(
            f"{entry.id} is an accreditation (an EndorsementCredential of the program "
            f"{entry.recipient_hash}), which is not renewed; endorse the program again with "
            f"'leadbadge endorse --issuer {issuer_dir} --program SITE --tier {entry.tier}'."
        )
    tier = renewal_tier(framework.tier(entry.tier))
    items = _issue_input.parse_evidence(tier, evidence)
    _issue_input.check_evidence_covers_tier(tier, items)
    start = _issue_input.parse_valid_from(valid_from) if valid_from else None
    if output is not None:
        check_output(output, force=force)
    issuer = Issuer(home, home.signing_key(_passphrase(confirm=False)), framework)
    renewed = issuer.renew(entry.id, evidence=items, valid_from=start)
    text = renewed.to_json() + "\n"
    if output is None:
        echo(text, nl=False)
    else:
        write_recorded(output, text, force=force, credential_id=renewed.id, issuer_dir=issuer_dir)
        _say(f"Wrote {output}.")
    _say(f"Renewed {entry.id} as {renewed.id} ({entry.tier}); the original is superseded.")
    _warn_if_expired(renewed.document)


@ledger_group.command("expiring")
@issuer_option
@click.option(
    "--within",
    default="90d",
    show_default=True,
    help="The window from now: 90d, 36h, 90m.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def expiring_command(issuer_dir: Path, within: str, as_json: bool) -> None:
    """List credentials due for renewal: validUntil within the window, not revoked, suspended
    or already renewed; soonest first."""

    from leadbadge.issuer.home import IssuerHome, xsd_datetime
    from leadbadge.issuer.ledger_records import due_for_renewal

    window = _parse_duration(within)
    with IssuerHome.open(issuer_dir).open_ledger() as ledger:
        entries = ledger.entries(status="active")
    due = due_for_renewal(entries, now=datetime.now(UTC), within=window)
    if as_json:
        rows = [
            {
                "id": e.id,
                "kind": "endorsement" if is_endorsement(e) else "credential",
                "tier": e.tier,
                "recipientName": recipient_name(e.document),
                "recipientHash": e.recipient_hash,
                "validUntil": xsd_datetime(end),
            }
            for e, end in due
        ]
        echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not due:
        echo(f"No credential is due for renewal within {within}.")
        return
    table = [(e.id, e.tier, recipient_label(e), xsd_datetime(end)) for e, end in due]
    print_rows(("id", "tier", "recipient", "valid until"), table)
    if sys.stdout.isatty():
        echo(f"{len(due)} credential{'s' if len(due) != 1 else ''} due for renewal.")
    if any(is_endorsement(entry) for entry, _ in due):
        echo(
            "Accreditations (endorsement of …) are not renewed: endorse the program again with "
            "'leadbadge endorse'."
        )
