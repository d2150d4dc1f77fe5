"""Writing a run: every file ``followup run`` writes, from one call a Python user can make too.

``write_run(result, folder)`` writes the summary, the comparison and touch tables, the raw
tables (parquet), the scenario, the week in the life (``week.json``), the charts, the report
and, last, the manifest, into a hidden staging folder next to ``folder`` that then replaces
``folder`` as a whole (``sim.io.staging``). A kill at any moment leaves the earlier run or
this one, never a mix, and a folder that holds anything but a run's files is refused.
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
from sim.io.staging import staged
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
RUN_ENTRIES = (
    *RUN_FILES, "scenario.yaml", "week.json", "charts", FOLDER, "report.html", "manifest.json"
)  # fmt: skip
"""Everything a run's folder may hold."""


def is_run_entry(name: str) -> bool:
    """An entry of a run's folder: a file a run writes, or a temporary file (``.*.tmp``) an
    earlier version left there."""
    return name in RUN_ENTRIES or (name.startswith(".") and name.endswith(".tmp"))


def is_run_folder(folder: Path) -> bool:
    """``folder`` holds a run written by ``followup`` (any version): its ``manifest.json``
    names the package. Such a folder is replaced as a whole, files of other versions
    included."""
    path = folder / "manifest.json"
    try:
        if not path.is_file() or path.stat().st_size > 1_000_000:
            return False
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(info, dict) and info.get("package") == "followup-sim" and "seed" in info


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
    """Write every output of ``result`` into ``folder``, replacing it as a whole: the data
    files (``RUN_FILES``; a streamed run has no parquet files),
    ``scenario.yaml``, ``week.json`` (when the run traced a week), the charts and
    ``report.html`` (``visuals``; ``charts`` chooses which charts and how they look), and
    ``manifest.json`` last (``extra`` entries appended;
    ``started``, a ``time.perf_counter()`` reading at the command's start, adds the command's
    wall time). Raises ``OptionError`` (option ``out``) when ``folder`` holds files that are not
    a run's, ``OSError`` when it cannot be written."""
    target = Path(folder)
    with staged(target, is_run_entry, owned=is_run_folder) as stage:
        written = write_files(
            result,
            stage,
            visuals=visuals,
            charts=charts,
            extra=extra,
            started=started,
            assumptions=assumptions,
        )
    files = [target / path.relative_to(stage) for path in written.files]
    return WrittenRun(target, files, written.summary, written.tables, written.info)


def write_files(
    result: RunResult,
    out: Path,
    *,
    visuals: bool = True,
    charts: ChartOptions | None = None,
    extra: dict[str, object] | None = None,
    started: float | None = None,
    assumptions: RankingCheck | None = None,
) -> WrittenRun:
    """``write_run``'s files, written straight into the existing folder ``out``; the
    ``assumptions`` check's folder is copied into ``out/assumptions``."""
    summary = summarize_stats(result.stats)
    table = None if result.streamed else result.prospects
    tables = run_tables(
        result.paired if result.paired is not None else table, result.stats, summary
    )
    files = _write_data(result, summary, tables, out)
    files.append(write_text_atomic(out / "scenario.yaml", scenario_to_yaml(result.scenario)))
    if result.week is not None:
        files.append(write_text_atomic(out / "week.json", result.week.to_json()))
    info = manifest(result, **({"precision": precision_record(result)} if result.precision else {}))
    if assumptions is not None:
        info["assumptions"] = {
            "folder": FOLDER, "strategies": list(assumptions.strategies),
            "prospects": assumptions.prospects, "seed": assumptions.seed,
            "values": assumptions.values,
        }  # fmt: skip
        if assumptions.folder is not None and assumptions.folder != out / FOLDER:
            shutil.copytree(assumptions.folder, out / FOLDER, dirs_exist_ok=True)
            files.append(out / FOLDER)
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
        if result.prospect_parts:
            files["prospects.parquet"] = lambda p: merge_parts(result.prospect_parts, p)
        else:
            files["prospects.parquet"] = lambda p: result.prospects.to_parquet(
                p, engine="pyarrow", index=False
            )
        if result.touch_parts:
            files["touches.parquet"] = lambda p: merge_parts(result.touch_parts, p)
        else:
            files["touches.parquet"] = lambda p: result.touches.to_parquet(
                p, engine="pyarrow", index=False
            )
    return [write_atomic(out / name, files[name]) for name in RUN_FILES if name in files]


def _csv(table: pd.DataFrame) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        table.to_csv(path, index=False)

    return write


__all__ = [
    "RUN_ENTRIES",
    "RUN_FILES",
    "WrittenRun",
    "is_run_entry",
    "is_run_folder",
    "write_files",
    "write_run",
]
