"""Shared test fixtures: the ../shared interop data, a fixed clock, and a socket guard.

No test reaches the internet: every socket connection outside loopback raises. Tests that need a
server start one themselves on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("LEADBADGE_SHARED", REPO_ROOT.parent / "shared")).resolve()
INTEROP = SHARED / "interop"

# The compiled-context cache (leadbadge.ld.compiled_cache) stays off, so no test reads tables
# another run left; its own tests turn it on in a folder of theirs.
os.environ["LEADBADGE_CONTEXT_CACHE"] = "off"

#: The instant tests treat as "now", so validity checks do not depend on the day they run.
FIXED_NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


def require_shared() -> bool:
    return os.environ.get("LEADBADGE_REQUIRE_SHARED") == "1"


def interop_path(*parts: str) -> Path:
    """A path in ../shared/interop; skips (or fails under LEADBADGE_REQUIRE_SHARED=1) if absent.

    Call it from a test or fixture, never at collection: tests built from shared files are
    parametrized with one placeholder case when the data is absent, and that case calls this.
    Without the whole folder the reason names the folder, so every such test gives one reason.
    """
    path = INTEROP.joinpath(*parts)
    if not path.exists():
        reason = f"shared interop data not found: {path if INTEROP.exists() else INTEROP}"
        if require_shared():
            pytest.fail(f"{reason} (LEADBADGE_REQUIRE_SHARED=1)")
        pytest.skip(reason)
    return path


@pytest.fixture
def interop() -> Path:
    return interop_path()


@pytest.fixture
def fixed_now() -> datetime:
    return FIXED_NOW


def _is_loopback(address: Any) -> bool:
    if isinstance(address, tuple) and address:
        host = address[0]
    else:
        return True  # AF_UNIX paths and the like never leave the machine
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


class NetworkBlockedError(RuntimeError):
    """A test tried to reach a host other than loopback."""


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _is_loopback(address):
        raise NetworkBlockedError(f"tests must not reach the network (tried {address!r})")
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if not _is_loopback(address):
        raise NetworkBlockedError(f"tests must not reach the network (tried {address!r})")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)


@pytest.fixture
def all_sockets_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Block every socket, loopback included, and name resolution: proves a path is offline."""

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        raise NetworkBlockedError("all sockets are blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def loopback_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A folder served over http on 127.0.0.1 (the only plain http fetching accepts): the base
    URL and the folder; stopped after the test."""
    root = tmp_path / "served"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
