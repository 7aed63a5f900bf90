"""Every tier through every way of sharing it, and back through the verifier: valid.

issue → QR code (url and full) → PNG → a photo of it (scaled to 50 %, rotated, noisy, JPEG) →
decode → verify; issue → bake into PNG and SVG, as JSON and as VC-JWT → unbake → verify; VC-JWT
with EdDSA, RS256 and ES256 keys the issuer published. The verifier has pinned the issuer's
published folder (keys, DID document, Achievements, status lists) and nothing is fetched, except
through a mock transport where a test says so.
"""

from __future__ import annotations

import base64
import copy
import io
import json
import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageFilter

from leadbadge.crypto.jwk import JoseSigningKey
from leadbadge.errors import CredentialDocumentError
from leadbadge.issuer.jose import add_jose_key, credential_jwt, current_jose_key, jose_signing_key
from leadbadge.proof import vc_jwt
from leadbadge.share import bake, links, qr
from leadbadge.verifier.report import CheckStatus, Verdict, VerificationReport
from leadbadge.verifier.sources import credential_sources
from leadbadge.verifier.verify import VerificationPolicy, Verifier
from tests.conftest import FIXED_NOW
from tests.unit._issued import DID_WEB, ISSUED, PASSPHRASE, URL, World, make_world

TIERS = (
    "initial",
    "building",
    "district",
    "sped-director",
    "hr-director",
    "tech-director",
    "teacher-leader",
)
ALGS = ("EdDSA", "RS256", "ES256")
NOW = ISSUED + timedelta(days=1)
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle r="30"/></svg>'


@dataclass
class Shared:
    world: World
    documents: dict[str, dict[str, Any]]
    keys: dict[str, JoseSigningKey]

    def jwt(self, tier: str, alg: str) -> str:
        return credential_jwt(
            self.world.issuer.home, self.documents[tier], self.keys[alg], now=ISSUED
        )

    def verifier(self, **sources: Any) -> Verifier:
        trust = self.world.trust
        if not sources:
            return Verifier(trust)
        return Verifier(trust, sources=credential_sources(trust_store=trust, **sources))


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Shared:
    world = make_world(tmp_path_factory.mktemp("sharing"), did_web=DID_WEB)
    home = world.issuer.home
    add_jose_key(home, "RS256", PASSPHRASE, now=FIXED_NOW)
    add_jose_key(home, "ES256", PASSPHRASE, now=FIXED_NOW)
    documents = {tier: world.issue(tier) for tier in TIERS}
    # Publish again (the DID document now lists the JOSE keys; the site serves every credential
    # link) and pin the published folder, as a verifier would.
    world.publisher().publish(world.site, now=ISSUED)
    world.trust.add_published(world.site, now=ISSUED)
    world.fresh_lists(ISSUED)
    keys: dict[str, JoseSigningKey] = {"EdDSA": JoseSigningKey(world.key())}
    for alg in ("RS256", "ES256"):
        record = current_jose_key(home, alg)
        assert record is not None
        keys[alg] = jose_signing_key(home, record, PASSPHRASE)
    return Shared(world, documents, keys)


def _describe(report: VerificationReport) -> str:
    return "\n".join(
        [f"verdict {report.verdict.value}"]
        + [f"  {c.id}: {c.status.value} {c.code or ''} {c.message}" for c in report.checks]
    )


def _assert_valid(report: VerificationReport) -> None:
    assert report.verdict is Verdict.VALID, _describe(report)
    assert report.check("proof").status is CheckStatus.PASS, _describe(report)
    assert report.check("issuer_trust").status is CheckStatus.PASS


def _photo(png: bytes, *, angle: float, seed: int) -> bytes:
    """A phone photo of a printed code: half the size, turned, blurred, speckled, JPEG."""
    image = Image.open(io.BytesIO(png)).convert("L")
    image = image.resize((image.width // 2, image.height // 2), Image.Resampling.BILINEAR)
    image = image.rotate(angle, expand=True, fillcolor=235)
    pixels = image.load()
    assert pixels is not None
    rng = random.Random(seed)  # noqa: S311 - reproducible noise, not a secret
    for _ in range(image.width * image.height // 60):
        x, y = rng.randrange(image.width), rng.randrange(image.height)
        pixels[x, y] = rng.randrange(256)
    image = image.filter(ImageFilter.GaussianBlur(0.4))
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=75)
    return buffer.getvalue()


# --- QR codes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
def test_full_qr_photo_verifies_offline_for_every_tier(shared: Shared, tier: str) -> None:
    document = shared.documents[tier]
    # The whole credential does not fit; its Achievement is left out and put back from the pin.
    with pytest.raises(Exception, match="fit"):
        qr.make_qr(qr.pack_full(document, elide_achievement=False))
    code = qr.make_qr(qr.pack_full(document, elide_achievement=True))
    assert code.version <= 25
    for index, angle in enumerate((0, 90, 33)):
        photo = _photo(code.png(pixels_per_module=6), angle=angle, seed=index)
        report = shared.verifier().verify(photo, now=NOW, source="photo.jpg")
        _assert_valid(report)
        assert report.summary is not None
        assert report.summary.source_format == "qr+json"
        assert report.summary.tier == tier


@pytest.mark.parametrize("tier", TIERS)
def test_url_qr_photo_verifies_from_the_published_folder(shared: Shared, tier: str) -> None:
    document = shared.documents[tier]
    link = links.link_for(document, URL)
    code = qr.make_qr(link)
    assert code.version <= 6
    assert code.level == "M"
    photo = _photo(code.png(pixels_per_module=8), angle=17, seed=3)
    verifier = shared.verifier(folders=[shared.world.site])
    report = verifier.verify(photo, now=NOW)
    _assert_valid(report)
    assert report.summary is not None
    assert report.summary.source_format == "qr+json"
    # The link text itself (typed, or scanned by another app) verifies the same way.
    _assert_valid(verifier.verify(link, now=NOW))


def test_url_qr_without_a_copy_says_how_to_get_one(shared: Shared) -> None:
    link = links.link_for(shared.documents["initial"], URL)
    with pytest.raises(CredentialDocumentError, match="--online"):
        shared.verifier().verify(link, now=NOW)


def _site_transport(site: Path, *, tamper: bool = False) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        path = site.joinpath(*[p for p in request.url.path.split("/") if p])
        if request.url.host != "rcoe.example.org" or not path.is_file():
            return httpx.Response(404)
        body = json.loads(path.read_bytes())
        if tamper:
            body["credentialSubject"]["creditsEarned"] = 99
        return httpx.Response(200, json=body)

    return httpx.MockTransport(handler)


def test_url_qr_online_fetches_the_link_and_checks_its_digest(shared: Shared) -> None:
    link = links.link_for(shared.documents["district"], URL)
    client = httpx.Client(transport=_site_transport(shared.world.site))
    _assert_valid(shared.verifier(online=True, client=client).verify(link, now=NOW))
    tampered = httpx.Client(transport=_site_transport(shared.world.site, tamper=True))
    with pytest.raises(CredentialDocumentError, match="not the one the link commits to"):
        shared.verifier(online=True, client=tampered).verify(link, now=NOW)


def test_full_qr_needs_the_achievement_and_checks_it(shared: Shared, tmp_path: Path) -> None:
    document = shared.documents["building"]
    text = qr.pack_full(document, elide_achievement=True)
    unpinned = Verifier(shared.world.empty_trust)
    with pytest.raises(CredentialDocumentError, match="leadbadge trust add"):
        unpinned.verify(text, now=NOW)
    # A copy of the published folder serves as well as the pin; a changed Achievement does not.
    site = tmp_path / "site"
    achievement = document["credentialSubject"]["achievement"]
    path = site / "leadership" / "achievements" / "building.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(achievement))
    from_folder = Verifier(shared.world.trust, sources=credential_sources(folders=[site]))
    _assert_valid(from_folder.verify(text, now=NOW))
    path.write_text(json.dumps({**achievement, "name": "Something else"}))
    with pytest.raises(CredentialDocumentError, match="another version of the Achievement"):
        from_folder.verify(text, now=NOW)


# --- baked badges ------------------------------------------------------------------------------


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("image", ["png", "svg"])
@pytest.mark.parametrize("form", ["json", "jwt"])
def test_bake_unbake_verify(shared: Shared, tier: str, image: str, form: str) -> None:
    carrier = SVG if image == "svg" else qr.make_qr("badge").png(pixels_per_module=2)
    alg = ALGS[TIERS.index(tier) % 3]
    text = json.dumps(shared.documents[tier]) if form == "json" else shared.jwt(tier, alg)
    baked = bake.bake(bake.bake(carrier, "{}"), text)  # baking again replaces
    assert bake.unbake(baked).text == text
    report = shared.verifier().verify(baked, now=NOW)
    _assert_valid(report)
    assert report.summary is not None
    assert report.summary.source_format == f"{image}+{form}"
    if form == "jwt":
        assert report.check("proof").detail["alg"] == alg


# --- VC-JWT --------------------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ALGS)
def test_vc_jwt_verifies_with_the_issuers_published_key(shared: Shared, alg: str) -> None:
    token = shared.jwt("initial", alg)
    header = vc_jwt.parse(token).header
    assert header["alg"] == alg
    assert header["kid"].startswith(f"{DID_WEB}#")
    report = shared.verifier().verify(token, now=NOW)
    _assert_valid(report)
    key = report.check("issuer_key")
    assert key.status is CheckStatus.PASS
    expected = "trust store" if alg == "EdDSA" else "trust store (DID document)"
    assert key.detail["source"] == expected
    # Without the pin, a did:web key cannot be found offline.
    unpinned = Verifier(shared.world.empty_trust).verify(token, now=NOW)
    assert unpinned.verdict is Verdict.INCONCLUSIVE
    assert unpinned.check("issuer_key").code == "KEY_UNRESOLVABLE"


def test_a_key_the_issuer_never_published_is_refused(shared: Shared) -> None:
    document = shared.documents["initial"]
    stranger = JoseSigningKey.generate("ES256")
    named = vc_jwt.sign(document, stranger, kid=f"{DID_WEB}#jwk-2", issued_at=ISSUED)
    report = shared.verifier().verify(named, now=NOW)
    assert report.verdict is Verdict.INVALID, _describe(report)
    assert report.check("proof").code == "WRONG_KEY"
    carried = vc_jwt.sign(document, stranger, kid=None, issued_at=ISSUED)
    report = shared.verifier().verify(carried, now=NOW)
    assert report.verdict is Verdict.INVALID, _describe(report)
    assert report.check("issuer_key").code == "WRONG_KEY"


def test_a_jwt_only_policy_refuses_other_algorithms(shared: Shared) -> None:
    verifier = Verifier(
        shared.world.trust, VerificationPolicy(allowed_jwt_algorithms=frozenset({"RS256"}))
    )
    report = verifier.verify(shared.jwt("initial", "ES256"), now=NOW)
    assert report.verdict is Verdict.INCONCLUSIVE
    assert report.check("proof").code == "UNSUPPORTED_PROOF"
    _assert_valid(verifier.verify(shared.jwt("initial", "RS256"), now=NOW))


def test_a_tampered_jwt_payload_is_invalid(shared: Shared) -> None:
    token = shared.jwt("district", "RS256")
    header, payload, signature = token.split(".")
    parsed = copy.deepcopy(vc_jwt.parse(token).payload)
    parsed["credentialSubject"]["creditsEarned"] = 99
    raw = json.dumps(parsed).encode()
    forged = f"{header}.{base64.urlsafe_b64encode(raw).rstrip(b'=').decode()}.{signature}"
    assert payload not in forged
    report = shared.verifier().verify(forged, now=NOW)
    assert report.verdict is Verdict.INVALID
    assert report.check("proof").code == "INVALID_SIGNATURE"
