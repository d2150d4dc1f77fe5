"""The optimiser's parts without a search: measures and their standard errors, constraints,
the sizes of successive halving and the pick, the paired ratio difference, the confirmation
set, the store replaying evaluations, and a search that depends on its seed alone."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.calibrate.store import Store
from sim.io.errors import OptionError
from sim.optimize.confirm import confirmation_set, paired_ratio_difference
from sim.optimize.evaluate import Evaluator, Market
from sim.optimize.halving import MARGIN, choose, rungs, successive_halving
from sim.optimize.objective import METRICS, Constraints, Goal, Measured, measure, pool
from sim.optimize.search import TrialRecord, run_search
from sim.optimize.space import SearchSpace, silent_schedule
from sim.results.summary import ratio_ci
from sim.strategy.cadence import CadenceSpec
from sim.strategy.library import library_specs
from sim.sweep.execute import Runner
from tests.conftest import make_scenario


def outcome_frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    minutes = rng.integers(1, 40, n).astype(float)
    return pd.DataFrame({
        "meeting": rng.random(n) < 0.1, "won": rng.random(n) < 0.03,
        "opted_out": rng.random(n) < 0.02, "reached": rng.random(n) < 0.4,
        "rep_minutes": minutes, "touches": rng.integers(1, 9, n), "cost": rng.random(n),
    })  # fmt: skip


def test_measures_and_their_standard_errors() -> None:
    frame = outcome_frame(5000, 1)
    values, ses = measure(frame)
    assert set(values) == set(METRICS) == set(ses)
    p = frame["meeting"].mean()
    assert values["meeting_rate"] == pytest.approx(p)
    assert ses["meeting_rate"] == pytest.approx(math.sqrt(p * (1 - p) / 5000))
    assert ses["rep_minutes_per_prospect"] == pytest.approx(
        frame["rep_minutes"].std(ddof=1) / math.sqrt(5000)
    )
    # meetings per rep hour: the summary's delta-method interval, as a standard error
    est, low, high = ratio_ci(frame["meeting"], frame["rep_minutes"])
    assert values["meetings_per_rep_hour"] == pytest.approx(60 * est)
    assert ses["meetings_per_rep_hour"] == pytest.approx(60 * (high - low) / (2 * 1.959964))


def test_pooling_over_draws() -> None:
    a = measure(outcome_frame(2000, 1))
    b = measure(outcome_frame(2000, 2))
    m = pool([a, b], 2000)
    assert m.draws == 2 and len(m.per_draw) == 2
    mean = (a[0]["meeting_rate"] + b[0]["meeting_rate"]) / 2
    assert m.values["meeting_rate"] == pytest.approx(mean)
    assert m.ses["meeting_rate"] == pytest.approx(
        math.hypot(a[1]["meeting_rate"], b[1]["meeting_rate"]) / 2
    )
    assert pool([a], 2000).per_draw == ()


def measured(
    goal: float, opt_out: float = 0.0, minutes: float = 10.0, se: float = 0.001
) -> Measured:
    values = dict.fromkeys(METRICS, 0.0)
    values.update(meeting_rate=goal, opt_out_rate=opt_out, rep_minutes_per_prospect=minutes)
    return Measured(values, dict.fromkeys(METRICS, se), 1000)


def test_constraints() -> None:
    c = Constraints(max_opt_out=0.02, max_rep_minutes=30)
    assert c.limits == {"opt_out_rate": 0.02, "rep_minutes_per_prospect": 30}
    assert c.met(measured(0.1, 0.019, 29))
    assert not c.met(measured(0.1, 0.021, 29))
    assert not c.met(measured(0.1, 0.019, 29), z=2.0)  # within 2 SE of the cap: no margin
    assert c.plausible(measured(0.1, 0.021, 29), z=2.0)
    assert c.excess(measured(0.1, 0.03, 20)) == pytest.approx([0.01, -10])
    assert Constraints().limits == {} and Constraints().met(measured(0.1, 0.9, 1e6))
    with pytest.raises(OptionError, match=r"0\.02 is 2 in 100"):
        Constraints(max_opt_out=2)
    with pytest.raises(OptionError) as info:
        Constraints(max_rep_minutes=-1)
    assert info.value.flag == "--max-rep-minutes"


def test_rungs() -> None:
    assert rungs(65_536) == (4096, 16_384, 65_536)
    assert rungs(4096) == (1024, 4096)
    assert rungs(2000) == (2000,)
    assert rungs(65_536, levels=2) == (16_384, 65_536)


def _record(number: int, goal: float, opt_out: float = 0.0) -> TrialRecord:
    step = {"day": 0, "channel": "email", "template": f"t{number}"}
    spec = CadenceSpec.model_validate(
        {"description": f"t{number}", "phases": [{"name": "a", "steps": [step]}]}
    )
    return TrialRecord(number, {}, spec, measured(goal, opt_out))


def test_successive_halving_and_the_pick() -> None:
    records = [_record(i, goal=i / 100, opt_out=0.05 if i >= 30 else 0.0) for i in range(40)]
    asked: list[tuple[int, list[str]]] = []

    def evaluate_at(cadences: Sequence[tuple[str, CadenceSpec]], n: int) -> list[Measured]:
        asked.append((n, [name for name, _ in cadences]))
        return [next(r.cheap for r in records if r.name == name) for name, _ in cadences]

    c = Constraints(max_opt_out=0.02)
    standings = successive_halving(records, Goal.meetings, c, evaluate_at, (100, 400, 1600))
    # 40 trials -> the best 10 at 400 -> the best 4 (at least FINALISTS) at 1600; those over the
    # cap come last whatever their goal
    assert [(n, len(names)) for n, names in asked] == [(400, 10), (1600, 4)]
    assert asked[1][1] == ["trial-29", "trial-28", "trial-27", "trial-26"]
    assert [s.record.number for s in standings[:4]] == [29, 28, 27, 26]
    assert len(standings) == 40
    pick = choose(standings, Goal.meetings, c, 1600)
    assert pick is not None and pick.record.number == 29
    # a finalist close to the cap (within MARGIN standard errors) yields to one with a margin
    standings[0].measures[1600] = measured(0.5, opt_out=0.02 - 0.5 * MARGIN * 0.001)
    assert choose(standings, Goal.meetings, c, 1600).record.number == 28  # type: ignore[union-attr]
    # none meets the caps: no pick
    strict = Constraints(max_opt_out=1e-9)
    for s in standings:
        for k in s.measures:
            s.measures[k] = measured(0.1, opt_out=0.01)
    assert choose(standings, Goal.meetings, strict, 1600) is None


def test_paired_ratio_difference() -> None:
    frame = outcome_frame(4000, 3)
    m, t = frame["meeting"].to_numpy(float), frame["rep_minutes"].to_numpy(float)
    diff, low, high, p = paired_ratio_difference(m, t, m, t)
    assert diff == 0 and p == 1.0
    # against a strategy that books nothing with the same minutes, the difference is the rate
    # itself and the interval the summary's delta-method interval of it
    zero = np.zeros_like(m)
    diff, low, high, p = paired_ratio_difference(m, t, zero, t)
    est, lo, hi = ratio_ci(m, t)
    assert diff == pytest.approx(60 * est)
    assert (low, high) == pytest.approx((60 * lo, 60 * hi))
    assert p < 1e-6


def test_the_confirmation_set() -> None:
    ranked = [("a", False), ("b", True), ("c", True), ("d", False), ("e", True), ("f", True),
              ("g", True), ("h", True)]  # fmt: skip
    assert confirmation_set(ranked) == ["b", "c", "e", "f", "g"]
    assert confirmation_set(ranked[:4]) == ["a", "b", "c", "d"]
    assert confirmation_set([("x", False)] * 0) == []


def test_the_store_replays_evaluations(tmp_path: Path) -> None:
    scenario = make_scenario({"calendar": {"horizon_days": 5}})
    market = Market.single(scenario, 7)
    specs = library_specs()
    cadences = [("no-follow-up", specs["no-follow-up"]), ("one-and-done", specs["one-and-done"])]
    ev = Evaluator(market, Store(tmp_path), Runner(None, 1, "here"))
    first = ev.evaluate(cadences, 300)
    assert ev.ran == 2 and ev.replayed == 0
    again = ev.evaluate(cadences[::-1], 300)
    assert ev.ran == 2 and ev.replayed == 2 and again == first[::-1]
    fresh = Store(tmp_path)
    assert fresh.load() == 2  # from the batch file on disk
    ev2 = Evaluator(market, fresh, Runner(None, 1, "here"))
    assert ev2.evaluate(cadences, 300) == first and ev2.ran == 0
    # another size, another seed or another market is another evaluation
    ev2.evaluate(cadences[:1], 256)
    other = Evaluator(Market.single(scenario, 8), fresh, Runner(None, 1, "here"))
    other.evaluate(cadences[:1], 300)
    assert len(fresh.cache) == 4


def test_a_search_depends_on_its_seed_alone() -> None:
    """With an analytic goal (more touches for a silent prospect is better, up to 6), the
    trials are the same whatever evaluates them, and the seed changes them."""
    space = SearchSpace(channels=("email", "text"))

    def evaluate(cadences: Sequence[tuple[str, CadenceSpec]]) -> Callable[[], list[Measured]]:
        out = []
        for _, spec in cadences:
            n = len(silent_schedule(spec, 30))
            out.append(measured(-abs(n - 6) / 10, opt_out=0.01 * n))
        return lambda: out

    c = Constraints(max_opt_out=0.065)
    one = run_search(space, Goal.meetings, c, evaluate, 40, seed=4)
    two = run_search(space, Goal.meetings, c, evaluate, 40, seed=4)
    other = run_search(space, Goal.meetings, c, evaluate, 40, seed=5)
    assert [r.params for r in one] == [r.params for r in two]
    assert [r.params for r in one] != [r.params for r in other]
    best = max((r for r in one if c.met(r.cheap)), key=lambda r: r.cheap.values["meeting_rate"])
    assert len(silent_schedule(best.spec, 30)) == 6
