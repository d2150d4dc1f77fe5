"""``followup optimize``: the best cadence under a team's constraints, and the proof that it is
better than the library's (``sim.optimize``).

Bad input (an option out of range, an unknown channel or strategy, a posterior or cadence file
with problems, an output folder holding another search) prints one line per problem to stderr
and exits with code 2, without a traceback. A search that finds no cadence meeting the
constraints writes what it found and exits with code 1.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.common import (
    ScenarioArg,
    SchedulerOpt,
    WorkersOpt,
    default_workers,
    fail,
    resumable_folder,
    resumable_work,
    scenario_from_arg,
    user_errors,
)

if TYPE_CHECKING:
    from sim.optimize.result import Optimization


class Objective(StrEnum):
    meetings = "meetings"
    wins = "wins"
    meetings_per_rep_hour = "meetings_per_rep_hour"


def _cap(option: str, text: str | None, default: float | None) -> float | None:
    """A cap given as a number, or ``none`` for no cap."""
    if text is None:
        return default
    if text.strip().lower() == "none":
        return None
    try:
        return float(text)
    except ValueError:
        fail(f"{option}: a number (or none), got {text!r}")


def optimize_command(
    scenario: ScenarioArg = None,
    objective: Annotated[Objective, typer.Option(help="What to maximise.")] = Objective.meetings,
    max_opt_out: Annotated[
        str | None,
        typer.Option(
            "--max-opt-out",
            metavar="RATE",
            help="Cap on the opt-out rate, a share of prospects (0.02: 2 in 100), or none.",
            show_default="0.02",
        ),
    ] = None,
    max_rep_minutes: Annotated[
        str | None,
        typer.Option(
            "--max-rep-minutes",
            metavar="MIN_PER_PROSPECT",
            help="Cap on the rep's minutes per prospect, or none.",
            show_default="none",
        ),
    ] = None,
    channels: Annotated[
        str | None,
        typer.Option(
            help="Channels the cadence may use, comma-separated.",
            show_default="email,call_desk,call_cell,text,social,letter",
        ),
    ] = None,
    max_touches: Annotated[
        int | None, typer.Option(help="Cap on touches per prospect.", show_default="none")
    ] = None,
    trials: Annotated[int, typer.Option(help="Cadences the search evaluates cheaply.")] = 200,
    prospects: Annotated[
        int, typer.Option(help="Prospects of an evaluation at the full size (per draw).")
    ] = 65_536,
    confirm_prospects: Annotated[
        int, typer.Option(help="Fresh prospects per strategy in the confirmation run.")
    ] = 100_000,
    posterior: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR/posterior.parquet",
            help="Maximise the mean over draws of this calibration posterior.",
        ),
    ] = None,
    draws: Annotated[
        int | None, typer.Option(help="Posterior draws (with --posterior).", show_default="8")
    ] = None,
    pareto: Annotated[
        bool,
        typer.Option(
            help="Search the front of the goal against rep minutes and opt-outs (NSGA-II) "
            "instead of the goal alone (TPE)."
        ),
    ] = False,
    baseline: Annotated[
        str | None,
        typer.Option(
            metavar="NAME_OR_FILE",
            help="The team's current cadence (a strategy's name or a YAML cadence file), "
            "added to the confirmation.",
        ),
    ] = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    resume: Annotated[
        bool, typer.Option(help="Continue the search in --out: evaluations done are kept.")
    ] = False,
    overwrite: Annotated[
        bool, typer.Option(help="Delete the evaluations of an earlier search and restart.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option(help="Output folder.", show_default="reports/optimize/<scenario name>"),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed (0 to 2**63 - 1).")] = 0,
) -> None:
    """Search the cadence language for the best cadence under the team's constraints, on
    common random numbers (cheap evaluations first, the promising ones on more prospects),
    then confirm it against the five best library strategies on fresh prospects. Writes
    scenario.yaml (the scenario with the pick as 'optimized'), best.yaml, trials.parquet,
    pareto.csv, the confirmation's tables, charts, report.html and manifest.json into --out."""
    from sim.optimize.api import check_sizes, optimize
    from sim.optimize.objective import Constraints, Goal
    from sim.optimize.problem import (
        DEFAULT_MAX_OPT_OUT,
        OptimizeProblem,
        load_baseline,
        parse_channels,
        space_for,
    )

    if workers is not None and scheduler is not None:
        fail("--workers and --scheduler exclude each other: local processes or a Dask cluster")
    workers = default_workers() if workers is None else workers
    if workers < 1:
        fail(f"--workers must be at least 1, got {workers}")
    if not 0 <= seed < 2**63:
        fail(f"--seed must be between 0 and 2**63 - 1, got {seed}")
    if resume and overwrite:
        fail("--resume and --overwrite exclude each other")
    if posterior is None and draws is not None:
        fail("--draws needs --posterior")
    opt_out = _cap("--max-opt-out", max_opt_out, DEFAULT_MAX_OPT_OUT)
    minutes = _cap("--max-rep-minutes", max_rep_minutes, None)
    with user_errors():
        check_sizes(trials, prospects, confirm_prospects)
        constraints = Constraints(max_opt_out=opt_out, max_rep_minutes=minutes)
        scen = scenario_from_arg(scenario)
        space = space_for(scen, parse_channels(channels), max_touches)
        problem = OptimizeProblem(
            scen, Goal(objective.value), constraints, space,
            load_baseline(baseline, scen) if baseline is not None else None,
            posterior, 8 if draws is None else draws, pareto,
        )  # fmt: skip
        folder = resumable_folder(
            None if out is None else str(out), scen.name, Path("reports") / "optimize"
        )
        with resumable_work(folder, "the evaluations done"):
            result = optimize(
                problem, folder, trials=trials, prospects=prospects,
                confirm_prospects=confirm_prospects, workers=workers, scheduler=scheduler,
                resume=resume, overwrite=overwrite, seed=seed, progress=True,
            )  # fmt: skip
    for line in summary_lines(result):
        typer.echo(line)
    if result.pick is None:
        raise typer.Exit(1)


def summary_lines(result: Optimization) -> list[str]:
    """What the terminal shows: the search, the pick, the confirmation, the files."""
    from sim.optimize.confirm import verdict_lines
    from sim.optimize.objective import GOAL_METRIC, LABELS, show

    problem = result.problem
    metric = GOAL_METRIC[problem.goal]
    lines = [
        f"optimize {problem.name} | goal {metric} | {len(result.trials)} trials at "
        f"{result.sizes[0]:,} prospects, up to {result.full:,} | seed {result.seed} | "
        f"{result.executor} | {result.ran} evaluations run, {result.replayed} replayed | "
        f"{result.wall_time:.1f} s",
    ]
    if result.pick is None or result.confirmation is None:
        lines.append("no cadence of the search met the constraints: loosen them (--max-opt-out, "
                     "--max-rep-minutes) or search more trials")  # fmt: skip
    else:
        m = result.pick.last
        lines.append(f"pick (trial {result.pick.record.number}): {result.pick.record.text}")
        value = show(metric, m.goal(problem.goal))
        lines.append(f"  at {result.full:,} prospects in the search: {LABELS[metric]} {value}")
        lines += verdict_lines(result.confirmation, problem.goal)
    folder = result.files[0].parent if result.files else Path(".")
    names = [p.name for p in result.files if p.parent.name != "charts"]
    lines.append(f"wrote into {folder}: {', '.join(names)}, charts/")
    return lines


__all__ = ["optimize_command"]
