"""``leadbadge qr``, ``bake``, ``unbake``, ``keys add``, ``issue --format jwt`` and ``verify`` of
what they make, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result

from leadbadge.proof import vc_jwt
from leadbadge.share import bake, qr
from tests.unit.cli._cli import issue_args, ok, refused, run

URL = "https://rcoe.example.org/leadership"
DID = "did:web:rcoe.example.org:leadership"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect/></svg>'


def _issue(home: Path, out: Path, *extra: str, tier: str = "initial") -> Path:
    ok(*issue_args(home, tier, "-o", str(out), *extra))
    return out


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A did:web issuer with an RS256 and an ES256 key, credentials, a published and pinned site."""
    root = tmp_path_factory.mktemp("cli-share")
    home = root / "home"
    ok("init", str(home), "--name", "RCOE", "--url", URL, "--did-web", DID)
    ok("keys", "add", "--issuer", str(home), "--type", "rsa")
    ok("keys", "add", "--issuer", str(home), "--type", "ec")
    paths = {
        "home": home,
        "root": root,
        "json": _issue(home, root / "ana.json"),
        "eddsa": _issue(home, root / "ana-eddsa.jwt", "--format", "jwt"),
        "rs256": _issue(home, root / "ana-rs256.jwt", "--format", "jwt", "--alg", "RS256"),
        "es256": _issue(home, root / "ana-es256.jwt", "--format", "jwt", "--alg", "ES256"),
        "site": root / "site",
        "trust": root / "trust",
    }
    ok("publish", "--issuer", str(home), str(paths["site"]))
    ok("trust", "add", str(paths["site"]), "--trust", str(paths["trust"]))
    return paths


def _verify(issuer: dict[str, Path], *inputs: str, extra: tuple[str, ...] = ()) -> Result:
    return run("verify", "--trust", str(issuer["trust"]), "--json", *extra, *inputs)


def _verdicts(result: Result) -> list[str | None]:
    data = json.loads(result.stdout)
    return [d["verdict"] for d in (data if isinstance(data, list) else [data])]


# --- issuing as VC-JWT ---------------------------------------------------------------------------


def test_issue_format_jwt_signs_with_each_algorithm(issuer: dict[str, Path]) -> None:
    for name, alg, fragment in (
        ("eddsa", "EdDSA", "#key-1"),
        ("rs256", "RS256", "#jwk-1"),
        ("es256", "ES256", "#jwk-2"),
    ):
        token = issuer[name].read_text().strip()
        header = vc_jwt.parse(token).header
        assert header["alg"] == alg
        assert header["kid"] == DID + fragment
    result = _verify(issuer, *(str(issuer[n]) for n in ("json", "eddsa", "rs256", "es256")))
    assert result.exit_code == 0, result.output
    assert _verdicts(result) == ["valid"] * 4
    # The token itself, given as the argument (pasted from an e-mail, say).
    assert _verdicts(_verify(issuer, issuer["es256"].read_text().strip())) == ["valid"]
    did = json.loads((issuer["site"] / "leadership" / "did.json").read_text())
    types = [m["type"] for m in did["verificationMethod"]]
    assert types == ["Multikey", "JsonWebKey", "JsonWebKey"]


def test_jwt_options_that_cannot_work(issuer: dict[str, Path], tmp_path: Path) -> None:
    home = issuer["home"]
    line = refused(*issue_args(home, "initial", "--alg", "RS256", email="a@b.org", name="A"))
    assert "--alg is for --format jwt" in line
    keyed = tmp_path / "didkey"
    ok("init", str(keyed), "--name", "X", "--url", "https://x.example")
    assert "did:web issuer" in refused("keys", "add", "--issuer", str(keyed), "--type", "rsa")
    jwt = ("--format", "jwt", "--alg", "ES256")
    missing = refused(*issue_args(keyed, "initial", *jwt, email="a@b.org", name="A"))
    assert "leadbadge keys add" in missing


# --- QR codes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_qr_url_mode_and_verifying_its_image_or_text(
    issuer: dict[str, Path], tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"ana{suffix}"
    result = ok("qr", str(issuer["json"]), "-o", str(out))
    assert "QR version 5 (37 by 37 modules, error correction M)" in result.output
    assert "prints 18 mm wide" in result.output
    if suffix == ".png":
        link = qr.read_qr(out.read_bytes())
        assert link.startswith(f"{URL}/c/")
        verified = _verify(issuer, str(out), extra=("--credentials", str(issuer["site"])))
        assert _verdicts(verified) == ["valid"], verified.output
        by_text = _verify(issuer, link, extra=("--credentials", str(issuer["site"])))
        assert _verdicts(by_text) == ["valid"], by_text.output
        unresolved = _verify(issuer, link)
        assert unresolved.exit_code == 3
        assert "--online" in json.loads(unresolved.stdout)["error"]["message"]
    else:
        assert out.read_bytes().startswith(b"<?xml")
    assert "--force" in refused("qr", str(issuer["json"]), "-o", str(out))


def test_qr_full_mode_verifies_offline(issuer: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "full.png"
    result = ok("qr", str(issuer["json"]), "-o", str(out), "--mode", "full")
    assert "QR version 2" in result.output  # a version in the twenties
    text = qr.read_qr(out.read_bytes())
    assert text.startswith(qr.FULL_PREFIX)
    assert _verdicts(_verify(issuer, str(out))) == ["valid"]
    assert _verdicts(_verify(issuer, text)) == ["valid"]


def test_qr_full_mode_refuses_what_does_not_fit(issuer: dict[str, Path], tmp_path: Path) -> None:
    doc = json.loads(issuer["json"].read_text())
    # Its Achievement cannot be left out (no https id): the whole credential does not fit.
    doc["credentialSubject"]["achievement"]["id"] = "urn:uuid:7c6e7a9c-8d8a-4f4e-9f3a-6f1b3c2d1e0f"
    big = tmp_path / "big.json"
    big.write_text(json.dumps(doc))
    line = refused("qr", str(big), "-o", str(tmp_path / "big.png"), "--mode", "full")
    assert "does not fit in a QR code even compressed" in line
    assert "--mode url" in line
    assert not (tmp_path / "big.png").exists()


def test_qr_usage_errors(issuer: dict[str, Path], tmp_path: Path) -> None:
    refused("qr", str(issuer["json"]), "-o", str(tmp_path / "x.gif"))
    full = ("--mode", "full", "--base-url", URL)
    refused("qr", str(issuer["json"]), "-o", str(tmp_path / "x.png"), *full)


# --- baking ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("credential", ["json", "rs256"])
@pytest.mark.parametrize("kind", ["svg", "png"])
def test_bake_unbake_and_verify_the_image(
    issuer: dict[str, Path], tmp_path: Path, credential: str, kind: str
) -> None:
    image = tmp_path / f"badge.{kind}"
    image.write_bytes(SVG if kind == "svg" else qr.make_qr("badge").png(pixels_per_module=2))
    baked = tmp_path / f"baked.{kind}"
    ok("bake", str(issuer[credential]), str(image), "-o", str(baked))
    ok("bake", str(issuer[credential]), str(baked), "-o", str(baked), "--force")
    assert bake.unbake(baked.read_bytes()).text.count("@context") <= 1
    shown = ok("unbake", str(baked)).output
    if credential == "json":
        assert json.loads(shown) == json.loads(issuer["json"].read_text())
    else:
        assert shown.strip() == issuer["rs256"].read_text().strip()
    assert _verdicts(_verify(issuer, str(baked))) == ["valid"]


def test_unbake_an_image_without_a_credential(tmp_path: Path) -> None:
    image = tmp_path / "plain.svg"
    image.write_bytes(SVG)
    assert "carries no credential" in refused("unbake", str(image))
