"""The ``followup`` command line: run a scenario, trace one prospect, list the strategies,
re-draw a run's charts.

Bad input (a scenario file with problems, an unknown strategy or engine, a prospect count
below one) prints one line per problem to stderr and exits with code 2, without a traceback.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import pandas as pd
import typer

from .atomic import write_atomic
from .clock import format_time, label
from .errors import ScenarioError
from .jsonable import json_ready
from .loader import load_scenario
from .run import ENGINES, RunResult, simulate
from .scenario import Scenario
from .strategy.library import expand, library_names, library_specs
from .summary import format_table, half_widths, prospects_for_precision, summarize_stats
from .sweep.cli import sensitivity_command, sweep_command
from .tables import run_tables
from .touch_store import merge_parts

DEFAULT_SCENARIO = "scenarios/baseline.yaml"
DEFAULT_PROSPECTS = {"vector": 50_000, "des": 2_000}
"""Prospects per strategy when ``--prospects`` is not given: each engine's size for a run of
every strategy in about a minute or two on 2 cores."""

app = typer.Typer(
    name="followup",
    help="Simulate sales follow-up strategies against busy prospects.",
    pretty_exceptions_enable=False,
    add_completion=False,
    no_args_is_help=True,
)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


# -- errors ------------------------------------------------------------------------------------


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one line to stderr and exit."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn a ``ScenarioError`` into its lines on stderr and exit code 2."""
    try:
        yield
    except ScenarioError as exc:
        for line in exc.lines():
            typer.echo(line, err=True)
        raise typer.Exit(2) from None


# -- inputs ------------------------------------------------------------------------------------


def scenario_from_arg(scenario: str | None) -> Scenario:
    """Load a scenario by path or name; without one, ``scenarios/baseline.yaml`` if it is in
    the working directory, else the project's ``baseline`` scenario."""
    if scenario is None:
        scenario = DEFAULT_SCENARIO if Path(DEFAULT_SCENARIO).exists() else "baseline"
    return load_scenario(scenario)


def known_strategies(scenario: Scenario) -> list[str]:
    return [*library_names(), *(n for n in scenario.custom_strategies if n not in library_names())]


def strategy_list(option: str | None, scenario: Scenario) -> list[str]:
    """The ``--strategies`` option as names: ``all`` (the default; kept for ``simulate`` to
    expand into the library plus the scenario's own) or ``scenario`` (the scenario's
    ``strategies`` list) may stand among the names."""
    names = [n.strip() for n in (option or "all").split(",") if n.strip()]
    if not names:
        fail("--strategies: no strategy names given")
    if "scenario" in names:
        if not scenario.strategies:
            fail("--strategies scenario: the scenario lists no strategies")
        at = names.index("scenario")
        names[at : at + 1] = list(scenario.strategies)
        names = list(dict.fromkeys(n for n in names if n != "scenario"))
    known = known_strategies(scenario)
    unknown = [n for n in names if n not in known and n != "all"]
    if unknown:
        fail(f"unknown strategy {', '.join(map(repr, unknown))}; known: {', '.join(known)}")
    return names


def default_workers() -> int:
    """Worker processes when ``--workers`` is not given: 2 on a machine with 2 CPUs or more."""
    return 2 if (os.cpu_count() or 1) >= 2 else 1


def one_strategy(option: str | None, scenario: Scenario) -> str:
    """The ``--strategy`` option of ``trace``: one known name (default: the scenario's first)."""
    if option is None:
        if not scenario.strategies:
            fail("the scenario lists no strategies; give one with --strategy")
        return expand(scenario.strategies[:1], scenario)[0]
    if option == "all" or "," in option:
        fail("--strategy: give exactly one strategy name")
    return strategy_list(option, scenario)[0]


def check_engine(engine: str) -> None:
    if engine not in ENGINES:
        fail(f"unknown engine {engine!r}; choose one of: {', '.join(ENGINES)}")


# -- outputs -----------------------------------------------------------------------------------


RUN_FILES = (
    "summary.csv",
    "comparisons.csv",
    "touch_stats.csv",
    "by_attempt.csv",
    "prospects.parquet",
    "touches.parquet",
)
"""Data files of ``followup run``, in the order they are written (``manifest.json``,
``scenario.yaml``, the charts and ``report.html`` follow)."""


def write_outputs(
    result: RunResult, summary: pd.DataFrame, tables: dict[str, pd.DataFrame], out: Path
) -> list[Path]:
    """``summary.csv``, the ``tables`` (``sim.tables.run_tables``: ``comparisons.csv``,
    ``touch_stats.csv``, ``by_attempt.csv``), ``prospects.parquet`` and ``touches.parquet`` in
    ``out``. A streamed run keeps no outcome table or touch log: it has no parquet files and
    no ``comparisons.csv``. Files of these names that this run does not write (left by an
    earlier run in the same folder) are removed, so the folder never mixes two runs."""
    files: dict[str, Callable[[Path], None]] = {"summary.csv": csv_writer(summary)}
    files.update({filename: csv_writer(table) for filename, table in tables.items()})
    if not result.streamed:
        files["prospects.parquet"] = lambda p: result.prospects.to_parquet(
            p, engine="pyarrow", index=False
        )
        if result.touch_parts:
            files["touches.parquet"] = lambda p: merge_parts(result.touch_parts, p)
        else:
            files["touches.parquet"] = lambda p: result.touches.to_parquet(
                p, engine="pyarrow", index=False
            )
    written = []
    for filename in RUN_FILES:
        path = out / filename
        try:
            if filename not in files:
                path.unlink(missing_ok=True)
                continue
            write_atomic(path, files[filename])
        except OSError as exc:
            fail(f"cannot write {path}: {exc.strerror or exc}", code=1)
        written.append(path)
    return written


@contextmanager
def touch_parts_folder(out: Path) -> Iterator[Path]:
    """A hidden scratch folder in ``out`` for the touch log's part files (one per strategy,
    written where it was simulated and merged into ``touches.parquet``), removed afterwards
    whatever happens, so a run never holds every strategy's touch log in memory."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=out, prefix=".touches-", suffix=".tmp"))
    except OSError as exc:
        fail(f"cannot write into {out}: {exc.strerror or exc}", code=1)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def csv_writer(table: pd.DataFrame) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        table.to_csv(path, index=False)

    return write


def write_manifest(info: dict[str, object], out: Path) -> Path:
    """``manifest.json`` in ``out`` (``sim.report.manifest``)."""
    path = out / "manifest.json"
    text = json.dumps(json_ready(info), indent=2, allow_nan=False)

    def write(tmp: Path) -> None:
        tmp.write_text(text + "\n", encoding="utf-8")

    try:
        write_atomic(path, write)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}", code=1)
    return path


def write_visuals(
    result: RunResult,
    summary: pd.DataFrame,
    out: Path,
    comparisons: pd.DataFrame | None = None,
    info: dict[str, object] | None = None,
) -> list[Path]:
    """``scenario.yaml`` (so that ``followup charts`` can re-draw), ``charts/*.png`` and
    ``report.html`` (its finding from ``comparisons`` when given; ``info``: its manifest) in
    ``out``. The week in the life comes from a small discrete-event run of one prospect,
    whatever the engine (streamed runs included)."""
    import matplotlib

    from .charts import render_all
    from .loader import scenario_to_yaml
    from .report import write_report

    matplotlib.use("Agg")
    scenario_file = out / "scenario.yaml"
    try:
        text = scenario_to_yaml(result.scenario)

        def write_yaml(path: Path) -> None:
            path.write_text(text, encoding="utf-8")

        write_atomic(scenario_file, write_yaml)
        charts = render_all(result, summary, out)
        report = write_report(result, summary, out, comparisons, charts=charts, info=info)
    except OSError as exc:
        fail(f"cannot write into {out}: {exc.strerror or exc}", code=1)
    return [scenario_file, *charts, report]


def files_note(paths: list[Path]) -> str:
    """The written files for the closing line, the charts as one entry."""
    charts = [p for p in paths if p.parent.name == "charts" and p.suffix == ".png"]
    others = [str(p) for p in paths if p not in charts]
    if charts:
        others.insert(len(others) - 1, f"{charts[0].parent}/ ({len(charts)} charts)")
    return ", ".join(others)


def summary_json(summary: pd.DataFrame) -> str:
    records = json_ready(summary.to_dict(orient="records"))
    return json.dumps(records, indent=2, allow_nan=False)


def header_line(result: RunResult) -> str:
    return (
        f"scenario {result.scenario.name} | engine {result.engine} | "
        f"{result.n_prospects} prospects | seed {result.seed} | {result.wall_time:.1f} s"
    )


# -- commands ----------------------------------------------------------------------------------

ScenarioArg = Annotated[
    str | None,
    typer.Argument(
        help="Scenario file, or the name of one in scenarios/.",
        show_default=DEFAULT_SCENARIO,
    ),
]


@app.command()
def run(
    scenario: ScenarioArg = None,
    engine: Annotated[str, typer.Option(help="Simulation engine.")] = "vector",
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
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    out: Annotated[
        Path | None, typer.Option(help="Output folder.", show_default="reports/<scenario name>")
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="What to print on stdout.")
    ] = OutputFormat.table,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Processes running whole strategies side by side (and, for one strategy on "
            "the vector engine, its chunks).",
            show_default="2 with 2 CPUs or more, else 1",
        ),
    ] = None,
    chunk: Annotated[int, typer.Option(help="Prospects per chunk in the vector engine.")] = 65_536,
    stream: Annotated[
        bool,
        typer.Option(
            help="Vector engine: keep only sufficient statistics (flat memory; no parquet "
            "files, no comparisons.csv)."
        ),
    ] = False,
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
) -> None:
    """Run strategies on the same prospects; print the ranked table and write the summary,
    comparisons, touch statistics, raw data, manifest, charts and report."""
    from .report import compare_to_best, finding_sentences, manifest

    started = time.perf_counter()
    workers = default_workers() if workers is None else workers
    with user_errors():
        check_engine(engine)
        prospects = DEFAULT_PROSPECTS[engine] if prospects is None else prospects
        if prospects < 1:
            fail(f"--prospects must be at least 1, got {prospects}")
        if workers < 1 or chunk < 1:
            fail(f"--workers and --chunk must be at least 1, got {workers} and {chunk}")
        if stream and engine != "vector":
            fail("--stream needs --engine vector")
        if precision is not None and not 0 < precision < 0.5:
            fail(f"--precision must be between 0 and 0.5, got {precision}")
        if precision is not None and max_prospects < prospects:
            fail(f"--max-prospects ({max_prospects}) is below --prospects ({prospects})")
        scen = scenario_from_arg(scenario)
        names = strategy_list(strategies, scen)
    folder = out if out is not None else Path("reports") / scen.name
    with user_errors(), touch_parts_folder(folder) as parts:

        def simulate_n(n: int) -> RunResult:
            return simulate(
                scen, names, prospects=n, seed=seed, engine=engine, progress=True,
                workers=workers, chunk=chunk, stream=stream, touch_dir=parts,
            )  # fmt: skip

        if precision is None:
            result, steps = simulate_n(prospects), None
        else:
            result, steps = grow_to_precision(simulate_n, prospects, precision, max_prospects)
        summary = summarize_stats(result.stats)
        tables = run_tables(None if result.streamed else result.prospects, result.stats, summary)
        written = write_outputs(result, summary, tables, folder)
    comparisons = tables.get("comparisons.csv")
    extra: dict[str, object] = {}
    if precision is not None and steps is not None:
        extra["precision"] = precision_record(precision, steps, max_prospects)
    info = manifest(result, **extra)
    written += write_visuals(result, summary, folder, comparisons, info)
    info["command_wall_time_s"] = round(time.perf_counter() - started, 3)
    written.append(write_manifest(info, folder))
    notes = finding_sentences(summary, compare_to_best(result, summary, comparisons))[1:]
    if precision is not None and steps is not None:
        notes += precision_lines(precision, steps, max_prospects)
    if fmt is OutputFormat.json:
        typer.echo(summary_json(summary))
        for note in notes:
            typer.echo(note, err=True)
        typer.echo(f"wrote {files_note(written)}", err=True)
        return
    typer.echo(header_line(result))
    typer.echo(format_table(summary))
    for note in notes:
        typer.echo(NOTE_WRAP.fill(note))
    typer.echo(f"wrote {files_note(written)}")


NOTE_WRAP = textwrap.TextWrapper(width=100, break_on_hyphens=False, break_long_words=False)


# -- precision ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrecisionStep:
    """One run of ``grow_to_precision``: its size and its meeting-rate CI half-widths."""

    prospects: int
    half_widths: dict[str, float]
    wall_time: float

    @property
    def widest(self) -> float:
        """The largest half-width (infinite when one is undefined)."""
        values = [math.inf if math.isnan(w) else w for w in self.half_widths.values()]
        return max(values, default=math.inf)


def grow_to_precision(
    simulate_n: Callable[[int], RunResult], prospects: int, target: float, max_prospects: int
) -> tuple[RunResult, list[PrecisionStep]]:
    """Run with ``prospects`` per strategy, then, while some strategy's meeting-rate CI
    half-width is at or above ``target``, run again from scratch (same seed, so the first
    prospects are the same ones) with the size ``sim.summary.prospects_for_precision``
    estimates from the widest half-width: ``n * (half_width / target) ** 2`` rounded up to a
    multiple of 4096 and at most ``max_prospects``. Stops when every half-width is below the
    target or the run already has ``max_prospects``. Returns the last run, its wall time the
    sum over all runs, and every run's half-widths."""
    steps: list[PrecisionStep] = []
    total_time = 0.0
    n = prospects
    while True:
        result = simulate_n(n)
        total_time += result.wall_time
        widths = half_widths(summarize_stats(result.stats))
        step = PrecisionStep(n, widths, result.wall_time)
        steps.append(step)
        if step.widest < target or n >= max_prospects:
            break
        grown = prospects_for_precision(
            n, step.widest, target, multiple=PRECISION_MULTIPLE, cap=max_prospects
        )
        if grown <= n:  # cannot happen while the target is above zero, but never loop
            grown = min(n + PRECISION_MULTIPLE, max_prospects)
        typer.echo(
            f"meeting-rate CI half-width up to {step.widest:.4f} with {n:,} prospects "
            f"(target {target:g}): running again with {grown:,}",
            err=True,
        )
        n = grown
    return replace(result, wall_time=total_time), steps


PRECISION_MULTIPLE = 4096
"""``--precision`` sizes are multiples of this (the random-number block, ``sim.streams``)."""


def precision_lines(target: float, steps: list[PrecisionStep], cap: int) -> list[str]:
    """What ``--precision`` achieved, for the terminal."""
    last = steps[-1]
    runs = f"{len(steps)} run{'s' if len(steps) != 1 else ''}"
    if last.widest < target:
        head = (
            f"Precision: every meeting-rate 95% CI half-width is below {target:g} with "
            f"{last.prospects:,} prospects per strategy ({runs})."
        )
    else:
        head = (
            f"Precision NOT reached: the widest meeting-rate 95% CI half-width is "
            f"{last.widest:.4f} (target {target:g}) at the cap of {cap:,} prospects per "
            f"strategy ({runs}); raise --max-prospects."
        )
    widths = ", ".join(f"{name} {w:.4f}" for name, w in last.half_widths.items())
    return [head, f"Half-widths: {widths}."]


def precision_record(target: float, steps: list[PrecisionStep], cap: int) -> dict[str, object]:
    """``--precision`` in the manifest: the target, the cap, whether every half-width got below
    it and the size and widest half-width of each run."""
    return {
        "target_half_width": target,
        "max_prospects": cap,
        "reached": steps[-1].widest < target,
        "runs": [
            {"prospects": st.prospects, "widest_half_width": round(st.widest, 6)} for st in steps
        ],
        "half_widths": {k: round(v, 6) for k, v in steps[-1].half_widths.items()},
    }


@app.command()
def charts(
    folder: Annotated[Path, typer.Argument(help="Output folder of a `followup run`.")],
    seed: Annotated[
        int | None,
        typer.Option(
            help="Seed of the week in the life.", show_default="the run's (report.html), else 0"
        ),
    ] = None,
    report: Annotated[
        bool, typer.Option("--report/--no-report", help="Also rewrite report.html.")
    ] = False,
) -> None:
    """Re-draw the charts of a run from its saved results in FOLDER (summary.csv,
    prospects.parquet, touches.parquet and scenario.yaml) into FOLDER/charts/."""
    import matplotlib

    from .charts import render_all
    from .report import load_saved_run, read_manifest, write_report

    with user_errors():
        try:
            result, summary = load_saved_run(folder, seed)
            saved = folder / "comparisons.csv"
            comparisons = pd.read_csv(saved) if report and saved.is_file() else None
        except FileNotFoundError as exc:
            fail(str(exc))
        except (OSError, ValueError) as exc:
            fail(f"cannot read the results in {folder}: {exc}")
    matplotlib.use("Agg")
    try:
        written = render_all(result, summary, folder)
        if report:
            info = read_manifest(folder) or None  # the run's own, when it was saved
            written.append(
                write_report(result, summary, folder, comparisons, charts=written, info=info)
            )
    except OSError as exc:
        fail(f"cannot write into {folder}: {exc.strerror or exc}", code=1)
    typer.echo(f"wrote {', '.join(map(str, written))}")


Event = tuple[int, float | None, str, str]


def as_event(raw: tuple[object, ...]) -> Event:
    """A trace entry ``(day, minute, kind, text)`` with its types checked."""
    day, minute, kind, text = raw[:4]
    if not isinstance(day, int | float) or not (minute is None or isinstance(minute, int | float)):
        raise TypeError(f"malformed trace entry {raw!r}")
    return int(day), None if minute is None else float(minute), str(kind), str(text)


STORY_WRAP = textwrap.TextWrapper(width=100, subsequent_indent=" " * 9, break_on_hyphens=False)


def story_lines(events: list[Event], days: int | None) -> list[str]:
    """Events grouped by business day under a heading; at most ``days`` days."""
    lines: list[str] = []
    shown: list[int] = []
    for day, minute, _kind, text in events:
        if not shown or day != shown[-1]:
            if days is not None and len(shown) == days:
                rest = len({d for d, *_ in events if d > shown[-1]})
                lines.append(f"... {rest} more day{'s' if rest != 1 else ''} (see --days)")
                break
            shown.append(day)
            lines.append(label(day))
        stamp = format_time(minute) if minute is not None else " " * 5
        lines.append(STORY_WRAP.fill(f"  {stamp}  {text}"))
    return lines


@app.command()
def trace(
    scenario: ScenarioArg = None,
    strategy: Annotated[
        str | None, typer.Option(help="Strategy to follow.", show_default="the scenario's first")
    ] = None,
    prospect: Annotated[int, typer.Option(help="Index of the prospect to follow.")] = 0,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    days: Annotated[
        int | None, typer.Option(help="Print at most this many business days.", show_default="all")
    ] = None,
) -> None:
    """Tell one prospect's story under one strategy, day by day (discrete-event engine)."""
    with user_errors():
        if prospect < 0:
            fail(f"--prospect must be at least 0, got {prospect}")
        if days is not None and days < 1:
            fail(f"--days must be at least 1, got {days}")
        scen = scenario_from_arg(scenario)
        name = one_strategy(strategy, scen)
        result = simulate(
            scen, [name], prospects=prospect + 1, seed=seed, engine="des", trace=[prospect]
        )
    events = [as_event(e) for e in result.traces.get((name, prospect), [])]
    typer.echo(f"scenario {scen.name} | strategy {name} | prospect {prospect} | seed {seed}")
    if not events:
        typer.echo("(nothing recorded)")
        return
    for line in story_lines(events, days):
        typer.echo(line)


def first_sentence(text: str) -> str:
    text = " ".join(text.split())
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return match.group(1) if match else text


@app.command("strategies")
def list_strategies(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every field of every strategy as JSON.")
    ] = False,
) -> None:
    """List the built-in strategy library."""
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


app.command("sweep")(sweep_command)
app.command("sensitivity")(sensitivity_command)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
