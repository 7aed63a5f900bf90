"""The compiled tables of the strict-expansion fast path (:mod:`leadbadge.ld.compiled`).

Per context loader: pyld's own context processing, each (parent context, local context) done
once; the active context of a node per (parent context, property, types); and a plan per
(active context, key) - the IRI, the property-scoped context, container and coercion. Every
table entry keeps the context objects its key names by ``id()`` alive, so an id is never
reused while its entry exists.
"""

from __future__ import annotations

import re
import threading
import types
import uuid
import weakref
from collections.abc import Callable, Mapping
from typing import Any, Final, NamedTuple

from pyld import jsonld as _pyld

from leadbadge.ld.contexts import ContextLoader

__all__ = [
    "ID",
    "MAX_ENTRIES",
    "PLAIN",
    "PROPERTY",
    "SURROGATE",
    "TO_DATATYPE",
    "TO_ID",
    "TO_VOCAB",
    "TYPE",
    "Compiled",
    "Fallback",
    "Plan",
    "is_absolute_iri",
    "tables_for",
    "vocabulary_iri",
]

#: The same catch-all vocabularies :mod:`leadbadge.ld.expand` refuses.
_UNDEFINED_VOCABULARIES: Final = (
    "https://www.w3.org/ns/credentials/issuer-dependent#",
    "https://www.w3.org/ns/credentials/undefined-term#",
)
_ABSOLUTE_IRI: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|\\^`\x7f]*\Z")
SURROGATE: Final = re.compile(r"[\ud800-\udfff]")
#: Past this many memoized entries a loader's tables start over (a hostile document could
#: otherwise make them grow: each nesting of a property-scoped context is a new context).
MAX_ENTRIES: Final = 5_000


class Fallback(Exception):  # noqa: N818 -- a signal, not an error
    """The document (or this part of it) is left to the general path."""


# Plan kinds.
ID, TYPE, PROPERTY = 0, 1, 2
# Value coercions a plan supports.
PLAIN, TO_ID, TO_VOCAB, TO_DATATYPE = 0, 1, 2, 3


def is_absolute_iri(value: object) -> bool:
    return (
        isinstance(value, str) and not value.startswith("_:") and bool(_ABSOLUTE_IRI.match(value))
    )


def vocabulary_iri(iri: object) -> str:
    """``iri`` when it may name a property, type or vocabulary value; else the general path."""
    if not is_absolute_iri(iri):
        raise Fallback
    assert isinstance(iri, str)  # noqa: S101 -- narrowed by is_absolute_iri
    if iri.startswith(_UNDEFINED_VOCABULARIES):
        raise Fallback
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


class Plan(NamedTuple):
    """What one key of a node means in one active context."""

    kind: int
    iri: str
    #: The context its value is expanded in (the property-scoped context applied).
    term_ctx: Any
    is_list: bool
    is_graph: bool
    coercion: int
    datatype: str | None


class Compiled:
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
        self.plans: dict[tuple[int, str], tuple[Any, Plan]] = {}

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
            raise Fallback
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

    def plan(self, ctx: Any, key: str) -> Plan:
        hit = self.plans.get((id(ctx), key))
        if hit is not None and hit[0] is ctx:
            return hit[1]
        made = self._make_plan(ctx, key)
        self.plans[(id(ctx), key)] = (ctx, made)
        return made

    def _make_plan(self, ctx: Any, key: str) -> Plan:
        if not isinstance(key, str) or key.startswith("@") or SURROGATE.search(key):
            raise Fallback
        mapping = ctx["mappings"].get(key)
        iri = mapping.get("@id") if mapping else None
        if not isinstance(iri, str):
            raise Fallback
        if iri == "@id":
            return Plan(ID, iri, ctx, False, False, PLAIN, None)
        if iri == "@type":
            return Plan(TYPE, iri, ctx, False, False, PLAIN, None)
        vocabulary_iri(iri)
        if mapping.get("reverse"):
            raise Fallback
        term_ctx = ctx
        if mapping.get("@context") is not None:
            term_ctx = self.process(
                ctx, mapping["@context"], propagate=True, override_protected=True
            )
        container = _containers(mapping)
        kinds = set(container) - {"@set"}
        if not kinds <= {"@list"} and kinds != {"@graph"}:
            raise Fallback
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
            raise Fallback
        coercion, datatype = PLAIN, None
        wanted = inner.get("@type")
        if mapping.get("@type") == "@json" or wanted in ("@json", "@none"):
            raise Fallback
        if wanted == "@id":
            coercion = TO_ID
        elif wanted == "@vocab":
            coercion = TO_VOCAB
        elif wanted is not None:
            if not is_absolute_iri(wanted):
                raise Fallback
            coercion, datatype = TO_DATATYPE, wanted
        return Plan(
            PROPERTY, iri, term_ctx, "@list" in kinds, "@graph" in kinds, coercion, datatype
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


_TABLES: weakref.WeakKeyDictionary[ContextLoader, Compiled] = weakref.WeakKeyDictionary()
_TABLES_LOCK: Final = threading.Lock()


def tables_for(loader: ContextLoader) -> Compiled:
    with _TABLES_LOCK:
        found = _TABLES.get(loader)
        if found is None:
            found = _TABLES[loader] = Compiled(loader)
        return found
