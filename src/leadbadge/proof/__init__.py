"""Proof formats, one module per format: each creates and verifies its proofs, nothing else.

- :mod:`leadbadge.proof.eddsa_rdfc_2022`: W3C Data Integrity ``DataIntegrityProof`` with the
  ``eddsa-rdfc-2022`` cryptosuite (RDFC-1.0 canonicalization, Ed25519).

docs/proofs.md describes what is signed, what is refused and how keys are found.
"""
