"""The cadence a team actually ran, reconstructed from its touches' steps, channels and
spacing, as a ``custom_strategies`` entry (``sim.strategy.cadence.CadenceSpec``).

One phase, ``sequence``, with a step per sequence step that at least ``MIN_STEP_SHARE`` of the
prospects reached (as many as the most-reached step had):

- ``channel``: the channel used most at that step;
- ``day``: the median, over the prospects who had both, of the business days from their first
  step's touch to this step's (made non-decreasing, as a cadence's days must be);
- ``time``: the median minute of day of the step's touches, to the nearest 5 minutes;
- ``leave_voicemail``: on a call step, when most of the calls not picked up left one;
- ``template``: ``step-N`` (each step its own message, as sequences write them).

What the team did when a prospect answered decides the phase's ``on_positive``, ``on_no`` and
``on_not_now``: ``stop`` when fewer than half of the prospects who gave that answer before the
last step were touched again in the sequence, else ``continue`` (the team went on). A meeting
and an opt-out close the file in the model whatever the cadence says.

Steps are only what the export says they are: a touch outside the steps (a manual call) is in
the statistics but not in the cadence. The spread of each step's spacing (its interquartile
range) is reported beside the cadence, so that a cadence run loosely can be seen to be one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.ingest.log import names
from sim.ingest.tables import Tables
from sim.strategy.cadence import CadenceSpec

MIN_STEP_SHARE = 0.01
EARLIEST, LATEST = 5, 1430
"""The minutes a cadence's step may be timed at (00:05 to 23:50)."""


@dataclass(frozen=True)
class StepSummary:
    step: int
    channel: str
    touches: int
    prospects: int
    day: int
    day_iqr: tuple[float, float]
    time: str
    leave_voicemail: bool
    channel_share: float


@dataclass(frozen=True)
class Reconstructed:
    name: str
    spec: CadenceSpec
    steps: list[StepSummary]
    transitions: dict[str, str]
    """``on_positive``, ``on_no``, ``on_not_now``: what the team did."""

    def entry(self) -> dict[str, Any]:
        """The ``custom_strategies`` entry: ``{name: cadence}``."""
        data = self.spec.model_dump(mode="json", exclude_defaults=True)
        return {self.name: data}

    def lines(self) -> list[str]:
        out = []
        for s in self.steps:
            low, high = s.day_iqr
            spread = f" (days {low:g}-{high:g} for the middle half)" if high > low else ""
            vm = ", voicemail" if s.leave_voicemail else ""
            out.append(f"step {s.step}: day {s.day}{spread} at {s.time}, {s.channel}"
                       f"{vm} ({s.touches:,} touches, {s.channel_share:.0%} on that "
                       "channel)")  # fmt: skip
        told = ", ".join(f"{k} {v}" for k, v in self.transitions.items())
        out.append(f"on a reply: {told}")
        return out


def _hhmm(minute: float) -> str:
    m = int(min(max(5 * round(minute / 5), EARLIEST), LATEST))
    return f"{m // 60:02d}:{m % 60:02d}"


def reconstruct(tables: Tables, name: str, description: str) -> Reconstructed | None:
    """The cadence of ``tables`` (None when no touch has a step)."""
    t = tables.touches
    t = t[t["step"].notna().to_numpy()]
    if not len(t):
        return None
    step = t["step"].to_numpy(dtype=np.int64)
    # spacing from each prospect's touch at the first step (prospects who skipped it: none)
    days = pd.Series(t["day"].to_numpy(dtype=float))
    opening = days[step == step.min()].groupby(t["prospect"].to_numpy()[step == step.min()])
    start = opening.min().reindex(t["prospect"].to_numpy()).to_numpy(dtype=float)
    offset = t["day"].to_numpy(dtype=float) - start
    reach = pd.Series(t["prospect"].to_numpy()).groupby(step).nunique()
    base = int(reach.max())
    channel_of = names(t["channel"])
    picked = names(t["result"]) == "picked_up"
    left = t["voicemail_left"].to_numpy(dtype=bool)
    minute_of = t["minute"].to_numpy(dtype=float)
    summaries: list[StepSummary] = []
    last_day = 0
    for k in sorted(reach.index):
        rows = step == k
        n = int(rows.sum())
        if reach[k] < max(MIN_STEP_SHARE * base, 1):
            continue
        used, counts = np.unique(channel_of[rows], return_counts=True)
        channel = str(used[np.argmax(counts)])
        days = offset[rows]
        days = days[np.isfinite(days)]
        if summaries and len(days):
            day = max(int(np.round(np.median(days))), last_day)
            low, high = np.percentile(days, [25, 75])
        else:
            day, low, high = last_day, 0.0, 0.0
        last_day = day
        on_channel = rows & (channel_of == channel)
        minute = float(np.median(minute_of[on_channel]))
        not_picked = on_channel & ~picked
        vm = bool(not_picked.any() and left[not_picked].mean() > 0.5)
        summaries.append(StepSummary(
            int(k), channel, n, int(reach[k]), day, (float(low), float(high)), _hhmm(minute),
            vm and channel in ("call_desk", "call_cell"), float(counts.max() / n),
        ))  # fmt: skip
    if not summaries:
        return None
    transitions = _transitions(t, step)
    steps = [
        {"day": s.day, "time": s.time, "channel": s.channel, "template": f"step-{s.step}",
         **({"leave_voicemail": True} if s.leave_voicemail else {})}
        for s in summaries
    ]  # fmt: skip
    spec = CadenceSpec.model_validate({
        "description": description,
        "source": "followup import",
        "phases": [{"name": "sequence", "steps": steps, **transitions}],
    })  # fmt: skip
    return Reconstructed(name, spec, summaries, transitions)


def _transitions(t: pd.DataFrame, step: np.ndarray) -> dict[str, str]:
    """What the team did after each kind of answer (see the module's docstring)."""
    response = names(t["response"])
    prospect = t["prospect"].to_numpy()
    last_step = pd.Series(step).groupby(prospect).max()
    top = int(step.max())
    out = {}
    for key, codes in (("on_positive", ("positive",)), ("on_no", ("no", "lost")),
                       ("on_not_now", ("not_now",))):  # fmt: skip
        said = np.isin(response, codes) & (step < top)
        if not said.any():
            out[key] = "stop" if key != "on_not_now" else "continue"
            continue
        answered = pd.Series(step[said]).groupby(prospect[said]).min()
        went_on = (last_step.reindex(answered.index) > answered).to_numpy()
        out[key] = "continue" if went_on.mean() >= 0.5 else "stop"
    return out


def cadence_yaml(rec: Reconstructed, header: str) -> str:
    body = yaml.safe_dump({"custom_strategies": rec.entry()}, sort_keys=False, width=100)
    return header + body


__all__ = ["Reconstructed", "StepSummary", "cadence_yaml", "reconstruct"]
