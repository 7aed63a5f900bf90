"""Atomic writes: whole files or nothing, and no silent overwrite when refusing is asked for."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest

from leadbadge import _fs
from leadbadge.errors import InputError


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_writes_bytes_and_replaces_by_default(tmp_path: Path) -> None:
    target = tmp_path / "a.bin"
    _fs.atomic_write_bytes(target, b"one")
    _fs.atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert _leftovers(tmp_path) == []


def test_mode_is_applied(tmp_path: Path) -> None:
    target = tmp_path / "secret"
    _fs.atomic_write_bytes(target, b"x", mode=0o600)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_json_is_pretty_keeps_order_and_unicode(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    _fs.atomic_write_json(target, {"z": 1, "a": "Müller"})
    text = target.read_text(encoding="utf-8")
    assert text == '{\n  "z": 1,\n  "a": "Müller"\n}\n'
    assert json.loads(text) == {"z": 1, "a": "Müller"}


def test_refuses_to_overwrite_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    target.write_text("original")
    with pytest.raises(InputError, match="Refusing to overwrite") as info:
        _fs.atomic_write_bytes(target, b"new", overwrite=False)
    assert info.value.field == "path"
    assert target.read_text() == "original"
    assert _leftovers(tmp_path) == []


def test_refuses_a_dangling_symlink(tmp_path: Path) -> None:
    target = tmp_path / "link"
    target.symlink_to(tmp_path / "nowhere")
    with pytest.raises(InputError):
        _fs.atomic_write_bytes(target, b"new", overwrite=False)
    assert not (tmp_path / "nowhere").exists()


def test_refusal_holds_when_the_file_appears_during_the_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.json"
    real_fsync = os.fsync

    def fsync_then_someone_creates_target(fd: int) -> None:
        real_fsync(fd)
        if not target.exists():
            target.write_text("theirs")

    monkeypatch.setattr(os, "fsync", fsync_then_someone_creates_target)
    with pytest.raises(InputError, match="Refusing to overwrite"):
        _fs.atomic_write_bytes(target, b"mine", overwrite=False)
    assert target.read_text() == "theirs"
    assert _leftovers(tmp_path) == []


def test_no_hard_links_falls_back_to_exclusive_create(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*_args: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "a.json"
    _fs.atomic_write_bytes(target, b"mine", overwrite=False, mode=0o600)
    assert target.read_bytes() == b"mine"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(InputError):
        _fs.atomic_write_bytes(target, b"again", overwrite=False)
    assert target.read_bytes() == b"mine"
    assert _leftovers(tmp_path) == []


def test_failed_write_leaves_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "a.json"
    target.write_text("old")

    def disk_full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        _fs.atomic_write_bytes(target, b"new")
    assert target.read_text() == "old"
    assert _leftovers(tmp_path) == []


def test_missing_folder_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        _fs.atomic_write_bytes(tmp_path / "no" / "a.json", b"x")


def test_without_sync_nothing_is_synced_and_the_write_is_still_atomic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    target = tmp_path / "a.json"
    target.write_text("old")
    _fs.atomic_write_text(target, "new", sync=False)
    assert target.read_text() == "new"
    assert synced == []
    assert _leftovers(tmp_path) == []
    _fs.atomic_write_text(target, "newer")
    assert len(synced) == 2  # the file, then its folder
