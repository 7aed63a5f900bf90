"""The credential builder against our own JSON Schema and the JSON-LD contexts it names."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pyld import jsonld as pyld

from leadbadge._resources import context_document, load_schema
from leadbadge.conformance.vc import check_credential_shape
from leadbadge.ld.expand import expand_strict
from leadbadge.model import IssuerProfile
from leadbadge.pathway.credential import (
    OB_ACHIEVEMENT_CREDENTIAL_SCHEMA_URL,
    Recipient,
    build_credential,
    tier_id_from_achievement_id,
)
from leadbadge.pathway.evidence import EvidenceItem
from leadbadge.pathway.framework import default_framework
from tests.conftest import FIXED_NOW
from tests.unit._issued import recorded
from tests.unit.pathway._sample import ISSUER, RECIPIENT, build_sample

# --- our own schema and the JSON-LD contexts ----------------------------------------------


def _own_schema_errors(credential: dict[str, Any]) -> list[str]:
    validator = Draft202012Validator(load_schema("credential.schema.json"))
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(credential)]


def test_own_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(load_schema("credential.schema.json"))


@pytest.mark.parametrize("credential_schema", [False, True])
def test_output_validates_against_our_own_schema(credential_schema: bool) -> None:
    assert _own_schema_errors(build_sample(credential_schema=credential_schema)) == []
    minimal = build_sample(
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
    credential = build_sample()
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
    credential = build_sample()
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
                    **{name: recorded(name, "Recorded") for name in r.records},
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
    for credential in (build_sample(), build_sample(credential_schema=True)):
        assert _undefined_terms(credential) == set()
    for tier_id, credential in _default_tier_credentials():
        assert _undefined_terms(credential) == set(), tier_id


def test_strict_json_ld_processing_accepts_the_output() -> None:
    expand_strict(build_sample(credential_schema=True))
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
