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
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import pandas as pd
import typer

from .clock import format_time, label
from .errors import ScenarioError
from .loader import load_scenario
from .run import ENGINES, RunResult, simulate
from .scenario import Scenario
from .strategy.library import expand, library_names, library_specs
from .summary import format_table, summarize_stats

DEFAULT_SCENARIO = "scenarios/baseline.yaml"

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
    """The ``--strategies`` option as names (``all`` is kept for ``simulate`` to expand)."""
    if option is None:
        if not scenario.strategies:
            fail("the scenario lists no strategies; give some with --strategies")
        return list(scenario.strategies)
    names = [n.strip() for n in option.split(",") if n.strip()]
    if not names:
        fail("--strategies: no strategy names given")
    known = known_strategies(scenario)
    unknown = [n for n in names if n not in known and n != "all"]
    if unknown:
        fail(f"unknown strategy {', '.join(map(repr, unknown))}; known: {', '.join(known)}")
    return names


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


def write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same directory, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        tmp.chmod(0o644)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_outputs(result: RunResult, summary: pd.DataFrame, out: Path) -> list[Path]:
    """``summary.csv``, ``prospects.parquet`` and ``touches.parquet`` in ``out`` (a streamed
    run has only the summary)."""
    files: dict[str, Callable[[Path], None]] = {
        "summary.csv": lambda p: summary.to_csv(p, index=False)
    }
    if not result.streamed:
        files["prospects.parquet"] = lambda p: result.prospects.to_parquet(
            p, engine="pyarrow", index=False
        )
        files["touches.parquet"] = lambda p: result.touches.to_parquet(
            p, engine="pyarrow", index=False
        )
    written = []
    for filename, write in files.items():
        path = out / filename
        try:
            write_atomic(path, write)
        except OSError as exc:
            fail(f"cannot write {path}: {exc.strerror or exc}", code=1)
        written.append(path)
    return written


def write_visuals(result: RunResult, summary: pd.DataFrame, out: Path) -> list[Path]:
    """``scenario.yaml`` (so that ``followup charts`` can re-draw), ``charts/*.png`` and
    ``report.html`` in ``out``. The week in the life comes from a small discrete-event run of
    one prospect, whatever the engine (streamed runs included)."""
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
        report = write_report(result, summary, out, charts=charts)
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


def json_value(value: object) -> object:
    """A JSON-ready value: numpy scalars unwrapped, NaN as null."""
    item = getattr(value, "item", None)
    if callable(item):
        value = item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def summary_json(summary: pd.DataFrame) -> str:
    records = [
        {str(k): json_value(v) for k, v in record.items()}
        for record in summary.to_dict(orient="records")
    ]
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
    engine: Annotated[str, typer.Option(help="Simulation engine.")] = "des",
    strategies: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated strategy names, or 'all'.",
            show_default="the scenario's list",
        ),
    ] = None,
    prospects: Annotated[int, typer.Option(help="Prospects per strategy.")] = 2000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    out: Annotated[
        Path | None, typer.Option(help="Output folder.", show_default="reports/<scenario name>")
    ] = None,
    fmt: Annotated[
        OutputFormat, typer.Option("--format", help="What to print on stdout.")
    ] = OutputFormat.table,
    workers: Annotated[
        int, typer.Option(help="Worker processes for the vector engine's chunks.")
    ] = 1,
    chunk: Annotated[int, typer.Option(help="Prospects per chunk in the vector engine.")] = 65_536,
    stream: Annotated[
        bool, typer.Option(help="Vector engine: keep only summary statistics (flat memory).")
    ] = False,
) -> None:
    """Run strategies on the same prospects; print a summary and write it with the raw data."""
    with user_errors():
        check_engine(engine)
        if prospects < 1:
            fail(f"--prospects must be at least 1, got {prospects}")
        if workers < 1 or chunk < 1:
            fail(f"--workers and --chunk must be at least 1, got {workers} and {chunk}")
        if stream and engine != "vector":
            fail("--stream needs --engine vector")
        scen = scenario_from_arg(scenario)
        names = strategy_list(strategies, scen)
        result = simulate(
            scen, names, prospects=prospects, seed=seed, engine=engine, progress=True,
            workers=workers, chunk=chunk, stream=stream,
        )  # fmt: skip
    summary = summarize_stats(result.stats)
    folder = out if out is not None else Path("reports") / scen.name
    written = write_outputs(result, summary, folder)
    written += write_visuals(result, summary, folder)
    if fmt is OutputFormat.json:
        typer.echo(summary_json(summary))
        typer.echo(f"wrote {files_note(written)}", err=True)
        return
    typer.echo(header_line(result))
    typer.echo(format_table(summary))
    typer.echo(f"wrote {files_note(written)}")


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
    from .report import load_saved_run, write_report

    with user_errors():
        try:
            result, summary = load_saved_run(folder, seed)
        except FileNotFoundError as exc:
            fail(str(exc))
        except (OSError, ValueError) as exc:
            fail(f"cannot read the results in {folder}: {exc}")
    matplotlib.use("Agg")
    try:
        written = render_all(result, summary, folder)
        if report:
            written.append(write_report(result, summary, folder, charts=written))
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
        result = simulate(scen, [name], prospects=prospect + 1, seed=seed, trace=[prospect])
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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
