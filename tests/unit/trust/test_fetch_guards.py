"""What a hostile server cannot make a fetch do: run past its deadline, reach addresses that are
not public (directly, by a redirect or by DNS), or expand a compressed body without bound."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from leadbadge.errors import NetworkError
from leadbadge.trust.fetch import MAX_BYTES, address_class, fetch_json

Respond = Callable[[BaseHTTPRequestHandler], None]

_real_getaddrinfo = socket.getaddrinfo


@contextmanager
def _serving(respond: Respond) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 answering every GET with ``respond``; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            respond(self)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _send(handler: BaseHTTPRequestHandler, body: bytes, **headers: str) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every address a socket tried to connect to; only loopback is actually connected."""
    seen: list[Any] = []
    guarded = socket.socket.connect  # the suite's guard: refuses anything but loopback

    def record(self: socket.socket, address: Any) -> None:
        seen.append(address)
        guarded(self, address)

    monkeypatch.setattr(socket.socket, "connect", record)
    return seen


def _resolving(monkeypatch: pytest.MonkeyPatch, names: dict[str, list[str]]) -> dict[str, int]:
    """Make each name resolve to its addresses (in turn, one list per lookup; the last one
    repeats); returns how many times each was looked up."""
    lookups = dict.fromkeys(names, 0)

    def fake(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in names:
            return _real_getaddrinfo(host, port, *args, **kwargs)
        answers = names[host]
        address = answers[min(lookups[host], len(answers) - 1)]
        lookups[host] += 1
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sockaddr = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
        return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return lookups


# --- one deadline for the whole fetch -----------------------------------------------------------


def test_headers_dripped_slowly_are_cut_off_at_the_deadline() -> None:
    stop = threading.Event()

    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        # One header line every 0.2 s, each well inside the per-read timeout, for up to 20 s.
        for n in range(100):
            if stop.wait(0.2):
                return
            try:
                handler.wfile.write(b"X-Slow-%d: 1\r\n" % n)
            except OSError:
                return

    with _serving(drip) as base:
        started = time.monotonic()
        try:
            with pytest.raises(NetworkError, match="took too long") as info:
                fetch_json(f"{base}/keys.json", deadline=0.5, timeout=10.0)
        finally:
            stop.set()
        elapsed = time.monotonic() - started
    assert info.value.url == f"{base}/keys.json"
    assert elapsed < 5.0


def test_slow_name_resolution_counts_against_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()

    def slow(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        release.wait(10)  # a resolver that does not answer
        return _real_getaddrinfo("127.0.0.1", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    started = time.monotonic()
    try:
        with pytest.raises(NetworkError, match="took too long"):
            fetch_json("http://slow.localhost:9/keys.json", deadline=0.5)
    finally:
        release.set()
    assert time.monotonic() - started < 5.0


def test_a_fetch_within_its_deadline_is_unaffected() -> None:
    with _serving(lambda h: _send(h, b'{"ok": true}')) as base:
        got = fetch_json(f"{base}/keys.json", deadline=5.0)
    assert json.loads(got.body) == {"ok": True}


# --- addresses that are not public ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "named"),
    [
        ("10.0.0.1", "a private address"),
        ("192.168.1.10", "a private address"),
        ("169.254.169.254", "a link-local address"),
        ("fe80::1", "a link-local address"),
        ("::1", "a loopback address"),
        ("127.0.0.1", "a loopback address"),
        ("0.0.0.0", "the unspecified address"),  # noqa: S104 - an address to refuse
        ("224.0.0.1", "a multicast address"),
        ("::ffff:10.0.0.1", "a private address"),
        ("100.64.0.1", "an address that is not public"),
    ],
)
def test_a_name_resolving_to_an_address_that_is_not_public_is_refused(
    monkeypatch: pytest.MonkeyPatch, connects: list[Any], address: str, named: str
) -> None:
    _resolving(monkeypatch, {"issuer.example.org": [address]})
    with pytest.raises(NetworkError) as info:
        fetch_json("https://issuer.example.org/keys.json")
    assert info.value.message == (
        "Refusing to fetch https://issuer.example.org/keys.json: issuer.example.org resolves "
        f"to {address}, which is {named}."
    )
    assert connects == []


def test_one_bad_address_among_several_refuses_the_name(
    monkeypatch: pytest.MonkeyPatch, connects: list[Any]
) -> None:
    def both(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", both)
    with pytest.raises(NetworkError, match=r"10\.0\.0\.1, which is a private address"):
        fetch_json("https://issuer.example.org/keys.json")
    assert connects == []


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("https://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("https://10.0.0.1/keys.json", "10.0.0.1 is a private address"),
        ("https://[fe80::1]/keys.json", "fe80::1 is a link-local address"),
        ("https://[::ffff:a00:1]/keys.json", "::ffff:a00:1 is a private address"),
    ],
)
def test_a_literal_address_is_refused_before_any_request(url: str, named: str) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json={})

    # Also with a client of the caller's own: the URL itself is refused.
    client = httpx.Client(transport=httpx.MockTransport(handler))
    with pytest.raises(NetworkError, match=named.replace(".", r"\.")):
        fetch_json(url, client=client)
    with pytest.raises(NetworkError, match=named.replace(".", r"\.")):
        fetch_json(url)
    assert seen == []


@pytest.mark.parametrize(
    ("target", "named"),
    [
        ("https://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("https://internal.example.org/admin.json", "resolves to 10.0.0.1, which is a private"),
    ],
)
def test_a_redirect_to_an_address_that_is_not_public_is_refused(
    monkeypatch: pytest.MonkeyPatch, connects: list[Any], target: str, named: str
) -> None:
    _resolving(monkeypatch, {"internal.example.org": ["10.0.0.1"]})

    def bounce(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", target)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    with _serving(bounce) as base, pytest.raises(NetworkError, match=named) as info:
        fetch_json(f"{base}/keys.json")
    assert info.value.url == target
    assert all(address[0] == "127.0.0.1" for address in connects)


def test_a_public_name_cannot_resolve_onto_this_machine(
    monkeypatch: pytest.MonkeyPatch, connects: list[Any]
) -> None:
    with _serving(lambda h: _send(h, b"{}")) as base:
        port = base.rsplit(":", 1)[1]
        _resolving(monkeypatch, {"rebound.example.org": ["127.0.0.1"]})
        with pytest.raises(NetworkError, match="which is a loopback address"):
            fetch_json(f"https://rebound.example.org:{port}/keys.json")
    assert connects == []


def test_the_checked_address_is_the_one_connected_to(
    monkeypatch: pytest.MonkeyPatch, connects: list[Any]
) -> None:
    with _serving(lambda h: _send(h, b'{"pinned": 1}')) as base:
        port = int(base.rsplit(":", 1)[1])
        # Checked as loopback, then the name would move to a private address: the connection
        # must go to the address that was checked, from the one lookup.
        lookups = _resolving(monkeypatch, {"localhost": ["127.0.0.1", "10.0.0.1"]})
        got = fetch_json(f"http://localhost:{port}/keys.json")
    assert got.body == b'{"pinned": 1}'
    assert lookups == {"localhost": 1}
    assert connects == [("127.0.0.1", port)]


def test_address_classes() -> None:
    assert address_class("93.184.215.14") is None
    assert address_class("2606:4700::1111") is None
    assert address_class("127.0.0.1") == "a loopback address"
    assert address_class("127.0.0.1", allow_loopback=True) is None
    assert address_class("10.0.0.1", allow_loopback=True) == "a private address"
    assert address_class("ff02::1") == "a multicast address"
    assert address_class("::") == "the unspecified address"


# --- bounded decompression -----------------------------------------------------------------------


def _zeros_compressed(size: int, wbits: int) -> bytes:
    """``size`` zero bytes, compressed a MiB at a time (never held expanded)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = bytes(1024 * 1024)
    parts = [packer.compress(block) for _ in range(size // len(block))]
    return b"".join([*parts, packer.flush()])


_GZIP, _ZLIB, _RAW = 16 + zlib.MAX_WBITS, zlib.MAX_WBITS, -zlib.MAX_WBITS


@pytest.mark.parametrize(
    ("encoding", "wbits"), [("gzip", _GZIP), ("deflate", _ZLIB), ("deflate", _RAW)]
)
def test_a_compression_bomb_is_refused_without_expanding_it(encoding: str, wbits: int) -> None:
    bomb = _zeros_compressed(50 * 1024 * 1024, wbits)
    assert len(bomb) < MAX_BYTES  # small on the wire: only the decoded size gives it away

    with _serving(lambda h: _send(h, bomb, Content_Encoding=encoding)) as base:
        tracemalloc.start()
        try:
            with pytest.raises(NetworkError, match="larger than the 1024 KiB limit"):
                fetch_json(f"{base}/keys.json")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 16 * 1024 * 1024


@pytest.mark.parametrize(
    ("encoding", "wbits"), [("gzip", _GZIP), ("deflate", _ZLIB), ("deflate", _RAW)]
)
def test_a_compressed_document_is_decoded(encoding: str, wbits: int) -> None:
    document = json.dumps({"keys": ["z6Mk" + "x" * 40] * 200}).encode()
    packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
    body = packer.compress(document) + packer.flush()

    with _serving(lambda h: _send(h, body, Content_Encoding=encoding)) as base:
        assert fetch_json(f"{base}/keys.json").body == document


def test_a_compressed_document_exactly_at_the_cap_is_accepted() -> None:
    document = b"[" + b" " * (MAX_BYTES - 2) + b"]"
    with _serving(lambda h: _send(h, gzip.compress(document), Content_Encoding="gzip")) as base:
        assert len(fetch_json(f"{base}/keys.json").body) == MAX_BYTES


@pytest.mark.parametrize(
    ("encoding", "body", "message"),
    [
        ("br", b"\x00" * 16, "content encoding 'br', which is not read"),
        ("gzip", b"\x1f\x8b\x08\x00garbage-not-deflate", "cannot be decoded"),
    ],
)
def test_an_unreadable_encoding_is_refused(encoding: str, body: bytes, message: str) -> None:
    with (
        _serving(lambda h: _send(h, body, Content_Encoding=encoding)) as base,
        pytest.raises(NetworkError, match=message),
    ):
        fetch_json(f"{base}/keys.json")


def test_only_encodings_that_can_be_bounded_are_asked_for() -> None:
    asked: list[str | None] = []

    def record(handler: BaseHTTPRequestHandler) -> None:
        asked.append(handler.headers.get("Accept-Encoding"))
        _send(handler, b"{}")

    with _serving(record) as base:
        fetch_json(f"{base}/keys.json")
    assert asked == ["gzip, deflate"]
