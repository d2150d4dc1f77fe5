"""The size of the vectorized engine's approximations, measured against the DES.

The DES makes some events of one prospect-day depend on each other: calls on one morning face
the same meetings and interruptions, and your items in one triage session the same competing
items. The vectorized engine draws each such event from its law given the previous one of the
day (docs/model.md 10.2, ``sim/vector/sameday.py``), exact for pairs; a third event is
conditioned on the second only. Two strategies push this to the limit on the baseline market:

- ``three-calls-one-morning``: desk calls at 10:00, 10:20 and 10:40, every 5 business days.
  In the DES a prospect in a meeting at 10:00 is likely still in it at 10:20.
- ``two-emails-one-window``: emails at 10:00 and 10:05, every 5 business days, which usually
  land in the same triage session and, in the DES, face the same competing items.

The direct measure is the chance that a touch gets through (the prospect was free for the
call; the message was read) given how the touch before it on the same day fared
(``pair_shares``); the consequences are the per-prospect metrics of
``sim.validation.agreement``. Shares of touches are ratio estimates over prospects, so their
standard errors are clustered by prospect (a prospect's touches are not independent).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.io.loader import scenario_from_dict
from sim.model.scenario import Scenario
from sim.validation.agreement import z_score


def _every_5_days(channel: str, times: list[str], template: str, **options: Any) -> dict[str, Any]:
    steps = [
        {"day": 0, "time": t, "channel": channel, "template": f"{template}-{k}", **options}
        for k, t in enumerate(times, start=1)
    ]
    return {
        "description": f"{len(times)} {channel} touches in one morning, every 5 business days.",
        "source": "approximation check",
        "phases": [{"name": "burst", "steps": steps, "repeat_every": 5}],
    }


STRESS_STRATEGIES: dict[str, dict[str, Any]] = {
    "three-calls-one-morning": _every_5_days("call_desk", ["10:00", "10:20", "10:40"], "call"),
    "two-emails-one-window": _every_5_days("email", ["10:00", "10:05"], "note", value=True),
}
"""The strategies that stress the approximations, by name (cadences, as in a scenario file)."""

STRESS_CHANNELS = {"three-calls-one-morning": "call_desk", "two-emails-one-window": "email"}

GETS_THROUGH = {"call_desk": ("screened", "picked_up"), "email": ("read",)}
"""Results that count as getting through, by channel: the prospect was free to take the call
(whether or not they then picked up), or read the message."""

REACHABLE = {"call_desk": ("busy", "screened", "picked_up"), "email": ("unread", "read")}
"""Results of the touches that took part (a call in working hours, at the office, not away;
a delivered message)."""


def stress_scenario(horizon_days: int | None = None) -> Scenario:
    """The baseline market with the stress strategies."""
    data: dict[str, Any] = Scenario().model_dump(mode="json")
    data["name"] = "approximations"
    data["description"] = "the vector engine's approximations, stressed"
    data["custom_strategies"] = STRESS_STRATEGIES
    data["strategies"] = list(STRESS_STRATEGIES)
    if horizon_days is not None:
        data["calendar"]["horizon_days"] = horizon_days
    return scenario_from_dict(data, "<approximations>")


@dataclass(frozen=True)
class Share:
    """A ratio estimate ``sum(y) / sum(x)`` over prospects, with its clustered standard error
    (delta method: ``se^2 = n / (n - 1) * sum((y_i - r x_i)^2) / sum(x_i)^2``)."""

    value: float
    se: float
    touches: int

    @classmethod
    def of(cls, y: np.ndarray, x: np.ndarray) -> Share:
        total = float(x.sum())
        n = len(x)
        if total == 0 or n < 2:
            return cls(math.nan, math.nan, int(total))
        r = float(y.sum()) / total
        se = math.sqrt(n / (n - 1) * float(np.sum((y - r * x) ** 2))) / total
        return cls(r, se, int(total))


def pair_shares(touches: pd.DataFrame, channel: str) -> dict[str, Share]:
    """How a ``channel`` touch fares given the previous same-day touch on that channel.

    Over consecutive pairs of touches to one prospect on one day, both of which took part
    (``REACHABLE``): the share that got through (``GETS_THROUGH``) after one that did not
    (``through_after_miss``), after one that did (``through_after_through``), after two that
    did not (``through_after_two_misses``), and overall (``through``, over all the touches
    that took part). Independent draws make the conditional shares equal;
    positive correlation makes the first smaller than the second. The vector engine conditions
    on the previous touch only, so the last share measures what that leaves out.
    """
    t = touches[touches["channel"].astype(str) == channel]
    t = t[t["result"].astype(str).isin(REACHABLE[channel])]
    t = t.sort_values(["prospect", "day", "minute"], kind="stable")
    through = t["result"].astype(str).isin(GETS_THROUGH[channel]).to_numpy()
    prospect = t["prospect"].to_numpy()
    day = t["day"].to_numpy()
    follows = np.zeros(len(t), dtype=bool)
    follows[1:] = (prospect[1:] == prospect[:-1]) & (day[1:] == day[:-1])
    before = np.zeros(len(t), dtype=bool)
    before[1:] = through[:-1]
    third = np.zeros(len(t), dtype=bool)  # the third (or later) touch of the day
    third[2:] = follows[2:] & follows[1:-1]
    missed_two = third.copy()
    missed_two[2:] &= ~through[1:-1] & ~through[:-2]
    ids, inverse = np.unique(prospect, return_inverse=True)

    def per_prospect(mask: np.ndarray) -> np.ndarray:
        return np.bincount(inverse, weights=mask.astype(float), minlength=len(ids))

    def share(base: np.ndarray) -> Share:
        return Share.of(per_prospect(base & through), per_prospect(base))

    return {
        "through": share(np.ones(len(t), dtype=bool)),
        "through_after_miss": share(follows & ~before),
        "through_after_through": share(follows & before),
        "through_after_two_misses": share(missed_two),
    }


def compare_pairs(des: pd.DataFrame, vector: pd.DataFrame, channel: str) -> pd.DataFrame:
    """``pair_shares`` of both engines side by side: value, difference, its standard error
    (unpooled: the engines may differ) and ``z``; shares with no touches in a run are left
    out."""
    a, b = pair_shares(des, channel), pair_shares(vector, channel)
    rows = []
    for metric in a:
        if not (a[metric].touches and b[metric].touches):
            continue
        diff = a[metric].value - b[metric].value
        se = math.hypot(a[metric].se, b[metric].se)
        rows.append((metric, a[metric].value, b[metric].value, diff, se, z_score(diff, se),
                     a[metric].touches, b[metric].touches))  # fmt: skip
    return pd.DataFrame(
        rows, columns=["metric", "des", "vector", "diff", "se", "z", "touches_des", "touches_vec"]
    )


__all__ = [
    "STRESS_CHANNELS",
    "STRESS_STRATEGIES",
    "Share",
    "compare_pairs",
    "pair_shares",
    "stress_scenario",
]
