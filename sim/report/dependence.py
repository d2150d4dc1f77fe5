"""Does the ranking depend on an assumption? The leading strategies at each end of its range.

``followup run`` re-runs its leading strategies with each assumption of
``sim.report.assumptions`` at the low and at the high end of its documented range, the others
as in the run (``sim.report.dependence_sweep``: a sweep into ``<out>/assumptions/``). The
re-runs share their prospects, so the two ends differ by the assumption alone. At each end,
the leader is compared with the run's: when it changes, the sentence names the new leader,
where the run's leader falls and whether the new one books significantly more (the paired
difference between the two on the same prospects, ``p < ALPHA``); when it does not, it gives
the leader's margin over the runner-up there. Everything here is read from ``check.json``
and the sweep's tables, so the report of a saved run (``followup charts --report``) says what
the run said.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.report.assumptions import Assumption
from sim.report.findings import VersusBest, interval_of

FOLDER = "assumptions"
"""The check's folder inside the run's output folder."""
CHECK_FILE = "check.json"
"""The check's own record: strategies, assumptions, the run's numbers, what each cell is."""
ALPHA = 0.05
"""A difference in meetings between two strategies is significant when its paired p-value is
below this."""
AS_RUN = "as run"

Rate = tuple[float, float, float]
"""Meetings per prospect: mean, 95% CI low and high."""
Pairs = dict[tuple[str, str], tuple[float, float]]
"""``(a, b) -> (diff, p)``: the paired difference ``a - b`` in meetings per prospect, its
p-value."""


@dataclass(frozen=True)
class Setting:
    """The leading strategies' meetings in one setting: the run itself (``assumption`` None),
    or the re-run with ``assumption`` at the ``end`` (``low`` or ``high``) of its range,
    ``value``. ``rates``: each strategy's meetings per prospect; ``pairs``: paired differences
    (in the run: each strategy against the best only)."""

    assumption: str | None
    end: str
    value: float | None
    rates: dict[str, Rate]
    pairs: Pairs

    def __post_init__(self) -> None:
        if (self.assumption is None) != (self.value is None):
            raise ValueError("a setting moves one assumption to a value, or none")

    def ranking(self, order: Sequence[str]) -> list[str]:
        """Strategies by meetings, best first (ties keep ``order``)."""
        index = {s: i for i, s in enumerate(order)}
        names = [s for s in order if s in self.rates]
        return sorted(names, key=lambda s: (-_or_low(self.rates[s][0]), index[s]))

    def difference(self, a: str, b: str) -> tuple[float, float]:
        """``(a - b, p)`` in meetings per prospect; NaN when the pair is missing."""
        if (a, b) in self.pairs:
            return self.pairs[(a, b)]
        if (b, a) in self.pairs:
            diff, p = self.pairs[(b, a)]
            return -diff, p
        return math.nan, math.nan


def _or_low(x: float) -> float:
    return -math.inf if math.isnan(x) else x


@dataclass(frozen=True)
class RankingCheck:
    """The run's leading ``strategies`` (its order: ``strategies[0]`` led) re-run on
    ``prospects`` new prospects each (sweep ``seed``: the same prospects in every re-run)
    with each of ``assumptions`` at the ends of its range; ``values``: each one's value in
    the run, by name; ``settings``: the run first, then the re-runs; ``folder``: the sweep's."""

    strategies: tuple[str, ...]
    prospects: int
    seed: int
    assumptions: tuple[Assumption, ...]
    values: dict[str, float]
    settings: tuple[Setting, ...]
    folder: Path | None = None

    def __post_init__(self) -> None:
        if len(self.strategies) < 2:
            raise ValueError("a ranking check needs at least two strategies")
        if not self.settings or self.settings[0].assumption is not None:
            raise ValueError("a ranking check's first setting is the run")
        names = {a.name for a in self.assumptions}
        if names != set(self.values) or any(s.assumption not in names for s in self.settings[1:]):
            raise ValueError("every setting moves an assumption of the check, which has a value")

    @property
    def run(self) -> Setting:
        return self.settings[0]

    @property
    def leader(self) -> str:
        """The run's leader."""
        return self.strategies[0]

    def ends(self, a: Assumption) -> list[tuple[float, Setting]]:
        """``a``'s low and high end, each with its re-run."""
        out = []
        for end, value in (("low", a.low), ("high", a.high)):
            found = [s for s in self.settings if s.assumption == a.name and s.end == end]
            if not found:
                raise ValueError(f"the check has no re-run at the {end} end of {a.name}")
            out.append((value, found[0]))
        return out

    def sentences(self) -> list[str]:
        """One sentence per assumption: does the leader change across its range?"""
        return [self.verdict(a) for a in self.assumptions]

    def verdict(self, a: Assumption) -> str:
        """Whether the leader changes at either end of ``a``'s range, in one sentence."""
        leader = self.leader
        ends = self.ends(a)
        if all(s.ranking(self.strategies)[0] == leader for _, s in ends):
            margins = "; ".join(f"at {v:g}: {self._margin(s)}" for v, s in ends)
            return (
                f"The leader is the same across {a.name} {a.low:g} to {a.high:g}: {leader} "
                f"books the most meetings at both ends ({margins})."
            )
        parts = []
        for i, (value, s) in enumerate(ends):
            meaning = a.meaning(value)
            at = (f"with {a.name} at " if i == 0 else "at ") + f"{value:g}"
            at += f" ({meaning})" if meaning else ""
            order = s.ranking(self.strategies)
            if order[0] == leader:
                parts.append(f"{at} the leader is unchanged ({self._margin(s)})")
            else:
                new = order[0]
                _, p = s.difference(new, leader)
                parts.append(
                    f"{at} {new} books the most meetings and {leader} falls to "
                    f"{_ordinal(order.index(leader) + 1)} ({_per100(s.rates[new])} against "
                    f"{_per100(s.rates[leader])} per 100, {_significance(p)})"
                )
        text = "; ".join(parts)
        return text[0].upper() + text[1:] + "."

    def _margin(self, s: Setting) -> str:
        """The leader's meetings in ``s`` and its lead over the runner-up, with the paired
        p-value."""
        first, second = s.ranking(self.strategies)[:2]
        lead, p = s.difference(first, second)
        if lead == 0:
            return f"{_per100(s.rates[first])} per 100, tied with {second}"
        return (
            f"{_per100(s.rates[first])} per 100, {100 * lead:.1f} more than {second}, "
            f"{_significance(p)}"
        )

    def method(self) -> str:
        """How the check was made, in one sentence."""
        ranges = "; ".join(
            f"{a.name} {a.low:g} to {a.high:g}, {self.values[a.name]:g} in this run"
            for a in self.assumptions
        )
        return (
            f"The leading strategies ({', '.join(self.strategies)}) re-run on "
            f"{self.prospects:,} new prospects each (the same prospects at every end; "
            f"vectorized engine) with each assumption at the low and at the high end of its "
            f"documented range ({ranges}; docs/model.md 4.1), everything else as in this run."
        )

    def table(self) -> pd.DataFrame:
        """Meetings per prospect (``mean, ci_low, ci_high``) of each strategy in each setting,
        with the setting's ``assumption`` (empty for the run), ``end`` and ``value``."""
        rows = [
            {"assumption": s.assumption or "", "end": s.end, "value": s.value,
             "strategy": name, "mean": m, "ci_low": lo, "ci_high": hi}
            for s in self.settings
            for name in self.strategies
            for m, lo, hi in [s.rates[name]]
        ]  # fmt: skip
        return pd.DataFrame(rows)


def _per100(rate: Rate) -> str:
    return f"{100 * rate[0]:.1f}"


def _significance(p: float) -> str:
    """A paired p-value in words: ``p = 0.02``, ``p < 0.001``, or not significant."""
    if math.isnan(p):
        return "no p-value"
    text = "p < 0.001" if p < 0.001 else f"p = {p:.2g}"
    return text if p < ALPHA else f"not significant: {text}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# -- check.json and the sweep's tables ---------------------------------------------------------


def run_setting(
    strategies: Sequence[str], rates: pd.DataFrame, versus: list[VersusBest] | None
) -> Setting:
    """The run as a setting: ``rates`` is its ``metric_table`` of meeting rates (indexed by
    strategy); ``versus`` its comparisons with the best (None: a streamed run has none)."""
    return Setting(
        assumption=None,
        end=AS_RUN,
        value=None,
        rates={s: interval_of(rates, s) for s in strategies},
        pairs={(v.strategy, strategies[0]): (v.diff, v.p_value) for v in versus or []},
    )


def check_meta(
    strategies: Sequence[str],
    prospects: int,
    seed: int,
    assumptions: Sequence[Assumption],
    values: dict[str, float],
    run: Setting,
    cells: Sequence[tuple[str, str, float]],
) -> dict[str, Any]:
    """``check.json``: the strategies, sizes, assumptions and their values as run, the run's
    numbers, and each sweep cell's ``(assumption, end, value)`` in design order (NaN as
    null)."""
    return {
        "strategies": list(strategies),
        "prospects": int(prospects),
        "seed": int(seed),
        "assumptions": [dataclasses.asdict(a) for a in assumptions],
        "values": {k: float(v) for k, v in values.items()},
        "run": {
            "rates": {s: [_null(x) for x in r] for s, r in run.rates.items()},
            "pairs": [[a, b, _null(d), _null(p)] for (a, b), (d, p) in run.pairs.items()],
        },
        "cells": [{"assumption": a, "end": e, "value": float(v)} for a, e, v in cells],
    }


def _null(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _num(x: float | None) -> float:
    return math.nan if x is None else float(x)


def from_tables(
    meta: dict[str, Any],
    results: pd.DataFrame,
    differences: pd.DataFrame,
    folder: Path | None = None,
) -> RankingCheck:
    """The check from ``check.json``'s ``meta`` and the sweep's ``results`` and
    ``differences`` tables (``sim.sweep.store``; cells in ``meta["cells"]``'s order)."""
    rates = results[results["metric"].astype(str) == "meeting_rate"]
    diffs = differences[differences["metric"].astype(str) == "meeting_rate"]
    run = meta["run"]
    settings = [
        Setting(
            assumption=None,
            end=AS_RUN,
            value=None,
            rates={
                str(s): (_num(m), _num(lo), _num(hi)) for s, (m, lo, hi) in run["rates"].items()
            },
            pairs={(str(a), str(b)): (_num(d), _num(p)) for a, b, d, p in run["pairs"]},
        )
    ]
    for cell, info in enumerate(meta["cells"]):
        r = rates[rates["cell"].to_numpy() == cell]
        d = diffs[diffs["cell"].to_numpy() == cell]
        settings.append(
            Setting(
                assumption=str(info["assumption"]),
                end=str(info["end"]),
                value=float(info["value"]),
                rates={
                    str(s): (float(m), float(lo), float(hi))
                    for s, m, lo, hi in zip(
                        r["strategy"], r["mean"], r["ci_low"], r["ci_high"], strict=True
                    )
                },
                pairs={
                    (str(a), str(b)): (float(x), float(p))
                    for a, b, x, p in zip(
                        d["strategy_a"], d["strategy_b"], d["diff"], d["p_value"], strict=True
                    )
                },
            )
        )
    return RankingCheck(
        strategies=tuple(meta["strategies"]),
        prospects=int(meta["prospects"]),
        seed=int(meta["seed"]),
        assumptions=tuple(Assumption(**a) for a in meta["assumptions"]),
        values={str(k): float(v) for k, v in meta["values"].items()},
        settings=tuple(settings),
        folder=folder,
    )


def load_check(folder: Path | str) -> RankingCheck | None:
    """The check saved in ``folder`` (a run's ``assumptions/``), or None when there is none
    or it cannot be read (an interrupted check: the report then goes without it)."""
    folder = Path(folder)
    try:
        meta = json.loads((folder / CHECK_FILE).read_text(encoding="utf-8"))
        results = pd.read_parquet(folder / "results.parquet", engine="pyarrow")
        differences = pd.read_parquet(folder / "differences.parquet", engine="pyarrow")
        return from_tables(meta, results, differences, folder)
    except (OSError, ValueError, KeyError, TypeError):
        return None


__all__ = [
    "ALPHA",
    "AS_RUN",
    "CHECK_FILE",
    "FOLDER",
    "RankingCheck",
    "Setting",
    "check_meta",
    "from_tables",
    "load_check",
    "run_setting",
]
