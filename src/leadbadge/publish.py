"""The static files an issuer hosts: its did:web document, profile, achievements and key history.

Paths in the output folder are relative to a web site's root, so the folder can be copied to
the server as it is: ``<url path>/issuer.json``, ``<url path>/achievements/<tier>.json``,
``<url path>/keys.json`` and, for a did:web issuer, the DID document where did:web resolution
looks for it (``/.well-known/did.json`` or ``/<path>/did.json``). Only public material is read;
no passphrase is needed. docs/issuing.md says what to host where.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from leadbadge import _fs
from leadbadge.conformance import OB_CONTEXT_URL, VC_V2_CONTEXT_URL
from leadbadge.credential import achievement_id, build_achievement
from leadbadge.did import did_web_document, did_web_to_url
from leadbadge.errors import InputError
from leadbadge.home import IssuerHome, KeyRecord, xsd_datetime

__all__ = [
    "KEY_HISTORY_TYPE",
    "KEY_HISTORY_VERSION",
    "PublishedFile",
    "key_history_document",
    "profile_document",
    "publish",
    "site_files",
]

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
    #: What the file is: ``did``, ``profile``, ``achievement``, ``keys``.
    kind: str

    @property
    def relative_path(self) -> str:
        return "/".join(self.path)


def _segments(url_path: str) -> tuple[str, ...]:
    """Site-root relative folder names for a URL path, refusing anything that could escape."""
    out = []
    for raw in url_path.strip("/").split("/"):
        if not raw:
            continue
        name = unquote(raw)
        if name in (".", "..") or any(c in name for c in "/\\\0"):
            raise InputError(f"The URL path segment {raw!r} cannot be a folder name.", field="url")
        out.append(name)
    return tuple(out)


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


def key_history_document(home: IssuerHome, tier_ids: Sequence[str]) -> dict[str, Any]:
    """``keys.json``: every key the issuer has used, with the period it was in use."""
    return {
        "type": KEY_HISTORY_TYPE,
        "version": KEY_HISTORY_VERSION,
        "issuer": home.issuer_id,
        "name": home.profile.name,
        "url": home.profile.url,
        "didWeb": home.did_web,
        "keys": [_key_entry(k) for k in home.keys],
        "achievements": {t: achievement_id(home.profile.url, t) for t in tier_ids},
    }


def site_files(home: IssuerHome) -> list[PublishedFile]:
    """Every file :func:`publish` writes, built in memory (nothing touches the disk)."""
    framework = home.framework()
    base = _segments(urlsplit(home.profile.url).path)
    files: list[PublishedFile] = []
    if home.did_web is not None:
        document = did_web_document(home.did_web, [(f"key-{k.n}", k.public_key) for k in home.keys])
        where = _segments(urlsplit(did_web_to_url(home.did_web)).path)
        files.append(PublishedFile(where, document, "did"))
    files.append(PublishedFile((*base, "issuer.json"), profile_document(home), "profile"))
    for tier in framework.tiers:
        ach_id = achievement_id(home.profile.url, tier.id)
        name = _segments(urlsplit(ach_id).path)[-1]
        document = {"@context": list(_CONTEXTS), **build_achievement(tier, home.profile.url)}
        files.append(PublishedFile((*base, "achievements", name), document, "achievement"))
    history = key_history_document(home, framework.tier_ids())
    files.append(PublishedFile((*base, "keys.json"), history, "keys"))
    return files


def publish(home: IssuerHome, outdir: str | os.PathLike[str]) -> list[Path]:
    """Write the issuer's site files under ``outdir`` (made if missing); returns their paths.

    Everything is built before the first write, and each file is replaced atomically, so a
    failure never leaves a half-written file; files already there from an earlier publish are
    replaced, other files are left alone.
    """
    root = Path(outdir)
    files = site_files(home)
    rendered = [
        (root.joinpath(*f.path), (json.dumps(f.document, indent=2, ensure_ascii=False) + "\n"))
        for f in files
    ]
    written = []
    for path, text in rendered:
        path.parent.mkdir(parents=True, exist_ok=True)
        _fs.atomic_write_text(path, text)
        written.append(path)
    return written
