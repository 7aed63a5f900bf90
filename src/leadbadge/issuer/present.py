"""Make a verifiable presentation: a holder's credentials, signed by the holder for a verifier.

VC Data Model 2.0 §4.13 (a ``VerifiablePresentation`` with ``holder`` and
``verifiableCredential``; §4.13.1: a VC-JWT travels as an ``EnvelopedVerifiableCredential``,
``data:application/vc+jwt,<token>``), VC Data Model 1.1 §4.10 for VC 1.1 credentials, and VC
Data Integrity 1.0 §2.1: the holder's proof has the purpose ``authentication`` and carries the
verifier's ``challenge`` and ``domain``, so the presentation answers one request only. Learner
wallets hand credentials to verifiers this way; the verifier's side is
:meth:`leadbadge.verifier.verify.Verifier.verify_presentation`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from leadbadge.conformance.vc import VC_V1_CONTEXT_URL, VC_V2_CONTEXT_URL
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import InputError
from leadbadge.issuer.sign import DATA_INTEGRITY_CONTEXT_URL
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.proof.jwt_shape import looks_like_jwt

__all__ = ["ENVELOPED_JWT_PREFIX", "sign_presentation"]

#: How a VC-JWT is enveloped in a VC 2.0 presentation (VC-JOSE-COSE §3.1.1).
ENVELOPED_JWT_PREFIX = "data:application/vc+jwt,"


def sign_presentation(
    credentials: Sequence[Mapping[str, Any] | str],
    holder_key: SigningKey,
    *,
    challenge: str | None = None,
    domain: str | None = None,
    holder: str | None = None,
    verification_method: str | None = None,
    presentation_id: str | None = None,
    created: datetime | None = None,
) -> dict[str, Any]:
    """A verifiable presentation of ``credentials``, signed by the holder with eddsa-rdfc-2022.

    ``credentials`` are signed credentials: JSON objects with their proofs, or VC-JWTs (text),
    which are enveloped. All VC 2.0 (or any VC-JWT) makes a VC 2.0 presentation; all VC 1.1 a
    VC 1.1 one (with the Data Integrity context); a mix is refused, since the two contexts
    cannot be combined in one JSON-LD document. ``holder`` defaults to the did:key of
    ``holder_key`` and ``verification_method`` to its key id; a holder that is not that did:key
    needs its ``verification_method``. ``challenge`` and ``domain`` are the ones the verifier
    asked for; ``created`` defaults to now.

    Raises :class:`~leadbadge.errors.InputError` naming what is wrong; nothing is signed then.
    """
    if not isinstance(holder_key, SigningKey):
        raise InputError("The holder's key must be a leadbadge SigningKey.", field="holder_key")
    if isinstance(credentials, str | bytes | Mapping):
        raise InputError("Give the credentials as a list.", field="credentials")
    own_did = holder_key.public_key.did_key
    holder_id = own_did if holder is None else holder
    if not isinstance(holder_id, str) or not holder_id:
        raise InputError("The holder must be a non-empty URL (a DID).", field="holder")
    if verification_method is None:
        if holder_id != own_did:
            raise InputError(
                "A holder other than the key's own did:key needs its verification_method.",
                field="verification_method",
            )
        verification_method = f"{own_did}#{holder_key.public_key.multikey}"
    entries, version = _entries(credentials)
    contexts: list[str] = (
        [VC_V1_CONTEXT_URL, DATA_INTEGRITY_CONTEXT_URL] if version == "1.1" else [VC_V2_CONTEXT_URL]
    )
    presentation: dict[str, Any] = {"@context": contexts}
    if presentation_id is not None:
        presentation["id"] = presentation_id
    presentation["type"] = ["VerifiablePresentation"]
    presentation["holder"] = holder_id
    if entries:
        presentation["verifiableCredential"] = entries
    return eddsa_rdfc_2022.sign(
        presentation,
        holder_key,
        verification_method=verification_method,
        created=created or datetime.now(UTC),
        proof_purpose=eddsa_rdfc_2022.AUTHENTICATION,
        challenge=challenge,
        domain=domain,
    )


def _entries(credentials: Sequence[Mapping[str, Any] | str]) -> tuple[list[Any], str]:
    entries: list[Any] = []
    versions: set[str] = set()
    for position, credential in enumerate(credentials, start=1):
        where = f"credentials/{position - 1}"
        if isinstance(credential, str):
            token = credential.strip()
            if not looks_like_jwt(token):
                raise InputError(f"Credential {position} is text but not a VC-JWT.", field=where)
            versions.add("2.0")
            entries.append(
                {
                    "@context": VC_V2_CONTEXT_URL,
                    "id": ENVELOPED_JWT_PREFIX + token,
                    "type": "EnvelopedVerifiableCredential",
                }
            )
            continue
        if not isinstance(credential, Mapping):
            raise InputError(f"Credential {position} is not a JSON object.", field=where)
        contexts = credential.get("@context")
        first = contexts[0] if isinstance(contexts, list) and contexts else contexts
        if first == VC_V2_CONTEXT_URL:
            versions.add("2.0")
        elif first == VC_V1_CONTEXT_URL:
            versions.add("1.1")
        else:
            raise InputError(
                f"Credential {position} is not a Verifiable Credential (its first @context is "
                "neither VC 2.0's nor VC 1.1's).",
                field=where,
            )
        if not credential.get("proof"):
            raise InputError(
                f"Credential {position} has no proof; present only signed credentials.",
                field=where,
            )
        entries.append(dict(credential))
    if len(versions) > 1:
        raise InputError(
            "The credentials mix VC 1.1 and VC 2.0, which one presentation cannot hold; "
            "present them separately.",
            field="credentials",
        )
    return entries, versions.pop() if versions else "2.0"
