"""The static files an issuer hosts: did:web document, profile, achievements, key history and
signed status lists.

Paths in the output folder are relative to a web site's root, so the folder can be copied to
the server as it is: ``<url path>/issuer.json``, ``<url path>/achievements/<tier>.json``,
``<url path>/keys.json``, ``<url path>/status/<n>.json`` and, for a did:web issuer, the DID
document where did:web resolution looks for it (``/.well-known/did.json`` or
``/<path>/did.json``). The status lists are ``BitstringStatusListCredential``s built from the
ledger and signed with the issuer's current key at each publish, valid for
:data:`DEFAULT_STATUS_VALIDITY` with a refresh hint (``ttl``) of :data:`DEFAULT_STATUS_TTL`: so
publishing needs the signing key. docs/issuing.md says what to host where, docs/status.md how
status works.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from leadbadge import _fs
from leadbadge.conformance.ob import OB_CONTEXT_URL
from leadbadge.conformance.vc import VC_V2_CONTEXT_URL
from leadbadge.crypto.did import did_web_document, did_web_to_url
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import InputError, IssuerHomeError
from leadbadge.issuer.home import IssuerHome, KeyRecord, xsd_datetime
from leadbadge.issuer.jose import with_jose_methods
from leadbadge.issuer.ledger_records import LedgerEntry
from leadbadge.issuer.urls import check_issuer_url, site_folders
from leadbadge.pathway import accreditation as acc
from leadbadge.pathway.credential import achievement_id, build_achievement
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.share.links import link_for
from leadbadge.share.pages import (
    PageStatus,
    StatusState,
    credential_files,
    credential_page,
    page_as_of,
)
from leadbadge.status.lists import bitstring, build_list_credential

__all__ = [
    "DEFAULT_STATUS_TTL",
    "DEFAULT_STATUS_VALIDITY",
    "KEY_HISTORY_TYPE",
    "KEY_HISTORY_VERSION",
    "PublishedFile",
    "key_history_document",
    "profile_document",
    "publish",
    "site_files",
    "status_list_documents",
]

#: How long a published status list stays valid (its ``validUntil`` after ``validFrom``).
#: Verifiers also apply their own freshness rule (7 days by default, docs/status.md), so
#: publish daily; this bound only ends the use of a list nobody refreshed.
DEFAULT_STATUS_VALIDITY = timedelta(days=30)
#: The ``ttl`` written into each list: how long a verifier may cache it before fetching again.
DEFAULT_STATUS_TTL = timedelta(days=1)

#: ``type`` and ``version`` of the published key history (``keys.json``).
KEY_HISTORY_TYPE = "LeadbadgeKeyHistory"
KEY_HISTORY_VERSION = 1
_CONTEXTS = [VC_V2_CONTEXT_URL, OB_CONTEXT_URL]


@dataclass(frozen=True)
class PublishedFile:
    """One file of the published site: where it goes (site-root relative), what it holds."""

    #: Path segments below the site root, e.g. ``("leadership", "keys.json")``.
    path: tuple[str, ...]
    document: dict[str, Any]
    #: What the file is: ``did``, ``profile``, ``achievement``, ``keys``, ``status``,
    #: ``accreditations`` (the registry) or ``snapshot`` (a program key history it names).
    kind: str
    #: The exact bytes to write, when they matter (a snapshot is hashed byte for byte).
    data: bytes | None = None

    @property
    def relative_path(self) -> str:
        return "/".join(self.path)


def profile_document(home: IssuerHome) -> dict[str, Any]:
    """The issuer's OB 3.0 ``Profile`` as a JSON-LD document."""
    profile = home.profile
    doc: dict[str, Any] = {
        "@context": list(_CONTEXTS),
        "id": profile.id,
        "type": ["Profile"],
        "name": profile.name,
        "url": profile.url,
    }
    if profile.email:
        doc["email"] = profile.email
    return doc


def _key_entry(record: KeyRecord) -> dict[str, Any]:
    return {
        "id": record.verification_method,
        "controller": record.controller,
        "publicKeyMultibase": record.public_key.multikey,
        "validFrom": xsd_datetime(record.valid_from),
        "validUntil": xsd_datetime(record.valid_until) if record.valid_until else None,
    }


def key_history_document(
    home: IssuerHome,
    tier_ids: Sequence[str],
    status_lists: Sequence[str] = (),
    accreditations: str | None = None,
) -> dict[str, Any]:
    """``keys.json``: every key the issuer has used, with the period it was in use, the
    achievement id of every tier, the URL of every status list and, for an authority that
    accredits programs, the URL of its ``accreditations.json`` (for verifiers to pin)."""
    document = {
        "type": KEY_HISTORY_TYPE,
        "version": KEY_HISTORY_VERSION,
        "issuer": home.issuer_id,
        "name": home.profile.name,
        "url": home.profile.url,
        "didWeb": home.did_web,
        "keys": [_key_entry(k) for k in home.keys],
        "achievements": {t: achievement_id(home.profile.url, t) for t in tier_ids},
        "statusLists": list(status_lists),
    }
    if accreditations is not None:
        document["accreditations"] = accreditations
    return document


def status_list_documents(
    home: IssuerHome,
    signing_key: SigningKey,
    *,
    now: datetime | None = None,
    validity: timedelta = DEFAULT_STATUS_VALIDITY,
    ttl: timedelta = DEFAULT_STATUS_TTL,
) -> list[dict[str, Any]]:
    """Every status list of the ledger as a signed ``BitstringStatusListCredential``.

    Each list carries the bits of the credentials that are revoked (revocation lists) or
    suspended (suspension lists) now; ``validFrom`` and the proof's ``created`` are ``now``.
    """
    current = home.current_key
    if signing_key.public_key != current.public_key:
        raise IssuerHomeError("The signing key is not the issuer's current key.", path=home.path)
    if not timedelta(hours=1) <= validity <= timedelta(days=366):
        raise InputError("A status list is valid between an hour and a year.", field="validity")
    if not timedelta(0) < ttl <= validity:
        raise InputError("The ttl must be positive and within the validity.", field="ttl")
    moment = datetime.fromisoformat(xsd_datetime(now or datetime.now(UTC)))
    documents = []
    with home.open_ledger() as ledger:
        lists = [(info, ledger.set_indexes(info.n)) for info in ledger.status_lists()]
    for info, indexes in lists:
        unsigned = build_list_credential(
            list_url=info.url,
            issuer_id=home.issuer_id,
            purpose=info.purpose,
            bits=bitstring(info.size, indexes),
            valid_from=moment,
            valid_until=moment + validity,
            ttl_ms=int(ttl.total_seconds() * 1000),
        )
        documents.append(
            eddsa_rdfc_2022.sign(
                unsigned,
                signing_key,
                verification_method=current.verification_method,
                created=moment,
            )
        )
    return documents


def site_files(
    home: IssuerHome,
    *,
    signing_key: SigningKey | None = None,
    now: datetime | None = None,
    status_validity: timedelta = DEFAULT_STATUS_VALIDITY,
    status_ttl: timedelta = DEFAULT_STATUS_TTL,
) -> list[PublishedFile]:
    """Every file :func:`publish` writes, built in memory (nothing is written).

    The status lists are signed with ``signing_key``; without it, a home that has status lists
    is refused (:class:`InputError`): a site without its lists would leave every credential's
    status unknown.
    """
    framework = home.framework()
    # The check ``init`` made; the site's folders must be the ones the URL names.
    base = site_folders(check_issuer_url(home.profile.url))
    files: list[PublishedFile] = []
    if home.did_web is not None:
        document = did_web_document(home.did_web, [(f"key-{k.n}", k.public_key) for k in home.keys])
        # The issuer's JOSE keys (RS256, ES256) for VC-JWT, as JsonWebKey assertion methods.
        document = with_jose_methods(document, home)
        where = site_folders(did_web_to_url(home.did_web))
        files.append(PublishedFile(where, document, "did"))
    files.append(PublishedFile((*base, "issuer.json"), profile_document(home), "profile"))
    for tier in framework.tiers:
        ach_id = achievement_id(home.profile.url, tier.id)
        name = site_folders(ach_id)[-1]
        # With the endorsements the issuer keeps, exactly as its credentials embed them.
        held = home.profile.achievement_endorsements.get(ach_id, ())
        achievement = build_achievement(tier, home.profile.url, endorsements=held)
        document = {"@context": list(_CONTEXTS), **achievement}
        files.append(PublishedFile((*base, "achievements", name), document, "achievement"))
    with home.open_ledger() as ledger:
        list_urls = [info.url for info in ledger.status_lists()]
        endorsements = [e.document for e in ledger.entries() if acc.is_endorsement(e.document)]
    registry_url = None
    if endorsements:
        registry_url = f"{home.profile.url.rstrip('/')}/accreditations.json"
        files.extend(_accreditation_files(home, base, endorsements))
    history = key_history_document(home, framework.tier_ids(), list_urls, registry_url)
    files.append(PublishedFile((*base, "keys.json"), history, "keys"))
    if signing_key is None:
        if list_urls:
            raise InputError(
                "Publishing signs the status lists: give the issuer's signing key "
                "(the passphrase).",
                field="signing_key",
            )
        return files
    for document in status_list_documents(
        home, signing_key, now=now, validity=status_validity, ttl=status_ttl
    ):
        where = site_folders(document["id"])
        files.append(PublishedFile(where, document, "status"))
    return files


def _accreditation_files(
    home: IssuerHome, base: tuple[str, ...], endorsements: Sequence[dict[str, Any]]
) -> list[PublishedFile]:
    """``accreditations.json`` and the program key snapshots its endorsements name."""
    folder = home.path / "accreditations"
    snapshots: dict[str, tuple[str, dict[str, Any]]] = {}
    raw: dict[str, bytes] = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data = path.read_bytes()
        if acc.snapshot_file_name(data) != path.name:
            raise IssuerHomeError(
                f"The program key snapshot {path} was changed after it was written.",
                path=home.path,
            )
        digest = acc.digest_sri(data)
        snapshots[digest] = (
            f"{home.profile.url.rstrip('/')}/accreditations/{path.name}",
            json.loads(data),
        )
        raw[digest] = data
    registry = acc.registry_document(home.issuer_id, endorsements, snapshots)
    files = [PublishedFile((*base, "accreditations.json"), registry, "accreditations")]
    for program in registry["programs"]:
        name = site_folders(program["id"])[-1]
        files.append(
            PublishedFile(
                (*base, "accreditations", name),
                program["keyHistory"],
                "snapshot",
                data=raw[program["digestSRI"]],
            )
        )
    return files


def publish(
    home: IssuerHome,
    outdir: str | os.PathLike[str],
    *,
    signing_key: SigningKey | None = None,
    now: datetime | None = None,
    status_validity: timedelta = DEFAULT_STATUS_VALIDITY,
    status_ttl: timedelta = DEFAULT_STATUS_TTL,
    on_file: Callable[[Path, bool], None] | None = None,
) -> list[Path]:
    """Write the issuer's site files under ``outdir`` (made if missing); returns their paths.

    ``signing_key`` (the issuer's current key) signs the status lists; every status purpose of
    the home gets a list first if it has none (a ledger from an older leadbadge). Everything is
    built before the first write, and each file is replaced atomically, so a failure never
    leaves a half-written file; a file whose content is already what it would be is left
    untouched (publishing again after a status change rewrites only what changed), and other
    files are left alone. ``on_file(path, changed)`` is called for each file as it is done.
    """
    root = Path(outdir)
    # One moment for the whole site: the lists' validFrom and the status the pages report.
    moment = datetime.fromisoformat(xsd_datetime(now or datetime.now(UTC)))
    if signing_key is not None:
        with home.open_ledger() as ledger:
            ledger.ensure_lists(
                home.status_purposes,
                list_url=home.status_list_url,
                now=xsd_datetime(moment),
            )
    files = site_files(
        home,
        signing_key=signing_key,
        now=moment,
        status_validity=status_validity,
        status_ttl=status_ttl,
    )
    rendered = [
        (
            root.joinpath(*f.path),
            f.data
            if f.data is not None
            else (json.dumps(f.document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        )
        for f in files
    ]
    # What credential links serve (docs/sharing.md): c/<id>/credential.json, badge.svg and
    # index.html, the page reporting each credential's status in the ledger as of now; a page
    # that would change only in that moment is kept as it is.
    with home.open_ledger() as ledger:
        entries = [e for e in ledger.entries() if not acc.is_endorsement(e.document)]
        changed_at = {c.credential_id: c.at for c in ledger.changes()}  # oldest first
    statuses = {
        entry.id: PageStatus(
            state=_page_state(entry.status),
            as_of=moment,
            since=(
                datetime.fromisoformat(changed_at[entry.id])
                if entry.status != "active" and entry.id in changed_at
                else None
            ),
            renewed=entry.superseded_by is not None,
        )
        for entry in entries
    }
    pages = [
        item for entry in entries for item in _page_files(home, root, entry, statuses[entry.id])
    ]
    written = []
    for path, data in [*rendered, *pages]:
        changed = not _holds(path, data)
        if changed:
            path.parent.mkdir(parents=True, exist_ok=True)
            _fs.atomic_write_bytes(path, data)
        written.append(path)
        if on_file is not None:
            on_file(path, changed)
    return written


def _page_files(
    home: IssuerHome, root: Path, entry: LedgerEntry, status: PageStatus
) -> list[tuple[Path, bytes]]:
    """What ``entry``'s link serves, as (path, contents) under ``root``."""
    link = link_for(entry.document, home.profile.url)

    def render(as_of: datetime) -> bytes:
        page = credential_page(
            entry.document,
            link,
            status=replace(status, as_of=as_of),
            verification_page=home.verification_page,
        )
        return page.encode("utf-8")

    files = credential_files(
        entry.document,
        home.profile.url,
        link=link,
        status=status,
        verification_page=home.verification_page,
    )
    return [
        (path, _kept_page(path, data, render) if parts[-1] == "index.html" else data)
        for parts, data in files
        for path in [root.joinpath(*parts)]
    ]


def _kept_page(path: Path, data: bytes, render_as_of: Callable[[datetime], bytes]) -> bytes:
    """``data``, or the page already at ``path`` when it says the same but for the moment its
    status is as of: a page changes when what it says changes, not at every publish (the page
    then dates its status to the publish that last changed it)."""
    try:
        old = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    except OSError:
        old = None
    if old is None or old == data:
        return data
    as_of = page_as_of(old)
    return old if as_of is not None and render_as_of(as_of) == old else data


def _page_state(status: str) -> StatusState:
    if status == "revoked":
        return "revoked"
    if status == "suspended":
        return "suspended"
    return "active"


def _holds(path: Path, data: bytes) -> bool:
    """Whether ``path`` is a regular file whose content is ``data`` already."""
    try:
        if not path.is_file() or path.is_symlink() or path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False
