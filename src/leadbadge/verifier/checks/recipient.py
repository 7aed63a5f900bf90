"""The recipient check: was the credential awarded to the e-mail address asked about.

OB 3.0 "Verify the Recipient Using an Identifier" (IdentityObject, IdentityHash) and
"OpenBadgeCredential Verification" step 5: the address is compared with every e-mail
IdentityObject of the subject, hashed or plain
(:func:`leadbadge.pathway.credential.matches_identity`).
"""

from __future__ import annotations

from collections.abc import Mapping

from leadbadge.pathway.identity import matches_identity
from leadbadge.verifier.checks._common import (
    FAIL,
    NOT_APPLICABLE,
    PASS,
    UNKNOWN,
    as_list,
    result,
    subjects,
)
from leadbadge.verifier.checks._context import CheckContext
from leadbadge.verifier.report import CheckResult

__all__ = ["check_recipient", "recipient_not_asked"]

_EMAIL_TYPES = frozenset({"emailAddress", "email"})


def recipient_not_asked() -> CheckResult:
    return result(
        "recipient",
        NOT_APPLICABLE,
        "No recipient was given to check (use --recipient EMAIL to check one).",
    )


def check_recipient(ctx: CheckContext) -> CheckResult:
    doc, email = ctx.doc, ctx.recipient
    if email is None:
        return recipient_not_asked()
    identities = [
        item
        for subject in subjects(doc)
        for item in as_list(subject.get("identifier"))
        if isinstance(item, Mapping) and _is_email_type(item.get("identityType"))
    ]
    if not identities:
        return result(
            "recipient",
            UNKNOWN,
            "The credential has no e-mail identifier, so it cannot be matched to an e-mail "
            "address.",
            action="Confirm the holder's identity another way (the subject's id, a document).",
            code="NO_IDENTIFIER",
        )
    if any(matches_identity(item, email) for item in identities):
        return result("recipient", PASS, f"The credential was awarded to {email}.")
    return result(
        "recipient",
        FAIL,
        f"The credential was not awarded to {email}.",
        action="Check the address with the holder; the credential names someone else.",
        code="RECIPIENT_MISMATCH",
    )


def _is_email_type(value: object) -> bool:
    # A list or an object here is malformed: it names no e-mail identity (and cannot be hashed).
    return isinstance(value, str) and value in _EMAIL_TYPES
