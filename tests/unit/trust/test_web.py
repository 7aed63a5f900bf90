"""leadbadge.trust.web decides URLs without httpx exactly as check_url (httpx.URL) does."""

from __future__ import annotations

import string

import httpx
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from leadbadge.errors import LeadbadgeError, NetworkError
from leadbadge.trust.fetch import check_url
from leadbadge.trust.web import origin, require_web_url, simple_origin

#: The URLs the fetch, key-history and trust-store tests use, and the edges of the simple form.
KNOWN = [
    "https://issuer.example.org/keys.json",
    "https://x.example/keys.json",
    "https://leadership.riverside.example/.well-known/leadbadge/keys.json",
    "https://leadership.riverside.example/status/1#list",
    "https://a.example:8443/s?x=1&y=2",
    "https://a.example:443/s",
    "https://a.example:0443/s",
    "https://a.example:00000/",
    "https://a.example:99999/",
    "http://a.example:80/",
    "https://a.example:/s",
    "https://a.example",
    "https://a.example?",
    "https://a.example#",
    "https://a.example/%zz/%41",
    "https://a.example/(x)*!$';,:@=+~",
    "https://a-b.c-d.example/",
    "https://-a.example/",
    "https://a-.example/",
    "https://a..example/",
    "https://a.example./",
    "https://.a.example/",
    "https://xn--fiqs8s.icom.museum/",
    "https://xn--zz.example/",
    "https://a.xn--zz/",
    "https://A.example/",
    "HTTPS://a.example/",
    "https://1.2.3.4/",
    "https://999.1.1.1/",
    "https://01.2.3.4/",
    "https://1.2.3/",
    "https://1.2.3.4.5/",
    "https://123/",
    "https://[::1]/",
    "https://user@a.example/",
    "https://user:pw@a.example/",
    "https://a.example/ space",
    "https://a.example/\x00",
    "https://a.example/é",
    "https://exämple.org/",
    "http://issuer.example.org/keys.json",
    "http://localhost/k.json",
    "http://localhost:8000/k.json",
    "http://a.localhost/k.json",
    "http://127.0.0.1:8000/k.json",
    "http://[::1]:9/k.json",
    "http://10.0.0.1/keys.json",
    "ftp://issuer.example.org/keys.json",
    "file:///etc/passwd",
    "https:///nohost",
    "https:nohost",
    "https//a.example",
    "a.example/keys.json",
    "",
    "https://" + "a" * 63 + ".example/",
    "https://" + "a" * 64 + ".example/",
    "https://a.example/" + "p" * 5000,
]


def _check_url_outcome(url: str, allow: bool) -> tuple[bool, str | None]:
    try:
        check_url(url, allow_loopback_http=allow)
    except NetworkError as error:
        return False, error.message
    except Exception as error:  # noqa: BLE001 -- httpx's own failures must match too
        return False, type(error).__name__
    return True, None


def _require_outcome(url: str, allow: bool) -> tuple[bool, str | None]:
    try:
        require_web_url(url, allow_loopback_http=allow)
    except NetworkError as error:
        return False, error.message
    except Exception as error:  # noqa: BLE001 -- httpx's own failures must match too
        return False, type(error).__name__
    return True, None


def _httpx_origin(url: str) -> tuple[str, str, int | None] | str:
    try:
        parsed = httpx.URL(url)
        found = parsed.scheme, parsed.host, parsed.port
    except Exception as error:  # noqa: BLE001 -- the type is what is compared
        return type(error).__name__
    return found


def _origin(url: str) -> tuple[str, str, int | None] | str:
    try:
        return origin(url)
    except Exception as error:  # noqa: BLE001 -- the type is what is compared
        return type(error).__name__


def _same(url: str) -> None:
    for allow in (True, False):
        assert _require_outcome(url, allow) == _check_url_outcome(url, allow), url
    assert _origin(url) == _httpx_origin(url), url
    simple = simple_origin(url)
    if simple is not None:
        # What the fast form decides, httpx parses the same way.
        assert simple == _httpx_origin(url), url


@pytest.mark.parametrize("url", KNOWN)
def test_known_urls_are_decided_as_check_url_decides(url: str) -> None:
    _same(url)


def test_the_simple_form_covers_the_urls_leadbadge_publishes() -> None:
    # Otherwise the cold start would load httpx again without any test noticing.
    for url in KNOWN[:6]:
        assert simple_origin(url) is not None, url
    assert simple_origin("http://localhost:8000/k.json") == ("http", "localhost", 8000)
    assert simple_origin("https://a.example:443/s") == ("https", "a.example", None)


def test_refusals_keep_check_urls_errors() -> None:
    with pytest.raises(NetworkError, match="only https URLs are fetched"):
        require_web_url("http://issuer.example.org/keys.json")
    with pytest.raises(NetworkError, match="has no host"):
        require_web_url("https:///nohost")
    with pytest.raises(LeadbadgeError):
        require_web_url("http://localhost/k.json", allow_loopback_http=False)


@pytest.mark.parametrize("url", ["https://xn--zz.example/keys.json", "https://xn--.example/"])
def test_a_host_idna_refuses_is_not_a_valid_url(url: str) -> None:
    # idna raises its own error (a UnicodeError) for a malformed A-label, not httpx's.
    with pytest.raises(NetworkError, match="is not a valid URL"):
        check_url(url)
    with pytest.raises(NetworkError, match="is not a valid URL"):
        require_web_url(url)


_LABEL_CHARS = string.ascii_letters + string.digits + "-_"
_labels = st.text(alphabet=_LABEL_CHARS + "é", min_size=0, max_size=12)
_hosts = st.one_of(
    st.lists(_labels, min_size=1, max_size=4).map(".".join),
    st.lists(st.integers(0, 999).map(str), min_size=3, max_size=5).map(".".join),
    st.sampled_from(["localhost", "a.localhost", "[::1]", "127.0.0.1", "xn--fiqs8s.example"]),
)
_ports = st.one_of(
    st.just(""),
    st.integers(0, 999_999).map(lambda p: f":{p}"),
    st.text(alphabet=string.digits + "a", max_size=6).map(lambda p: f":{p}"),
)
_rest = st.text(alphabet=string.printable[:-5] + "é%", max_size=30)
_schemes = st.sampled_from(["https", "http", "HTTPS", "Https", "ftp", "file", "ws", ""])
_separators = st.sampled_from(["://", ":/", ":", "//", ":///"])


@settings(max_examples=1500, deadline=None)
@given(_schemes, _separators, _hosts, _ports, _rest)
@example("https", "://", "a.example", ":443", "/k.json")
@example("http", "://", "localhost", ":80", "?x#y")
def test_generated_urls_are_decided_as_check_url_decides(
    scheme: str, separator: str, host: str, port: str, rest: str
) -> None:
    _same(f"{scheme}{separator}{host}{port}{rest}")


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_is_decided_as_check_url_decides(text: str) -> None:
    _same(text)


_simple_labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_simple_rest = st.from_regex(r"([/?#][A-Za-z0-9\-._~/?#=&+,;:@!$'()*%]{0,20})?", fullmatch=True)


@settings(max_examples=1500, deadline=None)
@given(
    st.sampled_from(["https", "http"]),
    st.lists(_simple_labels, min_size=1, max_size=4).map(".".join),
    st.one_of(st.just(""), st.integers(0, 99_999).map(lambda p: f":{p:0{p % 3 + 1}d}")),
    _simple_rest,
)
def test_urls_near_the_simple_form_are_decided_as_check_url_decides(
    scheme: str, host: str, port: str, rest: str
) -> None:
    _same(f"{scheme}://{host}{port}{rest}")
