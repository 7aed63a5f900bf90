"""Prerequisites at issue time: from the issuer's own ledger or presented from another issuer."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge.errors import InputError
from leadbadge.issuer.ledger import Ledger
from leadbadge.pathway.credential import Recipient
from leadbadge.pathway.prerequisites import held_now_in_ledger
from leadbadge.verifier.pathway import verify_presented
from leadbadge.verifier.verify import Verifier
from tests.unit._issued import ANA, ISSUED, World, evidence_for, make_world

LATER = ISSUED + timedelta(days=2)


@pytest.fixture
def own(tmp_path: Path) -> World:
    return make_world(tmp_path / "own", did_web=None)


@pytest.fixture
def other(tmp_path: Path) -> World:
    return make_world(tmp_path / "other", did_web="did:web:other.example.org:leadership")


def _building(world: World, **kw: object) -> dict[str, object]:
    evidence = evidence_for(world.issuer.framework.tier("building"))
    kw.setdefault("now", LATER)
    return world.issuer.issue("building", ANA, evidence=evidence, **kw).document  # type: ignore[arg-type]


@pytest.mark.parametrize("given", [{}, {"prerequisites": ()}, {"prerequisites": None}])
def test_building_is_refused_without_initial(own: World, given: dict[str, object]) -> None:
    # The check is the default: no keyword, an empty list and None all check the ledger.
    with pytest.raises(InputError, match="prerequisite tier 'initial' for 'building'") as caught:
        _building(own, **given)
    assert caught.value.field == "prerequisites"
    with own.issuer.home.open_ledger() as ledger:
        assert ledger.entries() == []
        assert ledger.prerequisite_overrides() == []


def test_district_names_its_own_missing_tier(own: World) -> None:
    with pytest.raises(InputError, match="tier 'building' for 'district'"):
        own.issuer.issue(
            "district",
            ANA,
            evidence=evidence_for(own.issuer.framework.tier("district")),
            now=LATER,
        )


def _count_ledger_reads(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    calls: list[object] = []
    entries = Ledger.entries

    def counting(self: Ledger, **kw: Any) -> list[Any]:
        calls.append(kw)
        return entries(self, **kw)

    monkeypatch.setattr(Ledger, "entries", counting)
    return calls


def test_the_ledger_is_read_only_for_prerequisites_still_missing(
    own: World, other: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _count_ledger_reads(monkeypatch)
    own.issue("initial", now=ISSUED)  # a tier without prerequisites reads nothing
    assert calls == []
    _building(own)
    assert calls == [{"tier": "initial", "status": "active"}]
    presented = tmp_path / "initial.json"
    presented.write_text(json.dumps(other.issue("initial")))
    other.fresh_lists(LATER)
    held = verify_presented(Verifier(other.trust), [presented], email=ANA.email, now=LATER)
    calls.clear()
    _building(own, prerequisites=held)  # the presented credential covers it
    assert calls == []


def test_building_is_allowed_with_an_initial_from_the_own_ledger(own: World) -> None:
    initial = own.issue("initial")
    doc = _building(own)
    held = own.issuer.held_tiers("ana.ruiz@example.org")
    assert [(h.tier, h.credential_id, h.source) for h in held] == [
        ("initial", initial["id"], "ledger"),
        ("building", doc["id"], "ledger"),
    ]
    assert doc["credentialSubject"]["achievement"]["id"].endswith("/building.json")  # type: ignore[index]


def test_the_own_ledger_counts_only_the_same_recipient(own: World) -> None:
    own.issuer.issue(
        "initial",
        Recipient(email="someone.else@example.org"),
        evidence=evidence_for(own.issuer.framework.tier("initial")),
        now=ISSUED,
    )
    with pytest.raises(InputError, match="'initial'"):
        _building(own)


@pytest.mark.parametrize("action", ["revoke", "suspend"])
def test_a_revoked_or_suspended_initial_does_not_count(own: World, action: str) -> None:
    initial = own.issue("initial")
    with own.issuer.home.open_ledger() as ledger:
        ledger.change_status(initial["id"], action, actor="registrar", at="2026-11-23T14:00:00Z")
    with pytest.raises(InputError, match="'initial'"):
        _building(own)


def test_an_expired_initial_does_not_count(own: World) -> None:
    own.issue("initial")
    years = own.issuer.framework.tier("initial").validity_years
    with pytest.raises(InputError, match="'initial'"):
        _building(own, now=ISSUED + timedelta(days=366 * years))


def test_an_override_issues_and_is_recorded(own: World) -> None:
    with pytest.raises(InputError, match="reason"):
        _building(own, override_prerequisites="  ")
    doc = _building(own, override_prerequisites="Initial held in another state, checked by hand")
    with own.issuer.home.open_ledger() as ledger:
        [override] = ledger.prerequisite_overrides()
        assert ledger.prerequisite_overrides(str(doc["id"])) == [override]
    assert override.credential_id == doc["id"]
    assert override.missing == ("initial",)
    assert override.reason == "Initial held in another state, checked by hand"
    assert override.at == "2026-11-25T13:00:00Z"


def test_no_override_is_recorded_when_nothing_was_missing(own: World) -> None:
    own.issue("initial")
    _building(own, override_prerequisites="not needed")
    with own.issuer.home.open_ledger() as ledger:
        assert ledger.prerequisite_overrides() == []


def test_an_initial_presented_from_another_pinned_issuer(
    own: World, other: World, tmp_path: Path
) -> None:
    presented = tmp_path / "initial.json"
    presented.write_text(json.dumps(other.issue("initial")))
    other.fresh_lists(LATER)
    held = verify_presented(
        Verifier(other.trust), [presented], email="ana.ruiz@example.org", now=LATER
    )
    assert [(h.tier, h.issuer_id, h.source) for h in held] == [
        ("initial", other.issuer.home.issuer_id, "presented")
    ]
    doc = _building(own, prerequisites=held)
    assert doc["issuer"]["id"] == own.issuer.home.issuer_id  # type: ignore[index]


def test_a_presented_initial_must_verify_and_name_the_recipient(
    other: World, tmp_path: Path
) -> None:
    presented = tmp_path / "initial.json"
    presented.write_text(json.dumps(other.issue("initial")))
    other.fresh_lists(LATER)
    with pytest.raises(InputError, match="inconclusive"):  # the issuer is not pinned
        verify_presented(Verifier(other.empty_trust), [presented], email=ANA.email, now=LATER)
    with pytest.raises(InputError, match="invalid"):
        verify_presented(Verifier(other.trust), [presented], email="ben@example.org", now=LATER)


def test_a_revoked_presented_initial_is_refused(other: World, tmp_path: Path) -> None:
    doc = other.issue("initial")
    presented = tmp_path / "initial.json"
    presented.write_text(json.dumps(doc))
    with other.issuer.home.open_ledger() as ledger:
        ledger.change_status(doc["id"], "revoke", actor="registrar", at="2026-11-24T00:00:00Z")
    other.fresh_lists(LATER)
    with pytest.raises(InputError, match="is invalid"):
        verify_presented(Verifier(other.trust), [presented], email=ANA.email, now=LATER)


def test_an_expired_presented_initial_is_refused(other: World, tmp_path: Path) -> None:
    presented = tmp_path / "initial.json"
    presented.write_text(json.dumps(other.issue("initial")))
    years = other.issuer.framework.tier("initial").validity_years
    at = ISSUED + timedelta(days=366 * years)
    other.fresh_lists(at)
    with pytest.raises(InputError, match="is invalid"):
        verify_presented(Verifier(other.trust), [presented], email=ANA.email, now=at)


def test_held_now_in_ledger_matches_the_address_not_the_name(own: World) -> None:
    initial = evidence_for(own.issuer.framework.tier("initial"))
    ana = own.issuer.issue("initial", ANA, evidence=initial, now=ISSUED).document
    namesake = Recipient(email="other.ana@example.org", name=ANA.name)
    other = own.issuer.issue("initial", namesake, evidence=initial, now=ISSUED).document
    revoked = own.issuer.issue(
        "initial", Recipient(email="cy@example.org", name="Cy"), evidence=initial, now=ISSUED
    ).document
    with own.issuer.home.open_ledger() as ledger:
        ledger.change_status(revoked["id"], "revoke", actor="registrar", at="2026-11-24T00:00:00Z")
        entries = ledger.entries()
    wanted = [
        (ANA.email, "Ana María Ruiz", ("initial",)),  # renamed since: found by the address
        (namesake.email, ANA.name, ("initial", "building")),
        ("cy@example.org", "Cy", ("initial",)),
        ("nobody@example.org", ANA.name, ("initial",)),
    ]
    found = held_now_in_ledger(entries, wanted, issuer_id="did:x", at=LATER)
    assert {
        email: {t: h.credential_id for t, h in tiers.items()} for email, tiers in found.items()
    } == {
        ANA.email: {"initial": ana["id"]},
        namesake.email: {"initial": other["id"]},
    }
    years = own.issuer.framework.tier("initial").validity_years
    expired = ISSUED + timedelta(days=366 * years)
    assert held_now_in_ledger(entries, wanted, issuer_id="did:x", at=expired) == {}
