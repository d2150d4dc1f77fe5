"""``followup charts``: re-draw a saved run's charts (and its report) from its files, with the
chart options a trainer needs for slides."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.chart_options import (
    ChartsOpt,
    CompareOpt,
    HighlightOpt,
    OnlyOpt,
    SizeOpt,
    chart_options,
)
from sim.cli.common import fail, os_error_text, user_errors


def charts(
    folder_arg: Annotated[
        str, typer.Argument(metavar="FOLDER", help="Output folder of a `followup run`.")
    ],
    report: Annotated[
        bool, typer.Option("--report/--no-report", help="Also rewrite report.html.")
    ] = False,
    only_charts: ChartsOpt = None,
    only: OnlyOpt = None,
    highlight: HighlightOpt = None,
    compare: CompareOpt = None,
    size: SizeOpt = None,
    week_strategy: Annotated[
        str | None,
        typer.Option(
            help="Draw the week in the life under this strategy (traced again by the "
            "discrete-event engine when the saved week is another strategy's).",
            show_default="the run's week",
        ),
    ] = None,
) -> None:
    """Re-draw the charts of a run from its saved results in FOLDER (summary.csv,
    prospects.parquet, touches.parquet, funnel.csv, week.json and scenario.yaml) into
    FOLDER/charts/. With --charts, only those charts are rewritten and the others are left
    as they are."""
    import dataclasses

    import pandas as pd

    from sim.report.html import write_report
    from sim.results.saved import load_saved_run, read_manifest
    from sim.viz.render import render_all

    if not folder_arg.strip():
        fail("FOLDER: an empty name; give the output folder of a `followup run`")
    folder = Path(folder_arg)
    with user_errors():
        options = chart_options(only_charts, only, highlight, compare, size, week_strategy)
        try:
            result, summary = load_saved_run(folder)
            tables = {
                name: pd.read_csv(folder / name)
                for name in ("comparisons.csv", "funnel.csv")
                if (folder / name).is_file()
            }
        except FileNotFoundError as exc:
            fail(str(exc))
        except (OSError, ValueError) as exc:
            fail(f"cannot read the results in {folder}: {exc}")
        options.check(result.strategies)
        if week_strategy is not None and (
            result.week is None or result.week.strategy != week_strategy
        ):
            from sim.engines.des.week import trace_week
            from sim.strategy.library import get_strategy

            strategy = get_strategy(week_strategy, result.scenario)
            week = trace_week(result.scenario, strategy, result.seed)
            result = dataclasses.replace(result, week=week)
    try:
        written = render_all(
            result, summary, folder, options, tables=tables, prune=options.charts is None
        )
        if report:
            info = read_manifest(folder) or None  # the run's own, when it was saved
            written.append(
                write_report(
                    result,
                    summary,
                    folder,
                    tables.get("comparisons.csv"),
                    charts=None,
                    info=info,
                    funnel=tables.get("funnel.csv"),
                )
            )
    except OSError as exc:
        fail(f"cannot write into {folder}: {os_error_text(exc)}", code=1)
    typer.echo(f"wrote {', '.join(map(str, written))}")


__all__ = ["charts"]
