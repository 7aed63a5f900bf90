"""Certification frameworks: load a program file (TOML or JSON), validate it fully, build the model.

A framework is data a program administrator edits by hand, so loading reports every problem at
once, each with where it is (a JSON-pointer-like path such as ``/tiers/2/prerequisites/0``, or
the line and column of a TOML syntax error), rather than stopping at the first.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

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

__all__ = [
    "check_framework",
    "default_framework",
    "framework_to_dict",
    "load_framework",
    "parse_framework",
]

_SCHEMA_NAME = "framework.schema.json"
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


def check_framework(data: object) -> list[FrameworkProblem]:
    """Every problem in decoded framework data: schema violations, then cross-reference rules."""
    problems = _schema_problems(data)
    if isinstance(data, Mapping):
        problems.extend(_semantic_problems(data))
    return problems


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


# --- schema --------------------------------------------------------------------------------


@cache
def _validator() -> Any:
    schema = _resources.load_schema(_SCHEMA_NAME)
    return Draft202012Validator(schema)


def _pointer(parts: Sequence[str | int]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


_JSON_TYPES = {
    "string": "a text",
    "number": "a number",
    "integer": "a whole number",
    "array": "a list",
    "object": "a table",
    "boolean": "true or false",
}


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


def _schema_problems(data: object) -> list[FrameworkProblem]:
    problems: list[FrameworkProblem] = []
    for error in _validator().iter_errors(data):
        problems.extend(_describe(error))
    # TOML and Python's json accept nan and inf, which every numeric bound lets through.
    problems.extend(
        FrameworkProblem(where, f"must be a finite number, found {value!r}")
        for where, value in _non_finite(data, [])
    )
    problems.sort(key=lambda p: _sort_key(p.location))
    return problems


def _non_finite(value: object, path: list[str | int]) -> Iterator[tuple[str, float]]:
    if isinstance(value, float) and not math.isfinite(value):
        yield _pointer(path), value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _non_finite(item, [*path, str(key)])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _non_finite(item, [*path, index])


def _sort_key(location: str) -> list[tuple[int, int | str]]:
    # Numeric segments sort as numbers so /tiers/10 follows /tiers/9.
    return [(0, int(s)) if s.isdigit() else (1, s) for s in location.split("/")]


def _describe(error: Any) -> Iterator[FrameworkProblem]:
    where = _pointer(list(error.absolute_path))
    kind = error.validator
    value = error.validator_value
    instance = error.instance
    schema = error.schema
    if kind == "required":
        for name in value:
            if isinstance(instance, dict) and name not in instance:
                yield FrameworkProblem(
                    _pointer([*error.absolute_path, name]),
                    f"the required field {name!r} is missing",
                )
    elif kind == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        for name in instance:
            if name not in known:
                hint = difflib.get_close_matches(name, known, n=1)
                suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
                yield FrameworkProblem(
                    _pointer([*error.absolute_path, name]), f"unknown field {name!r}{suggestion}"
                )
    elif kind == "type":
        types = [value] if isinstance(value, str) else list(value)
        wanted = " or ".join(_JSON_TYPES.get(t, t) for t in types)
        found = _json_type(instance)
        if isinstance(instance, str | int | float) and not isinstance(instance, bool):
            found = repr(instance)
        yield FrameworkProblem(where, f"expected {wanted}, found {found}")
    elif kind in ("pattern", "anyOf") and "description" in schema:
        yield FrameworkProblem(where, f"{instance!r} is not {schema['description']}")
    elif kind == "enum":
        yield FrameworkProblem(
            where, f"{instance!r} is not one of: {', '.join(str(v) for v in value)}"
        )
    elif kind == "minItems":
        yield FrameworkProblem(where, f"must list at least {value} item{'s' if value != 1 else ''}")
    elif kind == "uniqueItems":
        yield FrameworkProblem(where, f"lists {_first_repeat(instance)!r} more than once")
    elif kind == "exclusiveMinimum":
        yield FrameworkProblem(where, f"must be greater than {value}, found {instance!r}")
    elif kind == "minimum":
        yield FrameworkProblem(where, f"must be at least {value}, found {instance!r}")
    else:
        yield FrameworkProblem(where, error.message)


def _first_repeat(values: list[Any]) -> Any:
    seen: list[Any] = []
    for value in values:
        if value in seen:
            return value
        seen.append(value)
    return None


# --- cross-reference rules -----------------------------------------------------------------


def _items(data: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
    value = data.get(key)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, Mapping)]


def _duplicate_ids(
    entries: list[tuple[int, Mapping[str, Any]]], base: str, what: str
) -> Iterator[FrameworkProblem]:
    first: dict[str, int] = {}
    for index, entry in entries:
        ident = entry.get("id")
        if not isinstance(ident, str):
            continue
        if ident in first:
            yield FrameworkProblem(
                f"{base}/{index}/id",
                f"duplicate {what} id {ident!r} (first used at {base}/{first[ident]})",
            )
        else:
            first[ident] = index


def _semantic_problems(data: Mapping[str, Any]) -> list[FrameworkProblem]:
    problems: list[FrameworkProblem] = []
    program = data.get("program")
    standards = _items(program, "standards") if isinstance(program, Mapping) else []
    problems.extend(_duplicate_ids(standards, "/program/standards", "standard"))
    standard_urls = {s["id"]: s.get("url") for _, s in standards if isinstance(s.get("id"), str)}

    tiers = _items(data, "tiers")
    problems.extend(_duplicate_ids(tiers, "/tiers", "tier"))
    for t, tier in tiers:
        base = f"/tiers/{t}"
        competencies = _items(tier, "competencies")
        problems.extend(_duplicate_ids(competencies, f"{base}/competencies", "competency"))
        evidence_lists = [(tier, f"{base}/evidence")]
        renewal = tier.get("renewal")
        if isinstance(renewal, Mapping):
            evidence_lists.append((renewal, f"{base}/renewal/evidence"))
        for owner, ebase in evidence_lists:
            problems.extend(_evidence_problems(_items(owner, "evidence"), ebase))
        problems.extend(_alignment_problems(tier, base, standard_urls))
        for c, competency in competencies:
            cbase = f"{base}/competencies/{c}"
            levels = _items(competency, "levels")
            problems.extend(_duplicate_ids(levels, f"{cbase}/levels", "level"))
            problems.extend(_alignment_problems(competency, cbase, standard_urls))
            required = competency.get("required_level")
            level_ids = list(
                dict.fromkeys(i for _, lv in levels if isinstance(i := lv.get("id"), str))
            )
            if isinstance(required, str) and levels and required not in level_ids:
                known = ", ".join(str(i) for i in level_ids)
                problems.append(
                    FrameworkProblem(
                        f"{cbase}/required_level",
                        f"required_level {required!r} is not one of this competency's levels "
                        f"({known})",
                    )
                )
    problems.extend(_prerequisite_problems(tiers))
    return problems


def _evidence_problems(
    entries: list[tuple[int, Mapping[str, Any]]], base: str
) -> Iterator[FrameworkProblem]:
    yield from _duplicate_ids(entries, base, "evidence")
    for index, entry in entries:
        records = entry.get("records", [])
        # Minimum hours are checked against the "hours" each piece of evidence records.
        if "min_hours" in entry and isinstance(records, list) and "hours" not in records:
            yield FrameworkProblem(
                f"{base}/{index}/records",
                "evidence with min_hours must list 'hours' among its records",
            )


def _alignment_problems(
    owner: Mapping[str, Any], base: str, standard_urls: Mapping[str, Any]
) -> Iterator[FrameworkProblem]:
    for a, alignment in _items(owner, "alignments"):
        where = f"{base}/alignments/{a}"
        ref = alignment.get("standard")
        if isinstance(ref, str) and ref not in standard_urls:
            known = ", ".join(standard_urls) or "none are defined"
            yield FrameworkProblem(
                f"{where}/standard",
                f"unknown standard {ref!r}; program standards: {known}",
            )
        elif "target_url" not in alignment and not (
            isinstance(ref, str) and isinstance(standard_urls.get(ref), str)
        ):
            yield FrameworkProblem(
                f"{where}/target_url",
                "the alignment needs a target_url (or a standard that has a url)",
            )


def _prerequisite_problems(tiers: list[tuple[int, Mapping[str, Any]]]) -> list[FrameworkProblem]:
    problems: list[FrameworkProblem] = []
    index_of: dict[str, int] = {}
    for t, tier in tiers:
        if isinstance(tier.get("id"), str):
            index_of.setdefault(tier["id"], t)
    known = ", ".join(index_of) or "none"
    # Edges of the "requires" graph among known tiers: tier -> [(prerequisite, position)].
    edges: dict[str, list[tuple[str, int]]] = {}
    for t, tier in tiers:
        ident = tier.get("id")
        prerequisites = tier.get("prerequisites")
        if not isinstance(ident, str) or not isinstance(prerequisites, list):
            continue
        for p, prereq in enumerate(prerequisites):
            if not isinstance(prereq, str):
                continue
            where = f"/tiers/{t}/prerequisites/{p}"
            if prereq == ident:
                problems.append(FrameworkProblem(where, f"tier {ident!r} requires itself"))
            elif prereq not in index_of:
                problems.append(
                    FrameworkProblem(where, f"unknown tier {prereq!r}; known tiers: {known}")
                )
            elif index_of[ident] == t:
                edges.setdefault(ident, []).append((prereq, p))
    for cycle in _cycles(list(index_of), edges):
        head, after = cycle[0], cycle[1]
        position = next(p for prereq, p in edges[head] if prereq == after)
        problems.append(
            FrameworkProblem(
                f"/tiers/{index_of[head]}/prerequisites/{position}",
                f"prerequisite cycle: {' -> '.join([*cycle, head])} (each tier requires the next)",
            )
        )
    return problems


def _cycles(nodes: list[str], edges: Mapping[str, list[tuple[str, int]]]) -> list[list[str]]:
    """One cycle per back edge of a depth-first search, each rotated to start at its first node.

    Self-loops are reported separately, so they never appear in ``edges``.
    """
    order = {n: i for i, n in enumerate(nodes)}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    found: dict[tuple[str, ...], list[str]] = {}
    for root in nodes:
        if root in state:
            continue
        path: list[str] = [root]
        state[root] = 1
        stack: list[Iterator[tuple[str, int]]] = [iter(edges.get(root, []))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            nxt = step[0]
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt) :]
                start = min(range(len(cycle)), key=lambda i: order[cycle[i]])
                rotated = cycle[start:] + cycle[:start]
                found.setdefault(tuple(rotated), rotated)
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(edges.get(nxt, [])))
    return sorted(found.values(), key=lambda c: order[c[0]])


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
