"""``leadbadge revoke | suspend | unsuspend``: change a credential's status in the issuer ledger.

No passphrase is needed: the change is recorded in the ledger (who, when, why). Verifiers see
it once the issuer publishes again, which signs new status lists (docs/status.md).
"""

from __future__ import annotations

import getpass
from pathlib import Path

import click

from leadbadge.cli._app import cli
from leadbadge.cli._common import echo, issuer_option

_DONE = {"revoke": "Revoked", "suspend": "Suspended", "unsuspend": "Unsuspended"}
_HELP = {
    "revoke": "Revoke a credential for good (revocation cannot be undone).",
    "suspend": "Suspend a credential until it is unsuspended.",
    "unsuspend": "Lift the suspension of a credential.",
}


def credential_id(value: str) -> str:
    """The credential id named directly, or read from a credential file."""
    path = Path(value)
    if not value.startswith(("urn:", "http:", "https:", "did:")) and path.is_file():
        from leadbadge.verifier.decode import decode_credential

        document = decode_credential(path).document
        found = document.get("id")
        if not isinstance(found, str) or not found:
            raise click.ClickException(f"The credential in {path} has no id.")
        return found
    return value


def _actor(given: str | None) -> str:
    if given and given.strip():
        return given.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


def _make(action: str) -> click.Command:
    @issuer_option
    @click.argument("credential", metavar="CREDENTIAL_ID_OR_FILE")
    @click.option("--reason", help="Why, for the ledger's record (never published).")
    @click.option("--by", "actor", help="Who makes the change (default: your login name).")
    def command(issuer_dir: Path, credential: str, reason: str | None, actor: str | None) -> None:
        from leadbadge.issuer.home import IssuerHome

        home = IssuerHome.open(issuer_dir)
        target = credential_id(credential)
        change = home.change_status(target, action, actor=_actor(actor), reason=reason)
        with home.open_ledger() as ledger:
            entry = ledger.get(target)
        tier = f" ({entry.tier})" if entry is not None else ""
        echo(f"{_DONE[action]} {target}{tier}: {change.from_status} -> {change.to_status}.")
        if entry is not None and not entry.assignments:
            click.echo(
                "leadbadge: warning: this credential was issued without a status entry, so "
                "verifiers cannot learn of the change; reissue it if they must.",
                err=True,
            )
            return
        click.echo(
            f"Verifiers see it after you publish again: leadbadge publish --issuer {issuer_dir} "
            "SITE_FOLDER, and host it.",
            err=True,
        )

    command.__doc__ = (
        f"{_HELP[action]}\n\nCREDENTIAL_ID_OR_FILE is the credential's id (urn:uuid:…) or its "
        "file. The change is recorded in the ledger with who made it, when and why; publish "
        "again so that verifiers see it."
    )
    return cli.command(action)(command)


revoke_command = _make("revoke")
suspend_command = _make("suspend")
unsuspend_command = _make("unsuspend")
