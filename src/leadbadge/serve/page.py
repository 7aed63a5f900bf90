"""The verification page of ``leadbadge serve``: a person drops a credential, a photo of a QR
code or a link, and reads the verdict in plain words, every check, and a printable record.

``GET /`` (and ``/verify``) shows the form; ``POST /verify`` verifies what was sent (a
``multipart/form-data`` form, the page's own, which works without JavaScript; or the raw bytes
of a file) with the server's :class:`~leadbadge.Verifier` and trust store, as
``leadbadge verify`` does, and answers with the result page, or with the report as JSON for
``?format=json``, ``?json`` or ``Accept: application/json``. The issuer must be pinned for a
credential to be called valid here, whatever the VC-API endpoints require.

Uploads are read into memory up to ``ServeConfig.max_upload`` (413 past it) and dropped once
answered: nothing sent is written to disk, logged or kept. Links are followed only when the
server runs with ``online``. Every answer carries a strict Content Security Policy; the page's
style sheet and script are files of the package, served from here. docs/verification-page.md
describes the page.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from leadbadge import LeadbadgeError, Verifier, __version__
from leadbadge.errors import NetworkError
from leadbadge.serve.page_model import (
    credential_view,
    outcome,
    presentation_checks,
    presentation_views,
    shown_time,
)
from leadbadge.serve.vcapi import error_body
from leadbadge.verifier.decode import (
    MAX_INPUT_BYTES,
    CredentialSources,
    DecodedPresentation,
    decode_credential,
    decode_input,
)
from leadbadge.verifier.report import VerificationReport
from leadbadge.verifier.report_presentation import PresentationReport

if TYPE_CHECKING:
    from leadbadge.serve.app import ServeConfig
    from leadbadge.share.links import CredentialLink

__all__ = ["DEFAULT_MAX_UPLOAD", "SECURITY_HEADERS", "page_routes"]

log = logging.getLogger("leadbadge.serve")

#: The largest upload the page accepts by default: what the decoder reads at most.
DEFAULT_MAX_UPLOAD: Final = MAX_INPUT_BYTES

#: Sent with every page answer: nothing but the package's own files runs or loads, the page is
#: never framed, and a result (which names a person) is not cached or sent on as a referrer.
SECURITY_HEADERS: Final[Mapping[str, str]] = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "object-src 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}
_ASSETS: Final = {
    "page.css": "text/css; charset=utf-8",
    "page.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
_FIELDS: Final = ("file", "photo", "link")
_WHAT_TO_SEND = (
    "Choose a credential file (JSON or VC-JWT), a baked badge (PNG or SVG) or a presentation, "
    "take or choose a photo of the QR code on a résumé, or paste a credential link."
)
_LONGEST_LABEL = 120


class _RefusedError(Exception):
    """A request answered without a report: a status, a stable code and one sentence."""

    def __init__(self, status: int, code: str, message: str, action: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.action = status, code, message, action


@dataclasses.dataclass(frozen=True)
class _Given:
    """What the person sent: bytes of a file or photo, or the text of a link or QR code."""

    data: bytes | str
    label: str
    is_link: bool = False


@cache
def _templates() -> jinja2.Environment:
    folder = resources.files("leadbadge.serve") / "_assets"
    loader = jinja2.FunctionLoader(
        lambda name: (folder / name).read_text(encoding="utf-8") if name.endswith(".html") else None
    )
    # Autoescape everything: every value on the page may come from the credential.
    return jinja2.Environment(
        loader=loader, autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True
    )


@cache
def _asset(name: str) -> bytes:
    return (resources.files("leadbadge.serve") / "_assets" / name).read_bytes()


def _wants_json(request: Request) -> bool:
    query = request.query_params
    if "json" in query or query.get("format") == "json":
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def _label(name: str | None, fallback: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        return fallback
    return name if len(name) <= _LONGEST_LABEL else name[: _LONGEST_LABEL - 3] + "..."


class _Page:
    """The page's endpoints over one server configuration."""

    def __init__(
        self, config: ServeConfig, status_lists: Callable[[], Sequence[Mapping[str, Any]]] | None
    ) -> None:
        base = config.verifier
        # "Valid" on this page tells a person the credential can be relied on: the issuer must be
        # pinned (or accredited by a pinned authority), as `leadbadge verify` requires.
        self.verifier = Verifier(
            base.trust_store,
            dataclasses.replace(base.policy, require_trusted_issuer=True),
            sources=base.sources,
            status_client=base.status_client,
        )
        self.config = config
        self.online = config.online
        self.limit = config.max_upload
        self.status_lists = status_lists

    # --- answers -------------------------------------------------------------------------

    def _html(self, request: Request, status: int = 200, **context: Any) -> Response:
        body = (
            _templates()
            .get_template("page.html")
            .render(
                max_upload=_size(self.limit),
                online=self.online,
                version=__version__,
                host=request.url.netloc,
                **{"result": None, "refusal": None, **context},
            )
        )
        return Response(body, status, media_type="text/html", headers=dict(SECURITY_HEADERS))

    def _refusal(self, request: Request, refused: _RefusedError, as_json: bool) -> Response:
        if as_json:
            body = error_body(refused.status, refused.code, refused.message)
            if refused.action:
                body["action"] = refused.action
            return JSONResponse(body, refused.status, headers=dict(SECURITY_HEADERS))
        return self._html(request, refused.status, refusal=refused)

    async def form(self, request: Request) -> Response:
        return self._html(request)

    async def asset(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in _ASSETS:
            return Response(
                "Not found.", 404, media_type="text/plain", headers=dict(SECURITY_HEADERS)
            )
        headers = {**SECURITY_HEADERS, "Cache-Control": "max-age=3600"}
        return Response(_asset(name), media_type=_ASSETS[name], headers=headers)

    async def verify(self, request: Request) -> Response:
        as_json = _wants_json(request)
        try:
            given = await self._given(request)
            report, documents = await run_in_threadpool(self._check, given)
            if as_json:
                return JSONResponse(report.to_json(), headers=dict(SECURITY_HEADERS))
            return self._html(request, result=self._result(report, documents))
        except _RefusedError as refused:
            return self._refusal(request, refused, as_json)
        except Exception as error:  # noqa: BLE001 - no traceback ever reaches a person
            # The type only: a message could quote the upload.
            log.error("internal error on the verification page: %s", type(error).__name__)  # noqa: TRY400
            failed = _RefusedError(
                500, "internal_error", "The server failed to answer.", "Try again."
            )
            return self._refusal(request, failed, as_json)

    # --- reading what was sent -----------------------------------------------------------

    async def _body(self, request: Request) -> AsyncGenerator[bytes, None]:
        too_large = _RefusedError(
            413,
            "upload_too_large",
            f"The upload is larger than this server accepts ({_size(self.limit)}).",
            "Send a smaller file: the credential file itself rather than a document holding it, "
            "or a photo of the QR code taken closer or at a lower resolution.",
        )
        declared = request.headers.get("content-length", "")
        # The form's own fields and boundaries add a little to the file.
        if declared.isdigit() and int(declared) > self.limit + 16 * 1024:
            raise too_large
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.limit + 16 * 1024:
                raise too_large
            yield chunk

    async def _given(self, request: Request) -> _Given:
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "multipart/form-data":
            parser = MultiPartParser(
                request.headers,
                self._body(request),
                max_files=2,
                max_fields=4,
                max_part_size=self.limit,
            )
            # Kept in memory whatever its size (the body is bounded above): an upload is never
            # spooled to a temporary file on disk.
            parser.spool_max_size = self.limit + 1
            try:
                form = await parser.parse()
            except MultiPartException:
                raise _RefusedError(
                    400, "invalid_form", "The form could not be read.", _WHAT_TO_SEND
                ) from None
            try:
                fields = {name: form.getlist(name) for name in _FIELDS}
                return await self._one(fields)
            finally:
                await form.close()
        chunks = [chunk async for chunk in self._body(request)]
        raw = b"".join(chunks)
        if media == "application/x-www-form-urlencoded":
            try:
                parsed = parse_qs(raw.decode("utf-8"), max_num_fields=4)
            except (UnicodeDecodeError, ValueError):
                raise _RefusedError(400, "invalid_form", "The form could not be read.") from None
            return await self._one({"link": list(parsed.get("link", []))})
        if not raw:
            raise _RefusedError(400, "nothing_sent", "Nothing was sent to verify.", _WHAT_TO_SEND)
        return _Given(raw, "the request body")

    async def _one(self, fields: Mapping[str, list[str | UploadFile]]) -> _Given:
        given: list[_Given] = []
        for name in _FIELDS:
            for value in fields.get(name, []):
                if isinstance(value, UploadFile):
                    data = await value.read(self.limit + 1)
                    if len(data) > self.limit:
                        raise _RefusedError(
                            413,
                            "upload_too_large",
                            f"The upload is larger than this server accepts ({_size(self.limit)}).",
                        )
                    if data:
                        fallback = "the photo" if name == "photo" else "the file"
                        given.append(_Given(data, _label(value.filename, fallback)))
                elif value.strip():
                    text = value.strip()
                    is_link = text.lower().startswith(("https://", "http://"))
                    given.append(_Given(text, _label(text, "the pasted text"), is_link=is_link))
        if not given:
            raise _RefusedError(400, "nothing_sent", "Nothing was sent to verify.", _WHAT_TO_SEND)
        if len(given) > 1:
            raise _RefusedError(
                400,
                "more_than_one",
                "More than one thing was sent: a file, a photo and a link are checked one at a "
                "time.",
                "Send only the one you want checked.",
            )
        if given[0].is_link and not self.online:
            raise _RefusedError(
                400,
                "link_needs_online",
                "This server does not follow links: it was started without --online, so it "
                "reads nothing from the network.",
                "Open the link yourself, download the credential file (or the badge image) "
                "from that page, and upload the file here.",
            )
        return given[0]

    # --- verifying -----------------------------------------------------------------------

    def _check(
        self, given: _Given
    ) -> tuple[VerificationReport | PresentationReport, list[Mapping[str, Any] | None]]:
        lists = list(self.status_lists()) if self.status_lists is not None else []
        sources = _fetching_once(self.verifier.sources or CredentialSources())
        # The same verifier, its sources remembering what this request fetched: the document is
        # decoded twice (for the report, then for its competencies) but a link is fetched once.
        verifier = Verifier(
            self.verifier.trust_store,
            self.verifier.policy,
            sources=sources,
            status_client=self.verifier.status_client,
        )
        try:
            report = verifier.verify_any(
                given.data, now=self.config.clock(), source=given.label, status_lists=lists
            )
        except NetworkError as error:
            raise _RefusedError(
                502,
                error.code,
                _sentence(error.message),
                "Try again later, or download the credential file and upload it here.",
            ) from None
        except LeadbadgeError as error:
            raise _RefusedError(400, error.code, _sentence(error.message), _WHAT_TO_SEND) from None
        return report, _documents(given, sources)

    def _result(
        self,
        report: VerificationReport | PresentationReport,
        documents: list[Mapping[str, Any] | None],
    ) -> dict[str, Any]:
        verified_at = shown_time(report.evaluated_at)
        if isinstance(report, PresentationReport):
            summary = report.summary
            return {
                "kind": "presentation",
                "input": report.input,
                "outcome": outcome(report),
                "verified_at": verified_at,
                "verified_at_iso": report.to_json()["evaluatedAt"],
                "holder": summary.holder,
                "checks": presentation_checks(report),
                "credentials": presentation_views(report, documents),
            }
        return {
            "kind": "credential",
            "input": report.input,
            "outcome": outcome(report),
            "verified_at": verified_at,
            "verified_at_iso": report.to_json()["evaluatedAt"],
            "credentials": (credential_view(report, documents[0] if documents else None),),
        }


def _fetching_once(sources: CredentialSources) -> CredentialSources:
    """``sources`` remembering each link's answer, for the length of one request."""
    fetched: dict[str, bytes | None] = {}
    links = sources.links

    def linked(link: CredentialLink) -> bytes | None:
        if link.json_url not in fetched and links is not None:
            fetched[link.json_url] = links(link)
        return fetched.get(link.json_url)

    return CredentialSources(achievements=sources.achievements, links=linked)


def _documents(given: _Given, sources: CredentialSources) -> list[Mapping[str, Any] | None]:
    """The credential(s) as decoded, for their competencies and evidence (None for an entry of
    a presentation that cannot be read)."""
    try:
        decoded = decode_input(given.data, source=given.label, sources=sources)
    except LeadbadgeError:
        return []
    if not isinstance(decoded, DecodedPresentation):
        return [decoded.document]
    entries = decoded.document.get("verifiableCredential")
    return [_entry(item) for item in (entries if isinstance(entries, list) else [entries])]


def _entry(item: Any) -> Mapping[str, Any] | None:
    if isinstance(item, str):
        try:
            return decode_credential(item).document
        except LeadbadgeError:
            return None
    if isinstance(item, Mapping) and "EnvelopedVerifiableCredential" not in json.dumps(
        item.get("type")
    ):
        return item
    return None


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit / 1024:g} KB"


def page_routes(
    config: ServeConfig,
    *,
    status_lists: Callable[[], Sequence[Mapping[str, Any]]] | None = None,
) -> list[Route]:
    """The page's routes, for :func:`~leadbadge.serve.create_app` to put before its own.

    ``status_lists`` gives the server's own status list credentials, handed in with every
    credential (its issuer's credentials verify without the server fetching from itself).
    """
    page = _Page(config, status_lists)
    return [
        Route("/", page.form, methods=["GET"]),
        Route("/verify", page.form, methods=["GET"]),
        Route("/verify", page.verify, methods=["POST"]),
        Route("/static/{name}", page.asset, methods=["GET"]),
    ]
