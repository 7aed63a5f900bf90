"""JSON Web Keys: strict parsing, one algorithm per key type, signatures, encrypted key files."""

from __future__ import annotations

import base64
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from leadbadge.crypto.jwk import ALGORITHMS, JoseSigningKey, PublicJwk, algorithm_for_key_type
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import InputError, InvalidKeyError, KeyFileExistsError, WrongPassphraseError

# TEST-ONLY keys, made once: RSA generation is slow.
RSA = JoseSigningKey.generate("RS256")
EC = JoseSigningKey.generate("ES256")
ED = JoseSigningKey(SigningKey.from_seed(bytes(range(32))))
PASSPHRASE = "correct horse battery staple"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("key", "alg", "kty"), [(RSA, "RS256", "RSA"), (EC, "ES256", "EC"), (ED, "EdDSA", "OKP")]
)
def test_each_key_type_has_exactly_one_algorithm(key: JoseSigningKey, alg: str, kty: str) -> None:
    assert key.alg == alg
    assert key.public_key.alg == alg
    assert key.public_key.kty == kty
    assert algorithm_for_key_type(kty) == alg
    data = b"header.payload"
    signature = key.sign(data)
    assert key.public_key.verify(alg, signature, data)
    assert not key.public_key.verify(alg, signature, data + b"x")
    for other in ALGORITHMS - {alg}:
        # The algorithm belongs to the key: a token naming another one never verifies.
        assert not key.public_key.verify(other, signature, data)


def test_es256_signatures_are_raw_r_and_s() -> None:
    signature = EC.sign(b"data")
    assert len(signature) == 64
    assert not EC.public_key.verify("ES256", signature[:63], b"data")


def test_jwk_round_trip_and_rfc7638_thumbprint() -> None:
    for key in (RSA, EC, ED):
        jwk = key.public_key.to_jwk()
        assert "d" not in jwk
        assert PublicJwk.from_jwk(jwk) == key.public_key
        assert hash(PublicJwk.from_jwk(jwk)) == hash(key.public_key)
    # RFC 7638 §3.1: the thumbprint of the RFC's example RSA key.
    example = {
        "kty": "RSA",
        "n": (
            "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tS"
            "oc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65"
            "YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyr"
            "dkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzK"
            "nqDKgw"
        ),
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29",
    }
    assert PublicJwk.from_jwk(example).thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    assert ED.public_key.thumbprint == ED.public_key.ed25519.jwk_thumbprint  # type: ignore[union-attr]


@pytest.mark.parametrize("member", ["d", "p", "q", "dp", "dq", "qi", "k"])
def test_a_private_member_is_refused_without_echoing_it(member: str) -> None:
    jwk = {**RSA.public_key.to_jwk(), member: "c2VjcmV0LXZhbHVl"}
    with pytest.raises(InvalidKeyError) as info:
        PublicJwk.from_jwk(jwk)
    assert "c2VjcmV0" not in info.value.message
    assert "private" in info.value.message


def test_weak_and_unknown_keys_are_refused() -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()  # noqa: S505
    numbers = weak.public_numbers()
    small = {"kty": "RSA", "n": _b64(numbers.n.to_bytes(128, "big")), "e": "AQAB"}
    with pytest.raises(InvalidKeyError, match="1024 bits"):
        PublicJwk.from_jwk(small)
    with pytest.raises(InvalidKeyError, match="not one leadbadge verifies"):
        PublicJwk.from_jwk({"kty": "oct", "x": "AA"})
    p384 = ec.generate_private_key(ec.SECP384R1()).public_key().public_numbers()
    with pytest.raises(InvalidKeyError, match="P-256"):
        PublicJwk.from_jwk(
            {
                "kty": "EC",
                "crv": "P-384",
                "x": _b64(p384.x.to_bytes(48, "big")),
                "y": _b64(p384.y.to_bytes(48, "big")),
            }
        )
    with pytest.raises(InvalidKeyError, match="JSON object"):
        PublicJwk.from_jwk("not a jwk")  # type: ignore[arg-type]


def test_a_point_off_the_curve_is_refused() -> None:
    jwk = EC.public_key.to_jwk()
    y = base64.urlsafe_b64decode(jwk["y"] + "=")
    jwk["y"] = _b64(bytes([y[0] ^ 1]) + y[1:])
    with pytest.raises(InvalidKeyError, match="not a point on the curve"):
        PublicJwk.from_jwk(jwk)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"alg": "ES256"}, "does not fit"),
        ({"use": "enc"}, "'use'"),
        ({"key_ops": ["encrypt"]}, "key_ops"),
    ],
)
def test_a_jwk_that_does_not_allow_signature_verification_is_refused(
    extra: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidKeyError, match=message):
        PublicJwk.from_jwk({**RSA.public_key.to_jwk(), **extra})


def test_non_canonical_base64url_is_refused() -> None:
    jwk = EC.public_key.to_jwk()
    with pytest.raises(InvalidKeyError, match="base64url"):
        PublicJwk.from_jwk({**jwk, "x": jwk["x"] + "="})


def test_key_files_are_encrypted_and_round_trip(tmp_path: Path) -> None:
    for name, key in (("rsa.pem", RSA), ("ec.pem", EC), ("ed.pem", ED)):
        path = tmp_path / name
        key.save(path, PASSPHRASE)
        assert path.stat().st_mode & 0o777 == 0o600
        text = path.read_text()
        assert "ENCRYPTED PRIVATE KEY" in text
        loaded = JoseSigningKey.load(path, PASSPHRASE)
        assert loaded.public_key == key.public_key
        with pytest.raises(WrongPassphraseError):
            JoseSigningKey.load(path, "wrong")
    with pytest.raises(KeyFileExistsError):
        RSA.save(tmp_path / "rsa.pem", PASSPHRASE)  # never clobbers


def test_private_keys_do_not_leak_through_repr_or_pickle() -> None:
    shown = repr(RSA)
    assert RSA.public_key.thumbprint in shown
    numbers = json.dumps(RSA.public_key.to_jwk())
    assert "PRIVATE" not in shown
    assert len(shown) < len(numbers)
    with pytest.raises(TypeError):
        pickle.dumps(RSA)


def test_unknown_algorithm_cannot_be_generated() -> None:
    with pytest.raises(InputError, match="RS256, ES256 or EdDSA"):
        JoseSigningKey.generate("HS256")  # type: ignore[arg-type]
