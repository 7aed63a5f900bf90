"""What pinning and refreshing a trust store report (:class:`leadbadge.trust.store.TrustStore`).

Apart from the store so that looking up a pinned issuer, which is all verifying does, does not
create these classes (each dataclass costs about a millisecond at start-up).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leadbadge.trust.accreditation import PinnedAccreditations
    from leadbadge.trust.pins import PinnedIssuer
    from leadbadge.trust.status_lists import PinnedStatusList

__all__ = ["AddResult", "RefreshOutcome"]


@dataclass(frozen=True)
class AddResult:
    """What :meth:`TrustStore.add_published` did."""

    issuer: PinnedIssuer
    #: True if an entry for the same issuer (any shared identity) was replaced.
    updated: bool
    #: Keys the replaced entry had that the new one no longer lists (worth a warning).
    dropped_keys: tuple[str, ...] = ()
    #: The status lists pinned with the issuer (those its key history names).
    status_lists: tuple[PinnedStatusList, ...] = ()
    #: The accreditation registry pinned with an authority (None when it publishes none).
    accreditations: PinnedAccreditations | None = None
    #: The status lists of accredited programs fetched and pinned with an authority.
    program_status_lists: tuple[PinnedStatusList, ...] = ()
    #: One sentence per program status list that could not be fetched or checked.
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class RefreshOutcome:
    """What :meth:`TrustStore.refresh` did with one pinned issuer or status list."""

    #: ``issuer`` or ``status list``
    kind: str
    #: The URL, DID, folder or file it was read from again.
    source: str
    #: None when it was pinned again; otherwise the sentence saying why not.
    problem: str | None = None
