"""``followup import``: a sales engagement tool's or CRM's export turned into a calibration's
targets, the cadence the team ran, its funnel and a held-out part (``sim.ingest``).

Bad input (a missing column, an unparseable timestamp, an outcome with no mapping, duplicate
rows, a bad option) prints one line per problem, naming the file, the row, the column and the
value, to stderr and exits with code 2, without a traceback.
"""

from __future__ import annotations

import math
import shlex
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.common import fail, interruptible, os_error_text, output_folder, user_errors
from sim.ingest import FORMAT_NAMES

if TYPE_CHECKING:
    from sim.ingest.api import Imported

FormatName = StrEnum("FormatName", {name: name for name in FORMAT_NAMES})  # type: ignore[misc]


class SplitName(StrEnum):
    prospect = "prospect"
    time = "time"


def import_command(
    files: Annotated[list[Path], typer.Argument(help="The export's files (CSV or Parquet).")],
    format: Annotated[FormatName, typer.Option("--format", help="The tool the files come from.")],
    out: Annotated[
        Path | None, typer.Option(help="Output folder.", show_default="reports/imports/<name>")
    ] = None,
    holdout: Annotated[
        float | None,
        typer.Option(help="Share of the prospects held out to check the fit on (0.3: 30%)."),
    ] = None,
    split: Annotated[
        SplitName,
        typer.Option(help="Hold out random prospects, or the ones who arrived last."),
    ] = SplitName.prospect,
    map: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="NAME=VALUE:TARGET: what a value of a vocabulary (a column of the export, or "
            "'outcome' for the main one) means; repeat for several.",
        ),
    ] = None,
    timezone: Annotated[
        str, typer.Option(help="The team's time zone (IANA), for times without one.")
    ] = "UTC",
    sequence: Annotated[
        str | None,
        typer.Option(
            help="The sequence to keep ('all' for every row).", show_default="the largest"
        ),
    ] = None,
    drop_duplicates: Annotated[
        bool, typer.Option("--drop-duplicates", help="Drop duplicate rows instead of failing.")
    ] = False,
    scenario: Annotated[
        str, typer.Option(help="The base scenario of the targets (a path or a name).")
    ] = "baseline",
    name: Annotated[
        str | None, typer.Option(help="The targets' name.", show_default="the sequence's")
    ] = None,
    horizon: Annotated[
        int | None,
        typer.Option(
            help="Business days the prospects were followed.",
            show_default="the export's: the median prospect's, from arrival to the last activity",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the holdout's split.")] = 0,
) -> None:
    """Read an export (activities, prospects, outreach, salesloft, hubspot or salesforce),
    print its funnel, and write into --out: targets.yaml (for followup calibrate),
    scenario.yaml (the base scenario with the team's cadence), cadence.yaml, funnel.csv and,
    with --holdout, holdout.csv (for followup validate)."""
    from sim.ingest.api import ImportOptions, import_export
    from sim.ingest.writer import IMPORT_FILES, write_import
    from sim.io.staging import staged

    if horizon is not None and not 1 <= horizon <= 2000:
        fail(f"--horizon must be between 1 and 2000 business days, got {horizon}")
    command = "followup import " + " ".join(shlex.quote(a) for a in sys.argv[2:])
    with user_errors():
        options = ImportOptions(
            format=str(format), holdout=holdout, split=split.value,
            maps=tuple(map or ()), timezone=timezone, sequence=sequence,
            drop_duplicates=drop_duplicates, scenario=scenario, name=name, seed=seed,
        )  # fmt: skip
        result = import_export(list(files), options)
        folder = output_folder(
            None if out is None else str(out), result.name, Path("reports") / "imports"
        )
        unchanged = f"nothing written ({folder} is as it was)"
        with interruptible(f"interrupted; {unchanged}"):
            try:
                with staged(folder, lambda name: name in IMPORT_FILES) as stage:
                    written = write_import(result, stage, command.strip(), horizon)
                result.files = [folder / f.relative_to(stage) for f in written]
            except OSError as exc:
                fail(f"cannot write into {folder}: {os_error_text(exc)}; {unchanged}", code=1)
    for line in summary_lines(result):
        typer.echo(line)


def _pct(x: float) -> str:
    return "-" if not math.isfinite(x) else f"{100 * x:.2f}%"


def summary_lines(result: Imported) -> list[str]:
    """The funnel, the statistics and the cadence, as printed."""
    from sim.cli.calibrate import text_table
    from sim.results.funnel import funnel_text

    fit, o = result.fit, result.options
    lines = [
        f"import {result.name} | {o.format} | {len(result.tables.prospects):,} prospects | "
        f"{len(result.tables.touches):,} touches | sequence {result.sequence} | "
        f"time zone {o.timezone}",
    ]
    lines += [f"note: {n}" for n in result.notes]
    lines.append("")
    table = result.funnel.rename(columns={"step": "attempt"})
    text = funnel_text(table, result.name).splitlines()
    if len(text) > 1:
        text[1] = text[1].replace("touch", "step ", 1)
    lines += text
    lines.append("")
    held = {m.label: m for m in result.held}
    header = ["statistic", "value", "+-SE", "n"]
    if result.holdout is not None:
        header += ["held out", "+-SE"]
    rows = [header]
    for m in result.measured:
        e = m.estimate
        share = m.candidate.statistic != "median_days_to_first_response"
        row = [m.label, _pct(e.value) if share else f"{e.value:.1f} days",
               _pct(e.se) if share else f"{e.se:.2f}", f"{e.n:,}"]  # fmt: skip
        if result.holdout is not None:
            h = held.get(m.label)
            row += (["-", "-"] if h is None else [
                _pct(h.estimate.value) if share else f"{h.estimate.value:.1f} days",
                _pct(h.estimate.se) if share else f"{h.estimate.se:.2f}",
            ])  # fmt: skip
        rows.append(row)
    if result.holdout is not None:
        split = result.holdout
        lines.append(
            f"calibrate on {len(fit.prospects):,} prospects, {len(split.held.prospects):,} held "
            f"out (split by {split.split})"
        )
    lines += text_table(rows)
    lines += [f"left out: {line}" for line in result.left_out]
    lines.append("")
    lines.append(f"cadence {result.name}:")
    lines += [f"  {line}" for line in result.cadence.lines()]
    if result.files:
        folder = result.files[0].parent
        lines.append(f"wrote into {folder}: " + ", ".join(p.name for p in result.files))
        if result.measured:
            lines.append(f"next: followup calibrate {folder / 'targets.yaml'}")
    return lines


__all__ = ["import_command"]
