"""Status lists in the trust store: validated before they are pinned, read back for verifiers.

A pinned list is one file, ``TRUST/status/<first 16 hex digits of sha256(url)>.json``, holding
the URL credentials name it by, the list document as published, where it came from and when it
was pinned (docs/trust.md). Before a list is written it must parse, a Bitstring Status List must
have at least 131,072 entries and a proof by its issuer that verifies (the issuer's pinned keys,
or a key the list's own verification method names), and a list pinned beside an issuer must be
issued by that issuer. The verifier checks everything again against the credential at hand.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadbadge import _fs
from leadbadge.crypto.did import VerificationMethod
from leadbadge.errors import (
    LeadbadgeError,
    SignatureError,
    TrustStoreError,
    UnsupportedProofError,
    VerificationMethodError,
)
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.status.lists import (
    LIST_CREDENTIAL_TYPE,
    MIN_LIST_BITS,
    ONEEDTECH_TYPE,
    StatusListError,
    is_status_list_document,
    parse_list_credential,
    parse_oneedtech_list,
)
from leadbadge.trust.key_history import format_time, parse_json, parse_time
from leadbadge.trust.web import MAX_BYTES, require_web_url

if TYPE_CHECKING:
    import httpx

__all__ = [
    "STATUS_FORMAT",
    "PinnedStatusList",
    "check_status_document",
    "checked_status_list",
    "fetch_status_list",
    "find_status_entry",
    "read_status_entry",
    "scan_status_entries",
    "status_entry_name",
    "write_status_entry",
]

#: Version of the status list files this code writes and reads.
STATUS_FORMAT = 1
_KINDS = (LIST_CREDENTIAL_TYPE, ONEEDTECH_TYPE)

#: ``(verification method, issuer id) -> VerificationMethod`` for a list's proof.
ListKeyResolver = Callable[[str, str], VerificationMethod]


@dataclass(frozen=True)
class PinnedStatusList:
    """A status list pinned in the trust store."""

    #: The URL credentials name it by (``statusListCredential``, or a 1EdTech entry's ``id``).
    url: str
    #: ``BitstringStatusListCredential`` or ``1EdTechRevocationList``.
    kind: str
    #: The issuer the list names.
    issuer: str
    document: Mapping[str, Any]
    #: The path or URL it was pinned from.
    source: str
    #: True when it was fetched from ``url`` itself, so ``trust refresh`` can fetch it again.
    fetched: bool
    pinned_at: datetime
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    path: Path | None = field(default=None, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": STATUS_FORMAT,
            "url": self.url,
            "kind": self.kind,
            "issuer": self.issuer,
            "source": self.source,
            "fetched": self.fetched,
            "pinnedAt": format_time(self.pinned_at),
            "document": dict(self.document),
        }


def status_entry_name(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16] + ".json"


def check_status_document(
    document: Any,
    url: str,
    *,
    resolver: ListKeyResolver | None,
    expected_issuers: tuple[str, ...] = (),
) -> tuple[str, str, datetime | None, datetime | None]:
    """Validate a status list before pinning it; returns (kind, issuer, validFrom, validUntil).

    ``resolver`` finds the key of a Bitstring Status List's proof (None: the proof suite's own
    offline forms, did:key and ``<issuer id>#<key>``); ``expected_issuers``, when given, are
    the identities the list's issuer must be one of. Raises :class:`TrustStoreError`.
    """
    try:
        require_web_url(url)
    except LeadbadgeError:
        raise TrustStoreError(f"The status list URL {url!r} is not an https URL.") from None
    if not is_status_list_document(document):
        raise TrustStoreError(
            f"The document for {url} is neither a BitstringStatusListCredential nor a 1EdTech "
            "revocation list."
        )
    dates: tuple[datetime | None, datetime | None] = (None, None)
    try:
        if "revokedCredentials" in document:
            revocations = parse_oneedtech_list(document)
            kind, issuer = ONEEDTECH_TYPE, revocations.issuer
        else:
            status_list = parse_list_credential(document)
            bits = status_list.expand()
            if len(bits) * 8 < MIN_LIST_BITS:
                raise TrustStoreError(
                    f"The status list {url} has {len(bits) * 8} entries, fewer than the "
                    f"{MIN_LIST_BITS} every list must have."
                )
            kind, issuer = LIST_CREDENTIAL_TYPE, status_list.issuer
            dates = (status_list.valid_from, status_list.valid_until)
    except StatusListError as error:
        raise TrustStoreError(f"{error.message.rstrip('.')} ({url}).") from None
    if issuer is None:
        raise TrustStoreError(f"The status list {url} names no issuer.")
    if expected_issuers and issuer not in expected_issuers:
        raise TrustStoreError(
            f"The status list {url} is issued by {issuer}, not by {expected_issuers[-1]}."
        )
    if kind == LIST_CREDENTIAL_TYPE:
        _check_proof(document, url, issuer, resolver)
    return kind, issuer, dates[0], dates[1]


def checked_status_list(
    document: Any,
    url: str,
    *,
    source: str,
    fetched: bool,
    at: datetime,
    resolver: ListKeyResolver | None,
    expected_issuers: tuple[str, ...] = (),
) -> PinnedStatusList:
    """Validate a list (:func:`check_status_document`) and make its entry, not yet written."""
    kind, list_issuer, valid_from, valid_until = check_status_document(
        document, url, resolver=resolver, expected_issuers=expected_issuers
    )
    return PinnedStatusList(
        url=url,
        kind=kind,
        issuer=list_issuer,
        document=document,
        source=source,
        fetched=fetched,
        pinned_at=at,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def _check_proof(
    document: Mapping[str, Any], url: str, issuer: str, resolver: ListKeyResolver | None
) -> None:
    try:
        eddsa_rdfc_2022.verify(
            document, issuer=issuer, resolver=resolver or eddsa_rdfc_2022.default_resolver()
        )
    except SignatureError:
        raise TrustStoreError(
            f"The status list {url} does not match its signature: it was changed after signing."
        ) from None
    except VerificationMethodError as error:
        raise TrustStoreError(
            f"The status list {url} is not signed by a key of its issuer {issuer} that can be "
            f"checked ({error.message.rstrip('.')}); pin the issuer, or an authority that "
            "accredits it, first."
        ) from None
    except UnsupportedProofError:
        raise TrustStoreError(
            f"The status list {url} has no eddsa-rdfc-2022 proof to check."
        ) from None
    except LeadbadgeError as error:
        raise TrustStoreError(
            f"The status list {url} cannot be checked: {error.message.rstrip('.')}."
        ) from None


def write_status_entry(folder: Path, entry: PinnedStatusList) -> Path:
    """Write ``entry`` atomically; returns its path."""
    path = folder / status_entry_name(entry.url)
    data = json.dumps(entry.to_json(), indent=2, ensure_ascii=False) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    _fs.atomic_write_bytes(path, data.encode("utf-8"))
    return path


def read_status_entry(path: Path) -> PinnedStatusList:
    """Read and check one pinned list file; :class:`TrustStoreError` names a damaged one."""

    def damaged(why: str) -> TrustStoreError:
        return TrustStoreError(
            f"The pinned status list {path} {why}; remove it with 'leadbadge trust remove "
            f"{path.stem}' and pin the list again."
        )

    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES * 2 + 1)
    except OSError as error:
        raise damaged(f"cannot be read ({error.strerror})") from None
    if len(raw) > MAX_BYTES * 2:
        raise damaged("is too large")
    try:
        data = parse_json(raw, str(path))
    except TrustStoreError:
        raise damaged("is not valid JSON") from None
    if not isinstance(data, dict) or data.get("format") != STATUS_FORMAT:
        raise damaged(f"is not a status list entry of format {STATUS_FORMAT}")
    url, kind, issuer = data.get("url"), data.get("kind"), data.get("issuer")
    source, fetched, document = data.get("source"), data.get("fetched"), data.get("document")
    if not isinstance(url, str) or path.name != status_entry_name(url):
        raise damaged("does not match its URL")
    if kind not in _KINDS or not isinstance(issuer, str) or not isinstance(source, str):
        raise damaged("is missing its kind, issuer or source")
    if not isinstance(fetched, bool) or not isinstance(document, dict):
        raise damaged("is missing its document")
    try:
        pinned_at = parse_time(data.get("pinnedAt"), "pinnedAt")
        if kind == ONEEDTECH_TYPE:
            parse_oneedtech_list(document)
            dates: tuple[datetime | None, datetime | None] = (None, None)
        else:
            parsed = parse_list_credential(document)
            dates = (parsed.valid_from, parsed.valid_until)
    except (TrustStoreError, StatusListError) as error:
        raise damaged(f"is invalid ({error.message.rstrip('.')})") from None
    if pinned_at is None:
        raise damaged("has no pinnedAt")
    return PinnedStatusList(
        url=url,
        kind=kind,
        issuer=issuer,
        document=document,
        source=source,
        fetched=fetched,
        pinned_at=pinned_at,
        valid_from=dates[0],
        valid_until=dates[1],
        path=path,
    )


def find_status_entry(folder: Path, url: str) -> PinnedStatusList | None:
    """The list pinned in ``folder`` for ``url``, or None; a damaged file raises."""
    path = folder / status_entry_name(url)
    if not path.is_file():
        return None
    entry = read_status_entry(path)
    return entry if entry.url == url else None


def scan_status_entries(folder: Path) -> tuple[list[PinnedStatusList], list[TrustStoreError]]:
    """Every list pinned in ``folder`` that reads cleanly, and one error per file that does not."""
    try:
        names = sorted(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return [], []
    good: list[PinnedStatusList] = []
    bad: list[TrustStoreError] = []
    for name in names:
        if not name.endswith(".json") or name.startswith("."):
            continue
        try:
            good.append(read_status_entry(folder / name))
        except TrustStoreError as error:
            bad.append(error)
    good.sort(key=lambda e: e.url)
    return good, bad


def fetch_status_list(url: str, *, client: httpx.Client | None = None) -> Any:
    """Fetch a status list document from ``url`` (bounded, :mod:`leadbadge.trust.fetch`) unpinned.

    Raises :class:`NetworkError` when the fetch fails and :class:`TrustStoreError` when the
    answer is not JSON; what the list says is the verifier's to check.
    """
    # The source readers (and httpx) load for an online verify only.
    from leadbadge.trust.sources import load_status_source  # noqa: PLC0415

    document, _, _ = load_status_source(str(url), client=client)
    return document
