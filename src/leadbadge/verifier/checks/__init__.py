"""The verifier's checks, one module per check in report order, each a pure function.

``format``, ``jsonld``, ``schema``, ``proof`` (``proof_jwt`` for a VC-JWT), ``issuer_key``,
``issuer_trust``, ``validity``, ``status`` (``status_authority`` for the lists' proofs) and
``recipient``: each takes the :class:`~leadbadge.verifier.checks._context.CheckContext` and the
earlier results it depends on, and reads no clock, file or network of its own.
:mod:`leadbadge.verifier.verify` runs them.
"""
