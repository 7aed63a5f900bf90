"""Data-model checks: VC 2.0 / VC 1.1 rules and the OB 3.0 shape, on hand-made documents."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from leadbadge.conformance.rules import (
    OB_CONTEXT_URL,
    OB_EXTENSIONS_CONTEXT_URL,
    VC_V1_CONTEXT_URL,
    VC_V2_CONTEXT_URL,
    ConformanceProblem,
    check_credential_shape,
    detect_versions,
    is_absolute_iri,
    is_date_time_stamp,
)


def _vc() -> dict[str, Any]:
    return {
        "@context": [VC_V2_CONTEXT_URL],
        "type": ["VerifiableCredential"],
        "issuer": "https://issuer.example.org",
        "credentialSubject": {"id": "did:example:subject"},
    }


def _open_badge() -> dict[str, Any]:
    achievement_id = "https://issuer.example.org/achievements/initial.json"
    rd_id = f"{achievement_id}#planning"
    return {
        "@context": [VC_V2_CONTEXT_URL, OB_CONTEXT_URL],
        "id": "urn:uuid:0b2b4f3c-5d7e-4a59-9f43-2f6f6ad0b0a1",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:web:issuer.example.org", "type": ["Profile"], "name": "Academy"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "sha256$" + "ab" * 32,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": "pepper",
                }
            ],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "name": "Initial",
                "description": "First tier.",
                "criteria": {"narrative": "Do the work."},
                "achievementType": "Certification",
                "resultDescription": [
                    {
                        "id": rd_id,
                        "type": ["ResultDescription"],
                        "name": "Planning",
                        "resultType": "RubricCriterionLevel",
                        "rubricCriterionLevel": [
                            {"id": f"{rd_id}/low", "type": ["RubricCriterionLevel"], "name": "Low"},
                            {
                                "id": f"{rd_id}/high",
                                "type": ["RubricCriterionLevel"],
                                "name": "High",
                            },
                        ],
                        "requiredLevel": f"{rd_id}/high",
                    }
                ],
            },
            "result": [
                {"type": ["Result"], "resultDescription": rd_id, "achievedLevel": f"{rd_id}/high"}
            ],
        },
    }


def _errors(doc: Any, **kwargs: Any) -> list[ConformanceProblem]:
    return [p for p in check_credential_shape(doc, **kwargs) if p.severity == "error"]


def _warnings(doc: Any) -> list[ConformanceProblem]:
    return [p for p in check_credential_shape(doc) if p.severity == "warning"]


def _paths(problems: list[ConformanceProblem]) -> set[str]:
    return {p.path for p in problems}


def test_a_minimal_vc_2_credential_conforms() -> None:
    assert check_credential_shape(_vc()) == []


def test_a_complete_open_badge_conforms_without_warnings() -> None:
    assert check_credential_shape(_open_badge(), require_open_badge=True) == []


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
    doc = _vc()
    doc["@context"] = ["https://www.w3.org/ns/credentials/examples/v2", VC_V2_CONTEXT_URL]
    assert _paths(_errors(doc)) == {"/@context/0"}


def test_a_single_context_string_is_only_a_warning() -> None:
    doc = _vc()
    doc["@context"] = VC_V2_CONTEXT_URL
    assert _errors(doc) == []
    assert _paths(_warnings(doc)) == {"/@context"}


@pytest.mark.parametrize("bad", [123, None, ["nested"], "not a url"])
def test_context_items_must_be_urls_or_objects(bad: Any) -> None:
    doc = _vc()
    doc["@context"] = [VC_V2_CONTEXT_URL, bad]
    assert _paths(_errors(doc)) == {"/@context/1"}


def test_an_inline_term_mapped_to_a_non_iri_is_an_error() -> None:
    doc = _vc()
    doc["@context"] = [VC_V2_CONTEXT_URL, {"Thing": {"@id": "not an iri"}, "ok": "ex:ok"}]
    assert _paths(_errors(doc)) == {"/@context/1/Thing"}


# --- identifiers, types, issuer, subject ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org/a?b#c", True),
        ("http://localhost:8000/x", True),
        ("did:web:example.org", True),
        ("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", True),
        ("urn:uuid:0b2b4f3c-5d7e-4a59-9f43-2f6f6ad0b0a1", True),
        ("mailto:a@example.org", True),
        ("https://", False),
        ("https:example.org", False),
        ("https ://example.org", False),
        ("https://exa mple.org", False),
        ("did:example", False),
        ("did:Web:example.org", False),
        ("example.org/path", False),
        ("", False),
        (None, False),
        (42, False),
    ],
)
def test_is_absolute_iri(value: Any, expected: bool) -> None:
    assert is_absolute_iri(value) is expected


@pytest.mark.parametrize(
    ("key", "value"),
    [("id", ["https://a.example", "https://b.example"]), ("id", "no-scheme"), ("id", None)],
)
def test_credential_id_must_be_one_url(key: str, value: Any) -> None:
    doc = _vc()
    doc[key] = value
    assert _paths(_errors(doc)) == {"/id"}


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
    doc = _vc()
    doc["type"] = types
    assert path in _paths(_errors(doc))


def test_the_expanded_vc_type_iri_counts_as_verifiable_credential() -> None:
    doc = _vc()
    doc["type"] = "https://www.w3.org/2018/credentials#VerifiableCredential"
    assert _errors(doc) == []


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
    doc = _vc()
    doc["issuer"] = issuer
    assert _paths(_errors(doc)) == {path}


def test_missing_issuer_and_subject_are_errors() -> None:
    doc = _vc()
    del doc["issuer"], doc["credentialSubject"]
    assert _paths(_errors(doc)) == {"/issuer", "/credentialSubject"}


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
    doc = _vc()
    doc["credentialSubject"] = subject
    assert path in _paths(_errors(doc))


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
    doc = _vc()
    doc["name"] = value
    doc["description"] = value
    assert _errors(doc) == []


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
def test_bad_language_values_are_errors(value: Any) -> None:
    doc = _vc()
    doc["description"] = value
    assert _paths(_errors(doc)) == {"/description"}


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
    doc = _vc()
    doc[key] = value
    assert path in _paths(_errors(doc))


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-31T09:00:00Z",
        "2026-01-31T09:00:00.123456Z",
        "2026-01-31T09:00:00-06:00",
        "2026-01-31T09:00:00+14:00",
        "2024-02-29T00:00:00Z",
        "2000-02-29T00:00:00Z",
        "2026-01-31T24:00:00Z",
        "12026-01-01T00:00:00Z",
        "-0044-03-15T12:00:00Z",
    ],
)
def test_valid_date_time_stamps(value: str) -> None:
    assert is_date_time_stamp(value)


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-31T09:00:00",
        "2026-01-31",
        "2026-01-31 09:00:00Z",
        "2026-01-31t09:00:00z",
        "2026-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-01-31T09:60:00Z",
        "2026-01-31T09:00:00+14:30",
        "2026-01-31T09:00:00+0600",
        "26-01-31T09:00:00Z",
        "Sat 25 Feb 2023 07:16:31 PM CST",
        1700000000,
        None,
    ],
)
def test_invalid_date_time_stamps(value: Any) -> None:
    assert not is_date_time_stamp(value)


def test_valid_until_before_valid_from_is_a_range_error() -> None:
    doc = _vc()
    doc["validFrom"] = "2026-01-02T00:00:00Z"
    doc["validUntil"] = "2026-01-01T23:59:59.999Z"
    assert [(p.path, p.problem_type) for p in check_credential_shape(doc)] == [
        ("/validUntil", "RANGE_ERROR")
    ]


def test_validity_order_compares_instants_across_time_zones() -> None:
    doc = _vc()
    # 01:00+02:00 is 23:00Z the day before: the same instant, so the period is not inverted.
    doc["validFrom"] = "2026-01-01T23:00:00Z"
    doc["validUntil"] = "2026-01-02T01:00:00+02:00"
    assert check_credential_shape(doc) == []
    doc["validUntil"] = "2026-01-02T00:59:59+02:00"
    assert _paths(_errors(doc)) == {"/validUntil"}


def test_dates_without_a_time_zone_are_errors() -> None:
    doc = _vc()
    doc["validFrom"] = "2026-01-01T00:00:00"
    doc["validUntil"] = "2027-01-01"
    assert _paths(_errors(doc)) == {"/validFrom", "/validUntil"}


def test_vc_1_1_form_is_a_warning_and_needs_an_issuance_date() -> None:
    doc = _vc()
    doc["@context"] = [VC_V1_CONTEXT_URL]
    assert _paths(_errors(doc)) == {"/issuanceDate"}
    doc["issuanceDate"] = "2020-01-01T00:00:00Z"
    doc["expirationDate"] = "2019-01-01T00:00:00Z"
    assert _paths(_errors(doc)) == {"/expirationDate"}
    doc["expirationDate"] = "2030-01-01T00:00:00Z"
    assert _errors(doc) == []
    assert _paths(_warnings(doc)) == {"/@context/0"}


def test_vc_1_1_date_properties_in_a_vc_2_credential_are_warnings() -> None:
    doc = _vc()
    doc["issuanceDate"] = "2020-01-01T00:00:00Z"
    assert _errors(doc) == []
    assert _paths(_warnings(doc)) == {"/issuanceDate"}


# --- Open Badges 3.0 ------------------------------------------------------------------------


def test_require_open_badge_rejects_other_credentials() -> None:
    assert _errors(_vc()) == []
    assert _paths(_errors(_vc(), require_open_badge=True)) == {"/type"}


def test_achievement_credential_is_an_open_badge_type_too() -> None:
    doc = _open_badge()
    doc["type"] = ["VerifiableCredential", "AchievementCredential"]
    assert check_credential_shape(doc, require_open_badge=True) == []


def test_open_badge_needs_the_ob_context_id_and_valid_from() -> None:
    doc = _open_badge()
    doc["@context"] = [VC_V2_CONTEXT_URL]
    del doc["id"], doc["validFrom"]
    assert _paths(_errors(doc)) == {"/@context", "/id", "/validFrom"}


def test_an_older_ob_context_or_position_is_a_warning() -> None:
    doc = _open_badge()
    doc["@context"] = [
        VC_V2_CONTEXT_URL,
        "https://example.org/other",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    ]
    assert _errors(doc) == []
    assert [p.path for p in _warnings(doc)] == ["/@context/2", "/@context/2"]


def test_extension_types_without_the_extensions_context_are_flagged() -> None:
    doc = _open_badge()
    doc["credentialSchema"] = [
        {
            "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
            "type": "1EdTechJsonSchemaValidator2019",
        }
    ]
    assert _paths(_warnings(doc)) == {"/credentialSchema/0/type"}
    doc["@context"] = [*doc["@context"], OB_EXTENSIONS_CONTEXT_URL]
    assert check_credential_shape(doc) == []


def test_a_subject_without_id_or_identifier_is_only_a_warning() -> None:
    doc = _open_badge()
    del doc["credentialSubject"]["identifier"]
    assert _errors(doc) == []
    assert _paths(_warnings(doc)) == {"/credentialSubject"}
    doc["credentialSubject"]["id"] = "did:example:learner"
    assert check_credential_shape(doc) == []


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"identityHash": "sha256$abc"}, "/credentialSubject/identifier/0/identityHash"),
        ({"identityHash": "sha1$" + "a" * 40}, "/credentialSubject/identifier/0/identityHash"),
        ({"hashed": "true"}, "/credentialSubject/identifier/0/hashed"),
        ({"type": "Identity"}, "/credentialSubject/identifier/0/type"),
        ({"identityType": None}, "/credentialSubject/identifier/0/identityType"),
        ({"salt": 5}, "/credentialSubject/identifier/0/salt"),
    ],
)
def test_identity_object_errors(change: dict[str, Any], path: str) -> None:
    doc = _open_badge()
    doc["credentialSubject"]["identifier"][0].update(change)
    assert path in _paths(_errors(doc))


def test_identity_hash_forms_the_spec_allows() -> None:
    doc = _open_badge()
    identity = doc["credentialSubject"]["identifier"][0]
    for value in ("sha256$" + "AB" * 32, "md5$" + "0f" * 16):
        identity["identityHash"] = value
        assert check_credential_shape(doc) == []
    identity.update({"hashed": False, "identityHash": "learner@example.org"})
    assert check_credential_shape(doc) == []
    identity["identityType"] = "email"
    assert _paths(_warnings(doc)) == {"/credentialSubject/identifier/0/identityType"}


@pytest.mark.parametrize(
    ("path_to_delete", "reported"),
    [
        (("achievement",), "/credentialSubject/achievement"),
        (("achievement", "id"), "/credentialSubject/achievement/id"),
        (("achievement", "name"), "/credentialSubject/achievement/name"),
        (("achievement", "description"), "/credentialSubject/achievement/description"),
        (("achievement", "criteria"), "/credentialSubject/achievement/criteria"),
        (("type",), "/credentialSubject/type"),
    ],
)
def test_achievement_subject_required_parts(path_to_delete: tuple[str, ...], reported: str) -> None:
    doc = _open_badge()
    node = doc["credentialSubject"]
    for key in path_to_delete[:-1]:
        node = node[key]
    del node[path_to_delete[-1]]
    assert reported in _paths(_errors(doc))


@pytest.mark.parametrize(
    ("key", "value", "path"),
    [
        ("resultType", None, "/resultType"),
        ("name", None, "/name"),
        ("id", "not-a-uri", "/id"),
        ("type", ["Result"], "/type"),
    ],
)
def test_result_description_errors(key: str, value: Any, path: str) -> None:
    doc = _open_badge()
    rd = doc["credentialSubject"]["achievement"]["resultDescription"][0]
    if value is None:
        del rd[key]
    else:
        rd[key] = value
    expected = "/credentialSubject/achievement/resultDescription/0" + path
    assert expected in _paths(_errors(doc))


def test_dangling_result_references_are_warnings() -> None:
    doc = _open_badge()
    result = doc["credentialSubject"]["result"][0]
    result["achievedLevel"] = result["resultDescription"] + "/elsewhere"
    assert [p.path for p in check_credential_shape(doc)] == [
        "/credentialSubject/result/0/achievedLevel"
    ]
    result["resultDescription"] = "urn:uuid:00000000-0000-0000-0000-000000000000"
    assert [p.path for p in check_credential_shape(doc)] == [
        "/credentialSubject/result/0/resultDescription"
    ]


def test_ob_typed_objects() -> None:
    doc = _open_badge()
    doc["evidence"] = [{"type": ["Evidence"]}, {"type": ["Proof"]}]
    doc["issuer"]["type"] = ["Organization"]
    doc["issuer"]["parentOrg"] = {"id": "https://parent.example", "type": "Thing"}
    doc["issuer"]["otherIdentifier"] = [{"type": "IdentifierEntry", "identifier": "1"}]
    achievement = doc["credentialSubject"]["achievement"]
    achievement["alignment"] = [{"type": ["Alignment"], "targetName": "x", "targetUrl": "x"}]
    doc["credentialSubject"]["source"] = {"id": "https://school.example", "type": ["School"]}
    doc["credentialSubject"]["creditsEarned"] = "3"
    assert _paths(_errors(doc)) == {
        "/evidence/1/type",
        "/issuer/type",
        "/issuer/parentOrg/type",
        "/issuer/otherIdentifier/0/identifierType",
        "/credentialSubject/achievement/alignment/0/targetUrl",
        "/credentialSubject/source/type",
        "/credentialSubject/creditsEarned",
    }


def test_unknown_enumeration_terms_are_warnings_and_ext_terms_are_fine() -> None:
    doc = _open_badge()
    achievement = doc["credentialSubject"]["achievement"]
    achievement["achievementType"] = "Diplomma"
    assert _paths(_warnings(doc)) == {"/credentialSubject/achievement/achievementType"}
    achievement["achievementType"] = "ext:LeadershipTier"
    assert check_credential_shape(doc) == []


def test_paths_are_json_pointers_with_escaping() -> None:
    doc = _vc()
    doc["@context"] = [VC_V2_CONTEXT_URL, {"a/b~c": "not an iri"}]
    assert _paths(_errors(doc)) == {"/@context/1/a~1b~0c"}


def test_the_check_does_not_modify_the_document() -> None:
    doc = _open_badge()
    doc["credentialSubject"]["result"][0]["achievedLevel"] = "urn:x:y"
    before = copy.deepcopy(doc)
    check_credential_shape(doc)
    assert doc == before


def test_problems_read_as_one_line() -> None:
    doc = _vc()
    del doc["type"]
    (problem,) = check_credential_shape(doc)
    assert str(problem) == "error: /type: The type property is missing."
