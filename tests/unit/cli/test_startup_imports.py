"""What a cold ``leadbadge verify FILE.json`` loads: no imaging, QR, XML, HTTP, pyld or rich.

Those libraries are a large part of a cold start and a JSON credential needs none of them; an
image input still loads them (the second test), so the lazy imports cannot have broken it.
Nor does it load leadbadge's own modules for VC-JWTs, links, presentations, accreditations or
pinning, nor the parts of cryptography an Ed25519 signature does not use (key serialization,
RSA, elliptic curves, ciphers), nor Python's fractions module; a VC-JWT still verifies in a fresh
process (the last test).
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

from leadbadge.crypto.jwk import JoseSigningKey
from leadbadge.issuer.jose import credential_jwt
from leadbadge.share.qr import make_qr
from tests.unit._issued import ISSUED, make_world

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
#: leadbadge's own modules a JSON credential signed with eddsa-rdfc-2022, verified against a
#: pinned issuer, does not need.
OWN = (
    "leadbadge.proof.vc_jwt",
    "leadbadge.proof.jose",
    "leadbadge.verifier.checks.proof_jwt",
    "leadbadge.share.links",
    "leadbadge.share.qr",
    "leadbadge.share.jwt",
    "leadbadge.verifier.presentation",
    "leadbadge.verifier.report_presentation",
    "leadbadge.verifier.holder",
    "leadbadge.trust.accreditation",
    "leadbadge.trust.sources",
    "leadbadge.trust.store_results",
    "leadbadge.model",
)
#: cryptography's modules for key files, PEM, RSA and NIST curves; verifying an eddsa-rdfc-2022
#: signature needs only the Ed25519 module.
CRYPTO = (
    "leadbadge.crypto.keyfile",
    "cryptography.hazmat.primitives.serialization",
    "cryptography.hazmat.primitives.asymmetric.rsa",
    "cryptography.hazmat.primitives.asymmetric.ec",
    "cryptography.hazmat.primitives.asymmetric.padding",
    "cryptography.hazmat.primitives.asymmetric.utils",
    "cryptography.hazmat.primitives.ciphers",
    "cryptography.hazmat.primitives.kdf.pbkdf2",
)
#: Python's exact arithmetic (with the decimal module it loads): dates are compared exactly
#: without it (leadbadge.conformance.problems.Instant).
STDLIB = ("fractions", "decimal")

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


def _loaded(*args: str, cache: Path, names: tuple[str, ...] = ()) -> list[str]:
    names_json = json.dumps(list(names or (*IMAGING, *SCHEMA, *NETWORK, *JSONLD, *RICH)))
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, names_json, *args],
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
    token = credential_jwt(
        world.issuer.home, world.issue(), JoseSigningKey(world.key()), now=ISSUED
    )
    (tmp_path / "initial.jwt").write_text(token, encoding="utf-8")
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


def test_verifying_a_json_credential_loads_no_jwt_link_presentation_pinning_rsa_ec_or_fractions(
    credential_and_trust: tuple[Path, Path],
) -> None:
    path, trust = credential_and_trust
    args = ("verify", "--trust", str(trust), "--json", str(path))
    cache = path.parent / "cache"
    _loaded(*args, cache=cache)  # fills the context cache, as the first test says
    ed25519 = "cryptography.hazmat.primitives.asymmetric.ed25519"
    # The Ed25519 module is listed too, so the probe cannot pass by seeing nothing at all.
    assert _loaded(*args, cache=cache, names=(*OWN, *CRYPTO, *STDLIB, ed25519)) == [ed25519]


def test_a_vc_jwt_still_verifies_in_a_fresh_process(
    credential_and_trust: tuple[Path, Path],
) -> None:
    path, trust = credential_and_trust
    token = path.with_suffix(".jwt")
    done = subprocess.run(
        # The pinned status list was made at issue time: too old to say where the credential
        # stands now, which is not what this test is about.
        [
            *(sys.executable, "-m", "leadbadge", "verify", "--unsafe-skip-status"),
            *("--trust", str(trust), "--json", str(token)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "LEADBADGE_CONTEXT_CACHE": str(path.parent / "cache")},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["verdict"] == "valid"
    assert report["credential"]["sourceFormat"] == "jwt"
    assert {c["id"]: c["status"] for c in report["checks"]}["proof"] == "pass"
