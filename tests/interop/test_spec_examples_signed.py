"""Signed OB 3.0 credentials from 1EdTech: every one verifies, and no change to one goes unseen.

Sources (see shared/interop/README.md): the eddsa-rdfc-2022 signed examples rendered into the
OB 3.0 specification (v1.0.14), and 1EdTech's validator fixtures with the expected verdicts in
their MANIFEST.json, of which the proof layer decides the signature and key part.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import (
    JsonLdError,
    LeadbadgeError,
    SignatureError,
    UndefinedTermError,
    UnsupportedProofError,
    VerificationMethodError,
)
from leadbadge.proof.eddsa_rdfc_2022 import DEFAULT_ALLOWED, sign, verify
from tests.conftest import FIXED_NOW, INTEROP, interop_path

pytestmark = pytest.mark.shared

RENDERED = ("ob-spec-examples", "rendered-spec-v1.0.14")
NAMES = [
    "01-sample-file-contents",
    "02-sample-openbadgecredential",
    "03-complete-openbadgecredential",
    "04-sample-endorsementcredential",
    "05-achievement-alignment-case",
    "06-achievement-alignment-ce",
    "07-skill-assertion-case",
    "08-skill-assertion-ctdl",
]
# The complete example has 383 leaves: checking each takes several seconds.
EXAMPLES = [pytest.param(n, marks=pytest.mark.slow) if n.startswith("03") else n for n in NAMES]

Path_ = tuple[str | int, ...]


def signed_example(name: str) -> dict[str, Any]:
    path = interop_path(*RENDERED, f"{name}.signed-eddsa-rdfc-2022.json")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return document


def manifest_entry(name: str) -> dict[str, Any]:
    entries = json.loads(interop_path(*RENDERED, "manifest.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in entries if e["name"] == name]
    return dict(entry)


def walk(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every node of a JSON value with its path, parents before children."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, (*path, index))


def at(document: Any, path: Path_) -> Any:
    for part in path:
        document = document[part]
    return document


def changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    raise AssertionError(f"unexpected leaf {value!r}")


# --- The examples verify ----------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_signed_example_verifies(name: str) -> None:
    entry = manifest_entry(name)
    result = verify(signed_example(name))
    assert result.verification_method == entry["verificationMethod"]
    assert result.public_key.multikey == entry["publicKeyMultibase"]
    assert result.controller == entry["verificationMethod"].partition("#")[0]
    assert result.cryptosuite == "eddsa-rdfc-2022"
    assert result.warnings == ()


@pytest.mark.parametrize("name", NAMES)
def test_signing_each_unsigned_example_gives_a_credential_that_verifies(name: str) -> None:
    unsigned = json.loads(
        interop_path(*RENDERED, f"{name}.unsigned.json").read_text(encoding="utf-8")
    )
    assert {k: v for k, v in signed_example(name).items() if k != "proof"} == unsigned
    key = SigningKey.from_seed(bytes(range(32)))  # TEST-ONLY key
    issuer = unsigned["issuer"]["id"]
    resigned = sign(
        unsigned,
        key,
        verification_method=f"{issuer}#{key.public_key.multikey}",
        created=FIXED_NOW - timedelta(days=1),
    )
    assert verify(resigned).public_key == key.public_key


# --- No change goes unseen --------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_changing_any_single_value_makes_verification_fail(name: str) -> None:
    original = signed_example(name)
    leaves = [(p, v) for p, v in walk(original) if not isinstance(v, dict | list)]
    assert leaves
    passed: list[Path_] = []
    wrong_kind: list[tuple[Path_, str]] = []
    for path, value in leaves:
        tampered = copy.deepcopy(original)
        at(tampered, path[:-1])[path[-1]] = changed(value)
        try:
            verify(tampered)
        except (SignatureError, JsonLdError):
            pass
        except VerificationMethodError as error:
            # A new issuer id no longer owns the key written under the old one.
            if path[0] not in ("proof", "issuer"):
                wrong_kind.append((path, type(error).__name__))
        except LeadbadgeError as error:
            # Changing the proof itself may make it malformed or name another key instead.
            if path[0] != "proof":
                wrong_kind.append((path, type(error).__name__))
        else:
            passed.append(path)
    assert passed == []
    assert wrong_kind == []


@pytest.mark.parametrize("name", [n for n in NAMES if not n.startswith("03")])
def test_removing_any_property_makes_verification_fail(name: str) -> None:
    original = signed_example(name)
    keyed = [
        (p, key)
        for p, v in walk(original)
        if isinstance(v, dict) and (not p or p[0] != "proof")
        for key in v
    ]
    passed = []
    for path, key in keyed:
        tampered = copy.deepcopy(original)
        del at(tampered, path)[key]
        try:
            verify(tampered)
        except LeadbadgeError:
            continue
        passed.append((*path, key))
    assert passed == []


def _objects(document: dict[str, Any]) -> list[Path_]:
    return [p for p, v in walk(document) if isinstance(v, dict)]


@pytest.mark.parametrize("name", EXAMPLES)
def test_an_undefined_property_anywhere_makes_verification_fail(name: str) -> None:
    original = signed_example(name)
    objects = _objects(original)
    assert () in objects
    assert ("credentialSubject",) in objects
    accepted = []
    for path in objects:
        tampered = copy.deepcopy(original)
        at(tampered, path)["undefinedClaim"] = "added after signing"
        with pytest.raises(UndefinedTermError) as caught:
            verify(tampered)
        assert caught.value.term == "undefinedClaim"
        accepted.append(path)
    assert len(accepted) == len(objects)


@pytest.mark.parametrize("name", NAMES)
def test_undefined_property_in_the_usual_places(name: str) -> None:
    original = signed_example(name)
    places: list[Path_] = [(), ("credentialSubject",)]
    if "achievement" in original["credentialSubject"]:
        places.append(("credentialSubject", "achievement"))
    in_arrays = [
        p
        for p in _objects(original)
        if p and isinstance(p[-1], int) and p[0] not in ("proof", "@context")
    ]
    if in_arrays:
        places.append(in_arrays[0])
    for place in places:
        tampered = copy.deepcopy(original)
        at(tampered, place)["extraClaim"] = {"id": "https://evil.example/x"}
        with pytest.raises(UndefinedTermError) as caught:
            verify(tampered)
        assert caught.value.path == "/" + "/".join(str(p) for p in (*place, "extraClaim"))


@pytest.mark.parametrize("name", NAMES)
def test_an_undefined_type_value_makes_verification_fail(name: str) -> None:
    tampered = signed_example(name)
    tampered["credentialSubject"]["type"].append("TrustMeCredential")
    with pytest.raises(UndefinedTermError) as caught:
        verify(tampered)
    assert caught.value.term == "TrustMeCredential"


# --- 1EdTech validator fixtures ---------------------------------------------------------------


FIXTURE_MANIFEST = ("1edtech-validator", "MANIFEST.json")


def _fixture_entries() -> list[Any]:
    """One case per fixture; without the shared data, one case that skips (or fails) when run."""
    manifest = INTEROP.joinpath(*FIXTURE_MANIFEST)
    if not manifest.exists():
        return [pytest.param(None, id="shared-data-missing")]
    entries = json.loads(manifest.read_text(encoding="utf-8"))["entries"]
    return [
        pytest.param(e, id=e["file"])
        for e in entries
        if e["kind"] == "credential-json" and e["file"].endswith((".json", ".1ob"))
    ]


def _expected_outcome(entry: dict[str, Any]) -> type[LeadbadgeError] | None:
    """What the proof layer must do, read from the manifest's per-proof findings."""
    proofs = entry.get("proofs", [])
    if any(p.get("result") == "no-proof" for p in proofs):
        return UnsupportedProofError
    ours = [p for p in proofs if (p.get("type"), p.get("cryptosuite")) in DEFAULT_ALLOWED]
    if not ours:
        return UnsupportedProofError
    for proof in ours:
        if proof.get("result") == "c14n-error":
            return JsonLdError
        if proof.get("result") == "error":
            return VerificationMethodError
        if proof.get("signature_valid") is False:
            return SignatureError
        if proof.get("controller_matches_issuer") is False:
            return VerificationMethodError
    return None


def _fixture(entry: dict[str, Any]) -> Path:
    return interop_path("1edtech-validator", *entry["file"].split("/"))


def test_the_fixture_manifest_is_read() -> None:
    interop_path(*FIXTURE_MANIFEST)
    entries = _fixture_entries()
    assert len(entries) >= 30
    outcomes = {_expected_outcome(e.values[0]) for e in entries}
    assert outcomes == {
        None,
        JsonLdError,
        SignatureError,
        UnsupportedProofError,
        VerificationMethodError,
    }


@pytest.mark.parametrize("entry", _fixture_entries())
def test_1edtech_fixture_proof_outcome(entry: dict[str, Any] | None) -> None:
    manifest = interop_path(*FIXTURE_MANIFEST)
    assert entry is not None, f"{manifest} appeared after the tests were collected"
    document = json.loads(_fixture(entry).read_text(encoding="utf-8"))
    expected = _expected_outcome(entry)
    if expected is not None:
        with pytest.raises(expected):
            verify(document)
        return
    result = verify(document)
    legacy = any(p.get("cryptosuite") == "eddsa-2022" for p in entry["proofs"])
    unchecked = [p for p in entry["proofs"] if (p.get("type"), p.get("cryptosuite")) not in
                 DEFAULT_ALLOWED]  # fmt: skip
    assert len(result.warnings) == int(legacy) + len(unchecked)
    assert entry["expect"] in {"VALID", "VALID_WITH_WARNING", "POLICY", "EXPIRED",
                               "NOT_YET_VALID", "REVOKED"}  # fmt: skip
