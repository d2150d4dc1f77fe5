"""Writing a run: every file ``followup run`` writes, from one call a Python user can make too.

``write_run(result, folder)`` writes the summary, the comparison and touch tables, the raw
tables (parquet), the scenario, the week in the life (``week.json``), the charts, the report
and, last, the manifest. Each file is written to a temporary name and renamed into place, and
files of an earlier run in the same folder that this run does not write are removed, so the
folder never mixes two runs.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.io.atomic import write_atomic, write_text_atomic
from sim.io.jsonable import json_ready
from sim.io.loader import scenario_to_yaml
from sim.report.dependence import FOLDER, RankingCheck
from sim.report.html import write_report
from sim.results.manifest import manifest
from sim.results.result import RunResult
from sim.results.summary import summarize_stats
from sim.results.tables import run_tables
from sim.results.touch_store import merge_parts
from sim.run.precision import precision_record
from sim.viz.options import ChartOptions
from sim.viz.render import render_all

RUN_FILES = (
    "summary.csv",
    "comparisons.csv",
    "touch_stats.csv",
    "by_attempt.csv",
    "funnel.csv",
    "prospects.parquet",
    "touches.parquet",
)
"""Data files of a run, in the order they are written (``scenario.yaml``, ``week.json``, the
charts, ``report.html`` and ``manifest.json`` follow)."""


@dataclass
class WrittenRun:
    """What ``write_run`` wrote: the files, and the tables and manifest it computed."""

    folder: Path
    files: list[Path]
    summary: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    info: dict[str, object] = field(default_factory=dict)

    @property
    def comparisons(self) -> pd.DataFrame | None:
        return self.tables.get("comparisons.csv")


def write_run(
    result: RunResult,
    folder: Path | str,
    *,
    visuals: bool = True,
    charts: ChartOptions | None = None,
    extra: dict[str, object] | None = None,
    started: float | None = None,
    assumptions: RankingCheck | None = None,
) -> WrittenRun:
    """Write every output of ``result`` into ``folder`` (created if needed): the data files
    (``RUN_FILES``; a streamed run has no parquet files and no ``comparisons.csv``),
    ``scenario.yaml``, ``week.json`` (when the run traced a week), the charts and
    ``report.html`` (``visuals``; ``charts`` chooses which charts and how they look), and
    ``manifest.json`` last (``extra`` entries appended;
    ``started``, a ``time.perf_counter()`` reading at the command's start, adds the command's
    wall time). ``assumptions``: the check of ``sim.report.dependence_sweep``, reported and
    recorded in the manifest; without one, an earlier run's ``assumptions/`` folder is removed.
    Raises ``OSError`` when the folder cannot be written."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    summary = summarize_stats(result.stats)
    tables = run_tables(None if result.streamed else result.prospects, result.stats, summary)
    files = _write_data(result, summary, tables, out)
    files.append(write_text_atomic(out / "scenario.yaml", scenario_to_yaml(result.scenario)))
    week_file = out / "week.json"
    if result.week is not None:
        files.append(write_text_atomic(week_file, result.week.to_json()))
    else:
        week_file.unlink(missing_ok=True)
    info = manifest(result, **({"precision": precision_record(result)} if result.precision else {}))
    if assumptions is not None:
        info["assumptions"] = {
            "folder": FOLDER, "strategies": list(assumptions.strategies),
            "prospects": assumptions.prospects, "seed": assumptions.seed,
            "values": assumptions.values,
        }  # fmt: skip
    elif (out / FOLDER / "sweep.yaml").is_file():
        shutil.rmtree(out / FOLDER)
    info.update(extra or {})
    if visuals:
        drawn = render_all(result, summary, out, charts, tables=tables)
        files += drawn
        files.append(
            write_report(
                result,
                summary,
                out,
                tables.get("comparisons.csv"),
                charts=drawn,
                info=info,
                funnel=tables.get("funnel.csv"),
                assumptions=assumptions,
            )
        )
    if started is not None:
        info["command_wall_time_s"] = round(time.perf_counter() - started, 3)
    text = json.dumps(json_ready(info), indent=2, allow_nan=False)
    files.append(write_text_atomic(out / "manifest.json", text + "\n"))
    return WrittenRun(out, files, summary, tables, info)


def _write_data(
    result: RunResult, summary: pd.DataFrame, tables: dict[str, pd.DataFrame], out: Path
) -> list[Path]:
    files: dict[str, Callable[[Path], None]] = {"summary.csv": _csv(summary)}
    files.update({name: _csv(table) for name, table in tables.items()})
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
    for name in RUN_FILES:
        path = out / name
        if name not in files:
            path.unlink(missing_ok=True)
            continue
        written.append(write_atomic(path, files[name]))
    return written


def _csv(table: pd.DataFrame) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        table.to_csv(path, index=False)

    return write


__all__ = ["RUN_FILES", "WrittenRun", "write_run"]
