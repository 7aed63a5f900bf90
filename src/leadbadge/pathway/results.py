"""Rubric results: the ResultDescriptions of a tier's Achievement and a credential's Results.

Each competency of a tier is an OB 3.0 ResultDescription whose rubric levels are
RubricCriterionLevels; a credential's results name the level reached in each, never below the
competency's required level.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from leadbadge.errors import InputError
from leadbadge.model import Alignment, Competency, Tier
from leadbadge.pathway._common import compact

__all__ = ["alignment_node", "build_results", "result_description_node"]


def alignment_node(alignment: Alignment) -> dict[str, Any]:
    """An OB 3.0 Alignment of an Achievement, a ResultDescription or a rubric level."""
    return compact(
        {
            "type": ["Alignment"],
            "targetName": alignment.target_name,
            "targetUrl": alignment.target_url,
            "targetDescription": alignment.target_description,
            "targetFramework": alignment.target_framework,
            "targetCode": alignment.target_code,
            "targetType": alignment.target_type,
        }
    )


def _result_description_id(achievement: str, competency: Competency) -> str:
    return f"{achievement}#{quote(competency.id, safe='-._~')}"


def _level_id(achievement: str, competency: Competency, level_id: str) -> str:
    return f"{_result_description_id(achievement, competency)}/{quote(level_id, safe='-._~')}"


def result_description_node(achievement: str, competency: Competency) -> dict[str, Any]:
    """The ResultDescription of a competency, its rubric levels and required level included."""
    levels = [
        compact(
            {
                "id": _level_id(achievement, competency, level.id),
                "type": ["RubricCriterionLevel"],
                "name": level.name,
                "description": level.description,
                "points": level.points,
            }
        )
        for level in competency.levels
    ]
    required = (
        _level_id(achievement, competency, competency.required_level)
        if competency.required_level
        else None
    )
    return compact(
        {
            "id": _result_description_id(achievement, competency),
            "type": ["ResultDescription"],
            "name": competency.name,
            "resultType": "RubricCriterionLevel",
            "rubricCriterionLevel": levels,
            "requiredLevel": required,
            "alignment": [alignment_node(a) for a in competency.alignments],
        }
    )


def build_results(tier: Tier, achievement: str, results: Mapping[str, str]) -> list[dict[str, Any]]:
    """The Results for ``results`` (competency id -> level id), in the tier's competency order.

    Raises :class:`InputError` for an unknown competency or level, or a level below the
    required one.
    """
    if not isinstance(results, Mapping):
        raise InputError("results must map competency ids to level ids.", field="results")
    for competency_id in results:
        if tier.competency(competency_id) is None:
            raise InputError(
                f"Tier {tier.id!r} has no competency {competency_id!r}.",
                field=f"results.{competency_id}",
            )
    nodes = []
    for competency in tier.competencies:
        if competency.id not in results:
            continue
        level_id = results[competency.id]
        level_ids = [level.id for level in competency.levels]
        where = f"results.{competency.id}"
        if level_id not in level_ids:
            raise InputError(
                f"{level_id!r} is not a rubric level of {competency.name!r} "
                f"(levels: {', '.join(level_ids)}).",
                field=where,
            )
        required = competency.required_level
        if required in level_ids and level_ids.index(level_id) < level_ids.index(required):
            raise InputError(
                f"{competency.name!r} is at {level_id!r}, below the required {required!r}.",
                field=where,
            )
        nodes.append(
            {
                "type": ["Result"],
                "resultDescription": _result_description_id(achievement, competency),
                "achievedLevel": _level_id(achievement, competency, level_id),
            }
        )
    return nodes
