"""The verifier's trust store: what it pinned, checked before pinning, looked up offline.

- :mod:`leadbadge.trust.store`: :class:`~leadbadge.trust.store.TrustStore`, pinning and lookups.
- :mod:`leadbadge.trust.pins`: pinned issuers and keys, and the entry files that hold them.
- :mod:`leadbadge.trust.sources`: finding what an issuer publishes (folder, file, URL, DID).
- :mod:`leadbadge.trust.key_history`: validating a published key history (``keys.json``).
- :mod:`leadbadge.trust.did_documents`: validating a DID document, alone or with its history.
- :mod:`leadbadge.trust.status_lists`: pinned status list credentials.
- :mod:`leadbadge.trust.accreditation`: pinned accreditation registries of authorities.
- :mod:`leadbadge.trust.fetch`: the one bounded HTTPS fetch, used only when asked.
"""
