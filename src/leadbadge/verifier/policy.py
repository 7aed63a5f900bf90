"""What a verifier requires before it calls a credential valid: its policy, fixed per verifier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from leadbadge.crypto.jwk import ALGORITHMS
from leadbadge.errors import InputError
from leadbadge.proof import eddsa_rdfc_2022

__all__ = ["DEFAULT_CLOCK_SKEW", "DEFAULT_MAX_STATUS_AGE", "VerificationPolicy"]

#: How far the verifier's clock may disagree with the issuer's before dates count against a
#: credential: a validFrom this far in the future, or a validUntil this far in the past, passes.
DEFAULT_CLOCK_SKEW = timedelta(minutes=5)
_MAX_CLOCK_SKEW = timedelta(days=1)
#: The oldest status list (by its ``validFrom``) taken as saying where a credential stands now;
#: an older one leaves the status unknown (docs/status.md).
DEFAULT_MAX_STATUS_AGE = timedelta(days=7)


@dataclass(frozen=True)
class VerificationPolicy:
    """What the verifier requires before it calls a credential valid.

    ``allowed_proofs`` lists the (proof type, cryptosuite) pairs the verifier accepts, never
    chosen by the credential (``Ed25519Signature2020`` has no cryptosuite: ``""``);
    ``allowed_jwt_algorithms`` the JWS algorithms it accepts for VC-JWT credentials (``none``
    and MAC algorithms are refused whatever it says); ``max_clock_skew`` bounds how far dates
    may be off (at most a day); with ``require_trusted_issuer`` a credential whose issuer is
    not pinned in the trust store is inconclusive, not valid. Status lists come from the trust
    store (or with the credential); ``status="online"`` also fetches a list that is not
    pinned. A list whose ``validFrom`` is older than ``max_status_age`` does not say where the
    credential stands now, and a credential whose list is missing or old has the status
    ``unknown`` (inconclusive) unless ``unsafe_skip_status`` is set: then its status is still
    reported but no longer required. A revoked or suspended credential is invalid either way.
    """

    # ed25519_signature_2020.ALLOWED and vc_jwt.DEFAULT_ALGORITHMS, taken from the modules that
    # define them so that neither suite loads with the policy.
    allowed_proofs: frozenset[tuple[str, str]] = eddsa_rdfc_2022.DEFAULT_ALLOWED | {
        eddsa_rdfc_2022.ED25519_SIGNATURE_2020
    }
    allowed_jwt_algorithms: frozenset[str] = ALGORITHMS
    max_clock_skew: timedelta = DEFAULT_CLOCK_SKEW
    require_trusted_issuer: bool = True
    status: Literal["offline", "online"] = "offline"
    max_status_age: timedelta = DEFAULT_MAX_STATUS_AGE
    unsafe_skip_status: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.max_clock_skew, timedelta) or not (
            timedelta(0) <= self.max_clock_skew <= _MAX_CLOCK_SKEW
        ):
            raise InputError(
                "max_clock_skew must be a timedelta between zero and one day.",
                field="max_clock_skew",
            )
        if self.status not in ("offline", "online"):
            raise InputError(
                f"Status mode {self.status!r} is not supported; use 'offline' or 'online'.",
                field="status",
            )
        if not isinstance(self.max_status_age, timedelta) or not (
            timedelta(minutes=1) <= self.max_status_age <= timedelta(days=3660)
        ):
            raise InputError(
                "max_status_age must be a timedelta between a minute and ten years.",
                field="max_status_age",
            )
        object.__setattr__(self, "allowed_proofs", frozenset(self.allowed_proofs))
        object.__setattr__(self, "allowed_jwt_algorithms", frozenset(self.allowed_jwt_algorithms))

    def required_checks(self, *, recipient_asked: bool) -> frozenset[str]:
        """The checks whose ``unknown`` makes the verdict inconclusive."""
        required = {"format", "jsonld", "schema", "proof", "issuer_key", "validity", "status"}
        if self.unsafe_skip_status:
            required.discard("status")
        if self.require_trusted_issuer:
            required.add("issuer_trust")
        if recipient_asked:
            required.add("recipient")
        return frozenset(required)
