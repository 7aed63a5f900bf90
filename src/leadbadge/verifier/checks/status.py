"""The status check: revoked, suspended or not, as of the date of a list it can trust.

VC Data Model 2.0 §4.10 (``credentialStatus``), W3C Bitstring Status List v1.0 §3.2 "Validate
Algorithm", and the 1EdTech Revocation List Status Method that Open Badges 3.0 names. The check
is a pure function of the credential, the status material the verifier gathered beforehand
(:class:`~leadbadge.verifier.checks._context.StatusMaterial`: the pinned, fetched or handed-in
lists), who may issue the lists and how their proofs are checked
(:mod:`leadbadge.verifier.checks.status_authority`), the policy and the clock: it reads no clock,
file or network of its own.

What a list must be before its bits count (docs/status.md): signed by the credential's issuer
(a key pinned for it, in use when the list was signed; for an unpinned issuer, the very key
that signed the credential), of the entry's purpose, inside its validity window, at least
131,072 entries long, with the index inside it. Each failure has its own code and is a status
error (``fail``), never mistaken for "revoked". A missing list, or one older than the policy's
``max_status_age``, leaves the status ``unknown`` — except a set revocation bit, which is final.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from leadbadge.conformance.problems import shown
from leadbadge.crypto.keys import VerifyingKey
from leadbadge.errors import LeadbadgeError
from leadbadge.status.lists import (
    ENTRY_TYPE,
    ONEEDTECH_TYPE,
    PURPOSES,
    BitstringEntry,
    StatusListError,
    bit_is_set,
    check_length,
    parse_entry,
    parse_list_credential,
    parse_oneedtech_list,
)
from leadbadge.verifier.checks._common import (
    FAIL,
    NOT_APPLICABLE,
    PASS,
    UNKNOWN,
    WARN,
    ProofOutcome,
    as_list,
    clause,
    iso,
    result,
)
from leadbadge.verifier.checks._context import CheckContext, StatusMaterial
from leadbadge.verifier.checks.status_authority import (
    ListAuthority,
    ListProofResult,
    list_authority,
)
from leadbadge.verifier.keys import SUITE_RESOLVER
from leadbadge.verifier.report import CheckResult

__all__ = [
    "ListAuthority",
    "ListProofResult",
    "StatusMaterial",
    "check_credential_status",
    "check_status",
    "list_authority",
]

# Bitstring Status List v1.0 §3.5 and VC Data Model 2.0 §7.1 problem types.
RETRIEVAL = "STATUS_RETRIEVAL_ERROR"
VERIFICATION = "STATUS_VERIFICATION_ERROR"
_MALFORMED = "MALFORMED_VALUE_ERROR"
_PIN_LIST = (
    "Pin the issuer's published folder or its status list with `leadbadge trust add`, or verify "
    "with --online."
)
_REFRESH = "Refresh the pinned list with `leadbadge trust refresh` (or verify with --online)."


# --- one entry -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    """What one status entry showed."""

    #: ``ok``, ``revoked``, ``suspended``, ``error``, ``unknown``, ``ignored``
    kind: str
    message: str
    code: str | None = None
    problem_type: str | None = None
    action: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def _age(now: datetime, as_of: datetime) -> int:
    return int((now - as_of).total_seconds())


@dataclass(frozen=True)
class _Context:
    doc: Mapping[str, Any]
    materials: Mapping[str, StatusMaterial]
    authority: ListAuthority
    now: datetime
    max_age: timedelta
    skew: timedelta


def _error(message: str, code: str, problem_type: str, **detail: Any) -> _Outcome:
    return _Outcome(
        "error",
        message,
        code,
        problem_type,
        "Do not rely on the credential until the issuer's status list can be checked; ask the "
        "issuer, or refresh the list with `leadbadge trust refresh`.",
        {k: v for k, v in detail.items() if v is not None},
    )


def _material(ctx: _Context, url: str, detail: dict[str, Any]) -> StatusMaterial | _Outcome:
    material = ctx.materials.get(url)
    if material is None:
        return _Outcome(
            "unknown",
            f"No status list for {url} is pinned, so whether the credential was revoked or "
            "suspended is not known.",
            "STATUS_UNCHECKABLE",
            RETRIEVAL,
            _PIN_LIST,
            detail,
        )
    detail["source"] = material.source
    if material.document is None:
        return _Outcome(
            "unknown",
            f"The status list {url} could not be had: {clause(material.problem or 'unknown')}",
            "STATUS_RETRIEVAL_FAILED",
            RETRIEVAL,
            "Try again later, or pin the list from a copy you trust.",
            detail,
        )
    return material


def _bitstring_entry(ctx: _Context, raw: Mapping[str, Any]) -> _Outcome:
    detail: dict[str, Any] = {"type": ENTRY_TYPE}
    try:
        entry = parse_entry(raw)
    except StatusListError as error:
        return _error(error.message, "STATUS_ENTRY_MALFORMED", _MALFORMED)
    detail.update(purpose=entry.purpose, index=entry.index, list=entry.list_url)
    if entry.index_was_number:
        detail["note"] = "statusListIndex is a number, not the string the specification requires"
    if entry.purpose not in PURPOSES:
        return _Outcome(
            "ignored",
            f"The entry's purpose {shown(entry.purpose)} does not bear on validity.",
            detail=detail,
        )
    if entry.size != 1:
        return _Outcome(
            "unknown",
            f"The entry uses {entry.size}-bit statuses, which leadbadge does not read.",
            "STATUS_UNSUPPORTED",
            VERIFICATION,
            "Ask the issuer whether the credential is still in force.",
            detail,
        )
    found = _material(ctx, entry.list_url, detail)
    if isinstance(found, _Outcome):
        return found
    return _bitstring_list(ctx, entry, found, detail)


def _bitstring_list(
    ctx: _Context, entry: BitstringEntry, material: StatusMaterial, detail: dict[str, Any]
) -> _Outcome:
    try:
        status_list = parse_list_credential(material.document)
    except StatusListError as error:
        return _error(error.message, "STATUS_LIST_MALFORMED", error.problem_type, **detail)
    detail.update(
        listId=status_list.id,
        validFrom=iso(status_list.valid_from) if status_list.valid_from else None,
        validUntil=iso(status_list.valid_until) if status_list.valid_until else None,
    )
    if status_list.issuer is None:
        return _error("The status list names no issuer.", "STATUS_LIST_MALFORMED", _MALFORMED)
    # §3.2 step 4: every proof of the list verifies, by a key of the credential's issuer.
    proof = ctx.authority.check_proof(status_list.document, status_list.issuer)
    detail.update(proof.detail)
    if proof.status is UNKNOWN:
        return _Outcome(
            "unknown", proof.message, proof.code, VERIFICATION, _PIN_LIST, detail=detail
        )
    if proof.status is FAIL:
        return _error(proof.message, proof.code or "STATUS_LIST_MALFORMED", VERIFICATION, **detail)
    # §3.2 step 5.
    if entry.purpose not in status_list.purposes:
        return _error(
            f"The status list is for {', '.join(status_list.purposes)}, but the credential's "
            f"entry is for {entry.purpose}.",
            "STATUS_PURPOSE_MISMATCH",
            VERIFICATION,
            **detail,
        )
    # §3.2 steps 8 to 10.
    try:
        bits = status_list.expand()
        check_length(bits, entry)
    except StatusListError as error:
        return _error(error.message, error.reason, error.problem_type, **detail)
    detail["listLength"] = len(bits) * 8
    is_set = bit_is_set(bits, entry.index)
    if is_set and entry.purpose == "revocation":
        # The issuer signed this bit, and revocation is final: no date makes it untrue.
        return _judge(ctx, entry.purpose, is_set, status_list.valid_from, detail)
    # VC Data Model 2.0 §4.9 for the list credential itself.
    if status_list.valid_from is not None and ctx.now + ctx.skew < status_list.valid_from:
        return _error(
            f"The status list is not valid until {iso(status_list.valid_from)}.",
            "STATUS_LIST_NOT_YET_VALID",
            VERIFICATION,
            **detail,
        )
    if status_list.valid_until is not None and ctx.now - ctx.skew > status_list.valid_until:
        return _error(
            f"The status list expired on {iso(status_list.valid_until)}; its answer cannot be "
            "relied on.",
            "STATUS_LIST_EXPIRED",
            VERIFICATION,
            **detail,
        )
    return _judge(ctx, entry.purpose, is_set, status_list.valid_from, detail)


def _judge(
    ctx: _Context, purpose: str, is_set: bool, as_of: datetime | None, detail: dict[str, Any]
) -> _Outcome:
    if as_of is not None:
        detail["asOf"] = iso(as_of)
        detail["ageSeconds"] = _age(ctx.now, as_of)
    stale = as_of is None or ctx.now - as_of > ctx.max_age
    when = f" as of {iso(as_of)}" if as_of is not None else ""
    detail["bit"] = int(is_set)
    if is_set and purpose == "revocation":
        # Bitstring Status List v1.0 §2.1: revocation "is not reversible", so a revoked bit
        # stands however old the list is.
        return _Outcome(
            "revoked",
            f"The issuer has revoked the credential (status list{when}).",
            "REVOKED",
            None,
            "Do not rely on the credential; the issuer has withdrawn it.",
            detail,
        )
    if stale:
        age = (
            f"is from {iso(as_of)}, older than the {_days(ctx.max_age)} this verifier accepts"
            if as_of is not None
            else "does not say when it was issued"
        )
        was = f" It showed the credential {'suspended' if is_set else 'in force'}{when}."
        return _Outcome(
            "unknown",
            f"The {purpose} list {age}, so the credential's current status is not known.{was}",
            "STATUS_STALE",
            RETRIEVAL,
            _REFRESH,
            detail,
        )
    if is_set:
        return _Outcome(
            "suspended",
            f"The issuer has suspended the credential (status list{when}).",
            "SUSPENDED",
            None,
            "Do not rely on the credential while it is suspended; ask the issuer.",
            detail,
        )
    return _Outcome("ok", f"Not {_PAST[purpose]}{when}.", detail=detail)


_PAST = {"revocation": "revoked", "suspension": "suspended"}


def _days(span: timedelta) -> str:
    # The largest unit that states the span exactly, so "1m" never reads "0 hours".
    for unit, name in (
        (timedelta(days=1), "day"),
        (timedelta(hours=1), "hour"),
        (timedelta(minutes=1), "minute"),
    ):
        if span >= unit and span % unit == timedelta(0):
            count = span // unit
            return f"{count} {name}{'s' if count != 1 else ''}"
    seconds = int(span.total_seconds())
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def _oneedtech_entry(ctx: _Context, raw: Mapping[str, Any]) -> _Outcome:
    url = raw.get("id")
    detail: dict[str, Any] = {"type": ONEEDTECH_TYPE, "purpose": "revocation", "list": url}
    if not isinstance(url, str) or not url:
        return _error(
            "The 1EdTechRevocationList entry has no id (the list's URL).",
            "STATUS_ENTRY_MALFORMED",
            _MALFORMED,
        )
    found = _material(ctx, url, detail)
    if isinstance(found, _Outcome):
        return found
    try:
        revocations = parse_oneedtech_list(found.document)
    except StatusListError as error:
        return _error(error.message, "STATUS_LIST_MALFORMED", error.problem_type, **detail)
    detail["listId"] = revocations.id
    issuer = revocations.issuer
    # The list carries no proof: its authority is where it was pinned or fetched from, and it
    # must at least name the credential's issuer.
    if issuer is None or not ctx.authority.same_issuer(issuer):
        return _error(
            f"The revocation list is issued by {issuer or 'no one'}, not by the credential's "
            "issuer.",
            "STATUS_LIST_WRONG_ISSUER",
            VERIFICATION,
            **detail,
        )
    detail["signed"] = False
    credential_id = ctx.doc.get("id")
    if not isinstance(credential_id, str):
        return _Outcome(
            "unknown",
            "The credential has no id to look up in the revocation list.",
            "STATUS_UNCHECKABLE",
            VERIFICATION,
            "Ask the issuer whether the credential is still in force.",
            detail,
        )
    if credential_id in revocations.revoked:
        reason = revocations.revoked[credential_id]
        if reason:
            detail["reason"] = reason
    return _judge(
        ctx, "revocation", credential_id in revocations.revoked, found.retrieved_at, detail
    )


def check_credential_status(ctx: CheckContext, proof: ProofOutcome) -> CheckResult:
    """The ``status`` check in the verifier's pipeline, for a credential whose proof did not fail.

    The lists must come from the credential's issuer: the pinned entry (unless the trust store
    could not be read), else the key that signed the credential (:func:`list_authority`).
    """
    authority = list_authority(
        pinned=ctx.pinned if ctx.trust_problem is None else None,
        credential_issuer=ctx.issuer_id,
        credential_key=_credential_key(ctx, proof.result),
        allowed=ctx.policy.allowed_proofs,
    )
    return check_status(
        ctx.doc,
        materials=ctx.status_materials,
        authority=authority,
        now=ctx.now,
        max_age=ctx.policy.max_status_age,
        skew=ctx.policy.max_clock_skew,
    )


def _credential_key(ctx: CheckContext, proof: CheckResult) -> VerifyingKey | None:
    """The key that signed the credential, when the suite can name it without the store."""
    vm = proof.detail.get("verificationMethod")
    if proof.status not in (PASS, WARN) or not isinstance(vm, str) or ctx.issuer_id is None:
        return None
    try:
        return SUITE_RESOLVER(vm, ctx.issuer_id).public_key
    except LeadbadgeError:
        return None


# --- the check ------------------------------------------------------------------------------

#: Which outcome decides the check, most serious first.
_PRECEDENCE = ("revoked", "suspended", "error", "unknown", "ok", "ignored")


def check_status(
    doc: Mapping[str, Any],
    *,
    materials: Mapping[str, StatusMaterial],
    authority: ListAuthority,
    now: datetime,
    max_age: timedelta,
    skew: timedelta,
) -> CheckResult:
    """The ``status`` check of a credential whose proof did not fail.

    ``materials`` maps each list URL to what the verifier gathered for it; ``authority`` says
    who may issue the lists; ``max_age`` is the oldest list date accepted as current and
    ``skew`` the tolerance on the lists' validity windows.
    """
    entries = as_list(doc.get("credentialStatus"))
    if not entries:
        return result(
            "status",
            NOT_APPLICABLE,
            "The credential has no status entry, so there is no revocation list to check.",
        )
    ctx = _Context(doc, materials, authority, now, max_age, skew)
    outcomes = [_one(ctx, raw) for raw in entries]
    reported = [
        {**{k: v for k, v in o.detail.items() if v is not None}, "result": o.kind}
        | ({"code": o.code} if o.code else {})
        for o in outcomes
    ]
    deciding = min(outcomes, key=lambda o: _PRECEDENCE.index(o.kind))
    detail: dict[str, Any] = {"entries": reported}
    if deciding.kind in ("revoked", "suspended", "error"):
        return result(
            "status",
            FAIL,
            deciding.message,
            action=deciding.action,
            code=deciding.code,
            problem_type=deciding.problem_type,
            **detail,
        )
    if deciding.kind == "unknown":
        return result(
            "status",
            UNKNOWN,
            deciding.message,
            action=deciding.action,
            code=deciding.code,
            problem_type=deciding.problem_type,
            **detail,
        )
    if deciding.kind == "ignored":
        return result(
            "status",
            UNKNOWN,
            "The credential's status entries have no revocation or suspension purpose, so "
            "whether it is in force is not known.",
            action="Ask the issuer whether the credential is still in force.",
            code="STATUS_UNCHECKABLE",
            problem_type=VERIFICATION,
            **detail,
        )
    checked = [o for o in outcomes if o.kind == "ok"]
    notes = [o.detail["note"] for o in outcomes if "note" in o.detail]
    if notes:
        return result(
            "status",
            WARN,
            f"{_summary(checked)} The issuer's entry is not conforming: {notes[0]}.",
            action="It still verifies; the issuer should fix its status entries.",
            code="STATUS_ENTRY_NONCONFORMANT",
            **detail,
        )
    return result("status", PASS, _summary(checked), **detail)


def _summary(checked: Sequence[_Outcome]) -> str:
    parts = [o.message.rstrip(".") for o in checked]
    return "; ".join(parts[:1] + [p[0].lower() + p[1:] for p in parts[1:]]) + "."


def _one(ctx: _Context, raw: Any) -> _Outcome:
    if not isinstance(raw, Mapping):
        return _error(
            "A credentialStatus entry is not an object.", "STATUS_ENTRY_MALFORMED", _MALFORMED
        )
    types = [t for t in as_list(raw.get("type")) if isinstance(t, str)]
    if ENTRY_TYPE in types:
        return _bitstring_entry(ctx, raw)
    if ONEEDTECH_TYPE in types:
        return _oneedtech_entry(ctx, raw)
    return _Outcome(
        "unknown",
        f"The credential has a status entry of type {', '.join(types) or 'none'}, which "
        "leadbadge cannot check, so it may have been revoked.",
        "STATUS_UNCHECKABLE",
        RETRIEVAL,
        "Ask the issuer whether the credential is still in force.",
        {"type": types or None},
    )
