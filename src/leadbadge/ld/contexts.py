"""The one JSON-LD context loader: serves the contexts leadbadge ships, refuses every other URL."""

from __future__ import annotations

import copy
import threading
from collections.abc import Collection, Mapping
from typing import Any, Final

from leadbadge import _resources
from leadbadge.errors import ContextNotAllowedError

__all__ = ["DEFAULT_LOADER", "ContextLoader", "context_urls"]


class ContextLoader:
    """The JSON-LD document loader: serves the contexts the package ships, refuses every other URL.

    One loader keeps pyld's processed contexts warm across calls, keyed by URL; each URL maps to
    exactly one document, so a cached context can never stand in for another version. It is safe
    to share between threads (processing holds the loader's lock).

    ``extra`` adds contexts by URL and ``trusted_vocabularies`` lets terms that fall back to the
    named ``@vocab`` IRIs count as defined. Both exist for tests against published vectors that
    use contexts leadbadge does not ship (the W3C examples context is a single ``@vocab``); they
    cannot replace a shipped context.
    """

    def __init__(
        self,
        extra: Mapping[str, Any] | None = None,
        *,
        trusted_vocabularies: Collection[str] = (),
    ) -> None:
        shipped = _resources.context_index()
        extra = dict(extra or {})
        clash = sorted(set(extra) & set(shipped))
        if clash:
            raise ValueError(f"extra contexts may not replace shipped contexts: {clash}")
        for url, document in extra.items():
            if not isinstance(document, Mapping) or "@context" not in document:
                raise ValueError(f"extra context {url!r} is not a JSON-LD context document")
        self._extra: dict[str, Any] = copy.deepcopy(extra)
        self._urls = frozenset(shipped) | frozenset(extra)
        self.trusted_vocabularies: frozenset[str] = frozenset(trusted_vocabularies)
        # pyld's resolved-context cache; keys are context URLs and canonical JSON of scoped
        # contexts from the documents above, so it stays small and is never shared with pyld's
        # module-level cache (other users of pyld keep their own loader and cache).
        self._cache: dict[str, Any] = {}
        self._processed: dict[tuple[object, ...], tuple[Any, Any]] = {}
        self._lock = threading.RLock()

    @property
    def urls(self) -> frozenset[str]:
        """Every context URL this loader serves."""
        return self._urls

    def allows(self, url: str) -> bool:
        """True if this loader serves ``url``."""
        return url in self._urls

    def document(self, url: str) -> Any:
        """A fresh copy of the context document for ``url``, or ``ContextNotAllowedError``."""
        if url in self._extra:
            return copy.deepcopy(self._extra[url])
        if url not in self._urls:
            raise ContextNotAllowedError(url)
        # pyld may rewrite relative URLs inside a context in place: hand it a copy, never the
        # cached shipped document.
        return copy.deepcopy(_resources.context_document(url))

    def __call__(self, url: str, options: Any = None) -> dict[str, Any]:
        """pyld's document-loader interface."""
        # "static" lets pyld keep the resolved context in the loader's cache: these documents
        # never change (shipped files are checked against their sha256 when first read).
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": self.document(url),
            "tag": "static",
        }

    def _options(self) -> dict[str, Any]:
        # pyld loads only when a context is actually processed (a cold start often needs none:
        # leadbadge.ld.compiled_cache).
        from pyld.context_resolver import ContextResolver as _ContextResolver  # noqa: PLC0415 -- above

        return {
            "documentLoader": self,
            "contextResolver": _ContextResolver(self._cache, self),
            # No base IRI: a relative reference stays relative, so it is caught below instead
            # of being resolved against pyld's placeholder base.
            "base": None,
            "processingMode": "json-ld-1.1",
            # Text with a base direction (VC 2.0 §11.1) becomes a literal typed
            # https://www.w3.org/ns/i18n#{language}_{direction}, as the Digital Bazaar stack
            # signs it (jsonld-signatures and eddsa-rdfc-2022-cryptosuite set this option).
            "rdfDirection": "i18n-datatype",
            "isFrame": False,
            "keepFreeFloatingNodes": False,
            "extractAllScripts": False,
        }


DEFAULT_LOADER: Final = ContextLoader()


def context_urls(document: Mapping[str, Any]) -> list[str]:
    """Every context URL ``document`` names (top-level and nested ``@context``), in order."""
    found: dict[str, None] = {}
    stack: list[object] = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, Mapping):
            ctx = value.get("@context")
            for item in ctx if isinstance(ctx, list) else [ctx]:
                if isinstance(item, str):
                    found.setdefault(item, None)
            stack.extend(reversed([v for k, v in value.items() if k != "@context"]))
        elif isinstance(value, list):
            stack.extend(reversed(value))
    return list(found)
