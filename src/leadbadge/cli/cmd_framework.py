"""``leadbadge framework show`` and ``framework validate``: read a certification framework file."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from leadbadge.cli._app import cli
from leadbadge.cli._common import EXIT_INVALID, EXIT_OK, console, echo


@cli.group("framework")
def framework_group() -> None:
    """Show or validate a certification framework (program file)."""


@framework_group.command("show")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True, help="Print the framework as JSON.")
def show(file: Path | None, as_json: bool) -> None:
    """Show the tiers of FILE (default: the framework shipped with leadbadge)."""
    from leadbadge.pathway.framework import default_framework, framework_to_dict, load_framework

    framework = load_framework(file) if file else default_framework()
    if as_json:
        echo(json.dumps(framework_to_dict(framework), indent=2, ensure_ascii=False))
        return
    out = console()
    program = framework.program
    out.print(f"[bold]{program.name}[/bold] — {program.organization}")
    if program.standards:
        out.print("Aligned to: " + "; ".join(s.name for s in program.standards))
    table = Table(show_lines=False)
    table.add_column("tier", no_wrap=True)
    for column in ("name", "roles", "credits", "requires", "valid", "competencies"):
        table.add_column(column)
    for tier in framework.tiers:
        table.add_row(
            tier.id,
            tier.name,
            ", ".join(tier.roles),
            f"{tier.credits:g}",
            ", ".join(tier.prerequisites) or "—",
            f"{tier.validity_years} y",
            str(len(tier.competencies)),
        )
    out.print(table)


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
