"""The issuer home: made whole or not at all, private key files, key history and rotation."""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from pathlib import Path

import pytest

from leadbadge import _resources
from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import (
    FrameworkError,
    InputError,
    IssuerHomeError,
    WrongPassphraseError,
)
from leadbadge.issuer.home import IssuerHome
from leadbadge.issuer.ledger import Ledger
from leadbadge.issuer.ledger_schema import SCHEMA_VERSION
from tests.conftest import FIXED_NOW

PASSPHRASE = "correct horse battery staple"


def _create(path: Path, **kw: object) -> IssuerHome:
    args: dict[str, object] = {
        "name": "Riverside County Office of Education",
        "url": "https://rcoe.example.org/leadership",
        "passphrase": PASSPHRASE,
        "now": FIXED_NOW,
    }
    args.update(kw)
    return IssuerHome.create(path, **args)  # type: ignore[arg-type]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_did_key_home_layout(tmp_path: Path) -> None:
    made = _create(tmp_path / "rcoe", email="Badges@RCOE.example.org")
    root = tmp_path / "rcoe"
    assert sorted(p.name for p in root.iterdir()) == [
        "framework.toml",
        "issuer.json",
        "keys",
        "ledger.sqlite",
    ]
    assert sorted(p.name for p in (root / "keys").iterdir()) == ["1.pem", "history.json"]
    assert _mode(root) == 0o700
    assert _mode(root / "keys") == 0o700
    assert _mode(root / "keys" / "1.pem") == 0o600
    assert (root / "framework.toml").read_bytes() == (
        _resources.default_framework_path().read_bytes()
    )

    issuer = json.loads((root / "issuer.json").read_text())
    key = SigningKey.load(root / "keys" / "1.pem", PASSPHRASE).public_key
    assert issuer["format"] == 1
    assert issuer["did"] == key.did_key == issuer["profile"]["id"]
    assert issuer["didWeb"] is None
    assert issuer["created"] == "2026-11-23T12:00:00Z"
    assert issuer["profile"] == {
        "id": key.did_key,
        "name": "Riverside County Office of Education",
        "url": "https://rcoe.example.org/leadership",
        "email": "badges@rcoe.example.org",
    }
    history = json.loads((root / "keys" / "history.json").read_text())
    assert history == [
        {
            "n": 1,
            "verificationMethod": key.did_key_verification_method,
            "controller": key.did_key,
            "publicKeyMultibase": key.multikey,
            "validFrom": "2026-11-23T12:00:00Z",
            "validUntil": None,
        }
    ]
    with Ledger.open(root / "ledger.sqlite") as book:
        assert book.schema_version == SCHEMA_VERSION
        assert book.count() == 0

    assert made.issuer_id == key.did_key
    assert made.profile.email == "badges@rcoe.example.org"
    assert made.framework().tier("initial").id == "initial"
    assert made.signing_key(PASSPHRASE).public_key == key


def test_did_web_home_uses_key_n_fragments(tmp_path: Path) -> None:
    made = _create(tmp_path / "h", did_web="rcoe.example.org:leadership")
    assert made.issuer_id == "did:web:rcoe.example.org:leadership"
    assert made.current_key.verification_method == "did:web:rcoe.example.org:leadership#key-1"
    assert made.profile.id == made.issuer_id
    reopened = IssuerHome.open(tmp_path / "h")
    assert reopened.did_web == made.issuer_id
    assert reopened.keys == made.keys


def test_did_web_accepts_an_https_url(tmp_path: Path) -> None:
    made = _create(tmp_path / "h", did_web="https://rcoe.example.org/leadership")
    assert made.issuer_id == "did:web:rcoe.example.org:leadership"


def test_empty_existing_folder_is_used(tmp_path: Path) -> None:
    (tmp_path / "h").mkdir()
    _create(tmp_path / "h")
    assert (tmp_path / "h" / "issuer.json").is_file()


def test_existing_home_is_refused(tmp_path: Path) -> None:
    _create(tmp_path / "h")
    before = (tmp_path / "h" / "issuer.json").read_bytes()
    with pytest.raises(IssuerHomeError, match="already an issuer home"):
        _create(tmp_path / "h")
    assert (tmp_path / "h" / "issuer.json").read_bytes() == before


def test_non_empty_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "notes.txt").write_text("mine")
    with pytest.raises(IssuerHomeError, match="not empty"):
        _create(tmp_path / "h")
    assert sorted(p.name for p in (tmp_path / "h").iterdir()) == ["notes.txt"]


@pytest.mark.parametrize(
    "url",
    [
        "http://rcoe.example.org",
        "ftp://rcoe.example.org",
        "rcoe.example.org",
        "https://rcoe.example.org/?a=1",
        "https://rcoe.example.org/#x",
        "https://user:pw@rcoe.example.org/",
        "",
    ],
)
def test_bad_urls_are_refused_before_anything_is_made(tmp_path: Path, url: str) -> None:
    with pytest.raises(InputError) as info:
        _create(tmp_path / "h", url=url)
    assert info.value.field == "url"
    assert list(tmp_path.iterdir()) == []


def test_bad_framework_leaves_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "fw.toml"
    bad.write_text('[program]\nname = "x"\n')
    with pytest.raises(FrameworkError):
        _create(tmp_path / "h", framework=bad)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fw.toml"]


def test_custom_framework_is_copied_verbatim(tmp_path: Path) -> None:
    source = tmp_path / "mine.toml"
    source.write_bytes(_resources.default_framework_path().read_bytes() + b"\n# ours\n")
    made = _create(tmp_path / "h", framework=source)
    assert (tmp_path / "h" / "framework.toml").read_bytes() == source.read_bytes()
    assert made.framework().tier_ids()[0] == "initial"


def test_failure_while_building_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Ledger, "open", broken)
    with pytest.raises(OSError, match="No space"):
        _create(tmp_path / "h")
    assert list(tmp_path.iterdir()) == []


def test_target_filled_during_creation_is_not_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "h"
    real_open = Ledger.open

    def someone_writes_target(path: Path, **kw: bool) -> Ledger:
        target.mkdir()
        (target / "theirs.txt").write_text("x")
        return real_open(path, **kw)

    monkeypatch.setattr(Ledger, "open", someone_writes_target)
    with pytest.raises(IssuerHomeError, match="changed while"):
        _create(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h"]
    assert sorted(p.name for p in target.iterdir()) == ["theirs.txt"]


def test_open_refuses_a_folder_that_is_not_a_home(tmp_path: Path) -> None:
    with pytest.raises(IssuerHomeError, match="not an issuer home"):
        IssuerHome.open(tmp_path)


def test_open_refuses_damaged_history(tmp_path: Path) -> None:
    _create(tmp_path / "h")
    (tmp_path / "h" / "keys" / "history.json").write_text("[]")
    with pytest.raises(IssuerHomeError, match="empty"):
        IssuerHome.open(tmp_path / "h")
    (tmp_path / "h" / "keys" / "history.json").write_text("{not json")
    with pytest.raises(IssuerHomeError, match="not valid JSON"):
        IssuerHome.open(tmp_path / "h")


def test_open_refuses_another_format(tmp_path: Path) -> None:
    _create(tmp_path / "h")
    path = tmp_path / "h" / "issuer.json"
    data = json.loads(path.read_text())
    data["format"] = 2
    path.write_text(json.dumps(data))
    with pytest.raises(IssuerHomeError, match="format 1"):
        IssuerHome.open(tmp_path / "h")


def test_wrong_passphrase(tmp_path: Path) -> None:
    made = _create(tmp_path / "h")
    with pytest.raises(WrongPassphraseError):
        made.signing_key("wrong")


def test_key_file_that_does_not_match_history(tmp_path: Path) -> None:
    made = _create(tmp_path / "h")
    SigningKey.generate().save(made.key_path(1), PASSPHRASE, overwrite=True)
    with pytest.raises(IssuerHomeError, match="does not match the key history"):
        made.signing_key(PASSPHRASE)


def test_rotate_did_web_keeps_issuer_and_closes_old_key(tmp_path: Path) -> None:
    made = _create(tmp_path / "h", did_web="rcoe.example.org")
    old_key = made.current_key
    later = FIXED_NOW + timedelta(days=30, microseconds=500)
    new = made.rotate(PASSPHRASE, now=later)
    assert new.n == 2
    assert new.verification_method == "did:web:rcoe.example.org#key-2"
    assert new.public_key != old_key.public_key
    assert made.issuer_id == "did:web:rcoe.example.org"
    assert made.identities == ["did:web:rcoe.example.org"]
    history = json.loads((tmp_path / "h" / "keys" / "history.json").read_text())
    assert [(h["n"], h["validFrom"], h["validUntil"]) for h in history] == [
        (1, "2026-11-23T12:00:00Z", "2026-12-23T12:00:00Z"),
        (2, "2026-12-23T12:00:00Z", None),
    ]
    assert _mode(made.key_path(2)) == 0o600
    assert made.signing_key(PASSPHRASE).public_key == new.public_key
    assert SigningKey.load(made.key_path(1), PASSPHRASE).public_key == old_key.public_key


def test_rotate_did_key_changes_issuer_id_and_keeps_identities(tmp_path: Path) -> None:
    made = _create(tmp_path / "h")
    first = made.issuer_id
    new = made.rotate(PASSPHRASE, now=FIXED_NOW + timedelta(hours=1))
    assert made.issuer_id == new.public_key.did_key != first
    assert made.identities == [first, new.controller]
    issuer = json.loads((tmp_path / "h" / "issuer.json").read_text())
    assert issuer["did"] == issuer["profile"]["id"] == new.controller
    assert IssuerHome.open(tmp_path / "h").profile.id == new.controller


def test_rotate_with_wrong_passphrase_changes_nothing(tmp_path: Path) -> None:
    made = _create(tmp_path / "h")
    before = sorted((p.name, p.read_bytes()) for p in (tmp_path / "h" / "keys").iterdir())
    with pytest.raises(WrongPassphraseError):
        made.rotate("not it", now=FIXED_NOW + timedelta(hours=1))
    after = sorted((p.name, p.read_bytes()) for p in (tmp_path / "h" / "keys").iterdir())
    assert after == before


@pytest.mark.parametrize(
    "offset", [timedelta(seconds=-1), timedelta(0), timedelta(milliseconds=200)]
)
def test_rotate_must_be_dated_after_the_current_key(tmp_path: Path, offset: timedelta) -> None:
    made = _create(tmp_path / "h")
    with pytest.raises(InputError, match="must be dated later"):
        made.rotate(PASSPHRASE, now=FIXED_NOW + offset)
    assert len(IssuerHome.open(tmp_path / "h").keys) == 1


def test_rotate_right_after_creation_leaves_no_empty_period(tmp_path: Path) -> None:
    made = _create(tmp_path / "h", now=None)
    first = made.current_key
    new = made.rotate(PASSPHRASE)
    closed = made.keys[0]
    assert closed.valid_until is not None
    assert first.valid_from < closed.valid_until == new.valid_from


def test_rotate_skips_a_key_file_left_by_an_interrupted_rotation(tmp_path: Path) -> None:
    made = _create(tmp_path / "h")
    orphan = SigningKey.generate()
    orphan.save(made.key_path(2), PASSPHRASE)
    new = made.rotate(PASSPHRASE, now=FIXED_NOW + timedelta(hours=1))
    assert new.n == 3
    assert [k.n for k in made.keys] == [1, 3]
    assert SigningKey.load(made.key_path(2), PASSPHRASE).public_key == orphan.public_key


def test_stale_issuer_file_after_interrupted_rotation_still_opens(tmp_path: Path) -> None:
    made = _create(tmp_path / "h")
    before = (tmp_path / "h" / "issuer.json").read_bytes()
    made.rotate(PASSPHRASE, now=FIXED_NOW + timedelta(hours=1))
    (tmp_path / "h" / "issuer.json").write_bytes(before)  # as if the last write never happened
    reopened = IssuerHome.open(tmp_path / "h")
    assert reopened.issuer_id == reopened.keys[-1].controller
    assert reopened.profile.id == reopened.issuer_id
