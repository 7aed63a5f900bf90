"""Evidence: what a recipient hands in for a tier, checked against its rules, as OB 3.0 Evidence.

:func:`build_evidence` checks the items against the tier's evidence requirements (what each must
record, minimum hours) and raises :class:`~leadbadge.errors.InputError` naming the field; the
fields a requirement asks for are written into the evidence narrative as Markdown lines.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from leadbadge.conformance.problems import is_absolute_iri
from leadbadge.errors import InputError
from leadbadge.model import EvidenceRequirement, Tier
from leadbadge.pathway._common import compact, is_web_url, text

__all__ = ["EvidenceItem", "build_evidence"]

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>])")


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


def build_evidence(tier: Tier, items: Sequence[EvidenceItem]) -> list[dict[str, Any]]:
    """The OB 3.0 Evidence of ``items``, in their order, once they meet the tier's requirements."""
    requirements = {r.id: r for r in tier.evidence}
    by_requirement: dict[str, list[EvidenceItem]] = {}
    for index, item in enumerate(items):
        if not isinstance(item, EvidenceItem):
            raise InputError(
                "Each evidence item must be an EvidenceItem.", field=f"evidence[{index}]"
            )
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


def _label(key: str) -> str:
    words = key.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() if words else key


def _markdown_text(value: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(value.split()))


def _parse_hours(value: str, field_name: str) -> float:
    try:
        hours = float(value.strip())
    except ValueError:
        raise InputError(f"{value!r} is not a number of hours.", field=field_name) from None
    if not math.isfinite(hours) or hours < 0:
        raise InputError(f"{value!r} is not a number of hours.", field=field_name)
    return hours


def _is_evidence_url(value: str) -> bool:
    if value.startswith("data:"):
        return "," in value and is_absolute_iri(value)
    return is_web_url(value, https_only=False)
