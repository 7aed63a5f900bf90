"""Verify one credential: every check listed with a status and a sentence, and one verdict.

:meth:`Verifier.verify` runs the checks in the order of :data:`leadbadge.verifier.report.CHECK_IDS`,
each commented with the section of the specification it implements: the document checks from
:mod:`leadbadge.verifier._checks`, and here the proof, the issuer's key and the verifier's trust in
the issuer. Checks are pure functions of the document, what the trust store holds, the policy
and the clock, which the caller passes in. The status check (:mod:`leadbadge.verifier._status`)
is handed the status lists gathered beforehand: those given with the credential, those pinned in
the trust store and, only under ``VerificationPolicy(status="online")``, those fetched for the
occasion. Otherwise nothing here reads the network: a credential verifies the same way with
every socket closed. docs/verification.md explains every check, status and code to the people
who read reports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import httpx

from leadbadge.conformance import rules as conformance
from leadbadge.crypto.did import VerificationMethod
from leadbadge.crypto.jwk import PublicJwk
from leadbadge.crypto.keys import VerifyingKey
from leadbadge.errors import (
    CanonicalizationLimitError,
    ContextNotAllowedError,
    InputError,
    LeadbadgeError,
    SignatureError,
    TrustStoreError,
    UnsupportedProofError,
    VerificationMethodError,
)
from leadbadge.model import Framework
from leadbadge.pathway.credential import normalize_email, tier_id_from_achievement_id
from leadbadge.proof import ed25519_signature_2020, eddsa_rdfc_2022, vc_jwt
from leadbadge.trust.store import (
    Accreditation,
    PinnedIssuer,
    PinnedKey,
    TrustStore,
    fetch_status_list,
)
from leadbadge.verifier.checks import _common as checks
from leadbadge.verifier.checks import issuer_trust as _verify_accreditation
from leadbadge.verifier.checks import status as _verify_status
from leadbadge.verifier.checks._common import (
    FAIL,
    MALFORMED_PROOF,
    PASS,
    PROOF_ERROR,
    SKIPPED,
    UNKNOWN,
    WARN,
    as_list,
    clause,
    iso,
    result,
)
from leadbadge.verifier.decode import CredentialSources, decode_credential
from leadbadge.verifier.pathway import PathwayReport, verify_pathway
from leadbadge.verifier.report import (
    CHECK_IDS,
    CheckResult,
    CredentialSummary,
    VerificationReport,
    compute_verdict,
)

__all__ = ["DEFAULT_CLOCK_SKEW", "DEFAULT_MAX_STATUS_AGE", "VerificationPolicy", "Verifier"]

#: How far the verifier's clock may disagree with the issuer's before dates count against a
#: credential: a validFrom this far in the future, or a validUntil this far in the past, passes.
DEFAULT_CLOCK_SKEW = timedelta(minutes=5)
_MAX_CLOCK_SKEW = timedelta(days=1)
#: The oldest status list (by its ``validFrom``) taken as saying where a credential stands now;
#: an older one leaves the status unknown (docs/status.md).
DEFAULT_MAX_STATUS_AGE = timedelta(days=7)
_PIN_IT = "Pin the issuer's published folder or DID document with `leadbadge trust add`."
_SUITE_RESOLVER = eddsa_rdfc_2022.default_resolver()
#: Checks that a failed proof leaves unchecked: unsigned content proves nothing.
_CONTENT_CHECKS = ("schema", "issuer_trust", "validity", "status", "recipient")


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

    allowed_proofs: frozenset[tuple[str, str]] = eddsa_rdfc_2022.DEFAULT_ALLOWED | {
        ed25519_signature_2020.ALLOWED
    }
    allowed_jwt_algorithms: frozenset[str] = vc_jwt.DEFAULT_ALGORITHMS
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
        source: str | None = None,
        status_lists: Sequence[Mapping[str, Any]] = (),
    ) -> VerificationReport:
        """Check one credential and report every check and the verdict.

        ``data`` is what :func:`leadbadge.verifier.decode.decode_credential` accepts (bytes, text, a
        parsed document or a :class:`~pathlib.Path`). ``recipient`` is an e-mail address to
        match against the credential's identifiers. ``now`` is the instant validity is judged at
        (default: the current time). ``source`` names the input in the report.
        ``status_lists`` are status list credentials handed in with the credential (a holder
        may "staple" them, Bitstring Status List v1.0 §2.2), matched to its entries by ``id``;
        they are checked exactly as pinned ones, and win over them.

        Raises :class:`~leadbadge.errors.CredentialDocumentError` when the input holds no
        readable credential, and :class:`~leadbadge.errors.InputError` for a malformed
        ``recipient`` or ``now``; everything wrong with the credential itself is in the report.
        """
        when = _instant(now)
        email = None
        if recipient is not None:
            normalize_email(recipient, field_name="recipient")  # refuses a malformed address
            # As typed: matches_identity also tries the lower-case form, and another issuer may
            # have hashed the address with its original case.
            email = recipient.strip()
        decoded = decode_credential(data, source=source, sources=self.sources)
        materials = self._status_materials(decoded.document, status_lists, when)
        run = _Run(
            decoded.document,
            when,
            self.policy,
            self.trust_store,
            jwt=decoded.jwt,
            status_materials=materials,
            endorsements=self._endorsement_verifier(when),
        )
        results = run.checks(email)
        required = self.policy.required_checks(recipient_asked=email is not None)
        return VerificationReport(
            input=decoded.source,
            verdict=compute_verdict(results, required),
            checks=results,
            evaluated_at=when,
            summary=run.summary(decoded.format_label),
            required=required,
        )

    def verify_pathway(
        self,
        inputs: Sequence[Path | str | Mapping[str, Any]],
        *,
        framework: Framework | None = None,
        recipient: str | None = None,
        now: datetime | None = None,
    ) -> PathwayReport:
        """Verify a set of credentials of one person and judge their pathway.

        Each is verified fully (:meth:`verify`); the report says whether one recipient holds
        them all and, per tier, whether its prerequisites were held when it was awarded, as a
        tree from the tiers without prerequisites up (:mod:`leadbadge.verifier.pathway`,
        docs/pathways.md). ``framework`` defaults to leadbadge's default framework.
        """
        return verify_pathway(self, inputs, framework=framework, recipient=recipient, now=now)

    def _endorsement_verifier(self, when: datetime) -> _verify_accreditation.VerifyEndorsement:
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
        run = _Run(
            document,
            when,
            self.policy,
            self.trust_store,
            status_materials=self._status_materials(document, (), when),
        )
        results = run.checks(None)
        required = self.policy.required_checks(recipient_asked=False)
        return VerificationReport(
            input=str(document.get("id") or "endorsement"),
            verdict=compute_verdict(results, required),
            checks=results,
            evaluated_at=when,
            summary=run.summary("JSON-LD"),
            required=required,
        )

    def _status_materials(
        self, doc: Mapping[str, Any], given: Sequence[Mapping[str, Any]], when: datetime
    ) -> dict[str, _verify_status.StatusMaterial]:
        """The list for each status URL of ``doc``: given, pinned, or (online) fetched now."""
        handed = {d.get("id"): d for d in given if isinstance(d, Mapping)}
        materials: dict[str, _verify_status.StatusMaterial] = {}
        for url in _verify_status.status_urls(doc):
            if url in handed:
                materials[url] = _verify_status.StatusMaterial(
                    url, handed[url], "given with the credential"
                )
                continue
            pinned = None
            if self.trust_store is not None:
                try:
                    pinned = self.trust_store.find_status_list(url)
                except TrustStoreError as error:
                    materials[url] = _verify_status.StatusMaterial(
                        url, None, "trust store", problem=error.message
                    )
                    continue
            if pinned is not None:
                materials[url] = _verify_status.StatusMaterial(
                    url,
                    pinned.document,
                    f"trust store (pinned from {pinned.source} on {iso(pinned.pinned_at)})",
                    pinned.pinned_at,
                )
            elif self.policy.status == "online":
                try:
                    document = fetch_status_list(url, client=self.status_client)
                except LeadbadgeError as error:
                    materials[url] = _verify_status.StatusMaterial(
                        url, None, f"fetched from {url}", when, problem=error.message
                    )
                else:
                    materials[url] = _verify_status.StatusMaterial(
                        url, document, f"fetched from {url} on {iso(when)}", when
                    )
        return materials


def _instant(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if not isinstance(now, datetime) or now.tzinfo is None or now.utcoffset() is None:
        raise InputError("now must be a datetime with a time zone.", field="now")
    return now.astimezone(UTC)


@dataclass
class _KeyLookup:
    """The key resolver handed to the proof suite; it records where each key came from.

    A pinned issuer may only use keys from its pinned history (trust store). Otherwise the
    suite's own offline resolution applies: did:key (the DID is the key) and 1EdTech's
    ``<issuer id>#<publicKeyMultibase>`` convention (the key is written in the credential
    itself, so it proves the credential unchanged, not who issued it). A refusal is recorded as
    the issuer_key result before the suite sees the error.
    """

    pinned: PinnedIssuer | None
    issuer_id: str | None
    #: verification method -> (where its key came from, the pinned key if from the store)
    found: dict[str, tuple[str, PinnedKey | None]] = field(default_factory=dict)
    refusal: CheckResult | None = None
    #: The last verification method asked for.
    vm_id: str | None = None

    def __call__(self, vm_id: str, issuer_id: str, /) -> VerificationMethod:
        self.vm_id = vm_id
        if self.pinned is not None:
            return self._pinned(vm_id, issuer_id, self.pinned)
        return self._unpinned(vm_id, issuer_id)

    def source(self, vm_id: str | None) -> tuple[str, PinnedKey | None] | None:
        return self.found.get(vm_id) if vm_id is not None else None

    def _unpinned(self, vm_id: str, issuer_id: str) -> VerificationMethod:
        base, _, fragment = vm_id.partition("#")
        if base.startswith("did:key:"):
            source = "did:key"
        elif base.startswith("did:"):
            # Any other DID needs its DID document, which only the trust store provides offline.
            raise self._unresolvable(
                vm_id,
                f"The key {vm_id} belongs to a DID that is not pinned in the trust store.",
            )
        elif fragment.startswith("z") and ":" in base:
            source = "embedded"
            if base != issuer_id:
                raise self._wrong_key(
                    vm_id,
                    f"The proof's key is written under {base}, not under the issuer {issuer_id}.",
                )
        else:
            raise self._unresolvable(
                vm_id,
                f"The key {vm_id} cannot be found offline: it is not a key leadbadge can read.",
            )
        try:
            method = _SUITE_RESOLVER(vm_id, issuer_id)
        except VerificationMethodError as error:
            message = f"The key {vm_id} is unusable: {clause(error.message)}"
            raise self._unresolvable(vm_id, message) from None
        self.found[vm_id] = (source, None)
        return method

    def _pinned(self, vm_id: str, issuer_id: str, pinned: PinnedIssuer) -> VerificationMethod:
        # Only the pinned entry's keys (for an accredited program: as its authority vouches).
        key = pinned.find_key(vm_id)
        if key is not None:
            self.found[vm_id] = ("trust_store", key)
            return key.verification_method(vm_id)
        refusal = (
            f"The proof's key {vm_id} is not one of the keys pinned for the issuer "
            f"{pinned.name or pinned.id}."
        )
        action = (
            "Treat the credential as forged, or, if the issuer has added a key since you pinned "
            "it, pin its published folder again."
        )
        base = vm_id.partition("#")[0]
        if base == issuer_id or pinned.has_identity(base):
            raise self._wrong_key(vm_id, refusal, action=action)
        # Another party's key (a proof set may carry an endorser's proof): resolved as if
        # unpinned, it can never stand for the issuer, which the suite checks by controller.
        try:
            return self._unpinned(vm_id, issuer_id)
        except VerificationMethodError:
            raise self._wrong_key(vm_id, refusal, action=action) from None

    def _wrong_key(
        self, vm_id: str, message: str, *, action: str | None = None
    ) -> VerificationMethodError:
        self.refusal = result(
            "issuer_key",
            FAIL,
            message,
            action=action or "Treat the credential as forged: it was not signed by its issuer.",
            code="WRONG_KEY",
            problem_type=PROOF_ERROR,
            verificationMethod=vm_id,
        )
        return VerificationMethodError(message, verification_method=vm_id)

    def _unresolvable(self, vm_id: str, message: str) -> VerificationMethodError:
        self.refusal = result(
            "issuer_key",
            UNKNOWN,
            message,
            action=_PIN_IT,
            code="KEY_UNRESOLVABLE",
            verificationMethod=vm_id,
        )
        return VerificationMethodError(message, verification_method=vm_id)


class _JwtKeys:
    """The ``kid`` resolver for a VC-JWT: Ed25519 keys by the rules of :class:`_KeyLookup`, and
    a pinned did:web issuer's JsonWebKeys (RSA, P-256) from its pinned DID document."""

    def __init__(self, lookup: _KeyLookup) -> None:
        self.lookup = lookup
        #: The JsonWebKey found in the pinned DID document, when the kid named one.
        self.jose: vc_jwt.JwtKey | None = None

    def __call__(self, kid: str, issuer: str, /) -> vc_jwt.JwtKey:
        try:
            method = self.lookup(kid, issuer)
        except VerificationMethodError:
            jose = self._from_did_document(kid)
            if jose is None:
                raise
            self.lookup.refusal = None
            self.jose = jose
            return jose
        return vc_jwt.JwtKey(
            kid, method.controller, PublicJwk.from_verifying_key(method.public_key)
        )

    def _from_did_document(self, kid: str) -> vc_jwt.JwtKey | None:
        pinned = self.lookup.pinned
        if pinned is None or pinned.did_document is None:
            return None
        if not pinned.has_identity(kid.partition("#")[0]):
            return None
        try:
            return vc_jwt.did_document_key(pinned.did_document, kid)
        except VerificationMethodError:
            return None


def _assertion_ids(document: Mapping[str, Any] | None) -> list[str]:
    """The absolute ids a DID document lists under ``assertionMethod``."""
    if document is None:
        return []
    doc_id = str(document.get("id", ""))
    ids = []
    for item in as_list(document.get("assertionMethod")):
        ref = item.get("id") if isinstance(item, Mapping) else item
        if isinstance(ref, str):
            ids.append(doc_id + ref if ref.startswith("#") else ref)
    return ids


class _Run:
    """One verification: the document, what the trust store says about its issuer, the checks."""

    def __init__(
        self,
        doc: dict[str, Any],
        now: datetime,
        policy: VerificationPolicy,
        trust_store: TrustStore | None,
        *,
        jwt: str | None = None,
        status_materials: Mapping[str, _verify_status.StatusMaterial] | None = None,
        endorsements: _verify_accreditation.VerifyEndorsement | None = None,
    ) -> None:
        self.doc = doc
        #: Verifies an endorsement on its own; None for an endorsement being verified (its
        #: own endorsements and accreditations are not followed).
        self.endorsements = endorsements
        #: For a program not pinned itself: what pinned authorities say about it.
        self.accreditations: list[Accreditation] = []
        self.status_materials = status_materials or {}
        #: The compact JWS the credential came in, when it is a VC-JWT (its proof).
        self.jwt = jwt
        self.now = now
        self.policy = policy
        self.trust_store = trust_store
        self.issuer_id = checks.issuer_id(doc)
        self.pinned: PinnedIssuer | None = None
        self.trust_problem: str | None = None
        if trust_store is not None and self.issuer_id is not None:
            try:
                self.pinned = trust_store.find_issuer(self.issuer_id)
                if self.pinned is None and endorsements is not None:
                    self.accreditations = trust_store.find_accreditations(self.issuer_id)
                    if self.accreditations:
                        # The program's keys as the authority vouches for them.
                        self.pinned = self.accreditations[0].program
            except TrustStoreError as error:
                self.trust_problem = clause(error.message)

    def checks(self, email: str | None) -> tuple[CheckResult, ...]:
        doc, shape = self.doc, conformance.check_credential_shape(self.doc)
        found: dict[str, CheckResult] = {}
        # VC Data Model 2.0 §4.3, §4.5, §4.7: is this a credential, of which versions.
        found["format"] = checks.check_format(doc, shape)
        # JSON-LD 1.1 expansion, strict: every term defined, nothing silently dropped.
        found["jsonld"] = checks.check_jsonld(doc)
        # Data Integrity 1.0 §4.4 "Verify Proof" and eddsa-rdfc-2022; Controlled Identifiers
        # 1.0 §3.3 "Retrieve Verification Method" for the key.
        found["proof"], found["issuer_key"] = self._proof_and_key(found["jsonld"])
        if found["proof"].status is FAIL:
            found.update({cid: checks.skipped_after_failed_proof(cid) for cid in _CONTENT_CHECKS})
            if email is None:
                found["recipient"] = checks.recipient_not_asked()
        else:
            # VC Data Model 2.0 §4 and the OB 3.0 data model.
            found["schema"] = checks.check_schema(shape)
            # The verifier's own decision: is the issuer pinned in its trust store, or
            # accredited by an authority that is? OB 3.0 "Verify EndorsementCredentials".
            found["issuer_trust"] = self._issuer_trust(found["proof"])
            # VC Data Model 2.0 §4.9 (validFrom/validUntil), VC 1.1 §4.6-4.7.
            found["validity"] = checks.check_validity(doc, self.now, self.policy.max_clock_skew)
            # VC Data Model 2.0 §4.10 credentialStatus; Bitstring Status List v1.0 §3.2.
            found["status"] = self._status(found["proof"])
            # OB 3.0 "Verify the Recipient Using an Identifier".
            found["recipient"] = checks.check_recipient(doc, email)
        return tuple(found[cid] for cid in CHECK_IDS)

    # --- proof: Data Integrity 1.0 §4.4 "Verify Proof", EdDSA Cryptosuites v1.0 §3.2.2;
    # --- issuer_key: Controlled Identifiers 1.0 §3.3 "Retrieve Verification Method" --------

    def _proof_and_key(self, strict: CheckResult) -> tuple[CheckResult, CheckResult]:
        if self.jwt is not None:
            # OB 3.0 §8.2: a VC-JWT's proof is its JWS signature, over the token's bytes (an
            # embedded proof inside it is covered by that signature and not relied on).
            return self._jwt_proof_and_key(self.jwt)
        proofs = as_list(self.doc.get("proof"))
        if not proofs:
            return (
                result(
                    "proof",
                    FAIL,
                    "The credential has no proof: nothing shows who issued it or that it is "
                    "unchanged.",
                    action="Ask the issuer for the signed credential.",
                    code="NO_PROOF",
                    problem_type=MALFORMED_PROOF,
                ),
                result("issuer_key", SKIPPED, "No key to look up: the credential has no proof."),
            )
        if strict.status is FAIL:
            return (
                result(
                    "proof",
                    SKIPPED,
                    "The signature was not checked: the JSON-LD check failed, so the signed "
                    "data cannot be computed.",
                ),
                result(
                    "issuer_key", SKIPPED, "No key was looked up: the signature was not checked."
                ),
            )
        lookup = _KeyLookup(self.pinned, self.issuer_id)
        if self.trust_problem is not None:
            lookup.pinned = None
        try:
            verified = eddsa_rdfc_2022.verify(
                self.doc,
                issuer=self.issuer_id,
                resolver=lookup,
                allowed=self.policy.allowed_proofs,
            )
        except SignatureError:
            return (
                result(
                    "proof",
                    FAIL,
                    "The signature does not match the credential: it was changed after signing "
                    "or signed with another key.",
                    action="Treat the credential as forged; ask the holder for the file the "
                    "issuer sent.",
                    code="INVALID_SIGNATURE",
                    problem_type=PROOF_ERROR,
                    verificationMethod=lookup.vm_id,
                ),
                self._key_result(lookup, None),
            )
        except UnsupportedProofError as error:
            return (
                result(
                    "proof",
                    UNKNOWN,
                    f"The proof cannot be checked: {clause(error.message)}",
                    action="Ask the issuer for the credential signed with eddsa-rdfc-2022.",
                    code="UNSUPPORTED_PROOF",
                    problem_type=PROOF_ERROR,
                    found=_proof_kinds(proofs) or None,
                ),
                result(
                    "issuer_key",
                    UNKNOWN,
                    "The issuer's key was not looked up: the proof type is not supported.",
                    code="UNSUPPORTED_PROOF",
                ),
            )
        except VerificationMethodError as error:
            return self._key_refused(lookup, error)
        except ContextNotAllowedError as error:
            return (
                result(
                    "proof",
                    UNKNOWN,
                    f"The signature cannot be checked offline: the context {error.url} is not "
                    "shipped with leadbadge.",
                    action="Ask the issuer which context this is; leadbadge never fetches "
                    "contexts.",
                    code="CONTEXT_UNAVAILABLE",
                    problem_type=PROOF_ERROR,
                ),
                self._key_result(lookup, None),
            )
        except CanonicalizationLimitError as error:
            return (
                result(
                    "proof",
                    UNKNOWN,
                    f"The signature cannot be checked: {clause(error.message)}",
                    action="Ask the issuer for a smaller credential.",
                    code="TOO_COMPLEX",
                    problem_type=PROOF_ERROR,
                ),
                self._key_result(lookup, None),
            )
        except LeadbadgeError as error:
            # A malformed proof (no proofValue, a bad multibase…) or data the suite refuses.
            return (
                result(
                    "proof",
                    FAIL,
                    f"The proof is malformed: {clause(error.message)}",
                    action="Treat the credential as unverified and ask the issuer to reissue it.",
                    code="MALFORMED_PROOF",
                    problem_type=MALFORMED_PROOF,
                ),
                self._key_result(lookup, None, proof_failed=True),
            )
        detail: dict[str, Any] = {
            "cryptosuite": verified.cryptosuite,
            "verificationMethod": verified.verification_method,
            "created": iso(verified.created) if verified.created else None,
            "expires": iso(verified.expires) if verified.expires else None,
        }
        key = self._key_result(lookup, verified)
        if (
            verified.expires is not None
            and self.now - self.policy.max_clock_skew > verified.expires
        ):
            # Data Integrity 1.0 §4.4: a proof past its ``expires`` does not verify.
            proof = result(
                "proof",
                FAIL,
                f"The signature matches, but the proof expired on {iso(verified.expires)}.",
                action="Ask the holder for a credential with a current proof.",
                code="PROOF_EXPIRED",
                problem_type=PROOF_ERROR,
                **detail,
            )
            return proof, key
        if verified.warnings:
            legacy = verified.cryptosuite in (
                eddsa_rdfc_2022.LEGACY_CRYPTOSUITE,
                ed25519_signature_2020.PROOF_TYPE,
            )
            proof = result(
                "proof",
                WARN,
                f"The {verified.cryptosuite} signature matches the credential. "
                f"{verified.warnings[0]}",
                action="It still verifies; the issuer should sign new credentials with "
                "eddsa-rdfc-2022."
                if legacy
                else "The issuer's signature verifies; the other proofs were not relied on.",
                code="LEGACY_SUITE" if legacy else "OTHER_PROOFS",
                warnings=list(verified.warnings),
                **detail,
            )
            return proof, key
        proof = result(
            "proof",
            PASS,
            f"The {verified.cryptosuite} signature matches the credential.",
            **detail,
        )
        return proof, key

    def _key_refused(
        self, lookup: _KeyLookup, error: VerificationMethodError
    ) -> tuple[CheckResult, CheckResult]:
        refusal = lookup.refusal
        if lookup.vm_id is None:
            # Refused before any key was looked up: a proof purpose other than assertionMethod,
            # or no issuer to tie the proof to.
            return (
                result(
                    "proof",
                    FAIL,
                    f"The proof does not vouch for this credential: {clause(error.message)}",
                    action="Ask the issuer to reissue the credential.",
                    code="MALFORMED_PROOF",
                    problem_type=MALFORMED_PROOF,
                ),
                result("issuer_key", SKIPPED, "No key was looked up: the proof was refused."),
            )
        if refusal is not None and refusal.status is UNKNOWN:
            proof = result(
                "proof",
                UNKNOWN,
                "The signature cannot be checked without the issuer's key.",
                action=refusal.action,
                code="KEY_UNRESOLVABLE",
                problem_type=PROOF_ERROR,
            )
            if self.trust_problem is not None:
                refusal = result(
                    "issuer_key",
                    UNKNOWN,
                    f"The trust store could not be read: {self.trust_problem}",
                    action="Repair or remove the damaged trust store entry, then pin the issuer "
                    "again.",
                    code="TRUST_STORE_ERROR",
                )
            return proof, refusal
        if refusal is None:
            # The key was found, but the suite refused it: its controller is not the issuer, or
            # it is not allowed to assert credentials.
            refusal = result(
                "issuer_key",
                FAIL,
                error.message,
                action="Treat the credential as forged: it was not signed by its issuer.",
                code="WRONG_KEY",
                problem_type=PROOF_ERROR,
                verificationMethod=error.verification_method or lookup.vm_id,
            )
        proof = result(
            "proof",
            FAIL,
            "The proof was not made with a key of the credential's issuer.",
            action=refusal.action,
            code="WRONG_KEY",
            problem_type=PROOF_ERROR,
        )
        return proof, refusal

    def _key_result(
        self,
        lookup: _KeyLookup,
        verified: eddsa_rdfc_2022.ProofVerification | None,
        *,
        proof_failed: bool = False,
    ) -> CheckResult:
        vm = verified.verification_method if verified is not None else lookup.vm_id
        created = verified.created if verified is not None else None
        return self._key_result_at(lookup, vm, created, proof_failed=proof_failed)

    def _key_result_at(
        self,
        lookup: _KeyLookup,
        vm: str | None,
        created: datetime | None,
        *,
        proof_failed: bool = False,
    ) -> CheckResult:
        found = lookup.source(vm)
        if found is None:
            if lookup.refusal is not None:
                return lookup.refusal
            if proof_failed:
                return result(
                    "issuer_key", SKIPPED, "No key was looked up: the proof is malformed."
                )
            return result(
                "issuer_key",
                UNKNOWN,
                "The issuer's key was not looked up: the signed data could not be computed.",
                code="NOT_CHECKED",
            )
        source, pinned_key = found
        if source == "did:key":
            return result(
                "issuer_key",
                PASS,
                "The key is the issuer's did:key, which names the key itself.",
                verificationMethod=vm,
                source="did:key, not pinned",
            )
        if source == "embedded":
            return result(
                "issuer_key",
                PASS,
                "The key is written into the credential's verification method, as 1EdTech's "
                "examples do; this proves the credential is unchanged, not who issued it.",
                verificationMethod=vm,
                source="embedded in the credential (integrity only)",
            )
        assert pinned_key is not None  # noqa: S101 - found together with source "trust_store"
        signed_at = created or checks.parse_date(
            self.doc.get("validFrom") or self.doc.get("issuanceDate")
        )
        period = {
            "validFrom": iso(pinned_key.valid_from) if pinned_key.valid_from else None,
            "validUntil": iso(pinned_key.valid_until) if pinned_key.valid_until else None,
        }
        if signed_at is None:
            if pinned_key.valid_from is None and pinned_key.valid_until is None:
                return result(
                    "issuer_key",
                    PASS,
                    "The key is pinned for this issuer.",
                    verificationMethod=vm,
                    source="trust store",
                )
            return result(
                "issuer_key",
                UNKNOWN,
                "The key is pinned for this issuer for a limited period, but the credential "
                "does not say when it was signed.",
                action="Ask the issuer when the credential was issued.",
                code="KEY_PERIOD_UNKNOWN",
                verificationMethod=vm,
                keyPeriod=period,
            )
        if not pinned_key.valid_at(signed_at):
            return result(
                "issuer_key",
                FAIL,
                f"The key was not in use by the issuer on {iso(signed_at)}, when the proof "
                "says it was made.",
                action="Treat the credential as forged, or ask the issuer about its key history.",
                code="WRONG_KEY",
                problem_type=PROOF_ERROR,
                verificationMethod=vm,
                signedAt=iso(signed_at),
                keyPeriod=period,
            )
        via = pinned_key.issuer.via
        return result(
            "issuer_key",
            PASS,
            f"The key is pinned for this issuer and was in use on {iso(signed_at)}."
            if via is None
            else f"The key is the program's, as the accreditation registry of "
            f"{via.name or via.id} vouches for it, and was in use on {iso(signed_at)}.",
            verificationMethod=vm,
            source="trust store" if via is None else pinned_key.issuer.source,
            signedAt=iso(signed_at),
            keyPeriod=period,
        )

    # --- proof and issuer_key of a VC-JWT: OB 3.0 §8.2.6 "Verify a Credential"; RFC 7515 §5.2
    # --- (signature), RFC 8725 §3.1 (the algorithm comes from the key and the policy) ---------

    def _jwt_proof_and_key(self, token: str) -> tuple[CheckResult, CheckResult]:
        lookup = _KeyLookup(self.pinned, self.issuer_id)
        if self.trust_problem is not None:
            lookup.pinned = None
        keys = _JwtKeys(lookup)
        try:
            verified = vc_jwt.verify(
                token, resolver=keys, allowed=self.policy.allowed_jwt_algorithms
            )
        except SignatureError:
            return (
                result(
                    "proof",
                    FAIL,
                    "The VC-JWT signature does not match the token: it was changed after signing "
                    "or signed with another key.",
                    action="Treat the credential as forged; ask the holder for the file the "
                    "issuer sent.",
                    code="INVALID_SIGNATURE",
                    problem_type=PROOF_ERROR,
                    kid=lookup.vm_id,
                ),
                self._jwt_key_result(lookup, keys, None),
            )
        except UnsupportedProofError as error:
            return (
                result(
                    "proof",
                    UNKNOWN,
                    f"The VC-JWT cannot be checked: {clause(error.message)}",
                    action="Ask the issuer for the credential signed with RS256, ES256 or EdDSA.",
                    code="UNSUPPORTED_PROOF",
                    problem_type=PROOF_ERROR,
                ),
                result(
                    "issuer_key",
                    UNKNOWN,
                    "The issuer's key was not looked up: the JWS algorithm is not accepted.",
                    code="UNSUPPORTED_PROOF",
                ),
            )
        except VerificationMethodError as error:
            if lookup.vm_id is None:
                # No kid to look up: the header names no key at all (or no issuer to tie to).
                return (
                    result(
                        "proof",
                        UNKNOWN,
                        f"The VC-JWT cannot be checked: {clause(error.message)}",
                        action="Ask the issuer for a token whose header names its key (kid).",
                        code="KEY_UNRESOLVABLE",
                        problem_type=PROOF_ERROR,
                    ),
                    result(
                        "issuer_key",
                        UNKNOWN,
                        f"No key could be found: {clause(error.message)}",
                        action=_PIN_IT,
                        code="KEY_UNRESOLVABLE",
                    ),
                )
            return self._key_refused(lookup, error)
        except LeadbadgeError as error:
            return (
                result(
                    "proof",
                    FAIL,
                    f"The VC-JWT is not valid: {clause(error.message)}",
                    action="Treat the credential as unverified and ask the issuer to reissue it.",
                    code="MALFORMED_PROOF",
                    problem_type=MALFORMED_PROOF,
                ),
                result("issuer_key", SKIPPED, "No key was relied on: the token was refused."),
            )
        key = self._jwt_key_result(lookup, keys, verified)
        detail: dict[str, Any] = {
            "format": "VC-JWT",
            "alg": verified.alg,
            "kid": verified.kid,
            "jwkThumbprint": verified.key.thumbprint,
            "signedAt": iso(verified.signed_at) if verified.signed_at else None,
            "vcClaim": True if verified.form == "vc1" else None,
        }
        if key.status is FAIL:
            proof = result(
                "proof",
                FAIL,
                "The VC-JWT was not signed with a key of the credential's issuer.",
                action=key.action,
                code="WRONG_KEY",
                problem_type=PROOF_ERROR,
                **detail,
            )
            return proof, key
        if verified.warnings:
            proof = result(
                "proof",
                WARN,
                f"The VC-JWT signature ({verified.alg}) matches the credential. "
                f"{verified.warnings[0]}",
                action="It still verifies; the issuer should follow OB 3.0 §8.2 in new tokens.",
                code="JWT_CLAIMS",
                warnings=list(verified.warnings),
                **detail,
            )
            return proof, key
        message = f"The VC-JWT signature ({verified.alg}) matches the credential."
        return result("proof", PASS, message, **detail), key

    def _jwt_key_result(
        self, lookup: _KeyLookup, keys: _JwtKeys, verified: vc_jwt.JwtVerification | None
    ) -> CheckResult:
        signed_at = verified.signed_at if verified is not None else None
        if verified is not None and verified.kid is None:
            return self._jwk_only_key_result(lookup, verified)
        if keys.jose is not None and verified is not None:
            return self._jose_key_result(keys.jose, signed_at)
        return self._key_result_at(lookup, verified.kid if verified else lookup.vm_id, signed_at)

    def _jose_key_result(self, key: vc_jwt.JwtKey, signed_at: datetime | None) -> CheckResult:
        when = signed_at or checks.parse_date(
            self.doc.get("validFrom") or self.doc.get("issuanceDate")
        )
        period = {"validUntil": iso(key.valid_until)} if key.valid_until else None
        if key.valid_until is not None and (when is None or when > key.valid_until):
            return result(
                "issuer_key",
                FAIL if when is not None else UNKNOWN,
                f"The key {key.id} was retired on {iso(key.valid_until)}"
                + (f", before the token says it was signed ({iso(when)})." if when else "."),
                action="Treat the credential as forged, or ask the issuer about its keys.",
                code="WRONG_KEY" if when is not None else "KEY_PERIOD_UNKNOWN",
                problem_type=PROOF_ERROR if when is not None else None,
                verificationMethod=key.id,
                keyPeriod=period,
            )
        return result(
            "issuer_key",
            PASS,
            f"The key ({key.key.describe()}) is in the issuer's pinned DID document.",
            verificationMethod=key.id,
            source="trust store (DID document)",
            signedAt=iso(when) if when else None,
            keyPeriod=period,
        )

    def _jwk_only_key_result(
        self, lookup: _KeyLookup, verified: vc_jwt.JwtVerification
    ) -> CheckResult:
        # OB 3.0 §8.2.3: without a kid the key travels in the token. For a pinned issuer it must
        # be one of the pinned keys; otherwise it proves integrity, not who signed.
        pinned = lookup.pinned
        if pinned is None:
            return result(
                "issuer_key",
                PASS,
                "The key is carried in the token's header (jwk); this proves the credential is "
                "unchanged, not who issued it.",
                jwkThumbprint=verified.key.thumbprint,
                source="carried in the token (integrity only)",
            )
        for pinned_key in pinned.keys:
            if PublicJwk.from_verifying_key(pinned_key.public_key) == verified.key:
                lookup.found[pinned_key.id] = ("trust_store", pinned_key)
                return self._key_result_at(lookup, pinned_key.id, verified.signed_at)
        for method_id in _assertion_ids(pinned.did_document):
            try:
                jose = vc_jwt.did_document_key(pinned.did_document or {}, method_id)
            except VerificationMethodError:
                continue
            if jose.key == verified.key:
                return self._jose_key_result(jose, verified.signed_at)
        return result(
            "issuer_key",
            FAIL,
            f"The token carries a key that is not one of the keys pinned for the issuer "
            f"{pinned.name or pinned.id}.",
            action="Treat the credential as forged, or, if the issuer has added a key since you "
            "pinned it, pin its published folder again.",
            code="WRONG_KEY",
            problem_type=PROOF_ERROR,
            jwkThumbprint=verified.key.thumbprint,
        )

    # --- status: VC Data Model 2.0 §4.10, Bitstring Status List v1.0, 1EdTech Revocation List --

    def _status(self, proof: CheckResult) -> CheckResult:
        authority = _verify_status.list_authority(
            pinned=self.pinned if self.trust_problem is None else None,
            credential_issuer=self.issuer_id,
            credential_key=self._credential_key(proof),
            allowed=self.policy.allowed_proofs,
        )
        return _verify_status.check_status(
            self.doc,
            materials=self.status_materials,
            authority=authority,
            now=self.now,
            max_age=self.policy.max_status_age,
            skew=self.policy.max_clock_skew,
        )

    def _credential_key(self, proof: CheckResult) -> VerifyingKey | None:
        """The key that signed the credential, when the suite can name it without the store."""
        vm = proof.detail.get("verificationMethod")
        if proof.status not in (PASS, WARN) or not isinstance(vm, str) or self.issuer_id is None:
            return None
        try:
            return _SUITE_RESOLVER(vm, self.issuer_id).public_key
        except LeadbadgeError:
            return None

    # --- issuer_trust: the verifier's own trust decision (leadbadge trust store) ----------

    def _issuer_trust(self, proof: CheckResult) -> CheckResult:
        trust = self._pinned_trust(proof)
        if self.endorsements is None:
            return trust
        return _verify_accreditation.with_embedded(
            trust, self.doc, self.endorsements, self._signed_at(proof)
        )

    def _signed_at(self, proof: CheckResult) -> datetime | None:
        """When the credential says it was signed: its proof's time, else its validFrom."""
        for name in ("created", "signedAt"):
            when = checks.parse_date(proof.detail.get(name))
            if when is not None:
                return when
        return checks.parse_date(self.doc.get("validFrom") or self.doc.get("issuanceDate"))

    def _pinned_trust(self, proof: CheckResult) -> CheckResult:
        if self.accreditations and self.endorsements is not None and self.trust_problem is None:
            return _verify_accreditation.judge_accreditation(
                self.accreditations,
                achievement=checks.achievement_id(self.doc),
                signed_at=self._signed_at(proof),
                verify=self.endorsements,
            )
        if self.trust_problem is not None:
            return result(
                "issuer_trust",
                UNKNOWN,
                f"The trust store could not be read: {self.trust_problem}",
                action="Repair or remove the damaged trust store entry.",
                code="TRUST_STORE_ERROR",
            )
        if self.issuer_id is None:
            return result(
                "issuer_trust",
                UNKNOWN,
                "The credential names no issuer to look up.",
                code="NOT_PINNED",
            )
        if self.pinned is None:
            where = "" if self.trust_store is not None else " (no trust store was given)"
            return result(
                "issuer_trust",
                UNKNOWN,
                f"The issuer {self.issuer_id} is not pinned in the trust store{where}, so who "
                "issued the credential is not established.",
                action=_PIN_IT,
                code="NOT_PINNED",
            )
        pinned = self.pinned
        detail: dict[str, Any] = {
            "name": pinned.name,
            "source": pinned.source,
            "pinnedAt": iso(pinned.pinned_at),
        }
        achievement = checks.achievement_id(self.doc)
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

    # --- summary: what the credential claims, shown next to the verdict ---------------------

    def summary(self, source_format: str) -> CredentialSummary:
        doc = self.doc
        issuer = doc.get("issuer")
        subjects = checks.subjects(doc)
        achievement = subjects[0].get("achievement") if subjects else None
        achievement = achievement if isinstance(achievement, Mapping) else {}
        achievement_id = achievement.get("id") if isinstance(achievement.get("id"), str) else None
        tier = None
        if achievement_id is not None:
            if self.pinned is not None:
                tier = self.pinned.tier_of(achievement_id)
            if tier is None and isinstance(issuer, Mapping) and isinstance(issuer.get("url"), str):
                tier = tier_id_from_achievement_id(issuer["url"], achievement_id)
        vc_version, ob_version = conformance.detect_versions(doc)
        return CredentialSummary(
            id=doc.get("id") if isinstance(doc.get("id"), str) else None,
            issuer_id=self.issuer_id,
            issuer_name=checks.text(issuer.get("name")) if isinstance(issuer, Mapping) else None,
            tier=tier,
            achievement_id=achievement_id,
            achievement_name=checks.text(achievement.get("name")),
            recipient_name=checks.recipient_name(doc),
            valid_from=checks.text(doc.get("validFrom") or doc.get("issuanceDate")),
            valid_until=checks.text(doc.get("validUntil") or doc.get("expirationDate")),
            awarded=checks.text(doc.get("awardedDate")),
            vc_version=vc_version,
            ob_version=ob_version,
            source_format=source_format,
        )


def _proof_kinds(proofs: list[Any]) -> list[str]:
    """``type/cryptosuite`` of each proof, for the report."""
    kinds: list[str] = []
    for proof in proofs:
        if isinstance(proof, Mapping):
            kind = "/".join(str(proof[k]) for k in ("type", "cryptosuite") if k in proof)
            if kind and kind not in kinds:
                kinds.append(kind)
    return kinds
