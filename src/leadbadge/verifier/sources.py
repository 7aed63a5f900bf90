"""Where a verifier finds what a QR code does not carry: pinned or local copies, the issuer site.

A ``full`` QR code may leave out the credential's Achievement and a ``url`` QR code names a
credential without carrying it. :func:`credential_sources` builds the
:class:`~leadbadge.verifier.decode.CredentialSources` decoding uses, looking in this order:

1. Achievements pinned in the trust store (``leadbadge trust add`` keeps the issuer's published
   Achievements beside its keys);
2. local folders the caller names: a published site folder (``c/<id>/credential.json``,
   ``…/achievements/<tier>.json``) or a folder of credential files;
3. with ``online``, the issuer's site: the Achievement at its id, the credential at
   ``<link>/credential.json`` (:mod:`leadbadge.trust.fetch`: HTTPS only, bounded).

Whatever is found is only a candidate: decoding checks it against the digest the QR code
carries, and the signature then covers it. No trust decision is made here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from leadbadge.errors import NetworkError
from leadbadge.trust.store import TrustStore
from leadbadge.verifier.decode import CredentialSources

if TYPE_CHECKING:
    import httpx

    from leadbadge.share.links import CredentialLink

__all__ = ["credential_sources"]

_MAX_ACHIEVEMENT_BYTES = 4 * 1024 * 1024


def credential_sources(
    *,
    trust_store: TrustStore | None = None,
    folders: Sequence[Path] = (),
    online: bool = False,
    client: httpx.Client | None = None,
) -> CredentialSources:
    """Sources in the order above; nothing is fetched unless ``online``.

    A fetch that fails raises :class:`~leadbadge.errors.NetworkError` (bad data and network
    failure stay apart: the caller says "could not look", not "not a credential").
    """
    local = [Path(f) for f in folders]

    def achievement(achievement_id: str) -> Mapping[str, Any] | None:
        if trust_store is not None:
            pinned = trust_store.find_achievement(achievement_id)
            if pinned is not None:
                return pinned
        found = _local_achievement(achievement_id, local)
        if found is None and online and achievement_id.startswith("https://"):
            from leadbadge.trust.fetch import fetch_json  # noqa: PLC0415 -- loads httpx: online only

            fetched = fetch_json(achievement_id, client=client)
            try:
                document = json.loads(fetched.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return None
            found = document if isinstance(document, dict) else None
        return found

    def linked(link: CredentialLink) -> bytes | None:
        from leadbadge.share.links import find_in_folders  # noqa: PLC0415 -- with a link only

        hit = find_in_folders(link, local) if local else None
        if hit is not None:
            return hit[1]
        if not online:
            return None
        from leadbadge.trust.fetch import fetch_json  # noqa: PLC0415 -- as above

        try:
            return fetch_json(link.json_url, client=client).body
        except NetworkError as error:
            raise NetworkError(
                f"The credential at {link.json_url} could not be fetched: {error.message}",
                url=link.json_url,
            ) from None

    return CredentialSources(achievements=achievement, links=linked)


def _local_achievement(achievement_id: str, folders: list[Path]) -> dict[str, Any] | None:
    """The Achievement in a published site folder: the id's URL path below the folder, or any
    suffix of it (the folder may be the site root or the issuer's own folder)."""
    segments = [unquote(s) for s in urlsplit(achievement_id).path.split("/") if s]
    if not segments or any(s in (".", "..") or "/" in s or "\\" in s for s in segments):
        return None
    for folder in folders:
        if not folder.is_dir():
            continue
        for start in range(len(segments)):
            path = folder.joinpath(*segments[start:])
            document = _read(path)
            if document is not None and document.get("id") == achievement_id:
                return document
    return None


def _read(path: Path) -> dict[str, Any] | None:
    try:
        with path.open("rb") as handle:
            raw = handle.read(_MAX_ACHIEVEMENT_BYTES + 1)
        document = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if len(raw) > _MAX_ACHIEVEMENT_BYTES or not isinstance(document, dict):
        return None
    return document
