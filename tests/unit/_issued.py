"""Issued credentials for verifier tests: a real issuer home, its published site, a trust store.

Cases no honest issuer produces are made by editing a signed credential and, where the case
needs a valid signature, signing it again with the issuer's own key (:meth:`World.resign`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from leadbadge.credential import EvidenceItem, Recipient
from leadbadge.issue import Issuer
from leadbadge.keys import SigningKey
from leadbadge.model import Tier
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.publish import publish
from leadbadge.trust import TrustStore
from tests.conftest import FIXED_NOW

PASSPHRASE = "correct horse battery staple"
URL = "https://rcoe.example.org/leadership"
DID_WEB = "did:web:rcoe.example.org:leadership"
ANA = Recipient(email="Ana.Ruiz@example.org", name="Ana Ruiz")
ISSUED = FIXED_NOW + timedelta(hours=1)
LATER = FIXED_NOW + timedelta(days=30)


def evidence_for(tier: Tier) -> list[EvidenceItem]:
    items = []
    for requirement in tier.evidence:
        fields = {name: f"{name} of {requirement.id}" for name in requirement.records}
        if requirement.min_hours is not None:
            fields["hours"] = f"{requirement.min_hours:g}"
        items.append(EvidenceItem(requirement=requirement.id, fields=fields))
    return items


@dataclass
class World:
    """An issuer home, its published site, and a trust store where it is pinned."""

    issuer: Issuer
    site: Path
    trust: TrustStore
    empty_trust: TrustStore

    def issue(self, tier: str = "initial", **kw: Any) -> dict[str, Any]:
        kw.setdefault("now", ISSUED)
        evidence = evidence_for(self.issuer.framework.tier(tier))
        return copy.deepcopy(self.issuer.issue(tier, ANA, evidence=evidence, **kw).document)

    def key(self, n: int = 1) -> SigningKey:
        return SigningKey.load(self.issuer.home.key_path(n), PASSPHRASE)

    def resign(
        self, doc: dict[str, Any], *, created: datetime = ISSUED, n: int = 1
    ) -> dict[str, Any]:
        """The document signed again, after an edit, with the issuer's key ``n``."""
        unsigned = {k: v for k, v in doc.items() if k != "proof"}
        vm = next(k.verification_method for k in self.issuer.home.keys if k.n == n)
        return eddsa_rdfc_2022.sign(unsigned, self.key(n), verification_method=vm, created=created)


def make_world(root: Path, *, did_web: str | None) -> World:
    issuer = Issuer.create(
        root / "home",
        name="Riverside County Office of Education",
        url=URL,
        passphrase=PASSPHRASE,
        did_web=did_web,
        now=FIXED_NOW,
    )
    publish(issuer.home, root / "site")
    trust = TrustStore.open(root / "trust")
    trust.add_published(root / "site", now=FIXED_NOW)
    return World(issuer, root / "site", trust, TrustStore.open(root / "empty-trust"))
