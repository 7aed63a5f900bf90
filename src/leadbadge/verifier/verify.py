"""Verify one credential: every check listed with a status and a sentence, and one verdict.

:meth:`Verifier.verify` is the pipeline. It decodes the input, gathers what the checks need
(:mod:`leadbadge.verifier.materials`: the trust store's entry for the issuer, the status lists
given with the credential, pinned, or only under ``VerificationPolicy(status="online")`` fetched
for the occasion; a way to verify the endorsements it relies on), builds one
:class:`~leadbadge.verifier.checks._context.CheckContext`, and runs the checks of
:mod:`leadbadge.verifier.checks` in the order of :data:`leadbadge.verifier.report.CHECK_IDS`,
each a pure function of that context and of the earlier results it depends on. A failed proof
leaves the content checks skipped; a check that raises unexpectedly fails (``CHECK_ERROR``) and
the checks that depend on it are skipped, so no crash is ever a verdict of valid. Otherwise
nothing here reads the network: a credential verifies the same way with every socket closed.
docs/verification.md explains every check, status and code to the people who read reports.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from leadbadge.errors import InputError
from leadbadge.model import Framework
from leadbadge.pathway.identity import normalize_email
from leadbadge.trust.store import TrustStore
from leadbadge.verifier.checks import format as format_check
from leadbadge.verifier.checks import issuer_key as key_check
from leadbadge.verifier.checks import issuer_trust as trust_check
from leadbadge.verifier.checks import jsonld as jsonld_check
from leadbadge.verifier.checks import proof as proof_check
from leadbadge.verifier.checks import recipient as recipient_check
from leadbadge.verifier.checks import schema as schema_check
from leadbadge.verifier.checks import status as status_check
from leadbadge.verifier.checks import validity as validity_check
from leadbadge.verifier.checks._common import (
    FAIL,
    FormatOutcome,
    ProofOutcome,
    check_error,
    skipped_after_error,
    skipped_after_failed_proof,
)
from leadbadge.verifier.checks._context import CheckContext, VerifyEndorsement
from leadbadge.verifier.decode import CredentialSources, decode_credential
from leadbadge.verifier.materials import Gathering, build_context
from leadbadge.verifier.policy import DEFAULT_CLOCK_SKEW, DEFAULT_MAX_STATUS_AGE, VerificationPolicy
from leadbadge.verifier.report import (
    CHECK_IDS,
    CheckResult,
    CredentialSummary,
    VerificationReport,
    compute_verdict,
)
from leadbadge.verifier.summary import summarize

if TYPE_CHECKING:
    from leadbadge.verifier.pathway import PathwayReport

__all__ = ["DEFAULT_CLOCK_SKEW", "DEFAULT_MAX_STATUS_AGE", "VerificationPolicy", "Verifier"]

_T = TypeVar("_T")


class Verifier:
    """Verifies credentials against a trust store under a policy; holds no per-call state.

    ``sources`` says where decoding may find what a QR code does not carry (a left-out
    Achievement, the credential a link names); by default only the Achievements pinned in the
    trust store, so nothing is fetched (:mod:`leadbadge.verifier.sources` builds others).
    """

    def __init__(
        self,
        trust_store: TrustStore | None = None,
        policy: VerificationPolicy | None = None,
        *,
        sources: CredentialSources | None = None,
        status_client: httpx.Client | None = None,
    ) -> None:
        self.trust_store = trust_store
        self.policy = policy or VerificationPolicy()
        #: The HTTP client status lists are fetched with under ``status="online"`` (default: a
        #: new bounded client per fetch, :mod:`leadbadge.trust.fetch`).
        self.status_client = status_client
        if sources is None and trust_store is not None:
            sources = CredentialSources(achievements=trust_store.find_achievement)
        self.sources = sources

    def verify(
        self,
        data: bytes | str | Mapping[str, Any] | Path,
        *,
        recipient: str | None = None,
        now: datetime | None = None,
        at: datetime | None = None,
        source: str | None = None,
        status_lists: Sequence[Mapping[str, Any]] = (),
    ) -> VerificationReport:
        """Check one credential and report every check and the verdict.

        ``data`` is what :func:`leadbadge.verifier.decode.decode_credential` accepts (bytes, text, a
        parsed document or a :class:`~pathlib.Path`). ``recipient`` is an e-mail address to
        match against the credential's identifiers. ``now`` is the verifier's clock (default:
        the current time); ``at`` the instant the credential is judged at, its validity period
        and proof expiry (default: ``now``). Status is as of its list's date, and that list's
        age and validity are judged against ``now`` (docs/verification.md). ``source`` names
        the input in the report.
        ``status_lists`` are status list credentials handed in with the credential (a holder
        may "staple" them, Bitstring Status List v1.0 §2.2), matched to its entries by ``id``;
        they are checked exactly as pinned ones, and win over them.

        Raises :class:`~leadbadge.errors.CredentialDocumentError` when the input holds no
        readable credential, and :class:`~leadbadge.errors.InputError` for a malformed
        ``recipient``, ``now`` or ``at``; everything wrong with the credential itself is in the
        report.
        """
        when = _instant(now)
        judged = None if at is None else _instant(at, field="at")
        email = None
        if recipient is not None:
            normalize_email(recipient, field_name="recipient")  # refuses a malformed address
            # As typed: matches_identity also tries the lower-case form, and another issuer may
            # have hashed the address with its original case.
            email = recipient.strip()
        decoded = decode_credential(data, source=source, sources=self.sources)
        ctx = build_context(
            decoded.document,
            when,
            self._gathering(),
            source_format=decoded.format_label,
            recipient=email,
            jwt=decoded.jwt,
            status_lists=status_lists,
            endorsements=self._endorsement_verifier(when),
            at=judged,
        )
        return self._report(decoded.source, ctx)

    def verify_pathway(
        self,
        inputs: Sequence[Path | str | Mapping[str, Any]],
        *,
        framework: Framework | None = None,
        recipient: str | None = None,
        now: datetime | None = None,
        at: datetime | None = None,
    ) -> PathwayReport:
        """Verify a set of credentials of one person and judge their pathway.

        Each is verified fully (:meth:`verify`); the report says whether one recipient holds
        them all and, per tier, whether its prerequisites were held when it was awarded, as a
        tree from the tiers without prerequisites up (:mod:`leadbadge.verifier.pathway`,
        docs/pathways.md). ``framework`` defaults to leadbadge's default framework.
        """
        # Imported here: the pathway module builds on Verifier, not the other way round.
        from leadbadge.verifier.pathway import verify_pathway  # noqa: PLC0415

        return verify_pathway(
            self, inputs, framework=framework, recipient=recipient, now=now, at=at
        )

    def _endorsement_verifier(self, when: datetime) -> VerifyEndorsement:
        """Verifies endorsements for one credential, each once: the one an accreditation rests
        on may also be embedded in the credential."""
        done: dict[str, VerificationReport] = {}

        def verify(doc: Mapping[str, Any]) -> VerificationReport:
            key = json.dumps(doc, sort_keys=True, ensure_ascii=False)
            if key not in done:
                done[key] = self._verify_endorsement(doc, when)
            return done[key]

        return verify

    def _verify_endorsement(self, doc: Mapping[str, Any], when: datetime) -> VerificationReport:
        """An endorsement a credential relies on or carries, verified on its own (OB 3.0
        "EndorsementCredential Verification"); its own endorsements are not followed."""
        document = dict(doc)
        ctx = build_context(document, when, self._gathering(), source_format="JSON-LD")
        return self._report(str(document.get("id") or "endorsement"), ctx)

    def _gathering(self) -> Gathering:
        return Gathering(self.trust_store, self.policy, self.status_client)

    def _report(self, label: str, ctx: CheckContext) -> VerificationReport:
        results = run_checks(ctx)
        required = self.policy.required_checks(recipient_asked=ctx.recipient is not None)
        return VerificationReport(
            input=label,
            verdict=compute_verdict(results, required),
            checks=results,
            evaluated_at=ctx.valid_at,
            summary=_guarded(lambda: summarize(ctx), lambda _: _bare_summary(ctx)),
            required=required,
        )


def run_checks(ctx: CheckContext) -> tuple[CheckResult, ...]:
    """Every check of one credential, in report order."""
    found: dict[str, CheckResult] = {}
    # VC Data Model 2.0 §4.3, §4.5, §4.7: is this a credential, of which versions.
    form = _guarded(
        lambda: format_check.check_format(ctx),
        lambda error: FormatOutcome(check_error("format", error), None),
    )
    found["format"] = form.result
    # JSON-LD 1.1 expansion, strict: every term defined, nothing silently dropped.
    found["jsonld"] = _check("jsonld", lambda: jsonld_check.check_jsonld(ctx))
    # Data Integrity 1.0 §4.4 "Verify Proof" and eddsa-rdfc-2022, or the VC-JWT's JWS; the key
    # as Controlled Identifiers 1.0 §3.3 "Retrieve Verification Method" finds it.
    proof = _guarded(
        lambda: proof_check.check_proof(ctx, found["jsonld"]),
        lambda error: ProofOutcome(
            check_error("proof", error), skipped_after_error("issuer_key", "proof")
        ),
    )
    found["proof"] = proof.result
    found["issuer_key"] = _check("issuer_key", lambda: key_check.check_issuer_key(ctx, proof))
    content: dict[str, Callable[[], CheckResult]] = {
        # VC Data Model 2.0 §4 and the OB 3.0 data model.
        "schema": lambda: schema_check.check_schema(ctx, form),
        # The verifier's own decision: is the issuer pinned in its trust store, or accredited
        # by an authority that is? OB 3.0 "Verify EndorsementCredentials".
        "issuer_trust": lambda: trust_check.check_issuer_trust(ctx, proof),
        # VC Data Model 2.0 §4.9 (validFrom/validUntil), VC 1.1 §4.6-4.7.
        "validity": lambda: validity_check.check_validity(ctx),
        # VC Data Model 2.0 §4.10 credentialStatus; Bitstring Status List v1.0 §3.2.
        "status": lambda: status_check.check_credential_status(ctx, proof),
        # OB 3.0 "Verify the Recipient Using an Identifier".
        "recipient": lambda: recipient_check.check_recipient(ctx),
    }
    for check_id, run in content.items():
        if proof.result.status is not FAIL:
            found[check_id] = _check(check_id, run)
        elif check_id == "recipient" and ctx.recipient is None:
            found[check_id] = recipient_check.recipient_not_asked()
        else:
            # Unsigned content proves nothing.
            found[check_id] = skipped_after_failed_proof(check_id)
    return tuple(found[check_id] for check_id in CHECK_IDS)


def _check(check_id: str, run: Callable[[], CheckResult]) -> CheckResult:
    return _guarded(run, lambda error: check_error(check_id, error))


def _guarded(run: Callable[[], _T], failed: Callable[[Exception], _T]) -> _T:
    """``run()``; should it raise, what ``failed`` makes of the error instead.

    The checks handle every error they expect (each a typed leadbadge error); anything else
    is a defect met on this input, and must cost the credential its check, never the caller
    its report nor the credential a verdict it did not earn.
    """
    try:
        return run()
    except Exception as error:  # noqa: BLE001 - see the docstring
        return failed(error)


def _bare_summary(ctx: CheckContext) -> CredentialSummary:
    """What is known for sure when the summary itself could not be read."""
    return CredentialSummary(issuer_id=ctx.issuer_id, source_format=ctx.source_format)


def _instant(now: datetime | None, *, field: str = "now") -> datetime:
    if now is None:
        return datetime.now(UTC)
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise InputError(f"{field} must be a datetime with a time zone.", field=field)
    return now.astimezone(UTC)
