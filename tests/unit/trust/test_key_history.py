"""Key histories (keys.json): every rule is checked before anything is pinned."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from leadbadge.crypto.keys import SigningKey
from leadbadge.crypto.multibase import encode_base58btc
from leadbadge.errors import TrustStoreError
from leadbadge.trust.store import TrustStore
from tests.unit._published import START, Issuer, write_json, xsd


def _history_cases() -> dict[str, tuple[Callable[[dict[str, Any], Issuer], None], str]]:
    def set_(path: str, value: Any) -> Callable[[dict[str, Any], Issuer], None]:
        def apply(doc: dict[str, Any], _issuer: Issuer) -> None:
            target: Any = doc
            *parents, last = path.split(".")
            for part in parents:
                target = target[int(part)] if part.isdigit() else target[part]
            if value is _DELETE:
                del target[last]
            else:
                target[last] = value

        return apply

    other = SigningKey.generate().public_key
    secret = encode_base58btc(bytes([0x80, 0x26]) + bytes(range(32)))
    return {
        "version": (set_("version", 2), "version is 2"),
        "no name": (set_("name", _DELETE), "'name' must be a non-empty string"),
        "http url": (set_("url", "http://rcoe.example.org/x"), "'url' must be an absolute https"),
        "relative achievement": (
            set_("achievements.initial", "/achievements/initial.json"),
            "absolute https URL",
        ),
        "http achievement": (
            set_("achievements.initial", "http://rcoe.example.org/a.json"),
            "absolute https URL",
        ),
        "no keys": (set_("keys", []), "'keys' must be a non-empty list"),
        "truncated multikey": (
            set_("keys.0.publicKeyMultibase", encode_base58btc(b"\xed\x01" + other.raw[:31])),
            "publicKeyMultibase: An Ed25519 Multikey holds 34 bytes",
        ),
        "base64url multikey": (
            set_("keys.0.publicKeyMultibase", "u7QE" + "A" * 43),
            "must be multibase base58btc",
        ),
        "x25519 multikey": (
            set_("keys.0.publicKeyMultibase", "z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc"),
            "0xec",
        ),
        "secret multikey": (set_("keys.0.publicKeyMultibase", secret), "secret key"),
        "key of another did:key": (set_("keys.0.controller", other.did_key), "names the did:key"),
        "naive validFrom": (set_("keys.0.validFrom", "2026-01-01T00:00:00"), "time zone"),
        "date without time": (set_("keys.0.validFrom", "2026-01-01"), "time zone"),
        "ends before it starts": (set_("keys.0.validUntil", xsd(START)), "ends (validUntil)"),
        "two open-ended keys": (set_("keys.0.validUntil", None), "has no end although"),
        "overlap": (
            set_("keys.1.validFrom", xsd(START + timedelta(days=50))),
            "overlap",
        ),
        "issuer not newest": (
            lambda doc, issuer: doc.__setitem__("issuer", issuer.keys[0].public_key.did_key),
            "newest key",
        ),
        "did:web key under did:key issuer": (
            set_("keys.0.controller", "did:web:rcoe.example.org"),
            "'did:web:rcoe.example.org#<fragment>'",
        ),
        "duplicate key": (
            lambda doc, _i: doc["keys"].append(dict(doc["keys"][0])),
            "twice",
        ),
    }


_DELETE = object()
_CASES = _history_cases()


@pytest.mark.parametrize("case", sorted(_CASES))
def test_invalid_key_history_is_refused_and_nothing_is_written(
    store: TrustStore, tmp_path: Path, case: str
) -> None:
    mutate, message = _CASES[case]
    issuer = Issuer.make(n_keys=2)
    doc = issuer.history()
    mutate(doc, issuer)
    path = write_json(tmp_path / "keys.json", doc)
    with pytest.raises(TrustStoreError, match=re.escape(message)) as info:
        store.add_published(path)
    assert info.value.message.startswith(f"The key history {path.resolve()} is invalid")
    assert not store.root.exists()


@pytest.mark.parametrize(
    ("did_web", "change", "message"),
    [
        ("did:web:rcoe.example.org", {"issuer": "did:web:other.example.org"}, "'issuer' must be"),
        ("did:web:127.0.0.1", {}, "IP address"),
        ("did:web:rcoe.example.org", {"didWeb": "did:web:rcoe.example.org#x"}, "fragment"),
    ],
)
def test_invalid_did_web_history_is_refused(
    store: TrustStore, tmp_path: Path, did_web: str, change: dict[str, Any], message: str
) -> None:
    issuer = Issuer.make(did_web=did_web)
    doc = issuer.history() | change
    with pytest.raises(TrustStoreError, match=message):
        store.add_published(write_json(tmp_path / "keys.json", doc))


def test_did_web_key_must_live_in_its_did_document(store: TrustStore, tmp_path: Path) -> None:
    doc = Issuer.make(did_web="did:web:rcoe.example.org").history()
    doc["keys"][0]["id"] = "did:web:evil.example.org#key-1"
    with pytest.raises(
        TrustStoreError, match=re.escape("must be 'did:web:rcoe.example.org#<fragment>'")
    ):
        store.add_published(write_json(tmp_path / "keys.json", doc))
