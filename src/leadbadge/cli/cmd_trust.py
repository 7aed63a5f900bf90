"""``leadbadge trust add | list | remove | refresh``: the issuers and status lists this verifier
trusts (docs/trust.md, docs/status.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from leadbadge.cli._app import cli
from leadbadge.cli._common import EXIT_OK, EXIT_USAGE, echo, parse_when, print_rows, sentence

if TYPE_CHECKING:
    from leadbadge.trust.accreditation import PinnedAccreditations
    from leadbadge.trust.pins import KeyFingerprint, PinnedIssuer, PinnedKey
    from leadbadge.trust.status_lists import PinnedStatusList
    from leadbadge.trust.store import TrustStore

_trust_option = click.option(
    "--trust",
    "trust_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Trust store folder (default: $LEADBADGE_TRUST, else a per-user data folder).",
)


def _open(trust_dir: Path | None) -> TrustStore:
    from leadbadge.trust.store import TrustStore

    return TrustStore.open(trust_dir)


def _warn(message: str) -> None:
    click.echo(f"leadbadge: warning: {sentence(message)}", err=True)


def _label(issuer: PinnedIssuer) -> str:
    return f"{issuer.name} ({issuer.id})" if issuer.name else issuer.id


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _program_count(registry: PinnedAccreditations) -> int:
    """Programs the registry vouches for: snapshots sharing an issuer identity are one program
    (a program that rotated its key and was endorsed again has a snapshot per key history)."""
    seen: list[set[str]] = []
    for program in registry.programs:
        identities = set(program.history.identities)
        if not any(identities & known for known in seen):
            seen.append(identities)
    return len(seen)


def _accreditations_text(registry: PinnedAccreditations) -> str:
    return (
        f"{_plural(len(registry.endorsements), 'accreditation')} of "
        f"{_plural(_program_count(registry), 'program')}"
    )


def _say_list(verb: str, entry: PinnedStatusList) -> None:
    echo(f"{verb} the status list {entry.url} ({entry.kind}, issued by {entry.issuer}).")
    if entry.valid_until is not None and entry.valid_until < entry.pinned_at:
        _warn(f"The status list {entry.url} expired on {entry.valid_until:%Y-%m-%d}")


@cli.group("trust")
def trust_group() -> None:
    """Pin the issuers and status lists you trust, list, refresh and remove them."""


@trust_group.command("add")
@click.argument("source", metavar="FILE_OR_URL")
@_trust_option
@click.option(
    "--url",
    "list_url",
    metavar="URL",
    help="For a status list: the URL credentials name it by, when it is not the list's own id "
    "or the URL it is fetched from.",
)
def add(source: str, trust_dir: Path | None, list_url: str | None) -> None:
    """Pin a published issuer or a status list (folder, file, https URL or DID).

    FILE_OR_URL is a folder written by 'leadbadge publish' (its issuer and status lists), its
    keys.json, a did.json DID document, a status list (BitstringStatusListCredential or
    1EdTech revocation list), an https URL to one of those, or a did:web / did:key DID.
    Everything is checked before it is pinned; pinning again replaces the entry.
    """
    from leadbadge.trust.status_lists import PinnedStatusList

    store = _open(trust_dir)
    result = store.add(source, url=list_url)
    if isinstance(result, PinnedStatusList):
        _say_list("Pinned", result)
        return
    issuer = result.issuer
    verb = "Updated" if result.updated else "Added"
    held = _plural(len(issuer.keys), "key")
    if result.accreditations is not None:
        held += f" and {_accreditations_text(result.accreditations)}"
    # Plain echo, not rich: ids such as did:key:… must not be read as markup or :emoji: codes.
    echo(f"{verb} {_label(issuer)}: {held} from {issuer.source}, in {store.root}.")
    # The keys' own values: what to compare, out of band, with what the issuer says it uses.
    for key in issuer.keys:
        echo(f"  {key.id}: {key.public_key.multikey}, {_period(key)}")
    if not any(key.has_period for key in issuer.keys):
        _warn(
            "The source gives no key history, so these keys are accepted for credentials "
            "signed at any time"
        )
    for vm_id in result.dropped_keys:
        _warn(f"The key {vm_id} was pinned before but is no longer published; it is unpinned")
    for entry in (*result.status_lists, *result.program_status_lists):
        _say_list("Pinned", entry)
    for problem in result.problems:
        _warn(f"Not pinned: {problem.rstrip('.')}")


@trust_group.command("add-key")
@click.argument("issuer_id", metavar="ISSUER_ID")
@click.argument("key", metavar="KEY")
@click.option("--name", help="The issuer's name, for reports.")
@click.option("--valid-from", help="The key signs credentials from this instant (default: any).")
@click.option("--valid-until", help="…and until this one (default: no end).")
@_trust_option
def add_key(
    *,
    issuer_id: str,
    key: str,
    name: str | None,
    valid_from: str | None,
    valid_until: str | None,
    trust_dir: Path | None,
) -> None:
    """Pin ISSUER_ID by a key you were given: for issuers that publish no key history or DID
    document (proofs under '<issuer id>#z6Mk…', VC-JWTs carrying their key or naming it by kid).

    KEY is a Multikey (Ed25519 z6Mk…, P-256 zDn…, P-384 z82…) or a file with the public key as
    a JWK or PEM (Ed25519, EC P-256 or P-384, RSA of at least 2048 bits). An Ed25519 key
    verifies Data Integrity proofs and EdDSA VC-JWTs; an RSA or EC key verifies VC-JWTs only
    (RS256, ES256, ES384, as its type says). Check the key with the issuer through another
    channel first: whoever holds its private key can sign as the issuer. Run again with
    another key to add it.
    """
    from leadbadge.trust.by_key import issuer_from_key, read_public_key

    store = _open(trust_dir)
    public = read_public_key(key)
    published = issuer_from_key(
        issuer_id,
        public,
        name=name,
        valid_from=parse_when(valid_from, "--valid-from"),
        valid_until=parse_when(valid_until, "--valid-until"),
        existing=store.find_issuer(issuer_id),
    )
    from datetime import UTC, datetime

    result = store.pin(published, pinned_at=datetime.now(UTC).replace(microsecond=0))
    issuer = result.issuer
    echo(f"Pinned {_label(issuer)} by key, in {store.root}:")
    # The values to compare, out of band, with what the issuer says its key is.
    for fingerprint in issuer.fingerprints():
        echo(f"  {fingerprint.id}: {_key_text(fingerprint)}, {_period(fingerprint)}")
    if public.ed25519 is None:
        echo(
            f"The {public.describe()} verifies VC-JWTs signed with {public.alg} only; Data "
            "Integrity proofs (eddsa-rdfc-2022) need an Ed25519 key."
        )


def _key_text(key: KeyFingerprint) -> str:
    """``Ed25519 key z6Mk…, thumbprint …``: the type, the Multikey if it has one, the RFC 7638
    thumbprint."""
    multikey = f" {key.multikey}" if key.multikey else ""
    return f"{key.description}{multikey}, thumbprint {key.thumbprint}"


@trust_group.command("refresh")
@_trust_option
@click.pass_context
def refresh(ctx: click.Context, trust_dir: Path | None) -> None:
    """Fetch again every issuer and status list pinned from a URL; read again those pinned
    from a folder or file.

    Each one is checked as when it was first pinned. One that cannot be fetched, read or
    checked keeps its old entry and is named on stderr; the command then exits 3.
    """
    store = _open(trust_dir)
    outcomes = store.refresh()
    if not outcomes:
        echo(f"Nothing in {store.root} was pinned from a URL, folder or file; nothing to refresh.")
    failed = 0
    for outcome in outcomes:
        if outcome.problem is None:
            echo(f"Refreshed the {outcome.kind} {outcome.source}.")
        else:
            failed += 1
            _warn(f"Could not refresh the {outcome.kind} {outcome.source}: {outcome.problem}")
    ctx.exit(EXIT_USAGE if failed else EXIT_OK)


@trust_group.command("list")
@_trust_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of the entries.")
@click.pass_context
def list_(ctx: click.Context, trust_dir: Path | None, as_json: bool) -> None:
    """List the pinned issuers, their keys and the status lists.

    Each key is shown with its type and fingerprint: its RFC 7638 JWK thumbprint (SHA-256,
    base64url), to compare with what the issuer says its keys are. For an authority, the
    accreditation registry pinned with it: how many accreditations (endorsements) of how many
    programs it holds. A damaged entry is named on stderr and the command exits 3; the others
    are still listed.
    """
    from leadbadge.errors import TrustStoreError

    store = _open(trust_dir)
    issuers, damaged = store.scan()
    registries: dict[str, PinnedAccreditations | None] = {}
    for issuer in issuers:
        try:
            registries[issuer.id] = store.registry(issuer)
        except TrustStoreError as problem:
            registries[issuer.id] = None
            damaged.append(problem)
    if as_json:
        entries = [
            issuer.to_json()
            | {
                "fingerprints": [key.to_json() for key in issuer.fingerprints()],
                "file": str(issuer.path),
                "accreditations": _registry_json(registries[issuer.id]),
            }
            for issuer in issuers
        ]
        echo(json.dumps(entries, indent=2, ensure_ascii=False))
    elif not issuers:
        echo(f"No issuers are pinned in {store.root}.")
    else:
        _print_table(issuers, registries)
        echo("Keys (thumbprint: RFC 7638 JWK thumbprint, SHA-256, base64url):")
        print_rows(
            ["issuer", "key", "type", "thumbprint", "period"],
            [
                [issuer.id, key.id, key.description, key.thumbprint, _period(key)]
                for issuer in issuers
                for key in issuer.fingerprints()
            ],
        )
    lists, damaged_lists = store.status_lists()
    if lists and not as_json:
        echo("Status lists:")
        for entry in lists:
            dated = f", from {entry.valid_from:%Y-%m-%d}" if entry.valid_from else ""
            echo(f"  {entry.url} ({entry.kind}{dated}, pinned {entry.pinned_at:%Y-%m-%d})")
    for error in [*damaged, *damaged_lists]:
        _warn(error.message)
    ctx.exit(EXIT_USAGE if damaged or damaged_lists else EXIT_OK)


def _registry_json(registry: PinnedAccreditations | None) -> dict[str, object] | None:
    """An authority's pinned registry in ``trust list --json``; None for other issuers."""
    if registry is None:
        return None
    return {
        "programs": _program_count(registry),
        "endorsements": len(registry.endorsements),
        "source": registry.source,
        "file": str(registry.path),
    }


def _print_table(
    issuers: list[PinnedIssuer], registries: dict[str, PinnedAccreditations | None]
) -> None:
    columns = ["issuer", "name", "keys", "source", "pinned"]
    accrediting = any(registries.values())
    if accrediting:
        columns.insert(3, "accredits")
    rows = []
    for issuer in issuers:
        row = [issuer.id, issuer.name or "—", str(len(issuer.keys))]
        if accrediting:
            registry = registries.get(issuer.id)
            row.append(_accreditations_text(registry) if registry is not None else "—")
        rows.append([*row, issuer.source, issuer.pinned_at.strftime("%Y-%m-%d")])
    print_rows(columns, rows)


@trust_group.command("remove")
@click.argument("issuer_id", metavar="ID")
@_trust_option
def remove(issuer_id: str, trust_dir: Path | None) -> None:
    """Unpin an issuer or a status list.

    ID is any issuer id the issuer has used, a status list's URL, or the file name of a damaged
    entry.
    """
    from leadbadge.errors import TrustStoreError

    store = _open(trust_dir)
    try:
        removed: PinnedIssuer | str = store.remove(issuer_id)
    except TrustStoreError:
        try:
            removed = f"the status list {store.remove_status_list(issuer_id)}"
        except TrustStoreError:
            raise TrustStoreError(
                f"Nothing pinned in {store.root} is called {issuer_id}."
            ) from None
    what = removed if isinstance(removed, str) else _label(removed)
    echo(f"Removed {what} from {store.root}.")


def _period(key: PinnedKey | KeyFingerprint) -> str:
    start = key.valid_from.strftime("%Y-%m-%dT%H:%M:%SZ") if key.valid_from else None
    end = key.valid_until.strftime("%Y-%m-%dT%H:%M:%SZ") if key.valid_until else None
    if start and end:
        return f"in use from {start} to {end}"
    if start:
        return f"in use since {start}"
    return f"in use until {end}" if end else "no period given"
