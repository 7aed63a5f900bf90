"""Framework files: the shipped default pathway, the round trip, and every kind of bad file."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from leadbadge import _resources
from leadbadge.errors import FrameworkError
from leadbadge.model import Framework, Tier
from leadbadge.pathway.framework import (
    check_framework,
    default_framework,
    framework_to_dict,
    load_framework,
    parse_framework,
)
from tests.conftest import interop_path

DATA = Path(__file__).parent / "data" / "frameworks"
DOCS = Path(__file__).resolve().parents[3] / "docs" / "framework.md"
DEFAULT_IDS = [
    "initial",
    "building",
    "district",
    "sped-director",
    "hr-director",
    "tech-director",
    "teacher-leader",
]
SPECIALISTS = ["sped-director", "hr-director", "tech-director"]


def _default_data() -> dict[str, Any]:
    with _resources.default_framework_path().open("rb") as f:
        return tomllib.load(f)


def _evidence_kinds(tier: Tier) -> set[str]:
    return {e.kind for e in tier.evidence}


# --- the default framework -----------------------------------------------------------------


@pytest.fixture(scope="module")
def default() -> Framework:
    return default_framework()


def test_default_framework_has_exactly_the_documented_tier_ids(default: Framework) -> None:
    assert default.tier_ids() == DEFAULT_IDS
    assert default.source == str(_resources.default_framework_path())
    assert default_framework() is default  # cached


def test_default_program_names_its_standards(default: Framework) -> None:
    assert default.program.name == "School Leadership Certification Pathway"
    assert default.program.organization == "Example State Leadership Academy"
    urls = {s.id: s.url for s in default.program.standards}
    assert urls == {
        "psel-2015": "https://www.npbea.org/psel/",
        "tlms-2011": "https://www.nea.org/resource-library/teacher-leader-model-standards",
    }


def test_initial_is_15_credits_with_a_supervised_internship_and_no_prerequisite(
    default: Framework,
) -> None:
    initial = default.tier("initial")
    assert initial.credits == 15
    assert initial.prerequisites == ()
    internships = [e for e in initial.evidence if e.kind == "internship"]
    assert len(internships) == 1
    internship = internships[0]
    assert {"site", "supervisor_name", "supervisor_role", "hours"} <= set(internship.records)
    assert internship.min_hours is not None
    assert internship.min_hours > 0
    competency_ids = {c.id for c in initial.competencies}
    assert {"time-management", "scheduling", "student-discipline-systems"} <= competency_ids
    assert "Assistant Principal" in initial.roles


def test_building_requires_initial_and_mentoring_by_a_principal(default: Framework) -> None:
    building = default.tier("building")
    assert building.prerequisites == ("initial",)
    mentoring = next(e for e in building.evidence if e.kind == "mentoring")
    assert {"mentor_name", "mentor_role", "hours"} <= set(mentoring.records)
    assert "coursework" in _evidence_kinds(building)


def test_district_requires_building_and_mentoring_by_a_district_leader(
    default: Framework,
) -> None:
    district = default.tier("district")
    assert district.prerequisites == ("building",)
    mentoring = next(e for e in district.evidence if e.kind == "mentoring")
    assert {"mentor_name", "mentor_role", "hours"} <= set(mentoring.records)
    assert "school-board-relations" in {c.id for c in district.competencies}


@pytest.mark.parametrize("tier_id", SPECIALISTS)
def test_specialist_endorsements_require_initial(default: Framework, tier_id: str) -> None:
    tier = default.tier(tier_id)
    assert tier.prerequisites == ("initial",)


def test_specialists_have_their_own_competencies(default: Framework) -> None:
    sets = [frozenset(c.id for c in default.tier(t).competencies) for t in SPECIALISTS]
    assert sum(len(s) for s in sets) == len(frozenset().union(*sets))  # no id shared


def test_teacher_leader_is_evidence_based_without_prerequisite(default: Framework) -> None:
    tier = default.tier("teacher-leader")
    assert tier.prerequisites == ()
    assert {"portfolio", "peer-support"} <= _evidence_kinds(tier)
    assert all(a.target_framework == "Teacher Leader Model Standards" for a in tier.alignments)
    assert len(tier.alignments) == 7


def test_every_tier_is_renewable_with_professional_learning(default: Framework) -> None:
    for tier in default.tiers:
        assert tier.renewal.professional_learning_hours > 0, tier.id
        assert tier.validity_years >= 1, tier.id
        kinds = {e.kind for e in tier.renewal.evidence}
        assert "professional-learning" in kinds, tier.id


def test_default_competencies_have_four_level_rubrics(default: Framework) -> None:
    for tier in default.tiers:
        assert 5 <= len(tier.competencies) <= 8, tier.id
        for competency in tier.competencies:
            where = f"{tier.id}/{competency.id}"
            assert [lv.id for lv in competency.levels] == [
                "developing",
                "proficient",
                "accomplished",
                "exemplary",
            ], where
            assert all(lv.description for lv in competency.levels), where
            assert competency.required_level == "proficient", where
            assert competency.alignments, where
            assert all(a.target_url.startswith("https://") for a in competency.alignments)


def test_default_alignments_use_psel_numbers_and_names(default: Framework) -> None:
    psel = {
        "PSEL 1": "Mission, Vision, and Core Values",
        "PSEL 2": "Ethics and Professional Norms",
        "PSEL 3": "Equity and Cultural Responsiveness",
        "PSEL 4": "Curriculum, Instruction, and Assessment",
        "PSEL 5": "Community of Care and Support for Students",
        "PSEL 6": "Professional Capacity of School Personnel",
        "PSEL 7": "Professional Community for Teachers and Staff",
        "PSEL 8": "Meaningful Engagement of Families and Community",
        "PSEL 9": "Operations and Management",
        "PSEL 10": "School Improvement",
    }
    seen = 0
    for tier in default.tiers:
        for a in (*tier.alignments, *(x for c in tier.competencies for x in c.alignments)):
            if a.target_framework == "Professional Standards for Educational Leaders 2015":
                assert a.target_code is not None
                assert psel[a.target_code] == a.target_name
                assert a.target_url == "https://www.npbea.org/psel/"
                seen += 1
    assert seen > 0


def test_default_toml_validates_against_the_schema_directly() -> None:
    schema = json.loads((Path(_resources.schemas_dir()) / "framework.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    errors = list(Draft202012Validator(schema).iter_errors(_default_data()))
    assert errors == []
    assert check_framework(_default_data()) == []


def test_schema_enumerations_match_the_official_ob_v3p0_schema() -> None:
    official = json.loads(
        interop_path(
            "schemas",
            "ob-v3p0",
            "formal-2024-gh-pages",
            "ob_v3p0_achievementcredential_schema.json",
        ).read_text()
    )
    defs = official["$defs"]
    ob_achievement = defs["Achievement"]["properties"]["achievementType"]["oneOf"][0]["enum"]
    ob_target = defs["Alignment"]["properties"]["targetType"]["oneOf"][0]["enum"]
    ours = _resources.load_schema("framework.schema.json")["$defs"]
    assert ours["achievement_type"]["anyOf"][0]["enum"] == ob_achievement
    assert ours["alignment_target_type"]["anyOf"][0]["enum"] == ob_target


# --- loading and the round trip ------------------------------------------------------------


def test_round_trip_of_the_default_framework(default: Framework) -> None:
    data = framework_to_dict(default)
    json.dumps(data)  # plain data only
    assert parse_framework(data, source=default.source) == default
    assert check_framework(data) == []


def test_toml_and_json_files_load_to_the_same_framework() -> None:
    from_toml = load_framework(DATA / "minimal.toml")
    from_json = load_framework(str(DATA / "minimal.json"))
    assert from_toml.source is not None
    assert from_toml.source.endswith("minimal.toml")
    assert parse_framework(framework_to_dict(from_json), source=from_toml.source) == from_toml


def test_standard_reference_fills_in_url_and_framework_name() -> None:
    framework = load_framework(DATA / "minimal.toml")
    alignment = framework.tier("first").competencies[0].alignments[0]
    assert alignment.target_url == "https://standards.example.org/"
    assert alignment.target_framework == "Test Standards"
    assert alignment.target_code == "S1"
    second = framework.tier("second")
    assert second.credits == 2.5
    assert second.achievement_type == "ext:Endorsement"
    assert second.alignments[0].target_type == "CFItem"
    assert framework.tier("first").competencies[0].levels[1].points == "2"


def test_unknown_tier_lookup_raises_unknown_tier_error(default: Framework) -> None:
    from leadbadge.errors import UnknownTierError

    with pytest.raises(UnknownTierError):
        default.tier("nope")


def test_the_example_tier_in_the_docs_is_valid() -> None:
    blocks = DOCS.read_text(encoding="utf-8").split("```toml\n")[1:]
    example = next(b.split("```")[0] for b in blocks if b.startswith("[[tiers]]"))
    program = (
        '[program]\nname = "P"\norganization = "O"\n'
        '[[program.standards]]\nid = "psel-2015"\nname = "PSEL"\nurl = "https://www.npbea.org/psel/"\n'
    )
    problems = check_framework(tomllib.loads(program + example))
    # Only the prerequisite is missing: the example shows one tier of a larger pathway.
    assert [str(p) for p in problems] == [
        "/tiers/0/prerequisites/0: unknown tier 'initial'; known tiers: building"
    ]


# --- unreadable and syntactically broken files ---------------------------------------------


def test_toml_syntax_error_reports_line_and_column() -> None:
    with pytest.raises(FrameworkError) as info:
        load_framework(DATA / "syntax-error.toml")
    (problem,) = info.value.problems
    assert problem.location == "line 7, column 19"
    assert "TOML syntax error" in problem.message
    assert info.value.source is not None
    assert info.value.source.endswith("syntax-error.toml")


def test_json_syntax_error_reports_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "program": {,\n}\n', encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    (problem,) = info.value.problems
    assert problem.location == "line 2, column 15"  # the stray comma


def test_json_duplicate_key_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    data = json.dumps(framework_to_dict(load_framework(DATA / "minimal.toml")))
    path.write_text(data.replace('{"program": {', '{"program": {"name": "X", ', 1))
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert [p.message for p in info.value.problems] == [
        "the key 'name' appears twice in one object"
    ]


def test_missing_file_is_one_problem(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError) as info:
        load_framework(tmp_path / "absent.toml")
    (problem,) = info.value.problems
    assert "cannot read the file" in problem.message


def test_unsupported_extension_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "framework.yaml"
    path.write_text("program: {}\n")
    with pytest.raises(FrameworkError, match="1 problem"):
        load_framework(path)


def test_non_utf8_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[program]\nname = "Caf\xe9"\n'.encode("latin-1"))
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    assert "UTF-8" in info.value.problems[0].message
