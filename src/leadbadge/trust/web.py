"""The rules on web addresses, without loading the HTTP client until it is needed.

Reading a trust store checks every URL its entries name (key histories, status lists,
accreditations) as a fetch would (:func:`check_url`, which parses with ``httpx.URL``). Loading
httpx costs a cold ``leadbadge verify`` more than the rest of the check, so the URLs leadbadge
itself publishes - ``https://`` (or ``http://`` to a loopback name), a lower-case host name of
letters, digits and hyphens, an optional port, then plain path, query and fragment characters -
are decided by :func:`require_web_url` and :func:`origin` without it: for these, ``httpx.URL``
gives the same scheme, host and port (``tests/unit/trust/test_web.py`` compares the two on the
known cases and generated URLs). Everything else (upper case, an IP literal, an
internationalised or punycode name, user info, unusual characters) goes to :func:`check_url`
itself, so what is accepted and refused, and the error given, is exactly what it was.
:mod:`leadbadge.trust.fetch` re-exports these names.
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING, Final

from leadbadge.errors import NetworkError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "MAX_BYTES",
    "check_url",
    "is_loopback_host",
    "origin",
    "require_web_url",
    "simple_origin",
]

#: Largest body accepted (decoded bytes, and bytes on the wire); key histories and DID documents
#: are a few KiB. The same cap bounds a published file read from a folder.
MAX_BYTES = 1024 * 1024

_LABEL: Final = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_SIMPLE_URL: Final = re.compile(
    rf"(?P<scheme>https?)://(?P<host>{_LABEL}(?:\.{_LABEL})*)(?::(?P<port>[0-9]{{1,5}}))?"
    r"(?:[/?#][A-Za-z0-9\-._~/?#=&+,;:@!$'()*%]*)?\Z"
)
# httpx checks these hosts as IPv4 addresses (and may refuse them); IDNA names it decodes.
_IPV4_STYLE: Final = re.compile(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+\Z")
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
# Far below httpx's own limit: longer URLs are simply left to it.
_MAX_SIMPLE_LENGTH: Final = 4096


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback IP addresses (127.0.0.0/8, ``::1``)."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def simple_origin(url: str) -> tuple[str, str, int | None] | None:
    """Scheme, host and port of a URL of the simple form (see the module), else None.

    For such a URL they equal ``httpx.URL(url)``'s ``scheme``, ``host`` and ``port`` (a default
    port is None).
    """
    if len(url) > _MAX_SIMPLE_LENGTH:
        return None
    found = _SIMPLE_URL.match(url)
    if found is None:
        return None
    scheme, host, port = found.group("scheme", "host", "port")
    if _IPV4_STYLE.match(host) or "xn--" in host:
        return None
    number = int(port) if port is not None else None
    return scheme, host, None if number == _DEFAULT_PORTS[scheme] else number


def check_url(url: str | httpx.URL, *, allow_loopback_http: bool = True) -> httpx.URL:
    """Parse ``url`` and refuse anything but HTTPS (or HTTP to a loopback host, when allowed).

    Raises :class:`NetworkError` naming the URL.
    """
    import httpx  # noqa: PLC0415 -- fetching, or a URL not of the simple form, only

    text = str(url)
    try:
        parsed = httpx.URL(text)
        host = parsed.host
    except (httpx.InvalidURL, TypeError, UnicodeError):
        # UnicodeError: the host is decoded from IDNA when read, and idna refuses a malformed
        # A-label (xn--zz) with an error of its own, not httpx's.
        raise NetworkError(f"{text!r} is not a valid URL.", url=text) from None
    if not host:
        raise NetworkError(f"The URL {text} has no host.", url=text)
    if parsed.scheme == "https":
        return parsed
    if parsed.scheme == "http" and allow_loopback_http and is_loopback_host(host):
        return parsed
    raise NetworkError(
        f"Refusing to fetch {text}: only https URLs are fetched (plain http only on this machine).",
        url=text,
    )


def require_web_url(url: str, *, allow_loopback_http: bool = True) -> None:
    """Accept ``url`` exactly when :func:`check_url` does, loading httpx only to decide the rest.

    Raises its :class:`~leadbadge.errors.NetworkError` otherwise.
    """
    parts = simple_origin(url) if isinstance(url, str) else None
    if parts is not None:
        scheme, host, _ = parts
        if scheme == "https" or (allow_loopback_http and is_loopback_host(host)):
            return
    # Not of the simple form, or refused: httpx decides and words the error, as before.
    check_url(url, allow_loopback_http=allow_loopback_http)


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port: what "the issuer's own site" compares (as ``httpx.URL`` parses)."""
    parts = simple_origin(url)
    if parts is not None:
        return parts
    import httpx  # noqa: PLC0415 -- only for URLs not of the simple form

    parsed = httpx.URL(url)
    return parsed.scheme, parsed.host, parsed.port
