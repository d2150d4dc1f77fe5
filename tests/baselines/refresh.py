"""Refresh the fixed-seed baseline snapshot (``tests/baselines/snapshot.json``).

Run after a change that is meant to change results (a model change, a new random stream):

    python tests/baselines/refresh.py

then read the diff of the JSON file in the commit: every changed figure there is a changed
result, and the commit message should say why. ``tests/project/test_baseline.py`` fails whenever the
code gives anything else, bit for bit (Starsim's ``test_baselines``).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.io.loader import load_scenario  # noqa: E402
from sim.results.summary import summarize_stats  # noqa: E402
from sim.run import simulate  # noqa: E402

SNAPSHOT = Path(__file__).with_name("snapshot.json")
CASES = (
    ("baseline", "vector", ("one-and-done", "persistent-until-no", "breakup-after-two"), 4000),
    ("cold-outbound", "vector", ("channel-mix", "cold-call-desk"), 4000),
    ("web-leads", "vector", ("speed-to-lead",), 4000),
    ("rep-capacity", "vector", ("numbers-game",), 3000),
    ("baseline", "des", ("persistent-until-no",), 150),
)
"""(scenario, engine, strategies, prospects): small runs that exercise every mechanism."""
METRICS = ("meeting_rate", "reach_rate", "no_rate", "opt_out_rate", "touches_per_prospect")


def table_hash(frame: pd.DataFrame) -> str:
    """SHA-256 of a table's values (categoricals as their labels), row order included."""
    plain = frame.copy()
    for column in plain.columns:
        if isinstance(plain[column].dtype, pd.CategoricalDtype):
            plain[column] = plain[column].astype(str)
    values = pd.util.hash_pandas_object(plain, index=False).to_numpy()
    return hashlib.sha256(values.tobytes()).hexdigest()


def compute() -> dict[str, Any]:
    """Every case's summary figures (exact) and table hashes."""
    out: dict[str, Any] = {}
    for scenario, engine, strategies, prospects in CASES:
        run = simulate(
            load_scenario(scenario), list(strategies), prospects=prospects, seed=20251130,
            engine=engine,
        )  # fmt: skip
        summary = summarize_stats(run.stats)
        figures = {
            f"{row.strategy}/{row.metric}": float(row.mean)
            for row in summary.itertuples()
            if row.metric in METRICS
        }
        out[f"{scenario}/{engine}"] = {
            "figures": figures,
            "prospects_sha256": table_hash(run.prospects),
            "touches_sha256": table_hash(run.touches),
        }
    return out


if __name__ == "__main__":
    SNAPSHOT.write_text(json.dumps(compute(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
