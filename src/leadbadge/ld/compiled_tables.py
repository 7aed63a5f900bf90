"""The compiled tables of the strict-expansion fast path (:mod:`leadbadge.ld.compiled`).

Per context loader: pyld's own context processing, each (parent context, local context) done
once; the active context of a node per (parent context, property, types); and a plan per
(active context, key) - the IRI, the property-scoped context, container and coercion. Every
table entry keeps the context objects its key names by ``id()`` alive, so an id is never
reused while its entry exists.

The default loader's tables start from the on-disk cache (:mod:`leadbadge.ld.compiled_cache`)
and are written back when they grow; pyld itself (:mod:`leadbadge.ld.compiled_process`) loads
only when something is missing from them.
"""

from __future__ import annotations

import re
import threading
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from leadbadge.ld import compiled_cache
from leadbadge.ld.compiled_fragments import Fragments
from leadbadge.ld.contexts import DEFAULT_LOADER, ContextLoader

if TYPE_CHECKING:
    from leadbadge.ld.compiled_process import ContextProcessor

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

    def reset(self, *, restore: bool = False) -> None:
        self._processor: ContextProcessor | None = None
        self._options: dict[str, Any] | None = None
        self._initial: Any = None
        # Entries keep the context objects their keys name by id(), so no id is reused.
        self.memo: dict[tuple[object, ...], tuple[Any, Any]] = {}
        self.entry_ctx: dict[tuple[int, str | None, bool], tuple[Any, Any]] = {}
        self.typed_ctx: dict[tuple[int, tuple[str, ...]], tuple[Any, Any]] = {}
        self.aliases: dict[int, tuple[Any, tuple[str, ...], tuple[str, ...]]] = {}
        self.plans: dict[tuple[int, str], tuple[Any, Plan]] = {}
        # Kept in memory only: they are worth something within one run of many documents.
        self.fragments = Fragments()
        self.saved_size = 0
        if restore:
            self.restore()

    def restore(self) -> bool:
        """Fill these (empty) tables from the on-disk cache; False, and still empty, if none."""
        state = compiled_cache.read()
        if state is None:
            return False
        try:
            self._load(state)
        except Exception:  # noqa: BLE001 -- not the tables expected: not used
            self.reset()
            return False
        self.saved_size = self.size()
        return True

    def save(self) -> None:
        """Keep these tables in the on-disk cache (:mod:`leadbadge.ld.compiled_cache`)."""
        if self._initial is not None and compiled_cache.write(self._state()):
            self.saved_size = self.size()

    def _state(self) -> dict[str, Any]:
        # Keys by id() are left out: _load makes them again from the objects restored.
        return {
            "initial": self._initial,
            "memo": [
                (key[0], None if isinstance(key[1], int) else key[1], *key[2:], local, result)
                for key, (local, result) in self.memo.items()
            ],
            "entry": [(k[1], k[2], ctx, result) for k, (ctx, result) in self.entry_ctx.items()],
            "typed": [(k[1], ctx, result) for k, (ctx, result) in self.typed_ctx.items()],
            "aliases": list(self.aliases.values()),
            "plans": [(k[1], ctx, tuple(plan)) for k, (ctx, plan) in self.plans.items()],
        }

    def _load(self, state: dict[str, Any]) -> None:
        if not isinstance(state["initial"], dict):
            raise TypeError("the initial context is not an object")
        self._initial = state["initial"]
        for uid, local_key, override, propagate, validate, local, result in state["memo"]:
            key = id(local) if local_key is None else local_key
            self.memo[(uid, key, override, propagate, validate)] = (local, result)
        for prop, is_ref, ctx, result in state["entry"]:
            self.entry_ctx[(id(ctx), prop, is_ref)] = (ctx, result)
        for names, ctx, result in state["typed"]:
            self.typed_ctx[(id(ctx), tuple(names))] = (ctx, result)
        for ctx, ids, types in state["aliases"]:
            self.aliases[id(ctx)] = (ctx, tuple(ids), tuple(types))
        for key, ctx, plan in state["plans"]:
            self.plans[(id(ctx), key)] = (ctx, Plan(*plan))

    @property
    def processor(self) -> ContextProcessor:
        """pyld's context processing, loaded the first time a context must be processed."""
        if self._processor is None:
            from leadbadge.ld.compiled_process import (  # noqa: PLC0415 -- pyld loads only here
                ContextProcessor,
            )

            self._processor = ContextProcessor(self.memo)
        return self._processor

    @property
    def options(self) -> dict[str, Any]:
        if self._options is None:
            self._options = self.loader._options()
        return self._options

    @property
    def initial(self) -> Any:
        """The initial active context (pyld's, or the one restored with the tables)."""
        if self._initial is None:
            self._initial = self.processor._get_initial_context(self.options)
        return self._initial

    def size(self) -> int:
        return (
            len(self.memo)
            + len(self.entry_ctx)
            + len(self.typed_ctx)
            + len(self.aliases)
            + len(self.plans)
        )

    def process(self, active_ctx: Any, local_ctx: Any, **flags: bool) -> Any:
        key = compiled_cache.memo_key(
            active_ctx,
            local_ctx,
            flags.get("override_protected", False),
            flags.get("propagate", True),
            flags.get("validate_scoped", True),
        )
        hit = compiled_cache.memo_hit(self.memo, key, local_ctx)
        if hit is not None:
            return hit
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
            if loader is DEFAULT_LOADER:
                found.reset(restore=True)
        return found
