"""Parsed keys are cached by their DID URL alone, and a refusal is never cached; a proof
configuration's hash is remembered only where it cannot differ."""

from __future__ import annotations

from typing import Any

import pytest

from leadbadge.crypto.keys import SigningKey
from leadbadge.errors import VerificationMethodError
from leadbadge.ld import canonical
from leadbadge.ld.contexts import ContextLoader
from leadbadge.proof import _resolve, eddsa_rdfc_2022


def test_a_did_key_is_parsed_once_and_gives_the_same_method() -> None:
    # TEST-ONLY key.
    key = SigningKey.from_seed(bytes(range(32))).public_key
    method_id = str(key.did_key_verification_method)
    first = _resolve._did_key_method(method_id)
    again = _resolve._did_key_method(method_id)
    assert first is again
    assert first.public_key == key
    assert first.controller == key.did_key


def test_a_refused_did_key_is_refused_every_time() -> None:
    bad = "did:key:z6MkBROKEN#z6MkBROKEN"
    for _ in range(2):
        with pytest.raises(VerificationMethodError):
            _resolve._did_key_method(bad)
    assert _resolve._did_key_document.cache_info().currsize >= 1


def test_the_signing_module_offers_the_resolver_names() -> None:
    assert eddsa_rdfc_2022.default_resolver is _resolve.default_resolver
    assert eddsa_rdfc_2022.KeyResolver is _resolve.KeyResolver
    # Signing checks a did:key verification method through the same cache as verifying.
    assert vars(eddsa_rdfc_2022)["_did_key_document"] is _resolve._did_key_document


_CONFIG: dict[str, Any] = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-rdfc-2022",
    "created": "2025-01-02T03:04:05Z",
    "verificationMethod": "did:key:z6MkExample#z6MkExample",
    "proofPurpose": "assertionMethod",
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ],
}


def _counting_canonicalize(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    calls: list[object] = []
    real = canonical.canonicalize

    def counting(document: Any, *, loader: ContextLoader | None = None) -> str:
        calls.append(document)
        return real(document, loader=loader)

    monkeypatch.setattr(eddsa_rdfc_2022, "canonicalize", counting)
    eddsa_rdfc_2022._cached_config_hash.cache_clear()
    return calls


def test_a_proof_configuration_is_canonicalized_once_for_the_shipped_contexts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _counting_canonicalize(monkeypatch)
    first = eddsa_rdfc_2022._config_hash(dict(_CONFIG), None)
    again = eddsa_rdfc_2022._config_hash(dict(_CONFIG), None)
    assert first == again == eddsa_rdfc_2022._canonical_hash(_CONFIG, None)
    # Two hashes through the cache, then the one computed directly above.
    assert len(calls) == 2


def test_the_remembered_hash_is_the_hash_of_that_very_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _counting_canonicalize(monkeypatch)
    variants = [
        dict(_CONFIG),
        {**_CONFIG, "created": "2025-01-02T03:04:06Z"},
        {**_CONFIG, "@context": _CONFIG["@context"][0]},
        {**_CONFIG, "@context": [_CONFIG["@context"][0]]},
        dict(reversed(_CONFIG.items())),
    ]
    for config in variants * 2:
        assert eddsa_rdfc_2022._config_hash(config, None) == eddsa_rdfc_2022._canonical_hash(
            config, None
        )
    # A string and a one-string list, or the same members in another order, are other keys.
    keys = {eddsa_rdfc_2022._config_key(config) for config in variants}
    assert len(keys) == len(variants)


def test_a_configuration_with_other_values_or_a_callers_loader_is_never_remembered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _counting_canonicalize(monkeypatch)
    loader = ContextLoader()
    for _ in range(2):
        eddsa_rdfc_2022._config_hash(dict(_CONFIG), loader)
    assert len(calls) == 2
    assert eddsa_rdfc_2022._config_key({**_CONFIG, "domain": ["a", 1]}) is None
    assert eddsa_rdfc_2022._config_key({**_CONFIG, "expires": {"x": "y"}}) is None
    assert eddsa_rdfc_2022._cached_config_hash.cache_info().currsize == 0
