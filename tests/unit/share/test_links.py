"""Credential links (RFC 8785 digests), the pages publish writes, and where links are resolved."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from leadbadge.errors import CredentialDocumentError, InputError, NetworkError
from leadbadge.share.links import (
    CredentialLink,
    find_in_folders,
    link_for,
    link_id,
    parse_link,
)
from leadbadge.share.pages import credential_page, credential_pages
from leadbadge.verifier.sources import credential_sources

BASE = "https://rcoe.example.org/leadership"
DOC: dict[str, Any] = {
    "id": "urn:uuid:1",
    "name": 'Initial <Leadership> & "Certification"',
    "issuer": {"id": "did:web:rcoe.example.org:leadership", "name": "RCOE", "url": BASE},
    "validFrom": "2026-01-01T00:00:00Z",
    "credentialSubject": {
        "achievement": {"id": f"{BASE}/achievements/initial.json", "name": "Initial"},
        "identifier": [{"identityType": "name", "hashed": False, "identityHash": "Ana <b>Ruiz"}],
    },
    "proof": [{"type": "DataIntegrityProof"}],
}


# --- links ------------------------------------------------------------------------------------


def test_a_link_commits_to_the_content_not_its_json_spelling() -> None:
    link = link_for(DOC, BASE)
    assert link == f"{BASE}/c/{link_id(DOC)}"
    assert len(link_id(DOC)) == 26
    assert len(link) == 64
    reordered = json.loads(json.dumps(dict(reversed(list(DOC.items())))))
    assert link_for(reordered, BASE + "/") == link
    changed = json.loads(json.dumps(DOC))
    changed["validFrom"] = "2026-01-02T00:00:00Z"
    assert link_for(changed, BASE) != link


@pytest.mark.parametrize(
    "text",
    [
        f"{BASE}/c/" + "a" * 26,
        f"{BASE}/c/" + "a" * 26 + "/",
        f"{BASE}/c/" + "a" * 26 + "/credential.json",
        "  " + f"{BASE}/c/" + "a" * 26 + "\n",
    ],
)
def test_links_parse(text: str) -> None:
    link = parse_link(text)
    assert link == CredentialLink(url=f"{BASE}/c/" + "a" * 26, base_url=BASE, id="a" * 26)
    assert link.json_url == f"{BASE}/c/{'a' * 26}/credential.json"
    assert len(link.digest) == 16


@pytest.mark.parametrize(
    "text",
    [
        "https://example.org/",
        f"{BASE}/c/" + "a" * 25,
        f"{BASE}/c/" + "A" * 26,
        f"{BASE}/x/" + "a" * 26,
        f"{BASE}/c/" + "a" * 26 + "?q=1",
        "ftp://example.org/c/" + "a" * 26,
        "http://example.org/c/" + "a" * 26,
        "not a url",
    ],
)
def test_other_urls_are_not_links(text: str) -> None:
    assert parse_link(text) is None


def test_a_link_base_must_be_https() -> None:
    with pytest.raises(InputError, match="https"):
        link_for(DOC, "http://example.org")
    with pytest.raises(InputError, match="plain address"):
        link_for(DOC, "https://example.org/?x=1")
    assert link_for(DOC, "http://localhost:8000").startswith("http://localhost:8000/c/")


def test_local_copies_are_found_and_checked(tmp_path: Path) -> None:
    link = parse_link(link_for(DOC, BASE))
    assert link is not None
    site = tmp_path / "site"
    for parts, data in credential_pages([DOC], BASE):
        path = site.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    found = find_in_folders(link, [site])
    assert found is not None
    assert found[0].name == "credential.json"
    assert json.loads(found[1]) == DOC
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "ana.json").write_text(json.dumps(DOC, indent=4))
    (loose / "other.json").write_text(json.dumps({**DOC, "id": "urn:uuid:2"}))
    assert find_in_folders(link, [loose]) is not None
    (loose / "ana.json").unlink()
    assert find_in_folders(link, [loose]) is None
    with pytest.raises(CredentialDocumentError, match="does not exist"):
        find_in_folders(link, [tmp_path / "nope"])


def test_a_credential_in_a_site_larger_than_the_search_bound_is_still_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A site with more entries than the walk looks at: the credential's own folder is looked
    # at first, so the bound cannot hide it (the walk alone stops before reaching it).
    monkeypatch.setattr("leadbadge.share.links._MAX_SEARCH_ENTRIES", 10)
    link = parse_link(link_for(DOC, BASE))
    assert link is not None
    site = tmp_path / "site"
    for parts, data in credential_pages([DOC], BASE):
        path = site.joinpath(*parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    where = site / "leadership" / "c" / link.id / "credential.json"
    # The host's folder (the site under its base path) and the site's own folder.
    for folder in (site, site / "leadership"):
        for n in range(20):
            (folder / "a-crowd" / f"f{n:02}").mkdir(parents=True, exist_ok=True)
        found = find_in_folders(link, [folder])
        assert found is not None
        assert found[0] == where
    # In a folder holding the host's folder, the bounded walk is all there is.
    assert find_in_folders(link, [tmp_path]) is None


def test_local_copies_that_are_not_strict_json_are_passed_over(tmp_path: Path) -> None:
    # Each of these reads, leniently, as DOC or as something whose digest cannot be taken; the
    # search goes on to the honest copy instead of taking them or stopping.
    link = parse_link(link_for(DOC, BASE))
    assert link is not None
    honest = json.dumps(DOC)
    (tmp_path / "a-duplicate.json").write_text('{"id":"urn:uuid:0",' + honest[1:])
    (tmp_path / "b-surrogate.json").write_text('{"x":"\\ud800",' + honest[1:])
    (tmp_path / "c-deep.json").write_text("[" * 200_000 + "]" * 200_000)
    (tmp_path / "d-honest.json").write_text(honest)
    found = find_in_folders(link, [tmp_path])
    assert found is not None
    assert found[0].name == "d-honest.json"


# --- pages -------------------------------------------------------------------------------------


def test_pages_are_static_escaped_and_serve_the_credential() -> None:
    files = dict(credential_pages([DOC], BASE))
    folder = ("leadership", "c", link_id(DOC))
    assert set(files) == {
        (*folder, "credential.json"),
        (*folder, "badge.svg"),
        (*folder, "index.html"),
    }
    assert json.loads(files[(*folder, "credential.json")]) == DOC
    page = files[(*folder, "index.html")].decode()
    assert "<script" not in page.lower()
    assert "Ana &lt;b&gt;Ruiz" in page
    assert "Initial &lt;Leadership&gt; &amp; &quot;Certification&quot;" in page
    assert "<b>" not in page
    assert 'name="robots" content="noindex' in page
    assert f"leadbadge verify --online {link_for(DOC, BASE)}" in page
    assert "this page itself proves nothing" in " ".join(
        credential_page(DOC, link_for(DOC, BASE)).split()
    )


# --- sources -----------------------------------------------------------------------------------


def test_sources_look_locally_and_fetch_only_when_online(tmp_path: Path) -> None:
    achievement = {
        "@context": [],
        "id": f"{BASE}/achievements/initial.json",
        "type": ["Achievement"],
    }
    site = tmp_path / "site"
    path = site / "leadership" / "achievements" / "initial.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(achievement))
    offline = credential_sources(folders=[site])
    assert offline.achievements is not None
    assert offline.links is not None
    assert offline.achievements(f"{BASE}/achievements/initial.json") == achievement
    assert offline.achievements(f"{BASE}/achievements/other.json") is None
    link = parse_link(link_for(DOC, BASE))
    assert link is not None
    assert offline.links(link) is None

    requested: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        if request.url.path.endswith("/credential.json"):
            return httpx.Response(200, json=DOC)
        return httpx.Response(404)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    online = credential_sources(online=True, client=client)
    assert online.links is not None
    assert json.loads(online.links(link) or b"") == DOC
    assert requested == [link.json_url]
    assert online.achievements is not None
    with pytest.raises(NetworkError, match="404"):
        online.achievements(f"{BASE}/achievements/missing.json")
