"""Renewal: same tier and recipient identity, the original awardedDate, renewal hours checked,
the renewed credential verifies against the pinned issuer, the original is superseded, and the
credentials due for renewal are listed."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge.errors import InputError
from leadbadge.issuer.ledger_records import due_for_renewal
from leadbadge.pathway.evidence import EvidenceItem
from leadbadge.pathway.identity import credential_matches_email
from leadbadge.pathway.renewal import RENEWAL_GENRE, renews
from leadbadge.verifier.report import Verdict
from leadbadge.verifier.verify import Verifier
from tests.unit._issued import ISSUED, LATER, World, make_world

RENEWED_AT = ISSUED + timedelta(days=2)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return make_world(tmp_path, did_web=None)


def _learning(hours: str = "90") -> list[EvidenceItem]:
    fields = {
        "activity_title": "Leading for equity institute",
        "provider": "State leadership academy",
        "completion_date": "2026-05-01",
        "hours": hours,
        "standards_addressed": "PSEL 3",
        "reflection": "Applied to our discipline review.",
    }
    return [EvidenceItem(requirement="professional-learning-log", fields=fields)]


def _verify(world: World, document: dict[str, Any], at: datetime) -> Any:
    world.fresh_lists(at)
    return Verifier(world.trust).verify(document, now=at, recipient="ana.ruiz@example.org")


def test_a_renewal_keeps_the_award_and_identity_and_verifies(world: World) -> None:
    original = world.issue()
    renewed = world.issuer.renew(original, evidence=_learning(), now=RENEWED_AT).document
    assert renewed["id"] != original["id"]
    assert renewed["awardedDate"] == original["awardedDate"]
    assert renewed["validFrom"] == "2026-11-25T13:00:00Z"
    assert renewed["validUntil"] == "2031-11-25T13:00:00Z"  # the tier's five years
    assert renewed["credentialSubject"]["identifier"] == original["credentialSubject"]["identifier"]
    assert (
        renewed["credentialSubject"]["achievement"] == original["credentialSubject"]["achievement"]
    )
    assert credential_matches_email(renewed, "ana.ruiz@example.org")
    assert renews(renewed) == [original["id"]]
    reference = [e for e in renewed["evidence"] if e.get("genre") == RENEWAL_GENRE]
    assert reference[0]["id"] == original["id"]
    assert [e.get("genre") for e in renewed["evidence"]] == ["professional-learning", RENEWAL_GENRE]

    report = _verify(world, renewed, LATER)
    assert report.verdict is Verdict.VALID, [(c.id, c.message) for c in report.checks]

    with world.issuer.home.open_ledger() as ledger:
        old = ledger.get(original["id"])
        new = ledger.get(renewed["id"])
    assert old is not None
    assert new is not None
    assert (old.status, old.superseded_by) == ("active", renewed["id"])
    assert new.superseded_by is None
    assert new.recipient_hash == old.recipient_hash
    # Superseded, not revoked: the original still verifies until it expires.
    assert _verify(world, original, LATER).verdict is Verdict.VALID


def test_too_few_hours_are_refused_naming_the_requirement(world: World) -> None:
    original = world.issue()
    with pytest.raises(InputError, match=r"needs 90 hours .*'professional-learning-log'.* 30"):
        world.issuer.renew(original, evidence=_learning("30"), now=RENEWED_AT)
    with pytest.raises(InputError, match="needs 90 hours"):
        world.issuer.renew(original, now=RENEWED_AT)
    with world.issuer.home.open_ledger() as ledger:
        assert ledger.count() == 1
        assert ledger.get(original["id"]).superseded_by is None  # type: ignore[union-attr]


def test_renewing_twice_or_a_revoked_or_unknown_credential_is_refused(world: World) -> None:
    original = world.issue()
    world.issuer.renew(original["id"], evidence=_learning(), now=RENEWED_AT)
    with pytest.raises(InputError, match="already renewed"):
        world.issuer.renew(original, evidence=_learning(), now=RENEWED_AT)
    other = world.issue()
    with world.issuer.home.open_ledger() as ledger:
        ledger.change_status(other["id"], "revoke", actor="registrar", at="2026-11-24T00:00:00Z")
    with pytest.raises(InputError, match="is revoked"):
        world.issuer.renew(other, evidence=_learning(), now=RENEWED_AT)
    with pytest.raises(InputError, match="records no credential"):
        world.issuer.renew("urn:uuid:5f1c7c3e-0000-4000-8000-000000000000", evidence=_learning())


def test_due_for_renewal_lists_active_unrenewed_credentials_in_the_window(world: World) -> None:
    soon = world.issue(valid_from=ISSUED - timedelta(days=5 * 365 - 30))
    later = world.issue(valid_from=ISSUED - timedelta(days=5 * 365 - 200))
    renewed = world.issue(valid_from=ISSUED - timedelta(days=5 * 365 - 10))
    revoked = world.issue(valid_from=ISSUED - timedelta(days=5 * 365 - 20))
    expired = world.issue(valid_from=ISSUED - timedelta(days=5 * 365 + 10))
    world.issuer.renew(renewed, evidence=_learning(), now=RENEWED_AT)
    with world.issuer.home.open_ledger() as ledger:
        ledger.change_status(revoked["id"], "revoke", actor="registrar", at="2026-11-24T00:00:00Z")
        entries = ledger.entries()
    due = due_for_renewal(entries, now=RENEWED_AT, within=timedelta(days=90))
    assert [e.id for e, _ in due] == [soon["id"]]
    wide = due_for_renewal(entries, now=RENEWED_AT, within=timedelta(days=400))
    assert [e.id for e, _ in wide] == [soon["id"], later["id"]]
    assert expired["id"] not in {e.id for e, _ in wide}
