"""Sharing credentials: encode/decode pairs for each way a credential travels, no trust decisions.

- :mod:`leadbadge.share.jwt`: a credential as a VC-JWT (compact JWS) and back.
- :mod:`leadbadge.share.bake`: a credential baked into a PNG or SVG badge image and back.
- :mod:`leadbadge.share.qr`: a credential, or a link that commits to it, as a QR code and back.
- :mod:`leadbadge.share.links`: the links of ``url`` QR codes, and finding what they name.
- :mod:`leadbadge.verifier.sources`: where a verifier finds what a QR code leaves out.
- :mod:`leadbadge.share.strict_json`: the one strict reading of a credential's JSON text.
- :mod:`leadbadge.share.pages`: the pages ``leadbadge publish`` writes for credential links,
  and :mod:`leadbadge.share.artwork` the badge image it bakes each credential into.

docs/sharing.md describes the formats, their sizes and their limits.
"""
