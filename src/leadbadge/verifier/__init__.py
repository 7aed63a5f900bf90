"""The verifying side: decode the input, gather pinned material, run every check, one verdict.

- :mod:`leadbadge.verifier.decode` and :mod:`leadbadge.verifier.sources`: from bytes, images,
  QR codes and links to one credential document.
- :mod:`leadbadge.verifier.verify`: :class:`~leadbadge.verifier.verify.Verifier`, the pipeline:
  it gathers what the checks need (:mod:`leadbadge.verifier.materials`,
  :mod:`leadbadge.verifier.keys`) and runs the checks in report order, under a
  :class:`~leadbadge.verifier.policy.VerificationPolicy`.
- :mod:`leadbadge.verifier.checks`: one module per check, each a pure function.
- :mod:`leadbadge.verifier.report`: the report, its checks and its verdict.
- :mod:`leadbadge.verifier.pathway`: a person's credentials as a pathway.
"""
