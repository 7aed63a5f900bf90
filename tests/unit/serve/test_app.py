"""The VC-API app in process: verify, issue, status lists, errors; every answer as documented."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator
from starlette.applications import Starlette

from leadbadge import Issuer, SigningKey, Verifier, sign_presentation
from leadbadge.serve import ServeConfig, create_app
from tests.unit.serve._app import AUTH, TOKEN, call, documented

CREDENTIAL: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential"],
    "credentialSubject": {"id": "did:example:ana"},
}


@pytest.fixture
def make_app(issuer: Issuer, verifier: Verifier) -> Callable[..., Starlette]:
    def make(**overrides: Any) -> Starlette:
        config = ServeConfig(verifier=verifier, issuer=issuer, token=TOKEN)
        for name, value in overrides.items():
            setattr(config, name, value)
        return create_app(config)

    return make


@pytest.fixture
def app(make_app: Callable[..., Starlette]) -> Starlette:
    return make_app()


def issue(app: Starlette, credential: dict[str, Any] | None = None) -> dict[str, Any]:
    response = call(
        app,
        "POST",
        "/credentials/issue",
        json={"credential": credential or CREDENTIAL},
        headers=AUTH,
    )
    assert response.status_code == 201, response.text
    body = documented(response, "/credentials/issue", "POST")
    signed: dict[str, Any] = body["verifiableCredential"]
    return signed


def verify(app: Starlette, credential: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = call(app, "POST", "/credentials/verify", json={"verifiableCredential": credential})
    return response.status_code, documented(response, "/credentials/verify", "POST")


# --- issue ---------------------------------------------------------------------------------------


def test_issue_signs_adds_a_revocation_entry_served_here_and_records_it(
    app: Starlette, issuer: Issuer
) -> None:
    signed = issue(app)
    assert signed["issuer"] == issuer.home.issuer_id
    assert signed["id"].startswith("urn:uuid:")
    proof = signed["proof"][-1] if isinstance(signed["proof"], list) else signed["proof"]
    assert (proof["type"], proof["cryptosuite"]) == ("DataIntegrityProof", "eddsa-rdfc-2022")
    assert proof["verificationMethod"] == issuer.home.current_key.verification_method
    entry = signed["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == "revocation"
    assert entry["statusListCredential"].startswith("https://127.0.0.1:8443/status/")
    with issuer.home.open_ledger() as ledger:
        recorded = ledger.get(signed["id"])
    assert recorded is not None
    assert recorded.document == signed
    assert recorded.status == "active"
    assert [a.index for a in recorded.assignments] == [int(entry["statusListIndex"])]


def test_an_issued_credential_verifies_with_the_servers_own_status_list(app: Starlette) -> None:
    status, body = verify(app, issue(app))
    assert status == 200
    assert body["verified"] is True
    assert {"proof", "status", "validity"} <= set(body["checks"])
    assert body["errors"] == []
    assert body["report"]["verdict"] == "valid"


def test_a_credential_revoked_in_the_ledger_no_longer_verifies(
    app: Starlette, issuer: Issuer
) -> None:
    signed = issue(app)
    issuer.home.change_status(signed["id"], "revoke", actor="test")
    status, body = verify(app, signed)
    assert status == 400
    assert body["verified"] is False
    assert [e["check"] for e in body["errors"]] == ["status"]


def test_the_status_list_is_served_at_its_url_and_shows_a_revocation(
    app: Starlette, issuer: Issuer
) -> None:
    signed = issue(app)
    url = signed["credentialStatus"]["statusListCredential"]
    before = call(app, "GET", urlsplit(url).path)
    listed = documented(before, "/{statusListPath}", "GET")
    assert listed["id"] == url
    assert "BitstringStatusListCredential" in listed["type"]
    issuer.home.change_status(signed["id"], "revoke", actor="test")
    after = documented(call(app, "GET", urlsplit(url).path), "/{statusListPath}", "GET")
    # Re-signed with the new bit: the encoded list differs.
    assert after["credentialSubject"]["encodedList"] != listed["credentialSubject"]["encodedList"]


def test_issue_keeps_the_callers_status_entries_and_adds_its_own(app: Starlette) -> None:
    given = {
        "id": "https://status.example/1#5",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "suspension",
        "statusListIndex": "5",
        "statusListCredential": "https://status.example/1",
    }
    signed = issue(app, {**CREDENTIAL, "credentialStatus": given})
    entries = signed["credentialStatus"]
    assert entries[0] == given
    assert entries[1]["statusListCredential"].startswith("https://127.0.0.1:8443/status/")


def test_a_vc_1_1_credential_is_signed_and_recorded_without_a_status_entry(
    app: Starlette, issuer: Issuer
) -> None:
    signed = issue(
        app,
        {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential"],
            "issuanceDate": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:ana"},
        },
    )
    assert "credentialStatus" not in signed
    assert "https://w3id.org/security/data-integrity/v2" in signed["@context"]
    with issuer.home.open_ledger() as ledger:
        assert ledger.get(signed["id"]) is not None


@pytest.mark.parametrize(
    ("credential", "field"),
    [
        ({**CREDENTIAL, "issuer": "did:example:someone-else"}, "issuer"),
        ({**CREDENTIAL, "issuer": {"id": "did:example:someone-else"}}, "issuer"),
        ({key: v for key, v in CREDENTIAL.items() if key != "credentialSubject"}, "document"),
        ({**CREDENTIAL, "proof": {"type": "DataIntegrityProof"}}, "proof"),
    ],
)
def test_issue_refuses_bad_credentials_with_400_and_records_nothing(
    app: Starlette, issuer: Issuer, credential: dict[str, Any], field: str
) -> None:
    with issuer.home.open_ledger() as ledger:
        before = len(ledger.entries())
    response = call(
        app, "POST", "/credentials/issue", json={"credential": credential}, headers=AUTH
    )
    assert response.status_code == 400
    body = documented(response, "/credentials/issue", "POST")
    assert body["field"] == field
    assert body["detail"].endswith(".")
    with issuer.home.open_ledger() as ledger:
        assert len(ledger.entries()) == before


def test_issue_refuses_an_id_already_issued(app: Starlette) -> None:
    issue(app, {**CREDENTIAL, "id": "urn:uuid:0a7c1d52-4d6e-4a3c-9a55-0b3f6e1f2a10"})
    again = call(
        app,
        "POST",
        "/credentials/issue",
        json={"credential": {**CREDENTIAL, "id": "urn:uuid:0a7c1d52-4d6e-4a3c-9a55-0b3f6e1f2a10"}},
        headers=AUTH,
    )
    assert again.status_code == 400
    assert documented(again, "/credentials/issue", "POST")["code"] == "invalid_input"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer " + TOKEN[:-1]},
        {"Authorization": "Bearer " + TOKEN + "x"},
        {"Authorization": "Bearer"},
    ],
)
def test_issue_needs_the_bearer_token(app: Starlette, headers: dict[str, str]) -> None:
    response = call(
        app, "POST", "/credentials/issue", json={"credential": CREDENTIAL}, headers=headers
    )
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert documented(response, "/credentials/issue", "POST")["code"] == "unauthorized"


def test_the_token_and_the_credential_are_never_logged(
    app: Starlette, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    issue(app, {**CREDENTIAL, "credentialSubject": {"id": "did:example:secret-subject"}})
    call(app, "POST", "/credentials/issue", json={"credential": {}}, headers=AUTH)
    call(
        app, "POST", "/credentials/issue", json={}, headers={"Authorization": "Bearer wrong-token"}
    )
    assert 'issued "urn:uuid:' in caplog.text
    assert "refused: 401 unauthorized" in caplog.text
    for secret in (TOKEN, "wrong-token", "secret-subject"):
        assert secret not in caplog.text


def test_a_verify_only_server_issues_nothing_and_serves_no_lists(verifier: Verifier) -> None:
    app = create_app(ServeConfig(verifier=verifier))
    response = call(
        app, "POST", "/credentials/issue", json={"credential": CREDENTIAL}, headers=AUTH
    )
    assert response.status_code == 404
    assert documented(response, "/credentials/issue", "POST")["code"] == "no_issuer"
    listed = call(app, "GET", "/status/1.json")
    assert documented(listed, "/{statusListPath}", "GET")["code"] == "not_found"


def test_an_issuing_server_needs_a_token(issuer: Issuer, verifier: Verifier) -> None:
    with pytest.raises(ValueError, match="token"):
        create_app(ServeConfig(verifier=verifier, issuer=issuer))


# --- verify --------------------------------------------------------------------------------------


def test_a_tampered_credential_is_not_verified_and_says_why(app: Starlette) -> None:
    signed = copy.deepcopy(issue(app))
    signed["credentialSubject"]["id"] = "did:example:mallory"
    status, body = verify(app, signed)
    assert status == 400
    assert body["verified"] is False
    proof_errors = [e for e in body["errors"] if e["check"] == "proof"]
    assert proof_errors
    assert proof_errors[0]["type"].endswith("#PROOF_VERIFICATION_ERROR")
    assert "proof" not in body["checks"]


def test_an_unsigned_document_is_not_verified(app: Starlette) -> None:
    status, body = verify(app, dict(CREDENTIAL))
    assert status == 400
    assert body["verified"] is False
    assert body["errors"]


def test_verify_options_must_be_an_object(app: Starlette) -> None:
    response = call(
        app,
        "POST",
        "/credentials/verify",
        json={"verifiableCredential": CREDENTIAL, "options": ["proof"]},
    )
    assert response.status_code == 400
    assert documented(response, "/credentials/verify", "POST")["field"] == "options"


# --- requests the server refuses -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "wanted"),
    [
        (b"{", "not valid JSON"),
        (b"[]", "must be a JSON object"),
        (b'{"verifiableCredential": {}, "verifiableCredential": {}}', "twice"),
        (b'{"verifiableCredential": NaN}', "not JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[" * 5000 + b"]" * 5000, "nests deeper"),
        (b'{"a":' * 200 + b"1" + b"}" * 200, "nests deeper"),
        (b"{}", "is missing"),
        (b'{"verifiableCredential": "text"}', "must be a JSON object"),
    ],
)
def test_malformed_bodies_get_a_400_with_one_sentence(
    app: Starlette, content: bytes, wanted: str
) -> None:
    response = call(
        app,
        "POST",
        "/credentials/verify",
        content=content,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    body = documented(response, "/credentials/verify", "POST")
    assert wanted in body["detail"]
    assert "Traceback" not in response.text


def test_a_body_over_the_bound_gets_413(make_app: Callable[..., Starlette]) -> None:
    app = make_app(max_body=2048)
    big = {"verifiableCredential": {**CREDENTIAL, "name": "x" * 4096}}
    response = call(app, "POST", "/credentials/verify", json=big)
    assert response.status_code == 413
    assert documented(response, "/credentials/verify", "POST")["code"] == "body_too_large"

    async def chunks() -> Any:
        # No Content-Length: the bound holds while the body streams in.
        for _ in range(8):
            yield b" " * 512

    streamed = call(
        app,
        "POST",
        "/credentials/issue",
        content=chunks(),
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert streamed.status_code == 413
    assert documented(streamed, "/credentials/issue", "POST")["code"] == "body_too_large"


def test_a_body_that_is_not_json_gets_415(app: Starlette) -> None:
    response = call(
        app, "POST", "/credentials/verify", content=b"{}", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415
    assert documented(response, "/credentials/verify", "POST")["code"] == "unsupported_media_type"


def test_unknown_paths_and_methods_get_json_errors(app: Starlette) -> None:
    missing = call(app, "GET", "/nothing/here.json")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    wrong = call(app, "GET", "/credentials/verify")
    assert wrong.status_code == 405
    assert wrong.json()["code"] == "method_not_allowed"


@pytest.fixture(scope="module")
def holder_key() -> SigningKey:
    return SigningKey.generate()


def test_a_holder_signed_presentation_with_the_challenge_asked_verifies(
    app: Starlette, holder_key: SigningKey
) -> None:
    presentation = sign_presentation([issue(app)], holder_key, challenge="c-1", domain="d.example")
    response = call(
        app,
        "POST",
        "/presentations/verify",
        json={
            "verifiablePresentation": presentation,
            "options": {"challenge": "c-1", "domain": "d.example"},
        },
    )
    assert response.status_code == 200, response.text
    body = documented(response, "/presentations/verify", "POST")
    assert body["verified"] is True
    assert body["errors"] == []
    assert body["report"]["kind"] == "presentation"


def test_a_presentation_for_another_challenge_or_with_a_revoked_credential_is_refused(
    app: Starlette, issuer: Issuer, holder_key: SigningKey
) -> None:
    signed = issue(app)
    presentation = sign_presentation([signed], holder_key, challenge="c-1")
    other = call(
        app,
        "POST",
        "/presentations/verify",
        json={"verifiablePresentation": presentation, "options": {"challenge": "c-2"}},
    )
    assert other.status_code == 400
    body = documented(other, "/presentations/verify", "POST")
    assert body["verified"] is False
    assert [e["check"] for e in body["errors"]] == ["challenge"]
    issuer.home.change_status(signed["id"], "revoke", actor="test")
    revoked = call(
        app,
        "POST",
        "/presentations/verify",
        json={"verifiablePresentation": presentation, "options": {"challenge": "c-1"}},
    )
    assert revoked.status_code == 400
    assert [e["check"] for e in revoked.json()["errors"]] == ["credentials"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"verifiablePresentation": CREDENTIAL}, "unreadable_credential"),
        ({"verifiablePresentation": {}, "options": {"challenge": 5}}, "invalid_request"),
        ({"verifiablePresentation": "text"}, "invalid_request"),
    ],
)
def test_a_request_without_a_presentation_is_a_400_error(
    app: Starlette, body: dict[str, Any], code: str
) -> None:
    response = call(app, "POST", "/presentations/verify", json=body)
    assert response.status_code == 400
    assert documented(response, "/presentations/verify", "POST")["code"] == code


class _Broken(Verifier):
    def verify(self, *_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("boom /secret/path")


def test_an_internal_failure_is_a_json_500_without_traceback(
    issuer: Issuer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app = create_app(ServeConfig(verifier=_Broken(), issuer=issuer, token=TOKEN))
    response = call(app, "POST", "/credentials/verify", json={"verifiableCredential": CREDENTIAL})
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "internal_error"
    assert "boom" not in response.text
    assert "RuntimeError" in caplog.text
    assert "/secret/path" not in caplog.text
    assert "Traceback" not in caplog.text


# --- the OpenAPI document ------------------------------------------------------------------------


def test_the_openapi_document_is_served_and_its_schemas_are_valid(app: Starlette) -> None:
    response = call(app, "GET", "/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    assert set(document["paths"]) == {
        "/credentials/verify",
        "/credentials/issue",
        "/presentations/verify",
        "/{statusListPath}",
        "/openapi.json",
    }
    json.dumps(document)  # plain JSON all the way down
