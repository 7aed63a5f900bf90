"""Published OB 3.0 credentials as parse/shape tests for the data-model check.

- The examples of the OB 3.0 specification (``ob-spec-examples/``), as written and as rendered
  (unsigned, eddsa-signed and the VC-JWT payloads): all conform.
- 1EdTech's own validator fixtures (``1edtech-validator/``): those 1EdTech and the MANIFEST call
  valid conform (with warnings exactly where the MANIFEST expects them: VC 1.1 form, an older OB
  context); those it calls malformed break a rule the check sees. The other verdicts in that
  MANIFEST (bad signature, unresolvable key, revoked…) are about authenticity, not shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from leadbadge.conformance.vc import check_credential_shape, detect_versions
from tests.conftest import INTEROP, interop_path

pytestmark = pytest.mark.shared

#: Warnings the spec examples earn, and why.
EXPECTED_WARNINGS = {
    # The second result names the LetterGrade ResultDescription (urn:uuid:f6ab24cd…) but an
    # achievedLevel from the rubric of another ResultDescription (urn:uuid:a70ddc6a…).
    "fullOpenBadge.json": {"/credentialSubject/result/1/achievedLevel"},
    "03-complete-openbadgecredential": {"/credentialSubject/result/1/achievedLevel"},
}


def _load(path: Path) -> dict[str, Any]:
    document = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def _by_severity(document: dict[str, Any], **kwargs: Any) -> tuple[list[str], set[str]]:
    problems = check_credential_shape(document, **kwargs)
    errors = [str(p) for p in problems if p.severity == "error"]
    return errors, {p.path for p in problems if p.severity == "warning"}


def _source_examples() -> list[Any]:
    folder = INTEROP / "ob-spec-examples" / "source-unsigned"
    if not folder.exists():
        return [pytest.param(None, id="shared-data-missing")]
    return [pytest.param(p.name, id=p.stem) for p in sorted(folder.glob("*.json"))]


@pytest.mark.parametrize("name", _source_examples())
def test_spec_source_examples_conform(name: str | None) -> None:
    folder = interop_path("ob-spec-examples", "source-unsigned")
    if name is None:
        return
    document = _load(folder / name)
    assert detect_versions(document) == ("2.0", "3.0.3")
    errors, warnings = _by_severity(document)
    assert errors == []
    assert warnings == EXPECTED_WARNINGS.get(name, set())


def test_all_seven_source_examples_are_there() -> None:
    folder = interop_path("ob-spec-examples", "source-unsigned")
    assert len(list(folder.glob("*.json"))) == 7


@pytest.mark.parametrize(
    "suffix", [".unsigned.json", ".signed-eddsa-rdfc-2022.json", ".jwt-payload.json"]
)
def test_rendered_spec_examples_conform(suffix: str) -> None:
    folder = interop_path("ob-spec-examples", "rendered-spec-v1.0.14")
    paths = sorted(folder.glob(f"*{suffix}"))
    assert len(paths) == 8
    for path in paths:
        name = path.name.removesuffix(suffix)
        errors, warnings = _by_severity(_load(path))
        assert errors == [], name
        assert warnings == EXPECTED_WARNINGS.get(name, set()), name


def test_the_signed_examples_carry_a_well_formed_proof_array() -> None:
    folder = interop_path("ob-spec-examples", "rendered-spec-v1.0.14")
    for path in sorted(folder.glob("*.signed-eddsa-rdfc-2022.json")):
        document = _load(path)
        assert isinstance(document["proof"], list)
        broken = dict(
            document, proof=[{k: v for k, v in document["proof"][0].items() if k != "type"}]
        )
        assert "/proof/0/type" in {p.path for p in check_credential_shape(broken)}, path.name


def _validator_entries(*expects: str) -> list[Any]:
    manifest = INTEROP / "1edtech-validator" / "MANIFEST.json"
    if not manifest.exists():
        return [pytest.param(None, id="shared-data-missing")]
    entries = json.loads(manifest.read_text(encoding="utf-8"))["entries"]
    return [
        pytest.param(e, id=e["file"])
        for e in entries
        if e.get("kind") == "credential-json" and e["expect"] in expects
    ]


@pytest.mark.parametrize("entry", _validator_entries("VALID", "VALID_WITH_WARNING"))
def test_1edtech_valid_fixtures_conform(entry: dict[str, Any] | None) -> None:
    if entry is None:
        interop_path("1edtech-validator", "MANIFEST.json")
        return
    base = interop_path("1edtech-validator")
    document = _load(base / entry["file"])
    is_open_badge = bool({"OpenBadgeCredential", "AchievementCredential"} & set(document["type"]))
    errors, warnings = _by_severity(document, require_open_badge=is_open_badge)
    assert errors == []
    if entry["expect"] == "VALID":
        assert warnings == set()
    else:
        assert warnings, "the MANIFEST expects a warning"
    vc_version, _ = detect_versions(document)
    assert vc_version == entry["vcVersion"]


@pytest.mark.parametrize("entry", _validator_entries("MALFORMED"))
def test_1edtech_malformed_fixtures_break_a_rule(entry: dict[str, Any] | None) -> None:
    if entry is None:
        interop_path("1edtech-validator", "MANIFEST.json")
        return
    base = interop_path("1edtech-validator")
    errors, _ = _by_severity(_load(base / entry["file"]), require_open_badge=True)
    assert errors, entry.get("why") or entry["oneEdTechValidator"]


def test_1edtech_older_forms_are_reported_as_warnings() -> None:
    base = interop_path("1edtech-validator", "ob30")
    _, v1_warnings = _by_severity(_load(base / "simple_v1.json"))
    assert v1_warnings == {"/@context/0", "/@context/1"}
    _, version_warnings = _by_severity(_load(base / "simple-context-version.json"))
    assert version_warnings == {"/@context/1"}
    assert detect_versions(_load(base / "simple-context-version.json")) == ("2.0", "3.0.2")
