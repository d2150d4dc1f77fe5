"""The search: Optuna proposes cadences, each is evaluated cheaply (few prospects).

Trials are asked for in batches of a fixed size (``BATCH``, whatever the number of workers),
evaluated together on common random numbers and told back in the order they were asked; the
next batch is asked for while the last one runs (Optuna's constant liar counts the running
trials), and told only after it. The order of asks and tells is fixed, so the search is a
function of the seed alone: the same trials on 1 worker or 20, and again on ``--resume``
(where the store answers the trials already run). The constraints reach the
sampler as each constrained metric minus its cap (feasible when <= 0): through
``Trial.set_constraint`` (Optuna 5), or ``constraints_func`` where that is missing.

- One goal (the default): TPE (multivariate, grouped by the conditional parameters, so that a
  voicemail is learnt among calls only), maximising the goal.
- ``pareto``: NSGA-II on three objectives, the goal (maximised), the rep's minutes per
  prospect and the opt-out rate (minimised): the front of meetings against effort and
  opt-outs.

The first trials are a few of the library's shapes (an email sequence, a knowledge broker's
email-and-call, a cold-call block), where the channels allow them, so that the search starts
from cadences known to work rather than from noise.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sim.optimize.objective import Constraints, Goal, Measured
from sim.optimize.space import SearchSpace, build, describe_params, suggest
from sim.strategy.cadence import CadenceSpec

BATCH = 8
"""Trials asked for at once (the same for any number of workers, so that results do not
depend on it)."""
POPULATION = 24
"""NSGA-II's population (``pareto``)."""

Pending = Callable[[], list[Measured]]
"""Waits for the measures of a batch of cadences."""
Submit = Callable[[Sequence[tuple[str, CadenceSpec]]], Pending]
"""Starts the evaluation of cadences (by name) and returns what waits for their measures."""


@dataclass(frozen=True)
class TrialRecord:
    """One trial: its parameters, its cadence and the cheap evaluation."""

    number: int
    params: dict[str, Any]
    spec: CadenceSpec
    cheap: Measured

    @property
    def name(self) -> str:
        return f"trial-{self.number}"

    @property
    def text(self) -> str:
        return self.spec.description


STARTS: tuple[dict[str, Any], ...] = (
    {"touches": 4, "steps": 4, "s0_channel": "email", "s0_time": "10:00", "s0_value": True,
     "s1_gap": 3, "s1_channel": "email", "s1_time": "10:00", "s1_value": False,
     "s2_gap": 3, "s2_channel": "email", "s2_time": "10:00", "s2_value": False,
     "s3_gap": 3, "s3_channel": "email", "s3_time": "10:00", "s3_value": False,
     "vary": True, "breakup": "none", "then": "stop", "on_no": "stop",
     "on_not_now": "continue"},
    {"touches": 30, "steps": 2, "s0_channel": "email", "s0_time": "10:00", "s0_value": True,
     "s1_gap": 0, "s1_channel": "call_desk", "s1_time": "16:30", "s1_value": True,
     "s1_voicemail": True, "cycle_gap": 4, "vary": True, "caller_id": "shown",
     "breakup": "none", "then": "stop", "on_no": "stop", "on_not_now": "continue"},
    {"touches": 8, "steps": 2, "s0_channel": "call_cell", "s0_time": "11:30", "s0_value": False,
     "s0_voicemail": True, "s1_gap": 2, "s1_channel": "call_cell", "s1_time": "16:30",
     "s1_value": False, "s1_voicemail": False, "cycle_gap": 2, "vary": True,
     "caller_id": "shown", "breakup": "none", "then": "stop", "on_no": "stop",
     "on_not_now": "callback", "callback_channel": "call_cell"},
)  # fmt: skip
"""The library's shapes the search starts from (kept when the channels allow them)."""


def starts(space: SearchSpace) -> list[dict[str, Any]]:
    out = []
    for start in STARTS:
        steps = int(start["steps"])
        channels = [start[f"s{i}_channel"] for i in range(steps)]
        if (steps <= space.max_steps and start["touches"] <= space.most_touches
                and all(c in space.channels for c in channels)):  # fmt: skip
            out.append(dict(start))
    return out


def _sampler(
    pareto: bool, constraints: Constraints, seed: int, trials: int
) -> Any:  # an optuna sampler (optuna is imported only when a search runs)
    import optuna

    def constraints_func(trial: optuna.trial.FrozenTrial) -> Sequence[float]:
        return list(trial.user_attrs["constraints"])

    func = constraints_func if constraints.limits and not new_constraints() else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        if pareto:
            return optuna.samplers.NSGAIISampler(
                population_size=min(POPULATION, max(BATCH, trials // 4)), seed=seed % 2**32,
                constraints_func=func,
            )  # fmt: skip
        return optuna.samplers.TPESampler(
            seed=seed % 2**32, multivariate=True, group=True, constant_liar=True,
            n_startup_trials=min(20, max(BATCH, trials // 5)), constraints_func=func,
        )  # fmt: skip


def new_constraints() -> bool:
    """Whether Optuna takes constraints through ``Trial.set_constraint`` (Optuna 5)."""
    import optuna

    return hasattr(optuna.trial.Trial, "set_constraint")


def _constrain(trial: Any, constraints: Constraints, m: Measured) -> None:
    excess = [x if math.isfinite(x) else 0.0 for x in constraints.excess(m)]
    if new_constraints():
        for key, x in zip(constraints.limits, excess, strict=True):
            trial.set_constraint(key, x)
    else:
        trial.set_user_attr("constraints", excess)


def objectives(m: Measured, goal: Goal, pareto: bool) -> list[float]:
    """What the sampler is told: the goal (NaN counted as 0), and with ``pareto`` the rep's
    minutes and the opt-out rate."""
    value = m.goal(goal)
    value = value if math.isfinite(value) else 0.0
    if not pareto:
        return [value]
    return [value, m.values["rep_minutes_per_prospect"], m.values["opt_out_rate"]]


def _tell(
    study: Any,
    pending: tuple[list[Any], list[dict[str, Any]], list[CadenceSpec], Pending],
    goal: Goal,
    constraints: Constraints,
    pareto: bool,
) -> list[TrialRecord]:
    batch, params, specs, handle = pending
    out = []
    for trial, p, spec, m in zip(batch, params, specs, handle(), strict=True):
        _constrain(trial, constraints, m)
        study.tell(trial, objectives(m, goal, pareto))
        out.append(TrialRecord(trial.number, p, spec, m))
    return out


def run_search(
    space: SearchSpace,
    goal: Goal,
    constraints: Constraints,
    submit: Submit,
    trials: int,
    seed: int,
    pareto: bool = False,
    warm: bool = True,
) -> list[TrialRecord]:
    """``trials`` trials, each evaluated through ``submit`` (cheaply), in the order asked; with
    ``warm``, the first ones are the library's shapes (``STARTS``)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    directions: list[Literal["minimize", "maximize"]] = (
        ["maximize", "minimize", "minimize"] if pareto else ["maximize"]
    )
    study = optuna.create_study(
        directions=directions, sampler=_sampler(pareto, constraints, seed, trials)
    )
    for start in starts(space)[:trials] if warm else []:
        study.enqueue_trial(start, skip_if_exists=True)
    done: list[TrialRecord] = []
    pending: tuple[list[Any], list[dict[str, Any]], list[CadenceSpec], Pending] | None = None
    asked = 0
    while asked < trials:
        # the next batch is asked for while the last one is evaluated (the sampler counts the
        # running trials as it does with any worker count: constant liar)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            warnings.simplefilter("ignore", UserWarning)
            batch = [study.ask() for _ in range(min(BATCH, trials - asked))]
            params = [suggest(t, space) for t in batch]
        asked += len(batch)
        specs = [build(p, space, describe_params(p, space)) for p in params]
        names = [f"trial-{t.number}" for t in batch]
        handle = submit(list(zip(names, specs, strict=True)))
        if pending is not None:
            done += _tell(study, pending, goal, constraints, pareto)
        pending = (batch, params, specs, handle)
    if pending is not None:
        done += _tell(study, pending, goal, constraints, pareto)
    return done


__all__ = ["BATCH", "STARTS", "TrialRecord", "objectives", "run_search", "starts"]
