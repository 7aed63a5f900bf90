"""``leadbadge endorsements add | list | remove``: the endorsements a program embeds in its
Achievements (OB 3.0 ``Achievement.endorsement``), such as an authority's accreditations."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from leadbadge.cli._app import cli
from leadbadge.cli._common import echo, issuer_option, print_rows, say

if TYPE_CHECKING:
    from leadbadge.issuer.endorsements import HeldEndorsement
    from leadbadge.issuer.home import IssuerHome

#: Largest input file read (an authority's accreditations.json can be large).
_MAX_INPUT_BYTES = 16 * 1024 * 1024


def _say(text: str) -> None:
    say(text)


def _read_json(path: Path) -> Any:
    with path.open("rb") as handle:
        data = handle.read(_MAX_INPUT_BYTES + 1)
    if len(data) > _MAX_INPUT_BYTES:
        raise click.ClickException(f"{path} is larger than {_MAX_INPUT_BYTES // 2**20} MiB.")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise click.ClickException(f"{path} is not a JSON file.") from None


def _endorsements_in(value: Any) -> tuple[list[Any], bool]:
    """The documents a file holds, and whether it is a collection (a registry or a list) that
    may also hold endorsements of other programs."""
    from leadbadge.pathway import accreditation as acc

    if isinstance(value, list):
        return value, False
    if isinstance(value, Mapping) and value.get("type") == acc.REGISTRY_TYPE:
        endorsements = value.get("endorsements")
        return (endorsements if isinstance(endorsements, list) else []), True
    return [value], False


def _candidates(home: IssuerHome, sources: tuple[Path, ...]) -> Iterator[tuple[str, Any]]:
    """(label, document) of every endorsement to add, in the order given.

    A folder (what ``leadbadge endorse -o`` writes) gives the endorsements of this issuer's
    Achievements in its ``.json`` files, as an authority's ``accreditations.json`` does; an
    explicit file or list must hold nothing else.
    """
    from leadbadge.pathway import accreditation as acc
    from leadbadge.pathway.credential import tier_id_from_achievement_id

    def ours(document: Any) -> bool:
        subject = acc.endorsed_subject(document) if acc.is_endorsement(document) else None
        return subject is not None and (
            tier_id_from_achievement_id(home.profile.url, subject) is not None
        )

    for source in sources:
        files = sorted(source.glob("*.json")) if source.is_dir() else [source]
        found = 0
        for path in files:
            documents, collection = _endorsements_in(_read_json(path))
            lenient = collection or source.is_dir()
            for index, document in enumerate(documents):
                if lenient and not ours(document):
                    continue
                found += 1
                yield (f"{path}[{index}]" if len(documents) > 1 else str(path)), document
        if not found:
            raise click.ClickException(
                f"{source} holds no endorsement of this issuer's Achievements."
            )


def _describe(held: HeldEndorsement) -> str:
    endorser = held.endorser_name or held.endorser or "an unnamed endorser"
    until = f", valid until {held.valid_until:%Y-%m-%d}" if held.valid_until else ""
    return f"{held.id} of {held.tier!r} by {endorser}{until}"


def _refusal(label: str, message: str) -> click.ClickException:
    return click.ClickException(f"{label} was not added: {message[:1].lower()}{message[1:]}")


@cli.group("endorsements")
def endorsements_group() -> None:
    """Endorsements this issuer's Achievements carry (add, list, remove)."""


@endorsements_group.command("add")
@issuer_option
@click.argument(
    "sources",
    metavar="FILE...",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, path_type=Path),
)
@click.option(
    "--trust",
    "trust_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Verify each endorsement with this trust store first (it must pin the endorser) and "
    "refuse any that is not valid.",
)
def add_command(issuer_dir: Path, sources: tuple[Path, ...], trust_dir: Path | None) -> None:
    """Embed endorsements in this issuer's Achievements, from now on.

    FILE is an EndorsementCredential (what 'leadbadge endorse -o' writes), a JSON array of
    them, a folder of them, or an authority's accreditations.json (its endorsements of this
    issuer are taken). Each must endorse the Achievement of one of this issuer's tiers; every
    credential of that tier issued from now on carries it, and so does the published Achievement
    after the next 'leadbadge publish'. Everything is checked before anything is added.
    """
    from leadbadge.errors import InputError
    from leadbadge.issuer.home import IssuerHome

    home = IssuerHome.open(issuer_dir)
    now = datetime.now(UTC)
    checked: dict[str, tuple[str, HeldEndorsement]] = {}
    for label, document in _candidates(home, sources):
        try:
            held = home.check_endorsement(document, now=now)
        except InputError as error:
            raise _refusal(label, error.message) from None
        checked[held.id] = (label, held)
    if trust_dir is not None:
        _verify_all(trust_dir, list(checked.values()), now)
    for label, held in checked.values():
        try:
            added = home.add_endorsement(held.document, now=now)
        except InputError as error:
            raise _refusal(label, error.message) from None
        echo(f"Added the endorsement {_describe(added)}.")
    _say(
        "Credentials issued from now on carry it; run 'leadbadge publish' so the published "
        "Achievement does too."
    )


def _verify_all(trust_dir: Path, checked: list[tuple[str, HeldEndorsement]], now: datetime) -> None:
    """Refuse, naming the first reason, any endorsement the trust store does not find valid."""
    from leadbadge.trust.store import TrustStore
    from leadbadge.verifier.report import CheckStatus, Verdict
    from leadbadge.verifier.verify import Verifier

    verifier = Verifier(TrustStore.open(trust_dir))
    for label, held in checked:
        report = verifier.verify(held.document, now=now, source=label)
        if report.verdict is Verdict.VALID:
            continue
        wanted = CheckStatus.FAIL if report.verdict is Verdict.INVALID else CheckStatus.UNKNOWN
        reason = next(
            (c.message for c in report.checks if c.status is wanted),
            f"its verdict is {report.verdict.value}",
        )
        raise _refusal(label, f"The endorsement is {report.verdict.value}: {reason}")


@endorsements_group.command("list")
@issuer_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def list_command(issuer_dir: Path, as_json: bool) -> None:
    """List the endorsements this issuer's Achievements carry."""

    from leadbadge.issuer.home import IssuerHome, xsd_datetime

    held = IssuerHome.open(issuer_dir).held_endorsements
    now = datetime.now(UTC)
    if as_json:
        rows = [
            {
                "id": h.id,
                "tier": h.tier,
                "achievement": h.achievement,
                "endorser": h.endorser,
                "endorserName": h.endorser_name,
                "validFrom": xsd_datetime(h.valid_from) if h.valid_from else None,
                "validUntil": xsd_datetime(h.valid_until) if h.valid_until else None,
                "expired": h.valid_until is not None and h.valid_until <= now,
                "file": str(h.path),
            }
            for h in held
        ]
        echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not held:
        echo("This issuer keeps no endorsements; add one with 'leadbadge endorsements add'.")
        return
    table = []
    for h in held:
        until = "—"
        if h.valid_until is not None:
            until = f"{h.valid_until:%Y-%m-%d}" + (" (expired)" if h.valid_until <= now else "")
        table.append((h.id, h.tier or "—", h.endorser_name or h.endorser or "—", until))
    print_rows(("id", "tier", "endorser", "valid until"), table)
    if sys.stdout.isatty():
        echo(f"{len(held)} endorsement{'s' if len(held) != 1 else ''}.")


@endorsements_group.command("remove")
@issuer_option
@click.argument("endorsement_id", metavar="ID")
def remove_command(issuer_dir: Path, endorsement_id: str) -> None:
    """Stop embedding the endorsement ID (credentials already issued keep it)."""
    from leadbadge.issuer.home import IssuerHome

    removed = IssuerHome.open(issuer_dir).remove_endorsement(endorsement_id)
    echo(f"Removed the endorsement {_describe(removed)}.")
    _say(
        "Credentials issued from now on do not carry it; run 'leadbadge publish' to update the "
        "published Achievement."
    )
