"""``followup funnel``: a saved run's funnel, touch by touch, in the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import fail


def funnel(
    folder: Annotated[Path, typer.Argument(help="Output folder of a `followup run`.")],
    strategies: Annotated[
        str | None,
        typer.Option(help="Comma-separated strategies to show.", show_default="all, best first"),
    ] = None,
    by_channel: Annotated[
        bool, typer.Option("--by-channel", help="One line per touch and channel.")
    ] = False,
) -> None:
    """Print the funnel of a run from FOLDER/funnel.csv: per strategy and touch, the touches
    sent, the shares reached, answered yes or no and opted out (95% intervals), the meetings
    booked by that touch per 100 prospects (what the N-th touch adds) and its rep minutes;
    then the meetings of prospects who called in, booked by no touch."""
    import pandas as pd

    from sim.io.errors import unknown_names
    from sim.results.funnel import funnel_text
    from sim.results.summary import ranked

    path = folder / "funnel.csv"
    if not path.is_file():
        fail(f"{path}: not found (is {folder} the folder of a `followup run`?)")
    try:
        table = pd.read_csv(path)
        summary_file = folder / "summary.csv"
        order = ranked(pd.read_csv(summary_file)) if summary_file.is_file() else []
    except (OSError, ValueError) as exc:
        fail(f"cannot read {path}: {exc}")
    present = list(dict.fromkeys(table["strategy"].astype(str)))
    names = [s for s in order if s in present] + [s for s in present if s not in order]
    if strategies is not None:
        wanted = [n.strip() for n in strategies.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in present]
        if not wanted:
            fail("--strategies: no strategy names given")
        if unknown:
            fail(f"--strategies: {unknown_names('strategy', unknown, present)}")
        names = wanted
    for i, name in enumerate(names):
        if i:
            typer.echo("")
        typer.echo(funnel_text(table, name, by_channel=by_channel))


__all__ = ["funnel"]
