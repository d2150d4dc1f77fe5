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
- ``leads-intraday``: web leads who inquire within the working day, with a spell at the screen
  after the inquiry (reachable and free), a fading attention to the phone and interest, weekday
  effects on picking up and being at the desk, a sharper hour profile of meetings, and cadences
  that call 5 or 30 minutes after the inquiry or keep the callback the prospect asked for: the
  intraday mechanisms and "not now" matter.
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


def _speed(minutes: int) -> dict[str, Any]:
    """A cell call ``minutes`` after the inquiry, then every 2 business days, voicemails."""
    return {
        "description": f"A cell call {minutes} minutes after the inquiry, then every 2 days.",
        "source": "validation",
        "phases": [
            {
                "name": "first",
                "steps": [
                    {
                        "day": 0,
                        "after": minutes,
                        "channel": "call_cell",
                        "leave_voicemail": True,
                        "template": "hello",
                    }
                ],
                "then": "again",
                "on_positive": "stop",
                "on_no": "stop",
            },
            {
                "name": "again",
                "steps": [
                    {
                        "day": 2,
                        "time": ["11:00", "16:30"],
                        "channel": "call_cell",
                        "leave_voicemail": True,
                        "template": "hello",
                    }
                ],
                "repeat_every": 2,
                "on_positive": "stop",
                "on_no": "stop",
            },
        ],
    }


LEADS: dict[str, Any] = {
    "arrival_hours": {h: 1.0 for h in range(8, 18)},
    "attention_pickup": 3.0,
    "attention_minutes": 10.0,
    "interest_positive": 1.5,
    "interest_hours": 4.0,
    "presence_minutes": 15.0,
}

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
        (
            "leads-intraday",
            ["call-in-5", "call-in-30", "callback-when-asked"],
            {
                "leads": dict(LEADS),
                "population": {
                    "screening.weekday": {
                        "mon": -0.3,
                        "tue": 0.0,
                        "wed": 0.4,
                        "thu": 0.4,
                        "fri": -0.2,
                    },
                    "in_office_weekday": {
                        "mon": 1.0,
                        "tue": 1.0,
                        "wed": 1.0,
                        "thu": 1.0,
                        "fri": 0.6,
                    },
                    "meetings.hour_contrast": 1.5,
                    "initial_recall": _constant(0.75),
                },
            },
            {"call-in-5": _speed(5), "call-in-30": _speed(30)},
        ),
    ]
    return {
        name: _build(name, strategies, overrides, custom, horizon_days)
        for name, strategies, overrides, custom in specs
    }


__all__ = ["DAILY_CALLS", "DRIP", "LEADS", "ValidationScenario", "validation_scenarios"]
