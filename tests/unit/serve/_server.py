"""Test helpers for a real ``leadbadge serve`` process: a throw-away TLS certificate for
127.0.0.1, a free port, and the process started and stopped around a test."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

#: How long a server may take to start listening.
START_TIMEOUT = 60.0


def self_signed_cert(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (it is its own CA, so clients can trust it)
    and its key, as PEM files in ``folder``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def free_port() -> int:
    """A port nothing listens on now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def client(cert: Path, base_url: str) -> httpx.Client:
    """An HTTPS client that trusts ``cert`` and nothing else."""
    context = ssl.create_default_context(cafile=str(cert))
    return httpx.Client(base_url=base_url, verify=context, timeout=30)


@contextlib.contextmanager
def serving(
    args: Sequence[str], *, cert: Path, port: int, env: Mapping[str, str], log: Path
) -> Iterator[str]:
    """``leadbadge serve ARGS`` running (over TLS with ``cert``) until the block ends: the base
    URL. The process's output goes to ``log``; it is stopped with SIGINT and must exit 0."""
    base_url = f"https://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "leadbadge", "serve", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
        )
        try:
            _wait_until_listening(process, cert, base_url, log)
            yield base_url
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
                raise AssertionError("leadbadge serve did not stop on SIGINT") from None
    # Stopped with Ctrl-C is a normal end (docs/serve.md).
    assert process.returncode == 0, f"exit {process.returncode}:\n{log.read_text()}"


def _wait_until_listening(
    process: subprocess.Popen[bytes], cert: Path, base_url: str, log: Path
) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with client(cert, base_url) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(
                    f"leadbadge serve exited with {process.returncode}:\n{log.read_text()}"
                )
            try:
                if http.get("/openapi.json").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise AssertionError(f"leadbadge serve did not start listening:\n{log.read_text()}")
