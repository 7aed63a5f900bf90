"""Fetching one published JSON file over HTTPS, bounded: timeouts, a size cap, few redirects.

This is the only module that touches the network, and only when a caller asks (``trust add`` with
a URL). Every hop must be HTTPS; plain HTTP is accepted only when the whole chain stays on a
loopback address (local testing). The body is read as a stream and abandoned as soon as it passes
the size cap, and the whole exchange has a deadline, so a slow or hostile server cannot hold the
caller. Callers (and tests) may inject their own ``httpx.Client``; redirects are always followed
here, one checked hop at a time, whatever the client's own setting.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass

import httpx

from leadbadge.errors import NetworkError

__all__ = [
    "DEADLINE_SECONDS",
    "MAX_BYTES",
    "MAX_REDIRECTS",
    "TIMEOUT_SECONDS",
    "FetchedDocument",
    "check_url",
    "fetch_json",
    "is_loopback_host",
]

#: Largest body accepted (decoded bytes); key histories and DID documents are a few KiB.
MAX_BYTES = 1024 * 1024
#: Redirects followed before giving up.
MAX_REDIRECTS = 3
#: Connect, read, write and pool timeout for each network operation, in seconds.
TIMEOUT_SECONDS = 10.0
#: Bound on the whole fetch, redirects and body included, in seconds.
DEADLINE_SECONDS = 30.0

_ACCEPT = "application/json, application/did+json, application/vc, application/ld+json;q=0.9"
# application/vc: a verifiable credential secured with an embedded proof, as a status list
# credential may be served (Bitstring Status List v1.0 §4); it is JSON.
_JSON_TYPES = frozenset({"application/json", "text/json", "application/vc"})


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


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses (127.0.0.0/8, ``::1``)."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_url(url: str | httpx.URL, *, allow_loopback_http: bool = True) -> httpx.URL:
    """Parse ``url`` and refuse anything but HTTPS (or HTTP to a loopback host, when allowed).

    Raises :class:`NetworkError` naming the URL.
    """
    text = str(url)
    try:
        parsed = httpx.URL(text)
    except (httpx.InvalidURL, TypeError):
        raise NetworkError(f"{text!r} is not a valid URL.", url=text) from None
    if not parsed.host:
        raise NetworkError(f"The URL {text} has no host.", url=text)
    if parsed.scheme == "https":
        return parsed
    if parsed.scheme == "http" and allow_loopback_http and is_loopback_host(parsed.host):
        return parsed
    raise NetworkError(
        f"Refusing to fetch {text}: only https URLs are fetched (plain http only on this machine).",
        url=text,
    )


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

    Raises :class:`NetworkError` (one sentence, with ``url``) for a refused URL, a connection
    failure, a timeout, a status other than 200, too many redirects, a redirect to a URL that is
    not HTTPS, a body larger than ``max_bytes`` or a media type that is not JSON. The body is not
    parsed: what it says is the caller's business.
    """
    current = check_url(url)
    # Plain http is for local testing: a public server must not bounce us onto loopback http.
    loopback_chain = is_loopback_host(current.host)
    own_client = client is None
    session = client or httpx.Client(timeout=timeout, follow_redirects=False)
    stop_at = time.monotonic() + deadline
    try:
        for _hop in range(max_redirects + 1):
            request = session.build_request(
                "GET", current, headers={"Accept": _ACCEPT}, timeout=timeout
            )
            response = _send(session, request, str(current))
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


def _send(session: httpx.Client, request: httpx.Request, where: str) -> httpx.Response:
    try:
        return session.send(request, stream=True, follow_redirects=False)
    except httpx.TimeoutException:
        raise NetworkError(f"Fetching {where} timed out.", url=where) from None
    except httpx.ConnectError:
        raise NetworkError(f"Could not connect to fetch {where}.", url=where) from None
    except httpx.HTTPError as error:
        raise NetworkError(
            f"Fetching {where} failed ({type(error).__name__}).", url=where
        ) from None


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
    body = bytearray()
    try:
        for chunk in response.iter_bytes():
            body.extend(chunk)
            if len(body) > max_bytes:
                raise too_large
            if time.monotonic() > stop_at:
                raise NetworkError(f"Fetching {where} took too long; giving up.", url=where)
    except httpx.TimeoutException:
        raise NetworkError(f"Fetching {where} timed out.", url=where) from None
    except httpx.HTTPError as error:
        raise NetworkError(
            f"Fetching {where} failed while reading ({type(error).__name__}).", url=where
        ) from None
    return FetchedDocument(
        requested_url=requested, url=where, content_type=media_type, body=bytes(body)
    )
