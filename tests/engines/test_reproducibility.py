"""Same seed, same tables, bit for bit; strategies face the same prospects."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.engines.vector.engine import run_vector
from sim.model.population import draw_population
from sim.model.scenario import Scenario
from sim.run import simulate
from sim.strategy.base import Observations
from sim.strategy.library import get_strategy

ENGINES = pytest.mark.parametrize("engine", ["des", "vector"])


@ENGINES
def test_same_seed_same_tables(engine: str) -> None:
    sc = Scenario()
    a = simulate(sc, ["persistent-until-no"], prospects=150, seed=3, engine=engine)
    b = simulate(sc, ["persistent-until-no"], prospects=150, seed=3, engine=engine)
    pd.testing.assert_frame_equal(a.prospects, b.prospects)
    pd.testing.assert_frame_equal(a.touches, b.touches)
    c = simulate(sc, ["persistent-until-no"], prospects=150, seed=4, engine=engine)
    assert not a.touches["result"].equals(c.touches["result"])


def test_population_does_not_depend_on_how_it_is_split() -> None:
    sc = Scenario()
    whole_t, whole_l = draw_population(sc, 7, 0, 9000)
    part_t, part_l = draw_population(sc, 7, 4000, 8500)
    assert np.array_equal(whole_t.segment[4000:8500], part_t.segment)
    assert np.array_equal(whole_t.load[:, 4000:8500], part_t.load)
    assert np.array_equal(whole_l.z_urgency[:, 4000:8500], part_l.z_urgency)
    assert np.array_equal(whole_l.away[:, 4000:8500], part_l.away)


@ENGINES
def test_strategies_face_the_same_prospects(engine: str) -> None:
    sc = Scenario()
    r = simulate(sc, ["no-follow-up", "persistent-until-no"], prospects=200, seed=1, engine=engine)
    p = r.prospects
    a = p[p.strategy == "no-follow-up"].reset_index(drop=True)
    b = p[p.strategy == "persistent-until-no"].reset_index(drop=True)
    assert a["segment"].equals(b["segment"])


@ENGINES
def test_strategies_identical_until_a_day_give_identical_outcomes_before_it(engine: str) -> None:
    """Common random numbers: two cadences that differ only from day 12 on agree on every
    prospect resolved before day 12 (meeting, no, opt-out or purchase elsewhere)."""
    base = {
        "name": "a",
        "steps": [{"day": 0, "time": "10:00", "channel": "call_desk", "leave_voicemail": True}],
        "repeat_every": 3,
    }
    custom = {
        "early": {
            "phases": [
                {**base, "cycles": 4, "then": "late"},
                {
                    "name": "late",
                    "steps": [{"day": 0, "time": "11:00", "channel": "email"}],
                    "repeat_every": 2,
                },
            ]
        },
        "other": {
            "phases": [
                {**base, "cycles": 4, "then": "late"},
                {
                    "name": "late",
                    "steps": [{"day": 0, "time": "15:00", "channel": "text"}],
                    "repeat_every": 1,
                },
            ]
        },
    }
    sc = Scenario(custom_strategies=custom)
    # both switch at day 9 + 0 = 9 after the fourth call; check they plan alike before that
    for d in range(9):
        o1, o2 = Observations(1), Observations(1)
        assert np.array_equal(
            get_strategy("early", sc).decide(d, o1).channel,
            get_strategy("other", sc).decide(d, o2).channel,
        )
    r = simulate(sc, ["early", "other"], prospects=600, seed=2, engine=engine)
    p = r.prospects
    e = p[p.strategy == "early"].set_index("prospect")
    o = p[p.strategy == "other"].set_index("prospect")
    resolved = e["meeting_day"].lt(9)  # absorbing before the strategies part
    assert resolved.sum() > 10
    for col in ("outcome", "meeting_day", "first_contact_attempt", "touches", "rep_minutes"):
        assert e.loc[resolved, col].equals(o.loc[resolved, col]), col
    early_contact = e["first_response_day"].lt(9)
    assert early_contact.sum() > 100
    for col in ("first_response_day", "first_contact_attempt"):
        assert e.loc[early_contact, col].equals(o.loc[early_contact, col]), col
    t = r.touches
    cols = ["strategy", "read_day", "voicemail_heard", "response", "opted_out"]
    te = t[(t.day < 9) & (t.strategy == "early")].drop(columns=cols).reset_index(drop=True)
    to = t[(t.day < 9) & (t.strategy == "other")].drop(columns=cols).reset_index(drop=True)
    pd.testing.assert_frame_equal(te, to)


def test_touch_parts_and_traces_whatever_the_workers(tmp_path: Path) -> None:
    """Touch logs written as parts (``touch_dir``) and traced stories come out the same with
    one process or two, and the parts hold the in-memory log."""
    sc = Scenario()
    names = ["no-follow-up", "one-and-done"]
    kw = dict(prospects=60, seed=3, engine="des", trace=[1, 4])
    plain = simulate(sc, names, **kw)
    for workers in (1, 2):
        run = simulate(sc, names, **kw, workers=workers, touch_dir=tmp_path / str(workers))
        assert run.traces == plain.traces and len(run.traces) == 4
        assert [p.exists() for p in run.touch_parts] == [True, True]
        parts = pd.concat([pd.read_parquet(p) for p in run.touch_parts], ignore_index=True)
        pd.testing.assert_frame_equal(parts, plain.touches, check_categorical=False)


@pytest.mark.parametrize(
    "name", ["overkill", "fall-on-your-sword", "receptionist", "over-their-head", "promise-0815"]
)
def test_the_touch_log_does_not_change_outcomes(name: str) -> None:
    """The touch functions skip the log's columns when no log is kept (a speed-up): every
    outcome is the same with and without it, bit for bit."""
    sc = Scenario()
    strategy = get_strategy(name, sc)
    kept = run_vector(sc, strategy, 3_000, 9, chunk=2_048, touch_log=True)
    off = run_vector(sc, strategy, 3_000, 9, chunk=2_048, touch_log=False)
    assert len(kept.touches) > 3_000 and off.touches.empty
    pd.testing.assert_frame_equal(kept.prospects, off.prospects)
