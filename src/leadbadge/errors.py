"""The typed errors leadbadge raises; every class has a stable ``code``.

The tree::

    LeadbadgeError
    ├── InputError                    bad data handed to the library (``field``)
    │   ├── UnknownTierError          a tier id the framework does not define (``tier``)
    │   ├── FileExistsRefusedError    refusing to overwrite an existing file (``path``)
    │   └── CredentialDocumentError   a credential document that cannot be read or parsed
    ├── FrameworkError                a framework file with problems (``problems``)
    ├── KeyMaterialError              key material
    │   ├── InvalidKeyError           a key encoding we refuse (Multikey, JWK, did:key)
    │   ├── WrongPassphraseError      the passphrase does not open the key file
    │   └── KeyFileExistsError        refusing to overwrite a key file (``path``)
    ├── DIDError                      a DID or DID document we cannot use (``did``)
    ├── JsonLdError                   JSON-LD processing refused the document
    │   ├── ContextNotAllowedError    a context URL the package does not ship (``url``)
    │   ├── UndefinedTermError        a term or type the active contexts do not define
    │   └── CanonicalizationLimitError  canonicalization exceeded its work bound
    ├── ProofError                    a proof that cannot be created or does not verify
    │   ├── UnsupportedProofError     a proof type or cryptosuite outside the allowlist
    │   ├── VerificationMethodError   the key cannot be resolved or is not the issuer's
    │   └── SignatureError            the signature does not match the document
    ├── TrustStoreError               the trust store cannot be read or an entry is invalid
    ├── IssuerHomeError               the issuer home is missing or damaged (``path``)
    └── NetworkError                  a fetch that failed (``url``); never raised offline

Bad data and network failure are different branches so callers can tell "this is wrong" from
"we could not look". ``problem_type`` carries the W3C VC problem type name where one exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CanonicalizationLimitError",
    "ContextNotAllowedError",
    "CredentialDocumentError",
    "DIDError",
    "FileExistsRefusedError",
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
]


class LeadbadgeError(Exception):
    """Base class of every error leadbadge raises on purpose."""

    code: str = "leadbadge_error"
    #: W3C VC 2.0 problem type name (``PROOF_VERIFICATION_ERROR``…) where one applies.
    problem_type: str | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(LeadbadgeError):
    """Data handed to the library is invalid; ``field`` names where."""

    code = "invalid_input"
    problem_type = "MALFORMED_VALUE_ERROR"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnknownTierError(InputError):
    """The framework defines no tier with this id."""

    code = "unknown_tier"

    def __init__(self, tier: str, known: list[str] | None = None) -> None:
        hint = f" Known tiers: {', '.join(known)}." if known else ""
        super().__init__(f"Unknown tier {tier!r}.{hint}", field="tier")
        self.tier = tier
        self.known = list(known or [])


class FileExistsRefusedError(InputError):
    """Refusing to overwrite an existing file (pass ``overwrite``/``--force`` to replace it)."""

    code = "file_exists"

    def __init__(self, path: Path | str) -> None:
        super().__init__(f"Refusing to overwrite the existing file {path}.", field="path")
        self.path = Path(path)


class CredentialDocumentError(InputError):
    """Input that is not a readable credential document (bad JSON, not an object…)."""

    code = "unreadable_credential"
    problem_type = "PARSING_ERROR"

    @classmethod
    def about(cls, label: str, what: str, *, unnamed: str = "The input") -> CredentialDocumentError:
        """ "LABEL WHAT." for an input named ``label``: a file name, ``-`` (standard input, as a
        command line names it) or ``<…>`` for a value with no name, called ``unnamed``."""
        subject = unnamed if label.startswith("<") else "Standard input" if label == "-" else label
        return cls(f"{subject} {what}.", field="input")


@dataclass(frozen=True)
class FrameworkProblem:
    """One problem in a framework file: where (a JSON pointer-like path) and what."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location or '/'}: {self.message}"


class FrameworkError(LeadbadgeError):
    """A framework file is invalid; ``problems`` lists every problem found, with locations."""

    code = "invalid_framework"

    def __init__(self, problems: list[FrameworkProblem], *, source: str | None = None) -> None:
        where = f" in {source}" if source else ""
        count = len(problems)
        first = f" First: {problems[0]}" if problems else ""
        super().__init__(
            f"The framework{where} has {count} problem{'s' if count != 1 else ''}.{first}"
        )
        self.problems = list(problems)
        self.source = source


class KeyMaterialError(LeadbadgeError):
    """A problem with key material. Messages never contain private key bytes."""

    code = "key_error"


class InvalidKeyError(KeyMaterialError):
    """A key encoding we refuse: wrong multicodec header, wrong length, wrong curve."""

    code = "invalid_key"
    problem_type = "MALFORMED_VALUE_ERROR"


class WrongPassphraseError(KeyMaterialError):
    """The passphrase does not decrypt the private key file."""

    code = "wrong_passphrase"

    def __init__(self, path: Path | str | None = None) -> None:
        where = f" {path}" if path else ""
        super().__init__(
            f"The passphrase does not open the key file{where}; check LEADBADGE_PASSPHRASE."
        )
        self.path = Path(path) if path else None


class KeyFileExistsError(KeyMaterialError):
    """Refusing to overwrite an existing key file."""

    code = "key_file_exists"

    def __init__(self, path: Path | str) -> None:
        super().__init__(f"Refusing to overwrite the existing key file {path}.")
        self.path = Path(path)


class DIDError(LeadbadgeError):
    """A DID or DID document that cannot be used."""

    code = "did_error"
    problem_type = "MALFORMED_VALUE_ERROR"

    def __init__(self, message: str, *, did: str | None = None) -> None:
        super().__init__(message)
        self.did = did


class JsonLdError(LeadbadgeError):
    """JSON-LD processing refused the document."""

    code = "jsonld_error"
    problem_type = "MALFORMED_VALUE_ERROR"

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class ContextNotAllowedError(JsonLdError):
    """A context URL the package does not ship; we never fetch contexts."""

    code = "context_not_allowed"

    def __init__(self, url: str) -> None:
        super().__init__(
            f"The JSON-LD context {url!r} is not one leadbadge ships, so the document cannot be "
            "processed offline."
        )
        self.url = url


class UndefinedTermError(JsonLdError):
    """A property or type that the active contexts do not define (it would not be signed)."""

    code = "undefined_term"

    def __init__(self, term: str, *, path: str | None = None, reason: str | None = None) -> None:
        where = f" at {path}" if path else ""
        why = reason or "is not defined by the document's JSON-LD contexts"
        super().__init__(f"The term {term!r}{where} {why}.", path=path)
        self.term = term


class CanonicalizationLimitError(JsonLdError):
    """Canonicalization exceeded its work bound (hostile or pathological input)."""

    code = "canonicalization_limit"


class ProofError(LeadbadgeError):
    """A proof that cannot be created or does not verify."""

    code = "proof_error"
    problem_type = "PROOF_VERIFICATION_ERROR"


class UnsupportedProofError(ProofError):
    """A proof type or cryptosuite outside the caller's allowlist."""

    code = "unsupported_proof"


class VerificationMethodError(ProofError):
    """The verification method cannot be resolved, or its controller is not the issuer."""

    code = "verification_method"

    def __init__(self, message: str, *, verification_method: str | None = None) -> None:
        super().__init__(message)
        self.verification_method = verification_method


class SignatureError(ProofError):
    """The signature does not match the document: it was altered or signed by another key."""

    code = "bad_signature"


class TrustStoreError(LeadbadgeError):
    """The trust store cannot be read or an entry is invalid."""

    code = "trust_store_error"


class IssuerHomeError(LeadbadgeError):
    """The issuer home is missing or damaged."""

    code = "issuer_home_error"

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.path = Path(path) if path else None


class NetworkError(LeadbadgeError):
    """A fetch failed (timeout, refused, too large, not HTTPS)."""

    code = "network_error"

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url
