"""The quads of named nodes the fast path has walked before, to replay instead of walking again.

Every credential of a tier carries the same Achievement (most of its quads) and the same issuer
profile; a batch walks thousands of them. A node's quads depend only on the node's JSON, the
active context it is walked in, the property it sits under and its depth (the walk's bounds),
so a fragment is keyed by exactly these: the context object (kept alive by the entry, compared
by identity), the property, the depth and the node's ``marshal`` form (version 2, which has no
back-references, so it depends on the values alone). That form tells apart what JSON text would
not (a tuple from a list, ``1`` from ``1.0`` and ``True``), refuses subclasses of the built-in
types, and is several times quicker to make than ``repr``. It writes any object with the buffer
protocol as bytes, though, so only nodes made of JSON's own types (:func:`is_plain`) are kept:
then two keys are equal only for values the walk treats alike.

A fragment keeps its blank nodes as positions; a replay gives them fresh labels, and charges
the values and text the walk counted, so the walk's bounds apply as if it had walked the node.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable
from typing import Any, Final, NamedTuple

from leadbadge.ld.nquads import Quad, Term

__all__ = [
    "MAX_FRAGMENTS",
    "MAX_FRAGMENT_DEPTH",
    "MAX_FRAGMENT_TEXT",
    "Fragment",
    "FragmentKey",
    "Fragments",
    "fragment_text",
    "is_plain",
    "make_fragment",
]

#: Fragments kept per loader (least recently used first out).
MAX_FRAGMENTS: Final = 64
#: Largest node kept, in bytes of its ``marshal`` form (larger ones are walked every time).
MAX_FRAGMENT_TEXT: Final = 256 * 1024
#: Deepest node looked up. Each lookup writes the node whole, so nested named nodes write their
#: text once per level: the bound keeps that within a few times the document's own text.
MAX_FRAGMENT_DEPTH: Final = 8

#: (id of the active context, property, depth, marshal form of the node).
FragmentKey = tuple[int, str | None, int, bytes]
#: A term of a fragment: the term itself, or the position of one of its blank nodes.
_Slot = Term | int


class Fragment(NamedTuple):
    """A walked node: its subject, its quads and what the walk counted on the way."""

    subject: _Slot
    #: Quads without blank nodes, added as they are (a set, so adding them reuses its hashes).
    fixed: frozenset[Quad]
    #: Quads with blank nodes (in the default graph): subject, predicate, object slots.
    linked: tuple[tuple[_Slot, Term, _Slot], ...]
    blanks: int
    values: int
    text: int
    #: The last labelling made (:meth:`labelled`): first blank node number, quads, subject.
    last: list[tuple[int, frozenset[Quad], Term]]

    def labelled(self, first: int) -> tuple[frozenset[Quad], Term]:
        """The quads with blank nodes and the subject, blank nodes numbered from ``first``.

        Documents of one shape reach a node with the same count of blank nodes before it, so
        the labelling made last time usually fits again.
        """
        for number, quads, subject in self.last:
            if number == first:
                return quads, subject
        labels = [("B", f"_:c{first + n}") for n in range(self.blanks)]
        quads = frozenset(
            (
                labels[s] if isinstance(s, int) else s,
                p,
                labels[o] if isinstance(o, int) else o,
                None,
            )
            for s, p, o in self.linked
        )
        subject = labels[self.subject] if isinstance(self.subject, int) else self.subject
        self.last[:] = [(first, quads, subject)]
        return quads, subject


def fragment_text(node: dict[str, Any]) -> bytes | None:
    """The form of ``node`` a fragment key holds; ``None`` for a node that cannot have one."""
    try:
        return marshal.dumps(node, 2)
    except ValueError:
        # A subclass of a built-in type, another object, or nesting deeper than marshal goes.
        return None


def is_plain(value: object) -> bool:
    """Whether ``value`` holds only JSON's own types: dict, list, str, int, float, bool, None.

    Only such nodes are kept, since their ``marshal`` form is theirs alone. The walk has checked
    the node's depth before it is kept, so the recursion stays shallow.
    """
    kind = type(value)
    if kind is dict:
        assert isinstance(value, dict)  # noqa: S101 -- narrowed by the exact type
        return all(type(key) is str and is_plain(item) for key, item in value.items())
    if kind is list:
        assert isinstance(value, list)  # noqa: S101 -- narrowed by the exact type
        return all(is_plain(item) for item in value)
    return kind in _PLAIN or value is None


_PLAIN: Final = frozenset({str, int, float, bool})


def make_fragment(
    subject: Term, quads: Iterable[Quad], *, first_blank: int, blanks: int, values: int, text: int
) -> Fragment | None:
    """The fragment of a node whose walk made ``quads`` and the blank nodes numbered
    ``first_blank`` to ``first_blank + blanks - 1``; ``None`` if it cannot be replayed."""

    def slot(term: Term) -> _Slot:
        if term[0] != "B":
            return term
        number = int(term[1].removeprefix("_:c")) - first_blank
        if not 0 <= number < blanks:
            raise ValueError(term)
        return number

    fixed: list[Quad] = []
    linked: list[tuple[_Slot, Term, _Slot]] = []
    try:
        for quad in quads:
            if quad[3] is not None:
                return None
            if quad[0][0] == "B" or quad[2][0] == "B":
                linked.append((slot(quad[0]), quad[1], slot(quad[2])))
            else:
                fixed.append(quad)
        return Fragment(slot(subject), frozenset(fixed), tuple(linked), blanks, values, text, [])
    except ValueError:
        return None


class Fragments:
    """A loader's fragments, by key; callers hold the loader's lock."""

    def __init__(self) -> None:
        self._entries: dict[FragmentKey, tuple[Any, Fragment]] = {}

    def get(self, key: FragmentKey, ctx: Any) -> Fragment | None:
        hit = self._entries.pop(key, None)
        if hit is None:
            return None
        if hit[0] is not ctx:
            return None
        self._entries[key] = hit
        return hit[1]

    def keep(self, key: FragmentKey, ctx: Any, fragment: Fragment) -> None:
        while len(self._entries) >= MAX_FRAGMENTS:
            del self._entries[next(iter(self._entries))]
        # The entry keeps ``ctx`` alive, so its id is not reused while the entry exists.
        self._entries[key] = (ctx, fragment)

    def __len__(self) -> int:
        return len(self._entries)
