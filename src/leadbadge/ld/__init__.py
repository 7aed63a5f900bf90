"""Linked data, offline and strict: shipped contexts, strict expansion, RDFC-1.0, N-Quads.

- :mod:`leadbadge.ld.contexts`: the one context loader (shipped contexts only).
- :mod:`leadbadge.ld.inputs`: the input check (plain JSON, size bounds, signable text).
- :mod:`leadbadge.ld.expand`: strict JSON-LD expansion.
- :mod:`leadbadge.ld.compiled`: its fast path for shipped contexts, one walk straight to quads
  (tables in :mod:`leadbadge.ld.compiled_tables`, pyld's context processing for them in
  :mod:`leadbadge.ld.compiled_process`, kept between runs by :mod:`leadbadge.ld.compiled_cache`);
  pyld stays the general path and the oracle.
- :mod:`leadbadge.ld.nquads`: the RDF quads of an expanded document and their N-Quads form.
- :mod:`leadbadge.ld.rdfc10`: RDFC-1.0 canonicalization of those quads, with work bounds.
- :mod:`leadbadge.ld.canonical`: ``canonicalize``, the canonical N-Quads a proof signs.
- :mod:`leadbadge.ld.jcs`: RFC 8785 canonical JSON, the bytes links and snapshots commit to.
"""
