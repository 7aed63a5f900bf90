"""``leadbadge trust add | list | remove``: the issuers this verifier trusts (docs/trust.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from leadbadge.cli._app import cli
from leadbadge.cli._common import EXIT_OK, EXIT_USAGE, console, sentence

if TYPE_CHECKING:
    from leadbadge.trust import PinnedIssuer, TrustStore

_trust_option = click.option(
    "--trust",
    "trust_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Trust store folder (default: $LEADBADGE_TRUST, else a per-user data folder).",
)


def _open(trust_dir: Path | None) -> TrustStore:
    from leadbadge.trust import TrustStore

    return TrustStore.open(trust_dir)


def _warn(message: str) -> None:
    click.echo(f"leadbadge: warning: {sentence(message)}", err=True)


def _label(issuer: PinnedIssuer) -> str:
    return f"{issuer.name} ({issuer.id})" if issuer.name else issuer.id


@cli.group("trust")
def trust_group() -> None:
    """Pin the issuers you trust, list them and remove them."""


@trust_group.command("add")
@click.argument("source", metavar="FILE_OR_URL")
@_trust_option
def add(source: str, trust_dir: Path | None) -> None:
    """Pin a published issuer (folder, keys.json, did.json, https URL or DID).

    FILE_OR_URL is a folder written by 'leadbadge publish', its keys.json, a did.json DID
    document, an https URL to one of those, or a did:web / did:key DID. Everything is checked
    before it is pinned; pinning the same issuer again replaces its entry.
    """
    store = _open(trust_dir)
    result = store.add_published(source)
    issuer = result.issuer
    count = len(issuer.keys)
    verb = "Updated" if result.updated else "Added"
    # Plain echo, not rich: ids such as did:key:… must not be read as markup or :emoji: codes.
    click.echo(
        f"{verb} {_label(issuer)}: {count} key{'s' if count != 1 else ''} from "
        f"{issuer.source}, in {store.root}."
    )
    if not any(key.has_period for key in issuer.keys):
        _warn(
            "The source gives no key history, so these keys are accepted for credentials "
            "signed at any time"
        )
    for vm_id in result.dropped_keys:
        _warn(f"The key {vm_id} was pinned before but is no longer published; it is unpinned")


@trust_group.command("list")
@_trust_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of the entries.")
@click.pass_context
def list_(ctx: click.Context, trust_dir: Path | None, as_json: bool) -> None:
    """List the pinned issuers.

    A damaged entry is named on stderr and the command exits 3; the others are still listed.
    """
    store = _open(trust_dir)
    issuers, damaged = store.scan()
    if as_json:
        entries = [issuer.to_json() | {"file": str(issuer.path)} for issuer in issuers]
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False))
    elif not issuers:
        click.echo(f"No issuers are pinned in {store.root}.")
    else:
        _print_table(issuers)
    for error in damaged:
        _warn(error.message)
    ctx.exit(EXIT_USAGE if damaged else EXIT_OK)


def _print_table(issuers: list[PinnedIssuer]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table()
    for column in ("issuer", "name", "keys", "source", "pinned"):
        table.add_column(column, overflow="fold")
    for issuer in issuers:
        table.add_row(
            Text(issuer.id),
            Text(issuer.name or "—"),
            str(len(issuer.keys)),
            Text(issuer.source),
            issuer.pinned_at.strftime("%Y-%m-%d"),
        )
    console().print(table)


@trust_group.command("remove")
@click.argument("issuer_id", metavar="ID")
@_trust_option
def remove(issuer_id: str, trust_dir: Path | None) -> None:
    """Unpin an issuer.

    ID is any issuer id the issuer has used, or the file name of a damaged entry.
    """
    store = _open(trust_dir)
    removed = store.remove(issuer_id)
    what = removed if isinstance(removed, str) else _label(removed)
    click.echo(f"Removed {what} from {store.root}.")
