"""Growing a run until its meeting rates are as precise as asked (``RunOptions.precision``)."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from tqdm import tqdm

from sim.results.result import PrecisionStep, RunResult
from sim.results.summary import half_widths, prospects_for_precision, summarize_stats

if TYPE_CHECKING:
    from sim.run.options import RunOptions

PRECISION_MULTIPLE = 4096
"""Grown sizes are multiples of this (the random-number block, ``sim.model.streams``)."""


def grow_to_precision(run_n: Callable[[int], RunResult], opts: RunOptions) -> RunResult:
    """Run with ``opts.prospects`` per strategy, then, while some strategy's meeting-rate CI
    half-width is at or above ``opts.precision``, run again from scratch (same seed, so the
    first prospects are the same ones) with ``n * (half_width / target) ** 2`` prospects
    (``sim.results.summary.prospects_for_precision``), rounded up to a multiple of 4096 and at
    most ``opts.max_prospects``. Stops when every half-width is below the target or the run
    already has ``max_prospects``. Returns the last run, its wall time the sum over all runs
    and ``precision`` set to (target, cap, every step)."""
    target, cap = opts.precision, opts.max_prospects
    assert target is not None
    steps: list[PrecisionStep] = []
    total_time = 0.0
    n = opts.prospects
    while True:
        result = run_n(n)
        total_time += result.wall_time
        step = PrecisionStep(n, half_widths(summarize_stats(result.stats)), result.wall_time)
        steps.append(step)
        if step.widest < target or n >= cap:
            break
        grown = prospects_for_precision(
            n, step.widest, target, multiple=PRECISION_MULTIPLE, cap=cap
        )
        if grown <= n:  # cannot happen while the target is above zero, but never loop
            grown = min(n + PRECISION_MULTIPLE, cap)
        if opts.progress:
            tqdm.write(
                f"meeting-rate CI half-width up to {step.widest:.4f} with {n:,} prospects "
                f"(target {target:g}): running again with {grown:,}",
                file=sys.stderr,
            )
        n = grown
    return dataclasses.replace(result, wall_time=total_time, precision=(target, cap, steps))


def precision_lines(result: RunResult) -> list[str]:
    """What a run grown to a precision achieved, for the terminal (empty for other runs)."""
    if result.precision is None:
        return []
    target, cap, steps = result.precision
    last = steps[-1]
    runs = f"{len(steps)} run{'s' if len(steps) != 1 else ''}"
    if last.widest < target:
        head = (
            f"Precision: every meeting-rate 95% CI half-width is below {target:g} with "
            f"{last.prospects:,} prospects per strategy ({runs})."
        )
    else:
        head = (
            f"Precision NOT reached: the widest meeting-rate 95% CI half-width is "
            f"{last.widest:.4f} (target {target:g}) at the cap of {cap:,} prospects per "
            f"strategy ({runs}); raise --max-prospects."
        )
    widths = ", ".join(f"{name} {w:.4f}" for name, w in last.half_widths.items())
    return [head, f"Half-widths: {widths}."]


def precision_record(result: RunResult) -> dict[str, object]:
    """The precision growth in the manifest: the target, the cap, whether every half-width
    got below it, and the size and widest half-width of each run (empty for other runs)."""
    if result.precision is None:
        return {}
    target, cap, steps = result.precision
    return {
        "target_half_width": target,
        "max_prospects": cap,
        "reached": steps[-1].widest < target,
        "runs": [
            {"prospects": st.prospects, "widest_half_width": round(st.widest, 6)} for st in steps
        ],
        "half_widths": {k: round(v, 6) for k, v in steps[-1].half_widths.items()},
    }


__all__ = ["PRECISION_MULTIPLE", "grow_to_precision", "precision_lines", "precision_record"]
