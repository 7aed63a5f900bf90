"""JSON Web Keys: strict parsing, one algorithm per key type, signatures, encrypted key files."""

from __future__ import annotations

import base64
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, rsa, x25519

from leadbadge.crypto import multibase as _multibase
from leadbadge.crypto.jwk import ALGORITHMS, JoseSigningKey, PublicJwk, algorithm_for_key_type
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import InputError, InvalidKeyError, KeyFileExistsError, WrongPassphraseError
from tests.unit.crypto._secrets import assert_no_secret

# TEST-ONLY keys, made once: RSA generation is slow.
RSA = JoseSigningKey.generate("RS256")
EC = JoseSigningKey.generate("ES256")
P384 = JoseSigningKey.generate("ES384")
ED = JoseSigningKey(SigningKey.from_seed(bytes(range(32))))
PASSPHRASE = "correct horse battery staple"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("key", "alg", "kty"),
    [(RSA, "RS256", "RSA"), (EC, "ES256", "EC"), (P384, "ES384", "EC"), (ED, "EdDSA", "OKP")],
)
def test_each_key_type_has_exactly_one_algorithm(key: JoseSigningKey, alg: str, kty: str) -> None:
    assert key.alg == alg
    assert key.public_key.alg == alg
    assert key.public_key.kty == kty
    assert algorithm_for_key_type(kty, key.public_key.to_jwk().get("crv")) == alg
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


def test_es384_signatures_are_raw_r_and_s_of_48_bytes() -> None:
    signature = P384.sign(b"data")
    assert len(signature) == 96
    assert P384.public_key.verify("ES384", signature, b"data")
    assert not P384.public_key.verify("ES384", signature[:95], b"data")
    # A P-256 signature is refused by length, not by a failed curve computation.
    assert not P384.public_key.verify("ES384", EC.sign(b"data"), b"data")


def test_an_ec_key_s_algorithm_follows_from_its_curve() -> None:
    assert algorithm_for_key_type("EC", "P-256") == "ES256"
    assert algorithm_for_key_type("EC", "P-384") == "ES384"
    # Without a curve (or with one leadbadge refuses) an EC key has no algorithm at all.
    assert algorithm_for_key_type("EC") is None
    assert algorithm_for_key_type("EC", "P-521") is None
    assert algorithm_for_key_type("OKP", "X25519") is None
    assert algorithm_for_key_type("oct") is None


def test_jwk_round_trip_and_rfc7638_thumbprint() -> None:
    for key in (RSA, EC, P384, ED):
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
    assert "share" in info.value.message


def test_weak_and_unknown_keys_are_refused() -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()  # noqa: S505
    numbers = weak.public_numbers()
    small = {"kty": "RSA", "n": _b64(numbers.n.to_bytes(128, "big")), "e": "AQAB"}
    with pytest.raises(InvalidKeyError, match="1024 bits"):
        PublicJwk.from_jwk(small)
    with pytest.raises(InvalidKeyError, match="not one leadbadge verifies"):
        PublicJwk.from_jwk({"kty": "oct", "x": "AA"})
    p521 = ec.generate_private_key(ec.SECP521R1()).public_key().public_numbers()
    with pytest.raises(InvalidKeyError, match="P-256 \\(ES256\\) and P-384"):
        PublicJwk.from_jwk(
            {
                "kty": "EC",
                "crv": "P-521",
                "x": _b64(p521.x.to_bytes(66, "big")),
                "y": _b64(p521.y.to_bytes(66, "big")),
            }
        )
    with pytest.raises(InvalidKeyError, match="'OKP' \\(curve 'X25519'\\)"):
        PublicJwk.from_jwk({"kty": "OKP", "crv": "X25519", "x": _b64(bytes(32))})
    # A P-384 key's members are 48 bytes: a P-256-sized one is refused, not padded.
    jwk = EC.public_key.to_jwk()
    with pytest.raises(InvalidKeyError, match="48 bytes"):
        PublicJwk.from_jwk({**jwk, "crv": "P-384"})
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
    for name, key in (("rsa.pem", RSA), ("ec.pem", EC), ("p384.pem", P384), ("ed.pem", ED)):
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
    with pytest.raises(InputError, match="RS256, ES256, ES384 or EdDSA"):
        JoseSigningKey.generate("HS256")  # type: ignore[arg-type]


# --- PEM public keys -----------------------------------------------------------------------------


def _public_pem(key: Any) -> bytes:
    return bytes(
        key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )


def _private_pem(key: Any, form: serialization.PrivateFormat) -> bytes:
    return bytes(key.private_bytes(serialization.Encoding.PEM, form, serialization.NoEncryption()))


def _private_key(key: JoseSigningKey) -> Any:
    """The ``cryptography`` private key inside a JoseSigningKey (or its SigningKey)."""
    inner: Any = key._key
    return inner._key if isinstance(inner, SigningKey) else inner


@pytest.mark.parametrize(
    ("key", "kty", "crv"),
    [(RSA, "RSA", None), (EC, "EC", "P-256"), (P384, "EC", "P-384"), (ED, "OKP", "Ed25519")],
)
def test_a_pem_public_key_reads_as_its_jwk(key: JoseSigningKey, kty: str, crv: str | None) -> None:
    read = PublicJwk.from_pem(_public_pem(_private_key(key).public_key()))
    assert (read.alg, read.kty, read.to_jwk().get("crv")) == (key.alg, kty, crv)
    assert read == key.public_key


def test_a_pkcs1_rsa_public_key_pem_is_read_too() -> None:
    pem = (
        _private_key(RSA)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
    )
    assert b"BEGIN RSA PUBLIC KEY" in pem
    assert PublicJwk.from_pem(pem) == RSA.public_key


@pytest.mark.parametrize(
    "form",
    [serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL],
)
@pytest.mark.parametrize("which", ["rsa", "ec"])
def test_a_pem_private_key_is_refused_and_never_echoed(
    which: str, form: serialization.PrivateFormat
) -> None:
    pem = _private_pem(_private_key(RSA if which == "rsa" else EC), form)
    with pytest.raises(InvalidKeyError) as info:
        PublicJwk.from_pem(pem)
    message = info.value.message
    assert "private key" in message
    assert "share" in message
    body = b"".join(pem.splitlines()[1:-1]).decode()
    assert body[:16] not in message


def test_an_ed25519_pem_private_key_is_refused_and_never_echoed() -> None:
    seed = bytes(range(32))
    ed = JoseSigningKey(SigningKey.from_seed(seed))
    pem = _private_pem(_private_key(ed), serialization.PrivateFormat.PKCS8)
    with pytest.raises(InvalidKeyError, match="private key") as info:
        PublicJwk.from_pem(pem)
    assert_no_secret(info.value.message, seed)


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda: dsa.generate_private_key(key_size=2048).public_key(), "DSA key"),
        (lambda: x25519.X25519PrivateKey.generate().public_key(), "X25519 key"),
        (lambda: ed448.Ed448PrivateKey.generate().public_key(), "Ed448 key"),
        (lambda: ec.generate_private_key(ec.SECP256K1()).public_key(), "secp256k1"),
        (lambda: ec.generate_private_key(ec.SECP521R1()).public_key(), "secp521r1"),
        (
            lambda: rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key(),  # noqa: S505
            "1024 bits",
        ),
    ],
)
def test_a_pem_key_of_an_unsupported_or_weak_type_is_refused(make: Any, says: str) -> None:
    with pytest.raises(InvalidKeyError, match=says):
        PublicJwk.from_pem(_public_pem(make()))


def test_a_certificate_or_garbage_is_not_a_pem_public_key() -> None:
    with pytest.raises(InvalidKeyError, match="certificate"):
        PublicJwk.from_pem(b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    with pytest.raises(InvalidKeyError, match="not a PEM public key"):
        PublicJwk.from_pem(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")


# --- Multikey ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "prefix"), [(ED, "z6Mk"), (EC, "zDn"), (P384, "z82")])
def test_multikey_round_trip_for_each_curve(key: JoseSigningKey, prefix: str) -> None:
    multikey = key.public_key.multikey
    assert multikey is not None
    assert multikey.startswith(prefix)
    assert PublicJwk.from_multikey(multikey) == key.public_key


# did:key Method v0.7 test vectors (test-vectors/nist-curves.json): a Multikey and its JWK.
NIST_VECTORS = [
    (
        "zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv",
        {
            "kty": "EC",
            "crv": "P-256",
            "x": "igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns",
            "y": "efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM",
        },
        "ES256",
    ),
    (
        "z82Lm1MpAkeJcix9K8TMiLd5NMAhnwkjjCBeWHXyu3U4oT2MVJJKXkcVBgjGhnLBn2Kaau9",
        {
            "kty": "EC",
            "crv": "P-384",
            "x": "lInTxl8fjLKp_UCrxI0WDklahi-7-_6JbtiHjiRvMvhedhKVdHBfi2HCY8t_QJyc",
            "y": "y6N1IC-2mXxHreETBW7K3mBcw0qGr3CWHCs-yl09yCQRLcyfGv7XhqAngHOu51Zv",
        },
        "ES384",
    ),
]


@pytest.mark.parametrize(("multikey", "jwk", "alg"), NIST_VECTORS)
def test_the_did_key_nist_curve_vectors(multikey: str, jwk: dict[str, str], alg: str) -> None:
    key = PublicJwk.from_multikey(multikey)
    assert key.to_jwk() == jwk
    assert (key.alg, key.key_type) == (alg, jwk["crv"])
    assert PublicJwk.from_jwk(jwk).multikey == multikey


def test_an_rsa_key_has_no_multikey() -> None:
    assert RSA.public_key.multikey is None
    assert RSA.public_key.key_type == "RSA"


@pytest.mark.parametrize(
    ("payload", "says"),
    [
        (b"\x80\x26" + bytes(range(32)), "secret key"),
        (b"\x86\x26" + bytes(33), "secret key"),
        (b"\xec\x01" + bytes(32), "x25519-pub"),
        (b"\x80\x24" + bytes(32), "compressed point of 33 bytes"),
        (b"\x80\x24\x04" + bytes(32), "compressed point"),
        (b"\x80\x24\x02" + b"\xff" * 32, "not a point on the curve"),
        (b"\x81\x24\x02" + bytes(32), "P-384 Multikey holds a compressed point of 49 bytes"),
    ],
)
def test_a_multikey_that_is_not_a_usable_public_key_is_refused(payload: bytes, says: str) -> None:
    with pytest.raises(InvalidKeyError, match=says) as info:
        PublicJwk.from_multikey(_multibase.encode_base58btc(payload))
    assert _multibase.b58encode(payload[2:]) not in info.value.message
