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
    from leadbadge.credential import EvidenceItem, Recipient, build_credential
    from leadbadge.endorse import Endorsement
    from leadbadge.framework import default_framework, load_framework
    from leadbadge.home import HeldEndorsement, IssuerHome
    from leadbadge.issue import Issuer, SignedCredential
    from leadbadge.keys import SigningKey, VerifyingKey
    from leadbadge.model import Framework, IssuerProfile, Tier
    from leadbadge.publish import publish
    from leadbadge.report import (
        CheckResult,
        CheckStatus,
        CredentialSummary,
        Verdict,
        VerificationFailedError,
        VerificationReport,
    )
    from leadbadge.trust import Accreditation, TrustStore
    from leadbadge.verify import VerificationPolicy, Verifier

__version__ = "0.1.0"

# The rest of the public API loads on first use, so `leadbadge --help` does not pay for
# JSON-LD, cryptography and HTTP imports it does not need.
_LAZY: dict[str, str] = {
    "Accreditation": "leadbadge.trust",
    "CheckResult": "leadbadge.report",
    "CheckStatus": "leadbadge.report",
    "CredentialSummary": "leadbadge.report",
    "Endorsement": "leadbadge.endorse",
    "EvidenceItem": "leadbadge.credential",
    "Framework": "leadbadge.model",
    "HeldEndorsement": "leadbadge.home",
    "Issuer": "leadbadge.issue",
    "IssuerHome": "leadbadge.home",
    "IssuerProfile": "leadbadge.model",
    "Recipient": "leadbadge.credential",
    "SignedCredential": "leadbadge.issue",
    "SigningKey": "leadbadge.keys",
    "Tier": "leadbadge.model",
    "TrustStore": "leadbadge.trust",
    "Verdict": "leadbadge.report",
    "VerificationFailedError": "leadbadge.report",
    "VerificationPolicy": "leadbadge.verify",
    "VerificationReport": "leadbadge.report",
    "Verifier": "leadbadge.verify",
    "VerifyingKey": "leadbadge.keys",
    "build_credential": "leadbadge.credential",
    "default_framework": "leadbadge.framework",
    "load_framework": "leadbadge.framework",
    "publish": "leadbadge.publish",
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
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'leadbadge' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
