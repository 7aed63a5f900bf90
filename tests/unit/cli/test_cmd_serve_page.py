"""``leadbadge serve``'s options for the verification page reach the application it runs:
``--online`` (links followed, status lists fetched) and ``--max-upload``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

from leadbadge.serve.page import DEFAULT_MAX_UPLOAD
from tests.unit.cli._cli import ok
from tests.unit.serve._app import call

LINK = "https://academy.example.org/c/abc"


class _NotListening:
    """Stands in for uvicorn.Server: keeps the application instead of serving it."""

    apps: ClassVar[list[Any]] = []

    def __init__(self, config: Any) -> None:
        self.config = config
        self.started = False

    def run(self) -> None:
        _NotListening.apps.append(self.config.app)
        self.started = True


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    import uvicorn

    _NotListening.apps = []
    monkeypatch.setattr(uvicorn, "Server", _NotListening)
    return _NotListening.apps


def _page_config(app: Any) -> Any:
    route = next(r for r in app.routes if getattr(r, "path", None) == "/verify")
    return route.endpoint.__self__


def test_offline_by_default(served: list[Any], tmp_path: Path) -> None:
    result = ok("serve", "--trust", str(tmp_path / "trust"), "--port", "0")
    assert "reads nothing from the network" in result.output
    [app] = served
    page = _page_config(app)
    assert (page.online, page.limit) == (False, DEFAULT_MAX_UPLOAD)
    assert page.verifier.policy.status == "offline"
    refusal = call(app, "POST", "/verify?json", data={"link": LINK}).json()
    assert refusal["code"] == "link_needs_online"


def test_online_and_max_upload(served: list[Any], tmp_path: Path) -> None:
    args = ("--trust", str(tmp_path / "trust"), "--online", "--max-upload", "20000")
    result = ok("serve", *args)
    assert "follows links (--online)" in result.output
    [app] = served
    page = _page_config(app)
    assert (page.online, page.limit) == (True, 20000)
    assert page.verifier.policy.status == "online"
    big = call(app, "POST", "/verify?json", files={"file": ("big.json", b" " * 40_000)})
    assert big.status_code == 413
