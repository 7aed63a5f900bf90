"""Ed25519Signature2020 proofs, the legacy suite many issued credentials still carry: verify only.

Specification: W3C CCG "Ed25519 Signature 2020" (Linked Data Cryptographic Suite), as Digital
Bazaar's ``ed25519-signature-2020`` implements it and as OB 3.0 v1.0 named it. Its algorithm is
the one of ``eddsa-rdfc-2022`` (VC-DI-EdDSA §3.3): the proof options without ``proofValue``, in
the document's ``@context``, and the document without ``proof`` are canonicalized with
RDFC-1.0 (URDNA2015), each hashed with SHA-256, and ``proofValue`` is the base58btc multibase
Ed25519 signature of the two hashes concatenated (options first). Only the proof's ``type``
differs: ``Ed25519Signature2020`` and no ``cryptosuite``, a term defined by the context
``https://w3id.org/security/suites/ed25519-2020/v1``, which a document carrying such a proof
must list (strict JSON-LD refuses the proof type otherwise). Keys are Ed25519 (did:key,
``Ed25519VerificationKey2020`` or ``Multikey`` methods, or 1EdTech's ``<issuer id>#z6Mk…``).

Verification shares the Data Integrity engine of :mod:`leadbadge.proof.eddsa_rdfc_2022` (proof
sets, key resolution, the issuer binding); this module names the suite and is the entry point
for a verifier that accepts it. leadbadge never writes this suite.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from leadbadge.ld.contexts import ContextLoader
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.proof.eddsa_rdfc_2022 import KeyResolver, ProofVerification

__all__ = ["ALLOWED", "CONTEXT", "PROOF_TYPE", "verify"]

PROOF_TYPE: Final = "Ed25519Signature2020"
#: The context that defines the proof type and ``Ed25519VerificationKey2020`` (shipped).
CONTEXT: Final = "https://w3id.org/security/suites/ed25519-2020/v1"
#: The allowlist entry for this suite: its proof type, with no cryptosuite.
ALLOWED: Final[tuple[str, str]] = eddsa_rdfc_2022.ED25519_SIGNATURE_2020


def verify(
    document: Mapping[str, Any],
    *,
    issuer: str | None = None,
    resolver: KeyResolver | None = None,
    loader: ContextLoader | None = None,
) -> ProofVerification:
    """Verify the document's Ed25519Signature2020 proof(s) and that its issuer made one.

    Proofs of other suites are not checked (named in ``warnings``); the result always carries a
    warning that the suite is legacy. Raises what :func:`eddsa_rdfc_2022.verify` raises.
    """
    return eddsa_rdfc_2022.verify(
        document, issuer=issuer, resolver=resolver, allowed={ALLOWED}, loader=loader
    )
