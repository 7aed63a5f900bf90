"""Strict expansion: what is accepted, every refusal with its path, and the input limits."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from leadbadge.errors import (
    CanonicalizationLimitError,
    ContextNotAllowedError,
    JsonLdError,
    UndefinedTermError,
)
from leadbadge.ld import expand
from leadbadge.ld.canonical import canonicalize
from leadbadge.ld.contexts import ContextLoader
from leadbadge.ld.expand import expand_strict
from tests.unit.ld._badges import OB_303, UNDEFINED_TERMS, V1, V2, badge

# --- What is accepted -------------------------------------------------------------------------


def test_expand_strict_returns_the_expanded_document() -> None:
    expanded = expand_strict(badge())
    assert len(expanded) == 1
    node = expanded[0]
    assert node["@id"] == "http://example.com/credentials/3527"
    assert "https://www.w3.org/2018/credentials#VerifiableCredential" in node["@type"]
    assert node["https://schema.org/name"] == [{"@value": "Teamwork Badge"}]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d.update(description=None), id="null-value"),
        pytest.param(lambda d: d.update(evidence=[]), id="empty-array"),
        pytest.param(
            lambda d: d.update(description={"@value": "Hola", "@language": "es-MX"}),
            id="language-tagged-value",
        ),
        pytest.param(
            lambda d: d["credentialSubject"]["achievement"].update(
                endorsement=[
                    {
                        "@context": [V2, OB_303],
                        "id": "urn:uuid:6c2b5d5e-4d1e-4b66-9d1c-6f2f1b0e0a11",
                        "type": ["VerifiableCredential", "EndorsementCredential"],
                        "issuer": "https://example.org/endorser",
                        "validFrom": "2020-01-01T00:00:00Z",
                        "credentialSubject": {
                            "id": "https://example.com/achievements/x",
                            "type": ["EndorsementSubject"],
                        },
                    }
                ]
            ),
            id="nested-credential-with-its-own-contexts",
        ),
        pytest.param(lambda d: d.update(name="a\x01b\x7fc\bd\fe"), id="control-characters"),
        pytest.param(
            # An IRI no term stands for names itself, and what it says is signed.
            lambda d: d.update({"https://example.org/vocab#rank": "first"}),
            id="property-written-as-an-iri",
        ),
        pytest.param(lambda d: d["type"].append("https://example.org/Foo"), id="type-as-an-iri"),
    ],
)
def test_accepted_documents(change: Callable[[Any], None]) -> None:
    doc = badge()
    change(doc)
    assert canonicalize(doc).endswith(" .\n")


def test_language_maps_a_context_defines_are_accepted() -> None:
    url = "https://example.org/contexts/titles"
    title = "https://example.org/vocab#title"
    context = {"@context": {"title": {"@id": title, "@container": "@language"}}}
    doc = badge()
    doc["@context"].append(url)
    doc["title"] = {"en": "Teamwork", "fr": "Travail d'équipe"}
    nquads = canonicalize(doc, loader=ContextLoader({url: context}))
    assert f'<{title}> "Teamwork"@en .' in nquads
    assert f'<{title}> "Travail d\'équipe"@fr .' in nquads


def test_the_callers_document_is_not_modified() -> None:
    doc = badge()
    before = copy.deepcopy(doc)
    canonicalize(doc)
    assert doc == before


def test_integral_floats_are_integers_as_json_ld_says() -> None:
    # JSON-LD 1.1 "Object to RDF": a number without a fractional part is an xsd:integer.
    as_int, as_float = badge(), badge()
    as_int["credentialSubject"]["achievement"]["criteria"]["narrative"] = 5
    as_float["credentialSubject"]["achievement"]["criteria"]["narrative"] = 5.0
    assert canonicalize(as_int) == canonicalize(as_float)
    assert '"5"^^<http://www.w3.org/2001/XMLSchema#integer>' in canonicalize(as_int)


# --- What is refused --------------------------------------------------------------------------


def _nested_array_element(doc: dict[str, Any]) -> dict[str, Any]:
    element: dict[str, Any] = doc["credentialSubject"]["achievement"]["alignment"][0]
    return element


UNDEFINED: list[Any] = [
    pytest.param(lambda d: d.update(foo="bar"), "foo", "/foo", id="top-level-property"),
    pytest.param(
        lambda d: d["credentialSubject"].update(foo="bar"),
        "foo",
        "/credentialSubject/foo",
        id="subject-property",
    ),
    pytest.param(
        lambda d: d["credentialSubject"]["achievement"].update(foo="bar"),
        "foo",
        "/credentialSubject/achievement/foo",
        id="achievement-property",
    ),
    pytest.param(
        lambda d: _nested_array_element(d).update(foo="bar"),
        "foo",
        "/credentialSubject/achievement/alignment/0/foo",
        id="array-element-property",
    ),
    pytest.param(
        lambda d: d["type"].append("FooCredential"), "FooCredential", "/type", id="top-level-type"
    ),
    pytest.param(
        lambda d: d["credentialSubject"]["achievement"]["type"].append("Foo"),
        "Foo",
        "/credentialSubject/achievement/type",
        id="nested-type",
    ),
    pytest.param(
        # Same N-Quads as "name": a JSON reader looking for "name" would find nothing.
        lambda d: d.update({"https://schema.org/name": d.pop("name")}),
        "https://schema.org/name",
        "/https://schema.org/name",
        id="property-iri-spelling-a-term",
    ),
    pytest.param(
        lambda d: d.update({"https://www.w3.org/2018/credentials#validUntil": "2030-01-01"}),
        "https://www.w3.org/2018/credentials#validUntil",
        "/https://www.w3.org/2018/credentials#validUntil",
        id="validUntil-hidden-as-an-iri",
    ),
    pytest.param(
        lambda d: d["type"].append(
            "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"
        ),
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential",
        "/type",
        id="type-iri-spelling-a-term",
    ),
    pytest.param(
        lambda d: d.update({"https://www.w3.org/ns/credentials/issuer-dependent#x": "y"}),
        "https://www.w3.org/ns/credentials/issuer-dependent#x",
        "/https://www.w3.org/ns/credentials/issuer-dependent#x",
        id="issuer-dependent-vocabulary",
    ),
    pytest.param(lambda d: d.update({"_:p": "x"}), "_:p", "/_:p", id="blank-node-property"),
    pytest.param(
        # The contexts spell @id "id": a reader of the subject's "id" would find none.
        lambda d: d["credentialSubject"].update({"@id": d["credentialSubject"].pop("id")}),
        "@id",
        "/credentialSubject/@id",
        id="keyword-instead-of-its-alias",
    ),
    pytest.param(
        lambda d: d.update({"@type": d.pop("type")}), "@type", "/@type", id="type-keyword"
    ),
    pytest.param(
        lambda d: (d["@context"].append(UNDEFINED_TERMS), d.update(foo="x")),
        "foo",
        "/foo",
        id="vocab-fallback-property",
    ),
    pytest.param(
        lambda d: (d["@context"].append(UNDEFINED_TERMS), d["type"].append("Foo")),
        "Foo",
        "/type",
        id="vocab-fallback-type",
    ),
    pytest.param(
        lambda d: d.update(proof={"type": "DataIntegrityProof", "proofPurpose": "wishing"}),
        "wishing",
        "/proof/proofPurpose",
        id="undefined-vocab-value",
    ),
]


@pytest.mark.parametrize(("change", "term", "path"), UNDEFINED)
def test_undefined_terms_are_refused(change: Callable[[Any], None], term: str, path: str) -> None:
    doc = badge()
    change(doc)
    with pytest.raises(UndefinedTermError) as caught:
        canonicalize(doc)
    assert caught.value.term == term
    assert caught.value.path == path


DROPPED: list[Any] = [
    pytest.param(lambda d: d.update(id="abc"), "'abc'", id="relative-id"),
    pytest.param(lambda d: d["issuer"].update(id=""), "''", id="empty-id"),
    pytest.param(lambda d: d.update(issuer="issuers/1"), "'issuers/1'", id="relative-iri-value"),
    pytest.param(lambda d: d.update(id="https://example.com/a b"), "a b", id="iri-with-a-space"),
    pytest.param(
        lambda d: d.update(description={"@language": "en"}), "dropped", id="only-a-language"
    ),
    pytest.param(
        lambda d: d["credentialSubject"]["achievement"]["criteria"].update(
            id="_:https://evil.example/criteria"
        ),
        "at /credentialSubject/achievement/criteria/id is a blank node identifier",
        id="blank-node-id",
    ),
    pytest.param(lambda d: d.update(id="_:b0"), "blank node identifier", id="blank-node-top-id"),
    pytest.param(
        lambda d: d["issuer"].update({"id": "_:issuer"}), "blank node", id="blank-node-issuer-id"
    ),
    pytest.param(
        # An @id-typed value: a reference to a blank node, relabelled like any other.
        lambda d: d.update(issuer="_:issuer"),
        "at /issuer is a blank node identifier",
        id="blank-node-reference",
    ),
    pytest.param(
        lambda d: d["issuer"].update(image=["https://example.org/a.png", "_:b1"]),
        "at /issuer/image/1 is a blank node identifier",
        id="blank-node-reference-in-an-array",
    ),
    pytest.param(lambda d: d.update({"@language": "en"}), "gives a node a language", id="lang"),
    pytest.param(
        lambda d: _nested_array_element(d).update({"@language": "<b>unsigned</b>"}),
        "at /credentialSubject/achievement/alignment/0/@language gives a node a language",
        id="language-on-a-nested-node",
    ),
    pytest.param(
        lambda d: d.update(description={"@value": None, "@language": "en"}),
        "dropped",
        id="null-value",
    ),
    pytest.param(
        # Signs the same as the plain string, but a reader of validFrom finds an object.
        lambda d: d.update(
            validFrom={
                "@value": d["validFrom"],
                "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
            }
        ),
        "another spelling",
        id="typed-value-object",
    ),
    pytest.param(
        lambda d: d.update(name={"@value": d["name"]}), "another spelling", id="bare-value-object"
    ),
    pytest.param(
        lambda d: d.update({"@graph": [{"id": "urn:x:free-floating"}]}),
        "dropped",
        id="free-floating-node",
    ),
    pytest.param(lambda d: d["credentialSubject"].update({"@index": "x"}), "@index", id="index"),
    pytest.param(
        lambda d: d.update({"@nest": {"description": "hidden"}}), "@nest", id="nest-keyword"
    ),
    pytest.param(lambda d: d.update(description={"@set": ["x"]}), "@set", id="set-keyword"),
    pytest.param(
        lambda d: d.update({"@reverse": {"name": {"id": "urn:x"}}}), "@reverse", id="reverse"
    ),
    pytest.param(lambda d: d.update({"@included": [{"id": "urn:x"}]}), "@included", id="included"),
    pytest.param(lambda d: d.update({"@foo": "x"}), "@foo", id="unknown-keyword"),
    pytest.param(
        lambda d: d.update(description={"@value": "x", "@language": "not a tag"}),
        "not a tag",
        id="malformed-language-tag",
    ),
    pytest.param(
        lambda d: d["@context"].append({"name": "https://schema.org/description"}),
        "protected term",
        id="inline-context-redefines-a-protected-term",
    ),
    pytest.param(
        lambda d: d["credentialSubject"].update({"@context": None}),
        "/credentialSubject/@context is null",
        id="null-context",
    ),
    pytest.param(
        lambda d: d["@context"].append(V1), "protected term", id="protected-term-redefinition"
    ),
    pytest.param(lambda d: d.update(name=float("nan")), "not finite", id="nan"),
    pytest.param(lambda d: d.update(name=2**63), "64-bit", id="integer-just-too-large"),
    pytest.param(lambda d: d.update(name=-(2**63)), "64-bit", id="integer-just-too-small"),
    # JSON-LD turns an integer from 10**21 up into a double: this one overflows the conversion.
    pytest.param(lambda d: d.update(name=10**400), "64-bit", id="integer-beyond-a-double"),
    # Python cannot even write this one in decimal (its int-to-str digit limit is 4,300).
    pytest.param(
        lambda d: d["credentialSubject"]["achievement"]["criteria"].update(narrative=10**4400),
        "64-bit",
        id="integer-of-4400-digits",
    ),
    pytest.param(lambda d: d.update(name="a\ud800b"), "lone surrogate", id="surrogate-in-text"),
    pytest.param(
        lambda d: d["issuer"].update(name=["ok", "\udfff"]),
        "lone surrogate (U+DFFF)",
        id="surrogate-nested",
    ),
    pytest.param(lambda d: d.update({"na\ud800me": "x"}), "lone surrogate", id="surrogate-in-key"),
    pytest.param(lambda d: d.update(name={1, 2}), "not a JSON value", id="not-json"),
    pytest.param(
        lambda d: [d.pop(k) for k in list(d) if k not in ("@context", "id")],
        "dropped",
        id="nothing-but-an-id",
    ),
]


@pytest.mark.parametrize(("change", "said"), DROPPED)
def test_content_that_would_not_be_signed_is_refused(
    change: Callable[[Any], None], said: str
) -> None:
    doc = badge()
    change(doc)
    with pytest.raises(JsonLdError) as caught:
        canonicalize(doc)
    assert not isinstance(caught.value, CanonicalizationLimitError | ContextNotAllowedError)
    assert said in caught.value.message


def test_the_expanded_form_is_checked_again_for_blank_node_identifiers() -> None:
    node = {"@id": "_:b0", "https://schema.org/name": [{"@value": "x"}]}
    with pytest.raises(JsonLdError, match="not an absolute IRI"):
        expand._check_expanded([node])
    expand._check_expanded([node | {"@id": "urn:x:1"}])


def test_the_expanded_form_is_checked_again_for_a_language_on_a_node() -> None:
    # The second line of defence, behind the refusal during expansion.
    node = {"@id": "urn:x:1", "@language": "en", "https://schema.org/name": [{"@value": "x"}]}
    with pytest.raises(JsonLdError, match="@language"):
        expand._check_expanded([node])
    expand._check_expanded([{k: v for k, v in node.items() if k != "@language"}])


def test_document_must_be_an_object() -> None:
    with pytest.raises(JsonLdError, match="JSON object"):
        canonicalize([badge()])  # type: ignore[arg-type]


def test_missing_vc_context_makes_every_term_undefined() -> None:
    doc = badge()
    doc["@context"] = [OB_303]
    with pytest.raises(UndefinedTermError, match="VerifiableCredential"):
        canonicalize(doc)
