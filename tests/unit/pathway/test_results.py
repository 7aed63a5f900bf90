"""Rubric results: each Result names a level of a ResultDescription of the achievement."""

from __future__ import annotations

from tests.unit.pathway._sample import build_sample


def test_results_point_into_the_achievement() -> None:
    subject = build_sample()["credentialSubject"]
    levels = {
        rd["id"]: {level["id"] for level in rd["rubricCriterionLevel"]}
        for rd in subject["achievement"]["resultDescription"]
    }
    assert [r["achievedLevel"].rsplit("/", 1)[1] for r in subject["result"]] == [
        "exemplary",
        "developing",
    ]
    for result in subject["result"]:
        assert result["type"] == ["Result"]
        assert result["achievedLevel"] in levels[result["resultDescription"]]


def test_no_results_means_no_result_property() -> None:
    assert "result" not in build_sample(results={})["credentialSubject"]
