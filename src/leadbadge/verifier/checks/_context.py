"""What every check reads: the credential, the policy, the clock and what was gathered for it.

The verifier gathers everything a check needs before any check runs (the trust store's entry
for the issuer, the status lists, a way to verify endorsements), so a check reads no clock,
file or network of its own and gives the same result for the same context.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leadbadge.trust.pins import PinnedIssuer
from leadbadge.verifier.policy import VerificationPolicy
from leadbadge.verifier.report import VerificationReport

if TYPE_CHECKING:
    from leadbadge.trust.accreditation import Accreditation

__all__ = ["CheckContext", "StatusMaterial", "VerifyEndorsement"]

#: Verifies one endorsement document with the verifier's trust store and policy, at ``now``.
VerifyEndorsement = Callable[[Mapping[str, Any]], VerificationReport]


@dataclass(frozen=True)
class StatusMaterial:
    """A status list the verifier has for one URL, and where it came from."""

    url: str
    #: The list document; None when it could not be had (``problem`` says why).
    document: Mapping[str, Any] | None
    #: Where it came from, for the report: "trust store (pinned from …)", "fetched from …".
    source: str
    #: When it was pinned or fetched (the only date an unsigned 1EdTech list has).
    retrieved_at: datetime | None = None
    problem: str | None = None


@dataclass(frozen=True)
class CheckContext:
    """One credential being verified, and everything its checks may read."""

    #: The decoded credential (for a VC-JWT, its payload's credential).
    doc: Mapping[str, Any]
    #: How it came: "JSON-LD", "VC-JWT"… (the report's summary names it).
    source_format: str
    policy: VerificationPolicy
    #: The verifier's clock: status lists are judged against it (how old, still valid).
    now: datetime
    #: The e-mail address to match, as typed; None when no recipient was asked.
    recipient: str | None = None
    #: The compact JWS the credential came in, when it is a VC-JWT (its proof).
    jwt: str | None = None
    issuer_id: str | None = None
    #: The trust store's entry for the issuer; for a program known only through accreditation,
    #: its keys as the authority vouches for them.
    pinned: PinnedIssuer | None = None
    #: For a program not pinned itself: what pinned authorities say about it.
    accreditations: tuple[Accreditation, ...] = ()
    #: Why the trust store could not be read, as a clause; the checks then trust nothing in it.
    trust_problem: str | None = None
    trust_store_given: bool = False
    #: The status list gathered for each status URL of the credential.
    status_materials: Mapping[str, StatusMaterial] = field(default_factory=dict)
    #: Verifies an endorsement on its own; None for an endorsement being verified (its own
    #: endorsements and accreditations are not followed).
    endorsements: VerifyEndorsement | None = None
    #: The instant the credential is judged at (its validity period, proof expiry); None: now.
    at: datetime | None = None
    #: What one check computed for a later one, so the work is done once per credential: the
    #: JSON-LD check leaves ``"unsecured_quads"`` (the quads of the credential without its
    #: proof, which the proof check hashes) when its strict expansion gave them.
    computed: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def valid_at(self) -> datetime:
        return self.now if self.at is None else self.at
