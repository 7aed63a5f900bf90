"""Framework checks: every problem in framework data, each with where it is.

The JSON Schema (``framework.schema.json``) gives the shape, worded for the person editing the
file; the cross-reference rules give what a schema cannot say: unique ids, known standards,
required levels that exist, prerequisites that name known tiers and make no cycle.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from leadbadge import _resources
from leadbadge.errors import FrameworkProblem

__all__ = ["check_framework"]

_SCHEMA_NAME = "framework.schema.json"


def check_framework(data: object) -> list[FrameworkProblem]:
    """Every problem in decoded framework data: schema violations, then cross-reference rules."""
    problems = _schema_problems(data)
    if isinstance(data, Mapping):
        problems.extend(_semantic_problems(data))
    return problems


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
