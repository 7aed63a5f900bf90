"""Ed25519 keys: Multikey/JWK encodings, the W3C and 1EdTech vectors, strict decoding."""

from __future__ import annotations

import base64
import json
import os
import pickle
import sys
from typing import Any

import pytest

from leadbadge.crypto import multibase as _multibase
from leadbadge.crypto.keys import SigningKey, VerifyingKey, decode_multikey
from leadbadge.errors import (
    InvalidKeyError,
)
from tests.conftest import interop_path
from tests.unit.crypto._secrets import assert_no_secret

# RFC 8032 §7.1 TEST 1 / RFC 8037 Appendix A: seed, public key, JWK x and RFC 7638 thumbprint.
RFC_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
RFC_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"

PASSPHRASE = "correct horse battery staple"
POSIX = sys.platform != "win32"


def _json(*parts: str) -> Any:
    return json.loads(interop_path(*parts).read_text(encoding="utf-8"))


def _mk(payload: bytes) -> str:
    return _multibase.encode_base58btc(payload)


# --- encodings ---------------------------------------------------------------------------------


def test_generate_sign_verify_round_trip() -> None:
    key = SigningKey.generate()
    sig = key.sign(b"hello")
    assert len(sig) == 64
    assert key.public_key.verify(sig, b"hello")
    assert not key.public_key.verify(sig, b"hellO")
    assert not key.public_key.verify(sig[:-1], b"hello")
    assert not key.public_key.verify(b"\0" * 64, b"hello")
    assert not SigningKey.generate().public_key.verify(sig, b"hello")


def test_multikey_round_trip_and_format() -> None:
    for _ in range(50):
        public = SigningKey.generate().public_key
        mk = public.multikey
        assert mk.startswith("z6Mk")
        decoded = _multibase.decode_base58btc(mk)
        assert decoded[:2] == b"\xed\x01"
        assert decoded[2:] == public.raw
        assert len(decoded) == 34
        assert VerifyingKey.from_multikey(mk) == public
        assert VerifyingKey.from_raw(public.raw) == public


def test_jwk_round_trip_and_rfc8037_vector() -> None:
    key = SigningKey.from_seed(RFC_SEED)
    assert key.public_key.raw == RFC_PUBLIC
    assert key.public_key.to_jwk() == {"kty": "OKP", "crv": "Ed25519", "x": RFC_X}
    assert key.public_key.jwk_thumbprint == RFC_THUMBPRINT
    assert VerifyingKey.from_jwk(key.public_key.to_jwk()) == key.public_key
    assert VerifyingKey.from_jwk({**key.public_key.to_jwk(), "kid": "k", "alg": "EdDSA"})
    public = SigningKey.generate().public_key
    assert VerifyingKey.from_jwk(public.to_jwk()) == public


def test_did_key_forms() -> None:
    public = SigningKey.from_seed(RFC_SEED).public_key
    mk = public.multikey
    assert public.did_key == f"did:key:{mk}"
    assert public.did_key_verification_method == f"did:key:{mk}#{mk}"


def test_key_id_is_the_multikey_and_stable() -> None:
    vector = _json("vc-di-eddsa", "TestVectors", "keyPair.json")
    public = SigningKey.from_multibase(vector["privateKeyMultibase"]).public_key
    # A fixed published value: the id may not change between versions of this code.
    assert public.key_id == "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    assert VerifyingKey.from_multikey(vector["publicKeyMultibase"]).key_id == public.key_id
    assert VerifyingKey.from_jwk(public.to_jwk()).key_id == public.key_id
    assert SigningKey.from_seed(RFC_SEED).public_key.key_id == (
        SigningKey.from_seed(RFC_SEED).public_key.key_id
    )


def test_verifying_key_equality_and_hash() -> None:
    a = SigningKey.from_seed(RFC_SEED).public_key
    b = VerifyingKey.from_raw(RFC_PUBLIC)
    other = SigningKey.generate().public_key
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b, other}) == 2
    assert a != other
    assert a != RFC_PUBLIC
    assert repr(a) == f"VerifyingKey({a.multikey!r})"


# --- official vectors --------------------------------------------------------------------------


def test_w3c_vector_keypair_and_signature() -> None:
    vector = _json("vc-di-eddsa", "TestVectors", "keyPair.json")
    key = SigningKey.from_multibase(vector["privateKeyMultibase"])
    assert key.public_key.multikey == vector["publicKeyMultibase"]
    assert VerifyingKey.from_multikey(vector["publicKeyMultibase"]) == key.public_key
    # Ed25519 is deterministic: signing the published combined hash gives the published value.
    folder = interop_path("vc-di-eddsa", "TestVectors", "eddsa-rdfc-2022")
    combined = bytes.fromhex((folder / "combinedHashDataInt.txt").read_text().strip())
    sig_hex = (folder / "sigHexDataInt.txt").read_text().strip()
    assert key.sign(combined).hex() == sig_hex
    assert key.public_key.verify(bytes.fromhex(sig_hex), combined)


def test_w3c_proof_set_key_pairs() -> None:
    pairs = _json("vc-di-eddsa", "TestVectors", "proof-set-chain", "multiKeyPairs.json")
    assert len(pairs) >= 4
    for pair in pairs.values():
        key = SigningKey.from_multibase(pair["privateKeyMultibase"])
        assert key.public_key.multikey == pair["publicKeyMultibase"]


def test_1edtech_vector_64_byte_secret_key() -> None:
    vector = _json("ob-impl-guide-test-vector", "keyPair.json")
    secret = _multibase.decode_base58btc(vector["secretKeyMultibase"])
    assert secret[:2] == b"\x80\x26"
    assert len(secret) == 2 + 64
    key = SigningKey.from_multibase(vector["secretKeyMultibase"])
    assert key.public_key.multikey == vector["publicKeyMultibase"]
    assert key.public_key.raw.hex() == vector["publicKeyHex"]
    hashes = _json("ob-impl-guide-test-vector", "hashes.json")
    assert key.sign(bytes.fromhex(hashes["dataToSignHex"])).hex() == hashes["signatureHex"]
    # The 32-byte form of the same seed is the same key.
    assert SigningKey.from_multibase(_mk(secret[:34])).public_key == key.public_key


def test_64_byte_secret_key_with_foreign_public_half_is_refused() -> None:
    seed = os.urandom(32)
    foreign = SigningKey.generate().public_key.raw
    with pytest.raises(InvalidKeyError, match="public half") as info:
        SigningKey.from_multibase(_mk(b"\x80\x26" + seed + foreign))
    assert_no_secret(str(info.value), seed)


# --- strict decoding ---------------------------------------------------------------------------

_GOOD = SigningKey.from_seed(RFC_SEED).public_key


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("6Mk" + _GOOD.multikey[4:], "start with 'z'"),
        (_multibase.encode_base64url(b"\xed\x01" + RFC_PUBLIC), "start with 'z'"),
        (_mk(b"\xe7\x01" + b"\x02" + bytes(32)), "secp256k1-pub"),
        (_mk(b"\xec\x01" + RFC_PUBLIC), "x25519-pub"),
        (_mk(b"\x80\x24" + b"\x02" + bytes(32)), "p256-pub"),
        (_mk(b"\xed\x01" + RFC_PUBLIC + b"\x00"), "not 35"),
        (_mk(b"\xed\x01" + RFC_PUBLIC[:31]), "not 33"),
        (_mk(b"\xed\x01"), "not 2"),
        ("z", "multicodec header"),
        (_GOOD.multikey[:10] + "0" + _GOOD.multikey[11:], "outside base58btc"),
        (_GOOD.multikey[:10] + "l" + _GOOD.multikey[11:], "outside base58btc"),
        ("z1" + _GOOD.multikey[1:], "multicodec 0x0"),
        (_mk(b"\xed\x01" + bytes([1]) + bytes(31)), "small-order"),
        (_mk(b"\xed\x01" + (2).to_bytes(32, "little")), "not a valid curve point"),
        (_mk(b"\xed\x01" + b"\xed" + b"\xff" * 30 + b"\x7f"), "curve point"),
    ],
)
def test_from_multikey_is_strict(value: str, reason: str) -> None:
    with pytest.raises(InvalidKeyError, match=reason):
        VerifyingKey.from_multikey(value)


def test_from_multikey_refuses_non_string() -> None:
    with pytest.raises(InvalidKeyError, match="string"):
        VerifyingKey.from_multikey(RFC_PUBLIC)  # type: ignore[arg-type]


def test_secret_key_handed_as_public_key_is_refused_without_echo() -> None:
    seed = os.urandom(32)
    with pytest.raises(InvalidKeyError, match="secret key") as info:
        VerifyingKey.from_multikey(_mk(b"\x80\x26" + seed))
    assert_no_secret(str(info.value), seed)
    # The one handing it over is told to keep it to themselves.
    assert "do not publish or share it" in str(info.value)


@pytest.mark.parametrize(
    ("payload", "codec"),
    [(b"\xed\x01" + RFC_PUBLIC, 0xED), (b"\x80\x24" + bytes(33), 0x1200),
     (b"\x81\x24" + bytes(49), 0x1201)],
)  # fmt: skip
def test_decode_multikey_splits_any_key_type(payload: bytes, codec: int) -> None:
    assert decode_multikey(_mk(payload)) == (codec, payload[2:])


def test_decode_multikey_refuses_what_is_not_multibase_base58btc() -> None:
    with pytest.raises(InvalidKeyError, match="base58btc"):
        decode_multikey("u" + RFC_X)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"\xed\x01" + RFC_PUBLIC, "ed25519-pub"),
        (b"\x80\x26" + RFC_SEED[:31], "not 31"),
        (b"\x80\x26" + RFC_SEED + b"\x00", "not 33"),
        (b"\x80\x26" + RFC_SEED + RFC_PUBLIC[:31], "not 63"),
        (b"\x86\x26" + RFC_SEED, "p256-priv"),
    ],
)
def test_from_multibase_is_strict_and_never_echoes(payload: bytes, reason: str) -> None:
    with pytest.raises(InvalidKeyError, match=reason) as info:
        SigningKey.from_multibase(_mk(payload))
    assert_no_secret(str(info.value), RFC_SEED)
    assert _mk(payload) not in str(info.value)


def test_from_multibase_bad_base58_does_not_echo_the_character() -> None:
    secret = _mk(b"\x80\x26" + RFC_SEED)
    broken = secret[:20] + "0" + secret[21:]
    with pytest.raises(InvalidKeyError) as info:
        SigningKey.from_multibase(broken)
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__
    assert_no_secret(str(info.value), RFC_SEED)


@pytest.mark.parametrize("length", [0, 16, 31, 33, 64])
def test_from_seed_requires_32_bytes(length: int) -> None:
    with pytest.raises(InvalidKeyError, match=f"not {length}"):
        SigningKey.from_seed(bytes(length))


@pytest.mark.parametrize(
    ("jwk", "reason"),
    [
        ({"kty": "EC", "crv": "P-256", "x": RFC_X, "y": RFC_X}, "'OKP'"),
        ({"kty": "OKP", "crv": "X25519", "x": RFC_X}, "'Ed25519'"),
        ({"kty": "OKP", "crv": "Ed25519"}, "no 'x'"),
        ({"kty": "OKP", "crv": "Ed25519", "x": RFC_X + "="}, "base64url"),
        ({"kty": "OKP", "crv": "Ed25519", "x": base64.b64encode(b"\xfb" * 32).decode()}, "base64"),
        ({"kty": "OKP", "crv": "Ed25519", "x": RFC_X[:-1] + "p"}, "canonical"),
        ({"kty": "OKP", "crv": "Ed25519", "x": RFC_X[:-4]}, "not 29"),
        ({"kty": "OKP", "crv": "Ed25519", "x": RFC_X, "alg": "RS256"}, "alg"),
        ({"kty": "OKP", "crv": "Ed25519", "x": RFC_X, "use": "enc"}, "use"),
    ],
)
def test_from_jwk_is_strict(jwk: dict[str, str], reason: str) -> None:
    with pytest.raises(InvalidKeyError, match=reason):
        VerifyingKey.from_jwk(jwk)


def test_private_jwk_is_refused_without_echoing_d() -> None:
    d = base64.urlsafe_b64encode(RFC_SEED).decode().rstrip("=")
    with pytest.raises(InvalidKeyError, match=r"private key.*share it") as info:
        VerifyingKey.from_jwk({"kty": "OKP", "crv": "Ed25519", "x": RFC_X, "d": d})
    assert_no_secret(str(info.value), RFC_SEED)
    assert_no_secret(repr(info.value), RFC_SEED)


def test_signing_key_repr_never_reveals_the_seed() -> None:
    key = SigningKey.from_seed(RFC_SEED)
    for text in (repr(key), str(key), f"{key}", repr([key])):
        assert_no_secret(text, RFC_SEED)
        assert key.public_key.multikey in text
    with pytest.raises(TypeError):
        pickle.dumps(key)
