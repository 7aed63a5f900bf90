"""The VC-API application: verify and issue credentials over HTTP, and publish the issuer's
status lists, as a Starlette (ASGI) app that ``leadbadge serve`` runs with uvicorn.

Every answer is JSON, errors included (one sentence in ``detail``, a stable ``code``); nothing
the client sends can produce a traceback. Request bodies are read up to a bound and refused
with 413 past it. Issuing needs the bearer token, compared in constant time; the token and the
request bodies are never logged. docs/serve.md describes the endpoints.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from leadbadge import Issuer, LeadbadgeError, Verifier
from leadbadge.serve.openapi import openapi_document
from leadbadge.serve.page import DEFAULT_MAX_UPLOAD, page_routes
from leadbadge.serve.status import StatusLists
from leadbadge.serve.vcapi import (
    BodyError,
    check_options,
    error_body,
    object_member,
    parse_body,
    verification_result,
)

__all__ = ["DEFAULT_MAX_BODY", "ServeConfig", "create_app"]

#: The largest request body accepted, in bytes: a credential is a few kilobytes, an image-laden
#: one a few hundred.
DEFAULT_MAX_BODY: Final = 1024 * 1024

log = logging.getLogger("leadbadge.serve")

_POST_ONLY: Final = frozenset(
    {"/credentials/verify", "/credentials/issue", "/presentations/verify"}
)


@dataclass
class ServeConfig:
    """What the server verifies with, issues with, and accepts."""

    verifier: Verifier
    #: The issuer home, opened with its key; None: the server only verifies.
    issuer: Issuer | None = None
    #: The bearer token ``POST /credentials/issue`` requires (required with an issuer).
    token: str | None = None
    max_body: int = DEFAULT_MAX_BODY
    #: The verifier's clock (default: the current time).
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    #: Whether the verification page follows credential links (the only network reads it makes).
    online: bool = False
    #: The largest file the verification page accepts, in bytes (a phone's photo of a QR code
    #: is a few megabytes).
    max_upload: int = DEFAULT_MAX_UPLOAD


class _RefusedError(Exception):
    """A request refused with a status code and a JSON error body."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = error_body(status, code, message, field=field)
        self.headers = headers


def _json(content: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(content, status_code=status, headers=headers)


class _Service:
    """The endpoints over one configuration."""

    def __init__(self, config: ServeConfig) -> None:
        if config.issuer is not None and not config.token:
            raise ValueError("An issuing server needs a bearer token.")
        if config.max_body < 1:
            raise ValueError("max_body must be positive.")
        self.config = config
        self.status = StatusLists(config.issuer) if config.issuer is not None else None
        # Issuer re-reads its home before each signature; one issue at a time keeps that safe.
        self._issuing = threading.Lock()
        self._token = config.token.encode("utf-8") if config.token else b""

    async def body(self, request: Request) -> dict[str, Any]:
        media = request.headers.get("content-type", "application/json").split(";")[0].strip()
        if media != "application/json" and not media.endswith("+json"):
            raise _RefusedError(
                415, "unsupported_media_type", "Send the request body as application/json."
            )
        limit = self.config.max_body
        declared = request.headers.get("content-length")
        too_large = _RefusedError(
            413, "body_too_large", f"The request body is larger than {limit} bytes."
        )
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise too_large
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
        try:
            return parse_body(b"".join(chunks))
        except BodyError as error:
            raise _RefusedError(400, "invalid_request", error.message, field=error.field) from None

    @staticmethod
    def member(body: dict[str, Any], name: str) -> dict[str, Any]:
        try:
            check_options(body)
            return object_member(body, name)
        except BodyError as error:
            raise _RefusedError(400, "invalid_request", error.message, field=error.field) from None

    async def verify_credential(self, request: Request) -> Response:
        body = await self.body(request)
        credential = self.member(body, "verifiableCredential")
        lists = await self.own_status_lists()
        verifier = self.config.verifier
        try:
            report = await run_in_threadpool(
                lambda: verifier.verify(
                    credential, now=self.config.clock(), source="request", status_lists=lists
                )
            )
        except LeadbadgeError as error:
            raise _RefusedError(400, error.code, error.message) from None
        result = verification_result(report)
        return _json(result, 200 if result["verified"] else 400)

    def _authorize(self, request: Request) -> None:
        challenge = {"WWW-Authenticate": 'Bearer realm="leadbadge"'}
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            raise _RefusedError(
                401,
                "unauthorized",
                "Issuing needs the server's bearer token in an Authorization header.",
                headers=challenge,
            )
        if not hmac.compare_digest(given.strip().encode("utf-8"), self._token):
            raise _RefusedError(
                401, "unauthorized", "The bearer token is not this server's.", headers=challenge
            )

    async def issue_credential(self, request: Request) -> Response:
        issuer = self.config.issuer
        if issuer is None:
            raise _RefusedError(
                404,
                "no_issuer",
                "This server issues no credentials; start it with --issuer to issue.",
            )
        self._authorize(request)
        body = await self.body(request)
        credential = self.member(body, "credential")

        def sign() -> dict[str, Any]:
            with self._issuing:
                return issuer.sign(credential).document

        try:
            signed = await run_in_threadpool(sign)
        except LeadbadgeError as error:
            raise _RefusedError(
                400, error.code, error.message, field=getattr(error, "field", None)
            ) from None
        # As JSON: the id is the caller's, and must not start a log line of its own.
        log.info("issued %s", json.dumps(signed.get("id"), ensure_ascii=True))
        return _json({"verifiableCredential": signed}, 201)

    async def verify_presentation(self, request: Request) -> Response:
        body = await self.body(request)
        presentation = self.member(body, "verifiablePresentation")
        options = body.get("options") or {}
        wanted: dict[str, str | None] = {}
        for name in ("challenge", "domain"):
            value = options.get(name)
            if value is not None and not isinstance(value, str):
                raise _RefusedError(
                    400, "invalid_request", f"The option {name!r} must be a string.", field=name
                )
            wanted[name] = value
        lists = await self.own_status_lists()
        verifier = self.config.verifier
        try:
            report = await run_in_threadpool(
                lambda: verifier.verify_presentation(
                    presentation,
                    challenge=wanted["challenge"],
                    domain=wanted["domain"],
                    now=self.config.clock(),
                    source="request",
                    status_lists=lists,
                )
            )
        except LeadbadgeError as error:
            raise _RefusedError(400, error.code, error.message) from None
        result = verification_result(report)
        return _json(result, 200 if result["verified"] else 400)

    async def own_status_lists(self) -> Sequence[dict[str, Any]]:
        """The server's own lists, handed in as a holder would staple them: its issuer's
        credentials verify here without the server fetching from itself."""
        if self.status is None:
            return ()
        return list((await run_in_threadpool(self.status.current)).values())

    async def status_list(self, request: Request) -> Response:
        if request.url.path in _POST_ONLY:
            # The catch-all GET route would otherwise answer these with 404.
            raise _RefusedError(
                405,
                "method_not_allowed",
                f"{request.method} is not allowed on {request.url.path}; use POST.",
                headers={"Allow": "POST"},
            )
        document = None
        if self.status is not None:
            document = await run_in_threadpool(self.status.by_path, request.url.path)
        if document is None:
            raise _RefusedError(404, "not_found", f"Nothing is published at {request.url.path}.")
        return _json(document, headers={"Cache-Control": "max-age=300"})

    async def openapi(self, request: Request) -> Response:
        return _json(openapi_document())


def _guarded(
    handler: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """``handler`` answering every refusal, and every unexpected failure, with a JSON body."""

    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except _RefusedError as refused:
            # The code only: the sentence may quote the request's content.
            log.info(
                "%s %s refused: %d %s",
                request.method,
                request.url.path,
                refused.status,
                refused.body["code"],
            )
            return _json(refused.body, refused.status, refused.headers)
        except Exception as error:  # noqa: BLE001 - no traceback ever reaches a client
            # The type only: a message could quote the request.
            log.error(  # noqa: TRY400 - a traceback could quote the request
                "internal error in %s: %s", request.url.path, type(error).__name__
            )
            body = error_body(500, "internal_error", "The server failed to answer; try again.")
            return _json(body, 500)

    return run


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    messages = {
        404: f"Nothing is published at {request.url.path}.",
        405: f"{request.method} is not allowed on {request.url.path}.",
    }
    code = {404: "not_found", 405: "method_not_allowed"}.get(status, "http_error")
    message = messages.get(status, "The request could not be answered.")
    headers = dict(exc.headers) if isinstance(exc, HTTPException) and exc.headers else None
    return _json(error_body(status, code, message), status, headers)


def create_app(config: ServeConfig) -> Starlette:
    """The ASGI application for ``config`` (docs/serve.md)."""
    service = _Service(config)
    routes = [
        Route("/credentials/verify", _guarded(service.verify_credential), methods=["POST"]),
        Route("/credentials/issue", _guarded(service.issue_credential), methods=["POST"]),
        Route("/presentations/verify", _guarded(service.verify_presentation), methods=["POST"]),
        Route("/openapi.json", _guarded(service.openapi), methods=["GET"]),
        # The verification page for people (docs/verification-page.md), before the catch-all.
        *page_routes(
            config,
            status_lists=(lambda: list(status.current().values()))
            if (status := service.status) is not None
            else None,
        ),
        # Status lists live under the issuer's URL path, whatever it is (<path>/status/<n>.json).
        Route("/{path:path}", _guarded(service.status_list), methods=["GET"]),
    ]
    return Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error, Exception: _http_error},
    )
