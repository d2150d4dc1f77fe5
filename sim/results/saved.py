"""Reading a saved run back: what ``followup charts`` and the report re-draw from."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from sim.io.loader import load_scenario
from sim.model.outcomes import PROSPECT_COLUMNS, TOUCH_COLUMNS
from sim.results.aggregate import StrategyStats
from sim.results.result import RunResult
from sim.results.summary import strategies_in_order
from sim.results.week import Week


def load_saved_run(folder: Path | str, seed: int | None = None) -> tuple[RunResult, pd.DataFrame]:
    """A run's results as ``followup run`` saved them in ``folder``: ``scenario.yaml``,
    ``summary.csv`` and, unless the run was streamed, ``prospects.parquet`` and
    ``touches.parquet`` (and ``week.json``, the week in the life, when present); the
    manifest (``manifest.json``) gives the engine, seed and wall time (``seed`` overrides).
    Raises ``FileNotFoundError`` naming a missing file: a folder without ``manifest.json``,
    which a run writes last, is an incomplete run and is refused."""

    root = Path(folder)
    for required in ("scenario.yaml", "summary.csv"):
        if not (root / required).is_file():
            raise FileNotFoundError(f"{root / required}: not found (is {root} a run's folder?)")
    if not (root / "manifest.json").is_file():
        raise FileNotFoundError(
            f"{root / 'manifest.json'}: not found; a run writes it last, so {root} holds an "
            "incomplete run (interrupted?): run it again"
        )
    scenario = load_scenario(root / "scenario.yaml")
    summary = pd.read_csv(root / "summary.csv")
    info = read_manifest(root)
    prospects_file, touches_file = root / "prospects.parquet", root / "touches.parquet"
    streamed = not prospects_file.is_file()
    prospects = (
        pd.DataFrame(columns=PROSPECT_COLUMNS) if streamed else pd.read_parquet(prospects_file)
    )
    touches = (
        pd.read_parquet(touches_file)
        if touches_file.is_file()
        else pd.DataFrame(columns=TOUCH_COLUMNS)
    )
    n = int(summary["n_prospects"].max()) if len(summary) else 0
    stats = _first_contact_stats(root / "by_attempt.csv", summary) if streamed else {}
    result = RunResult(
        scenario=scenario,
        engine=str(info.get("engine", "unknown")),
        seed=int(seed if seed is not None else _int(info.get("seed"), 0)),
        n_prospects=_int(info.get("prospects_per_strategy"), n),
        strategies=strategies_in_order(summary),
        prospects=prospects,
        touches=touches,
        wall_time=_float(info.get("wall_time_s")),
        streamed=streamed,
        stats=stats,
        week=Week.load(root / "week.json") if (root / "week.json").is_file() else None,
    )
    return result, summary


def _first_contact_stats(path: Path, summary: pd.DataFrame) -> dict[str, StrategyStats]:
    """What a streamed run's charts need of its statistics, read back from ``by_attempt.csv``:
    per strategy, the prospect count and the histograms of the attempt of first contact
    (the other fields stay empty). Empty when the file is missing."""
    if not path.is_file():
        return {}
    table = pd.read_csv(path)
    n = summary.groupby(summary["strategy"].astype(str), sort=False)["n_prospects"].max()
    out = {}
    for name in strategies_in_order(summary):
        rows = table[table["strategy"].astype(str) == name]
        size = int(rows["attempt"].max()) + 1 if len(rows) else 0
        contact = np.zeros(size, dtype=np.int64)
        met = np.zeros(size, dtype=np.int64)
        contact[rows["attempt"].to_numpy(int)] = rows["first_contact"].to_numpy(int)
        met[rows["attempt"].to_numpy(int)] = rows["first_contact_meeting"].to_numpy(int)
        out[name] = StrategyStats(n=int(n[name]), first_contact=contact, first_contact_meeting=met)
    return out


def read_manifest(folder: Path) -> dict[str, object]:
    """The run's manifest: ``manifest.json``, else the one embedded in ``report.html``; empty
    when neither can be read."""
    text: str | None = None
    try:
        if (folder / "manifest.json").is_file():
            text = (folder / "manifest.json").read_text(encoding="utf-8")
        elif (folder / "report.html").is_file():
            page = (folder / "report.html").read_text(encoding="utf-8")
            found = _MANIFEST_SCRIPT.search(page)
            text = found.group(1) if found else None
        data = json.loads(text) if text else {}
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


_MANIFEST_SCRIPT = re.compile(r'<script type="application/json" id="manifest">(.*?)</script>', re.S)


def _int(value: object, default: int) -> int:
    return int(value) if isinstance(value, int | float) and math.isfinite(value) else default


def _float(value: object) -> float:
    return float(value) if isinstance(value, int | float) else math.nan


__all__ = ["load_saved_run", "read_manifest"]
