"""Verify one credential: every check listed with a status and a sentence, and one verdict.

:meth:`Verifier.verify` is the pipeline. It decodes the input, gathers what the checks need
(:mod:`leadbadge.verifier.materials`: the trust store's entry for the issuer, the status lists
given with the credential, pinned, or only under ``VerificationPolicy(status="online")`` fetched
for the occasion; a way to verify the endorsements it relies on), builds one
:class:`~leadbadge.verifier.checks._context.CheckContext`, has
:mod:`leadbadge.verifier.pipeline` run the checks of :mod:`leadbadge.verifier.checks` in the
order of :data:`leadbadge.verifier.report.CHECK_IDS` (a failed proof leaves the content checks
skipped; a check that raises fails with ``CHECK_ERROR``), and computes the verdict. Otherwise
nothing here reads the network: a credential verifies the same way with every socket closed.
docs/verification.md explains every check, status and code to the people who read reports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadbadge.errors import CredentialDocumentError, InputError
from leadbadge.pathway.identity import normalize_email
from leadbadge.trust.store import TrustStore
from leadbadge.verifier.checks._context import CheckContext, VerifyEndorsement
from leadbadge.verifier.decode import (
    CredentialSources,
    DecodedCredential,
    DecodedPresentation,
    decode_input,
)
from leadbadge.verifier.materials import Gathering, build_context
from leadbadge.verifier.pipeline import guarded, run_checks
from leadbadge.verifier.policy import DEFAULT_CLOCK_SKEW, DEFAULT_MAX_STATUS_AGE, VerificationPolicy
from leadbadge.verifier.report import (
    CredentialSummary,
    VerificationReport,
    compute_verdict,
)
from leadbadge.verifier.summary import summarize

if TYPE_CHECKING:
    import httpx

    from leadbadge.model import Framework
    from leadbadge.verifier.pathway import PathwayReport
    from leadbadge.verifier.report_presentation import PresentationReport

__all__ = ["DEFAULT_CLOCK_SKEW", "DEFAULT_MAX_STATUS_AGE", "VerificationPolicy", "Verifier"]


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
        decoded = self._decode(data, source)
        if isinstance(decoded, DecodedPresentation):
            raise CredentialDocumentError.about(
                decoded.source,
                "is a verifiable presentation, not one credential; verify it with "
                "verify_presentation (or verify_any)",
            )
        return self._verify_decoded(
            decoded, recipient=recipient, now=now, at=at, status_lists=status_lists
        )

    def verify_presentation(
        self,
        data: bytes | str | Mapping[str, Any] | Path,
        *,
        challenge: str | None = None,
        domain: str | None = None,
        recipient: str | None = None,
        now: datetime | None = None,
        at: datetime | None = None,
        source: str | None = None,
        status_lists: Sequence[Mapping[str, Any]] = (),
    ) -> PresentationReport:
        """Check a verifiable presentation: the holder's proof and every credential in it.

        ``data`` is a presentation in any form :meth:`verify` reads (JSON-LD with or without a
        holder's proof, VC 1.1 or 2.0, or a VP-JWT). ``challenge`` and ``domain`` are what this
        verifier asked the holder to sign: when given, the holder's proof must carry them
        exactly. Each credential inside is verified as :meth:`verify` would verify it on its
        own, with ``recipient``, ``now``, ``at`` and ``status_lists``. The report's verdict is
        valid only when the presentation's checks pass and every credential is valid.

        Raises :class:`~leadbadge.errors.CredentialDocumentError` when the input holds no
        readable presentation (a single credential included), and
        :class:`~leadbadge.errors.InputError` for a malformed argument.
        """
        decoded = self._decode(data, source)
        if not isinstance(decoded, DecodedPresentation):
            raise CredentialDocumentError.about(
                decoded.source, "is a single credential, not a verifiable presentation"
            )
        return self._verify_presented(
            decoded,
            challenge=challenge,
            domain=domain,
            recipient=recipient,
            now=now,
            at=at,
            status_lists=status_lists,
        )

    def verify_any(
        self,
        data: bytes | str | Mapping[str, Any] | Path,
        *,
        challenge: str | None = None,
        domain: str | None = None,
        recipient: str | None = None,
        now: datetime | None = None,
        at: datetime | None = None,
        source: str | None = None,
        status_lists: Sequence[Mapping[str, Any]] = (),
    ) -> VerificationReport | PresentationReport:
        """:meth:`verify` for a credential, :meth:`verify_presentation` for a presentation,
        decoding the input once. A ``challenge`` or ``domain`` needs a presentation: a single
        credential cannot answer one, and is refused with
        :class:`~leadbadge.errors.CredentialDocumentError`."""
        decoded = self._decode(data, source)
        if isinstance(decoded, DecodedPresentation):
            return self._verify_presented(
                decoded,
                challenge=challenge,
                domain=domain,
                recipient=recipient,
                now=now,
                at=at,
                status_lists=status_lists,
            )
        if challenge is not None or domain is not None:
            raise CredentialDocumentError.about(
                decoded.source,
                "is a single credential, not a presentation its holder signed, so it cannot "
                "answer a challenge or a domain",
            )
        return self._verify_decoded(
            decoded, recipient=recipient, now=now, at=at, status_lists=status_lists
        )

    def _decode(
        self, data: bytes | str | Mapping[str, Any] | Path, source: str | None
    ) -> DecodedCredential | DecodedPresentation:
        return decode_input(data, source=source, sources=self.sources)

    def _verify_decoded(
        self,
        decoded: DecodedCredential,
        *,
        recipient: str | None,
        now: datetime | None,
        at: datetime | None,
        status_lists: Sequence[Mapping[str, Any]],
    ) -> VerificationReport:
        when = _instant(now)
        judged = None if at is None else _instant(at, field="at")
        email = _recipient(recipient)
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

    def _verify_presented(
        self,
        decoded: DecodedPresentation,
        *,
        challenge: str | None,
        domain: str | None,
        recipient: str | None,
        now: datetime | None,
        at: datetime | None,
        status_lists: Sequence[Mapping[str, Any]],
    ) -> PresentationReport:
        when = _instant(now)
        judged = None if at is None else _instant(at, field="at")
        for name, value in (("challenge", challenge), ("domain", domain)):
            if value is not None and (not isinstance(value, str) or not value.strip()):
                raise InputError(f"The {name} must be a non-empty string.", field=name)
        _recipient(recipient)
        # The holder's proof (JOSE, DID keys) and the presentation checks: presentations only.
        from leadbadge.verifier.presentation import verify_presentation  # noqa: PLC0415

        def verify_one(item: Any, label: str) -> VerificationReport:
            return self.verify(
                item,
                recipient=recipient,
                now=when,
                at=judged,
                source=label,
                status_lists=status_lists,
            )

        return verify_presentation(
            decoded,
            verify_one,
            self.policy,
            now=when,
            at=judged,
            challenge=challenge,
            domain=domain,
        )

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
            summary=guarded(lambda: summarize(ctx), lambda _: _bare_summary(ctx)),
            required=required,
        )


def _bare_summary(ctx: CheckContext) -> CredentialSummary:
    """What is known for sure when the summary itself could not be read."""
    return CredentialSummary(issuer_id=ctx.issuer_id, source_format=ctx.source_format)


def _recipient(recipient: str | None) -> str | None:
    if recipient is None:
        return None
    normalize_email(recipient, field_name="recipient")  # refuses a malformed address
    # As typed: matches_identity also tries the lower-case form, and another issuer may have
    # hashed the address with its original case.
    return recipient.strip()


def _instant(now: datetime | None, *, field: str = "now") -> datetime:
    if now is None:
        return datetime.now(UTC)
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise InputError(f"{field} must be a datetime with a time zone.", field=field)
    return now.astimezone(UTC)
