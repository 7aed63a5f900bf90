"""``leadbadge demo``: issue, publish, pin and verify one credential per tier, offline; then an
accreditation by a state authority."""

from __future__ import annotations

import copy
import json
import secrets
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table
from rich.text import Text

from leadbadge.cli._app import cli
from leadbadge.cli._common import EXIT_INVALID, EXIT_OK, console

if TYPE_CHECKING:
    from rich.console import Console

_VERDICT_STYLE = {"valid": "green", "invalid": "red", "inconclusive": "yellow"}


@cli.command("demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (must be empty or missing; default: a new temporary folder).",
)
@click.pass_context
def demo(ctx: click.Context, out_dir: Path | None) -> None:
    """Run the whole pathway end to end with a sample issuer and educator.

    Creates an issuer (did:web) with the default framework, issues one signed credential per
    tier, publishes the issuer's static files and signed status lists, pins them in a fresh
    trust store, verifies every credential offline, shows a tampered copy being rejected, then
    revokes one credential, publishes and pins again, and shows it failing as revoked. Last, a
    state authority accredits a district's own program for two tiers, and a verifier who pins
    only the authority accepts that program's credentials for those tiers and not for a third.
    Needs no network and no input.
    """
    from leadbadge import Issuer, Recipient, TrustStore, Verifier
    from leadbadge.cli import _demo_data as sample
    from leadbadge.cli._pathway_view import print_pathway

    out_dir = out_dir or Path(tempfile.mkdtemp(prefix="leadbadge-demo-"))
    if out_dir.exists() and any(out_dir.iterdir()):
        raise click.UsageError(f"The folder {out_dir} is not empty; choose an empty or new one")
    out_dir.mkdir(parents=True, exist_ok=True)
    out = console()

    # A throwaway passphrase: the demo issuer's key is encrypted like any other.
    issuer = Issuer.create(
        out_dir / "issuer",
        name=sample.ISSUER_NAME,
        url=sample.ISSUER_URL,
        did_web=sample.ISSUER_DID_WEB,
        passphrase=secrets.token_urlsafe(24),
    )
    out.print(f"Issuer [bold]{sample.ISSUER_NAME}[/bold] ({issuer.home.issuer_id})")
    recipient = Recipient(email=sample.EDUCATOR_EMAIL, name=sample.EDUCATOR_NAME)

    credentials_dir = out_dir / "credentials"
    credentials_dir.mkdir()
    paths: list[tuple[str, str, Path]] = []
    for tier in issuer.framework.tiers:
        signed = issuer.issue(
            tier.id,
            recipient,
            evidence=sample.sample_evidence(tier),
            results=sample.sample_results(tier),
        )
        path = credentials_dir / f"{tier.id}.json"
        path.write_text(signed.to_json() + "\n", encoding="utf-8")
        paths.append((tier.id, tier.name, path))
    out.print(f"Issued {len(paths)} credentials to {sample.EDUCATOR_NAME} in {credentials_dir}")

    site = out_dir / "site"
    issuer.publish(site)
    store = TrustStore.open(out_dir / "trust")
    store.add_published(site)
    out.print(f"Published the issuer's files to {site} and pinned them in {out_dir / 'trust'}")

    # The tampered copy: the same credential with the achievement renamed after signing.
    tier_id, _, original = paths[1]
    document = json.loads(original.read_text(encoding="utf-8"))
    tampered_doc = copy.deepcopy(document)
    tampered_doc["credentialSubject"]["achievement"]["name"] = "District Superintendent License"
    tampered = out_dir / f"{tier_id}-TAMPERED.json"
    tampered.write_text(json.dumps(tampered_doc, indent=2) + "\n", encoding="utf-8")

    verifier = Verifier(store)
    before = {tid: verifier.verify(path).verdict.value for tid, _, path in paths}
    # The pathway: one educator, each tier's prerequisites held when it was awarded.
    pathway = verifier.verify_pathway(
        [path for _, _, path in paths],
        framework=issuer.framework,
        recipient=sample.EDUCATOR_EMAIL,
    )
    print_pathway(out, pathway)

    # Revocation: the administrator revokes one credential, publishes again (the status lists
    # are signed afresh) and the verifier pins the new lists.
    revoked_tier, _, revoked_path = paths[2]
    revoked_doc = json.loads(revoked_path.read_text(encoding="utf-8"))
    issuer.home.change_status(
        revoked_doc["id"],
        "revoke",
        actor="demo administrator",
        reason="Awarded in error (demonstration).",
    )
    issuer.publish(site)
    store.add_published(site)
    out.print(
        f"Revoked the {revoked_tier} credential ({revoked_doc['id']}), published the new status "
        "lists and pinned them again"
    )

    table = Table(title="Offline verification")
    table.add_column("credential", no_wrap=True)
    table.add_column("achievement")
    table.add_column("verdict", no_wrap=True)
    table.add_column("checks")
    rows = []
    for tid, name, path in paths:
        revoked = tid == revoked_tier
        rows.append(
            (f"{tid} (revoked)" if revoked else tid, name, path, "invalid" if revoked else "valid")
        )
    expected_ok = all(verdict == "valid" for verdict in before.values())
    expected_ok &= pathway.verdict.value == "valid"
    rows.append((f"{tier_id} (tampered)", document["name"], tampered, "invalid"))
    for label, name, path, expected in rows:
        report = verifier.verify(path, recipient=sample.EDUCATOR_EMAIL)
        verdict = report.verdict.value
        expected_ok &= verdict == expected
        notes = [
            f"{c.id}: {c.status.value}" + (f" ({c.code})" if c.code and c.id == "status" else "")
            for c in report.checks
            if c.status.value in ("fail", "unknown", "warn")
        ]
        skipped = sum(c.status.value == "skipped" for c in report.checks)
        if skipped:
            notes.append(f"{skipped} content checks skipped")
        table.add_row(
            Text(label),
            Text(name),
            Text(verdict, style=_VERDICT_STYLE.get(verdict, "")),
            Text("; ".join(notes) or "all checks pass"),
        )
    out.print(table)
    why = verifier.verify(tampered).check("proof")
    out.print(Text(f"Tampered copy: {why.message}"))
    status = verifier.verify(revoked_path).check("status")
    out.print(Text(f"Revoked credential: {status.message}"))
    expected_ok &= _accreditation(out, out_dir)
    out.print(f"Everything is in {out_dir}")
    ctx.exit(EXIT_OK if expected_ok else EXIT_INVALID)


def _accreditation(out: Console, out_dir: Path) -> bool:
    """A state authority accredits a district's program for some tiers; a verifier who pins
    only the authority accepts exactly those. True when every verdict is the expected one."""
    from leadbadge import Issuer, Recipient, TrustStore, Verifier
    from leadbadge.cli import _demo_data as sample
    from leadbadge.issuer.endorse import endorse
    from leadbadge.issuer.home import IssuerHome
    from leadbadge.issuer.publish import publish

    passphrase = secrets.token_urlsafe(24)
    # Endorsements carry one status entry (revocation), as OB 3.0 allows one credentialStatus.
    authority = IssuerHome.create(
        out_dir / "state-authority",
        name=sample.AUTHORITY_NAME,
        url=sample.AUTHORITY_URL,
        did_web=sample.AUTHORITY_DID_WEB,
        passphrase=passphrase,
        status_purposes=("revocation",),
    )
    authority_key = authority.signing_key(passphrase)
    program = Issuer.create(
        out_dir / "district-program",
        name=sample.PROGRAM_NAME,
        url=sample.PROGRAM_URL,
        passphrase=secrets.token_urlsafe(24),
        status_purposes=("revocation",),
    )
    program_site = out_dir / "district-site"
    program.publish(program_site)
    done = endorse(authority, authority_key, program_site, sample.ACCREDITED_TIERS)
    authority_site = out_dir / "state-site"
    publish(authority, authority_site, signing_key=authority_key)
    tiers = " and ".join(e.tier for e in done)
    out.print()
    out.print(
        Text(
            f"Accreditation: {sample.AUTHORITY_NAME} ({authority.issuer_id}) accredits "
            f"{sample.PROGRAM_NAME} for {tiers} with {len(done)} signed EndorsementCredentials "
            f"(valid until {done[0].document['validUntil']}), published in {authority_site}"
        )
    )

    recipient = Recipient(email=sample.PROGRAM_EDUCATOR_EMAIL, name=sample.PROGRAM_EDUCATOR_NAME)
    folder = out_dir / "district-credentials"
    folder.mkdir()
    paths = []
    for tier_id in sample.PROGRAM_TIERS:
        tier = program.framework.tier(tier_id)
        signed = program.issue(
            tier_id,
            recipient,
            evidence=sample.sample_evidence(tier),
            results=sample.sample_results(tier),
        )
        path = folder / f"{tier_id}.json"
        path.write_text(signed.to_json() + "\n", encoding="utf-8")
        paths.append((tier_id, path))

    # The verifier pins the authority (its keys and accreditation registry) and the program's
    # status lists, not the program: its keys come from the registry's snapshot.
    store = TrustStore.open(out_dir / "trust-state")
    store.add_published(authority_site)
    for status_list in sorted(program_site.rglob("status/*.json")):
        store.add_status_list(status_list)
    verifier = Verifier(store)
    table = Table(title=f"A verifier who pins only the {sample.AUTHORITY_NAME}")
    table.add_column("credential", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("issuer trust")
    ok = True
    for tier_id, path in paths:
        report = verifier.verify(path, recipient=sample.PROGRAM_EDUCATOR_EMAIL)
        verdict = report.verdict.value
        trust = report.check("issuer_trust")
        if tier_id in sample.ACCREDITED_TIERS:
            ok &= verdict == "valid"
        else:
            ok &= verdict == "invalid" and trust.code == "NOT_ACCREDITED"
        label = f"{trust.status.value}" + (f" ({trust.code})" if trust.code else "")
        table.add_row(
            Text(f"{tier_id} ({sample.PROGRAM_EDUCATOR_NAME})"),
            Text(verdict, style=_VERDICT_STYLE.get(verdict, "")),
            Text(f"{label}: {trust.message}"),
        )
    out.print(table)
    return ok
