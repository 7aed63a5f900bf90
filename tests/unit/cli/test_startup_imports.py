"""What a cold ``leadbadge verify FILE.json`` loads: no imaging, QR, XML, HTTP, pyld or rich.

Those libraries are a large part of a cold start and a JSON credential needs none of them; an
image input still loads them (the second test), so the lazy imports cannot have broken it.
pyld stays out once the compiled tables of the credential's contexts are in the cache
(:mod:`leadbadge.ld.compiled_cache`), which the first run of a process writes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from leadbadge.share.qr import make_qr
from tests.unit._issued import make_world

#: Loaded only for images, QR codes and SVG badges.
IMAGING = ("PIL", "zxingcpp", "qrcode", "defusedxml", "xml.dom.minidom")
#: Loaded only by commands that validate frameworks against their JSON Schema.
SCHEMA = ("jsonschema", "referencing")
#: Loaded only when something is fetched (or a URL is not of the form leadbadge publishes).
NETWORK = ("httpx", "httpcore")
#: Loaded only when the general JSON-LD path runs or the context cache lacks a context.
JSONLD = ("pyld", "lxml", "requests", "aiohttp", "asyncio")
#: Loaded by the commands that draw tables, trees and progress bars; verify writes plain lines.
RICH = ("rich",)

_PROBE = """
import json, sys
from leadbadge.cli import cli
try:
    cli.main(sys.argv[2:], prog_name="leadbadge", standalone_mode=False)
except SystemExit:
    pass
names = json.loads(sys.argv[1])
print(json.dumps(sorted(n for n in names if n in sys.modules)))
"""


def _loaded(*args: str, cache: Path) -> list[str]:
    names = json.dumps([*IMAGING, *SCHEMA, *NETWORK, *JSONLD, *RICH])
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, names, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "LEADBADGE_CONTEXT_CACHE": str(cache)},
    )
    last = done.stdout.strip().splitlines()[-1]
    loaded: list[str] = json.loads(last)
    return loaded


@pytest.fixture
def credential_and_trust(tmp_path: Path) -> tuple[Path, Path]:
    world = make_world(tmp_path, did_web=None)
    path = tmp_path / "initial.json"
    path.write_text(json.dumps(world.issue()), encoding="utf-8")
    return path, tmp_path / "trust"


def test_verifying_a_json_credential_loads_no_imaging_qr_xml_schema_http_pyld_or_rich(
    credential_and_trust: tuple[Path, Path],
) -> None:
    path, trust = credential_and_trust
    cache = path.parent / "cache"
    first = _loaded("verify", "--trust", str(trust), "--json", str(path), cache=cache)
    # The first process processes the contexts with pyld and keeps the tables; the next needs none.
    assert "pyld" in first
    assert _loaded("verify", "--trust", str(trust), "--json", str(path), cache=cache) == []
    # The human report too.
    assert _loaded("verify", "--trust", str(trust), str(path), cache=cache) == []


def test_verifying_a_qr_photo_still_loads_the_imaging_stack(
    credential_and_trust: tuple[Path, Path], tmp_path: Path
) -> None:
    _, trust = credential_and_trust
    photo = tmp_path / "qr.png"
    photo.write_bytes(make_qr("https://example.org/c/1").png())
    loaded = _loaded("verify", "--trust", str(trust), "--json", str(photo), cache=tmp_path / "c")
    # A PNG is first read as a baked badge (the XML tools come with that code), then as a photo.
    assert {"PIL", "zxingcpp", "xml.dom.minidom"} <= set(loaded)
