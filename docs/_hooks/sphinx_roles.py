"""mkdocs hook: shows the Sphinx roles of leadbadge's docstrings as plain code in the API pages.

The docstrings cross-reference with Sphinx roles (``:class:`InputError```), which Markdown
renders as the role name followed by a code span. This hook drops the role and the ``~``
shortening marker, leaving the code span (the last dotted component for ``~``).
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj|const):<code>(~?)([^<]*)</code>")


def _code(match: re.Match[str]) -> str:
    shorten, target = match.groups()
    return f"<code>{target.rsplit('.', 1)[-1] if shorten else target}</code>"


def on_page_content(html: str, **_: Any) -> str:
    """The page's HTML with every role dropped before its code span."""
    return _ROLE.sub(_code, html)
