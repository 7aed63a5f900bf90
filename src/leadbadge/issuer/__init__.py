"""The issuing side: build, sign, record, publish.

- :mod:`leadbadge.issuer.home`: the issuer home (profile, framework, encrypted keys).
- :mod:`leadbadge.issuer.endorsements`: endorsements the home keeps for its Achievements.
- :mod:`leadbadge.issuer.ledger`: the SQLite record of every credential issued
  (:mod:`~leadbadge.issuer.ledger_schema`: its schema; :mod:`~leadbadge.issuer.ledger_records`:
  what it records).
- :mod:`leadbadge.issuer.issue`: :class:`~leadbadge.issuer.issue.Issuer`, one credential.
- :mod:`leadbadge.issuer.roster`: a cohort's roster, every row checked.
- :mod:`leadbadge.issuer.batch`: a cohort from a roster, on every core, resumable.
- :mod:`leadbadge.issuer.publish`: the static site verifiers pin.
- :mod:`leadbadge.issuer.urls`: the one check of the issuer URL, and the site folders it names.
- :mod:`leadbadge.issuer.endorse`: accreditation of programs by an authority.
- :mod:`leadbadge.issuer.jose`: RS256 / ES256 keys for VC-JWT.
"""
