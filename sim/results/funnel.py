"""The funnel of a cadence: per strategy, touch (attempt) and channel, what the touches did
and what the N-th touch added.

Built from the mergeable statistics (``StrategyStats.touch_counts``, ``touch_meetings``,
``touch_minutes``, ``inbound_meetings``), so a streamed run has it too. One row per strategy,
attempt and channel with a touch sent, one row per strategy and attempt over all channels
(``channel == "all"``: the marginal value of the N-th touch), and one row per strategy and
number of touches made before a prospect called in and booked (``channel == "inbound"``:
those meetings were booked by no touch, so they are shown apart).

Counts: ``sent``, ``reached`` (a call picked up, a message read or a voicemail heard),
``positive``, ``negative``, ``not_now`` (the prospect's reply to that touch: yes, an explicit
no, or "not now, call me later"),
``meetings`` (booked by that touch: the prospect's ``meeting_attempt``), ``opted_out`` (the
touch made the prospect opt out) and ``rep_minutes``. Rates per touch sent, each with its
95% Wilson interval: ``reach_rate``, ``positive_rate``, ``negative_rate``, ``not_now_rate``,
``meeting_rate``, ``opt_out_rate``. The marginal value, per 100 of the strategy's prospects:
``meetings_per_100`` (with its Wilson interval) and ``rep_minutes_per_prospect``; and
``rep_minutes_per_meeting``, the touch's rep minutes over the meetings it booked.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from sim.results.aggregate import CHANNEL_NAMES, TOUCH_COUNTS, StrategyStats

COUNTS = ("sent", "reached", "positive", "negative", "not_now", "meetings", "opted_out")
RATES = {
    "reach_rate": "reached",
    "positive_rate": "positive",
    "negative_rate": "negative",
    "not_now_rate": "not_now",
    "meeting_rate": "meetings",
    "opt_out_rate": "opted_out",
}
"""Rates per touch sent, by the count in their numerator."""
FUNNEL_COLUMNS = [
    "strategy",
    "attempt",
    "channel",
    "prospects",
    *COUNTS,
    "rep_minutes",
    *(f"{rate}{end}" for rate in RATES for end in ("", "_low", "_high")),
    "meetings_per_100",
    "meetings_per_100_low",
    "meetings_per_100_high",
    "rep_minutes_per_prospect",
    "rep_minutes_per_meeting",
]
ALL, INBOUND = "all", "inbound"


def wilson(k: ArrayLike, n: ArrayLike, level: float = 0.95) -> tuple[NDArray[np.float64], ...]:
    """Shares ``k / n`` with their Wilson score intervals, element-wise: the interval of
    ``scipy.stats.binomtest(k, n).proportion_ci(method="wilson")``, vectorized (that call
    takes a millisecond per row). NaN where ``n == 0``."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    z = float(stats.norm.ppf((1 + level) / 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (k + z * z / 2) / (n + z * z)
        half = z * np.sqrt(n * p * (1 - p) + z * z / 4) / (n + z * z)
        low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    bad = n <= 0
    return tuple(np.where(bad, np.nan, v) for v in (p, low, high))


def _rows(name: str, st: StrategyStats) -> pd.DataFrame:
    counts = st.touch_counts
    if not len(counts):
        return pd.DataFrame()
    attempts, channels = counts.shape[:2]
    meetings = np.zeros((attempts, channels), np.int64)
    minutes = np.zeros((attempts, channels))
    meetings[: len(st.touch_meetings)] = st.touch_meetings[:attempts]
    minutes[: len(st.touch_minutes)] = st.touch_minutes[:attempts]
    col = {c: i for i, c in enumerate(TOUCH_COUNTS)}
    cube = {
        "sent": counts[..., col["sent"]],
        "reached": counts[..., col["reached"]],
        "positive": counts[..., col["positive"]],
        "negative": counts[..., col["no"]],
        "not_now": counts[..., col["not_now"]],
        "meetings": meetings,
        "opted_out": counts[..., col["opted_out"]],
        "rep_minutes": minutes,
    }
    attempt, channel = np.nonzero(cube["sent"])
    by_channel = pd.DataFrame({k: v[attempt, channel] for k, v in cube.items()})
    by_channel.insert(0, "channel", np.asarray(CHANNEL_NAMES, dtype=object)[channel])
    by_channel.insert(0, "attempt", attempt.astype(np.int64))
    sent_any = np.flatnonzero(cube["sent"].sum(axis=1))
    total = pd.DataFrame({k: v.sum(axis=1)[sent_any] for k, v in cube.items()})
    total.insert(0, "channel", ALL)
    total.insert(0, "attempt", sent_any.astype(np.int64))
    inbound = np.flatnonzero(st.inbound_meetings)
    called = pd.DataFrame({k: np.zeros(len(inbound), np.int64) for k in cube})
    called["meetings"] = st.inbound_meetings[inbound]
    called["rep_minutes"] = 0.0
    called.insert(0, "channel", INBOUND)
    called.insert(0, "attempt", inbound.astype(np.int64))
    parts = [f for f in (by_channel, total, called) if len(f)]
    frame = pd.concat(parts, ignore_index=True)
    frame.insert(0, "strategy", name)
    frame.insert(3, "prospects", st.n)
    return frame


def funnel(by_strategy: Mapping[str, StrategyStats], level: float = 0.95) -> pd.DataFrame:
    """``funnel.csv`` (``FUNNEL_COLUMNS``): see the module's docstring. Rows by strategy (in
    the order given), attempt, then the channels in model order, ``all`` and ``inbound``.
    Strategies whose statistics hold no touch log have no rows but their inbound ones."""
    frames = [f for name, st in by_strategy.items() if len(f := _rows(name, st))]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in FUNNEL_COLUMNS})
    out = pd.concat(frames, ignore_index=True)
    rank = {c: i for i, c in enumerate((*CHANNEL_NAMES, ALL, INBOUND))}
    strategy_rank = {s: i for i, s in enumerate(by_strategy)}
    out = out.sort_values(
        ["strategy", "attempt", "channel"],
        key=lambda c: c.map(strategy_rank) if c.name == "strategy" else
        (c.map(rank) if c.name == "channel" else c),
        kind="stable",
        ignore_index=True,
    )  # fmt: skip
    for rate, count in RATES.items():
        p, low, high = wilson(out[count], out["sent"], level)
        out[rate], out[f"{rate}_low"], out[f"{rate}_high"] = p, low, high
    p, low, high = wilson(out["meetings"], out["prospects"], level)
    out["meetings_per_100"] = 100 * p
    out["meetings_per_100_low"] = 100 * low
    out["meetings_per_100_high"] = 100 * high
    n = out["prospects"].to_numpy(float)
    out["rep_minutes_per_prospect"] = np.where(n > 0, out["rep_minutes"] / np.maximum(n, 1), np.nan)
    met = out["meetings"].to_numpy(float)
    out["rep_minutes_per_meeting"] = np.where(
        (met > 0) & (out["channel"] != INBOUND), out["rep_minutes"] / np.maximum(met, 1), np.nan
    )
    for c in ("attempt", "prospects", *COUNTS):
        out[c] = out[c].astype(np.int64)
    out["strategy"] = out["strategy"].astype(str)
    out["channel"] = out["channel"].astype(str)
    return out[FUNNEL_COLUMNS]


def _dtype(column: str) -> str:
    if column in ("strategy", "channel"):
        return "object"
    if column in ("attempt", "prospects", *COUNTS):
        return "int64"
    return "float64"


def marginal(table: pd.DataFrame, strategy: str) -> pd.DataFrame:
    """A strategy's ``all`` rows: the value of each touch by its rank, indexed by attempt."""
    rows = table[(table["strategy"] == strategy) & (table["channel"] == ALL)]
    return rows.set_index("attempt")


def channels_of(table: pd.DataFrame, strategy: str) -> dict[int, str]:
    """The channels used at each attempt of a strategy, joined with ``+``, by attempt."""
    rows = table[
        (table["strategy"] == strategy) & ~table["channel"].isin([ALL, INBOUND]).to_numpy()
    ]
    out: dict[int, list[str]] = {}
    for a, c in zip(rows["attempt"].to_numpy(dtype=np.int64), rows["channel"], strict=True):
        out.setdefault(int(a), []).append(str(c))
    return {a: "+".join(names) for a, names in sorted(out.items())}


def _rate_cell(row: pd.Series, rate: str) -> str:
    value = float(row[rate])
    if np.isnan(value):
        return "-"
    return f"{100 * value:.1f} [{100 * float(row[rate + '_low']):.1f}, " + (
        f"{100 * float(row[rate + '_high']):.1f}]"
    )


TEXT_COLUMNS = (
    ("touch", None),
    ("channel", None),
    ("sent", None),
    ("reached %", "reach_rate"),
    ("yes %", "positive_rate"),
    ("no %", "negative_rate"),
    ("not now %", "not_now_rate"),
    ("opt-out %", "opt_out_rate"),
    ("meetings/100 [95% CI]", None),
    ("rep min/prospect", None),
)


def funnel_text(table: pd.DataFrame, strategy: str, *, by_channel: bool = False) -> str:
    """One strategy's funnel as a plain-text table: a line per touch (``by_channel``: per
    touch and channel), then the inbound meetings."""
    rows = table[(table["strategy"] == strategy).to_numpy()]
    keep = rows["channel"] != INBOUND
    keep &= (rows["channel"] != ALL) if by_channel else (rows["channel"] == ALL)
    used = channels_of(table, strategy)
    body = []
    for row in rows[keep.to_numpy()].to_dict(orient="records"):
        series = pd.Series(row)
        channel = str(row["channel"]) if by_channel else used.get(int(row["attempt"]), "")
        per_100 = (
            f"{float(row['meetings_per_100']):.2f} [{float(row['meetings_per_100_low']):.2f}, "
            f"{float(row['meetings_per_100_high']):.2f}]"
        )
        body.append(
            [
                str(row["attempt"]),
                channel,
                f"{int(row['sent']):,}",
                *(_rate_cell(series, rate) for _, rate in TEXT_COLUMNS[3:8] if rate),
                per_100,
                f"{float(row['rep_minutes_per_prospect']):.1f}",
            ]
        )
    header = [h for h, _ in TEXT_COLUMNS]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = [c.ljust(w) for c, w in zip(cells[:2], widths[:2], strict=True)]
        rest = [c.rjust(w) for c, w in zip(cells[2:], widths[2:], strict=True)]
        return "  ".join(first + rest).rstrip()

    n = int(rows["prospects"].max()) if len(rows) else 0
    called = int(rows.loc[(rows["channel"] == INBOUND).to_numpy(), "meetings"].sum())
    lines = [
        f"{strategy} ({n:,} prospects)",
        line(header),
        line(["-" * w for w in widths]),
        *(line(r) for r in body),
        f"inbound: {called:,} meetings from prospects who called in "
        f"({100 * called / max(n, 1):.2f} per 100 prospects), booked by no touch",
    ]
    return "\n".join(lines)


__all__ = [
    "ALL",
    "FUNNEL_COLUMNS",
    "INBOUND",
    "channels_of",
    "funnel",
    "funnel_text",
    "marginal",
    "wilson",
]
