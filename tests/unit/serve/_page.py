"""Credentials for the verification page tests, as ``leadbadge demo`` makes them: an issuer home,
its published site pinned in a trust store, and one credential in each state a person may bring
(valid, tampered, revoked, in a QR code photo, baked into a PNG, with hostile text)."""

from __future__ import annotations

import copy
import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from PIL import Image, ImageFilter
from starlette.applications import Starlette

from leadbadge import Verifier
from leadbadge.cli._demo_data import sample_results
from leadbadge.serve import ServeConfig, create_app
from leadbadge.share.bake import bake
from leadbadge.share.qr import make_qr, pack_full
from tests.unit._issued import ISSUED, World, make_world

#: When the issuer last published its lists, and the page's clock just after.
PUBLISHED = ISSUED + timedelta(hours=2)
NOW = PUBLISHED + timedelta(minutes=5)
#: Text that would run as script, or break out of an attribute, if the page did not escape it.
HOSTILE = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>"


@dataclass
class PageCredentials:
    world: World
    valid: dict[str, Any]
    tampered: dict[str, Any]
    revoked: dict[str, Any]
    hostile: dict[str, Any]
    qr_photo: bytes
    baked_png: bytes

    def app(self, **options: Any) -> Starlette:
        """The ``leadbadge serve`` app over the trust store pinning the issuer, clock at NOW."""
        # The VC-API's default: the trust check reported but not required; the page requires it.
        from leadbadge import VerificationPolicy

        verifier = Verifier(self.world.trust, VerificationPolicy(require_trusted_issuer=False))
        return create_app(ServeConfig(verifier=verifier, clock=lambda: NOW, **options))

    def write(self, folder: Path) -> dict[str, Path]:
        """Each credential as a file a person would upload."""
        folder.mkdir(parents=True, exist_ok=True)
        files = {
            "valid": ("initial.json", json.dumps(self.valid, indent=2).encode()),
            "tampered": ("tampered.json", json.dumps(self.tampered).encode()),
            "revoked": ("revoked.json", json.dumps(self.revoked).encode()),
            "hostile": ("hostile.json", json.dumps(self.hostile).encode()),
            "qr_photo": ("resume-qr.jpg", self.qr_photo),
            "baked_png": ("badge.png", self.baked_png),
        }
        paths = {}
        for key, (name, data) in files.items():
            (folder / name).write_bytes(data)
            paths[key] = folder / name
        return paths


def photo_of(png: bytes, *, angle: float = 7.0) -> bytes:
    """A phone's photo of a printed code: scaled, turned a little, blurred, saved as JPEG."""
    image = Image.open(io.BytesIO(png)).convert("L")
    image = image.resize((image.width * 3 // 4, image.height * 3 // 4), Image.Resampling.BILINEAR)
    image = image.rotate(angle, expand=True, fillcolor=235).filter(ImageFilter.GaussianBlur(0.6))
    canvas = Image.new("L", (image.width + 200, image.height + 260), 245)
    canvas.paste(image, (100, 130))
    buffer = io.BytesIO()
    canvas.convert("RGB").save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _plain_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (31, 78, 121)).save(buffer, format="PNG")
    return buffer.getvalue()


def make_credentials(root: Path) -> PageCredentials:
    world = make_world(root, did_web=None, suspension=False)
    # With its competencies at the levels the demo records.
    valid = world.issue(results=sample_results(world.issuer.framework.tier("initial")))
    revoked = world.issue("building")
    tampered = copy.deepcopy(valid)
    tampered["credentialSubject"]["identifier"][-1]["identityHash"] = "Someone Else"
    world.issuer.home.change_status(
        revoked["id"], "revoke", actor="registrar", reason="Issued in error", now=ISSUED
    )
    world.fresh_lists(PUBLISHED)
    hostile = copy.deepcopy(valid)
    hostile["credentialSubject"]["identifier"][-1]["identityHash"] = HOSTILE
    hostile["evidence"][0]["narrative"] = HOSTILE
    hostile["evidence"][0]["id"] = "javascript:alert(1)"
    hostile = world.resign(hostile)
    code = make_qr(pack_full(valid, elide_achievement=True), level="L")
    return PageCredentials(
        world=world,
        valid=valid,
        tampered=tampered,
        revoked=revoked,
        hostile=hostile,
        qr_photo=photo_of(code.png(pixels_per_module=6)),
        baked_png=bake(_plain_png(), json.dumps(valid)),
    )


@contextmanager
def running(app: Starlette) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port for the block: its base URL."""
    import socket

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            threading.Event().wait(0.01)
        assert server.started, "the page server did not start"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
