"""A program and a state authority that accredits it: the homes and sites accreditation tests use.

:func:`make_accredited` creates both homes (real keys, real ledgers), publishes the program,
has the authority endorse it for some tiers and publishes the authority, as
``leadbadge endorse`` and ``leadbadge publish`` would.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from leadbadge.issuer.endorse import Endorsement
from leadbadge.issuer.home import WITH_SUSPENSION
from leadbadge.issuer.issue import Issuer
from tests.conftest import FIXED_NOW
from tests.unit._issued import PASSPHRASE

PROGRAM_NAME = "Riverside County Office of Education"
PROGRAM_URL = "https://rcoe.example.org/leadership"
AUTHORITY_NAME = "State Commission on Educator Credentialing"
AUTHORITY_URL = "https://ctc.example.gov/accreditation"
T0 = FIXED_NOW
ISSUED = T0 + timedelta(hours=1)
CHECKED = T0 + timedelta(days=2)
#: When the sites are published for verifiers checking at CHECKED (fresh status lists).
PUBLISHED = CHECKED - timedelta(hours=1)


def make_accredited(
    root: Path,
    *,
    tiers: tuple[str, ...] = ("initial", "building"),
    program_purposes: tuple[str, ...] | None = None,
    published: datetime = PUBLISHED,
) -> tuple[Issuer, Issuer, list[Endorsement]]:
    """(program, authority, endorsements) under ``root``: homes ``program``/``authority``,
    sites ``program-site``/``authority-site``; the authority's site published at ``published``.
    """
    program = Issuer.create(
        root / "program",
        name=PROGRAM_NAME,
        url=PROGRAM_URL,
        passphrase=PASSPHRASE,
        now=T0,
        status_purposes=program_purposes or WITH_SUSPENSION,
    )
    authority = Issuer.create(
        root / "authority",
        name=AUTHORITY_NAME,
        url=AUTHORITY_URL,
        passphrase=PASSPHRASE,
        now=T0,
    )
    program.publish(root / "program-site", now=T0)
    done = authority.endorse(root / "program-site", list(tiers), now=T0)
    authority.publish(root / "authority-site", now=published)
    return program, authority, done
