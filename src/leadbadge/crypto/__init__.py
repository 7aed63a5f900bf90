"""Key material and identifiers: Ed25519 keys, JWK, multibase, did:key and did:web.

- :mod:`leadbadge.crypto.keys`: Ed25519 keys, encrypted at rest, and the Multikey form.
- :mod:`leadbadge.crypto.jwk`: JSON Web Keys (OKP, RSA, EC) for VC-JWT.
- :mod:`leadbadge.crypto.multibase`: the multibase encodings proofs and keys use.
- :mod:`leadbadge.crypto.did`: did:key and did:web resolution from documents the caller holds.
"""
