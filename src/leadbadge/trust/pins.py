"""Pinned issuers and their keys as the trust store holds them, and the entry files they live in.

One entry file per issuer (``TRUST/issuers/<sha256(issuer id)[:16]>.json``, format
:data:`ENTRY_FORMAT`): :meth:`PinnedIssuer.to_json` writes it, :func:`read_entry` reads it back
and checks it as strictly as the published material it came from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from leadbadge import _fs
from leadbadge.crypto.did import VerificationMethod
from leadbadge.crypto.keys import VerifyingKey
from leadbadge.errors import InputError, TrustStoreError, VerificationMethodError
from leadbadge.trust.key_history import (
    HistoryKey,
    PublishedIssuer,
    format_time,
    parse_entry_keys,
    parse_time,
)

__all__ = [
    "ENTRY_FORMAT",
    "MAX_ENTRY_BYTES",
    "EntryError",
    "PinnedIssuer",
    "PinnedKey",
    "build_issuer",
    "entry_name",
    "issuer_resolver",
    "match_key",
    "read_achievement",
    "read_entry",
    "write_achievements",
]

#: Version of the store entry files this code writes and reads.
ENTRY_FORMAT = 1
#: A store entry is written by us and holds a few keys; anything bigger is not one of ours.
MAX_ENTRY_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class PinnedKey:
    """One pinned public key with the period the issuer's key history gives it.

    ``valid_from``/``valid_until`` are None when the source gave no period (a DID document
    pinned on its own): such a key is accepted at any time.
    """

    id: str
    controller: str
    public_key: VerifyingKey
    valid_from: datetime | None
    valid_until: datetime | None
    issuer: PinnedIssuer = field(repr=False, compare=False)

    def valid_at(self, when: datetime) -> bool:
        """True if the key was in use at ``when`` (both ends inclusive).

        The end is inclusive because a rotation closes the old key and opens the new one at the
        same instant, and a proof created in that second may carry either.
        """
        if when.tzinfo is None:
            raise InputError("Give a date-time with a time zone to check a key's period.")
        if self.valid_from is not None and when < self.valid_from:
            return False
        return self.valid_until is None or when <= self.valid_until

    @property
    def has_period(self) -> bool:
        """False when the source said nothing about when the key was in use."""
        return self.valid_from is not None or self.valid_until is not None

    def verification_method(self, vm_id: str | None = None) -> VerificationMethod:
        """This key as a DID verification method (under ``vm_id`` if the credential named it so)."""
        return VerificationMethod(
            id=vm_id or self.id,
            type="Multikey",
            controller=self.controller,
            public_key=self.public_key,
        )


@dataclass(frozen=True)
class PinnedIssuer:
    """One trust store entry: an issuer, every identity it has used and every key it has held."""

    #: The issuer id the issuer uses now.
    id: str
    #: Every issuer id in its history (a did:key issuer gets a new one at each rotation).
    identities: tuple[str, ...]
    name: str | None
    url: str | None
    keys: tuple[PinnedKey, ...]
    #: Tier id -> Achievement id, as published.
    achievements: Mapping[str, str]
    did_document: Mapping[str, Any] | None
    #: The path or URL it was pinned from.
    source: str
    pinned_at: datetime
    #: The entry file in the store.
    path: Path | None = field(default=None, compare=False)
    #: For a program known through an accreditation: the authority whose registry vouches for
    #: these keys (the program itself is not pinned).
    via: PinnedIssuer | None = field(default=None, compare=False)

    def has_identity(self, issuer_id: str) -> bool:
        return issuer_id in self.identities

    def find_key(self, vm_id: str) -> PinnedKey | None:
        """The key a proof's ``verificationMethod`` names, by the rules of
        :meth:`leadbadge.trust.store.TrustStore.find_key`, among this entry's keys."""
        return match_key(self, vm_id)

    def tier_of(self, achievement_id: str) -> str | None:
        """The tier whose published Achievement has this id, if any."""
        for tier, url in self.achievements.items():
            if url == achievement_id:
                return tier
        return None

    def to_json(self) -> dict[str, Any]:
        """The entry as stored (format 1)."""
        return {
            "format": ENTRY_FORMAT,
            "issuer": self.id,
            "identities": list(self.identities),
            "name": self.name,
            "url": self.url,
            "keys": [
                {
                    "id": k.id,
                    "controller": k.controller,
                    "publicKeyMultibase": k.public_key.multikey,
                    "validFrom": format_time(k.valid_from),
                    "validUntil": format_time(k.valid_until),
                }
                for k in self.keys
            ],
            "achievements": dict(self.achievements),
            "didDocument": dict(self.did_document) if self.did_document is not None else None,
            "source": self.source,
            "pinnedAt": format_time(self.pinned_at),
        }


def build_issuer(
    *,
    issuer_id: str,
    identities: Sequence[str],
    name: str | None,
    url: str | None,
    keys: Sequence[HistoryKey],
    achievements: Mapping[str, str],
    did_document: Mapping[str, Any] | None,
    source: str,
    pinned_at: datetime,
    path: Path | None = None,
    via: PinnedIssuer | None = None,
) -> PinnedIssuer:
    issuer = PinnedIssuer(
        id=issuer_id,
        identities=tuple(identities),
        name=name,
        url=url,
        keys=(),
        achievements=dict(achievements),
        did_document=did_document,
        source=source,
        pinned_at=pinned_at,
        path=path,
        via=via,
    )
    pinned = tuple(
        PinnedKey(k.id, k.controller, k.public_key, k.valid_from, k.valid_until, issuer)
        for k in keys
    )
    # Keys point back at their issuer; the tuple is set once, before anyone sees the object.
    object.__setattr__(issuer, "keys", pinned)
    return issuer


def entry_name(issuer_id: str) -> str:
    return hashlib.sha256(issuer_id.encode("utf-8")).hexdigest()[:16] + ".json"


# --- matching ------------------------------------------------------------------------------------


def issuer_resolver(issuer: PinnedIssuer) -> Callable[[str, str], VerificationMethod]:
    """Keys for a status list's proof: only those pinned for its issuer."""

    def resolve(vm_id: str, issuer_id: str, /) -> VerificationMethod:
        key = match_key(issuer, vm_id)
        if key is None:
            raise VerificationMethodError(
                f"The key {vm_id} is not one of the keys pinned for {issuer.name or issuer.id}.",
                verification_method=vm_id,
            )
        return key.verification_method(vm_id)

    return resolve


def match_key(entry: PinnedIssuer, vm_id: str) -> PinnedKey | None:
    for key in entry.keys:
        if key.id == vm_id:
            return key
    base, _, fragment = vm_id.partition("#")
    if base.startswith("did:key:"):
        # did:key URLs carry their key: did:key:z… or did:key:z…#z… (same value twice).
        multikey = base[len("did:key:") :]
        if fragment and fragment != multikey:
            return None
        return _by_multikey(entry, base, multikey)
    if fragment.startswith("z") and entry.has_identity(base):
        return _by_multikey(entry, base, fragment)
    return None


def _by_multikey(entry: PinnedIssuer, controller: str, multikey: str) -> PinnedKey | None:
    for key in entry.keys:
        if key.controller == controller and key.public_key.multikey == multikey:
            return key
    return None


# --- entry files -------------------------------------------------------------------------------


class EntryError(TrustStoreError):
    """A store entry file that cannot be used; ``path`` names it."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(
            f"The trust store entry {path} {why}; remove it with 'leadbadge trust remove "
            f"{path.stem}' and pin the issuer again."
        )
        self.path = path


def read_entry(path: Path) -> PinnedIssuer:
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_ENTRY_BYTES + 1)
    except OSError as error:
        raise EntryError(path, f"cannot be read ({error.strerror})") from None
    if len(raw) > MAX_ENTRY_BYTES:
        raise EntryError(path, "is too large to be a trust store entry")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise EntryError(path, "is not valid JSON") from None
    try:
        return _parse_entry(data, path)
    except TrustStoreError as error:
        raise EntryError(path, f"is invalid ({error.message.rstrip('.')})") from None


def _parse_entry(data: Any, path: Path) -> PinnedIssuer:
    if not isinstance(data, dict):
        raise TrustStoreError("it is not a JSON object")
    if data.get("format") != ENTRY_FORMAT:
        raise TrustStoreError(f"its format is {data.get('format')!r}, not {ENTRY_FORMAT}")
    issuer_id = data.get("issuer")
    identities = data.get("identities")
    if not isinstance(issuer_id, str) or not issuer_id:
        raise TrustStoreError("'issuer' is not a string")
    if (
        not isinstance(identities, list)
        or not all(isinstance(i, str) and i for i in identities)
        or issuer_id not in identities
    ):
        raise TrustStoreError("'identities' is not a list of ids that includes 'issuer'")
    keys = parse_entry_keys(data.get("keys"), identities)
    achievements = data.get("achievements")
    if not isinstance(achievements, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in achievements.items()
    ):
        raise TrustStoreError("'achievements' is not an object of strings")
    did_document = data.get("didDocument")
    if did_document is not None and not isinstance(did_document, dict):
        raise TrustStoreError("'didDocument' is not an object")
    name, url, source = data.get("name"), data.get("url"), data.get("source")
    if not (isinstance(name, str) or name is None) or not (isinstance(url, str) or url is None):
        raise TrustStoreError("'name' or 'url' is not a string")
    if not isinstance(source, str):
        raise TrustStoreError("'source' is not a string")
    pinned_at = parse_time(data.get("pinnedAt"), "pinnedAt", error=TrustStoreError)
    if pinned_at is None:
        raise TrustStoreError("'pinnedAt' is missing")
    if path.name != entry_name(issuer_id):
        raise TrustStoreError("its file name does not match its issuer id")
    return build_issuer(
        issuer_id=issuer_id,
        identities=identities,
        name=name,
        url=url,
        keys=keys,
        achievements=achievements,
        did_document=did_document,
        source=source,
        pinned_at=pinned_at,
        path=path,
    )


# --- published Achievements (for full QR codes that leave theirs out) ----------------------------


def write_achievements(folder: Path, published: PublishedIssuer) -> None:
    """Keep a copy of each Achievement published with the issuer, one file per Achievement id."""
    for achievement_id, document in published.achievement_documents.items():
        folder.mkdir(parents=True, exist_ok=True)
        record = {"id": achievement_id, "issuer": published.issuer, "document": document}
        data = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
        _fs.atomic_write_bytes(folder / entry_name(achievement_id), data.encode("utf-8"))


def read_achievement(folder: Path, achievement_id: str) -> dict[str, Any] | None:
    """The Achievement kept in ``folder`` under this id, or None (also for an unusable file)."""
    path = folder / entry_name(achievement_id)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_ENTRY_BYTES + 1)
        record = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if (
        len(raw) > MAX_ENTRY_BYTES
        or not isinstance(record, dict)
        or record.get("id") != achievement_id
        or not isinstance(record.get("document"), dict)
    ):
        return None
    document: dict[str, Any] = record["document"]
    return document
