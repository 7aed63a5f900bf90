"""What the verifier gathers before any check runs: the issuer's trust entry and status lists.

Everything here reads the trust store, and under ``VerificationPolicy(status="online")`` the
network, once per credential; the checks (:mod:`leadbadge.verifier.checks`) then only read what
was gathered. A trust store that cannot be read, or a list that cannot be had, is recorded for
the checks to report, never raised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leadbadge.errors import LeadbadgeError, TrustStoreError
from leadbadge.status.lists import ENTRY_TYPE, ONEEDTECH_TYPE
from leadbadge.trust.pins import PinnedIssuer
from leadbadge.trust.store import TrustStore, fetch_status_list
from leadbadge.verifier.checks._common import as_list, clause, iso
from leadbadge.verifier.checks._common import issuer_id as id_of_issuer
from leadbadge.verifier.checks._context import CheckContext, StatusMaterial, VerifyEndorsement
from leadbadge.verifier.policy import VerificationPolicy

if TYPE_CHECKING:
    import httpx

    from leadbadge.trust.accreditation import Accreditation

__all__ = [
    "Gathering",
    "IssuerMaterials",
    "build_context",
    "gather_issuer",
    "gather_status",
    "status_urls",
]


@dataclass(frozen=True)
class Gathering:
    """Where a verifier gathers from, and under which policy."""

    trust_store: TrustStore | None
    policy: VerificationPolicy
    #: The HTTP client status lists are fetched with under ``status="online"``.
    status_client: httpx.Client | None = None


def build_context(
    doc: Mapping[str, Any],
    when: datetime,
    gathering: Gathering,
    *,
    source_format: str,
    recipient: str | None = None,
    jwt: str | None = None,
    status_lists: Sequence[Mapping[str, Any]] = (),
    endorsements: VerifyEndorsement | None = None,
    at: datetime | None = None,
) -> CheckContext:
    """Everything the checks of ``doc`` may read, gathered now.

    Accreditations are followed only with ``endorsements`` (an endorsement being verified on
    its own does not follow its issuer's).
    """
    issuer_id = id_of_issuer(doc)
    issuer = gather_issuer(
        gathering.trust_store, issuer_id, accreditations=endorsements is not None
    )
    materials = gather_status(
        doc,
        status_lists,
        when,
        trust_store=gathering.trust_store,
        online=gathering.policy.status == "online",
        client=gathering.status_client,
    )
    return CheckContext(
        doc=doc,
        source_format=source_format,
        policy=gathering.policy,
        now=when,
        recipient=recipient,
        jwt=jwt,
        issuer_id=issuer_id,
        pinned=issuer.pinned,
        accreditations=issuer.accreditations,
        trust_problem=issuer.problem,
        trust_store_given=gathering.trust_store is not None,
        status_materials=materials,
        endorsements=endorsements,
        at=at,
    )


@dataclass(frozen=True)
class IssuerMaterials:
    """What the trust store says about a credential's issuer."""

    pinned: PinnedIssuer | None = None
    accreditations: tuple[Accreditation, ...] = ()
    #: Why the trust store could not be read, as a clause.
    problem: str | None = None


def gather_issuer(
    trust_store: TrustStore | None, issuer_id: str | None, *, accreditations: bool
) -> IssuerMaterials:
    """The issuer's pinned entry, else (with ``accreditations``) what pinned authorities say."""
    if trust_store is None or issuer_id is None:
        return IssuerMaterials()
    try:
        pinned = trust_store.find_issuer(issuer_id)
        if pinned is not None or not accreditations:
            return IssuerMaterials(pinned)
        found = tuple(trust_store.find_accreditations(issuer_id))
    except TrustStoreError as error:
        return IssuerMaterials(problem=clause(error.message))
    # The program's keys as the authority vouches for them.
    return IssuerMaterials(found[0].program if found else None, found)


def status_urls(doc: Mapping[str, Any]) -> list[str]:
    """The URLs of the lists a credential's status entries point to, in order, once each."""
    urls: list[str] = []
    for entry in as_list(doc.get("credentialStatus")):
        if not isinstance(entry, Mapping):
            continue
        types = as_list(entry.get("type"))
        url = entry.get("statusListCredential") if ENTRY_TYPE in types else None
        if url is None and ONEEDTECH_TYPE in types:
            url = entry.get("id")
        if isinstance(url, str) and url and url not in urls:
            urls.append(url)
    return urls


def gather_status(
    doc: Mapping[str, Any],
    given: Sequence[Mapping[str, Any]],
    when: datetime,
    *,
    trust_store: TrustStore | None,
    online: bool,
    client: httpx.Client | None = None,
) -> dict[str, StatusMaterial]:
    """The list for each status URL of ``doc``: given, pinned, or (``online``) fetched now."""
    handed = {d.get("id"): d for d in given if isinstance(d, Mapping)}
    materials: dict[str, StatusMaterial] = {}
    for url in status_urls(doc):
        if url in handed:
            materials[url] = StatusMaterial(url, handed[url], "given with the credential")
            continue
        pinned = None
        if trust_store is not None:
            try:
                pinned = trust_store.find_status_list(url)
            except TrustStoreError as error:
                materials[url] = StatusMaterial(url, None, "trust store", problem=error.message)
                continue
        if pinned is not None:
            materials[url] = StatusMaterial(
                url,
                pinned.document,
                f"trust store (pinned from {pinned.source} on {iso(pinned.pinned_at)})",
                pinned.pinned_at,
            )
        elif online:
            try:
                document = fetch_status_list(url, client=client)
            except LeadbadgeError as error:
                materials[url] = StatusMaterial(
                    url, None, f"fetched from {url}", when, problem=error.message
                )
            else:
                materials[url] = StatusMaterial(
                    url, document, f"fetched from {url} on {iso(when)}", when
                )
    return materials
