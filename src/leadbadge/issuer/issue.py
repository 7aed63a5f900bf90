"""Issuing: build a tier's credential, sign it with the issuer's current key, record it.

``Issuer`` is the recipe layer over the issuer home (:mod:`leadbadge.issuer.home`), the credential
builder (:mod:`leadbadge.pathway.credential`), the eddsa-rdfc-2022 proof suite and the ledger. Every
credential gets a ``BitstringStatusListEntry`` per status purpose of the home, with indexes the
ledger draws inside the transaction that records the signed credential. It never imports the
verification side.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from leadbadge.conformance.vc import VC_V2_CONTEXT_URL
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import InputError, IssuerHomeError
from leadbadge.issuer.endorse import Endorsement, endorse
from leadbadge.issuer.home import DEFAULT_STATUS_PURPOSES, IssuerHome, xsd_datetime
from leadbadge.issuer.ledger_group import GroupItem, issue_group
from leadbadge.issuer.ledger_records import LedgerEntry, PrerequisiteOverride, StatusAssignment
from leadbadge.issuer.publish import (
    DEFAULT_STATUS_TTL,
    DEFAULT_STATUS_VALIDITY,
    publish,
    status_list_documents,
)
from leadbadge.issuer.sign import sign_credential
from leadbadge.model import Framework, IssuerProfile
from leadbadge.pathway import accreditation as _accreditations
from leadbadge.pathway import renewal
from leadbadge.pathway.credential import Recipient, build_credential
from leadbadge.pathway.evidence import EvidenceItem
from leadbadge.pathway.prerequisites import (
    HeldTier,
    held_in_ledger,
    held_now_in_ledger,
    missing_prerequisites,
)
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.status.lists import status_entry

__all__ = ["Issuer", "SignedCredential"]


@dataclass(frozen=True)
class SignedCredential:
    """A signed OB 3.0 credential as issued and recorded."""

    #: The signed credential (JSON-LD, with its ``proof``).
    document: dict[str, Any]
    #: The framework tier it awards.
    tier: str

    @property
    def id(self) -> str:
        return str(self.document["id"])

    @property
    def verification_method(self) -> str:
        """The key that signed it (the issuer's proof, the last in the ``proof`` array)."""
        return str(self.document["proof"][-1]["verificationMethod"])

    def to_json(self, *, indent: int | None = 2) -> str:
        """The document as JSON text, properties in the document's own order."""
        return json.dumps(self.document, indent=indent, ensure_ascii=False)


@dataclass(frozen=True)
class IssueRequest:
    """One credential to issue with its prerequisites already checked (batch issuance)."""

    tier: str
    recipient: Recipient
    evidence: Sequence[EvidenceItem] = ()
    results: Mapping[str, str] | None = None
    credits: float | None = None
    valid_from: datetime | None = None
    #: The prerequisite tiers the recipient lacks, issued anyway for ``reason``.
    missing: Sequence[str] = ()
    reason: str | None = None
    batch_key: str | None = None


def _recipient_hash(document: Mapping[str, Any]) -> str:
    for identity in document["credentialSubject"]["identifier"]:
        if identity.get("identityType") == "emailAddress":
            return str(identity["identityHash"])
    raise InputError("The credential names no e-mail recipient.", field="recipient")


def _override(
    missing: Sequence[str], reason: str | None, moment: datetime
) -> PrerequisiteOverride | None:
    """What the ledger records for a credential issued without ``missing`` tiers, if any."""
    if not missing:
        return None
    if reason is None or not reason.strip():
        raise InputError(
            "An override of prerequisites must give a reason.", field="override_prerequisites"
        )
    return PrerequisiteOverride(
        missing=tuple(missing), reason=reason.strip(), at=xsd_datetime(moment)
    )


def _moment(now: datetime | None) -> datetime:
    """The instant of issue, to the second as credentials write it (default: the clock)."""
    return datetime.fromisoformat(xsd_datetime(now or datetime.now(UTC)))


class Issuer:
    """An issuer home opened with its passphrase, ready to sign credentials."""

    def __init__(self, home: IssuerHome, key: SigningKey, framework: Framework) -> None:
        if key.public_key != home.current_key.public_key:
            raise IssuerHomeError("The signing key is not the issuer's current key.")
        self.home = home
        self.framework = framework
        self._key = key

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, passphrase: str | bytes) -> Issuer:
        """Open the issuer home at ``path`` and unlock its current signing key.

        Raises :class:`IssuerHomeError` if ``path`` is not a usable home and
        :class:`WrongPassphraseError` if the passphrase does not open the key.
        """
        home = IssuerHome.open(path)
        framework = home.framework()
        return cls(home, home.signing_key(passphrase), framework)

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        *,
        name: str,
        url: str,
        passphrase: str | bytes,
        did_web: str | None = None,
        framework: str | os.PathLike[str] | None = None,
        email: str | None = None,
        now: datetime | None = None,
        status_purposes: tuple[str, ...] = DEFAULT_STATUS_PURPOSES,
    ) -> Issuer:
        """Make a new issuer home (see :meth:`IssuerHome.create`) and open it."""
        IssuerHome.create(
            path,
            name=name,
            url=url,
            passphrase=passphrase,
            did_web=did_web,
            framework=framework,
            email=email,
            now=now,
            status_purposes=status_purposes,
        )
        return cls.open(path, passphrase=passphrase)

    @property
    def profile(self) -> IssuerProfile:
        return self.home.profile

    def issue(
        self,
        tier: str,
        recipient: Recipient,
        *,
        evidence: Sequence[EvidenceItem] = (),
        results: Mapping[str, str] | None = None,
        credits: float | None = None,
        valid_from: datetime | None = None,
        now: datetime | None = None,
        prerequisites: Iterable[HeldTier] | None = None,
        override_prerequisites: str | None = None,
        batch_key: str | None = None,
    ) -> SignedCredential:
        """Build, sign (eddsa-rdfc-2022, current key) and record one credential for ``tier``.

        The credential carries a ``BitstringStatusListEntry`` per status purpose of the home
        (revocation and suspension by default), its indexes drawn at random by the ledger in
        the transaction that records it. ``now`` (default: the clock) is the proof's creation
        time and the default ``valid_from``. Nothing is recorded unless signing succeeded, and
        nothing is returned unless it was recorded. Raises :class:`UnknownTierError` for an
        unknown tier and :class:`InputError` for any other invalid input. ``batch_key`` records
        the roster row the credential is issued for (:meth:`Ledger.issue`); a key already
        recorded raises :class:`InputError` with ``field="batch_key"`` and signs nothing.

        The recipient must hold the tier's prerequisite tiers at ``now``: each by an active
        (not revoked, not suspended) entry of this issuer's ledger for the recipient's e-mail,
        or by one of ``prerequisites`` (tiers held by credentials from other issuers, already
        verified: :func:`leadbadge.verifier.pathway.verify_presented`), valid at ``now``. Missing
        ones raise :class:`InputError` (``field="prerequisites"``) naming them, unless
        ``override_prerequisites`` gives the reason to issue anyway, which the ledger records
        with the credential (:meth:`Ledger.prerequisite_overrides`); nothing is recorded as an
        override when nothing was missing.
        """
        moment = _moment(now)
        missing = self._check_prerequisites(
            tier, recipient, prerequisites or (), override_prerequisites, moment
        )
        return self._issue_checked(
            tier,
            recipient,
            evidence=evidence,
            results=results,
            credits=credits,
            valid_from=valid_from,
            now=moment,
            missing=missing,
            reason=override_prerequisites,
            batch_key=batch_key,
        )

    def _issue_checked(
        self,
        tier: str,
        recipient: Recipient,
        *,
        evidence: Sequence[EvidenceItem] = (),
        results: Mapping[str, str] | None = None,
        credits: float | None = None,
        valid_from: datetime | None = None,
        now: datetime | None = None,
        missing: Sequence[str] = (),
        reason: str | None = None,
        batch_key: str | None = None,
    ) -> SignedCredential:
        """:meth:`issue` with the prerequisites already checked: ``missing`` are the tiers the
        recipient lacks, issued anyway for ``reason`` (batch issuance checks a whole roster
        against one read of the ledger, :mod:`leadbadge.issuer.batch`)."""
        moment = _moment(now)
        override = _override(missing, reason, moment)
        self._check_key_at(moment)
        unsigned = build_credential(
            self.framework,
            tier,
            self.home.profile,
            recipient,
            valid_from=valid_from or moment,
            evidence=evidence,
            results=results or {},
            credits=credits,
            issued_at=moment,
        )
        return self._sign_and_record(unsigned, tier, moment, override=override, batch_key=batch_key)

    def _issue_groups(
        self,
        requests: Sequence[IssueRequest],
        *,
        now: datetime | None = None,
        max_items: int = 64,
        max_seconds: float = 0.25,
    ) -> Iterator[list[tuple[int, SignedCredential | None]]]:
        """:meth:`_issue_checked` for each request (the same credential, at its own instant),
        recorded in groups (:func:`~leadbadge.issuer.ledger_group.issue_group`), each yielded
        once committed as (index in ``requests``, credential) pairs; None for a request whose
        ``batch_key`` the ledger already records."""
        items = self._group_items(requests, now, max_seconds)
        with self.home.open_ledger() as ledger:
            while True:
                group = issue_group(
                    ledger,
                    items,
                    purposes=self.home.status_purposes,
                    list_url=self.home.status_list_url,
                    max_items=max_items,
                    max_seconds=max_seconds,
                )
                if not group:
                    return
                yield [
                    (item.ref, None if e is None else SignedCredential(e.document, e.tier))
                    for item, e in group
                ]

    def _group_items(
        self, requests: Sequence[IssueRequest], now: datetime | None, max_seconds: float
    ) -> Iterator[GroupItem]:
        """One ledger item a request, made as the ledger reaches it (its instant of issue)."""
        read_at = None
        for index, request in enumerate(requests):
            moment = _moment(now)
            # The home (a rotated key?) is read once a group's time: it costs as much as a build.
            fresh = read_at is not None and time.monotonic() - read_at < max_seconds
            read_at = read_at if fresh else time.monotonic()
            override = _override(request.missing, request.reason, moment)
            self._check_key_at(moment, reload=not fresh)
            unsigned = build_credential(
                self.framework,
                request.tier,
                self.home.profile,
                request.recipient,
                valid_from=request.valid_from or moment,
                evidence=request.evidence,
                results=request.results or {},
                credits=request.credits,
                issued_at=moment,
            )
            yield GroupItem(
                build=self._signer(unsigned, request.tier, moment),
                now=xsd_datetime(moment),
                override=override,
                batch_key=request.batch_key,
                ref=index,
            )

    def renew(
        self,
        credential: Mapping[str, Any] | str,
        *,
        evidence: Sequence[EvidenceItem] = (),
        valid_from: datetime | None = None,
        now: datetime | None = None,
    ) -> SignedCredential:
        """Issue the renewal of ``credential`` (its document or id), recorded in this ledger.

        The new credential is for the same tier and the same recipient IdentityObjects (e-mail
        hash and salt, name), keeps the original ``awardedDate`` and credits, is valid from
        ``valid_from`` (default ``now``) for the tier's validity years, carries ``evidence`` for
        the tier's renewal requirements and an Evidence item naming the renewed credential
        (:func:`leadbadge.pathway.renewal.renewal_reference`). The ledger marks the original
        superseded by it in the same transaction. Raises :class:`InputError` when the credential is
        not this issuer's, is revoked, suspended or already renewed, or the evidence does not meet
        the renewal requirements (naming what is missing).
        """
        moment = _moment(now)
        wanted = credential if isinstance(credential, str) else str(credential.get("id"))
        with self.home.open_ledger() as ledger:
            entry = ledger.get(wanted)
        if entry is None:
            raise InputError(
                f"This issuer's ledger records no credential {wanted}; renew it with the issuer "
                "that issued it.",
                field="credential",
            )
        original = entry.document
        if _accreditations.is_endorsement(original):
            raise InputError(
                f"{wanted} is an endorsement of a program, not a credential to renew; endorse "
                "the program again instead.",
                field="credential",
            )
        tier = self.framework.tier(entry.tier)
        renewal.check_renewal_hours(tier, evidence)
        awarded = original.get("awardedDate") or original.get("validFrom")
        earned = original.get("credentialSubject", {}).get("creditsEarned")
        unsigned = build_credential(
            renewal.renewal_framework(self.framework, tier.id),
            tier.id,
            self.home.profile,
            # The issuer knows only the e-mail's hash: the identity is carried over below.
            Recipient(email="renewal@example.org"),
            valid_from=valid_from or moment,
            evidence=evidence,
            credits=float(earned) if isinstance(earned, int | float) else None,
            awarded=datetime.fromisoformat(str(awarded)) if awarded else None,
            issued_at=moment,
        )
        unsigned = renewal.with_identity_of(unsigned, original)
        unsigned["evidence"] = [*unsigned.get("evidence", []), renewal.renewal_reference(original)]
        self._check_key_at(moment)
        return self._sign_and_record(unsigned, tier.id, moment, supersedes=entry.id)

    def _check_key_at(self, moment: datetime, *, reload: bool = True) -> None:
        if reload:
            self.home.reload()
        current = self.home.current_key
        if current.public_key != self._key.public_key:
            raise IssuerHomeError(
                "The issuer's signing key was rotated after this issuer was opened; open it again.",
                path=self.home.path,
            )
        if moment < current.valid_from:
            raise InputError(
                f"The signing key is in use from {xsd_datetime(current.valid_from)}; it cannot "
                f"sign at {xsd_datetime(moment)}.",
                field="now",
            )

    def _sign_and_record(
        self,
        unsigned: Mapping[str, Any],
        tier: str,
        moment: datetime,
        *,
        override: PrerequisiteOverride | None = None,
        batch_key: str | None = None,
        supersedes: str | None = None,
    ) -> SignedCredential:
        """Sign ``unsigned`` with status entries the ledger draws, and record it (see issue)."""
        with self.home.open_ledger() as ledger:
            recorded = ledger.issue(
                self._signer(unsigned, tier, moment),
                purposes=self.home.status_purposes,
                list_url=self.home.status_list_url,
                now=xsd_datetime(moment),
                override=override,
                batch_key=batch_key,
                supersedes=supersedes,
            )
        return SignedCredential(document=recorded.document, tier=tier)

    def _signer(
        self, unsigned: Mapping[str, Any], tier: str, moment: datetime
    ) -> Callable[[tuple[StatusAssignment, ...]], LedgerEntry]:
        """What the ledger calls to sign ``unsigned`` with the status indexes it drew. Every
        caller builds ``unsigned`` for this credential alone, so the signed one takes its parts."""
        current = self.home.current_key

        def sign(assignments: tuple[StatusAssignment, ...]) -> LedgerEntry:
            entries = [status_entry(a.list_url, a.purpose, a.index) for a in assignments]
            # OB 3.0 allows one credentialStatus: a single purpose is written as one object.
            document = dict(unsigned)
            document["credentialStatus"] = entries[0] if len(entries) == 1 else entries
            signed = eddsa_rdfc_2022.sign_owned(
                document, self._key, verification_method=current.verification_method, created=moment
            )
            return LedgerEntry(
                id=str(signed["id"]),
                tier=tier,
                recipient_hash=_recipient_hash(signed),
                issued_at=xsd_datetime(moment),
                key_vm=current.verification_method,
                document=signed,
            )

        return sign

    def sign(self, document: Mapping[str, Any], *, now: datetime | None = None) -> SignedCredential:
        """Sign a credential made elsewhere (a VC-API caller's) and record it in the ledger.

        ``document`` must name this issuer (its current issuer id) as ``issuer``, or no issuer
        (it is then set); it gets an ``id`` (``urn:uuid:``) when it has none, because the ledger
        keys credentials by id. A VC 2.0 credential gets one ``BitstringStatusListEntry`` per
        status purpose of the home, drawn by the ledger like :meth:`issue`'s, after any
        ``credentialStatus`` entries it already has (kept: the caller's own status claims); a
        VC 1.1 credential gets none, as only the VC 2.0 context defines the status list terms.
        It is then signed with :func:`leadbadge.sign_credential` (data model checked first) and
        recorded with an empty tier and recipient hash, as it awards no tier of the framework.
        Raises :class:`InputError` for a credential it will not sign; nothing is recorded then.
        """
        moment = _moment(now)
        if not isinstance(document, Mapping):
            raise InputError("The credential to sign must be a JSON object.", field="credential")
        unsigned = dict(document)
        if "proof" in unsigned:
            raise InputError(
                "The credential already has a proof; send it without one to have it signed.",
                field="proof",
            )
        issuer_id = self.home.issuer_id
        named = unsigned.get("issuer")
        named_id = named.get("id") if isinstance(named, Mapping) else named
        if "issuer" not in unsigned:
            unsigned["issuer"] = issuer_id
        elif named_id != issuer_id:
            raise InputError(
                f"This issuer signs as {issuer_id}; the credential names the issuer "
                f"{json.dumps(named_id)}.",
                field="issuer",
            )
        unsigned.setdefault("id", f"urn:uuid:{uuid.uuid4()}")
        contexts = unsigned.get("@context")
        first = contexts[0] if isinstance(contexts, list) and contexts else contexts
        purposes = self.home.status_purposes if first == VC_V2_CONTEXT_URL else ()
        given = unsigned.get("credentialStatus")
        kept = [] if given is None else given if isinstance(given, list) else [given]
        self._check_key_at(moment)
        current = self.home.current_key

        def sign(assignments: tuple[StatusAssignment, ...]) -> LedgerEntry:
            entries = [status_entry(a.list_url, a.purpose, a.index) for a in assignments]
            out = dict(unsigned)
            status = [*kept, *entries]
            if status:
                out["credentialStatus"] = status[0] if len(status) == 1 else status
            signed = sign_credential(
                out, self._key, verification_method=current.verification_method, created=moment
            )
            return LedgerEntry(
                id=str(signed["id"]),
                tier="",
                recipient_hash="",
                issued_at=xsd_datetime(moment),
                key_vm=current.verification_method,
                document=signed,
            )

        with self.home.open_ledger() as ledger:
            recorded = ledger.issue(
                sign,
                purposes=purposes,
                list_url=self.home.status_list_url,
                now=xsd_datetime(moment),
            )
        return SignedCredential(document=recorded.document, tier="")

    def held_tiers(self, email: str) -> list[HeldTier]:
        """The tiers ``email`` holds by this issuer's active ledger entries (any validity)."""
        with self.home.open_ledger() as ledger:
            entries = ledger.entries(status="active")
        return held_in_ledger(entries, email, issuer_id=self.home.issuer_id)

    def _check_prerequisites(
        self,
        tier: str,
        recipient: Recipient,
        presented: Iterable[HeldTier],
        reason: str | None,
        moment: datetime,
    ) -> tuple[str, ...]:
        """The prerequisite tiers the recipient lacks at ``moment`` (raising without ``reason``)."""
        wanted = self.framework.tier(tier)
        if reason is not None and not reason.strip():
            raise InputError(
                "An override of prerequisites must give a reason.", field="override_prerequisites"
            )
        missing = missing_prerequisites(wanted, presented, moment)
        if missing:
            # Only the tiers still missing are looked up, so most issues read little or nothing.
            with self.home.open_ledger() as ledger:
                entries = [e for t in missing for e in ledger.entries(tier=t, status="active")]
            found = held_now_in_ledger(
                entries,
                [(recipient.email, recipient.name, missing)],
                issuer_id=self.home.issuer_id,
                at=moment,
            ).get(recipient.email, {})
            missing = tuple(t for t in missing if t not in found)
        if missing and reason is None:
            names = ", ".join(repr(m) for m in missing)
            plural = "s" if len(missing) > 1 else ""
            raise InputError(
                f"The recipient does not hold the prerequisite tier{plural} {names} for {tier!r} "
                "(a current credential, not revoked, suspended or expired).",
                field="prerequisites",
            )
        return missing

    def endorse(
        self,
        program: str | os.PathLike[str],
        tiers: Sequence[str],
        *,
        valid_until: datetime | None = None,
        comment: str | None = None,
        now: datetime | None = None,
    ) -> list[Endorsement]:
        """Accredit the program published at ``program`` for ``tiers``, signed with this
        issuer's key (:func:`leadbadge.issuer.endorse.endorse`, docs/accreditation.md)."""
        return endorse(
            self.home,
            self._key,
            program,
            tiers,
            valid_until=valid_until,
            comment=comment,
            now=now,
        )

    def publish(
        self,
        outdir: str | os.PathLike[str],
        *,
        now: datetime | None = None,
        status_validity: timedelta = DEFAULT_STATUS_VALIDITY,
        status_ttl: timedelta = DEFAULT_STATUS_TTL,
    ) -> list[Path]:
        """Write the issuer's site with freshly signed status lists (:func:`publish`)."""
        return publish(
            self.home,
            outdir,
            signing_key=self._key,
            now=now,
            status_validity=status_validity,
            status_ttl=status_ttl,
        )

    def status_lists(
        self,
        *,
        now: datetime | None = None,
        status_validity: timedelta = DEFAULT_STATUS_VALIDITY,
        status_ttl: timedelta = DEFAULT_STATUS_TTL,
    ) -> list[dict[str, Any]]:
        """Every status list of the ledger as a signed ``BitstringStatusListCredential``, as
        :meth:`publish` writes them (for a server that publishes them itself)."""
        return status_list_documents(
            self.home, self._key, now=now, validity=status_validity, ttl=status_ttl
        )
