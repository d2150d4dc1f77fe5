"""``followup calibrate``: fit a scenario to a targets file, with the uncertainty that remains;
and the ``--posterior`` branch of ``followup run`` (strategies compared over posterior draws).

Bad input (a targets file with problems, a statistic the strategy cannot produce, a budget too
small, an output folder holding another calibration) prints one line per problem to stderr and
exits with code 2, without a traceback.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.common import (
    SchedulerOpt,
    WorkersOpt,
    default_workers,
    fail,
    interruptible,
    os_error_text,
    output_folder,
    resumable_folder,
    resumable_work,
    user_errors,
)

if TYPE_CHECKING:
    import pandas as pd

    from sim.calibrate.result import Calibration


def calibrate_command(
    targets: Annotated[
        str, typer.Argument(help="Targets file, or the name of one in scenarios/targets/.")
    ],
    out: Annotated[
        Path | None,
        typer.Option(help="Output folder.", show_default="reports/calibrations/<name>"),
    ] = None,
    budget: Annotated[
        int | None,
        typer.Option(
            help="Parameter sets to evaluate in all (point fit and posterior).",
            show_default="300 + 150 per free parameter",
        ),
    ] = None,
    prospects: Annotated[
        int | None,
        typer.Option(
            help="Prospects per strategy in a full evaluation.",
            show_default="enough for the simulation's SE to be 0.7 of the observed one",
        ),
    ] = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    resume: Annotated[
        bool, typer.Option(help="Continue the calibration in --out: evaluations done are kept.")
    ] = False,
    overwrite: Annotated[
        bool, typer.Option(help="Delete the evaluations of an earlier calibration and restart.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Random seed (0 to 2**63 - 1).")] = 0,
) -> None:
    """Fit the free parameters of a targets file's scenario to its targets: an Optuna point fit,
    then an emcee posterior on a synthetic likelihood. Writes calibrated.yaml (posterior
    medians), fit.csv, parameters.csv, posterior.parquet, charts, report.html and
    manifest.json into --out (default reports/calibrations/<name>/); --resume continues an
    interrupted calibration."""
    from sim.calibrate.api import calibrate
    from sim.calibrate.problem import load_problem

    workers = default_workers() if workers is None else workers
    checks = [("--workers", workers, 1), ("--budget", budget, 1), ("--prospects", prospects, 256)]
    for flag, value, least in checks:
        if value is not None and value < least:
            fail(f"{flag} must be at least {least}, got {value}")
    if not 0 <= seed < 2**63:
        fail(f"--seed must be between 0 and 2**63 - 1, got {seed}")
    if resume and overwrite:
        fail("--resume and --overwrite exclude each other")
    with user_errors():
        problem = load_problem(targets)
        folder = resumable_folder(
            None if out is None else str(out), problem.name, Path("reports") / "calibrations"
        )
        with resumable_work(folder, "the evaluations done"):
            result = calibrate(
                problem, folder, budget=budget, prospects=prospects, workers=workers,
                scheduler=scheduler, resume=resume, overwrite=overwrite, seed=seed,
                progress=True,
            )  # fmt: skip
    for line in summary_lines(result):
        typer.echo(line)


def _fmt(value: object) -> str:
    x = float(value)  # type: ignore[arg-type]
    return "-" if not math.isfinite(x) else f"{x:.4g}"


def text_table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def summary_lines(result: Calibration) -> list[str]:
    """The fit table, the parameters and the warnings, as printed."""
    from sim.calibrate.charts import records
    from sim.calibrate.outputs import fit_table, parameter_table, warnings_of

    fit = fit_table(result)
    params = parameter_table(result)
    p = result.plan
    lines = [
        f"calibration {result.problem.name} | {len(result.problem.targets)} targets | "
        f"{len(result.problem.space.dims)} free parameters | budget {p.budget} "
        f"({result.ran} run, {result.replayed} replayed) | {p.prospects} prospects | seed "
        f"{result.seed} | {result.executor} | {result.wall_time:.1f} s",
        "",
    ]
    rows = [["target", "observed", "+-SE", "simulated", "90% over posterior", "z", ""]]
    for r in records(fit):
        bound = {"at_most": "<= ", "at_least": ">= "}.get(str(r.get("bound") or ""), "")
        rows.append([str(r["target"]), bound + _fmt(r["observed"]),
                     "bound" if bound else _fmt(r["observed_se"]),
                     _fmt(r["simulated"]), f"[{_fmt(r['sim_ci_low'])}, {_fmt(r['sim_ci_high'])}]",
                     f"{r['z']:+.2f}", "NOT REACHED" if r["note"] else ""])  # fmt: skip
    lines += text_table(rows)
    lines.append("")
    rows = [["parameter", "prior", "calibrated (median)", "90% interval", "point fit"]]
    for q in records(params):
        rows.append([str(q["parameter"]), f"{q['prior']} [{_fmt(q['low'])}, {_fmt(q['high'])}]",
                     _fmt(q["median"]), f"[{_fmt(q['ci_low'])}, {_fmt(q['ci_high'])}]",
                     _fmt(q["point_fit"])])  # fmt: skip
    lines += text_table(rows)
    warnings = warnings_of(result, fit)
    lines.append("")
    lines += [f"warning: {w}" for w in warnings] or ["no warnings"]
    folder = result.files[0].parent if result.files else Path(".")
    lines.append(f"wrote into {folder}: " + ", ".join(
        p.name for p in result.files if p.parent.name != "charts"
    ) + ", charts/")  # fmt: skip
    return lines


# -- followup run --posterior ------------------------------------------------------------------


def run_posterior(
    scenario: str | None,
    posterior: Path,
    draws: int,
    strategies: str | None,
    prospects: int,
    seed: int,
    workers: int,
    out: str | None,
) -> None:
    """``followup run SCENARIO --posterior FILE --draws K``: the comparison over K posterior
    draws (``sim.calibrate.compare``), printed and written."""
    from sim.calibrate.compare import compare_over_posterior, write_comparison
    from sim.cli.common import scenario_from_arg, strategy_list

    if draws < 1:
        fail(f"--draws must be at least 1, got {draws}")
    with user_errors():
        scen = scenario_from_arg(scenario)
        names = strategy_list(strategies, scen)
        folder = output_folder(out, scen.name)
    with user_errors(), interruptible("interrupted; nothing written"):
        result = compare_over_posterior(
            scen, names, posterior, draws=draws, prospects=prospects, seed=seed, workers=workers,
            progress=True,
        )  # fmt: skip
        try:
            files = write_comparison(result, folder)
        except OSError as exc:
            fail(f"cannot write into {folder}: {os_error_text(exc)}", code=1)
    for line in posterior_lines(result.summary, result.best, draws, prospects):
        typer.echo(line)
    typer.echo("wrote " + ", ".join(str(f) for f in files))


def posterior_lines(summary: pd.DataFrame, best: pd.DataFrame, draws: int, n: int) -> list[str]:
    def pct(x: float) -> str:
        return "-" if not math.isfinite(x) else f"{100 * x:.1f}"

    from sim.calibrate.charts import records

    rates = {str(r["strategy"]): r for r in records(summary) if r["metric"] == "meeting_rate"}
    rows = [["strategy", "meetings/100 [95% over draws]", "P(best)", "P(worse than best)"]]
    for r in records(best):
        m = rates[str(r["strategy"])]
        worse = float(r["p_worse_than_best"])
        rows.append([str(r["strategy"]), f"{pct(m['mean'])} [{pct(m['ci_low'])}, "
                     f"{pct(m['ci_high'])}]", f"{float(r['p_best']):.2f}",
                     "best" if worse != worse else f"{worse:.2f}"])  # fmt: skip
    return [
        f"{draws} posterior draws x {n} prospects per strategy; intervals include the "
        "parameters' uncertainty",
        *text_table(rows),
    ]


__all__ = ["calibrate_command", "run_posterior"]
