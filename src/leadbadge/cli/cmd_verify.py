"""``leadbadge verify``: verify credentials and presentations offline and report every check.

Exit code: the worst outcome over all inputs, in the order valid (0) < inconclusive (2) <
invalid (1) < unreadable input (3). docs/verification.md documents the report and the JSON shape.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from leadbadge.cli import _collection
from leadbadge.cli._app import LoadsWhenCalled, cli
from leadbadge.cli._common import (
    EXIT_INCONCLUSIVE,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    console,
    echo,
    parse_when,
    say_error,
    sentence,
)
from leadbadge.cli._plain import Output

if TYPE_CHECKING:
    from leadbadge.errors import LeadbadgeError
    from leadbadge.verifier.report import CheckResult, VerificationReport
    from leadbadge.verifier.report_presentation import PresentationReport, PresentedCredential

#: Exit codes from best to worst: several inputs exit with the worst one seen.
_SEVERITY = (EXIT_OK, EXIT_INCONCLUSIVE, EXIT_INVALID, EXIT_USAGE)
_STATUS_STYLE = {
    "pass": ("pass", "green"),
    "warn": ("warn", "yellow"),
    "fail": ("FAIL", "bold red"),
    "unknown": ("unknown", "magenta"),
    "skipped": ("skipped", "dim"),
    "not_applicable": ("n/a", "dim"),
}
_VERDICT_STYLE = {"valid": "bold green", "invalid": "bold red", "inconclusive": "bold yellow"}


def _parse_at(value: str | None) -> datetime | None:
    """``--at``: an ISO 8601 date-time (no zone means UTC) or a date (midnight UTC)."""
    return parse_when(value, "--at")


def _is_qr_text(name: str) -> bool:
    """An argument that is a credential's text (a link or full payload a QR code holds, or a
    VC-JWT), not a file name."""
    from leadbadge.verifier.decode import is_credential_text

    if not is_credential_text(name):
        return False
    try:
        return not Path(name).exists()
    except OSError:  # too long to be a file name
        return True


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


_DURATION = re.compile(r"^(\d+)\s*([dhm]?)$")


def _parse_duration(value: str) -> timedelta:
    """``--max-status-age``: a whole number of days (``d``, the default unit), hours or minutes."""
    match = _DURATION.match(value.strip().lower())
    if match is None or int(match[1]) == 0:
        raise click.BadParameter(
            f"{value!r} is not a duration like 7d, 36h or 90m", param_hint="'--max-status-age'"
        )
    unit = {"": "days", "d": "days", "h": "hours", "m": "minutes"}[match[2]]
    return timedelta(**{unit: int(match[1])})


def _read_status_list(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise click.BadParameter(
            f"{path} is not a readable JSON file", param_hint="'--status-list'"
        ) from None
    if not isinstance(document, dict):
        raise click.BadParameter(f"{path} is not a JSON object", param_hint="'--status-list'")
    return document


def _worst(codes: list[int]) -> int:
    return max(codes, key=_SEVERITY.index) if codes else EXIT_OK


@cli.command("verify", cls=LoadsWhenCalled)
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option(
    "--trust",
    "trust_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Trust store folder (default: $LEADBADGE_TRUST, else the per-user data folder).",
)
@click.option(
    "--recipient", metavar="EMAIL", help="Check that the credential was awarded to EMAIL."
)
@click.option(
    "--at",
    "at",
    metavar="DATETIME",
    help=(
        "Judge the credential's validity period as of this instant, e.g. "
        "2031-01-01T00:00:00Z (default: now). Status is still as of its list's date, whose "
        "age is judged against the real time."
    ),
)
@click.option(
    "--credentials",
    "credential_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FOLDER",
    help="A folder (or file) with copies of credentials that QR code links name, or a "
    "published site folder; repeatable.",
)
@click.option(
    "--online",
    is_flag=True,
    help="Fetch what a QR code leaves out (the linked credential, an Achievement) from the "
    "issuer's site over HTTPS, and status lists that are not pinned. Keys are never fetched "
    "here.",
)
@click.option(
    "--status-list",
    "status_list_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="A status list credential handed in with the credential (matched by its id); "
    "repeatable. It is checked like a pinned one.",
)
@click.option(
    "--max-status-age",
    metavar="DURATION",
    default="7d",
    show_default=True,
    help="The oldest status list taken as current: 7d, 36h, 90m. An older list leaves the "
    "status unknown (verdict inconclusive).",
)
@click.option(
    "--unsafe-skip-status",
    is_flag=True,
    help="UNSAFE: do not let a missing or out-of-date status list make the verdict "
    "inconclusive; a revoked or suspended credential is still invalid.",
)
@click.option(
    "--pathway",
    is_flag=True,
    help="Verify the INPUTs as one person's pathway: one recipient, and per tier whether its "
    "prerequisites were held when it was awarded, as a tree (docs/pathways.md).",
)
@click.option(
    "--framework",
    "framework_file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="With --pathway: the framework whose tiers and prerequisites apply (default: "
    "leadbadge's default framework).",
)
@click.option(
    "--challenge",
    metavar="TEXT",
    help="For a presentation: the challenge you asked the holder to sign; its proof must carry "
    "exactly this (a presentation without it, or a single credential, is refused).",
)
@click.option(
    "--domain",
    metavar="TEXT",
    help="For a presentation: the domain you asked the holder to sign (your site or name); "
    "its proof must carry it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def verify_command(
    ctx: click.Context,
    *,
    inputs: tuple[str, ...],
    trust_dir: Path | None,
    recipient: str | None,
    at: str | None,
    credential_dirs: tuple[Path, ...],
    online: bool,
    status_list_files: tuple[Path, ...],
    max_status_age: str,
    unsafe_skip_status: bool,
    pathway: bool,
    framework_file: Path | None,
    challenge: str | None,
    domain: str | None,
    as_json: bool,
) -> None:
    """Verify each INPUT offline: a credential file (JSON or VC-JWT), a baked PNG or SVG badge,
    a photo or scan of a QR code, the text of a QR code (a link https://…/c/… or LB1:…), a
    verifiable presentation (JSON or VP-JWT: the holder's proof and every credential in it), or
    - for standard input.

    Exit code: 0 valid, 1 invalid, 2 inconclusive, 3 usage error or unreadable input; with
    several inputs, the worst of them.
    """
    from leadbadge.errors import LeadbadgeError
    from leadbadge.pathway.identity import normalize_email
    from leadbadge.trust.store import TrustStore
    from leadbadge.verifier.decode import MAX_INPUT_BYTES
    from leadbadge.verifier.report import VerificationReport
    from leadbadge.verifier.verify import VerificationPolicy, Verifier

    if inputs.count("-") > 1:
        raise click.UsageError("Standard input ('-') can be read only once.")
    judged_at = _parse_at(at)
    if recipient is not None:
        recipient = normalize_email(recipient, field_name="recipient")
    from leadbadge.verifier.sources import credential_sources

    _collection.resume()
    store = TrustStore.open(trust_dir)
    sources = credential_sources(trust_store=store, folders=credential_dirs, online=online)
    policy = VerificationPolicy(
        status="online" if online else "offline",
        max_status_age=_parse_duration(max_status_age),
        unsafe_skip_status=unsafe_skip_status,
    )
    given = [_read_status_list(path) for path in status_list_files]
    verifier = Verifier(store, policy, sources=sources)
    if framework_file is not None and not pathway:
        raise click.UsageError("--framework is for --pathway.")
    if pathway and (challenge is not None or domain is not None):
        raise click.UsageError(
            "--challenge and --domain check one presentation; verify it without --pathway."
        )
    for flag, value in (("--challenge", challenge), ("--domain", domain)):
        if value is not None and not value.strip():
            raise click.UsageError(f"{flag} must not be empty.")
    if pathway:
        from leadbadge.cli._pathway_view import run_pathway

        ctx.exit(
            run_pathway(
                verifier,
                inputs,
                framework_file=framework_file,
                recipient=recipient,
                at=judged_at,
                as_json=as_json,
                out=console(),
            )
        )

    codes: list[int] = []
    outputs: list[dict[str, Any]] = []
    out = Output.stdout()
    for index, name in enumerate(inputs):
        try:
            data: bytes | str | Path
            if name == "-":
                with click.open_file("-", "rb") as stdin:
                    data, label = stdin.read(MAX_INPUT_BYTES + 1), "-"
            elif _is_qr_text(name):
                data, label = name, _short(name)
            else:
                data, label = Path(name), name
            report = verifier.verify_any(
                data,
                recipient=recipient,
                at=judged_at,
                source=label,
                status_lists=given,
                challenge=challenge,
                domain=domain,
            )
        except LeadbadgeError as error:
            say_error(sentence(error.message))
            codes.append(EXIT_USAGE)
            outputs.append(_unreadable_json(name, error))
            continue
        codes.append(report.exit_code)
        if as_json:
            outputs.append(report.to_json())
        else:
            if index:
                out.text()
            if isinstance(report, VerificationReport):
                _print_report(out, report)
            else:
                _print_presentation(out, report)
    if as_json:
        payload: Any = outputs[0] if len(outputs) == 1 else outputs
        echo(json.dumps(payload, indent=2, ensure_ascii=False))
    ctx.exit(_worst(codes))


def _unreadable_json(name: str, error: LeadbadgeError) -> dict[str, Any]:
    return {
        "input": name,
        "verdict": None,
        "error": {
            "code": error.code,
            "message": sentence(error.message),
            "problemType": error.problem_type,
        },
    }


def _print_report(out: Output, report: VerificationReport) -> None:
    verdict = report.verdict.value
    out.line((verdict.upper(), _VERDICT_STYLE[verdict]), (f"  {report.input}", ""))
    reason = _verdict_reason(report)
    if reason:
        out.text(f"  {reason}")
    summary = report.summary
    if summary is not None:
        lines = []
        title = summary.achievement_name or "(no achievement name)"
        if summary.tier:
            title += f" — tier {summary.tier}"
        lines.append(title)
        issuer = summary.issuer_name or summary.issuer_id or "(no issuer)"
        if summary.issuer_name and summary.issuer_id:
            issuer += f" ({summary.issuer_id})"
        lines.append(f"Issuer: {issuer}")
        if summary.recipient_name:
            lines.append(f"Recipient: {summary.recipient_name}")
        period = summary.valid_from or "?"
        period += f" to {summary.valid_until}" if summary.valid_until else " (no end date)"
        lines.append(f"Valid: {period}")
        indent = "  "
        if verdict != "valid":
            # Claims of a credential that did not verify are the holder's word, not the issuer's.
            out.text("  It claims (not established):")
            indent = "    "
        for line in lines:
            out.text(f"{indent}{line}")
    _print_checks(out, report.checks)


def _print_checks(out: Output, checks: tuple[CheckResult, ...]) -> None:
    from leadbadge.verifier.report import CHECK_TITLES, CheckStatus

    rows = []
    for check in checks:
        label, style = _STATUS_STYLE[check.status.value]
        finding = [(check.message, "")]
        if check.action and check.status not in (CheckStatus.PASS, CheckStatus.NOT_APPLICABLE):
            finding.append((f" {check.action}", "dim"))
        rows.append([[(CHECK_TITLES.get(check.id, check.id), "")], [(label, style)], finding])
    out.table(("check", "status", "finding"), rows)


def _print_presentation(out: Output, report: PresentationReport) -> None:
    """The presentation's verdict and checks, then each credential's report in full."""
    verdict = report.verdict.value
    out.line((verdict.upper(), _VERDICT_STYLE[verdict]), (f"  {report.input}", ""))
    reason = _verdict_reason(report)
    if reason:
        out.text(f"  {reason}")
    summary = report.summary
    count = len(report.credentials)
    kind = f"VC {summary.vc_version} presentation" if summary.vc_version else "Presentation"
    signed = "signed" if summary.signed else "not signed"
    out.text(f"  {kind}, {signed}, {count} credential{'' if count == 1 else 's'}")
    if summary.holder:
        out.text(f"  Holder: {summary.holder}")
    _print_checks(out, report.checks)
    for credential in report.credentials:
        out.text()
        _print_presented(out, credential, count)


def _print_presented(out: Output, credential: PresentedCredential, count: int) -> None:
    out.line((f"Credential {credential.position} of {count} ({credential.carried})", "bold"))
    if credential.report is not None:
        _print_report(out, credential.report)
        return
    out.line((credential.verdict.value.upper(), _VERDICT_STYLE[credential.verdict]))
    message = credential.error.get("message") if credential.error else None
    out.text(f"  {message or 'The entry is not a readable credential.'}")


def _verdict_reason(report: VerificationReport | PresentationReport) -> str | None:
    from leadbadge.verifier.report import CheckStatus

    if report.verdict.value == "valid":
        warned = [c for c in report.checks if c.status is CheckStatus.WARN]
        return f"Valid, with {len(warned)} warning(s) below." if warned else None
    deciding = report.deciding_check
    return deciding.message if deciding else None
