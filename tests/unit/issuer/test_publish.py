"""Publishing: the site tree, each file's shape, and documents strict JSON-LD accepts."""

from __future__ import annotations

import importlib
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge.crypto.did import parse_did_document
from leadbadge.crypto.keys import VerifyingKey
from leadbadge.errors import InputError, IssuerHomeError
from leadbadge.issuer.home import WITH_SUSPENSION, IssuerHome
from leadbadge.issuer.publish import publish, site_files
from leadbadge.ld.expand import expand_strict
from leadbadge.pathway.framework import default_framework
from tests.conftest import FIXED_NOW

PASSPHRASE = "correct horse battery staple"
# The module itself: the package also exposes the function under the same name.
publish_module = importlib.import_module("leadbadge.issuer.publish")


def _home(path: Path, *, url: str, did_web: str | None = None) -> IssuerHome:
    return IssuerHome.create(
        path,
        name="Riverside County Office of Education",
        url=url,
        passphrase=PASSPHRASE,
        did_web=did_web,
        email="badges@rcoe.example.org",
        now=FIXED_NOW,
        # Both lists, so that the site layout shows how they are numbered.
        status_purposes=WITH_SUSPENSION,
    )


def _publish(home: IssuerHome, out: Path, **kw: Any) -> list[Path]:
    """Publish with the issuer's current key (it signs the status lists)."""
    kw.setdefault("now", FIXED_NOW + timedelta(days=2))
    return publish(home, out, signing_key=home.signing_key(PASSPHRASE), **kw)


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_did_web_site_tree(tmp_path: Path) -> None:
    home = _home(
        tmp_path / "home",
        url="https://rcoe.example.org/leadership",
        did_web="rcoe.example.org:leadership",
    )
    out = tmp_path / "site"
    written = _publish(home, out)
    tiers = default_framework().tier_ids()
    expected = sorted(
        [
            "leadership/did.json",
            "leadership/issuer.json",
            "leadership/keys.json",
            *[f"leadership/achievements/{t}.json" for t in tiers],
            "leadership/status/1.json",
            "leadership/status/2.json",
        ]
    )
    assert _tree(out) == expected
    assert sorted(str(p.relative_to(out)) for p in written) == expected


def test_did_web_at_the_domain_root_goes_to_well_known(tmp_path: Path) -> None:
    home = _home(tmp_path / "home", url="https://rcoe.example.org", did_web="rcoe.example.org")
    _publish(home, tmp_path / "site")
    assert (tmp_path / "site" / ".well-known" / "did.json").is_file()
    assert (tmp_path / "site" / "issuer.json").is_file()
    assert (tmp_path / "site" / "keys.json").is_file()


def test_did_key_issuer_has_no_did_document(tmp_path: Path) -> None:
    home = _home(tmp_path / "home", url="http://localhost:8000/issuers/rcoe")
    _publish(home, tmp_path / "site")
    tree = _tree(tmp_path / "site")
    assert not any(name.endswith("did.json") for name in tree)
    assert "issuers/rcoe/keys.json" in tree


def test_key_history_shape(tmp_path: Path) -> None:
    home = _home(
        tmp_path / "home",
        url="https://rcoe.example.org/leadership",
        did_web="rcoe.example.org:leadership",
    )
    home.rotate(PASSPHRASE, now=FIXED_NOW + timedelta(days=1))
    _publish(home, tmp_path / "site")
    history = _load(tmp_path / "site" / "leadership" / "keys.json")
    did = "did:web:rcoe.example.org:leadership"
    assert history == {
        "type": "LeadbadgeKeyHistory",
        "version": 1,
        "issuer": did,
        "name": "Riverside County Office of Education",
        "url": "https://rcoe.example.org/leadership",
        "didWeb": did,
        "keys": [
            {
                "id": f"{did}#key-1",
                "controller": did,
                "publicKeyMultibase": home.keys[0].public_key.multikey,
                "validFrom": "2026-11-23T12:00:00Z",
                "validUntil": "2026-11-24T12:00:00Z",
            },
            {
                "id": f"{did}#key-2",
                "controller": did,
                "publicKeyMultibase": home.keys[1].public_key.multikey,
                "validFrom": "2026-11-24T12:00:00Z",
                "validUntil": None,
            },
        ],
        "achievements": {
            t: f"https://rcoe.example.org/leadership/achievements/{t}.json"
            for t in default_framework().tier_ids()
        },
        "statusLists": [
            "https://rcoe.example.org/leadership/status/1.json",
            "https://rcoe.example.org/leadership/status/2.json",
        ],
    }


def test_did_document_lists_every_key_for_assertion(tmp_path: Path) -> None:
    home = _home(tmp_path / "home", url="https://rcoe.example.org", did_web="rcoe.example.org")
    home.rotate(PASSPHRASE, now=FIXED_NOW + timedelta(days=1))
    _publish(home, tmp_path / "site")
    raw = _load(tmp_path / "site" / ".well-known" / "did.json")
    doc = parse_did_document(raw, expected_did="did:web:rcoe.example.org")
    for record in home.keys:
        method = doc.assertion_key(record.verification_method)
        assert method is not None
        assert method.public_key == record.public_key


def test_did_key_history_names_every_identity(tmp_path: Path) -> None:
    home = _home(tmp_path / "home", url="https://rcoe.example.org")
    first = home.issuer_id
    home.rotate(PASSPHRASE, now=FIXED_NOW + timedelta(days=1))
    _publish(home, tmp_path / "site")
    history = _load(tmp_path / "site" / "keys.json")
    assert history["issuer"] == home.issuer_id != first
    assert history["didWeb"] is None
    assert [k["controller"] for k in history["keys"]] == [first, home.issuer_id]
    for entry in history["keys"]:
        key = VerifyingKey.from_multikey(entry["publicKeyMultibase"])
        assert entry["id"] == key.did_key_verification_method
    profile = _load(tmp_path / "site" / "issuer.json")
    assert profile["id"] == home.issuer_id


def test_profile_and_achievements_are_strict_json_ld(tmp_path: Path) -> None:
    home = _home(tmp_path / "home", url="https://rcoe.example.org/leadership")
    _publish(home, tmp_path / "site")
    profile = _load(tmp_path / "site" / "leadership" / "issuer.json")
    assert profile["type"] == ["Profile"]
    assert profile["email"] == "badges@rcoe.example.org"
    expand_strict(profile)
    for tier in default_framework().tiers:
        path = tmp_path / "site" / "leadership" / "achievements" / f"{tier.id}.json"
        achievement = _load(path)
        assert achievement["id"] == (
            f"https://rcoe.example.org/leadership/achievements/{tier.id}.json"
        )
        assert achievement["type"] == ["Achievement"]
        assert achievement["name"] == tier.name
        assert len(achievement["resultDescription"]) == len(tier.competencies)
        expand_strict(achievement)


def test_publish_again_replaces_our_files_only(tmp_path: Path) -> None:
    home = _home(tmp_path / "home", url="https://rcoe.example.org")
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>ours</p>")
    _publish(home, site)
    home.rotate(PASSPHRASE, now=FIXED_NOW + timedelta(days=1))
    _publish(home, site)
    assert (site / "index.html").read_text() == "<p>ours</p>"
    assert len(_load(site / "keys.json")["keys"]) == 2
    assert not list(site.rglob("*.tmp"))


def test_nothing_is_written_when_building_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _home(tmp_path / "home", url="https://rcoe.example.org")

    def broken(*_a: object) -> dict[str, object]:
        raise ValueError("boom")

    monkeypatch.setattr(publish_module, "key_history_document", broken)
    with pytest.raises(ValueError, match="boom"):
        _publish(home, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_site_files_touches_no_disk(tmp_path: Path) -> None:
    home = _home(tmp_path / "home", url="https://rcoe.example.org", did_web="rcoe.example.org")
    files = site_files(home, signing_key=home.signing_key(PASSPHRASE), now=FIXED_NOW)
    assert [f.kind for f in files][:2] == ["did", "profile"]
    assert files[0].relative_path == ".well-known/did.json"
    assert [f.relative_path for f in files][-3:] == ["keys.json", "status/1.json", "status/2.json"]
    assert [f.kind for f in files][-2:] == ["status", "status"]
    assert not (tmp_path / "site").exists()


def test_publishing_without_the_signing_key_is_refused(tmp_path: Path) -> None:
    # A new home has its first status lists: a site without them would leave every
    # credential's status unknown, so the key that signs them is required.
    home = _home(tmp_path / "home", url="https://rcoe.example.org")
    with pytest.raises(InputError, match="signing key"):
        publish(home, tmp_path / "site")
    assert not (tmp_path / "site").exists()
    other = IssuerHome.create(
        tmp_path / "other", name="Other", url="https://other.example", passphrase="x y z w"
    )
    with pytest.raises(IssuerHomeError, match="not the issuer's current key"):
        publish(home, tmp_path / "site", signing_key=other.signing_key("x y z w"))


def test_percent_encoded_url_path_becomes_plain_folder_names(tmp_path: Path) -> None:
    home = _home(tmp_path / "home", url="https://rcoe.example.org/lead%20ership")
    _publish(home, tmp_path / "site")
    assert (tmp_path / "site" / "lead ership" / "keys.json").is_file()


def test_url_path_that_would_escape_the_folder_is_refused(tmp_path: Path) -> None:
    # Refused when the home is made (tests/unit/issuer/test_urls.py); publish checks it again.
    with pytest.raises(InputError, match="encoded dot") as info:
        _home(tmp_path / "home", url="https://rcoe.example.org/%2e%2e/x")
    assert info.value.field == "url"
    assert not (tmp_path / "home").exists()
    home = _home(tmp_path / "home", url="https://rcoe.example.org/x")
    home.profile = replace(home.profile, url="https://rcoe.example.org/x/../../y")
    with pytest.raises(InputError, match=r"'\.' or '\.\.' folder"):
        _publish(home, tmp_path / "site")
    assert not (tmp_path / "site").exists()


# --- credential pages --------------------------------------------------------------------------


def _page_text(site: Path, path: str) -> str:
    """The visible text of a published page: tags dropped, entities decoded, spaces folded."""
    import html
    import re

    page = site.joinpath(*path.strip("/").split("/"), "index.html").read_text(encoding="utf-8")
    body = page.split("<body>", 1)[1]
    return re.sub(
        r" (?=[,.;:])", "", " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    )


def test_each_credential_gets_a_page_badge_and_file_with_its_ledger_status(
    tmp_path: Path,
) -> None:
    from leadbadge.share.bake import unbake
    from tests._credential_site import HOSTILE_NAME, NAMES, publish_credential_site

    built = publish_credential_site(tmp_path)
    for state, path in built.paths.items():
        folder = built.root.joinpath(*path.strip("/").split("/"))
        assert sorted(p.name for p in folder.iterdir()) == [
            "badge.svg",
            "credential.json",
            "index.html",
        ]
        assert _load(folder / "credential.json") == built.documents[state]
        assert (
            json.loads(unbake((folder / "badge.svg").read_bytes()).text) == built.documents[state]
        )
        text = _page_text(built.root, path)
        assert f"Awarded to {NAMES[state]}" in text
        assert "Status as of 25 November 2026, 15:15 UTC" in text
        assert (
            "Or check it on the issuer's verification page: https://rcoe.example.org/verify" in text
        )
    assert "Status: Revoked on 24 November 2026" in _page_text(built.root, built.paths["revoked"])
    suspended = _page_text(built.root, built.paths["suspended"])
    assert "Status: Suspended since 24 November 2026" in suspended
    assert "Status: Active In the issuer's records" in _page_text(built.root, built.paths["active"])
    hostile = built.root.joinpath(*built.paths["hostile"].strip("/").split("/"), "index.html")
    assert HOSTILE_NAME not in hostile.read_text(encoding="utf-8")


def test_pages_follow_the_ledger_and_are_rewritten_only_when_they_change(
    tmp_path: Path,
) -> None:
    from tests._credential_site import PASSPHRASE as SITE_PASSPHRASE
    from tests._credential_site import PUBLISHED, publish_credential_site

    built = publish_credential_site(tmp_path, verification_page=None)
    page = built.root.joinpath(*built.paths["suspended"].strip("/").split("/"), "index.html")
    assert "verification page" not in page.read_text(encoding="utf-8")
    key = built.home.signing_key(SITE_PASSPHRASE)
    changed: list[Path] = []

    def again(days: int) -> None:
        changed.clear()
        publish(
            built.home,
            built.root,
            signing_key=key,
            now=PUBLISHED + timedelta(days=days),
            on_file=lambda p, c: changed.append(p) if c else None,
        )

    again(0)
    assert changed == []
    # A day later only the lists are signed afresh: the pages say the same, dated as before.
    again(1)
    assert sorted(p.name for p in changed) == ["1.json", "2.json"]
    active = _page_text(built.root, built.paths["active"])
    assert "Status as of 25 November 2026, 15:15 UTC" in active
    built.home.change_status(
        built.documents["suspended"]["id"], "unsuspend", actor="registrar", now=PUBLISHED
    )
    again(2)
    # The lists and the one page whose status changed, which dates its status to this publish.
    assert sorted(p.name for p in changed) == ["1.json", "2.json", "index.html"]
    assert changed[-1] == page
    unsuspended = _page_text(built.root, built.paths["suspended"])
    assert "Status: Active" in unsuspended
    assert "Status as of 27 November 2026, 15:15 UTC" in unsuspended
    assert _page_text(built.root, built.paths["active"]) == active


def test_a_page_from_elsewhere_at_a_link_is_replaced(tmp_path: Path) -> None:
    from tests._credential_site import PASSPHRASE as SITE_PASSPHRASE
    from tests._credential_site import PUBLISHED, publish_credential_site

    built = publish_credential_site(tmp_path)
    page = built.root.joinpath(*built.paths["active"].strip("/").split("/"), "index.html")
    ours = page.read_bytes()
    page.write_bytes(ours.replace(b"Ana Ruiz", b"Someone Else"))
    key = built.home.signing_key(SITE_PASSPHRASE)
    publish(built.home, built.root, signing_key=key, now=PUBLISHED + timedelta(days=1))
    # Rewritten (a page that says something else is never kept), dated to this publish.
    assert b"Ana Ruiz" in page.read_bytes()
    assert "Status as of 26 November 2026" in _page_text(built.root, built.paths["active"])


@pytest.mark.parametrize(
    "value", ["http://rcoe.example.org/verify", "javascript:alert(1)", 42, "https://", "https://[x"]
)
def test_a_verification_page_setting_that_is_not_https_is_refused(
    tmp_path: Path, value: object
) -> None:
    home = _home(tmp_path / "home", url="https://rcoe.example.org")
    config = home.path / "issuer.json"
    data = _load(config)
    data["verificationPage"] = value
    config.write_text(json.dumps(data))
    with pytest.raises(IssuerHomeError, match="verificationPage"):
        IssuerHome.open(home.path)
    data["verificationPage"] = "https://rcoe.example.org/verify?from=page"
    config.write_text(json.dumps(data))
    assert (
        IssuerHome.open(home.path).verification_page == "https://rcoe.example.org/verify?from=page"
    )
