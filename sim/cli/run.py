"""``followup run``: strategies on the same prospects, the ranked table, and every output file."""

from __future__ import annotations

import json
import textwrap
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.chart_options import (
    ChartsOpt,
    CompareOpt,
    HighlightOpt,
    OnlyOpt,
    SizeOpt,
    chart_options,
)
from sim.cli.common import (
    OutputFormat,
    ScenarioArg,
    SchedulerOpt,
    WorkersOpt,
    default_workers,
    fail,
    interruptible,
    os_error_text,
    output_folder,
    scenario_from_arg,
    strategy_list,
    user_errors,
)
from sim.engines.registry import DEFAULT_CHUNK, DEFAULT_PROSPECTS, engine_names
from sim.io.errors import OptionError

TABLES_UP_TO = 200_000
"""Prospects per strategy up to which ``followup run`` writes the outcome table and touch log
unless told (beyond, they are gigabytes; every other output comes from statistics)."""


def keep_tables(tables: bool | None, prospects: int | None, engine: str) -> bool:
    """Whether a run keeps its per-prospect tables: as asked, else up to ``TABLES_UP_TO``
    prospects per strategy (always on the DES, which keeps them to tell stories)."""
    if tables is not None:
        return tables
    n = DEFAULT_PROSPECTS[engine] if prospects is None else prospects
    return engine == "des" or n <= TABLES_UP_TO


if TYPE_CHECKING:
    import pandas as pd

    from sim.results.result import RunResult

EngineName = StrEnum("EngineName", {name: name for name in engine_names()})  # type: ignore[misc]
"""The ``--engine`` choices, listed by ``--help``."""
DEFAULT_ENGINE = EngineName("vector")

NOTE_WRAP = textwrap.TextWrapper(width=100, break_on_hyphens=False, break_long_words=False)


def run(
    scenario: ScenarioArg = None,
    engine: Annotated[EngineName, typer.Option(help="Simulation engine.")] = DEFAULT_ENGINE,
    strategies: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated strategy names; 'all' (the library plus the scenario's own) "
            "or 'scenario' (the scenario's strategies list).",
            show_default="all",
        ),
    ] = None,
    prospects: Annotated[
        int | None,
        typer.Option(
            help="Prospects per strategy (the start, with --precision).",
            show_default=f"{DEFAULT_PROSPECTS['vector']:,} (vector), "
            f"{DEFAULT_PROSPECTS['des']:,} (des)",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed (0 to 2**63 - 1).")] = 0,
    out: Annotated[
        str | None,
        typer.Option(
            help="Output folder, replaced as a whole by the new run.",
            show_default="reports/<scenario name>",
        ),
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="What to print on stdout.")
    ] = OutputFormat.table,
    workers: WorkersOpt = None,
    chunk: Annotated[
        int, typer.Option(help="Prospects per chunk in the vector engine.")
    ] = DEFAULT_CHUNK,
    tables: Annotated[
        bool | None,
        typer.Option(
            "--tables/--no-tables",
            help="Write the per-prospect table and the touch log (prospects.parquet, "
            "touches.parquet). Every other output comes from mergeable statistics at any size.",
            show_default=f"on up to {TABLES_UP_TO:,} prospects per strategy",
        ),
    ] = None,
    stream: Annotated[
        bool,
        typer.Option(help="The same as --no-tables (kept for earlier scripts)."),
    ] = False,
    scheduler: SchedulerOpt = None,
    precision: Annotated[
        float | None,
        typer.Option(
            help="Grow the run until every meeting-rate 95% CI half-width is below this "
            "(a share: 0.005 = half a meeting per 100 prospects).",
            show_default="off",
        ),
    ] = None,
    max_prospects: Annotated[
        int, typer.Option(help="With --precision: at most this many prospects per strategy.")
    ] = 2_000_000,
    only_charts: ChartsOpt = None,
    only: OnlyOpt = None,
    highlight: HighlightOpt = None,
    compare: CompareOpt = None,
    size: SizeOpt = None,
    week_strategy: Annotated[
        str | None,
        typer.Option(
            help="Strategy whose week in the life is traced and drawn.",
            show_default="the first strategy run",
        ),
    ] = None,
    posterior: Annotated[
        Path | None,
        typer.Option(help="A calibration's posterior.parquet: compare over its draws instead."),
    ] = None,
    draws: Annotated[int, typer.Option(help="With --posterior: parameter sets drawn.")] = 20,
    assumptions: Annotated[
        bool,
        typer.Option(
            help="Re-run the leading strategies (at most 5) with each need-creation "
            "assumption at the ends of its range, and say whether the ranking depends on it."
        ),
    ] = True,
) -> None:
    """Run strategies on the same prospects; print the ranked table and write the summary,
    comparisons, touch statistics, raw data, manifest, charts and report."""
    from concurrent.futures.process import BrokenProcessPool

    from sim.io.staging import prepare_target, scratch
    from sim.report.dependence import FOLDER
    from sim.report.dependence_sweep import check_assumptions
    from sim.report.findings import compare_to_best, finding_sentences
    from sim.results.summary import format_table
    from sim.run import RunOptions, simulate, write_run
    from sim.run.executor import SchedulerError
    from sim.run.options import check_memory
    from sim.run.precision import precision_lines
    from sim.run.write import is_run_entry, is_run_folder
    from sim.strategy.library import expand

    if posterior is not None:
        from sim.cli.calibrate import run_posterior

        n = DEFAULT_PROSPECTS["vector"] if prospects is None else prospects
        w = default_workers() if workers is None else workers
        return run_posterior(scenario, posterior, draws, strategies, n, seed, w, out)
    started = time.perf_counter()
    with user_errors():
        charts = chart_options(only_charts, only, highlight, compare, size, week_strategy)
        name = engine.value
        if stream and tables:
            raise OptionError("stream", "--stream means --no-tables; give one of them")
        if scheduler is not None and workers is not None:
            raise OptionError("workers", "local workers and --scheduler exclude each other")
        options = RunOptions(
            prospects=DEFAULT_PROSPECTS[name] if prospects is None else prospects,
            seed=seed,
            engine=name,
            workers=default_workers() if workers is None else workers,
            chunk=chunk,
            stream=stream or not keep_tables(tables, prospects, name),
            precision=precision,
            max_prospects=max_prospects,
            week=True,
            week_strategy=week_strategy,
            progress=True,
            scheduler=scheduler,
        )
        scen = scenario_from_arg(scenario)
        names = strategy_list(strategies, scen)
        charts.check(expand(names, scen))
        check_memory(options, len(expand(names, scen)))
        folder = output_folder(out, scen.name)
        try:
            prepare_target(folder, is_run_entry, owned=is_run_folder)
        except OSError as exc:
            fail(f"cannot write into {folder}: {os_error_text(exc)}", code=1)
    unchanged = f"nothing written ({folder} is as it was)"
    with user_errors(), interruptible(f"interrupted; {unchanged}"):
        try:
            with scratch(folder) as parts:
                result = simulate(scen, names, options.replace(touch_dir=parts))
                check = None
                if assumptions:
                    check = check_assumptions(
                        result, parts / FOLDER, workers=options.workers,
                        scheduler=scheduler, progress=True,
                    )  # fmt: skip
                written = write_run(
                    result, folder, charts=charts, started=started, assumptions=check
                )
        except OSError as exc:
            fail(f"cannot write into {folder}: {os_error_text(exc)}; {unchanged}", code=1)
        except BrokenProcessPool:
            fail(f"a worker process died (out of memory?); {unchanged}", code=1)
        except SchedulerError as exc:
            fail(f"{exc}; {unchanged}", code=1)
    summary = written.summary
    notes = finding_sentences(summary, compare_to_best(result, summary, written.comparisons))[1:]
    notes += precision_lines(result)
    notes += check.sentences() if check is not None else []
    if fmt is OutputFormat.json:
        typer.echo(summary_json(summary))
        for note in notes:
            typer.echo(note, err=True)
        typer.echo(f"wrote {files_note(written.files)}", err=True)
        return
    typer.echo(header_line(result))
    typer.echo(format_table(summary))
    for note in notes:
        typer.echo(NOTE_WRAP.fill(note))
    typer.echo(f"wrote {files_note(written.files)}")


def files_note(paths: list[Path]) -> str:
    """The written files for the closing line, the charts as one entry."""
    charts = [p for p in paths if p.parent.name == "charts" and p.suffix == ".png"]
    others = [str(p) for p in paths if p not in charts]
    if charts:
        others.insert(len(others) - 1, f"{charts[0].parent}/ ({len(charts)} charts)")
    return ", ".join(others)


def summary_json(summary: pd.DataFrame) -> str:
    from sim.io.jsonable import json_ready

    records = json_ready(summary.to_dict(orient="records"))
    return json.dumps(records, indent=2, allow_nan=False)


def header_line(result: RunResult) -> str:
    return (
        f"scenario {result.scenario.name} | engine {result.engine} | "
        f"{result.n_prospects} prospects | seed {result.seed} | {result.wall_time:.1f} s"
    )


__all__ = ["run"]
