"""Strict offline JSON-LD expansion: pyld driven to refuse whatever it would drop or re-spell.

What "strict" means, and why, is in docs/proofs.md. In short: a Data Integrity signature covers
the canonical N-Quads of a document, not its JSON. Anything in the JSON that does not reach the
N-Quads (an undefined term JSON-LD drops, a relative IRI, a value expansion discards) or that
reaches them through a different name than the one a JSON reader looks for (a ``@vocab``
fallback, an IRI written in place of a term, a second term an inline ``@context`` gives an IRI)
is content no signature vouches for. Every such case is refused with a typed error instead of
being processed. Inline contexts are accepted under the rules of :mod:`leadbadge.ld.inline`.

The input is checked first (:mod:`leadbadge.ld.inputs`). pyld does the JSON-LD expansion,
driven through a subclass that turns its silent drops into errors; the RDF dataset
(:mod:`leadbadge.ld.nquads`) and its RDFC-1.0 canonicalization (:mod:`leadbadge.ld.rdfc10`)
are computed by leadbadge, with work bounds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final

from pyld import jsonld as _pyld

from leadbadge.errors import (
    JsonLdError,
    LeadbadgeError,
    UndefinedTermError,
)
from leadbadge.ld._offline_pyld import pyld_initial_context, pyld_process_context
from leadbadge.ld.compiled_cache import memo_key
from leadbadge.ld.contexts import DEFAULT_LOADER, ContextLoader
from leadbadge.ld.inline import (
    UNDEFINED_VOCABULARIES,
    DocumentContexts,
    DocumentResolver,
    is_absolute_iri,
)
from leadbadge.ld.inputs import checked_copy
from leadbadge.ld.nquads import Quad, QuadBuilder

__all__ = ["expand_strict", "expand_to_quads"]

#: Keywords a credential may use as JSON keys. ``@direction`` (VC 2.0 §11.1) is signed as the
#: Digital Bazaar stack signs it (``rdfDirection: "i18n-datatype"``, set in ``ld.contexts``). Left
#: out: ``@index`` (its value never reaches RDF), and ``@nest``, ``@set``, ``@list``,
#: ``@reverse``, ``@included``: each lets the same statements be written under a different JSON
#: shape, so a JSON reader could be shown a key in the wrong place (or not at all) while the
#: signed N-Quads stay the same. No credential needs them.
_DOCUMENT_KEYWORDS: Final = frozenset(
    {"@context", "@id", "@type", "@value", "@language", "@direction", "@graph"}
)
_DIRECTIONS: Final = ("ltr", "rtl")
_MAX_MEMOIZED_CONTEXTS: Final = 2_000
_BCP47 = re.compile(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*\Z")


# --- Strict expansion -------------------------------------------------------------------------


# pyld's context functions without time-based UUIDs (leadbadge.ld._offline_pyld); module names
# here so that a test can count the calls.
_pyld_process_context: Final = pyld_process_context
_pyld_initial_context: Final = pyld_initial_context


class _ActiveContext(dict):  # type: ignore[type-arg]
    """An active context that pyld may clear a setting of when it is not set.

    pyld processes ``{"@vocab": null}`` (and ``@language``, ``@direction``, ``@base``) with
    ``del context[key]``, a ``KeyError`` when the active context has no such setting; JSON-LD
    1.1 §4.1.2 makes null mean "remove it, if any".
    """

    def __delitem__(self, key: Any) -> None:
        if key in self or key not in ("@vocab", "@language", "@direction", "@base"):
            super().__delitem__(key)


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
        self.inline = DocumentContexts(loader)
        self._memo: dict[tuple[object, ...], tuple[Any, Any]] = {}

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
                # Checked and registered here, where pyld is about to process it: values of
                # @json terms are never expanded, so a "@context" in them is left untouched.
                element["@context"] = self.inline.prepare(
                    element["@context"], self._path("@context")
                )
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

    def _create_term_definition(  # noqa: PLR0917 -- pyld's signature
        self,
        active_ctx: Any,
        local_ctx: Any,
        term: Any,
        defined: Any,
        options: Any,
        override_protected: bool = False,
        validate_scoped: bool = True,
    ) -> Any:
        path = None if term in defined else self.inline.own_path(local_ctx, term)
        previous = active_ctx["mappings"].get(term)
        result = super()._create_term_definition(
            active_ctx,
            local_ctx,
            term,
            defined,
            options,
            override_protected=override_protected,
            validate_scoped=validate_scoped,
        )
        if path is not None and not term.startswith("@"):
            self.inline.check_definition(term, previous, active_ctx["mappings"].get(term), path)
        return result

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
            elif meaning is not None and not key.startswith("@"):
                self._check_second_term(active_ctx, key, self._path(key))
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
            if meaning in ("@language", "@direction") and not is_value_object:
                # JSON-LD keeps a node's @language in the expanded form but no RDF statement
                # carries it: any text would pass unsigned.
                what = "a language" if meaning == "@language" else "a base direction"
                raise JsonLdError(
                    f"The key {key!r} at {self._path(key)} gives a node {what}; it is "
                    "dropped by JSON-LD, so no signature would cover it (it belongs "
                    f"with text: {{'@value': …, '{meaning}': …}}).",
                    path=self._path(key),
                )
            if meaning == "@type" and not is_value_object:
                types_ctx = type_scoped_ctx if type_scoped_ctx is not None else active_ctx
                for name in value if isinstance(value, list) else [value]:
                    if isinstance(name, str) and not self._is_term(types_ctx, name):
                        self._check_iri_name(types_ctx, name, self._path(key), kind="type")
                    elif isinstance(name, str):
                        self._check_second_term(types_ctx, name, self._path(key))
            elif meaning == "@id":
                for ref in value if isinstance(value, list) else [value]:
                    if isinstance(ref, str):
                        expanded_ref = self._expand_iri(active_ctx, ref, base=None)
                        self._check_reference(expanded_ref, ref, self._path(key))
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
            elif coercion == "@vocab":
                self._check_second_term(active_ctx, value, self._path())
            self._check_reference(result["@id"], value)
        return result

    # Rules -------------------------------------------------------------------------------

    def _is_term(self, active_ctx: Any, name: str) -> bool:
        if name in active_ctx["mappings"]:
            return _mapped_id(active_ctx["mappings"], name) is not None
        return self._vocab_defines(active_ctx, name)

    def _check_value_object(self, element: Mapping[str, Any], mappings: Any) -> None:
        """Only text with a language or a base direction needs the ``{"@value": …}`` form.

        ``{"@value": "2020-01-01T00:00:00Z", "@type": "…#dateTime"}`` signs the same as the plain
        string the context already types, but a reader of ``validUntil`` would find an object
        and might skip it: every other value object is another spelling of a plain value.
        """
        meanings = {
            (k if k.startswith("@") else _mapped_id(mappings, k)): v for k, v in element.items()
        }
        if not {"@language", "@direction"} & set(meanings) or "@type" in meanings:
            raise JsonLdError(
                f"The value object at {self._path()} is another spelling of a plain value; "
                "only text with a language or a base direction may be written as {'@value': …}.",
                path=self._path(),
            )
        if "@direction" in meanings:
            direction = meanings["@direction"]
            if direction not in _DIRECTIONS:
                raise JsonLdError(
                    f"The base direction {json.dumps(direction)} at "
                    f"{self._path('@direction')} is not 'ltr' or 'rtl' (VC 2.0 §11.1).",
                    path=self._path("@direction"),
                )
            if not isinstance(meanings.get("@value"), str):
                raise JsonLdError(
                    f"The value at {self._path('@value')} has a base direction but is not text.",
                    path=self._path("@value"),
                )

    def _check_second_term(self, active_ctx: Any, term: str, path: str) -> None:
        """Refuse a term an inline context made for an IRI another term already stands for.

        Both would sign the same statements, so a reader looking for the published term
        (``validUntil``) would miss the value written under the document's own.
        """
        mapping = active_ctx["mappings"].get(term)
        if not self.inline.defined_inline(mapping):
            return
        iri = _mapped_id(active_ctx["mappings"], term)
        others = [t for t in self._terms_for(active_ctx).get(iri or "", []) if t != term]
        if others:
            raise UndefinedTermError(
                term,
                path=path,
                reason=f"is the document's own name for the IRI of the term {others[0]!r}; "
                "write that term",
            )

    def _check_iri_name(self, active_ctx: Any, name: str, path: str, kind: str = "") -> None:
        """Accept a property or type written as an IRI, unless it is another spelling of a term.

        An IRI names itself, and what it says is signed. But if the contexts define a term for
        the same IRI, the IRI spelling would hide the value from a JSON reader looking for the
        term (``validUntil``, ``credentialStatus``…) while the signed N-Quads stay the same.
        """
        what = f"a {kind} " if kind else ""
        iri = self._expand_iri(active_ctx, name, base=None) if ":" in name else None
        if not is_absolute_iri(iri):
            raise UndefinedTermError(
                name,
                path=path,
                reason=f"is not {what}defined by the document's JSON-LD contexts",
            )
        assert isinstance(iri, str)  # noqa: S101 -- narrowed by is_absolute_iri
        if iri.startswith(UNDEFINED_VOCABULARIES):
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

    def _check_reference(self, expanded: object, original: str, path: str | None = None) -> None:
        if isinstance(expanded, str) and expanded.startswith("_:"):
            # Canonicalization replaces blank node identifiers with its own labels, so the
            # label written here reaches no signed statement: any text after "_:" would pass.
            where = path or self._path()
            raise JsonLdError(
                f"The identifier {original!r} at {where} is a blank node identifier, which "
                "canonicalization relabels, so no signature covers it; use an IRI or leave "
                "the id out.",
                path=where,
            )
        if not is_absolute_iri(expanded):
            raise JsonLdError(
                f"The reference {original!r} at {self._path()} is not an absolute IRI, so it "
                "would be dropped from the signed data.",
                path=self._path(),
            )

    def _refused_keyword(self, key: str) -> JsonLdError:
        if key == "@index":
            why = "its value is not part of the signed data"
        else:
            why = "it lets the signed data be written in a different JSON shape"
        return JsonLdError(
            f"The key {key!r} at {self._path(key)} is not accepted: {why}.",
            path=self._path(key),
        )

    # Contexts ----------------------------------------------------------------------------

    def _clone_active_context(self, active_ctx: Any) -> Any:
        return _ActiveContext(super()._clone_active_context(active_ctx))

    def _get_initial_context(self, options: Any) -> Any:
        return _pyld_initial_context(self, options)

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
        key = memo_key(active_ctx, local_ctx, override_protected, propagate, validate_scoped)
        # A document's own (inline) contexts are memoized for this processing only: the
        # loader's memo outlives the document.
        memo = self._memo if self.inline.is_inline(local_ctx) else self._loader._processed
        if key is not None:
            hit = memo.get(key)
            if hit is not None and hit[0] is local_ctx:
                return hit[1]
        result = _pyld_process_context(
            self,
            active_ctx,
            local_ctx,
            options,
            override_protected=override_protected,
            propagate=propagate,
            validate_scoped=validate_scoped,
            cycles=cycles,
        )
        if key is not None:
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
        if "@index" in value:
            raise JsonLdError("The keyword @index in the expanded form is not accepted.", path=path)
        if "@direction" in value and (
            "@value" not in value or value["@direction"] not in _DIRECTIONS
        ):
            raise JsonLdError(
                f"The base direction {json.dumps(value['@direction'])} is not 'ltr' or 'rtl' "
                "on text.",
                path=path,
            )
        if "@value" in value:
            lang = value.get("@language")
            if lang is not None and not (isinstance(lang, str) and _BCP47.match(lang)):
                raise JsonLdError(f"The language tag {lang!r} is not well-formed.", path=path)
            datatype = value.get("@type")
            if datatype is not None and datatype != "@json" and not is_absolute_iri(datatype):
                raise JsonLdError(f"The datatype {datatype!r} is not an absolute IRI.", path=path)
            continue
        if "@list" in value:
            stack.extend((item, path) for item in value["@list"])
            continue
        if "@language" in value:
            raise JsonLdError("A node object has a @language, which is not signed.", path=path)
        if "@id" in value and not is_absolute_iri(value["@id"]):
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
    if not is_absolute_iri(iri):
        raise UndefinedTermError(str(iri), path=path or "/", reason="is not an absolute IRI")
    assert isinstance(iri, str)  # noqa: S101 -- narrowed by is_absolute_iri
    if iri.startswith(UNDEFINED_VOCABULARIES):
        raise UndefinedTermError(iri.split("#", 1)[1], path=path or "/")


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


def expand_to_quads(
    document: Mapping[str, Any], *, loader: ContextLoader | None = None
) -> tuple[list[dict[str, Any]], list[Quad]]:
    """Strict expansion of ``document`` and the RDF quads of what it expands to, each once."""
    loader = loader or DEFAULT_LOADER
    doc = checked_copy(document)
    with loader._lock:
        processor = _StrictProcessor(loader)
        options = loader._options()
        options["contextResolver"] = DocumentResolver(loader._cache, loader, processor.inline)
        try:
            active_ctx = processor._get_initial_context(options)
            expanded = processor._expand(active_ctx, None, doc, options)
            if isinstance(expanded, dict) and set(expanded) == {"@graph"}:
                expanded = expanded["@graph"]
            expanded = _pyld.JsonLdProcessor.arrayify(expanded)
            _check_expanded(expanded)
            quads = QuadBuilder(processor, options).build(expanded)
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
    expanded, _ = expand_to_quads(document, loader=loader)
    return expanded
