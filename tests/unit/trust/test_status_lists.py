"""Status lists in the trust store: pinned with their issuer or alone, checked before they are
written, read back, refreshed from their URLs, removed."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import NetworkError, TrustStoreError
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.status.lists import bitstring, encode_bits
from leadbadge.trust.status_lists import PinnedStatusList
from leadbadge.trust.store import TrustStore
from tests.conftest import FIXED_NOW, interop_path
from tests.unit._issued import DID_WEB, LATER, URL, World, make_world

REVOCATION = f"{URL}/status/1.json"
SUSPENSION = f"{URL}/status/2.json"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("trust-status"), did_web=DID_WEB)


def _write(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def _list(web: World, url: str = REVOCATION) -> dict[str, Any]:
    return next(d for d in web.list_documents(LATER) if d["id"] == url)


def test_pinning_the_published_folder_pins_its_status_lists(web: World) -> None:
    pinned = {entry.url: entry for entry in web.trust.status_lists()[0]}
    assert set(pinned) == {REVOCATION, SUSPENSION}
    entry = pinned[REVOCATION]
    assert entry.kind == "BitstringStatusListCredential"
    assert entry.issuer == DID_WEB
    assert entry.fetched is False
    assert entry.valid_from == FIXED_NOW
    assert entry.path is not None
    assert entry.path.parent == web.trust.root / "status"
    assert web.trust.find_status_list(REVOCATION) == entry
    assert web.trust.find_status_list(f"{URL}/status/3.json") is None


def test_a_list_alone_is_pinned_by_its_id_or_the_url_given(web: World, tmp_path: Path) -> None:
    store = TrustStore.open(tmp_path / "t")
    store.add_published(web.site / "leadership" / "did.json")
    path = _write(tmp_path / "list.json", _list(web))
    added = store.add(path, now=LATER)
    assert isinstance(added, PinnedStatusList)
    assert added.url == REVOCATION
    assert added.pinned_at == LATER
    other = store.add_status_list(path, url="https://mirror.example/lists/7")
    assert other.url == "https://mirror.example/lists/7"
    assert {e.url for e in store.status_lists()[0]} == {REVOCATION, other.url}
    assert store.remove_status_list(other.url) == other.url
    assert store.find_status_list(other.url) is None
    with pytest.raises(TrustStoreError, match="No status list"):
        store.remove_status_list(other.url)


@pytest.mark.parametrize(
    ("breaks", "message"),
    [
        (
            lambda d: d["credentialSubject"].update(
                encodedList=encode_bits(bitstring(131_072, [1]))
            ),
            "does not match its signature",
        ),
        (lambda d: d.update(issuer="did:web:other.example"), "not signed by a key of its issuer"),
        (lambda d: d.pop("proof"), "no eddsa-rdfc-2022 proof"),
        (
            lambda d: d.update(type=["VerifiableCredential"]),
            "neither a BitstringStatusListCredential",
        ),
        (lambda d: d["credentialSubject"].update(encodedList="zNotBase64url"), "malformed"),
    ],
)
def test_a_list_that_fails_its_checks_is_not_pinned(
    web: World, tmp_path: Path, breaks: Any, message: str
) -> None:
    document = copy.deepcopy(_list(web))
    breaks(document)
    store = TrustStore.open(tmp_path / "t")
    store.add_published(web.site / "leadership" / "did.json")
    with pytest.raises(TrustStoreError, match=message):
        store.add_status_list(_write(tmp_path / "bad.json", document))
    assert store.status_lists() == ([], [])


def test_a_too_short_list_is_not_pinned(web: World, tmp_path: Path) -> None:
    document = copy.deepcopy(_list(web))
    document["credentialSubject"]["encodedList"] = encode_bits(bitstring(8192))
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    signed = web.resign(unsigned, created=LATER)
    store = TrustStore.open(tmp_path / "t")
    store.add_published(web.site / "leadership" / "did.json")
    with pytest.raises(TrustStoreError, match="fewer than the 131072"):
        store.add_status_list(_write(tmp_path / "short.json", signed))


def test_a_list_signed_by_a_key_the_pinned_issuer_never_published(
    web: World, tmp_path: Path
) -> None:
    stranger = SigningKey.generate()
    unsigned = {k: v for k, v in _list(web).items() if k != "proof"}
    forged = eddsa_rdfc_2022.sign(
        unsigned,
        stranger,
        verification_method=f"{DID_WEB}#{stranger.public_key.multikey}",
        created=LATER,
    )
    store = TrustStore.open(tmp_path / "t")
    store.add_published(web.site / "leadership" / "did.json")
    with pytest.raises(
        TrustStoreError, match="pin the issuer, or an authority that accredits it, first"
    ):
        store.add_status_list(_write(tmp_path / "forged.json", forged))
    # Unpinned, a did:web issuer's key cannot be found offline at all.
    with pytest.raises(
        TrustStoreError, match="pin the issuer, or an authority that accredits it, first"
    ):
        TrustStore.open(tmp_path / "empty").add_status_list(tmp_path / "forged.json")


def test_the_1edtech_test_list_pins_with_its_embedded_key(tmp_path: Path) -> None:
    path = interop_path("1edtech-validator", "ob30", "bit-string-list", "testlist.json")
    store = TrustStore.open(tmp_path / "t")
    added = store.add_status_list(path, url="https://raw.example/testlist")
    assert added.issuer == "https://1edtech.edu/issuers/565049"
    assert added.valid_until is None


def test_a_oneedtech_list_is_pinned_by_its_id(tmp_path: Path) -> None:
    document = {
        "id": "https://1edtech.edu/credentials/3732/revocations",
        "issuer": "https://1edtech.edu/issuers/565049",
        "revokedCredentials": [],
    }
    store = TrustStore.open(tmp_path / "t")
    added = store.add(_write(tmp_path / "rl.json", document))
    assert isinstance(added, PinnedStatusList)
    assert (added.kind, added.url) == ("1EdTechRevocationList", document["id"])
    with pytest.raises(TrustStoreError, match="names no issuer"):
        store.add(_write(tmp_path / "noissuer.json", {**document, "issuer": None}))
    with pytest.raises(TrustStoreError, match="has no id"):
        store.add(_write(tmp_path / "noid.json", {**document, "id": None}))


def test_a_damaged_pinned_list_is_named(web: World, tmp_path: Path) -> None:
    store = TrustStore.open(tmp_path / "t")
    store.add_published(web.site, now=LATER)
    entry = store.find_status_list(REVOCATION)
    assert entry is not None
    assert entry.path is not None
    entry.path.write_text(json.dumps({**entry.to_json(), "url": "https://elsewhere.example/1"}))
    with pytest.raises(TrustStoreError, match="does not match its URL"):
        store.find_status_list(REVOCATION)
    good, bad = store.status_lists()
    assert [e.url for e in good] == [SUSPENSION]
    assert len(bad) == 1
    assert store.remove_status_list(entry.path.stem) == entry.path.stem
    assert store.status_lists()[1] == []


# --- fetching: trust add URL, trust refresh ------------------------------------------------------


class _Site:
    """The issuer's web site, served by an httpx MockTransport."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.asked: list[str] = []
        self.down: set[str] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.asked.append(url)
        path = self.root.joinpath(*request.url.path.strip("/").split("/"))
        if url in self.down or not path.is_file():
            return httpx.Response(404)
        return httpx.Response(
            200, content=path.read_bytes(), headers={"content-type": "application/json"}
        )

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


def test_pinning_from_the_issuers_url_fetches_its_lists_and_refresh_fetches_them_again(
    own_world: World, tmp_path: Path
) -> None:
    world = own_world
    site = _Site(world.site)
    store = TrustStore.open(tmp_path / "t")
    result = store.add(f"{URL}/keys.json", client=site.client(), now=LATER)
    assert not isinstance(result, PinnedStatusList)
    assert [e.url for e in result.status_lists] == [REVOCATION, SUSPENSION]
    assert all(e.fetched for e in result.status_lists)
    assert REVOCATION in site.asked
    # The issuer revokes a credential and publishes; the verifier refreshes.
    doc = world.issue()
    world.issuer.home.change_status(doc["id"], "revoke", actor="registrar", now=LATER)
    world.publisher().publish(world.site, now=LATER + timedelta(hours=1))
    outcomes = store.refresh(client=site.client(), now=LATER + timedelta(hours=1))
    assert [(o.kind, o.source, o.problem) for o in outcomes] == [
        ("issuer", f"{URL}/keys.json", None)
    ]
    refreshed = store.find_status_list(REVOCATION)
    assert refreshed is not None
    assert refreshed.valid_from == LATER + timedelta(hours=1)
    # A list pinned alone from its URL is refreshed on its own; one that cannot be fetched
    # keeps its old entry and is reported.
    alone = TrustStore.open(tmp_path / "alone")
    alone.add_published(world.site / "leadership" / "did.json")
    pinned = alone.add(SUSPENSION, client=site.client())
    assert isinstance(pinned, PinnedStatusList)
    assert pinned.fetched
    site.down.add(SUSPENSION)
    # The issuer pinned from a file is read again from it; the list is fetched again.
    again, outcome = alone.refresh(client=site.client())
    assert (again.kind, again.source, again.problem) == (
        "issuer",
        str(world.site / "leadership" / "did.json"),
        None,
    )
    assert outcome.kind == "status list"
    assert outcome.problem is not None
    assert "404" in outcome.problem
    assert alone.find_status_list(SUSPENSION) == pinned


def test_a_list_that_cannot_be_fetched_stops_the_pin(own_world: World, tmp_path: Path) -> None:
    site = _Site(own_world.site)
    site.down.add(SUSPENSION)
    store = TrustStore.open(tmp_path / "t")
    with pytest.raises(NetworkError):
        store.add(f"{URL}/keys.json", client=site.client())
    assert store.list() == []
    assert store.status_lists() == ([], [])


def test_a_key_history_naming_a_list_on_another_site_is_refused(tmp_path: Path) -> None:
    world = make_world(tmp_path / "w", did_web=DID_WEB)
    keys = world.site / "leadership" / "keys.json"
    history = json.loads(keys.read_text())
    history["statusLists"].append("https://elsewhere.example/status/1.json")
    keys.write_text(json.dumps(history))
    with pytest.raises(TrustStoreError, match="issuer's own site"):
        TrustStore.open(tmp_path / "t").add(world.site)


@pytest.fixture
def own_world(tmp_path: Path) -> World:
    return make_world(tmp_path / "own", did_web=DID_WEB)
