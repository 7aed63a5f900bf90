"""``leadbadge framework show | validate`` and ``evidence-template``: read a framework file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from leadbadge.cli._app import cli
from leadbadge.cli._common import EXIT_INVALID, EXIT_OK, console, echo, print_rows

if TYPE_CHECKING:
    from leadbadge.model import EvidenceRequirement, Framework, Tier


@cli.group("framework")
def framework_group() -> None:
    """Show or validate a certification framework (program file)."""


@framework_group.command("show")
@click.argument("args", nargs=-1, metavar="[FILE] [TIER]")
@click.option("--json", "as_json", is_flag=True, help="Print the framework (or tier) as JSON.")
def show(args: tuple[str, ...], as_json: bool) -> None:
    """Show the tiers of FILE (default: the framework shipped with leadbadge), or one TIER in
    full: its competencies and levels, and the evidence it needs with every field to record.

    \b
    Examples:
      leadbadge framework show
      leadbadge framework show initial
      leadbadge framework show program.toml building
    """
    from leadbadge.pathway.framework import framework_to_dict

    framework, tier_id = _framework_and_tier(args)
    if tier_id is not None:
        tier = _tier(framework, tier_id)
        if as_json:
            (data,) = [t for t in framework_to_dict(framework)["tiers"] if t["id"] == tier.id]
            echo(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            show_tier(tier)
        return
    if as_json:
        echo(json.dumps(framework_to_dict(framework), indent=2, ensure_ascii=False))
        return
    out = console()
    program = framework.program
    out.print(f"[bold]{escape(program.name)}[/bold] — {escape(program.organization)}")
    if program.standards:
        out.print("Aligned to: " + escape("; ".join(s.name for s in program.standards)))
    rows = [
        (
            tier.id,
            tier.name,
            ", ".join(tier.roles),
            f"{tier.credits:g}",
            ", ".join(tier.prerequisites) or "—",
            f"{tier.validity_years} y",
            str(len(tier.competencies)),
        )
        for tier in framework.tiers
    ]
    print_rows(("tier", "name", "roles", "credits", "requires", "valid", "competencies"), rows)
    echo("Show one tier with its evidence: leadbadge framework show TIER.")


def _framework_and_tier(args: tuple[str, ...]) -> tuple[Framework, str | None]:
    from leadbadge.pathway.framework import default_framework, load_framework

    if len(args) > 2:
        raise click.UsageError("Give at most a framework FILE and a TIER.")
    if len(args) == 2:
        return load_framework(_existing(args[0])), args[1]
    if len(args) == 1 and (Path(args[0]).is_file() or args[0].endswith((".toml", ".json"))):
        return load_framework(_existing(args[0])), None
    return default_framework(), (args[0] if args else None)


def _existing(name: str) -> Path:
    path = Path(name)
    if not path.is_file():
        raise click.ClickException(f"The framework file {name} does not exist.")
    return path


def _tier(framework: Framework, tier_id: str) -> Tier:
    tier = framework.find_tier(tier_id)
    if tier is None:
        known = ", ".join(framework.tier_ids())
        raise click.ClickException(f"Unknown tier {tier_id!r}; the known tiers are {known}.")
    return tier


def show_tier(tier: Tier) -> None:
    """One tier in plain lines: what a program administrator or a candidate needs to know."""
    echo(f"{tier.name} ({tier.id})")
    echo(f"  Roles: {', '.join(tier.roles) or '—'}")
    echo(f"  Credits: {tier.credits:g}; valid {tier.validity_years} years")
    echo(f"  Requires: {', '.join(tier.prerequisites) or 'no earlier tier'}")
    echo("  Competencies (rubric levels, the required one marked *):")
    for competency in tier.competencies:
        levels = ", ".join(
            f"{level.id}*" if level.id == competency.required_level else level.id
            for level in competency.levels
        )
        echo(f"    {competency.id}: {competency.name} [{levels}]")
    _show_evidence("Evidence", tier.evidence)
    renewal = tier.renewal
    echo(f"  Renewal: {renewal.professional_learning_hours:g} hours of professional learning")
    _show_evidence("Renewal evidence", renewal.evidence)
    echo(f"A file to fill in: leadbadge evidence-template {tier.id} > evidence.toml")


def _show_evidence(title: str, requirements: tuple[EvidenceRequirement, ...]) -> None:
    if not requirements:
        return
    echo(f'  {title} (--evidence "REQUIREMENT: field=value; ..."):')
    for requirement in requirements:
        hours = f", at least {requirement.min_hours:g} hours" if requirement.min_hours else ""
        echo(f"    {requirement.id}: {requirement.name} ({requirement.kind}{hours})")
        if requirement.records:
            echo(f"      fields: {', '.join(requirement.records)}")


@cli.command("evidence-template")
@click.argument("tier_id", metavar="TIER")
@click.option(
    "--framework",
    "framework_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The framework file (default: the shipped one).",
)
@click.option("--renewal", is_flag=True, help="The evidence a renewal of TIER needs instead.")
def evidence_template_command(tier_id: str, framework_file: Path | None, renewal: bool) -> None:
    """Print a TOML evidence file for TIER to fill in, for 'issue --evidence @FILE'.

    Every requirement of the tier is a table with each field it records left empty.
    """
    from leadbadge.pathway.framework import default_framework, load_framework
    from leadbadge.pathway.inputs import evidence_template

    framework = load_framework(framework_file) if framework_file else default_framework()
    echo(evidence_template(_tier(framework, tier_id), renewal=renewal), nl=False)


@framework_group.command("validate")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def validate(ctx: click.Context, file: Path) -> None:
    """Check FILE and list every problem with its location (exit 1 when there are problems)."""
    from leadbadge.errors import FrameworkError
    from leadbadge.pathway.framework import load_framework

    try:
        framework = load_framework(file)
    except FrameworkError as error:
        for problem in error.problems:
            echo(f"{file}: {problem}")
        count = len(error.problems)
        click.echo(f"{count} problem{'s' if count != 1 else ''} found in {file}.", err=True)
        ctx.exit(EXIT_INVALID)
    echo(f"{file} is a valid framework with {len(framework.tiers)} tiers.")
    ctx.exit(EXIT_OK)
