"""Properties that hold for any seed and strategy."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.engines.des.engine import run_des
from sim.engines.vector.engine import run_vector
from sim.model.scenario import Scenario
from sim.strategy.library import get_strategy, library_names
from tests.conftest import make_scenario

THIN_SKINNED = make_scenario(
    {
        "calendar": {"horizon_days": 30},
        "population": {"tolerance": {"kind": "lognormal", "median": 2.0, "sigma": 0.5}},
    }
)


@settings(max_examples=16, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.sampled_from(library_names()),
    st.booleans(),
    st.sampled_from(["des", "vector"]),
)
def test_no_touch_after_a_terminal_outcome(seed: int, name: str, thin: bool, engine: str) -> None:
    sc = THIN_SKINNED if thin else Scenario(calendar={"horizon_days": 30})
    run = run_des if engine == "des" else run_vector
    out = run(sc, get_strategy(name, sc), 60 if engine == "des" else 3000, seed)
    p = out.prospects.set_index("prospect")
    t = out.touches
    # after a meeting is booked, no touch is made that day or later... unless it came first
    meet_day = p["meeting_day"].reindex(t["prospect"]).to_numpy()
    assert not np.any(t["day"].to_numpy() > meet_day)
    # after the touch that made the prospect opt out, nothing more
    for pid, rows in t.groupby("prospect"):
        flags = rows["opted_out"].to_numpy()
        if flags.any():
            first = int(np.argmax(flags))
            opt_day = rows["read_day"].iloc[first]
            opt_day = rows["day"].iloc[first] if np.isnan(opt_day) else opt_day
            assert not np.any(rows["day"].to_numpy()[first + 1 :] > opt_day), pid
            assert p.loc[pid, "opted_out"]
    # touches counted in the outcome table match the log
    counts = t.groupby("prospect").size().reindex(p.index, fill_value=0)
    assert np.array_equal(counts.to_numpy(), p["touches"].to_numpy())
    # probabilities of outcomes are consistent
    assert not np.any(p["won"] & ~p["meeting"])
