"""Issued credentials for verifier tests: a real issuer home, its published site, a trust store.

Cases no honest issuer produces are made by editing a signed credential and, where the case
needs a valid signature, signing it again with the issuer's own key (:meth:`World.resign`).

Every credential carries status entries, so a verifier needs the issuer's status lists, and
lists of a recent date: :meth:`World.fresh_lists` publishes them as of a given instant and pins
them, as an issuer publishing daily and a verifier refreshing would.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from leadbadge.crypto.keys import SigningKey
from leadbadge.crypto.multibase import encode_base58btc
from leadbadge.issuer.home import DEFAULT_STATUS_PURPOSES, WITH_SUSPENSION
from leadbadge.issuer.issue import Issuer
from leadbadge.issuer.publish import status_list_documents
from leadbadge.model import Tier
from leadbadge.pathway.credential import Recipient
from leadbadge.pathway.evidence import EvidenceItem
from leadbadge.proof import eddsa_rdfc_2022
from leadbadge.trust.store import TrustStore
from tests.conftest import FIXED_NOW

PASSPHRASE = "correct horse battery staple"
URL = "https://rcoe.example.org/leadership"
DID_WEB = "did:web:rcoe.example.org:leadership"
ANA = Recipient(email="Ana.Ruiz@example.org", name="Ana Ruiz")
ISSUED = FIXED_NOW + timedelta(hours=1)
LATER = FIXED_NOW + timedelta(days=30)
#: The recorded reason test fixtures issue a tier without its prerequisite tiers.
OVERRIDE = "Test fixture: a tier issued on its own"


def recorded(name: str, label: str) -> str:
    """A value of evidence field ``name`` that passes the checks its name brings (dates before
    every issue date tests use, credits a number); ``label`` makes the other values distinct."""
    if name == "start_date":
        return "2024-08-19"
    if name == "date" or name.endswith("_date"):
        return "2025-05-30"
    if name == "credits":
        return "3"
    return f"{name} of {label}"


def evidence_for(tier: Tier) -> list[EvidenceItem]:
    items = []
    for requirement in tier.evidence:
        fields = {name: recorded(name, requirement.id) for name in requirement.records}
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
    #: (instant, status changes, lists) the pinned lists were last published for.
    lists_state: tuple[datetime, int, int] | None = None

    def issue(self, tier: str = "initial", **kw: Any) -> dict[str, Any]:
        """A credential for ANA; a tier's prerequisites are overridden unless ``prerequisites``
        or ``override_prerequisites`` is given (verifier tests issue tiers in any order)."""
        kw.setdefault("now", ISSUED)
        if "prerequisites" not in kw:
            kw.setdefault("override_prerequisites", OVERRIDE)
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

    def sign_with_options(self, unsigned: dict[str, Any], **options: Any) -> dict[str, Any]:
        """Signed by hand with key 1 of the did:web issuer, with exactly the proof options given
        (``expires``, no ``created``, …: what ``sign()`` would not write)."""
        proof: dict[str, Any] = {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "verificationMethod": f"{DID_WEB}#key-1",
            "proofPurpose": "assertionMethod",
            **options,
        }
        data = eddsa_rdfc_2022.hash_data(unsigned, eddsa_rdfc_2022.proof_config(unsigned, proof))
        proof["proofValue"] = encode_base58btc(self.key().sign(data))
        return {**unsigned, "proof": [proof]}

    def publisher(self) -> Issuer:
        """The issuer, opened again if its key was rotated since."""
        self.issuer.home.reload()
        if self.issuer.home.current_key.public_key != self.issuer._key.public_key:
            self.issuer = Issuer.open(self.issuer.home.path, passphrase=PASSPHRASE)
        return self.issuer

    def list_documents(self, at: datetime) -> list[dict[str, Any]]:
        """The issuer's status lists, signed as of ``at``."""
        publisher = self.publisher()
        return status_list_documents(publisher.home, publisher._key, now=at)

    def fresh_lists(self, at: datetime) -> None:
        """Publish the status lists as of ``at`` and pin them (the issuer entry is untouched)."""
        with self.issuer.home.open_ledger() as ledger:
            state = (at, len(ledger.changes()), len(ledger.status_lists()))
            urls = [info.url for info in ledger.status_lists()]
        if state == self.lists_state:
            return
        self.publisher().publish(self.site, now=at)
        base = self.site.joinpath(*URL.split("/")[3:])
        for url in urls:
            self.trust.add_status_list(base / "status" / url.rsplit("/", 1)[-1], now=at)
        self.lists_state = state


def make_world(root: Path, *, did_web: str | None, suspension: bool = True) -> World:
    """An issuer home, published and pinned. Its credentials carry a suspension entry too
    (``suspension``), so that verifier tests can suspend them; a new home's default is
    revocation alone."""
    issuer = Issuer.create(
        root / "home",
        name="Riverside County Office of Education",
        url=URL,
        passphrase=PASSPHRASE,
        did_web=did_web,
        now=FIXED_NOW,
        status_purposes=WITH_SUSPENSION if suspension else DEFAULT_STATUS_PURPOSES,
    )
    issuer.publish(root / "site", now=FIXED_NOW)
    trust = TrustStore.open(root / "trust")
    trust.add_published(root / "site", now=FIXED_NOW)
    return World(issuer, root / "site", trust, TrustStore.open(root / "empty-trust"))
