"""Batch issuance from a roster: idempotent runs, a recorded key refused for another person,
the credential files and the summary CSV (library and ``leadbadge issue-batch``)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from leadbadge.cli import cli
from leadbadge.errors import InputError
from leadbadge.issuer.batch import BatchResult, issue_batch, write_summary
from leadbadge.issuer.issue import Issuer
from leadbadge.issuer.ledger import Ledger
from leadbadge.issuer.roster import read_roster
from leadbadge.pathway.identity import credential_matches_email
from leadbadge.share.bake import unbake
from tests.conftest import FIXED_NOW
from tests.unit._issued import DID_WEB, PASSPHRASE, URL
from tests.unit._roster import good_row, write_roster

ISSUED = FIXED_NOW.replace(hour=13)


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


def _count(issuer: Issuer) -> int:
    with issuer.home.open_ledger() as ledger:
        return ledger.count()


def test_rows_are_issued_once_and_lost_files_are_written_again(
    issuer: Issuer, tmp_path: Path
) -> None:
    rows = [good_row(n) for n in range(4)]
    rows[2]["results"] = "time-management=proficient; scheduling=accomplished"
    rows[3]["id"] = ""  # keyed by a digest of the row
    path = write_roster(tmp_path / "r.csv", rows)
    roster = read_roster(path, issuer.framework, issuer.profile)
    out = tmp_path / "out"
    first = issue_batch(issuer.home.path, roster, out, passphrase=PASSPHRASE, jobs=1, now=ISSUED)
    assert [r.status for r in first] == ["issued"] * 4
    assert first[3].key.startswith("row-")
    assert first[3].file == f"{first[3].key}.json"
    for result, row in zip(first, rows, strict=True):
        document = json.loads((out / result.file).read_text())
        assert document["id"] == result.credential_id
        assert credential_matches_email(document, row["email"])
    levels = json.loads((out / first[2].file).read_text())["credentialSubject"]["result"]
    assert len(levels) == 2

    (out / first[1].file).unlink()
    again = read_roster(path, issuer.framework, issuer.profile)
    second = issue_batch(issuer.home.path, again, out, passphrase=PASSPHRASE, jobs=1, now=ISSUED)
    assert [r.status for r in second] == ["already-issued"] * 4
    assert [r.credential_id for r in second] == [r.credential_id for r in first]
    assert json.loads((out / first[1].file).read_text())["id"] == first[1].credential_id
    with Ledger.open(issuer.home.path / "ledger.sqlite") as ledger:
        assert ledger.count() == 4
        assert sorted(ledger.batch_keys()) == sorted(r.key for r in first)


def test_a_recorded_key_for_another_person_is_refused(issuer: Issuer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = write_roster(tmp_path / "r.csv", [good_row(1)])
    issue_batch(
        issuer.home.path,
        read_roster(path, issuer.framework, issuer.profile),
        out,
        passphrase=PASSPHRASE,
        jobs=1,
    )
    other = good_row(1)
    other["email"] = "someone.else@example.org"
    roster = read_roster(
        write_roster(tmp_path / "r2.csv", [other]), issuer.framework, issuer.profile
    )
    with pytest.raises(InputError, match=r"row 2 \(key cohort-00001\)"):
        issue_batch(issuer.home.path, roster, out, passphrase=PASSPHRASE, jobs=1)
    assert _count(issuer) == 1


def _summary(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_the_command_writes_files_and_a_summary(issuer: Issuer, tmp_path: Path) -> None:
    path = write_roster(tmp_path / "r.csv", [good_row(n) for n in range(3)])
    image = tmp_path / "badge.svg"
    image.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>')
    out = tmp_path / "out"
    args = [
        "issue-batch",
        "--issuer",
        str(issuer.home.path),
        str(path),
        "-o",
        str(out),
        "--jobs",
        "2",
        "--baked",
        str(image),
        "--qr",
    ]
    env = {"LEADBADGE_PASSPHRASE": PASSPHRASE}
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert "Issued 3 credential(s); 0 were already issued" in result.stderr
    summary = _summary(out / "summary.csv")
    assert [s["row"] for s in summary] == ["2", "3", "4"]
    assert [s["key"] for s in summary] == ["cohort-00000", "cohort-00001", "cohort-00002"]
    assert [s["email"] for s in summary] == [f"leader{n}@example.org" for n in range(3)]
    assert {s["tier"] for s in summary} == {"initial"}
    assert {s["status"] for s in summary} == {"issued"}
    with Ledger.open(issuer.home.path / "ledger.sqlite") as ledger:
        assert sorted(s["credential_id"] for s in summary) == sorted(e.id for e in ledger.entries())
    for line in summary:
        document = json.loads((out / line["file"]).read_text())
        assert document["id"] == line["credential_id"]
        baked = unbake((out / f"{line['key']}.svg").read_bytes())
        assert json.loads(baked.text)["id"] == line["credential_id"]
        assert (out / f"{line['key']}.qr.png").read_bytes().startswith(b"\x89PNG")

    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert "Issued 0 credential(s); 3 were already issued" in result.stderr
    assert {s["status"] for s in _summary(out / "summary.csv")} == {"already-issued"}


def test_write_summary_columns(tmp_path: Path) -> None:
    result = BatchResult(2, "k", "a@example.org", "initial", "urn:uuid:x", "k.json", "issued")
    path = write_summary(tmp_path, [result])
    assert path.read_text().splitlines() == [
        "row,key,email,tier,credential_id,file,status",
        "2,k,a@example.org,initial,urn:uuid:x,k.json,issued",
    ]


def _apart_from_what_differs(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` without what differs between two issues of one row: the id, the e-mail
    hash's salt, the drawn status indexes and the signature."""
    out: dict[str, Any] = json.loads(json.dumps(document))
    del out["id"]
    for identity in out["credentialSubject"]["identifier"]:
        if identity["identityType"] == "emailAddress":
            del identity["salt"], identity["identityHash"]
    for entry in (
        out["credentialStatus"]
        if isinstance(out["credentialStatus"], list)
        else [out["credentialStatus"]]
    ):
        del entry["id"], entry["statusListIndex"]
    for proof in out["proof"] if isinstance(out["proof"], list) else [out["proof"]]:
        del proof["proofValue"]
    return out


def test_a_batch_credential_is_the_one_a_single_issue_makes(issuer: Issuer, tmp_path: Path) -> None:
    rows = [good_row(n) for n in range(3)]
    rows[1]["results"] = "time-management=proficient; scheduling=accomplished"
    rows[2]["credits"] = "4.5"
    roster = read_roster(write_roster(tmp_path / "r.csv", rows), issuer.framework, issuer.profile)
    out = tmp_path / "out"
    results = issue_batch(issuer.home.path, roster, out, passphrase=PASSPHRASE, jobs=1, now=ISSUED)
    for row, result in zip(roster.rows, results, strict=True):
        text = (out / result.file).read_text(encoding="utf-8")
        batched = json.loads(text)
        single = issuer.issue(
            row.tier,
            row.recipient,
            evidence=row.evidence,
            results=row.results,
            credits=row.credits,
            valid_from=row.valid_from,
            now=ISSUED,
        )
        assert _apart_from_what_differs(batched) == _apart_from_what_differs(single.document)
        # The same properties in the same order, written as `leadbadge issue -o` writes them.
        assert list(batched) == list(single.document)
        assert text == json.dumps(batched, indent=2, ensure_ascii=False) + "\n"
        with issuer.home.open_ledger() as ledger:
            entry = ledger.get(result.credential_id)
        assert entry is not None
        assert entry.document == batched
