"""The verifier's trust store: what it pinned, checked before pinning, looked up offline.

- :mod:`leadbadge.trust.store`: :class:`~leadbadge.trust.store.TrustStore`, pinned issuers and
  their key history.
- :mod:`leadbadge.trust.sources`: reading an issuer's published key history or DID document.
- :mod:`leadbadge.trust.status_lists`: pinned status list credentials.
- :mod:`leadbadge.trust.accreditation`: pinned accreditation registries of authorities.
- :mod:`leadbadge.trust.fetch`: the one bounded HTTPS fetch, used only when asked.
"""
