"""The verifying side: decode the input, gather pinned material, run every check, one verdict.

- :mod:`leadbadge.verifier.decode` and :mod:`leadbadge.verifier.sources`: from bytes, images,
  QR codes and links to one credential document.
- :mod:`leadbadge.verifier.verify`: :class:`~leadbadge.verifier.verify.Verifier`, the checks in
  report order.
- :mod:`leadbadge.verifier.report`: the report, its checks and its verdict.
- :mod:`leadbadge.verifier.pathway`: a person's credentials as a pathway.
"""
