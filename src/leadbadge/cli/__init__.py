"""The ``leadbadge`` command line: a thin layer over the public API."""

from __future__ import annotations

import click

from leadbadge import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="leadbadge")
def cli() -> None:
    """Issue and verify Open Badges 3.0 credentials for school-leadership certification."""


def main() -> None:
    cli()
