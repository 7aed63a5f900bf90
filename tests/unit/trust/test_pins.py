"""Pinned issuers and keys: key periods, which verification method ids name a key, entry files."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge.errors import InputError, TrustStoreError
from leadbadge.trust.store import TrustStore
from tests.conftest import FIXED_NOW
from tests.unit._published import START, Issuer


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
