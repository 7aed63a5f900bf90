"""W3C test-suite inputs with inline @context objects or @direction, through strict JSON-LD.

The W3C VC 2.0 data-model suite sends credentials whose @context lists context objects
(``{"ExampleVerifiableCredential": "https://example.org/#…"}``) and names with a base direction;
the W3C CCG Data Integrity suite signs credentials whose @context wraps an object in
``{"@context": {…}}``. What VC 2.0 accepts, strict expansion accepts; what it refuses stays
refused (test_w3c_data_model.py checks the ``-fail`` inputs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from leadbadge.errors import JsonLdError, LeadbadgeError, UndefinedTermError
from leadbadge.ld.expand import expand_strict
from leadbadge.proof.eddsa_rdfc_2022 import verify
from tests.conftest import SHARED, interop_path, require_shared
from tests.interop.test_w3c_data_model import SUITE, _prepare

pytestmark = pytest.mark.shared

#: -ok inputs with inline contexts or @direction that strict JSON-LD still refuses, and why.
STILL_REFUSED = {
    # The inline context maps Ed25519Signature2020 to a bare IRI, so the proof's created,
    # verificationMethod… are defined by no context (jsonld.js safe mode refuses them too).
    "credential-proof-ok.json": "/proof/created",
}
DATA_INTEGRITY_INPUTS = (
    "w3c-suites/src/w3c-ccg+data-integrity-test-suite-assertion/inputs/eddsa-rdfc-2022"
)


def _uses_inline_context_or_direction(doc: dict[str, Any]) -> bool:
    contexts = doc.get("@context")
    listed = contexts if isinstance(contexts, list) else [contexts]
    return any(isinstance(c, dict) for c in listed) or '"@direction"' in json.dumps(doc)


def _ok_inputs() -> list[tuple[str, dict[str, Any]]]:
    base = interop_path(SUITE)
    found = []
    for entry in json.loads((base / "MANIFEST.json").read_text(encoding="utf-8"))["entries"]:
        name = entry["file"].rsplit("/", 1)[-1]
        if entry["expect"] != "CONFORMS" or name.startswith("presentation-"):
            continue
        doc = _prepare(json.loads((base / entry["file"]).read_text(encoding="utf-8")))
        if _uses_inline_context_or_direction(doc):
            found.append((name, doc))
    return found


def test_conforming_inputs_with_inline_contexts_or_direction_are_accepted() -> None:
    inputs = _ok_inputs()
    assert len(inputs) == 16  # 12 with inline contexts, 4 with @direction
    refused = {}
    for name, doc in inputs:
        try:
            expand_strict(doc)
        except LeadbadgeError as caught:
            refused[name] = caught
    assert set(refused) == set(STILL_REFUSED), {k: str(v) for k, v in refused.items()}
    for name, path in STILL_REFUSED.items():
        found = refused[name]
        assert isinstance(found, UndefinedTermError)
        assert found.path == path


def _data_integrity_inputs() -> Path:
    path = SHARED / DATA_INTEGRITY_INPUTS
    if not path.is_dir():
        reason = f"the W3C CCG Data Integrity suite inputs are not at {path}"
        if require_shared():
            pytest.fail(f"{reason} (LEADBADGE_REQUIRE_SHARED=1)")
        pytest.skip(reason)
    return path


@pytest.mark.parametrize("version", ["1.1", "2.0"])
@pytest.mark.parametrize("name", ["previousProofStringOk", "previousProofArrayOk"])
def test_signed_inputs_with_a_wrapped_inline_context_verify(version: str, name: str) -> None:
    path = _data_integrity_inputs() / f"{version}-{name}-SimpleSigned2.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    # {"@context": {…}} as an item of the document's @context
    assert [set(c) for c in doc["@context"] if isinstance(c, dict)] == [{"@context"}]
    result = verify(doc)
    assert result.controller == doc["issuer"]


@pytest.mark.parametrize(
    ("name", "error", "said"),
    [
        ("credential-redef-type-fail.json", JsonLdError, "protected term redefinition"),
        ("credential-redef-type2-fail.json", JsonLdError, "protected term redefinition"),
        (
            "credential-type-unmapped-fail.json",
            UndefinedTermError,
            "'ExampleTestCredential' at /type is not a type defined",
        ),
    ],
)
def test_failing_inputs_with_inline_contexts_are_refused_for_their_fault(
    name: str, error: type[Exception], said: str
) -> None:
    doc = _prepare(json.loads(interop_path(SUITE, name).read_text(encoding="utf-8")))
    with pytest.raises(error) as caught:
        expand_strict(doc)
    assert said in str(caught.value)
