"""``leadbadge init``, ``issue``, ``publish`` and ``keys rotate`` through click's CliRunner."""

from __future__ import annotations

import errno
import json
import stat
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from leadbadge import _fs
from leadbadge.cli import cmd_issuer
from leadbadge.crypto.did import parse_did_document
from leadbadge.issuer.ledger import Ledger
from leadbadge.pathway.framework import default_framework
from leadbadge.proof.eddsa_rdfc_2022 import default_resolver, verify
from leadbadge.trust.store import TrustStore
from tests.conftest import FIXED_NOW
from tests.unit._issued import PASSPHRASE, recorded
from tests.unit.cli._cli import NO_PASSPHRASE, issue_args, ok, refused

DID = "did:web:rcoe.example.org:leadership"


def _init_args(path: Path) -> list[str]:
    return ["init", str(path), "--name", "X", "--url", "https://x.example"]


def _init(home: Path, *extra: str) -> Result:
    return ok(
        "init",
        str(home),
        "--name",
        "Riverside County Office of Education",
        "--url",
        "https://rcoe.example.org/leadership",
        *extra,
    )


def _ledger_count(home: Path) -> int:
    with Ledger.open(home / "ledger.sqlite") as ledger:
        return ledger.count()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "rcoe"
    _init(path, "--did-web", "rcoe.example.org:leadership")
    return path


# --- init ------------------------------------------------------------------------------------


def test_init_makes_a_home(tmp_path: Path) -> None:
    result = _init(tmp_path / "rcoe", "--did-web", "rcoe.example.org:leadership")
    assert f"Issuer id: {DID}" in result.stdout
    assert f"{DID}#key-1" in result.stdout
    assert PASSPHRASE not in result.output
    key_file = tmp_path / "rcoe" / "keys" / "1.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in key_file.read_bytes()
    assert _ledger_count(tmp_path / "rcoe") == 0


def test_the_ledger_is_readable_by_its_owner_only(home: Path) -> None:
    ok(*issue_args(home))
    files = sorted(home.glob("ledger.sqlite*"))
    assert home / "ledger.sqlite" in files
    for file in files:  # with its -wal and -shm files, while they exist
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_init_without_passphrase_off_a_terminal(tmp_path: Path) -> None:
    line = refused(*_init_args(tmp_path / "h"), env=NO_PASSPHRASE)
    assert "No passphrase: set LEADBADGE_PASSPHRASE" in line
    assert not (tmp_path / "h").exists()


def test_init_prompts_twice_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cmd_issuer, "_interactive", lambda: True)
    result = ok(
        *_init_args(tmp_path / "h"), env=NO_PASSPHRASE, input="s3cret words\ns3cret words\n"
    )
    assert result.stderr.count("Passphrase") == 1
    assert "Repeat the passphrase" in result.stderr
    assert "s3cret" not in result.output
    ok(*issue_args(tmp_path / "h"), env={"LEADBADGE_PASSPHRASE": "s3cret words"})


def test_init_prompt_mismatch_asks_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cmd_issuer, "_interactive", lambda: True)
    words = "first words here\nsecond words here\nthird words here\nthird words here\n"
    result = ok(*_init_args(tmp_path / "h"), env=NO_PASSPHRASE, input=words)
    assert "do not match" in result.stderr


def test_init_refuses_a_short_passphrase_from_the_environment(tmp_path: Path) -> None:
    line = refused(*_init_args(tmp_path / "h"), env={"LEADBADGE_PASSPHRASE": "x" * 11})
    assert "The passphrase is 11 characters long; a new one needs at least 12" in line
    assert not (tmp_path / "h").exists()
    ok(*_init_args(tmp_path / "h"), env={"LEADBADGE_PASSPHRASE": "x" * 12})


def test_init_asks_again_for_a_short_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cmd_issuer, "_interactive", lambda: True)
    answers = "a\nlong enough words\nlong enough words\n"
    result = ok(*_init_args(tmp_path / "h"), env=NO_PASSPHRASE, input=answers)
    assert "needs at least 12" in result.stderr
    assert result.stderr.count("Repeat the passphrase") == 1
    ok(*issue_args(tmp_path / "h"), env={"LEADBADGE_PASSPHRASE": "long enough words"})


def test_an_existing_short_passphrase_still_opens_its_keys(tmp_path: Path) -> None:
    # The minimum is for new passphrases: homes made before it keep working.
    from leadbadge.issuer.home import IssuerHome

    IssuerHome.create(tmp_path / "h", name="Old", url="https://old.example", passphrase="short")
    ok(*issue_args(tmp_path / "h"), env={"LEADBADGE_PASSPHRASE": "short"})


def test_init_refuses_an_existing_home(home: Path) -> None:
    before = (home / "issuer.json").read_bytes()
    line = refused("init", str(home), "--name", "Y", "--url", "https://y.example")
    assert "already an issuer home" in line
    assert (home / "issuer.json").read_bytes() == before


def test_init_refuses_plain_http(tmp_path: Path) -> None:
    line = refused("init", str(tmp_path / "h"), "--name", "X", "--url", "http://x.example")
    assert "must use https" in line
    assert not (tmp_path / "h").exists()


def test_init_refuses_a_bad_did_web(tmp_path: Path) -> None:
    line = refused(*_init_args(tmp_path / "h"), "--did-web", "x.example:8443")
    assert "ambiguous" in line


def test_init_names_the_first_framework_problem(tmp_path: Path) -> None:
    bad = tmp_path / "program.toml"
    bad.write_text('[program]\nname = "Only a name"\n')
    line = refused(
        *_init_args(tmp_path / "h"),
        "--framework",
        str(bad),
        env=NO_PASSPHRASE,  # the framework is checked before any passphrase is needed
    )
    assert f"The framework {bad} has " in line
    assert "problems, the first at " in line
    assert f"run 'leadbadge framework validate {bad}' to list them all." in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["program.toml"]


# --- issue -----------------------------------------------------------------------------------


def test_issue_to_stdout_signs_and_records(home: Path, tmp_path: Path) -> None:
    result = ok(*issue_args(home, "initial", "--result", "time-management=exemplary"))
    doc = json.loads(result.stdout)
    assert doc["proof"][0]["verificationMethod"] == f"{DID}#key-1"
    assert doc["credentialSubject"]["result"][0]["achievedLevel"].endswith("/exemplary")
    assert "Issued urn:uuid:" in result.stderr
    assert PASSPHRASE not in result.output
    assert _ledger_count(home) == 1

    ok("publish", "--issuer", str(home), str(tmp_path / "site"))
    raw = json.loads((tmp_path / "site" / "leadership" / "did.json").read_text())
    verify(doc, resolver=default_resolver({DID: parse_did_document(raw)}))


def test_issue_with_an_evidence_file(home: Path, tmp_path: Path) -> None:
    items = []
    for requirement in default_framework().tier("building").evidence:
        item: dict[str, Any] = {"requirement": requirement.id}
        item.update({name: recorded(name, "x") for name in requirement.records})
        if requirement.min_hours is not None:
            item["hours"] = requirement.min_hours
        items.append(item)
    path = tmp_path / "evidence.json"
    path.write_text(json.dumps(items))
    result = ok(
        *("issue", "--issuer", str(home), "building", "--email", "a@example.org"),
        *("--name", "A", "--evidence", f"@{path}"),
        *("--valid-from", "2027-01-04T08:30:00-08:00"),
        *("--override-prerequisites", "Initial certification checked on paper"),
    )
    doc = json.loads(result.stdout)
    assert doc["validFrom"] == "2027-01-04T16:30:00Z"
    assert len(doc["evidence"]) == len(items)


def test_issue_output_file_is_never_overwritten_without_force(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "ana.json"
    first = ok(*issue_args(home), "-o", str(out))
    assert first.stdout == ""
    assert f"Wrote {out}." in first.stderr
    written = out.read_text()
    assert json.loads(written)["proof"]

    again = refused(*issue_args(home), "-o", str(out))
    assert "exists; use --force to replace it" in again
    assert out.read_text() == written
    assert _ledger_count(home) == 1

    ok(*issue_args(home), "-o", str(out), "--force")
    assert out.read_text() != written
    assert _ledger_count(home) == 2


def test_issue_into_a_missing_folder_records_nothing(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "ana.json"
    line = refused(*issue_args(home), "-o", str(out))
    assert f"The folder {out.parent} does not exist" in line
    assert "nothing was issued" in line
    assert _ledger_count(home) == 0
    assert not out.parent.exists()


def test_issue_into_an_unwritable_folder_records_nothing(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod cannot make a folder unwritable for root, who runs CI: the probe says what a
    # read-only mount says.
    def read_only(folder: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(_fs, "probe_writable", read_only)
    line = refused(*issue_args(home), "-o", str(tmp_path / "ana.json"))
    assert f"Cannot write into {tmp_path} (Read-only file system)" in line
    assert _ledger_count(home) == 0


def test_a_failed_write_after_signing_says_what_was_recorded_and_how_to_get_it(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(path: object, text: str, **kw: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_fs, "atomic_write_text", disk_full)
    out = tmp_path / "ana.json"
    line = refused(*issue_args(home), "-o", str(out))
    assert not out.exists()
    assert _ledger_count(home) == 1
    with Ledger.open(home / "ledger.sqlite") as ledger:
        (entry,) = ledger.entries()
    assert f"recorded in the ledger as {entry.id} but could not be written to {out}" in line
    assert "(No space left on device)" in line
    command = f"leadbadge ledger show {entry.id} --issuer {home} --json"
    assert command in line
    shown = ok(*command.split()[1:])
    assert json.loads(shown.stdout)["document"] == entry.document


def test_issue_with_a_wrong_passphrase(home: Path) -> None:
    line = refused(*issue_args(home), env={"LEADBADGE_PASSPHRASE": "not it"})
    assert "passphrase does not open the key file" in line
    assert "not it" not in line
    assert _ledger_count(home) == 0


def test_issue_without_passphrase_off_a_terminal(home: Path) -> None:
    assert "No passphrase" in refused(*issue_args(home), env=NO_PASSPHRASE)


def test_issue_prompts_once_on_a_terminal(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cmd_issuer, "_interactive", lambda: True)
    result = ok(*issue_args(home), env=NO_PASSPHRASE, input=f"{PASSPHRASE}\n")
    assert "Repeat" not in result.stderr
    assert json.loads(result.stdout)["proof"]


def test_issue_unknown_tier_names_the_known_ones(home: Path) -> None:
    line = refused(
        "issue", "--issuer", str(home), "principal", "--email", "a@example.org", "--name", "A"
    )
    assert "Unknown tier 'principal'; the known tiers are initial, building, district" in line


def test_issue_bad_email(home: Path) -> None:
    line = refused(*issue_args(home, email="ana at example.org"))
    assert "'ana at example.org' is not a valid e-mail address." in line


def test_issue_valid_from_without_time_zone(home: Path) -> None:
    line = refused(*issue_args(home), "--valid-from", "2027-01-04T08:30:00")
    assert "has no time of day or no time zone" in line
    assert _ledger_count(home) == 0


def test_issue_missing_evidence_names_requirement_and_fields(home: Path) -> None:
    args = [a for a in issue_args(home) if not a.startswith("internship:")]
    args.remove("--evidence")
    line = refused(*args)
    assert "needs evidence for 'internship'" in line
    assert "supervisor_name" in line
    assert _ledger_count(home) == 0


def test_issue_too_few_hours_is_one_sentence(home: Path) -> None:
    args = [
        a.replace("hours=180", "hours=20") if a.startswith("internship:") else a
        for a in issue_args(home)
    ]
    assert "needs at least 180 hours; the evidence records 20" in refused(*args)
    assert _ledger_count(home) == 0


def test_issue_in_a_folder_that_is_not_a_home(tmp_path: Path) -> None:
    assert "is not an issuer home" in refused(*issue_args(tmp_path))


def test_issue_help_documents_the_evidence_syntax() -> None:
    result = ok("issue", "--help")
    text = " ".join(result.output.split())
    assert "'REQ: key=value; key=value'" in text
    assert "'REQ=URL'" in text
    assert "'@FILE'" in text


# --- publish and rotate ------------------------------------------------------------------------


def test_publish_signs_the_status_lists_with_the_passphrase(home: Path, tmp_path: Path) -> None:
    result = ok("publish", "--issuer", str(home), str(tmp_path / "site"), "--verbose")
    listed = result.stdout.split()
    # A new home's credentials carry one status entry (revocation): one list.
    for name in ("keys.json", "did.json", "status/1.json"):
        assert str(tmp_path / "site" / "leadership" / name) in listed
    assert "Host everything under" in result.stderr
    status_list = json.loads((tmp_path / "site" / "leadership" / "status" / "1.json").read_text())
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status_list["proof"][0]["verificationMethod"] == f"{DID}#key-1"


def test_publishing_again_rewrites_only_what_changed(home: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    ok(*issue_args(home), "-o", str(tmp_path / "ana.json"))
    first = ok("publish", "--issuer", str(home), str(site))
    assert first.stdout == ""  # the paths only with --verbose
    files = sorted(p for p in site.rglob("*") if p.is_file())
    assert f"Published {len(files)} files into {site}: {len(files)} written, 0 unchanged." in (
        first.stderr
    )
    before = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in files}
    again = ok("publish", "--issuer", str(home), str(site), "--verbose")
    # Only the status lists, signed afresh (they change when the second does), may be new.
    rewritten = sorted(Path(line) for line in again.stdout.splitlines())
    assert set(rewritten) <= set(site.rglob("status/*.json"))
    assert f"{len(rewritten)} written, {len(files) - len(rewritten)} unchanged." in again.stderr
    for path, stamp in before.items():
        if path not in rewritten:
            assert (path.stat().st_mtime_ns, path.stat().st_ino) == stamp, path


def test_publish_without_a_passphrase_off_a_terminal_is_refused(home: Path, tmp_path: Path) -> None:
    line = refused("publish", "--issuer", str(home), str(tmp_path / "site"), env=NO_PASSPHRASE)
    assert "No passphrase" in line
    assert not (tmp_path / "site").exists()


def test_publish_status_validity_sets_valid_until(home: Path, tmp_path: Path) -> None:
    args = ["publish", "--issuer", str(home), str(tmp_path / "site"), "--status-validity", "7"]
    ok(*args)
    status_list = json.loads((tmp_path / "site" / "leadership" / "status" / "1.json").read_text())
    start = datetime.fromisoformat(status_list["validFrom"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(status_list["validUntil"].replace("Z", "+00:00"))
    assert end - start == timedelta(days=7)
    assert status_list["credentialSubject"]["ttl"] == 86_400_000


@pytest.mark.parametrize("flags", [(), ("--no-suspension",)], ids=["default", "no-suspension"])
def test_a_new_home_gives_one_status_entry(tmp_path: Path, flags: tuple[str, ...]) -> None:
    home = tmp_path / "strict"
    _init(home, *flags)
    issued = ok(*issue_args(home))
    status = json.loads(issued.stdout)["credentialStatus"]
    assert isinstance(status, dict)
    assert status["statusPurpose"] == "revocation"
    assert json.loads((home / "issuer.json").read_text())["statusPurposes"] == ["revocation"]
    # Suspending needs a suspension entry: refused, nothing changes.
    doc = json.loads(issued.stdout)
    assert "suspension" in refused("suspend", "--issuer", str(home), doc["id"])
    listed = json.loads(ok("ledger", "list", "--issuer", str(home), "--json").stdout)
    assert [row["status"] for row in listed] == ["active"]


def test_init_with_suspension_gives_two_status_entries(tmp_path: Path) -> None:
    home = tmp_path / "both"
    _init(home, "--suspension")
    doc = json.loads(ok(*issue_args(home)).stdout)
    assert [e["statusPurpose"] for e in doc["credentialStatus"]] == ["revocation", "suspension"]
    ok("suspend", "--issuer", str(home), doc["id"])
    assert "contradict" in refused(*_init_args(tmp_path / "x"), "--suspension", "--no-suspension")


def test_rotate_keeps_old_credentials_verifying(home: Path, tmp_path: Path) -> None:
    old = json.loads(ok(*issue_args(home)).stdout)
    rotated = ok("keys", "rotate", "--issuer", str(home))
    assert f"New signing key: {DID}#key-2" in rotated.stdout
    assert f"Previous key {DID}#key-1 is valid until" in rotated.stdout
    new = json.loads(ok(*issue_args(home)).stdout)
    assert new["proof"][0]["verificationMethod"] == f"{DID}#key-2"

    site = tmp_path / "site"
    ok("publish", "--issuer", str(home), str(site))
    raw = json.loads((site / "leadership" / "did.json").read_text())
    resolver = default_resolver({DID: parse_did_document(raw)})
    assert verify(old, resolver=resolver).verification_method == f"{DID}#key-1"
    assert verify(new, resolver=resolver).verification_method == f"{DID}#key-2"

    # The published history is what verifiers pin; both keys are valid when they signed.
    store = TrustStore.open(tmp_path / "trust")
    store.add_published(site)
    for doc in (old, new):
        checked = verify(doc, resolver=store.resolver())
        assert checked.created is not None
        pinned = store.find_key(checked.verification_method, DID)
        assert pinned is not None
        assert pinned.valid_at(checked.created)
    old_key = store.find_key(f"{DID}#key-1", DID)
    assert old_key is not None
    assert old_key.valid_until is not None
    assert not old_key.valid_at(old_key.valid_until.replace(year=FIXED_NOW.year + 10))


def test_rotate_with_a_wrong_passphrase(home: Path) -> None:
    line = refused("keys", "rotate", "--issuer", str(home), env={"LEADBADGE_PASSPHRASE": "x"})
    assert "passphrase does not open" in line
    assert len(json.loads((home / "keys" / "history.json").read_text())) == 1


def test_did_key_issuer_published_folder_can_be_pinned(tmp_path: Path) -> None:
    home = tmp_path / "h"
    _init(home)
    old = json.loads(ok(*issue_args(home)).stdout)
    ok("keys", "rotate", "--issuer", str(home))
    new = json.loads(ok(*issue_args(home)).stdout)
    site = tmp_path / "site"
    ok("publish", "--issuer", str(home), str(site))
    assert not list(site.rglob("did.json"))
    store = TrustStore.open(tmp_path / "trust")
    result = store.add_published(site)
    assert set(result.issuer.identities) == {old["issuer"]["id"], new["issuer"]["id"]}
    for doc in (old, new):
        verify(doc, resolver=store.resolver())


def test_issuing_an_already_expired_credential_warns(home: Path) -> None:
    result = ok(*issue_args(home), "--valid-from", "2019-01-07T00:00:00Z")
    assert "warning: this credential expired on 2024-01-07T00:00:00Z" in result.stderr
    assert json.loads(result.stdout)["validUntil"] == "2024-01-07T00:00:00Z"
    current = ok(*issue_args(home))
    assert "warning" not in current.stderr
