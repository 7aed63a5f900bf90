"""Issuer.sign: a credential made elsewhere, signed with the home's key and recorded in its
ledger with the status entries of the home's purposes."""

from __future__ import annotations

from typing import Any

import pytest

from leadbadge import Issuer
from leadbadge.errors import InputError
from leadbadge.issuer.home import WITH_SUSPENSION
from tests.conftest import FIXED_NOW

PASSPHRASE = "issuer sign passphrase"
CREDENTIAL: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "credentialSubject": {"id": "did:example:ana"},
}


@pytest.fixture(scope="module")
def suspending(tmp_path_factory: pytest.TempPathFactory) -> Issuer:
    return Issuer.create(
        tmp_path_factory.mktemp("sign") / "home",
        name="Academy",
        url="https://academy.example.org",
        passphrase=PASSPHRASE,
        status_purposes=WITH_SUSPENSION,
        now=FIXED_NOW,
    )


def test_a_home_with_suspension_gives_both_entries_and_records_both_indexes(
    suspending: Issuer,
) -> None:
    signed = suspending.sign(
        {**CREDENTIAL, "issuer": {"id": suspending.home.issuer_id, "name": "Academy"}},
        now=FIXED_NOW,
    ).document
    entries = signed["credentialStatus"]
    assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
    assert signed["issuer"]["name"] == "Academy"
    assert signed["proof"][-1]["created"] == "2026-11-23T12:00:00Z"
    with suspending.home.open_ledger() as ledger:
        entry = ledger.get(signed["id"])
    assert entry is not None
    assert (entry.tier, entry.recipient_hash) == ("", "")
    assert [(a.purpose, str(a.index)) for a in entry.assignments] == [
        (e["statusPurpose"], e["statusListIndex"]) for e in entries
    ]
    # Suspension works on these credentials as on any other.
    suspending.home.change_status(signed["id"], "suspend", actor="test")


def test_a_given_id_is_kept(suspending: Issuer) -> None:
    wanted = "https://academy.example.org/credentials/42"
    assert suspending.sign({**CREDENTIAL, "id": wanted}, now=FIXED_NOW).document["id"] == wanted


def test_a_refused_credential_draws_no_index(suspending: Issuer) -> None:
    with suspending.home.open_ledger() as ledger:
        before = [(info.n, info.allocated) for info in ledger.status_lists()]
    with pytest.raises(InputError) as refused:
        suspending.sign({**CREDENTIAL, "credentialSubject": {}}, now=FIXED_NOW)
    assert refused.value.field == "document"
    with suspending.home.open_ledger() as ledger:
        assert [(info.n, info.allocated) for info in ledger.status_lists()] == before


def test_a_document_that_is_not_an_object_is_refused(suspending: Issuer) -> None:
    with pytest.raises(InputError, match="JSON object"):
        suspending.sign(["not", "a", "credential"])  # type: ignore[arg-type]
