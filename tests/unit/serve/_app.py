"""In-process calls to the VC-API app (httpx's ASGITransport), and checks of every answer
against the OpenAPI document the app serves."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from starlette.applications import Starlette

from leadbadge.serve.openapi import openapi_document

BASE_URL = "https://127.0.0.1:8443"
TOKEN = "serve-test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def call(app: Starlette, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """One request to ``app``, in process."""

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(go())


def documented(response: httpx.Response, path: str, method: str) -> Any:
    """The JSON body of ``response``, after checking the OpenAPI document declares its status
    for ``method path`` and its body matches the declared schema."""
    document = openapi_document()
    operation = document["paths"][path][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {path} does not document {status}"
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    # The components travel with the schema so its $refs resolve.
    Draft202012Validator({**schema, "components": document["components"]}).validate(body)
    return body
