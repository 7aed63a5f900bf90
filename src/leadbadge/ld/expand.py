"""Strict offline JSON-LD: the one context loader, strict expansion, bounded RDFC-1.0 N-Quads.

What "strict" means, and why, is in docs/proofs.md. In short: a Data Integrity signature covers
the canonical N-Quads of a document, not its JSON. Anything in the JSON that does not reach the
N-Quads (an undefined term JSON-LD drops, a relative IRI, a value expansion discards) or that
reaches them through a different name than the one a JSON reader looks for (a ``@vocab``
fallback, an IRI written in place of a term, an inline ``@context``) is content no signature
vouches for. Every such case is refused with a typed error instead of being processed.

pyld does the JSON-LD expansion, driven through a subclass that turns its silent drops into
errors; the RDF dataset and its RDFC-1.0 canonicalization are computed here, with work bounds.
"""

from __future__ import annotations

import copy
import hashlib
import math
import re
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pyld import jsonld as _pyld
from pyld.context_resolver import ContextResolver as _ContextResolver

from leadbadge import _resources
from leadbadge.errors import (
    CanonicalizationLimitError,
    ContextNotAllowedError,
    JsonLdError,
    LeadbadgeError,
    UndefinedTermError,
)

__all__ = [
    "DEFAULT_LOADER",
    "MAX_BLANK_NODES",
    "MAX_JSON_DEPTH",
    "MAX_JSON_TEXT",
    "MAX_JSON_VALUES",
    "MAX_NDEGREE_WORK",
    "MAX_QUADS",
    "ContextLoader",
    "canonicalize",
    "context_urls",
    "expand_strict",
]

#: Deepest JSON nesting accepted (credentials nest about ten levels).
MAX_JSON_DEPTH: Final = 64
#: Most JSON values (objects, arrays, strings, numbers…) in one document.
MAX_JSON_VALUES: Final = 100_000
#: Most characters in all the strings (keys and values) of one document.
MAX_JSON_TEXT: Final = 8 * 1024 * 1024
#: Most RDF quads one document may produce.
MAX_QUADS: Final = 20_000
#: Most blank nodes one document may produce.
MAX_BLANK_NODES: Final = 5_000
#: Work units RDFC-1.0 may spend on blank nodes that their own quads do not tell apart (one unit
#: is roughly one N-degree hash call or one permutation tried, weighted by size; about 10 µs).
#: Most credentials need none; the OB 3.0 "complete" example with four embedded endorsements
#: needs 44; a clique of seven interlinked look-alike blank nodes exhausts it in under a second.
MAX_NDEGREE_WORK: Final = 100_000

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: Vocabularies that VC contexts use as catch-alls for terms nobody defined. A property or type
#: in them is undefined by construction, whatever context put it there.
_UNDEFINED_VOCABULARIES: Final = (
    "https://www.w3.org/ns/credentials/issuer-dependent#",
    "https://www.w3.org/ns/credentials/undefined-term#",
)
#: Keywords a credential may use as JSON keys. Left out: ``@index`` (its value never reaches
#: RDF), ``@direction`` (RDFC-1.0 signing, without ``rdfDirection``, drops it), and ``@nest``,
#: ``@set``, ``@list``, ``@reverse``, ``@included``: each lets the same statements be written
#: under a different JSON shape, so a JSON reader could be shown a key in the wrong place (or
#: not at all) while the signed N-Quads stay the same. No credential needs them.
_DOCUMENT_KEYWORDS: Final = frozenset({"@context", "@id", "@type", "@value", "@language", "@graph"})
_MAX_MEMOIZED_CONTEXTS: Final = 2_000
_RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
_RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
_RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|\\^`\x7f]*\Z")
_BLANK_NODE = re.compile(r"_:[^\x00-\x20\x7f]+\Z")
_BCP47 = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*\Z")


def _is_absolute_iri(value: object) -> bool:
    return (
        isinstance(value, str) and not value.startswith("_:") and bool(_ABSOLUTE_IRI.match(value))
    )


def _is_node_id(value: object) -> bool:
    return isinstance(value, str) and bool(
        _BLANK_NODE.match(value) if value.startswith("_:") else _ABSOLUTE_IRI.match(value)
    )


# --- The loader -------------------------------------------------------------------------------


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
        return {
            "documentLoader": self,
            "contextResolver": _ContextResolver(self._cache, self),
            # No base IRI: a relative reference stays relative, so it is caught below instead
            # of being resolved against pyld's placeholder base.
            "base": None,
            "processingMode": "json-ld-1.1",
            "isFrame": False,
            "keepFreeFloatingNodes": False,
            "extractAllScripts": False,
        }


DEFAULT_LOADER: Final = ContextLoader()


# --- Input checks -----------------------------------------------------------------------------


def _checked_copy(document: object) -> dict[str, Any]:
    """A plain-JSON copy of ``document``; refuses non-JSON values and oversized input."""
    if not isinstance(document, Mapping):
        raise JsonLdError("A JSON-LD document must be a JSON object.")
    count = 0
    text = 0

    def copy_value(value: object, depth: int, path: str) -> Any:
        nonlocal count, text
        count += 1
        if count > MAX_JSON_VALUES:
            raise CanonicalizationLimitError(
                f"The document has more than {MAX_JSON_VALUES} JSON values."
            )
        if depth > MAX_JSON_DEPTH:
            raise CanonicalizationLimitError(
                f"The document nests deeper than {MAX_JSON_DEPTH} levels at {path}."
            )
        if isinstance(value, str):
            text += len(value)
            if text > MAX_JSON_TEXT:
                raise CanonicalizationLimitError(
                    f"The document has more than {MAX_JSON_TEXT} characters of text."
                )
            return value
        if value is None or isinstance(value, bool | int):
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                raise JsonLdError(f"The number at {path or '/'} is not finite.", path=path)
            return value
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if not isinstance(key, str):
                    raise JsonLdError(f"A JSON object key at {path or '/'} is not a string.")
                text += len(key)
                out[key] = copy_value(item, depth + 1, f"{path}/{key}")
            return out
        if isinstance(value, list | tuple):
            return [copy_value(item, depth + 1, f"{path}/{i}") for i, item in enumerate(value)]
        raise JsonLdError(
            f"The value at {path or '/'} is a {type(value).__name__}, not a JSON value.",
            path=path,
        )

    copied: dict[str, Any] = copy_value(document, 0, "")
    return copied


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


# --- Strict expansion -------------------------------------------------------------------------


class _Frame:
    __slots__ = ("index", "is_array", "segment")

    def __init__(self, segment: str | int | None, is_array: bool) -> None:
        self.segment = segment
        self.is_array = is_array
        self.index = -1


class _StrictProcessor(_pyld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with every silent drop turned into an error, and a JSON path kept."""

    def __init__(self, loader: ContextLoader) -> None:
        super().__init__(on_property_dropped=self._property_dropped)
        self._loader = loader
        self._trusted = loader.trusted_vocabularies
        self._frames: list[_Frame] = []
        self._inverse: dict[int, tuple[Any, dict[str, list[str]]]] = {}

    # Paths -------------------------------------------------------------------------------

    def _path(self, *extra: str | int) -> str:
        parts = [f.segment for f in self._frames[1:] if f.segment is not None]
        parts.extend(extra)
        return "/" + "/".join(str(p) for p in parts)

    # Hooks into pyld ---------------------------------------------------------------------

    def _property_dropped(self, expanded_property: object) -> None:
        # The key checks in _expand_object refuse first; this is the net behind them.
        raise UndefinedTermError(str(expanded_property), path=self._path())

    def _expand(  # noqa: PLR0917 -- pyld's signature
        self,
        active_ctx: Any,
        active_property: Any,
        element: Any,
        options: Any,
        inside_list: bool = False,
        inside_index: bool = False,
        type_scoped_ctx: Any = None,
    ) -> Any:
        parent = self._frames[-1] if self._frames else None
        if parent is not None and parent.is_array:
            parent.index += 1
            segment: str | int | None = parent.index
        else:
            segment = active_property
        self._frames.append(_Frame(segment, isinstance(element, list)))
        try:
            if isinstance(element, dict) and "@context" in element:
                self._check_local_context(element["@context"])
            result = super()._expand(
                active_ctx,
                active_property,
                element,
                options,
                inside_list=inside_list,
                inside_index=inside_index,
                type_scoped_ctx=type_scoped_ctx,
            )
            if result is None and element is not None:
                raise JsonLdError(
                    f"The value at {self._path()} is dropped by JSON-LD expansion, so no "
                    "signature would cover it.",
                    path=self._path(),
                )
            return result
        finally:
            self._frames.pop()

    def _check_local_context(self, context: Any) -> None:
        items = context if isinstance(context, list) else [context]
        for item in items:
            if isinstance(item, str):
                if not self._loader.allows(item):
                    raise ContextNotAllowedError(item)
                continue
            # An inline context lets the document itself define (or alias) terms, so an
            # attacker could rename keys without changing the signed N-Quads.
            raise JsonLdError(
                f"The document defines an inline @context at {self._path('@context')}; "
                "only context URLs leadbadge ships are accepted.",
                path=self._path("@context"),
            )

    def _expand_object(  # noqa: PLR0917 -- pyld's signature
        self,
        active_ctx: Any,
        active_property: Any,
        expanded_active_property: Any,
        element: Any,
        expanded_parent: Any,
        options: Any,
        inside_list: bool = False,
        type_key: Any = None,
        type_scoped_ctx: Any = None,
    ) -> Any:
        mappings = active_ctx["mappings"]
        is_value_object = any(k == "@value" or _mapped_id(mappings, k) == "@value" for k in element)
        if is_value_object:
            self._check_value_object(element, mappings)
        for key, value in element.items():
            if key == "@context":
                continue
            meaning = key if key.startswith("@") else _mapped_id(mappings, key)
            if meaning is None and not self._vocab_defines(active_ctx, key):
                self._check_iri_name(active_ctx, key, self._path(key))
            if (
                meaning is not None
                and meaning.startswith("@")
                and meaning not in _DOCUMENT_KEYWORDS
            ):
                raise self._refused_keyword(key)
            if key.startswith("@") and self._terms_for(active_ctx).get(key):
                # VC and OB name these "id" and "type"; a reader looks for those names.
                alias = self._terms_for(active_ctx)[key][0]
                raise UndefinedTermError(
                    key,
                    path=self._path(key),
                    reason=f"is spelled {alias!r} by the document's JSON-LD contexts; write that",
                )
            if meaning == "@type" and not is_value_object:
                types_ctx = type_scoped_ctx if type_scoped_ctx is not None else active_ctx
                for name in value if isinstance(value, list) else [value]:
                    if isinstance(name, str) and not self._is_term(types_ctx, name):
                        self._check_iri_name(types_ctx, name, self._path(key), kind="type")
            elif meaning == "@id":
                for ref in value if isinstance(value, list) else [value]:
                    if isinstance(ref, str):
                        self._check_reference(self._expand_iri(active_ctx, ref, base=None), ref)
        return super()._expand_object(
            active_ctx,
            active_property,
            expanded_active_property,
            element,
            expanded_parent,
            options,
            inside_list=inside_list,
            type_key=type_key,
            type_scoped_ctx=type_scoped_ctx,
        )

    def _expand_value(self, active_ctx: Any, active_property: Any, value: Any, options: Any) -> Any:
        result = super()._expand_value(active_ctx, active_property, value, options)
        if isinstance(result, dict) and "@id" in result and isinstance(value, str):
            coercion = _pyld.JsonLdProcessor.get_context_value(active_ctx, active_property, "@type")
            if coercion == "@vocab" and not self._is_term(active_ctx, value):
                self._check_iri_name(active_ctx, value, self._path(), kind="value")
            self._check_reference(result["@id"], value)
        return result

    # Rules -------------------------------------------------------------------------------

    def _is_term(self, active_ctx: Any, name: str) -> bool:
        if name in active_ctx["mappings"]:
            return _mapped_id(active_ctx["mappings"], name) is not None
        return self._vocab_defines(active_ctx, name)

    def _check_value_object(self, element: Mapping[str, Any], mappings: Any) -> None:
        """Only a language-tagged string needs the ``{"@value": …}`` form.

        ``{"@value": "2020-01-01T00:00:00Z", "@type": "…#dateTime"}`` signs the same as the plain
        string the context already types, but a reader of ``validUntil`` would find an object
        and might skip it: every other value object is another spelling of a plain value.
        """
        meanings = {k if k.startswith("@") else _mapped_id(mappings, k) for k in element}
        if "@language" not in meanings or "@type" in meanings:
            raise JsonLdError(
                f"The value object at {self._path()} is another spelling of a plain value; "
                "only language-tagged text may be written as {'@value': …}.",
                path=self._path(),
            )

    def _check_iri_name(self, active_ctx: Any, name: str, path: str, kind: str = "") -> None:
        """Accept a property or type written as an IRI, unless it is another spelling of a term.

        An IRI names itself, and what it says is signed. But if the contexts define a term for
        the same IRI, the IRI spelling would hide the value from a JSON reader looking for the
        term (``validUntil``, ``credentialStatus``…) while the signed N-Quads stay the same.
        """
        what = f"a {kind} " if kind else ""
        iri = self._expand_iri(active_ctx, name, base=None) if ":" in name else None
        if not _is_absolute_iri(iri):
            raise UndefinedTermError(
                name,
                path=path,
                reason=f"is not {what}defined by the document's JSON-LD contexts",
            )
        assert isinstance(iri, str)  # noqa: S101 -- narrowed by _is_absolute_iri
        if iri.startswith(_UNDEFINED_VOCABULARIES):
            raise UndefinedTermError(
                name, path=path, reason="is in a vocabulary for undefined terms"
            )
        terms = self._terms_for(active_ctx).get(iri)
        if terms:
            raise UndefinedTermError(
                name,
                path=path,
                reason=f"is an IRI the contexts define the term {terms[0]!r} for; write the term",
            )

    def _terms_for(self, active_ctx: Any) -> dict[str, list[str]]:
        """IRI -> the terms that map to it in ``active_ctx`` (computed once per context)."""
        found = self._inverse.get(id(active_ctx))
        if found is None or found[0] is not active_ctx:
            inverse: dict[str, list[str]] = {}
            for term in sorted(active_ctx["mappings"]):
                iri = _mapped_id(active_ctx["mappings"], term)
                if iri is not None:
                    inverse.setdefault(iri, []).append(term)
            # The entry keeps the context alive, so its id() stays unique during the call.
            found = self._inverse[id(active_ctx)] = (active_ctx, inverse)
        return found[1]

    def _vocab_defines(self, active_ctx: Any, name: str) -> bool:
        vocab = active_ctx.get("@vocab")
        return vocab in self._trusted and ":" not in name and not name.startswith("@")

    def _check_reference(self, expanded: object, original: str) -> None:
        if not _is_node_id(expanded):
            raise JsonLdError(
                f"The reference {original!r} at {self._path()} is not an absolute IRI, so it "
                "would be dropped from the signed data.",
                path=self._path(),
            )

    def _refused_keyword(self, key: str) -> JsonLdError:
        if key in ("@index", "@direction"):
            why = "its value is not part of the signed data"
        else:
            why = "it lets the signed data be written in a different JSON shape"
        return JsonLdError(
            f"The key {key!r} at {self._path(key)} is not accepted: {why}.",
            path=self._path(key),
        )

    # Contexts ----------------------------------------------------------------------------

    def _process_context(  # noqa: PLR0917 -- pyld's signature
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        # pyld caches a processed context per parent only for context URLs; a type-scoped
        # context is processed again for every node that uses it (most of the run time).
        # Processed contexts are never modified once returned, so the loader memoizes them by
        # parent context and local context, which are stable objects across calls.
        uid = active_ctx.get("_uuid")
        if isinstance(local_ctx, str):
            local_key: object = local_ctx
        elif isinstance(local_ctx, list) and all(isinstance(c, str) for c in local_ctx):
            local_key = tuple(local_ctx)
        elif isinstance(local_ctx, dict):
            local_key = id(local_ctx)
        else:
            local_key = None
        key = (uid, local_key, override_protected, propagate, validate_scoped)
        memo = self._loader._processed
        if uid is not None and local_key is not None:
            hit = memo.get(key)
            if hit is not None and hit[0] is local_ctx:
                return hit[1]
        result = super()._process_context(
            active_ctx,
            local_ctx,
            options,
            override_protected=override_protected,
            propagate=propagate,
            validate_scoped=validate_scoped,
            cycles=cycles,
        )
        if uid is not None and local_key is not None:
            if len(memo) >= _MAX_MEMOIZED_CONTEXTS:
                memo.clear()
            # The entry keeps local_ctx alive, so its id() cannot be reused by another object.
            memo[key] = (local_ctx, result)
        return result


def _mapped_id(mappings: Any, term: str) -> str | None:
    mapping = mappings.get(term)
    if mapping is None:
        return None
    iri = mapping.get("@id")
    return iri if isinstance(iri, str) else None


def _check_expanded(expanded: list[Any]) -> None:
    """Second line of defence: the expanded form has only absolute IRIs and RDF-bound content."""
    stack: list[tuple[object, str]] = [(item, "") for item in expanded]
    while stack:
        value, path = stack.pop()
        if not isinstance(value, dict):
            continue
        for key in ("@index", "@direction"):
            if key in value:
                raise JsonLdError(
                    f"The keyword {key} in the expanded document is not accepted.", path=path
                )
        if "@value" in value:
            lang = value.get("@language")
            if lang is not None and not (isinstance(lang, str) and _BCP47.match(lang)):
                raise JsonLdError(f"The language tag {lang!r} is not well-formed.", path=path)
            datatype = value.get("@type")
            if datatype is not None and datatype != "@json" and not _is_absolute_iri(datatype):
                raise JsonLdError(f"The datatype {datatype!r} is not an absolute IRI.", path=path)
            continue
        if "@list" in value:
            stack.extend((item, path) for item in value["@list"])
            continue
        if "@id" in value and not _is_node_id(value["@id"]):
            raise JsonLdError(f"The identifier {value['@id']!r} is not an absolute IRI.", path=path)
        for type_iri in value.get("@type", []):
            _check_vocabulary_iri(type_iri, path)
        for key, items in value.items():
            if key in ("@graph", "@included"):
                stack.extend((item, f"{path}/{key}") for item in items)
            elif key == "@reverse":
                for prop, nodes in items.items():
                    _check_vocabulary_iri(prop, path)
                    stack.extend((node, f"{path}/@reverse") for node in nodes)
            elif not key.startswith("@"):
                _check_vocabulary_iri(key, path)
                stack.extend((item, f"{path}/{key}") for item in items)


def _check_vocabulary_iri(iri: object, path: str) -> None:
    if not _is_absolute_iri(iri):
        raise UndefinedTermError(str(iri), path=path or "/", reason="is not an absolute IRI")
    assert isinstance(iri, str)  # noqa: S101 -- narrowed by _is_absolute_iri
    if iri.startswith(_UNDEFINED_VOCABULARIES):
        raise UndefinedTermError(iri.split("#", 1)[1], path=path or "/")


class _QuadBuilder:
    """The RDF dataset of an expanded document (JSON-LD 1.1 "Deserialize JSON-LD to RDF").

    Written here rather than taken from pyld because pyld's node map compares every new value
    with every value already on the property, which is quadratic in hostile input; and because
    here nothing is skipped silently: the checks above guarantee every statement has an RDF form.
    """

    def __init__(self, processor: _StrictProcessor, options: dict[str, Any]) -> None:
        self._processor = processor
        self._options = options
        self._labels: dict[str, str] = {}
        self._fresh = 0
        self.quads: set[_Quad] = set()

    def build(self, expanded: list[Any]) -> list[_Quad]:
        for node in expanded:
            self._node(node, None)
        return list(self.quads)

    def _add(self, quad: _Quad) -> None:
        self.quads.add(quad)
        if len(self.quads) > MAX_QUADS:
            raise CanonicalizationLimitError(
                f"The document produces more than {MAX_QUADS} RDF statements."
            )

    def _blank(self) -> _Term:
        self._fresh += 1
        return ("B", f"_:g{self._fresh}")

    def _reference(self, ref: str) -> _Term:
        if not ref.startswith("_:"):
            return ("I", ref)
        # Document labels and generated ones live in separate name spaces.
        label = self._labels.get(ref)
        if label is None:
            label = self._labels[ref] = f"_:d{len(self._labels)}"
        return ("B", label)

    def _node(self, node: dict[str, Any], graph: _Term | None) -> _Term:
        subject = self._reference(node["@id"]) if "@id" in node else self._blank()
        for type_iri in node.get("@type", ()):
            self._add((subject, ("I", _RDF_TYPE), ("I", type_iri), graph))
        for prop, values in node.items():
            if prop.startswith("@"):
                continue
            for value in values:
                self._add((subject, ("I", prop), self._object(value, graph), graph))
        for inner in node.get("@graph", ()):
            self._node(inner, subject)
        return subject

    def _object(self, item: dict[str, Any], graph: _Term | None) -> _Term:
        if "@value" in item:
            literal = self._processor._object_to_rdf(item, None, [], self._options)
            return _rdf_term(literal)
        if "@list" in item:
            return self._list(item["@list"], graph)
        return self._node(item, graph)

    def _list(self, items: list[Any], graph: _Term | None) -> _Term:
        if not items:
            return ("I", _RDF_NIL)
        head = current = self._blank()
        for position, item in enumerate(items):
            self._add((current, ("I", _RDF_FIRST), self._object(item, graph), graph))
            following = self._blank() if position + 1 < len(items) else ("I", _RDF_NIL)
            self._add((current, ("I", _RDF_REST), following, graph))
            current = following
        return head


def _pyld_error(exc: Exception) -> LeadbadgeError:
    """Our error for a pyld failure; a LeadbadgeError raised inside pyld (the loader) wins."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, LeadbadgeError):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or getattr(cause, "cause", None)
    code = getattr(exc, "code", None)
    if isinstance(exc, _pyld.JsonLdError) and code:
        return JsonLdError(f"JSON-LD processing refused the document: {code}.")
    text = (str(exc).splitlines() or [type(exc).__name__])[0].rstrip(".")
    return JsonLdError(f"JSON-LD processing refused the document: {text}.")


def _expand(document: Mapping[str, Any], loader: ContextLoader) -> tuple[list[Any], list[_Quad]]:
    doc = _checked_copy(document)
    with loader._lock:
        processor = _StrictProcessor(loader)
        options = loader._options()
        try:
            active_ctx = processor._get_initial_context(options)
            expanded = processor._expand(active_ctx, None, doc, options)
            if isinstance(expanded, dict) and set(expanded) == {"@graph"}:
                expanded = expanded["@graph"]
            expanded = _pyld.JsonLdProcessor.arrayify(expanded)
            _check_expanded(expanded)
            quads = _QuadBuilder(processor, options).build(expanded)
        except (_pyld.JsonLdError, ValueError, TypeError, KeyError, AttributeError) as exc:
            # pyld reports bad input with its own error or, on some paths, a plain exception.
            raise _pyld_error(exc) from None
    if not quads:
        raise JsonLdError("The document has no content that JSON-LD processing keeps.")
    return expanded, quads


def expand_strict(
    document: Mapping[str, Any], *, loader: ContextLoader | None = None
) -> list[dict[str, Any]]:
    """JSON-LD expansion that refuses anything it would drop, alias, or leave undefined."""
    expanded, _ = _expand(document, loader or DEFAULT_LOADER)
    return expanded


def canonicalize(document: Mapping[str, Any], *, loader: ContextLoader | None = None) -> str:
    """Strict expansion, then the RDFC-1.0 canonical N-Quads of the document (bounded work)."""
    _, quads = _expand(document, loader or DEFAULT_LOADER)
    return _Rdfc10(quads).canonical_nquads()


# --- RDF terms and canonical N-Quads ----------------------------------------------------------

#: ("I", iri) | ("B", label) | ("L", lexical form, datatype, language)
_Term = tuple[str, ...]
_Quad = tuple[_Term, _Term, _Term, _Term | None]

_ESCAPES: Final = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


def _node_term(value: str) -> _Term:
    return ("B", value) if value.startswith("_:") else ("I", value)


def _rdf_term(obj: Mapping[str, Any]) -> _Term:
    if obj["type"] == "literal":
        language = obj.get("language") or ""
        datatype = _RDF_LANGSTRING if language else obj["datatype"] or _XSD_STRING
        return ("L", obj["value"], datatype, language)
    return _node_term(obj["value"])


def _serialize(term: _Term, label: str | None = None) -> str:
    kind = term[0]
    if kind == "I":
        return f"<{term[1]}>"
    if kind == "B":
        return label if label is not None else term[1]
    text = '"' + _NEEDS_ESCAPE.sub(_escape_char, term[1]) + '"'
    if term[3]:
        return f"{text}@{term[3]}"
    if term[2] != _XSD_STRING:
        return f"{text}^^<{term[2]}>"
    return text


class _Issuer:
    """RDFC-1.0 identifier issuer: a prefix and the identifiers issued, in order."""

    __slots__ = ("issued", "prefix")

    def __init__(self, prefix: str, issued: dict[str, str] | None = None) -> None:
        self.prefix = prefix
        self.issued: dict[str, str] = issued if issued is not None else {}

    def issue(self, existing: str) -> str:
        found = self.issued.get(existing)
        if found is None:
            found = self.issued[existing] = f"{self.prefix}{len(self.issued)}"
        return found

    def copy(self) -> _Issuer:
        return _Issuer(self.prefix, dict(self.issued))


@dataclass
class _NDegreeResult:
    hash: str
    issuer: _Issuer


class _Rdfc10:
    """RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation 2024) with a work bound."""

    def __init__(self, quads: Sequence[_Quad]) -> None:
        self.quads = list(quads)
        self.by_node: dict[str, list[_Quad]] = {}
        for quad in self.quads:
            for term in (quad[0], quad[2], quad[3]):
                if term is not None and term[0] == "B":
                    entries = self.by_node.setdefault(term[1], [])
                    if not entries or entries[-1] is not quad:
                        entries.append(quad)
        if len(self.by_node) > MAX_BLANK_NODES:
            raise CanonicalizationLimitError(
                f"The document produces more than {MAX_BLANK_NODES} blank nodes."
            )
        self.canonical = _Issuer("_:c14n")
        self.first_degree: dict[str, str] = {}
        self.work = 0

    def canonical_nquads(self) -> str:
        """Steps 1-5 of §4.4, then the sorted canonical N-Quads (§4.4.3 step 7)."""
        by_hash: dict[str, list[str]] = {}
        for node in self.by_node:
            by_hash.setdefault(self._hash_first_degree(node), []).append(node)
        shared: list[tuple[str, list[str]]] = []
        for node_hash in sorted(by_hash):
            nodes = by_hash[node_hash]
            if len(nodes) == 1:
                self.canonical.issue(nodes[0])
            else:
                shared.append((node_hash, nodes))
        for _, nodes in shared:
            results: list[_NDegreeResult] = []
            for node in nodes:
                if node in self.canonical.issued:
                    continue
                temporary = _Issuer("_:b")
                temporary.issue(node)
                results.append(self._hash_n_degree(node, temporary))
            for result in sorted(results, key=lambda r: r.hash):
                for existing in result.issuer.issued:
                    self.canonical.issue(existing)
        labels = self.canonical.issued
        lines = sorted(self._line(quad, labels) for quad in self.quads)
        return "".join(lines)

    def _line(self, quad: _Quad, labels: Mapping[str, str]) -> str:
        parts = [
            _serialize(term, labels.get(term[1]) if term[0] == "B" else None)
            for term in quad
            if term is not None
        ]
        return " ".join(parts) + " .\n"

    def _hash_first_degree(self, node: str) -> str:
        """§4.6: hash of the node's quads with itself as ``_:a`` and other blank nodes ``_:z``."""
        found = self.first_degree.get(node)
        if found is not None:
            return found
        lines = []
        for quad in self.by_node[node]:
            parts = [
                _serialize(term, ("_:a" if term[1] == node else "_:z") if term[0] == "B" else None)
                for term in quad
                if term is not None
            ]
            lines.append(" ".join(parts) + " .\n")
        lines.sort()
        found = self.first_degree[node] = hashlib.sha256("".join(lines).encode()).hexdigest()
        return found

    def _hash_related(self, related: str, quad: _Quad, issuer: _Issuer, position: str) -> str:
        """§4.7 Hash Related Blank Node."""
        identifier = (
            self.canonical.issued.get(related)
            or issuer.issued.get(related)
            or self._hash_first_degree(related)
        )
        text = position
        if position != "g":
            text += f"<{quad[1][1]}>"
        return hashlib.sha256((text + identifier).encode()).hexdigest()

    def _spend(self, units: int = 1) -> None:
        self.work += units
        if self.work > MAX_NDEGREE_WORK:
            raise CanonicalizationLimitError(
                "Canonicalizing the document needs more work than leadbadge allows "
                f"({MAX_NDEGREE_WORK} steps); it has too many blank nodes that look alike."
            )

    def _hash_n_degree(self, node: str, issuer: _Issuer) -> _NDegreeResult:
        """§4.8 Hash N-Degree Quads; each call and each permutation tried costs work units."""
        self._spend(1 + len(self.by_node[node]) // 8)
        related_by_hash: dict[str, list[str]] = {}
        for quad in self.by_node[node]:
            for term, position in ((quad[0], "s"), (quad[2], "o"), (quad[3], "g")):
                if term is not None and term[0] == "B" and term[1] != node:
                    related_hash = self._hash_related(term[1], quad, issuer, position)
                    related_by_hash.setdefault(related_hash, []).append(term[1])
        data = hashlib.sha256()
        for related_hash in sorted(related_by_hash):
            data.update(related_hash.encode())
            chosen_path = ""
            chosen_issuer: _Issuer | None = None
            for permutation in _permutations(related_by_hash[related_hash]):
                self._spend(1 + (len(permutation) + len(issuer.issued)) // 16)
                issuer_copy = issuer.copy()
                path = ""
                recursion: list[str] = []
                skip = False
                for related in permutation:
                    canonical = self.canonical.issued.get(related)
                    if canonical is not None:
                        path += canonical
                    else:
                        if related not in issuer_copy.issued:
                            recursion.append(related)
                        path += issuer_copy.issue(related)
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion:
                    result = self._hash_n_degree(related, issuer_copy)
                    path += issuer_copy.issue(related)
                    path += f"<{result.hash}>"
                    issuer_copy = result.issuer
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path = path
                    chosen_issuer = issuer_copy
            data.update(chosen_path.encode())
            assert chosen_issuer is not None  # noqa: S101 -- the first permutation always sets it
            issuer = chosen_issuer
        return _NDegreeResult(data.hexdigest(), issuer)


def _permutations(items: list[str]) -> Iterator[tuple[str, ...]]:
    """Each distinct ordering of ``items`` once (lexicographic "next permutation").

    A node can be related to the same blank node through several quads with the same hash
    (a graph name, typically); orderings that differ only by swapping equal items give the same
    path, so like rdf-canonize's permuter this yields them once. The minimum path wins whatever
    the order of enumeration.
    """
    current = sorted(items)
    while True:
        yield tuple(current)
        pivot = len(current) - 2
        while pivot >= 0 and current[pivot] >= current[pivot + 1]:
            pivot -= 1
        if pivot < 0:
            return
        swap = len(current) - 1
        while current[swap] <= current[pivot]:
            swap -= 1
        current[pivot], current[swap] = current[swap], current[pivot]
        current[pivot + 1 :] = reversed(current[pivot + 1 :])
