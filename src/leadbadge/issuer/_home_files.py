"""How the issuer home's files are read and written: its JSON files and their dates, the folder
made in one step, and the lock that keeps two rotations apart."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from leadbadge import _fs, _resources
from leadbadge.errors import InputError, IssuerHomeError

if sys.platform != "win32":
    import fcntl

__all__ = [
    "ISSUER_FILE",
    "check_target",
    "copy_framework",
    "locked",
    "move_into_place",
    "numbered_pems",
    "parse_time",
    "read_json",
    "to_the_second",
    "xsd_datetime",
]

ISSUER_FILE = "issuer.json"


def xsd_datetime(value: datetime) -> str:
    """An aware datetime as an XML Schema dateTimeStamp in UTC, whole seconds (``…Z``)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError("A time without a time zone cannot be recorded.", field="now")
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def to_the_second(now: datetime | None) -> datetime:
    """``now`` (default: the clock) in UTC, whole seconds, as the home's files record it."""
    moment = datetime.now(UTC) if now is None else now
    return datetime.fromisoformat(xsd_datetime(moment))


def parse_time(value: object, where: str) -> datetime:
    """A date-time with a time zone from the home's files; IssuerHomeError naming ``where``."""
    parsed = None
    if isinstance(value, str) and "T" in value:
        with contextlib.suppress(ValueError):
            parsed = datetime.fromisoformat(value)
    if parsed is None or parsed.tzinfo is None:
        raise IssuerHomeError(f"{where} is not a date-time with a time zone.")
    return parsed


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IssuerHomeError(
            f"{path} is missing; the issuer home is incomplete.", path=path.parent
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise IssuerHomeError(f"{path} is not valid JSON.", path=path.parent) from None


def check_target(target: Path) -> None:
    if (target / ISSUER_FILE).exists():
        raise IssuerHomeError(
            f"{target} is already an issuer home; choose another folder.", path=target
        )
    if target.exists() or target.is_symlink():
        if not target.is_dir():
            raise IssuerHomeError(f"{target} exists and is not a folder.", path=target)
        if any(target.iterdir()):
            raise IssuerHomeError(
                f"{target} is not empty; choose a new or empty folder.", path=target
            )


def copy_framework(source: Path | None, home: Path) -> str:
    origin = source if source is not None else _resources.default_framework_path()
    name = "framework.json" if origin.suffix.lower() == ".json" else "framework.toml"
    _fs.atomic_write_bytes(home / name, origin.read_bytes(), overwrite=False)
    return name


def move_into_place(tmp: Path, target: Path) -> None:
    try:
        # Onto a missing name or an empty folder this is one atomic step (POSIX rename(2)).
        os.rename(tmp, target)
    except OSError:
        if target.is_dir() and not any(target.iterdir()):
            with contextlib.suppress(OSError):
                target.rmdir()  # platforms that cannot rename onto an empty folder
            with contextlib.suppress(OSError):
                os.rename(tmp, target)
                _fs.fsync_dir(target.parent)
                return
        raise IssuerHomeError(
            f"{target} changed while the issuer home was being made; nothing was created.",
            path=target,
        ) from None
    _fs.fsync_dir(target.parent)


def numbered_pems(folder: Path) -> list[int]:
    return [int(p.stem) for p in folder.glob("*.pem") if p.stem.isdigit()]


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the home so two rotations cannot interleave."""
    if sys.platform == "win32":  # pragma: no cover - no advisory locks there
        yield
        return
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
