"""Fixtures for the trust store tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadbadge.trust.store import TrustStore


@pytest.fixture
def store(tmp_path: Path) -> TrustStore:
    return TrustStore.open(tmp_path / "trust")
