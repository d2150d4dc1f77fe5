"""Running a sweep end to end: cells, tasks, shards, final tables, charts and manifest.

``run_sweep`` is what ``followup sweep`` calls; ``run_sensitivity`` (``followup
sensitivity``) runs the sweep of the sensitivity design, then computes the indices.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.io.atomic import write_atomic
from sim.io.jsonable import json_ready
from sim.results.manifest import git_commit, library_versions, package_version
from sim.sweep.charts import render_sweep_charts
from sim.sweep.design import Design, build_design, design_seed, salib_problem
from sim.sweep.execute import progress_bar, run_batches, runner
from sim.sweep.sensitivity import sensitivity_table
from sim.sweep.spec import SweepSpec
from sim.sweep.store import (
    design_table,
    done_shards,
    final_tables,
    prepare,
    read_shards,
    write_manifest,
    write_outputs,
    write_shard,
)
from sim.sweep.tasks import ENGINE, Batch, CellTask, batch_size, batches, canonical, cell_tasks


@dataclass
class SweepResult:
    """A finished sweep: its tables (as written in ``out``) and how it ran."""

    spec: SweepSpec
    out: Path
    kind: str
    design: pd.DataFrame
    results: pd.DataFrame
    differences: pd.DataFrame
    summary: pd.DataFrame
    cells_run: int
    cells_resumed: int
    tasks: int
    wall_time: float
    executor: str
    files: list[Path] = field(default_factory=list)
    sensitivity: pd.DataFrame | None = None


def _unique(cells: list[CellTask]) -> list[CellTask]:
    """One task per distinct key (design points that coincide run once)."""
    seen: dict[str, CellTask] = {}
    for cell in cells:
        seen.setdefault(cell.key, cell)
    return list(seen.values())


def _versions(scheduler: str | None) -> dict[str, str]:
    out = {
        "followup-sim": package_version(),
        "python": platform.python_version(),
        **library_versions("numpy", "pandas", "scipy"),
    }
    if scheduler is not None:
        out.update(library_versions("distributed"))
    return out


def _manifest(
    spec: SweepSpec, spec_file: Path | None, kind: str, design: Design, cells: list[CellTask]
) -> dict[str, Any]:
    spec_json = spec.model_dump(mode="json")
    seeds = {c.seeds for c in cells}
    return {
        "kind": kind,
        "design": design.kind,
        "spec_file": None if spec_file is None else str(spec_file),
        "spec": spec_json,
        "spec_sha256": _sha(canonical(spec_json)),
        "git_commit": git_commit(),
        "engine": ENGINE,
        "cells": len(cells),
        "distinct_cells": len({c.key for c in cells}),
        "parameters": design.parameters,
        "strategies": spec.strategies,
        "prospects_per_strategy_cell_replication": spec.prospects,
        "replications": spec.replications,
        "seed": spec.seed,
        "common_random_numbers": spec.common_random_numbers,
        "replication_seeds": list(next(iter(seeds))) if len(seeds) == 1 else "per cell",
        "platform": platform.platform(),
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "status": "running",
    }


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def run_sweep(
    spec: SweepSpec,
    spec_file: Path | None = None,
    out: Path | str = "reports/sweep",
    *,
    kind: str = "sweep",
    workers: int = 1,
    scheduler: str | None = None,
    resume: bool = False,
    overwrite: bool = False,
    batch: int | None = None,
    progress: bool = False,
    charts: bool = True,
) -> SweepResult:
    """Run (or, with ``resume``, finish) a sweep into ``out`` and return its tables.

    ``kind``: ``sweep`` (the spec's ``design``) or ``sensitivity`` (its sensitivity sample;
    the indices are then in ``SweepResult.sensitivity`` and ``sensitivity.csv``).
    ``workers``: local processes; ``scheduler``: a Dask scheduler address instead. ``batch``:
    cells per task (default: ``tasks.batch_size``). Raises ``ScenarioError`` for a spec whose
    cells cannot run, or an ``out`` that holds another sweep's shards without ``resume`` or
    ``overwrite``."""
    if kind not in ("sweep", "sensitivity"):
        raise ValueError(f"kind must be 'sweep' or 'sensitivity', got {kind!r}")
    if workers < 1 or (batch is not None and batch < 1):
        raise ValueError("workers and batch must be >= 1")
    started = time.perf_counter()
    out = Path(out)
    design = build_design(spec, spec_file, kind)
    cells = cell_tasks(spec, design.cells)
    unique = _unique(cells)
    done = prepare(out, unique, resume=resume, overwrite=overwrite)
    todo = [c for c in unique if c.key not in done]
    info = _manifest(spec, spec_file, kind, design, cells)
    write_manifest(out, info)
    try:
        return _execute(spec, spec_file, out, kind, design, cells, unique, todo, info, started,
                        workers=workers, scheduler=scheduler, batch=batch, progress=progress,
                        charts=charts)  # fmt: skip
    except BaseException as exc:
        record_failure(out, info, exc)
        raise


def record_failure(out: Path, info: dict[str, Any], exc: BaseException) -> None:
    """The manifest says the sweep stopped: ``interrupted`` (Ctrl-C) or ``failed`` with the
    error. On a full disk the usual atomic write may fail; the manifest is then rewritten in
    place (it fits in the blocks it frees). Never raises: the error that stopped the sweep is
    the one to report."""
    interrupted = isinstance(exc, KeyboardInterrupt)
    info.update(
        status="interrupted" if interrupted else "failed",
        finished=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    if not interrupted:
        info["error"] = f"{type(exc).__name__}: {exc}"[:500]
    try:
        write_manifest(out, info)
    except OSError:
        text = json.dumps(json_ready(info), indent=2, allow_nan=False) + "\n"
        with contextlib.suppress(OSError):
            (out / "manifest.json").write_text(text, encoding="utf-8")


def _execute(
    spec: SweepSpec, spec_file: Path | None, out: Path, kind: str, design: Design,
    cells: list[CellTask], unique: list[CellTask], todo: list[CellTask], info: dict[str, Any],
    started: float, *, workers: int, scheduler: str | None, batch: int | None, progress: bool,
    charts: bool,
) -> SweepResult:  # fmt: skip
    """The rest of ``run_sweep``, once the manifest says the sweep is running."""
    with runner(workers, scheduler) as run:
        size = batch or batch_size(todo, len(spec.strategies), spec.prospects, run.slots)
        tasks = batches(todo, spec, size)
        bar = progress_bar(len(unique), len(unique) - len(todo), progress)

        def finished(b: Batch, frame: pd.DataFrame) -> None:
            write_shard(out, b.name, frame, b.keys)
            bar.update(len(b.cells))

        try:
            run_batches(tasks, run, finished)
        finally:
            bar.close()
    table = design_table(cells)
    results, differences, summary = final_tables(read_shards(out, cells), table, spec.strategies)
    files = write_outputs(out, results, differences, summary, table)
    result = SweepResult(
        spec=spec, out=out, kind=kind, design=table, results=results, differences=differences,
        summary=summary, cells_run=len(todo), cells_resumed=len(unique) - len(todo),
        tasks=len(tasks), wall_time=0.0, executor=run.description, files=files,
    )  # fmt: skip
    if kind == "sensitivity":
        _sensitivity(result, design, spec_file)
    if charts:
        result.files += _charts(result, design)
    result.wall_time = time.perf_counter() - started
    info.update(
        status="complete",
        executor=run.description,
        workers=run.slots,
        scheduler=scheduler,
        batch_size=size,
        tasks_run=len(tasks),
        cells_run=result.cells_run,
        cells_resumed=result.cells_resumed,
        shards=sorted(f"{s.name}.parquet" for s in done_shards(out)),
        versions=_versions(scheduler),
        wall_time_s=round(result.wall_time, 3),
        finished=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    result.files.append(write_manifest(out, info))
    return result


def _sensitivity(result: SweepResult, design: Design, spec_file: Path | None) -> None:
    spec = result.spec
    assert design.unit is not None
    source = str(spec_file) if spec_file is not None else "<sweep>"
    seed = design_seed(spec, "bootstrap")
    table = sensitivity_table(spec, salib_problem(spec), design.unit, result.results, seed, source)
    path = write_atomic(result.out / "sensitivity.csv", lambda p: table.to_csv(p, index=False))
    result.sensitivity = table
    result.files.append(path)


def _charts(result: SweepResult, design: Design) -> list[Path]:
    return render_sweep_charts(result, design.kind)


def run_sensitivity(
    spec: SweepSpec, spec_file: Path | None = None, out: Path | str = "reports/sensitivity",
    **options: Any,
) -> SweepResult:  # fmt: skip
    """``run_sweep`` of the sensitivity design; the indices are in ``.sensitivity``."""
    return run_sweep(spec, spec_file, out, kind="sensitivity", **options)


__all__ = ["SweepResult", "run_sensitivity", "run_sweep"]
