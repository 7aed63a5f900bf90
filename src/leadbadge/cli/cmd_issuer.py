"""``leadbadge init``, ``issue``, ``publish`` and ``keys rotate``: the issuer's commands.

``revoke``, ``suspend`` and ``unsuspend`` live in :mod:`leadbadge.cli.cmd_status`, the ledger
reports in :mod:`leadbadge.cli.cmd_ledger`.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import click

from leadbadge.cli._app import cli
from leadbadge.cli._common import (
    check_output,
    console,
    echo,
    issuer_option,
    say,
    show_progress,
    write_recorded,
)
from leadbadge.errors import FrameworkError, InputError

if TYPE_CHECKING:
    from leadbadge.crypto.jwk import JoseAlgorithm
    from leadbadge.issuer.home import IssuerHome
    from leadbadge.issuer.jose import JoseKeyRecord
    from leadbadge.pathway.prerequisites import HeldTier

PASSPHRASE_ENV = "LEADBADGE_PASSPHRASE"  # noqa: S105 - a variable name, not a secret

_EVIDENCE_HELP = (
    "Evidence, repeatable: 'REQ: key=value; key=value' for the tier's requirement REQ with the "
    "fields it records; 'REQ=URL' for evidence found at a URL; '@FILE' for a JSON or TOML list "
    "of items; any other text or URL is extra evidence. See docs/issuing.md."
)


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


#: The shortest passphrase ``init`` accepts for a new key: long enough that the 600,000
#: PBKDF2 rounds protecting a stolen key file are not the only defence.
MIN_NEW_PASSPHRASE = 12


def _check_new_passphrase(value: str) -> str:
    if len(value) < MIN_NEW_PASSPHRASE:
        raise InputError(
            f"The passphrase is {len(value)} characters long; a new one needs at least "
            f"{MIN_NEW_PASSPHRASE} (a few words are easy to remember).",
            field="passphrase",
        )
    return value


def _passphrase(*, confirm: bool) -> str:
    """The passphrase from the environment, else a hidden prompt on a terminal.

    ``confirm`` means a new passphrase: asked twice, and at least MIN_NEW_PASSPHRASE long.
    """
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return _check_new_passphrase(value) if confirm else value
    if not _interactive():
        raise InputError(
            f"No passphrase: set {PASSPHRASE_ENV} or run the command in a terminal to be asked.",
            field="passphrase",
        )

    def check(answer: str) -> str:
        if not answer:
            raise click.BadParameter("an empty passphrase cannot protect a key file")
        if confirm:
            try:
                _check_new_passphrase(answer)
            except InputError as error:
                raise click.BadParameter(error.message) from None
        return answer

    answer: str = click.prompt(
        "Passphrase for the issuer's signing keys",
        hide_input=True,
        confirmation_prompt="Repeat the passphrase" if confirm else False,
        err=True,
        value_proc=check,
    )
    return answer


@contextlib.contextmanager
def _progress(what: str) -> Iterator[Callable[[], None]]:
    """A count of files done on a terminal (stderr); nothing when stderr is not a terminal."""
    if not show_progress():
        yield lambda: None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn

    with Progress(
        SpinnerColumn(), TextColumn(f"{what}: {{task.completed}} files"),
        console=console(stderr=True), transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task(what, total=None)
        yield lambda: bar.advance(task)


def _say(text: str) -> None:
    say(text)


def _warn_if_expired(document: Mapping[str, Any]) -> None:
    """Warn when what was just issued is already past its validUntil (a --valid-from long ago)."""
    from datetime import UTC, datetime

    from leadbadge.pathway.prerequisites import parse_instant

    until = parse_instant(document.get("validUntil"))
    if until is not None and until <= datetime.now(UTC):
        _say(
            f"leadbadge: warning: this credential expired on {document['validUntil']}; "
            "verifiers will find it invalid (check --valid-from)."
        )


def _framework_sentence(error: FrameworkError) -> str:
    count = len(error.problems)
    where = f" {error.source}" if error.source else ""
    first = error.problems[0] if error.problems else None
    detail = f", the first at {first.location or '/'}: {first.message.rstrip('.')}" if first else ""
    hint = f"; run 'leadbadge framework validate {error.source}' to list them all" if count else ""
    plural = "s" if count != 1 else ""
    return f"The framework{where} has {count} problem{plural}{detail}{hint}."


# --- init ------------------------------------------------------------------------------------


@cli.command("init")
@click.argument("directory", type=click.Path(file_okay=True, path_type=Path))
@click.option("--name", required=True, help="The issuing organisation's name.")
@click.option("--url", required=True, help="Its public web address (https).")
@click.option(
    "--did-web",
    "did_web",
    metavar="HOST[:PATH]",
    help="Issue as did:web:HOST[:PATH] (default: a did:key made from the signing key).",
)
@click.option(
    "--framework",
    "framework_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The program's framework file (default: the framework shipped with leadbadge).",
)
@click.option("--email", help="A contact e-mail address for the issuer profile.")
@click.option(
    "--suspension",
    is_flag=True,
    help="Also give credentials a suspension status entry, so they can be suspended and "
    "unsuspended. Two credentialStatus entries break OB 3.0's limit of one: the official OB 3.0 "
    "schemas then refuse the credentials (docs/status.md).",
)
@click.option("--no-suspension", is_flag=True, hidden=True, help="The default; kept for scripts.")
def init_command(
    *,
    directory: Path,
    name: str,
    url: str,
    did_web: str | None,
    framework_file: Path | None,
    email: str | None,
    suspension: bool,
    no_suspension: bool,
) -> None:
    """Create an issuer home in DIRECTORY: profile, encrypted signing key, framework, ledger.

    The passphrase that encrypts the signing key comes from LEADBADGE_PASSPHRASE, else it is
    asked for twice on the terminal.
    """
    from leadbadge.crypto.did import url_to_did_web
    from leadbadge.issuer.home import DEFAULT_STATUS_PURPOSES, WITH_SUSPENSION, IssuerHome
    from leadbadge.issuer.urls import check_issuer_url
    from leadbadge.pathway.framework import load_framework
    from leadbadge.pathway.identity import normalize_email

    # Everything that can be wrong is found before the passphrase is asked for.
    if suspension and no_suspension:
        raise click.UsageError("--suspension and --no-suspension contradict each other.")
    IssuerHome.check_new_location(directory)
    check_issuer_url(url)
    if did_web:
        url_to_did_web(did_web)
    if email:
        normalize_email(email)
    try:
        if framework_file is not None:
            load_framework(framework_file)
        passphrase = _passphrase(confirm=True)
        home = IssuerHome.create(
            directory,
            name=name,
            url=url,
            passphrase=passphrase,
            did_web=did_web,
            framework=framework_file,
            email=email,
            status_purposes=WITH_SUSPENSION if suspension else DEFAULT_STATUS_PURPOSES,
        )
    except FrameworkError as error:
        raise click.ClickException(_framework_sentence(error)) from None
    echo(f"Created the issuer home {directory} for {home.profile.name}.")
    echo(f"Issuer id: {home.issuer_id}")
    echo(f"Signing key: {home.current_key.verification_method}")
    echo(f"Next: leadbadge publish --issuer {directory} SITE_FOLDER, and host SITE_FOLDER.")


# --- issue -----------------------------------------------------------------------------------


@cli.command("issue")
@issuer_option
@click.argument("tier")
@click.option("--email", required=True, help="The recipient's e-mail address (stored hashed).")
@click.option("--name", required=True, help="The recipient's name.")
@click.option("--credits", type=float, help="Credits earned (default: the tier's credits).")
@click.option("--evidence", multiple=True, metavar="TEXT_OR_URL", help=_EVIDENCE_HELP)
@click.option(
    "--result",
    "results",
    multiple=True,
    metavar="COMPETENCY=LEVEL",
    help="A competency's rubric level, repeatable (e.g. time-management=proficient).",
)
@click.option(
    "--valid-from",
    metavar="DATETIME",
    help="Start of validity, ISO 8601 with a time zone (default: now).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the credential to this file (default: standard output).",
)
@click.option("--force", is_flag=True, help="Replace the -o file if it exists.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "jwt"]),
    default="json",
    show_default=True,
    help="json: the credential with its eddsa-rdfc-2022 proof; jwt: that credential signed "
    "again as a VC-JWT (OB 3.0 §8.2).",
)
@click.option(
    "--alg",
    type=click.Choice(["EdDSA", "RS256", "ES256"]),
    default="EdDSA",
    show_default=True,
    help="The VC-JWT algorithm: EdDSA uses the issuer's signing key; RS256 and ES256 need a key "
    "made with 'leadbadge keys add'.",
)
@click.option(
    "--prerequisite",
    "prerequisite_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="A credential from another issuer that the candidate presents for a prerequisite "
    "tier; verified fully against the trust store (--trust); repeatable.",
)
@click.option(
    "--trust",
    "trust_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Trust store for --prerequisite (default: $LEADBADGE_TRUST, else the per-user folder).",
)
@click.option(
    "--override-prerequisites",
    metavar="REASON",
    help="Issue even though prerequisite tiers are missing; the reason is recorded in the ledger.",
)
def issue_command(
    *,
    issuer_dir: Path,
    tier: str,
    email: str,
    name: str,
    credits: float | None,
    evidence: tuple[str, ...],
    results: tuple[str, ...],
    valid_from: str | None,
    output: Path | None,
    force: bool,
    output_format: str,
    alg: str,
    prerequisite_files: tuple[Path, ...],
    trust_dir: Path | None,
    override_prerequisites: str | None,
) -> None:
    """Sign one credential for TIER (eddsa-rdfc-2022) and record it in the issuer home.

    The recipient must hold TIER's prerequisite tiers now: by a credential in this issuer's
    ledger, or by one presented with --prerequisite. --override-prerequisites REASON issues
    without them and records the reason.

    With --format jwt the signed credential is also signed as a VC-JWT (--alg). The passphrase
    comes from LEADBADGE_PASSPHRASE, else it is asked for on the terminal.
    """
    from leadbadge.issuer.home import IssuerHome
    from leadbadge.issuer.issue import Issuer
    from leadbadge.pathway import inputs as _issue_input
    from leadbadge.pathway.credential import Recipient

    home = IssuerHome.open(issuer_dir)
    framework = home.framework()
    found = framework.find_tier(tier)
    if found is None:
        known = ", ".join(framework.tier_ids())
        raise click.ClickException(f"Unknown tier {tier!r}; the known tiers are {known}.")
    recipient = Recipient(email=email, name=name)
    items = _issue_input.parse_evidence(found, evidence)
    _issue_input.check_evidence_covers_tier(found, items)
    result_map = _issue_input.parse_results(found, results)
    start = _issue_input.parse_valid_from(valid_from) if valid_from else None
    if output is not None:
        check_output(output, force=force)
    if output_format == "json" and alg != "EdDSA":
        raise click.UsageError("--alg is for --format jwt.")
    jose_record = _jose_record(home, alg) if output_format == "jwt" and alg != "EdDSA" else None
    if override_prerequisites is not None and not override_prerequisites.strip():
        raise click.UsageError("--override-prerequisites needs a reason.")
    presented = _presented(prerequisite_files, trust_dir, recipient.email)
    passphrase = _passphrase(confirm=False)
    signing_key = home.signing_key(passphrase)
    issuer = Issuer(home, signing_key, framework)
    jose_key = None
    if jose_record is not None:
        from leadbadge.issuer.jose import jose_signing_key

        jose_key = jose_signing_key(home, jose_record, passphrase)
    credential = issuer.issue(
        tier,
        recipient,
        evidence=items,
        results=result_map,
        credits=credits,
        valid_from=start,
        prerequisites=presented,
        override_prerequisites=override_prerequisites,
    )
    if override_prerequisites is not None:
        with home.open_ledger() as ledger:
            recorded = ledger.prerequisite_overrides(credential.id)
        if recorded:
            missing = ", ".join(recorded[0].missing)
            _say(f"Issued without the prerequisite tier(s) {missing}; the override is recorded.")
    text = credential.to_json() + "\n"
    if output_format == "jwt":
        from leadbadge.issuer.jose import credential_jwt

        text = credential_jwt(home, credential.document, jose_key or signing_key) + "\n"
    if output is None:
        echo(text, nl=False)
    else:
        write_recorded(
            output, text, force=force, credential_id=credential.id, issuer_dir=issuer_dir
        )
        _say(f"Wrote {output}.")
    _say(f"Issued {credential.id} ({tier}) to {recipient.name}; recorded in the ledger.")
    _warn_if_expired(credential.document)


def _presented(files: tuple[Path, ...], trust_dir: Path | None, email: str) -> list[HeldTier]:
    """The prerequisite tiers the presented credentials establish, each verified fully."""
    if not files:
        return []
    from leadbadge.trust.store import TrustStore
    from leadbadge.verifier.pathway import verify_presented
    from leadbadge.verifier.verify import Verifier

    return verify_presented(Verifier(TrustStore.open(trust_dir)), files, email=email)


def _jose_record(home: IssuerHome, alg: str) -> JoseKeyRecord:
    from leadbadge.issuer.jose import current_jose_key

    record = current_jose_key(home, alg)
    if record is None:
        kind = "rsa" if alg == "RS256" else "ec"
        raise click.ClickException(
            f"The issuer has no {alg} key; add one with 'leadbadge keys add --issuer "
            f"{home.path} --type {kind}', publish, and issue again."
        )
    return record


# --- publish ---------------------------------------------------------------------------------


@cli.command("publish")
@issuer_option
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--status-validity",
    type=click.IntRange(1, 366),
    default=30,
    show_default=True,
    metavar="DAYS",
    help="How long the signed status lists stay valid (their validUntil).",
)
@click.option(
    "--verification-page",
    metavar="URL",
    help="Record URL (https) in the issuer home as the issuer's verification page, which every "
    "credential page links to; later publishes keep it.",
)
@click.option(
    "--no-verification-page",
    is_flag=True,
    help="Remove the recorded verification page from the issuer home.",
)
@click.option("-v", "--verbose", is_flag=True, help="Print the path of every file written.")
def publish_command(
    *,
    issuer_dir: Path,
    outdir: Path,
    status_validity: int,
    verification_page: str | None,
    no_verification_page: bool,
    verbose: bool,
) -> None:
    """Write the files the issuer hosts into OUTDIR, laid out as on the web server.

    The status lists are signed afresh each time, so publishing needs the passphrase
    (LEADBADGE_PASSPHRASE, else asked for on the terminal). Publish after every revoke,
    suspend or unsuspend, and at least weekly (daily is best): verifiers treat lists older
    than a week as out of date. Files whose content has not changed are left untouched.
    """
    from datetime import timedelta

    from leadbadge.issuer.home import IssuerHome
    from leadbadge.issuer.publish import publish

    if verification_page is not None and no_verification_page:
        raise click.UsageError("Give --verification-page or --no-verification-page, not both.")
    home = IssuerHome.open(issuer_dir)
    passphrase = _passphrase(confirm=False)
    # The passphrase is checked before the home changes.
    signing_key = home.signing_key(passphrase)
    if verification_page is not None or no_verification_page:
        home.set_verification_page(verification_page)
    counts = {True: 0, False: 0}
    with _progress("Publishing") as advance:

        def done(path: Path, changed: bool) -> None:
            counts[changed] += 1
            if verbose and changed:
                echo(str(path))
            advance()

        publish(
            home,
            outdir,
            signing_key=signing_key,
            status_validity=timedelta(days=status_validity),
            on_file=done,
        )
    _say(
        f"Published {counts[True] + counts[False]} files into {outdir}: {counts[True]} written, "
        f"{counts[False]} unchanged."
    )
    site = urlsplit(home.profile.url)
    _say(f"Host everything under {outdir} at the root of {site.scheme}://{site.netloc}/.")
    if home.did_web is not None:
        from leadbadge.crypto.did import did_web_to_url

        did_url = urlsplit(did_web_to_url(home.did_web))
        if did_url.netloc != site.netloc:
            _say(f"The DID document did.json belongs on https://{did_url.netloc}{did_url.path}.")


# --- keys rotate -----------------------------------------------------------------------------


@cli.group("keys")
def keys_group() -> None:
    """Manage the issuer's signing keys."""


@keys_group.command("add")
@issuer_option
@click.option(
    "--type",
    "key_type",
    required=True,
    type=click.Choice(["rsa", "ec"]),
    help="rsa: an RSA 2048-bit key for RS256 VC-JWTs (OB 3.0's conformance minimum); ec: a P-256 "
    "key for ES256.",
)
def keys_add_command(issuer_dir: Path, key_type: str) -> None:
    """Add a JOSE key for signing VC-JWTs with RS256 or ES256 (did:web issuers).

    The key is encrypted with the issuer's passphrase (which must open its current signing key)
    and replaces an earlier key of the same type, which stays valid for what it signed. Publish
    again afterwards: the DID document lists the key.
    """
    from leadbadge.issuer.home import IssuerHome
    from leadbadge.issuer.jose import add_jose_key

    home = IssuerHome.open(issuer_dir)
    alg: JoseAlgorithm = "RS256" if key_type == "rsa" else "ES256"
    if home.did_web is None:
        raise click.ClickException(
            "RS256 and ES256 keys need a did:web issuer, whose DID document publishes them; "
            "sign VC-JWTs with EdDSA (issue --format jwt) instead."
        )
    record = add_jose_key(home, alg, _passphrase(confirm=False))
    echo(f"New {alg} key: {record.verification_method}")
    echo(
        f"Next: leadbadge publish --issuer {issuer_dir} SITE_FOLDER, host it, then issue with "
        f"--format jwt --alg {alg}."
    )


@keys_group.command("rotate")
@issuer_option
def rotate_command(issuer_dir: Path) -> None:
    """Make a new signing key; the old one stays in the key history, valid until now.

    The new key file is encrypted with the same passphrase (LEADBADGE_PASSPHRASE, else asked
    for on the terminal). Credentials signed by older keys keep verifying.
    """
    from leadbadge.issuer.home import IssuerHome, xsd_datetime

    home = IssuerHome.open(issuer_dir)
    passphrase = _passphrase(confirm=False)
    previous = home.current_key
    record = home.rotate(passphrase)
    echo(f"New signing key: {record.verification_method}")
    echo(
        f"Previous key {previous.verification_method} is valid until "
        f"{xsd_datetime(record.valid_from)}."
    )
    echo(
        f"Next: leadbadge publish --issuer {issuer_dir} SITE_FOLDER, host it, and ask verifiers "
        "to pin your keys.json again (leadbadge trust add)."
    )
