"""``leadbadge ledger list | show | export``: what the issuer has issued, for the administrator.

Read-only reports over the issuer ledger: every credential with its tier, recipient, date and
current status, one credential with its status list entries and every status change, and a
CSV export for spreadsheets. The ledger holds recipients' names: so do these reports.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from leadbadge.cli._app import cli
from leadbadge.cli._common import echo, issuer_option, print_rows, safe_cell
from leadbadge.cli.cmd_status import credential_id

if TYPE_CHECKING:
    from leadbadge.issuer.ledger_records import LedgerEntry, StatusChange

CSV_COLUMNS = (
    "id",
    "tier",
    "recipient_name",
    "recipient_hash",
    "issued_at",
    "key",
    "status",
    "revocation_list",
    "revocation_index",
    "suspension_list",
    "suspension_index",
    "last_change_at",
    "last_change_by",
    "last_change_reason",
)


def recipient_name(document: Mapping[str, Any]) -> str | None:
    """The recipient's name as the credential states it (an IdentityObject of type name)."""
    subject = document.get("credentialSubject")
    if not isinstance(subject, Mapping):
        return None
    for item in subject.get("identifier") or []:
        if isinstance(item, Mapping) and item.get("identityType") == "name":
            value = item.get("identityHash")
            return value if isinstance(value, str) else None
    name = subject.get("name")
    return name if isinstance(name, str) else None


def is_endorsement(entry: LedgerEntry) -> bool:
    """True for an accreditation (``leadbadge endorse``): an EndorsementCredential whose ledger
    tier is the endorsed tier and whose recipient column holds the program's issuer id."""
    from leadbadge.pathway.accreditation import is_endorsement as _is_endorsement

    return _is_endorsement(entry.document)


def recipient_label(entry: LedgerEntry) -> str:
    """The recipient column of a report: the person's name, or the program an endorsement
    accredits."""
    if is_endorsement(entry):
        return f"endorsement of {entry.recipient_hash}"
    return recipient_name(entry.document) or "—"


def _entry_json(entry: LedgerEntry) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": entry.id,
        "kind": "endorsement" if is_endorsement(entry) else "credential",
        "tier": entry.tier,
        "recipientName": recipient_name(entry.document),
        "recipientHash": entry.recipient_hash,
        "issuedAt": entry.issued_at,
        "key": entry.key_vm,
        "status": entry.status,
        "statusEntries": [
            {"purpose": a.purpose, "list": a.list_url, "index": a.index} for a in entry.assignments
        ],
    }
    if data["kind"] == "endorsement":
        from leadbadge.pathway.accreditation import endorsed_subject

        data["program"] = entry.recipient_hash
        data["achievement"] = endorsed_subject(entry.document)
    return data


def _change_json(change: StatusChange) -> dict[str, Any]:
    return {
        "action": change.action,
        "from": change.from_status,
        "to": change.to_status,
        "by": change.actor,
        "at": change.at,
        "reason": change.reason,
    }


@cli.group("ledger")
def ledger_group() -> None:
    """Report what the issuer has issued: list, show one credential, export to CSV.

    An authority's accreditations (``leadbadge endorse``) are in its ledger too, marked as
    endorsements: the tier endorsed, and the program's issuer id for a recipient.
    """


@ledger_group.command("list")
@issuer_option
@click.option("--tier", help="Only credentials of this tier.")
@click.option(
    "--status",
    type=click.Choice(["active", "suspended", "revoked"]),
    help="Only credentials with this status.",
)
@click.option(
    "--email",
    help="Only credentials awarded to this e-mail address (matched against their salted hashes).",
)
@click.option("--name", help="Only credentials whose recipient name contains this text.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def list_command(
    *,
    issuer_dir: Path,
    tier: str | None,
    status: str | None,
    email: str | None,
    name: str | None,
    as_json: bool,
) -> None:
    """List issued credentials (and endorsements), oldest first.

    On a terminal, a table; otherwise (a pipe, a file) one tab-separated line per credential
    under a header line, for grep, cut and spreadsheets.
    """
    from leadbadge.issuer.home import IssuerHome
    from leadbadge.pathway.identity import credential_matches_email, normalize_email

    if email is not None:
        normalize_email(email)  # refuses a malformed address before reading the ledger
    home = IssuerHome.open(issuer_dir)
    with home.open_ledger() as ledger:
        entries = ledger.entries(tier=tier, status=status)
    if tier is not None and not entries and home.framework().find_tier(tier) is None:
        # A tier the ledger has credentials of stays listable after it leaves the framework.
        known = ", ".join(home.framework().tier_ids())
        raise click.ClickException(f"Unknown tier {tier!r}; the known tiers are {known}.")
    if email is not None:
        entries = [e for e in entries if credential_matches_email(e.document, email)]
    if name is not None:
        wanted = name.casefold().strip()
        entries = [e for e in entries if wanted in (recipient_name(e.document) or "").casefold()]
    if as_json:
        echo(json.dumps([_entry_json(e) for e in entries], indent=2, ensure_ascii=False))
        return
    if not entries:
        echo("No credentials match.")
        return
    rows = [
        (entry.id, entry.tier, recipient_label(entry), entry.issued_at, entry.status)
        for entry in entries
    ]
    styles = [{"revoked": "red", "suspended": "yellow"}.get(e.status, "") for e in entries]
    print_rows(("id", "tier", "recipient", "issued", "status"), rows, styles=styles)
    if sys.stdout.isatty():
        echo(f"{len(entries)} credential{'s' if len(entries) != 1 else ''}.")


@ledger_group.command("show")
@issuer_option
@click.argument("credential", metavar="CREDENTIAL_ID_OR_FILE")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, with the signed document.")
def show_command(issuer_dir: Path, credential: str, as_json: bool) -> None:
    """Show one credential: its record, status list entries and every status change."""
    from leadbadge.errors import InputError
    from leadbadge.issuer.home import IssuerHome

    target = credential_id(credential)
    with IssuerHome.open(issuer_dir).open_ledger() as ledger:
        entry = ledger.get(target)
        changes = ledger.changes(target)
    if entry is None:
        raise InputError(f"The ledger records no credential with the id {target}.")
    if as_json:
        data = {**_entry_json(entry), "changes": [_change_json(c) for c in changes]}
        data["document"] = entry.document
        echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if is_endorsement(entry):
        from leadbadge.pathway.accreditation import endorsed_subject

        echo(f"Endorsement {entry.id} (EndorsementCredential: an accreditation)")
        echo(f"Tier        {entry.tier}")
        echo(f"Program     {entry.recipient_hash}")
        echo(f"Achievement {endorsed_subject(entry.document) or '—'}")
    else:
        echo(f"Credential  {entry.id}")
        echo(f"Tier        {entry.tier}")
        echo(f"Recipient   {recipient_name(entry.document) or '—'} ({entry.recipient_hash})")
    echo(f"Issued      {entry.issued_at} with {entry.key_vm}")
    echo(f"Status      {entry.status}")
    for assignment in entry.assignments:
        echo(f"  {assignment.purpose:<11} index {assignment.index} in {assignment.list_url}")
    if not entry.assignments:
        echo("  (issued without status entries)")
    echo("Changes" if changes else "Changes     none")
    for change in changes:
        why = f": {change.reason}" if change.reason else ""
        echo(f"  {change.at}  {change.action} by {change.actor}{why}")


@ledger_group.command("export")
@issuer_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the CSV to this file (default: standard output).",
)
@click.option("--force", is_flag=True, help="Replace the -o file if it exists.")
def export_command(issuer_dir: Path, output: Path | None, force: bool) -> None:
    """Export every credential to CSV (UTF-8, one row per credential, a header row first).

    Columns: id, tier, recipient_name, recipient_hash, issued_at, key, status, the revocation
    and suspension list and index, and the last status change (when, by whom, why). A cell
    that a spreadsheet would run as a formula starts with a quote.
    """
    from leadbadge import _fs
    from leadbadge.issuer.home import IssuerHome

    with IssuerHome.open(issuer_dir).open_ledger() as ledger:
        entries = ledger.entries()
        last: dict[str, StatusChange] = {c.credential_id: c for c in ledger.changes()}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        held = {a.purpose: a for a in entry.assignments}
        change = last.get(entry.id)
        row = [
            entry.id,
            entry.tier,
            recipient_name(entry.document) or "",
            entry.recipient_hash,
            entry.issued_at,
            entry.key_vm,
            entry.status,
            held["revocation"].list_url if "revocation" in held else "",
            held["revocation"].index if "revocation" in held else "",
            held["suspension"].list_url if "suspension" in held else "",
            held["suspension"].index if "suspension" in held else "",
            change.at if change else "",
            change.actor if change else "",
            (change.reason or "") if change else "",
        ]
        writer.writerow([safe_cell(value) for value in row])
    if output is None:
        echo(buffer.getvalue(), nl=False)
        return
    _fs.atomic_write_text(output, buffer.getvalue(), overwrite=force)
    click.echo(f"Wrote {len(entries)} credentials to {output}.", err=True)
