"""The certification pathway: what a credential of a tier is made of, before any signature.

- :mod:`leadbadge.pathway.framework`: framework files (tiers, competencies, evidence rules).
- :mod:`leadbadge.pathway.framework_checks`: the schema and cross-reference checks of a framework.
- :mod:`leadbadge.pathway.credential`: the unsigned OB 3.0 credential for one tier.
- :mod:`leadbadge.pathway.evidence`: evidence items, checked against the tier's evidence rules.
- :mod:`leadbadge.pathway.results`: rubric results and the ResultDescriptions they point into.
- :mod:`leadbadge.pathway.inputs`: evidence, results and dates as ``leadbadge issue`` reads them.
- :mod:`leadbadge.pathway.prerequisites`: which tiers a recipient must already hold.
- :mod:`leadbadge.pathway.renewal`: what renewing a credential keeps and adds.
- :mod:`leadbadge.pathway.accreditation`: the endorsement and registry formats of accreditation.
"""
