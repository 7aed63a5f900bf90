"""The verifier's pipeline: a check that raises fails on its own, and no input escapes a report.

A check that meets an error it does not expect fails with ``CHECK_ERROR`` and the checks that
depend on it are skipped; the verdict is then never valid and nothing is raised to the caller.
The inputs here are the shapes that once crashed a check (lists and objects where a string
belongs).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from leadbadge.verifier import verify as verify_module
from leadbadge.verifier.checks import format as format_check
from leadbadge.verifier.checks import issuer_key as key_check
from leadbadge.verifier.checks import issuer_trust as trust_check
from leadbadge.verifier.checks import jsonld as jsonld_check
from leadbadge.verifier.checks import proof as proof_check
from leadbadge.verifier.checks import recipient as recipient_check
from leadbadge.verifier.checks import schema as schema_check
from leadbadge.verifier.checks import status as status_check
from leadbadge.verifier.checks import validity as validity_check
from leadbadge.verifier.report import CHECK_IDS, CheckStatus, Verdict, VerificationReport
from leadbadge.verifier.verify import Verifier
from tests.unit._issued import ANA, LATER, World, make_world

P, F, S, NA = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.SKIPPED, CheckStatus.NOT_APPLICABLE
CONTENT = ("schema", "issuer_trust", "validity", "status", "recipient")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    world = make_world(tmp_path_factory.mktemp("pipeline"), did_web=None)
    world.fresh_lists(LATER)
    return world


def _verify(world: World, doc: Any, **kw: Any) -> VerificationReport:
    return Verifier(world.trust).verify(doc, now=LATER, **kw)


def _statuses(report: VerificationReport) -> dict[str, CheckStatus]:
    return {c.id: c.status for c in report.checks}


def _raiser(error: BaseException) -> Callable[..., Any]:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise error

    return boom


def test_every_check_passes_before_anything_is_broken(world: World) -> None:
    report = _verify(world, world.issue(), recipient=ANA.email)
    assert report.verdict is Verdict.VALID
    assert set(_statuses(report).values()) == {P}


# (check, the module and function the pipeline calls, what it raises)
BROKEN = [
    ("format", format_check, "check_format", RecursionError("maximum recursion depth")),
    ("jsonld", jsonld_check, "check_jsonld", KeyError("@context")),
    ("schema", schema_check, "check_schema", TypeError("unhashable type: 'dict'")),
    ("proof", proof_check, "check_proof", TypeError("unhashable type: 'list'")),
    ("issuer_key", key_check, "check_issuer_key", KeyError("verificationMethod")),
    ("issuer_trust", trust_check, "check_issuer_trust", RecursionError("too deep")),
    ("validity", validity_check, "check_validity", KeyError("validFrom")),
    ("status", status_check, "check_credential_status", TypeError("'int' is not iterable")),
    ("recipient", recipient_check, "check_recipient", RecursionError("too deep")),
]


@pytest.mark.parametrize("case", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_check_that_raises_fails_and_the_verdict_is_invalid(
    world: World, monkeypatch: pytest.MonkeyPatch, case: tuple[str, Any, str, BaseException]
) -> None:
    check_id, module, name, error = case
    doc = world.issue()
    monkeypatch.setattr(module, name, _raiser(error))
    report = _verify(world, doc, recipient=ANA.email)
    assert report.verdict is Verdict.INVALID
    assert [c.id for c in report.checks] == list(CHECK_IDS)
    broken = report.check(check_id)
    assert (broken.status, broken.code) == (F, "CHECK_ERROR")
    assert broken.detail["error"] == type(error).__name__
    assert f"in the {check_id} check" in broken.message
    assert broken.message.endswith(".")
    assert "\n" not in broken.message
    assert broken.action
    # Everything else is as it was: only the broken check and those that depend on it change.
    failing = {c.id for c in report.checks if c.status is F}
    assert failing == {check_id}


def test_a_proof_check_that_raises_leaves_the_key_and_the_content_unchecked(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(proof_check, "check_proof", _raiser(TypeError("boom")))
    report = _verify(world, world.issue(), recipient=ANA.email)
    statuses = _statuses(report)
    assert statuses["proof"] is F
    assert statuses["issuer_key"] is S
    assert "proof check could not be completed" in report.check("issuer_key").message
    assert {statuses[c] for c in CONTENT} == {S}
    assert (statuses["format"], statuses["jsonld"]) == (P, P)


def test_a_format_check_that_raises_leaves_the_schema_unchecked(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(format_check, "check_format", _raiser(RecursionError("deep")))
    report = _verify(world, world.issue())
    schema = report.check("schema")
    assert schema.status is S
    assert "format check could not be completed" in schema.message
    assert _statuses(report)["proof"] is P


def test_a_jsonld_check_that_raises_leaves_the_signature_unchecked(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonld_check, "check_jsonld", _raiser(KeyError("x")))
    report = _verify(world, world.issue())
    assert report.verdict is Verdict.INVALID
    assert (_statuses(report)["proof"], _statuses(report)["issuer_key"]) == (S, S)


def test_a_summary_that_cannot_be_read_leaves_the_verdict_to_the_checks(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = world.issue()
    monkeypatch.setattr(verify_module, "summarize", _raiser(KeyError("name")))
    report = _verify(world, doc)
    assert report.verdict is Verdict.VALID
    assert report.summary is not None
    assert report.summary.issuer_id == doc["issuer"]["id"]
    assert report.summary.achievement_name is None


def test_an_error_deep_inside_a_check_is_that_checks_failure(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Raised by the list evaluation the status check delegates to, not by its entry point.
    monkeypatch.setattr(status_check, "check_status", _raiser(RecursionError("deep")))
    report = _verify(world, world.issue())
    assert (report.check("status").status, report.check("status").code) == (F, "CHECK_ERROR")
    assert report.verdict is Verdict.INVALID


# --- inputs that once crashed a check ----------------------------------------------------------


def _identity_types_as_lists(doc: dict[str, Any]) -> None:
    for identity in doc["credentialSubject"]["identifier"]:
        identity["identityType"] = [identity["identityType"]]


def test_identity_type_given_as_a_list_ends_in_a_report(world: World) -> None:
    doc = world.issue()
    _identity_types_as_lists(doc)
    # Signed as it is: the content checks run, and the recipient is not matched.
    report = _verify(world, world.resign(doc), recipient=ANA.email)
    assert report.verdict is Verdict.INVALID
    assert report.check("schema").status is F
    assert (report.check("recipient").status, report.check("recipient").code) == (
        CheckStatus.UNKNOWN,
        "NO_IDENTIFIER",
    )


def test_identity_type_as_a_list_after_a_failed_jsonld_check_ends_in_a_report(
    world: World,
) -> None:
    doc = world.issue()
    _identity_types_as_lists(doc)
    doc["credentialSubject"]["undefinedTerm"] = 1
    report = _verify(world, doc, recipient=ANA.email)
    assert report.verdict is Verdict.INVALID
    statuses = _statuses(report)
    assert (statuses["jsonld"], statuses["proof"]) == (F, S)
    assert report.check("recipient").code == "NO_IDENTIFIER"


@pytest.mark.parametrize(
    "where",
    [
        "type",
        "achievementType",
        "achievement type",
        "subject type",
        "issuer type",
        "status type",
    ],
)
def test_an_object_inside_a_type_list_ends_in_an_invalid_report(world: World, where: str) -> None:
    doc = world.issue()
    subject = doc["credentialSubject"]
    targets: dict[str, tuple[dict[str, Any], str]] = {
        "type": (doc, "type"),
        "achievementType": (subject["achievement"], "achievementType"),
        "achievement type": (subject["achievement"], "type"),
        "subject type": (subject, "type"),
        "issuer type": (doc["issuer"], "type"),
        "status type": (doc["credentialStatus"][0], "type"),
    }
    node, key = targets[where]
    node[key] = [*copy.deepcopy(node[key] if isinstance(node[key], list) else [node[key]]), {}]
    report = _verify(world, doc, recipient=ANA.email)
    assert report.verdict is Verdict.INVALID
    assert [c.id for c in report.checks] == list(CHECK_IDS)
