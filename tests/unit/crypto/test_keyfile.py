"""Key files: encrypted PKCS#8 written 0600 and atomically, read strictly, never echoing keys."""

from __future__ import annotations

import base64
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from leadbadge.crypto import keyfile
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import (
    InputError,
    InvalidKeyError,
    KeyFileExistsError,
    LeadbadgeError,
    WrongPassphraseError,
)
from tests.unit.crypto._secrets import assert_no_secret

# RFC 8032 §7.1 TEST 1: seed and public key.
RFC_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")

PASSPHRASE = "correct horse battery staple"
POSIX = sys.platform != "win32"


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
        assert_no_secret(blob.decode("latin-1"), RFC_SEED)
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
    iterations = keyfile.PBKDF2_ITERATIONS.to_bytes(3, "big")
    assert b"\x02\x03" + iterations in der
    assert keyfile.PBKDF2_ITERATIONS >= 600_000
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
    assert_no_secret(str(info.value), RFC_SEED)
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
    assert_no_secret(str(info.value), RFC_SEED)


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
    der = keyfile._der
    params = der(0x30, der(0x04, bytes(16)) + keyfile._der_int(2**31 - 1))
    scheme = der(
        0x30,
        der(0x30, der(0x06, keyfile._OID_PBKDF2) + params)
        + der(0x30, der(0x06, keyfile._OID_AES256_CBC) + der(0x04, bytes(16))),
    )
    info = der(0x30, der(0x30, der(0x06, keyfile._OID_PBES2) + scheme) + der(0x04, bytes(64)))
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
        assert_no_secret(str(error), RFC_SEED)
        assert_no_secret(repr(error), RFC_SEED)
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
