"""The issuer's VC-JWT side: JOSE keys (RS256, ES256) in the issuer home, their DID document
entries, and credentials signed as VC-JWT.

A VC-JWT signed with ``EdDSA`` uses the issuer's current Ed25519 key (``kid`` = its verification
method), so nothing new is needed. RS256 (OB 3.0's conformance minimum) and ES256 need their own
keys: ``leadbadge keys add --type rsa|ec`` makes one, encrypted with the issuer's passphrase
like the Ed25519 keys (``keys/jose-<n>.pem``), records it in ``keys/jose.json`` with the
period it is in use, and ``leadbadge publish`` lists it in the did:web DID document as a
``JsonWebKey`` under ``assertionMethod`` (a retired key stays, with ``expires``). Only a
did:web issuer can have them: a did:key issuer has no DID document to publish them in, and
a key named nowhere proves nothing about who signed. docs/issuing.md describes the commands.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from leadbadge import _fs
from leadbadge.crypto.jwk import JoseAlgorithm, JoseSigningKey, PublicJwk
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import InputError, InvalidKeyError, IssuerHomeError
from leadbadge.issuer._home_files import parse_time
from leadbadge.issuer.home import IssuerHome, xsd_datetime
from leadbadge.proof import vc_jwt

__all__ = [
    "JOSE_ALGORITHMS",
    "JoseKeyRecord",
    "add_jose_key",
    "credential_jwt",
    "current_jose_key",
    "jose_keys",
    "jose_signing_key",
    "with_jose_methods",
]

#: The algorithms an issuer can add a key for (EdDSA uses the Ed25519 signing key).
JOSE_ALGORITHMS: Final[tuple[JoseAlgorithm, ...]] = ("RS256", "ES256")
_FILE: Final = "jose.json"
_CID_CONTEXT: Final = "https://www.w3.org/ns/cid/v1"


@dataclass(frozen=True)
class JoseKeyRecord:
    """One JOSE key of the issuer, with the period it is in use."""

    n: int
    alg: JoseAlgorithm
    verification_method: str
    controller: str
    public_key: PublicJwk
    valid_from: datetime
    valid_until: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "alg": self.alg,
            "verificationMethod": self.verification_method,
            "controller": self.controller,
            "publicKeyJwk": self.public_key.to_jwk(),
            "validFrom": xsd_datetime(self.valid_from),
            "validUntil": xsd_datetime(self.valid_until) if self.valid_until else None,
        }

    @classmethod
    def from_json(cls, data: Any, where: str) -> JoseKeyRecord:
        if not isinstance(data, Mapping):
            raise IssuerHomeError(f"{where} is not a JSON object.")
        n, alg, vm, controller = (
            data.get("n"),
            data.get("alg"),
            data.get("verificationMethod"),
            data.get("controller"),
        )
        if not isinstance(n, int) or isinstance(n, bool) or n < 1 or alg not in JOSE_ALGORITHMS:
            raise IssuerHomeError(f"{where} has no valid key number or algorithm.")
        if (
            not isinstance(vm, str)
            or not isinstance(controller, str)
            or not vm.startswith(controller + "#")
        ):
            raise IssuerHomeError(f"{where} has no verification method of its controller.")
        try:
            key = PublicJwk.from_jwk(data.get("publicKeyJwk"))  # type: ignore[arg-type]
        except InvalidKeyError as error:
            raise IssuerHomeError(f"{where}: {error.message}") from None
        if key.alg != alg:
            raise IssuerHomeError(f"{where}: the key is not an {alg} key.")
        return cls(
            n=n,
            alg=key.alg,
            verification_method=vm,
            controller=controller,
            public_key=key,
            valid_from=parse_time(data.get("validFrom"), f"{where}.validFrom"),
            valid_until=(
                None
                if data.get("validUntil") is None
                else parse_time(data.get("validUntil"), f"{where}.validUntil")
            ),
        )


def _file(home: IssuerHome) -> Path:
    return home.path / "keys" / _FILE


def _key_file(home: IssuerHome, n: int) -> Path:
    return home.path / "keys" / f"jose-{n}.pem"


def jose_keys(home: IssuerHome) -> tuple[JoseKeyRecord, ...]:
    """Every JOSE key the issuer has had, oldest first (none for most homes)."""
    path = _file(home)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError, ValueError):
        raise IssuerHomeError(f"{path} is not valid JSON.", path=home.path) from None
    if not isinstance(data, list):
        raise IssuerHomeError(f"{path} is not a list of keys.", path=home.path)
    return tuple(JoseKeyRecord.from_json(e, f"keys/{_FILE}[{i}]") for i, e in enumerate(data))


def current_jose_key(home: IssuerHome, alg: str) -> JoseKeyRecord | None:
    """The key in use now for ``alg``, if the issuer has one."""
    current = [k for k in jose_keys(home) if k.alg == alg and k.valid_until is None]
    return current[-1] if current else None


def add_jose_key(
    home: IssuerHome, alg: JoseAlgorithm, passphrase: str | bytes, *, now: datetime | None = None
) -> JoseKeyRecord:
    """Make a new RS256 or ES256 key, encrypted with the issuer's passphrase.

    The passphrase must open the issuer's current Ed25519 key (so one passphrase protects all
    keys). A previous key of the same algorithm is retired at ``now`` and stays in the list,
    so tokens it signed keep verifying. Publish again afterwards: the DID document lists it.
    """
    if alg not in JOSE_ALGORITHMS:
        raise InputError(
            f"A key can be added for RS256 or ES256, not {alg!r} (EdDSA tokens use the "
            "issuer's Ed25519 key).",
            field="alg",
        )
    if home.did_web is None:
        raise InputError(
            "RS256 and ES256 keys need a did:web issuer, whose DID document publishes them; "
            "this issuer is a did:key. Sign VC-JWTs with EdDSA (the issuer's own key) instead.",
            field="alg",
        )
    home.signing_key(passphrase)
    moment = datetime.fromisoformat(xsd_datetime(now or datetime.now(UTC)))
    existing = list(jose_keys(home))
    n = 1 + max([k.n for k in existing] + [0])
    key = JoseSigningKey.generate(alg)
    key.save(_key_file(home, n), passphrase)
    record = JoseKeyRecord(
        n=n,
        alg=alg,
        verification_method=f"{home.did_web}#jwk-{n}",
        controller=home.did_web,
        public_key=key.public_key,
        valid_from=moment,
    )
    updated = [
        JoseKeyRecord(
            k.n, k.alg, k.verification_method, k.controller, k.public_key, k.valid_from, moment
        )
        if k.alg == alg and k.valid_until is None
        else k
        for k in existing
    ]
    _fs.atomic_write_json(_file(home), [k.to_json() for k in [*updated, record]], mode=0o600)
    return record


def jose_signing_key(
    home: IssuerHome, record: JoseKeyRecord, passphrase: str | bytes
) -> JoseSigningKey:
    """The private key of ``record``; it must be the key the record names."""
    key = JoseSigningKey.load(_key_file(home, record.n), passphrase)
    if key.public_key != record.public_key:
        raise IssuerHomeError(
            f"The key file {_key_file(home, record.n)} does not match keys/{_FILE}.",
            path=home.path,
        )
    return key


def with_jose_methods(document: Mapping[str, Any], home: IssuerHome) -> dict[str, Any]:
    """A did:web DID document with the issuer's JOSE keys added as ``JsonWebKey`` assertion
    methods (CID 1.0); a retired key carries ``expires``, the end of its period."""
    out = dict(document)
    records = jose_keys(home)
    if not records:
        return out
    contexts = list(out.get("@context", []))
    if _CID_CONTEXT not in contexts:
        contexts.append(_CID_CONTEXT)
    methods = list(out.get("verificationMethod", []))
    assertion = list(out.get("assertionMethod", []))
    for record in records:
        method: dict[str, Any] = {
            "id": record.verification_method,
            "type": "JsonWebKey",
            "controller": record.controller,
            "publicKeyJwk": record.public_key.to_jwk(),
        }
        if record.valid_until is not None:
            method["expires"] = xsd_datetime(record.valid_until)
        methods.append(method)
        assertion.append(record.verification_method)
    out.update({"@context": contexts, "verificationMethod": methods, "assertionMethod": assertion})
    return out


def credential_jwt(
    home: IssuerHome,
    credential: Mapping[str, Any],
    key: SigningKey | JoseSigningKey,
    *,
    now: datetime | None = None,
) -> str:
    """The credential signed as a VC-JWT by one of the issuer's current keys.

    ``key`` is the issuer's current Ed25519 key (EdDSA, ``kid`` its verification method) or a
    current JOSE key (RS256/ES256, ``kid`` ``<did>#jwk-<n>``). The header also carries the
    public key (``jwk``), so a verifier without the DID document can still check integrity.
    """
    moment = datetime.fromisoformat(xsd_datetime(now or datetime.now(UTC)))
    jose = JoseSigningKey(key) if isinstance(key, SigningKey) else key
    if jose.alg == "EdDSA":
        current = home.current_key
        if jose.public_key != PublicJwk.from_verifying_key(current.public_key):
            raise IssuerHomeError("The signing key is not the issuer's current key.")
        return vc_jwt.sign(credential, jose, kid=current.verification_method, issued_at=moment)
    key = jose
    record = current_jose_key(home, key.alg)
    if record is None or record.public_key != key.public_key:
        raise IssuerHomeError(f"The {key.alg} key is not the issuer's current {key.alg} key.")
    return vc_jwt.sign(credential, key, kid=record.verification_method, issued_at=moment)
