"""The credential builder: structure, recipient identity, evidence rules and typed input errors."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from leadbadge.conformance.vc import check_credential_shape
from leadbadge.errors import InputError, UnknownTierError
from leadbadge.model import Alignment, Framework, IssuerProfile
from leadbadge.pathway.credential import (
    OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL,
    Recipient,
    achievement_id,
    build_achievement,
    credential_matches_email,
    identity_hash,
    matches_identity,
    normalize_email,
    tier_id_from_achievement_id,
)
from leadbadge.pathway.evidence import EvidenceItem
from tests.conftest import FIXED_NOW
from tests.unit.pathway._sample import FRAMEWORK, ISSUER, TIER, build_sample, sample_evidence


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}/{index}")


def test_addresses_are_trimmed_and_lower_cased() -> None:
    assert normalize_email("  Ana.Ruiz+cert@Example.ORG\n") == "ana.ruiz+cert@example.org"
    assert Recipient(" Ana@Example.org ", "  Ana   Ruiz ") == Recipient(
        "ana@example.org", "Ana Ruiz"
    )


def test_a_blank_recipient_name_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        Recipient("ana@example.org", "   ")
    assert caught.value.field == "name"


# --- the credential -----------------------------------------------------------------------


def test_credential_outline() -> None:
    credential = build_sample()
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["id"] == "urn:uuid:6f1f0e52-92d8-4e58-a2a6-3c2d0c5d2f10"
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["name"] == "Initial Leadership Certification"
    assert credential["issuer"] == {
        "id": "did:web:academy.example.org",
        "type": ["Profile"],
        "name": "Example Academy",
        "url": "https://academy.example.org/leadership/",
        "email": "registrar@academy.example.org",
        "description": "A leadership academy.",
        "image": {"id": "https://academy.example.org/logo.png", "type": "Image"},
    }
    assert credential["validFrom"] == "2026-11-23T12:00:00Z"
    assert credential["validUntil"] == "2031-11-23T12:00:00Z"
    assert credential["awardedDate"] == "2026-11-23T12:00:00Z"
    assert "credentialSchema" not in credential
    assert "proof" not in credential


def test_recipient_identifiers() -> None:
    subject = build_sample()["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert "id" not in subject
    email, name = subject["identifier"]
    assert email == {
        "type": "IdentityObject",
        "identityHash": identity_hash("ana.ruiz@example.org", "pepper"),
        "identityType": "emailAddress",
        "hashed": True,
        "salt": "pepper",
    }
    assert name == {
        "type": "IdentityObject",
        "identityHash": "Ana Ruiz",
        "identityType": "name",
        "hashed": False,
    }
    assert not matches_identity(name, "Ana Ruiz")


def test_without_a_name_only_the_hashed_address_is_carried() -> None:
    subject = build_sample(recipient=Recipient("ana@example.org"))["credentialSubject"]
    assert [i["identityType"] for i in subject["identifier"]] == ["emailAddress"]


def test_a_verifier_recomputes_the_hash_from_what_the_educator_types() -> None:
    credential = build_sample(salt=None)
    salt = credential["credentialSubject"]["identifier"][0]["salt"]
    assert re.fullmatch(r"[0-9a-f]{32}", salt)
    assert credential_matches_email(credential, "Ana.Ruiz@Example.org ")
    assert not credential_matches_email(credential, "ana.ruiz@example.com")
    assert build_sample(salt=None)["credentialSubject"]["identifier"][0]["salt"] != salt


def test_achievement_describes_the_tier() -> None:
    achievement = build_sample()["credentialSubject"]["achievement"]
    achievement_url = "https://academy.example.org/leadership/achievements/initial.json"
    rd = f"{achievement_url}#time-management"
    assert achievement["id"] == achievement_url
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == TIER.name
    assert achievement["description"] == TIER.description
    assert achievement["criteria"] == {"narrative": TIER.criteria}
    assert achievement["achievementType"] == "Certification"
    assert achievement["humanCode"] == "initial"
    assert achievement["creditsAvailable"] == 15.0
    assert achievement["fieldOfStudy"] == "Educational Leadership"
    assert achievement["tag"] == ["leadership", "entry level"]
    assert achievement["alignment"] == [
        {
            "type": ["Alignment"],
            "targetName": "Operations and Management",
            "targetUrl": "https://www.npbea.org/psel/",
            "targetFramework": "Professional Standards for Educational Leaders 2015",
            "targetCode": "PSEL 9",
        }
    ]
    first, second = achievement["resultDescription"]
    assert first == {
        "id": rd,
        "type": ["ResultDescription"],
        "name": "Time Management",
        "resultType": "RubricCriterionLevel",
        "rubricCriterionLevel": [
            {
                "id": f"{rd}/developing",
                "type": ["RubricCriterionLevel"],
                "name": "Developing",
                "description": "Not yet.",
                "points": "1",
            },
            {
                "id": f"{rd}/proficient",
                "type": ["RubricCriterionLevel"],
                "name": "Proficient",
                "description": "Does it reliably.",
                "points": "2",
            },
            {"id": f"{rd}/exemplary", "type": ["RubricCriterionLevel"], "name": "Exemplary"},
        ],
        "requiredLevel": f"{rd}/proficient",
        "alignment": achievement["alignment"],
    }
    assert "requiredLevel" not in second
    assert "alignment" not in second


def test_the_achievement_is_the_same_for_every_recipient() -> None:
    one = build_sample()
    other = build_sample(
        recipient=Recipient("someone@example.net"),
        results={},
        credits=3,
        valid_from=FIXED_NOW + timedelta(days=40),
        salt=None,
        credential_id=None,
    )
    assert one["credentialSubject"]["achievement"] == other["credentialSubject"]["achievement"]
    assert one["credentialSubject"]["achievement"] == build_achievement(TIER, ISSUER.url)
    assert one["id"] != other["id"]


def test_credits() -> None:
    assert build_sample()["credentialSubject"]["creditsEarned"] == 15.0
    assert build_sample(credits=7.5)["credentialSubject"]["creditsEarned"] == 7.5
    assert build_sample(credits=0)["credentialSubject"]["creditsEarned"] == 0.0


def test_credential_schema_option_adds_the_extensions_context() -> None:
    credential = build_sample(credential_schema=True)
    assert credential["@context"][2] == "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
    assert credential["credentialSchema"] == [
        {"id": OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}
    ]


def test_dates_are_utc_seconds_and_defaults_follow_the_tier() -> None:
    eastern = timezone(timedelta(hours=-5))
    credential = build_sample(
        valid_from=datetime(2024, 2, 29, 19, 30, 15, 999999, tzinfo=eastern),
        awarded=datetime(2023, 6, 1, tzinfo=UTC),
    )
    assert credential["validFrom"] == "2024-03-01T00:30:15Z"
    assert credential["validUntil"] == "2029-03-01T00:30:15Z"
    assert credential["awardedDate"] == "2023-06-01T00:00:00Z"
    leap = build_sample(valid_from=datetime(2028, 2, 29, 12, tzinfo=UTC))
    assert leap["validUntil"] == "2033-02-28T12:00:00Z"
    explicit = build_sample(valid_until=datetime(2027, 1, 1, tzinfo=UTC))
    assert explicit["validUntil"] == "2027-01-01T00:00:00Z"


def test_empty_values_are_omitted_and_sets_are_arrays() -> None:
    credential = build_sample(
        issuer=IssuerProfile("https://academy.example.org", "A", "https://a.example")
    )
    for path, value in _walk(credential):
        assert value is not None, path
        assert value not in ("", [], {}), path
    set_valued = ("type", "identifier", "resultDescription", "rubricCriterionLevel", "evidence")
    # OB 3.0 gives IdentityObject a single type and Result a single resultDescription URI.
    single = re.compile(r"/identifier/\d+/type$|/result/\d+/resultDescription$")
    checked = 0
    for path, value in _walk(credential):
        if path.rsplit("/", 1)[-1] in set_valued and not single.search(path):
            assert isinstance(value, list), path
            checked += 1
    assert checked > 10
    assert set(credential["issuer"]) == {"id", "type", "name", "url"}


def test_output_is_plain_json() -> None:
    credential = build_sample()
    assert json.loads(json.dumps(credential)) == credential


def test_output_conforms_to_the_data_model_without_warnings() -> None:
    assert check_credential_shape(build_sample(), require_open_badge=True) == []
    assert check_credential_shape(build_sample(credential_schema=True)) == []


def test_achievement_ids_name_the_tier() -> None:
    url = achievement_id("https://academy.example.org/", "sped-director")
    assert url == "https://academy.example.org/achievements/sped-director.json"
    assert tier_id_from_achievement_id("https://academy.example.org", url) == "sped-director"
    assert tier_id_from_achievement_id("https://other.example.org", url) is None
    assert (
        tier_id_from_achievement_id(
            "https://academy.example.org", "https://academy.example.org/achievements/a/b.json"
        )
        is None
    )
    odd = achievement_id("https://academy.example.org", "tier/with space")
    assert odd == "https://academy.example.org/achievements/tier%2Fwith%20space.json"
    assert tier_id_from_achievement_id("https://academy.example.org", odd) == "tier/with space"


# --- typed input errors -------------------------------------------------------------------


def _replace_evidence(index: int, **fields: str) -> list[EvidenceItem]:
    items = sample_evidence()
    item = items[index]
    items[index] = EvidenceItem(
        item.requirement, item.name, item.narrative, item.url, fields=fields
    )
    return items


ERROR_CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "missing requirement",
        {"evidence": [e for e in sample_evidence() if e.requirement != "portfolio"]},
        "evidence[portfolio]",
    ),
    ("no evidence at all", {"evidence": []}, "evidence[internship]"),
    (
        "missing record field",
        {"evidence": _replace_evidence(0, mentor_name="Dr. Lee", hours="120")},
        "evidence[internship].mentor_role",
    ),
    (
        "blank record field",
        {"evidence": _replace_evidence(0, mentor_name=" ", mentor_role="P", hours="120")},
        "evidence[internship].mentor_name",
    ),
    (
        "too few hours",
        {"evidence": sample_evidence()[:1] + sample_evidence()[2:]},
        "evidence[internship].hours",
    ),
    (
        "hours not a number",
        {"evidence": _replace_evidence(1, mentor_name="L", mentor_role="P", hours="sixty")},
        "evidence[internship].hours",
    ),
    (
        "negative hours",
        {"evidence": _replace_evidence(1, mentor_name="L", mentor_role="P", hours="-60")},
        "evidence[internship].hours",
    ),
    (
        "unknown requirement",
        {"evidence": [*sample_evidence(), EvidenceItem("coursework", name="Course")]},
        "evidence[3].requirement",
    ),
    ("empty free evidence", {"evidence": [*sample_evidence(), EvidenceItem(None)]}, "evidence[3]"),
    (
        "not an evidence item",
        {"evidence": [*sample_evidence(), {"requirement": "portfolio"}]},
        "evidence[3]",
    ),
    ("unknown competency", {"results": {"budgeting": "proficient"}}, "results.budgeting"),
    ("unknown level", {"results": {"communication": "mastered"}}, "results.communication"),
    (
        "below the required level",
        {"results": {"time-management": "developing"}},
        "results.time-management",
    ),
    ("credits over the maximum", {"credits": 15.5}, "credits"),
    ("negative credits", {"credits": -1}, "credits"),
    ("credits not a number", {"credits": float("nan")}, "credits"),
    ("credits as a boolean", {"credits": True}, "credits"),
    ("naive valid_from", {"valid_from": datetime(2026, 1, 1)}, "valid_from"),
    (
        "naive valid_until",
        {"valid_until": datetime(2030, 1, 1)},
        "valid_until",
    ),
    ("naive awarded", {"awarded": datetime(2025, 1, 1)}, "awarded"),
    ("valid_until before valid_from", {"valid_until": FIXED_NOW - timedelta(1)}, "valid_until"),
    ("valid_until equal to valid_from", {"valid_until": FIXED_NOW}, "valid_until"),
    ("valid_from not a datetime", {"valid_from": "2026-01-01T00:00:00Z"}, "valid_from"),
    ("credential id not a URI", {"credential_id": "credential-1"}, "credential_id"),
    ("empty salt", {"salt": ""}, "salt"),
    (
        "issuer id not an IRI",
        {"issuer": IssuerProfile("academy.example.org", "A", "https://a.example")},
        "issuer.id",
    ),
    (
        "issuer id over plain http",
        {"issuer": IssuerProfile("http://academy.example.org", "A", "https://a.example")},
        "issuer.id",
    ),
    (
        "issuer url over plain http",
        {"issuer": IssuerProfile("did:web:a.example", "A", "http://a.example")},
        "issuer.url",
    ),
    (
        "issuer url with a query",
        {"issuer": IssuerProfile("did:web:a.example", "A", "https://a.example/?x=1")},
        "issuer.url",
    ),
    (
        "issuer without a name",
        {"issuer": IssuerProfile("did:web:a.example", " ", "https://a.example")},
        "issuer.name",
    ),
    (
        "issuer e-mail",
        {"issuer": IssuerProfile("did:web:a.example", "A", "https://a.example", email="x")},
        "issuer.email",
    ),
    (
        "issuer image",
        {"issuer": IssuerProfile("did:web:a.example", "A", "https://a.example", image="logo.png")},
        "issuer.image",
    ),
    ("recipient not a Recipient", {"recipient": "ana@example.org"}, "recipient"),
]


@pytest.mark.parametrize(
    ("overrides", "field"), [pytest.param(o, f, id=name) for name, o, f in ERROR_CASES]
)
def test_bad_input_raises_a_typed_error_naming_the_field(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InputError) as caught:
        build_sample(**overrides)
    error = caught.value
    assert type(error) is InputError
    assert error.field == field
    assert error.code == "invalid_input"
    assert "\n" not in error.message
    assert error.message.endswith(".")


def test_framework_content_that_would_break_the_data_model_is_refused() -> None:
    # Framework files are validated when loaded; a hand-built one is not, so the builder's
    # final data-model check is what stops this alignment without a URL.
    broken_tier = dataclasses.replace(TIER, alignments=(Alignment("Standard 1", "standard-1"),))
    framework = Framework(FRAMEWORK.program, (broken_tier,))
    with pytest.raises(InputError) as caught:
        build_sample(framework=framework)
    assert caught.value.field == "/credentialSubject/achievement/alignment/0/targetUrl"
    assert caught.value.message.endswith(".")


def test_unknown_tier_raises_unknown_tier_error() -> None:
    with pytest.raises(UnknownTierError) as caught:
        build_sample(tier="superintendent")
    assert caught.value.field == "tier"
    assert caught.value.known == ["initial"]


def test_localhost_issuers_may_use_http_for_testing() -> None:
    issuer = IssuerProfile("http://localhost:8000/issuer", "Local", "http://localhost:8000")
    credential = build_sample(issuer=issuer)
    assert credential["credentialSubject"]["achievement"]["id"] == (
        "http://localhost:8000/achievements/initial.json"
    )


def test_the_example_in_the_docs_runs() -> None:
    docs = Path(__file__).resolve().parents[3] / "docs" / "credentials.md"
    match = re.search(r"```python\n(.*?)```", docs.read_text(encoding="utf-8"), re.DOTALL)
    assert match is not None
    namespace: dict[str, Any] = {}
    exec(match.group(1), namespace)  # noqa: S102 - our own documentation
    credential = namespace["credential"]
    assert credential["credentialSubject"]["achievement"]["humanCode"] == "teacher-leader"
    assert credential_matches_email(credential, "Ana.Ruiz@example.org")
    assert check_credential_shape(credential, require_open_badge=True) == []
