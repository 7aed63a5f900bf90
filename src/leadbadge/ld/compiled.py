"""The fast path of strict expansion: one walk of the JSON, straight to RDF quads.

Strict expansion (:mod:`leadbadge.ld.expand`) drives pyld through every node of a document,
and pyld re-derives the same facts for every node: which keys alias ``@type``, which scoped
contexts apply, what each term maps to. For a document whose contexts are all context URLs the
loader serves, those facts depend only on the context set, the property a node sits under and
the node's types, so they are derived once (with pyld's own context processing) and kept:

- the active context of a node, per (parent context, property, types): ``_Compiled._node_ctx``;
- a plan per (active context, key): the IRI, the property-scoped context, container and
  coercion, ``_Compiled._plan``.

The walk then emits the RDF quads :class:`leadbadge.ld.nquads.QuadBuilder` would build from
pyld's expanded form, applying the same strictness rules. It covers what credentials use:
terms defined by the contexts, ``id`` and ``type`` aliases, ``@set``, ``@list`` and ``@graph``
containers, ``@id``/``@vocab``/datatype coercion, type- and property-scoped contexts. Anything
else - an inline context, a keyword written as a key, an undefined term, a compact or relative
IRI, a value object, ``null``, an empty array or object, a language or direction, ``@json``,
or any rule it would have to refuse; input that the input check (:mod:`leadbadge.ld.inputs`)
would refuse, or that comes near its bounds - is left to the general path: :func:`compiled_quads`
returns ``None`` and the caller runs :func:`leadbadge.ld.expand.expand_to_quads`, which refuses
or accepts the document with its own errors. So the fast path never refuses anything itself and
can only differ from pyld by accepting: ``tests/unit/ld/test_compiled_differential.py`` holds it to
byte-identical canonical N-Quads, and identical refusals, on generated and published documents.

The quads of the top-level ``proof`` are kept apart, so that one walk also gives the quads of
the document without its proof, which is what a Data Integrity proof signs.
"""

from __future__ import annotations

import math
import re
import threading
import types
import uuid
import weakref
from collections.abc import Callable, Mapping
from typing import Any, Final, NamedTuple

from pyld import jsonld as _pyld

from leadbadge.ld.contexts import DEFAULT_LOADER, ContextLoader
from leadbadge.ld.inputs import MAX_JSON_DEPTH, MAX_JSON_INTEGER, MAX_JSON_TEXT, MAX_JSON_VALUES
from leadbadge.ld.nquads import MAX_QUADS, Quad, Term

__all__ = ["StrictQuads", "compiled_quads"]

_RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE: Final = _RDF + "type"
_RDF_FIRST: Final = _RDF + "first"
_RDF_REST: Final = _RDF + "rest"
_RDF_NIL: Final = _RDF + "nil"
_RDF_LANGSTRING: Final = _RDF + "langString"
_XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"
#: The same catch-all vocabularies :mod:`leadbadge.ld.expand` refuses.
_UNDEFINED_VOCABULARIES: Final = (
    "https://www.w3.org/ns/credentials/issuer-dependent#",
    "https://www.w3.org/ns/credentials/undefined-term#",
)
_ABSOLUTE_IRI: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|\\^`\x7f]*\Z")
#: Past this many memoized entries a loader's tables start over (a hostile document could
#: otherwise make them grow: each nesting of a property-scoped context is a new context).
_MAX_ENTRIES: Final = 5_000
_PROOF_KEY: Final = "proof"
# The input check's bounds (leadbadge.ld.inputs), halved or tightened: the walk counts a little
# differently, so it leaves anything near a bound to the general path, which runs the check.
_MAX_DEPTH: Final = MAX_JSON_DEPTH - 4
_MAX_VALUES: Final = MAX_JSON_VALUES // 2
_MAX_TEXT: Final = MAX_JSON_TEXT // 2
_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")

_TYPE_TERM: Final = ("I", _RDF_TYPE)
_FIRST_TERM: Final = ("I", _RDF_FIRST)
_REST_TERM: Final = ("I", _RDF_REST)
_NIL_TERM: Final = ("I", _RDF_NIL)

# Plan kinds.
_ID, _TYPE, _PROPERTY = 0, 1, 2
# Value coercions a plan supports.
_PLAIN, _TO_ID, _TO_VOCAB, _TO_DATATYPE = 0, 1, 2, 3


class StrictQuads(NamedTuple):
    """The RDF quads of a strictly expanded document."""

    #: Every quad of the document, each once.
    quads: list[Quad]
    #: The quads of the document without its top-level ``proof`` (the data a proof signs);
    #: ``None`` when they were not computed on the way (the caller computes them itself).
    unsecured: list[Quad] | None


class _Fallback(Exception):  # noqa: N818 -- a signal, not an error
    """The document (or this part of it) is left to the general path."""


def _is_absolute_iri(value: object) -> bool:
    return (
        isinstance(value, str) and not value.startswith("_:") and bool(_ABSOLUTE_IRI.match(value))
    )


def _vocabulary_iri(iri: object) -> str:
    """``iri`` when it may name a property, type or vocabulary value; else the general path."""
    if not _is_absolute_iri(iri):
        raise _Fallback
    assert isinstance(iri, str)  # noqa: S101 -- narrowed by _is_absolute_iri
    if iri.startswith(_UNDEFINED_VOCABULARIES):
        raise _Fallback
    return iri


# --- Context processing (pyld's, memoized per loader) -----------------------------------------


class _ContextKeys:
    """Stands in for ``uuid`` in pyld's context functions (see :mod:`leadbadge.ld.expand`)."""

    @staticmethod
    def uuid1() -> uuid.UUID:
        return uuid.uuid4()


def _without_uuid1(function: Callable[..., Any]) -> Callable[..., Any]:
    # pyld keys contexts on uuid.uuid1(), which asks libuuid (a daemon socket, a network card's
    # address); a random UUID is as unique a key and stays offline.
    namespace = dict(function.__globals__)
    namespace["uuid"] = _ContextKeys
    copied = types.FunctionType(
        function.__code__, namespace, function.__name__, function.__defaults__, function.__closure__
    )
    copied.__kwdefaults__ = function.__kwdefaults__
    return copied


_pyld_process_context: Final = _without_uuid1(_pyld.JsonLdProcessor._process_context)
_pyld_initial_context: Final = _without_uuid1(_pyld.JsonLdProcessor._get_initial_context)


class _ContextProcessor(_pyld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's context processing, each (parent context, local context) processed once."""

    def __init__(self) -> None:
        super().__init__()
        self.memo: dict[tuple[object, ...], tuple[Any, Any]] = {}

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
        uid = active_ctx.get("_uuid")
        if isinstance(local_ctx, str):
            local_key: object = local_ctx
        elif isinstance(local_ctx, list) and all(isinstance(c, str) for c in local_ctx):
            local_key = tuple(local_ctx)
        elif isinstance(local_ctx, dict):
            # Scoped contexts are objects inside processed contexts, which the memo keeps alive.
            local_key = id(local_ctx)
        else:
            local_key = None
        key = (uid, local_key, override_protected, propagate, validate_scoped)
        if uid is not None and local_key is not None:
            hit = self.memo.get(key)
            if hit is not None and (hit[0] is local_ctx or isinstance(local_key, str | tuple)):
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
        if uid is not None and local_key is not None:
            self.memo[key] = (local_ctx, result)
        return result


class _Plan(NamedTuple):
    """What one key of a node means in one active context."""

    kind: int
    iri: str
    #: The context its value is expanded in (the property-scoped context applied).
    term_ctx: Any
    is_list: bool
    is_graph: bool
    coercion: int
    datatype: str | None


class _Compiled:
    """A loader's compiled tables: processed contexts, node contexts and key plans."""

    def __init__(self, loader: ContextLoader) -> None:
        self.loader = loader
        self.reset()

    def reset(self) -> None:
        self.processor = _ContextProcessor()
        self.options = self.loader._options()
        self.initial = self.processor._get_initial_context(self.options)
        # Entries keep the context objects their keys name by id(), so no id is reused.
        self.entry_ctx: dict[tuple[int, str | None, bool], tuple[Any, Any]] = {}
        self.typed_ctx: dict[tuple[int, tuple[str, ...]], tuple[Any, Any]] = {}
        self.aliases: dict[int, tuple[Any, tuple[str, ...], tuple[str, ...]]] = {}
        self.plans: dict[tuple[int, str], tuple[Any, _Plan]] = {}

    def size(self) -> int:
        return (
            len(self.processor.memo)
            + len(self.entry_ctx)
            + len(self.typed_ctx)
            + len(self.aliases)
            + len(self.plans)
        )

    def process(self, active_ctx: Any, local_ctx: Any, **flags: bool) -> Any:
        return self.processor._process_context(active_ctx, local_ctx, self.options, **flags)

    def local_context(self, ctx: Any, context: object) -> Any:
        """``ctx`` with a node's ``@context``: context URLs the loader serves, nothing else."""
        urls = tuple(context) if isinstance(context, list) else (context,)
        if not urls or not all(isinstance(u, str) and self.loader.allows(u) for u in urls):
            raise _Fallback
        return self.process(ctx, list(urls))

    def entry_context(self, ctx: Any, active_property: str | None, is_ref: bool) -> Any:
        """The context a node object starts from (``_expand``: revert, then property scope)."""
        key = (id(ctx), active_property, is_ref)
        hit = self.entry_ctx.get(key)
        if hit is not None and hit[0] is ctx:
            return hit[1]
        result = ctx
        if not is_ref and "previousContext" in ctx:
            result = ctx["previousContext"]
        scoped = _context_value(ctx, active_property, "@context")
        if scoped is not None:
            result = self.process(result, scoped, override_protected=True)
        self.entry_ctx[key] = (ctx, result)
        return result

    def typed_context(self, ctx: Any, names: tuple[str, ...]) -> Any:
        """``ctx`` with the type-scoped contexts of ``names`` (sorted) applied."""
        key = (id(ctx), names)
        hit = self.typed_ctx.get(key)
        if hit is not None and hit[0] is ctx:
            return hit[1]
        result = ctx
        for name in names:
            scoped = _context_value(ctx, name, "@context")
            if scoped is not None and scoped is not False:
                result = self.process(result, scoped, propagate=False)
        self.typed_ctx[key] = (ctx, result)
        return result

    def keyword_aliases(self, ctx: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The terms of ``ctx`` that alias ``@id`` and ``@type``."""
        hit = self.aliases.get(id(ctx))
        if hit is not None and hit[0] is ctx:
            return hit[1], hit[2]
        ids: list[str] = []
        type_names: list[str] = []
        for term, mapping in ctx["mappings"].items():
            iri = mapping.get("@id") if mapping else None
            if iri == "@id":
                ids.append(term)
            elif iri == "@type":
                type_names.append(term)
        self.aliases[id(ctx)] = (ctx, tuple(sorted(ids)), tuple(sorted(type_names)))
        return tuple(sorted(ids)), tuple(sorted(type_names))

    def plan(self, ctx: Any, key: str) -> _Plan:
        hit = self.plans.get((id(ctx), key))
        if hit is not None and hit[0] is ctx:
            return hit[1]
        made = self._make_plan(ctx, key)
        self.plans[(id(ctx), key)] = (ctx, made)
        return made

    def _make_plan(self, ctx: Any, key: str) -> _Plan:
        if not isinstance(key, str) or key.startswith("@") or _SURROGATE.search(key):
            raise _Fallback
        mapping = ctx["mappings"].get(key)
        iri = mapping.get("@id") if mapping else None
        if not isinstance(iri, str):
            raise _Fallback
        if iri == "@id":
            return _Plan(_ID, iri, ctx, False, False, _PLAIN, None)
        if iri == "@type":
            return _Plan(_TYPE, iri, ctx, False, False, _PLAIN, None)
        _vocabulary_iri(iri)
        if mapping.get("reverse"):
            raise _Fallback
        term_ctx = ctx
        if mapping.get("@context") is not None:
            term_ctx = self.process(
                ctx, mapping["@context"], propagate=True, override_protected=True
            )
        container = _containers(mapping)
        kinds = set(container) - {"@set"}
        if not kinds <= {"@list"} and kinds != {"@graph"}:
            raise _Fallback
        inner = term_ctx["mappings"].get(key)
        if (
            not inner
            or inner.get("@id") != iri
            or inner.get("reverse")
            or _containers(inner) != container
            or "@language" in inner
            or "@direction" in inner
            or "@language" in term_ctx
            or "@direction" in term_ctx
        ):
            raise _Fallback
        coercion, datatype = _PLAIN, None
        wanted = inner.get("@type")
        if mapping.get("@type") == "@json" or wanted in ("@json", "@none"):
            raise _Fallback
        if wanted == "@id":
            coercion = _TO_ID
        elif wanted == "@vocab":
            coercion = _TO_VOCAB
        elif wanted is not None:
            if not _is_absolute_iri(wanted):
                raise _Fallback
            coercion, datatype = _TO_DATATYPE, wanted
        return _Plan(
            _PROPERTY, iri, term_ctx, "@list" in kinds, "@graph" in kinds, coercion, datatype
        )


def _containers(mapping: Mapping[str, Any]) -> list[str]:
    found = mapping.get("@container")
    if found is None:
        return []
    return list(found) if isinstance(found, list) else [found]


def _context_value(ctx: Any, key: str | None, kind: str) -> Any:
    """pyld's ``get_context_value`` for a term's ``@context``."""
    if key is None:
        return None
    mapping = ctx["mappings"].get(key)
    return mapping.get(kind) if mapping else None


_TABLES: weakref.WeakKeyDictionary[ContextLoader, _Compiled] = weakref.WeakKeyDictionary()
_TABLES_LOCK: Final = threading.Lock()


def _tables(loader: ContextLoader) -> _Compiled:
    with _TABLES_LOCK:
        found = _TABLES.get(loader)
        if found is None:
            found = _TABLES[loader] = _Compiled(loader)
        return found


# --- The walk ---------------------------------------------------------------------------------


class _Walk:
    """One document's walk; quads go to ``main`` or, under the top-level proof, ``proof``."""

    def __init__(self, tables: _Compiled) -> None:
        self.tables = tables
        self.main: set[Quad] = set()
        self.proof: set[Quad] = set()
        self.sink = self.main
        self.fresh = 0
        self.seen = 0
        self.text = 0

    def blank(self) -> Term:
        self.fresh += 1
        return ("B", f"_:c{self.fresh}")

    def add(self, quad: Quad) -> None:
        self.sink.add(quad)
        if len(self.sink) > MAX_QUADS:
            # The general path refuses it with its own error.
            raise _Fallback

    def top(self, doc: dict[str, Any]) -> None:
        self.node(self.tables.initial, None, doc, None, 0, top=True)

    def charge(self, values: int, text: int) -> None:
        """Count toward the input bounds; near one, the general path decides."""
        self.seen += values
        self.text += text
        if self.seen > _MAX_VALUES or self.text > _MAX_TEXT:
            raise _Fallback

    def string(self, value: str) -> str:
        """``value``, when it is text the input check accepts."""
        self.charge(1, len(value))
        if _SURROGATE.search(value):
            raise _Fallback
        return value

    def node(
        self,
        ctx: Any,
        active_property: str | None,
        element: dict[str, Any],
        graph: Term | None,
        depth: int,
        *,
        top: bool = False,
    ) -> Term:
        tables = self.tables
        if not element or depth > _MAX_DEPTH:
            raise _Fallback
        # The keys' text (each key is also checked once per context, in its plan).
        self.charge(1 + len(element), sum(len(k) for k in element if isinstance(k, str)))
        if not top:
            # A node that is a lone reference keeps the type-scoped context it is in.
            is_ref = False
            if len(element) == 1 and ctx.get("previousContext"):
                (key,) = element
                is_ref = key in tables.keyword_aliases(ctx)[0]
            ctx = tables.entry_context(ctx, active_property, is_ref)
        if "@context" in element:
            if len(element) == 1:
                raise _Fallback
            local = element["@context"]
            for url in local if isinstance(local, list) else [local]:
                if isinstance(url, str):
                    self.string(url)
            ctx = tables.local_context(ctx, local)
        elif top:
            raise _Fallback
        _, type_keys = tables.keyword_aliases(ctx)
        type_scoped_ctx = ctx
        names: list[str] = []
        for type_key in type_keys:
            if type_key in element:
                value = element[type_key]
                listed = value if isinstance(value, list) else [value]
                if not listed or not all(isinstance(n, str) for n in listed):
                    raise _Fallback
                for name in listed:
                    self.string(name)
                # pyld applies the type-scoped contexts key by key, each key's types sorted.
                names.extend(sorted(listed))
        if names:
            ctx = tables.typed_context(ctx, tuple(names))
        ids, _ = tables.keyword_aliases(ctx)
        subject: Term | None = None
        for id_key in ids:
            if id_key in element:
                if subject is not None:
                    raise _Fallback
                value = element[id_key]
                if not isinstance(value, str):
                    raise _Fallback
                subject = ("I", _reference(ctx, self.string(value)))
        if subject is None:
            subject = self.blank()
        count = 0
        for name in names:
            mapping = type_scoped_ctx["mappings"].get(name)
            iri = mapping.get("@id") if mapping else None
            self.add((subject, _TYPE_TERM, ("I", _vocabulary_iri(iri)), graph))
            count += 1
        outer = self.sink
        for key, value in element.items():
            if key == "@context":
                continue
            plan = tables.plan(ctx, key)
            if plan.kind == _TYPE and key not in type_keys:
                raise _Fallback
            if plan.kind != _PROPERTY:
                continue
            count += 1
            if top and key == _PROOF_KEY:
                self.sink = self.proof
            try:
                self.values(subject, key, plan, value, graph, depth + 1)
            finally:
                self.sink = outer
        if top and count == 0:
            # pyld drops a top-level node with nothing but an id.
            raise _Fallback
        return subject

    def values(  # noqa: PLR0917 -- one place, one walk
        self, subject: Term, key: str, plan: _Plan, value: Any, graph: Term | None, depth: int
    ) -> None:
        """The statements of ``value`` (at ``depth``) under ``key``."""
        predicate = ("I", plan.iri)
        if isinstance(value, list):
            listed, depth = value, depth + 1
            self.charge(len(value), 0)
        else:
            listed = [value]
        if not listed:
            raise _Fallback
        if plan.is_list:
            head = self.rdf_list(key, plan, listed, graph, depth)
            self.add((subject, predicate, head, graph))
            return
        for item in listed:
            if plan.is_graph:
                if not isinstance(item, dict):
                    raise _Fallback
                name = self.blank()
                self.node(plan.term_ctx, key, item, name, depth)
                self.add((subject, predicate, name, graph))
            else:
                obj = self.object(key, plan, item, graph, depth)
                self.add((subject, predicate, obj, graph))

    def rdf_list(
        self, key: str, plan: _Plan, items: list[Any], graph: Term | None, depth: int
    ) -> Term:
        head = current = self.blank()
        for position, item in enumerate(items):
            obj = self.object(key, plan, item, graph, depth)
            self.add((current, _FIRST_TERM, obj, graph))
            following = self.blank() if position + 1 < len(items) else _NIL_TERM
            self.add((current, _REST_TERM, following, graph))
            current = following
        return head

    def object(self, key: str, plan: _Plan, item: Any, graph: Term | None, depth: int) -> Term:
        if isinstance(item, dict):
            return self.node(plan.term_ctx, key, item, graph, depth)
        if isinstance(item, str):
            self.string(item)
        elif isinstance(item, bool):
            self.charge(1, 0)
        elif isinstance(item, int):
            self.charge(1, 0)
            if not -MAX_JSON_INTEGER <= item <= MAX_JSON_INTEGER:
                raise _Fallback
        elif isinstance(item, float):
            self.charge(1, 0)
            if not math.isfinite(item):
                raise _Fallback
        else:
            # null, a nested array, or not a JSON value at all.
            raise _Fallback
        coercion = plan.coercion
        if coercion == _PLAIN:
            if isinstance(item, str):
                return ("L", item, _XSD_STRING, "")
            return self.literal({"@value": item})
        if coercion == _TO_DATATYPE:
            return self.literal({"@type": plan.datatype, "@value": item})
        if not isinstance(item, str):
            raise _Fallback
        if coercion == _TO_ID:
            return ("I", _reference(plan.term_ctx, item))
        mapping = plan.term_ctx["mappings"].get(item)
        iri = mapping.get("@id") if mapping else None
        return ("I", _vocabulary_iri(iri))

    def literal(self, item: dict[str, Any]) -> Term:
        # pyld's own conversion: numbers, booleans and xsd:double have JSON-LD's lexical forms.
        converted = self.tables.processor._object_to_rdf(item, None, [], self.tables.options)
        language = converted.get("language") or ""
        datatype = _RDF_LANGSTRING if language else converted["datatype"] or _XSD_STRING
        return ("L", converted["value"], datatype, language)


def _reference(ctx: Any, value: str) -> str:
    """A node reference (``id``, ``@id`` coercion) that expands to itself, else the general path.

    pyld expands a reference without a base IRI, so only an absolute IRI that is not a compact
    IRI of a defined prefix stays as written; every other form is the general path's to judge.
    """
    if value.startswith(("@", "_:")):
        raise _Fallback
    prefix, colon, suffix = value.partition(":")
    if not colon or not prefix:
        raise _Fallback
    if not suffix.startswith("//"):
        mapping = ctx["mappings"].get(prefix)
        if mapping and mapping.get("_prefix"):
            raise _Fallback
    if not _is_absolute_iri(value):
        raise _Fallback
    return value


def compiled_quads(
    document: Mapping[str, Any], *, loader: ContextLoader | None = None
) -> StrictQuads | None:
    """The document's quads by the fast path, or ``None`` when the general path must decide.

    The walk reads ``document`` itself, without a copy: it takes only plain JSON within the
    input check's bounds (:mod:`leadbadge.ld.inputs`) and leaves anything else to the general
    path, which runs that check and refuses with its errors.
    """
    loader = loader or DEFAULT_LOADER
    if not isinstance(document, dict):
        return None
    doc: dict[str, Any] = document
    tables = _tables(loader)
    with loader._lock:
        if tables.size() > _MAX_ENTRIES:
            tables.reset()
        walk = _Walk(tables)
        try:
            walk.top(doc)
        except _Fallback:
            return None
        except Exception:  # noqa: BLE001 -- pyld failed on a context: the general path reports it
            return None
    if not walk.main:
        return None
    quads = walk.main | walk.proof
    if len(quads) > MAX_QUADS:
        return None
    return StrictQuads(list(quads), list(walk.main) if _PROOF_KEY in doc else list(quads))
