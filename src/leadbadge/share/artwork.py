"""The badge image ``leadbadge publish`` bakes each credential into: a plain SVG medal naming the
achievement and the issuer.

The image is made from the credential's own text, so every name is XML-escaped; its colour comes
from the achievement id, so every credential of one tier looks the same and tiers differ. It has
no script, no external reference and no DOCTYPE: it passes :func:`leadbadge.share.bake.bake`'s
checks and shows the same in any viewer.
"""

from __future__ import annotations

import hashlib
from xml.sax.saxutils import escape, quoteattr

__all__ = ["badge_svg"]

_SIZE = 240
_LINE_CHARS = 17
_MAX_LINES = 4
_ISSUER_CHARS = 28


def _lines(text: str, width: int, count: int) -> list[str]:
    """``text`` wrapped at word boundaries into at most ``count`` lines of about ``width``."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for whole in words:
        word = whole if len(whole) <= width else whole[: width - 1] + "…"
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width:
            current = candidate
            continue
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    if len(lines) > count:
        lines = lines[:count]
        last = lines[-1]
        lines[-1] = (last[: width - 1] if len(last) >= width else last) + "…"
    return lines or [""]


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def badge_svg(title: str, issuer: str, *, seed: str) -> bytes:
    """An SVG badge showing ``title`` (the achievement) and ``issuer``, coloured by ``seed``."""
    hue = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:2], "big") % 360
    # Dark enough that white text keeps a contrast above 7:1 whatever the hue.
    fill = f"hsl({hue}, 55%, 24%)"
    ring = f"hsl({hue}, 45%, 70%)"
    lines = _lines(" ".join(title.split()), _LINE_CHARS, _MAX_LINES)
    size = 19 if len(lines) <= 3 else 17
    step = size + 4
    top = 112 - (len(lines) - 1) * step / 2
    texts = "\n".join(
        f'  <text x="120" y="{top + i * step:.1f}" font-size="{size}" font-weight="700">'
        f"{escape(line)}</text>"
        for i, line in enumerate(lines)
    )
    label = quoteattr(f"{' '.join(title.split())} badge from {' '.join(issuer.split())}")
    return f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_SIZE} {_SIZE}" \
width="{_SIZE}" height="{_SIZE}" role="img" aria-label={label}>
  <title>{escape(" ".join(title.split()))}</title>
  <circle cx="120" cy="120" r="116" fill="{fill}"/>
  <circle cx="120" cy="120" r="104" fill="none" stroke="{ring}" stroke-width="3"/>
  <g fill="#ffffff" font-family="'Helvetica Neue', Arial, sans-serif" text-anchor="middle">
  <text x="120" y="52" font-size="20" aria-hidden="true">★</text>
{texts}
  <text x="120" y="186" font-size="9.5">{escape(_short(issuer, _ISSUER_CHARS))}</text>
  </g>
</svg>
""".encode()
