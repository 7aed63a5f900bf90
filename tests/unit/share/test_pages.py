"""The credential pages publish writes: what a reader sees, escaped, under a strict CSP."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from leadbadge.share.artwork import badge_svg
from leadbadge.share.bake import unbake
from leadbadge.share.links import link_for, link_id
from leadbadge.share.pages import (
    PAGE_CSP,
    PageStatus,
    credential_page,
    credential_pages,
    page_as_of,
)

BASE = "https://rcoe.example.org/leadership"
ACH = f"{BASE}/achievements/initial.json"
AS_OF = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
HOSTILE = '<img src=x onerror="alert(1)"> & </style><script>alert(2)</script>'


def _levels(rd: str) -> list[dict[str, Any]]:
    return [
        {"id": f"{rd}/{n.lower()}", "type": ["RubricCriterionLevel"], "name": n, "points": str(i)}
        | ({"description": "Keeps a weekly plan."} if n == "Proficient" else {})
        for i, n in enumerate(["Developing", "Proficient", "Accomplished", "Exemplary"], 1)
    ]


DOC: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:7ebf2f09-0b0f-4e0c-b747-4912bf700fca",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "Initial Leadership Certification",
    "issuer": {
        "id": "did:web:rcoe.example.org:leadership",
        "type": ["Profile"],
        "name": "Riverside County Office of Education",
        "url": BASE,
    },
    "validFrom": "2026-11-23T13:00:00Z",
    "validUntil": "2031-11-23T13:00:00Z",
    "awardedDate": "2026-11-23T13:00:00Z",
    "credentialSubject": {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": "sha256$656fae3840c2fab559751cb8946db17079375b46c016de0bfd347ebed",
                "identityType": "emailAddress",
                "hashed": True,
                "salt": "c9d5f54bb7193fdb109b05ab83002996",
            },
            {
                "type": "IdentityObject",
                "identityHash": "Ana Ruiz",
                "identityType": "name",
                "hashed": False,
            },
        ],
        "achievement": {
            "id": ACH,
            "type": ["Achievement"],
            "name": "Initial Leadership Certification",
            "description": "Entry-level certification for a first leadership role.",
            "criteria": {"narrative": "Complete 15 credits and a structured internship."},
            "achievementType": "Certification",
            "fieldOfStudy": "Educational Leadership",
            "alignment": [
                {
                    "type": ["Alignment"],
                    "targetName": "Operations and Management",
                    "targetUrl": "https://www.npbea.org/psel/",
                    "targetFramework": "Professional Standards for Educational Leaders 2015",
                    "targetCode": "PSEL 9",
                }
            ],
            "resultDescription": [
                {
                    "id": f"{ACH}#time-management",
                    "type": ["ResultDescription"],
                    "name": "Time Management",
                    "resultType": "RubricCriterionLevel",
                    "rubricCriterionLevel": _levels(f"{ACH}#time-management"),
                    "requiredLevel": f"{ACH}#time-management/proficient",
                }
            ],
            "endorsement": [
                {
                    "type": ["VerifiableCredential", "EndorsementCredential"],
                    "name": "Accreditation of RCOE for Initial Leadership Certification",
                    "issuer": {
                        "id": "did:web:ctc.example.gov",
                        "name": "State Commission on Educator Credentialing",
                        "url": "https://ctc.example.gov",
                    },
                    "validFrom": "2026-01-01T00:00:00Z",
                    "validUntil": "2031-01-01T00:00:00Z",
                    "credentialSubject": {
                        "id": ACH,
                        "type": ["EndorsementSubject"],
                        "endorsementComment": "Accredited to award the **initial** tier.",
                    },
                }
            ],
        },
        "creditsEarned": 15.0,
        "result": [
            {
                "type": ["Result"],
                "resultDescription": f"{ACH}#time-management",
                "achievedLevel": f"{ACH}#time-management/proficient",
            }
        ],
    },
    "evidence": [
        {
            "type": ["Evidence"],
            "name": "Structured Entry-Level Leadership Internship",
            "narrative": "- **Site:** Lincoln Middle School\n- **Supervisor name:** Dr. Marcus"
            " Lee\n- **Internship role:** assistant\\_principal intern\n- **Hours:** 180",
            "genre": "internship",
        },
        {
            "id": "https://portfolio.example.org/ana",
            "type": ["Evidence"],
            "name": "Mentoring log",
            "narrative": "Met every other week.\n\n- first term\n- second term",
            "genre": "mentoring",
        },
    ],
    "credentialStatus": {"type": "BitstringStatusListEntry", "statusPurpose": "revocation"},
    "proof": [{"type": "DataIntegrityProof", "proofValue": "z4GcSVDsFUNZ3hCQ2a53ABiHG2tsge"}],
}
LINK = link_for(DOC, BASE)


def _page(document: dict[str, Any] = DOC, **kw: Any) -> str:
    return credential_page(document, link_for(document, BASE), **kw)


def _visible(page: str) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded, spaces folded."""
    import html

    body = page.split("<body>", 1)[1]
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())
    return re.sub(r" (?=[,.;:)])", "", text)


def test_the_page_shows_the_credential_in_readable_form() -> None:
    text = _visible(_page(status=PageStatus("active", AS_OF)))
    for expected in (
        "Initial Leadership Certification",
        "Awarded to Ana Ruiz",
        "Issued by Riverside County Office of Education",
        "Active",
        "Status as of 4 December 2026, 09:30 UTC, when the issuer last updated this page.",
        "Issued 23 November 2026",
        "Valid until 23 November 2031",
        "Credits earned 15",
        "Type Certification",
        "Field of study Educational Leadership",
        "PSEL 9: Operations and Management",
        "Time Management Achieved Proficient, level 2 of 4 (required: Proficient)",
        "Keeps a weekly plan.",
        "Structured Entry-Level Leadership Internship Internship",
        "Site Lincoln Middle School",
        "Supervisor name Dr. Marcus Lee",
        "Internship role assistant_principal intern",
        "Mentoring log Mentoring",
        "https://portfolio.example.org/ana",
        "State Commission on Educator Credentialing accredits the achievement, "
        "from 1 January 2026 to 1 January 2031",
        "Accredited to award the initial tier.",
        f"leadbadge trust add {BASE}/keys.json leadbadge verify --online {LINK}",
        "The credential (Open Badges 3.0, JSON)",
        "The badge image",
    ):
        assert expected in text, expected


def test_no_raw_json_on_the_page() -> None:
    page = _page(status=PageStatus("active", AS_OF))
    for raw in ('"@context"', "@context", "proofValue", "z4GcSVDsFUNZ3hCQ2a53ABiHG2tsge", "salt"):
        assert raw not in page
    assert "<pre>" not in page.replace("<pre><code>leadbadge trust add", "")


@pytest.mark.parametrize(
    ("status", "headline", "detail"),
    [
        (PageStatus("active", AS_OF), "Active", "in force: not revoked or suspended"),
        (
            PageStatus("revoked", AS_OF, since=datetime(2026, 12, 1, 8, 0, tzinfo=UTC)),
            "Revoked on 1 December 2026",
            "The issuer has withdrawn this credential: it is no longer valid.",
        ),
        (
            PageStatus("suspended", AS_OF, since=datetime(2026, 12, 2, tzinfo=UTC)),
            "Suspended since 2 December 2026",
            "not valid while suspended",
        ),
        (
            PageStatus("active", datetime(2032, 1, 1, tzinfo=UTC)),
            "Expired on 23 November 2031",
            "it has not been revoked",
        ),
        (
            PageStatus("active", datetime(2026, 11, 1, tzinfo=UTC)),
            "Valid from 23 November 2026",
            "not valid yet",
        ),
        (None, "Status not recorded on this page", "does not say"),
    ],
)
def test_the_status_as_the_ledger_says_it(
    status: PageStatus | None, headline: str, detail: str
) -> None:
    page = _page(status=status)
    match = re.search(r'<h2 id="status-h">(.*?)</h2>', page)
    assert match is not None
    assert _visible("<body>" + match[1]) == f"Status: {headline}"
    assert detail in _visible(page)
    assert "this page itself proves nothing" in _visible(page)


def test_a_renewed_credential_says_so() -> None:
    text = _visible(_page(status=PageStatus("active", AS_OF, renewed=True)))
    assert "issued a newer credential that replaces this one" in text
    assert "replaces" not in _visible(_page(status=PageStatus("active", AS_OF)))


def test_hostile_values_are_text() -> None:
    doc = copy.deepcopy(DOC)
    subject = doc["credentialSubject"]
    subject["identifier"][1]["identityHash"] = HOSTILE
    subject["achievement"]["name"] = HOSTILE
    subject["achievement"]["description"] = HOSTILE
    doc["issuer"]["name"] = HOSTILE
    doc["issuer"]["url"] = 'javascript:alert("x")'
    doc["evidence"][0]["narrative"] = f"- **{HOSTILE}:** {HOSTILE}\n**{HOSTILE}**"
    doc["evidence"][1]["id"] = "javascript:alert(3)"
    subject["achievement"]["endorsement"][0]["issuer"]["url"] = "data:text/html,<b>x</b>"
    page = _page(doc, status=PageStatus("active", AS_OF), verification_page="javascript:x()")
    assert "<script" not in page.lower()
    assert "<img src=x" not in page
    assert "</style><" not in page
    assert "javascript:" not in page
    assert "data:text" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert HOSTILE in _visible(page)
    svg = unbake_roundtrip(doc)
    assert "<script" not in svg.split("<openbadges:credential")[0]


def unbake_roundtrip(doc: dict[str, Any]) -> str:
    files = dict(credential_pages([doc], BASE))
    badge = files[("leadership", "c", link_id(doc), "badge.svg")]
    assert json.loads(unbake(badge).text) == doc
    return badge.decode()


def test_the_badge_carries_the_credential_and_names_the_tier() -> None:
    svg = unbake_roundtrip(DOC)
    assert "<title>Initial Leadership Certification</title>" in svg
    assert "Riverside County Office" in svg

    # The same tier always has the same colour; another tier another.
    def fill(svg: bytes) -> bytes:
        found = re.search(rb'fill="(hsl[^"]+)"', svg)
        assert found is not None
        return found[1]

    assert fill(badge_svg("A", "I", seed=ACH)) == fill(badge_svg("B", "J", seed=ACH))
    assert fill(badge_svg("A", "I", seed=ACH)) != fill(badge_svg("A", "I", seed=ACH + "/x"))


def test_long_titles_are_wrapped_and_cut() -> None:
    svg = badge_svg("Word " * 40 + "Supercalifragilisticexpialidocious", "I" * 200, seed="s")
    assert svg.count(b'font-weight="700"') == 4
    assert b"\xe2\x80\xa6" in svg  # the ellipsis


def test_the_csp_is_strict_and_allows_exactly_the_page_style() -> None:
    page = _page(status=PageStatus("active", AS_OF))
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert meta is not None
    assert meta[1] == PAGE_CSP
    assert "default-src 'none'" in PAGE_CSP
    assert "script-src" not in PAGE_CSP  # default-src 'none' forbids every script
    style = re.search(r"<style>(.*?)</style>", page, re.S)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style[1].encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in PAGE_CSP
    assert " style=" not in page  # inline style attributes would be blocked
    assert page.index("Content-Security-Policy") < page.index("<style>")


def test_accessible_structure() -> None:
    page = _page(status=PageStatus("active", AS_OF))
    assert '<html lang="en">' in page
    assert page.count("<h1>") == 1
    for landmark in ("<header", "<main", "<footer"):
        assert page.count(landmark) == 1
    imgs = re.findall(r"<img [^>]*>", page)
    assert imgs
    assert all(re.search(r'alt="[^"]+"', img) for img in imgs)
    assert 'alt="Initial Leadership Certification badge from Riverside' in imgs[0]
    # Every section is labelled by its heading.
    for labelled in re.findall(r'aria-labelledby="([^"]+)"', page):
        assert f'id="{labelled}"' in page


def test_downloads_and_the_verification_page() -> None:
    folder = f"/leadership/c/{link_id(DOC)}"
    page = _page(status=PageStatus("active", AS_OF))
    assert f'href="{folder}/credential.json"' in page
    assert f'href="{folder}/badge.svg"' in page
    assert "credential.jwt" not in page
    assert "verification page" not in page
    page = _page(has_jwt=True, verification_page="https://rcoe.example.org/verify")
    assert f'href="{folder}/credential.jwt"' in page
    assert "Or check it on the issuer's verification page: https://rcoe.example.org/verify" in (
        _visible(page)
    )
    assert 'href="https://rcoe.example.org/verify"' in page


def test_a_jwt_is_published_beside_the_credential_when_given() -> None:
    token = "eyJhbGciOiJFZERTQSJ9.eyJ4IjoxfQ.c2ln"
    files = dict(credential_pages([DOC], BASE, jwts={DOC["id"]: token}))
    folder = ("leadership", "c", link_id(DOC))
    assert files[(*folder, "credential.jwt")] == token.encode() + b"\n"
    assert b"credential.jwt" in files[(*folder, "index.html")]


def test_a_credential_without_a_name_or_levels() -> None:
    doc = copy.deepcopy(DOC)
    del doc["credentialSubject"]["identifier"][1]
    del doc["credentialSubject"]["result"]
    text = _visible(_page(doc))
    assert "identifies only by a hashed e-mail address" in text
    assert "names the competencies assessed but does not record the levels achieved" in text
    assert "Time Management" in text


def test_a_page_tells_when_its_status_is_as_of() -> None:
    page = _page(status=PageStatus("revoked", AS_OF, since=AS_OF)).encode()
    assert page_as_of(page) == AS_OF
    assert page_as_of(_page().encode()) is None  # no status, no moment
    assert page_as_of(b"<p>ours</p>") is None
