"""Pathway verification: one recipient, prerequisites held when each tier was awarded."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge.pathway.credential import Recipient
from leadbadge.verifier.report import Verdict
from leadbadge.verifier.verify import Verifier
from tests.unit._issued import ISSUED, OVERRIDE, World, evidence_for, make_world

DAY = timedelta(days=1)
AT = ISSUED + 10 * DAY
ANA = "ana.ruiz@example.org"


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path, did_web="did:web:rcoe.example.org:leadership")


def _chain(world: World, *, initial_at: Any = ISSUED) -> list[dict[str, Any]]:
    initial = world.issue("initial", now=initial_at)
    building = world.issue("building", now=ISSUED + DAY)
    district = world.issue("district", now=ISSUED + 2 * DAY)
    world.fresh_lists(AT)
    return [district, initial, building]


def _node_tiers(nodes: Any) -> list[Any]:
    return [(n.tier, [c.tier for c in n.credentials], _node_tiers(n.children)) for n in nodes]


def test_a_complete_chain_is_valid_as_a_tree_from_initial(world: World) -> None:
    docs = _chain(world)
    report = Verifier(world.trust).verify_pathway(docs, recipient=ANA, now=AT)
    assert report.verdict is Verdict.VALID, report.to_json()
    assert report.exit_code == 0
    assert report.recipient == "same"
    assert _node_tiers(report.tree) == [
        ("initial", ["initial"], [("building", ["building"], [("district", ["district"], [])])])
    ]
    building = report.tree[0].children[0].credentials[0]
    [finding] = building.prerequisites
    assert (finding.tier, finding.held, finding.credential_id) == ("initial", True, docs[1]["id"])
    shape = report.to_json()
    assert shape["verdict"] == "valid"
    assert shape["tree"][0]["children"][0]["credentials"][0]["prerequisites"][0]["held"] is True
    assert len(shape["reports"]) == 3
    assert all(r["verdict"] == "valid" for r in shape["reports"])


def test_building_awarded_before_initial_is_invalid(world: World) -> None:
    docs = _chain(world, initial_at=ISSUED + 3 * DAY)  # after building (ISSUED + 1 day)
    report = Verifier(world.trust).verify_pathway(docs, recipient=ANA, now=AT)
    assert report.verdict is Verdict.INVALID
    assert report.exit_code == 1
    assert all(c.report.verdict is Verdict.VALID for c in report.credentials)
    building, district = report.credentials[2], report.credentials[0]
    [finding] = building.prerequisites
    assert (finding.tier, finding.held, finding.credential_id) == ("initial", False, None)
    assert "covers the award date 2026-11-24T13:00:00Z" in finding.message
    assert district.prerequisites[0].held is True


def test_a_missing_prerequisite_tier_is_not_held(world: World) -> None:
    initial = world.issue("initial", now=ISSUED)
    district = world.issue("district", now=ISSUED + DAY)
    world.fresh_lists(AT)
    report = Verifier(world.trust).verify_pathway([initial, district], recipient=ANA, now=AT)
    assert report.verdict is Verdict.INVALID
    assert _node_tiers(report.tree) == [
        ("initial", ["initial"], [("building", [], [("district", ["district"], [])])])
    ]
    [finding] = report.credentials[1].prerequisites
    assert (finding.tier, finding.held) == ("building", False)


def test_a_revoked_prerequisite_does_not_hold(world: World) -> None:
    docs = _chain(world)
    with world.issuer.home.open_ledger() as ledger:
        ledger.change_status(docs[1]["id"], "revoke", actor="registrar", at="2026-11-26T00:00:00Z")
    world.fresh_lists(AT)
    report = Verifier(world.trust).verify_pathway(docs, recipient=ANA, now=AT)
    assert report.verdict is Verdict.INVALID
    assert report.tree[0].children[0].credentials[0].prerequisites[0].held is False


def test_an_expired_prerequisite_that_was_held_at_the_time_counts(world: World) -> None:
    docs = _chain(world)
    years = world.issuer.framework.tier("initial").validity_years
    later = ISSUED + timedelta(days=366 * years)
    world.fresh_lists(later)
    report = Verifier(world.trust).verify_pathway(docs, recipient=ANA, now=later)
    initial, building = report.tree[0].credentials[0], report.tree[0].children[0].credentials[0]
    assert initial.report.verdict is Verdict.INVALID  # expired now
    assert building.prerequisites[0].held is True  # but held when building was awarded
    assert report.verdict is Verdict.INVALID


def test_another_recipient_is_a_mismatch(world: World, tmp_path: Path) -> None:
    initial = world.issue("initial", now=ISSUED)
    ben = Recipient(email="ben@example.org", name="Ben")
    building = world.issuer.issue(
        "building",
        ben,
        evidence=evidence_for(world.issuer.framework.tier("building")),
        now=ISSUED + DAY,
        override_prerequisites=OVERRIDE,
    ).document
    world.fresh_lists(AT)
    verifier = Verifier(world.trust)
    unasked = verifier.verify_pathway([initial, building], now=AT)
    assert unasked.recipient == "unknown"  # each credential has its own salt
    assert unasked.verdict is Verdict.INCONCLUSIVE
    asked = verifier.verify_pathway([initial, building], recipient=ANA, now=AT)
    assert asked.recipient == "different"
    assert asked.verdict is Verdict.INVALID
    path = tmp_path / "initial.json"
    path.write_text(json.dumps(initial))
    same = verifier.verify_pathway([path], recipient="Ana.Ruiz@example.org", now=AT)
    assert (same.recipient, same.verdict) == ("same", Verdict.VALID)


def test_the_same_identity_hash_and_salt_needs_no_e_mail(world: World) -> None:
    doc = world.issue("initial", now=ISSUED)
    world.fresh_lists(AT)
    report = Verifier(world.trust).verify_pathway([doc, doc], now=AT)
    assert (report.recipient, report.verdict) == ("same", Verdict.VALID)


def test_an_unpinned_issuer_is_inconclusive(world: World) -> None:
    docs = _chain(world)
    report = Verifier(world.empty_trust).verify_pathway(docs, recipient=ANA, now=AT)
    assert report.verdict is Verdict.INCONCLUSIVE
    assert report.exit_code == 2
