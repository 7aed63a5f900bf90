"""Credentials for every tier of the default framework against 1EdTech's official OB 3.0 schemas.

Both variants in ``../shared/interop/schemas/ob-v3p0/`` are used (see the README there): the
strict "formal" schemas of 2024 and the compaction-tolerant JSON-LD adaptation published in 2026.
They are Draft 2019-09 schemas; validation uses a format checker that asserts ``date-time`` and
``date`` (the ``date-time`` check is registered here because jsonschema only provides one when
an optional RFC 3339 package is installed). Neither schema requires ``proof``, so the unsigned
credentials are validated as built, with no placeholder proof.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from functools import cache
from typing import Any

import pytest
from jsonschema import Draft201909Validator, FormatChecker

from leadbadge.issuer.home import DEFAULT_STATUS_PURPOSES, WITH_SUSPENSION
from leadbadge.issuer.issue import Issuer
from leadbadge.model import IssuerProfile
from leadbadge.pathway.credential import Recipient, build_credential
from leadbadge.pathway.evidence import EvidenceItem
from leadbadge.pathway.framework import default_framework
from tests.conftest import FIXED_NOW, interop_path
from tests.unit._issued import ISSUED, OVERRIDE, PASSPHRASE, evidence_for, recorded

pytestmark = pytest.mark.shared

VARIANTS = ("formal-2024-gh-pages", "published-2026-jsonld-adaptation")
SCHEMA_FILE = "ob_v3p0_achievementcredential_schema.json"
FRAMEWORK = default_framework()
ISSUER = IssuerProfile(
    id="did:web:leadership.example.org",
    name="Example State Leadership Academy",
    url="https://leadership.example.org",
    email="credentials@leadership.example.org",
    description="Issues the school-leadership certification pathway.",
    image="https://leadership.example.org/logo.png",
)
RECIPIENT = Recipient("a@example.com", "Ana Ruiz")

# RFC 3339 §5.6 date-time: full-date "T" full-time, with a time offset.
_RFC3339 = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


def _is_rfc3339_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True  # formats constrain strings only
    match = _RFC3339.match(value)
    if not match:
        return False
    try:
        date.fromisoformat(match[1])
    except ValueError:
        return False
    hour, minute, second = int(match[2]), int(match[3]), int(match[4])
    offset = match[6]
    offset_ok = offset in "Zz" or (int(offset[1:3]) < 24 and int(offset[4:6]) < 60)
    return hour < 24 and minute < 60 and second <= 60 and offset_ok


def _format_checker() -> FormatChecker:
    checker = FormatChecker()
    checker.checks("date-time")(_is_rfc3339_date_time)
    return checker


@cache
def _validator(variant: str) -> Draft201909Validator:
    schema = json.loads(interop_path("schemas", "ob-v3p0", variant, SCHEMA_FILE).read_text())
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=_format_checker())


def _errors(variant: str, document: dict[str, Any]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
        for e in _validator(variant).iter_errors(document)
    ]


def _credential(tier_id: str, *, credential_schema: bool) -> dict[str, Any]:
    tier = FRAMEWORK.tier(tier_id)
    evidence = [
        EvidenceItem(
            requirement.id,
            narrative=f"Reviewed evidence for {requirement.name}.",
            url=f"https://portfolio.example.org/ana/{requirement.id}",
            fields={
                **{name: recorded(name, "the program") for name in requirement.records},
                **({"hours": f"{requirement.min_hours:g}"} if requirement.min_hours else {}),
            },
        )
        for requirement in tier.evidence
    ]
    results = {c.id: c.required_level or c.levels[-1].id for c in tier.competencies}
    return build_credential(
        FRAMEWORK,
        tier_id,
        ISSUER,
        RECIPIENT,
        evidence=evidence,
        results=results,
        valid_from=FIXED_NOW,
        credential_schema=credential_schema,
    )


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_official_schema_does_not_require_a_proof(variant: str) -> None:
    schema = _validator(variant).schema
    assert "proof" not in schema["required"]
    assert {"@context", "id", "type", "credentialSubject", "issuer", "validFrom"} <= set(
        schema["required"]
    )


def test_the_default_framework_has_the_expected_tiers() -> None:
    assert FRAMEWORK.tier_ids() == [
        "initial",
        "building",
        "district",
        "sped-director",
        "hr-director",
        "tech-director",
        "teacher-leader",
    ]


@pytest.mark.parametrize("credential_schema", [False, True], ids=["plain", "credentialSchema"])
@pytest.mark.parametrize("tier_id", FRAMEWORK.tier_ids())
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_tier_validates_against_the_official_schema(
    variant: str, tier_id: str, credential_schema: bool
) -> None:
    credential = _credential(tier_id, credential_schema=credential_schema)
    assert _errors(variant, credential) == []


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_signed_form_with_a_proof_array_still_validates(variant: str) -> None:
    # What signing adds, in the array form the formal schema insists on.
    credential = _credential("initial", credential_schema=False)
    credential["proof"] = [
        {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2026-11-23T12:00:00Z",
            "verificationMethod": "did:web:leadership.example.org#key-1",
            "proofPurpose": "assertionMethod",
            "proofValue": "z" + "1" * 86,
        }
    ]
    assert _errors(variant, credential) == []


def _break(credential: dict[str, Any], how: str) -> None:
    achievement = credential["credentialSubject"]["achievement"]
    match how:
        case "no criteria":
            del achievement["criteria"]
        case "no achievement description":
            del achievement["description"]
        case "bad date-time":
            credential["validFrom"] = "2026-13-01T00:00:00Z"
        case "date without time zone":
            credential["awardedDate"] = "2026-11-23T12:00:00"
        case "identity object extra property":
            credential["credentialSubject"]["identifier"][0]["email"] = "a@example.com"
        case "unknown achievement type":
            achievement["achievementType"] = "Diplomma"
        case "no OB type":
            credential["type"] = ["VerifiableCredential"]
        case "wrong first context":
            credential["@context"] = list(reversed(credential["@context"]))


BREAKS = [
    "no criteria",
    "no achievement description",
    "bad date-time",
    "date without time zone",
    "identity object extra property",
    "unknown achievement type",
    "no OB type",
    "wrong first context",
]


@pytest.mark.parametrize("how", BREAKS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_the_schemas_catch_a_broken_credential(variant: str, how: str) -> None:
    credential = copy.deepcopy(_credential("building", credential_schema=False))
    _break(credential, how)
    assert _errors(variant, credential)


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_rendered_spec_examples_validate(variant: str) -> None:
    folder = interop_path("ob-spec-examples", "rendered-spec-v1.0.14")
    manifest = json.loads((folder / "manifest.json").read_text())
    files = sorted(folder.glob("*.unsigned.json"))
    assert len(files) == 8, manifest
    for path in files:
        document = json.loads(path.read_text())
        if "AchievementCredential" in document["type"] or "OpenBadgeCredential" in document["type"]:
            assert _errors(variant, document) == [], path.name


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("2026-11-23T12:00:00Z", True),
        ("2026-11-23t12:00:00.25+05:30", True),
        ("2026-11-23T12:00:00", False),
        ("2026-02-30T12:00:00Z", False),
        ("2026-11-23T25:00:00Z", False),
        ("23/11/2026", False),
    ],
)
def test_the_registered_date_time_format_check(value: str, ok: bool) -> None:
    assert _is_rfc3339_date_time(value) is ok


# --- credentialStatus: OB 3.0 allows one ([0..1]); leadbadge's default carries two ---------------

_LIST = "https://leadership.example.org/status/{}.json"


def _with_status(purposes: tuple[str, ...]) -> dict[str, Any]:
    from leadbadge.status.lists import status_entry

    credential = _credential("initial", credential_schema=False)
    entries = [status_entry(_LIST.format(n), p, 4242 + n) for n, p in enumerate(purposes, 1)]
    credential["credentialStatus"] = entries[0] if len(entries) == 1 else entries
    return credential


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_single_revocation_entry_validates(variant: str) -> None:
    # What an issuer home made with `leadbadge init --no-suspension` issues.
    assert _errors(variant, _with_status(("revocation",))) == []


@pytest.mark.parametrize("variant", VARIANTS)
def test_two_status_entries_break_the_ob_cardinality(variant: str) -> None:
    # VC 2.0 and Bitstring Status List v1.0 allow several entries; both official OB schemas
    # allow one object only. docs/status.md says so and how to issue the single form.
    errors = _errors(variant, _with_status(("revocation", "suspension")))
    assert errors
    assert all(e.startswith("credentialStatus:") for e in errors)


@pytest.fixture(scope="module")
def issued_by_default_homes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every tier signed by a new home with the default settings, and by one made with
    suspension (two status entries)."""
    made = {}
    for name, purposes in (("default", DEFAULT_STATUS_PURPOSES), ("suspension", WITH_SUSPENSION)):
        issuer = Issuer.create(
            tmp_path_factory.mktemp(name) / "home", name="Example State Leadership Academy",
            url="https://leadership.example.org", passphrase=PASSPHRASE,
            did_web="leadership.example.org", now=FIXED_NOW, status_purposes=purposes,
        )  # fmt: skip
        made[name] = {
            tier_id: issuer.issue(
                tier_id, RECIPIENT, evidence=evidence_for(FRAMEWORK.tier(tier_id)),
                now=ISSUED, override_prerequisites=OVERRIDE,
            ).document
            for tier_id in FRAMEWORK.tier_ids()
        }  # fmt: skip
    return made


@pytest.mark.parametrize("tier_id", FRAMEWORK.tier_ids())
@pytest.mark.parametrize("variant", VARIANTS)
def test_what_a_new_default_home_issues_validates_signed(
    issued_by_default_homes: dict[str, Any], variant: str, tier_id: str
) -> None:
    credential = issued_by_default_homes["default"][tier_id]
    assert credential["credentialStatus"]["statusPurpose"] == "revocation"
    assert _errors(variant, credential) == []


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_home_made_with_suspension_breaks_the_one_status_limit(
    issued_by_default_homes: dict[str, Any], variant: str
) -> None:
    # The reason suspension is an explicit choice (docs/status.md).
    errors = _errors(variant, issued_by_default_homes["suspension"]["initial"])
    assert any(error.startswith("credentialStatus") for error in errors), errors
