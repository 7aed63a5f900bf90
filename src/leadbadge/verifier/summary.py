"""What a credential claims, for the report: shown next to the verdict, never trusted by itself."""

from __future__ import annotations

from collections.abc import Mapping

from leadbadge.conformance import vc as conformance
from leadbadge.verifier.checks import _common as checks
from leadbadge.verifier.checks._context import CheckContext
from leadbadge.verifier.report import CredentialSummary

__all__ = ["summarize"]


def summarize(ctx: CheckContext) -> CredentialSummary:
    """The summary of the credential being verified; the tier as its pinned issuer names it."""
    doc = ctx.doc
    issuer = doc.get("issuer")
    subjects = checks.subjects(doc)
    achievement = subjects[0].get("achievement") if subjects else None
    achievement = achievement if isinstance(achievement, Mapping) else {}
    achievement_id = achievement.get("id") if isinstance(achievement.get("id"), str) else None
    tier = None
    if achievement_id is not None:
        if ctx.pinned is not None:
            tier = ctx.pinned.tier_of(achievement_id)
        if tier is None and isinstance(issuer, Mapping) and isinstance(issuer.get("url"), str):
            # The module that builds credentials (and the framework model): unpinned only.
            from leadbadge.pathway.credential import (  # noqa: PLC0415
                tier_id_from_achievement_id,
            )

            tier = tier_id_from_achievement_id(issuer["url"], achievement_id)
    vc_version, ob_version = conformance.detect_versions(doc)
    return CredentialSummary(
        id=doc.get("id") if isinstance(doc.get("id"), str) else None,
        issuer_id=ctx.issuer_id,
        issuer_name=checks.text(issuer.get("name")) if isinstance(issuer, Mapping) else None,
        tier=tier,
        achievement_id=achievement_id,
        achievement_name=checks.text(achievement.get("name")),
        recipient_name=checks.recipient_name(doc),
        valid_from=checks.text(doc.get("validFrom") or doc.get("issuanceDate")),
        valid_until=checks.text(doc.get("validUntil") or doc.get("expirationDate")),
        awarded=checks.text(doc.get("awardedDate")),
        vc_version=vc_version,
        ob_version=ob_version,
        source_format=ctx.source_format,
    )
