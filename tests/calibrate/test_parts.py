"""The calibration's parts without simulations: the budget's plan, the distance and the
synthetic likelihood, the store, the point fit and the sampler on analytic objectives, and the
posterior comparison's probabilities."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.calibrate.api import default_budget, make_plan
from sim.calibrate.compare import best_table, draw_rows, summarize
from sim.calibrate.fit import point_fit
from sim.calibrate.objective import FAR, distance, log_likelihood, z_scores
from sim.calibrate.posterior import initial_walkers, minimum_walkers, sample
from sim.calibrate.problem import Target
from sim.calibrate.space import Dimension, Space
from sim.calibrate.statistics import Args
from sim.calibrate.store import Outcome, Store
from sim.io.errors import OptionError


def target(observed: float, se: float) -> Target:
    return Target("t", "meeting_rate", Args(), "s", observed, se, "targets.0")


def test_the_budget_plan() -> None:
    plan = make_plan(6, default_budget(6), 8192)
    assert plan.walkers == 14 and plan.cheap_prospects == 2048
    assert plan.trials + plan.finalists + plan.walkers * plan.steps <= plan.budget
    assert plan.walkers * (plan.steps - plan.steps // 2) >= 100  # the posterior's rows
    with pytest.raises(OptionError, match="at least") as info:
        make_plan(2, 100, 8192)
    found = re.search(r"at least (\d+)", info.value.message)
    assert found is not None
    least = int(found.group(1))
    make_plan(2, least, 8192)
    with pytest.raises(OptionError):
        make_plan(2, least - 1, 8192)


def test_distance_and_likelihood() -> None:
    targets = [target(0.10, 0.03), target(0.5, 0.04)]
    outcome = Outcome("k", (0.13, 0.5), (0.04, 0.03), (100, 100), None, 0.1)
    z = z_scores(targets, outcome)
    assert z == pytest.approx([0.03 / 0.05, 0.0])
    assert distance(targets, outcome) == pytest.approx(0.36)
    var = np.array([0.05**2, 0.05**2])
    expected = -0.5 * 0.36 - 0.5 * float(np.sum(np.log(2 * math.pi * var)))
    assert log_likelihood(targets, outcome) == pytest.approx(expected)
    undefined = Outcome("k", (math.nan, 0.5), (math.nan, 0.03), (0, 100), None, 0.1)
    assert distance(targets, undefined) == FAR
    assert log_likelihood(targets, undefined) == -math.inf
    broken = Outcome("k", (math.nan,) * 2, (math.nan,) * 2, (0, 0), "bad", 0.1)
    assert distance(targets, broken) == FAR


def test_the_store_keeps_complete_batches(tmp_path: Path) -> None:
    store = Store(tmp_path)
    a = Outcome("a", (0.1, math.nan), (0.01, math.nan), (10, 0), None, 1.5)
    b = Outcome("b", (math.nan,) * 2, (math.nan,) * 2, (0, 0), "invalid", 0.2)
    store.put([a, b])
    (store.folder / ".x.json.tmp").write_text("{", encoding="utf-8")
    (store.folder / "broken.json").write_text("[{", encoding="utf-8")
    again = Store(tmp_path)
    assert again.load() == 2
    assert again.get("a") == a and again.get("b") == b
    assert not list(store.folder.glob(".*.tmp"))


SPACE = Space(
    (Dimension("x", 0.0, 10.0), Dimension("y", 1.0, 100.0, "log-uniform")), {}
)  # fmt: skip


def bowl(points: object) -> list[float]:
    return [(p["x"] - 3) ** 2 + (math.log10(p["y"]) - 1) ** 2 for p in points]  # type: ignore[attr-defined]


def test_the_point_fit_is_deterministic_and_finds_the_minimum() -> None:
    first = point_fit(SPACE, bowl, bowl, trials=60, finalists=5, seed=3)
    again = point_fit(SPACE, bowl, bowl, trials=60, finalists=5, seed=3)
    assert first.trials == again.trials
    assert first.best["x"] == pytest.approx(3, abs=0.6)
    assert first.best["y"] == pytest.approx(10, rel=0.6)
    assert first.best_distance == min(d for _, d in first.finalists)
    start = point_fit(SPACE, bowl, bowl, trials=20, finalists=2, seed=3, start={"x": 3, "y": 10})
    assert start.trials[0] == ({"x": 3.0, "y": 10.0}, 0.0)


def test_the_sampler_recovers_a_known_posterior() -> None:
    """A Gaussian in the unit cube (mean 0.4 and 0.6, sd 0.05 and 0.1): the chain's mean and
    sd within 4 standard errors (effective sample size from emcee's autocorrelation time)."""
    mean, sd = np.array([0.4, 0.6]), np.array([0.05, 0.1])

    def log_prob(u: np.ndarray) -> np.ndarray:
        return np.asarray(-0.5 * np.sum(((u - mean) / sd) ** 2, axis=1))

    walkers = minimum_walkers(2)
    start = initial_walkers(np.array([0.5, 0.5]), np.array([0.2, 0.2]), walkers, seed=1)
    chain = sample(log_prob, start, 600, seed=1)
    again = sample(log_prob, start, 600, seed=1)
    np.testing.assert_array_equal(chain.unit, again.unit)
    x = chain.samples()
    tau = chain.autocorrelation()
    ess = len(x) / np.maximum(tau, 1)
    assert np.all(np.abs(x.mean(axis=0) - mean) < 4 * sd / np.sqrt(ess))
    assert np.all(np.abs(x.std(axis=0) - sd) < 4 * sd / np.sqrt(2 * ess))
    assert 0.1 < chain.acceptance.mean() < 0.9


def test_posterior_probabilities() -> None:
    rows = []
    for draw, (a, b, c) in enumerate([(0.10, 0.08, 0.02), (0.07, 0.09, 0.03),
                                      (0.12, 0.05, 0.04), (0.11, 0.10, 0.01)]):  # fmt: skip
        for name, rate in (("a", a), ("b", b), ("c", c)):
            rows.append({"draw": draw, "strategy": name, "metric": "meeting_rate", "mean": rate})
    per_draw = pd.DataFrame(rows)
    best = best_table(per_draw, ["a", "b", "c"]).set_index("strategy")
    assert best["p_best"].to_dict() == {"a": 0.75, "b": 0.25, "c": 0.0}
    assert math.isnan(best.loc["a", "p_worse_than_best"])
    assert best.loc["b", "p_worse_than_best"] == 0.75
    assert best.loc["c", "p_worse_than_best"] == 1.0
    summary = summarize(per_draw, ["a", "b", "c"]).set_index("strategy")
    assert summary.loc["a", "mean"] == pytest.approx(0.1)
    assert summary.loc["a", "ci_low"] < 0.08 < summary.loc["a", "ci_high"]
    weights = pd.DataFrame({"x": [1.0, 2.0, 3.0], "weight": [0.0, 1.0, 0.0]})
    assert set(draw_rows(weights, 5, seed=2)["x"]) == {2.0}
