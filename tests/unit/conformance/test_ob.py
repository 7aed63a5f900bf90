"""The Open Badges 3.0 shape (OB 3.0 Appendix B), on hand-made documents."""

from __future__ import annotations

from typing import Any

import pytest

from leadbadge.conformance.ob import OB_EXTENSIONS_CONTEXT_URL
from leadbadge.conformance.vc import VC_V2_CONTEXT_URL, check_credential_shape
from tests.unit.conformance._documents import (
    errors_of,
    open_badge,
    paths_of,
    vc_credential,
    warnings_of,
)

# --- Open Badges 3.0 ------------------------------------------------------------------------


def test_require_open_badge_rejects_other_credentials() -> None:
    assert errors_of(vc_credential()) == []
    assert paths_of(errors_of(vc_credential(), require_open_badge=True)) == {"/type"}


def test_achievement_credential_is_an_open_badge_type_too() -> None:
    doc = open_badge()
    doc["type"] = ["VerifiableCredential", "AchievementCredential"]
    assert check_credential_shape(doc, require_open_badge=True) == []


def test_open_badge_needs_the_ob_context_id_and_valid_from() -> None:
    doc = open_badge()
    doc["@context"] = [VC_V2_CONTEXT_URL]
    del doc["id"], doc["validFrom"]
    assert paths_of(errors_of(doc)) == {"/@context", "/id", "/validFrom"}


def test_an_older_ob_context_or_position_is_a_warning() -> None:
    doc = open_badge()
    doc["@context"] = [
        VC_V2_CONTEXT_URL,
        "https://example.org/other",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    ]
    assert errors_of(doc) == []
    assert [p.path for p in warnings_of(doc)] == ["/@context/2", "/@context/2"]


def test_extension_types_without_the_extensions_context_are_flagged() -> None:
    doc = open_badge()
    doc["credentialSchema"] = [
        {
            "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
            "type": "1EdTechJsonSchemaValidator2019",
        }
    ]
    assert paths_of(warnings_of(doc)) == {"/credentialSchema/0/type"}
    doc["@context"] = [*doc["@context"], OB_EXTENSIONS_CONTEXT_URL]
    assert check_credential_shape(doc) == []


@pytest.mark.parametrize("wrapped", [False, True])
def test_an_extension_type_an_inline_context_defines_is_not_flagged(wrapped: bool) -> None:
    doc = open_badge()
    doc["credentialSchema"] = [
        {"id": "https://example.org/schema.json", "type": "1EdTechJsonSchemaValidator2019"}
    ]
    inline = {"1EdTechJsonSchemaValidator2019": "https://example.org/#Validator"}
    doc["@context"] = [*doc["@context"], {"@context": inline} if wrapped else inline]
    assert check_credential_shape(doc) == []


def test_a_subject_without_id_or_identifier_is_only_a_warning() -> None:
    doc = open_badge()
    del doc["credentialSubject"]["identifier"]
    assert errors_of(doc) == []
    assert paths_of(warnings_of(doc)) == {"/credentialSubject"}
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
def test_identity_objecterrors_of(change: dict[str, Any], path: str) -> None:
    doc = open_badge()
    doc["credentialSubject"]["identifier"][0].update(change)
    assert path in paths_of(errors_of(doc))


def test_identity_hash_forms_the_spec_allows() -> None:
    doc = open_badge()
    identity = doc["credentialSubject"]["identifier"][0]
    for value in ("sha256$" + "AB" * 32, "md5$" + "0f" * 16):
        identity["identityHash"] = value
        assert check_credential_shape(doc) == []
    identity.update({"hashed": False, "identityHash": "learner@example.org"})
    assert check_credential_shape(doc) == []
    identity["identityType"] = "email"
    assert paths_of(warnings_of(doc)) == {"/credentialSubject/identifier/0/identityType"}


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
    doc = open_badge()
    node = doc["credentialSubject"]
    for key in path_to_delete[:-1]:
        node = node[key]
    del node[path_to_delete[-1]]
    assert reported in paths_of(errors_of(doc))


@pytest.mark.parametrize(
    ("key", "value", "path"),
    [
        ("resultType", None, "/resultType"),
        ("name", None, "/name"),
        ("id", "not-a-uri", "/id"),
        ("type", ["Result"], "/type"),
    ],
)
def test_result_descriptionerrors_of(key: str, value: Any, path: str) -> None:
    doc = open_badge()
    rd = doc["credentialSubject"]["achievement"]["resultDescription"][0]
    if value is None:
        del rd[key]
    else:
        rd[key] = value
    expected = "/credentialSubject/achievement/resultDescription/0" + path
    assert expected in paths_of(errors_of(doc))


def test_dangling_result_references_arewarnings_of() -> None:
    doc = open_badge()
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
    doc = open_badge()
    doc["evidence"] = [{"type": ["Evidence"]}, {"type": ["Proof"]}]
    doc["issuer"]["type"] = ["Organization"]
    doc["issuer"]["parentOrg"] = {"id": "https://parent.example", "type": "Thing"}
    doc["issuer"]["otherIdentifier"] = [{"type": "IdentifierEntry", "identifier": "1"}]
    achievement = doc["credentialSubject"]["achievement"]
    achievement["alignment"] = [{"type": ["Alignment"], "targetName": "x", "targetUrl": "x"}]
    doc["credentialSubject"]["source"] = {"id": "https://school.example", "type": ["School"]}
    doc["credentialSubject"]["creditsEarned"] = "3"
    assert paths_of(errors_of(doc)) == {
        "/evidence/1/type",
        "/issuer/type",
        "/issuer/parentOrg/type",
        "/issuer/otherIdentifier/0/identifierType",
        "/credentialSubject/achievement/alignment/0/targetUrl",
        "/credentialSubject/source/type",
        "/credentialSubject/creditsEarned",
    }


def test_unknown_enumeration_terms_are_warnings_and_ext_terms_are_fine() -> None:
    doc = open_badge()
    achievement = doc["credentialSubject"]["achievement"]
    achievement["achievementType"] = "Diplomma"
    assert paths_of(warnings_of(doc)) == {"/credentialSubject/achievement/achievementType"}
    achievement["achievementType"] = "ext:LeadershipTier"
    assert check_credential_shape(doc) == []


# --- values of the wrong JSON type: reported, never a crash ----------------------------------

_ACHIEVEMENT = "/credentialSubject/achievement"
_DESCRIPTION = f"{_ACHIEVEMENT}/resultDescription/0"
_RESULT = "/credentialSubject/result/0"


@pytest.mark.parametrize("value", [{"id": "urn:x:high"}, ["urn:x:high"], 7])
@pytest.mark.parametrize(
    ("where", "key"),
    [
        (_DESCRIPTION, "requiredLevel"),
        (_DESCRIPTION, "resultType"),
        (_RESULT, "resultDescription"),
        (_RESULT, "achievedLevel"),
        (_ACHIEVEMENT, "achievementType"),
    ],
)
def test_a_reference_or_term_that_is_not_a_string_is_an_error(
    where: str, key: str, value: Any
) -> None:
    doc = open_badge()
    node: Any = doc
    for part in where.strip("/").split("/"):
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[key] = value
    assert f"{where}/{key}" in paths_of(errors_of(doc))


@pytest.mark.parametrize(
    "value",
    [["Certification", {"a": 1}], ["Certification", ["Badge"]], {"type": "Certification"}],
)
def test_an_unhashable_achievement_type_is_an_error(value: Any) -> None:
    doc = open_badge()
    doc["credentialSubject"]["achievement"]["achievementType"] = value
    assert paths_of(errors_of(doc)) == {f"{_ACHIEVEMENT}/achievementType"}


@pytest.mark.parametrize("entry", [{"a": 1}, ["1EdTechRevocationList"]])
@pytest.mark.parametrize("key", ["credentialSchema", "credentialStatus", "refreshService"])
def test_an_unhashable_type_entry_is_an_error(key: str, entry: Any) -> None:
    doc = open_badge()
    doc[key] = [{"id": "https://issuer.example.org/x", "type": ["1EdTechRevocationList", entry]}]
    assert paths_of(errors_of(doc)) == {f"/{key}/0/type/1"}
