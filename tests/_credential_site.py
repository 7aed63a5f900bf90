"""A published issuer site with credentials in each status, for tests of the credential pages.

A real issuer home (both status purposes, so credentials can be suspended) issues four
credentials of the ``initial`` tier with evidence and rubric results — one stays active, one is
revoked, one suspended, and one is awarded to a person whose name is hostile HTML — and
``publish`` writes the site as of :data:`PUBLISHED`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from leadbadge.issuer.home import WITH_SUSPENSION, IssuerHome
from leadbadge.issuer.issue import Issuer
from leadbadge.issuer.publish import publish
from leadbadge.pathway.credential import Recipient
from leadbadge.pathway.evidence import EvidenceItem
from leadbadge.share.links import link_for
from tests.conftest import FIXED_NOW
from tests.unit._issued import recorded

PASSPHRASE = "correct horse battery staple"
URL = "https://rcoe.example.org/leadership"
ISSUER_NAME = "Riverside County Office of Education"
VERIFICATION_PAGE = "https://rcoe.example.org/verify"
ISSUED = FIXED_NOW + timedelta(hours=1)
REVOKED = FIXED_NOW + timedelta(days=1)
SUSPENDED = FIXED_NOW + timedelta(days=1, hours=2)
PUBLISHED = FIXED_NOW + timedelta(days=2, hours=3, minutes=15)
#: A name that runs script and loads an image if anything renders it as HTML.
HOSTILE_NAME = '<img src=x onerror="alert(1)"> Zoë </title><script>alert(2)</script> & "Co"'
NAMES = {
    "active": "Ana Ruiz",
    "revoked": "Ben Okafor",
    "suspended": "Chloé Martin",
    "hostile": HOSTILE_NAME,
}


@dataclass(frozen=True)
class CredentialSite:
    """The published folder (serve it at a web root) and what each page shows."""

    root: Path
    home: IssuerHome
    #: By state: the site-root-relative path of the credential's page folder (ends in ``/``).
    paths: dict[str, str]
    documents: dict[str, dict[str, Any]]


def _evidence(issuer: Issuer, hostile: bool) -> list[EvidenceItem]:
    tier = issuer.framework.tier("initial")
    items = []
    for requirement in tier.evidence:
        fields = {name: recorded(name, "Lincoln Middle School") for name in requirement.records}
        if hostile:
            fields = {
                name: value if value[:1].isdigit() else f"{HOSTILE_NAME} ({name})"
                for name, value in fields.items()
            }
        if requirement.min_hours is not None:
            fields["hours"] = f"{requirement.min_hours:g}"
        items.append(EvidenceItem(requirement=requirement.id, fields=fields))
    return items


def publish_credential_site(
    folder: Path, *, verification_page: str | None = VERIFICATION_PAGE
) -> CredentialSite:
    issuer = Issuer.create(
        folder / "home",
        name=ISSUER_NAME,
        url=URL,
        passphrase=PASSPHRASE,
        did_web="did:web:rcoe.example.org:leadership",
        now=FIXED_NOW,
        status_purposes=WITH_SUSPENSION,
    )
    tier = issuer.framework.tier("initial")
    results = {c.id: c.required_level or c.levels[-1].id for c in tier.competencies}
    documents = {
        state: issuer.issue(
            "initial",
            Recipient(email=f"{state}@example.org", name=name),
            evidence=_evidence(issuer, state == "hostile"),
            results=results,
            now=ISSUED,
        ).document
        for state, name in NAMES.items()
    }
    home = issuer.home
    home.change_status(documents["revoked"]["id"], "revoke", actor="registrar", now=REVOKED)
    home.change_status(documents["suspended"]["id"], "suspend", actor="registrar", now=SUSPENDED)
    if verification_page is not None:
        config = home.path / "issuer.json"
        data = json.loads(config.read_text(encoding="utf-8"))
        data["verificationPage"] = verification_page
        config.write_text(json.dumps(data), encoding="utf-8")
        home = IssuerHome.open(home.path)
    root = folder / "site"
    publish(home, root, signing_key=home.signing_key(PASSPHRASE), now=PUBLISHED)
    paths = {
        state: link_for(document, URL).removeprefix("https://rcoe.example.org") + "/"
        for state, document in documents.items()
    }
    return CredentialSite(root=root, home=home, paths=paths, documents=documents)
