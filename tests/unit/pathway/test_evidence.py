"""Evidence: items checked when made, and their OB 3.0 Evidence entries in a credential."""

from __future__ import annotations

from typing import Any

import pytest

from leadbadge.errors import InputError
from leadbadge.pathway.evidence import EvidenceItem
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
