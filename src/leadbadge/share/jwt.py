"""A credential as a VC-JWT (compact JWS) and back; signing and verifying live in the proof suite.

:func:`encode` wraps :func:`leadbadge.proof.vc_jwt.sign`; :func:`decode` reads a token's
credential without checking anything (the verifier does that, with its own policy).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leadbadge.proof.jwt_shape import looks_like_jwt

# Signing and reading a token's claims (vc_jwt, and with it the JOSE keys) load when a token is
# encoded or decoded: telling a token from JSON, which every input goes through, needs neither.
if TYPE_CHECKING:
    from leadbadge.crypto.jwk import JoseSigningKey
    from leadbadge.proof.vc_jwt import JwtForm

__all__ = ["DecodedJwt", "decode", "encode", "looks_like_jwt"]


@dataclass(frozen=True)
class DecodedJwt:
    """What a VC-JWT carries, unverified."""

    token: str
    header: dict[str, Any]
    #: The credential, as OB 3.0 §8.2 and VC Data Model 1.1 §6.3.1 say to read it.
    document: dict[str, Any]
    form: JwtForm


def encode(
    credential: Mapping[str, Any],
    key: JoseSigningKey,
    *,
    kid: str | None,
    include_jwk: bool = True,
    issued_at: datetime | None = None,
) -> str:
    """The credential signed as a VC-JWT (see :func:`leadbadge.proof.vc_jwt.sign`)."""
    from leadbadge.proof import vc_jwt  # noqa: PLC0415 -- see the module's imports

    return vc_jwt.sign(credential, key, kid=kid, include_jwk=include_jwk, issued_at=issued_at)


def decode(token: str) -> DecodedJwt:
    """The credential in a VC-JWT, unverified; :class:`~leadbadge.errors.InputError` if the
    token is malformed."""
    from leadbadge.proof import vc_jwt  # noqa: PLC0415 -- see the module's imports

    parsed = vc_jwt.parse(token)
    credential = vc_jwt.credential_from_payload(parsed.payload)
    return DecodedJwt(parsed.token, parsed.header, credential.document, credential.form)
