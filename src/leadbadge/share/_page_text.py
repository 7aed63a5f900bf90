"""Reading a credential's values and writing them as escaped HTML, for the credential pages
(:mod:`leadbadge.share.pages`).

Values come from strangers: every string is escaped, a link is made only from an http(s) URL,
and of Markdown only what leadbadge's evidence narratives use is read (``- **Label:** value``
lines, lists, ``**bold**`` and backslash escapes); everything else stays text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "esc",
    "genre",
    "id_of",
    "inline",
    "link",
    "narrative",
    "obj",
    "objs",
    "recipient_name",
    "text_of",
    "time_html",
    "time_of",
    "web_url",
]

_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


# --- reading the credential ----------------------------------------------------------------


def text_of(value: Any) -> str | None:
    """A plain string of a JSON-LD value (a string, a value object, or the first of a list)."""
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, Mapping) and isinstance(value.get("@value"), str):
        return text_of(value["@value"])
    if isinstance(value, list):
        return next((t for t in map(text_of, value) if t), None)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return f"{value:g}"
    return None


def obj(value: Any) -> Mapping[str, Any]:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, Mapping) else {}


def objs(value: Any) -> list[Mapping[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, Mapping)]


def id_of(value: Any) -> str | None:
    if isinstance(value, Mapping):
        return text_of(value.get("id"))
    return text_of(value)


def time_of(value: Any) -> datetime | None:
    text = text_of(value)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def web_url(value: Any) -> str | None:
    """``value`` if it is an http(s) URL a reader may follow, else None (no other schemes)."""
    text = text_of(value)
    if text is None or any(c.isspace() for c in text):
        return None
    parts = urlsplit(text)
    return text if parts.scheme in ("https", "http") and parts.netloc else None


def recipient_name(document: Mapping[str, Any]) -> str | None:
    """The holder's name as the credential gives it: an unhashed ``name`` identifier, or the
    subject's ``name``. The credential identifies the holder otherwise only by salted hashes."""
    subject = obj(document.get("credentialSubject"))
    for item in objs(subject.get("identifier")):
        if item.get("identityType") == "name" and item.get("hashed") is False:
            name = text_of(item.get("identityHash"))
            if name:
                return name
    return text_of(subject.get("name"))


# --- writing HTML ----------------------------------------------------------------------------


def esc(value: str) -> str:
    return html.escape(value, quote=True)


def _date(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def time_html(moment: datetime, *, with_time: bool = False) -> str:
    moment = moment.astimezone(UTC)
    stamp = moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    shown = _date(moment) + (f", {moment:%H:%M} UTC" if with_time else "")
    return f'<time datetime="{stamp}">{esc(shown)}</time>'


def link(url: str | None, text: str) -> str:
    """``text`` as a link to ``url`` when it is a web URL, as plain text otherwise."""
    if url is None:
        return esc(text)
    return f'<a href="{esc(url)}" rel="nofollow noopener noreferrer">{esc(text)}</a>'


_INLINE = re.compile(r"\\([!-/:-@\[-`{-~])|\*\*(?=\S)(.+?)(?<=\S)\*\*")


def inline(text: str) -> str:
    """Escaped text, as Markdown writes it in evidence narratives: a backslash-escaped character
    shown as itself, ``**bold**`` made strong. No other markup is recognised."""
    out, last = [], 0
    for match in _INLINE.finditer(text):
        out.append(esc(text[last : match.start()]))
        if match[1] is not None:
            out.append(esc(match[1]))
        else:
            out.append(f"<strong>{inline(match[2])}</strong>")
        last = match.end()
    out.append(esc(text[last:]))
    return "".join(out)


_FIELD = re.compile(r"^[-*]\s+\*\*(?P<label>[^*]{1,80}?):\*\*\s*(?P<value>.*)$")
_ITEM = re.compile(r"^[-*]\s+(?P<value>.*)$")


def narrative(text: str) -> str:
    """A narrative in a small Markdown subset: ``- **Label:** value`` lines become a definition
    list, other ``- `` lines a list, the rest paragraphs. Everything else stays text."""
    blocks: list[str] = []
    kind = ""
    rows: list[str] = []

    def flush() -> None:
        if rows:
            tag = {"field": "dl", "item": "ul"}.get(kind)
            inner = "\n".join(rows)
            blocks.append(f"<{tag}>\n{inner}\n</{tag}>" if tag else inner)
            rows.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
            kind = ""
            continue
        field, item = _FIELD.match(line), _ITEM.match(line)
        now = "field" if field else "item" if item else "para"
        if now != kind:
            flush()
            kind = now
        if field:
            rows.append(
                f"<div><dt>{inline(field['label'])}</dt><dd>{inline(field['value'])}</dd></div>"
            )
        elif item:
            rows.append(f"<li>{inline(item['value'])}</li>")
        else:
            rows.append(f"<p>{inline(line)}</p>")
    flush()
    return "\n".join(blocks)


_GENRES = {
    "internship": "Internship",
    "mentoring": "Mentoring",
    "portfolio": "Portfolio",
    "coursework": "Coursework",
    "assessment": "Assessment",
    "observation": "Observation",
}


def genre(value: str) -> str:
    return _GENRES.get(value.lower(), value[:1].upper() + value[1:])
