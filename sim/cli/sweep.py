"""``followup sweep`` and ``followup sensitivity``: the commands (registered in ``sim.cli.app``).

Bad input (a sweep file with problems, a swept path the scenario does not have, a cell whose
scenario does not validate, an output folder holding another sweep) prints one line per
problem to stderr and exits with code 2, without a traceback.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sim.cli.common import (
    SchedulerOpt,
    WorkersOpt,
    default_workers,
    fail,
    resumable_folder,
    resumable_work,
    user_errors,
)
from sim.io.errors import OptionError

if TYPE_CHECKING:
    import pandas as pd

    from sim.sweep.api import SweepResult
    from sim.sweep.spec import SweepSpec

SpecArg = Annotated[
    str, typer.Argument(help="Sweep file, or the name of one in scenarios/sweeps/.")
]
OutOpt = Annotated[str | None, typer.Option(help="Output folder.")]
ResumeOpt = Annotated[
    bool, typer.Option(help="Continue the sweep in --out: skip the cells already done.")
]
OverwriteOpt = Annotated[
    bool, typer.Option(help="Delete the shards of an earlier sweep in --out and start again.")
]
BatchOpt = Annotated[
    int | None, typer.Option(help="Cells per task.", show_default="about 2 s of work per task")
]
ProspectsOpt = Annotated[
    int | None, typer.Option(help="Override the spec's prospects per strategy and cell.")
]
ReplicationsOpt = Annotated[int | None, typer.Option(help="Override the spec's replications.")]
ChartsOpt = Annotated[bool, typer.Option("--charts/--no-charts", help="Draw the charts.")]
DryRunOpt = Annotated[
    bool,
    typer.Option(
        "--dry-run",
        help="Validate the sweep and print its cells, tasks and an estimated time; run nothing.",
    ),
]


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def dry_run_lines(
    kind: str, spec_arg: str, prospects: int | None, replications: int | None,
    workers: int, batch: int | None, limit: int = 10,
) -> list[str]:  # fmt: skip
    """What ``--dry-run`` prints: the design's cells (the first ``limit``), the tasks they make
    on ``workers`` processes and a rough estimate of the time (from the engine's cost model,
    ``sim.sweep.tasks.cell_seconds``, which sizes the batches)."""
    from sim.sweep.design import build_design
    from sim.sweep.tasks import batch_size, batches, cell_seconds, cell_tasks

    spec, file = _spec(spec_arg, prospects, replications)
    design = build_design(spec, file, kind)
    cells = cell_tasks(spec, design.cells)
    unique = list({c.key: c for c in cells}.values())
    n = len(spec.strategies)
    size = batch or batch_size(unique, n, spec.prospects, workers)
    tasks = batches(unique, spec, size)
    core = sum(cell_seconds(c, n, spec.prospects) for c in unique)
    wall = core / max(1, min(workers, len(tasks)))
    reps = f"{spec.replications} replication{'s' if spec.replications != 1 else ''}"
    params = design.parameters
    lines = [
        f"{kind} {spec.name} (dry run) | {len(design.cells)} cells ({design.kind} design over "
        f"{', '.join(params)}) | {n} strategies | {spec.prospects:,} prospects x {reps}",
        f"{len(unique)} distinct cells in {len(tasks)} tasks of up to {size} cells on "
        f"{workers} worker{'s' if workers != 1 else ''}",
        f"estimated time: about {_duration(wall)} ({_duration(core)} of one core; a rough "
        "estimate from the engine's cost model, the machine's load not counted)",
    ]
    rows = [["cell", *params]]
    for cell in design.cells[:limit]:
        rows.append([str(cell.index), *(_value(cell.values[p]) for p in params)])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    if len(design.cells) > limit:
        lines.append(f"... {len(design.cells) - limit} more cells")
    lines.append("nothing was run (--dry-run)")
    return lines


def _value(value: object) -> str:
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _check(option: str, value: int | None, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise OptionError(option, f"must be between {low:,} and {high:,}, got {value:,}")


def _spec(path: str, prospects: int | None, replications: int | None) -> tuple[SweepSpec, Path]:
    from sim.run.options import MAX_PROSPECTS
    from sim.sweep.spec import load_spec

    if not path.strip():
        fail("spec: an empty name; give a sweep file or the name of one in scenarios/sweeps/")
    _check("prospects", prospects, 1, MAX_PROSPECTS)
    _check("replications", replications, 1, 10_000)
    spec, file = load_spec(path)
    update: dict[str, Any] = {}
    if prospects is not None:
        update["prospects"] = prospects
    if replications is not None:
        update["replications"] = replications
    return spec.model_copy(update=update) if update else spec, file


def _run(
    kind: str,
    spec_arg: str,
    out: str | None,
    workers: int | None,
    scheduler: str | None,
    resume: bool,
    overwrite: bool,
    batch: int | None,
    prospects: int | None,
    replications: int | None,
    charts: bool,
) -> SweepResult:

    from sim.run.options import MAX_WORKERS
    from sim.sweep.api import run_sweep

    workers = default_workers() if workers is None else workers
    with user_errors():
        _check("workers", workers, 1, MAX_WORKERS)
        _check("batch", batch, 1, 1_000_000)
        if resume and overwrite:
            fail("--resume and --overwrite exclude each other")
        if scheduler is not None and not scheduler.strip():
            raise OptionError("scheduler", "is empty; give the address tcp://HOST:PORT")
        spec, file = _spec(spec_arg, prospects, replications)
        suffix = "-sensitivity" if kind == "sensitivity" else ""
        folder = resumable_folder(out, f"{spec.name}{suffix}", Path("reports") / "sweeps")
        with resumable_work(folder, "the finished cells", "run the sweep into"):
            return run_sweep(
                spec, file, folder, kind=kind, workers=workers, scheduler=scheduler,
                resume=resume, overwrite=overwrite, batch=batch, progress=True, charts=charts,
            )  # fmt: skip


def _dry_run(
    kind: str, spec: str, prospects: int | None, replications: int | None,
    workers: int | None, batch: int | None,
) -> None:  # fmt: skip
    workers = default_workers() if workers is None else workers
    if workers < 1:
        fail(f"--workers must be at least 1, got {workers}")
    if batch is not None and batch < 1:
        fail(f"--batch must be at least 1, got {batch}")
    with user_errors():
        lines = dry_run_lines(kind, spec, prospects, replications, workers, batch)
    for line in lines:
        typer.echo(line)


def header(result: SweepResult) -> str:
    spec = result.spec
    reps = f"{spec.replications} replication{'s' if spec.replications != 1 else ''}"
    return (
        f"{result.kind} {spec.name} | {len(result.design)} cells | {len(spec.strategies)} "
        f"strategies | {spec.prospects} prospects x {reps} | seed {spec.seed} | "
        f"{result.executor} | {result.wall_time:.1f} s"
    )


def _pct(x: float) -> str:
    return "-" if math.isnan(x) else f"{100 * x + 0.0:.1f}".replace("-0.0", "0.0")


def wins_lines(result: SweepResult) -> list[str]:
    """How many cells each strategy wins, and in how many the runner-up is indistinguishable."""
    summary = result.summary
    lines = []
    for name, group in summary.groupby("best", sort=False):
        tied = int(group["indistinguishable"].sum())
        lines.append(
            f"{name} books the most meetings in {len(group)} of {len(summary)} cells "
            f"({tied} indistinguishable from the runner-up)"
        )
    return sorted(lines, key=lambda line: -int(line.split(" in ")[1].split(" of")[0]))


def summary_table(result: SweepResult, limit: int = 30) -> str:
    """``summary.csv`` as text: per cell the parameters, the best, the runner-up and the paired
    difference in meetings per 100 prospects."""
    s = result.summary
    params = [p.name for p in result.spec.parameters]
    rows = [["cell", *params, "best", "meet/100", "runner-up", "diff [95% CI]", "tied"]]
    for r in s.head(limit).to_dict(orient="records"):
        diff = (
            f"{_pct(r['diff'])} [{_pct(r['diff_ci_low'])}, {_pct(r['diff_ci_high'])}]"
            if isinstance(r["runner_up"], str)
            else "-"
        )
        rows.append(
            [str(r["cell"]), *(f"{r[p]:.4g}" if isinstance(r[p], float) else str(r[p])
                               for p in params),
             str(r["best"]), _pct(r["best_meeting_rate"]), str(r["runner_up"] or "-"), diff,
             "yes" if r["indistinguishable"] else ""]
        )  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    text = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    if len(s) > limit:
        text.append(f"... {len(s) - limit} more cells in summary.csv")
    return "\n".join(text)


def sensitivity_text(table: pd.DataFrame) -> str:
    shown = table.copy()
    for column in shown.columns[3:]:
        shown[column] = shown[column].map(lambda v: f"{v:.3f}")
    return shown.to_string(index=False)


def _closing(result: SweepResult) -> list[str]:
    lines = []
    if result.cells_resumed:
        lines.append(
            f"resumed: {result.cells_resumed} cells from earlier shards, {result.cells_run} run now"
        )
    charts = [p for p in result.files if p.parent.name == "charts"]
    others = [p.name for p in result.files if p not in charts]
    note = ", ".join(others) + (f", charts/ ({len(charts)} charts)" if charts else "")
    lines.append(f"wrote into {result.out}: {note}")
    return lines


def sweep_command(
    spec: SpecArg,
    out: OutOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    overwrite: OverwriteOpt = False,
    batch: BatchOpt = None,
    prospects: ProspectsOpt = None,
    replications: ReplicationsOpt = None,
    charts: ChartsOpt = True,
    dry_run: DryRunOpt = False,
) -> None:
    """Run every cell of a sweep file (locally or on a Dask cluster) and write results.parquet,
    differences.parquet, summary.csv, design.csv, manifest.json and charts into --out
    (default reports/sweeps/<name>/). Finished tasks are saved as they arrive: --resume
    continues an interrupted sweep. --dry-run prints the cells, the tasks and an estimated
    time instead."""
    if dry_run:
        _dry_run("sweep", spec, prospects, replications, workers, batch)
        return
    result = _run("sweep", spec, out, workers, scheduler, resume, overwrite, batch, prospects,
                  replications, charts)  # fmt: skip
    typer.echo(header(result))
    for line in wins_lines(result):
        typer.echo(line)
    typer.echo(summary_table(result))
    for line in _closing(result):
        typer.echo(line)


def sensitivity_command(
    spec: SpecArg,
    out: OutOpt = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    resume: ResumeOpt = False,
    overwrite: OverwriteOpt = False,
    batch: BatchOpt = None,
    prospects: ProspectsOpt = None,
    replications: ReplicationsOpt = None,
    charts: ChartsOpt = True,
    dry_run: DryRunOpt = False,
) -> None:
    """Sobol (or Morris) sensitivity indices of the spec's metric for each strategy and for the
    difference between the two compared strategies: runs (or resumes) the sweep of the
    sensitivity design and writes sensitivity.csv and its charts into --out (default
    reports/sweeps/<name>-sensitivity/). --dry-run prints the cells, the tasks and an
    estimated time instead."""
    from sim.sweep.sensitivity import finding, targets

    if dry_run:
        _dry_run("sensitivity", spec, prospects, replications, workers, batch)
        return

    result = _run("sensitivity", spec, out, workers, scheduler, resume, overwrite, batch,
                  prospects, replications, charts)  # fmt: skip
    assert result.sensitivity is not None
    typer.echo(header(result))
    typer.echo(sensitivity_text(result.sensitivity))
    s = result.spec.sensitivity
    for target in targets(result.spec):
        typer.echo(finding(result.sensitivity, s.method, target, s.samples))
    for line in _closing(result):
        typer.echo(line)


__all__ = ["sensitivity_command", "sweep_command"]
