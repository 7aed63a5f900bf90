"""An issuer home and a verifier for the serve tests (made once per module: PBKDF2 is slow)."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadbadge import Issuer, TrustStore, VerificationPolicy, Verifier

PASSPHRASE = "serve tests passphrase"


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Issuer:
    home = tmp_path_factory.mktemp("serve") / "home"
    return Issuer.create(
        home, name="Serve Academy", url="https://127.0.0.1:8443", passphrase=PASSPHRASE
    )


@pytest.fixture
def verifier(tmp_path: Path) -> Verifier:
    policy = VerificationPolicy(require_trusted_issuer=False)
    return Verifier(TrustStore.open(tmp_path / "trust"), policy)
