"""The RDF dataset of a document: the bound on how many statements it may produce."""

from __future__ import annotations

import pytest

from leadbadge.errors import CanonicalizationLimitError
from leadbadge.ld import canonical, nquads
from leadbadge.ld.canonical import canonicalize
from tests.unit.ld._badges import badge


def test_too_many_statements_are_refused_before_canonicalizing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    doc = badge()
    doc["name"] = [f"name {i}" for i in range(nquads.MAX_QUADS + 1)]
    canonicalized: list[object] = []
    monkeypatch.setattr(canonical, "canonical_nquads", canonicalized.append)
    with pytest.raises(CanonicalizationLimitError, match="RDF statements"):
        canonicalize(doc)
    assert canonicalized == []
