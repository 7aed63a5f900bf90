"""The credential builder: structure, recipient identity, evidence rules and typed input errors."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pyld import jsonld as pyld

from leadbadge._resources import context_document, load_schema
from leadbadge.conformance.rules import check_credential_shape
from leadbadge.errors import InputError, UnknownTierError
from leadbadge.model import (
    Alignment,
    Competency,
    EvidenceRequirement,
    Framework,
    IssuerProfile,
    Program,
    Renewal,
    RubricLevel,
    Tier,
)
from leadbadge.pathway.credential import (
    OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL,
    EvidenceItem,
    Recipient,
    achievement_id,
    build_achievement,
    build_credential,
    credential_matches_email,
    identity_hash,
    matches_identity,
    normalize_email,
    tier_id_from_achievement_id,
)
from leadbadge.pathway.framework import default_framework
from tests.conftest import FIXED_NOW

LEVELS = (
    RubricLevel("developing", "Developing", "Not yet.", "1"),
    RubricLevel("proficient", "Proficient", "Does it reliably.", "2"),
    RubricLevel("exemplary", "Exemplary", None, None),
)
PSEL = Alignment(
    "Operations and Management",
    "https://www.npbea.org/psel/",
    target_framework="Professional Standards for Educational Leaders 2015",
    target_code="PSEL 9",
)
INTERNSHIP = EvidenceRequirement(
    id="internship",
    kind="internship",
    name="Supervised internship",
    description="An internship supervised by a sitting leader.",
    records=("mentor_name", "mentor_role", "hours"),
    min_hours=180,
)
PORTFOLIO = EvidenceRequirement(
    id="portfolio",
    kind="portfolio",
    name="Competency portfolio",
    description="Artifacts scored against the rubric.",
)
TIER = Tier(
    id="initial",
    name="Initial Leadership Certification",
    description="Entry-level certification for a first leadership role.",
    achievement_type="Certification",
    criteria="Complete the internship and demonstrate each competency.",
    roles=("Assistant Principal",),
    credits=15,
    competencies=(
        Competency(
            "time-management", "Time Management", "Plans time.", LEVELS, "proficient", (PSEL,)
        ),
        Competency("communication", "Communication", "Speaks clearly.", LEVELS),
    ),
    evidence=(INTERNSHIP, PORTFOLIO),
    prerequisites=(),
    validity_years=5,
    renewal=Renewal("Renew with professional learning.", 30),
    alignments=(PSEL,),
    field_of_study="Educational Leadership",
    tags=("leadership", "entry level"),
)
FRAMEWORK = Framework(Program("Pathway", "Example Academy"), (TIER,))
ISSUER = IssuerProfile(
    id="did:web:academy.example.org",
    name="Example Academy",
    url="https://academy.example.org/leadership/",
    email="Registrar@Academy.Example.org",
    description="A leadership academy.",
    image="https://academy.example.org/logo.png",
)
RECIPIENT = Recipient("ana.ruiz@example.org", "Ana Ruiz")


def _evidence() -> list[EvidenceItem]:
    return [
        EvidenceItem(
            "internship",
            narrative="Led the master schedule rebuild.",
            url="https://portfolio.example.org/ana/internship",
            fields={"mentor_name": "Dr. Lee", "mentor_role": "Principal", "hours": "120"},
        ),
        EvidenceItem(
            "internship",
            fields={"mentor_name": "Dr. Lee", "mentor_role": "Principal", "hours": "60.5"},
        ),
        EvidenceItem("portfolio", name="Portfolio review", description="Scored in May."),
    ]


def _build(**overrides: Any) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "evidence": _evidence(),
        "results": {"time-management": "exemplary", "communication": "developing"},
        "valid_from": FIXED_NOW,
        "salt": "pepper",
        "credential_id": "urn:uuid:6f1f0e52-92d8-4e58-a2a6-3c2d0c5d2f10",
    }
    kwargs.update(overrides)
    framework = kwargs.pop("framework", FRAMEWORK)
    tier = kwargs.pop("tier", "initial")
    issuer = kwargs.pop("issuer", ISSUER)
    recipient = kwargs.pop("recipient", RECIPIENT)
    return build_credential(framework, tier, issuer, recipient, **kwargs)


def _walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}/{index}")


# --- identity hashing ---------------------------------------------------------------------


def test_identity_hash_matches_the_spec_example() -> None:
    assert (
        identity_hash("a@example.com", "Kosher")
        == "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    )


def test_identity_hash_without_salt_hashes_the_identifier_alone() -> None:
    expected = hashlib.sha256(b"a@example.com").hexdigest()
    assert identity_hash("a@example.com", None) == f"sha256${expected}"
    assert identity_hash("a@example.com", "") == f"sha256${expected}"


def _identity(value: str, *, hashed: bool = True, salt: str | None = "Kosher") -> dict[str, Any]:
    node: dict[str, Any] = {
        "type": "IdentityObject",
        "identityHash": value,
        "identityType": "emailAddress",
        "hashed": hashed,
    }
    if salt is not None:
        node["salt"] = salt
    return node


SPEC_HASH = "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"


@pytest.mark.parametrize(
    ("identity", "email", "expected"),
    [
        (_identity(SPEC_HASH), "a@example.com", True),
        (_identity(SPEC_HASH), "  A@Example.COM ", True),
        (_identity(SPEC_HASH.upper().replace("SHA256", "sha256")), "a@example.com", True),
        (_identity(SPEC_HASH), "b@example.com", False),
        (_identity(SPEC_HASH, salt=None), "a@example.com", False),
        (
            _identity("md5$" + hashlib.md5(b"a@example.comKosher").hexdigest()),  # noqa: S324
            "a@example.com",
            True,
        ),
        (
            _identity("sha256$" + hashlib.sha256(b"a@example.com").hexdigest(), salt=None),
            "a@example.com",
            True,
        ),
        (_identity("a@example.com", hashed=False, salt=None), "A@example.com", True),
        (_identity("a@example.com", hashed=False), "b@example.com", False),
        (_identity("sha1$" + "0" * 40), "a@example.com", False),
        (
            _identity("b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"),
            "a@example.com",
            False,
        ),
        ({**_identity(SPEC_HASH), "identityType": "name"}, "a@example.com", False),
        ({**_identity(SPEC_HASH), "hashed": "true"}, "a@example.com", False),
        ({**_identity(SPEC_HASH), "salt": 7}, "a@example.com", False),
        ({**_identity(SPEC_HASH), "identityType": "email"}, "a@example.com", True),
    ],
)
def test_matches_identity(identity: dict[str, Any], email: str, expected: bool) -> None:
    assert matches_identity(identity, email) is expected


def test_an_address_hashed_as_given_by_another_issuer_matches_when_typed_the_same() -> None:
    mixed = identity_hash("Ana.Ruiz@Example.org", "s")
    assert matches_identity(_identity(mixed, salt="s"), "Ana.Ruiz@Example.org")
    assert not matches_identity(_identity(mixed, salt="s"), "ana.ruiz@example.org")


@pytest.mark.parametrize(
    "email",
    [
        "plain",
        "two@@example.org",
        "a@example",
        "a b@example.org",
        "a@-example.org",
        "a@example..org",
        "<a@example.org>",
        "ana@exämple.org",
        "x" * 65 + "@example.org",
        "a@" + "b" * 250 + ".org",
        "",
    ],
)
def test_bad_addresses_are_refused_with_the_field(email: str) -> None:
    with pytest.raises(InputError) as caught:
        Recipient(email)
    assert caught.value.field == "email"
    assert caught.value.code == "invalid_input"


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
    credential = _build()
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
    subject = _build()["credentialSubject"]
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
    subject = _build(recipient=Recipient("ana@example.org"))["credentialSubject"]
    assert [i["identityType"] for i in subject["identifier"]] == ["emailAddress"]


def test_a_verifier_recomputes_the_hash_from_what_the_educator_types() -> None:
    credential = _build(salt=None)
    salt = credential["credentialSubject"]["identifier"][0]["salt"]
    assert re.fullmatch(r"[0-9a-f]{32}", salt)
    assert credential_matches_email(credential, "Ana.Ruiz@Example.org ")
    assert not credential_matches_email(credential, "ana.ruiz@example.com")
    assert _build(salt=None)["credentialSubject"]["identifier"][0]["salt"] != salt


def test_achievement_describes_the_tier() -> None:
    achievement = _build()["credentialSubject"]["achievement"]
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
    one = _build()
    other = _build(
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


def test_results_point_into_the_achievement() -> None:
    subject = _build()["credentialSubject"]
    levels = {
        rd["id"]: {level["id"] for level in rd["rubricCriterionLevel"]}
        for rd in subject["achievement"]["resultDescription"]
    }
    assert [r["achievedLevel"].rsplit("/", 1)[1] for r in subject["result"]] == [
        "exemplary",
        "developing",
    ]
    for result in subject["result"]:
        assert result["type"] == ["Result"]
        assert result["achievedLevel"] in levels[result["resultDescription"]]


def test_no_results_means_no_result_property() -> None:
    assert "result" not in _build(results={})["credentialSubject"]


def test_credits() -> None:
    assert _build()["credentialSubject"]["creditsEarned"] == 15.0
    assert _build(credits=7.5)["credentialSubject"]["creditsEarned"] == 7.5
    assert _build(credits=0)["credentialSubject"]["creditsEarned"] == 0.0


def test_evidence_entries() -> None:
    internship, second, portfolio = _build()["evidence"]
    assert internship == {
        "id": "https://portfolio.example.org/ana/internship",
        "type": ["Evidence"],
        "name": "Supervised internship",
        "narrative": (
            "Led the master schedule rebuild.\n\n"
            "- **Mentor name:** Dr. Lee\n- **Mentor role:** Principal\n- **Hours:** 120"
        ),
        "genre": "internship",
    }
    assert second["narrative"].startswith("- **Mentor name:**")
    assert "id" not in second
    assert portfolio == {
        "type": ["Evidence"],
        "name": "Portfolio review",
        "description": "Scored in May.",
        "genre": "portfolio",
    }


def test_evidence_fields_are_escaped_markdown_on_one_line_each() -> None:
    items = [
        *_evidence(),
        EvidenceItem(
            None,
            fields={"site_notes": "Line one\n- **injected:** yes", "link": "[x](javascript:1)"},
        ),
    ]
    extra = _build(evidence=items)["evidence"][-1]
    assert "genre" not in extra
    assert extra["narrative"] == (
        "- **Site notes:** Line one - \\*\\*injected:\\*\\* yes\n- **Link:** \\[x\\](javascript:1)"
    )


def test_credential_schema_option_adds_the_extensions_context() -> None:
    credential = _build(credential_schema=True)
    assert credential["@context"][2] == "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
    assert credential["credentialSchema"] == [
        {"id": OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}
    ]


def test_dates_are_utc_seconds_and_defaults_follow_the_tier() -> None:
    eastern = timezone(timedelta(hours=-5))
    credential = _build(
        valid_from=datetime(2024, 2, 29, 19, 30, 15, 999999, tzinfo=eastern),
        awarded=datetime(2023, 6, 1, tzinfo=UTC),
    )
    assert credential["validFrom"] == "2024-03-01T00:30:15Z"
    assert credential["validUntil"] == "2029-03-01T00:30:15Z"
    assert credential["awardedDate"] == "2023-06-01T00:00:00Z"
    leap = _build(valid_from=datetime(2028, 2, 29, 12, tzinfo=UTC))
    assert leap["validUntil"] == "2033-02-28T12:00:00Z"
    explicit = _build(valid_until=datetime(2027, 1, 1, tzinfo=UTC))
    assert explicit["validUntil"] == "2027-01-01T00:00:00Z"


def test_empty_values_are_omitted_and_sets_are_arrays() -> None:
    credential = _build(
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
    credential = _build()
    assert json.loads(json.dumps(credential)) == credential


def test_output_conforms_to_the_data_model_without_warnings() -> None:
    assert check_credential_shape(_build(), require_open_badge=True) == []
    assert check_credential_shape(_build(credential_schema=True)) == []


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


# --- our own schema and the JSON-LD contexts ----------------------------------------------


def _own_schema_errors(credential: dict[str, Any]) -> list[str]:
    validator = Draft202012Validator(load_schema("credential.schema.json"))
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(credential)]


def test_own_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(load_schema("credential.schema.json"))


@pytest.mark.parametrize("credential_schema", [False, True])
def test_output_validates_against_our_own_schema(credential_schema: bool) -> None:
    assert _own_schema_errors(_build(credential_schema=credential_schema)) == []
    minimal = _build(
        issuer=IssuerProfile("https://academy.example.org", "A", "https://a.example"),
        recipient=Recipient("ana@example.org"),
        results={},
    )
    assert _own_schema_errors(minimal) == []


def _tamper(credential: dict[str, Any], change: str) -> None:
    subject = credential["credentialSubject"]
    match change:
        case "extra property":
            subject["achievement"]["image"] = "https://x.example/i.png"
        case "fractional seconds":
            credential["validFrom"] = "2026-11-23T12:00:00.5Z"
        case "offset":
            credential["validFrom"] = "2026-11-23T12:00:00+01:00"
        case "schema without extensions":
            credential["credentialSchema"] = [
                {
                    "id": OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL,
                    "type": "1EdTechJsonSchemaValidator2019",
                }
            ]
        case "unsalted hash":
            del subject["identifier"][0]["salt"]
        case "single type":
            subject["type"] = "AchievementSubject"
        case "achievement id":
            subject["achievement"]["id"] = "https://academy.example.org/badges/1"


@pytest.mark.parametrize(
    "change",
    [
        "extra property",
        "fractional seconds",
        "offset",
        "schema without extensions",
        "unsalted hash",
        "single type",
        "achievement id",
    ],
)
def test_own_schema_is_strict(change: str) -> None:
    credential = _build()
    _tamper(credential, change)
    assert _own_schema_errors(credential)


def _loader(url: str, options: Any = None) -> dict[str, Any]:
    return {"contextUrl": None, "documentUrl": url, "document": context_document(url)}


def _undefined_terms(credential: dict[str, Any]) -> set[str]:
    """Terms the credential's contexts leave undefined, found with a sentinel @vocab."""
    probe = copy.deepcopy(credential)
    probe["@context"] = [*probe["@context"], {"@vocab": "urn:leadbadge:undefined#"}]
    expanded = json.dumps(pyld.expand(probe, {"documentLoader": _loader}))
    return set(re.findall(r"urn:leadbadge:undefined#([^\"]*)", expanded))


def test_the_sentinel_finds_undefined_terms() -> None:
    credential = _build()
    credential["credentialSubject"]["achievement"]["badgeColour"] = "blue"
    credential["evidence"][0]["mentor"] = "Dr. Lee"
    credential["credentialSubject"]["identifier"][0]["email"] = "a@example.org"
    assert _undefined_terms(credential) == {"badgeColour", "mentor", "email"}


def _default_tier_credentials() -> Iterator[tuple[str, dict[str, Any]]]:
    framework = default_framework()
    for tier in framework.tiers:
        evidence = [
            EvidenceItem(
                r.id,
                narrative="Evidence reviewed by the program.",
                fields={
                    **dict.fromkeys(r.records, "Recorded"),
                    **({"hours": f"{r.min_hours:g}"} if r.min_hours else {}),
                },
            )
            for r in tier.evidence
        ]
        results = {c.id: c.required_level or c.levels[-1].id for c in tier.competencies}
        for credential_schema in (False, True):
            yield (
                tier.id,
                build_credential(
                    framework,
                    tier.id,
                    ISSUER,
                    RECIPIENT,
                    evidence=evidence,
                    results=results,
                    valid_from=FIXED_NOW,
                    credential_schema=credential_schema,
                ),
            )


def test_every_emitted_term_is_defined_by_the_contexts() -> None:
    for credential in (_build(), _build(credential_schema=True)):
        assert _undefined_terms(credential) == set()
    for tier_id, credential in _default_tier_credentials():
        assert _undefined_terms(credential) == set(), tier_id


def test_strict_json_ld_processing_accepts_the_output() -> None:
    jsonld = pytest.importorskip("leadbadge.ld.expand", reason="the strict JSON-LD layer is absent")
    expand_strict = getattr(jsonld, "expand_strict", None)
    if expand_strict is None:
        pytest.skip("leadbadge.ld.expand has no expand_strict")
    expand_strict(_build(credential_schema=True))
    for _, credential in _default_tier_credentials():
        expand_strict(credential)


def test_every_default_tier_builds_a_conforming_credential() -> None:
    seen = set()
    for tier_id, credential in _default_tier_credentials():
        seen.add(tier_id)
        assert check_credential_shape(credential, require_open_badge=True) == [], tier_id
        assert _own_schema_errors(credential) == [], tier_id
        achievement = credential["credentialSubject"]["achievement"]
        assert tier_id_from_achievement_id(ISSUER.url, achievement["id"]) == tier_id
    assert seen == set(default_framework().tier_ids())


# --- typed input errors -------------------------------------------------------------------


def _replace_evidence(index: int, **fields: str) -> list[EvidenceItem]:
    items = _evidence()
    item = items[index]
    items[index] = EvidenceItem(
        item.requirement, item.name, item.narrative, item.url, fields=fields
    )
    return items


ERROR_CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "missing requirement",
        {"evidence": [e for e in _evidence() if e.requirement != "portfolio"]},
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
        {"evidence": _evidence()[:1] + _evidence()[2:]},
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
        {"evidence": [*_evidence(), EvidenceItem("coursework", name="Course")]},
        "evidence[3].requirement",
    ),
    ("empty free evidence", {"evidence": [*_evidence(), EvidenceItem(None)]}, "evidence[3]"),
    (
        "not an evidence item",
        {"evidence": [*_evidence(), {"requirement": "portfolio"}]},
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
        _build(**overrides)
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
        _build(framework=framework)
    assert caught.value.field == "/credentialSubject/achievement/alignment/0/targetUrl"
    assert caught.value.message.endswith(".")


def test_unknown_tier_raises_unknown_tier_error() -> None:
    with pytest.raises(UnknownTierError) as caught:
        _build(tier="superintendent")
    assert caught.value.field == "tier"
    assert caught.value.known == ["initial"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"url": "portfolio/ana"}, "evidence.url"),
        ({"url": "ftp://files.example.org/a"}, "evidence.url"),
        ({"url": "https://exa mple.org"}, "evidence.url"),
        ({"fields": {"hours": 40}}, "evidence.fields.hours"),
        ({"name": 5}, "evidence.name"),
    ],
)
def test_bad_evidence_items_are_refused_when_made(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as caught:
        EvidenceItem("portfolio", **kwargs)
    assert caught.value.field == field


def test_evidence_urls_may_be_web_pages_or_data() -> None:
    for url in ("https://e.example/a", "http://e.example/a", "data:text/plain,Hello"):
        assert EvidenceItem("portfolio", url=url).url == url


def test_localhost_issuers_may_use_http_for_testing() -> None:
    issuer = IssuerProfile("http://localhost:8000/issuer", "Local", "http://localhost:8000")
    credential = _build(issuer=issuer)
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
