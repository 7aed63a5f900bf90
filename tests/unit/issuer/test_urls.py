"""The issuer URL: one check for ``init`` (library and command) and ``publish`` (its test is in
test_publish.py) that refuses addresses whose folders could be read as other folders, and
accepts ordinary ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from leadbadge.cli import cli
from leadbadge.errors import InputError, IssuerHomeError
from leadbadge.issuer.home import IssuerHome
from leadbadge.issuer.urls import check_issuer_url, site_folders
from tests.conftest import FIXED_NOW

PASSPHRASE = "correct horse battery staple"

#: Each would let a folder of the URL be read as another one (or is not a folder's address).
HOSTILE = {
    "dot-dot": "https://x.example/../../outside",
    "dot-dot-after-a-folder": "https://x.example/leadership/../outside",
    "dot": "https://x.example/./leadership",
    "encoded-dots": "https://x.example/%2e%2e/outside",
    "encoded-dots-upper": "https://x.example/lead/%2E%2E/outside",
    "encoded-dot-in-a-name": "https://x.example/lead%2eership",
    "encoded-slash": "https://x.example/lead%2fership",
    "encoded-slash-upper": "https://x.example/lead%2Fership",
    "encoded-backslash": "https://x.example/lead%5Cership",
    "encoded-nul": "https://x.example/lead%00ership",
    "encoded-newline": "https://x.example/lead%0aership",
    "backslash": "https://x.example\\..\\outside",
    "backslash-in-path": "https://x.example/lead\\ership",
    "nul": "https://x.example/lead\x00ership",
    "tab": "https://x.example/lead\tership",
    "newline": "https://x.example/leadership\n/outside",
    "escape": "https://x.example/lead\x1bership",
    "delete": "https://x.example/lead\x7fership",
    "userinfo": "https://someone@x.example/leadership",
    "user-and-password": "https://someone:secret@x.example/leadership",
    "query": "https://x.example/leadership?id=1",
    "fragment": "https://x.example/leadership#top",
}

#: Ordinary issuer addresses, and what the home records for each.
ACCEPTED = {
    "https://example.org/leadership/": "https://example.org/leadership",
    "https://example.org/leadership": "https://example.org/leadership",
    "https://example.org": "https://example.org",
    "https://example.org:8443/leadership": "https://example.org:8443/leadership",
    "https://example.org/programs/v1.0/lead-ership_2": "https://example.org/programs/v1.0/lead-ership_2",
    "https://example.org/lead%20ership": "https://example.org/lead%20ership",
    "http://localhost:8000/issuer/": "http://localhost:8000/issuer",
    "http://127.0.0.1/x": "http://127.0.0.1/x",
    "  https://example.org/leadership  ": "https://example.org/leadership",
}


def _create(path: Path, url: str) -> IssuerHome:
    return IssuerHome.create(path, name="Academy", url=url, passphrase=PASSPHRASE, now=FIXED_NOW)


def _one_sentence(message: str) -> None:
    assert "\n" not in message
    assert message.startswith("The issuer URL ")
    assert message.endswith(".")


@pytest.mark.parametrize("url", HOSTILE.values(), ids=HOSTILE.keys())
def test_create_refuses_the_url_and_makes_nothing(tmp_path: Path, url: str) -> None:
    with pytest.raises(InputError) as info:
        _create(tmp_path / "home", url)
    assert info.value.field == "url"
    _one_sentence(info.value.message)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "url",
    [HOSTILE[k] for k in ("dot-dot", "encoded-dots", "encoded-slash", "backslash", "nul")],
)
def test_the_refusal_says_what_to_give_instead(url: str) -> None:
    with pytest.raises(InputError) as info:
        check_issuer_url(url)
    assert "give the address" in info.value.message
    assert "https://example.org/leadership" in info.value.message


@pytest.mark.parametrize("url", HOSTILE.values(), ids=HOSTILE.keys())
def test_init_refuses_the_url_before_the_passphrase_and_makes_nothing(
    tmp_path: Path, url: str
) -> None:
    result = CliRunner().invoke(
        cli,
        ["init", str(tmp_path / "home"), "--name", "Academy", "--url", url],
        # No passphrase: a refusal that came only after asking for it would say so instead.
        env={"LEADBADGE_PASSPHRASE": None},
    )
    assert result.exit_code == 3, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("leadbadge: The issuer URL ")
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", ACCEPTED.keys())
def test_ordinary_addresses_with_paths_and_ports_are_accepted(tmp_path: Path, url: str) -> None:
    assert check_issuer_url(url) == ACCEPTED[url]
    assert _create(tmp_path / "home", url).profile.url == ACCEPTED[url]


def test_http_is_accepted_for_localhost() -> None:
    assert check_issuer_url("http://localhost:8000/issuer/") == "http://localhost:8000/issuer"
    assert check_issuer_url("http://127.0.0.1/x") == "http://127.0.0.1/x"


def test_init_accepts_a_path_and_a_port(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["init", str(tmp_path / "h"), "--name", "Academy", "--url", "https://x.example:8443/a/"],
        env={"LEADBADGE_PASSPHRASE": PASSPHRASE},
    )
    assert result.exit_code == 0, result.output
    assert IssuerHome.open(tmp_path / "h").profile.url == "https://x.example:8443/a"


def test_a_home_whose_file_names_such_a_url_does_not_open(tmp_path: Path) -> None:
    _create(tmp_path / "home", "https://x.example/leadership")
    issuer_file = tmp_path / "home" / "issuer.json"
    data = json.loads(issuer_file.read_text())
    data["profile"]["url"] = HOSTILE["dot-dot"]
    issuer_file.write_text(json.dumps(data))
    with pytest.raises(IssuerHomeError, match="no valid issuer name and URL"):
        IssuerHome.open(tmp_path / "home")


def test_site_folders_are_decoded_and_never_escape() -> None:
    assert site_folders("https://x.example/lead%20ership/keys.json") == (
        "lead ership",
        "keys.json",
    )
    assert site_folders("https://x.example/") == ()
    for url in ("https://x.example/a/%2e%2e/b", "https://x.example/a%2Fb", "https://x.example/."):
        with pytest.raises(InputError, match="cannot be a folder name"):
            site_folders(url)
