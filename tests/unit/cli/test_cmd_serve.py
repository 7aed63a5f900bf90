"""``leadbadge serve``'s refusals before it listens: the missing extra, options that do not go
together, an issuer without a bearer token or TLS beyond this machine."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.unit.cli._cli import ENV, ok, refused

TOKEN = "cli-serve-token-0123456789"


def test_without_the_extra_it_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # A None entry in sys.modules makes the import fail as if the package were absent.
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    sentence = refused("serve")
    assert "pip install 'leadbadge[serve]'" in sentence


def test_tls_cert_and_key_go_together(tmp_path: Path) -> None:
    cert = tmp_path / "cert.pem"
    cert.write_text("-")
    assert "--tls-cert and --tls-key go together" in refused("serve", "--tls-cert", str(cert))


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-serve") / "home"
    ok("init", str(path), "--name", "Academy", "--url", "https://academy.example.org")
    return path


def test_issuing_needs_a_token(home: Path) -> None:
    env = {**ENV, "LEADBADGE_SERVE_TOKEN": None}
    assert "LEADBADGE_SERVE_TOKEN" in refused("serve", "--issuer", str(home), env=env)


def test_a_short_token_is_refused(home: Path, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("short\n")
    sentence = refused("serve", "--issuer", str(home), "--token-file", str(token))
    assert "at least 16 characters" in sentence


def test_issuing_beyond_loopback_needs_tls(home: Path) -> None:
    env = {**ENV, "LEADBADGE_SERVE_TOKEN": TOKEN}
    sentence = refused("serve", "--issuer", str(home), "--host", "192.0.2.10", env=env)
    assert "--tls-cert" in sentence


def test_the_help_names_the_extra_and_the_exit_codes() -> None:
    text = ok("serve", "--help").stdout
    assert "pip install 'leadbadge[serve]'" in text
    assert "3 usage error" in text
