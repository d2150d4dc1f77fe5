"""Adaptive strategies react to what the rep observes, and only to that."""

from __future__ import annotations

import numpy as np

from sim.model.channels import Channel
from sim.model.scenario import Scenario
from sim.run import simulate
from sim.strategy.base import Observations, Opt
from sim.strategy.library import get_strategy


def _plan(name: str, days: int, obs: Observations) -> list[tuple[int, str, int]]:
    s = get_strategy(name)
    out = []
    for d in range(days):
        plan = s.decide(d, obs)
        for k in range(plan.slots):
            if plan.channel[k, 0] >= 0:
                out.append((d, Channel(int(plan.channel[k, 0])).name, int(plan.flags[k, 0])))
    return out


def test_four_business_days_alternates_until_it_knows_the_preferred_channel() -> None:
    obs = Observations(1)
    plan = _plan("four-business-days", 17, obs)
    assert [(d, c) for d, c, _ in plan] == [
        (0, "call_desk"), (4, "email"), (8, "call_desk"), (12, "email"), (16, "call_desk")
    ]  # fmt: skip
    assert all(f & Opt.ground_rules for *_, f in plan)
    for venue, channel in ((0, "email"), (1, "call_cell"), (2, "text"), (3, "social")):
        known = Observations(1)
        known.favored_known[0] = venue
        assert {c for _, c, _ in _plan("four-business-days", 17, known)} == {channel}


def test_receptionist_holds_calls_while_the_prospect_is_reported_away() -> None:
    s = get_strategy("receptionist")
    obs = Observations(1)
    days = []
    for d in range(20):
        if d == 6:
            obs.away_until[0] = 11  # the receptionist said so on day 5
        plan = s.decide(d, obs)
        days += [(d, Channel(int(c)).name) for c in plan.channel[:, 0] if c >= 0]
    assert days[:3] == [(0, "call_desk"), (3, "call_desk"), (5, "receptionist")]
    follow = [d for d, c in days[3:]]
    assert follow[0] == 12  # held from day 6 to the first day after the return
    assert np.all(np.diff(follow) == 3)


def test_ground_rules_lead_to_the_preferred_channel_in_both_engines() -> None:
    sc = Scenario(calendar={"horizon_days": 40})
    for engine, n in (("des", 400), ("vector", 20_000)):
        r = simulate(sc, ["four-business-days"], prospects=n, seed=2, engine=engine)
        t = r.touches
        talked = t[t.result == "picked_up"].groupby("prospect")["day"].min()
        later = t.join(talked.rename("talked"), on="prospect")
        later = later[later.day > later.talked]
        assert len(later) > 0, engine
        # after a conversation with ground rules the rep uses one channel per prospect
        assert (later.groupby("prospect")["channel"].nunique() == 1).all(), engine
        # before any conversation the cadence alternates desk call and email
        before = t.join(talked.rename("talked"), on="prospect")
        before = before[before.talked.isna() | (before.day <= before.talked)]
        assert set(before.channel.astype(str)) == {"call_desk", "email"}, engine


def test_no_call_is_made_inside_a_reported_absence() -> None:
    """After the receptionist reports an absence, the follow-up calls wait for the return:
    none falls on a day of the reported period (checked against the prospects' real life)."""
    from sim.model.population import draw_population

    sc = Scenario(calendar={"horizon_days": 40})
    n = 20_000
    r = simulate(sc, ["receptionist"], prospects=n, seed=4, engine="vector")
    t = r.touches
    reported = t[t.result == "away_reported"][["prospect", "day"]]
    assert len(reported) > 100
    _, life = draw_population(sc, 4, 0, n)
    until = life.away_until[reported.day.to_numpy(), reported.prospect.to_numpy()]
    assert (until >= reported.day.to_numpy()).all()
    window = reported.assign(until=until).set_index("prospect")
    calls = t[(t.channel == "call_desk")].join(window.add_suffix("_report"), on="prospect")
    calls = calls[calls.day_report.notna()]
    inside = (calls.day > calls.day_report) & (calls.day <= calls.until_report)
    assert not inside.any()
    after = calls[calls.day > calls.until_report]
    assert len(after) > 0  # and they do resume after the return


def test_precision_calls_after_an_open_and_switches_after_three_silent_emails() -> None:
    silent = _plan("precision", 16, Observations(1))
    assert [(d, c) for d, c, _ in silent] == [
        (0, "email"), (3, "email"), (6, "email"), (9, "call_desk"), (12, "social"),
        (15, "call_desk"),
    ]  # fmt: skip
    s = get_strategy("precision")
    obs = Observations(1)
    seen = []
    for d in range(10):
        if d == 4:
            obs.last_open_day[0] = 3  # the day-3 email shows as opened
        plan = s.decide(d, obs)
        seen += [(d, Channel(int(c)).name) for c in plan.channel[:, 0] if c >= 0]
    assert seen == [(0, "email"), (3, "email"), (4, "call_cell"), (7, "email")]


def test_tracking_shows_reads_with_misses_and_false_opens() -> None:
    """Nobody replies, so precision calls on day 1 exactly when the day-0 email showed as
    opened: P(call | read) = 1 - miss and P(call | unread) = false_open, on both engines."""
    from tests.conftest import deep_update, make_scenario, quiet_patch

    patch = deep_update(quiet_patch(p_positive=1e-8), {
        "calendar": {"horizon_days": 3},
        "population": {"loads": {"email": {"kind": "lognormal", "median": 120, "sigma": 0.5}}},
        "tracking": {"miss": 0.2, "false_open": 0.1},
    })  # fmt: skip
    sc = make_scenario(patch)
    for engine, n in (("des", 4000), ("vector", 100_000)):
        t = simulate(sc, ["precision"], prospects=n, seed=9, engine=engine).touches
        first = t[t.attempt == 1].set_index("prospect")
        called = t[(t.day == 1) & (t.channel == "call_cell")].prospect
        read = first.result == "read"
        shown = first.index.isin(called)
        assert 0.2 < read.mean() < 0.95, engine  # both groups are well populated
        for group, expected in ((read, 0.8), (~read, 0.1)):
            rate = shown[group.to_numpy()].mean()
            se = np.sqrt(expected * (1 - expected) / group.sum())
            assert abs(rate - expected) < 4 * se, (engine, rate, expected)
