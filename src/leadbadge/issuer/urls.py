"""The issuer's public web address: the one check of it that ``init`` and ``publish`` share, and
the site folders that the URLs built on it are published in.

Achievement ids, status list URLs and the published site's folders are all built on the issuer
URL, so it must name one folder of one site as a browser would: nothing that a server, a browser
or :func:`site_folders` would read as a different folder (``.``/``..`` segments, backslashes,
percent-encoded dots, slashes, backslashes or control characters), and nothing that is not part
of a folder's address (user name, query, fragment).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote, urlsplit

from leadbadge.errors import InputError

__all__ = ["check_issuer_url", "site_folders"]

_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
#: Percent-encoded dot, slash, backslash and control characters (C0 and DEL).
_ENCODED = re.compile(r"%(?:2e|2f|5c|[01][0-9a-f]|7f)", re.IGNORECASE)
_EXAMPLE = "https://example.org/leadership"


def check_issuer_url(url: str) -> str:
    """The issuer's public web address, checked, without a trailing ``/``.

    https (http only for localhost), a host, and a path of plain folder names; refused with an
    :class:`InputError` naming field ``url``: a user name or password, a query or fragment,
    spaces, backslashes, control characters, ``.`` or ``..`` segments, and percent-encoded dots,
    slashes, backslashes or control characters (``%2e``, ``%2f``, ``%5c``, ``%00``…).
    """
    if not isinstance(url, str) or not url.strip():
        raise InputError("The issuer URL must not be empty.", field="url")
    text = url.strip()
    # Checked before urlsplit, which drops tabs and newlines without a word.
    if "\\" in text or any(unicodedata.category(c) == "Cc" for c in text):
        raise InputError(
            "The issuer URL contains a backslash or a control character; give the address as a "
            f"browser shows it, with '/' between folders, such as {_EXAMPLE}.",
            field="url",
        )
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InputError(f"The issuer URL {text!r} must be an https:// address.", field="url")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise InputError(
            f"The issuer URL {text!r} must use https (http is accepted only for localhost).",
            field="url",
        )
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise InputError(
            "The issuer URL must not have a query or fragment, as achievement ids are built on "
            "it; give the address without the '?…' or '#…' part.",
            field="url",
        )
    if parts.username is not None or parts.password is not None:
        raise InputError(
            "The issuer URL must not carry a user name or password; give the address without "
            "the part before '@'.",
            field="url",
        )
    if any(c.isspace() for c in text):
        raise InputError(
            "The issuer URL must not contain spaces; write a space in a folder name as %20.",
            field="url",
        )
    encoded = _ENCODED.search(text)
    if encoded is not None:
        raise InputError(
            f"The issuer URL contains {encoded.group()!r}, an encoded dot, slash, backslash or "
            f"control character; give the address without it, such as {_EXAMPLE}.",
            field="url",
        )
    if any(_escapes(unquote(raw)) for raw in parts.path.split("/")):
        raise InputError(
            "The issuer URL has a '.' or '..' folder; give the address of the issuer's folder "
            f"itself, such as {_EXAMPLE}.",
            field="url",
        )
    return text.rstrip("/")


def site_folders(url: str) -> tuple[str, ...]:
    """The site-root relative folder names of ``url``'s path, refusing any that could escape.

    Each segment is percent-decoded into a folder name; ``.``, ``..`` and names holding ``/``,
    ``\\`` or NUL raise :class:`InputError` (field ``url``).
    """
    out = []
    for raw in urlsplit(url).path.strip("/").split("/"):
        if not raw:
            continue
        name = unquote(raw)
        if _escapes(name):
            raise InputError(f"The URL path segment {raw!r} cannot be a folder name.", field="url")
        out.append(name)
    return tuple(out)


def _escapes(name: str) -> bool:
    """Whether a decoded path segment would name a folder other than one below its parent."""
    return name in (".", "..") or any(c in name for c in "/\\\0")
