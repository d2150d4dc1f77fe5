"""``funnel.csv`` of an export: per sequence step and channel, the touches sent, reached
(a call picked up, a message opened, a voicemail called back), replied positive, negative and
"not now", the meetings booked and the opt-outs, with rates and Wilson 95% intervals.

It is the run's own funnel (``sim.results.funnel.funnel``, from ``StrategyStats.of``) keyed by
the sequence step instead of the touch's rank, so its columns are those of a run's
``funnel.csv`` with ``attempt`` renamed ``step``: a simulation of the reconstructed cadence
(whose N-th touch is its N-th step) compares with it line by line. A meeting is counted at the
step of the touch that booked it; touches outside the steps (manual touches) are left out of
the funnel (they still count in the statistics); ``channel == "all"`` rows are the step over
every channel and ``inbound`` rows the meetings of prospects who called in, by the touches
made before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.ingest.tables import Tables
from sim.results.aggregate import StrategyStats
from sim.results.funnel import FUNNEL_COLUMNS, funnel

STEP_FUNNEL_COLUMNS = ["step" if c == "attempt" else c for c in FUNNEL_COLUMNS]


def step_funnel(tables: Tables) -> pd.DataFrame:
    """The funnel by step (see the module's docstring)."""
    touches = tables.touches
    stepped = touches[touches["step"].notna().to_numpy()].copy()
    step = stepped["step"].to_numpy(dtype=np.int64)
    prospects = tables.prospects.copy()
    booked = prospects["meeting"].to_numpy(dtype=bool) & ~prospects["inbound"].to_numpy(bool)
    key = pd.MultiIndex.from_arrays([touches["prospect"], touches["attempt"]])
    step_of = pd.Series(touches["step"].to_numpy(dtype=float), index=key)
    wanted = pd.MultiIndex.from_arrays([
        prospects["prospect"], prospects["meeting_attempt"].fillna(-1).astype(np.int64)
    ])  # fmt: skip
    at_step = step_of.reindex(wanted).to_numpy(dtype=float)
    prospects["meeting_attempt"] = np.where(booked, at_step, prospects["meeting_attempt"])
    # a meeting booked by a touch outside the steps is in no step's row
    prospects["meeting"] = prospects["meeting"] & ~(booked & np.isnan(at_step))
    stepped["attempt"] = step
    stats = StrategyStats.of(prospects, stepped)
    table = funnel({tables.strategy: stats})
    return table.rename(columns={"attempt": "step"})[STEP_FUNNEL_COLUMNS]


__all__ = ["STEP_FUNNEL_COLUMNS", "step_funnel"]
