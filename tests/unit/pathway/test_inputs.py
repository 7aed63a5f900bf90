"""The ``issue`` option syntax: evidence, results and --valid-from, against the default tiers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from leadbadge.errors import InputError
from leadbadge.model import Tier
from leadbadge.pathway.evidence import EvidenceItem
from leadbadge.pathway.framework import default_framework
from leadbadge.pathway.inputs import (
    check_evidence_covers_tier,
    parse_evidence,
    parse_results,
    parse_valid_from,
)


def _tier(tier_id: str = "initial") -> Tier:
    return default_framework().tier(tier_id)


def test_requirement_with_fields() -> None:
    [item] = parse_evidence(
        _tier(),
        [
            "internship: site=Lincoln MS; supervisor name=Dr. A. Lee; "
            "supervisor-role=Assistant Principal; hours=120"
        ],
    )
    assert item.requirement == "internship"
    assert item.fields == {
        "site": "Lincoln MS",
        "supervisor_name": "Dr. A. Lee",
        "supervisor_role": "Assistant Principal",
        "hours": "120",
    }
    assert item.url is None


def test_own_keys_set_evidence_properties() -> None:
    [item] = parse_evidence(
        _tier(),
        [
            "coursework: course_title=School Law; url=https://lms.example.org/c?id=7&x=1; "
            "name=Transcript; narrative=Passed with distinction\\; top of cohort"
        ],
    )
    assert item.url == "https://lms.example.org/c?id=7&x=1"
    assert item.name == "Transcript"
    assert item.narrative == "Passed with distinction; top of cohort"
    assert item.fields == {"course_title": "School Law"}


def test_requirement_equals_url() -> None:
    [item] = parse_evidence(
        _tier(), ["competency-portfolio=https://portfolio.example.org/ana#2026"]
    )
    assert item == EvidenceItem(
        requirement="competency-portfolio", url="https://portfolio.example.org/ana#2026"
    )


def test_requirement_with_free_text_is_its_narrative() -> None:
    [item] = parse_evidence(_tier(), ["internship: Completed at Lincoln MS, see the log."])
    assert item.requirement == "internship"
    assert item.narrative == "Completed at Lincoln MS, see the log."


def test_bare_url_and_text_are_extra_evidence() -> None:
    items = parse_evidence(_tier(), ["https://example.org/video", "Note: led the PD day"])
    assert items == [
        EvidenceItem(requirement=None, url="https://example.org/video"),
        EvidenceItem(requirement=None, narrative="Note: led the PD day"),
    ]


def test_unknown_requirement_is_named_with_the_known_ones() -> None:
    with pytest.raises(InputError) as info:
        parse_evidence(_tier(), ["intership: site=Lincoln"])
    message = info.value.message
    assert "'intership'" in message
    assert "internship, coursework, competency-portfolio" in message


def test_repeated_key_is_refused() -> None:
    with pytest.raises(InputError, match="'site' twice"):
        parse_evidence(_tier(), ["internship: site=a; site=b"])


def test_json_file(tmp_path: Path) -> None:
    path = tmp_path / "evidence.json"
    path.write_text(
        json.dumps(
            [
                {
                    "requirement": "internship",
                    "site": "Lincoln MS",
                    "hours": 180,
                    "fields": {"supervisor_name": "Dr. A. Lee"},
                    "url": "https://example.org/log.pdf",
                },
                {"narrative": "Extra work", "tags": ["a", "b"]},
            ]
        )
    )
    first, second = parse_evidence(_tier(), [f"@{path}"])
    assert first.requirement == "internship"
    assert first.fields == {"site": "Lincoln MS", "hours": "180", "supervisor_name": "Dr. A. Lee"}
    assert first.url == "https://example.org/log.pdf"
    assert second == EvidenceItem(requirement=None, narrative="Extra work", fields={"tags": "a, b"})


def test_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "evidence.toml"
    path.write_text(
        "[[evidence]]\n"
        'requirement = "coursework"\n'
        'course_title = "School Law"\n'
        "credits = 3.5\n"
        "completion_date = 2026-05-30\n"
    )
    [item] = parse_evidence(_tier(), [f"@{path}"])
    assert item.fields == {
        "course_title": "School Law",
        "credits": "3.5",
        "completion_date": "2026-05-30",
    }


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("e.json", "{not json", "not valid JSON"),
        ("e.toml", "evidence = [", "not valid TOML"),
        ("e.json", '{"x": 1}', "must hold a list of objects"),
        ("e.toml", 'x = "y"', r"must hold \[\[evidence\]\] tables"),
        ("e.json", "[1]", "is not an object"),
        ("e.json", '[{"requirement": "nope"}]', "not an evidence requirement"),
        ("e.json", '[{"requirement": "internship", "site": {"a": 1}}]', "must be text"),
        ("e.toml", '[[evidence]]\nrequirement = "internship"\nhours = true', "not true"),
        ("e.json", '[{"requirement": "coursework", "fields": {"credits": false}}]', "not false"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        parse_evidence(_tier(), [f"@{path}"])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        parse_evidence(_tier(), [f"@{tmp_path / 'none.json'}"])


def test_missing_requirement_names_it_and_its_fields() -> None:
    tier = _tier()
    items = parse_evidence(tier, ["coursework=https://example.org/t.pdf"])
    with pytest.raises(InputError) as info:
        check_evidence_covers_tier(tier, items)
    message = info.value.message
    assert message.startswith("Tier 'initial' needs evidence for 'internship'")
    for field in tier.evidence[0].records:
        assert field in message
    assert '--evidence "internship: site=…;' in message
    assert message.endswith('…".')


def test_evidence_lacking_fields_names_them() -> None:
    tier = _tier()
    records = tier.evidence[0].records
    partial = "; ".join(f"{r}=x" for r in records[:-2])
    items = parse_evidence(tier, [f"internship: {partial}"])
    with pytest.raises(InputError) as info:
        check_evidence_covers_tier(tier, items)
    assert f"lacks {records[-2]}, {records[-1]}" in info.value.message


def test_complete_evidence_passes() -> None:
    tier = _tier()
    values = [f"{r.id}: " + "; ".join(f"{f}=x" for f in r.records) for r in tier.evidence]
    check_evidence_covers_tier(tier, parse_evidence(tier, values))


def test_results() -> None:
    tier = _tier()
    competency = tier.competencies[0]
    assert parse_results(tier, [f" {competency.id} = proficient"]) == {competency.id: "proficient"}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("time-management", "must be COMPETENCY=LEVEL"),
        ("nope=proficient", "has no competency 'nope'; its competencies are time-management"),
        ("time-management=great", "its levels are developing, proficient"),
    ],
)
def test_bad_results(value: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_results(_tier(), [value])


def test_result_given_twice() -> None:
    with pytest.raises(InputError, match="twice"):
        parse_results(_tier(), ["time-management=proficient", "time-management=exemplary"])


def test_valid_from_with_zone() -> None:
    assert parse_valid_from("2026-09-01T09:00:00Z") == datetime(2026, 9, 1, 9, tzinfo=UTC)
    parsed = parse_valid_from("2026-09-01T09:00:00-07:00")
    assert parsed.utcoffset() == timedelta(hours=-7)
    assert parsed == datetime(2026, 9, 1, 9, tzinfo=timezone(timedelta(hours=-7)))


@pytest.mark.parametrize("value", ["2026-09-01T09:00:00", "2026-09-01", "2026-09-01 09:00"])
def test_valid_from_without_zone_or_time(value: str) -> None:
    with pytest.raises(InputError, match="no time of day or no time zone"):
        parse_valid_from(value)


def test_valid_from_not_a_date() -> None:
    with pytest.raises(InputError, match="not an ISO 8601 date-time"):
        parse_valid_from("next monday")
