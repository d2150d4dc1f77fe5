"""Scenarios on which the two engines must agree: the defaults and four stress cases.

Each one is the default scenario with a few overrides, chosen so that a different mechanism
carries the outcome:

- ``baseline``: the defaults.
- ``light-inboxes``: a tenth of the default loads, so most messages are read and the read
  model (``P(K < A)``) works far from its usual corner.
- ``thin-skinned``: low tolerance (median 2) and slow forgetting of annoyance (half-life 10
  days), so opt-outs are common and the annoyance bookkeeping matters.
- ``drip-heavy``: high starting recall, fast urgency (``kappa`` 0.05, stationary sd 1) and weak
  competitors, so prospects cross into market often and call in: the inbound path matters.
- ``rep-capacity``: reps with books of 250 prospects arriving 5 a day and 60 minutes a day
  for touches, so the budget binds and touches wait: the capacity rule (``sim.model.capacity``)
  and late cadences matter. A book's prospects share a budget, so they are not independent;
  books of 250 keep that correlation small against the engines' sampling error.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

from sim.io.loader import scenario_from_dict
from sim.model.scenario import Scenario


@dataclass(frozen=True)
class ValidationScenario:
    """A scenario and the strategies to compare on it (also stored in ``scenario.strategies``)."""

    scenario: Scenario
    strategies: list[str]


def _lognormal(median: float, sigma: float = 0.5) -> dict[str, Any]:
    return {"kind": "lognormal", "median": median, "sigma": sigma}


def _constant(value: float) -> dict[str, Any]:
    return {"kind": "constant", "value": value}


DRIP: dict[str, Any] = {
    "description": "A value email every 5 business days, a different message each time.",
    "source": "validation",
    "phases": [
        {
            "name": "drip",
            "steps": [
                {
                    "day": 0,
                    "time": "10:00",
                    "channel": "email",
                    "template": "insight",
                    "value": True,
                    "vary_template": True,
                }
            ],
            "repeat_every": 5,
        }
    ],
}
"""The ``drip`` strategy of ``drip-heavy``."""

DAILY_CALLS: dict[str, Any] = {
    "description": "A cell call with a voicemail every business day at 11:00.",
    "source": "validation",
    "phases": [
        {
            "name": "daily",
            "steps": [
                {
                    "day": 0,
                    "time": "11:00",
                    "channel": "call_cell",
                    "template": "call-me-back",
                    "leave_voicemail": True,
                }
            ],
            "repeat_every": 1,
        }
    ],
}
"""The ``daily-calls`` strategy of ``thin-skinned``."""

DRIP_KAPPA = 0.05


def _build(
    name: str,
    strategies: list[str],
    overrides: dict[str, dict[str, Any]],
    custom: dict[str, Any] | None,
    horizon_days: int | None,
) -> ValidationScenario:
    data: dict[str, Any] = Scenario().model_dump(mode="json")
    for block, values in overrides.items():
        for path, value in values.items():
            target = data[block]
            *parents, leaf = path.split(".")
            for key in parents:
                target = target[key]
            target[leaf] = value
    data["name"] = name
    data["description"] = f"engine agreement: {name}"
    data["custom_strategies"] = copy.deepcopy(custom or {})
    data["strategies"] = list(strategies)
    if horizon_days is not None:
        data["calendar"]["horizon_days"] = horizon_days
    return ValidationScenario(scenario_from_dict(data, f"<validation:{name}>"), list(strategies))


def validation_scenarios(horizon_days: int | None = None) -> dict[str, ValidationScenario]:
    """The agreement scenarios by name, in a fixed order.

    ``horizon_days`` replaces every scenario's horizon (tests cut it to run faster).
    """
    specs: list[tuple[str, list[str], dict[str, dict[str, Any]], dict[str, Any] | None]] = [
        ("baseline", ["one-and-done", "persistent-until-no", "breakup-after-two"], {}, None),
        (
            "light-inboxes",
            ["no-follow-up", "breakup-after-two", "persistent-until-no"],
            {
                "population": {
                    "loads.email": _lognormal(12),
                    "loads.voicemail": _lognormal(4),
                    "loads.text": _lognormal(2),
                    "loads.social": _lognormal(1),
                    "loads.mail": _lognormal(0.5),
                }
            },
            None,
        ),
        (
            "thin-skinned",
            ["persistent-until-no", "breakup-after-two", "daily-calls"],
            {"population": {"tolerance": _lognormal(2.0)}, "decay": {"annoyance_half_life": 10.0}},
            {"daily-calls": DAILY_CALLS},
        ),
        (
            "drip-heavy",
            ["drip", "no-follow-up", "persistent-until-no"],
            {
                "population": {"initial_recall": _constant(3.0)},
                "urgency": {"kappa": DRIP_KAPPA, "sigma": math.sqrt(2 * DRIP_KAPPA)},
                "competitors": {"r_competitor": 0.5},
            },
            {"drip": DRIP},
        ),
        (
            "rep-capacity",
            ["numbers-game", "persistent-until-no", "breakup-after-two"],
            {"rep": {"minutes_per_day": 60, "new_per_day": 5, "prospects_per_rep": 250}},
            None,
        ),
    ]
    return {
        name: _build(name, strategies, overrides, custom, horizon_days)
        for name, strategies, overrides, custom in specs
    }


__all__ = ["DAILY_CALLS", "DRIP", "ValidationScenario", "validation_scenarios"]
