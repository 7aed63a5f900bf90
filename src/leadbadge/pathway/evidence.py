"""Evidence: what a recipient hands in for a tier, checked against its rules, as OB 3.0 Evidence.

:func:`build_evidence` checks the items against the tier's evidence requirements (what each must
record, minimum hours) and the values against what their names promise (``hours`` and
``credits`` are bounded numbers, ``date`` and ``*_date`` fields ISO 8601 dates not after the
award, ``start_date`` not after ``end_date``), and raises :class:`~leadbadge.errors.InputError`
naming the field; the fields are written into the evidence narrative as Markdown lines.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from leadbadge.conformance.problems import is_absolute_iri
from leadbadge.errors import InputError
from leadbadge.model import EvidenceRequirement, Tier
from leadbadge.pathway._common import compact, is_web_url, text

__all__ = ["NUMBER_FIELDS", "EvidenceItem", "build_evidence"]

#: Evidence fields that hold a number, and the largest value one item may record: 10,000 hours
#: is five years of full-time work; no program awards 1,000 credits for one piece of evidence.
NUMBER_FIELDS: Mapping[str, float] = {"hours": 10_000, "credits": 1_000}
_EARLIEST_DATE = date(1900, 1, 1)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")

# Markdown's inline specials, backslash-escaped so a recorded value shows as written.
_MARKDOWN_ESCAPES = str.maketrans({char: "\\" + char for char in "\\`*_[]<>"})


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence, usually for one of the tier's evidence requirements.

    ``fields`` holds what the requirement says each piece must record (``mentor_name``,
    ``hours``…); OB 3.0 has no properties for them, so they are written into the evidence
    narrative as Markdown lines.
    """

    requirement: str | None
    name: str | None = None
    narrative: str | None = None
    url: str | None = None
    description: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        for key, value in (
            ("requirement", self.requirement),
            ("name", self.name),
            ("narrative", self.narrative),
            ("description", self.description),
            ("url", self.url),
        ):
            if value is not None and not isinstance(value, str):
                raise InputError(f"The evidence {key} must be text.", field=f"evidence.{key}")
        if self.url is not None and not _is_evidence_url(self.url):
            raise InputError(
                f"The evidence URL {self.url!r} is not an absolute http(s) or data: URL.",
                field="evidence.url",
            )
        if not isinstance(self.fields, Mapping):
            raise InputError("The evidence fields must be a mapping.", field="evidence.fields")
        for key, value in self.fields.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise InputError(
                    "Evidence field names and values must be text.", field=f"evidence.fields.{key}"
                )
        object.__setattr__(self, "fields", dict(self.fields))


def build_evidence(
    tier: Tier, items: Sequence[EvidenceItem], *, as_of: datetime | None = None
) -> list[dict[str, Any]]:
    """The OB 3.0 Evidence of ``items``, in their order, once they meet the tier's requirements.

    ``as_of`` is when the credential is awarded: no evidence date may be later (a day's grace
    for time zones); without it dates are checked for form and order only.
    """
    requirements = {r.id: r for r in tier.evidence}
    by_requirement: dict[str, list[EvidenceItem]] = {}
    for index, item in enumerate(items):
        if not isinstance(item, EvidenceItem):
            raise InputError(
                "Each evidence item must be an EvidenceItem.", field=f"evidence[{index}]"
            )
        _check_values(item, requirements.get(item.requirement or ""), index, as_of)
        if item.requirement is None:
            texts = (item.name, item.narrative, item.url, item.description, *item.fields.values())
            if not any(text(t) for t in texts):
                raise InputError("An evidence item has no content.", field=f"evidence[{index}]")
            continue
        if item.requirement not in requirements:
            raise InputError(
                f"Tier {tier.id!r} has no evidence requirement {item.requirement!r}.",
                field=f"evidence[{index}].requirement",
            )
        by_requirement.setdefault(item.requirement, []).append(item)
    for requirement in tier.evidence:
        _check_requirement(requirement, by_requirement.get(requirement.id, []))
    return [_evidence_node(item, requirements.get(item.requirement or "")) for item in items]


def _check_requirement(requirement: EvidenceRequirement, items: list[EvidenceItem]) -> None:
    where = f"evidence[{requirement.id}]"
    if not items:
        raise InputError(f"The tier requires evidence for {requirement.name!r}.", field=where)
    for item in items:
        for name in requirement.records:
            if not item.fields.get(name, "").strip():
                raise InputError(
                    f"Evidence for {requirement.name!r} must record {name!r}.",
                    field=f"{where}.{name}",
                )
    if requirement.min_hours is not None:
        total = 0.0
        for item in items:
            if not item.fields.get("hours", "").strip():
                raise InputError(
                    f"Evidence for {requirement.name!r} must record 'hours'.",
                    field=f"{where}.hours",
                )
            total += _parse_hours(item.fields["hours"], f"{where}.hours")
        if total < requirement.min_hours:
            raise InputError(
                f"{requirement.name!r} needs at least {requirement.min_hours:g} hours; "
                f"the evidence records {total:g}.",
                field=f"{where}.hours",
            )


def _evidence_node(item: EvidenceItem, requirement: EvidenceRequirement | None) -> dict[str, Any]:
    order = list(requirement.records) if requirement else []
    order += [k for k in item.fields if k not in order]
    lines = [
        f"- **{_label(key)}:** {_markdown_text(item.fields[key])}"
        for key in order
        if item.fields.get(key, "").strip()
    ]
    parts = [text(item.narrative) or ""]
    if lines:
        parts.append("\n".join(lines))
    parts = [p for p in parts if p]
    return compact(
        {
            "id": item.url,
            "type": ["Evidence"],
            "name": text(item.name) or (requirement.name if requirement else None),
            "description": text(item.description),
            "narrative": "\n\n".join(parts),
            "genre": requirement.kind if requirement else None,
        }
    )


@functools.lru_cache(maxsize=512)
def _label(key: str) -> str:
    words = key.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else key


def _markdown_text(value: str) -> str:
    return " ".join(value.split()).translate(_MARKDOWN_ESCAPES)


def _parse_hours(value: str, field_name: str) -> float:
    return _number(value, "hours", field_name, "An evidence item")


def _number(value: str, name: str, field_name: str, what: str) -> float:
    try:
        number = float(value.strip())
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < 0:
        raise InputError(f"{what}: {name} {value!r} is not a number.", field=field_name)
    if number > NUMBER_FIELDS[name]:
        raise InputError(
            f"{what}: {name} {value!r} is more than one piece of evidence can record "
            f"(at most {NUMBER_FIELDS[name]:,g}).",
            field=field_name,
        )
    return number


def _check_values(
    item: EvidenceItem,
    requirement: EvidenceRequirement | None,
    index: int,
    as_of: datetime | None,
) -> None:
    where = f"evidence[{requirement.id}]" if requirement else f"evidence[{index}]"
    what = f"Evidence for {requirement.name!r}" if requirement else "An evidence item"
    dates: dict[str, date] = {}
    for key, value in item.fields.items():
        if not value.strip():
            continue
        if key in NUMBER_FIELDS:
            _number(value, key, f"{where}.{key}", what)
        elif key == "date" or key.endswith("_date"):
            day = _date(value)
            if day is None:
                raise InputError(
                    f"{what}: {key} {value!r} is not a date; write it as YYYY-MM-DD.",
                    field=f"{where}.{key}",
                )
            if day < _EARLIEST_DATE:
                raise InputError(
                    f"{what}: {key} {value!r} is before {_EARLIEST_DATE.year}.",
                    field=f"{where}.{key}",
                )
            if as_of is not None and day > (as_of + timedelta(days=1)).date():
                raise InputError(
                    f"{what}: {key} {value!r} is after the award ({as_of.date().isoformat()}); "
                    "evidence must be complete when the credential is issued.",
                    field=f"{where}.{key}",
                )
            dates[key] = day
    start, end = dates.get("start_date"), dates.get("end_date")
    if start is not None and end is not None and end < start:
        raise InputError(
            f"{what}: end_date {end.isoformat()} is before start_date {start.isoformat()}.",
            field=f"{where}.end_date",
        )


def _date(value: str) -> date | None:
    """The calendar date of an ISO 8601 date (``2026-05-29``) or date-time."""
    text = value.strip()
    if not _ISO_DATE.match(text):
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _is_evidence_url(value: str) -> bool:
    if value.startswith("data:"):
        return "," in value and is_absolute_iri(value)
    return is_web_url(value, https_only=False)
