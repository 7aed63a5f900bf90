"""Batch issuance checks prerequisite tiers: from the ledger or from rows of the same roster
(issued first), every lacking row named before anything is issued, overrides recorded."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from leadbadge.cli import cli
from leadbadge.errors import InputError
from leadbadge.issuer import batch
from leadbadge.issuer.batch import check_prerequisites, issue_batch, read_roster
from leadbadge.issuer.issue import Issuer
from leadbadge.issuer.ledger import Ledger
from leadbadge.pathway.credential import Recipient
from tests.conftest import FIXED_NOW
from tests.unit._issued import DID_WEB, PASSPHRASE, URL, evidence_for
from tests.unit._roster import good_row, write_roster

ISSUED = FIXED_NOW.replace(hour=13)
REASON = "Initial certification held in another state, checked by hand"


@pytest.fixture
def issuer(tmp_path: Path) -> Issuer:
    return Issuer.create(
        tmp_path / "home",
        name="Academy",
        url=URL,
        passphrase=PASSPHRASE,
        did_web=DID_WEB,
        now=FIXED_NOW,
    )


def _row(n: int, tier: str, **cells: str) -> dict[str, str]:
    """A good row for leader ``n``, keyed by person and tier so one person can have several."""
    row = good_row(n, tier)
    row["id"] = f"{tier}-{n:03d}"
    row.update(cells)
    return row


def _checked(issuer: Issuer, path: Path, **kw: Any) -> batch.Roster:
    roster = read_roster(path, issuer.framework, issuer.profile, now=ISSUED)
    return check_prerequisites(roster, issuer.home.path, now=ISSUED, **kw)


def _issue(issuer: Issuer, roster: batch.Roster, out: Path, **kw: Any) -> list[batch.BatchResult]:
    kw.setdefault("jobs", 1)
    return issue_batch(issuer.home.path, roster, out, passphrase=PASSPHRASE, now=ISSUED, **kw)


def _entries(issuer: Issuer) -> list[Any]:
    with Ledger.open(issuer.home.path / "ledger.sqlite") as ledger:
        return ledger.entries()


def test_a_building_row_without_initial_anywhere_is_a_bad_row(
    issuer: Issuer, tmp_path: Path
) -> None:
    rows = [_row(1, "initial"), _row(2, "building"), _row(3, "district"), _row(1, "building")]
    path = write_roster(tmp_path / "r.csv", rows)
    roster = read_roster(path, issuer.framework, issuer.profile, now=ISSUED)
    assert roster.problems == ()  # each row is good on its own
    with pytest.raises(InputError, match=r"2 roster row\(s\) lack prerequisite tiers") as caught:
        _issue(issuer, roster, tmp_path / "out")
    assert caught.value.field == "prerequisites"
    assert "row 3" in caught.value.message
    assert "row 4" in caught.value.message

    checked = check_prerequisites(roster, issuer.home.path, now=ISSUED)
    assert [(p.row, p.column) for p in checked.problems] == [(3, "tier"), (4, "tier")]
    assert "prerequisite tier 'initial' for 'building'" in checked.problems[0].message
    assert "prerequisite tier 'building' for 'district'" in checked.problems[1].message
    assert [r.row for r in checked.rows] == [2, 5]
    assert _entries(issuer) == []
    assert not (tmp_path / "out").exists()


def test_initial_and_building_rows_for_one_person_are_issued_in_order(
    issuer: Issuer, tmp_path: Path
) -> None:
    # The dependent rows come first in the roster: the run orders them after their prerequisite.
    rows = [
        _row(1, "district"),
        _row(1, "building"),
        _row(2, "building"),
        _row(1, "initial"),
        _row(2, "initial"),
        _row(3, "initial"),
    ]
    path = write_roster(tmp_path / "r.csv", rows)
    roster = _checked(issuer, path)
    assert roster.problems == ()
    results = _issue(issuer, roster, tmp_path / "out", jobs=2)
    assert [(r.row, r.tier, r.status) for r in results] == [
        (2, "district", "issued"),
        (3, "building", "issued"),
        (4, "building", "issued"),
        (5, "initial", "issued"),
        (6, "initial", "issued"),
        (7, "initial", "issued"),
    ]
    order = [e.id for e in _entries(issuer)]
    position = {r.key: order.index(r.credential_id) for r in results}
    assert position["initial-001"] < position["building-001"] < position["district-001"]
    assert position["initial-002"] < position["building-002"]
    with Ledger.open(issuer.home.path / "ledger.sqlite") as ledger:
        assert ledger.prerequisite_overrides() == []
    # Recorded in that order, they are what the library's own check accepts afterwards.
    ana = Recipient(email="leader1@example.org", name="Leader 1")
    assert {h.tier for h in issuer.held_tiers(ana.email)} == {"initial", "building", "district"}


def test_an_initial_in_the_ledger_counts_and_a_revoked_one_does_not(
    issuer: Issuer, tmp_path: Path
) -> None:
    evidence = evidence_for(issuer.framework.tier("initial"))
    for n in (1, 2):
        issuer.issue(
            "initial",
            Recipient(email=f"leader{n}@example.org", name=f"Leader {n}"),
            evidence=evidence,
            now=ISSUED - timedelta(minutes=30),
        )
    revoked = _entries(issuer)[1]
    with Ledger.open(issuer.home.path / "ledger.sqlite") as ledger:
        ledger.change_status(revoked.id, "revoke", actor="registrar", at="2026-11-23T12:45:00Z")
    path = write_roster(tmp_path / "r.csv", [_row(1, "building"), _row(2, "building")])
    roster = _checked(issuer, path)
    assert [(p.row, p.column) for p in roster.problems] == [(3, "tier")]
    assert "'initial' for 'building'" in roster.problems[0].message
    assert [r.key for r in roster.rows] == ["building-001"]
    alone = _checked(issuer, write_roster(tmp_path / "one.csv", [_row(1, "building")]))
    results = _issue(issuer, alone, tmp_path / "out")
    assert [(r.key, r.status) for r in results] == [("building-001", "issued")]


def test_a_prerequisite_row_not_yet_valid_does_not_count(issuer: Issuer, tmp_path: Path) -> None:
    rows = [
        _row(1, "initial", valid_from="2027-01-01T00:00:00Z"),  # after the moment of issue
        _row(1, "building"),
        _row(2, "initial", valid_from="2026-01-01T00:00:00Z"),  # before: it counts
        _row(2, "building"),
    ]
    roster = _checked(issuer, write_roster(tmp_path / "r.csv", rows))
    assert [(p.row, p.column) for p in roster.problems] == [(3, "tier")]


def test_an_override_issues_every_row_and_is_recorded_per_credential(
    issuer: Issuer, tmp_path: Path
) -> None:
    rows = [_row(1, "building"), _row(2, "initial"), _row(2, "building"), _row(3, "district")]
    path = write_roster(tmp_path / "r.csv", rows)
    with pytest.raises(InputError, match="reason") as caught:
        _checked(issuer, path, override_prerequisites="  ")
    assert caught.value.field == "override_prerequisites"
    roster = _checked(issuer, path, override_prerequisites=REASON)
    assert roster.problems == ()
    with pytest.raises(InputError, match="reason"):
        _issue(issuer, roster, tmp_path / "out", override_prerequisites=" ")
    results = _issue(issuer, roster, tmp_path / "out", override_prerequisites=REASON)
    assert [r.status for r in results] == ["issued"] * 4
    with Ledger.open(issuer.home.path / "ledger.sqlite") as ledger:
        overrides = {o.credential_id: o for o in ledger.prerequisite_overrides()}
    by_key = {r.key: r.credential_id for r in results}
    # Only the rows that lacked something: leader 2's building row had its initial row.
    assert set(overrides) == {by_key["building-001"], by_key["district-003"]}
    assert overrides[by_key["building-001"]].missing == ("initial",)
    assert overrides[by_key["district-003"]].missing == ("building",)
    assert {o.reason for o in overrides.values()} == {REASON}
    assert {o.at for o in overrides.values()} == {"2026-11-23T13:00:00Z"}


def _command(issuer: Issuer, roster: Path, out: Path, *extra: str) -> Any:
    return CliRunner().invoke(
        cli,
        ["issue-batch", "--issuer", str(issuer.home.path), str(roster), "-o", str(out), *extra],
        env={"LEADBADGE_PASSPHRASE": PASSPHRASE},
    )


def test_the_command_names_lacking_rows_and_takes_an_override(
    issuer: Issuer, tmp_path: Path
) -> None:
    rows = [_row(1, "building"), _row(2, "initial", email="not an address"), _row(3, "initial")]
    path = write_roster(tmp_path / "r.csv", rows)
    out = tmp_path / "out"
    refused = _command(issuer, path, out)
    assert refused.exit_code == 3, refused.output
    lines = refused.stderr.strip().splitlines()
    assert "2 problem(s) in 2 row(s)" in lines[0]
    assert lines[1].startswith("  row 2, column tier: The recipient does not hold the prerequisite")
    assert lines[2].startswith("  row 3, column email:")
    assert "--override-prerequisites REASON" in lines[3]
    assert _entries(issuer) == []

    del rows[1]
    path = write_roster(tmp_path / "r.csv", rows)
    assert _command(issuer, path, out, "--override-prerequisites", " ").exit_code == 3
    result = _command(issuer, path, out, "--override-prerequisites", REASON)
    assert result.exit_code == 0, result.output
    assert "Issued 2 credential(s)" in result.stderr
    assert "1 of them without prerequisite tiers" in result.stderr
    building = json.loads((out / "building-001.json").read_text())
    with Ledger.open(issuer.home.path / "ledger.sqlite") as ledger:
        [override] = ledger.prerequisite_overrides()
    assert (override.credential_id, override.reason) == (building["id"], REASON)


class _InterruptedError(Exception):
    pass


def test_a_run_interrupted_between_waves_resumes_exactly(
    issuer: Issuer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [_row(n, tier) for n in range(4) for tier in ("building", "initial")]
    path = write_roster(tmp_path / "r.csv", rows)
    out = tmp_path / "out"
    issue_groups = Issuer._issue_groups
    done: list[str] = []

    def interrupted(self: Issuer, *args: Any, **kw: Any) -> Any:
        for group in issue_groups(self, *args, **kw):
            yield group
            done.extend(signed.tier for _, signed in group if signed is not None)
            if len(done) == 3:  # three of the four initial rows are recorded
                raise _InterruptedError

    # One credential a ledger transaction, so the run stops between two of them.
    monkeypatch.setattr(batch, "GROUP_ITEMS", 1)
    monkeypatch.setattr(Issuer, "_issue_groups", interrupted)
    with pytest.raises(_InterruptedError):
        _issue(issuer, _checked(issuer, path), out)
    assert done == ["initial"] * 3
    assert len(list(out.glob("*.json"))) == 3
    monkeypatch.undo()

    roster = _checked(issuer, path)  # recorded initial rows now count from the ledger
    assert roster.problems == ()
    results = _issue(issuer, roster, out)
    assert [(r.tier, r.status) for r in results] == [
        *[("building", "issued"), ("initial", "already-issued")] * 3,
        ("building", "issued"),
        ("initial", "issued"),
    ]
    entries = _entries(issuer)
    assert len(entries) == len(rows)
    assert sorted(e.id for e in entries) == sorted(r.credential_id for r in results)
    # Building rows whose initial is recorded go first; the last one waits for its initial.
    assert [e.tier for e in entries] == ["initial"] * 3 + ["building"] * 3 + [
        "initial",
        "building",
    ]
    with Ledger.open(issuer.home.path / "ledger.sqlite") as ledger:
        assert ledger.consistency_problems() == []
        assert ledger.prerequisite_overrides() == []
        assert sorted(ledger.batch_keys()) == sorted(r["id"] for r in rows)
    again = _issue(issuer, _checked(issuer, path), out)
    assert {r.status for r in again} == {"already-issued"}


def test_the_ledger_is_read_once_for_the_whole_roster(
    issuer: Issuer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [_row(n, tier) for n in range(5) for tier in ("initial", "building", "district")]
    roster = _checked(issuer, write_roster(tmp_path / "r.csv", rows))
    calls: list[dict[str, Any]] = []
    entries = Ledger.entries

    def counting(self: Ledger, **kw: Any) -> list[Any]:
        calls.append(kw)
        return entries(self, **kw)

    monkeypatch.setattr(Ledger, "entries", counting)
    results = _issue(issuer, roster, tmp_path / "out")
    assert len(results) == 15
    # One read of each prerequisite tier before issuing; none per row.
    assert sorted(c["tier"] for c in calls) == ["building", "initial"]
