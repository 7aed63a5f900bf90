"""Interop with the Digital Bazaar JavaScript stack: each side verifies what the other signs.

The peer (``tests/interop/js/peer.mjs``, pinned npm packages) runs offline with the same shipped
contexts. The session fixture installs it with ``npm ci`` (once per package-lock.json) and skips
with the reason when node or npm is missing or the install fails; LEADBADGE_REQUIRE_SHARED=1
turns those skips into failures. Each node process handles a whole batch of credentials.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

import pytest

from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import (
    SignatureError,
    UndefinedTermError,
    VerificationMethodError,
)
from leadbadge.model import IssuerProfile
from leadbadge.pathway.credential import Recipient, build_credential
from leadbadge.pathway.evidence import EvidenceItem
from leadbadge.pathway.framework import default_framework
from leadbadge.proof.eddsa_rdfc_2022 import sign, verify
from tests.conftest import FIXED_NOW, require_shared
from tests.unit._issued import recorded

pytestmark = pytest.mark.interop

JS_DIR = Path(__file__).resolve().parent / "js"
NODE_MODULES = JS_DIR / "node_modules"
STAMP = NODE_MODULES / ".leadbadge-lock-sha256"
NPM_TIMEOUT = 600
NODE_TIMEOUT = 180

TIER_IDS = default_framework().tier_ids()

# TEST-ONLY seeds: fixed so a failure reproduces with the same keys and signatures.
PY_SEED = bytes(range(32))
JS_SEED = bytes(range(32, 64))
CREATED = FIXED_NOW - timedelta(days=1)
VALID_FROM = FIXED_NOW - timedelta(days=2)


def _unavailable(reason: str) -> NoReturn:
    if require_shared():
        pytest.fail(f"{reason} (LEADBADGE_REQUIRE_SHARED=1)")
    pytest.skip(reason)


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _lock_digest() -> str:
    return hashlib.sha256((JS_DIR / "package-lock.json").read_bytes()).hexdigest()


def _installed() -> bool:
    return STAMP.is_file() and STAMP.read_text(encoding="utf-8").strip() == _lock_digest()


class _InstallLock:
    """Serialises ``npm ci`` between test runs that share this checkout."""

    def __init__(self) -> None:
        key = hashlib.sha256(str(JS_DIR).encode()).hexdigest()[:16]
        self._path = Path(tempfile.gettempdir()) / f"leadbadge-interop-{key}.lock"
        self._file: Any = None

    def __enter__(self) -> None:
        import fcntl

        self._file = self._path.open("a")
        fcntl.flock(self._file, fcntl.LOCK_EX)

    def __exit__(self, *_exc: object) -> None:
        self._file.close()


def _install() -> None:
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm is not installed, so the Digital Bazaar peer cannot be installed")
    with _InstallLock():
        if _installed():
            return
        try:
            done = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund"],
                cwd=JS_DIR,
                capture_output=True,
                text=True,
                timeout=NPM_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            _unavailable(f"npm ci did not finish within {NPM_TIMEOUT} s")
        if done.returncode != 0:
            _unavailable(f"npm ci failed (exit {done.returncode}):\n{_tail(done.stderr)}")
        STAMP.write_text(_lock_digest() + "\n", encoding="utf-8")


class Peer:
    """The JavaScript peer, one node process per call."""

    def __init__(self, node: str) -> None:
        self._node = node

    def _run(self, args: list[str], payload: Any = None, env: dict[str, str] | None = None) -> Any:
        done = subprocess.run(
            [self._node, str(JS_DIR / "peer.mjs"), *args],
            cwd=JS_DIR,
            input=None if payload is None else json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT,
            env={**os.environ, **(env or {})},
            check=False,
        )
        assert done.returncode == 0, f"peer.mjs {args[0]} failed:\n{_tail(done.stderr)}"
        return json.loads(done.stdout)

    def keygen(self, seed: bytes) -> dict[str, str]:
        result: dict[str, str] = self._run(["keygen", "--seed", seed.hex()])
        return result

    def sign(self, credentials: list[dict[str, Any]], key: dict[str, str]) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._run(
            ["sign", "--created", _xsd(CREATED)], credentials, env={"PEER_KEY": json.dumps(key)}
        )
        return result

    def present(
        self, credentials: list[dict[str, Any]], key: dict[str, str], *options: str
    ) -> dict[str, Any]:
        """A presentation by the key's did:key (``--challenge C``, ``--domain D``,
        ``--unsigned``)."""
        result: dict[str, Any] = self._run(
            ["present", "--created", _xsd(CREATED), *options],
            credentials,
            env={"PEER_KEY": json.dumps(key)},
        )
        return result

    def verify_presentation(self, presentation: dict[str, Any], *options: str) -> dict[str, Any]:
        """{verified, error, errors} for one presentation (``--challenge``, ``--domain``…)."""
        result: dict[str, Any] = self._run(
            ["verify-presentation", "--now", _xsd(FIXED_NOW), *options], presentation
        )
        return result

    def verify(self, credentials: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Verify a labelled batch in one process; returns label -> {verified, error, errors}."""
        labels = list(credentials)
        results = self._run(["verify", "--now", _xsd(FIXED_NOW)], [credentials[k] for k in labels])
        assert len(results) == len(labels)
        return dict(zip(labels, results, strict=True))


@pytest.fixture(scope="session")
def peer() -> Peer:
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed, so the Digital Bazaar peer cannot run")
    _install()
    return Peer(node)


def _xsd(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- credentials --------------------------------------------------------------------------


def _unsigned(issuer_did: str) -> dict[str, dict[str, Any]]:
    """One unsigned credential per tier, with the evidence and results each tier requires."""
    framework = default_framework()
    issuer = IssuerProfile(
        id=issuer_did, name="Riverside County Office of Education", url="https://badges.example.org"
    )
    recipient = Recipient(email="ana.ruiz@example.org", name="Ana Ruiz")
    credentials = {}
    for number, tier in enumerate(framework.tiers):
        evidence = []
        for requirement in tier.evidence:
            fields = {name: recorded(name, "on record") for name in requirement.records}
            if requirement.min_hours is not None:
                fields["hours"] = f"{requirement.min_hours:g}"
            evidence.append(
                EvidenceItem(
                    requirement=requirement.id,
                    narrative=f"Reviewed by the program for {requirement.name}.",
                    fields=fields,
                )
            )
        results = {c.id: c.required_level or c.levels[-1].id for c in tier.competencies}
        credentials[tier.id] = build_credential(
            framework,
            tier.id,
            issuer,
            recipient,
            valid_from=VALID_FROM,
            evidence=evidence,
            results=results,
            credential_id=f"urn:uuid:5f0c7a8e-2d1b-4c3e-9a6f-{number:012d}",
            salt="5a" * 16,
        )
    return credentials


@pytest.fixture(scope="module")
def py_key() -> SigningKey:
    return SigningKey.from_seed(PY_SEED)


@pytest.fixture(scope="module")
def js_key(peer: Peer) -> dict[str, str]:
    return peer.keygen(JS_SEED)


@pytest.fixture(scope="module")
def py_signed(py_key: SigningKey) -> dict[str, dict[str, Any]]:
    public = py_key.public_key
    return {
        tier: sign(
            credential,
            py_key,
            verification_method=public.did_key_verification_method,
            created=CREATED,
        )
        for tier, credential in _unsigned(public.did_key).items()
    }


@pytest.fixture(scope="module")
def js_signed(peer: Peer, js_key: dict[str, str], py_key: SigningKey) -> dict[str, dict[str, Any]]:
    """Every tier signed by the peer, plus credentials the tests below need signed there."""
    batch = _unsigned(js_key["did"])
    # Issued in the name of another key's DID: the signature is sound, the signer is not the issuer.
    stranger = copy.deepcopy(batch[TIER_IDS[0]])
    stranger["issuer"]["id"] = py_key.public_key.did_key
    batch["stranger-issuer"] = stranger
    # Language-tagged and directional text: VC 2.0 §11.1 value objects.
    tagged = copy.deepcopy(batch[TIER_IDS[0]])
    tagged["credentialSubject"]["achievement"]["name"] = {
        "@value": "Certificación inicial de liderazgo",
        "@language": "es",
    }
    batch["language-tagged"] = tagged
    directional = copy.deepcopy(batch[TIER_IDS[0]])
    directional["name"] = {
        "@value": "شهادة القيادة الأولية",
        "@language": "ar",
        "@direction": "rtl",
    }
    batch["directional"] = directional
    labels = list(batch)
    signed = peer.sign([batch[k] for k in labels], js_key)
    return dict(zip(labels, signed, strict=True))


@pytest.fixture(scope="module")
def js_resigned(peer: Peer, py_key: SigningKey) -> dict[str, dict[str, Any]]:
    """Our unsigned credentials signed by the peer with our own key."""
    key = peer.keygen(PY_SEED)
    assert key["publicKeyMultibase"] == py_key.public_key.multikey
    assert key["verificationMethod"] == py_key.public_key.did_key_verification_method
    unsigned = _unsigned(py_key.public_key.did_key)
    signed = peer.sign([unsigned[t] for t in TIER_IDS], key)
    return dict(zip(TIER_IDS, signed, strict=True))


# --- variants -----------------------------------------------------------------------------


def _rename_achievement(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["achievement"]["name"] += " (with honours)"


def _add_result(doc: dict[str, Any]) -> None:
    doc["credentialSubject"].setdefault("result", []).append(
        {"type": ["Result"], "status": "Completed", "value": "exemplary"}
    )


def _move_valid_from(doc: dict[str, Any]) -> None:
    doc["validFrom"] = _xsd(VALID_FROM - timedelta(days=365))


TAMPERINGS = {
    "achievement-name": _rename_achievement,
    "added-result": _add_result,
    "valid-from": _move_valid_from,
}


def _undefined_top(doc: dict[str, Any]) -> None:
    doc["favouriteColour"] = "blue"


def _undefined_in_achievement(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["achievement"]["ceremonyVenue"] = "Town hall"


UNDEFINED_TERMS = {"top-level": _undefined_top, "in-achievement": _undefined_in_achievement}


def _variant(doc: dict[str, Any], change: Any) -> dict[str, Any]:
    copied = copy.deepcopy(doc)
    change(copied)
    return copied


def _proof_as(doc: dict[str, Any], form: str) -> dict[str, Any]:
    """The document with its single proof written as an object or as a one-item array."""
    copied = copy.deepcopy(doc)
    proof = copied["proof"]
    proofs = proof if isinstance(proof, list) else [proof]
    assert len(proofs) == 1
    copied["proof"] = proofs[0] if form == "object" else proofs
    return copied


def _sources(
    py_signed: dict[str, dict[str, Any]], js_signed: dict[str, dict[str, Any]]
) -> dict[str, dict[str, dict[str, Any]]]:
    return {"ours": py_signed, "peer": {t: js_signed[t] for t in TIER_IDS}}


@pytest.fixture(scope="module")
def peer_verdicts(
    peer: Peer, py_signed: dict[str, dict[str, Any]], js_signed: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """The peer's verdict on every credential the tests ask about, from one node process."""
    batch: dict[str, dict[str, Any]] = {}
    for source, signed in _sources(py_signed, js_signed).items():
        for tier, doc in signed.items():
            batch[f"{source}/{tier}"] = doc
            other = "object" if isinstance(doc["proof"], list) else "array"
            batch[f"{source}/{tier}/proof-{other}"] = _proof_as(doc, other)
            for name, change in TAMPERINGS.items():
                batch[f"{source}/{tier}/tampered-{name}"] = _variant(doc, change)
        for name, change in UNDEFINED_TERMS.items():
            batch[f"{source}/undefined-{name}"] = _variant(signed[TIER_IDS[0]], change)
    for label in ("stranger-issuer", "language-tagged", "directional"):
        batch[label] = js_signed[label]
    foreign = copy.deepcopy(py_signed[TIER_IDS[0]])
    foreign["@context"].append("https://example.org/contexts/unshipped.jsonld")
    batch["unshipped-context"] = foreign
    return peer.verify(batch)


def _verified(verdict: dict[str, Any]) -> bool:
    assert isinstance(verdict["verified"], bool)
    return verdict["verified"]


# --- tests --------------------------------------------------------------------------------


@pytest.mark.parametrize("tier", TIER_IDS)
def test_peer_verifies_what_we_sign(tier: str, peer_verdicts: dict[str, dict[str, Any]]) -> None:
    verdict = peer_verdicts[f"ours/{tier}"]
    assert _verified(verdict), verdict["errors"]


@pytest.mark.parametrize("tier", TIER_IDS)
def test_we_verify_what_the_peer_signs(
    tier: str, js_signed: dict[str, dict[str, Any]], js_key: dict[str, str]
) -> None:
    doc = js_signed[tier]
    assert doc["issuer"]["id"] == js_key["did"]
    verify(doc)


@pytest.mark.parametrize("tier", TIER_IDS)
def test_same_key_same_document_gives_the_same_proof(
    tier: str, py_signed: dict[str, dict[str, Any]], js_resigned: dict[str, dict[str, Any]]
) -> None:
    # Ed25519 is deterministic, so equal proofs mean both sides canonicalised the document and
    # the proof options to the same N-Quads, byte for byte.
    ours = _proof_as(py_signed[tier], "object")["proof"]
    theirs = _proof_as(js_resigned[tier], "object")["proof"]
    assert ours == theirs


@pytest.mark.parametrize("source", ["ours", "peer"])
@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_tampered_copies_are_rejected_by_both(
    source: str,
    tampering: str,
    py_signed: dict[str, dict[str, Any]],
    js_signed: dict[str, dict[str, Any]],
    peer_verdicts: dict[str, dict[str, Any]],
) -> None:
    for tier, doc in _sources(py_signed, js_signed)[source].items():
        verdict = peer_verdicts[f"{source}/{tier}/tampered-{tampering}"]
        assert not _verified(verdict), tier
        assert "Invalid signature" in verdict["error"], (tier, verdict["errors"])
        with pytest.raises(SignatureError):
            verify(_variant(doc, TAMPERINGS[tampering]))


@pytest.mark.parametrize("source", ["ours", "peer"])
@pytest.mark.parametrize("where", list(UNDEFINED_TERMS))
def test_an_added_undefined_term_is_rejected_by_both(
    source: str,
    where: str,
    py_signed: dict[str, dict[str, Any]],
    js_signed: dict[str, dict[str, Any]],
    peer_verdicts: dict[str, dict[str, Any]],
) -> None:
    verdict = peer_verdicts[f"{source}/undefined-{where}"]
    assert not _verified(verdict)
    assert "Safe mode validation error" in verdict["error"], verdict["errors"]
    doc = _sources(py_signed, js_signed)[source][TIER_IDS[0]]
    with pytest.raises(UndefinedTermError):
        verify(_variant(doc, UNDEFINED_TERMS[where]))


def test_the_peer_writes_a_single_proof_as_an_object(
    js_signed: dict[str, dict[str, Any]],
) -> None:
    proof = js_signed[TIER_IDS[0]]["proof"]
    assert isinstance(proof, dict)
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"


@pytest.mark.parametrize("source", ["ours", "peer"])
@pytest.mark.parametrize("form", ["object", "array"])
def test_a_proof_as_object_or_array_verifies_on_both_sides(
    source: str,
    form: str,
    py_signed: dict[str, dict[str, Any]],
    js_signed: dict[str, dict[str, Any]],
    peer_verdicts: dict[str, dict[str, Any]],
) -> None:
    for tier, doc in _sources(py_signed, js_signed)[source].items():
        label = f"{source}/{tier}/proof-{form}"
        verdict = peer_verdicts.get(label) or peer_verdicts[f"{source}/{tier}"]
        assert _verified(verdict), (tier, verdict["errors"])
        verify(_proof_as(doc, form))


def test_a_signer_that_is_not_the_issuer_is_rejected_by_both(
    js_signed: dict[str, dict[str, Any]], peer_verdicts: dict[str, dict[str, Any]]
) -> None:
    verdict = peer_verdicts["stranger-issuer"]
    assert not _verified(verdict)
    assert "issuer must match the verification method controller" in verdict["error"]
    with pytest.raises(VerificationMethodError):
        verify(js_signed["stranger-issuer"])


def test_language_tagged_text_signed_by_the_peer_verifies_here(
    js_signed: dict[str, dict[str, Any]], peer_verdicts: dict[str, dict[str, Any]]
) -> None:
    assert _verified(peer_verdicts["language-tagged"]), peer_verdicts["language-tagged"]["errors"]
    verify(js_signed["language-tagged"])


def test_directional_text_signed_by_the_peer_verifies_here(
    js_signed: dict[str, dict[str, Any]], peer_verdicts: dict[str, dict[str, Any]]
) -> None:
    # The peer signs @direction as an i18n datatype (rdfDirection "i18n-datatype"), as leadbadge
    # does; test_peer_inline_contexts_direction.py compares the two byte for byte.
    assert _verified(peer_verdicts["directional"]), peer_verdicts["directional"]["errors"]
    verify(js_signed["directional"])


def test_the_peer_refuses_contexts_we_do_not_ship(
    peer_verdicts: dict[str, dict[str, Any]],
) -> None:
    # Guards the comparison itself: a peer that fetched contexts could agree for other reasons.
    verdict = peer_verdicts["unshipped-context"]
    assert not _verified(verdict)
    assert "peer document loader refuses" in " ".join(verdict["errors"])
