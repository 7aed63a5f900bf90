"""Certification frameworks: load a program file (TOML or JSON), validate it fully, build the model.

A framework is data a program administrator edits by hand, so loading reports every problem at
once, each with where it is (a JSON-pointer-like path such as ``/tiers/2/prerequisites/0``, or
the line and column of a TOML syntax error), rather than stopping at the first. The checks
themselves are in :mod:`leadbadge.pathway.framework_checks`; :func:`check_framework` is offered
here too, beside the loaders that run it.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from leadbadge import _resources
from leadbadge.errors import FrameworkError, FrameworkProblem
from leadbadge.model import (
    Alignment,
    Competency,
    EvidenceRequirement,
    Framework,
    Program,
    Renewal,
    RubricLevel,
    Standard,
    Tier,
)
from leadbadge.pathway.framework_checks import check_framework

__all__ = [
    "check_framework",
    "default_framework",
    "framework_to_dict",
    "load_framework",
    "parse_framework",
]

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def load_framework(path: str | os.PathLike[str]) -> Framework:
    """Read, validate and build the framework in a ``.toml`` or ``.json`` file.

    Raises :class:`FrameworkError` listing every problem, including an unreadable file.
    """
    source = os.fspath(path)
    data = _read(Path(source), source)
    return parse_framework(data, source=source)


def parse_framework(data: Mapping[str, Any], *, source: str | None = None) -> Framework:
    """Validate already-decoded framework data and build the :class:`Framework`."""
    problems = check_framework(data)
    if problems:
        raise FrameworkError(problems, source=source)
    return _build(data, source)


@cache
def default_framework() -> Framework:
    """The framework shipped with the package (the program may replace it with its own file)."""
    return load_framework(_resources.default_framework_path())


# --- reading -------------------------------------------------------------------------------


def _read(path: Path, source: str) -> Any:
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise FrameworkError(
            [
                FrameworkProblem(
                    "", f"unsupported file type {suffix or '(none)'!r}; use .toml or .json"
                )
            ],
            source=source,
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise FrameworkError(
            [FrameworkProblem("", f"cannot read the file: {reason}")], source=source
        ) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FrameworkError(
            [FrameworkProblem("", f"the file is not UTF-8 text (byte {exc.start})")],
            source=source,
        ) from exc
    if suffix == ".toml":
        return _decode_toml(text, source)
    return _decode_json(text, source)


def _decode_toml(text: str, source: str) -> Any:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's TOMLDecodeError carries the position only inside its message.
        message = str(exc)
        match = _TOML_POSITION.search(message)
        location = f"line {match[1]}, column {match[2]}" if match else ""
        if match:
            message = message[: match.start()]
        raise FrameworkError(
            [FrameworkProblem(location, f"TOML syntax error: {message}")], source=source
        ) from exc


def _decode_json(text: str, source: str) -> Any:
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        # A hand-edited JSON file with a repeated key silently loses one value; say so.
        obj: dict[str, Any] = {}
        for key, value in items:
            if key in obj:
                duplicates.append(key)
            obj[key] = value
        return obj

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise FrameworkError(
            [
                FrameworkProblem(
                    f"line {exc.lineno}, column {exc.colno}", f"JSON syntax error: {exc.msg}"
                )
            ],
            source=source,
        ) from exc
    if duplicates:
        raise FrameworkError(
            [
                FrameworkProblem("", f"the key {key!r} appears twice in one object")
                for key in duplicates
            ],
            source=source,
        )
    return data


# --- building the model --------------------------------------------------------------------


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


def _build(data: Mapping[str, Any], source: str | None) -> Framework:
    program_data = data["program"]
    standards = tuple(
        Standard(
            id=s["id"],
            name=s["name"],
            url=s.get("url"),
            description=s.get("description"),
        )
        for s in program_data.get("standards", [])
    )
    by_id = {s.id: s for s in standards}
    program = Program(
        name=program_data["name"],
        organization=program_data["organization"],
        url=program_data.get("url"),
        description=program_data.get("description"),
        standards=standards,
    )
    tiers = tuple(_build_tier(t, by_id) for t in data["tiers"])
    return Framework(program=program, tiers=tiers, source=source)


def _build_alignments(
    items: Sequence[Mapping[str, Any]], standards: Mapping[str, Standard]
) -> tuple[Alignment, ...]:
    out: list[Alignment] = []
    for a in items:
        standard = standards.get(a["standard"]) if "standard" in a else None
        url = a.get("target_url") or (standard.url if standard else None)
        framework = a.get("target_framework") or (standard.name if standard else None)
        out.append(
            Alignment(
                target_name=a["target_name"],
                target_url=str(url),
                target_description=a.get("target_description"),
                target_framework=framework,
                target_code=a.get("target_code"),
                target_type=a.get("target_type"),
            )
        )
    return tuple(out)


def _build_evidence(items: Sequence[Mapping[str, Any]]) -> tuple[EvidenceRequirement, ...]:
    return tuple(
        EvidenceRequirement(
            id=e["id"],
            kind=e["kind"],
            name=e["name"],
            description=e["description"],
            records=tuple(e.get("records", ())),
            min_hours=float(e["min_hours"]) if "min_hours" in e else None,
        )
        for e in items
    )


def _build_tier(data: Mapping[str, Any], standards: Mapping[str, Standard]) -> Tier:
    competencies = tuple(
        Competency(
            id=c["id"],
            name=c["name"],
            description=c["description"],
            levels=tuple(
                RubricLevel(
                    id=lv["id"],
                    name=lv["name"],
                    description=lv.get("description"),
                    points=_opt_str(lv, "points"),
                )
                for lv in c["levels"]
            ),
            required_level=c.get("required_level"),
            alignments=_build_alignments(c.get("alignments", ()), standards),
        )
        for c in data["competencies"]
    )
    renewal = data["renewal"]
    return Tier(
        id=data["id"],
        name=data["name"],
        description=data["description"],
        achievement_type=data["achievement_type"],
        criteria=data["criteria"],
        roles=tuple(data["roles"]),
        credits=float(data["credits"]),
        competencies=competencies,
        evidence=_build_evidence(data["evidence"]),
        prerequisites=tuple(data.get("prerequisites", ())),
        validity_years=int(data["validity_years"]),
        renewal=Renewal(
            description=renewal["description"],
            professional_learning_hours=float(renewal["professional_learning_hours"]),
            evidence=_build_evidence(renewal.get("evidence", ())),
        ),
        alignments=_build_alignments(data.get("alignments", ()), standards),
        field_of_study=data.get("field_of_study"),
        tags=tuple(data.get("tags", ())),
    )


# --- back to data --------------------------------------------------------------------------


def _number(value: float) -> int | float:
    # Whole numbers print as 15, not 15.0, in `framework show` and in JSON.
    return int(value) if value.is_integer() else value


def _put(out: dict[str, Any], key: str, value: object) -> None:
    if value is not None and value != ():
        out[key] = list(value) if isinstance(value, tuple) else value


def _alignment_dict(a: Alignment) -> dict[str, Any]:
    out: dict[str, Any] = {"target_name": a.target_name, "target_url": a.target_url}
    _put(out, "target_description", a.target_description)
    _put(out, "target_framework", a.target_framework)
    _put(out, "target_code", a.target_code)
    _put(out, "target_type", a.target_type)
    return out


def _evidence_dict(e: EvidenceRequirement) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": e.id,
        "kind": e.kind,
        "name": e.name,
        "description": e.description,
    }
    _put(out, "records", e.records)
    if e.min_hours is not None:
        out["min_hours"] = _number(e.min_hours)
    return out


def _competency_dict(c: Competency) -> dict[str, Any]:
    levels = []
    for lv in c.levels:
        level: dict[str, Any] = {"id": lv.id, "name": lv.name}
        _put(level, "description", lv.description)
        _put(level, "points", lv.points)
        levels.append(level)
    out: dict[str, Any] = {
        "id": c.id,
        "name": c.name,
        "description": c.description,
        "levels": levels,
    }
    _put(out, "required_level", c.required_level)
    _put(out, "alignments", [_alignment_dict(a) for a in c.alignments] or None)
    return out


def _tier_dict(t: Tier) -> dict[str, Any]:
    renewal: dict[str, Any] = {
        "description": t.renewal.description,
        "professional_learning_hours": _number(t.renewal.professional_learning_hours),
    }
    _put(renewal, "evidence", [_evidence_dict(e) for e in t.renewal.evidence] or None)
    out: dict[str, Any] = {
        "id": t.id,
        "name": t.name,
        "description": t.description,
        "achievement_type": t.achievement_type,
        "criteria": t.criteria,
        "roles": list(t.roles),
        "credits": _number(t.credits),
        "prerequisites": list(t.prerequisites),
        "validity_years": t.validity_years,
        "competencies": [_competency_dict(c) for c in t.competencies],
        "evidence": [_evidence_dict(e) for e in t.evidence],
        "renewal": renewal,
    }
    _put(out, "alignments", [_alignment_dict(a) for a in t.alignments] or None)
    _put(out, "field_of_study", t.field_of_study)
    _put(out, "tags", t.tags)
    return out


def framework_to_dict(framework: Framework) -> dict[str, Any]:
    """The framework as plain data in the file format; ``parse_framework`` reads it back.

    Alignments are written out in full (``target_url``, ``target_framework``), not as
    ``standard`` references, so the result stands alone.
    """
    p = framework.program
    program: dict[str, Any] = {"name": p.name, "organization": p.organization}
    _put(program, "url", p.url)
    _put(program, "description", p.description)
    standards = []
    for s in p.standards:
        standard: dict[str, Any] = {"id": s.id, "name": s.name}
        _put(standard, "url", s.url)
        _put(standard, "description", s.description)
        standards.append(standard)
    _put(program, "standards", standards or None)
    return {"program": program, "tiers": [_tier_dict(t) for t in framework.tiers]}
