"""Fetching one published JSON file over HTTPS, bounded: one deadline, public addresses, size caps.

This is the only module that touches the network, and only when a caller asks (``trust add`` with
a URL). Every hop must be HTTPS; plain HTTP is accepted only when the whole chain stays on a
loopback address (local testing). Redirects are followed here, one checked hop at a time,
whatever the client's own setting.

With the default client (no ``client`` given) every connection is made by this module: the host
is resolved once, every address it resolves to must be public (loopback only in a fetch that
starts on a loopback URL), and the connection goes to an address that was checked, so a name that
resolves differently a moment later cannot slip through. Every network operation of the fetch
(resolving, connecting, TLS, sending, each read of headers or body, every redirect) gets at most
the time left before one wall-clock deadline. A client passed in brings its own transport: the
checks on URLs, literal addresses, redirects and sizes still apply, but the names it resolves and
the time its transport spends are its own.

The body is read raw and decoded here, a bounded piece at a time, so neither a large body nor a
compressed one that expands enormously is ever held beyond the size cap.
"""

from __future__ import annotations

import ipaddress
import math
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from leadbadge.errors import NetworkError
from leadbadge.trust.web import MAX_BYTES, check_url, is_loopback_host

__all__ = [
    "DEADLINE_SECONDS",
    "MAX_BYTES",
    "MAX_REDIRECTS",
    "TIMEOUT_SECONDS",
    "FetchedDocument",
    "address_class",
    "check_url",
    "fetch_json",
    "is_loopback_host",
]

#: Redirects followed before giving up.
MAX_REDIRECTS = 3
#: Connect, read, write and pool timeout for each network operation, in seconds.
TIMEOUT_SECONDS = 10.0
#: Bound on the whole fetch (resolving, connecting, headers, redirects and body), in seconds.
DEADLINE_SECONDS = 30.0

_ACCEPT = "application/json, application/did+json, application/vc, application/ld+json;q=0.9"
# application/vc: a verifiable credential secured with an embedded proof, as a status list
# credential may be served (Bitstring Status List v1.0 §4); it is JSON.
_JSON_TYPES = frozenset({"application/json", "text/json", "application/vc"})
# Only what _decoder reads: a server must not pick an encoding we cannot bound.
_ACCEPT_ENCODING = "gzip, deflate"

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class FetchedDocument:
    """The body of a successful fetch and where it finally came from."""

    #: The URL asked for.
    requested_url: str
    #: The URL that answered, after redirects.
    url: str
    #: The media type the server declared, lower-cased, without parameters.
    content_type: str
    body: bytes


def address_class(address: str, *, allow_loopback: bool = False) -> str | None:
    """Why nothing is fetched from ``address`` (``"a private address"``, …), or None if it is
    public (or loopback, when ``allow_loopback``)."""
    ip: _Address = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:10.0.0.1 reaches 10.0.0.1
    if ip.is_loopback:
        return None if allow_loopback else "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_unspecified:
        return "the unspecified address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private:
        return "a private address"
    if not ip.is_global:
        return "an address that is not public"
    return None


def _literal_address(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def _media_type(response: httpx.Response) -> str:
    header: str = response.headers.get("content-type", "")
    return header.split(";", 1)[0].strip().lower()


def _is_json_type(media_type: str) -> bool:
    return media_type in _JSON_TYPES or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def fetch_json(
    url: str,
    *,
    client: httpx.Client | None = None,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    timeout: float = TIMEOUT_SECONDS,
    deadline: float = DEADLINE_SECONDS,
) -> FetchedDocument:
    """GET ``url`` and return its body if the server answers 200 with a JSON media type.

    Raises :class:`NetworkError` (one sentence, with ``url``) for a refused URL, an address that
    is not public, a connection failure, a timeout or the deadline passing, a status other than
    200, too many redirects, a redirect to a URL that is not HTTPS, a body larger than
    ``max_bytes`` (decoded or not) or a media type that is not JSON. The body is not parsed: what
    it says is the caller's business.
    """
    current = check_url(url)
    # Plain http and loopback addresses are for local testing: a fetch that starts elsewhere
    # must not be bounced (or resolved) onto this machine.
    loopback_chain = is_loopback_host(current.host)
    _check_literal(current, loopback_chain)
    stop_at = time.monotonic() + deadline
    own_client = client is None
    session = client or _default_client(timeout, stop_at, allow_loopback=loopback_chain)
    try:
        for _hop in range(max_redirects + 1):
            request = session.build_request(
                "GET",
                current,
                headers={"Accept": _ACCEPT, "Accept-Encoding": _ACCEPT_ENCODING},
                timeout=timeout,
            )
            response = _send(session, request, str(current), stop_at)
            try:
                if response.is_redirect:
                    location = response.headers.get("location")
                    if not location:
                        raise NetworkError(
                            f"{current} answered with a redirect that names no location.",
                            url=str(current),
                        )
                    current = check_url(
                        response.url.join(location), allow_loopback_http=loopback_chain
                    )
                    if not loopback_chain and is_loopback_host(current.host):
                        raise NetworkError(
                            f"Refusing the redirect from {response.url} to this machine "
                            f"({current}).",
                            url=str(current),
                        )
                    _check_literal(current, loopback_chain)
                    continue
                return _read(response, url, str(current), max_bytes, stop_at)
            finally:
                response.close()
        raise NetworkError(
            f"Fetching {url} took more than {max_redirects} redirects; giving up.", url=url
        )
    finally:
        if own_client:
            session.close()


def _check_literal(url: httpx.URL, allow_loopback: bool) -> None:
    """Refuse a URL whose host is an address that is not public, whatever client fetches it."""
    address = _literal_address(url.host)
    why = address_class(address, allow_loopback=allow_loopback) if address else None
    if why is not None:
        raise NetworkError(f"Refusing to fetch {url}: {address} is {why}.", url=str(url))


def _send(
    session: httpx.Client, request: httpx.Request, where: str, stop_at: float
) -> httpx.Response:
    try:
        return session.send(request, stream=True, follow_redirects=False)
    except _RefusedAddressError as refused:
        raise NetworkError(f"Refusing to fetch {where}: {refused}.", url=where) from None
    except httpx.TimeoutException:
        raise _timed_out(where, stop_at) from None
    except httpx.ConnectError:
        raise NetworkError(f"Could not connect to fetch {where}.", url=where) from None
    except httpx.HTTPError as error:
        raise NetworkError(
            f"Fetching {where} failed ({type(error).__name__}).", url=where
        ) from None


def _timed_out(where: str, stop_at: float) -> NetworkError:
    # A wait cut to the time left may wake a few milliseconds before the deadline it ran into.
    if time.monotonic() >= stop_at - 0.05:
        return NetworkError(f"Fetching {where} took too long; giving up.", url=where)
    return NetworkError(f"Fetching {where} timed out.", url=where)


def _read(
    response: httpx.Response, requested: str, where: str, max_bytes: int, stop_at: float
) -> FetchedDocument:
    if response.status_code != 200:
        raise NetworkError(
            f"{where} answered HTTP {response.status_code} instead of the document.", url=where
        )
    media_type = _media_type(response)
    if not _is_json_type(media_type):
        shown = media_type or "no content type"
        raise NetworkError(f"{where} returned {shown}, not JSON.", url=where)
    too_large = NetworkError(
        f"{where} is larger than the {max_bytes // 1024} KiB limit for published files.",
        url=where,
    )
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large
    raw: Iterable[bytes]
    decode: Callable[[bytes, int], bytes]
    if response.is_stream_consumed:
        # A response built in memory (an injected test transport): httpx has already read and
        # decoded all of it.
        raw, decode = [response.content], _identity
    else:
        raw = response.iter_raw()
        decode = _decoder(response.headers.get("content-encoding", ""), where)
    body = bytearray()
    received = 0
    try:
        for chunk in raw:
            received += len(chunk)
            # Room for one byte more than the cap: enough to know the body is too large.
            body.extend(decode(chunk, max_bytes + 1 - len(body)))
            if len(body) > max_bytes or received > max_bytes:
                raise too_large
            if time.monotonic() > stop_at:
                raise NetworkError(f"Fetching {where} took too long; giving up.", url=where)
    except httpx.TimeoutException:
        raise _timed_out(where, stop_at) from None
    except httpx.HTTPError as error:
        raise NetworkError(
            f"Fetching {where} failed while reading ({type(error).__name__}).", url=where
        ) from None
    return FetchedDocument(
        requested_url=requested, url=where, content_type=media_type, body=bytes(body)
    )


# --- decoding -------------------------------------------------------------------------------------


def _identity(chunk: bytes, room: int) -> bytes:
    return chunk[:room]


def _decoder(encoding: str, where: str) -> Callable[[bytes, int], bytes]:
    """``decode(raw chunk, room) -> at most room bytes`` for the body's Content-Encoding.

    zlib's ``max_length`` stops each step at ``room``: whatever input is left would only make the
    body larger than the cap, which the caller then refuses, so it is never expanded.
    """
    name = encoding.strip().lower()
    if name in ("", "identity"):
        return _identity
    if name in ("gzip", "x-gzip"):
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif name == "deflate":
        # "deflate" is meant to be zlib-wrapped, but some servers send a raw stream.
        inflate = zlib.decompressobj()
        first = True

        def deflate(chunk: bytes, room: int) -> bytes:
            nonlocal inflate, first
            try:
                out = inflate.decompress(chunk, room)
            except zlib.error:
                if not first:
                    raise
                inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                out = inflate.decompress(chunk, room)
            first = False
            return out

        return _bad_data(deflate, where)
    else:
        raise NetworkError(
            f"{where} is sent with the content encoding {encoding!r}, which is not read.",
            url=where,
        )
    return _bad_data(inflate.decompress, where)


def _bad_data(decode: Callable[[bytes, int], bytes], where: str) -> Callable[[bytes, int], bytes]:
    def checked(chunk: bytes, room: int) -> bytes:
        try:
            return decode(chunk, room)
        except zlib.error:
            raise NetworkError(
                f"{where} sent a compressed body that cannot be decoded.", url=where
            ) from None

    return checked


# --- connections (the default client) -------------------------------------------------------------


class _RefusedAddressError(Exception):
    """A host resolved to an address nothing is fetched from; the message says which and why."""


def _default_client(timeout: float, stop_at: float, *, allow_loopback: bool) -> httpx.Client:
    # An explicit transport also means no proxy from the environment: a proxy would resolve and
    # connect on our behalf, past the address checks.
    return httpx.Client(
        transport=_GuardedTransport(_GuardedBackend(stop_at, allow_loopback=allow_loopback)),
        timeout=timeout,
        follow_redirects=False,
    )


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport, with its connection pool on :class:`_GuardedBackend`."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        super().__init__()
        # httpx has no parameter for the network backend: its pool is replaced by an equal one
        # that connects through ``backend`` (the fetch tests fail if this stops taking effect).
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=4,
            network_backend=backend,
        )


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolves once, connects only to checked addresses, and bounds every step by one deadline."""

    def __init__(self, stop_at: float, *, allow_loopback: bool) -> None:
        self._stop_at = stop_at
        self._allow_loopback = allow_loopback
        self._inner = httpcore.SyncBackend()

    def remaining(self, timeout: float | None, error: type[Exception]) -> float:
        left = self._stop_at - time.monotonic()
        if left <= 0:
            raise error("the deadline for the whole fetch has passed")
        return min(left, math.inf if timeout is None else timeout)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = _resolve(host, port, self.remaining(timeout, httpcore.ConnectTimeout))
        for address in addresses:
            why = address_class(address, allow_loopback=self._allow_loopback)
            if why is not None:
                shown = address if address == host else f"{host} resolves to {address}, which"
                raise _RefusedAddressError(f"{shown} is {why}")
        failure: Exception = httpcore.ConnectError(f"{host} resolves to no address")
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    timeout=self.remaining(timeout, httpcore.ConnectTimeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
                continue
            return _DeadlineStream(stream, self)
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("published files are not fetched over unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(self.remaining(seconds, httpcore.PoolTimeout))


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write gets at most the time left to the fetch."""

    def __init__(self, inner: httpcore.NetworkStream, backend: _GuardedBackend) -> None:
        self._inner = inner
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._backend.remaining(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._backend.remaining(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        # The certificate is checked against the host name, not the address connected to.
        tls = self._inner.start_tls(
            ssl_context,
            server_hostname,
            self._backend.remaining(timeout, httpcore.ConnectTimeout),
        )
        return _DeadlineStream(tls, self._backend)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


def _resolve(host: str, port: int, seconds: float) -> list[str]:
    """Every address ``host`` resolves to, within ``seconds`` (the system resolver has no
    timeout of its own: a lookup still running then is abandoned to its thread)."""
    literal = _literal_address(host)
    if literal is not None:
        return [literal]
    found: list[list[str] | Exception] = []

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            found.append(list(dict.fromkeys(str(info[4][0]) for info in infos)))
        except Exception as error:  # noqa: BLE001 - handed to the waiting thread below
            found.append(error)

    worker = threading.Thread(target=lookup, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(seconds)
    if not found:
        raise httpcore.ConnectTimeout(f"resolving {host} took too long")
    if isinstance(found[0], OSError):
        raise httpcore.ConnectError(f"{host} cannot be resolved ({found[0]})")
    if isinstance(found[0], Exception):
        raise found[0]
    return found[0]
