"""Replayed fragments of the fast path: the answer is the one pyld gives, hit or miss.

A fragment is replayed only for a node walked before with the same JSON, active context,
property and depth; these tests make documents where the same node comes back changed in one
of those ways, or under the bounds, and compare each answer with pyld's (``check_same``).
"""

from __future__ import annotations

import copy
import marshal
import struct
from typing import Any, Final

import pytest

from leadbadge.ld import compiled
from leadbadge.ld.compiled import compiled_quads
from leadbadge.ld.compiled_fragments import (
    MAX_FRAGMENT_DEPTH,
    MAX_FRAGMENTS,
    fragment_text,
    is_plain,
    make_fragment,
)
from leadbadge.ld.compiled_tables import tables_for
from leadbadge.ld.contexts import DEFAULT_LOADER, ContextLoader
from leadbadge.ld.expand import expand_to_quads
from leadbadge.ld.rdfc10 import canonical_nquads
from tests.unit.ld._badges import OB_303, V2, badge
from tests.unit.ld.test_compiled_differential import check_same


@pytest.fixture
def replays(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of quads each replay added, in order, from a cold fragment store."""
    tables = tables_for(DEFAULT_LOADER)
    monkeypatch.setattr(tables, "fragments", type(tables.fragments)())
    seen: list[int] = []
    original = compiled._Walk.replay

    def counting(walk: compiled._Walk, fragment: Any) -> Any:
        seen.append(len(fragment.fixed) + len(fragment.linked))
        return original(walk, fragment)

    monkeypatch.setattr(compiled._Walk, "replay", counting)
    return seen


def _with_achievement(achievement: dict[str, Any]) -> dict[str, Any]:
    doc = badge()
    doc["credentialSubject"]["achievement"] = achievement
    return doc


def test_a_second_document_replays_the_achievement_and_gets_pyld_s_answer(
    replays: list[int],
) -> None:
    first = badge()
    assert check_same(first)
    second = badge()
    second["id"] = "urn:uuid:6a1f9a66-0f43-4a3b-8f38-3f6ac1b9b5e1"
    second["credentialSubject"]["id"] = "did:example:another"
    replays.clear()
    assert check_same(second)
    # The issuer profile and the Achievement (its criteria and alignment are blank nodes).
    assert len(replays) >= 2
    assert max(replays) >= 8


def test_the_same_node_twice_in_one_document_gets_fresh_blank_nodes(replays: list[int]) -> None:
    doc = badge()
    achievement = doc["credentialSubject"]["achievement"]
    doc["credentialSubject"] = [
        doc["credentialSubject"],
        {"type": ["AchievementSubject"], "achievement": copy.deepcopy(achievement)},
    ]
    assert check_same(doc)
    assert replays


def test_a_replay_after_more_or_fewer_blank_nodes_labels_them_afresh(replays: list[int]) -> None:
    # A replay reuses the labelling it made last time only when the node's blank nodes start at
    # the same number; evidence before the subject moves them.
    def with_evidence(count: int) -> dict[str, Any]:
        doc = badge()
        subject = doc.pop("credentialSubject")
        if count:
            doc["evidence"] = [{"type": ["Evidence"], "name": f"e{n}"} for n in range(count)]
        doc["credentialSubject"] = subject
        return doc

    answers = set()
    for count in (1, 1, 3, 1, 0, 3):
        fast = compiled_quads(with_evidence(count))
        assert fast is not None
        labels = [term[1] for quad in fast.quads for term in quad if term and term[0] == "B"]
        assert len(set(labels)) == count + 2  # the evidence, the criteria and the alignment
        assert check_same(with_evidence(count))
        answers.add(canonical_nquads(fast.quads))
    assert len(answers) == 3
    assert max(replays) >= 8


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(1, id="integer"),
        pytest.param(1.0, id="integral-float"),
        pytest.param(1.5, id="float"),
        pytest.param(True, id="boolean"),
        pytest.param("1", id="text"),
    ],
)
def test_values_that_print_alike_in_json_are_not_confused(
    changed: object, replays: list[int]
) -> None:
    # Warm the store with every variant first, then ask again: each must get its own answer.
    variants = [1, 1.0, 1.5, True, "1"]
    for value in variants:
        achievement = badge()["credentialSubject"]["achievement"]
        achievement["name"] = value
        check_same(_with_achievement(achievement))
    achievement = badge()["credentialSubject"]["achievement"]
    achievement["name"] = changed
    check_same(_with_achievement(achievement))


def test_a_tuple_where_a_list_was_is_not_replayed(replays: list[int]) -> None:
    as_list = badge()
    check_same(as_list)
    as_tuple = badge()
    achievement = as_tuple["credentialSubject"]["achievement"]
    achievement["alignment"] = tuple(achievement["alignment"])
    replays.clear()
    # The walk takes only JSON's own types; the general path decides on a tuple.
    assert compiled_quads(as_tuple) is None
    assert not check_same(as_tuple)


class _Text(str):
    __slots__ = ()


class _Number(float):
    __slots__ = ()


def _as_buffer(node: Any) -> Any:
    """``node`` as ``marshal`` sees it when its numbers are numpy's float64 (float subclasses with
    the buffer protocol): each such number is its eight bytes."""
    if isinstance(node, _Number):
        return struct.pack("<d", node)
    if isinstance(node, dict):
        return {key: _as_buffer(item) for key, item in node.items()}
    if isinstance(node, list):
        return [_as_buffer(item) for item in node]
    return node


def test_a_node_holding_a_float_subclass_never_answers_for_one_holding_bytes(
    monkeypatch: pytest.MonkeyPatch, replays: list[int]
) -> None:
    # The walk takes a float subclass as a number, and refuses bytes; marshal writes both alike
    # when the subclass has the buffer protocol, so the first node must not be kept.
    monkeypatch.setattr(compiled, "fragment_text", lambda node: marshal.dumps(_as_buffer(node), 2))
    achievement = badge()["credentialSubject"]["achievement"]
    achievement["name"] = _Number(1.5)
    assert compiled_quads(_with_achievement(achievement)) is not None
    achievement["name"] = struct.pack("<d", 1.5)
    assert compiled_quads(_with_achievement(achievement)) is None
    assert all(count < 8 for count in replays)  # the issuer profile only


def test_only_json_s_own_types_are_plain() -> None:
    assert is_plain({"a": [1, 1.5, True, None, "x", {"b": []}]})
    assert not is_plain({"a": (1,)})
    assert not is_plain({1: "a"})
    assert not is_plain([_Number(1.0)])
    assert fragment_text({"a": [_Text("x")]}) is None
    # Values JSON writes alike have keys of their own.
    texts = {fragment_text({"a": v}) for v in (1, 1.0, True, "1", [1], 0.0, -0.0)}
    assert len(texts) == 7


def test_the_same_node_under_another_property_or_context_is_walked_again(
    replays: list[int],
) -> None:
    doc = badge()
    check_same(doc)
    achievement = copy.deepcopy(doc["credentialSubject"]["achievement"])
    # The Achievement's JSON as an issuer: another property, another type-scoped context.
    elsewhere = badge()
    elsewhere["issuer"] = {**achievement, "type": ["Profile"]}
    check_same(elsewhere)
    # The same JSON one level deeper (inside a list of lists is not JSON-LD; a wrapper node is).
    deeper = badge()
    deeper["credentialSubject"]["achievement"] = {
        "id": "https://example.com/achievements/outer",
        "type": ["Achievement"],
        "name": "Outer",
        "criteria": {"narrative": "Outer."},
        "related": [{**achievement, "type": ["Related"]}],
    }
    check_same(deeper)


def test_replays_count_toward_the_bounds(replays: list[int]) -> None:
    # A named node with 30,000 JSON values (15,000 quads), twice: the quads are the same
    # statements, but the values of both copies exceed the walk's bound, so the document falls
    # back although the second copy is replayed.
    big = {
        "id": "https://example.com/achievements/big",
        "type": ["Achievement"],
        "name": "Big",
        "criteria": {"narrative": "Big."},
        "tag": [f"t{n}" for n in range(15_000)],
    }
    one = _with_achievement(copy.deepcopy(big))
    assert compiled_quads(one) is not None
    two = badge()
    two["credentialSubject"] = [
        {"type": ["AchievementSubject"], "achievement": copy.deepcopy(big)},
        {"type": ["AchievementSubject"], "achievement": copy.deepcopy(big)},
    ]
    assert compiled_quads(two) is None
    assert replays
    check_same(two)


def test_the_store_is_bounded(replays: list[int]) -> None:
    tables = tables_for(DEFAULT_LOADER)
    for n in range(MAX_FRAGMENTS + 10):
        doc = badge()
        doc["credentialSubject"]["achievement"]["name"] = f"Teamwork {n}"
        assert compiled_quads(doc) is not None
    assert len(tables.fragments) <= MAX_FRAGMENTS
    # The first ones went out first: walking the first document again replays less.
    first = badge()
    first["credentialSubject"]["achievement"]["name"] = "Teamwork 0"
    replays.clear()
    compiled_quads(first)
    assert all(count < 8 for count in replays)


_COUNTS: Final = {"first_blank": 5, "blanks": 1, "values": 1, "text": 1}


def test_a_fragment_naming_blank_nodes_from_outside_is_not_kept() -> None:
    inside = ("B", "_:c5")
    outside = ("B", "_:c1")
    name = ("I", "https://example.org/name")
    subject = ("I", "https://example.org/n")
    kept = make_fragment(subject, [(subject, name, inside, None)], **_COUNTS)
    assert kept is not None
    assert kept.linked == ((subject, name, 0),)
    assert make_fragment(subject, [(subject, name, outside, None)], **_COUNTS) is None
    in_graph = (subject, name, inside, ("B", "_:c5"))
    assert make_fragment(subject, [in_graph], **_COUNTS) is None


def test_a_shared_context_list_reaches_the_fragment_key() -> None:
    # Two documents with the same Achievement under different OB contexts: the active context
    # differs, so the second is walked, and both get pyld's answers.
    check_same(badge(OB_303))
    doc = badge()
    doc["@context"] = [V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"]
    check_same(doc)


def _on(loader: ContextLoader, doc: dict[str, Any]) -> str:
    fast = compiled_quads(doc, loader=loader)
    assert fast is not None
    _, quads = expand_to_quads(doc, loader=loader)
    assert canonical_nquads(fast.quads) == canonical_nquads(quads)
    return canonical_nquads(fast.quads)


def test_the_same_node_in_another_active_context_is_walked_again() -> None:
    # The same JSON, property and depth; only the context makes "color" another IRI.
    loader = ContextLoader(
        {
            url: {"@context": {"color": f"https://{name}.example/color"}}
            for name, url in (("a", _COLOR_A), ("b", _COLOR_B))
        }
    )
    answers = set()
    for url in (_COLOR_A, _COLOR_B, _COLOR_A):
        doc = {
            "@context": [V2, url],
            "id": "urn:uuid:3e9a4c5a-2d51-4d6c-9c88-0c1b8f6d2a11",
            "type": ["VerifiableCredential"],
            "issuer": "https://issuer.example",
            "credentialSubject": {"id": "did:example:subject", "color": "red"},
        }
        answers.add(_on(loader, doc))
    assert len(answers) == 2


def test_the_same_node_under_another_property_is_walked_again() -> None:
    # "left" scopes "color" to one IRI, "right" to another: same JSON, context and depth.
    scoped = {
        "left": {"@id": "https://a.example/left", "@context": {"color": "https://a.example/c"}},
        "right": {"@id": "https://a.example/right", "@context": {"color": "https://b.example/c"}},
    }
    loader = ContextLoader({_COLOR_A: {"@context": scoped}})
    node = {"id": "did:example:node", "color": "red"}
    answers = set()
    for key in ("left", "right", "left"):
        doc = {
            "@context": [V2, _COLOR_A],
            "id": "urn:uuid:3e9a4c5a-2d51-4d6c-9c88-0c1b8f6d2a11",
            "type": ["VerifiableCredential"],
            "issuer": "https://issuer.example",
            "credentialSubject": {"id": "did:example:subject", key: dict(node)},
        }
        answers.add(_on(loader, doc).replace("left", "side").replace("right", "side"))
    assert len(answers) == 2


_COLOR_A = "https://contexts.example/a.jsonld"
_COLOR_B = "https://contexts.example/b.jsonld"


def test_named_nodes_nested_deeply_are_walked_not_kept(replays: list[int]) -> None:
    doc = badge()
    value: Any = "deep"
    for level in range(20):
        value = {"id": f"https://example.org/nodes/{level}", "name": value}
    doc["description"] = value
    check_same(doc)
    kept = len(tables_for(DEFAULT_LOADER).fragments)
    # The issuer, the Achievement, the credential subject and the shallow part of the chain.
    assert 0 < kept <= 3 + MAX_FRAGMENT_DEPTH
    check_same(doc)
    assert replays
