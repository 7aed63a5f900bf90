"""``leadbadge qr``, ``bake``, ``unbake``, ``keys add``, ``issue --format jwt`` and ``verify`` of
what they make, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from leadbadge.cli import cli
from leadbadge.pathway.framework import default_framework
from leadbadge.proof import vc_jwt
from leadbadge.share import bake, qr

PASSPHRASE = "correct horse battery staple"
ENV = {"LEADBADGE_PASSPHRASE": PASSPHRASE}
URL = "https://rcoe.example.org/leadership"
DID = "did:web:rcoe.example.org:leadership"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect/></svg>'


def _run(args: list[str], **kw: Any) -> Result:
    return CliRunner().invoke(cli, args, env=ENV, **kw)


def _ok(args: list[str]) -> Result:
    result = _run(args)
    assert result.exit_code == 0, result.output
    return result


def _evidence(tier: str) -> list[str]:
    args = []
    for requirement in default_framework().tier(tier).evidence:
        fields = {name: f"{name} value" for name in requirement.records}
        if requirement.min_hours is not None:
            fields["hours"] = f"{requirement.min_hours:g}"
        args += [
            "--evidence",
            f"{requirement.id}: " + "; ".join(f"{k}={v}" for k, v in fields.items()),
        ]
    return args


def _issue(home: Path, out: Path, *extra: str, tier: str = "initial") -> Path:
    _ok(
        [
            "issue",
            "--issuer",
            str(home),
            tier,
            "--email",
            "ana.ruiz@example.org",
            "--name",
            "Ana Ruiz",
            *_evidence(tier),
            "-o",
            str(out),
            *extra,
        ]
    )
    return out


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A did:web issuer with an RS256 and an ES256 key, credentials, a published and pinned site."""
    root = tmp_path_factory.mktemp("cli-share")
    home = root / "home"
    _ok(["init", str(home), "--name", "RCOE", "--url", URL, "--did-web", DID])
    _ok(["keys", "add", "--issuer", str(home), "--type", "rsa"])
    _ok(["keys", "add", "--issuer", str(home), "--type", "ec"])
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
    _ok(["publish", "--issuer", str(home), str(paths["site"])])
    _ok(["trust", "add", str(paths["site"]), "--trust", str(paths["trust"])])
    return paths


def _verify(issuer: dict[str, Path], *inputs: str, extra: tuple[str, ...] = ()) -> Result:
    return _run(["verify", "--trust", str(issuer["trust"]), "--json", *extra, *inputs])


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
    result = _run(
        [
            "issue",
            "--issuer",
            str(home),
            "initial",
            "--email",
            "a@b.org",
            "--name",
            "A",
            *_evidence("initial"),
            "--alg",
            "RS256",
        ]
    )
    assert result.exit_code == 3
    assert "--alg is for --format jwt" in result.output
    keyed = tmp_path / "didkey"
    _ok(["init", str(keyed), "--name", "X", "--url", "https://x.example"])
    refused = _run(["keys", "add", "--issuer", str(keyed), "--type", "rsa"])
    assert refused.exit_code == 3
    assert "did:web issuer" in refused.output
    missing = _run(
        [
            "issue",
            "--issuer",
            str(keyed),
            "initial",
            "--email",
            "a@b.org",
            "--name",
            "A",
            *_evidence("initial"),
            "--format",
            "jwt",
            "--alg",
            "ES256",
        ]
    )
    assert missing.exit_code == 3
    assert "leadbadge keys add" in missing.output


# --- QR codes -------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_qr_url_mode_and_verifying_its_image_or_text(
    issuer: dict[str, Path], tmp_path: Path, suffix: str
) -> None:
    out = tmp_path / f"ana{suffix}"
    result = _ok(["qr", str(issuer["json"]), "-o", str(out)])
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
    again = _run(["qr", str(issuer["json"]), "-o", str(out)])
    assert again.exit_code == 3
    assert "--force" in again.output


def test_qr_full_mode_verifies_offline(issuer: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "full.png"
    result = _ok(["qr", str(issuer["json"]), "-o", str(out), "--mode", "full"])
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
    result = _run(["qr", str(big), "-o", str(tmp_path / "big.png"), "--mode", "full"])
    assert result.exit_code == 3
    assert "does not fit in a QR code even compressed" in result.output
    assert "--mode url" in result.output
    assert not (tmp_path / "big.png").exists()


def test_qr_usage_errors(issuer: dict[str, Path], tmp_path: Path) -> None:
    assert _run(["qr", str(issuer["json"]), "-o", str(tmp_path / "x.gif")]).exit_code == 3
    assert (
        _run(
            [
                "qr",
                str(issuer["json"]),
                "-o",
                str(tmp_path / "x.png"),
                "--mode",
                "full",
                "--base-url",
                URL,
            ]
        ).exit_code
        == 3
    )


# --- baking ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("credential", ["json", "rs256"])
@pytest.mark.parametrize("kind", ["svg", "png"])
def test_bake_unbake_and_verify_the_image(
    issuer: dict[str, Path], tmp_path: Path, credential: str, kind: str
) -> None:
    image = tmp_path / f"badge.{kind}"
    image.write_bytes(SVG if kind == "svg" else qr.make_qr("badge").png(pixels_per_module=2))
    baked = tmp_path / f"baked.{kind}"
    _ok(["bake", str(issuer[credential]), str(image), "-o", str(baked)])
    _ok(["bake", str(issuer[credential]), str(baked), "-o", str(baked), "--force"])
    assert bake.unbake(baked.read_bytes()).text.count("@context") <= 1
    shown = _ok(["unbake", str(baked)]).output
    if credential == "json":
        assert json.loads(shown) == json.loads(issuer["json"].read_text())
    else:
        assert shown.strip() == issuer["rs256"].read_text().strip()
    assert _verdicts(_verify(issuer, str(baked))) == ["valid"]


def test_unbake_an_image_without_a_credential(tmp_path: Path) -> None:
    image = tmp_path / "plain.svg"
    image.write_bytes(SVG)
    result = _run(["unbake", str(image)])
    assert result.exit_code == 3
    assert "carries no credential" in result.output
