"""``leadbadge serve`` as a real process over TLS on 127.0.0.1: issue, fetch the status list,
verify, stop."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from leadbadge import Issuer
from tests.unit.serve._server import client, free_port, self_signed_cert, serving

pytestmark = pytest.mark.slow

PASSPHRASE = "serve process passphrase"
TOKEN = "process-test-token-0123456789abcdef"


def test_serve_over_tls_issues_publishes_and_verifies(tmp_path: Path) -> None:
    cert, key = self_signed_cert(tmp_path)
    port = free_port()
    base = f"https://127.0.0.1:{port}"
    Issuer.create(tmp_path / "home", name="Process Academy", url=base, passphrase=PASSPHRASE)
    token_file = tmp_path / "token.txt"
    token_file.write_text(TOKEN + "\n")
    log = tmp_path / "serve.log"
    args = [
        "--issuer", str(tmp_path / "home"), "--trust", str(tmp_path / "trust"),
        "--port", str(port), "--tls-cert", str(cert), "--tls-key", str(key),
        "--token-file", str(token_file),
    ]  # fmt: skip
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:ana"},
    }
    env = {"LEADBADGE_PASSPHRASE": PASSPHRASE, "LEADBADGE_SERVE_TOKEN": ""}
    with (
        serving(args, cert=cert, port=port, env=env, log=log) as base_url,
        client(cert, base_url) as http,
    ):
        issued = http.post(
            "/credentials/issue",
            json={"credential": credential},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert issued.status_code == 201, issued.text
        signed = issued.json()["verifiableCredential"]
        list_url = signed["credentialStatus"]["statusListCredential"]
        assert list_url.startswith(f"{base}/status/")
        listed = http.get(urlsplit(list_url).path)
        assert listed.status_code == 200
        assert listed.json()["id"] == list_url
        verified = http.post("/credentials/verify", json={"verifiableCredential": signed})
        assert verified.status_code == 200
        assert verified.json()["verified"] is True
    output = log.read_text()
    assert f"Serving the VC-API on https://127.0.0.1:{port}" in output
    assert 'issued "urn:uuid:' in output
    assert TOKEN not in output
    assert "Traceback" not in output
