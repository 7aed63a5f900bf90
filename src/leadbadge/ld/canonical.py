"""The canonical form a Data Integrity proof signs: strict expansion, then RDFC-1.0 N-Quads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadbadge.ld.contexts import ContextLoader
from leadbadge.ld.expand import expand_to_quads
from leadbadge.ld.rdfc10 import canonical_nquads

__all__ = ["canonicalize"]


def canonicalize(document: Mapping[str, Any], *, loader: ContextLoader | None = None) -> str:
    """Strict expansion, then the RDFC-1.0 canonical N-Quads of the document (bounded work)."""
    _, quads = expand_to_quads(document, loader=loader)
    return canonical_nquads(quads)
