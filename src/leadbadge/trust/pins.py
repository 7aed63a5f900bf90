"""Pinned issuers and their keys as the trust store holds them, and the entry files they live in.

One entry file per issuer (``TRUST/issuers/<sha256(issuer id)[:16]>.json``, format
:data:`ENTRY_FORMAT`): :meth:`PinnedIssuer.to_json` writes it, :func:`read_entry` reads it back
and checks it as strictly as the published material it came from.

Every pinned key is identified by its RFC 7638 JWK thumbprint (SHA-256, base64url), whatever its
type (:meth:`PinnedIssuer.fingerprints`): the value ``trust list`` shows and a verifier compares
with what the issuer says, out of band.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadbadge import _fs
from leadbadge.crypto.did import VerificationMethod, parse_did_document
from leadbadge.crypto.jwk import PublicJwk
from leadbadge.crypto.keys import VerifyingKey
from leadbadge.errors import (
    DIDError,
    InputError,
    InvalidKeyError,
    TrustStoreError,
    VerificationMethodError,
)
from leadbadge.trust.key_history import (
    HistoryKey,
    PublishedIssuer,
    format_time,
    parse_entry_keys,
    parse_time,
)

# The VC-JWT suite describes the keys of issuers pinned by key or with JsonWebKeys in their DID
# document; it loads when such a key is read, not for every pinned issuer.
if TYPE_CHECKING:
    from leadbadge.proof.vc_jwt import JwtKey

__all__ = [
    "ENTRY_FORMAT",
    "KEY_SOURCE",
    "MAX_ENTRY_BYTES",
    "EntryError",
    "KeyFingerprint",
    "PinnedIssuer",
    "PinnedKey",
    "build_issuer",
    "entry_name",
    "issuer_resolver",
    "json_web_key_id",
    "match_jwt_key",
    "match_key",
    "read_achievement",
    "read_entry",
    "write_achievements",
]

#: Version of the store entry files this code writes and reads.
ENTRY_FORMAT = 1
#: A store entry is written by us and holds a few keys; anything bigger is not one of ours.
MAX_ENTRY_BYTES = 4 * 1024 * 1024
#: The ``source`` of an entry pinned by key (``trust add-key``): nothing to fetch or read again.
KEY_SOURCE = "key:given to trust add-key"


def json_web_key_id(controller: str, key: PublicJwk) -> str:
    """The id of a key pinned by hand: ``<issuer id>#<Multikey>`` (Ed25519 ``z6Mk…``, P-256
    ``zDn…``, P-384 ``z82…``), or ``<issuer id>#<RFC 7638 thumbprint>`` for an RSA key, which
    has no Multikey form."""
    return f"{controller}#{key.multikey or key.thumbprint}"


@dataclass(frozen=True)
class KeyFingerprint:
    """One pinned key as ``trust list`` shows it: its type and the RFC 7638 JWK thumbprint
    (SHA-256, base64url) that identifies it whatever its type."""

    id: str
    #: ``Ed25519``, ``P-256``, ``P-384`` or ``RSA``
    key_type: str
    #: For messages: ``Ed25519 key``, ``RSA 2048-bit key``…
    description: str
    #: The one JWS algorithm the key verifies (Ed25519 keys also make eddsa-rdfc-2022 proofs).
    alg: str
    thumbprint: str
    #: ``publicKeyMultibase``; None for RSA.
    multikey: str | None
    valid_from: datetime | None
    valid_until: datetime | None
    #: ``keys`` (Ed25519, any proof), ``jsonWebKeys`` (pinned by hand: VC-JWT only) or
    #: ``didDocument`` (a JsonWebKey of the pinned DID document: VC-JWT only).
    origin: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.key_type,
            "alg": self.alg,
            "jwkThumbprint": self.thumbprint,
            "publicKeyMultibase": self.multikey,
            "validFrom": format_time(self.valid_from),
            "validUntil": format_time(self.valid_until),
            "from": self.origin,
        }


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
    #: RSA and EC keys pinned by hand (``trust add-key``): they verify VC-JWTs only.
    json_web_keys: tuple[JwtKey, ...] = ()

    def has_identity(self, issuer_id: str) -> bool:
        return issuer_id in self.identities

    @property
    def pinned_by_key(self) -> bool:
        """True for an entry made by ``trust add-key``: its keys were given by hand."""
        return self.source == KEY_SOURCE

    def document_keys(self) -> tuple[JwtKey, ...]:
        """The signing keys (``assertionMethod``) of the pinned DID document, as JWKs ending at
        their ``expires``/``revoked``: its Ed25519 keys and its JsonWebKeys (RSA, EC)."""
        document = self.did_document
        if document is None:
            return ()
        try:
            ids = parse_did_document(document).assertion_method
        except DIDError:
            return ()
        from leadbadge.proof.vc_jwt import did_document_key  # noqa: PLC0415 -- see the imports

        found = []
        for vm_id in dict.fromkeys(ids):
            try:
                found.append(did_document_key(document, vm_id))
            except VerificationMethodError:
                continue  # a key the VC-JWT check refuses too (a weak RSA key, another curve)
        return tuple(found)

    def all_keys(self) -> tuple[JwtKey, ...]:
        """Every key pinned for the issuer, as a JWK with its period: the Ed25519 keys
        (``keys``), the keys pinned by hand (``json_web_keys``) and the other signing keys of
        its pinned DID document."""
        from leadbadge.proof.vc_jwt import JwtKey  # noqa: PLC0415 -- see the module's imports

        keys = [
            JwtKey(
                k.id,
                k.controller,
                PublicJwk.from_verifying_key(k.public_key),
                k.valid_from,
                k.valid_until,
            )
            for k in self.keys
        ]
        keys.extend(self.json_web_keys)
        listed = {k.id for k in keys}
        keys.extend(k for k in self.document_keys() if k.id not in listed)
        return tuple(keys)

    def fingerprints(self) -> tuple[KeyFingerprint, ...]:
        """Each pinned key's type and RFC 7638 thumbprint, in the order of :meth:`all_keys`."""
        ed25519 = {k.id for k in self.keys}
        by_hand = {k.id for k in self.json_web_keys}
        return tuple(
            KeyFingerprint(
                id=k.id,
                key_type=k.key.key_type,
                description=k.key.describe(),
                alg=k.key.alg,
                thumbprint=k.key.thumbprint,
                multikey=k.key.multikey,
                valid_from=k.valid_from,
                valid_until=k.valid_until,
                origin="keys"
                if k.id in ed25519
                else "jsonWebKeys"
                if k.id in by_hand
                else "didDocument",
            )
            for k in self.all_keys()
        )

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
        """The entry as stored (format 1); ``jsonWebKeys`` only when it has some."""
        entry = {
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
        if self.json_web_keys:
            entry["jsonWebKeys"] = [
                {
                    "id": k.id,
                    "controller": k.controller,
                    "publicKeyJwk": k.key.to_jwk(),
                    "validFrom": format_time(k.valid_from),
                    "validUntil": format_time(k.valid_until),
                }
                for k in self.json_web_keys
            ]
        return entry


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
    json_web_keys: Sequence[JwtKey] = (),
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
        json_web_keys=tuple(json_web_keys),
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


def match_jwt_key(
    entry: PinnedIssuer, kid: str, keys: Sequence[JwtKey] | None = None
) -> JwtKey | None:
    """The key of ``entry`` (among ``keys``, default :meth:`PinnedIssuer.all_keys`) that a
    VC-JWT ``kid`` or a proof's verification method names: by its id; as
    ``<issuer id>#<Multikey>`` or ``<issuer id>#<thumbprint>`` for one of the entry's
    identities; or by its RFC 7638 thumbprint alone (RFC 7638 §1 suggests it as a ``kid``)."""
    candidates = entry.all_keys() if keys is None else keys
    for key in candidates:
        if key.id == kid:
            return key
    base, hash_sign, fragment = kid.partition("#")
    for key in candidates:
        names = {key.key.thumbprint, key.key.multikey}
        if hash_sign and fragment in names and entry.has_identity(base):
            return key
        if not hash_sign and kid == key.key.thumbprint:
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
    source = data.get("source")
    json_web_keys = _parse_json_web_keys(data.get("jsonWebKeys", []), identities)
    # Keys given by hand are not a history: an issuer may hold several at once.
    keys = parse_entry_keys(
        data.get("keys"),
        identities,
        in_sequence=source != KEY_SOURCE,
        allow_empty=bool(json_web_keys),
    )
    achievements = data.get("achievements")
    if not isinstance(achievements, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in achievements.items()
    ):
        raise TrustStoreError("'achievements' is not an object of strings")
    did_document = data.get("didDocument")
    if did_document is not None and not isinstance(did_document, dict):
        raise TrustStoreError("'didDocument' is not an object")
    name, url = data.get("name"), data.get("url")
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
        json_web_keys=json_web_keys,
    )


def _parse_json_web_keys(value: Any, identities: Sequence[str]) -> tuple[JwtKey, ...]:
    """An entry's ``jsonWebKeys``: RSA and EC keys pinned by hand, each under the id
    :func:`json_web_key_id` gives it for one of the entry's identities."""
    if not isinstance(value, list):
        raise TrustStoreError("'jsonWebKeys' is not a list")
    keys: list[JwtKey] = []
    for i, entry in enumerate(value):
        where = f"jsonWebKeys[{i}]"
        if not isinstance(entry, dict):
            raise TrustStoreError(f"{where} is not an object")
        vm_id, controller = entry.get("id"), entry.get("controller")
        if not isinstance(vm_id, str) or not isinstance(controller, str):
            raise TrustStoreError(f"{where}.id or .controller is not a string")
        try:
            key = PublicJwk.from_jwk(entry.get("publicKeyJwk"))  # type: ignore[arg-type]
        except InvalidKeyError as error:
            raise TrustStoreError(f"{where}.publicKeyJwk: {error.message.rstrip('.')}") from None
        if key.ed25519 is not None:
            raise TrustStoreError(f"{where} is an Ed25519 key, which belongs under 'keys'")
        if controller not in identities:
            raise TrustStoreError(f"the key {vm_id} belongs to none of the entry's identities")
        expected = json_web_key_id(controller, key)
        if vm_id != expected:
            raise TrustStoreError(f"{where}.id must be '{expected}'")
        valid_from = parse_time(entry.get("validFrom"), f"{where}.validFrom")
        valid_until = parse_time(entry.get("validUntil"), f"{where}.validUntil")
        if valid_from is not None and valid_until is not None and not valid_from < valid_until:
            raise TrustStoreError(f"{where} ends (validUntil) before it starts (validFrom)")
        if any(k.key == key for k in keys):
            raise TrustStoreError(f"jsonWebKeys lists the key {vm_id} twice")
        from leadbadge.proof.vc_jwt import JwtKey  # noqa: PLC0415 -- see the module's imports

        keys.append(JwtKey(vm_id, controller, key, valid_from, valid_until))
    return tuple(keys)


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
