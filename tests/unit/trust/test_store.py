"""The trust store: pinning published issuers, finding their keys offline, the store folder."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import TrustStoreError, VerificationMethodError
from leadbadge.trust.store import TrustStore, default_trust_dir
from tests.conftest import FIXED_NOW
from tests.unit._published import START, TIERS, URL, Issuer, xsd


def _entries(store: TrustStore) -> list[Path]:
    return sorted(store.issuers_dir.glob("*")) if store.issuers_dir.exists() else []


# --- pinning a published folder -------------------------------------------------------------------


def test_pins_a_did_key_issuer_with_its_whole_history(store: TrustStore, tmp_path: Path) -> None:
    issuer = Issuer.make(n_keys=3)
    issuer.publish(tmp_path / "site")

    result = store.add_published(tmp_path / "site", now=FIXED_NOW)

    assert not result.updated
    pinned = result.issuer
    assert pinned.id == issuer.issuer_id == issuer.keys[2].public_key.did_key
    assert pinned.identities == tuple(k.public_key.did_key for k in issuer.keys)
    assert pinned.name == issuer.name
    assert pinned.url == URL
    assert pinned.achievements == {t: f"{URL}/achievements/{t}.json" for t in TIERS}
    assert pinned.tier_of(f"{URL}/achievements/clear.json") == "clear"
    assert pinned.tier_of(f"{URL}/achievements/other.json") is None
    assert pinned.did_document is None
    assert pinned.source == str((tmp_path / "site/leadership/keys.json").resolve())
    assert pinned.pinned_at == FIXED_NOW
    assert [k.public_key for k in pinned.keys] == [k.public_key for k in issuer.keys]
    (entry,) = _entries(store)
    stored = json.loads(entry.read_text())
    assert set(stored) == {
        "format",
        "issuer",
        "identities",
        "name",
        "url",
        "keys",
        "achievements",
        "didDocument",
        "source",
        "pinnedAt",
    }
    assert stored["format"] == 1
    assert stored["pinnedAt"] == "2026-11-23T12:00:00Z"
    assert stored["keys"][0]["validFrom"] == xsd(START)
    assert stored["keys"][2]["validUntil"] is None
    # What was written reads back as the same issuer.
    assert store.list() == [pinned]


def test_readding_replaces_the_entry_and_reports_dropped_keys(
    store: TrustStore, tmp_path: Path
) -> None:
    issuer = Issuer.make(n_keys=2)
    issuer.publish(tmp_path / "v1")
    first = store.add_published(tmp_path / "v1")
    again = store.add_published(tmp_path / "v1")
    assert not first.updated
    assert again.updated
    assert again.dropped_keys == ()
    assert len(_entries(store)) == 1

    # A rotation changes a did:key issuer's id (and entry file name): still one entry.
    issuer.rotate()
    issuer.publish(tmp_path / "v2")
    rotated = store.add_published(tmp_path / "v2")
    assert rotated.updated
    assert len(_entries(store)) == 1
    assert store.find_issuer(issuer.keys[0].public_key.did_key) == rotated.issuer

    # A history that forgets a key is pinned as published, and the loss is reported.
    shrunk = Issuer(keys=issuer.keys[1:], rotations=issuer.rotations[1:])
    shrunk.publish(tmp_path / "v3")
    result = store.add_published(tmp_path / "v3")
    assert result.dropped_keys == (issuer.vm(0),)
    assert store.find_key(issuer.vm(0)) is None
    assert not any(p.name.startswith(".") for p in _entries(store))


# --- finding keys ---------------------------------------------------------------------------------


def test_resolver_gives_verification_methods_or_a_verification_method_error(
    store: TrustStore, tmp_path: Path
) -> None:
    issuer = Issuer.make(did_web="did:web:rcoe.example.org")
    issuer.publish(tmp_path / "site")
    store.add_published(tmp_path / "site")
    resolve = store.resolver()
    mk = issuer.keys[0].public_key.multikey

    vm = resolve(f"did:web:rcoe.example.org#{mk}", "did:web:rcoe.example.org")
    assert vm.id == f"did:web:rcoe.example.org#{mk}"
    assert vm.controller == "did:web:rcoe.example.org"
    assert vm.public_key == issuer.keys[0].public_key
    assert vm.type == "Multikey"
    with pytest.raises(VerificationMethodError, match="is not pinned for the issuer") as info:
        resolve("did:web:rcoe.example.org#key-7", "did:web:rcoe.example.org")
    assert info.value.verification_method == "did:web:rcoe.example.org#key-7"

    (store.issuers_dir / "0000000000000000.json").write_text("{")
    with pytest.raises(
        VerificationMethodError, match=re.escape("0000000000000000.json is not valid JSON")
    ):
        resolve("did:web:other.example.org#key-1", "did:web:other.example.org")


# --- the store itself -----------------------------------------------------------------------------


def test_missing_store_reads_as_empty_and_is_not_created(store: TrustStore) -> None:
    assert store.list() == []
    assert store.find_issuer("did:web:rcoe.example.org") is None
    assert store.find_key("did:web:rcoe.example.org#key-1") is None
    assert not store.root.exists()


def test_store_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(TrustStoreError, match="is a file, not a folder"):
        TrustStore.open(tmp_path / "file")


def test_default_store_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LEADBADGE_TRUST", str(tmp_path / "mine"))
    assert default_trust_dir() == tmp_path / "mine"
    assert TrustStore.open().root == tmp_path / "mine"
    monkeypatch.delenv("LEADBADGE_TRUST")
    assert default_trust_dir().parts[-2:] == ("leadbadge", "trust")


def test_damaged_entry_is_named_and_does_not_hide_good_ones(
    store: TrustStore, tmp_path: Path
) -> None:
    issuer = Issuer.make()
    issuer.publish(tmp_path / "site")
    pinned = store.add_published(tmp_path / "site").issuer
    damaged = store.issuers_dir / "0123456789abcdef.json"
    damaged.write_text('{"format": 1}')

    good, bad = store.scan()
    assert good == [pinned]
    assert [str(damaged) in e.message for e in bad] == [True]
    with pytest.raises(TrustStoreError, match=re.escape("0123456789abcdef.json is invalid")):
        store.list()
    # The pinned issuer is still found; an unknown one might be in the damaged file.
    assert store.find_issuer(issuer.issuer_id) == pinned
    assert store.find_key(issuer.vm(0), issuer.issuer_id) is not None
    with pytest.raises(TrustStoreError, match="trust remove 0123456789abcdef"):
        store.find_issuer("did:web:unknown.example.org")
    with pytest.raises(TrustStoreError):
        store.find_key("did:web:unknown.example.org#key-1")

    assert store.remove("0123456789abcdef") == "0123456789abcdef.json"
    assert store.list() == [pinned]


def test_remove_by_any_identity(store: TrustStore, tmp_path: Path) -> None:
    issuer = Issuer.make(n_keys=2)
    issuer.publish(tmp_path / "site")
    pinned = store.add_published(tmp_path / "site").issuer
    with pytest.raises(
        TrustStoreError, match=re.escape("No issuer with the id did:web:x.example.org")
    ):
        store.remove("did:web:x.example.org")
    assert store.remove(issuer.keys[0].public_key.did_key) == pinned
    assert store.list() == []
    assert _entries(store) == []


# --- what `leadbadge publish` writes --------------------------------------------------------------


@pytest.mark.parametrize("did_web", [None, "did:web:rcoe.example.org:issuers:rcoe"])
def test_pins_what_publish_writes_before_and_after_a_rotation(
    store: TrustStore, tmp_path: Path, did_web: str | None
) -> None:
    from leadbadge.issuer.home import IssuerHome
    from leadbadge.issuer.publish import publish

    home = IssuerHome.create(
        tmp_path / "home",
        name="Riverside COE",
        url="https://rcoe.example.org/leadership",
        passphrase="test passphrase",
        did_web=did_web,
        now=START,
    )
    publish(home, tmp_path / "site1", signing_key=home.signing_key("test passphrase"))
    first = store.add_published(tmp_path / "site1").issuer
    assert first.id == home.issuer_id
    assert first.did_document is not None if did_web else first.did_document is None
    assert set(first.achievements) == set(home.framework().tier_ids())

    home.rotate("test passphrase", now=FIXED_NOW)
    publish(home, tmp_path / "site2", signing_key=home.signing_key("test passphrase"))
    result = store.add_published(tmp_path / "site2")
    assert result.updated
    assert result.dropped_keys == ()
    old, new = result.issuer.keys
    assert result.issuer.id == home.issuer_id
    assert set(result.issuer.identities) == set(home.identities)
    assert old.valid_at(FIXED_NOW - timedelta(days=1))
    assert not old.valid_at(FIXED_NOW + timedelta(seconds=1))
    assert new.valid_at(FIXED_NOW + timedelta(days=1))
    assert store.find_key(old.id, old.controller) == old
    assert len(_entries(store)) == 1


def test_entry_changed_on_disk_is_read_again(store: TrustStore, tmp_path: Path) -> None:
    issuer = Issuer.make()
    issuer.publish(tmp_path / "site")
    store.add_published(tmp_path / "site")
    assert store.find_issuer(issuer.issuer_id) is not None  # parsed and remembered
    (path,) = _entries(store)
    entry = json.loads(path.read_text())
    entry["name"] = "Renamed by hand"
    path.write_text(json.dumps(entry))
    found = store.find_issuer(issuer.issuer_id)
    assert found is not None
    assert found.name == "Renamed by hand"
    path.write_text("{")
    with pytest.raises(TrustStoreError, match="is not valid JSON"):
        store.find_issuer(issuer.issuer_id)


# --- with the proof suite -------------------------------------------------------------------------


def test_resolver_verifies_a_signed_credential_and_refuses_an_unpinned_key(
    store: TrustStore, tmp_path: Path
) -> None:
    from leadbadge.proof import eddsa_rdfc_2022

    did = "did:web:rcoe.example.org"
    issuer = Issuer.make(n_keys=2, did_web=did)
    issuer.publish(tmp_path / "site")
    store.add_published(tmp_path / "site")
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "validFrom": xsd(START + timedelta(days=1)),
        "credentialSubject": {"id": "mailto:ana@example.org"},
    }
    signed_at = START + timedelta(days=1)
    resolver: eddsa_rdfc_2022.KeyResolver = store.resolver()

    signed = eddsa_rdfc_2022.sign(
        unsigned, issuer.keys[0], verification_method=issuer.vm(0), created=signed_at
    )
    result = eddsa_rdfc_2022.verify(signed, issuer=did, resolver=resolver)
    assert result.public_key == issuer.keys[0].public_key
    assert result.controller == did
    assert result.created == signed_at
    key = store.find_key(result.verification_method, did)
    assert key is not None
    assert key.valid_at(signed_at)

    # The same key under 1EdTech's <issuer id>#<multikey> form resolves to the pinned key.
    fragment_form = f"{did}#{issuer.keys[0].public_key.multikey}"
    signed = eddsa_rdfc_2022.sign(
        unsigned, issuer.keys[0], verification_method=fragment_form, created=signed_at
    )
    assert eddsa_rdfc_2022.verify(signed, issuer=did, resolver=resolver).controller == did

    # A key the issuer never published does not resolve, whatever id it claims.
    stranger = SigningKey.generate()
    with pytest.raises(VerificationMethodError, match="is not pinned for the issuer"):
        eddsa_rdfc_2022.verify(
            eddsa_rdfc_2022.sign(
                unsigned,
                stranger,
                verification_method=f"{did}#{stranger.public_key.multikey}",
                created=signed_at,
            ),
            issuer=did,
            resolver=resolver,
        )
