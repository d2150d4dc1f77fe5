"""A researcher's own strategy in Python: one method, ``decide``, vectorized over prospects.

"Call until they pick up, then a weekly value email": each business day the strategy looks
at what the rep has observed (``obs``: arrays over all prospects) and returns the day's
touches (``TouchPlan``: arrays of shape (slots, prospects)). Both engines run it unchanged.

Run it:  python examples/custom_strategy.py
"""

from __future__ import annotations

import numpy as np

from sim import Scenario, simulate, summarize
from sim.model.channels import Channel
from sim.model.clock import parse_time
from sim.results.summary import format_table
from sim.strategy.base import Observations, Opt, Strategy, TouchPlan


class CallUntilPickupThenWeeklyEmail(Strategy):
    """Cell calls every other business day (with a voicemail) until the first live
    conversation; from then on a value email every 5 business days."""

    name = "call-until-pickup"
    description = "Call every other day until a pick-up, then a weekly value email."
    source = "example"
    templates = ("call", "weekly-update")
    max_per_day = 1

    def decide(self, day: int, obs: Observations) -> TouchPlan:
        plan = TouchPlan.empty(self.max_per_day, obs.n)
        open_files = ~obs.closed & (obs.last_no_day < 0)
        talked = obs.last_pickup_day >= 0
        call = open_files & ~talked & (day % 2 == 0)
        since = day - obs.last_pickup_day
        email = open_files & talked & (since > 0) & (since % 5 == 0)
        plan.channel[0, call] = Channel.call_cell
        plan.minute[0, call] = parse_time("16:30")
        plan.template[0, call] = 0
        plan.flags[0, call] = Opt.leave_voicemail
        plan.channel[0, email] = Channel.email
        plan.minute[0, email] = parse_time("10:00")
        plan.template[0, email] = 1
        plan.flags[0, email] = Opt.value | Opt.vary_template
        return plan


def main() -> None:
    scenario = Scenario()
    mine = CallUntilPickupThenWeeklyEmail()
    result = simulate(scenario, [mine, "persistent-until-no"], prospects=20_000, engine="vector")
    print(format_table(summarize(result.prospects, result.touches)))
    calls = result.touches[result.touches.strategy == mine.name]
    print("touches by channel:", calls["channel"].value_counts()[lambda c: c > 0].to_dict())
    assert np.isfinite(result.wall_time)


if __name__ == "__main__":
    main()
