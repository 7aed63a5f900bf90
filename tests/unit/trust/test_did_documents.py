"""DID documents: pinned alone, or checked against the key history they are published with."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from leadbadge.crypto.did import resolve_did_key
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import TrustStoreError
from leadbadge.trust.store import TrustStore
from tests.conftest import FIXED_NOW
from tests.unit._published import Issuer, write_json, xsd


def _entries(store: TrustStore) -> list[Path]:
    return sorted(store.issuers_dir.glob("*")) if store.issuers_dir.exists() else []


@pytest.mark.parametrize("did_web", ["did:web:rcoe.example.org", "did:web:rcoe.example.org:ids"])
def test_pins_a_did_web_issuer_and_checks_its_did_document(
    store: TrustStore, tmp_path: Path, did_web: str
) -> None:
    issuer = Issuer.make(n_keys=2, did_web=did_web)
    issuer.publish(tmp_path / "site")

    pinned = store.add_published(tmp_path / "site").issuer

    assert pinned.id == did_web
    assert pinned.identities == (did_web,)
    assert pinned.did_document == issuer.did_document()
    key = store.find_key(f"{did_web}#key-1", did_web)
    assert key is not None
    assert key.public_key == issuer.keys[0].public_key
    assert key.valid_until == issuer.rotations[0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("other_key", "is not the same assertion key"),
        ("extra_key", "which the key history does not"),
        ("missing_key", "is not the same assertion key"),
        ("other_id", "is for did:web:other.example.org"),
    ],
)
def test_did_document_that_disagrees_with_the_history_is_refused(
    store: TrustStore, tmp_path: Path, change: str, message: str
) -> None:
    issuer = Issuer.make(n_keys=2, did_web="did:web:rcoe.example.org")
    issuer.publish(tmp_path / "site")
    doc = issuer.did_document()
    if change == "other_key":
        doc["verificationMethod"][1]["publicKeyMultibase"] = (
            SigningKey.generate().public_key.multikey
        )
    elif change == "extra_key":
        extra = {
            "id": "did:web:rcoe.example.org#key-9",
            "type": "Multikey",
            "controller": "did:web:rcoe.example.org",
            "publicKeyMultibase": SigningKey.generate().public_key.multikey,
        }
        doc["verificationMethod"].append(extra)
        doc["assertionMethod"].append(extra["id"])
    elif change == "missing_key":
        del doc["verificationMethod"][0]
        del doc["assertionMethod"][0]
    else:
        doc = Issuer.make(did_web="did:web:other.example.org").did_document()
    write_json(issuer.did_path(tmp_path / "site"), doc)

    with pytest.raises(TrustStoreError, match=message):
        store.add_published(tmp_path / "site")
    assert _entries(store) == []
    assert not store.root.exists()


def test_did_document_alone_pins_keys_valid_at_any_time(store: TrustStore, tmp_path: Path) -> None:
    issuer = Issuer.make(n_keys=2, did_web="did:web:rcoe.example.org")
    did_json = write_json(tmp_path / "did.json", issuer.did_document())

    pinned = store.add_published(did_json).issuer

    assert pinned.id == "did:web:rcoe.example.org"
    assert pinned.name is None
    assert pinned.achievements == {}
    for key in pinned.keys:
        assert (key.valid_from, key.valid_until) == (None, None)
        assert not key.has_period
        assert key.valid_at(datetime(1990, 1, 1, tzinfo=UTC))
    stored = json.loads(_entries(store)[0].read_text())
    assert [(k["validFrom"], k["validUntil"]) for k in stored["keys"]] == [(None, None)] * 2
    # Also found when the folder holds only a DID document.
    folder = tmp_path / "only-did"
    write_json(folder / ".well-known" / "did.json", issuer.did_document())
    assert store.add_published(folder).updated


def test_did_document_expiry_bounds_the_key(store: TrustStore, tmp_path: Path) -> None:
    issuer = Issuer.make(did_web="did:web:rcoe.example.org")
    doc = issuer.did_document()
    doc["verificationMethod"][0]["expires"] = xsd(FIXED_NOW)
    (key,) = store.add_published(write_json(tmp_path / "did.json", doc)).issuer.keys
    assert key.valid_until == FIXED_NOW
    assert not key.valid_at(FIXED_NOW + timedelta(seconds=1))


def test_did_document_of_another_method_is_refused(store: TrustStore, tmp_path: Path) -> None:
    doc = Issuer.make(did_web="did:web:rcoe.example.org").did_document()
    text = json.dumps(doc).replace("did:web:rcoe.example.org", "did:example:123")
    path = tmp_path / "did.json"
    path.write_text(text)
    with pytest.raises(TrustStoreError, match="not for a did:web or did:key DID"):
        store.add_published(path)


def test_did_key_is_pinned_by_name(store: TrustStore) -> None:
    key = SigningKey.generate().public_key
    pinned = store.add_published(key.did_key).issuer
    assert pinned.id == key.did_key
    assert pinned.keys[0].id == key.did_key_verification_method
    assert pinned.did_document == resolve_did_key(key.did_key).to_json()
