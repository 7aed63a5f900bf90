"""Pinning an issuer by a key given out of band: reading the key, and the entry it makes."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa, x25519

from leadbadge.crypto import multibase as _multibase
from leadbadge.crypto.jwk import JoseSigningKey, PublicJwk
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import InvalidKeyError, TrustStoreError
from leadbadge.trust.by_key import KEY_SOURCE, issuer_from_key, read_public_key
from leadbadge.trust.store import TrustStore
from tests.conftest import FIXED_NOW
from tests.unit._published import Issuer
from tests.unit.crypto._secrets import assert_no_secret

ISSUER = "https://badges.example.edu/issuers/1"
# TEST-ONLY keys, made once: RSA generation is slow.
RSA = JoseSigningKey.generate("RS256")
P256 = JoseSigningKey.generate("ES256")
P384 = JoseSigningKey.generate("ES384")
ED = JoseSigningKey(SigningKey.generate())
ALL = [RSA, P256, P384, ED]
IDS = ["rsa", "p256", "p384", "ed25519"]


def _inner(key: JoseSigningKey) -> Any:
    inner: Any = key._key
    return inner._key if isinstance(inner, SigningKey) else inner


def _public_pem(key: JoseSigningKey) -> bytes:
    return bytes(
        _inner(key)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def _private_pem(key: JoseSigningKey) -> bytes:
    return bytes(
        _inner(key).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


# --- reading the key -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ALL, ids=IDS)
def test_a_public_jwk_file_is_read_for_every_key_type(key: JoseSigningKey, tmp_path: Path) -> None:
    path = tmp_path / "key.jwk"
    path.write_text(json.dumps({**key.public_key.to_jwk(), "use": "sig"}))
    assert read_public_key(str(path)) == key.public_key


@pytest.mark.parametrize("key", ALL, ids=IDS)
def test_a_pem_public_key_file_is_read_for_every_key_type(
    key: JoseSigningKey, tmp_path: Path
) -> None:
    path = tmp_path / "key.pem"
    path.write_bytes(_public_pem(key))
    assert read_public_key(str(path)) == key.public_key


@pytest.mark.parametrize("key", [P256, P384, ED], ids=["p256", "p384", "ed25519"])
def test_a_multikey_is_read_for_every_curve_that_has_one(key: JoseSigningKey) -> None:
    multikey = key.public_key.multikey
    assert multikey is not None
    assert read_public_key(multikey) == key.public_key


def test_the_jwk_or_pem_text_itself_is_read_too() -> None:
    assert read_public_key(json.dumps(P256.public_key.to_jwk())) == P256.public_key
    assert read_public_key(_public_pem(RSA).decode()) == RSA.public_key


def test_a_jwk_set_of_one_key_is_read_and_of_two_is_refused(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text(json.dumps({"keys": [RSA.public_key.to_jwk()]}))
    assert read_public_key(str(one)) == RSA.public_key
    two = tmp_path / "two.json"
    two.write_text(json.dumps({"keys": [RSA.public_key.to_jwk(), P256.public_key.to_jwk()]}))
    with pytest.raises(InvalidKeyError, match="JWK Set of 2 keys"):
        read_public_key(str(two))


@pytest.mark.parametrize("key", ALL, ids=IDS)
def test_a_private_pem_given_by_mistake_is_refused_and_never_echoed(
    key: JoseSigningKey, tmp_path: Path
) -> None:
    path = tmp_path / "private.pem"
    pem = _private_pem(key)
    path.write_bytes(pem)
    with pytest.raises(InvalidKeyError) as info:
        read_public_key(str(path))
    message = info.value.message
    assert str(path) in message
    assert "private key" in message
    assert "do not publish or share it" in message
    for line in pem.decode().splitlines()[1:-1]:
        assert line[:12] not in message


def test_a_private_jwk_given_by_mistake_is_refused_and_never_echoed(tmp_path: Path) -> None:
    seed = bytes(range(32))
    private = JoseSigningKey(SigningKey.from_seed(seed))
    jwk = {**private.public_key.to_jwk(), "d": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"}
    path = tmp_path / "private.jwk"
    path.write_text(json.dumps(jwk))
    with pytest.raises(InvalidKeyError, match="private") as info:
        read_public_key(str(path))
    assert "share it" in info.value.message
    assert_no_secret(info.value.message, seed)
    # An EC key's 'd' is refused the same way, pasted as text.
    ec_private = _inner(P256).private_numbers().private_value
    with pytest.raises(InvalidKeyError, match="share it"):
        read_public_key(json.dumps({**P256.public_key.to_jwk(), "d": str(ec_private)}))


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (
            lambda: rsa.generate_private_key(public_exponent=65537, key_size=1024),  # noqa: S505
            "1024 bits; leadbadge accepts 2048",
        ),
        (lambda: ec.generate_private_key(ec.SECP521R1()), "secp521r1"),
        (lambda: ec.generate_private_key(ec.SECP256K1()), "secp256k1"),
        (x25519.X25519PrivateKey.generate, "X25519 key"),
    ],
    ids=["rsa-1024", "p521", "secp256k1", "x25519"],
)
def test_a_weak_or_unsupported_pem_key_is_refused(make: Any, says: str, tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    path.write_bytes(
        make()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(InvalidKeyError, match=says):
        read_public_key(str(path))


def test_what_is_not_a_key_is_refused_without_echoing_it(tmp_path: Path) -> None:
    pasted = "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v_not_a_path"
    with pytest.raises(InvalidKeyError, match="neither a Multikey") as info:
        read_public_key(pasted)
    assert pasted not in info.value.message
    binary = tmp_path / "key.der"
    binary.write_bytes(b"\x30\x2a\x30\x05" + bytes(40))
    with pytest.raises(InvalidKeyError, match="neither a JWK nor a PEM public key"):
        read_public_key(str(binary))
    large = tmp_path / "large.pem"
    large.write_bytes(b"-" * (64 * 1024 + 1))
    with pytest.raises(InvalidKeyError, match="too large"):
        read_public_key(str(large))
    # did:key's RSA form (rsa-pub, PKCS#1 DER) is not a Multikey of CID 1.0: named, refused.
    der = (
        _inner(RSA)
        .public_key()
        .public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    )
    rsa_multikey = _multibase.encode_base58btc(_multibase.varint_encode(0x1205) + der)
    with pytest.raises(InvalidKeyError, match=r"multicodec 0x1205 \(rsa-pub\)"):
        read_public_key(rsa_multikey)


# --- the entry it makes --------------------------------------------------------------------------


def _pin(store: TrustStore, key: PublicJwk, **kwargs: Any) -> Any:
    published = issuer_from_key(ISSUER, key, existing=store.find_issuer(ISSUER), **kwargs)
    return store.pin(published, pinned_at=FIXED_NOW).issuer


def test_an_ed25519_key_is_pinned_under_keys_and_others_under_json_web_keys(
    store: TrustStore,
) -> None:
    _pin(store, ED.public_key)
    _pin(store, RSA.public_key, name="Example U")
    _pin(store, P256.public_key)
    pinned = store.find_issuer(ISSUER)
    assert pinned is not None
    assert pinned.source == KEY_SOURCE
    assert pinned.name == "Example U"
    assert [k.id for k in pinned.keys] == [f"{ISSUER}#{ED.public_key.multikey}"]
    # RSA has no Multikey form: its id carries the RFC 7638 thumbprint.
    assert [(k.id, k.key) for k in pinned.json_web_keys] == [
        (f"{ISSUER}#{RSA.public_key.thumbprint}", RSA.public_key),
        (f"{ISSUER}#{P256.public_key.multikey}", P256.public_key),
    ]
    assert all(k.controller == ISSUER for k in pinned.json_web_keys)
    # Read back from its file exactly as written.
    assert TrustStore.open(store.root).find_issuer(ISSUER) == pinned


def test_giving_a_key_again_replaces_its_period(store: TrustStore) -> None:
    start = FIXED_NOW - timedelta(days=30)
    _pin(store, RSA.public_key, valid_from=start)
    _pin(store, RSA.public_key, valid_until=FIXED_NOW)
    pinned = store.find_issuer(ISSUER)
    assert pinned is not None
    (key,) = pinned.json_web_keys
    assert (key.valid_from, key.valid_until) == (None, FIXED_NOW)


def test_keys_given_by_hand_may_be_in_use_at_the_same_time(store: TrustStore) -> None:
    # Regression: two keys both "in use since" a date made an entry that could not be read back.
    first, second = SigningKey.generate().public_key, SigningKey.generate().public_key
    _pin(store, PublicJwk.from_verifying_key(first), valid_from=FIXED_NOW - timedelta(days=9))
    _pin(store, PublicJwk.from_verifying_key(second), valid_from=FIXED_NOW - timedelta(days=3))
    _pin(store, P256.public_key, valid_from=FIXED_NOW - timedelta(days=5))
    _pin(store, P384.public_key, valid_from=FIXED_NOW - timedelta(days=5))
    issuers, damaged = TrustStore.open(store.root).scan()
    assert damaged == []
    (pinned,) = issuers
    assert {k.public_key for k in pinned.keys} == {first, second}
    assert len(pinned.json_web_keys) == 2


@pytest.mark.parametrize(
    ("issuer_id", "start", "end", "says"),
    [
        ("not a url", None, None, "not a URL or a DID"),
        (ISSUER, FIXED_NOW, FIXED_NOW, "must be later than --valid-from"),
        (ISSUER, FIXED_NOW, FIXED_NOW - timedelta(seconds=1), "must be later than --valid-from"),
    ],
)
def test_a_bad_issuer_id_or_period_is_refused(
    issuer_id: str, start: datetime | None, end: datetime | None, says: str
) -> None:
    with pytest.raises(TrustStoreError, match=says):
        issuer_from_key(issuer_id, RSA.public_key, valid_from=start, valid_until=end)


def test_an_issuer_pinned_from_what_it_publishes_is_not_extended_by_hand(
    store: TrustStore, tmp_path: Path
) -> None:
    published = Issuer.make()
    published.publish(tmp_path / "site")
    pinned = store.add_published(tmp_path / "site").issuer
    with pytest.raises(TrustStoreError, match="remove it first"):
        issuer_from_key(pinned.id, RSA.public_key, existing=pinned)
