"""Bounded fetching of published files: HTTPS only, timeouts, size cap, checked redirects."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import httpx
import pytest

from leadbadge.errors import NetworkError
from leadbadge.trust.fetch import MAX_BYTES, check_url, fetch_json, is_loopback_host

Handler = Callable[[httpx.Request], httpx.Response]

_JSON = {"content-type": "application/json"}


def _client(handler: Handler, seen: list[str] | None = None) -> httpx.Client:
    def record(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(str(request.url))
        return handler(request)

    return httpx.Client(transport=httpx.MockTransport(record))


def test_fetches_json_body_and_names_the_final_url() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert "application/json" in request.headers["accept"]
        return httpx.Response(200, headers=_JSON, content=b'{"a": 1}')

    got = fetch_json("https://issuer.example.org/keys.json", client=_client(handler))
    assert got.body == b'{"a": 1}'
    assert got.url == got.requested_url == "https://issuer.example.org/keys.json"
    assert got.content_type == "application/json"


@pytest.mark.parametrize(
    "content_type",
    [
        "application/did+json",
        "application/ld+json; charset=utf-8",
        "application/did+ld+json",
        "application/vc",
    ],
)
def test_accepts_json_media_types(content_type: str) -> None:
    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": content_type}, content=b"{}")

    assert fetch_json("https://x.example/did.json", client=_client(handler)).body == b"{}"


@pytest.mark.parametrize("content_type", ["text/html", "application/octet-stream", None])
def test_refuses_content_that_is_not_json(content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}

    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=headers, content=b"<html></html>")

    with pytest.raises(NetworkError, match="not JSON") as info:
        fetch_json("https://x.example/keys.json", client=_client(handler))
    assert info.value.url == "https://x.example/keys.json"


def test_not_found_is_a_network_error_naming_the_status() -> None:
    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, headers=_JSON, content=b"{}")

    with pytest.raises(NetworkError, match="HTTP 404"):
        fetch_json("https://x.example/keys.json", client=_client(handler))


@pytest.mark.parametrize(
    ("exception", "expected"),
    [
        (httpx.ReadTimeout("slow"), "timed out"),
        (httpx.ConnectTimeout("slow"), "timed out"),
        (httpx.ConnectError("refused"), "Could not connect"),
        (httpx.RemoteProtocolError("garbage"), "RemoteProtocolError"),
    ],
)
def test_transport_failures_become_one_sentence(exception: Exception, expected: str) -> None:
    def handler(_request: httpx.Request) -> httpx.Response:
        raise exception

    with pytest.raises(NetworkError, match=expected) as info:
        fetch_json("https://x.example/keys.json", client=_client(handler))
    assert info.value.message.count(".") >= 1
    assert "\n" not in info.value.message


def test_declared_length_over_the_cap_is_refused_before_reading() -> None:
    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"content-type": "application/json", "content-length": str(MAX_BYTES + 1)},
            content=b"{}",
        )

    with pytest.raises(NetworkError, match="larger than the 1024 KiB limit"):
        fetch_json("https://x.example/keys.json", client=_client(handler))


def test_streamed_body_is_abandoned_once_it_passes_the_cap() -> None:
    pulled = []

    def endless() -> Iterator[bytes]:
        while True:
            pulled.append(1)
            yield b" " * 65536

    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=_JSON, content=endless())

    with pytest.raises(NetworkError, match="larger than"):
        fetch_json("https://x.example/keys.json", client=_client(handler))
    assert len(pulled) == MAX_BYTES // 65536 + 1


def test_body_exactly_at_the_cap_is_accepted() -> None:
    body = b"[" + b" " * (MAX_BYTES - 2) + b"]"

    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=_JSON, content=iter([body[:1000], body[1000:]]))

    assert len(fetch_json("https://x.example/k.json", client=_client(handler)).body) == MAX_BYTES


def test_deadline_bounds_a_trickling_body() -> None:
    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers=_JSON, content=iter([b"{", b"}"]))

    with pytest.raises(NetworkError, match="took too long"):
        fetch_json("https://x.example/keys.json", client=_client(handler), deadline=-1.0)


def test_follows_https_redirects_including_relative_ones() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old/keys.json":
            return httpx.Response(301, headers={"location": "https://b.example/keys.json"})
        if request.url.host == "b.example" and request.url.path == "/keys.json":
            return httpx.Response(302, headers={"location": "/v2/keys.json"})
        return httpx.Response(200, headers=_JSON, content=b"{}")

    got = fetch_json("https://a.example/old/keys.json", client=_client(handler, seen))
    assert got.url == "https://b.example/v2/keys.json"
    assert got.requested_url == "https://a.example/old/keys.json"
    assert seen == [
        "https://a.example/old/keys.json",
        "https://b.example/keys.json",
        "https://b.example/v2/keys.json",
    ]


def test_redirect_to_plain_http_is_refused_without_following_it() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.scheme == "https":
            return httpx.Response(301, headers={"location": "http://a.example/keys.json"})
        return httpx.Response(200, headers=_JSON, content=b"{}")

    with pytest.raises(NetworkError, match="only https") as info:
        fetch_json("https://a.example/keys.json", client=_client(handler, seen))
    assert seen == ["https://a.example/keys.json"]
    assert info.value.url == "http://a.example/keys.json"


def test_public_server_cannot_redirect_onto_loopback_http() -> None:
    seen: list[str] = []

    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "http://127.0.0.1:8080/admin.json"})

    with pytest.raises(NetworkError, match="only https"):
        fetch_json("https://a.example/keys.json", client=_client(handler, seen))
    assert seen == ["https://a.example/keys.json"]


def test_public_server_cannot_redirect_onto_loopback_https() -> None:
    seen: list[str] = []

    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "https://localhost:8443/admin.json"})

    with pytest.raises(NetworkError, match="to this machine"):
        fetch_json("https://a.example/keys.json", client=_client(handler, seen))
    assert seen == ["https://a.example/keys.json"]


def test_loopback_server_may_redirect_on_loopback() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/a":
            return httpx.Response(302, headers={"location": "http://localhost:9/b"})
        return httpx.Response(200, headers=_JSON, content=b"{}")

    assert fetch_json("http://127.0.0.1:9/a", client=_client(handler)).url == (
        "http://localhost:9/b"
    )


def test_more_than_three_redirects_is_refused() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        n = int(request.url.path.strip("/"))
        return httpx.Response(302, headers={"location": f"/{n + 1}"})

    with pytest.raises(NetworkError, match="more than 3 redirects"):
        fetch_json("https://a.example/0", client=_client(handler, seen))
    assert len(seen) == 4


def test_three_redirects_are_followed() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        n = int(request.url.path.strip("/"))
        if n < 3:
            return httpx.Response(302, headers={"location": f"/{n + 1}"})
        return httpx.Response(200, headers=_JSON, content=b"{}")

    assert fetch_json("https://a.example/0", client=_client(handler)).url == "https://a.example/3"


def test_redirect_without_location_is_an_error() -> None:
    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(302)

    with pytest.raises(NetworkError, match="names no location"):
        fetch_json("https://a.example/keys.json", client=_client(handler))


def test_client_that_follows_redirects_itself_is_still_checked_hop_by_hop() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(301, headers={"location": "http://a.example/keys.json"})

    client = httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=True)
    with pytest.raises(NetworkError, match="only https"):
        fetch_json("https://a.example/keys.json", client=client)
    assert seen == ["https://a.example/keys.json"]


@pytest.mark.parametrize(
    "url",
    [
        "http://issuer.example.org/keys.json",
        "ftp://issuer.example.org/keys.json",
        "file:///etc/passwd",
        "http://10.0.0.1/keys.json",
        "https:///nohost",
    ],
)
def test_refuses_urls_that_are_not_https_before_any_request(url: str) -> None:
    seen: list[str] = []
    with pytest.raises(NetworkError):
        fetch_json(url, client=_client(lambda _r: httpx.Response(200), seen))
    assert seen == []


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8000/k.json", "http://localhost/k.json", "http://[::1]:9/k.json"]
)
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    assert check_url(url).scheme == "http"
    assert check_url(url.replace("http:", "https:")).scheme == "https"
    with pytest.raises(NetworkError):
        check_url(url, allow_loopback_http=False)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("api.localhost", True),
        ("localhost.example.org", False),
        ("10.0.0.1", False),
        ("example.org", False),
    ],
)
def test_is_loopback_host(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_connection_refused_on_loopback_with_the_default_client() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port now: the default client must fail cleanly.
    with pytest.raises(NetworkError, match="Could not connect"):
        fetch_json(f"http://127.0.0.1:{port}/keys.json")
