"""Verify a verifiable presentation: the holder's proof, and every credential it carries.

Specifications:

- VC Data Model 2.0 §4.13 "Verifiable Presentations" (``holder``, ``verifiableCredential``),
  §4.13.1 "Enveloped Verifiable Credentials" (``data:application/vc+jwt,<token>``); VC Data
  Model 1.1 §4.10 and §6.3.1 (a VP-JWT with a ``vp`` claim: ``iss`` is the holder, ``aud`` the
  verifier's domain, ``nonce`` its challenge); VC-JOSE-COSE §3.2 (``vp+jwt``: the payload is the
  presentation).
- VC Data Integrity 1.0 §2.1 and §4.4: a holder signs with the proof purpose
  ``authentication``, and the verifier's ``challenge`` and ``domain`` are part of what is
  signed; a verifier that expected them must find them (``INVALID_CHALLENGE_ERROR``,
  ``INVALID_DOMAIN_ERROR``).
- Controlled Identifiers 1.0 §3.3: the proof's key must belong to the holder (its controller is
  the ``holder``); a did:key holder is resolved locally, nothing is fetched.

Each credential inside is verified exactly as one handed in on its own (the caller's function,
:meth:`leadbadge.verifier.verify.Verifier.verify`). The presentation's checks are those of
:data:`leadbadge.verifier.report.PRESENTATION_CHECK_IDS`; docs/verification.md explains them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from leadbadge.errors import (
    CanonicalizationLimitError,
    ContextNotAllowedError,
    CredentialDocumentError,
    JsonLdError,
    LeadbadgeError,
)
from leadbadge.proof import jose
from leadbadge.verifier.checks._common import (
    FAIL,
    MALFORMED,
    NOT_APPLICABLE,
    PASS,
    SKIPPED,
    UNKNOWN,
    WARN,
    as_list,
    clause,
    result,
)
from leadbadge.verifier.decode import DecodedPresentation
from leadbadge.verifier.holder import check_expected, check_holder, check_holder_proof
from leadbadge.verifier.policy import VerificationPolicy
from leadbadge.verifier.report import (
    PRESENTATION_CHECK_IDS,
    CheckResult,
    Verdict,
    VerificationReport,
    compute_verdict,
)
from leadbadge.verifier.report_presentation import (
    PresentationReport,
    PresentationSummary,
    PresentedCredential,
)

__all__ = ["PresentedItem", "presented_items", "verify_presentation"]

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
ENVELOPED = "EnvelopedVerifiableCredential"
#: Media types of an enveloped credential leadbadge reads (VC-JOSE-COSE §3.1.1, and the name
#: drafts used before it).
JWT_MEDIA_TYPES: Final = ("application/vc+jwt", "application/vc+ld+json+jwt")
_ALWAYS_REQUIRED: Final = frozenset(PRESENTATION_CHECK_IDS)
#: The most credentials one presentation may carry: each is verified in full, so this bounds the
#: work a presentation handed in can cause. A person's whole pathway holds far fewer.
MAX_CREDENTIALS: Final = 64

#: Verifies one credential: (data, label) -> its report. Raises CredentialDocumentError when
#: the data holds no readable credential.
VerifyCredential = Callable[[Any, str], VerificationReport]


@dataclass(frozen=True)
class PresentedItem:
    """One entry of ``verifiableCredential``, ready to verify: the data, or why it cannot be."""

    position: int
    label: str
    carried: str
    #: A credential object or a VC-JWT (text); None when ``error`` says why there is none.
    data: Mapping[str, Any] | str | None
    error: CredentialDocumentError | None = None
    #: What the error makes of the entry: invalid (garbled), inconclusive (a form leadbadge
    #: does not read, such as an SD-JWT envelope).
    verdict: Verdict = Verdict.INVALID


def presented_items(decoded: DecodedPresentation) -> list[PresentedItem]:
    """The credentials of a presentation, in order, each as data a verifier reads."""
    items: list[PresentedItem] = []
    entries = as_list(decoded.document.get("verifiableCredential"))
    for position, entry in enumerate(entries, start=1):
        label = f"{decoded.source} [credential {position}]"
        items.append(_item(entry, position, label, jwt_form=decoded.jwt is not None))
    return items


def _item(entry: object, position: int, label: str, *, jwt_form: bool) -> PresentedItem:
    if isinstance(entry, str):
        if jwt_form and jose.looks_like_jwt(entry.strip()):
            # VC 1.1 §6.3.1: a VP-JWT's vp claim carries its credentials as VC-JWT strings.
            return PresentedItem(position, label, "jwt", entry.strip())
        return _unreadable(position, label, "is a string, not a credential object", "jwt")
    if not isinstance(entry, Mapping):
        return _unreadable(position, label, "is not a credential object", "embedded")
    if ENVELOPED not in as_list(entry.get("type")):
        return PresentedItem(position, label, "embedded", entry)
    envelope = entry.get("id")
    if not isinstance(envelope, str) or not envelope.startswith("data:"):
        return _unreadable(
            position, label, "is an enveloped credential whose id is not a data: URL", "enveloped"
        )
    media_type, comma, payload = envelope[len("data:") :].partition(",")
    if not comma:
        return _unreadable(position, label, "is an enveloped credential with no data", "enveloped")
    if media_type.strip().lower() not in JWT_MEDIA_TYPES:
        return _unreadable(
            position,
            label,
            f"is an enveloped credential of the media type {media_type or '(none)'!r}, which "
            "leadbadge does not read (it reads application/vc+jwt)",
            "enveloped",
            verdict=Verdict.INCONCLUSIVE,
        )
    return PresentedItem(position, label, "enveloped", payload.strip())


def _unreadable(
    position: int, label: str, what: str, carried: str, *, verdict: Verdict = Verdict.INVALID
) -> PresentedItem:
    error = CredentialDocumentError.about(label, what)
    return PresentedItem(position, label, carried, None, error, verdict)


# --- verification ------------------------------------------------------------------------------


def verify_presentation(
    decoded: DecodedPresentation,
    verify_credential: VerifyCredential,
    policy: VerificationPolicy,
    *,
    now: datetime,
    at: datetime | None = None,
    challenge: str | None = None,
    domain: str | None = None,
) -> PresentationReport:
    """The presentation's checks and each credential's report, with one verdict over both.

    ``challenge`` and ``domain`` are what this verifier asked the holder to sign; without them a
    proof that carries one is reported (it may be meant for another verifier), not refused.
    """
    doc = decoded.document
    when = at or now
    fmt, version = _check_format(decoded)
    jsonld = _check_jsonld(decoded, fmt)
    proof = check_holder_proof(decoded, jsonld, policy, when)
    holder_id = _holder_id(doc)
    checks = (
        fmt,
        jsonld,
        proof.result,
        check_holder(holder_id, proof),
        check_expected(
            "challenge", challenge, (proof.challenge,) if proof.challenge else (), proof
        ),
        check_expected("domain", domain, proof.domain, proof),
    )
    items = presented_items(decoded)
    if len(items) > MAX_CREDENTIALS:
        credentials: tuple[PresentedCredential, ...] = ()
        counted = result(
            "credentials",
            SKIPPED,
            f"The {len(items)} credentials were not verified: a presentation may carry at most "
            f"{MAX_CREDENTIALS}.",
        )
    else:
        credentials = tuple(_verify_item(item, verify_credential) for item in items)
        counted = _check_credentials(credentials)
    all_checks = (*checks, counted)
    summary = PresentationSummary(
        id=doc.get("id") if isinstance(doc.get("id"), str) else None,
        holder=holder_id,
        vc_version=version,
        source_format=decoded.format_label,
        signed=decoded.jwt is not None or bool(as_list(doc.get("proof"))),
        verification_method=proof.verification_method,
        challenge=proof.challenge,
        domain=proof.domain,
    )
    return PresentationReport(
        input=decoded.source,
        verdict=compute_verdict(all_checks, _ALWAYS_REQUIRED),
        checks=all_checks,
        credentials=credentials,
        evaluated_at=when,
        summary=summary,
        required=_ALWAYS_REQUIRED,
    )


def _verify_item(item: PresentedItem, verify_credential: VerifyCredential) -> PresentedCredential:
    if item.data is not None:
        try:
            report = verify_credential(item.data, item.label)
        except CredentialDocumentError as error:
            return _unread(item, error, Verdict.INVALID)
        return PresentedCredential(item.position, report.verdict, report, item.carried)
    missing = item.error or CredentialDocumentError.about(item.label, "holds no credential")
    return _unread(item, missing, item.verdict)


def _unread(item: PresentedItem, error: LeadbadgeError, verdict: Verdict) -> PresentedCredential:
    return PresentedCredential(
        item.position,
        verdict,
        None,
        item.carried,
        {"code": error.code, "message": error.message, "problemType": error.problem_type},
    )


def _holder_id(doc: Mapping[str, Any]) -> str | None:
    holder = doc.get("holder")
    if isinstance(holder, Mapping):
        holder = holder.get("id")
    return holder if isinstance(holder, str) and holder else None


# --- format and JSON-LD ------------------------------------------------------------------------


def _check_format(decoded: DecodedPresentation) -> tuple[CheckResult, str | None]:
    doc = decoded.document
    contexts = as_list(doc.get("@context"))
    first = contexts[0] if contexts else None
    version = {VC_V2: "2.0", VC_V1: "1.1"}.get(first) if isinstance(first, str) else None
    problems: list[str] = []
    if version is None:
        problems.append(f"its first @context is not {VC_V2} (VC 2.0) or {VC_V1} (VC 1.1)")
    if "VerifiablePresentation" not in as_list(doc.get("type")):
        problems.append("its type does not include VerifiablePresentation")
    if "id" in doc and not isinstance(doc["id"], str):
        problems.append("its id is not a URL")
    holder = doc.get("holder")
    if holder is not None and _holder_id(doc) is None:
        problems.append("its holder is not a URL or an object with an id")
    entries = as_list(doc.get("verifiableCredential"))
    if len(entries) > MAX_CREDENTIALS:
        problems.append(
            f"it carries {len(entries)} credentials, more than the {MAX_CREDENTIALS} leadbadge "
            "verifies in one presentation"
        )
        entries = []
    for position, entry in enumerate(entries, start=1):
        if isinstance(entry, str) and decoded.jwt is None:
            problems.append(
                f"credential {position} is a string; VC 2.0 §4.13 asks for an object (a VC-JWT "
                "goes in an EnvelopedVerifiableCredential)"
            )
        elif not isinstance(entry, str | Mapping):
            problems.append(f"credential {position} is not an object")
    if problems:
        return (
            result(
                "format",
                FAIL,
                f"This is not a well-formed verifiable presentation: {'; '.join(problems)}.",
                action="Ask the holder to export the presentation again from their wallet.",
                code="MALFORMED",
                problem_type=MALFORMED,
                vcVersion=version,
                problems=problems,
            ),
            version,
        )
    if version == "1.1":
        return (
            result(
                "format",
                WARN,
                "A VC 1.1 verifiable presentation.",
                action="It still verifies; wallets now export VC 2.0 presentations.",
                code="OLD_VERSION",
                vcVersion=version,
            ),
            version,
        )
    return result("format", PASS, "A VC 2.0 verifiable presentation.", vcVersion=version), version


def _check_jsonld(decoded: DecodedPresentation, fmt: CheckResult) -> CheckResult:
    if decoded.jwt is not None:
        return result(
            "jsonld",
            NOT_APPLICABLE,
            "A VP-JWT: its signature covers the token's bytes, so nothing in it is unsigned.",
        )
    if fmt.status is FAIL:
        return result("jsonld", SKIPPED, "Not checked: the presentation is malformed.")
    from leadbadge.ld.expand import expand_strict  # noqa: PLC0415 -- pyld: presentations only

    try:
        expand_strict(decoded.document)
    except ContextNotAllowedError as error:
        return result(
            "jsonld",
            UNKNOWN,
            f"The presentation uses the JSON-LD context {error.url}, which leadbadge does not "
            "ship, so it cannot be interpreted offline.",
            action="Ask the holder which context this is; leadbadge never fetches contexts.",
            code="CONTEXT_UNAVAILABLE",
            problem_type=MALFORMED,
            url=error.url,
        )
    except CanonicalizationLimitError as error:
        return result(
            "jsonld",
            UNKNOWN,
            f"The presentation is too large or complex to process: {clause(error.message)}",
            action="Ask the holder for a presentation with fewer credentials.",
            code="TOO_COMPLEX",
            problem_type=MALFORMED,
        )
    except JsonLdError as error:
        return result(
            "jsonld",
            FAIL,
            "The presentation holds content its contexts do not define, which a signature "
            f"would not cover: {clause(error.message)}",
            action="Do not rely on the presentation; ask the holder to export it again.",
            code="MALFORMED",
            problem_type=error.problem_type or MALFORMED,
            path=error.path,
        )
    return result("jsonld", PASS, "Every term is defined by the presentation's contexts.")


# --- the credentials ---------------------------------------------------------------------------


def _check_credentials(credentials: Sequence[PresentedCredential]) -> CheckResult:
    if not credentials:
        return result("credentials", NOT_APPLICABLE, "The presentation carries no credentials.")
    total = len(credentials)
    invalid = [c.position for c in credentials if c.verdict is Verdict.INVALID]
    unsure = [c.position for c in credentials if c.verdict is Verdict.INCONCLUSIVE]
    verdicts = {str(c.position): c.verdict.value for c in credentials}
    if invalid:
        return result(
            "credentials",
            FAIL,
            f"{_count(invalid, total)} invalid (credential {_numbers(invalid)}).",
            action="Do not rely on the invalid credentials; each report below says why.",
            code="CREDENTIAL_INVALID",
            verdicts=verdicts,
        )
    if unsure:
        return result(
            "credentials",
            UNKNOWN,
            f"{_count(unsure, total)} inconclusive (credential {_numbers(unsure)}).",
            action="Each credential's report below says what is missing.",
            code="CREDENTIAL_INCONCLUSIVE",
            verdicts=verdicts,
        )
    noun = "credential is" if total == 1 else f"{total} credentials are"
    return result(
        "credentials",
        PASS,
        f"The {noun} valid." if total == 1 else f"All {noun} valid.",
        verdicts=verdicts,
    )


def _count(positions: Sequence[int], total: int) -> str:
    return f"{len(positions)} of the {total} credentials {'is' if len(positions) == 1 else 'are'}"


def _numbers(positions: Sequence[int]) -> str:
    return ", ".join(str(p) for p in positions)
