"""What a credential link serves: the credential, its badge and a page for people, as static files.

For each credential ``leadbadge publish`` writes, under the issuer's site folder, in
``c/<id>/``: ``credential.json`` (the signed credential, byte for byte what the link commits to
once canonicalized), ``badge.svg`` (a badge image with the credential baked in), optionally
``credential.jwt`` (the same credential as a VC-JWT) and ``index.html``: the credential in
readable form for someone who scanned the QR code on a résumé — who holds it, what it certifies,
who issued it, the competencies and evidence it records, its status in the issuer's records when
the page was published, how to verify it independently, and the files to download.

The page is static HTML: no script, every value from the credential escaped, a strict Content
Security Policy (nothing loads but the page's own style and the images beside it), not to be
indexed by search engines. It says what the credential *claims*; verifying the credential is what
proves it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from leadbadge.share import _page_text as t
from leadbadge.share._page_style import PAGE_CSP, STYLE
from leadbadge.share._page_text import recipient_name
from leadbadge.share.artwork import badge_svg
from leadbadge.share.bake import bake
from leadbadge.share.links import LINK_SEGMENT, link_for

__all__ = [
    "PAGE_CSP",
    "PageStatus",
    "StatusState",
    "credential_files",
    "credential_page",
    "credential_pages",
    "page_as_of",
    "recipient_name",
]

#: What the issuer's ledger says of a credential when its page is published.
StatusState = Literal["active", "revoked", "suspended"]


@dataclass(frozen=True)
class PageStatus:
    """A credential's status in the issuer's records at the moment its page is published."""

    #: ``active``, ``revoked`` or ``suspended``, as the issuer's ledger says.
    state: StatusState
    #: When the page was published (an aware datetime): the moment the status is as of.
    as_of: datetime
    #: When the credential entered that state (revoked or suspended), if recorded.
    since: datetime | None = None
    #: Whether the issuer has issued a newer credential that replaces this one.
    renewed: bool = False


# --- the page's sections --------------------------------------------------------------------


def _status_section(document: Mapping[str, Any], status: PageStatus | None) -> str:
    valid_from = t.time_of(document.get("validFrom") or document.get("issuanceDate"))
    valid_until = t.time_of(document.get("validUntil") or document.get("expirationDate"))
    if status is None:
        kind, headline = "unknown", "Status not recorded on this page"
        detail = "This page does not say whether the issuer still stands by the credential."
    elif status.state == "revoked":
        kind = "revoked"
        headline = "Revoked" + (f" on {t.time_html(status.since)}" if status.since else "")
        detail = "The issuer has withdrawn this credential: it is no longer valid."
    elif status.state == "suspended":
        kind = "suspended"
        headline = "Suspended" + (f" since {t.time_html(status.since)}" if status.since else "")
        detail = "The issuer has suspended this credential: it is not valid while suspended."
    elif valid_until is not None and valid_until <= status.as_of:
        kind, headline = "expired", f"Expired on {t.time_html(valid_until)}"
        detail = "The credential was valid until that date; it has not been revoked."
    elif valid_from is not None and valid_from > status.as_of:
        kind, headline = "pending", f"Valid from {t.time_html(valid_from)}"
        detail = "The credential is not valid yet; it has not been revoked."
    else:
        kind, headline = "active", "Active"
        detail = "In the issuer's records this credential is in force: not revoked or suspended."
    if status is not None and status.renewed:
        detail += " The issuer has since issued a newer credential that replaces this one."
    as_of = (
        f"Status as of {t.time_html(status.as_of, with_time=True)}, when the issuer last "
        "updated this page. "
        if status is not None
        else ""
    )
    return f"""    <section class="status status-{kind}" aria-labelledby="status-h">
      <h2 id="status-h"><span class="visually-hidden">Status: </span>{headline}</h2>
      <p>{t.esc(detail)}</p>
      <p class="as-of">{as_of}To know its status today and that the credential is genuine,
      <a href="#verify-h">verify it</a>: this page itself proves nothing.</p>
    </section>"""


def _facts(document: Mapping[str, Any], subject: Mapping[str, Any]) -> str:
    rows = []
    issued = t.time_of(document.get("awardedDate")) or t.time_of(
        document.get("validFrom") or document.get("issuanceDate")
    )
    if issued is not None:
        rows.append(("Issued", t.time_html(issued)))
    valid_from = t.time_of(document.get("validFrom") or document.get("issuanceDate"))
    if valid_from is not None:
        rows.append(("Valid from", t.time_html(valid_from)))
    valid_until = t.time_of(document.get("validUntil") or document.get("expirationDate"))
    rows.append(("Valid until", t.time_html(valid_until) if valid_until else "No end date"))
    credits = t.text_of(subject.get("creditsEarned"))
    if credits is not None:
        rows.append(("Credits earned", t.esc(credits)))
    credential_id = t.text_of(document.get("id"))
    if credential_id is not None:
        rows.append(("Credential id", f"<code>{t.esc(credential_id)}</code>"))
    inner = "\n".join(f"        <div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in rows)
    return f'      <dl class="facts">\n{inner}\n      </dl>'


def _achievement_section(achievement: Mapping[str, Any]) -> str:
    parts = []
    description = t.text_of(achievement.get("description"))
    if description:
        parts.append(f'      <div class="description">{t.narrative(description)}</div>')
    facts = []
    kind = t.text_of(achievement.get("achievementType"))
    if kind:
        words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", kind.removeprefix("ext:"))
        facts.append(("Type", t.esc(words)))
    field = t.text_of(achievement.get("fieldOfStudy"))
    if field:
        facts.append(("Field of study", t.esc(field)))
    code = t.text_of(achievement.get("humanCode"))
    if code:
        facts.append(("Code", f"<code>{t.esc(code)}</code>"))
    if facts:
        inner = "\n".join(f"        <div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in facts)
        parts.append(f'      <dl class="facts">\n{inner}\n      </dl>')
    criteria = t.text_of(t.obj(achievement.get("criteria")).get("narrative"))
    if criteria:
        parts.append(f"      <h3>Requirements</h3>\n      <div>{t.narrative(criteria)}</div>")
    standards = []
    for alignment in t.objs(achievement.get("alignment")):
        name = t.text_of(alignment.get("targetName"))
        if not name:
            continue
        code = t.text_of(alignment.get("targetCode"))
        frame = t.text_of(alignment.get("targetFramework"))
        label = f"{code}: {name}" if code else name
        suffix = f' <span class="muted">({t.esc(frame)})</span>' if frame else ""
        standards.append(f"        <li>{t.esc(label)}{suffix}</li>")
    if standards:
        items = "\n".join(standards)
        parts.append(f"      <h3>Standards it aligns with</h3>\n      <ul>\n{items}\n      </ul>")
    return "\n".join(parts)


def _competencies(achievement: Mapping[str, Any], subject: Mapping[str, Any]) -> str:
    descriptions = {
        t.text_of(rd.get("id")): rd for rd in t.objs(achievement.get("resultDescription"))
    }
    items = []
    for result in t.objs(subject.get("result")):
        rd = descriptions.get(t.id_of(result.get("resultDescription"))) or {}
        levels = t.objs(rd.get("rubricCriterionLevel"))
        achieved_id = t.id_of(result.get("achievedLevel"))
        achieved = next(
            (i for i, level in enumerate(levels) if t.text_of(level.get("id")) == achieved_id), None
        )
        required_id = t.id_of(rd.get("requiredLevel"))
        required = next(
            (i for i, level in enumerate(levels) if t.text_of(level.get("id")) == required_id), None
        )
        name = t.text_of(rd.get("name")) or t.text_of(result.get("resultDescription")) or "Result"
        if achieved is not None:
            level = levels[achieved]
            level_name = t.text_of(level.get("name")) or f"Level {achieved + 1}"
            summary = (
                f"Achieved <strong>{t.esc(level_name)}</strong>, level {achieved + 1} of "
                f"{len(levels)}"
            )
            if required is not None:
                req_name = t.text_of(levels[required].get("name")) or f"level {required + 1}"
                summary += f" (required: {t.esc(req_name)})"
            meter = "".join(
                f'<span class="{"on" if i <= achieved else "off"}"></span>'
                for i in range(len(levels))
            )
            level_text = t.text_of(level.get("description"))
            extra = f'\n          <p class="muted">{t.esc(level_text)}</p>' if level_text else ""
            body = (
                f'<p>{summary}.</p>\n          <div class="meter" aria-hidden="true">{meter}</div>'
                f"{extra}"
            )
        else:
            value = t.text_of(result.get("value")) or achieved_id
            body = f"<p>Result: <strong>{t.esc(value)}</strong>.</p>" if value else ""
        items.append(
            f"        <li>\n          <h3>{t.esc(name)}</h3>\n          {body}\n        </li>"
        )
    note = ""
    if not items:
        names = [t.text_of(rd.get("name")) for rd in descriptions.values()]
        items = [f"        <li><h3>{t.esc(n)}</h3></li>" for n in names if n]
        note = (
            "\n      <p>The credential names the competencies assessed but does not record the "
            "levels achieved.</p>"
        )
    if not items:
        return ""
    inner = "\n".join(items)
    return f"""    <section aria-labelledby="competencies-h">
      <h2 id="competencies-h">Competencies</h2>{note}
      <ul class="cards">
{inner}
      </ul>
    </section>"""


def _evidence(document: Mapping[str, Any]) -> str:
    items = []
    for index, evidence in enumerate(t.objs(document.get("evidence")), start=1):
        name = t.text_of(evidence.get("name")) or f"Evidence {index}"
        genre = t.text_of(evidence.get("genre"))
        tag = f' <span class="tag">{t.esc(t.genre(genre))}</span>' if genre else ""
        body = []
        description = t.text_of(evidence.get("description"))
        if description:
            body.append(t.narrative(description))
        narrative = t.text_of(evidence.get("narrative"))
        if narrative:
            body.append(t.narrative(narrative))
        url = t.web_url(evidence.get("id"))
        if url:
            body.append(f"<p>{t.link(url, url)}</p>")
        inner = "\n".join(body)
        items.append(f"        <li>\n          <h3>{t.esc(name)}{tag}</h3>\n{inner}\n        </li>")
    if not items:
        return ""
    joined = "\n".join(items)
    return f"""    <section aria-labelledby="evidence-h">
      <h2 id="evidence-h">Evidence</h2>
      <ul class="cards">
{joined}
      </ul>
    </section>"""


def _endorsements(issuer: Mapping[str, Any], achievement: Mapping[str, Any]) -> str:
    items = []
    for what, owner in (("the achievement", achievement), ("the issuer", issuer)):
        for endorsement in t.objs(owner.get("endorsement")):
            by = t.obj(endorsement.get("issuer"))
            by_name = (
                t.text_of(by.get("name")) or t.id_of(endorsement.get("issuer")) or "An endorser"
            )
            kind = (
                "accredits"
                if (t.text_of(endorsement.get("name")) or "").startswith("Accreditation")
                else "endorses"
            )
            line = f"<strong>{t.link(t.web_url(by.get('url')), by_name)}</strong> {kind} {what}"
            start = t.time_of(endorsement.get("validFrom") or endorsement.get("issuanceDate"))
            end = t.time_of(endorsement.get("validUntil") or endorsement.get("expirationDate"))
            if start and end:
                line += f", from {t.time_html(start)} to {t.time_html(end)}"
            elif start:
                line += f", from {t.time_html(start)}"
            comment = t.text_of(
                t.obj(endorsement.get("credentialSubject")).get("endorsementComment")
            )
            extra = f'\n          <p class="muted">{t.inline(comment)}</p>' if comment else ""
            items.append(f"        <li>\n          <p>{line}.</p>{extra}\n        </li>")
    if not items:
        return ""
    joined = "\n".join(items)
    return f"""      <h3>Accreditation and endorsements</h3>
      <p>Carried in the credential, each signed by its endorser (verifying checks them).</p>
      <ul>
{joined}
      </ul>"""


def _issuer_section(issuer_value: Any, achievement: Mapping[str, Any]) -> str:
    issuer = t.obj(issuer_value)
    name = t.text_of(issuer.get("name"))
    issuer_id = t.id_of(issuer_value)
    url = t.web_url(issuer.get("url"))
    rows = []
    if name:
        rows.append(("Name", t.esc(name)))
    if url:
        rows.append(("Web site", t.link(url, url)))
    email = t.text_of(issuer.get("email"))
    if email:
        rows.append(("E-mail", t.esc(email)))
    if issuer_id:
        rows.append(("Identifier", f"<code>{t.esc(issuer_id)}</code>"))
    inner = "\n".join(f"        <div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in rows)
    return f"""    <section aria-labelledby="issuer-h">
      <h2 id="issuer-h">Issuer</h2>
      <dl class="facts">
{inner}
      </dl>
{_endorsements(issuer, achievement)}
    </section>"""


def _verify_section(document: Mapping[str, Any], link: str, verification_page: str | None) -> str:
    issuer_url = t.web_url(t.obj(document.get("issuer")).get("url"))
    keys = f"{issuer_url.rstrip('/')}/keys.json" if issuer_url else "<issuer url>/keys.json"
    page = ""
    if verification_page:
        page = f"""
      <p>Or check it on the issuer's verification page:
      {t.link(verification_page, verification_page)}.</p>"""
    return f"""    <section aria-labelledby="verify-h">
      <h2 id="verify-h">Verify it independently</h2>
      <p>Verification checks the issuer's signature, that nothing was changed, and the
      credential's status in the list the issuer signs. With the free <code>leadbadge</code>
      command line, once pin the issuer's published keys, then verify this link:</p>
      <pre><code>leadbadge trust add {t.esc(keys)}
leadbadge verify --online {t.esc(link)}</code></pre>
      <p>Or download the credential below and run <code>leadbadge verify credential.json</code>,
      or give it to any Open Badges 3.0 verifier. This address commits to the credential's
      content: a verifier checks that what it finds here is exactly the credential it
      names.</p>{page}
    </section>"""


def _downloads(folder: str, has_jwt: bool, has_badge: bool) -> str:
    items = [
        f'        <li><a href="{t.esc(folder)}/credential.json" type="application/json" '
        'download="credential.json">The credential</a> '
        '<span class="muted">(Open Badges 3.0, JSON)</span></li>'
    ]
    if has_jwt:
        items.append(
            f'        <li><a href="{t.esc(folder)}/credential.jwt" type="application/jwt" '
            'download="credential.jwt">The credential as a VC-JWT</a> '
            '<span class="muted">(a signed token, for systems that take JWTs)</span></li>'
        )
    if has_badge:
        items.append(
            f'        <li><a href="{t.esc(folder)}/badge.svg" type="image/svg+xml" '
            'download="badge.svg">The badge image</a> '
            '<span class="muted">(SVG with the credential baked in: '
            "<code>leadbadge verify badge.svg</code>)</span></li>"
        )
    inner = "\n".join(items)
    return f"""    <section class="downloads" aria-labelledby="downloads-h">
      <h2 id="downloads-h">Download</h2>
      <ul>
{inner}
      </ul>
    </section>"""


# --- the page --------------------------------------------------------------------------------


def credential_page(
    document: Mapping[str, Any],
    link: str,
    *,
    status: PageStatus | None = None,
    verification_page: str | None = None,
    has_jwt: bool = False,
    has_badge: bool = True,
) -> str:
    """The HTML page for one credential served at ``link``.

    ``status`` is what the issuer's records say as the page is published; ``verification_page``
    an issuer's own verification page to point readers to. ``has_jwt`` and ``has_badge`` say
    whether ``credential.jwt`` and ``badge.svg`` are published beside the page.
    """
    issuer = document.get("issuer")
    subject = t.obj(document.get("credentialSubject"))
    achievement = t.obj(subject.get("achievement"))
    title = t.text_of(achievement.get("name")) or t.text_of(document.get("name")) or "Credential"
    holder = recipient_name(document)
    issuer_name = t.text_of(t.obj(issuer).get("name")) or t.id_of(issuer) or "an unnamed issuer"
    # Root-relative, so the files load on the issuer's site whether or not the server redirects
    # c/<id> to c/<id>/, and on a local copy of the site served from its root.
    folder = urlsplit(link).path.rstrip("/")
    page_title = f"{title}, awarded to {holder}" if holder else title
    credential_name = t.text_of(document.get("name"))
    named = (
        f'\n        <p class="muted">Credential: {t.esc(credential_name)}</p>'
        if credential_name and credential_name != title
        else ""
    )
    holder_html = (
        f'<p class="holder">Awarded to <strong>{t.esc(holder)}</strong></p>'
        if holder
        else '<p class="holder">Awarded to a person the credential identifies only by a '
        "hashed e-mail address</p>"
    )
    badge = (
        f'<img src="{t.esc(folder)}/badge.svg" width="136" height="136" '
        f'alt="{t.esc(title)} badge from {t.esc(issuer_name)}">'
        if has_badge
        else ""
    )
    # The badge as the icon: without one the browser asks for /favicon.ico.
    icon = (
        f'\n  <link rel="icon" type="image/svg+xml" href="{t.esc(folder)}/badge.svg">'
        if has_badge
        else ""
    )
    verification = t.web_url(verification_page) if verification_page else None
    sections = [
        _status_section(document, status),
        f"""    <section aria-labelledby="details-h">
      <h2 id="details-h">About this credential</h2>
{_facts(document, subject)}
{_achievement_section(achievement)}
    </section>""",
        _competencies(achievement, subject),
        _evidence(document),
        _issuer_section(issuer, achievement),
        _verify_section(document, link, verification),
        _downloads(folder, has_jwt, has_badge),
    ]
    body = "\n".join(s for s in sections if s)
    published = (
        f"Published by {t.esc(issuer_name)} on {t.time_html(status.as_of)}."
        if status is not None
        else f"Published by {t.esc(issuer_name)}."
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="{PAGE_CSP}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex, nofollow">
  <meta name="referrer" content="no-referrer">
  <title>{t.esc(page_title)}</title>
  <link rel="alternate" type="application/json" href="{t.esc(folder)}/credential.json">{icon}
  <style>{STYLE}</style>
</head>
<body>
  <a class="skip" href="#main">Skip to the credential</a>
  <header class="site">
    <p>Open Badges credential issued by {t.esc(issuer_name)}</p>
  </header>
  <main id="main" class="page">
    <div class="hero">
      {badge}
      <div>
        <h1>{t.esc(title)}</h1>
        {holder_html}{named}
        <p class="muted">Issued by {t.esc(issuer_name)}</p>
      </div>
    </div>
{body}
  </main>
  <footer class="page">
    <p>{published} This page shows what the credential claims; the signed credential is the
    record.</p>
  </footer>
</body>
</html>
"""


def credential_files(
    document: Mapping[str, Any],
    base_url: str,
    *,
    link: str | None = None,
    status: PageStatus | None = None,
    verification_page: str | None = None,
    jwt: str | None = None,
) -> list[tuple[tuple[str, ...], bytes]]:
    """The files to publish for one credential under the issuer's site ``base_url``: pairs of
    (path segments below the site root, contents). ``link`` is the credential's link when the
    caller has it already (:func:`link_for` hashes the canonical JSON); ``jwt`` its VC-JWT form,
    published beside it."""
    prefix = tuple(unquote(s) for s in urlsplit(base_url).path.split("/") if s)
    link = link or link_for(document, base_url)
    folder = (*prefix, LINK_SEGMENT, link.rsplit("/", 1)[-1])
    data = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    files = [((*folder, "credential.json"), data.encode("utf-8"))]
    if jwt is not None:
        files.append(((*folder, "credential.jwt"), (jwt.strip() + "\n").encode("ascii")))
    subject = t.obj(document.get("credentialSubject"))
    achievement = t.obj(subject.get("achievement"))
    issuer = document.get("issuer")
    art = badge_svg(
        t.text_of(achievement.get("name")) or t.text_of(document.get("name")) or "Credential",
        t.text_of(t.obj(issuer).get("name")) or t.id_of(issuer) or "",
        seed=t.text_of(achievement.get("id")) or t.text_of(achievement.get("name")) or "",
    )
    files.append(((*folder, "badge.svg"), bake(art, data)))
    page = credential_page(
        document,
        link,
        status=status,
        verification_page=verification_page,
        has_jwt=jwt is not None,
    )
    files.append(((*folder, "index.html"), page.encode("utf-8")))
    return files


def credential_pages(
    documents: Iterable[Mapping[str, Any]],
    base_url: str,
    *,
    statuses: Mapping[str, PageStatus] | None = None,
    verification_page: str | None = None,
    jwts: Mapping[str, str] | None = None,
) -> list[tuple[tuple[str, ...], bytes]]:
    """:func:`credential_files` for each of ``documents``; ``statuses`` and ``jwts`` are keyed
    by credential id."""
    files: list[tuple[tuple[str, ...], bytes]] = []
    for document in documents:
        credential_id = t.text_of(document.get("id")) or ""
        files += credential_files(
            document,
            base_url,
            status=(statuses or {}).get(credential_id),
            verification_page=verification_page,
            jwt=(jwts or {}).get(credential_id),
        )
    return files


_AS_OF = re.compile(rb'<p class="as-of">Status as of <time datetime="([0-9]{4}-[0-9T:-]{14}Z)">')


def page_as_of(page: bytes) -> datetime | None:
    """The moment a page :func:`credential_page` wrote reports the status as of, if any."""
    found = _AS_OF.search(page)
    return t.time_of(found[1].decode("ascii")) if found else None
