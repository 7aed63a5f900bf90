"""Reading a roster: every bad row and column named in one pass, before anything is issued
(library and ``leadbadge issue-batch``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from leadbadge.cli import cli
from leadbadge.errors import InputError
from leadbadge.issuer import roster as roster_module
from leadbadge.issuer._workers import spawn_pool
from leadbadge.issuer.batch import issue_batch
from leadbadge.issuer.issue import Issuer
from leadbadge.issuer.roster import read_roster
from leadbadge.pathway import credential as credential_module
from tests.conftest import FIXED_NOW
from tests.unit._issued import DID_WEB, PASSPHRASE, URL
from tests.unit._roster import evidence_cell, good_row, write_roster


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


def _bad_roster(path: Path) -> Path:
    rows = [good_row(n) for n in range(6)]
    rows[1]["tier"] = "principal-of-everything"  # row 3
    rows[3]["email"] = "not an address"  # row 5
    rows[4]["evidence"] = evidence_cell("initial", hours={"internship": "12"})  # row 6
    return write_roster(path, rows)


def test_three_bad_rows_are_all_named_and_nothing_is_issued(issuer: Issuer, tmp_path: Path) -> None:
    roster = read_roster(_bad_roster(tmp_path / "r.csv"), issuer.framework, issuer.profile)
    found = [(p.row, p.column) for p in roster.problems]
    assert found == [(3, "tier"), (5, "email"), (6, "evidence")]
    assert "principal-of-everything" in roster.problems[0].message
    assert "180" in roster.problems[2].message  # the internship's minimum hours
    with pytest.raises(InputError, match="3 problem"):
        issue_batch(issuer.home.path, roster, tmp_path / "out", passphrase=PASSPHRASE, jobs=1)
    assert _count(issuer) == 0
    assert not (tmp_path / "out").exists()


def test_the_command_lists_every_bad_row_and_exits_3(issuer: Issuer, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "issue-batch",
            "--issuer",
            str(issuer.home.path),
            str(_bad_roster(tmp_path / "r.csv")),
            "-o",
            str(tmp_path / "out"),
        ],
        env={"LEADBADGE_PASSPHRASE": PASSPHRASE},
    )
    assert result.exit_code == 3, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("leadbadge: ")
    assert "3 problem(s) in 3 row(s)" in lines[0]
    assert [line.split(":")[0].strip() for line in lines[1:]] == [
        "row 3, column tier",
        "row 5, column email",
        "row 6, column evidence",
    ]
    assert _count(issuer) == 0


def test_other_row_problems_name_their_column(issuer: Issuer, tmp_path: Path) -> None:
    rows = [good_row(n) for n in range(5)]
    rows[0]["results"] = "time-management=legendary"
    rows[1]["credits"] = "lots"
    rows[2]["valid_from"] = "2026-09-01"
    rows[3]["id"] = "cohort-00004"  # the same id as the next row
    path = write_roster(tmp_path / "r.csv", rows)
    roster = read_roster(path, issuer.framework, issuer.profile)
    assert [(p.row, p.column) for p in roster.problems] == [
        (2, "results"),
        (3, "credits"),
        (4, "valid_from"),
        (6, "id"),
    ]
    header = tmp_path / "h.csv"
    header.write_text("tier,email,colour\ninitial,a@example.org,blue\n", encoding="utf-8")
    problems = read_roster(header, issuer.framework, issuer.profile).problems
    assert {(p.row, p.column) for p in problems} == {(1, "colour"), (1, "name")}


def test_a_roster_saved_in_a_legacy_encoding_says_how_to_save_it(
    issuer: Issuer, tmp_path: Path
) -> None:
    path = write_roster(tmp_path / "r.csv", [{**good_row(1), "name": "José Núñez"}])
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))
    with pytest.raises(InputError) as caught:
        read_roster(path, issuer.framework, issuer.profile)
    assert "is not UTF-8 text (byte 0xe9 at position" in caught.value.message
    assert "'CSV UTF-8 (Comma delimited) (*.csv)'" in caught.value.message


@pytest.mark.parametrize(("delimiter", "named"), [(";", "semicolons"), ("\t", "tabs")])
def test_a_roster_with_another_delimiter_says_how_to_save_it(
    issuer: Issuer, tmp_path: Path, delimiter: str, named: str
) -> None:
    path = tmp_path / "r.csv"
    row = good_row(1)
    path.write_text(
        delimiter.join(row) + "\n" + delimiter.join(v.replace(";", ",") for v in row.values()),
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=f"separates its columns with {named}, not commas"):
        read_roster(path, issuer.framework, issuer.profile)


def test_a_long_problem_list_is_cut_short_and_written_in_full(
    issuer: Issuer, tmp_path: Path
) -> None:
    rows = [{**good_row(n), "email": f"nobody-{n}"} for n in range(30)]
    out = tmp_path / "out"
    roster = write_roster(tmp_path / "r.csv", rows)
    result = CliRunner().invoke(
        cli,
        ["issue-batch", "--issuer", str(issuer.home.path), str(roster), "-o", str(out)],
        env={"LEADBADGE_PASSPHRASE": PASSPHRASE},
    )
    assert result.exit_code == 3, result.output
    lines = result.stderr.strip().splitlines()
    assert "30 problem(s) in 30 row(s)" in lines[0]
    assert len(lines) == 1 + 20 + 1
    listing = out / "roster-problems.txt"
    assert lines[-1] == f"  … and 10 more; every problem is listed in {listing}."
    written = listing.read_text(encoding="utf-8").splitlines()
    assert len(written) == 30
    assert written[:20] == [line.strip() for line in lines[1:21]]
    assert _count(issuer) == 0


def test_worker_processes_find_what_one_process_finds(
    issuer: Issuer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [good_row(n) for n in range(24)]
    rows[2]["tier"] = "principal-of-everything"
    rows[7]["email"] = "not an address"
    rows[11]["id"] = "cohort-00012"  # the same id as the next row
    rows[15]["evidence"] = evidence_cell("initial", hours={"internship": "12"})
    rows[20] = {"tier": "", "email": "", "name": ""}  # an empty row is skipped
    path = write_roster(tmp_path / "r.csv", rows)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("extra-1,initial,x@example.org,X,,,,,one too many\n")
    alone = read_roster(path, issuer.framework, issuer.profile, now=FIXED_NOW, jobs=1)
    monkeypatch.setattr(roster_module, "PARALLEL_FROM", 2)
    started: list[int] = []

    def counted(workers: int, *args: Any) -> Any:
        started.append(workers)
        return spawn_pool(workers, *args)

    monkeypatch.setattr(roster_module, "spawn_pool", counted)
    shared = read_roster(path, issuer.framework, issuer.profile, now=FIXED_NOW, jobs=2)
    assert started == [2]
    assert shared == alone
    assert [(p.row, p.column) for p in shared.problems] == [
        (4, "tier"),
        (9, "email"),
        (14, "id"),
        (17, "evidence"),
        (26, "(row)"),
    ]
    assert len(shared.rows) == 19


def test_checking_rows_copies_no_achievement(
    issuer: Issuer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shares: list[bool] = []
    real = credential_module.build_credential

    def spying(*args: Any, **kwargs: Any) -> dict[str, Any]:
        shares.append(kwargs.get("share_achievement", False))
        return real(*args, **kwargs)

    monkeypatch.setattr(roster_module, "build_credential", spying)
    path = write_roster(tmp_path / "r.csv", [good_row(n) for n in range(3)])
    roster = read_roster(path, issuer.framework, issuer.profile, now=FIXED_NOW)
    assert roster.problems == ()
    assert shares == [True] * 3
