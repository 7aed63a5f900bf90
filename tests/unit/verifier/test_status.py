"""The status check: revoked, suspended, not revoked as of the list's date, and every reason a
list cannot be relied on, each with its own code.

Credentials and lists come from a real issuer home (tests/unit/_issued.py). Lists that no honest
issuer publishes (another key, tampered, expired, too short, of the wrong purpose) are made by
editing a published list and signing it again, and are handed to the verifier with the
credential (``status_lists=``), which checks them exactly as pinned ones.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from leadbadge.crypto.keys import SigningKey
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.status.lists import MIN_LIST_BITS, bitstring, encode_bits
from leadbadge.trust.store import TrustStore
from leadbadge.verifier.checks import status as status_check
from leadbadge.verifier.report import CheckStatus, Verdict, VerificationReport
from leadbadge.verifier.verify import VerificationPolicy, Verifier
from tests.conftest import REPO_ROOT, interop_path
from tests.unit._issued import DID_WEB, ISSUED, LATER, URL, World, make_world

P, F, U, W = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.UNKNOWN, CheckStatus.WARN
AT = LATER
REVOCATION = f"{URL}/status/1.json"
SUSPENSION = f"{URL}/status/2.json"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("status"), did_web=DID_WEB)


@pytest.fixture
def own(tmp_path: Path) -> World:
    """A world of one's own, for tests that change statuses."""
    return make_world(tmp_path, did_web=DID_WEB)


def _verify(world: World, doc: Any, *, now: datetime = AT, **kw: Any) -> VerificationReport:
    policy = kw.pop("policy", None)
    return Verifier(world.trust, policy).verify(doc, now=now, **kw)


def _lists(world: World, at: datetime = AT) -> dict[str, dict[str, Any]]:
    return {d["id"]: d for d in world.list_documents(at)}


def _sign(world: World, document: dict[str, Any], at: datetime = AT) -> dict[str, Any]:
    return world.resign(document, created=at)


def _code(report: VerificationReport) -> tuple[CheckStatus, str | None]:
    status = report.check("status")
    return status.status, status.code


# --- revoke, suspend, unsuspend ----------------------------------------------------------------


def test_revoke_suspend_unsuspend(own: World) -> None:
    revoked, suspended = own.issue(), own.issue("building")
    own.fresh_lists(AT)
    assert _verify(own, revoked).verdict is Verdict.VALID
    home = own.issuer.home
    home.change_status(revoked["id"], "revoke", actor="registrar", reason="Fraud", now=AT)
    home.change_status(suspended["id"], "suspend", actor="registrar", now=AT)
    later = AT + timedelta(hours=1)
    # Until the issuer publishes and the verifier pins again, the old lists stand.
    assert _verify(own, revoked, now=later).verdict is Verdict.VALID
    own.fresh_lists(later)
    report = _verify(own, revoked, now=later)
    assert report.verdict is Verdict.INVALID
    assert report.exit_code == 1
    status = report.check("status")
    assert (status.status, status.code) == (F, "REVOKED")
    assert status.message == (
        "The issuer has revoked the credential (status list as of 2026-12-23T13:00:00Z)."
    )
    [revocation, suspension] = status.detail["entries"]
    assert (revocation["purpose"], revocation["result"], revocation["bit"]) == (
        "revocation",
        "revoked",
        1,
    )
    assert suspension["result"] == "ok"
    assert revocation["listId"] == REVOCATION
    assert revocation["validFrom"] == "2026-12-23T13:00:00Z"
    assert revocation["ageSeconds"] == 0
    assert revocation["source"].startswith("trust store (pinned from ")
    assert report.check("proof").status is P  # the credential itself is still authentic

    report = _verify(own, suspended, now=later)
    assert report.verdict is Verdict.INVALID
    assert _code(report) == (F, "SUSPENDED")

    home.change_status(suspended["id"], "unsuspend", actor="registrar", now=later)
    own.fresh_lists(later + timedelta(hours=1))
    assert _verify(own, suspended, now=later + timedelta(hours=1)).verdict is Verdict.VALID


def test_a_revoked_bit_stands_however_old_the_list(own: World) -> None:
    doc = own.issue()
    own.issuer.home.change_status(doc["id"], "revoke", actor="registrar", now=ISSUED)
    own.fresh_lists(ISSUED + timedelta(hours=1))
    # 30 days on, the list is stale; revocation is final, so it still counts.
    report = _verify(own, doc, now=LATER)
    assert _code(report) == (F, "REVOKED")
    # Even after the list expired.
    report = _verify(own, doc, now=ISSUED + timedelta(days=45))
    assert _code(report) == (F, "REVOKED")


# --- freshness -------------------------------------------------------------------------------


def test_a_stale_list_leaves_the_status_unknown_unless_unsafe_skip(web: World) -> None:
    doc = web.issue()
    web.fresh_lists(AT)
    later = AT + timedelta(days=8)
    report = _verify(web, doc, now=later)
    assert report.verdict is Verdict.INCONCLUSIVE
    status = report.check("status")
    assert (status.status, status.code, status.problem_type) == (
        U,
        "STATUS_STALE",
        "STATUS_RETRIEVAL_ERROR",
    )
    assert "older than the 7 days" in status.message
    assert "in force as of 2026-12-23T12:00:00Z" in status.message
    assert "trust refresh" in (status.action or "")
    # A looser freshness rule accepts it; the unsafe option no longer requires it.
    loose = VerificationPolicy(max_status_age=timedelta(days=9))
    assert _verify(web, doc, now=later, policy=loose).verdict is Verdict.VALID
    unsafe = VerificationPolicy(unsafe_skip_status=True)
    skipped = _verify(web, doc, now=later, policy=unsafe)
    assert skipped.verdict is Verdict.VALID
    assert skipped.check("status").status is U
    assert "status" not in skipped.required


def test_unsafe_skip_never_hides_a_revocation(own: World) -> None:
    doc = own.issue()
    own.issuer.home.change_status(doc["id"], "revoke", actor="registrar", now=AT)
    own.fresh_lists(AT)
    unsafe = VerificationPolicy(unsafe_skip_status=True)
    assert _verify(own, doc, policy=unsafe).verdict is Verdict.INVALID


def test_no_list_pinned_is_inconclusive(web: World, tmp_path: Path) -> None:
    keys_only = TrustStore.open(tmp_path / "keys-only")
    keys_only.add_published(web.site / "leadership" / "did.json")
    report = Verifier(keys_only).verify(web.issue(), now=AT)
    assert report.verdict is Verdict.INCONCLUSIVE
    assert report.exit_code == 2
    assert _code(report) == (U, "STATUS_UNCHECKABLE")
    assert report.check("issuer_key").status is P


# --- lists that cannot be relied on: each its own status error --------------------------------


def _error(world: World, doc: dict[str, Any], lists: list[dict[str, Any]]) -> tuple[Any, ...]:
    report = _verify(world, doc, status_lists=lists)
    status = report.check("status")
    assert report.verdict is Verdict.INVALID
    assert status.status is F
    assert report.check("proof").status is P
    return status.code, status.problem_type


def test_a_list_signed_by_another_key(web: World) -> None:
    doc = web.issue()
    forged = _lists(web)[REVOCATION]
    unsigned = {k: v for k, v in forged.items() if k != "proof"}
    stranger = SigningKey.generate()
    for vm in (f"{DID_WEB}#key-9", f"{DID_WEB}#{stranger.public_key.multikey}"):
        signed = eddsa_rdfc_2022.sign(unsigned, stranger, verification_method=vm, created=AT)
        assert _error(web, doc, [signed]) == (
            "STATUS_LIST_WRONG_KEY",
            "STATUS_VERIFICATION_ERROR",
        )


def test_a_tampered_list(web: World) -> None:
    doc = web.issue()
    index = int(doc["credentialStatus"][0]["statusListIndex"])
    tampered = copy.deepcopy(_lists(web)[REVOCATION])
    tampered["credentialSubject"]["encodedList"] = encode_bits(bitstring(MIN_LIST_BITS, [index]))
    assert _error(web, doc, [tampered]) == (
        "STATUS_LIST_BAD_SIGNATURE",
        "STATUS_VERIFICATION_ERROR",
    )


def test_an_expired_list(web: World) -> None:
    doc = web.issue()
    expired = copy.deepcopy(_lists(web, AT - timedelta(days=10)))[REVOCATION]
    expired["validUntil"] = "2026-12-20T12:00:00Z"
    code = _error(web, doc, [_sign(web, expired, AT - timedelta(days=10))])
    assert code == ("STATUS_LIST_EXPIRED", "STATUS_VERIFICATION_ERROR")


def test_a_list_not_yet_valid(web: World) -> None:
    doc = web.issue()
    future = _lists(web, AT + timedelta(days=1))[REVOCATION]
    code = _error(web, doc, [future])
    assert code == ("STATUS_LIST_NOT_YET_VALID", "STATUS_VERIFICATION_ERROR")


def test_a_too_short_list(web: World) -> None:
    doc = web.issue()
    short = copy.deepcopy(_lists(web)[REVOCATION])
    short["credentialSubject"]["encodedList"] = encode_bits(bytes(MIN_LIST_BITS // 8 // 2))
    code = _error(web, doc, [_sign(web, short)])
    assert code == ("STATUS_LIST_TOO_SHORT", "STATUS_LIST_LENGTH_ERROR")


def test_a_list_of_the_wrong_purpose(web: World) -> None:
    doc = web.issue()
    lists = _lists(web)
    # The suspension list served where the revocation list should be.
    wrong = copy.deepcopy(lists[SUSPENSION])
    wrong["id"] = REVOCATION
    code = _error(web, doc, [_sign(web, wrong)])
    assert code == ("STATUS_PURPOSE_MISMATCH", "STATUS_VERIFICATION_ERROR")


def test_a_list_of_another_issuer(web: World) -> None:
    doc = web.issue()
    other = SigningKey.generate()
    stray = copy.deepcopy(_lists(web)[REVOCATION])
    stray["issuer"] = other.public_key.did_key
    unsigned = {k: v for k, v in stray.items() if k != "proof"}
    signed = eddsa_rdfc_2022.sign(
        unsigned,
        other,
        verification_method=other.public_key.did_key_verification_method,
        created=AT,
    )
    assert _error(web, doc, [signed]) == ("STATUS_LIST_WRONG_ISSUER", "STATUS_VERIFICATION_ERROR")


def test_an_unsigned_list(web: World) -> None:
    doc = web.issue()
    unsigned = {k: v for k, v in _lists(web)[REVOCATION].items() if k != "proof"}
    assert _error(web, doc, [unsigned]) == ("STATUS_LIST_UNSIGNED", "STATUS_VERIFICATION_ERROR")


def test_an_index_outside_the_list(web: World) -> None:
    doc = web.issue()
    doc["credentialStatus"][0]["statusListIndex"] = str(MIN_LIST_BITS)
    doc["credentialStatus"][0]["id"] = f"{REVOCATION}#{MIN_LIST_BITS}"
    resigned = web.resign(doc)
    assert _error(web, resigned, list(_lists(web).values())) == (
        "STATUS_INDEX_OUT_OF_RANGE",
        "RANGE_ERROR",
    )


def test_a_malformed_entry(web: World) -> None:
    doc = web.issue()
    doc["credentialStatus"][1]["statusListIndex"] = "-3"
    assert _error(web, web.resign(doc), []) == ("STATUS_ENTRY_MALFORMED", "MALFORMED_VALUE_ERROR")


def test_a_revoked_bit_wins_over_a_broken_second_list(own: World) -> None:
    doc = own.issue()
    own.issuer.home.change_status(doc["id"], "revoke", actor="registrar", now=AT)
    lists = _lists(own)
    broken = copy.deepcopy(lists[SUSPENSION])
    broken["credentialSubject"]["encodedList"] = encode_bits(bitstring(MIN_LIST_BITS, [1]))
    report = _verify(own, doc, status_lists=[lists[REVOCATION], broken])
    assert _code(report) == (F, "REVOKED")
    codes = [e.get("code") for e in report.check("status").detail["entries"]]
    assert codes == ["REVOKED", "STATUS_LIST_BAD_SIGNATURE"]


# --- where lists come from -----------------------------------------------------------------------


def test_a_list_handed_in_wins_over_the_pinned_one(own: World) -> None:
    doc = own.issue()
    own.fresh_lists(AT)
    own.issuer.home.change_status(doc["id"], "suspend", actor="registrar", now=AT)
    newer = list(_lists(own).values())
    report = _verify(own, doc, status_lists=newer)
    assert _code(report) == (F, "SUSPENDED")
    assert report.check("status").detail["entries"][1]["source"] == "given with the credential"


def test_online_fetches_a_list_that_is_not_pinned(web: World, tmp_path: Path) -> None:
    doc = web.issue()
    lists = _lists(web)
    asked: list[str] = []

    def serve(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if str(request.url) in lists:
            return httpx.Response(200, json=lists[str(request.url)])
        return httpx.Response(404)

    keys_only = TrustStore.open(tmp_path / "keys-only")
    keys_only.add_published(web.site / "leadership" / "did.json")
    client = httpx.Client(transport=httpx.MockTransport(serve))
    online = Verifier(keys_only, VerificationPolicy(status="online"), status_client=client)
    report = online.verify(doc, now=AT)
    assert report.verdict is Verdict.VALID
    assert sorted(asked) == [REVOCATION, SUSPENSION]
    assert (
        report.check("status")
        .detail["entries"][0]["source"]
        .startswith(f"fetched from {REVOCATION}")
    )
    # Offline (the default), nothing is fetched.
    asked.clear()
    assert Verifier(keys_only).verify(doc, now=AT).verdict is Verdict.INCONCLUSIVE
    assert asked == []
    # A list that cannot be fetched is a retrieval problem: unknown, not an error.
    lists.pop(SUSPENSION)
    report = online.verify(doc, now=AT)
    assert _code(report) == (U, "STATUS_RETRIEVAL_FAILED")
    assert report.check("status").problem_type == "STATUS_RETRIEVAL_ERROR"


def test_a_damaged_pinned_list_is_unknown(own: World) -> None:
    doc = own.issue()
    own.fresh_lists(AT)
    pinned = own.trust.find_status_list(REVOCATION)
    assert pinned is not None
    assert pinned.path is not None
    pinned.path.write_text("{broken")
    report = _verify(own, doc)
    assert _code(report) == (U, "STATUS_RETRIEVAL_FAILED")
    assert "trust remove" in report.check("status").message


def test_an_unpinned_did_key_issuers_list_must_use_the_credentials_key(tmp_path: Path) -> None:
    world = make_world(tmp_path, did_web=None)
    doc = world.issue()
    lists = world.list_documents(AT)
    relaxed = VerificationPolicy(require_trusted_issuer=False)
    report = Verifier(world.empty_trust, relaxed).verify(doc, now=AT, status_lists=lists)
    assert report.verdict is Verdict.VALID
    # The issuer rotates: the new did:key is another issuer to a verifier that has not pinned
    # the key history tying the two together.
    world.issuer.home.rotate("correct horse battery staple", now=AT - timedelta(days=1))
    newer = world.list_documents(AT)
    report = Verifier(world.empty_trust, relaxed).verify(doc, now=AT, status_lists=newer)
    assert _code(report) == (F, "STATUS_LIST_WRONG_ISSUER")
    # Pinned, both identities are the issuer's.
    world.fresh_lists(AT)
    world.trust.add_published(world.site, now=AT)
    assert Verifier(world.trust).verify(doc, now=AT).verdict is Verdict.VALID


# --- 1EdTech fixtures and revocation lists ----------------------------------------------------


def _complete_example() -> dict[str, Any]:
    folder = interop_path("ob-spec-examples", "rendered-spec-v1.0.14")
    name = "03-complete-openbadgecredential.signed-eddsa-rdfc-2022.json"
    return dict(json.loads((folder / name).read_text()))


def test_oneedtech_revocation_list(tmp_path: Path) -> None:
    doc = _complete_example()
    url = doc["credentialStatus"]["id"]
    policy = VerificationPolicy(require_trusted_issuer=False)
    when = datetime.fromisoformat("2026-01-01T00:00:00+00:00")

    def pinned(revoked: list[dict[str, Any]], issuer: str, at: datetime) -> TrustStore:
        store = TrustStore.open(tmp_path / f"t{len(list(tmp_path.iterdir()))}")
        path = tmp_path / "list.json"
        path.write_text(json.dumps({"id": url, "issuer": issuer, "revokedCredentials": revoked}))
        store.add_status_list(path, now=at)
        return store

    issuer = doc["issuer"]["id"]
    clean = pinned([{"id": "urn:uuid:someone-else"}], issuer, when)
    report = Verifier(clean, policy).verify(doc, now=when + timedelta(days=1))
    assert report.verdict is Verdict.VALID, report.check("status")
    entry = report.check("status").detail["entries"][0]
    assert (entry["type"], entry["signed"], entry["asOf"]) == (
        "1EdTechRevocationList",
        False,
        "2026-01-01T00:00:00Z",
    )
    # Dated by when it was pinned: a week later it is stale.
    stale = Verifier(clean, policy).verify(doc, now=when + timedelta(days=8))
    assert _code(stale) == (U, "STATUS_STALE")

    revoked = pinned([{"id": doc["id"], "revocationReason": "Withdrawn"}], issuer, when)
    report = Verifier(revoked, policy).verify(doc, now=when + timedelta(days=1))
    assert _code(report) == (F, "REVOKED")
    assert report.check("status").detail["entries"][0]["reason"] == "Withdrawn"

    not_revoked = pinned([{"id": doc["id"], "revoked": False}], issuer, when)
    assert Verifier(not_revoked, policy).verify(doc, now=when).verdict is Verdict.VALID

    stranger = pinned([], "https://other.example/issuers/1", when)
    report = Verifier(stranger, policy).verify(doc, now=when)
    assert _code(report) == (F, "STATUS_LIST_WRONG_ISSUER")


def test_the_1edtech_revoked_fixture_needs_its_list(tmp_path: Path) -> None:
    folder = interop_path("1edtech-validator", "ob30", "bit-string-list")
    doc = json.loads((folder / "credential-status-revoked.json").read_text())
    policy = VerificationPolicy(require_trusted_issuer=False)
    when = datetime.fromisoformat("2026-12-01T00:00:00+00:00")
    report = Verifier(None, policy).verify(doc, now=when)
    assert (report.verdict, _code(report)) == (
        Verdict.INCONCLUSIVE,
        (U, "STATUS_UNCHECKABLE"),
    )
    store = TrustStore.open(tmp_path / "t")
    store.add_status_list(
        folder / "testlist.json", url=doc["credentialStatus"]["statusListCredential"]
    )
    report = Verifier(store, policy).verify(doc, now=when)
    assert (report.verdict, _code(report)) == (Verdict.INVALID, (F, "REVOKED"))
    entry = report.check("status").detail["entries"][0]
    assert (entry["index"], entry["bit"], entry["listLength"]) == (23, 1, 131_072)
    assert "number" in entry["note"]  # statusListIndex 23, not "23"


# --- the check as a pure function ------------------------------------------------------------


def test_entries_of_purposes_that_do_not_bear_on_validity(web: World) -> None:
    doc = {
        "id": "urn:uuid:x",
        "credentialStatus": [
            {
                "type": "BitstringStatusListEntry",
                "statusPurpose": "refresh",
                "statusListIndex": "4",
                "statusListCredential": REVOCATION,
            }
        ],
    }
    authority = status_check.list_authority(
        pinned=None,
        credential_issuer=None,
        credential_key=None,
        allowed=eddsa_rdfc_2022.DEFAULT_ALLOWED,
    )
    result = status_check.check_status(
        doc,
        materials={},
        authority=authority,
        now=AT,
        max_age=timedelta(days=7),
        skew=timedelta(minutes=5),
    )
    assert (result.status, result.code) == (U, "STATUS_UNCHECKABLE")
    assert result.detail["entries"][0]["result"] == "ignored"
    doc["credentialStatus"] = [{"type": "StatusList2021Entry", "id": "https://x.example/1"}]
    result = status_check.check_status(
        doc,
        materials={},
        authority=authority,
        now=AT,
        max_age=timedelta(days=7),
        skew=timedelta(minutes=5),
    )
    assert (result.status, result.code) == (U, "STATUS_UNCHECKABLE")
    assert "StatusList2021Entry" in result.message


def test_every_status_code_is_documented() -> None:
    checks = REPO_ROOT / "src" / "leadbadge" / "verifier" / "checks"
    source = "".join((checks / n).read_text() for n in ("status.py", "status_authority.py"))
    codes = set(re.findall(r'"((?:STATUS|REVOKED|SUSPENDED)[A-Z_]*)"', source))
    codes -= {"STATUS_RETRIEVAL_ERROR", "STATUS_VERIFICATION_ERROR", "STATUS_LIST_LENGTH_ERROR"}
    assert {"REVOKED", "SUSPENDED", "STATUS_LIST_EXPIRED", "STATUS_STALE"} <= codes
    documented = (REPO_ROOT / "docs" / "verification.md").read_text()
    assert sorted(c for c in codes if f"`{c}`" not in documented) == []
    status_doc = (REPO_ROOT / "docs" / "status.md").read_text()
    assert sorted(c for c in codes if f"`{c}`" not in status_doc) == []
