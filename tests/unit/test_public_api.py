"""The public API: a sorted ``__all__`` whose every name resolves, and a light import."""

from __future__ import annotations

import subprocess
import sys

import pytest

import leadbadge


def test_all_is_sorted_and_resolves() -> None:
    public = [n for n in leadbadge.__all__ if not n.startswith("_")]
    assert public == sorted(public)
    for name in leadbadge.__all__:
        assert getattr(leadbadge, name) is not None, name


def test_unknown_attribute_raises() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        _ = leadbadge.NoSuchThing


def test_importing_the_cli_does_not_load_jsonld_or_http() -> None:
    code = (
        "import sys, leadbadge.cli; print(sorted(m for m in ('pyld','httpx') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_presentations_through_the_public_api() -> None:
    key = leadbadge.SigningKey.from_seed(bytes(range(32)))  # TEST-ONLY key
    made = leadbadge.sign_presentation([], key, challenge="c-1", domain="https://v.example")
    report = leadbadge.Verifier().verify_presentation(
        made, challenge="c-1", domain="https://v.example"
    )
    assert isinstance(report, leadbadge.PresentationReport)
    assert report.verdict is leadbadge.Verdict.VALID
    assert report.summary.holder == key.public_key.did_key
    assert all(isinstance(c, leadbadge.PresentedCredential) for c in report.credentials)
