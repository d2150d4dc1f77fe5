"""The rep's capacity: books, arrivals, the daily budget and its priorities, on both engines.

What follows from the rule (sim/capacity.py), not from hoped-for outcomes: no touch before a
prospect arrives; a rep's touches of a day stay within the budget (but for the first prospect
in line); a touch that waits is made late, not lost, and moves the rest of its phase; new
prospects first means every arrival is touched on its first day; results do not depend on
chunks or workers; the rep-week metric is meetings over rep weeks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.engines.des.engine import run_des
from sim.engines.vector.engine import run_vector
from sim.io.errors import ScenarioError
from sim.io.loader import load_scenario
from sim.model.capacity import Books, over_budget, planned_minutes
from sim.model.scenario import Scenario
from sim.results.summary import summarize
from sim.strategy.base import Observations, Opt, TouchPlan
from sim.strategy.cadence import Cadence
from sim.strategy.library import get_strategy, library_specs
from tests.conftest import make_scenario

BOOK, NEW, BUDGET = 120, 6, 40.0
"""A small book (6 new prospects a day over 20 days) and a budget that binds for a
persistent cadence (a call with a voicemail is 4 minutes)."""


def capacity_scenario(**rep: Any) -> Scenario:
    values = {"minutes_per_day": BUDGET, "new_per_day": NEW, "prospects_per_rep": BOOK} | rep
    return make_scenario({"calendar": {"horizon_days": 20}, "rep": values})


@pytest.fixture(scope="module")
def runs() -> dict[tuple[str, str], tuple[pd.DataFrame, pd.DataFrame]]:
    sc = capacity_scenario()
    out = {}
    for name in ("persistent-until-no", "numbers-game"):
        des = run_des(sc, get_strategy(name, sc), 2 * BOOK, seed=5)
        vec = run_vector(sc, get_strategy(name, sc), 2 * BOOK, seed=5)
        out[("des", name)] = des.prospects, des.touches
        out[("vector", name)] = vec.prospects, vec.touches
    return out


# -- the scenario block ------------------------------------------------------------------------


def test_a_budget_needs_a_book() -> None:
    with pytest.raises(ScenarioError) as err:
        make_scenario({"rep": {"minutes_per_day": 60}})
    line = "\n".join(err.value.lines())
    assert "rep" in line and "new_per_day or prospects_per_rep" in line


def test_book_size_defaults_to_the_arrivals_over_the_horizon() -> None:
    sc = make_scenario({"calendar": {"horizon_days": 30}, "rep": {"new_per_day": 4}})
    books = Books.of(sc)
    assert books.size == 120
    ids = np.arange(240)
    assert list(books.arrival_day(ids)[:9]) == [0, 0, 0, 0, 1, 1, 1, 1, 2]
    assert books.arrival_day(ids)[119] == 29 and books.arrival_day(ids)[120] == 0
    assert list(np.unique(books.rep(ids))) == [0, 1]
    assert Books.of(Scenario()).size is None


def test_chunks_hold_whole_books() -> None:
    books = Books.of(capacity_scenario())
    assert books.align_chunk(1000, 0) == 960
    assert books.align_chunk(50, 0) == BOOK
    with pytest.raises(ValueError, match="start a rep's book"):
        books.align_chunk(1000, 7)


# -- the rule, on hand-made plans ---------------------------------------------------------------


def _plan(channels: list[int], flags: int = 0) -> TouchPlan:
    plan = TouchPlan.empty(1, len(channels))
    plan.channel[0] = channels
    plan.flags[0] = flags
    return plan


def test_planned_minutes_count_the_voicemail_of_a_call() -> None:
    sc = Scenario()
    minutes = planned_minutes(sc, _plan([0, 0, 3, -1], flags=int(Opt.leave_voicemail)))
    call, vm, email = (sc.channels.call_desk, sc.channels.voicemail, sc.channels.email)
    assert list(minutes) == [call.rep_minutes + vm.rep_minutes] * 2 + [email.rep_minutes, 0.0]


@pytest.mark.parametrize("priority", ["follow_ups", "new"])
def test_the_rep_serves_a_class_first_then_by_arrival_and_stops_at_the_budget(
    priority: str,
) -> None:
    books = Books(size=6, new_per_day=None, minutes_per_day=10.0, horizon=20)
    obs = Observations(12)
    obs.attempts[:] = [0, 1, 0, 1, 0, 1] * 2  # prospects 1, 3, 5 (and 7, 9, 11) touched before
    minutes = np.array([4.0, 4.0, 4.0, 4.0, 0.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0])
    over = over_budget(minutes, obs, np.arange(12), books, priority)
    first = [1, 3, 5] if priority == "follow_ups" else [0, 2]
    then = [0, 2] if priority == "follow_ups" else [1, 3, 5]
    served = set((first + then)[:2])  # 4 + 4 fit in 10 minutes, a third does not
    for book in (0, 6):
        assert {i - book for i in np.flatnonzero(~over[book : book + 6]) + book if minutes[i]} == (
            served
        )


def test_the_first_in_line_is_served_even_when_alone_over_budget() -> None:
    books = Books(size=3, new_per_day=None, minutes_per_day=5.0, horizon=20)
    obs = Observations(3)
    over = over_budget(np.array([15.0, 1.0, 1.0]), obs, np.arange(3), books, "follow_ups")
    assert list(over) == [False, True, True]


# -- both engines ----------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["des", "vector"])
@pytest.mark.parametrize("name", ["persistent-until-no", "numbers-game"])
def test_no_touch_before_arrival_and_the_day_within_budget(
    runs: dict[tuple[str, str], tuple[pd.DataFrame, pd.DataFrame]], engine: str, name: str
) -> None:
    prospects, touches = runs[(engine, name)]
    assert len(touches) > 0
    arrival = prospects.set_index("prospect")["arrival_day"]
    assert (touches["day"].to_numpy() >= arrival.loc[touches["prospect"]].to_numpy()).all()
    t = touches.assign(rep=touches["prospect"] // BOOK)
    per_day = t.groupby(["rep", "day"]).agg(
        minutes=("rep_minutes", "sum"), prospects=("prospect", "nunique")
    )
    # planned minutes bound the minutes spent (a voicemail is budgeted, left only on no answer)
    assert ((per_day["minutes"] <= BUDGET) | (per_day["prospects"] == 1)).all()
    assert per_day["minutes"].max() > BUDGET - 8  # the budget binds
    first_response = prospects["first_response_day"].dropna()
    assert (first_response >= prospects.loc[first_response.index, "arrival_day"]).all()


@pytest.mark.parametrize("engine", ["des", "vector"])
def test_new_first_touches_every_arrival_on_its_first_day_follow_ups_first_does_not(
    runs: dict[tuple[str, str], tuple[pd.DataFrame, pd.DataFrame]], engine: str
) -> None:
    def first_touch_delay(name: str) -> pd.Series:
        prospects, touches = runs[(engine, name)]
        first = touches.groupby("prospect")["day"].min()
        arrival = prospects.set_index("prospect")["arrival_day"]
        return (first - arrival.loc[first.index]).astype(int)

    assert (first_touch_delay("numbers-game") == 0).all()  # 6 arrivals x 4 min < 40 min
    assert first_touch_delay("persistent-until-no").max() > 0


@pytest.mark.parametrize("engine", ["des", "vector"])
def test_a_follow_up_that_waits_is_made_late_and_moves_its_phase(engine: str) -> None:
    sc = capacity_scenario()
    spec = library_specs()["persistent-until-no"].model_copy(update={"priority": "new"})
    strategy = Cadence("persistent-new-first", spec)  # new prospects first: follow-ups wait
    run = run_des if engine == "des" else run_vector
    touches = run(sc, strategy, 2 * BOOK, 5).touches
    calls = touches[touches["template"] == "call-me-back"].sort_values(["prospect", "day"])
    gaps = calls.groupby("prospect")["day"].diff().dropna()
    assert (gaps >= 3).all()  # never a catch-up burst
    assert (gaps > 3).mean() > 0.05  # some waited (about 1 in 7 here)


def test_without_a_budget_cadences_start_on_the_arrival_day() -> None:
    sc = capacity_scenario(minutes_per_day=None)
    out = run_vector(sc, get_strategy("numbers-game", sc), BOOK, seed=2)
    t = out.touches.merge(out.prospects[["prospect", "arrival_day"]], on="prospect")
    t = t[t["prospect"].isin(out.prospects.loc[~out.prospects["reached"], "prospect"])]
    offsets = (t["day"] - t["arrival_day"]).groupby(t["prospect"]).apply(list)
    full = offsets[offsets.map(len) == 3]
    assert len(full) > 10 and all(o == [0, 2, 5] for o in full)


@pytest.mark.parametrize(("chunk", "workers"), [(BOOK, 1), (1000, 1), (2 * BOOK, 2)])
def test_results_do_not_depend_on_chunks_or_workers_under_a_budget(
    chunk: int, workers: int
) -> None:
    sc = capacity_scenario()
    strategy = get_strategy("persistent-until-no", sc)
    ref = run_vector(sc, strategy, 4 * BOOK, seed=9, chunk=4 * BOOK)
    out = run_vector(sc, strategy, 4 * BOOK, seed=9, chunk=chunk, workers=workers)
    pd.testing.assert_frame_equal(out.prospects, ref.prospects)
    pd.testing.assert_frame_equal(out.touches, ref.touches)


def test_meetings_per_rep_week_and_hour_come_from_the_outcomes() -> None:
    sc = capacity_scenario()
    out = run_vector(sc, get_strategy("breakup-after-two", sc), 6 * BOOK, seed=3)
    p = out.prospects
    s = summarize(p).set_index("metric")
    weeks = sc.horizon / 5
    assert s.loc["meetings_per_rep_week", "mean"] == pytest.approx(p["meeting"].sum() / 6 / weeks)
    per_book = p.groupby("rep")["meeting"].sum() / weeks
    se = per_book.std(ddof=1) / np.sqrt(len(per_book))
    half = s.loc["meetings_per_rep_week", "ci_high"] - s.loc["meetings_per_rep_week", "mean"]
    assert half == pytest.approx(1.959964 * se, rel=1e-6)  # books as the units
    hour = s.loc["meetings_per_rep_hour", "mean"]
    assert hour == pytest.approx(60 * p["meeting"].sum() / p["rep_minutes"].sum())


def test_the_rep_capacity_scenario_loads_and_names_numbers_game() -> None:
    sc = load_scenario("rep-capacity")
    assert sc.rep.minutes_per_day and sc.rep.new_per_day
    assert "numbers-game" in sc.strategies and "persistent-until-no" in sc.strategies
