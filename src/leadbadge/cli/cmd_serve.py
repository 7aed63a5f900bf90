"""``leadbadge serve``: the VC-API endpoints over HTTP(S) (the optional ``serve`` extra).

The command only gathers what the server needs (the trust store and verifier the ``verify``
command uses, the issuer home opened with its passphrase, the bearer token) and hands it to
:mod:`leadbadge.serve`, which is imported only here, so the rest of the CLI works without the
extra installed.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any

import click

from leadbadge.cli._app import cli
from leadbadge.cli._common import EXIT_USAGE, say, say_error

#: The environment variable that holds the bearer token of the issue endpoint.
TOKEN_ENV = "LEADBADGE_SERVE_TOKEN"  # noqa: S105 - a variable name, not a secret
#: The shortest token accepted: a guessable token would open the issuer's key to anyone.
MIN_TOKEN_LENGTH = 16
_EXTRA_MISSING = (
    "leadbadge serve needs the serve extra; install it with: pip install 'leadbadge[serve]'."
)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _read_token(token_file: Path | None) -> str | None:
    """The bearer token: the first line of ``--token-file``, else $LEADBADGE_SERVE_TOKEN."""
    if token_file is not None:
        lines = token_file.read_text(encoding="utf-8").splitlines()
        token = lines[0].strip() if lines else ""
        where = str(token_file)
    else:
        token = os.environ.get(TOKEN_ENV, "").strip()
        where = TOKEN_ENV
        if not token:
            return None
    if len(token) < MIN_TOKEN_LENGTH or any(c.isspace() for c in token):
        raise click.UsageError(
            f"The bearer token in {where} must be at least {MIN_TOKEN_LENGTH} characters "
            "without spaces; make one with: python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(32))'."
        )
    return token


def _log_to_stderr() -> None:
    """The server's own lines (what was issued, what was refused and why, by code) on stderr,
    as uvicorn prints its own."""
    import logging

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
    logger = logging.getLogger("leadbadge.serve")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


@cli.command("serve")
@click.option(
    "--issuer",
    "issuer_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="An issuer home (made by 'leadbadge init'): enables POST /credentials/issue and "
    "serves its status lists. Its passphrase comes from LEADBADGE_PASSPHRASE, else it is "
    "asked for.",
)
@click.option(
    "--trust",
    "trust_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Trust store folder (default: $LEADBADGE_TRUST, else the per-user data folder).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="The port."
)
@click.option(
    "--tls-cert",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Serve HTTPS with this certificate (PEM; with --tls-key).",
)
@click.option(
    "--tls-key",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The private key of --tls-cert (PEM).",
)
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help=f"A file whose first line is the bearer token issuing requires (default: ${TOKEN_ENV}).",
)
@click.option(
    "--require-trusted-issuer",
    is_flag=True,
    help="Verify a credential only if its issuer is pinned in the trust store (by default "
    "the trust check is reported but not required, as VC-API verification means).",
)
@click.option(
    "--max-body",
    type=click.IntRange(1024, 64 * 1024 * 1024),
    default=1024 * 1024,
    show_default=True,
    help="The largest request body accepted, in bytes (larger ones get 413).",
)
@click.option(
    "--online",
    is_flag=True,
    help="Read the network as 'leadbadge verify --online' does: the verification page follows "
    "credential links, and status lists that are not pinned are fetched over HTTPS. Keys are "
    "never fetched. Without it the server reads nothing from the network.",
)
@click.option(
    "--max-upload",
    type=click.IntRange(16 * 1024, 8 * 1024 * 1024),
    default=8 * 1024 * 1024,
    show_default=True,
    help="The largest file the verification page accepts, in bytes (larger ones get 413; a "
    "phone's photo of a QR code is a few megabytes).",
)
def serve_command(
    *,
    issuer_dir: Path | None,
    trust_dir: Path | None,
    host: str,
    port: int,
    tls_cert: Path | None,
    tls_key: Path | None,
    token_file: Path | None,
    require_trusted_issuer: bool,
    max_body: int,
    online: bool,
    max_upload: int,
) -> None:
    """Serve the VC-API: POST /credentials/verify, POST /credentials/issue (with --issuer and
    a bearer token), the issuer's status lists, and /openapi.json (docs/serve.md); and a
    verification page for people at / (docs/verification-page.md).

    Needs the serve extra: pip install 'leadbadge[serve]'. Stop it with Ctrl-C.
    Exit code: 0 stopped with Ctrl-C, 3 usage error (extra missing, bad option, port taken).
    """
    try:
        import uvicorn

        from leadbadge.serve import ServeConfig, create_app
    except ImportError:
        say_error(_EXTRA_MISSING)
        raise SystemExit(EXIT_USAGE) from None
    from leadbadge import Issuer, TrustStore, VerificationPolicy, Verifier
    from leadbadge.cli.cmd_issuer import _passphrase
    from leadbadge.verifier.sources import credential_sources

    if (tls_cert is None) != (tls_key is None):
        raise click.UsageError("--tls-cert and --tls-key go together; give both or neither.")
    token = _read_token(token_file)
    issuer = None
    if issuer_dir is not None:
        if token is None:
            raise click.UsageError(
                f"Issuing needs a bearer token: set {TOKEN_ENV} or give --token-file."
            )
        if tls_cert is None and not _loopback(host):
            raise click.UsageError(
                f"Issuing on {host} needs --tls-cert and --tls-key: the bearer token would "
                "cross the network in clear."
            )
        issuer = Issuer.open(issuer_dir, passphrase=_passphrase(confirm=False))
    store = TrustStore.open(trust_dir)
    sources = credential_sources(trust_store=store, folders=(), online=online)
    policy = VerificationPolicy(
        require_trusted_issuer=require_trusted_issuer,
        status="online" if online else "offline",
    )
    config = ServeConfig(
        verifier=Verifier(store, policy, sources=sources),
        issuer=issuer,
        token=token,
        max_body=max_body,
        online=online,
        max_upload=max_upload,
    )
    app = create_app(config)
    _log_to_stderr()
    options: dict[str, Any] = {}
    if tls_cert is not None and tls_key is not None:
        options = {"ssl_certfile": str(tls_cert), "ssl_keyfile": str(tls_key)}
    server = uvicorn.Server(
        uvicorn.Config(app, host=host, port=port, server_header=False, log_level="info", **options)
    )
    scheme = "https" if options else "http"
    what = f"issuing as {issuer.home.issuer_id}" if issuer is not None else "verifying only"
    say(f"Serving the VC-API on {scheme}://{host}:{port} ({what}); stop with Ctrl-C.")
    network = "follows links (--online)" if online else "reads nothing from the network"
    say(f"The verification page is at {scheme}://{host}:{port}/ ({network}).")
    try:
        server.run()
    except KeyboardInterrupt:
        # uvicorn stops gracefully on Ctrl-C, then raises it again: for a server that is the
        # normal way to stop, not an interruption.
        if server.started:
            say("Stopped.")
            return
        raise
    except SystemExit:
        # uvicorn exits with status 1 when it cannot listen; 1 means "invalid" here.
        if not server.started:
            raise click.ClickException(
                f"Could not listen on {host}:{port}; choose another --port or --host."
            ) from None
        raise
    if not server.started:
        raise click.ClickException(f"Could not start serving on {host}:{port}.")
