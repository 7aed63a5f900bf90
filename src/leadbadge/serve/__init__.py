"""``leadbadge serve``: the VC-API endpoints over the public API, an optional extra
(``pip install 'leadbadge[serve]'``: Starlette and uvicorn).

:func:`create_app` builds the ASGI application from a :class:`ServeConfig`; docs/serve.md
describes the endpoints, their answers and how to run them.
"""

from __future__ import annotations

from leadbadge.serve.app import DEFAULT_MAX_BODY, ServeConfig, create_app

__all__ = ["DEFAULT_MAX_BODY", "ServeConfig", "create_app"]
