"""A market where the best cadence follows in closed form, and the optimiser finds it.

Every prospect is a buyer in market for the whole horizon; every email is read (no inbox
load) and answered positively with chance ``p`` (a meeting), and never with a no or a "not
now" (``quiet_patch``). An email costs 4 rep minutes. Each email read adds 1 to the prospect's
annoyance (its decay over the horizon is below 7%), and the tolerance is 5.3, so the sixth
email read makes the prospect opt out, before any reply to it. With ``N`` emails:

- meetings: ``1 - (1 - p)^min(N, 5)`` (the sixth and later book nothing);
- rep minutes per prospect: ``4 (1 - (1 - p)^N) / p`` for ``N <= 5`` (the rep stops at a
  meeting);
- opt-outs: 0 for ``N <= 5``, ``(1 - p)^5`` (0.44 at ``p = 0.15``) from the sixth.

With a cap of 13.8 rep minutes (4 emails cost 12.75, 5 cost 14.84) the best is ``N* = 4``;
with no cap on minutes and at most 1% opt-outs it is ``N* = 5``. The search is not given
the library's shapes to start from (``warm=False``), so it finds them on its own; the pick's
number of touches is counted by the cadence's own ``decide`` for a prospect who never
answers, whatever pattern, repeats, break-up or nurture phase make them up.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.io.loader import deep_update
from sim.optimize.api import optimize
from sim.optimize.objective import Constraints, Goal
from sim.optimize.problem import PICK, OptimizeProblem
from sim.optimize.space import SearchSpace, silent_schedule
from tests.conftest import make_scenario, quiet_patch

pytestmark = pytest.mark.slow

P = 0.15
HORIZON = 100


def market() -> dict[str, object]:
    return deep_update(quiet_patch(P), {
        "calendar": {"horizon_days": HORIZON},
        "population": {"segments": {"buyer": 1.0, "info_seeker": 0.0, "non_fit": 0.0},
                       "tolerance": {"kind": "constant", "value": 5.3}},
        "urgency": {"mu": 5.0, "theta": 0.0, "initial": {"kind": "constant", "value": 5.0}},
        "decay": {"annoyance_half_life": 1000.0},
        "channels": {"email": {"annoyance": 1.0, "rep_minutes": 4.0}},
        "competitors": {"h_competitor": 0.0},
    })  # fmt: skip


def meetings(n: int) -> float:
    return 1 - (1 - P) ** min(n, 5)


def minutes(n: int) -> float:
    return 4 * (1 - (1 - P) ** n) / P


def best_touches(cap_minutes: float | None, cap_opt_out: float) -> int:
    """The closed-form optimum: the most meetings within the caps (fewest touches on ties)."""
    feasible = [
        n for n in range(1, 30)
        if (cap_minutes is None or minutes(min(n, 6)) <= cap_minutes)
        and (0.0 if n <= 5 else (1 - P) ** 5) <= cap_opt_out
    ]  # fmt: skip
    return max(feasible, key=lambda n: (meetings(n), -n))


@pytest.mark.parametrize(("cap_minutes", "expected"), [(13.8, 4), (None, 5)])
def test_the_optimiser_finds_the_closed_form_optimum(
    tmp_path: Path, cap_minutes: float | None, expected: int
) -> None:
    assert best_touches(cap_minutes, 0.01) == expected  # the derivation above
    problem = OptimizeProblem(
        make_scenario(market()), Goal.meetings,
        Constraints(max_opt_out=0.01, max_rep_minutes=cap_minutes),
        SearchSpace(channels=("email",)),
    )  # fmt: skip
    result = optimize(problem, tmp_path, trials=64, prospects=4096, confirm_prospects=20_000,
                      workers=2, seed=1, warm=False)  # fmt: skip
    assert result.pick is not None
    touches = silent_schedule(result.pick.record.spec, HORIZON)
    assert len(touches) == expected, result.pick.record.text
    c = result.confirmation
    assert c is not None
    rows = c.summary[c.summary["strategy"] == PICK].set_index("metric")
    n = c.prospects
    expected_rate = meetings(expected)
    se = (expected_rate * (1 - expected_rate) / n) ** 0.5
    assert abs(rows.loc["meeting_rate", "mean"] - expected_rate) < 4 * se
    assert rows.loc["opt_out_rate", "mean"] == 0.0
    # the pick never breaks a constraint in its confirmation run
    assert "violated" not in set(c.constraints["status"])
    if cap_minutes is not None:
        assert rows.loc["rep_minutes_per_prospect", "mean"] < cap_minutes
