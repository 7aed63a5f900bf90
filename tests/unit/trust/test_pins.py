"""Pinned issuers and keys: key periods, which verification method ids name a key, entry files,
keys pinned by hand and every key's RFC 7638 fingerprint."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge.crypto.jwk import JoseSigningKey, PublicJwk
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import InputError, TrustStoreError
from leadbadge.trust.by_key import issuer_from_key
from leadbadge.trust.pins import PinnedIssuer, match_jwt_key
from leadbadge.trust.store import TrustStore
from tests.conftest import FIXED_NOW
from tests.unit._published import START, Issuer, write_json


def _entries(store: TrustStore) -> list[Path]:
    return sorted(store.issuers_dir.glob("*")) if store.issuers_dir.exists() else []


# --- keys and their periods -----------------------------------------------------------------------


def test_old_identities_and_keys_are_found_with_their_periods(
    store: TrustStore, tmp_path: Path
) -> None:
    issuer = Issuer.make(n_keys=2)
    issuer.publish(tmp_path / "site")
    store.add_published(tmp_path / "site")
    old_did = issuer.keys[0].public_key.did_key

    pinned = store.find_issuer(old_did)
    assert pinned is not None
    assert pinned.id == issuer.issuer_id
    old = store.find_key(issuer.vm(0), old_did)
    new = store.find_key(issuer.vm(1), issuer.issuer_id)
    assert old is not None
    assert new is not None
    assert old.issuer == pinned
    rotation = issuer.rotations[0]
    assert old.valid_at(START)
    assert old.valid_at(rotation)  # both ends inclusive: a proof in the rotation second
    assert not old.valid_at(rotation + timedelta(seconds=1))
    assert not old.valid_at(START - timedelta(seconds=1))
    assert new.valid_at(rotation)
    assert not new.valid_at(rotation - timedelta(seconds=1))
    assert new.valid_at(FIXED_NOW + timedelta(days=3650))
    assert old.has_period


def test_valid_at_refuses_a_naive_datetime(store: TrustStore, tmp_path: Path) -> None:
    issuer = Issuer.make()
    issuer.publish(tmp_path / "site")
    (key,) = store.add_published(tmp_path / "site").issuer.keys
    with pytest.raises(InputError, match="time zone"):
        key.valid_at(datetime(2026, 1, 1))


# --- finding keys ---------------------------------------------------------------------------------


def test_find_key_accepts_the_did_key_and_open_badges_forms(
    store: TrustStore, tmp_path: Path
) -> None:
    dk = Issuer.make(n_keys=2)
    dk.publish(tmp_path / "a")
    web = Issuer.make(did_web="did:web:rcoe.example.org", url="https://rcoe.example.org/b")
    web.publish(tmp_path / "b")
    store.add_published(tmp_path / "a")
    store.add_published(tmp_path / "b")
    old = dk.keys[0].public_key

    # did:key without fragment, and did:key URL whose fragment is its key.
    assert store.find_key(old.did_key, old.did_key) is not None
    assert store.find_key(old.did_key_verification_method, dk.issuer_id) is not None
    assert store.find_key(f"{old.did_key}#{dk.keys[1].public_key.multikey}") is None
    # 1EdTech's <issuer id>#<publicKeyMultibase> form, for a did:web issuer.
    mk = web.keys[0].public_key.multikey
    found = store.find_key(f"did:web:rcoe.example.org#{mk}", "did:web:rcoe.example.org")
    assert found is not None
    assert found.id == "did:web:rcoe.example.org#key-1"
    # The key in the fragment must belong to that controller.
    assert store.find_key(f"did:web:rcoe.example.org#{old.multikey}") is None
    # A key of another pinned issuer is not this issuer's key.
    assert store.find_key(dk.vm(0), "did:web:rcoe.example.org") is None
    assert store.find_key("did:web:rcoe.example.org#key-1", dk.issuer_id) is None
    # Without an issuer, every entry is searched.
    assert store.find_key("did:web:rcoe.example.org#key-1") is not None
    assert store.find_key("did:web:rcoe.example.org#key-2") is None
    assert store.find_key("https://example.edu/issuers/565049#" + mk) is None
    assert store.find_issuer("https://example.edu/issuers/565049") is None


# --- entry files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda e: e["keys"][0].__setitem__("publicKeyMultibase", "z6Mkbad"), "publicKeyMultibase"),
        (lambda e: e.__setitem__("format", 2), "format is 2"),
        (lambda e: e.__setitem__("identities", ["did:web:x.example.org"]), "identities"),
        (lambda e: e.__setitem__("pinnedAt", "yesterday"), "pinnedAt"),
        (lambda e: e["keys"][0].__setitem__("controller", "did:web:x.example.org"), "keys"),
    ],
)
def test_hand_edited_entry_is_refused_with_its_file_name(
    store: TrustStore, tmp_path: Path, edit: Callable[[dict[str, Any]], None], message: str
) -> None:
    issuer = Issuer.make()
    issuer.publish(tmp_path / "site")
    store.add_published(tmp_path / "site")
    (path,) = _entries(store)
    entry = json.loads(path.read_text())
    edit(entry)
    path.write_text(json.dumps(entry))
    with pytest.raises(TrustStoreError, match=message) as info:
        store.list()
    assert str(path) in info.value.message


def test_entry_moved_to_another_file_name_is_refused(store: TrustStore, tmp_path: Path) -> None:
    issuer = Issuer.make()
    issuer.publish(tmp_path / "site")
    store.add_published(tmp_path / "site")
    (path,) = _entries(store)
    path.rename(path.with_name("ffffffffffffffff.json"))
    with pytest.raises(TrustStoreError, match="file name does not match"):
        store.list()


# --- keys pinned by hand and fingerprints -------------------------------------------------------

BY_HAND = "https://badges.example.edu/issuers/1"
RSA = JoseSigningKey.generate("RS256")  # TEST-ONLY, made once: RSA generation is slow
P256 = JoseSigningKey.generate("ES256")


def _pin_by_hand(store: TrustStore, *keys: PublicJwk) -> PinnedIssuer:
    for key in keys:
        published = issuer_from_key(BY_HAND, key, existing=store.find_issuer(BY_HAND))
        store.pin(published, pinned_at=FIXED_NOW)
    pinned = store.find_issuer(BY_HAND)
    assert pinned is not None
    return pinned


def test_a_key_history_lists_each_key_with_its_rfc7638_thumbprint(
    store: TrustStore, tmp_path: Path
) -> None:
    issuer = Issuer.make(n_keys=2)
    issuer.publish(tmp_path / "site")
    pinned = store.add_published(tmp_path / "site").issuer
    fingerprints = pinned.fingerprints()
    assert [f.id for f in fingerprints] == [issuer.vm(0), issuer.vm(1)]
    for i, fingerprint in enumerate(fingerprints):
        public = issuer.keys[i].public_key
        assert fingerprint.thumbprint == public.jwk_thumbprint
        assert (fingerprint.key_type, fingerprint.alg) == ("Ed25519", "EdDSA")
        assert fingerprint.multikey == public.multikey
        assert (fingerprint.valid_from, fingerprint.valid_until) == issuer.period(i)
        assert fingerprint.origin == "keys"
    assert fingerprints[0].to_json()["jwkThumbprint"] == issuer.keys[0].public_key.jwk_thumbprint


def test_a_did_document_s_json_web_keys_are_listed_with_their_thumbprints(
    store: TrustStore, tmp_path: Path
) -> None:
    did = "did:web:rcoe.example.org"
    document = Issuer.make(did_web=did).did_document()
    document["verificationMethod"].append(
        {
            "id": f"{did}#jwk-1",
            "type": "JsonWebKey",
            "controller": did,
            "publicKeyJwk": RSA.public_key.to_jwk(),
        }
    )
    document["assertionMethod"].append(f"{did}#jwk-1")
    pinned = store.add_published(write_json(tmp_path / "did.json", document)).issuer
    by_id = {f.id: f for f in pinned.fingerprints()}
    assert set(by_id) == {f"{did}#key-1", f"{did}#jwk-1"}
    rsa_key = by_id[f"{did}#jwk-1"]
    assert (rsa_key.key_type, rsa_key.alg, rsa_key.origin) == ("RSA", "RS256", "didDocument")
    assert rsa_key.thumbprint == RSA.public_key.thumbprint
    assert rsa_key.multikey is None
    assert rsa_key.description == "RSA 2048-bit key"
    assert by_id[f"{did}#key-1"].origin == "keys"


def test_keys_pinned_by_hand_are_listed_and_named_by_id_multikey_or_thumbprint(
    store: TrustStore,
) -> None:
    ed = SigningKey.generate().public_key
    pinned = _pin_by_hand(store, PublicJwk.from_verifying_key(ed), RSA.public_key, P256.public_key)
    assert pinned.pinned_by_key
    assert [(f.key_type, f.origin) for f in pinned.fingerprints()] == [
        ("Ed25519", "keys"),
        ("RSA", "jsonWebKeys"),
        ("P-256", "jsonWebKeys"),
    ]
    p256_id = f"{BY_HAND}#{P256.public_key.multikey}"
    for kid in (p256_id, f"{BY_HAND}#{P256.public_key.thumbprint}", P256.public_key.thumbprint):
        found = match_jwt_key(pinned, kid)
        assert found is not None
        assert found.id == p256_id
    found = match_jwt_key(pinned, f"{BY_HAND}#{ed.multikey}")
    assert found is not None
    assert found.key.ed25519 == ed
    # A fragment under another id, or a name that is no key of the entry, names nothing.
    assert match_jwt_key(pinned, f"https://other.example/i#{P256.public_key.multikey}") is None
    assert match_jwt_key(pinned, f"{BY_HAND}#key-1") is None
    assert match_jwt_key(pinned, "key-1") is None


def _edit_json_web_key(name: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda entry: entry["jsonWebKeys"][0].__setitem__(name, value)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_edit_json_web_key("id", f"{BY_HAND}#key-1"), "must be"),
        (
            _edit_json_web_key("publicKeyJwk", SigningKey.generate().public_key.to_jwk()),
            "Ed25519 key, which belongs under 'keys'",
        ),
        (_edit_json_web_key("publicKeyJwk", {"kty": "RSA", "n": "AQAB", "e": "AQAB"}), "bits"),
        (_edit_json_web_key("controller", "https://other.example/i"), "none of the entry"),
        (_edit_json_web_key("validUntil", "2020-01-01T00:00:00Z"), "ends"),
        (lambda e: e.__setitem__("jsonWebKeys", {}), "'jsonWebKeys' is not a list"),
        (lambda e: e.__setitem__("jsonWebKeys", []), "'keys' must be a non-empty list"),
        (lambda e: e["jsonWebKeys"].append(e["jsonWebKeys"][0]), "twice"),
    ],
)
def test_a_hand_edited_key_pinned_by_hand_is_refused(
    store: TrustStore, edit: Callable[[dict[str, Any]], None], message: str
) -> None:
    path = _pin_by_hand(store, RSA.public_key).path
    assert path is not None
    entry = json.loads(path.read_text())
    entry["jsonWebKeys"][0]["validFrom"] = "2026-01-01T00:00:00Z"
    edit(entry)
    path.write_text(json.dumps(entry))
    with pytest.raises(TrustStoreError, match=message) as info:
        store.list()
    assert str(path) in info.value.message


def test_a_private_member_slipped_into_an_entry_is_refused_and_not_echoed(
    store: TrustStore,
) -> None:
    path = _pin_by_hand(store, P256.public_key).path
    assert path is not None
    entry = json.loads(path.read_text())
    entry["jsonWebKeys"][0]["publicKeyJwk"]["d"] = "c2VjcmV0LXNjYWxhcg"
    path.write_text(json.dumps(entry))
    with pytest.raises(TrustStoreError, match="private") as info:
        store.list()
    assert "c2VjcmV0" not in info.value.message
