"""Inline @context objects: what strict expansion accepts (VC 2.0 §4.3) and what stays refused."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from leadbadge.errors import ContextNotAllowedError, JsonLdError, UndefinedTermError
from leadbadge.ld import expand
from leadbadge.ld.canonical import canonicalize
from leadbadge.ld.contexts import ContextLoader
from leadbadge.ld.expand import expand_strict
from tests.unit.ld._badges import OB_301, UNDEFINED_TERMS, V2, badge, vc11_badge

EX = "https://example.org/vocab#"
ISSUER_DEPENDENT = "https://www.w3.org/ns/credentials/issuer-dependent#"
OB_VOCAB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
VALID_UNTIL = "https://www.w3.org/2018/credentials#validUntil"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
ID = "http://example.com/credentials/3527"


def _with(context: Any, **members: Any) -> dict[str, Any]:
    doc = badge()
    doc["@context"].append(context)
    doc.update(members)
    return doc


# --- Accepted ----------------------------------------------------------------------------------


def test_a_term_and_a_type_an_inline_context_defines_are_signed_with_their_iris() -> None:
    doc = _with({"rank": f"{EX}rank", "HonoursCredential": f"{EX}HonoursCredential"}, rank="1st")
    doc["type"].append("HonoursCredential")
    nquads = canonicalize(doc)
    assert f'<{ID}> <{EX}rank> "1st" .' in nquads
    assert (
        f"<{ID}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EX}HonoursCredential> ."
        in (nquads)
    )


def test_a_wrapped_context_object_signs_as_the_object_itself() -> None:
    # The W3C Data Integrity suite's inputs write {"@context": {…}} as a @context item.
    plain = _with({"rank": f"{EX}rank"}, rank="1st")
    wrapped = _with({"@context": {"rank": f"{EX}rank"}}, rank="1st")
    assert canonicalize(wrapped) == canonicalize(plain)


def test_an_embedded_context_applies_to_its_node() -> None:
    doc = badge()
    doc["credentialSubject"].update({"@context": {"rank": f"{EX}rank"}, "rank": "1st"})
    assert f'<did:example:ebfeb1f712ebc6f1c276e12ec21> <{EX}rank> "1st" .' in canonicalize(doc)
    doc["rank"] = "outside its node"
    with pytest.raises(UndefinedTermError) as caught:
        canonicalize(doc)
    assert caught.value.path == "/rank"


def test_a_protected_inline_type_with_a_scoped_context_is_accepted() -> None:
    # The shape of the W3C Data Integrity suite's driver-licence credential: a protected inline
    # context whose type carries its own context, repeating the id and type aliases identically.
    licence = {
        "@id": f"{EX}DriverLicense",
        "@context": {
            "@protected": True,
            "id": "@id",
            "type": "@type",
            "documentIdentifier": f"{EX}documentIdentifier",
        },
    }
    doc = _with(
        {
            "@protected": True,
            "license": {"@id": f"{EX}license", "@type": "@id"},
            "DriverLicense": licence,
        },
        license={"type": "DriverLicense", "documentIdentifier": "T21387yc328c7y32h23f23"},
    )
    assert '"T21387yc328c7y32h23f23"' in canonicalize(doc)


def test_repeating_a_protected_term_identically_is_accepted() -> None:
    assert canonicalize(_with({"id": "@id", "type": "@type"})) == canonicalize(badge())


@pytest.mark.parametrize("vocab", [None, ISSUER_DEPENDENT])
def test_an_inline_vocab_that_defines_nothing_is_accepted(vocab: str | None) -> None:
    # {"@vocab": null} is a W3C VC 2.0 suite input; the issuer-dependent vocabulary is VC 2.0's
    # catch-all, whose terms stay undefined (see the refusals below).
    assert canonicalize(_with({"@vocab": vocab})) == canonicalize(badge())


def test_an_import_of_a_shipped_context_is_served_by_the_loader() -> None:
    doc = _with({"@import": UNDEFINED_TERMS, "rank": f"{EX}rank"}, rank="1st")
    assert f'<{ID}> <{EX}rank> "1st" .' in canonicalize(doc)


def test_term_language_and_direction_of_a_new_term_are_signed() -> None:
    doc = _with({"motto": {"@id": f"{EX}motto", "@language": "ar", "@direction": "rtl"}})
    doc["motto"] = "القيادة"
    assert f'<{ID}> <{EX}motto> "القيادة"^^<https://www.w3.org/ns/i18n#ar_rtl> .' in (
        canonicalize(doc)
    )


def test_the_callers_document_is_left_as_it_was() -> None:
    doc = _with({"@context": {"@import": UNDEFINED_TERMS, "rank": f"{EX}rank"}}, rank="1st")
    before = copy.deepcopy(doc)
    canonicalize(doc)
    assert doc == before


def test_inline_contexts_are_not_kept_by_the_loader_or_seen_by_later_documents() -> None:
    loader = ContextLoader()
    canonicalize(badge(), loader=loader)
    cached = set(loader._cache)
    canonicalize(_with({"rank": f"{EX}rank"}, rank="1st"), loader=loader)
    assert set(loader._cache) == cached
    # The same document without the inline context must not find "rank" defined.
    later = badge()
    later["rank"] = "1st"
    with pytest.raises(UndefinedTermError):
        canonicalize(later, loader=loader)


def test_a_document_with_the_same_inline_context_twice_is_checked_each_time() -> None:
    loader = ContextLoader()
    for _ in range(2):
        with pytest.raises(UndefinedTermError, match="own name"):
            canonicalize(
                _with(
                    {"until": {"@id": VALID_UNTIL, "@type": XSD_DATETIME}},
                    until="2030-01-01T00:00:00Z",
                ),
                loader=loader,
            )


# --- Refused -----------------------------------------------------------------------------------


REFUSED: list[Any] = [
    pytest.param(
        lambda: _with({"rank": f"{EX}rank"}, rank="1st", ceremonyVenue="Town hall"),
        UndefinedTermError,
        "'ceremonyVenue' at /ceremonyVenue is not defined",
        id="undefined-term-beside-an-inline-context",
    ),
    pytest.param(
        lambda: _with({"@vocab": EX}, ceremonyVenue="Town hall"),
        JsonLdError,
        "sets @vocab",
        id="inline-vocab",
    ),
    pytest.param(
        lambda: _with({"@vocab": EX}),
        JsonLdError,
        "sets @vocab",
        id="inline-vocab-even-unused",
    ),
    pytest.param(
        lambda: _with({"@vocab": ISSUER_DEPENDENT}, ceremonyVenue="Town hall"),
        UndefinedTermError,
        "'ceremonyVenue' at /ceremonyVenue is not defined",
        id="issuer-dependent-vocab-defines-nothing",
    ),
    pytest.param(
        lambda: _with({"VerifiableCredential": f"{EX}BadCredential"}),
        JsonLdError,
        "protected term redefinition",
        id="protected-term-redefinition",
    ),
    pytest.param(
        # The W3C VC 2.0 suite's credential-redef-type2-fail input.
        lambda: (
            _with({"Example": f"{EX}Bad"}, type=["VerifiableCredential", "Example"])
            | {
                "@context": [
                    V2,
                    {"@protected": True, "Example": f"{EX}Example"},
                    {"Example": f"{EX}Bad"},
                ]
            }
        ),
        JsonLdError,
        "protected term redefinition",
        id="second-inline-context-redefines-a-protected-term",
    ),
    pytest.param(
        # OB 3.0.1's terms are not protected; redefining one still changes what a key means.
        # Swapping two types' IRIs (and the types in the JSON) would sign the same statements.
        lambda: _with_ob301({"Profile": f"{OB_VOCAB}Criteria", "Criteria": f"{OB_VOCAB}Profile"}),
        JsonLdError,
        "/@context/3 redefines the term 'Profile'",
        id="swapped-meanings-of-unprotected-terms",
    ),
    pytest.param(
        lambda: _with(
            {"rank": {"@id": f"{EX}rank", "@context": {"name": "https://schema.org/description"}}},
            rank={"name": "x"},
        ),
        JsonLdError,
        "/@context/2/rank/@context redefines the term 'name'",
        id="scoped-context-redefines-a-protected-term",
    ),
    pytest.param(
        lambda: _with(
            {"until": {"@id": VALID_UNTIL, "@type": XSD_DATETIME}}, until="2030-01-01T00:00:00Z"
        ),
        UndefinedTermError,
        "'until' at /until is the document's own name for the IRI of the term 'validUntil'",
        id="second-term-for-a-published-iri",
    ),
    pytest.param(
        lambda: _nested({"rank": f"{EX}grade"}),
        JsonLdError,
        "/credentialSubject/@context redefines the term 'rank'",
        id="embedded-context-redefines-an-inline-term",
    ),
    pytest.param(
        lambda: _with({"a": f"{EX}p", "b": f"{EX}p"}, a="x"),
        UndefinedTermError,
        "own name for the IRI of the term 'b'",
        id="two-inline-terms-for-one-iri",
    ),
    pytest.param(
        lambda: _with(
            {"Honours": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#OpenBadgeCredential"},
            type=["VerifiableCredential", "Honours"],
        ),
        UndefinedTermError,
        "'Honours' at /type",
        id="second-name-for-a-published-type",
    ),
    pytest.param(
        lambda: _with({"rank": "rank"}, rank="x"),
        JsonLdError,
        "invalid IRI mapping",
        id="relative-iri",
    ),
    pytest.param(
        lambda: _with({"@vocab": None, "rank": "rank"}, rank="x"),
        JsonLdError,
        "invalid IRI mapping",
        id="relative-iri-without-vocab",
    ),
    pytest.param(
        lambda: _with({"rank": "_:rank"}, rank="x"),
        JsonLdError,
        "not an absolute IRI",
        id="blank-node-property",
    ),
    pytest.param(
        lambda: _with({"rank": f"{ISSUER_DEPENDENT}rank"}, rank="x"),
        JsonLdError,
        "vocabulary for undefined terms",
        id="term-in-the-undefined-vocabulary",
    ),
    pytest.param(
        lambda: _with(
            {"@vocab": ISSUER_DEPENDENT, "rank": {"@id": f"{EX}rank", "@type": "rankType"}},
            rank="x",
        ),
        JsonLdError,
        "types the values of 'rank'",
        id="coercion-to-an-undefined-type",
    ),
    pytest.param(
        lambda: _with({"rank": {"@id": f"{EX}rank", "@type": "rankType"}}, rank="x"),
        JsonLdError,
        "invalid type mapping",
        id="coercion-to-a-relative-iri",
    ),
    pytest.param(
        lambda: _with({"@base": "https://example.org/"}), JsonLdError, "sets @base", id="base"
    ),
    pytest.param(
        lambda: _with({"@language": "en"}), JsonLdError, "default @language", id="default-language"
    ),
    pytest.param(
        lambda: _with({"@direction": "rtl"}),
        JsonLdError,
        "default @direction",
        id="default-direction",
    ),
    pytest.param(
        lambda: _with({"ident": "@id"}), JsonLdError, "another name for @id", id="keyword-alias"
    ),
    pytest.param(
        # pyld would only warn and ignore the definition.
        lambda: _with({"rank": {"@id": "@rank"}}, rank="x"),
        JsonLdError,
        "another name for @rank",
        id="reserved-keyword-form",
    ),
    pytest.param(lambda: _with(None), JsonLdError, "/@context/2 is null", id="null-context-item"),
    pytest.param(
        lambda: _with(
            {"rank": {"@id": f"{EX}rank", "@context": None}}, rank={"id": "https://a.example/"}
        ),
        JsonLdError,
        "/@context/2/rank/@context is null",
        id="null-scoped-context",
    ),
    pytest.param(
        lambda: _with({"rev": {"@reverse": f"{EX}r"}}),
        JsonLdError,
        "reverse property",
        id="reverse-term",
    ),
    pytest.param(
        lambda: _with({"rank": {"@id": f"{EX}rank", "@container": "@index"}}, rank={"a": "x"}),
        JsonLdError,
        "@nest or @index",
        id="index-container",
    ),
    pytest.param(
        lambda: _with({"rank": {"@id": f"{EX}rank", "@nest": "@nest"}}),
        JsonLdError,
        "@nest or @index",
        id="nest-term",
    ),
    pytest.param(
        lambda: _with({"@foo": "x"}),
        JsonLdError,
        "'@foo', which is not a context keyword",
        id="unknown-keyword",
    ),
    pytest.param(
        lambda: _with({"@context": {"rank": f"{EX}rank"}, "rank": f"{EX}x"}),
        JsonLdError,
        "accepted only as the one key of a wrapped context",
        id="wrapped-context-with-other-keys",
    ),
]


def _nested(embedded: Any) -> dict[str, Any]:
    doc = _with({"rank": f"{EX}rank"}, rank="1st")
    doc["credentialSubject"].update({"@context": embedded, "rank": "2nd"})
    return doc


def test_an_embedded_context_may_repeat_an_inline_term_identically() -> None:
    assert f'<{EX}rank> "2nd" .' in canonicalize(_nested({"rank": f"{EX}rank"}))


def _with_ob301(context: Any) -> dict[str, Any]:
    doc = vc11_badge(OB_301)  # OB 3.0.1 only fits the VC 1.1 context
    doc["@context"].append(context)
    return doc


@pytest.mark.parametrize(("make", "error", "said"), REFUSED)
def test_refused(make: Callable[[], dict[str, Any]], error: type[Exception], said: str) -> None:
    with pytest.raises(error) as caught:
        expand_strict(make())
    assert said in str(caught.value)


@pytest.mark.parametrize(
    ("context", "url"),
    [
        pytest.param(
            {"@import": "https://evil.example/ctx"}, "https://evil.example/ctx", id="import"
        ),
        pytest.param(
            {"rank": {"@id": f"{EX}rank", "@context": "https://evil.example/scoped"}},
            "https://evil.example/scoped",
            id="scoped-context-url",
        ),
        pytest.param(
            {"rank": {"@id": f"{EX}rank", "@context": ["https://evil.example/list"]}},
            "https://evil.example/list",
            id="scoped-context-list",
        ),
    ],
)
def test_an_inline_context_reaches_only_shipped_contexts(context: Any, url: str) -> None:
    with pytest.raises(ContextNotAllowedError) as caught:
        expand_strict(_with(context, rank={"id": "https://a.example/"}))
    assert caught.value.url == url


def test_an_inline_type_scoped_context_is_processed_once_not_per_node(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # pyld gives every node a fresh context to apply a type-scoped context to, so without the
    # processor's memo a document could make it process a large context once per node.
    scoped = {f"p{i}": f"{EX}p{i}" for i in range(50)}
    doc = _with(
        {
            "Item": {"@id": f"{EX}Item", "@context": scoped},
            "items": {"@id": f"{EX}items", "@container": "@set"},
        },
        items=[{"type": "Item", "p1": str(i)} for i in range(200)],
    )
    processed: list[object] = []
    original = expand._pyld_process_context

    def counting(self: Any, active_ctx: Any, local_ctx: Any, *args: Any, **kwargs: Any) -> Any:
        processed.append(local_ctx)
        return original(self, active_ctx, local_ctx, *args, **kwargs)

    monkeypatch.setattr(expand, "_pyld_process_context", counting)
    assert canonicalize(doc).count(f"<{EX}p1>") == 200
    assert sum(1 for c in processed if isinstance(c, dict) and "p1" in c) <= 3
