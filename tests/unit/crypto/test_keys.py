"""Ed25519 keys: Multikey/JWK encodings, the W3C and 1EdTech vectors, encrypted key files."""

from __future__ import annotations

import base64
import json
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from leadbadge.crypto import keys
from leadbadge.crypto import multibase as _multibase
from leadbadge.crypto.keys import SigningKey, VerifyingKey
from leadbadge.errors import (
    InputError,
    InvalidKeyError,
    KeyFileExistsError,
    LeadbadgeError,
    WrongPassphraseError,
)
from tests.conftest import interop_path

# RFC 8032 §7.1 TEST 1 / RFC 8037 Appendix A: seed, public key, JWK x and RFC 7638 thumbprint.
RFC_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC_X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
RFC_THUMBPRINT = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"

PASSPHRASE = "correct horse battery staple"
POSIX = sys.platform != "win32"


def _json(*parts: str) -> Any:
    return json.loads(interop_path(*parts).read_text(encoding="utf-8"))


def _secret_forms(seed: bytes) -> list[str]:
    """Every spelling of a seed that must never show up in output."""
    return [
        seed.hex(),
        seed.hex().upper(),
        _multibase.b58encode(seed),
        base64.b64encode(seed).decode().rstrip("="),
        base64.urlsafe_b64encode(seed).decode().rstrip("="),
        _multibase.encode_base58btc(b"\x80\x26" + seed),
    ]


def _assert_no_secret(text: str, seed: bytes) -> None:
    for form in _secret_forms(seed):
        assert form not in text


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
    _assert_no_secret(str(info.value), seed)


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
    _assert_no_secret(str(info.value), seed)


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
    _assert_no_secret(str(info.value), RFC_SEED)
    assert _mk(payload) not in str(info.value)


def test_from_multibase_bad_base58_does_not_echo_the_character() -> None:
    secret = _mk(b"\x80\x26" + RFC_SEED)
    broken = secret[:20] + "0" + secret[21:]
    with pytest.raises(InvalidKeyError) as info:
        SigningKey.from_multibase(broken)
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__
    _assert_no_secret(str(info.value), RFC_SEED)


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
    with pytest.raises(InvalidKeyError, match="private key") as info:
        VerifyingKey.from_jwk({"kty": "OKP", "crv": "Ed25519", "x": RFC_X, "d": d})
    _assert_no_secret(str(info.value), RFC_SEED)
    _assert_no_secret(repr(info.value), RFC_SEED)


def test_signing_key_repr_never_reveals_the_seed() -> None:
    key = SigningKey.from_seed(RFC_SEED)
    for text in (repr(key), str(key), f"{key}", repr([key])):
        _assert_no_secret(text, RFC_SEED)
        assert key.public_key.multikey in text
    with pytest.raises(TypeError):
        pickle.dumps(key)


# --- key files ---------------------------------------------------------------------------------


def test_save_writes_encrypted_pkcs8_with_mode_0600(tmp_path: Path) -> None:
    key = SigningKey.from_seed(RFC_SEED)
    path = tmp_path / "issuer.pem"
    key.save(path, PASSPHRASE)
    data = path.read_bytes()
    assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    assert data.rstrip().endswith(b"-----END ENCRYPTED PRIVATE KEY-----")
    if POSIX:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    der = base64.b64decode(b"".join(data.splitlines()[1:-1]))
    for blob in (data, der):
        assert RFC_SEED not in blob
        _assert_no_secret(blob.decode("latin-1"), RFC_SEED)
    plain = Ed25519PrivateKey.from_private_bytes(RFC_SEED).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    assert plain not in der
    # PBES2 / PBKDF2 / hmacWithSHA256 / AES-256-CBC and the iteration count are on record.
    for oid in (
        "2a864886f70d01050d",
        "2a864886f70d01050c",
        "2a864886f70d0209",
        "60864801650304012a",
    ):
        assert bytes.fromhex(oid) in der
    iterations = keys.PBKDF2_ITERATIONS.to_bytes(3, "big")
    assert b"\x02\x03" + iterations in der
    assert keys.PBKDF2_ITERATIONS >= 600_000
    # An independent reader (cryptography's own PKCS#8 parser) opens it.
    loaded = serialization.load_pem_private_key(data, password=PASSPHRASE.encode())
    assert isinstance(loaded, Ed25519PrivateKey)
    assert SigningKey(loaded).public_key == key.public_key
    assert [p.name for p in tmp_path.iterdir()] == ["issuer.pem"]


def test_save_then_load_round_trip(tmp_path: Path) -> None:
    key = SigningKey.generate()
    path = tmp_path / "k.pem"
    key.save(str(path), PASSPHRASE.encode())
    loaded = SigningKey.load(str(path), PASSPHRASE)
    assert loaded.public_key == key.public_key
    assert loaded.public_key.key_id == key.public_key.key_id
    assert loaded.sign(b"x") == key.sign(b"x")


@pytest.mark.skipif(not POSIX, reason="POSIX file modes")
def test_save_is_0600_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        SigningKey.generate().save(tmp_path / "k.pem", PASSPHRASE)
        SigningKey.generate().save(tmp_path / "k.pem", PASSPHRASE, overwrite=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "k.pem").stat().st_mode) == 0o600


def test_wrong_passphrase_is_a_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    SigningKey.from_seed(RFC_SEED).save(path, PASSPHRASE)
    with pytest.raises(WrongPassphraseError) as info:
        SigningKey.load(path, "correct horse battery stapler")
    assert info.value.path == path
    assert info.value.code == "wrong_passphrase"
    assert str(path) in str(info.value)
    assert PASSPHRASE not in str(info.value)
    _assert_no_secret(str(info.value), RFC_SEED)
    assert info.value.__suppress_context__


def test_overwrite_is_refused_and_the_original_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    first = SigningKey.generate()
    first.save(path, PASSPHRASE)
    before = path.read_bytes()
    second = SigningKey.generate()
    with pytest.raises(KeyFileExistsError) as info:
        second.save(path, PASSPHRASE)
    assert info.value.path == path
    assert path.read_bytes() == before
    assert SigningKey.load(path, PASSPHRASE).public_key == first.public_key
    assert [p.name for p in tmp_path.iterdir()] == ["k.pem"]
    second.save(path, "another passphrase", overwrite=True)
    assert SigningKey.load(path, "another passphrase").public_key == second.public_key
    if POSIX:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["k.pem"]


@pytest.mark.skipif(not POSIX, reason="symlinks")
def test_save_never_follows_a_planted_symlink(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.pem"
    link = tmp_path / "k.pem"
    link.symlink_to(elsewhere)
    with pytest.raises(KeyFileExistsError):
        SigningKey.generate().save(link, PASSPHRASE)
    assert not elsewhere.exists()
    assert link.is_symlink()


def test_save_without_hard_links_still_refuses_to_clobber(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(_src: Any, _dst: Any) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / "k.pem"
    key = SigningKey.generate()
    key.save(path, PASSPHRASE)
    assert SigningKey.load(path, PASSPHRASE).public_key == key.public_key
    if POSIX:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    before = path.read_bytes()
    with pytest.raises(KeyFileExistsError):
        SigningKey.generate().save(path, PASSPHRASE)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["k.pem"]


@pytest.mark.parametrize("passphrase", ["", b""])
def test_empty_passphrase_is_refused(tmp_path: Path, passphrase: str | bytes) -> None:
    with pytest.raises(InputError) as info:
        SigningKey.generate().save(tmp_path / "k.pem", passphrase)
    assert info.value.field == "passphrase"
    assert not (tmp_path / "k.pem").exists()
    with pytest.raises(InputError):
        SigningKey.load(tmp_path / "k.pem", passphrase)


def test_save_into_a_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        SigningKey.generate().save(tmp_path / "nope" / "k.pem", PASSPHRASE)
    assert info.value.field == "path"


def test_load_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        SigningKey.load(tmp_path / "absent.pem", PASSPHRASE)
    assert info.value.field == "path"
    assert "absent.pem" in str(info.value)


def test_load_refuses_an_unencrypted_private_key(tmp_path: Path) -> None:
    path = tmp_path / "plain.pem"
    path.write_bytes(
        Ed25519PrivateKey.from_private_bytes(RFC_SEED).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(InvalidKeyError, match="unencrypted") as info:
        SigningKey.load(path, PASSPHRASE)
    _assert_no_secret(str(info.value), RFC_SEED)


def test_load_refuses_a_key_of_another_type(tmp_path: Path) -> None:
    path = tmp_path / "ec.pem"
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )
    with pytest.raises(InvalidKeyError, match="Ed25519"):
        SigningKey.load(path, PASSPHRASE)


def test_load_accepts_keys_encrypted_by_other_tools(tmp_path: Path) -> None:
    path = tmp_path / "other.pem"
    path.write_bytes(
        Ed25519PrivateKey.from_private_bytes(RFC_SEED).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )
    assert SigningKey.load(path, PASSPHRASE).public_key.raw == RFC_PUBLIC


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"hello, not a key\n",
        b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
        b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n!!!!\n-----END ENCRYPTED PRIVATE KEY-----\n",
        b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n",
    ],
)
def test_load_refuses_files_that_are_not_keys(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "junk.pem"
    path.write_bytes(content)
    with pytest.raises(InvalidKeyError):
        SigningKey.load(path, PASSPHRASE)


def test_load_refuses_a_truncated_key_file(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    SigningKey.generate().save(path, PASSPHRASE)
    lines = path.read_bytes().splitlines()
    path.write_bytes(b"\n".join([lines[0], lines[1], lines[-1]]) + b"\n")
    with pytest.raises(InvalidKeyError):
        SigningKey.load(path, PASSPHRASE)


def test_load_refuses_an_unreasonable_iteration_count(tmp_path: Path) -> None:
    der = keys._der
    params = der(0x30, der(0x04, bytes(16)) + keys._der_int(2**31 - 1))
    scheme = der(
        0x30,
        der(0x30, der(0x06, keys._OID_PBKDF2) + params)
        + der(0x30, der(0x06, keys._OID_AES256_CBC) + der(0x04, bytes(16))),
    )
    info = der(0x30, der(0x30, der(0x06, keys._OID_PBES2) + scheme) + der(0x04, bytes(64)))
    path = tmp_path / "slow.pem"
    path.write_bytes(
        b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
        + base64.encodebytes(info)
        + b"-----END ENCRYPTED PRIVATE KEY-----\n"
    )
    with pytest.raises(InvalidKeyError, match="iteration"):
        SigningKey.load(path, PASSPHRASE)


def test_no_error_on_the_key_file_path_reveals_the_seed(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    key = SigningKey.from_seed(RFC_SEED)
    key.save(path, PASSPHRASE)
    raised: list[LeadbadgeError] = []
    for action in (
        lambda: key.save(path, PASSPHRASE),
        lambda: SigningKey.load(path, "wrong"),
        lambda: key.save(path, ""),
    ):
        with pytest.raises(LeadbadgeError) as info:
            action()
        raised.append(info.value)
    for error in raised:
        _assert_no_secret(str(error), RFC_SEED)
        _assert_no_secret(repr(error), RFC_SEED)
        assert PASSPHRASE not in str(error)


@pytest.mark.parametrize("form", ["openssh", "traditional"])
def test_load_refuses_other_private_key_formats(tmp_path: Path, form: str) -> None:
    path = tmp_path / "other.pem"
    if form == "openssh":
        data = Ed25519PrivateKey.from_private_bytes(RFC_SEED).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
    else:
        data = ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    path.write_bytes(data)
    with pytest.raises(InvalidKeyError, match="pkcs8 -topk8"):
        SigningKey.load(path, PASSPHRASE)


def test_save_onto_a_directory_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "k.pem").mkdir()
    with pytest.raises(KeyFileExistsError):
        SigningKey.generate().save(tmp_path / "k.pem", PASSPHRASE)
    with pytest.raises(InputError) as info:
        SigningKey.generate().save(tmp_path / "k.pem", PASSPHRASE, overwrite=True)
    assert info.value.field == "path"
    assert (tmp_path / "k.pem").is_dir()
    assert [p.name for p in tmp_path.iterdir()] == ["k.pem"]
