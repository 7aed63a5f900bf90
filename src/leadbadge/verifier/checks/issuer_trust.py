"""The issuer_trust check: is the issuer pinned, or accredited by an authority that is.

The verifier's own decision, from its trust store: an issuer pinned there is trusted (for the
tiers it published when pinned). A program the verifier has not pinned is trusted for a tier
when an authority the verifier has pinned endorses the program's Achievement for it
(:mod:`leadbadge.issuer.endorse`): the endorsement must verify as OB 3.0
"EndorsementCredential Verification" asks (conformance, proof by the authority's pinned key,
status), have been valid when the credential was signed, and not be revoked now. Endorsements
embedded in the credential's Achievement are verified the same way (OB 3.0
"OpenBadgeCredential Verification", last step) and reported; one that fails is a warning.
docs/accreditation.md explains the rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leadbadge.errors import InputError
from leadbadge.pathway import accreditation as acc
from leadbadge.verifier.checks._common import (
    FAIL,
    PASS,
    UNKNOWN,
    WARN,
    ProofOutcome,
    achievement_id,
    as_list,
    iso,
    parse_date,
    result,
    subjects,
)
from leadbadge.verifier.checks._context import CheckContext, VerifyEndorsement
from leadbadge.verifier.keys import pin_action
from leadbadge.verifier.report import CheckResult, CheckStatus, Verdict

if TYPE_CHECKING:
    from leadbadge.trust.accreditation import Accreditation, AccreditationEndorsement

__all__ = [
    "EndorsementCheck",
    "VerifyEndorsement",
    "check_issuer_trust",
    "embedded_endorsements",
    "judge_accreditation",
    "with_embedded",
]

#: Embedded endorsements verified per credential: each costs a signature check.
MAX_EMBEDDED = 8
# The checks of an endorsement judged here rather than by its own report: validity is judged
# at the time the credential was signed, not now; an endorsement has no recipient.
_JUDGED_HERE = frozenset({"validity", "recipient"})


def check_issuer_trust(ctx: CheckContext, proof: ProofOutcome) -> CheckResult:
    """The ``issuer_trust`` check of a credential whose proof did not fail."""
    trust = _pinned_trust(ctx, proof.result)
    if ctx.endorsements is None:
        return trust
    return with_embedded(trust, ctx.doc, ctx.endorsements, _signed_at(ctx, proof.result))


def _signed_at(ctx: CheckContext, proof: CheckResult) -> datetime | None:
    """When the credential says it was signed: its proof's time, else its validFrom."""
    for name in ("created", "signedAt"):
        when = parse_date(proof.detail.get(name))
        if when is not None:
            return when
    return parse_date(ctx.doc.get("validFrom") or ctx.doc.get("issuanceDate"))


def _pinned_trust(ctx: CheckContext, proof: CheckResult) -> CheckResult:
    if ctx.accreditations and ctx.endorsements is not None and ctx.trust_problem is None:
        return judge_accreditation(
            ctx.accreditations,
            achievement=achievement_id(ctx.doc),
            signed_at=_signed_at(ctx, proof),
            verify=ctx.endorsements,
            content=_content_digest(ctx.doc, achievement_id(ctx.doc)),
        )
    if ctx.trust_problem is not None:
        return result(
            "issuer_trust",
            UNKNOWN,
            f"The trust store could not be read: {ctx.trust_problem}",
            action="Repair or remove the damaged trust store entry.",
            code="TRUST_STORE_ERROR",
        )
    if ctx.issuer_id is None:
        return result(
            "issuer_trust",
            UNKNOWN,
            "The credential names no issuer to look up.",
            code="NOT_PINNED",
        )
    if ctx.pinned is None:
        where = "" if ctx.trust_store_given else " (no trust store was given)"
        return result(
            "issuer_trust",
            UNKNOWN,
            f"The issuer {ctx.issuer_id} is not pinned in the trust store{where}, so who "
            "issued the credential is not established.",
            action=pin_action(ctx.issuer_id),
            code="NOT_PINNED",
        )
    pinned = ctx.pinned
    detail: dict[str, Any] = {
        "name": pinned.name,
        "source": pinned.source,
        "pinnedAt": iso(pinned.pinned_at),
    }
    achievement = achievement_id(ctx.doc)
    if pinned.achievements and achievement is not None:
        tier = pinned.tier_of(achievement)
        if tier is None:
            return result(
                "issuer_trust",
                WARN,
                f"The issuer {pinned.name or pinned.id} is pinned, but the achievement "
                f"{achievement} is not one it published when it was pinned.",
                action="Check that this issuer awards this achievement.",
                code="UNKNOWN_ACHIEVEMENT",
                **detail,
            )
        detail["tier"] = tier
        return result(
            "issuer_trust",
            PASS,
            f"The issuer {pinned.name or pinned.id} is pinned and publishes the tier {tier!r}.",
            **detail,
        )
    return result(
        "issuer_trust", PASS, f"The issuer {pinned.name or pinned.id} is pinned.", **detail
    )


@dataclass(frozen=True)
class EndorsementCheck:
    """What verifying one endorsement found."""

    ok: bool
    #: FAIL, or UNKNOWN when something could not be checked.
    status: CheckStatus
    reason: str
    code: str | None = None


def _name(issuer: Any) -> str:
    return str(issuer.name or issuer.id)


def _check_endorsement(
    document: Mapping[str, Any], signed_at: datetime | None, verify: VerifyEndorsement
) -> EndorsementCheck:
    report = verify(document)
    failing = [c for c in report.checks if c.id not in _JUDGED_HERE and c.status is FAIL]
    if failing:
        first = failing[0]
        if first.code == "REVOKED":
            return EndorsementCheck(
                False, FAIL, "The authority has revoked the endorsement.", "ACCREDITATION_REVOKED"
            )
        return EndorsementCheck(False, FAIL, first.message, "ACCREDITATION_INVALID")
    unknown = [
        c
        for c in report.checks
        if c.id not in _JUDGED_HERE and c.status is UNKNOWN and c.id in report.required
    ]
    if unknown:
        return EndorsementCheck(False, UNKNOWN, unknown[0].message, "ACCREDITATION_UNVERIFIED")
    start = parse_date(document.get("validFrom") or document.get("issuanceDate"))
    end = parse_date(document.get("validUntil") or document.get("expirationDate"))
    if signed_at is None:
        return EndorsementCheck(
            False,
            UNKNOWN,
            "The credential does not say when it was signed, so whether the accreditation was "
            "in force then is unknown.",
            "ACCREDITATION_UNVERIFIED",
        )
    if (start is not None and signed_at < start) or (end is not None and signed_at > end):
        span = f"{iso(start) if start else '…'} to {iso(end) if end else '…'}"
        return EndorsementCheck(
            False,
            FAIL,
            f"The credential was signed on {iso(signed_at)}, outside the accreditation's "
            f"period ({span}).",
            "ACCREDITATION_NOT_CURRENT",
        )
    return EndorsementCheck(True, PASS, "The endorsement verifies.")


def _content_digest(doc: Mapping[str, Any], wanted: str | None) -> str | None:
    """The content digest of the Achievement with this id the credential carries, or None."""
    for subject in subjects(doc):
        achievement = subject.get("achievement")
        if isinstance(achievement, Mapping) and achievement.get("id") == wanted:
            try:
                return acc.achievement_digest(achievement)
            except InputError:
                return None
    return None


def _tier_label(accreditations: Sequence[Accreditation], achievement: str) -> str:
    for accreditation in accreditations:
        tier = accreditation.program.tier_of(achievement)
        if tier is not None:
            return repr(tier)
    return f"the achievement {achievement}"


def judge_accreditation(
    accreditations: Sequence[Accreditation],
    *,
    achievement: str | None,
    signed_at: datetime | None,
    verify: VerifyEndorsement,
    content: str | None,
) -> CheckResult:
    """The issuer_trust result for a credential of a program known only through accreditation.

    ``content`` is the digest of the Achievement the credential carries: an endorsement counts
    only for the content it commits to, so an accredited tier's id cannot carry another tier's
    name, criteria or rubric (docs/accreditation.md, "What is compared").
    """
    program = accreditations[0].program
    detail: dict[str, Any] = {
        "name": program.name,
        "source": program.source,
        "accreditedBy": [_name(a.authority) for a in accreditations],
    }
    if achievement is None:
        return result(
            "issuer_trust",
            FAIL,
            f"The program {_name(program)} is accredited, but the credential names no "
            "achievement to match an accreditation.",
            action="Treat the credential as unaccredited.",
            code="NOT_ACCREDITED",
            **detail,
        )
    candidates: list[tuple[Accreditation, AccreditationEndorsement]] = [
        (a, e) for a in accreditations for e in a.endorsements if e.achievement == achievement
    ]
    if not candidates:
        held = ", ".join(
            f"{', '.join(repr(t) for t in a.tiers)} by {_name(a.authority)}" for a in accreditations
        )
        return result(
            "issuer_trust",
            FAIL,
            f"The program {_name(program)} is not accredited for "
            f"{_tier_label(accreditations, achievement)}: it is accredited for {held}.",
            action="Do not accept this credential as accredited; ask the authority or pin the "
            "program yourself if you trust it directly.",
            code="NOT_ACCREDITED",
            **detail,
        )
    endorsed = [c for c in candidates if acc.endorsed_achievement_digest(c[1].document) == content]
    if content is None or not endorsed:
        accreditation, endorsement = candidates[0]
        tier = endorsement.tier or endorsement.achievement
        return result(
            "issuer_trust",
            FAIL,
            f"The program {_name(program)} is accredited by {_name(accreditation.authority)} "
            f"for {tier!r}, but the Achievement in this credential is not the one the authority "
            "endorsed (its name, criteria or another field differs).",
            action="Do not accept this credential as accredited; the program must issue the "
            "endorsed Achievement, or have its changed Achievement endorsed again.",
            code="ACCREDITATION_CONTENT_MISMATCH",
            **detail,
            tier=endorsement.tier,
            authority=accreditation.authority.id,
            endorsement=endorsement.document.get("id"),
        )
    candidates = endorsed
    candidates.sort(key=lambda c: str(c[1].document.get("validFrom") or ""), reverse=True)
    found: list[tuple[Accreditation, AccreditationEndorsement, EndorsementCheck]] = []
    for accreditation, endorsement in candidates:
        outcome = _check_endorsement(endorsement.document, signed_at, verify)
        if outcome.ok:
            tier = endorsement.tier or endorsement.achievement
            return result(
                "issuer_trust",
                PASS,
                f"The program {_name(program)} is accredited by "
                f"{_name(accreditation.authority)} for {tier!r}.",
                **detail,
                tier=endorsement.tier,
                authority=accreditation.authority.id,
                endorsement=endorsement.document.get("id"),
            )
        found.append((accreditation, endorsement, outcome))
    unknown = [f for f in found if f[2].status is UNKNOWN]
    accreditation, endorsement, outcome = unknown[0] if unknown else found[0]
    tier = endorsement.tier or endorsement.achievement
    return result(
        "issuer_trust",
        outcome.status,
        f"The accreditation of {_name(program)} by {_name(accreditation.authority)} for "
        f"{tier!r} does not hold: {outcome.reason[0].lower()}{outcome.reason[1:]}",
        action="Pin the authority again (`leadbadge trust refresh`) for its current status "
        "lists, or ask it about the program."
        if outcome.status is UNKNOWN
        else "Do not accept this credential as accredited.",
        code=outcome.code,
        **detail,
        tier=endorsement.tier,
        authority=accreditation.authority.id,
        endorsement=endorsement.document.get("id"),
    )


def embedded_endorsements(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The EndorsementCredentials embedded in a credential's Achievement(s) and issuer."""
    found: list[Mapping[str, Any]] = []
    places: list[Any] = [doc.get("issuer")]
    for subject in as_list(doc.get("credentialSubject")):
        if isinstance(subject, Mapping):
            places.append(subject.get("achievement"))
    for place in places:
        if isinstance(place, Mapping):
            found.extend(e for e in as_list(place.get("endorsement")) if acc.is_endorsement(e))
    return found


def with_embedded(
    trust: CheckResult,
    doc: Mapping[str, Any],
    verify: VerifyEndorsement,
    signed_at: datetime | None,
) -> CheckResult:
    """``trust`` with the credential's embedded endorsements verified and listed.

    Each is verified as an accreditation is (its dates judged at ``signed_at``, when the
    credential was signed, so an endorsement that has expired since still counts) and listed
    with its verdict; one that is invalid turns a passing trust check into a warning (the issuer
    signed a claim of endorsement that does not hold).
    """
    embedded = embedded_endorsements(doc)
    if not embedded:
        return trust
    listed = []
    invalid = 0
    for document in embedded[:MAX_EMBEDDED]:
        outcome = _check_endorsement(document, signed_at, verify)
        verdict = (
            Verdict.VALID if outcome.ok else Verdict.INVALID if outcome.status is FAIL else None
        )
        issuer = document.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, Mapping) else issuer
        entry = {
            "id": document.get("id"),
            "issuer": issuer_id,
            "verdict": verdict.value if verdict is not None else Verdict.INCONCLUSIVE.value,
        }
        if not outcome.ok:
            entry["reason"] = outcome.reason
        listed.append(entry)
        invalid += verdict is Verdict.INVALID
    detail = {**trust.detail, "endorsements": listed}
    if len(embedded) > MAX_EMBEDDED:
        detail["endorsementsNotChecked"] = len(embedded) - MAX_EMBEDDED
    if invalid and trust.status is PASS:
        some = "1 endorsement" if invalid == 1 else f"{invalid} endorsements"
        verb = "does" if invalid == 1 else "do"
        return result(
            "issuer_trust",
            WARN,
            f"{trust.message} {some} the credential carries {verb} not verify.",
            action="Do not rely on the endorsements shown with this credential.",
            code="ENDORSEMENT_INVALID",
            **detail,
        )
    return CheckResult(
        id=trust.id,
        status=trust.status,
        message=trust.message,
        action=trust.action,
        problem_type=trust.problem_type,
        detail=detail,
        code=trust.code,
    )
