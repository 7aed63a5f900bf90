"""The status decisions a verdict rests on, at their exact boundaries: how old a list may be,
its validity window, and every path through a 1EdTech Revocation List entry.

Ages are set to the second with ``now=`` and the instant lists are published at
(tests/unit/_issued.py), so that moving a boundary by one comparison fails a test.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge import TrustStore, VerificationPolicy, Verifier
from leadbadge.verifier.report import CheckStatus, Verdict, VerificationReport
from leadbadge.verifier.verify import DEFAULT_CLOCK_SKEW, DEFAULT_MAX_STATUS_AGE
from tests.unit._issued import DID_WEB, LATER, URL, World, make_world

P, F, U = CheckStatus.PASS, CheckStatus.FAIL, CheckStatus.UNKNOWN
AT = LATER
SECOND = timedelta(seconds=1)
EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
REVOCATIONS = f"{URL}/revocations.json"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("status-decisions"), did_web=DID_WEB)


def _status(report: VerificationReport) -> tuple[CheckStatus, str | None]:
    status = report.check("status")
    return status.status, status.code


def _entry(report: VerificationReport) -> dict[str, Any]:
    [entry] = report.check("status").detail["entries"]
    return dict(entry)


# --- how old a Bitstring Status List may be ----------------------------------------------------


def test_a_list_exactly_max_status_age_old_is_current_and_one_second_more_is_stale(
    tmp_path: Path,
) -> None:
    world = make_world(tmp_path, did_web=DID_WEB)
    doc = world.issue()
    world.fresh_lists(AT)
    verifier = Verifier(world.trust)
    edge = AT + DEFAULT_MAX_STATUS_AGE
    report = verifier.verify(doc, now=edge)
    assert report.verdict is Verdict.VALID
    entries = report.check("status").detail["entries"]
    assert [e["ageSeconds"] for e in entries] == [7 * 24 * 3600] * 2
    report = verifier.verify(doc, now=edge + SECOND)
    assert _status(report) == (U, "STATUS_STALE")
    assert report.verdict is Verdict.INCONCLUSIVE
    # The same boundary under a policy of one hour.
    hourly = Verifier(world.trust, VerificationPolicy(max_status_age=timedelta(hours=1)))
    assert hourly.verify(doc, now=AT + timedelta(hours=1)).verdict is Verdict.VALID
    report = hourly.verify(doc, now=AT + timedelta(hours=1) + SECOND)
    assert _status(report) == (U, "STATUS_STALE")
    assert "older than the 1 hour this verifier accepts" in report.check("status").message


@pytest.mark.parametrize(
    ("max_age", "said"),
    [
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=90), "90 minutes"),
        (timedelta(seconds=61), "61 seconds"),
        (timedelta(days=2), "2 days"),
    ],
)
def test_the_stale_message_states_a_short_max_status_age_exactly(
    tmp_path: Path, max_age: timedelta, said: str
) -> None:
    world = make_world(tmp_path, did_web=DID_WEB)
    doc = world.issue()
    world.fresh_lists(AT)
    strict = Verifier(world.trust, VerificationPolicy(max_status_age=max_age))
    report = strict.verify(doc, now=AT + max_age + SECOND)
    assert _status(report) == (U, "STATUS_STALE")
    assert f"older than the {said} this verifier accepts" in report.check("status").message


# --- a list's own validity window, with the clock skew -----------------------------------------


def test_a_list_valid_from_exactly_the_skew_ahead_is_accepted(web: World) -> None:
    doc = web.issue()
    ahead = web.list_documents(AT + DEFAULT_CLOCK_SKEW)
    assert Verifier(web.trust).verify(doc, now=AT, status_lists=ahead).verdict is Verdict.VALID
    further = web.list_documents(AT + DEFAULT_CLOCK_SKEW + SECOND)
    report = Verifier(web.trust).verify(doc, now=AT, status_lists=further)
    assert _status(report) == (F, "STATUS_LIST_NOT_YET_VALID")
    assert report.verdict is Verdict.INVALID


def test_a_list_valid_until_exactly_the_skew_ago_is_accepted(web: World) -> None:
    doc = web.issue()
    published = AT - timedelta(days=1)

    def ending(until: datetime) -> list[dict[str, Any]]:
        lists = []
        for document in web.list_documents(published):
            document["validUntil"] = until.isoformat().replace("+00:00", "Z")
            lists.append(web.resign(document, created=published))
        return lists

    edge = AT - DEFAULT_CLOCK_SKEW
    report = Verifier(web.trust).verify(doc, now=AT, status_lists=ending(edge))
    assert report.verdict is Verdict.VALID
    report = Verifier(web.trust).verify(doc, now=AT, status_lists=ending(edge - SECOND))
    assert _status(report) == (F, "STATUS_LIST_EXPIRED")
    assert report.verdict is Verdict.INVALID


# --- 1EdTech Revocation List entries ----------------------------------------------------------


def _oneedtech(world: World, *, entry: dict[str, Any] | None = None, plain: bool = False) -> Any:
    """A credential of the issuer whose only status entry is a 1EdTech Revocation List; with
    ``plain``, a VerifiableCredential without an id (which the VC data model allows)."""
    doc = world.issue()
    doc["@context"] = [*doc["@context"], EXTENSIONS]
    doc["credentialStatus"] = entry or {"id": REVOCATIONS, "type": "1EdTechRevocationList"}
    if plain:
        doc["type"] = ["VerifiableCredential"]
        del doc["id"]
    return world.resign(doc)


def _revocations(revoked: list[dict[str, Any]], issuer: str | None = DID_WEB) -> dict[str, Any]:
    document: dict[str, Any] = {"id": REVOCATIONS, "revokedCredentials": revoked}
    if issuer is not None:
        document["issuer"] = issuer
    return document


def _pinned(world: World, root: Path, document: dict[str, Any], at: datetime) -> TrustStore:
    """A store with the issuer and ``document`` pinned at ``at``."""
    store = TrustStore.open(root / "trust")
    store.add_published(world.site, now=at)
    path = root / "revocations.json"
    path.write_text(json.dumps(document))
    store.add_status_list(path, now=at)
    return store


def test_a_pinned_1edtech_list_not_naming_the_credential(web: World, tmp_path: Path) -> None:
    doc = _oneedtech(web)
    listed = [{"id": "urn:uuid:someone-else"}, {"id": doc["id"], "revoked": False}]
    store = _pinned(web, tmp_path, _revocations(listed), AT)
    report = Verifier(store).verify(doc, now=AT)
    assert report.verdict is Verdict.VALID
    assert _status(report) == (P, None)
    entry = _entry(report)
    assert (entry["result"], entry["bit"], entry["signed"], entry["ageSeconds"]) == (
        "ok",
        0,
        False,
        0,
    )
    assert "reason" not in entry


def test_a_pinned_1edtech_list_naming_the_credential(web: World, tmp_path: Path) -> None:
    doc = _oneedtech(web)
    store = _pinned(web, tmp_path, _revocations([{"id": doc["id"], "revocationReason": ""}]), AT)
    report = Verifier(store).verify(doc, now=AT)
    assert (_status(report), report.verdict) == ((F, "REVOKED"), Verdict.INVALID)
    entry = _entry(report)
    assert (entry["result"], entry["bit"]) == ("revoked", 1)
    assert "reason" not in entry  # an empty one is none
    # Revocation is final: a list far past any age still revokes.
    report = Verifier(store).verify(doc, now=AT + timedelta(days=365))
    assert _status(report) == (F, "REVOKED")


def test_a_pinned_1edtech_list_is_current_for_max_status_age_from_pinning(
    web: World, tmp_path: Path
) -> None:
    doc = _oneedtech(web)
    store = _pinned(web, tmp_path, _revocations([]), AT)
    edge = AT + DEFAULT_MAX_STATUS_AGE
    report = Verifier(store).verify(doc, now=edge)
    assert report.verdict is Verdict.VALID
    assert _entry(report)["asOf"] == "2026-12-23T12:00:00Z"
    report = Verifier(store).verify(doc, now=edge + SECOND)
    assert (_status(report), report.verdict) == ((U, "STATUS_STALE"), Verdict.INCONCLUSIVE)


def test_a_1edtech_list_handed_in_has_no_date(web: World) -> None:
    doc = _oneedtech(web)
    verifier = Verifier(web.trust)
    report = verifier.verify(doc, now=AT, status_lists=[_revocations([])])
    assert (_status(report), report.verdict) == ((U, "STATUS_STALE"), Verdict.INCONCLUSIVE)
    assert "does not say when it was issued" in report.check("status").message
    assert "asOf" not in _entry(report)
    # Undated, it still revokes.
    revoked = _revocations([{"id": doc["id"], "revocationReason": "Issued in error"}])
    report = verifier.verify(doc, now=AT, status_lists=[revoked])
    assert (_status(report), report.verdict) == ((F, "REVOKED"), Verdict.INVALID)
    assert _entry(report)["reason"] == "Issued in error"


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (_revocations([], issuer="did:web:other.example.org"), "STATUS_LIST_WRONG_ISSUER"),
        (_revocations([], issuer=None), "STATUS_LIST_WRONG_ISSUER"),
        ({"id": REVOCATIONS, "issuer": DID_WEB}, "STATUS_LIST_MALFORMED"),
        (_revocations([{"revocationReason": "no id"}]), "STATUS_LIST_MALFORMED"),
    ],
)
def test_a_1edtech_list_that_cannot_be_relied_on(
    web: World, document: dict[str, Any], code: str
) -> None:
    doc = _oneedtech(web)
    report = Verifier(web.trust).verify(doc, now=AT, status_lists=[document])
    assert (_status(report), report.verdict) == ((F, code), Verdict.INVALID)
    assert report.check("status").problem_type in (
        "STATUS_VERIFICATION_ERROR",
        "MALFORMED_VALUE_ERROR",
    )
    # The same list naming the credential is no more trusted: still the list's own error.
    if code == "STATUS_LIST_WRONG_ISSUER":
        naming = {**document, "revokedCredentials": [{"id": doc["id"]}]}
        report = Verifier(web.trust).verify(doc, now=AT, status_lists=[naming])
        assert _status(report) == (F, code)


def test_a_1edtech_list_not_pinned_leaves_the_status_unknown(web: World) -> None:
    report = Verifier(web.trust).verify(_oneedtech(web), now=AT)
    assert (_status(report), report.verdict) == ((U, "STATUS_UNCHECKABLE"), Verdict.INCONCLUSIVE)
    assert report.check("status").problem_type == "STATUS_RETRIEVAL_ERROR"


def test_a_1edtech_entry_without_the_lists_url_is_malformed(web: World) -> None:
    doc = _oneedtech(web, entry={"type": "1EdTechRevocationList"})
    report = Verifier(web.trust).verify(doc, now=AT, status_lists=[_revocations([])])
    assert (_status(report), report.verdict) == ((F, "STATUS_ENTRY_MALFORMED"), Verdict.INVALID)


def test_a_credential_without_an_id_cannot_be_looked_up(web: World, tmp_path: Path) -> None:
    doc = _oneedtech(web, plain=True)
    store = _pinned(web, tmp_path, _revocations([{"id": "urn:uuid:someone-else"}]), AT)
    report = Verifier(store).verify(doc, now=AT)
    assert _status(report) == (U, "STATUS_UNCHECKABLE")
    assert report.check("status").problem_type == "STATUS_VERIFICATION_ERROR"
    assert report.verdict is Verdict.INCONCLUSIVE
