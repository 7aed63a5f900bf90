"""Credential links: a short HTTPS URL that names one credential and commits to its content.

A link is ``<base>/c/<id>``, where ``<base>`` is the issuer's published site (its profile
``url``) and ``<id>`` is the first 128 bits of the SHA-256 of the credential's canonical JSON
(RFC 8785, JSON Canonicalization Scheme), in lower-case RFC 4648 base32 without padding (26
characters). ``leadbadge publish`` serves the credential at ``<link>/credential.json`` and a
page for people at ``<link>/``. Whoever follows a link checks what it found against the id,
so a link cannot be pointed at another credential, and a copy from anywhere (a local folder,
the issuer's site) is as good as any other.
"""

from __future__ import annotations

import base64
import hashlib
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from leadbadge.errors import CredentialDocumentError, InputError
from leadbadge.ld.jcs import canonical_json
from leadbadge.share.strict_json import parse_credential

__all__ = [
    "DIGEST_BYTES",
    "LINK_SEGMENT",
    "CredentialLink",
    "credential_digest",
    "find_in_folders",
    "link_for",
    "link_id",
    "parse_link",
]

#: Bytes of SHA-256 a link keeps: 128 bits, so finding a second credential with the same link
#: takes about 2^128 work.
DIGEST_BYTES: Final = 16
#: The path segment under the issuer's site where credential links live.
LINK_SEGMENT: Final = "c"
_ID_CHARS: Final = math.ceil(DIGEST_BYTES * 8 / 5)
_ID_RE: Final = re.compile(rf"[a-z2-7]{{{_ID_CHARS}}}")
_MAX_LINK_CHARS: Final = 2048
# Bounds on searching local folders, so a mistaken argument (a home folder) ends quickly.
_MAX_SEARCH_ENTRIES: Final = 20_000
_MAX_SEARCH_DEPTH: Final = 8
#: A base path segment used as a folder name as it is (no percent-decoding, no separators).
_PATH_SEGMENT: Final = re.compile(r"[A-Za-z0-9._~-]+")
_MAX_FILE_BYTES: Final = 8 * 1024 * 1024


# --- links -------------------------------------------------------------------------------------


def credential_digest(document: Mapping[str, Any]) -> bytes:
    """The first 16 bytes of SHA-256 over the credential's RFC 8785 canonical JSON."""
    return hashlib.sha256(canonical_json(document)).digest()[:DIGEST_BYTES]


def link_id(document: Mapping[str, Any]) -> str:
    """The credential's link id: its digest in lower-case base32, 26 characters."""
    return base64.b32encode(credential_digest(document)).decode("ascii").rstrip("=").lower()


def _base(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme != "https" and not (
        parts.scheme == "http" and parts.hostname in ("localhost", "127.0.0.1", "::1")
    ):
        raise InputError(f"The link base {url!r} must be an https:// address.", field="base_url")
    if not parts.hostname or parts.query or parts.fragment or parts.username or parts.password:
        raise InputError(
            f"The link base {url!r} must be a plain address (no query, fragment or login).",
            field="base_url",
        )
    return url.strip().rstrip("/")


def link_for(document: Mapping[str, Any], base_url: str) -> str:
    """The link ``<base_url>/c/<id>`` for a credential."""
    return f"{_base(base_url)}/{LINK_SEGMENT}/{link_id(document)}"


@dataclass(frozen=True)
class CredentialLink:
    """A parsed credential link."""

    url: str
    #: The issuer's site the link is under.
    base_url: str
    #: The 26-character id (the digest in base32).
    id: str

    @property
    def digest(self) -> bytes:
        return base64.b32decode(self.id.upper() + "======")[:DIGEST_BYTES]

    @property
    def json_url(self) -> str:
        """Where the issuer's published site serves the credential itself."""
        return f"{self.url}/credential.json"

    def matches(self, document: Mapping[str, Any]) -> bool:
        """True if ``document`` is the credential this link commits to."""
        return credential_digest(document) == self.digest


def parse_link(text: str) -> CredentialLink | None:
    """The credential link in ``text``, or None if it is not one (any other URL, any text).

    Accepts the link with or without a final ``/`` and the ``/credential.json`` form.
    """
    candidate = text.strip()
    if len(candidate) > _MAX_LINK_CHARS or not candidate.startswith(("https://", "http://")):
        return None
    parts = urlsplit(candidate)
    if parts.query or parts.fragment:
        return None
    path = parts.path.removesuffix("/credential.json").rstrip("/")
    head, _, link = path.rpartition("/")
    folder_base, _, segment = head.rpartition("/")
    if segment != LINK_SEGMENT or not _ID_RE.fullmatch(link):
        return None
    try:
        base = _base(f"{parts.scheme}://{parts.netloc}{folder_base}")
    except InputError:
        return None
    return CredentialLink(url=f"{base}/{LINK_SEGMENT}/{link}", base_url=base, id=link)


def find_in_folders(link: CredentialLink, folders: list[Path]) -> tuple[Path, bytes] | None:
    """A local copy of the linked credential: ``c/<id>/credential.json`` in a published site
    folder, or a ``.json`` file directly in one of ``folders`` whose digest matches.

    What is returned has been checked against the link. The search is bounded.
    """
    for folder in folders:
        for path in _candidates(folder, link):
            data = _read(path)
            if data is None:
                continue
            try:
                document = parse_credential(data.decode("utf-8"), str(path))
            except (UnicodeDecodeError, CredentialDocumentError):
                continue
            if link.matches(document):
                return path, data
    return None


def _candidates(folder: Path, link: CredentialLink) -> list[Path]:
    wanted = link.id
    if folder.is_file():
        return [folder]
    if not folder.is_dir():
        raise CredentialDocumentError(
            f"The credentials folder {folder} does not exist.", field="credentials"
        )
    published: list[Path] = []
    loose = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".json" and p.is_file())
    # The folder is usually the published site itself: look where the credential would be
    # before walking, so the search bound never hides it however many credentials the site has
    # (the site root, or the folder of the host that serves the site under its base path).
    base_path = [s for s in urlsplit(link.base_url).path.split("/") if s]
    roots = [folder]
    if all(_PATH_SEGMENT.fullmatch(s) and s not in (".", "..") for s in base_path):
        roots.append(folder.joinpath(*base_path))
    direct = {root / LINK_SEGMENT / wanted / "credential.json" for root in roots}
    published.extend(sorted(path for path in direct if path.is_file()))
    seen = 0
    for current, dirs, files in os.walk(folder):
        depth = len(Path(current).relative_to(folder).parts)
        seen += len(dirs) + len(files)
        if seen > _MAX_SEARCH_ENTRIES:
            break
        if depth >= _MAX_SEARCH_DEPTH:
            dirs.clear()
        dirs.sort()
        here = Path(current)
        found = here / "credential.json"
        if (
            here.name == wanted
            and here.parent.name == LINK_SEGMENT
            and "credential.json" in files
            and found not in direct
        ):
            published.append(found)
    return published + loose


def _read(path: Path) -> bytes | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_FILE_BYTES + 1)
    except OSError:
        return None
    return data if len(data) <= _MAX_FILE_BYTES else None
