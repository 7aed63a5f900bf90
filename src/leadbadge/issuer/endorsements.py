"""The endorsements an issuer keeps for its Achievements: which documents may be kept, and the
``endorsements/`` folder of the issuer home that keeps them, one file each.

They are OB 3.0 ``EndorsementCredential``s the issuer received (e.g. an accrediting authority's,
:mod:`leadbadge.issuer.endorse`); :class:`~leadbadge.issuer.home.IssuerHome` adds, checks and
removes them with the functions here and carries them in its profile by Achievement id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadbadge import _fs
from leadbadge.conformance.vc import check_credential_shape
from leadbadge.errors import InputError, IssuerHomeError, JsonLdError
from leadbadge.issuer._home_files import read_json, xsd_datetime
from leadbadge.ld.expand import expand_strict
from leadbadge.pathway import accreditation as acc
from leadbadge.pathway.credential import achievement_id, tier_id_from_achievement_id

if TYPE_CHECKING:
    from leadbadge.issuer.home import IssuerHome

__all__ = [
    "ENDORSEMENTS_DIR",
    "MAX_ACHIEVEMENT_ENDORSEMENTS",
    "HeldEndorsement",
    "check_endorsement",
    "drop_endorsement",
    "keep_endorsement",
    "read_endorsements",
]

#: The issuer home's folder of endorsements.
ENDORSEMENTS_DIR = "endorsements"
_MAX_ENDORSEMENT_BYTES = 256 * 1024
#: The most endorsements one Achievement carries: as many as a verifier checks per credential.
MAX_ACHIEVEMENT_ENDORSEMENTS = 8


@dataclass(frozen=True)
class HeldEndorsement:
    """An EndorsementCredential the issuer keeps and embeds in one of its Achievements."""

    #: The signed document, as received.
    document: dict[str, Any]
    #: The endorsed Achievement's id, and the tier it is the Achievement of.
    achievement: str
    tier: str | None
    path: Path

    @property
    def id(self) -> str:
        return str(self.document["id"])

    @property
    def endorser(self) -> str | None:
        """The endorser's (issuer's) id."""
        issuer = self.document.get("issuer")
        value = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        return value if isinstance(value, str) else None

    @property
    def endorser_name(self) -> str | None:
        issuer = self.document.get("issuer")
        name = issuer.get("name") if isinstance(issuer, Mapping) else None
        return name if isinstance(name, str) else None

    @property
    def valid_from(self) -> datetime | None:
        return _document_time(self.document.get("validFrom"))

    @property
    def valid_until(self) -> datetime | None:
        return _document_time(self.document.get("validUntil"))


def _document_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _endorsement_file_name(endorsement_id: str) -> str:
    """Named by its id, so adding an endorsement again replaces the copy kept."""
    return hashlib.sha256(endorsement_id.encode("utf-8")).hexdigest()[:32] + ".json"


def read_endorsements(home_path: Path, issuer_url: str) -> list[HeldEndorsement]:
    """The endorsements kept in the home, oldest first (by validFrom, then id)."""
    folder = home_path / ENDORSEMENTS_DIR
    held = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        document = read_json(path)
        subject = acc.endorsed_subject(document) if isinstance(document, Mapping) else None
        if (
            subject is None
            or not acc.is_endorsement(document)
            or not isinstance(document.get("id"), str)
            or not document.get("proof")
        ):
            raise IssuerHomeError(
                f"{path} is not a signed EndorsementCredential; remove it.", path=home_path
            )
        tier = tier_id_from_achievement_id(issuer_url, subject)
        held.append(HeldEndorsement(document, subject, tier, path))
    return sorted(held, key=lambda h: (str(h.document.get("validFrom") or ""), h.id))


def check_endorsement(
    home: IssuerHome, document: Mapping[str, Any], *, now: datetime
) -> HeldEndorsement:
    """What ``home`` would keep of ``document``, checked as of ``now``; nothing is written.

    :meth:`IssuerHome.check_endorsement <leadbadge.issuer.home.IssuerHome.check_endorsement>`
    says what is refused.
    """
    doc = _checked_endorsement(document)
    subject = acc.endorsed_subject(doc)
    tier = tier_id_from_achievement_id(home.profile.url, subject) if subject else None
    framework = home.framework()
    if tier is None or framework.find_tier(tier) is None:
        tiers = ", ".join(framework.tier_ids())
        raise InputError(
            f"The endorsement endorses {subject}, which is not the Achievement of a tier of "
            f"this issuer ({home.profile.url}/achievements/<tier>.json for {tiers}).",
            field="credentialSubject",
        )
    path = home.endorsements_path / _endorsement_file_name(str(doc["id"]))
    held = HeldEndorsement(doc, achievement_id(home.profile.url, tier), tier, path)
    if held.endorser in home.identities:
        raise InputError("An issuer cannot endorse its own Achievements.", field="issuer")
    until = held.valid_until
    if until is not None and until <= now:
        raise InputError(
            f"The endorsement expired on {xsd_datetime(until)}; ask the endorser for a "
            "current one.",
            field="validUntil",
        )
    others = [
        h for h in home.held_endorsements if h.achievement == held.achievement and h.id != held.id
    ]
    if len(others) >= MAX_ACHIEVEMENT_ENDORSEMENTS:
        raise InputError(
            f"The Achievement for {tier!r} already carries {len(others)} endorsements, the "
            "most a verifier checks; remove one first.",
            field="endorsement",
        )
    return held


def keep_endorsement(home_path: Path, held: HeldEndorsement) -> None:
    """Write ``held`` to its file in the home's ``endorsements/`` folder."""
    folder = held.path.parent
    try:
        folder.mkdir(exist_ok=True)
        _fs.atomic_write_json(held.path, held.document)
    except OSError as error:
        raise IssuerHomeError(
            f"Could not keep the endorsement in {folder} ({error.strerror}).", path=home_path
        ) from None


def drop_endorsement(home_path: Path, held: HeldEndorsement) -> None:
    """Remove ``held``'s file from the home."""
    try:
        held.path.unlink(missing_ok=True)
        _fs.fsync_dir(held.path.parent)
    except OSError as error:
        raise IssuerHomeError(
            f"Could not remove {held.path} ({error.strerror}).", path=home_path
        ) from None


def _checked_endorsement(document: Any) -> dict[str, Any]:
    """A copy of ``document`` if it is a signed EndorsementCredential fit to embed."""
    if not isinstance(document, Mapping):
        raise InputError("An endorsement must be a JSON object.", field="endorsement")
    try:
        # A plain copy; refuses what JSON cannot hold.
        doc: dict[str, Any] = json.loads(json.dumps(document))
    except (TypeError, ValueError):
        raise InputError("An endorsement must be plain JSON.", field="endorsement") from None
    if not acc.is_endorsement(doc) or acc.endorsed_subject(doc) is None:
        raise InputError(
            "The document is not an OB 3.0 EndorsementCredential with an EndorsementSubject.",
            field="type",
        )
    if not isinstance(doc.get("id"), str) or not doc["id"]:
        raise InputError("The endorsement has no id.", field="id")
    if not doc.get("proof"):
        raise InputError("The endorsement is not signed: it has no proof.", field="proof")
    if len(json.dumps(doc).encode("utf-8")) > _MAX_ENDORSEMENT_BYTES:
        raise InputError(
            f"The endorsement is larger than {_MAX_ENDORSEMENT_BYTES // 1024} KiB.",
            field="endorsement",
        )
    problems = [p for p in check_credential_shape(doc) if p.severity == "error"]
    if problems:
        first = problems[0]
        raise InputError(
            f"The endorsement breaks the data model at {first.path or '/'}: {first.message}",
            field=first.path,
        )
    # Every credential of the tier will carry it under its signature: a term strict JSON-LD
    # refuses there would make all of them fail verification.
    try:
        expand_strict(doc)
    except JsonLdError as error:
        raise InputError(
            f"The endorsement is refused by strict JSON-LD processing: {error.message}",
            field="endorsement",
        ) from None
    return doc
