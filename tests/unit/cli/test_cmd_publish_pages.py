"""``leadbadge publish --verification-page``: the issuer's verification page on credential pages."""

from __future__ import annotations

import json
from pathlib import Path

from leadbadge.issuer.home import IssuerHome
from tests.unit.cli._cli import NO_PASSPHRASE, ok, refused

PAGE = "https://rcoe.example.org/verify"


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "rcoe"
    ok("init", str(home), "--name", "RCOE", "--url", "https://rcoe.example.org/leadership")
    return home


def test_the_page_is_recorded_kept_and_removed(tmp_path: Path) -> None:
    home, site = _home(tmp_path), tmp_path / "site"
    ok("publish", "--issuer", str(home), str(site), "--verification-page", PAGE)
    assert json.loads((home / "issuer.json").read_text())["verificationPage"] == PAGE
    ok("publish", "--issuer", str(home), str(site))
    assert IssuerHome.open(home).verification_page == PAGE
    ok("publish", "--issuer", str(home), str(site), "--no-verification-page")
    assert "verificationPage" not in json.loads((home / "issuer.json").read_text())
    assert IssuerHome.open(home).verification_page is None


def test_a_page_that_is_not_https_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    home = _home(tmp_path)
    before = (home / "issuer.json").read_bytes()
    line = refused(
        "publish", "--issuer", str(home), str(tmp_path / "site"), "--verification-page", "http://x"
    )
    assert "is not an https URL" in line
    assert (home / "issuer.json").read_bytes() == before
    assert not (tmp_path / "site").exists()


def test_without_the_passphrase_the_home_is_not_changed(tmp_path: Path) -> None:
    home = _home(tmp_path)
    before = (home / "issuer.json").read_bytes()
    refused(
        "publish",
        *("--issuer", str(home), str(tmp_path / "site"), "--verification-page", PAGE),
        env=NO_PASSPHRASE,
    )
    assert (home / "issuer.json").read_bytes() == before


def test_both_options_together_are_refused(tmp_path: Path) -> None:
    home = _home(tmp_path)
    args = ("--verification-page", PAGE, "--no-verification-page")
    line = refused("publish", "--issuer", str(home), str(tmp_path / "site"), *args)
    assert "not both" in line
