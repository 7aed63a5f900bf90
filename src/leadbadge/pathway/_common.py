"""What the credential builders share: empty members dropped, text trimmed, web URLs told apart."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from leadbadge.conformance.problems import is_absolute_iri

__all__ = ["compact", "is_web_url", "text"]

_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def compact(node: dict[str, Any]) -> dict[str, Any]:
    """The node without None, empty strings, empty lists and empty objects."""
    return {k: v for k, v in node.items() if v is not None and v not in ("", [], {})}


def text(value: str | None) -> str | None:
    """The text without surrounding whitespace, or None when nothing is left."""
    if value is None:
        return None
    return value.strip() or None


def is_web_url(value: str, *, https_only: bool) -> bool:
    """An absolute https URL, or http when allowed (``https_only`` allows it only for localhost)."""
    if not is_absolute_iri(value):
        return False
    parts = urlsplit(value)
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and (not https_only or parts.hostname in _LOCAL_HOSTS)
