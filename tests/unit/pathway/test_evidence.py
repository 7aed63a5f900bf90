"""Evidence: items checked when made, and their OB 3.0 Evidence entries in a credential."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadbadge.errors import InputError
from leadbadge.pathway import evidence as evidence_module
from leadbadge.pathway.evidence import EvidenceItem, build_evidence
from leadbadge.pathway.framework import default_framework
from tests.unit._issued import evidence_for
from tests.unit.pathway._sample import build_sample, sample_evidence


def test_evidence_entries() -> None:
    internship, second, portfolio = build_sample()["evidence"]
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
        *sample_evidence(),
        EvidenceItem(
            None,
            fields={"site_notes": "Line one\n- **injected:** yes", "link": "[x](javascript:1)"},
        ),
    ]
    extra = build_sample(evidence=items)["evidence"][-1]
    assert "genre" not in extra
    assert extra["narrative"] == (
        "- **Site notes:** Line one - \\*\\*injected:\\*\\* yes\n- **Link:** \\[x\\](javascript:1)"
    )


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet="ab \\`*_[]<>\n\t-é#", max_size=16))
def test_every_markdown_special_is_escaped_and_nothing_else_changes(value: str) -> None:
    # The escaping as a regex states it; the module does it with one translate table.
    expected = re.sub(r"([\\`*_\[\]<>])", r"\\\1", " ".join(value.split()))
    assert evidence_module._markdown_text(value) == expected


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


# --- values checked against what their names promise --------------------------------------

AWARD = datetime(2026, 11, 23, 12, tzinfo=UTC)


def _initial_with(requirement: str, **changed: str) -> list[EvidenceItem]:
    """Complete evidence for the default ``initial`` tier, one field of ``requirement`` changed."""
    items = evidence_for(default_framework().tier("initial"))
    return [
        dataclasses.replace(item, fields={**item.fields, **changed})
        if item.requirement == requirement
        else item
        for item in items
    ]


def _refusal(items: list[EvidenceItem]) -> InputError:
    with pytest.raises(InputError) as caught:
        build_evidence(default_framework().tier("initial"), items, as_of=AWARD)
    return caught.value


@pytest.mark.parametrize(
    ("requirement", "changed", "says", "field"),
    [
        ("internship", {"hours": "1e308"}, "hours '1e308' is more than one piece", "hours"),
        ("internship", {"hours": "10001"}, "(at most 10,000)", "hours"),
        ("internship", {"hours": "inf"}, "hours 'inf' is not a number", "hours"),
        ("internship", {"hours": "yes"}, "hours 'yes' is not a number", "hours"),
        ("coursework", {"credits": "three"}, "credits 'three' is not a number", "credits"),
        ("coursework", {"credits": "-1"}, "credits '-1' is not a number", "credits"),
        ("coursework", {"credits": "1001"}, "(at most 1,000)", "credits"),
        (
            "internship",
            {"start_date": "next tuesday"},
            "'next tuesday' is not a date",
            "start_date",
        ),
        ("internship", {"start_date": "2026-02-30"}, "is not a date", "start_date"),
        ("internship", {"start_date": "05/30/2025"}, "write it as YYYY-MM-DD", "start_date"),
        ("internship", {"start_date": "1899-12-31"}, "is before 1900", "start_date"),
        (
            "internship",
            {"start_date": "2099-01-01"},
            "is after the award (2026-11-23)",
            "start_date",
        ),
        ("coursework", {"completion_date": "2026-11-25"}, "is after the award", "completion_date"),
        (
            "internship",
            {"start_date": "2025-06-01", "end_date": "2025-05-01"},
            "end_date 2025-05-01 is before start_date 2025-06-01",
            "end_date",
        ),
    ],
)
def test_values_are_checked_against_what_their_names_promise(
    requirement: str, changed: dict[str, str], says: str, field: str
) -> None:
    error = _refusal(_initial_with(requirement, **changed))
    assert says in error.message
    assert error.field == f"evidence[{requirement}].{field}"


@pytest.mark.parametrize(
    "changed",
    [
        # A day's grace for the award's time zone.
        {"start_date": "2026-11-24", "end_date": "2026-11-24"},
        {"start_date": "2025-08-18T08:00:00-07:00", "end_date": "2026-05-29"},
        {"start_date": "2025-08-18", "end_date": "2025-08-18"},
        {"hours": "10000"},
    ],
)
def test_plausible_values_pass(changed: dict[str, str]) -> None:
    tier = default_framework().tier("initial")
    assert build_evidence(tier, _initial_with("internship", **changed), as_of=AWARD)


def test_an_item_outside_any_requirement_is_checked_too() -> None:
    extra = EvidenceItem(None, name="Conference talk", fields={"date": "someday"})
    items = [*_initial_with("internship"), extra]
    error = _refusal(items)
    assert "An evidence item: date 'someday' is not a date" in error.message
    assert error.field == f"evidence[{len(items) - 1}].date"
