"""The RDF dataset of an expanded JSON-LD document, its terms, and their N-Quads form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from leadbadge.errors import CanonicalizationLimitError

__all__ = ["MAX_QUADS", "Quad", "QuadBuilder", "Term", "serialize"]

#: Most RDF quads one document may produce.
MAX_QUADS: Final = 20_000

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_FIRST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first"
_RDF_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
_RDF_NIL = "http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"

#: An RDF term: ("I", iri) | ("B", label) | ("L", lexical form, datatype, language).
Term = tuple[str, ...]
#: Subject, predicate, object and graph name (None for the default graph).
Quad = tuple[Term, Term, Term, Term | None]

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


def _node_term(value: str) -> Term:
    return ("B", value) if value.startswith("_:") else ("I", value)


def _rdf_term(obj: Mapping[str, Any]) -> Term:
    if obj["type"] == "literal":
        language = obj.get("language") or ""
        datatype = _RDF_LANGSTRING if language else obj["datatype"] or _XSD_STRING
        return ("L", obj["value"], datatype, language)
    return _node_term(obj["value"])


def serialize(term: Term, label: str | None = None) -> str:
    """``term`` in N-Quads syntax; a blank node is written as ``label`` when one is given."""
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


class QuadBuilder:
    """The RDF dataset of an expanded document (JSON-LD 1.1 "Deserialize JSON-LD to RDF").

    Written here rather than taken from pyld because pyld's node map compares every new value
    with every value already on the property, which is quadratic in hostile input; and because
    here nothing is skipped silently: strict expansion (:mod:`leadbadge.ld.expand`) guarantees
    every statement has an RDF form. ``processor`` is the pyld processor that expanded the
    document; its literal conversion (numbers, ``@json``) is the one JSON-LD specifies.
    """

    def __init__(self, processor: Any, options: dict[str, Any]) -> None:
        self._processor = processor
        self._options = options
        self._labels: dict[str, str] = {}
        self._fresh = 0
        self.quads: set[Quad] = set()

    def build(self, expanded: list[Any]) -> list[Quad]:
        """The quads of ``expanded`` (a list of expanded node objects), each once."""
        for node in expanded:
            self._node(node, None)
        return list(self.quads)

    def _add(self, quad: Quad) -> None:
        self.quads.add(quad)
        if len(self.quads) > MAX_QUADS:
            raise CanonicalizationLimitError(
                f"The document produces more than {MAX_QUADS} RDF statements."
            )

    def _blank(self) -> Term:
        self._fresh += 1
        return ("B", f"_:g{self._fresh}")

    def _reference(self, ref: str) -> Term:
        if not ref.startswith("_:"):
            return ("I", ref)
        # Document labels and generated ones live in separate name spaces.
        label = self._labels.get(ref)
        if label is None:
            label = self._labels[ref] = f"_:d{len(self._labels)}"
        return ("B", label)

    def _node(self, node: dict[str, Any], graph: Term | None) -> Term:
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

    def _object(self, item: dict[str, Any], graph: Term | None) -> Term:
        if "@value" in item:
            literal = self._processor._object_to_rdf(item, None, [], self._options)
            return _rdf_term(literal)
        if "@list" in item:
            return self._list(item["@list"], graph)
        return self._node(item, graph)

    def _list(self, items: list[Any], graph: Term | None) -> Term:
        if not items:
            return ("I", _RDF_NIL)
        head = current = self._blank()
        for position, item in enumerate(items):
            self._add((current, ("I", _RDF_FIRST), self._object(item, graph), graph))
            following = self._blank() if position + 1 < len(items) else ("I", _RDF_NIL)
            self._add((current, ("I", _RDF_REST), following, graph))
            current = following
        return head
