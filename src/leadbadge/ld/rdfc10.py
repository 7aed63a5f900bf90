"""RDF Dataset Canonicalization (RDFC-1.0) of a list of quads, with bounds on the work it does."""

from __future__ import annotations

import hashlib
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Final

from leadbadge.errors import CanonicalizationLimitError
from leadbadge.ld.nquads import Quad, Term, serialize

__all__ = ["MAX_BLANK_NODES", "MAX_NDEGREE_WORK", "canonical_nquads"]

#: Most blank nodes one document may produce.
MAX_BLANK_NODES: Final = 5_000
#: Work units RDFC-1.0 may spend on blank nodes that their own quads do not tell apart (one unit
#: is roughly one N-degree hash call or one permutation tried, weighted by size; about 10 µs).
#: Most credentials need none; the OB 3.0 "complete" example with four embedded endorsements
#: needs 44; a clique of seven interlinked look-alike blank nodes exhausts it in under a second.
MAX_NDEGREE_WORK: Final = 100_000


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


#: The arguments of one recursive Hash N-Degree Quads call: a blank node and an issuer.
_NDegreeCall = tuple[str, _Issuer]


class _Rdfc10:
    """RDF Dataset Canonicalization (RDFC-1.0, W3C Recommendation 2024) with a work bound."""

    def __init__(self, quads: Sequence[Quad]) -> None:
        self.quads = quads
        # Each quad's N-Quads text is made once: whole for a quad without blank nodes, else as
        # a template whose blank nodes are filled in with the canonical labels at the end, and
        # the line §4.6 hashes for each of its blank nodes.
        found = list(map(_QUAD_TEXT.get, quads))
        fixed = [entry for entry in found if isinstance(entry, str)]
        shaped = [entry for entry in found if isinstance(entry, tuple)]
        if len(fixed) + len(shaped) < len(found):
            for entry, quad in zip(found, quads, strict=True):
                if entry is None:
                    made = _prepared(quad)
                    if isinstance(made, str):
                        fixed.append(made)
                    else:
                        shaped.append(made)
        self.fixed = fixed
        self.shapes = [entry[0] for entry in shaped]
        self.lines_of: dict[str, list[str]] = {}
        lines_of = self.lines_of
        for label, line in [pair for entry in shaped for pair in entry[1]]:
            lines = lines_of.get(label)
            if lines is None:
                lines_of[label] = [line]
            else:
                lines.append(line)
        if len(lines_of) > MAX_BLANK_NODES:
            raise CanonicalizationLimitError(
                f"The document produces more than {MAX_BLANK_NODES} blank nodes."
            )
        self.canonical = _Issuer("_:c14n")
        self.first_degree: dict[str, str] = {}
        self.work = 0

    @cached_property
    def by_node(self) -> dict[str, list[Quad]]:
        """Each blank node's quads, for §4.8 (most documents never need them)."""
        by_node: dict[str, list[Quad]] = {}
        for quad in self.quads:
            graph = quad[3]
            labels = [term[1] for term in (quad[0], quad[2], graph) if term and term[0] == "B"]
            for label in dict.fromkeys(labels):
                by_node.setdefault(label, []).append(quad)
        return by_node

    def canonical_nquads(self) -> str:
        """Steps 1-5 of §4.4, then the sorted canonical N-Quads (§4.4.3 step 7)."""
        by_hash: dict[str, list[str]] = {}
        for node in self.lines_of:
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
        lines = self.fixed + _filled(self.shapes, self.canonical.issued)
        lines.sort()
        return "".join(lines)

    def _hash_first_degree(self, node: str) -> str:
        """§4.6: hash of the node's quads with itself as ``_:a`` and other blank nodes ``_:z``."""
        found = self.first_degree.get(node)
        if found is not None:
            return found
        lines = self.lines_of[node]
        lines.sort()
        found = self.first_degree[node] = hashlib.sha256("".join(lines).encode()).hexdigest()
        return found

    def _hash_related(self, related: str, quad: Quad, issuer: _Issuer, position: str) -> str:
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
        """§4.8 Hash N-Degree Quads, its recursion run on an explicit stack.

        The algorithm recurses once per blank node along a path of look-alike blank nodes, so a
        long ring or chain would exhaust Python's stack before the work bound stops it; here each
        pending call is a generator on a list, and only the work bound limits the depth.
        """
        calls: list[Generator[_NDegreeCall, _NDegreeResult | None, _NDegreeResult]] = [
            self._n_degree_steps(node, issuer)
        ]
        sent: _NDegreeResult | None = None
        while True:
            try:
                call = calls[-1].send(sent)
            except StopIteration as finished:
                calls.pop()
                if not calls:
                    result: _NDegreeResult = finished.value
                    return result
                sent = finished.value
                continue
            calls.append(self._n_degree_steps(*call))
            sent = None

    def _n_degree_steps(
        self, node: str, issuer: _Issuer
    ) -> Generator[_NDegreeCall, _NDegreeResult | None, _NDegreeResult]:
        """The body of §4.8; each call and each permutation tried costs work units.

        Where the algorithm recurses it yields the call's arguments and is sent its result.
        """
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
                    result = yield related, issuer_copy
                    assert result is not None  # noqa: S101 -- _hash_n_degree sends every result
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


#: A quad with blank nodes: its N-Quads line as the text around its blank node labels
#: (text, label, text[, label, text[, label, text]]), and each distinct label with the line §4.6
#: hashes for that blank node (itself written ``_:a``, any other ``_:z``).
_Shape = tuple[tuple[str, ...], tuple[tuple[str, str], ...]]

# Terms and quads repeat across the documents of a run (every credential of a tier holds the
# same Achievement), so their N-Quads text is kept: short text only, and each table starts over
# when full, so what a long-running process keeps stays within a few tens of megabytes.
_TERM_TEXT: dict[Term, str] = {}
_QUAD_TEXT: dict[Quad, str | _Shape] = {}
_MAX_KEPT: Final = 20_000
_MAX_KEPT_TEXT: Final = 512


def _prepared(quad: Quad) -> str | _Shape:
    """``quad``'s N-Quads line, or its shape when it has blank nodes (kept when short)."""
    template = _template(quad)
    if len(template) == 1:
        found: str | _Shape = template[0]
    elif len(template) == 3:
        # The usual cases, written out: one blank node, or two.
        found = (template, ((template[1], f"{template[0]}_:a{template[2]}"),))
    elif len(template) == 5:
        start, first, middle, second, end = template
        if first == second:
            pairs: tuple[tuple[str, str], ...] = ((first, f"{start}_:a{middle}_:a{end}"),)
        else:
            pairs = (
                (first, f"{start}_:a{middle}_:z{end}"),
                (second, f"{start}_:z{middle}_:a{end}"),
            )
        found = (template, pairs)
    else:
        found = (template, _first_degree(template))
    if sum(map(len, template)) <= _MAX_KEPT_TEXT:
        if len(_QUAD_TEXT) >= _MAX_KEPT:
            _QUAD_TEXT.clear()
        _QUAD_TEXT[quad] = found
    return found


def _text(term: Term) -> str:
    found = _TERM_TEXT.get(term)
    if found is None:
        found = serialize(term)
        if len(found) <= _MAX_KEPT_TEXT:
            if len(_TERM_TEXT) >= _MAX_KEPT:
                _TERM_TEXT.clear()
            _TERM_TEXT[term] = found
    return found


def _template(quad: Quad) -> tuple[str, ...]:
    """``quad``'s N-Quads line split at the labels of its subject, object and graph name."""
    subject, predicate, obj, graph = quad
    # A blank node predicate (generalized RDF, never made here) is written as it is.
    if subject[0] == "B":
        parts = ["", subject[1]]
        text = f" {_text(predicate)} "
    else:
        parts = []
        text = f"{_text(subject)} {_text(predicate)} "
    if obj[0] == "B":
        parts += (text, obj[1])
        text = ""
    else:
        text += _text(obj)
    if graph is not None:
        if graph[0] == "B":
            parts += (f"{text} ", graph[1])
            text = ""
        else:
            text += f" {_text(graph)}"
    parts.append(f"{text} .\n")
    return tuple(parts)


def _first_degree(template: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    labels = template[1::2]
    return tuple(
        (
            label,
            "".join(
                part if n % 2 == 0 else "_:a" if part == label else "_:z"
                for n, part in enumerate(template)
            ),
        )
        for label in dict.fromkeys(labels)
    )


def _filled(templates: list[tuple[str, ...]], labels: dict[str, str]) -> list[str]:
    """The lines of ``templates`` with each blank node written as its label in ``labels``."""
    lines: list[str] = []
    add = lines.append
    for parts in templates:
        if len(parts) == 3:
            add(parts[0] + labels[parts[1]] + parts[2])
        elif len(parts) == 5:
            add(parts[0] + labels[parts[1]] + parts[2] + labels[parts[3]] + parts[4])
        else:
            add(
                parts[0]
                + labels[parts[1]]
                + parts[2]
                + labels[parts[3]]
                + parts[4]
                + labels[parts[5]]
                + parts[6]
            )
    return lines


def canonical_nquads(quads: Sequence[Quad]) -> str:
    """The RDFC-1.0 canonical N-Quads of ``quads``, or ``CanonicalizationLimitError``."""
    return _Rdfc10(quads).canonical_nquads()
