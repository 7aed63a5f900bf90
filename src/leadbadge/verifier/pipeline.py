"""The checks of one credential, run in the order of the report, each guarded.

Each check is a pure function of the :class:`~leadbadge.verifier.checks._context.CheckContext`
and of the earlier results it depends on. A failed proof leaves the content checks skipped
(unsigned content proves nothing); a check that raises unexpectedly fails with ``CHECK_ERROR``
and the checks that depend on it are skipped, so no crash is ever a verdict of valid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

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
from leadbadge.verifier.checks._context import CheckContext
from leadbadge.verifier.report import CHECK_IDS, CheckResult

__all__ = ["guarded", "run_checks"]

_T = TypeVar("_T")


def run_checks(ctx: CheckContext) -> tuple[CheckResult, ...]:
    """Every check of one credential, in report order."""
    found: dict[str, CheckResult] = {}
    # VC Data Model 2.0 §4.3, §4.5, §4.7: is this a credential, of which versions.
    form = guarded(
        lambda: format_check.check_format(ctx),
        lambda error: FormatOutcome(check_error("format", error), None),
    )
    found["format"] = form.result
    # JSON-LD 1.1 expansion, strict: every term defined, nothing silently dropped.
    found["jsonld"] = _check("jsonld", lambda: jsonld_check.check_jsonld(ctx))
    # Data Integrity 1.0 §4.4 "Verify Proof" and eddsa-rdfc-2022, or the VC-JWT's JWS; the key
    # as Controlled Identifiers 1.0 §3.3 "Retrieve Verification Method" finds it.
    proof = guarded(
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
    return guarded(run, lambda error: check_error(check_id, error))


def guarded(run: Callable[[], _T], failed: Callable[[Exception], _T]) -> _T:
    """``run()``; should it raise, what ``failed`` makes of the error instead.

    The checks handle every error they expect (each a typed leadbadge error); anything else
    is a defect met on this input, and must cost the credential its check, never the caller
    its report nor the credential a verdict it did not earn.
    """
    try:
        return run()
    except Exception as error:  # noqa: BLE001 - see the docstring
        return failed(error)
