"""Atomic file writes: a synced temporary file in the target's folder, then a rename or a link.

A reader sees the old file or the new one, never a half-written one, and a crash leaves at most a
hidden ``.<name>.<random>.tmp`` file behind. Without ``overwrite`` the temporary file is
hard-linked to the target name, which fails if the name exists, so a file that appears between a
check and the write is never clobbered.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from pathlib import Path
from typing import Any

from leadbadge.errors import FileExistsRefusedError

__all__ = ["atomic_write_bytes", "atomic_write_json", "atomic_write_text", "fsync_dir"]


def atomic_write_bytes(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    mode: int = 0o644,
    overwrite: bool = True,
    sync: bool = True,
) -> None:
    """Write ``data`` to ``path`` atomically; the file gets ``mode`` (narrowed by the umask).

    The folder must exist. Without ``overwrite`` an existing ``path`` raises
    :class:`FileExistsRefusedError` (an ``InputError`` with field ``path``), even if it appears
    while the data is being written. Without ``sync`` neither the file nor the folder is synced
    (still atomic for any process that reads it, but not durable through a power loss): for a
    caller that syncs many files at once and can write them again.
    """
    target = Path(path)
    folder = target.parent
    if not overwrite and os.path.lexists(target):
        raise _exists(target)
    tmp = folder / f".{target.name}.{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
        if overwrite:
            os.replace(tmp, target)
        else:
            _link_no_clobber(tmp, target, mode)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    if sync:
        fsync_dir(folder)


def atomic_write_text(path: str | os.PathLike[str], text: str, **kw: Any) -> None:
    """:func:`atomic_write_bytes` for UTF-8 text."""
    atomic_write_bytes(path, text.encode("utf-8"), **kw)


def atomic_write_json(path: str | os.PathLike[str], obj: Any, **kw: Any) -> None:
    """Write ``obj`` as pretty UTF-8 JSON (2-space indent, key order kept, final newline)."""
    atomic_write_text(path, json.dumps(obj, indent=2, ensure_ascii=False) + "\n", **kw)


def probe_writable(folder: str | os.PathLike[str]) -> None:
    """Create and remove a file in ``folder``, as :func:`atomic_write_bytes` will: an
    ``OSError`` says why the write would fail (missing folder, no permission, read-only)."""
    probe = Path(folder) / f".leadbadge-probe.{secrets.token_hex(8)}.tmp"
    os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    os.unlink(probe)


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Make new directory entries in ``folder`` durable, where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _exists(target: Path) -> FileExistsRefusedError:
    return FileExistsRefusedError(target)


def _link_no_clobber(tmp: Path, target: Path, mode: int) -> None:
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise _exists(target) from None
    except OSError:
        # Filesystems without hard links: create the target exclusively and copy into it.
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            raise _exists(target) from None
        try:
            view = memoryview(tmp.read_bytes())
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            os.unlink(target)  # we created it: never leave a half-written file behind
            raise
        os.close(fd)
