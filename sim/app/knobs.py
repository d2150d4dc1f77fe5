"""The explorer's sliders and its runs, without any web framework: what ``followup app``
lets a trainer move, how a move changes the scenario, and a cached small run.

Each ``Knob`` names one scenario parameter by its path (a lognormal distribution by its
median, a constant by its value), a range and a label. ``apply`` returns the scenario with
the knobs' values, validated like a scenario file, so a knob can never produce a scenario
the simulator would reject. ``explore_run`` runs the chosen strategies on the same
prospects with the vectorized engine and keeps the last results (``functools.lru_cache``),
so moving a slider back shows the earlier run at once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pandas as pd

from sim.io.loader import deep_update, scenario_from_dict
from sim.model.scenario import Scenario
from sim.results.result import RunResult
from sim.results.summary import summarize_stats
from sim.run.options import RunOptions
from sim.run.simulate import simulate


@dataclass(frozen=True)
class Knob:
    """One slider: the scenario path it sets, its label, range and step."""

    name: str
    path: str
    label: str
    low: float
    high: float
    step: float

    def read(self, scenario: Scenario) -> float | None:
        """The knob's value in ``scenario``: a number, a distribution's median or constant
        value; None when the parameter is a distribution the knob cannot set (uniform)."""
        value: Any = scenario.model_dump(mode="json")
        for part in self.path.split("."):
            value = value[part]
        if isinstance(value, Mapping):
            for key in ("median", "value"):
                if key in value:
                    return float(value[key])
            return None
        return float(value)

    def patch(self, scenario: Scenario, value: float) -> dict[str, Any]:
        """A nested mapping that sets the knob to ``value`` (``deep_update`` merges it)."""
        current: Any = scenario.model_dump(mode="json")
        for part in self.path.split("."):
            current = current[part]
        if isinstance(current, Mapping):
            key = "median" if "median" in current else "value"
            leaf: Any = {**current, key: value}
        else:
            leaf = value
        for part in reversed(self.path.split(".")):
            leaf = {part: leaf}
        return dict(leaf)


KNOBS = (
    Knob("email_load", "population.loads.email", "emails a day in their inbox (median)", 10, 400,
         10),
    Knob("voicemail_load", "population.loads.voicemail", "voicemails a day (median)", 2, 150, 2),
    Knob("in_office", "population.in_office", "share of days at the office desk", 0.0, 1.0,
         0.05),
    Knob("pick_up_sales", "population.screening.known_sales",
         "chance to pick up a known sales number", 0.0, 1.0, 0.05),
    Knob("meetings", "population.meetings.share", "share of the day in meetings", 0.0, 0.8,
         0.05),
    Knob("tolerance", "population.tolerance", "tolerance of annoyance (median)", 1.0, 20.0,
         0.5),
    Knob("buyers", "population.segments.buyer", "share of prospects who are buyers", 0.05, 0.8,
         0.05),
    Knob("say_no", "population.fear.say_no", "chance to say no out loud", 0.0, 1.0, 0.05),
)  # fmt: skip
"""The explorer's eight sliders."""
KNOB_BY_NAME = {k.name: k for k in KNOBS}


def usable_knobs(scenario: Scenario) -> list[Knob]:
    """The knobs the scenario's parameters allow (a uniform distribution has no median)."""
    return [k for k in KNOBS if k.read(scenario) is not None]


def apply(scenario: Scenario, values: Mapping[str, float]) -> Scenario:
    """``scenario`` with each knob of ``values`` (by name) set, validated. The buyers' share
    takes its room from the non-fit share (info seekers keep theirs)."""
    data = scenario.model_dump(mode="json")
    for name, value in values.items():
        knob = KNOB_BY_NAME[name]
        data = deep_update(data, knob.patch(scenario, float(value)))
        if name == "buyers":
            seg = data["population"]["segments"]
            seg["non_fit"] = max(0.0, round(1.0 - seg["buyer"] - seg["info_seeker"], 9))
            if seg["non_fit"] == 0.0:
                seg["info_seeker"] = round(1.0 - seg["buyer"], 9)
    return scenario_from_dict(data, f"<explorer: {scenario.name}>")


@dataclass(frozen=True)
class Explored:
    """One run of the explorer: the result, its summary and how long it took."""

    result: RunResult
    summary: pd.DataFrame
    seconds: float


def explore_run(
    scenario: Scenario, strategies: Sequence[str], prospects: int, seed: int = 0
) -> Explored:
    """Run ``strategies`` on the same ``prospects`` (vectorized engine, one process), from
    the cache when the same run was made recently."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True)
    return _cached(text, tuple(strategies), prospects, seed)


@lru_cache(maxsize=64)
def _cached(scenario_json: str, strategies: tuple[str, ...], prospects: int, seed: int) -> Explored:
    scenario = scenario_from_dict(json.loads(scenario_json), "<explorer>")
    started = time.perf_counter()
    result = simulate(scenario, list(strategies), RunOptions(prospects=prospects, seed=seed))
    summary = summarize_stats(result.stats)
    return Explored(result, summary, time.perf_counter() - started)


__all__ = ["KNOBS", "Explored", "Knob", "apply", "explore_run", "usable_knobs"]
