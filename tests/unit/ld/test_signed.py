"""Strictness on signed credentials: content a holder adds after signing, through the Verifier.

Each case edits a credential the real issuer side signed (tests/unit/_issued.py) in a way the
signature does not see; strict expansion must refuse it, so the verdict is invalid with the
``jsonld`` check failing, never valid and never an uncaught exception.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from leadbadge.errors import CredentialDocumentError, JsonLdError
from leadbadge.ld.expand import expand_strict
from leadbadge.verifier.report import CheckStatus, Verdict, VerificationReport
from leadbadge.verifier.verify import Verifier
from tests.unit._issued import LATER, World, make_world

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return make_world(tmp_path_factory.mktemp("signed"), did_web=None)


@pytest.fixture(scope="module")
def credential(world: World) -> dict[str, Any]:
    return world.issue()


def _verify(world: World, doc: dict[str, Any]) -> VerificationReport:
    world.fresh_lists(LATER)
    return Verifier(world.trust).verify(doc, now=LATER)


def _edited(credential: dict[str, Any], edit: Edit) -> dict[str, Any]:
    doc = copy.deepcopy(credential)
    edit(doc)
    return doc


def _assert_refused(world: World, doc: dict[str, Any], said: str) -> None:
    with pytest.raises(JsonLdError, match=said):
        expand_strict(doc)
    report = _verify(world, doc)
    assert report.verdict is Verdict.INVALID
    jsonld = report.check("jsonld")
    assert jsonld.status is CheckStatus.FAIL, jsonld.message
    assert said in jsonld.message


def test_the_credential_as_issued_is_valid(world: World, credential: dict[str, Any]) -> None:
    assert _verify(world, credential).verdict is Verdict.VALID


# --- Numbers and text JSON-LD processing or hashing cannot handle ---------------------------

NUMBERS: list[Any] = [
    pytest.param(lambda d: d.update(name=10**400), "64-bit", id="integer-beyond-a-double"),
    pytest.param(
        lambda d: d["credentialSubject"]["achievement"].update(creditsAvailable=2**64),
        "64-bit",
        id="integer-beyond-64-bits",
    ),
]
SURROGATES: list[Any] = [
    pytest.param(lambda d: d.update(name=d["name"] + "\ud800"), "lone surrogate", id="surrogate"),
    pytest.param(
        lambda d: d["issuer"].update(name="\udc00"), "lone surrogate", id="surrogate-nested"
    ),
]
UNPROCESSABLE = NUMBERS + SURROGATES


@pytest.mark.parametrize(("edit", "said"), NUMBERS)
def test_unprocessable_numbers_are_refused_not_crashed_on(
    world: World, credential: dict[str, Any], edit: Edit, said: str
) -> None:
    _assert_refused(world, _edited(credential, edit), said)


@pytest.mark.parametrize(("edit", "said"), SURROGATES)
def test_text_with_a_lone_surrogate_is_refused_not_crashed_on(
    world: World, credential: dict[str, Any], edit: Edit, said: str
) -> None:
    doc = _edited(credential, edit)
    with pytest.raises(JsonLdError, match=said):
        expand_strict(doc)
    # It is not text at all, so the Verifier refuses the input itself, before any check, as it
    # does for the same credential read from a file, an image or a QR code.
    with pytest.raises(CredentialDocumentError, match=said):
        _verify(world, doc)


@pytest.mark.parametrize(("edit", "said"), UNPROCESSABLE)
def test_unprocessable_numbers_and_text_are_refused_before_signing(
    world: World, credential: dict[str, Any], edit: Edit, said: str
) -> None:
    doc = _edited(credential, edit)
    with pytest.raises(JsonLdError, match=said):
        world.resign(doc)


def test_an_integer_of_4400_digits_is_refused_by_strict_expansion_and_the_verifier(
    world: World, credential: dict[str, Any]
) -> None:
    doc = _edited(credential, lambda d: d.update(name=10**4400))
    with pytest.raises(JsonLdError, match="64-bit"):
        expand_strict(doc)
    with pytest.raises(JsonLdError, match="64-bit"):
        world.resign(doc)
    # Python cannot write it as JSON text (4,300 digits at most), so the Verifier refuses the
    # input itself, before any check.
    with pytest.raises(CredentialDocumentError, match="4300 digits"):
        _verify(world, doc)


# --- @language on a node: dropped by JSON-LD, so never signed ---------------------------------

XSS = "<img src=x onerror=alert(1)>"

LANGUAGE_ON_A_NODE: list[Any] = [
    pytest.param(lambda d: d, "/@language", id="top-level"),
    pytest.param(lambda d: d["issuer"], "/issuer/@language", id="issuer"),
    pytest.param(lambda d: d["credentialSubject"], "/credentialSubject/@language", id="subject"),
    pytest.param(
        lambda d: d["credentialSubject"]["achievement"],
        "/credentialSubject/achievement/@language",
        id="achievement",
    ),
    pytest.param(
        lambda d: d["credentialStatus"][1], "/credentialStatus/1/@language", id="status-entry"
    ),
    pytest.param(lambda d: d["proof"][0], "/proof/0/@language", id="proof"),
]


@pytest.mark.parametrize(("node", "path"), LANGUAGE_ON_A_NODE)
@pytest.mark.parametrize("text", ["en", XSS])
def test_a_language_on_a_node_is_refused(
    world: World,
    credential: dict[str, Any],
    node: Callable[[dict[str, Any]], dict[str, Any]],
    path: str,
    text: str,
) -> None:
    doc = _edited(credential, lambda d: node(d).update({"@language": text}))
    with pytest.raises(JsonLdError) as caught:
        expand_strict(doc)
    assert caught.value.path == path
    _assert_refused(world, doc, "gives a node a language")


def test_a_language_on_text_is_signed_and_verifies(
    world: World, credential: dict[str, Any]
) -> None:
    doc = _edited(
        credential,
        lambda d: d["credentialSubject"]["achievement"].update(
            description={"@value": "Certificación inicial", "@language": "es"}
        ),
    )
    signed = world.resign(doc)
    assert _verify(world, signed).verdict is Verdict.VALID
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["description"]["@language"] = "fr"
    assert _verify(world, tampered).check("proof").status is CheckStatus.FAIL


# --- Blank node identifiers: canonicalization relabels them, so no signature covers them ------

EVIL = "_:https://evil.example/criteria"

BLANK_NODE_IDS: list[Any] = [
    pytest.param(
        lambda d: d["credentialSubject"]["achievement"]["criteria"],
        "/credentialSubject/achievement/criteria/id",
        id="criteria",
    ),
    pytest.param(
        lambda d: d["credentialSubject"]["identifier"][0],
        "/credentialSubject/identifier/0/id",
        id="identifier",
    ),
    pytest.param(
        lambda d: d["credentialSubject"]["achievement"]["alignment"][2],
        "/credentialSubject/achievement/alignment/2/id",
        id="alignment",
    ),
    pytest.param(lambda d: d["credentialSubject"], "/credentialSubject/id", id="subject"),
]


@pytest.mark.parametrize(("node", "path"), BLANK_NODE_IDS)
def test_a_blank_node_id_added_to_a_node_is_refused(
    world: World,
    credential: dict[str, Any],
    node: Callable[[dict[str, Any]], dict[str, Any]],
    path: str,
) -> None:
    doc = _edited(credential, lambda d: node(d).update(id=EVIL))
    with pytest.raises(JsonLdError) as caught:
        expand_strict(doc)
    assert caught.value.path == path
    _assert_refused(world, doc, "blank node identifier")
