"""The extension point: a Python strategy runs on both engines, and the example runs."""

from __future__ import annotations

import runpy
from pathlib import Path

import numpy as np
import pandas as pd

from sim.model.scenario import Scenario
from sim.run import simulate
from sim.validation.agreement import compare_engines

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "custom_strategy.py"


def _strategy() -> object:
    return runpy.run_path(str(EXAMPLE))["CallUntilPickupThenWeeklyEmail"]()


def test_the_example_runs(capsys: object) -> None:
    runpy.run_path(str(EXAMPLE), run_name="__main__")


def test_a_python_strategy_follows_its_rule_on_both_engines() -> None:
    sc = Scenario(calendar={"horizon_days": 30})
    mine = _strategy()
    for engine, n in (("des", 300), ("vector", 5000)):
        r = simulate(sc, [mine], prospects=n, seed=3, engine=engine)  # type: ignore[list-item]
        t = r.touches
        calls = t[t.channel == "call_cell"]
        emails = t[t.channel == "email"]
        assert len(calls) and len(emails)
        assert (calls.day % 2 == 0).all()
        # e-mails only after a conversation, every 5 days after it
        first_pickup = calls[calls.result == "picked_up"].groupby("prospect")["day"].min()
        e = emails.join(first_pickup.rename("pickup"), on="prospect")
        assert e["pickup"].notna().all()
        assert ((e.day - e.pickup) % 5 == 0).all() and (e.day > e.pickup).all()
        # no call after the first pick-up
        c = calls.join(first_pickup.rename("pickup"), on="prospect")
        assert not (c.day > c.pickup).any()


def test_a_python_strategy_gives_the_same_model_on_both_engines() -> None:
    sc = Scenario()
    mine = _strategy()
    des = simulate(sc, [mine], prospects=1500, seed=5, engine="des")  # type: ignore[list-item]
    vec = simulate(sc, [mine], prospects=60_000, seed=6, engine="vector")  # type: ignore[list-item]
    table = compare_engines(des.prospects, vec.prospects, des.touches, vec.touches)
    assert table["agree"].all(), table[~table["agree"]]
    assert isinstance(table, pd.DataFrame) and np.isfinite(table["z"]).all()
