"""``followup charts``: re-draw a saved run's charts (and its report) from its files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.common import fail, os_error_text, user_errors


def charts(
    folder_arg: Annotated[
        str, typer.Argument(metavar="FOLDER", help="Output folder of a `followup run`.")
    ],
    report: Annotated[
        bool, typer.Option("--report/--no-report", help="Also rewrite report.html.")
    ] = False,
) -> None:
    """Re-draw the charts of a run from its saved results in FOLDER (summary.csv,
    prospects.parquet, touches.parquet, week.json and scenario.yaml) into FOLDER/charts/."""
    import pandas as pd

    from sim.report.html import write_report
    from sim.results.saved import load_saved_run, read_manifest
    from sim.viz.render import render_all

    if not folder_arg.strip():
        fail("FOLDER: an empty name; give the output folder of a `followup run`")
    folder = Path(folder_arg)
    with user_errors():
        try:
            result, summary = load_saved_run(folder)
            saved = folder / "comparisons.csv"
            comparisons = pd.read_csv(saved) if report and saved.is_file() else None
        except FileNotFoundError as exc:
            fail(str(exc))
        except (OSError, ValueError) as exc:
            fail(f"cannot read the results in {folder}: {exc}")
    try:
        written = render_all(result, summary, folder)
        if report:
            info = read_manifest(folder) or None  # the run's own, when it was saved
            written.append(
                write_report(result, summary, folder, comparisons, charts=written, info=info)
            )
    except OSError as exc:
        fail(f"cannot write into {folder}: {os_error_text(exc)}", code=1)
    typer.echo(f"wrote {', '.join(map(str, written))}")


__all__ = ["charts"]
