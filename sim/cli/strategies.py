"""``followup strategies``: the built-in strategy library, one entry per strategy."""

from __future__ import annotations

import json
import textwrap
from typing import Annotated

import typer

from sim.cli.common import user_errors
from sim.cli.trace import first_sentence


def list_strategies(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every field of every strategy as JSON.")
    ] = False,
) -> None:
    """List the built-in strategy library."""
    from sim.strategy.library import library_specs

    with user_errors():
        specs = library_specs()
    if as_json:
        records = [{"name": name, **spec.model_dump(mode="json")} for name, spec in specs.items()]
        typer.echo(json.dumps(records, indent=2))
        return
    width = max(len(name) for name in specs) + 2
    for name, spec in specs.items():
        indent = " " * width
        wrap = textwrap.TextWrapper(width=100, initial_indent=indent, subsequent_indent=indent)
        about = wrap.fill(first_sentence(spec.description) or "(no description)")
        typer.echo(name.ljust(width) + about[width:])
        if spec.source:
            typer.echo(wrap.fill(f"source: {spec.source}"))


__all__ = ["list_strategies"]
