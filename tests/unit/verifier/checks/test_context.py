"""The check context: one frozen value, so no check can change what the next one reads."""

from __future__ import annotations

import dataclasses

import pytest

from tests.unit.verifier.checks._make import context


def test_the_context_is_frozen() -> None:
    ctx = context()
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.now = ctx.now  # type: ignore[misc]
