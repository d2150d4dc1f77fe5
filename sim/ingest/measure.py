"""What an export measures: the calibration catalogue's statistics (``sim.calibrate.
statistics``) that its tables support, each computed by the catalogue's own function.

``CANDIDATES`` lists the statistics an import tries, in the order they are written: the
meeting, reach and opt-out rates (any export), and from a touch log the days to a first
response, the connect rate, the voicemail callbacks, the share of inbound meetings and, on
each message channel used, the replies to the first message, the positive replies and the
unsubscribes. A statistic is kept when it rests on at least ``MIN_N`` observations (prospects,
dials, voicemails, meetings: what its ``Estimate.n`` counts) and, for a share, ``MIN_EVENTS``
hits and misses; the others are listed with the reason. The same statistics, computed on the
held-out prospects, are the holdout.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.calibrate.statistics import CATALOGUE, Args, Estimate
from sim.ingest.log import names
from sim.ingest.tables import Tables
from sim.model.channels import MESSAGES

MIN_N = 30
MIN_EVENTS = 5
"""A share is kept when at least this many of its observations are hits and as many misses
(``value * n`` and ``(1 - value) * n``): a share of 1 in 4,000 says little, and its tiny
standard error would make a calibration simulate the maximum of prospects to match it."""
HOLDOUT_COLUMNS = [
    "label", "statistic", "attempt", "channel", "response", "value", "se", "n", "prospects",
    "window_days",
]  # fmt: skip


@dataclass(frozen=True)
class Candidate:
    statistic: str
    args: dict[str, Any]
    touch_level: bool
    """Needs a real touch log (not the ``prospects`` format's)."""

    @property
    def label(self) -> str:
        given = Args(**self.args).given()
        inner = ", ".join(f"{k}={v}" for k, v in given.items())
        return f"{self.statistic}[{inner}]" if inner else self.statistic


@dataclass(frozen=True)
class Measured:
    candidate: Candidate
    estimate: Estimate

    @property
    def label(self) -> str:
        return self.candidate.label


def candidates(tables: Tables) -> list[Candidate]:
    """The statistics an import tries on ``tables`` (see the module's docstring)."""
    out = [
        Candidate("meeting_rate", {}, False),
        Candidate("reach_rate", {}, False),
        Candidate("opt_out_rate", {}, False),
        Candidate("meeting_share_by_attempt", {"attempt": 1}, False),
        Candidate("median_days_to_first_response", {}, True),
        Candidate("connect_rate_per_dial", {}, True),
        Candidate("voicemail_response_rate", {}, True),
        Candidate("inbound_meeting_share", {}, True),
    ]
    used = set(names(tables.touches["channel"]))
    for channel in sorted(c.name for c in MESSAGES if c.name in used):
        out += [
            Candidate("reply_rate", {"channel": channel, "attempt": 1}, True),
            Candidate("reply_rate", {"channel": channel, "response": "positive"}, True),
            Candidate("unsubscribe_rate", {"channel": channel}, True),
        ]
    return out


def compute(tables: Tables, candidate: Candidate) -> Estimate:
    """One statistic on the tables, by the catalogue's function."""
    return CATALOGUE[candidate.statistic](tables.prospects, tables.touches, Args(**candidate.args))


def measure(
    tables: Tables, wanted: list[Candidate] | None = None, min_n: int = MIN_N,
    min_events: int = MIN_EVENTS,
) -> tuple[list[Measured], list[str]]:  # fmt: skip
    """The statistics kept, and a line for each one left out (why)."""
    kept: list[Measured] = []
    left: list[str] = []
    for c in wanted if wanted is not None else candidates(tables):
        if c.touch_level and not tables.touch_level:
            continue
        est = compute(tables, c)
        if not est.defined:
            left.append(f"{c.label}: nothing in the export to compute it from")
        elif est.n < min_n or not math.isfinite(est.se):
            left.append(f"{c.label}: {est.n} observations (fewer than {min_n})")
        elif (
            CATALOGUE[c.statistic].unit == "share"
            and min(est.value, 1 - est.value) * est.n < min_events
        ):
            events = round(min(est.value, 1 - est.value) * est.n)
            left.append(f"{c.label}: {est.value:.2%} of {est.n:,} is {events} events (fewer "
                        f"than {min_events})")  # fmt: skip
        else:
            kept.append(Measured(c, est))
    return kept, left


def holdout_frame(measured: list[Measured], tables: Tables, window: int) -> pd.DataFrame:
    """``holdout.csv``: the statistics of the held-out prospects (``HOLDOUT_COLUMNS``), and the
    business days they were followed (``window``)."""
    rows = []
    for m in measured:
        args = m.candidate.args
        rows.append({
            "label": m.label, "statistic": m.candidate.statistic,
            "attempt": args.get("attempt"), "channel": args.get("channel"),
            "response": args.get("response"), "value": m.estimate.value, "se": m.estimate.se,
            "n": m.estimate.n, "prospects": len(tables.prospects), "window_days": window,
        })  # fmt: skip
    frame = pd.DataFrame(rows, columns=HOLDOUT_COLUMNS)
    frame["attempt"] = frame["attempt"].astype("Int64")
    return frame


def target_entries(measured: list[Measured]) -> list[dict[str, Any]]:
    """The ``targets`` list of ``targets.yaml``: each statistic with its standard error."""
    out = []
    for m in measured:
        entry: dict[str, Any] = {"statistic": m.candidate.statistic, "label": m.label}
        entry.update(m.candidate.args)
        entry["value"] = _round(m.estimate.value)
        entry["se"] = _round(max(m.estimate.se, 1e-6))
        out.append(entry)
    return out


def _round(x: float) -> float:
    return float(f"{x:.6g}")


__all__ = [
    "HOLDOUT_COLUMNS",
    "MIN_N",
    "Candidate",
    "Measured",
    "candidates",
    "compute",
    "holdout_frame",
    "measure",
    "target_entries",
]
