"""``leadbadge qr``, ``bake`` and ``unbake``: put a credential on a résumé or into a badge image.

docs/sharing.md describes the QR modes and their sizes, baking, and VC-JWT.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from leadbadge.cli._app import cli
from leadbadge.cli._common import echo, say

if TYPE_CHECKING:
    from leadbadge.share.qr import QrCode
    from leadbadge.verifier.decode import DecodedCredential

_MODULE_MM_HELP = "Printed size of one QR module in millimetres (default 0.4)."


def _say(text: str) -> None:
    say(text)


def _read_credential(path: Path) -> DecodedCredential:
    from leadbadge.verifier.decode import decode_credential

    return decode_credential(path, source=str(path))


def _credential_text(decoded: DecodedCredential) -> str:
    """What a carrier holds: the VC-JWT as it came, or the JSON credential (compact)."""
    if decoded.jwt is not None:
        return decoded.jwt
    return json.dumps(decoded.document, ensure_ascii=False, separators=(",", ":"))


def _write(path: Path, data: bytes, *, force: bool) -> None:
    from leadbadge import _fs
    from leadbadge.errors import InputError

    if not force and os.path.lexists(path):
        raise click.ClickException(f"{path} exists; use --force to replace it.")
    try:
        _fs.atomic_write_bytes(path, data, overwrite=force)
    except InputError:
        raise click.ClickException(f"{path} appeared while it was being written.") from None


# --- qr --------------------------------------------------------------------------------------


@cli.command("qr")
@click.argument("credential", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The QR code image to write: FILE.png or FILE.svg.",
)
@click.option(
    "--mode",
    type=click.Choice(["url", "full"]),
    default="url",
    show_default=True,
    help="url: a short link to the credential on the issuer's site; full: the whole credential.",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="The issuer's published site for the link (default: the issuer's url in the credential).",
)
@click.option(
    "--level",
    type=click.Choice(["L", "M", "Q", "H"]),
    default="M",
    show_default=True,
    help="QR error correction level.",
)
@click.option("--module-mm", type=float, default=0.4, help=_MODULE_MM_HELP)
@click.option("--force", is_flag=True, help="Replace the -o file if it exists.")
def qr_command(
    *,
    credential: Path,
    output: Path,
    mode: str,
    base_url: str | None,
    level: str,
    module_mm: float,
    force: bool,
) -> None:
    """Make a QR code for CREDENTIAL (a JSON or JWT credential file, or a baked badge).

    In url mode (the default) the code holds a link on the issuer's published site that names
    the credential and commits to its content; run 'leadbadge publish' so the site serves it.
    In full mode it holds the whole signed credential, compressed, and verifies offline.
    """
    from leadbadge.share import qr

    suffix = output.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise click.UsageError("The output must be a .png or .svg file.")
    if not 0.1 <= module_mm <= 5:
        raise click.BadParameter("must be between 0.1 and 5", param_hint="'--module-mm'")
    decoded = _read_credential(credential)
    if mode == "url":
        text = _link_text(decoded, base_url)
        code = qr.make_qr(text, level=level)
    else:
        if base_url is not None:
            raise click.UsageError("--base-url is for --mode url only.")
        code = _full_code(decoded, level)
    data = code.png(module_mm=module_mm) if suffix == ".png" else code.svg(module_mm=module_mm)
    _write(output, data, force=force)
    _say(f"Wrote {output}: {_describe(code, module_mm)}")
    if mode == "url":
        _say(f"It opens {code.text}; publish the issuer's site so that the link serves it.")


def _link_text(decoded: DecodedCredential, base_url: str | None) -> str:
    from leadbadge.share.links import link_for

    if "proof" not in decoded.document:
        raise click.ClickException(
            "The issuer's site serves the JSON credential with its embedded proof, and this "
            "credential has none; make the QR code from the JSON credential file."
        )
    base = base_url
    issuer = decoded.document.get("issuer")
    if base is None and isinstance(issuer, dict) and isinstance(issuer.get("url"), str):
        base = issuer["url"]
    if base is None:
        raise click.UsageError(
            "The credential names no issuer url; give the issuer's site with --base-url URL."
        )
    return link_for(decoded.document, base)


def _full_code(decoded: DecodedCredential, level: str) -> QrCode:
    from leadbadge.errors import InputError
    from leadbadge.share import qr

    attempts: list[str] = []
    if decoded.jwt is not None:
        attempts.append(qr.pack_full(decoded.jwt, elide_achievement=False))
    else:
        attempts.append(qr.pack_full(decoded.document, elide_achievement=False))
        # An Achievement without an https id cannot be put back by a reader: not left out then.
        with contextlib.suppress(InputError):
            attempts.append(qr.pack_full(decoded.document, elide_achievement=True))
    for text in attempts:
        try:
            return qr.make_qr(text, level=level)
        except InputError:
            continue
    smallest = min(len(t) for t in attempts)
    what = "VC-JWT" if decoded.jwt is not None else "credential"
    raise click.ClickException(
        f"The {what} does not fit in a QR code even compressed: {smallest} characters, and "
        f"the largest QR code (version 40, error correction {level}) holds "
        f"{qr.capacity(level)}. Use --mode url (a short link to the credential)."
    )


def _describe(code: QrCode, module_mm: float) -> str:
    return (
        f"QR version {code.version} ({code.size} by {code.size} modules, error correction "
        f"{code.level}), {len(code.text)} characters; at {module_mm:g} mm a module it prints "
        f"{code.printed_mm(module_mm):.0f} mm wide with its quiet zone."
    )


# --- bake / unbake -------------------------------------------------------------------------


@cli.command("bake")
@click.argument("credential", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("image", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The baked image to write (same kind as IMAGE).",
)
@click.option("--force", is_flag=True, help="Replace the -o file if it exists.")
def bake_command(*, credential: Path, image: Path, output: Path, force: bool) -> None:
    """Bake CREDENTIAL (JSON or VC-JWT) into IMAGE (PNG or SVG), per Open Badges 3.0.

    A credential already baked into IMAGE is replaced, never duplicated.
    """
    from leadbadge.share import bake
    from leadbadge.verifier.decode import MAX_INPUT_BYTES

    decoded = _read_credential(credential)
    try:
        with image.open("rb") as handle:
            raw = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise click.ClickException(f"{image} cannot be read ({error.strerror}).") from None
    baked = bake.bake(raw, _credential_text(decoded), label=str(image))
    _write(output, baked, force=force)
    kind = "VC-JWT" if decoded.jwt is not None else "JSON credential"
    _say(f"Baked the {kind} into {output}.")


@cli.command("unbake")
@click.argument("image", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the credential to this file (default: standard output).",
)
@click.option("--force", is_flag=True, help="Replace the -o file if it exists.")
def unbake_command(*, image: Path, output: Path | None, force: bool) -> None:
    """Print the credential baked into IMAGE (PNG or SVG), as it was baked: JSON or a VC-JWT.

    Nothing is verified: run 'leadbadge verify IMAGE' for that.
    """
    from leadbadge.share import bake
    from leadbadge.verifier.decode import MAX_INPUT_BYTES

    try:
        with image.open("rb") as handle:
            raw = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise click.ClickException(f"{image} cannot be read ({error.strerror}).") from None
    text = bake.unbake(raw, label=str(image)).text.strip()
    if text.startswith("{"):
        # Shown as baked when it is not JSON; 'verify' says what is wrong with it.
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    if output is None:
        echo(text)
    else:
        _write(output, (text + "\n").encode("utf-8"), force=force)
        _say(f"Wrote {output}.")
