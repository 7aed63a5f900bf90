"""Browser tests: headless Chromium driven by Playwright, pages served from 127.0.0.1.

The browser is the system's Chromium (``/usr/bin/chromium``, the Debian package; another with
``LEADBADGE_CHROMIUM``), never one Playwright downloads, launched once per session with a new
empty profile folder and everything that would reach the network switched off. Without Playwright
or the browser the tests skip with one reason; under ``LEADBADGE_REQUIRE_SHARED=1`` (CI, which
installs both) they fail instead.

Fixtures for any page leadbadge serves or publishes:

- ``browser``: the session's :class:`playwright.sync_api.Browser`;
- ``open_page(url, viewport=..., mobile=..., media=...)``: a :class:`WatchedPage` in a fresh
  context, recording console errors, page errors, failed requests and CSP violations;
- ``serve_folder(folder)``: serves a folder (a published site) at the root of a loopback HTTP
  server and returns its base URL; stopped after the test;
- ``screenshot(page, name)``: saves a full-page PNG under ``test-artifacts/screenshots/`` (git
  ignored) and prints its path; the session ends by printing the folder.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import REPO_ROOT, require_shared

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request

CHROMIUM = Path(os.environ.get("LEADBADGE_CHROMIUM", "/usr/bin/chromium"))
#: Headless, and nothing that would reach the network on its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

_saved: list[Path] = []


def _unavailable(reason: str) -> None:
    if require_shared():
        pytest.fail(f"{reason} (LEADBADGE_REQUIRE_SHARED=1)")
    pytest.skip(reason)


# Autouse, so a missing browser skips a test before any other fixture does its work.
# Package scope, not session: Playwright's sync API keeps an event loop running in this thread
# while it is started, and tests elsewhere that call asyncio.run() must not meet it.
@pytest.fixture(scope="package", autouse=True)
def _playwright() -> Iterator[Playwright]:
    reason = (
        f"headless Chromium not available: browser tests need the playwright package and "
        f"{CHROMIUM} (apt-get install chromium)"
    )
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(reason)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable(reason)
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="package")
def browser(_playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """Chromium with a new empty profile folder; each test opens its own context in it."""
    profile = tmp_path_factory.mktemp("chromium-profile")
    context = _playwright.chromium.launch_persistent_context(
        profile,
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
    )
    assert context.browser is not None
    try:
        yield context.browser
    finally:
        context.close()


@dataclass
class WatchedPage:
    """A page and what went wrong while it was open."""

    page: Page
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [*self.console_errors, *self.page_errors, *self.failed_requests, *self.dialogs]

    def csp_violations(self) -> list[str]:
        """Content Security Policy violations the page reported (to its console)."""
        return [m for m in self.console_errors if "Content Security Policy" in m]


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., WatchedPage]]:
    """``open_page(url, viewport=DESKTOP, mobile=False, media="screen")`` -> WatchedPage."""
    contexts = []

    def open_(
        url: str,
        *,
        viewport: dict[str, int] | None = None,
        mobile: bool = False,
        media: str = "screen",
    ) -> WatchedPage:
        context = browser.new_context(
            viewport=viewport or (PHONE if mobile else DESKTOP),  # type: ignore[arg-type]
            is_mobile=mobile,
            has_touch=mobile,
            device_scale_factor=2 if mobile else 1,
            accept_downloads=True,
            service_workers="block",
        )
        contexts.append(context)
        # A check that waits for something missing fails in seconds, not half a minute.
        context.set_default_timeout(5_000)
        page = context.new_page()
        watched = WatchedPage(page)

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                watched.console_errors.append(message.text)

        def on_failed(request: Request) -> None:
            watched.failed_requests.append(f"{request.url}: {request.failure}")

        def on_dialog(dialog: Any) -> None:
            watched.dialogs.append(f"dialog: {dialog.message}")
            dialog.dismiss()

        page.on("console", on_console)
        page.on("pageerror", lambda error: watched.page_errors.append(str(error)))
        page.on("requestfailed", on_failed)
        page.on("dialog", on_dialog)
        page.emulate_media(media=media)  # type: ignore[arg-type]
        response = page.goto(url, wait_until="load")
        assert response is not None
        assert response.ok, f"{url}: HTTP {response.status}"
        return watched

    yield open_
    for context in contexts:
        context.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve_folder() -> Iterator[Callable[[Path], str]]:
    """``serve_folder(folder)`` -> ``http://127.0.0.1:<port>``, the folder at the root."""
    servers: list[tuple[ThreadingHTTPServer, threading.Thread]] = []

    def serve(folder: Path) -> str:
        handler = partial(_QuietHandler, directory=str(folder))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def _screenshot_folder() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def screenshot(
    request: pytest.FixtureRequest, _screenshot_folder: Path
) -> Callable[[Page, str], Path]:
    """``screenshot(page, name)``: a full-page PNG named after the test and ``name``."""
    test = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")

    def take(page: Page, name: str) -> Path:
        path = _screenshot_folder / f"{test}--{name}.png"
        page.screenshot(path=str(path), full_page=True)
        _saved.append(path)
        print(f"screenshot: {path}")
        return path

    return take


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _saved:
        terminalreporter.write_line(f"browser screenshots ({len(_saved)}): {SCREENSHOTS}")
