"""VC 2.0 / VC 1.1 data-model rules, on hand-made documents."""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadbadge.conformance.ob import OB_CONTEXT_URL
from leadbadge.conformance.vc import (
    VC_V1_CONTEXT_URL,
    VC_V2_CONTEXT_URL,
    check_credential_shape,
    detect_versions,
)
from tests.unit.conformance._documents import (
    errors_of,
    open_badge,
    paths_of,
    vc_credential,
    warnings_of,
)


def test_a_minimal_vc_2_credential_conforms() -> None:
    assert check_credential_shape(vc_credential()) == []


def test_a_complete_open_badge_conforms_withoutwarnings_of() -> None:
    assert check_credential_shape(open_badge(), require_open_badge=True) == []


def test_not_an_object_is_a_parsing_error() -> None:
    problems = check_credential_shape(["not", "a", "credential"])  # type: ignore[arg-type]
    assert [(p.path, p.problem_type) for p in problems] == [("", "PARSING_ERROR")]


# --- versions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("contexts", "expected"),
    [
        ([VC_V2_CONTEXT_URL, OB_CONTEXT_URL], ("2.0", "3.0.3")),
        (
            [VC_V2_CONTEXT_URL, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"],
            ("2.0", "3.0.2"),
        ),
        (
            [VC_V1_CONTEXT_URL, "https://purl.imsglobal.org/spec/ob/v3p0/context.json"],
            ("1.1", "3.0.0"),
        ),
        (
            [VC_V1_CONTEXT_URL, "https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld"],
            ("1.1", "3.0.0"),
        ),
        (
            [
                VC_V1_CONTEXT_URL,
                "https://imsglobal.github.io/openbadges-specification/ob_v3p0.html",
            ],
            ("1.1", "3.0-beta"),
        ),
        (VC_V2_CONTEXT_URL, ("2.0", None)),
        ([OB_CONTEXT_URL, VC_V2_CONTEXT_URL], ("2.0", "3.0.3")),
        (["https://example.org/context"], (None, None)),
        (None, (None, None)),
    ],
)
def test_detect_versions(contexts: Any, expected: tuple[str | None, str | None]) -> None:
    doc: dict[str, Any] = {} if contexts is None else {"@context": contexts}
    assert detect_versions(doc) == expected


# --- contexts -----------------------------------------------------------------------------


def test_the_v2_context_must_come_first() -> None:
    doc = vc_credential()
    doc["@context"] = ["https://www.w3.org/ns/credentials/examples/v2", VC_V2_CONTEXT_URL]
    assert paths_of(errors_of(doc)) == {"/@context/0"}


def test_a_single_context_string_is_only_a_warning() -> None:
    doc = vc_credential()
    doc["@context"] = VC_V2_CONTEXT_URL
    assert errors_of(doc) == []
    assert paths_of(warnings_of(doc)) == {"/@context"}


@pytest.mark.parametrize("bad", [123, None, ["nested"], "not a url"])
def test_context_items_must_be_urls_or_objects(bad: Any) -> None:
    doc = vc_credential()
    doc["@context"] = [VC_V2_CONTEXT_URL, bad]
    assert paths_of(errors_of(doc)) == {"/@context/1"}


def test_an_inline_term_mapped_to_a_non_iri_is_an_error() -> None:
    doc = vc_credential()
    doc["@context"] = [VC_V2_CONTEXT_URL, {"Thing": {"@id": "not an iri"}, "ok": "ex:ok"}]
    assert paths_of(errors_of(doc)) == {"/@context/1/Thing"}


def test_a_wrapped_inline_context_is_checked_inside() -> None:
    doc = vc_credential()
    doc["@context"] = [VC_V2_CONTEXT_URL, {"@context": {"Thing": "not an iri", "ok": "ex:ok"}}]
    assert paths_of(errors_of(doc)) == {"/@context/1/@context/Thing"}
    doc["@context"] = [VC_V2_CONTEXT_URL, {"@context": {"Thing": "https://example.org/#Thing"}}]
    assert errors_of(doc) == []


# --- identifiers, types, issuer, subject ----------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value"),
    [("id", ["https://a.example", "https://b.example"]), ("id", "no-scheme"), ("id", None)],
)
def test_credential_id_must_be_one_url(key: str, value: Any) -> None:
    doc = vc_credential()
    doc[key] = value
    assert paths_of(errors_of(doc)) == {"/id"}


@pytest.mark.parametrize(
    ("types", "path"),
    [
        (["ExampleCredential"], "/type"),
        ([], "/type"),
        (["VerifiableCredential", 7], "/type/1"),
        (["VerifiableCredential", "has space"], "/type/1"),
    ],
)
def test_credential_types(types: Any, path: str) -> None:
    doc = vc_credential()
    doc["type"] = types
    assert path in paths_of(errors_of(doc))


def test_the_expanded_vc_type_iri_counts_as_verifiable_credential() -> None:
    doc = vc_credential()
    doc["type"] = "https://www.w3.org/2018/credentials#VerifiableCredential"
    assert errors_of(doc) == []


@pytest.mark.parametrize(
    ("issuer", "path"),
    [
        ("fake-issuer", "/issuer"),
        (None, "/issuer"),
        ({"name": "No id"}, "/issuer/id"),
        ({"id": "fake"}, "/issuer/id"),
        ({"id": "https://i.example", "name": {"@value": "x", "extra": 1}}, "/issuer/name"),
    ],
)
def test_issuer_must_be_a_url_or_an_object_with_a_url_id(issuer: Any, path: str) -> None:
    doc = vc_credential()
    doc["issuer"] = issuer
    assert paths_of(errors_of(doc)) == {path}


def test_missing_issuer_and_subject_areerrors_of() -> None:
    doc = vc_credential()
    del doc["issuer"], doc["credentialSubject"]
    assert paths_of(errors_of(doc)) == {"/issuer", "/credentialSubject"}


@pytest.mark.parametrize(
    ("subject", "path"),
    [
        ({}, "/credentialSubject"),
        ([], "/credentialSubject"),
        ([{"id": "did:example:a"}, {}], "/credentialSubject/1"),
        ("did:example:a", "/credentialSubject"),
        ({"id": ["did:example:a", "did:example:b"]}, "/credentialSubject/id"),
    ],
)
def test_subjects_must_be_objects_with_claims(subject: Any, path: str) -> None:
    doc = vc_credential()
    doc["credentialSubject"] = subject
    assert path in paths_of(errors_of(doc))


@pytest.mark.parametrize(
    "value",
    [
        "Plain",
        {"@value": "Chien", "@language": "fr"},
        {"@value": "Dog", "@language": "en-GB", "@direction": "ltr"},
        [{"@value": "Dog", "@language": "en"}, {"@value": "Perro", "@language": "es"}],
    ],
)
def test_names_may_be_strings_or_language_values(value: Any) -> None:
    doc = vc_credential()
    doc["name"] = value
    doc["description"] = value
    assert errors_of(doc) == []


@pytest.mark.parametrize(
    "value",
    [
        {"@value": "x", "url": "https://example.org"},
        {"@value": 3},
        {"@value": "x", "@language": "not a tag"},
        {"@value": "x", "@direction": "up"},
        7,
    ],
)
def test_bad_language_values_areerrors_of(value: Any) -> None:
    doc = vc_credential()
    doc["description"] = value
    assert paths_of(errors_of(doc)) == {"/description"}


@pytest.mark.parametrize(
    ("key", "value", "path"),
    [
        ("evidence", {}, "/evidence/type"),
        ("evidence", [{"type": "E"}, {"id": "https://e.example"}], "/evidence/1/type"),
        ("termsOfUse", {"id": "did:example:t"}, "/termsOfUse/type"),
        ("refreshService", {"id": "https://r.example"}, "/refreshService/type"),
        ("proof", {"proofValue": "z"}, "/proof/type"),
        ("credentialStatus", {"id": "did:example:s"}, "/credentialStatus/type"),
        ("credentialStatus", {"type": "S", "id": ["a:b", "c:d"]}, "/credentialStatus/id"),
        ("credentialStatus", {"type": 2}, "/credentialStatus/type"),
        ("credentialSchema", {"type": "S"}, "/credentialSchema/id"),
        ("credentialSchema", {"id": "https://s.example"}, "/credentialSchema/type"),
        ("credentialSchema", {"id": "https ://s", "type": "S"}, "/credentialSchema/id"),
        ("relatedResource", {"id": "https://r.example"}, "/relatedResource"),
        ("evidence", "https://e.example", "/evidence"),
    ],
)
def test_typed_objects_need_a_type_and_url_ids(key: str, value: Any, path: str) -> None:
    doc = vc_credential()
    doc[key] = value
    assert path in paths_of(errors_of(doc))


def test_valid_until_before_valid_from_is_a_range_error() -> None:
    doc = vc_credential()
    doc["validFrom"] = "2026-01-02T00:00:00Z"
    doc["validUntil"] = "2026-01-01T23:59:59.999Z"
    assert [(p.path, p.problem_type) for p in check_credential_shape(doc)] == [
        ("/validUntil", "RANGE_ERROR")
    ]


def test_validity_order_compares_instants_across_time_zones() -> None:
    doc = vc_credential()
    # 01:00+02:00 is 23:00Z the day before: the same instant, so the period is not inverted.
    doc["validFrom"] = "2026-01-01T23:00:00Z"
    doc["validUntil"] = "2026-01-02T01:00:00+02:00"
    assert check_credential_shape(doc) == []
    doc["validUntil"] = "2026-01-02T00:59:59+02:00"
    assert paths_of(errors_of(doc)) == {"/validUntil"}


@pytest.mark.parametrize(
    ("start", "end", "inverted"),
    [
        ("00:00:00.5Z", "00:00:00.10Z", True),  # 0.5 s is later than 0.10 s
        ("00:00:00.5Z", "00:00:00.50Z", False),  # the same instant
        ("00:00:00.05Z", "00:00:00.5Z", False),
        ("00:00:00.0001Z", "00:00:00Z", True),
        ("00:00:00Z", "00:00:00.000Z", False),
        ("00:00:00.9Z", "00:00:00.89Z", True),
        ("00:00:00.999999999999Z", "00:00:01Z", False),
        ("00:00:01.5+00:01", "00:00:00.25-00:00", False),  # 00:00:01.5 is 23:59:01.5 the day before
    ],
)
def test_validity_order_compares_fractions_of_a_second_exactly(
    start: str, end: str, inverted: bool
) -> None:
    doc = vc_credential()
    doc["validFrom"] = "2026-01-01T" + start
    doc["validUntil"] = "2026-01-01T" + end
    assert paths_of(errors_of(doc)) == ({"/validUntil"} if inverted else set())


@given(
    st.tuples(st.integers(0, 59), st.text("0123456789", max_size=8)),
    st.tuples(st.integers(0, 59), st.text("0123456789", max_size=8)),
)
def test_validity_order_agrees_with_exact_arithmetic(
    start: tuple[int, str], end: tuple[int, str]
) -> None:
    def stamp(second: int, digits: str) -> str:
        return f"2026-01-01T00:00:{second:02d}{'.' + digits if digits else ''}Z"

    def exact(second: int, digits: str) -> Fraction:
        return second + Fraction(int(digits or "0"), 10 ** len(digits))

    doc = vc_credential()
    doc["validFrom"], doc["validUntil"] = stamp(*start), stamp(*end)
    inverted = exact(*start) > exact(*end)
    assert paths_of(errors_of(doc)) == ({"/validUntil"} if inverted else set())


def test_dates_without_a_time_zone_areerrors_of() -> None:
    doc = vc_credential()
    doc["validFrom"] = "2026-01-01T00:00:00"
    doc["validUntil"] = "2027-01-01"
    assert paths_of(errors_of(doc)) == {"/validFrom", "/validUntil"}


def test_vc_1_1_form_is_a_warning_and_needs_an_issuance_date() -> None:
    doc = vc_credential()
    doc["@context"] = [VC_V1_CONTEXT_URL]
    assert paths_of(errors_of(doc)) == {"/issuanceDate"}
    doc["issuanceDate"] = "2020-01-01T00:00:00Z"
    doc["expirationDate"] = "2019-01-01T00:00:00Z"
    assert paths_of(errors_of(doc)) == {"/expirationDate"}
    doc["expirationDate"] = "2030-01-01T00:00:00Z"
    assert errors_of(doc) == []
    assert paths_of(warnings_of(doc)) == {"/@context/0"}


def test_vc_1_1_date_properties_in_a_vc_2_credential_arewarnings_of() -> None:
    doc = vc_credential()
    doc["issuanceDate"] = "2020-01-01T00:00:00Z"
    assert errors_of(doc) == []
    assert paths_of(warnings_of(doc)) == {"/issuanceDate"}


def test_paths_are_json_pointers_with_escaping() -> None:
    doc = vc_credential()
    doc["@context"] = [VC_V2_CONTEXT_URL, {"a/b~c": "not an iri"}]
    assert paths_of(errors_of(doc)) == {"/@context/1/a~1b~0c"}


def test_the_check_does_not_modify_the_document() -> None:
    doc = open_badge()
    doc["credentialSubject"]["result"][0]["achievedLevel"] = "urn:x:y"
    before = copy.deepcopy(doc)
    check_credential_shape(doc)
    assert doc == before


def test_a_related_resource_listed_twice_is_an_error() -> None:
    doc = vc_credential()
    first = {"id": "https://r.example/a", "digestSRI": "sha384-" + "A" * 64}
    doc["relatedResource"] = [
        first,
        {"id": "https://r.example/b", "digestSRI": "sha384-" + "B" * 64},
    ]
    assert errors_of(doc) == []
    doc["relatedResource"].append({**first, "digestSRI": "sha384-" + "C" * 64})
    (error,) = errors_of(doc)
    assert error.path == "/relatedResource/2/id"
    assert "listed twice (first at /relatedResource/0)" in error.message
