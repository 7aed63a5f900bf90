"""RDFC-1.0: labels, escaping, agreement with pyld, and work bounds on look-alike blank nodes."""

from __future__ import annotations

import copy
import hashlib
import json
import random
from typing import Any

import pytest
from pyld import jsonld as pyld

from leadbadge.errors import CanonicalizationLimitError, JsonLdError
from leadbadge.ld import nquads, rdfc10
from leadbadge.ld.canonical import canonicalize, document_quads
from leadbadge.ld.contexts import DEFAULT_LOADER
from leadbadge.ld.nquads import Quad, QuadBuilder
from tests.unit.ld._badges import V2, badge

EX = "http://example.org/vocab#"

# --- Limits -----------------------------------------------------------------------------------


def _clique(size: int) -> dict[str, Any]:
    """Blank nodes that all point at each other: nothing tells them apart ("poison graph")."""
    nodes = [
        {
            "id": f"_:n{i}",
            "type": "VerifiableCredential",
            "credentialSubject": [f"_:n{j}" for j in range(size) if j != i],
        }
        for i in range(size)
    ]
    return {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "issuer": "https://example.org/issuer",
        "credentialSubject": nodes,
    }


def _canonical(doc: dict[str, Any]) -> str:
    """RDFC-1.0 of a document whose nodes are linked by blank node identifiers.

    Strict expansion refuses such identifiers in documents (canonicalization relabels them, so
    no signature covers them); to test RDFC-1.0 on linked blank nodes these documents are
    expanded by pyld and turned into quads by the same builder strict expansion uses.
    """
    expanded = pyld.expand(copy.deepcopy(doc), {"documentLoader": DEFAULT_LOADER})
    processor = pyld.JsonLdProcessor()
    quads = QuadBuilder(processor, {"processingMode": "json-ld-1.1"}).build(expanded)
    return rdfc10.canonical_nquads(quads)


def test_blank_node_identifiers_in_a_document_are_refused() -> None:
    with pytest.raises(JsonLdError, match="blank node identifier"):
        canonicalize(_clique(4))


def test_small_symmetric_graphs_canonicalize() -> None:
    assert _canonical(_clique(4)).count("_:c14n3") > 0


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many SHA-256 hashes RDFC-1.0 computes: its work, which no machine's load changes."""
    count = [0]
    real = hashlib.sha256

    def counting(data: bytes = b"") -> Any:
        count[0] += 1
        return real(data)

    monkeypatch.setattr(hashlib, "sha256", counting)
    return count


@pytest.mark.parametrize("size", [7, 12, 40])
def test_hostile_blank_node_graph_stops_quickly(size: int, hashes: list[int]) -> None:
    with pytest.raises(CanonicalizationLimitError):
        _canonical(_clique(size))
    assert 0 < hashes[0] <= 2 * rdfc10.MAX_NDEGREE_WORK


def test_long_cycle_of_look_alike_blank_nodes_stops_quickly(hashes: list[int]) -> None:
    size = 400
    nodes = [
        {
            "id": f"_:n{i}",
            "type": "VerifiableCredential",
            "credentialSubject": [f"_:n{(i + 1) % size}"],
        }
        for i in range(size)
    ]
    doc = _clique(0) | {"credentialSubject": nodes}
    with pytest.raises(CanonicalizationLimitError):
        _canonical(doc)
    assert 0 < hashes[0] <= 2 * rdfc10.MAX_NDEGREE_WORK


def _ring(size: int) -> list[Any]:
    """Blank nodes each linked to the next, the last to the first: all look alike."""
    return [
        (("B", f"_:n{i}"), ("I", EX + "next"), ("B", f"_:n{(i + 1) % size}"), None)
        for i in range(size)
    ]


class _CountedRdfc10(rdfc10._Rdfc10):
    """RDFC-1.0 counting its Hash N-Degree Quads calls and the deepest pending recursion."""

    def __init__(self, quads: list[Any]) -> None:
        super().__init__(quads)
        self.calls = 0
        self.pending = 0
        self.deepest = 0

    def _n_degree_steps(self, node: str, issuer: Any) -> Any:
        self.calls += 1
        self.pending += 1
        self.deepest = max(self.deepest, self.pending)
        try:
            return (yield from super()._n_degree_steps(node, issuer))
        finally:
            self.pending -= 1


def test_a_ring_of_1000_look_alike_blank_nodes_ends_in_the_work_bound() -> None:
    # Each N-degree call recurses into the next node of the ring, 1,000 deep: this used to
    # end in RecursionError before the work bound was reached.
    rdfc = _CountedRdfc10(_ring(1000))
    with pytest.raises(CanonicalizationLimitError, match="more work"):
        rdfc.canonical_nquads()
    # Work stops at the bound: the last step is at most one call or permutation's weight.
    assert rdfc.work <= rdfc10.MAX_NDEGREE_WORK + 1 + 2 * 1000 // 8
    assert rdfc.calls <= rdfc10.MAX_NDEGREE_WORK
    assert rdfc.deepest >= 999  # the recursion did go round the ring, without the stack


def test_a_ring_within_the_work_bound_canonicalizes_as_pyld_does() -> None:
    quads = _ring(40)
    rdfc = _CountedRdfc10(quads)
    canonical = rdfc.canonical_nquads()
    assert rdfc.deepest >= 39
    assert rdfc.work <= rdfc10.MAX_NDEGREE_WORK
    nquads = "".join(f"{s[1]} <{p[1]}> {o[1]} .\n" for s, p, o, _ in quads)
    options = {"algorithm": "URDNA2015", "inputFormat": "application/n-quads"}
    assert canonical == pyld.normalize(nquads, options | {"format": "application/n-quads"})


def test_a_ring_of_1000_blank_nodes_in_a_credential_ends_in_a_typed_error() -> None:
    size = 1000
    doc = _clique(0)
    doc["credentialSubject"] = [
        {
            "id": f"_:n{i}",
            "type": "VerifiableCredential",
            "credentialSubject": [f"_:n{(i + 1) % size}"],
        }
        for i in range(size)
    ]
    with pytest.raises(JsonLdError, match="blank node identifier"):  # never RecursionError
        canonicalize(doc)
    # The same ring, past strict expansion, ends in the work bound.
    with pytest.raises(CanonicalizationLimitError):
        _canonical(doc)


def test_a_chain_of_1000_look_alike_list_nodes_in_a_credential_ends_in_the_work_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without blank node identifiers a document can still chain blank nodes: each item of an
    # @list (OB 3.0.3's ResultDescription.allowedValue) is one, and equal items look alike.
    made: list[_CountedRdfc10] = []

    def counted(quads: list[Any]) -> _CountedRdfc10:
        made.append(_CountedRdfc10(quads))
        return made[-1]

    monkeypatch.setattr(rdfc10, "_Rdfc10", counted)
    doc = badge()
    doc["credentialSubject"]["achievement"]["resultDescription"] = [
        {
            "id": "https://example.com/achievements/teamwork#grade",
            "type": ["ResultDescription"],
            "name": "Grade",
            "resultType": "LetterGrade",
            "allowedValue": ["A"] * 1000,
        }
    ]
    with pytest.raises(CanonicalizationLimitError, match="more work"):
        canonicalize(doc)
    (rdfc,) = made
    assert len(rdfc.by_node) >= 1000
    assert rdfc.work <= rdfc10.MAX_NDEGREE_WORK + 1 + 2 * len(rdfc.by_node) // 8
    assert rdfc.calls <= rdfc10.MAX_NDEGREE_WORK


def test_too_many_blank_nodes_are_refused() -> None:
    doc = badge()
    doc["evidence"] = [{"type": ["Evidence"], "name": f"e{i}"} for i in range(5001)]
    with pytest.raises(CanonicalizationLimitError, match="blank nodes"):
        canonicalize(doc)


# --- RDFC-1.0 ---------------------------------------------------------------------------------


def _quads(*rows: tuple[str, str, str, str | None]) -> list[Any]:
    def term(value: str) -> tuple[str, ...]:
        if value.startswith("_:"):
            return ("B", value)
        if value.startswith('"'):
            return ("L", json.loads(value), "http://www.w3.org/2001/XMLSchema#string", "")
        return ("I", value)

    return [(term(s), term(p), term(o), term(g) if g else None) for s, p, o, g in rows]


def test_rdfc10_escapes_literals_and_labels_a_named_blank_node_graph() -> None:
    # The example of the rdf-canon crate's documentation; the same output from rdf-canonize 5.
    quads = _quads(
        ("_:e0", EX + "next", "_:e1", "_:g"),
        ("_:e0", EX + "prev", "_:e2", "_:g"),
        ("_:e1", EX + "next", "_:e2", "_:g"),
        ("_:e1", EX + "prev", "_:e0", "_:g"),
        ("_:e2", EX + "next", "_:e0", "_:g"),
        ("_:e2", EX + "prev", "_:e1", "_:g"),
        ("urn:ex:s", "urn:ex:p", json.dumps('\b\t\n\x0b\f\r"\\\x7f'), "_:g"),
    )
    expected = (
        '<urn:ex:s> <urn:ex:p> "\\b\\t\\n\\u000B\\f\\r\\"\\\\\\u007F" _:c14n0 .\n'
        f"_:c14n1 <{EX}next> _:c14n2 _:c14n0 .\n"
        f"_:c14n1 <{EX}prev> _:c14n3 _:c14n0 .\n"
        f"_:c14n2 <{EX}next> _:c14n3 _:c14n0 .\n"
        f"_:c14n2 <{EX}prev> _:c14n1 _:c14n0 .\n"
        f"_:c14n3 <{EX}next> _:c14n1 _:c14n0 .\n"
        f"_:c14n3 <{EX}prev> _:c14n2 _:c14n0 .\n"
    )
    assert rdfc10._Rdfc10(quads).canonical_nquads() == expected


def test_rdfc10_counts_a_self_referencing_quad_once() -> None:
    # rdf-canonize keeps each blank node's quads in a set; pyld 3.3 lists a quad whose subject
    # and object are the same blank node twice and so labels this dataset differently.
    quads = _quads(
        ("_:a", "urn:p", "_:b", None),
        ("_:b", "urn:p", "_:a", None),
        ("_:a", "urn:p", "_:a", None),
        ("_:b", "urn:p", "_:b", None),
        ("_:c", "urn:p", "_:c", None),
        ("_:c", "urn:q", "_:a", None),
    )
    expected = (  # rdf-canonize 5.0.0, algorithm RDFC-1.0
        "_:c14n0 <urn:p> _:c14n0 .\n"
        "_:c14n0 <urn:q> _:c14n1 .\n"
        "_:c14n1 <urn:p> _:c14n1 .\n"
        "_:c14n1 <urn:p> _:c14n2 .\n"
        "_:c14n2 <urn:p> _:c14n1 .\n"
        "_:c14n2 <urn:p> _:c14n2 .\n"
    )
    assert rdfc10._Rdfc10(quads).canonical_nquads() == expected


def test_rdfc10_agrees_with_pyld_urdna2015_on_random_graphs() -> None:
    # Without self-references pyld's URDNA2015 is an independent implementation of the same
    # algorithm; the documents go through JSON-LD, so building the quads is compared too.
    rng = random.Random(20240501)  # noqa: S311 -- reproducible test data, not secrets
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": DEFAULT_LOADER,
    }
    for _ in range(150):
        size = rng.randint(2, 6)
        nodes = []
        for i in range(size):
            node: dict[str, Any] = {
                "id": f"_:n{i}",
                "type": "VerifiableCredential",
                "credentialSubject": [
                    f"_:n{j}" for j in range(size) if j != i and rng.random() < 0.4
                ],
            }
            if rng.random() < 0.3:
                node["name"] = rng.choice(["a", "b"])
            nodes.append(node)
        doc = _clique(0) | {"credentialSubject": nodes}
        assert _canonical(doc) == pyld.normalize(copy.deepcopy(doc), options)


def test_permutations_are_distinct_orderings() -> None:
    assert list(rdfc10._permutations(["b", "a", "a"])) == [
        ("a", "a", "b"),
        ("a", "b", "a"),
        ("b", "a", "a"),
    ]
    assert len(list(rdfc10._permutations(["c", "b", "a", "d"]))) == 24


def test_the_text_kept_between_documents_is_short_bounded_and_changes_no_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rdfc10, "_TERM_TEXT", {})
    monkeypatch.setattr(rdfc10, "_QUAD_TEXT", {})
    monkeypatch.setattr(rdfc10, "_MAX_KEPT", 50)
    name = ("I", "https://example.org/name")
    long_text = "x" * 10_000
    quads: list[Quad] = [
        (("I", f"https://example.org/s{n}"), name, ("L", f"v{n}", _XSD_STRING, ""), None)
        for n in range(120)
    ]
    quads.append((("B", "_:c1"), name, ("L", long_text, _XSD_STRING, ""), None))
    cold = rdfc10.canonical_nquads(quads)
    assert len(rdfc10._QUAD_TEXT) <= 50
    assert len(rdfc10._TERM_TEXT) <= 50
    kept = [*rdfc10._QUAD_TEXT.values(), *rdfc10._TERM_TEXT.values()]
    assert not any(long_text in str(text) for text in kept)
    assert rdfc10.canonical_nquads(list(reversed(quads))) == cold
    assert f'_:c14n0 <https://example.org/name> "{long_text}" .\n' in cold


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def _line(quad: Quad, label: Any) -> str:
    """``quad``'s N-Quads line written term by term, blank nodes as ``label`` names them."""
    terms = [
        nquads.serialize(term, label(term[1]) if term[0] == "B" and n != 1 else None)
        for n, term in enumerate(quad)
        if term is not None
    ]
    return " ".join(terms) + " .\n"


@pytest.mark.parametrize(
    "quad",
    [
        (("B", "_:x"), ("I", EX + "p"), ("L", 'a "b"\n', _XSD_STRING, ""), None),
        (("I", "urn:s"), ("I", EX + "p"), ("B", "_:y"), ("I", "urn:g")),
        (("B", "_:x"), ("I", EX + "p"), ("B", "_:y"), ("B", "_:g")),
        (("B", "_:x"), ("I", EX + "p"), ("B", "_:x"), None),
        (("B", "_:x"), ("I", EX + "p"), ("L", "1", EX + "t", ""), ("B", "_:x")),
        (("I", "urn:s"), ("B", "_:p"), ("B", "_:y"), None),
        (("I", "urn:s"), ("I", EX + "p"), ("L", "chat", _LANGSTRING, "fr"), None),
    ],
)
def test_the_text_kept_for_a_quad_is_its_n_quads_line(quad: Quad) -> None:
    # Kept or not, a quad's template filled with any labels, and its line for each of its blank
    # nodes in §4.6, are the line written term by term.
    for _ in range(2):
        entry = rdfc10._QUAD_TEXT.get(quad) or rdfc10._prepared(quad)
        if isinstance(entry, str):
            assert entry == _line(quad, lambda name: name)
            continue
        template, first_degree = entry
        names = {label: f"_:c14n{n}" for n, label in enumerate(template[1::2])}
        (filled,) = rdfc10._filled([template], names)
        assert filled == _line(quad, names.__getitem__)
        labels = {term[1] for n, term in enumerate(quad) if term and term[0] == "B" and n != 1}
        assert [label for label, _ in first_degree] == sorted(labels, key=template.index)
        for node, line in first_degree:
            assert line == _line(quad, lambda name, node=node: "_:a" if name == node else "_:z")


def test_kept_text_gives_the_answer_of_text_made_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = badge()
    doc["credentialSubject"]["achievement"]["alignment"] = [
        {"type": ["Alignment"], "targetName": f"A {n}", "targetUrl": "https://example.org/a"}
        for n in range(3)
    ]
    quads = document_quads(doc)
    warm = rdfc10.canonical_nquads(quads)
    options = {"algorithm": "URDNA2015", "format": "application/n-quads"}
    assert warm == pyld.normalize(copy.deepcopy(doc), options | {"documentLoader": DEFAULT_LOADER})
    assert rdfc10.canonical_nquads(list(reversed(quads))) == warm
    monkeypatch.setattr(rdfc10, "_QUAD_TEXT", {})
    monkeypatch.setattr(rdfc10, "_TERM_TEXT", {})
    assert rdfc10.canonical_nquads(quads) == warm
    # Nothing kept: every quad's text is made for this document alone.
    monkeypatch.setattr(rdfc10, "_QUAD_TEXT", {})
    monkeypatch.setattr(rdfc10, "_MAX_KEPT_TEXT", 0)
    assert rdfc10.canonical_nquads(quads) == warm
    assert not rdfc10._QUAD_TEXT
