"""The canonical form a Data Integrity proof signs: strict expansion, then RDFC-1.0 N-Quads.

Strict expansion takes the compiled fast path (:mod:`leadbadge.ld.compiled`) when it covers the
document and the general pyld path (:mod:`leadbadge.ld.expand`) otherwise; both give the same
quads and the same refusals.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadbadge.ld.compiled import StrictQuads, compiled_quads
from leadbadge.ld.contexts import ContextLoader
from leadbadge.ld.nquads import Quad
from leadbadge.ld.rdfc10 import canonical_nquads

__all__ = ["StrictQuads", "canonicalize", "document_quads", "strict_quads"]


def strict_quads(
    document: Mapping[str, Any], *, loader: ContextLoader | None = None
) -> StrictQuads:
    """Strict expansion of ``document`` to RDF quads; refuses what strict expansion refuses.

    ``unsecured`` (the quads without the top-level proof) is given when the fast path computed
    it on the way, so a verifier need not expand the document a second time.
    """
    found = compiled_quads(document, loader=loader)
    if found is not None:
        return found
    from leadbadge.ld.expand import expand_to_quads  # noqa: PLC0415 -- loads pyld: general path only

    _, quads = expand_to_quads(document, loader=loader)
    return StrictQuads(quads, None)


def document_quads(
    document: Mapping[str, Any], *, loader: ContextLoader | None = None
) -> list[Quad]:
    """The RDF quads of ``document`` after strict expansion."""
    return strict_quads(document, loader=loader).quads


def canonicalize(document: Mapping[str, Any], *, loader: ContextLoader | None = None) -> str:
    """Strict expansion, then the RDFC-1.0 canonical N-Quads of the document (bounded work)."""
    return canonical_nquads(document_quads(document, loader=loader))
