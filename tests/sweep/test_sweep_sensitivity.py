"""Sensitivity indices: a function with known indices through the same code path as a sweep's
results, and the real model, where a parameter that touches nothing gets indices of exactly 0
(common random numbers). Plus the charts of a sampled design and of Morris indices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from sim.sweep import run_sensitivity
from sim.sweep.charts import sensitivity_bars, winner_map
from sim.sweep.design import salib_problem, sensitivity_sample
from sim.sweep.sensitivity import MORRIS_COLUMNS, SOBOL_COLUMNS, sensitivity_table
from sim.sweep.spec import SweepSpec, spec_from_dict
from sim.viz.style import house_style, save_figure

PNG = b"\x89PNG\r\n\x1a\n"
PARAMS = [
    {"path": "response.p_win", "low": 0.1, "high": 0.5},
    {"path": "response.w_urgency", "low": 0.0, "high": 4.0},
    {"path": "population.fear.say_no", "low": 0.0, "high": 0.5},
]


def analytic_spec(method: str, samples: int) -> SweepSpec:
    return spec_from_dict({
        "parameters": PARAMS, "strategies": ["a", "b"], "compare": ["a", "b"],
        "sensitivity": {"method": method, "samples": samples, "resamples": 200},
    })  # fmt: skip


def fake_results(x: np.ndarray) -> pd.DataFrame:
    """Results as a sweep writes them, for outputs known in closed form: with u the position
    of each parameter in its range, a = 4 u0 + u1 and b = u1 (the third parameter does
    nothing), so a - b = 4 u0."""
    u = (x - np.array([0.1, 0.0, 0.0])) / np.array([0.4, 4.0, 0.5])
    outputs = {"a": 4 * u[:, 0] + u[:, 1], "b": u[:, 1]}
    rows = [
        {"cell": i, "strategy": s, "metric": "meeting_rate", "mean": float(y[i])}
        for s, y in outputs.items()
        for i in range(len(x))
    ]
    return pd.DataFrame(rows)


def test_sobol_indices_of_a_known_function() -> None:
    spec = analytic_spec("sobol", 512)
    x = sensitivity_sample(spec)
    table = sensitivity_table(spec, salib_problem(spec), x, fake_results(x), seed=1)
    assert list(table.columns) == SOBOL_COLUMNS
    assert table["strategy"].unique().tolist() == ["a", "b", "a - b"]
    index = table.set_index(["strategy", "parameter"])
    # a = 4 u0 + u1: variances 16/12 and 1/12, so S1 = ST = 16/17 and 1/17, no interaction
    for parameter, expected in (("response.p_win", 16 / 17), ("response.w_urgency", 1 / 17)):
        row = index.loc[("a", parameter)]
        assert row["S1"] == pytest.approx(expected, abs=max(0.03, 2 * row["S1_conf"]))
        assert row["ST"] == pytest.approx(expected, abs=max(0.03, 2 * row["ST_conf"]))
    assert index.loc[("a - b", "response.p_win"), "ST"] == pytest.approx(1, abs=1e-9)
    assert index.loc[("b", "response.w_urgency"), "ST"] == pytest.approx(1, abs=1e-9)
    nothing = table[table["parameter"] == "population.fear.say_no"]
    assert (nothing["ST"] == 0).all() and (nothing["S1"] == 0).all()
    again = sensitivity_table(spec, salib_problem(spec), x, fake_results(x), seed=1)
    pd.testing.assert_frame_equal(table, again)  # a seeded bootstrap: reproducible


def test_morris_ranks_the_parameters_of_a_known_function(tmp_path: Path) -> None:
    spec = analytic_spec("morris", 20)
    x = sensitivity_sample(spec)
    assert x.shape == (20 * 4, 3)
    table = sensitivity_table(spec, salib_problem(spec), x, fake_results(x), seed=1)
    assert list(table.columns) == MORRIS_COLUMNS
    a = table[table["strategy"] == "a"].set_index("parameter")
    # elementary effects in output units per whole range: 4 and 1, and 0 for the third
    assert a.loc["response.p_win", "mu_star"] == pytest.approx(4)
    assert a.loc["response.w_urgency", "mu_star"] == pytest.approx(1)
    assert a.loc["population.fear.say_no", "mu_star"] == 0
    with house_style():
        fig = Figure(figsize=(11, 6), layout="constrained")
        ax = sensitivity_bars(table, "a - b", "morris", ax=fig.add_subplot())
        assert "response.p_win matters most" in ax.get_title(loc="left").replace("\n", " ")
        path = save_figure(fig, tmp_path / "morris.png")
    assert path.read_bytes()[:8] == PNG


def test_a_parameter_that_touches_nothing_has_indices_of_exactly_zero(tmp_path: Path) -> None:
    """Letters cost money but these strategies send none: with common random numbers every
    cell that differs only in the letter's cost gives exactly the same meetings."""
    spec = spec_from_dict({
        "name": "zero",
        "overrides": {"calendar": {"horizon_days": 20}},
        "parameters": [
            {"path": "population.tolerance.median", "low": 1.0, "high": 20.0, "log": True},
            {"path": "channels.letter.cost", "low": 0.0, "high": 50.0, "label": "letter ($)"},
        ],
        "strategies": ["breakup-after-two", "persistent-until-no"],
        "compare": ["persistent-until-no", "breakup-after-two"],
        "prospects": 200,
        "sensitivity": {"samples": 4, "resamples": 100},
    })  # fmt: skip
    result = run_sensitivity(spec, None, tmp_path / "out", workers=1)
    table = pd.read_csv(tmp_path / "out" / "sensitivity.csv")
    assert len(result.design) == 4 * (2 + 2)
    assert list(table.columns) == SOBOL_COLUMNS and len(table) == 3 * 2
    letter = table[table["parameter"] == "channels.letter.cost"]
    assert (letter["ST"] == 0).all() and (letter["S1"] == 0).all()
    tolerance = table[table["parameter"] == "population.tolerance.median"]
    assert (tolerance["ST"] > 0.5).all()  # the only thing left that moves meetings
    charts = {p.name for p in (tmp_path / "out" / "charts").iterdir()}
    assert {"sensitivity_persistent_until_no_breakup_after_two.png", "winner_map.png"} <= charts
    for name in charts:
        assert (tmp_path / "out" / "charts" / name).read_bytes()[:8] == PNG


def test_winner_map_of_a_sampled_design_marks_ties(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    rows: list[dict[str, Any]] = [
        {"cell": i, "x": float(rng.uniform(0, 1)), "y": float(rng.uniform(10, 100)),
         "best": "one" if i % 3 else "two", "best_meeting_rate": 0.05,
         "indistinguishable": i % 2 == 0}
        for i in range(12)
    ]  # fmt: skip
    with house_style():
        fig = Figure(figsize=(11, 8), layout="constrained")
        labels = {"x": "share (of prospects)", "y": "load (items per day)"}
        ax = winner_map(pd.DataFrame(rows), "x", "y", ["one", "two"], labels=labels,
                        ax=fig.add_subplot())  # fmt: skip
        assert (
            ax.get_title(loc="left")
            .replace("\n", " ")
            .startswith("one books the most meetings in 8 of 12 cells; two in 4")
        )
        assert "indistinguishable in 6" in ax.get_title(loc="left").replace("\n", " ")
        assert ax.get_xlabel() == "share (of prospects)"
        path = save_figure(fig, tmp_path / "winners.png")
    assert path.read_bytes()[:8] == PNG
