"""Sign any credential with eddsa-rdfc-2022, not only the ones the pathway builds.

For documents made elsewhere (a VC-API caller, another program's credential format): the data
model is checked first, the Data Integrity context is added when the document's own contexts
do not define ``DataIntegrityProof`` (VC Data Integrity 1.0 §2.1: an implementation SHOULD add
it), and the document must then pass the same strict JSON-LD processing as every credential.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from leadbadge.conformance.vc import VC_V2_CONTEXT_URL, check_credential_shape
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import InputError
from leadbadge.proof import eddsa_rdfc_2022

__all__ = ["DATA_INTEGRITY_CONTEXT_URL", "sign_credential"]

#: Defines DataIntegrityProof for documents whose contexts do not (the VC 1.1 context).
DATA_INTEGRITY_CONTEXT_URL = "https://w3id.org/security/data-integrity/v2"


def sign_credential(
    document: Mapping[str, Any],
    key: SigningKey,
    *,
    verification_method: str,
    created: datetime | None = None,
) -> dict[str, Any]:
    """A copy of the credential ``document`` with an eddsa-rdfc-2022 proof added.

    Raises :class:`InputError` naming the first data-model error (nothing is signed), and the
    strict JSON-LD errors of :func:`leadbadge.proof.eddsa_rdfc_2022.sign` for content its
    contexts do not define. ``created`` defaults to now.
    """
    if not isinstance(document, Mapping):
        raise InputError("The credential to sign must be a JSON object.", field="document")
    errors = [p for p in check_credential_shape(document) if p.severity == "error"]
    if errors:
        first = errors[0]
        where = f" at {first.path}" if first.path else ""
        raise InputError(
            f"The credential does not follow the VC data model{where}: {first.message}",
            field="document",
        )
    return eddsa_rdfc_2022.sign(
        with_data_integrity_context(document),
        key,
        verification_method=verification_method,
        created=created or datetime.now(UTC),
    )


def with_data_integrity_context(document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` with the Data Integrity context last, unless a context already defines
    ``DataIntegrityProof`` (VC 2.0's does)."""
    contexts = document.get("@context")
    listed = contexts if isinstance(contexts, list) else [contexts]
    if VC_V2_CONTEXT_URL in listed or DATA_INTEGRITY_CONTEXT_URL in listed:
        return dict(document)
    return {**document, "@context": [*listed, DATA_INTEGRITY_CONTEXT_URL]}
