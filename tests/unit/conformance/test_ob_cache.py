"""The Achievement check is kept for an Achievement seen before (every credential of a tier
carries the same one): the same problems come back, at the path of the credential checked,
and an Achievement that differs in any way, even only in a JSON type, is checked anew."""

from __future__ import annotations

import copy
import json
from typing import Any

from leadbadge.conformance import ob
from leadbadge.conformance.problems import Checker
from leadbadge.conformance.vc import check_credential_shape
from tests.unit.pathway._sample import build_sample


def _problems(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (p.path, p.severity, p.message)
        for p in check_credential_shape(document, require_open_badge=True)
    ]


def _with(change: dict[str, Any]) -> dict[str, Any]:
    document = build_sample()
    document["credentialSubject"]["achievement"].update(change)
    return document


def test_a_kept_check_gives_the_same_problems() -> None:
    ob._CHECKED.clear()
    broken = _with({"creditsAvailable": "many", "type": ["Thing"]})
    first = _problems(broken)
    assert ob._CHECKED
    assert any(path.endswith("/achievement/creditsAvailable") for path, _, _ in first)
    assert _problems(copy.deepcopy(broken)) == first
    assert _problems(build_sample()) == []


def test_an_achievement_differing_only_in_json_type_is_checked_anew() -> None:
    ob._CHECKED.clear()
    assert _problems(_with({"creditsAvailable": 1})) == []
    # True == 1 in Python; the check (not a number) must still see the boolean.
    flagged = _problems(_with({"creditsAvailable": True}))
    assert [p for p in flagged if p[0].endswith("creditsAvailable")]
    # A tuple serialises like a list but is not one: never served a list's result.
    document = build_sample()
    achievement = document["credentialSubject"]["achievement"]
    listed = _problems(document)
    achievement["alignment"] = tuple(achievement["alignment"])
    fresh = Checker()
    ob._check_achievement_now(fresh, achievement, "/credentialSubject/achievement")
    kept = Checker()
    ob._check_achievement(kept, achievement, "/credentialSubject/achievement")
    assert kept.problems == fresh.problems
    assert listed == []


def test_the_builders_text_is_trusted_only_for_that_very_object() -> None:
    ob._CHECKED.clear()
    document = build_sample()
    achievement = document["credentialSubject"]["achievement"]
    text = json.dumps(achievement, ensure_ascii=False, separators=(",", ":"))
    other = json.loads(text)
    other["creditsAvailable"] = "many"
    with ob.achievement_from_text(achievement, text):
        assert ob._check_achievement(Checker(), achievement, "/a") is not None
        # Another object under the same block is serialised and checked on its own.
        checker = Checker()
        ob._check_achievement(checker, other, "/a")
    assert [p.path for p in checker.problems] == ["/a/creditsAvailable"]
