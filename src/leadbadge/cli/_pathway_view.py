"""``leadbadge verify --pathway``: the pathway report as a tree (or JSON), and its exit code."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from leadbadge.cli._common import echo
from leadbadge.cli._plain import printable

if TYPE_CHECKING:
    from rich.console import Console
    from rich.tree import Tree

    from leadbadge.verifier.pathway import PathwayCredential, PathwayNode, PathwayReport
    from leadbadge.verifier.verify import Verifier

_VERDICT_STYLE = {"valid": "bold green", "invalid": "bold red", "inconclusive": "bold yellow"}
_HELD = {True: ("held", "green"), False: ("NOT HELD", "bold red"), None: ("unknown", "magenta")}


def run_pathway(
    verifier: Verifier,
    inputs: tuple[str, ...],
    *,
    framework_file: Path | None,
    recipient: str | None,
    at: datetime | None,
    as_json: bool,
    out: Console,
) -> int:
    """Verify INPUTs as one pathway, print the report, return the exit code."""
    from leadbadge.pathway.framework import load_framework

    if "-" in inputs:
        raise click.UsageError("--pathway reads credential files, not standard input.")
    framework = load_framework(framework_file) if framework_file is not None else None
    report = verifier.verify_pathway(
        [Path(name) for name in inputs], framework=framework, recipient=recipient, at=at
    )
    if as_json:
        echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        print_pathway(out, report)
    return report.exit_code


def print_pathway(out: Console, report: PathwayReport) -> None:
    """The verdict, the recipient finding, and the tree from the initial certification up."""
    from rich.markup import escape
    from rich.text import Text
    from rich.tree import Tree

    verdict = report.verdict.value
    headline = Text()
    headline.append(f"PATHWAY {verdict.upper()}", style=_VERDICT_STYLE[verdict])
    headline.append(f"  {len(report.credentials)} credential(s)")
    out.print(headline)
    out.print(f"  Recipient: {escape(printable(report.recipient_message))}")
    root = Tree("Pathway", guide_style="dim")
    for node in report.tree:
        _add_node(root, node)
    for credential in report.unplaced:
        _add_credential(root.add(Text("(a tier the framework does not define)")), credential)
    out.print(root, soft_wrap=False)


def _add_node(parent: Tree, node: PathwayNode) -> None:
    from rich.text import Text

    label = Text()
    label.append(printable(node.tier), style="bold")
    label.append(f" — {printable(node.name)}")
    branch = parent.add(label)
    if not node.credentials:
        branch.add(Text("no credential in the set", style="dim"))
    for credential in node.credentials:
        _add_credential(branch, credential)
    for child in node.children:
        _add_node(branch, child)


def _add_credential(branch: Tree, credential: PathwayCredential) -> None:
    from rich.text import Text

    verdict = credential.report.verdict.value
    line = Text(overflow="fold")
    line.append(verdict.upper(), style=_VERDICT_STYLE[verdict])
    line.append(f"  {printable(credential.input)}")
    if credential.awarded:
        line.append(f"  awarded {printable(credential.awarded)}", style="dim")
    leaf = branch.add(line)
    for finding in credential.prerequisites:
        label, style = _HELD[finding.held]
        text = Text("prerequisite ", overflow="fold")
        text.append(printable(finding.tier), style="bold")
        text.append(": ")
        text.append(label, style=style)
        text.append(f" — {printable(finding.message)}", style="dim")
        leaf.add(text)
