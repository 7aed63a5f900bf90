"""The issuer's status lists as this server publishes them: signed on demand, re-signed when a
credential's status changed or the signed copy has aged.

Bitstring Status List v1.0 §2.2: the list credential is fetched at its ``statusListCredential``
URL, which for an issuer home is ``<issuer url>/status/<n>.json``
(:meth:`leadbadge.IssuerHome.status_list_url`). Serving the lists from the ledger itself means a
revocation made with ``leadbadge revoke`` shows on the next fetch, with no ``publish`` step.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from leadbadge import Issuer
from leadbadge.issuer.home import xsd_datetime

__all__ = ["DEFAULT_REFRESH", "StatusLists"]

#: The age at which a signed list is signed again even if no bit changed: far below the seven
#: days verifiers accept by default (docs/status.md), so a cached copy is always current.
DEFAULT_REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class _Signed:
    fingerprint: tuple[tuple[str, tuple[int, ...]], ...]
    at: datetime
    documents: dict[str, dict[str, Any]]


class StatusLists:
    """The home's status list credentials by URL, signed with the issuer's current key."""

    def __init__(
        self,
        issuer: Issuer,
        *,
        refresh: timedelta = DEFAULT_REFRESH,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._issuer = issuer
        self._home = home = issuer.home
        self._refresh = refresh
        self._clock = clock
        self._lock = threading.Lock()
        self._signed: _Signed | None = None
        # A home whose lists do not exist yet (nothing issued) still answers for them.
        with home.open_ledger() as ledger:
            ledger.ensure_lists(
                home.status_purposes,
                list_url=home.status_list_url,
                now=xsd_datetime(clock()),
            )

    def _fingerprint(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        with self._home.open_ledger() as ledger:
            return tuple(
                (info.url, tuple(ledger.set_indexes(info.n))) for info in ledger.status_lists()
            )

    def current(self) -> dict[str, dict[str, Any]]:
        """Every list credential by its URL, as the ledger stands now."""
        with self._lock:
            fingerprint = self._fingerprint()
            now = self._clock()
            signed = self._signed
            if (
                signed is None
                or signed.fingerprint != fingerprint
                or now - signed.at >= self._refresh
            ):
                documents = self._issuer.status_lists(now=now)
                signed = _Signed(fingerprint, now, {str(d["id"]): d for d in documents})
                self._signed = signed
            return signed.documents

    def by_path(self, path: str) -> dict[str, Any] | None:
        """The list credential whose URL has the path ``path`` (any host: the server may sit
        behind a proxy that serves the issuer's site), or None."""
        with self._home.open_ledger() as ledger:
            urls = [info.url for info in ledger.status_lists()]
        for url in urls:
            if urlsplit(url).path == path:
                return self.current().get(url)
        return None
