"""Accreditation: an authority endorses a local program for some of its tiers.

:func:`endorse` reads what the program publishes (``leadbadge publish``: its key history and
Achievements), keeps a snapshot of the program's key history in the authority's home, and issues
one OB 3.0 ``EndorsementCredential`` per tier whose subject is the program's Achievement for that
tier, naming the snapshot by digest (:mod:`leadbadge.pathway.accreditation`). Endorsements are
signed with the authority's current key, carry a revocation status entry and are recorded in the
authority's ledger like any credential, so ``leadbadge revoke`` withdraws one and ``publish``
puts them, with the snapshots, in ``accreditations.json`` for verifiers. docs/accreditation.md
says what verifiers then accept.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from leadbadge import _fs
from leadbadge.conformance.ob import OB_CONTEXT_URL, OB_EXTENSIONS_CONTEXT_URL
from leadbadge.conformance.vc import VC_V2_CONTEXT_URL
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import InputError, IssuerHomeError, LeadbadgeError
from leadbadge.issuer.home import IssuerHome, xsd_datetime
from leadbadge.issuer.ledger_records import LedgerEntry, StatusAssignment
from leadbadge.pathway import accreditation as acc
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.status.lists import status_entry
from leadbadge.trust.key_history import PublishedIssuer, format_time
from leadbadge.trust.sources import load_published

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_ACCREDITATION_YEARS",
    "Endorsement",
    "endorse",
    "load_program",
    "snapshot_document",
]

#: How long an accreditation lasts unless the authority says otherwise.
DEFAULT_ACCREDITATION_YEARS = 5
_SCHEMA_VALIDATOR_TYPE = "1EdTechJsonSchemaValidator2019"
_MAX_COMMENT = 2000


@dataclass(frozen=True)
class Endorsement:
    """One signed accreditation: the authority endorses ``program``'s Achievement for ``tier``."""

    document: dict[str, Any]
    tier: str
    #: The program's issuer id.
    program: str
    #: The endorsed Achievement's id.
    achievement: str

    @property
    def id(self) -> str:
        return str(self.document["id"])


def snapshot_document(program: PublishedIssuer) -> dict[str, Any]:
    """The program's key history as the authority vouches for it (a ``keys.json``, version 1).

    It names the program's status lists (their URLs, not their contents, which change at every
    publish), so a verifier who pins the authority from its site can fetch them too.
    """
    did_web = program.issuer if program.issuer.startswith("did:web:") else None
    return {
        "type": "LeadbadgeKeyHistory",
        "version": 1,
        "issuer": program.issuer,
        "name": program.name,
        "url": program.url,
        "didWeb": did_web,
        "keys": [
            {
                "id": k.id,
                "controller": k.controller,
                "publicKeyMultibase": k.public_key.multikey,
                "validFrom": format_time(k.valid_from),
                "validUntil": format_time(k.valid_until),
            }
            for k in program.keys
        ],
        "achievements": dict(program.achievements),
        "statusLists": list(program.status_urls),
    }


def _snapshot_url(home: IssuerHome, name: str) -> str:
    return f"{home.profile.url.rstrip('/')}/accreditations/{name}"


def load_program(
    source: str | os.PathLike[str],
    tiers: Sequence[str],
    *,
    client: httpx.Client | None = None,
) -> PublishedIssuer:
    """Read what a program publishes and check it can be accredited for ``tiers``.

    Raises :class:`InputError` when ``source`` cannot be used (not a published folder or key
    history, no Achievements, keys without periods) or names a tier the program does not
    publish; :func:`endorse` runs the same check before anything is signed.
    """
    try:
        program = load_published(source, client=client)
    except LeadbadgeError as error:
        raise InputError(
            f"The program's published folder cannot be used: {error.message}", field="program"
        ) from None
    if not program.achievements or program.url is None:
        raise InputError(
            f"{os.fspath(source)} names no Achievements; give the program's folder written by "
            "'leadbadge publish' (or its keys.json).",
            field="program",
        )
    if any(k.valid_from is None for k in program.keys):
        raise InputError(
            "The program's keys have no periods; give its keys.json, not only a DID document.",
            field="program",
        )
    unknown = [t for t in dict.fromkeys(tiers) if t not in program.achievements]
    if unknown:
        offered = ", ".join(sorted(program.achievements))
        raise InputError(
            f"The program publishes no Achievement for {', '.join(map(repr, unknown))}; "
            f"it publishes {offered}.",
            field="tiers",
        )
    # The endorsement commits to each Achievement's content, so the documents must be at hand.
    missing = [
        program.achievements[t]
        for t in dict.fromkeys(tiers)
        if not isinstance(program.achievement_documents.get(program.achievements[t]), Mapping)
    ]
    if missing:
        raise InputError(
            f"The program's Achievement {missing[0]} could not be read; give the program's "
            "folder written by 'leadbadge publish' (or its URL) so each Achievement endorsed "
            "can be checked.",
            field="program",
        )
    return program


def _tier_name(program: PublishedIssuer, achievement: str, tier: str) -> str:
    document = program.achievement_documents.get(achievement)
    name = document.get("name") if isinstance(document, Mapping) else None
    return name.strip() if isinstance(name, str) and name.strip() else tier


def _build(
    home: IssuerHome,
    program: PublishedIssuer,
    tier: str,
    *,
    snapshot: tuple[str, str],
    valid_from: datetime,
    valid_until: datetime,
    comment: str | None,
) -> dict[str, Any]:
    achievement = program.achievements[tier]
    tier_name = _tier_name(program, achievement, tier)
    authority = home.profile
    program_name = program.name or program.issuer
    text = comment or (
        f"{authority.name} accredits {program_name} ({program.issuer}) to award {tier_name} "
        f"(tier `{tier}`), signed with the keys in the key history named in relatedResource."
    )
    url, digest = snapshot
    content = acc.achievement_digest(program.achievement_documents[achievement])
    return {
        "@context": [VC_V2_CONTEXT_URL, OB_CONTEXT_URL, OB_EXTENSIONS_CONTEXT_URL],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", acc.ENDORSEMENT_TYPE],
        "name": f"Accreditation of {program_name} for {tier_name}",
        "issuer": {
            "id": home.issuer_id,
            "type": ["Profile"],
            "name": authority.name,
            "url": authority.url,
        },
        "validFrom": xsd_datetime(valid_from),
        "validUntil": xsd_datetime(valid_until),
        "credentialSubject": {
            "id": achievement,
            "type": ["EndorsementSubject"],
            "endorsementComment": text,
        },
        # The key snapshot the program signs with, and the Achievement content accredited.
        "relatedResource": [
            {"id": url, "digestSRI": digest, "mediaType": "application/json"},
            {"id": achievement, "digestSRI": content, "mediaType": "application/json"},
        ],
        "credentialSchema": [
            {"id": acc.ENDORSEMENT_SCHEMA_URL, "type": _SCHEMA_VALIDATOR_TYPE},
        ],
    }


def _keep_snapshot(home: IssuerHome, program: PublishedIssuer) -> tuple[str, str]:
    """Write the program's key snapshot into the home (once); its (URL, digestSRI)."""
    data = acc.snapshot_bytes(snapshot_document(program))
    name = acc.snapshot_file_name(data)
    folder = home.path / "accreditations"
    try:
        folder.mkdir(exist_ok=True)
        path = folder / name
        if not path.is_file():
            _fs.atomic_write_bytes(path, data)
    except OSError as error:
        raise IssuerHomeError(
            f"Could not keep the program's key snapshot in {folder} ({error.strerror}).",
            path=home.path,
        ) from None
    return _snapshot_url(home, name), acc.digest_sri(data)


def _current_endorsement(home: IssuerHome, program: PublishedIssuer, tier: str) -> str | None:
    """The authority's active, not yet replaced endorsement of this program for this tier."""
    achievement = program.achievements[tier]
    with home.open_ledger() as ledger:
        entries = ledger.entries(tier=tier, status="active")
    for entry in reversed(entries):
        if (
            entry.superseded_by is None
            and acc.is_endorsement(entry.document)
            and entry.recipient_hash in program.identities
            and acc.endorsed_subject(entry.document) == achievement
        ):
            return entry.id
    return None


def endorse(
    home: IssuerHome,
    signing_key: SigningKey,
    program: str | os.PathLike[str],
    tiers: Sequence[str],
    *,
    valid_until: datetime | None = None,
    comment: str | None = None,
    now: datetime | None = None,
    client: httpx.Client | None = None,
) -> list[Endorsement]:
    """Endorse the program published at ``program`` for ``tiers``; one endorsement per tier.

    ``program`` is the program's published folder, its ``keys.json`` or their https URL (fetched
    with ``client``). Each endorsement is valid from ``now`` until ``valid_until`` (default:
    :data:`DEFAULT_ACCREDITATION_YEARS` years), carries a revocation status entry when the home
    has revocation lists, and is recorded in the ledger (the tier as its tier, the program's
    issuer id as its recipient). Endorsing a tier again (after the program rotated its key, or to
    extend the accreditation) replaces the earlier endorsement in the ledger, which stays valid
    until it expires or is revoked. Raises :class:`InputError` for a tier the program does not
    publish, a program that is the authority itself, or bad dates; nothing is signed then.
    """
    moment = datetime.fromisoformat(xsd_datetime(now or datetime.now(UTC)))
    until = valid_until or moment + timedelta(days=round(365.25 * DEFAULT_ACCREDITATION_YEARS))
    if until.tzinfo is None:
        raise InputError("Give the accreditation's end with a time zone.", field="valid_until")
    if until <= moment:
        raise InputError("An accreditation must end after it starts.", field="valid_until")
    if comment is not None and not (0 < len(comment.strip()) <= _MAX_COMMENT):
        raise InputError(
            f"The endorsement comment must have 1 to {_MAX_COMMENT} characters.", field="comment"
        )
    wanted = list(dict.fromkeys(tiers))
    if not wanted:
        raise InputError("Name at least one tier to accredit.", field="tiers")
    published = load_program(program, wanted, client=client)
    if set(published.identities) & set(home.identities):
        raise InputError("An issuer cannot accredit itself.", field="program")
    home.reload()
    current = home.current_key
    if signing_key.public_key != current.public_key:
        raise IssuerHomeError("The signing key is not the issuer's current key.", path=home.path)
    if moment < current.valid_from:
        raise InputError(
            f"The signing key is in use from {xsd_datetime(current.valid_from)}.", field="now"
        )
    snapshot = _keep_snapshot(home, published)
    purposes = tuple(p for p in home.status_purposes if p == "revocation")
    done = []
    for tier in wanted:
        unsigned = _build(
            home,
            published,
            tier,
            snapshot=snapshot,
            valid_from=moment,
            valid_until=until,
            comment=comment.strip() if comment else None,
        )

        def sign(
            assignments: tuple[StatusAssignment, ...],
            unsigned: dict[str, Any] = unsigned,
            tier: str = tier,
        ) -> LedgerEntry:
            document = dict(unsigned)
            if assignments:
                # OB 3.0 allows one credentialStatus: a single object.
                first = assignments[0]
                document["credentialStatus"] = status_entry(
                    first.list_url, first.purpose, first.index
                )
            signed = eddsa_rdfc_2022.sign(
                document,
                signing_key,
                verification_method=current.verification_method,
                created=moment,
            )
            return LedgerEntry(
                id=str(signed["id"]),
                tier=tier,
                recipient_hash=published.issuer,
                issued_at=xsd_datetime(moment),
                key_vm=current.verification_method,
                document=signed,
            )

        replaces = _current_endorsement(home, published, tier)
        with home.open_ledger() as ledger:
            recorded = ledger.issue(
                sign,
                purposes=purposes,
                list_url=home.status_list_url,
                now=xsd_datetime(moment),
                supersedes=replaces,
            )
        done.append(
            Endorsement(
                document=recorded.document,
                tier=tier,
                program=published.issuer,
                achievement=published.achievements[tier],
            )
        )
    return done
