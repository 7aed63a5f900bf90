"""Linked data, offline and strict: shipped contexts, strict expansion, RDFC-1.0, N-Quads.

- :mod:`leadbadge.ld.expand`: the one context loader (shipped contexts only), strict
  expansion and RDFC-1.0 canonicalization.
- :mod:`leadbadge.ld.jcs`: RFC 8785 canonical JSON, the bytes links and snapshots commit to.
"""
