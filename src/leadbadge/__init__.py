"""leadbadge: Open Badges 3.0 credentials for school-leadership certification pathways."""

from __future__ import annotations

from leadbadge.errors import (
    CanonicalizationLimitError,
    ContextNotAllowedError,
    CredentialDocumentError,
    DIDError,
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

__version__ = "0.1.0"

__all__ = [
    "CanonicalizationLimitError",
    "ContextNotAllowedError",
    "CredentialDocumentError",
    "DIDError",
    "FrameworkError",
    "FrameworkProblem",
    "InputError",
    "InvalidKeyError",
    "IssuerHomeError",
    "JsonLdError",
    "KeyFileExistsError",
    "KeyMaterialError",
    "LeadbadgeError",
    "NetworkError",
    "ProofError",
    "SignatureError",
    "TrustStoreError",
    "UndefinedTermError",
    "UnknownTierError",
    "UnsupportedProofError",
    "VerificationMethodError",
    "WrongPassphraseError",
    "__version__",
]
