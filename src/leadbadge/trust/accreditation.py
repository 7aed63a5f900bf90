"""Accreditation registries in the trust store: checked before pinning, read back for verifiers.

An authority's ``accreditations.json`` (:mod:`leadbadge.pathway.accreditation`) is pinned with the
authority, as ``TRUST/accreditations/<sha256(authority id)[:16]>.json``. Before it is written,
every program key snapshot must match its digest and be a valid key history, and every
endorsement must be an ``EndorsementCredential`` by the authority whose proof verifies with the
authority's pinned keys, naming one of the snapshots and an Achievement that snapshot publishes.
Expiry and revocation are the verifier's to judge, at the time of each credential. Read back, a
registry says what an authority vouches for about one program (:func:`accreditation_of`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from leadbadge import _fs
from leadbadge.crypto.did import VerificationMethod
from leadbadge.errors import LeadbadgeError, SignatureError, TrustStoreError
from leadbadge.pathway import accreditation as acc
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.trust.key_history import (
    PublishedIssuer,
    format_time,
    parse_history,
    parse_json,
    parse_time,
)
from leadbadge.trust.pins import PinnedIssuer, build_issuer, issuer_resolver
from leadbadge.trust.sources import REGISTRY_MAX_BYTES
from leadbadge.trust.status_lists import PinnedStatusList, checked_status_list
from leadbadge.trust.web import require_web_url

__all__ = [
    "ACCREDITATION_FORMAT",
    "Accreditation",
    "AccreditationEndorsement",
    "AccreditedProgram",
    "PinnedAccreditations",
    "accreditation_of",
    "check_registry",
    "program_status_lists",
    "read_accreditations",
    "vouched",
    "write_accreditations",
]

#: Version of the accreditation files this code writes and reads.
ACCREDITATION_FORMAT = 1

KeyResolver = Callable[[str, str], VerificationMethod]


@dataclass(frozen=True)
class AccreditedProgram:
    """A program's key history as an authority vouches for it (one snapshot)."""

    #: The URL the authority publishes the snapshot at, and its ``digestSRI``.
    url: str
    digest: str
    history: PublishedIssuer


@dataclass(frozen=True)
class PinnedAccreditations:
    """One authority's registry as pinned: the snapshots and the endorsements naming them."""

    authority: str
    programs: tuple[AccreditedProgram, ...]
    endorsements: tuple[Mapping[str, Any], ...]
    source: str
    pinned_at: datetime
    document: Mapping[str, Any] = field(repr=False)
    path: Path | None = field(default=None, compare=False)

    def snapshot(self, digest: str) -> AccreditedProgram | None:
        for program in self.programs:
            if program.digest == digest:
                return program
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": ACCREDITATION_FORMAT,
            "authority": self.authority,
            "source": self.source,
            "pinnedAt": format_time(self.pinned_at),
            "registry": dict(self.document),
        }


@dataclass(frozen=True)
class AccreditationEndorsement:
    """One endorsement of a program's Achievement, as an authority's pinned registry holds it."""

    document: Mapping[str, Any]
    #: The endorsed Achievement's id, and its tier in the program's key history (if named).
    achievement: str
    tier: str | None


@dataclass(frozen=True)
class Accreditation:
    """What one pinned authority says about one program (looked up by the program's id)."""

    authority: PinnedIssuer
    #: The program's keys and Achievements as the authority's newest endorsement vouches for
    #: them; ``via`` is the authority.
    program: PinnedIssuer
    endorsements: tuple[AccreditationEndorsement, ...]

    @property
    def tiers(self) -> tuple[str, ...]:
        """The tiers endorsed (in any state: the verifier judges validity and status)."""
        return tuple(dict.fromkeys(e.tier or e.achievement for e in self.endorsements))


def _programs(doc: Mapping[str, Any], where: str) -> tuple[AccreditedProgram, ...]:
    raw = doc.get("programs")
    if not isinstance(raw, list):
        raise TrustStoreError(f"{where}: 'programs' must be a list")
    found = []
    for i, item in enumerate(raw):
        at = f"{where}: programs[{i}]"
        if not isinstance(item, Mapping):
            raise TrustStoreError(f"{at} must be an object")
        url, digest, history = item.get("id"), item.get("digestSRI"), item.get("keyHistory")
        if not isinstance(url, str) or not isinstance(digest, str):
            raise TrustStoreError(f"{at} needs an 'id' and a 'digestSRI'")
        try:
            require_web_url(url)
        except LeadbadgeError:
            raise TrustStoreError(f"{at}.id must be an https URL") from None
        if not isinstance(history, Mapping):
            raise TrustStoreError(f"{at}.keyHistory must be an object")
        if acc.digest_sri(acc.snapshot_bytes(history)) != digest:
            raise TrustStoreError(f"{at}.keyHistory does not match its digestSRI")
        try:
            parsed = parse_history(history, url)
        except TrustStoreError as error:
            raise TrustStoreError(f"{at}: {error.message.rstrip('.')}") from None
        found.append(AccreditedProgram(url, digest, parsed))
    return tuple(found)


def _check_endorsement(
    doc: Any,
    at: str,
    registry: PinnedAccreditations,
    *,
    identities: Sequence[str],
    resolver: KeyResolver | None,
) -> None:
    if not acc.is_endorsement(doc):
        raise TrustStoreError(f"{at} is not an EndorsementCredential")
    issuer = doc.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    if issuer_id not in identities:
        raise TrustStoreError(f"{at} is issued by {issuer_id!r}, not by the authority")
    subject = acc.endorsed_subject(doc)
    named = [registry.snapshot(d) for _, d in acc.related_digests(doc)]
    programs = [p for p in named if p is not None]
    if not programs or subject is None:
        raise TrustStoreError(f"{at} names no program key history of the registry")
    if not any(subject in p.history.achievements.values() for p in programs):
        raise TrustStoreError(f"{at} endorses {subject}, which its program does not publish")
    if resolver is None:
        return
    try:
        eddsa_rdfc_2022.verify(doc, issuer=str(issuer_id), resolver=resolver)
    except SignatureError:
        raise TrustStoreError(f"{at} does not match its signature") from None
    except LeadbadgeError as error:
        raise TrustStoreError(f"{at} cannot be checked ({error.message.rstrip('.')})") from None


def check_registry(
    doc: Mapping[str, Any],
    *,
    identities: Sequence[str],
    source: str,
    pinned_at: datetime,
    resolver: KeyResolver | None,
) -> PinnedAccreditations:
    """Validate an authority's registry; ``identities`` are the authority's issuer ids.

    ``resolver`` gives the authority's pinned keys for the endorsements' proofs (None when
    reading back a registry already checked when it was pinned). Raises
    :class:`TrustStoreError` naming the first problem.
    """
    where = f"The accreditation registry {source}"
    if doc.get("type") != acc.REGISTRY_TYPE or doc.get("version") != acc.REGISTRY_VERSION:
        raise TrustStoreError(f"{where} is not a {acc.REGISTRY_TYPE} version 1 document.")
    authority = doc.get("issuer")
    if not isinstance(authority, str) or authority not in identities:
        raise TrustStoreError(f"{where} is not the authority's own (its 'issuer' differs).")
    endorsements = doc.get("endorsements")
    if not isinstance(endorsements, list):
        raise TrustStoreError(f"{where}: 'endorsements' must be a list.")
    registry = PinnedAccreditations(
        authority=authority,
        programs=_programs(doc, where),
        endorsements=tuple(endorsements),
        source=source,
        pinned_at=pinned_at,
        document=doc,
    )
    for i, endorsement in enumerate(endorsements):
        _check_endorsement(
            endorsement,
            f"{where}: endorsements[{i}]",
            registry,
            identities=identities,
            resolver=resolver,
        )
    return registry


def write_accreditations(path: Path, entry: PinnedAccreditations) -> PinnedAccreditations:
    data = json.dumps(entry.to_json(), ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    _fs.atomic_write_bytes(path, data.encode("utf-8"))
    return PinnedAccreditations(
        authority=entry.authority,
        programs=entry.programs,
        endorsements=entry.endorsements,
        source=entry.source,
        pinned_at=entry.pinned_at,
        document=entry.document,
        path=path,
    )


def _parse_entry(data: Any, identities: Sequence[str]) -> PinnedAccreditations:
    if not isinstance(data, dict) or data.get("format") != ACCREDITATION_FORMAT:
        raise TrustStoreError("it is not a format 1 entry")
    pinned_at = parse_time(data.get("pinnedAt"), "pinnedAt")
    source, registry = data.get("source"), data.get("registry")
    if pinned_at is None or not isinstance(source, str) or not isinstance(registry, dict):
        raise TrustStoreError("it lacks its source, time or registry")
    return check_registry(
        registry, identities=identities, source=source, pinned_at=pinned_at, resolver=None
    )


def read_accreditations(path: Path, identities: Sequence[str]) -> PinnedAccreditations:
    """Read a pinned registry back (its digests and key histories checked again)."""

    def damaged(why: str) -> TrustStoreError:
        return TrustStoreError(
            f"The pinned accreditation registry {path} {why}; pin its authority again."
        )

    try:
        with path.open("rb") as handle:
            raw = handle.read(REGISTRY_MAX_BYTES * 2 + 1)
    except OSError as error:
        raise damaged(f"cannot be read ({error.strerror})") from None
    if len(raw) > REGISTRY_MAX_BYTES * 2:
        raise damaged("is too large")
    try:
        entry = _parse_entry(parse_json(raw, str(path)), identities)
    except TrustStoreError as error:
        raise damaged(f"is invalid ({error.message.rstrip('.')})") from None
    return PinnedAccreditations(
        authority=entry.authority,
        programs=entry.programs,
        endorsements=entry.endorsements,
        source=entry.source,
        pinned_at=entry.pinned_at,
        document=entry.document,
        path=path,
    )


def accreditation_of(
    authority: PinnedIssuer, registry: PinnedAccreditations, issuer_id: str
) -> Accreditation | None:
    """What ``registry`` says about the program ``issuer_id``: its endorsements, and the program
    as the newest of them vouches for it; None when the registry does not name it."""
    newest: tuple[str, Any] | None = None
    endorsements = []
    for document in registry.endorsements:
        for _, digest in acc.related_digests(document):
            program = registry.snapshot(digest)
            if program is None or issuer_id not in program.history.identities:
                continue
            achievement = acc.endorsed_subject(document) or ""
            tier = next(
                (t for t, a in program.history.achievements.items() if a == achievement), None
            )
            endorsements.append(AccreditationEndorsement(document, achievement, tier))
            since = str(document.get("validFrom") or "")
            if newest is None or since > newest[0]:
                newest = (since, program.history)
            break
    if newest is None:
        return None
    return Accreditation(authority, vouched(authority, registry, newest[1]), tuple(endorsements))


def vouched(
    authority: PinnedIssuer, registry: PinnedAccreditations, history: PublishedIssuer
) -> PinnedIssuer:
    """A program as an authority's registry vouches for it (``via`` the authority)."""
    return build_issuer(
        issuer_id=history.issuer,
        identities=history.identities,
        name=history.name,
        url=history.url,
        keys=history.keys,
        achievements=history.achievements,
        did_document=None,
        source=f"the accreditation registry of {authority.name or authority.id}",
        pinned_at=registry.pinned_at,
        via=authority,
    )


def program_status_lists(
    published: PublishedIssuer,
    authority: PinnedIssuer,
    registry: PinnedAccreditations | None,
    at: datetime,
) -> tuple[list[PinnedStatusList], tuple[str, ...]]:
    """The fetched status lists of accredited programs, each checked against the keys the
    authority vouches for; one that does not check is left out and named."""
    problems = list(published.program_status_problems)
    checked: list[PinnedStatusList] = []
    if registry is None:
        return checked, tuple(problems)
    for url, document in published.program_status_lists:
        program = next((p for p in registry.programs if url in p.history.status_urls), None)
        if program is None:
            continue
        try:
            by = vouched(authority, registry, program.history)
            checked.append(
                checked_status_list(
                    document,
                    url,
                    source=url,
                    fetched=True,
                    at=at,
                    resolver=issuer_resolver(by),
                    expected_issuers=by.identities,
                )
            )
        except TrustStoreError as error:
            problems.append(error.message)
    return checked, tuple(problems)
