"""Framework checks: every schema violation and cross-reference problem, each with where it is."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

from leadbadge.errors import FrameworkError, FrameworkProblem
from leadbadge.pathway.framework import load_framework, parse_framework
from leadbadge.pathway.framework_checks import check_framework

DATA = Path(__file__).parent / "data" / "frameworks"


def _minimal() -> dict[str, Any]:
    with (DATA / "minimal.toml").open("rb") as f:
        return tomllib.load(f)


def _locations(data: Any) -> list[str]:
    return [p.location for p in check_framework(data)]


def _raises(data: Any) -> list[FrameworkProblem]:
    with pytest.raises(FrameworkError) as info:
        parse_framework(data, source="test.toml")
    assert info.value.source == "test.toml"
    assert info.value.problems, "FrameworkError without problems"
    return info.value.problems


def test_top_level_that_is_not_a_table() -> None:
    assert _locations(["not", "a", "table"]) == [""]


# --- schema violations ---------------------------------------------------------------------


def test_missing_required_field_points_at_the_field() -> None:
    data = _minimal()
    del data["tiers"][1]["credits"]
    (problem,) = _raises(data)
    assert problem.location == "/tiers/1/credits"
    assert "missing" in problem.message


def test_wrong_type_is_reported() -> None:
    data = _minimal()
    data["tiers"][0]["credits"] = "fifteen"
    data["tiers"][0]["roles"] = "Coordinator"
    problems = _raises(data)
    assert {p.location for p in problems} == {"/tiers/0/credits", "/tiers/0/roles"}
    assert any("expected a number, found 'fifteen'" in p.message for p in problems)


def test_bad_id_is_reported() -> None:
    data = _minimal()
    data["tiers"][0]["competencies"][0]["id"] = "Time Management"
    (problem,) = _raises(data)
    assert problem.location == "/tiers/0/competencies/0/id"
    assert "lowercase id" in problem.message


def test_unknown_field_suggests_the_right_one() -> None:
    data = _minimal()
    data["tiers"][1]["prerequisite"] = data["tiers"][1].pop("prerequisites")
    (problem,) = _raises(data)
    assert problem.location == "/tiers/1/prerequisite"
    assert "did you mean 'prerequisites'" in problem.message


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("tiers", 0, "credits"), 0),
        (("tiers", 0, "validity_years"), 0),
        (("tiers", 0, "validity_years"), 2.5),
        (("tiers", 0, "achievement_type"), "Endorsement"),
        (("tiers", 1, "alignments", 0, "target_type"), "ceasn:Credential"),
        (("tiers", 1, "alignments", 0, "target_url"), "http://case.example.org/items/1"),
        (("tiers", 1, "alignments", 0, "target_url"), "case.example.org/items/1"),
        (("program", "standards", 0, "url"), "https://"),
        (("tiers", 0, "evidence", 0, "records", 0), "Supervisor Name"),
        (("tiers", 0, "evidence", 0, "kind"), "apprenticeship"),
        (("tiers", 0, "evidence", 0, "min_hours"), -1),
        (("tiers", 0, "renewal", "professional_learning_hours"), -5),
        (("tiers", 0, "name"), "   "),
        (("tiers", 1, "prerequisites"), ["first", "first"]),
    ],
)
def test_invalid_values_are_reported_at_their_location(
    path: tuple[str | int, ...], value: object
) -> None:
    data = _minimal()
    target: Any = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    problems = _raises(data)
    expected = "".join(f"/{p}" for p in path)
    if path[-1] == "prerequisites":
        assert [p.location for p in problems] == [expected]
        assert "more than once" in problems[0].message
    else:
        assert [p.location for p in problems] == [expected]


@pytest.mark.parametrize("text", ["inf", "nan", "-inf"])
def test_non_finite_numbers_are_refused(text: str) -> None:
    source = (DATA / "minimal.toml").read_text(encoding="utf-8")
    data = tomllib.loads(source.replace("credits = 3\n", f"credits = {text}\n", 1))
    assert "/tiers/0/credits" in _locations(data)


@pytest.mark.parametrize("value", ["ext:LeadershipEndorsement", "License", "MicroCredential"])
def test_ob_achievement_types_and_extensions_are_accepted(value: str) -> None:
    data = _minimal()
    data["tiers"][0]["achievement_type"] = value
    assert check_framework(data) == []


@pytest.mark.parametrize("value", ["ceterms:Credential", "CTDL", "ext:StateStandard"])
def test_ob_alignment_target_types_are_accepted(value: str) -> None:
    data = _minimal()
    data["tiers"][1]["alignments"][0]["target_type"] = value
    assert check_framework(data) == []


# --- cross-reference rules -----------------------------------------------------------------


def test_duplicate_tier_id() -> None:
    data = _minimal()
    data["tiers"][1]["id"] = "first"
    data["tiers"][1]["prerequisites"] = []
    (problem,) = _raises(data)
    assert problem.location == "/tiers/1/id"
    assert "duplicate tier id 'first'" in problem.message
    assert "/tiers/0" in problem.message


def test_duplicate_competency_level_and_evidence_ids() -> None:
    data = _minimal()
    tier = data["tiers"][0]
    tier["competencies"].append(copy.deepcopy(tier["competencies"][0]))
    tier["competencies"][0]["levels"][1]["id"] = "approaching"
    tier["competencies"][0]["required_level"] = "approaching"
    tier["evidence"].append(copy.deepcopy(tier["evidence"][0]))
    assert _locations(data) == [
        "/tiers/0/competencies/1/id",
        "/tiers/0/evidence/1/id",
        "/tiers/0/competencies/0/levels/1/id",
    ]


def test_unknown_prerequisite() -> None:
    data = _minimal()
    data["tiers"][1]["prerequisites"] = ["first", "principal"]
    (problem,) = _raises(data)
    assert problem.location == "/tiers/1/prerequisites/1"
    assert "unknown tier 'principal'" in problem.message
    assert "first, second" in problem.message


def test_tier_requiring_itself() -> None:
    data = _minimal()
    data["tiers"][1]["prerequisites"] = ["second"]
    (problem,) = _raises(data)
    assert problem.location == "/tiers/1/prerequisites/0"
    assert "requires itself" in problem.message


def test_three_tier_cycle_is_reported_once_with_its_path() -> None:
    with pytest.raises(FrameworkError) as info:
        load_framework(DATA / "cycle.toml")
    (problem,) = info.value.problems
    assert problem.location == "/tiers/0/prerequisites/0"
    assert "a -> b -> c -> a" in problem.message


def test_two_separate_cycles_are_both_reported() -> None:
    with (DATA / "cycle.toml").open("rb") as f:
        data = tomllib.load(f)
    originals = list(data["tiers"])
    for tier, new_id, prereq in zip(originals, ["d", "e", "f"], ["e", "d", "a"], strict=True):
        data["tiers"].append({**copy.deepcopy(tier), "id": new_id, "prerequisites": [prereq]})
    messages = [p.message for p in check_framework(data)]
    assert len(messages) == 2
    assert "a -> b -> c -> a" in messages[0]
    assert "d -> e -> d" in messages[1]


def test_min_hours_needs_an_hours_record() -> None:
    data = _minimal()
    data["tiers"][0]["evidence"][0]["records"] = ["supervisor_name", "supervisor_role"]
    data["tiers"][0]["renewal"]["evidence"] = [
        {"id": "pl", "kind": "professional-learning", "name": "PL", "description": "Log."}
    ]
    data["tiers"][0]["renewal"]["evidence"][0]["min_hours"] = 10
    assert _locations(data) == [
        "/tiers/0/evidence/0/records",
        "/tiers/0/renewal/evidence/0/records",
    ]


def test_required_level_must_be_one_of_the_levels() -> None:
    data = _minimal()
    data["tiers"][0]["competencies"][0]["required_level"] = "exceeds"
    (problem,) = _raises(data)
    assert problem.location == "/tiers/0/competencies/0/required_level"
    assert "approaching, meets" in problem.message


def test_unknown_standard_reference() -> None:
    data = _minimal()
    data["tiers"][0]["competencies"][0]["alignments"][0]["standard"] = "psel"
    (problem,) = _raises(data)
    assert problem.location == "/tiers/0/competencies/0/alignments/0/standard"


def test_alignment_without_any_url() -> None:
    data = _minimal()
    del data["tiers"][1]["alignments"][0]["target_url"]
    (problem,) = _raises(data)
    assert problem.location == "/tiers/1/alignments/0/target_url"


def test_several_problems_are_all_reported_at_once() -> None:
    data = _minimal()
    first, second = data["tiers"]
    del first["description"]  # schema: missing
    first["validity_years"] = 0  # schema: below minimum
    first["competencies"][0]["required_level"] = "mastery"  # semantic
    second["id"] = "first"  # semantic: duplicate
    second["prerequisites"] = ["first", "third"]  # semantic: itself (by its new id), unknown
    second["evidence"][0]["records"] = ["Mentor"]  # schema: not snake_case
    problems = _raises(data)
    assert [p.location for p in problems] == [
        "/tiers/0/description",
        "/tiers/0/validity_years",
        "/tiers/1/evidence/0/records/0",
        "/tiers/1/id",
        "/tiers/0/competencies/0/required_level",
        "/tiers/1/prerequisites/0",
        "/tiers/1/prerequisites/1",
    ]
    with pytest.raises(FrameworkError, match="has 7 problems"):
        parse_framework(data)


def test_semantic_checks_survive_badly_shaped_data() -> None:
    data = _minimal()
    data["tiers"][0]["competencies"][0]["levels"] = [{"id": ["x"]}, "junk"]
    data["tiers"][1]["prerequisites"] = [3, {"id": "first"}]
    data["tiers"].append("not a tier")
    locations = _locations(data)
    assert "/tiers/2" in locations
    assert "/tiers/1/prerequisites/0" in locations
