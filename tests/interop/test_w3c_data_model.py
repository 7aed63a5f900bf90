"""The W3C VC Data Model 2.0 test-suite inputs against the data-model check.

Each input in ``w3c-vc-data-model-2.0-test-suite/`` is what the W3C suite POSTs to an issuer,
so it is prepared the way the suite's harness prepares it (``tests/mock.data.js``
``createRequestBody`` and ``tests/assertions.js`` ``testTemporality``): a credential without an
``issuer`` gets the test issuer's id, an issuer object without an ``id`` key gets that id, and the
``"PAST DATE"`` / ``"FUTURE DATE"`` placeholders become one year before / after the test clock.
Then a ``-ok`` input must give no error, a ``-fail`` input at least one. ``-fail-or-inject``
inputs may be repaired by a processor that injects the base context; leadbadge never injects, so
they must fail. Presentation inputs do not apply to a credential check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from leadbadge.conformance.vc import check_credential_shape
from leadbadge.errors import JsonLdError
from leadbadge.ld.expand import expand_strict
from tests.conftest import FIXED_NOW, INTEROP, interop_path

pytestmark = pytest.mark.shared

SUITE = "w3c-vc-data-model-2.0-test-suite"
TEST_ISSUER = "did:example:test-issuer"

#: Inputs whose fault only JSON-LD processing can see; the strict JSON-LD layer rejects them.
NEEDS_JSONLD = {
    "credential-type-unmapped-fail.json": (
        'the context sets "@vocab": null, so the type ExampleTestCredential is undefined'
    ),
    "credential-redef-type-fail.json": (
        "an inline context redefines the protected term VerifiableCredential"
    ),
    "credential-redef-type2-fail.json": (
        "a second inline context redefines a term the first one protected"
    ),
}


@dataclass(frozen=True)
class Entry:
    file: str
    expect: str


def _entries() -> list[Any]:
    manifest = INTEROP / SUITE / "MANIFEST.json"
    if not manifest.exists():
        return [pytest.param(None, id="shared-data-missing")]
    params = []
    for raw in json.loads(manifest.read_text(encoding="utf-8"))["entries"]:
        entry = Entry(raw["file"], raw["expect"])
        marks: list[Any] = []
        name = entry.file.rsplit("/", 1)[-1]
        if name.startswith("presentation-"):
            marks.append(
                pytest.mark.skip(reason="a verifiable presentation input, not a credential")
            )
        params.append(pytest.param(entry, id=entry.file, marks=marks))
    return params


def _timestamp(years: int) -> str:
    return (FIXED_NOW + timedelta(days=365 * years)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _prepare(doc: dict[str, Any]) -> dict[str, Any]:
    """What the W3C suite's harness sends to an issuer for this input."""
    if "issuer" not in doc:
        doc["issuer"] = TEST_ISSUER
    elif isinstance(doc["issuer"], dict) and "id" not in doc["issuer"]:
        doc["issuer"]["id"] = TEST_ISSUER
    placeholders = {"PAST DATE": _timestamp(-1), "FUTURE DATE": _timestamp(1)}
    for key in ("validFrom", "validUntil"):
        if doc.get(key) in placeholders:
            doc[key] = placeholders[doc[key]]
    return doc


@pytest.mark.parametrize("entry", _entries())
def test_w3c_data_model_input(entry: Entry | None) -> None:
    if entry is None:
        interop_path(SUITE, "MANIFEST.json")
        return
    path = interop_path(SUITE, entry.file)
    doc = _prepare(json.loads(path.read_text(encoding="utf-8")))
    errors = [p for p in check_credential_shape(doc) if p.severity == "error"]
    if entry.expect == "CONFORMS":
        assert errors == [], [str(p) for p in errors]
    elif entry.file.rsplit("/", 1)[-1] in NEEDS_JSONLD:
        # The data model alone cannot see these faults: the strict JSON-LD layer must refuse them.
        assert entry.expect.startswith("NONCONFORMANT"), entry.expect
        with pytest.raises(JsonLdError):
            expand_strict(doc)
    else:
        assert entry.expect.startswith("NONCONFORMANT"), entry.expect
        assert errors, f"{entry.file} should break a data-model rule"


def test_every_credential_input_is_covered() -> None:
    """The MANIFEST lists every input file, so none is silently left out."""
    base = interop_path(SUITE)
    listed = {e["file"] for e in json.loads((base / "MANIFEST.json").read_text())["entries"]}
    on_disk = {str(p.relative_to(base)) for p in base.rglob("*.json") if p.name != "MANIFEST.json"}
    assert on_disk == listed


def test_placeholders_are_replaced_in_the_order_the_suite_uses() -> None:
    doc = _prepare({"validFrom": "PAST DATE", "validUntil": "FUTURE DATE"})
    assert doc["validFrom"] < FIXED_NOW.strftime("%Y-%m-%dT%H:%M:%SZ") < doc["validUntil"]
    assert doc["issuer"] == TEST_ISSUER
    kept = _prepare({"issuer": {"id": None}})
    assert kept["issuer"] == {"id": None}
