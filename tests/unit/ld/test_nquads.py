"""The RDF dataset of a document: the bound on how many statements it may produce."""

from __future__ import annotations

import time

import pytest

from leadbadge.errors import CanonicalizationLimitError
from leadbadge.ld import nquads
from leadbadge.ld.canonical import canonicalize
from tests.unit.ld._badges import badge


def test_too_many_statements_are_refused_quickly() -> None:
    doc = badge()
    doc["name"] = [f"name {i}" for i in range(nquads.MAX_QUADS + 1)]
    started = time.perf_counter()
    with pytest.raises(CanonicalizationLimitError, match="RDF statements"):
        canonicalize(doc)
    assert time.perf_counter() - started < 5.0
