"""leadbadge: Open Badges 3.0 credentials for school-leadership certification pathways."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from leadbadge.errors import (
    CanonicalizationLimitError,
    ContextNotAllowedError,
    CredentialDocumentError,
    DIDError,
    FileExistsRefusedError,
    FrameworkError,
    FrameworkProblem,
    InputError,
    InvalidKeyError,
    IssuerHomeError,
    JsonLdError,
    KeyFileExistsError,
    KeyMaterialError,
    LeadbadgeError,
    NetworkError,
    ProofError,
    SignatureError,
    TrustStoreError,
    UndefinedTermError,
    UnknownTierError,
    UnsupportedProofError,
    VerificationMethodError,
    WrongPassphraseError,
)

if TYPE_CHECKING:
    from leadbadge.crypto.keys import SigningKey, VerifyingKey
    from leadbadge.issuer.endorse import Endorsement
    from leadbadge.issuer.endorsements import HeldEndorsement
    from leadbadge.issuer.home import IssuerHome
    from leadbadge.issuer.issue import Issuer, SignedCredential
    from leadbadge.issuer.present import sign_presentation
    from leadbadge.issuer.publish import publish
    from leadbadge.issuer.sign import sign_credential
    from leadbadge.model import Framework, IssuerProfile, Tier
    from leadbadge.pathway.credential import Recipient, build_credential
    from leadbadge.pathway.evidence import EvidenceItem
    from leadbadge.pathway.framework import default_framework, load_framework
    from leadbadge.trust.accreditation import Accreditation
    from leadbadge.trust.store import TrustStore
    from leadbadge.verifier.report import (
        CheckResult,
        CheckStatus,
        CredentialSummary,
        Verdict,
        VerificationFailedError,
        VerificationReport,
    )
    from leadbadge.verifier.report_presentation import PresentationReport, PresentedCredential
    from leadbadge.verifier.verify import VerificationPolicy, Verifier

__version__ = "0.1.0"

# The rest of the public API loads on first use, so `leadbadge --help` does not pay for
# JSON-LD, cryptography and HTTP imports it does not need.
_LAZY: dict[str, str] = {
    "Accreditation": "leadbadge.trust.accreditation",
    "CheckResult": "leadbadge.verifier.report",
    "CheckStatus": "leadbadge.verifier.report",
    "CredentialSummary": "leadbadge.verifier.report",
    "Endorsement": "leadbadge.issuer.endorse",
    "EvidenceItem": "leadbadge.pathway.evidence",
    "Framework": "leadbadge.model",
    "HeldEndorsement": "leadbadge.issuer.endorsements",
    "Issuer": "leadbadge.issuer.issue",
    "IssuerHome": "leadbadge.issuer.home",
    "IssuerProfile": "leadbadge.model",
    "PresentationReport": "leadbadge.verifier.report_presentation",
    "PresentedCredential": "leadbadge.verifier.report_presentation",
    "Recipient": "leadbadge.pathway.credential",
    "SignedCredential": "leadbadge.issuer.issue",
    "SigningKey": "leadbadge.crypto.keys",
    "Tier": "leadbadge.model",
    "TrustStore": "leadbadge.trust.store",
    "Verdict": "leadbadge.verifier.report",
    "VerificationFailedError": "leadbadge.verifier.report",
    "VerificationPolicy": "leadbadge.verifier.verify",
    "VerificationReport": "leadbadge.verifier.report",
    "Verifier": "leadbadge.verifier.verify",
    "VerifyingKey": "leadbadge.crypto.keys",
    "build_credential": "leadbadge.pathway.credential",
    "default_framework": "leadbadge.pathway.framework",
    "load_framework": "leadbadge.pathway.framework",
    "publish": "leadbadge.issuer.publish",
    "sign_credential": "leadbadge.issuer.sign",
    "sign_presentation": "leadbadge.issuer.present",
}

__all__ = [
    "Accreditation",
    "CanonicalizationLimitError",
    "CheckResult",
    "CheckStatus",
    "ContextNotAllowedError",
    "CredentialDocumentError",
    "CredentialSummary",
    "DIDError",
    "Endorsement",
    "EvidenceItem",
    "FileExistsRefusedError",
    "Framework",
    "FrameworkError",
    "FrameworkProblem",
    "HeldEndorsement",
    "InputError",
    "InvalidKeyError",
    "Issuer",
    "IssuerHome",
    "IssuerHomeError",
    "IssuerProfile",
    "JsonLdError",
    "KeyFileExistsError",
    "KeyMaterialError",
    "LeadbadgeError",
    "NetworkError",
    "PresentationReport",
    "PresentedCredential",
    "ProofError",
    "Recipient",
    "SignatureError",
    "SignedCredential",
    "SigningKey",
    "Tier",
    "TrustStore",
    "TrustStoreError",
    "UndefinedTermError",
    "UnknownTierError",
    "UnsupportedProofError",
    "Verdict",
    "VerificationFailedError",
    "VerificationMethodError",
    "VerificationPolicy",
    "VerificationReport",
    "Verifier",
    "VerifyingKey",
    "WrongPassphraseError",
    "__version__",
    "build_credential",
    "default_framework",
    "load_framework",
    "publish",
    "sign_credential",
    "sign_presentation",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'leadbadge' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
