"""The fast path of strict expansion: one walk of the JSON, straight to RDF quads.

Strict expansion (:mod:`leadbadge.ld.expand`) drives pyld through every node of a document,
and pyld re-derives the same facts for every node: which keys alias ``@type``, which scoped
contexts apply, what each term maps to. For a document whose contexts are all context URLs the
loader serves, those facts depend only on the context set, the property a node sits under and
the node's types, so they are derived once (with pyld's own context processing) and kept in
per-loader tables (:mod:`leadbadge.ld.compiled_tables`): the active context of a node per
(parent context, property, types), and a plan per (active context, key) - the IRI, the
property-scoped context, container and coercion.

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
from collections.abc import Mapping
from typing import Any, Final, NamedTuple

from leadbadge.ld.compiled_fragments import (
    MAX_FRAGMENT_DEPTH,
    MAX_FRAGMENT_TEXT,
    Fragment,
    fragment_text,
    is_plain,
    make_fragment,
)
from leadbadge.ld.compiled_tables import (
    MAX_ENTRIES,
    PLAIN,
    PROPERTY,
    SURROGATE,
    TO_DATATYPE,
    TO_ID,
    TYPE,
    Compiled,
    Fallback,
    Plan,
    is_absolute_iri,
    tables_for,
    vocabulary_iri,
)
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
_XSD_BOOLEAN: Final = "http://www.w3.org/2001/XMLSchema#boolean"
_XSD_INTEGER: Final = "http://www.w3.org/2001/XMLSchema#integer"
_XSD_DOUBLE: Final = "http://www.w3.org/2001/XMLSchema#double"
# JSON-LD 1.1 writes numbers from 1e21 up as doubles; and xsd:double's canonical lexical form.
_DOUBLE_FROM: Final = 10**21
_DOUBLE_FORM: Final = re.compile(r"(\d)0*E\+?(-)?0*(\d)")
_PROOF_KEY: Final = "proof"
# The input check's bounds (leadbadge.ld.inputs), halved or tightened: the walk counts a little
# differently, so it leaves anything near a bound to the general path, which runs the check.
_MAX_DEPTH: Final = MAX_JSON_DEPTH - 4
_MAX_VALUES: Final = MAX_JSON_VALUES // 2
_MAX_TEXT: Final = MAX_JSON_TEXT // 2

_TYPE_TERM: Final = ("I", _RDF_TYPE)
_FIRST_TERM: Final = ("I", _RDF_FIRST)
_REST_TERM: Final = ("I", _RDF_REST)
_NIL_TERM: Final = ("I", _RDF_NIL)


class StrictQuads(NamedTuple):
    """The RDF quads of a strictly expanded document."""

    #: Every quad of the document, each once.
    quads: list[Quad]
    #: The quads of the document without its top-level ``proof`` (the data a proof signs);
    #: ``None`` when they were not computed on the way (the caller computes them itself).
    unsecured: list[Quad] | None


# --- The walk ---------------------------------------------------------------------------------


class _Walk:
    """One document's walk; quads go to ``main`` or, under the top-level proof, ``proof``."""

    def __init__(self, tables: Compiled) -> None:
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
            raise Fallback

    def top(self, doc: dict[str, Any]) -> None:
        self.node(self.tables.initial, None, doc, None, 0, top=True)

    def charge(self, values: int, text: int) -> None:
        """Count toward the input bounds; near one, the general path decides."""
        self.seen += values
        self.text += text
        if self.seen > _MAX_VALUES or self.text > _MAX_TEXT:
            raise Fallback

    def string(self, value: str) -> str:
        """``value``, when it is text the input check accepts."""
        self.charge(1, len(value))
        if SURROGATE.search(value):
            raise Fallback
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
        """The node's subject; its quads replayed from a fragment walked before, if any."""
        # Named nodes are the ones that repeat across documents (an Achievement, an issuer).
        if (
            top
            or graph is not None
            or depth > MAX_FRAGMENT_DEPTH
            or ("id" not in element and "@id" not in element)
        ):
            return self.walk_node(ctx, active_property, element, graph, depth, top=top)
        text = fragment_text(element)
        if text is None or len(text) > MAX_FRAGMENT_TEXT:
            return self.walk_node(ctx, active_property, element, graph, depth)
        key = (id(ctx), active_property, depth, text)
        fragments = self.tables.fragments
        found = fragments.get(key, ctx)
        if found is not None:
            return self.replay(found)
        first, values, chars = self.fresh + 1, self.seen, self.text
        outer = self.sink
        captured: set[Quad] = set()
        self.sink = captured
        try:
            subject = self.walk_node(ctx, active_property, element, graph, depth)
        finally:
            self.sink = outer
        made = make_fragment(
            subject,
            captured,
            first_blank=first,
            blanks=self.fresh + 1 - first,
            values=self.seen - values,
            text=self.text - chars,
        )
        if made is not None and is_plain(element):
            fragments.keep(key, ctx, made)
        self.merge(captured)
        return subject

    def replay(self, fragment: Fragment) -> Term:
        """Add a fragment's quads, its blank nodes labelled afresh."""
        self.charge(fragment.values, fragment.text)
        linked, subject = fragment.labelled(self.fresh + 1)
        self.fresh += fragment.blanks
        sink = self.sink
        sink |= fragment.fixed
        sink |= linked
        if len(sink) > MAX_QUADS:
            raise Fallback
        return subject

    def merge(self, quads: set[Quad]) -> None:
        self.sink |= quads
        if len(self.sink) > MAX_QUADS:
            raise Fallback

    def walk_node(
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
            raise Fallback
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
                raise Fallback
            local = element["@context"]
            for url in local if isinstance(local, list) else [local]:
                if isinstance(url, str):
                    self.string(url)
            ctx = tables.local_context(ctx, local)
        elif top:
            raise Fallback
        _, type_keys = tables.keyword_aliases(ctx)
        type_scoped_ctx = ctx
        names: list[str] = []
        for type_key in type_keys:
            if type_key in element:
                value = element[type_key]
                listed = value if isinstance(value, list) else [value]
                if not listed or not all(isinstance(n, str) for n in listed):
                    raise Fallback
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
                    raise Fallback
                value = element[id_key]
                if not isinstance(value, str):
                    raise Fallback
                subject = ("I", _reference(ctx, self.string(value)))
        if subject is None:
            subject = self.blank()
        count = 0
        for name in names:
            mapping = type_scoped_ctx["mappings"].get(name)
            iri = mapping.get("@id") if mapping else None
            self.add((subject, _TYPE_TERM, ("I", vocabulary_iri(iri)), graph))
            count += 1
        outer = self.sink
        for key, value in element.items():
            if key == "@context":
                continue
            plan = tables.plan(ctx, key)
            if plan.kind == TYPE and key not in type_keys:
                raise Fallback
            if plan.kind != PROPERTY:
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
            raise Fallback
        return subject

    def values(  # noqa: PLR0917 -- one place, one walk
        self, subject: Term, key: str, plan: Plan, value: Any, graph: Term | None, depth: int
    ) -> None:
        """The statements of ``value`` (at ``depth``) under ``key``."""
        predicate = ("I", plan.iri)
        if isinstance(value, list):
            listed, depth = value, depth + 1
            self.charge(len(value), 0)
        else:
            listed = [value]
        if not listed:
            raise Fallback
        if plan.is_list:
            head = self.rdf_list(key, plan, listed, graph, depth)
            self.add((subject, predicate, head, graph))
            return
        for item in listed:
            if plan.is_graph:
                if not isinstance(item, dict):
                    raise Fallback
                name = self.blank()
                self.node(plan.term_ctx, key, item, name, depth)
                self.add((subject, predicate, name, graph))
            else:
                obj = self.object(key, plan, item, graph, depth)
                self.add((subject, predicate, obj, graph))

    def rdf_list(
        self, key: str, plan: Plan, items: list[Any], graph: Term | None, depth: int
    ) -> Term:
        head = current = self.blank()
        for position, item in enumerate(items):
            obj = self.object(key, plan, item, graph, depth)
            self.add((current, _FIRST_TERM, obj, graph))
            following = self.blank() if position + 1 < len(items) else _NIL_TERM
            self.add((current, _REST_TERM, following, graph))
            current = following
        return head

    def object(self, key: str, plan: Plan, item: Any, graph: Term | None, depth: int) -> Term:
        if isinstance(item, dict):
            return self.node(plan.term_ctx, key, item, graph, depth)
        if isinstance(item, str):
            self.string(item)
        elif isinstance(item, bool):
            self.charge(1, 0)
        elif isinstance(item, int):
            self.charge(1, 0)
            if not -MAX_JSON_INTEGER <= item <= MAX_JSON_INTEGER:
                raise Fallback
        elif isinstance(item, float):
            self.charge(1, 0)
            if not math.isfinite(item):
                raise Fallback
        else:
            # null, a nested array, or not a JSON value at all.
            raise Fallback
        coercion = plan.coercion
        if coercion == PLAIN:
            if isinstance(item, str):
                return ("L", item, _XSD_STRING, "")
            return self.literal({"@value": item})
        if coercion == TO_DATATYPE:
            return self.literal({"@type": plan.datatype, "@value": item})
        if not isinstance(item, str):
            raise Fallback
        if coercion == TO_ID:
            return ("I", _reference(plan.term_ctx, item))
        mapping = plan.term_ctx["mappings"].get(item)
        iri = mapping.get("@id") if mapping else None
        return ("I", vocabulary_iri(iri))

    def literal(self, item: dict[str, Any]) -> Term:
        simple = _simple_literal(item["@value"], item.get("@type"))
        if simple is not None:
            return simple
        # pyld's own conversion: numbers and xsd:double have JSON-LD's lexical forms.
        converted = self.tables.processor._object_to_rdf(item, None, [], self.tables.options)
        language = converted.get("language") or ""
        datatype = _RDF_LANGSTRING if language else converted["datatype"] or _XSD_STRING
        return ("L", converted["value"], datatype, language)


def _simple_literal(value: object, datatype: str | None) -> Term | None:
    """pyld's ``_object_to_rdf`` for a value of a plain JSON type, without loading pyld.

    Text keeps its value; a boolean is ``true``/``false`` (xsd:boolean unless typed); an
    integer, or a float with an integral value below 1e21, is its decimal form (xsd:integer
    unless typed); any other finite float has xsd:double's canonical form (xsd:double unless
    typed). A value typed xsd:double or ``@json`` is pyld's own (None).
    ``tests/unit/ld/test_compiled_cache.py`` compares this with pyld on generated values.
    """
    if datatype in {_XSD_DOUBLE, "@json"}:
        return None
    if isinstance(value, str):
        return ("L", value, datatype or _XSD_STRING, "")
    if isinstance(value, bool):
        return ("L", "true" if value else "false", datatype or _XSD_BOOLEAN, "")
    if isinstance(value, int) and abs(value) < _DOUBLE_FROM:
        return ("L", str(value), datatype or _XSD_INTEGER, "")
    if isinstance(value, float) and math.isfinite(value):
        if value.is_integer() and abs(value) < _DOUBLE_FROM:
            return ("L", str(int(value)), datatype or _XSD_INTEGER, "")
        lexical = _DOUBLE_FORM.sub(r"\1E\2\3", f"{value:1.15E}")
        return ("L", lexical, datatype or _XSD_DOUBLE, "")
    return None


def _reference(ctx: Any, value: str) -> str:
    """A node reference (``id``, ``@id`` coercion) that expands to itself, else the general path.

    pyld expands a reference without a base IRI, so only an absolute IRI that is not a compact
    IRI of a defined prefix stays as written; every other form is the general path's to judge.
    """
    if value.startswith(("@", "_:")):
        raise Fallback
    prefix, colon, suffix = value.partition(":")
    if not colon or not prefix:
        raise Fallback
    if not suffix.startswith("//"):
        mapping = ctx["mappings"].get(prefix)
        if mapping and mapping.get("_prefix"):
            raise Fallback
    if not is_absolute_iri(value):
        raise Fallback
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
    tables = tables_for(loader)
    with loader._lock:
        if tables.size() > MAX_ENTRIES:
            tables.reset()
        walk = _Walk(tables)
        try:
            walk.top(doc)
        except Fallback:
            return None
        except Exception:  # noqa: BLE001 -- pyld failed on a context: the general path reports it
            return None
        finally:
            if loader is DEFAULT_LOADER and tables.size() > tables.saved_size:
                # What pyld processed for this document, kept for the next process.
                tables.save()
    if not walk.main:
        return None
    quads = walk.main | walk.proof
    if len(quads) > MAX_QUADS:
        return None
    return StrictQuads(list(quads), list(walk.main) if _PROOF_KEY in doc else list(quads))
