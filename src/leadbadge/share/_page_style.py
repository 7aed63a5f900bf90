"""The credential pages' stylesheet and Content Security Policy (:mod:`leadbadge.share.pages`).

The policy allows exactly this stylesheet, by its SHA-256, and images from the page's own site:
no script, no other style, nothing from elsewhere.
"""

from __future__ import annotations

import base64
import hashlib

__all__ = ["PAGE_CSP", "STYLE"]

STYLE = """
:root { color-scheme: light; --ink: #1b1b1b; --muted: #4a4a4a; --line: #c8c8c8;
  --accent: #0b4f8a; --card: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5;
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
a { color: var(--accent); }
a:focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
.page { max-width: 48rem; margin: 0 auto; padding: 1rem; }
.skip { position: absolute; left: -999rem; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; }
header.site { border-bottom: 1px solid var(--line); padding: .75rem 1rem; }
header.site p { max-width: 46rem; margin: 0 auto; color: var(--muted); }
.hero { display: flex; gap: 1.25rem; align-items: center; margin: 1.25rem 0; }
.hero img { width: 8.5rem; height: 8.5rem; flex: none; }
.hero h1 { font-size: 1.7rem; line-height: 1.2; margin: 0 0 .5rem; }
.hero p { margin: .25rem 0; }
.holder { font-size: 1.25rem; }
.muted { color: var(--muted); }
h2 { font-size: 1.3rem; margin: 2rem 0 .75rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: .25rem 0; }
section > h3 { margin-top: 1.25rem; }
.status { border: 2px solid; border-left-width: .6rem; border-radius: .4rem;
  padding: .5rem 1rem; margin: 1rem 0; }
.status h2 { border: 0; margin: .25rem 0; }
.status p { margin: .4rem 0; }
.status-active { border-color: #1d6b34; background: #eaf6ee; }
.status-active h2 { color: #14502a; }
.status-revoked { border-color: #a3191e; background: #fdecec; }
.status-revoked h2 { color: #8a1418; }
.status-suspended, .status-expired, .status-pending, .status-unknown {
  border-color: #8a5a00; background: #fff5e1; }
.status-suspended h2, .status-expired h2, .status-pending h2, .status-unknown h2 {
  color: #6b4500; }
.as-of { font-size: .95rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.facts div, .cards dl div { display: contents; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
.cards { list-style: none; padding: 0; margin: 0; display: grid; gap: .75rem; }
.cards > li { background: var(--card); border: 1px solid var(--line); border-radius: .4rem;
  padding: .75rem 1rem; }
.cards p { margin: .35rem 0; }
.cards dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem;
  margin: .5rem 0; }
.tag { font-size: .8rem; font-weight: 600; border: 1px solid var(--muted); border-radius: 1rem;
  padding: 0 .5rem; margin-left: .4rem; vertical-align: middle; color: var(--muted); }
.meter { display: flex; gap: .25rem; margin: .25rem 0; }
.meter span { width: 2rem; height: .5rem; border-radius: .25rem; border: 1px solid #1d4f80; }
.meter .on { background: #1d4f80; }
pre { background: var(--card); border: 1px solid var(--line); padding: .75rem; overflow-x: auto;
  white-space: pre-wrap; overflow-wrap: anywhere; font-size: .9rem; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  overflow-wrap: anywhere; }
footer { border-top: 1px solid var(--line); margin-top: 2.5rem; padding: 1rem 0;
  font-size: .9rem; color: var(--muted); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
@media (max-width: 32rem) {
  .hero { flex-direction: column; align-items: flex-start; }
  .hero img { width: 6.5rem; height: 6.5rem; }
  .hero h1 { font-size: 1.45rem; }
  dl.facts, .cards dl { grid-template-columns: 1fr; }
  dl.facts dd, .cards dl dd { margin-bottom: .4rem; }
}
@media print {
  body { font-size: 10.5pt; }
  .page { max-width: none; padding: 0; }
  .downloads, .skip { display: none; }
  header.site { border: 0; padding: 0 0 .5rem; }
  header.site p { max-width: none; }
  .cards > li, .status { break-inside: avoid; background: none; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
}
"""

_STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
#: The page's Content Security Policy: nothing runs, nothing loads but its own images and style.
PAGE_CSP = (
    f"default-src 'none'; img-src 'self'; style-src 'sha256-{_STYLE_HASH}'; "
    "base-uri 'none'; form-action 'none'"
)
