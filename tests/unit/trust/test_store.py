"""The trust store: pinning published issuers, validating first, finding keys with history."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from leadbadge.crypto.did import resolve_did_key
from leadbadge.crypto.keys import SigningKey
from leadbadge.crypto.multibase import encode_base58btc
from leadbadge.errors import InputError, NetworkError, TrustStoreError, VerificationMethodError
from leadbadge.trust.store import TrustStore, default_trust_dir
from tests.conftest import FIXED_NOW
from tests.unit._published import START, TIERS, URL, Issuer, write_json, xsd


@pytest.fixture
def store(tmp_path: Path) -> TrustStore:
    return TrustStore.open(tmp_path / "trust")


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


def test_did_web_folder_without_its_did_document_is_refused(
    store: TrustStore, tmp_path: Path
) -> None:
    issuer = Issuer.make(did_web="did:web:rcoe.example.org")
    issuer.publish(tmp_path / "site")
    issuer.did_path(tmp_path / "site").unlink()
    with pytest.raises(TrustStoreError, match=r"DID document is not in the published folder"):
        store.add_published(tmp_path / "site")


def test_lone_key_history_file_is_pinned_and_reads_its_did_document_when_beside_it(
    store: TrustStore, tmp_path: Path
) -> None:
    issuer = Issuer.make(did_web="did:web:rcoe.example.org")
    keys_json = issuer.publish(tmp_path / "site")
    assert store.add_published(keys_json).issuer.did_document == issuer.did_document()

    alone = tmp_path / "elsewhere" / "keys.json"
    write_json(alone, issuer.history())
    pinned = store.add_published(alone).issuer
    assert pinned.did_document is None
    assert len(pinned.keys) == 1


def test_folder_search_finds_the_one_key_history_below_it(
    store: TrustStore, tmp_path: Path
) -> None:
    issuer = Issuer.make(url="https://rcoe.example.org/a/b/c")
    issuer.publish(tmp_path / "site")
    assert store.add_published(tmp_path / "site").issuer.id == issuer.issuer_id

    Issuer.make(url="https://rcoe.example.org/other").publish(tmp_path / "site")
    with pytest.raises(TrustStoreError, match=re.escape("2 keys.json files")):
        store.add_published(tmp_path / "site")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(TrustStoreError, match=re.escape("holds no keys.json")):
        store.add_published(empty)


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


# --- validation before pinning --------------------------------------------------------------------


def _history_cases() -> dict[str, tuple[Callable[[dict[str, Any], Issuer], None], str]]:
    def set_(path: str, value: Any) -> Callable[[dict[str, Any], Issuer], None]:
        def apply(doc: dict[str, Any], _issuer: Issuer) -> None:
            target: Any = doc
            *parents, last = path.split(".")
            for part in parents:
                target = target[int(part)] if part.isdigit() else target[part]
            if value is _DELETE:
                del target[last]
            else:
                target[last] = value

        return apply

    other = SigningKey.generate().public_key
    secret = encode_base58btc(bytes([0x80, 0x26]) + bytes(range(32)))
    return {
        "version": (set_("version", 2), "version is 2"),
        "no name": (set_("name", _DELETE), "'name' must be a non-empty string"),
        "http url": (set_("url", "http://rcoe.example.org/x"), "'url' must be an absolute https"),
        "relative achievement": (
            set_("achievements.initial", "/achievements/initial.json"),
            "absolute https URL",
        ),
        "http achievement": (
            set_("achievements.initial", "http://rcoe.example.org/a.json"),
            "absolute https URL",
        ),
        "no keys": (set_("keys", []), "'keys' must be a non-empty list"),
        "truncated multikey": (
            set_("keys.0.publicKeyMultibase", encode_base58btc(b"\xed\x01" + other.raw[:31])),
            "publicKeyMultibase: An Ed25519 Multikey holds 34 bytes",
        ),
        "base64url multikey": (
            set_("keys.0.publicKeyMultibase", "u7QE" + "A" * 43),
            "must be multibase base58btc",
        ),
        "x25519 multikey": (
            set_("keys.0.publicKeyMultibase", "z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc"),
            "0xec",
        ),
        "secret multikey": (set_("keys.0.publicKeyMultibase", secret), "secret key"),
        "key of another did:key": (set_("keys.0.controller", other.did_key), "names the did:key"),
        "naive validFrom": (set_("keys.0.validFrom", "2026-01-01T00:00:00"), "time zone"),
        "date without time": (set_("keys.0.validFrom", "2026-01-01"), "time zone"),
        "ends before it starts": (set_("keys.0.validUntil", xsd(START)), "ends (validUntil)"),
        "two open-ended keys": (set_("keys.0.validUntil", None), "has no end although"),
        "overlap": (
            set_("keys.1.validFrom", xsd(START + timedelta(days=50))),
            "overlap",
        ),
        "issuer not newest": (
            lambda doc, issuer: doc.__setitem__("issuer", issuer.keys[0].public_key.did_key),
            "newest key",
        ),
        "did:web key under did:key issuer": (
            set_("keys.0.controller", "did:web:rcoe.example.org"),
            "'did:web:rcoe.example.org#<fragment>'",
        ),
        "duplicate key": (
            lambda doc, _i: doc["keys"].append(dict(doc["keys"][0])),
            "twice",
        ),
    }


_DELETE = object()
_CASES = _history_cases()


@pytest.mark.parametrize("case", sorted(_CASES))
def test_invalid_key_history_is_refused_and_nothing_is_written(
    store: TrustStore, tmp_path: Path, case: str
) -> None:
    mutate, message = _CASES[case]
    issuer = Issuer.make(n_keys=2)
    doc = issuer.history()
    mutate(doc, issuer)
    path = write_json(tmp_path / "keys.json", doc)
    with pytest.raises(TrustStoreError, match=re.escape(message)) as info:
        store.add_published(path)
    assert info.value.message.startswith(f"The key history {path.resolve()} is invalid")
    assert not store.root.exists()


@pytest.mark.parametrize(
    ("did_web", "change", "message"),
    [
        ("did:web:rcoe.example.org", {"issuer": "did:web:other.example.org"}, "'issuer' must be"),
        ("did:web:127.0.0.1", {}, "IP address"),
        ("did:web:rcoe.example.org", {"didWeb": "did:web:rcoe.example.org#x"}, "fragment"),
    ],
)
def test_invalid_did_web_history_is_refused(
    store: TrustStore, tmp_path: Path, did_web: str, change: dict[str, Any], message: str
) -> None:
    issuer = Issuer.make(did_web=did_web)
    doc = issuer.history() | change
    with pytest.raises(TrustStoreError, match=message):
        store.add_published(write_json(tmp_path / "keys.json", doc))


def test_did_web_key_must_live_in_its_did_document(store: TrustStore, tmp_path: Path) -> None:
    doc = Issuer.make(did_web="did:web:rcoe.example.org").history()
    doc["keys"][0]["id"] = "did:web:evil.example.org#key-1"
    with pytest.raises(
        TrustStoreError, match=re.escape("must be 'did:web:rcoe.example.org#<fragment>'")
    ):
        store.add_published(write_json(tmp_path / "keys.json", doc))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": "LeadbadgeKeyHistory", "type": "x"}', "appears twice"),
        ('{"type": "LeadbadgeKeyHistory", "version": NaN}', "NaN is not a JSON number"),
        ("{not json", "is not valid JSON"),
        (b"\xff\xfe{}", "is not valid JSON"),
        ("[1, 2]", "neither a leadbadge key history"),
        ('{"id": "https://example.org/x"}', "neither a leadbadge key history"),
    ],
)
def test_unreadable_files_are_refused(
    store: TrustStore, tmp_path: Path, text: str | bytes, message: str
) -> None:
    path = tmp_path / "keys.json"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    with pytest.raises(TrustStoreError, match=message):
        store.add_published(path)


def test_missing_and_oversized_files_are_refused(store: TrustStore, tmp_path: Path) -> None:
    with pytest.raises(TrustStoreError, match="does not exist"):
        store.add_published(tmp_path / "nope.json")
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (1024 * 1024 + 1))
    with pytest.raises(TrustStoreError, match="larger than the 1024 KiB limit"):
        store.add_published(big)
    with pytest.raises(TrustStoreError, match="Only did:web and did:key"):
        store.add_published("did:example:123")


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


# --- URLs ---------------------------------------------------------------------------------------


def _site_client(files: dict[str, Any], seen: list[str] | None = None) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(str(request.url))
        doc = files.get(str(request.url))
        if doc is None:
            return httpx.Response(404, headers={"content-type": "text/html"}, content=b"no")
        return httpx.Response(200, json=doc)

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_pins_a_did_web_issuer_from_its_url(store: TrustStore) -> None:
    issuer = Issuer.make(n_keys=2, did_web="did:web:rcoe.example.org")
    seen: list[str] = []
    client = _site_client(
        {
            f"{URL}/keys.json": issuer.history(),
            "https://rcoe.example.org/.well-known/did.json": issuer.did_document(),
        },
        seen,
    )
    pinned = store.add_published(f"{URL}/", client=client).issuer
    assert pinned.source == f"{URL}/keys.json"
    assert pinned.did_document == issuer.did_document()
    # Then the Achievements, for full QR codes (not served here: left out, not an error).
    achievements = [f"{URL}/achievements/{tier}.json" for tier in ("initial", "clear")]
    assert seen == [
        f"{URL}/keys.json",
        "https://rcoe.example.org/.well-known/did.json",
        *achievements,
    ]

    by_did = store.add_published("did:web:rcoe.example.org", client=client)
    assert by_did.updated
    assert by_did.issuer.source == "https://rcoe.example.org/.well-known/did.json"
    assert all(not k.has_period for k in by_did.issuer.keys)


def test_url_key_history_must_agree_with_the_did_document_it_names(store: TrustStore) -> None:
    issuer = Issuer.make(did_web="did:web:rcoe.example.org")
    impostor = Issuer.make(did_web="did:web:rcoe.example.org")
    client = _site_client(
        {
            f"{URL}/keys.json": impostor.history(),
            "https://rcoe.example.org/.well-known/did.json": issuer.did_document(),
        }
    )
    with pytest.raises(TrustStoreError, match="is not the same assertion key"):
        store.add_published(f"{URL}/keys.json", client=client)
    missing = _site_client({f"{URL}/keys.json": issuer.history()})
    with pytest.raises(NetworkError, match="HTTP 404"):
        store.add_published(f"{URL}/keys.json", client=missing)
    assert not store.root.exists()


def test_url_key_history_must_come_from_the_issuers_own_site(store: TrustStore) -> None:
    issuer = Issuer.make()
    client = _site_client({"https://mirror.example.net/keys.json": issuer.history()})
    with pytest.raises(TrustStoreError, match="issuer's own site"):
        store.add_published("https://mirror.example.net/keys.json", client=client)


def test_url_did_document_must_be_served_where_its_did_says(store: TrustStore) -> None:
    issuer = Issuer.make(did_web="did:web:rcoe.example.org")
    client = _site_client({"https://evil.example.net/did.json": issuer.did_document()})
    with pytest.raises(TrustStoreError, match="not served there"):
        store.add_published("https://evil.example.net/did.json", client=client)


def test_url_fetch_failures_are_network_errors(store: TrustStore) -> None:
    def handler(_request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("slow")

    client = httpx.Client(transport=httpx.MockTransport(handler))
    with pytest.raises(NetworkError, match="timed out"):
        store.add_published(f"{URL}/keys.json", client=client)
    with pytest.raises(NetworkError, match="only https"):
        store.add_published("http://rcoe.example.org/keys.json", client=client)
    bad = _site_client({f"{URL}/keys.json": {"type": "LeadbadgeKeyHistory", "version": 1}})
    with pytest.raises(TrustStoreError, match="'issuer' must be a non-empty string"):
        store.add_published(f"{URL}/keys.json", client=bad)


def test_pins_a_published_folder_served_on_loopback(
    store: TrustStore, loopback_site: tuple[str, Path]
) -> None:
    base, root = loopback_site
    issuer = Issuer.make(n_keys=2, url=f"{base}/leadership")
    issuer.publish(root)

    pinned = store.add_published(f"{base}/leadership/keys.json").issuer

    assert pinned.source == f"{base}/leadership/keys.json"
    assert pinned.identities == tuple(k.public_key.did_key for k in issuer.keys)
    assert store.find_key(issuer.vm(0), issuer.keys[0].public_key.did_key) is not None
    with pytest.raises(NetworkError, match="HTTP 404"):
        store.add_published(f"{base}/missing/keys.json")


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
