"""What a credential link serves: the credential and a page for people, as static files.

For each credential ``leadbadge publish`` writes, under the issuer's site folder,
``c/<id>/credential.json`` (the signed credential, byte for byte what the link commits to once
canonicalized) and ``c/<id>/index.html``: a plain HTML page (no script, every value escaped,
not to be indexed by search engines) that says what the credential claims, that the page
itself proves nothing, and how to verify the credential with leadbadge.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from leadbadge.share.links import LINK_SEGMENT, link_for

__all__ = ["credential_page", "credential_pages"]


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("@value"), str):
        return str(value["@value"])
    if isinstance(value, list):
        return next((t for t in map(_text, value) if t), None)
    return None


def _claims(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    issuer = document.get("issuer")
    subject = document.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    subject = subject if isinstance(subject, Mapping) else {}
    achievement = subject.get("achievement")
    achievement = achievement if isinstance(achievement, Mapping) else {}
    recipient = next(
        (
            _text(item.get("identityHash"))
            for item in subject.get("identifier", [])
            if isinstance(item, Mapping)
            and item.get("identityType") == "name"
            and item.get("hashed") is False
        ),
        None,
    )
    rows = [
        ("Achievement", _text(achievement.get("name"))),
        ("Awarded to", recipient or _text(subject.get("name"))),
        ("Issuer", _text(issuer.get("name")) if isinstance(issuer, Mapping) else None),
        (
            "Issuer id",
            _text(issuer.get("id")) if isinstance(issuer, Mapping) else _text(issuer),
        ),
        ("Valid from", _text(document.get("validFrom") or document.get("issuanceDate"))),
        ("Valid until", _text(document.get("validUntil") or document.get("expirationDate"))),
        ("Credential id", _text(document.get("id"))),
    ]
    return [(label, value) for label, value in rows if value]


def credential_page(document: Mapping[str, Any], link: str) -> str:
    """The HTML page for one credential served at ``link``."""
    esc = html.escape
    title = _text(document.get("name")) or "Open Badges credential"
    rows = "\n".join(
        f"      <tr><th>{esc(label)}</th><td>{esc(value)}</td></tr>"
        for label, value in _claims(document)
    )
    json_url = f"{link}/credential.json"
    body = json.dumps(document, indent=2, ensure_ascii=False)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex, nofollow">
  <title>{esc(title)}</title>
  <link rel="alternate" type="application/json" href="{esc(json_url)}">
  <style>
    body {{ font-family: sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }}
    th {{ text-align: left; padding-right: 1rem; vertical-align: top; }}
    pre {{ overflow-x: auto; background: #f4f4f4; padding: 1rem; font-size: 0.8rem; }}
    .note {{ border-left: 4px solid #c90; padding-left: 1rem; }}
  </style>
</head>
<body>
  <h1>{esc(title)}</h1>
  <p class="note">This page shows what the credential <em>claims</em>. The page itself proves
  nothing: verify the credential to know that it is genuine, unchanged and still in force.</p>
  <table>
{rows}
  </table>
  <h2>Verify it</h2>
  <p>With the <code>leadbadge</code> command line, after pinning the issuer's published keys
  once (<code>leadbadge trust add</code>):</p>
  <pre>leadbadge verify --online {esc(link)}</pre>
  <p>or download <a href="{esc(json_url)}">the credential</a> and run
  <code>leadbadge verify credential.json</code>. This address commits to the credential's
  content: leadbadge checks that what it finds here is exactly the credential the address
  names.</p>
  <h2>The credential</h2>
  <pre>{esc(body)}</pre>
</body>
</html>
"""


def credential_pages(
    documents: Iterable[Mapping[str, Any]], base_url: str
) -> list[tuple[tuple[str, ...], bytes]]:
    """The files to publish for ``documents`` under the issuer's site ``base_url``: pairs of
    (path segments below the site root, contents)."""
    prefix = tuple(unquote(s) for s in urlsplit(base_url).path.split("/") if s)
    files: list[tuple[tuple[str, ...], bytes]] = []
    for document in documents:
        # The link id is a hash of the canonical JSON: computed once per credential.
        link = link_for(document, base_url)
        folder = (*prefix, LINK_SEGMENT, link.rsplit("/", 1)[-1])
        data = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        files.append(((*folder, "credential.json"), data.encode("utf-8")))
        files.append(((*folder, "index.html"), credential_page(document, link).encode("utf-8")))
    return files
