"""Finding the issuer's key for a proof: where each key came from, and why one was refused.

Controlled Identifiers 1.0 §3.3 "Retrieve Verification Method", done offline: a pinned issuer's
keys come only from its pinned history in the trust store (for an accredited program, as its
authority vouches for them); otherwise did:key and 1EdTech's ``<issuer id>#<key>`` form, which
carry the key themselves. The resolvers here are handed to the proof suites by the proof
checks and record what they found for the issuer_key check; they read only what the verifier
gathered beforehand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from leadbadge.crypto.did import VerificationMethod, did_web_to_url
from leadbadge.crypto.jwk import PublicJwk
from leadbadge.errors import DIDError, InvalidKeyError, VerificationMethodError
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.trust.pins import PinnedIssuer, PinnedKey, match_jwt_key
from leadbadge.verifier.checks._common import FAIL, PROOF_ERROR, UNKNOWN, as_list, clause, result
from leadbadge.verifier.report import CheckResult

if TYPE_CHECKING:
    from leadbadge.proof import vc_jwt

__all__ = ["PIN_IT", "SUITE_RESOLVER", "JwtKeys", "KeyLookup", "assertion_ids", "pin_action"]

#: The action for a key or issuer the trust store does not hold.
PIN_IT = "Pin the issuer's published folder or DID document with `leadbadge trust add`."
#: What a did:web command suggestion may contain: nothing a shell would read as more than
#: one word (the DID's own syntax already allows no more).
_SHELL_SAFE_DID = re.compile(r"did:web:[A-Za-z0-9.%_:-]+")


def pin_action(issuer_id: object) -> str:
    """What to do about an issuer that is not pinned: for a did:web issuer, the exact command
    (the address is in its DID); otherwise :data:`PIN_IT`. The id comes from the credential,
    so it is named only when it is a well-formed did:web DID that is safe to paste."""
    if not isinstance(issuer_id, str) or not issuer_id.startswith("did:web:"):
        return PIN_IT
    did = issuer_id.partition("#")[0]
    try:
        did_web_to_url(did)
    except DIDError:
        return PIN_IT
    if not _SHELL_SAFE_DID.fullmatch(did):
        return PIN_IT
    return (
        f"If you trust this issuer, pin what it publishes: `leadbadge trust add {did}` (fetches "
        "its DID document and key history over HTTPS), or `leadbadge trust add FOLDER` for a "
        "copy of its published folder."
    )


#: The suite's own offline resolution (did:key, keys written into the verification method).
SUITE_RESOLVER = eddsa_rdfc_2022.default_resolver()


@dataclass
class KeyLookup:
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
            method = SUITE_RESOLVER(vm_id, issuer_id)
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
        other_type = match_jwt_key(pinned, vm_id, pinned.json_web_keys)
        if other_type is not None:
            # An RSA or EC key pinned by hand can never have made an Ed25519 proof.
            refusal = (
                f"The proof's key {vm_id} is pinned for the issuer {pinned.name or pinned.id} "
                f"as a {other_type.key.describe()}, which verifies VC-JWTs "
                f"({other_type.key.alg}) only; this proof needs an Ed25519 key."
            )
            action = (
                "Treat the credential as unverified: ask the issuer for its Ed25519 key and pin "
                "it with `leadbadge trust add-key`, or for the credential as a VC-JWT."
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
            action=PIN_IT,
            code="KEY_UNRESOLVABLE",
            verificationMethod=vm_id,
        )
        return VerificationMethodError(message, verification_method=vm_id)


class JwtKeys:
    """The ``kid`` resolver for a VC-JWT: Ed25519 keys by the rules of :class:`KeyLookup`, a
    pinned did:web issuer's JsonWebKeys (RSA, P-256, P-384) from its pinned DID document, and
    the keys of an issuer pinned by key (``trust add-key``)."""

    def __init__(self, lookup: KeyLookup, token: vc_jwt.ParsedJwt | None = None) -> None:
        self.lookup = lookup
        #: The token being verified: it lets a key known out of band be matched to it.
        self.token = token
        #: The key found outside the Ed25519 key history: in the pinned DID document, or
        #: among the keys pinned by hand.
        self.jose: vc_jwt.JwtKey | None = None
        #: True when the kid named none of the keys pinned by hand and the one tried was
        #: chosen as the issuer's key known out of band.
        self.out_of_band = False

    def __call__(self, kid: str, issuer: str, /) -> vc_jwt.JwtKey:
        from leadbadge.proof import vc_jwt  # noqa: PLC0415 -- VC-JWTs only

        try:
            method = self.lookup(kid, issuer)
        except VerificationMethodError:
            jose = self._from_did_document(kid) or self._pinned_by_key(kid)
            if jose is None:
                raise
            self.lookup.refusal = None
            self.jose = jose
            return jose
        return vc_jwt.JwtKey(
            kid, method.controller, PublicJwk.from_verifying_key(method.public_key)
        )

    def _pinned_by_key(self, kid: str) -> vc_jwt.JwtKey | None:
        """For an issuer pinned by key: the pinned key the kid names (by id, Multikey or RFC 7638
        thumbprint), else the pinned key the token was signed with.

        A kid the verifier cannot dereference offline (a URL, a label) does not make the token
        unverifiable: the issuer's key is known out of band. The algorithm still comes from the
        pinned key only; a header naming another one is refused by the suite.
        """
        pinned = self.lookup.pinned
        if pinned is None or not pinned.pinned_by_key:
            return None
        keys = pinned.all_keys()
        named = match_jwt_key(pinned, kid, keys)
        if named is not None or not keys:
            return named
        self.out_of_band = True
        token = self.token
        if token is None:
            return keys[0]
        carried = token.header.get("jwk")
        if carried is not None:
            # The token says which key it carries: only that one, if it is pinned, may be used.
            carried_key = _carried_key(carried)
            return next((k for k in keys if k.key == carried_key), keys[0])
        alg = token.header.get("alg")
        for key in keys:
            if key.key.verify(str(alg), token.signature, token.signing_input):
                return key
        # None verifies: hand over a key of the header's algorithm if there is one, so the
        # refusal says "signature does not match" rather than "algorithm does not fit".
        return next((k for k in keys if k.key.alg == alg), keys[0])

    def _from_did_document(self, kid: str) -> vc_jwt.JwtKey | None:
        pinned = self.lookup.pinned
        if pinned is None or pinned.did_document is None:
            return None
        if not pinned.has_identity(kid.partition("#")[0]):
            return None
        from leadbadge.proof import vc_jwt  # noqa: PLC0415 -- VC-JWTs only

        try:
            return vc_jwt.did_document_key(pinned.did_document, kid)
        except VerificationMethodError:
            return None


def _carried_key(jwk: Any) -> PublicJwk | None:
    """A header's ``jwk``, or None if it is not a usable key (the suite then refuses it)."""
    try:
        return PublicJwk.from_jwk(jwk)
    except InvalidKeyError:
        return None


def assertion_ids(document: Mapping[str, Any] | None) -> list[str]:
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
