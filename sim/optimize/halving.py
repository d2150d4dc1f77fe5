"""Successive halving: the promising trials again, on more prospects, until the pick.

Every trial was evaluated at the cheapest size (``rungs``: the full size divided by ``ETA``
at each step down, never below ``LEAST``). At each larger size, the best ``1 / ETA`` of the
previous size's candidates (at least ``FINALISTS``) are evaluated again on more prospects
(the same first prospects and more: common random numbers). Candidates are ranked first by
whether their constraints are within reach (each constrained metric at most its cap
``PLAUSIBLE`` standard errors below the estimate), then by the goal; a cadence found by two
trials counts once.

**The pick** is the best candidate at the full size whose constraints hold with a margin:
each constrained metric ``MARGIN`` standard errors above its estimate still under its cap
(a one-sided 95% bound), so that the confirmation on fresh prospects does not find it over a
cap; failing that, the best whose estimates are under the caps; failing that, there is none.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sim.optimize.objective import Constraints, Goal, Measured
from sim.optimize.search import TrialRecord
from sim.strategy.cadence import CadenceSpec

ETA = 4
LEAST = 1024
LEVELS = 3
FINALISTS = 4
PLAUSIBLE = 2.0
MARGIN = 1.645

EvaluateAt = Callable[[Sequence[tuple[str, CadenceSpec]], int], list[Measured]]


def rungs(full: int, levels: int = LEVELS, eta: int = ETA, least: int = LEAST) -> tuple[int, ...]:
    """Prospects at each size, cheapest first, ending with ``full``."""
    sizes = [full]
    while len(sizes) < levels and sizes[0] // eta >= least:
        sizes.insert(0, sizes[0] // eta)
    return tuple(sizes)


@dataclass
class Standing:
    """A trial and its measures at each size it reached."""

    record: TrialRecord
    measures: dict[int, Measured] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return max(self.measures)

    @property
    def last(self) -> Measured:
        return self.measures[self.size]


def rank_key(m: Measured, goal: Goal, constraints: Constraints) -> tuple[bool, float]:
    value = m.goal(goal)
    return (not constraints.plausible(m, PLAUSIBLE), -value if math.isfinite(value) else math.inf)


def unique(records: Sequence[TrialRecord]) -> list[TrialRecord]:
    """The first trial of each distinct cadence, in trial order."""
    seen: set[str] = set()
    out = []
    for r in records:
        key = r.spec.model_dump_json(exclude={"description"})
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def successive_halving(
    records: Sequence[TrialRecord],
    goal: Goal,
    constraints: Constraints,
    evaluate_at: EvaluateAt,
    sizes: tuple[int, ...],
) -> list[Standing]:
    """Every trial's standing; the finalists (those evaluated at ``sizes[-1]``) first, best
    first by ``rank_key`` at the full size."""
    standings = {r.number: Standing(r, {sizes[0]: r.cheap}) for r in records}
    alive = [standings[r.number] for r in unique(records)]
    for previous, size in itertools.pairwise(sizes):
        alive.sort(key=lambda s: (rank_key(s.measures[previous], goal, constraints),
                                  s.record.number))  # fmt: skip
        keep = min(len(alive), max(FINALISTS, math.ceil(len(alive) / ETA)))
        alive = alive[:keep]
        found = evaluate_at([(s.record.name, s.record.spec) for s in alive], size)
        for s, m in zip(alive, found, strict=True):
            s.measures[size] = m
    full = sizes[-1]
    finalists = sorted(
        (s for s in standings.values() if full in s.measures),
        key=lambda s: (rank_key(s.measures[full], goal, constraints), s.record.number),
    )
    rest = sorted((s for s in standings.values() if full not in s.measures),
                  key=lambda s: (-s.size, rank_key(s.last, goal, constraints),
                                 s.record.number))  # fmt: skip
    return finalists + rest


def choose(
    standings: Sequence[Standing], goal: Goal, constraints: Constraints, full: int
) -> Standing | None:
    """The pick (see the module's docstring)."""
    finalists = [s for s in standings if full in s.measures]

    def best(z: float) -> Standing | None:
        ok = [s for s in finalists if constraints.met(s.measures[full], z)]
        return min(ok, key=lambda s: (-_finite(s.measures[full].goal(goal)), s.record.number),
                   default=None)  # fmt: skip

    return best(MARGIN) or best(0.0)


def _finite(x: float) -> float:
    return x if math.isfinite(x) else -math.inf


__all__ = ["ETA", "MARGIN", "Standing", "choose", "rungs", "successive_halving"]
