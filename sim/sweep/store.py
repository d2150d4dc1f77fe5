"""Shards on disk, resume, and the final tables of a sweep.

Layout of a sweep's folder::

    shards/<batch>.parquet   one per finished task: its cells' rows (``tasks.SHARD_COLUMNS``)
    shards/<batch>.json      that shard's manifest: its cells' keys, its rows, its SHA-256
    manifest.json            the sweep: spec, cells, executor, versions, wall time, status
    design.csv               one row per cell: cell, key, the parameters' values
    results.parquet          tidy: cell, parameters, strategy, metric, mean, ci_low, ci_high,
                             n_prospects
    differences.parquet      cell, parameters, strategy_a, strategy_b, metric, diff, ci_low,
                             ci_high, p_value, n_prospects (paired, every two strategies)
    summary.csv              per cell: the best strategy, the runner-up, their difference and
                             whether they are indistinguishable
    charts/*.png

Every file is written to a temporary name and renamed into place (``sim.io.atomic``): the parquet
first, then its manifest, so a shard counts as done only once both are complete. A shard is
done when its manifest can be read, its parquet exists and hashes to the manifest's SHA-256;
its cells are those whose key is listed. ``--resume`` skips the cells found in done shards,
deletes leftovers (temporary files of a killed run, a parquet without its manifest, shards none
of whose cells belong to the sweep any more) and runs the rest. A killed sweep therefore loses
at most the tasks that were running.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.io.atomic import write_atomic, write_text_atomic
from sim.io.errors import Problem, ScenarioError
from sim.io.jsonable import json_ready
from sim.results.summary import METRICS
from sim.sweep.tasks import CellTask

SHARDS = "shards"
RESULT_COLUMNS = ["strategy", "metric", "mean", "ci_low", "ci_high", "n_prospects"]
DIFFERENCE_COLUMNS = [
    "strategy_a", "strategy_b", "metric", "diff", "ci_low", "ci_high", "p_value", "n_prospects",
]  # fmt: skip
SUMMARY_COLUMNS = [
    "best", "best_meeting_rate", "best_ci_low", "best_ci_high", "runner_up",
    "runner_up_meeting_rate", "diff", "diff_ci_low", "diff_ci_high", "p_value",
    "indistinguishable",
]  # fmt: skip
"""``summary.csv`` after ``cell`` and the parameters."""
ALPHA = 0.05
"""The best two strategies of a cell are indistinguishable when the paired difference in
meeting rate has a p-value of at least this (its 95% interval covers 0). Cell by cell, not
adjusted for the number of cells."""
OUTPUT_FILES = ("results.parquet", "differences.parquet", "summary.csv", "design.csv")


def shard_dir(out: Path) -> Path:
    return out / SHARDS


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- writing shards ----------------------------------------------------------------------------


def write_shard(out: Path, name: str, frame: pd.DataFrame, keys: list[str]) -> Path:
    """The shard's parquet, then its manifest, each atomically."""
    folder = shard_dir(out)
    path = write_atomic(
        folder / f"{name}.parquet", lambda p: frame.to_parquet(p, engine="pyarrow", index=False)
    )
    entry = {"shard": f"{name}.parquet", "cells": keys, "rows": len(frame),
             "sha256": sha256_of(path)}  # fmt: skip
    write_text_atomic(folder / f"{name}.json", json.dumps(entry, indent=1) + "\n")
    return path


# -- reading and resuming ----------------------------------------------------------------------


@dataclass(frozen=True)
class Shard:
    name: str
    cells: tuple[str, ...]


def done_shards(out: Path) -> list[Shard]:
    """Shards whose manifest is readable and whose parquet matches it, by name."""
    found = []
    for entry in sorted(shard_dir(out).glob("*.json")):
        try:
            info = json.loads(entry.read_text(encoding="utf-8"))
            parquet = entry.with_suffix(".parquet")
            if not parquet.is_file() or sha256_of(parquet) != info["sha256"]:
                continue
            found.append(Shard(entry.stem, tuple(str(k) for k in info["cells"])))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return found


def clean(out: Path, wanted: set[str]) -> list[Shard]:
    """Remove what a killed or older run left (temporary files, a parquet without a valid
    manifest, shards with none of ``wanted``'s cells); return the shards kept."""
    folder = shard_dir(out)
    if not folder.is_dir():
        return []
    for tmp in folder.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)
    kept = []
    for shard in done_shards(out):
        if wanted.intersection(shard.cells):
            kept.append(shard)
        else:
            remove_shard(out, shard.name)
    names = {s.name for s in kept}
    for path in [*folder.glob("*.parquet"), *folder.glob("*.json")]:
        if path.stem not in names:
            path.unlink(missing_ok=True)
    return kept


def remove_shard(out: Path, name: str) -> None:
    folder = shard_dir(out)
    (folder / f"{name}.json").unlink(missing_ok=True)
    (folder / f"{name}.parquet").unlink(missing_ok=True)


def has_shards(out: Path) -> bool:
    folder = shard_dir(out)
    return folder.is_dir() and any(folder.iterdir())


def prepare(out: Path, cells: list[CellTask], *, resume: bool, overwrite: bool) -> set[str]:
    """Get ``out`` ready; return the keys of the cells already done (resume only).

    A folder holding shards of an earlier sweep is an error unless ``resume`` (continue it:
    cells whose key is in a done shard are skipped) or ``overwrite`` (start again)."""
    if has_shards(out) and not (resume or overwrite):
        raise ScenarioError(
            str(out),
            [Problem("", None, "holds the shards of an earlier sweep: pass --resume to continue "
                     "it or --overwrite to start again")],
        )  # fmt: skip
    wanted = {c.key for c in cells}
    if overwrite and not resume:
        clean(out, set())
        return set()
    kept = clean(out, wanted)
    return wanted.intersection(k for s in kept for k in s.cells)


def read_shards(out: Path, cells: list[CellTask]) -> pd.DataFrame:
    """Every done shard's rows for ``cells``, one set of rows per cell (in design order):
    rows are found by key and given the cell's current index and parameter values."""
    by_key: dict[str, pd.DataFrame] = {}
    wanted = {c.key for c in cells}
    for shard in done_shards(out):
        if not wanted.intersection(shard.cells):
            continue
        frame = pd.read_parquet(shard_dir(out) / f"{shard.name}.parquet", engine="pyarrow")
        for key, rows in frame.groupby("key", sort=False):
            if key in wanted and key not in by_key:
                by_key[str(key)] = rows
    missing = [c.index for c in cells if c.key not in by_key]
    if missing:
        raise RuntimeError(f"cells {missing[:10]} have no finished shard")
    frames = []
    for cell in cells:
        rows = by_key[cell.key].drop(columns=list(cell.values), errors="ignore").copy()
        rows["cell"] = cell.index
        frames.append(rows)
    return pd.concat(frames, ignore_index=True)


# -- the final tables --------------------------------------------------------------------------


def design_table(cells: list[CellTask]) -> pd.DataFrame:
    """One row per cell: ``cell``, ``key`` and each parameter's value."""
    rows = [{"cell": c.index, "key": c.key, **c.values} for c in cells]
    return pd.DataFrame(rows)


def _with_parameters(frame: pd.DataFrame, design: pd.DataFrame) -> pd.DataFrame:
    params = design.drop(columns=["key"])
    return params.merge(frame, on="cell", how="right", validate="one_to_many")


def final_tables(
    rows: pd.DataFrame, design: pd.DataFrame, strategies: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``results``, ``differences`` and the per-cell ``summary`` from the shards' rows, sorted
    by cell, strategy (the spec's order) and metric (``sim.results.summary.METRICS`` order)."""
    order = {s: i for i, s in enumerate(strategies)}
    metric_order = {m: i for i, m in enumerate(METRICS)}
    versus = rows["versus"]
    plain = rows[versus.isna().to_numpy()].copy()
    plain["_s"] = plain["strategy"].map(order)
    plain["_m"] = plain["metric"].map(metric_order)
    plain = plain.sort_values(["cell", "_s", "_m"], kind="stable")
    results = _with_parameters(plain[["cell", *RESULT_COLUMNS]], design).reset_index(drop=True)
    pairs = rows[versus.notna().to_numpy()].copy()
    pairs = pairs.rename(columns={"strategy": "strategy_a", "versus": "strategy_b", "mean": "diff"})
    pairs["_a"] = pairs["strategy_a"].map(order)
    pairs["_b"] = pairs["strategy_b"].map(order)
    pairs = pairs.sort_values(["cell", "metric", "_a", "_b"], kind="stable")
    differences = _with_parameters(pairs[["cell", *DIFFERENCE_COLUMNS]], design)
    differences = differences.reset_index(drop=True)
    summary = cell_summary(results, differences, design, strategies)
    return results, differences, summary


def cell_summary(
    results: pd.DataFrame, differences: pd.DataFrame, design: pd.DataFrame, strategies: list[str]
) -> pd.DataFrame:
    """Per cell: the best strategy by meeting rate and the runner-up, the paired difference
    between them (best minus runner-up) and ``indistinguishable`` (p >= ``ALPHA``)."""
    rates = results[results["metric"] == "meeting_rate"]
    diffs = differences[differences["metric"] == "meeting_rate"]
    pair: dict[tuple[int, str, str], tuple[float, float, float, float]] = {}
    for cell, a, b, diff, low, high, p in zip(
        diffs["cell"].astype(int), diffs["strategy_a"].astype(str), diffs["strategy_b"].astype(str),
        diffs["diff"].astype(float), diffs["ci_low"].astype(float), diffs["ci_high"].astype(float),
        diffs["p_value"].astype(float), strict=True,
    ):  # fmt: skip
        pair[(cell, a, b)] = (diff, low, high, p)
        pair[(cell, b, a)] = (-diff, -high, -low, p)
    order = {s: i for i, s in enumerate(strategies)}
    by_cell: dict[int, list[tuple[str, float, float, float]]] = {}
    for cell, name, mean, low, high in zip(
        rates["cell"].astype(int), rates["strategy"].astype(str), rates["mean"].astype(float),
        rates["ci_low"].astype(float), rates["ci_high"].astype(float), strict=True,
    ):  # fmt: skip
        by_cell.setdefault(cell, []).append((name, mean, low, high))
    records: list[dict[str, Any]] = []
    for cell in sorted(by_cell):
        ranked = sorted(
            by_cell[cell],
            key=lambda r: (-r[1] if not math.isnan(r[1]) else math.inf, order.get(r[0], 0)),
        )
        best = ranked[0]
        record: dict[str, Any] = {
            "cell": cell, "best": best[0], "best_meeting_rate": best[1], "best_ci_low": best[2],
            "best_ci_high": best[3], "runner_up": None, "runner_up_meeting_rate": np.nan,
            "diff": np.nan, "diff_ci_low": np.nan, "diff_ci_high": np.nan, "p_value": np.nan,
            "indistinguishable": False,
        }  # fmt: skip
        if len(ranked) > 1:
            second = ranked[1]
            record.update(runner_up=second[0], runner_up_meeting_rate=second[1])
            d = pair.get((cell, best[0], second[0]))
            if d is not None:
                record.update(diff=d[0], diff_ci_low=d[1], diff_ci_high=d[2], p_value=d[3])
                record["indistinguishable"] = bool(not d[3] < ALPHA)
        records.append(record)
    summary = pd.DataFrame(records, columns=["cell", *SUMMARY_COLUMNS])
    summary["indistinguishable"] = summary["indistinguishable"].astype(bool)
    return _with_parameters(summary, design).reset_index(drop=True)


def write_outputs(
    out: Path,
    results: pd.DataFrame,
    differences: pd.DataFrame,
    summary: pd.DataFrame,
    design: pd.DataFrame,
) -> list[Path]:
    """``results.parquet``, ``differences.parquet``, ``summary.csv`` and ``design.csv``."""

    def parquet(frame: pd.DataFrame) -> Any:
        return lambda p: frame.to_parquet(p, engine="pyarrow", index=False)

    def csv(frame: pd.DataFrame) -> Any:
        return lambda p: frame.to_csv(p, index=False)

    writers = {
        "results.parquet": parquet(results),
        "differences.parquet": parquet(differences),
        "summary.csv": csv(summary),
        "design.csv": csv(design),
    }
    return [write_atomic(out / name, writers[name]) for name in OUTPUT_FILES]


def write_manifest(out: Path, info: dict[str, Any]) -> Path:
    text = json.dumps(json_ready(info), indent=2, allow_nan=False)
    return write_text_atomic(out / "manifest.json", text + "\n")


__all__ = [
    "ALPHA",
    "DIFFERENCE_COLUMNS",
    "RESULT_COLUMNS",
    "SUMMARY_COLUMNS",
    "cell_summary",
    "clean",
    "design_table",
    "done_shards",
    "final_tables",
    "prepare",
    "read_shards",
    "write_manifest",
    "write_outputs",
    "write_shard",
]
