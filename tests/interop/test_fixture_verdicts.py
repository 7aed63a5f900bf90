"""The official fixtures get the verdict their manifest expects.

Sources: 1EdTech's public validator fixtures (``1edtech-validator/MANIFEST.json``) and the signed
examples of the published OB 3.0 specification (``ob-spec-examples/rendered-spec-v1.0.14``).

These fixtures test verification, not our trust decisions: their issuers (example.com,
1edtech.edu…) publish nothing anyone could pin, so they run under a policy that does not require
a pinned issuer (``require_trusted_issuer=False``). With the default policy every one of them
would at best be inconclusive, which ``test_default_policy_never_calls_an_unpinned_fixture_valid``
checks.

Each manifest verdict maps to the report (docs/verification.md, "Official fixtures"):
VALID / VALID_WITH_WARNING -> verdict valid (a ``warn`` somewhere for the latter);
INVALID_SIGNATURE -> proof fail; WRONG_KEY -> issuer_key fail; KEY_UNRESOLVABLE -> inconclusive
with issuer_key unknown; EXPIRED / NOT_YET_VALID -> validity fail; NO_PROOF -> proof fail
(NO_PROOF); MALFORMED / NONCONFORMANT -> a format, jsonld or schema fail; UNSUPPORTED_PROOF ->
proof unknown; STATUS_UNCHECKABLE -> status unknown; REVOKED -> status fail; NO_CREDENTIAL ->
a decode error. POLICY entries name no verdict: the decision taken is in ``_POLICY`` with its
reason. Cases that need something not built yet are strict xfails whose reason names it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from leadbadge.trust.store import TrustStore
from leadbadge.verifier.report import CheckStatus, Verdict, VerificationReport
from leadbadge.verifier.verify import VerificationPolicy, Verifier
from tests.conftest import FIXED_NOW, INTEROP, interop_path

FIXTURE_POLICY = VerificationPolicy(require_trusted_issuer=False)

_1EDTECH = ("1edtech-validator", "MANIFEST.json")
_SPEC = ("ob-spec-examples", "rendered-spec-v1.0.14", "manifest.json")

#: Manifest verdict POLICY, or a verdict we decided to differ from: what we report, and why.
#: Every entry here is documented in docs/verification.md, "Official fixtures".
_POLICY: dict[str, tuple[str, str]] = {
    "ob30/simple-did-key-method.json": (
        "WRONG_KEY",
        "the proof's did:key is its own controller, not the urn:uuid issuer; 1EdTech accepts "
        "it, Digital Bazaar's verifier refuses it, and so do we (nothing ties the key to the "
        "issuer)",
    ),
    "ob30/simple-multiple-proofs.json": (
        "VALID_WITH_WARNING",
        "OB 3.0 accepts a credential when one supported proof verifies: the proof of the "
        "unknown type SomeProofType is not checked and is named in a warning (its terms are "
        "left out of the strict JSON-LD check, as no proof is part of what is signed); the "
        "eddsa-rdfc-2022 proof verifies",
    ),
    "ob30/complete.json": (
        "STATUS_UNCHECKABLE",
        "the signature verifies; its 1EdTechRevocationList status needs the network, so the "
        "verdict is inconclusive (embedded endorsements are not verified separately)",
    ),
    "ob30/complete_v1.json": (
        "MALFORMED",
        "its credentialSchema type 1EdTechJsonSchemaValidator2019 is defined only by the "
        "extensions context, which it does not list: an undefined term, so invalid (it is also "
        "expired); the manifest computed KEY_UNRESOLVABLE first",
    ),
    "ob30/simple.jwt": (
        "MALFORMED",
        "a VC 1.1 vc-claim JWT whose header names no key (KEY_UNRESOLVABLE, as the manifest "
        "computed), but whose credential also breaks the data model (an OpenBadgeCredential "
        "subject without an achievement) under a context leadbadge does not ship: no key could "
        "make it valid, so invalid",
    ),
    "ob30/simple-err-proof-method-no-scheme.json": (
        "MALFORMED",
        "a verificationMethod without a scheme is not a URL (Data Integrity §2.1), so it would "
        "drop out of the signed proof options: strict JSON-LD refuses it; the manifest says "
        "KEY_UNRESOLVABLE",
    ),
}

#: Manifest entries whose expected verdict needs something not built yet.
_MISSING: dict[str, str] = {}

#: Spec examples that carry a 1EdTechRevocationList status entry (interop/README.md).
_SPEC_WITH_STATUS = frozenset(
    {"03-complete-openbadgecredential", "04-sample-endorsementcredential"}
)


@dataclass(frozen=True)
class Expectation:
    """What the report must show for one manifest verdict."""

    verdict: Verdict | None
    #: check id -> (allowed statuses, required code or None)
    checks: dict[str, tuple[frozenset[CheckStatus], str | None]]
    any_warning: bool = False
    any_of: tuple[str, ...] = ()  # for MALFORMED: one of these checks must fail


def _one(status: CheckStatus, code: str | None = None) -> tuple[frozenset[CheckStatus], str | None]:
    return frozenset({status}), code


_FAIL, _UNKNOWN, _PASS, _WARN = (
    CheckStatus.FAIL,
    CheckStatus.UNKNOWN,
    CheckStatus.PASS,
    CheckStatus.WARN,
)

EXPECTATIONS: dict[str, Expectation] = {
    "VALID": Expectation(Verdict.VALID, {"proof": (frozenset({_PASS, _WARN}), None)}),
    "VALID_WITH_WARNING": Expectation(
        Verdict.VALID, {"proof": (frozenset({_PASS, _WARN}), None)}, any_warning=True
    ),
    "INVALID_SIGNATURE": Expectation(Verdict.INVALID, {"proof": _one(_FAIL, "INVALID_SIGNATURE")}),
    "WRONG_KEY": Expectation(Verdict.INVALID, {"issuer_key": _one(_FAIL, "WRONG_KEY")}),
    "KEY_UNRESOLVABLE": Expectation(
        Verdict.INCONCLUSIVE, {"issuer_key": _one(_UNKNOWN, "KEY_UNRESOLVABLE")}
    ),
    "EXPIRED": Expectation(Verdict.INVALID, {"validity": _one(_FAIL, "EXPIRED")}),
    "NOT_YET_VALID": Expectation(Verdict.INVALID, {"validity": _one(_FAIL, "NOT_YET_VALID")}),
    "NO_PROOF": Expectation(Verdict.INVALID, {"proof": _one(_FAIL, "NO_PROOF")}),
    "MALFORMED": Expectation(Verdict.INVALID, {}, any_of=("format", "jsonld", "schema")),
    "NONCONFORMANT": Expectation(Verdict.INVALID, {}, any_of=("format", "jsonld", "schema")),
    "CONTEXT_UNAVAILABLE": Expectation(
        Verdict.INCONCLUSIVE, {"jsonld": _one(_UNKNOWN, "CONTEXT_UNAVAILABLE")}
    ),
    "UNSUPPORTED_PROOF": Expectation(
        Verdict.INCONCLUSIVE, {"proof": _one(_UNKNOWN, "UNSUPPORTED_PROOF")}
    ),
    "STATUS_UNCHECKABLE": Expectation(
        Verdict.INCONCLUSIVE, {"status": _one(_UNKNOWN, "STATUS_UNCHECKABLE")}
    ),
    "REVOKED": Expectation(Verdict.INVALID, {"status": _one(_FAIL, "REVOKED")}),
    "SUSPENDED": Expectation(Verdict.INVALID, {"status": _one(_FAIL, "SUSPENDED")}),
    "STATUS_ERROR": Expectation(Verdict.INVALID, {"status": _one(_FAIL)}),
}


def _manifest(parts: tuple[str, ...]) -> Any:
    path = INTEROP.joinpath(*parts)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _evaluated_at(manifest: Any) -> datetime:
    # The spec examples' manifest has no evaluatedAt; their dates (2010 to 2030) make any
    # instant in that range equivalent, so the suite's fixed clock stands in.
    value = manifest.get("evaluatedAt") if isinstance(manifest, dict) else None
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else FIXED_NOW


def _describe(report: VerificationReport) -> str:
    lines = [f"verdict {report.verdict.value}"]
    lines += [f"  {c.id}: {c.status.value} {c.code or ''} - {c.message}" for c in report.checks]
    return "\n".join(lines)


def _assert_matches(report: VerificationReport, expected: Expectation) -> None:
    shown = _describe(report)
    assert report.verdict is expected.verdict, shown
    for check_id, (statuses, code) in expected.checks.items():
        check = report.check(check_id)
        assert check.status in statuses, shown
        if code is not None:
            assert check.code == code, shown
    if expected.any_warning:
        assert any(c.status is CheckStatus.WARN for c in report.checks), shown
    if expected.any_of:
        assert any(report.check(c).status is CheckStatus.FAIL for c in expected.any_of), shown


# --- 1EdTech validator fixtures ---------------------------------------------------------------


def _1edtech_params() -> list[Any]:
    manifest = _manifest(_1EDTECH)
    if manifest is None:
        return [pytest.param(None, id="manifest-missing")]
    params = []
    for entry in manifest["entries"]:
        name = entry["file"]
        marks: list[pytest.MarkDecorator] = []
        if name in _MISSING:
            marks.append(
                pytest.mark.xfail(strict=True, raises=AssertionError, reason=_MISSING[name])
            )
        params.append(pytest.param(entry, id=name.removeprefix("ob30/"), marks=marks))
    return params


def _verifier(store: TrustStore | None = None) -> Verifier:
    return Verifier(store, FIXTURE_POLICY)


def _pinned_status_lists(entry: dict[str, Any], root: Path) -> TrustStore | None:
    """A trust store holding the status lists the manifest says the fixture needs.

    Each list is pinned from the fixture folder under the URL the credential names it by
    (``statusListCredential``), as ``leadbadge trust add FILE --url URL`` does.
    """
    needed = [s for s in entry.get("status") or [] if s.get("statusListFile")]
    if not needed:
        return None
    store = TrustStore.open(root)
    for status in needed:
        url = status["entry"]["statusListCredential"]
        store.add_status_list(interop_path(*status["statusListFile"].split("/")), url=url)
    return store


@pytest.mark.parametrize("entry", _1edtech_params())
def test_1edtech_validator_fixture(entry: dict[str, Any] | None, tmp_path: Path) -> None:
    manifest_path = interop_path(*_1EDTECH)
    if entry is None:
        pytest.fail(f"{manifest_path} exists but was not readable at collection time")
    manifest = _manifest(_1EDTECH)
    name = entry["file"]
    expect = entry["expect"]
    if expect == "POLICY" or name in _POLICY:
        assert name in _POLICY, f"{name} is a POLICY case without a documented decision"
        expect = _POLICY[name][0]
    assert expect in EXPECTATIONS, f"no mapping for manifest verdict {expect}"
    path = interop_path("1edtech-validator", name)
    store = _pinned_status_lists(entry, tmp_path / "trust")
    report = _verifier(store).verify(path, now=_evaluated_at(manifest))
    _assert_matches(report, EXPECTATIONS[expect])


def test_every_policy_decision_names_a_manifest_entry() -> None:
    interop_path(*_1EDTECH)
    manifest = _manifest(_1EDTECH)
    files = {e["file"] for e in manifest["entries"]}
    assert set(_POLICY) <= files
    assert set(_MISSING) <= files
    policy_entries = {e["file"] for e in manifest["entries"] if e["expect"] == "POLICY"}
    assert policy_entries <= set(_POLICY)


# --- signed examples of the OB 3.0 specification ----------------------------------------------


def _spec_params() -> list[Any]:
    manifest = _manifest(_SPEC)
    if manifest is None:
        return [pytest.param(None, "json", id="manifest-missing")]
    params = []
    for entry in manifest:
        params.append(pytest.param(entry, "json", id=f"{entry['name']}.eddsa"))
        params.append(pytest.param(entry, "jwt", id=f"{entry['name']}.jwt"))
    return params


@pytest.mark.parametrize(("entry", "form"), _spec_params())
def test_spec_example(entry: dict[str, Any] | None, form: str) -> None:
    manifest_path = interop_path(*_SPEC)
    if entry is None:
        pytest.fail(f"{manifest_path} exists but was not readable at collection time")
    folder = manifest_path.parent
    name = entry["name"]
    file = f"{name}.signed-eddsa-rdfc-2022.json" if form == "json" else f"{name}.jwt"
    report = _verifier().verify(folder / file, now=_evaluated_at(None))
    expect = "STATUS_UNCHECKABLE" if name in _SPEC_WITH_STATUS else "VALID"
    _assert_matches(report, EXPECTATIONS[expect])
    if form == "jwt":
        # The manifest records that every JWT signature verifies with the header's jwk (RS256);
        # the examples lack nbf, which OB 3.0 §8.2.4 requires: a warning, not a failure.
        assert entry["jwtSignatureVerifiesWithHeaderJwk"] is True
        proof = report.check("proof")
        assert proof.detail["alg"] == entry["jwtAlg"] == "RS256", _describe(report)
        assert proof.status is CheckStatus.WARN
        assert proof.code == "JWT_CLAIMS"
        assert "nbf" in proof.message
        assert "integrity only" in report.check("issuer_key").detail["source"]
    if form == "json":
        # The manifest records that every eddsa proof verifies, with the key in the fragment.
        assert entry["eddsaProofVerifies"] is True
        proof = report.check("proof")
        assert proof.status is CheckStatus.PASS, _describe(report)
        assert proof.detail["verificationMethod"] == entry["verificationMethod"]
        key = report.check("issuer_key")
        assert key.status is CheckStatus.PASS
        assert "integrity only" in key.detail["source"]


def test_spec_example_tampered_fails_its_signature() -> None:
    folder = interop_path(*_SPEC).parent
    doc = json.loads(
        (folder / "02-sample-openbadgecredential.signed-eddsa-rdfc-2022.json").read_text()
    )
    doc["credentialSubject"]["achievement"]["name"] = "Astronaut"
    report = _verifier().verify(doc, now=FIXED_NOW)
    assert report.verdict is Verdict.INVALID
    assert report.check("proof").code == "INVALID_SIGNATURE"
    for content in ("schema", "issuer_trust", "validity", "status"):
        assert report.check(content).status is CheckStatus.SKIPPED


# --- the default policy --------------------------------------------------------------------


def test_default_policy_never_calls_an_unpinned_fixture_valid() -> None:
    folder = interop_path("1edtech-validator", "ob30")
    verifier = Verifier(None)  # default policy: the issuer must be pinned
    for name in ("simple.json", "simple-did-web-method.json", "endorsement-valid.json"):
        report = verifier.verify(folder / name, now=FIXED_NOW)
        assert report.verdict is Verdict.INCONCLUSIVE, _describe(report)
        assert report.check("proof").status is CheckStatus.PASS
        assert report.check("issuer_trust").status is CheckStatus.UNKNOWN
        assert report.check("issuer_trust").code == "NOT_PINNED"
