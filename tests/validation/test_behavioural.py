"""Behavioural checks that follow from the model, not from hoped-for outcomes."""

from __future__ import annotations

import numpy as np

from sim.results.summary import paired_difference
from sim.run import simulate
from tests.conftest import make_scenario

N = 40_000


def test_without_habituation_same_and_varied_messages_are_the_same_strategy() -> None:
    """With habituation switched off the template no longer matters, and on common random
    numbers the two strategies give identical outcomes, prospect by prospect."""
    sc = make_scenario({"salience": {"habituation": 0.0}, "response": {"w_habituation": 0.0}})
    r = simulate(sc, ["same-message", "varied-message"], prospects=N, seed=3, engine="vector")
    p = r.prospects
    same = p[p.strategy == "same-message"].drop(columns="strategy").reset_index(drop=True)
    varied = p[p.strategy == "varied-message"].drop(columns="strategy").reset_index(drop=True)
    assert same.equals(varied)
    # and habituation, when on, is what separates them
    on = simulate(
        make_scenario(), ["same-message", "varied-message"], prospects=N, seed=3, engine="vector"
    )
    d = paired_difference(on.prospects, "varied-message", "same-message", "reached")
    assert d.ci_low > 0


def test_without_annoyance_more_touches_never_lower_the_meeting_rate() -> None:
    """Annoyance off: a cadence that goes on longer books at least as many meetings."""
    channels = {
        c: {"annoyance": 0.0}
        for c in ("call_desk", "call_cell", "voicemail", "email", "text", "social")
    }
    step = {"day": 0, "time": "16:30", "channel": "call_desk", "leave_voicemail": True}
    custom = {
        f"calls-{k}": {"phases": [{"name": "p", "steps": [step], "repeat_every": 3, "cycles": k}]}
        for k in (2, 6, 20)
    }
    sc = make_scenario({"channels": channels, "custom_strategies": custom})
    r = simulate(sc, list(custom), prospects=N, seed=4, engine="vector")
    rates = r.prospects.groupby("strategy", sort=False)["meeting"].mean()
    for shorter, longer in (("calls-2", "calls-6"), ("calls-6", "calls-20")):
        d = paired_difference(r.prospects, longer, shorter, "meeting")
        se = (d.ci_high - d.ci_low) / (2 * 1.96)
        assert d.diff > -4 * se, (shorter, longer, rates.to_dict())
    assert rates["calls-20"] > rates["calls-2"]
    assert r.prospects["opted_out"].sum() == 0


def test_thin_skinned_prospects_are_burned_by_overkill_more_than_by_cooling_down() -> None:
    sc = make_scenario({"population": {"tolerance": {"kind": "lognormal", "median": 2.5}}})
    r = simulate(sc, ["overkill", "cool-down-heat-up"], prospects=N, seed=5, engine="vector")
    d = paired_difference(r.prospects, "overkill", "cool-down-heat-up", "opted_out")
    assert d.ci_low > 0
    burned = r.prospects.groupby("strategy")["opted_out"].mean()
    assert burned["overkill"] > 2 * burned["cool-down-heat-up"]
    assert np.isfinite(d.p_value) and d.p_value < 1e-6
