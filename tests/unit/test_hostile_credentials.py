"""Credentials shaped to crash a check end in a verdict or a typed error from ``Verifier.verify``.

Each case is a real issued credential (tests/unit/_issued.py) changed and signed again by the
issuer's own key, so the proof holds and the hostile value reaches the checks behind it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from leadbadge import CheckStatus, CredentialDocumentError, Verdict, VerificationReport, Verifier
from leadbadge.crypto.jwk import JoseSigningKey
from leadbadge.issuer.jose import credential_jwt
from leadbadge.proof import vc_jwt
from tests.unit._issued import DID_WEB, ISSUED, World, make_world

NOW = ISSUED + timedelta(days=1)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    made = make_world(tmp_path_factory.mktemp("hostile"), did_web=DID_WEB)
    made.fresh_lists(NOW)
    return made


def _verify(world: World, data: Any) -> VerificationReport:
    return Verifier(world.trust).verify(data, now=NOW)


def _subject(doc: dict[str, Any]) -> dict[str, Any]:
    subject: dict[str, Any] = doc["credentialSubject"]
    return subject


def _description(doc: dict[str, Any]) -> dict[str, Any]:
    description: dict[str, Any] = _subject(doc)["achievement"]["resultDescription"][0]
    return description


def _result(doc: dict[str, Any]) -> dict[str, Any]:
    # Issued without results; one pointing into the first ResultDescription.
    described = _description(doc)
    result = {
        "type": ["Result"],
        "resultDescription": described["id"],
        "achievedLevel": described["rubricCriterionLevel"][0]["id"],
    }
    _subject(doc)["result"] = [result]
    return result


_EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "requiredLevel-object": lambda d: _description(d).update(requiredLevel={"id": "urn:x"}),
    "resultType-list": lambda d: _description(d).update(resultType=["RubricCriterionLevel"]),
    "resultDescription-object": lambda d: _result(d).update(resultDescription={"id": "urn:x"}),
    "achievedLevel-object": lambda d: _result(d).update(achievedLevel={"id": "urn:x"}),
    "achievementType-dict-entry": lambda d: _subject(d)["achievement"].update(
        achievementType=["Certification", {"a": 1}]
    ),
    "type-list-entry": lambda d: d.update(
        credentialSchema=[{"id": "https://example.org/s.json", "type": ["JsonSchema", ["x"]]}]
    ),
}


@pytest.mark.parametrize("edit", list(_EDITS))
def test_a_value_of_the_wrong_json_type_makes_the_credential_invalid(
    world: World, edit: str
) -> None:
    doc = world.issue()
    del doc["proof"]
    _EDITS[edit](doc)
    # Signed as a VC-JWT: a Data Integrity proof could not be made over what strict JSON-LD
    # refuses, and the signature must hold for the data-model checks to be reached.
    token = credential_jwt(world.issuer.home, doc, JoseSigningKey(world.key()), now=ISSUED)
    report = _verify(world, token)
    assert report.check("proof").status is CheckStatus.PASS
    schema = report.check("schema")
    assert schema.status is CheckStatus.FAIL, schema.message
    assert report.verdict is Verdict.INVALID


# --- VC-JWT ------------------------------------------------------------------------------------


def _segment(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _token(world: World, *, header: bytes | None = None, payload: bytes | None = None) -> str:
    """The issuer's EdDSA VC-JWT of a fresh credential, with this header or payload, signed."""
    key = JoseSigningKey(world.key())
    honest = vc_jwt.parse(credential_jwt(world.issuer.home, world.issue(), key, now=ISSUED))
    signing_input = (
        f"{_segment(header or json.dumps(honest.header).encode())}."
        f"{_segment(payload or json.dumps(honest.payload).encode())}"
    )
    return f"{signing_input}.{_segment(key.sign(signing_input.encode()))}"


def _header(world: World, **members: Any) -> bytes:
    key = JoseSigningKey(world.key())
    header = vc_jwt.parse(credential_jwt(world.issuer.home, world.issue(), key, now=ISSUED)).header
    return json.dumps({**header, **members}).encode()


def test_the_unchanged_token_is_valid(world: World) -> None:
    assert _verify(world, _token(world)).verdict is Verdict.VALID


@pytest.mark.parametrize("typ", [["JWT"], {"media": "JWT"}, 7])
def test_a_typ_that_is_not_a_string_makes_the_token_invalid(world: World, typ: Any) -> None:
    report = _verify(world, _token(world, header=_header(world, typ=typ)))
    assert report.verdict is Verdict.INVALID
    assert report.check("proof").code == "MALFORMED_PROOF"


def test_a_deeply_nested_header_is_a_typed_error(world: World) -> None:
    deep = b'{"alg":"EdDSA","x":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(CredentialDocumentError, match="nested too deeply"):
        _verify(world, _token(world, header=deep))


def test_a_deeply_nested_payload_is_a_typed_error(world: World) -> None:
    honest = vc_jwt.parse(_token(world)).payload
    deep = json.dumps(honest)[:-1].encode() + b',"x":' + b"[" * 900 + b"]" * 900 + b"}"
    with pytest.raises(CredentialDocumentError, match="nests deeper"):
        _verify(world, _token(world, payload=deep))


@pytest.mark.parametrize("where", ["header", "payload"])
def test_a_lone_surrogate_is_a_typed_error(world: World, where: str) -> None:
    if where == "header":
        token = _token(world, header=_header(world, typ="\ud800"))
    else:
        payload = json.dumps({**vc_jwt.parse(_token(world)).payload, "name": "\ud800"})
        token = _token(world, payload=payload.encode())
    with pytest.raises(CredentialDocumentError, match="surrogate"):
        _verify(world, token)
