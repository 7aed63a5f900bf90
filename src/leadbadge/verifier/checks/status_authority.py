"""Whose status lists a credential's status check may rely on, and how their proofs are checked.

W3C Bitstring Status List v1.0 §3.2 "Validate Algorithm" step 4 (the list credential is
verified) with VC Data Integrity 1.0 §4.4 and eddsa-rdfc-2022: a list counts only when signed by
the credential's issuer (any identity of a pinned issuer), for a pinned issuer with a key of its
pinned history in use when the list was signed, and for an unpinned one (did:key, or 1EdTech's
``<issuer id>#<key>`` form) with the very key that signed the credential, since nothing else
ties a key to that issuer. Each refusal has its own code (docs/status.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from leadbadge.crypto.keys import VerifyingKey
from leadbadge.errors import (
    JsonLdError,
    LeadbadgeError,
    SignatureError,
    UnsupportedProofError,
    VerificationMethodError,
)
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.trust.pins import PinnedIssuer
from leadbadge.verifier.checks._common import FAIL, PASS, UNKNOWN, as_list, clause, iso
from leadbadge.verifier.report import CheckStatus

__all__ = ["ListAuthority", "ListProofResult", "list_authority"]


@dataclass(frozen=True)
class ListProofResult:
    """What the list's proof showed: ``status`` pass, fail (code) or unknown (code)."""

    status: CheckStatus
    message: str
    code: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ListAuthority:
    """Who may issue the lists of one credential, and how their proofs are checked."""

    #: True for an issuer id that stands for the credential's issuer.
    same_issuer: Callable[[str], bool]
    #: ``(list document, its issuer id) -> ListProofResult``.
    check_proof: Callable[[Mapping[str, Any], str], ListProofResult]


def list_authority(
    *,
    pinned: PinnedIssuer | None,
    credential_issuer: str | None,
    credential_key: VerifyingKey | None,
    allowed: frozenset[tuple[str, str]],
) -> ListAuthority:
    """Status list proofs checked the way the credential's own key is resolved.

    The list must be issued by the credential's issuer (any identity of a pinned issuer). For a
    pinned issuer the key must be in its pinned history and in use when the list was signed;
    for an unpinned one (did:key, or 1EdTech's ``<issuer id>#<key>`` form) it must be the key
    that signed the credential, since nothing else ties a key to that issuer.
    """

    def same_issuer(list_issuer: str) -> bool:
        return list_issuer == credential_issuer or (
            pinned is not None and pinned.has_identity(list_issuer)
        )

    def check(document: Mapping[str, Any], list_issuer: str) -> ListProofResult:
        if not same_issuer(list_issuer):
            return ListProofResult(
                FAIL,
                f"The status list is issued by {list_issuer}, not by the credential's issuer.",
                "STATUS_LIST_WRONG_ISSUER",
                {"listIssuer": list_issuer},
            )
        refusal: list[ListProofResult] = []

        def resolve(vm_id: str, issuer_id: str, /) -> Any:
            if pinned is not None:
                # The pinned entry's own keys (for an accredited program: as its authority
                # vouches for them), never another issuer's.
                key = pinned.find_key(vm_id)
                if key is None:
                    why = (
                        f"The status list is signed with {vm_id}, a key not pinned for its issuer."
                    )
                    refusal.append(
                        ListProofResult(
                            FAIL, why, "STATUS_LIST_WRONG_KEY", {"verificationMethod": vm_id}
                        )
                    )
                    raise VerificationMethodError(why, verification_method=vm_id)
                return key.verification_method(vm_id)
            try:
                method = _UNPINNED(vm_id, issuer_id)
            except VerificationMethodError as error:
                refusal.append(
                    ListProofResult(
                        UNKNOWN,
                        f"The status list's key {vm_id} cannot be found offline: "
                        f"{clause(error.message)}",
                        "STATUS_LIST_UNVERIFIABLE",
                        {"verificationMethod": vm_id},
                    )
                )
                raise
            if credential_key is None or method.public_key != credential_key:
                why = (
                    f"The status list is signed with {vm_id}; for an issuer that is not pinned "
                    "only the key that signed the credential is accepted."
                )
                code = "STATUS_LIST_WRONG_KEY" if credential_key else "STATUS_LIST_UNVERIFIABLE"
                refusal.append(
                    ListProofResult(
                        FAIL if credential_key else UNKNOWN,
                        why,
                        code,
                        {"verificationMethod": vm_id},
                    )
                )
                raise VerificationMethodError(why, verification_method=vm_id)
            return method

        try:
            verified = eddsa_rdfc_2022.verify(
                document, issuer=list_issuer, resolver=resolve, allowed=allowed
            )
        except SignatureError:
            return ListProofResult(
                FAIL,
                "The status list's signature does not match it: it was changed after signing.",
                "STATUS_LIST_BAD_SIGNATURE",
            )
        except VerificationMethodError as error:
            if refusal:
                return refusal[0]
            # The suite refused the key itself: another controller, or not an assertion key.
            return ListProofResult(
                FAIL,
                f"The status list was not signed by its issuer: {clause(error.message)}",
                "STATUS_LIST_WRONG_KEY",
            )
        except UnsupportedProofError as error:
            unsigned = not as_list(document.get("proof"))
            return ListProofResult(
                FAIL if unsigned else UNKNOWN,
                "The status list has no proof, so nothing shows who made it."
                if unsigned
                else f"The status list's proof cannot be checked: {clause(error.message)}",
                "STATUS_LIST_UNSIGNED" if unsigned else "STATUS_LIST_UNVERIFIABLE",
            )
        except JsonLdError as error:
            return ListProofResult(
                FAIL,
                f"The status list cannot be read strictly: {clause(error.message)}",
                "STATUS_LIST_MALFORMED",
            )
        except LeadbadgeError as error:
            return ListProofResult(
                FAIL,
                f"The status list's proof is malformed: {clause(error.message)}",
                "STATUS_LIST_MALFORMED",
            )
        if pinned is not None and verified.created is not None:
            key = pinned.find_key(verified.verification_method)
            if key is not None and not key.valid_at(verified.created):
                return ListProofResult(
                    FAIL,
                    f"The status list was signed on {iso(verified.created)} with a key that was "
                    "not in use then.",
                    "STATUS_LIST_WRONG_KEY",
                    {"verificationMethod": verified.verification_method},
                )
        return ListProofResult(
            PASS,
            "The status list's signature matches.",
            detail={"verificationMethod": verified.verification_method},
        )

    return ListAuthority(same_issuer=same_issuer, check_proof=check)


_UNPINNED = eddsa_rdfc_2022.default_resolver()
