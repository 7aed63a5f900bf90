"""Where published material is read from: folders, single files, URLs and DIDs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from leadbadge.errors import NetworkError, TrustStoreError
from leadbadge.trust.store import TrustStore
from tests.unit._published import URL, Issuer, write_json

# --- published folders and files ------------------------------------------------------------------


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
