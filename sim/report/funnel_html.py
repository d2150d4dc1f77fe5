"""The funnel in the report: one collapsible table per strategy, by touch, from
``funnel.csv`` (``sim.results.funnel``)."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import pandas as pd

from sim.results.funnel import ALL, INBOUND, channels_of, marginal

HEADINGS = (
    "touch",
    "channel",
    "sent",
    "reached %",
    "replied yes %",
    "replied no %",
    "opted out %",
    "meetings booked by it, per 100 prospects",
    "rep minutes per prospect",
)


def _pct(row: pd.Series, rate: str) -> str:
    value = float(row[rate])
    if math.isnan(value):
        return "–"
    low, high = float(row[f"{rate}_low"]), float(row[f"{rate}_high"])
    return f"{100 * value:.1f}<br><small>[{100 * low:.1f}, {100 * high:.1f}]</small>"


def _per_100(row: pd.Series) -> str:
    value = float(row["meetings_per_100"])
    low, high = float(row["meetings_per_100_low"]), float(row["meetings_per_100_high"])
    return f"{value:.2f}<br><small>[{low:.2f}, {high:.2f}]</small>"


def strategy_table(table: pd.DataFrame, strategy: str) -> str:
    """One strategy's funnel by touch (all channels of a touch together), then the meetings
    of prospects who called in."""
    rows = marginal(table, strategy)
    used = channels_of(table, strategy)
    body = []
    for attempt, (_, row) in zip(rows.index.to_numpy(dtype=int), rows.iterrows(), strict=True):
        cells = [
            str(attempt),
            html.escape(used.get(int(attempt), "")),
            f"{int(row['sent']):,}",
            _pct(row, "reach_rate"),
            _pct(row, "positive_rate"),
            _pct(row, "negative_rate"),
            _pct(row, "opt_out_rate"),
            _per_100(row),
            f"{float(row['rep_minutes_per_prospect']):.1f}",
        ]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    inbound = table[(table["strategy"] == strategy) & (table["channel"] == INBOUND)]
    called = int(inbound["meetings"].sum())
    n = int(rows["prospects"].iloc[0]) if len(rows) else int(inbound["prospects"].max() or 0)
    note = (
        f"Besides, {called:,} prospects called in and booked a meeting "
        f"({100 * called / max(n, 1):.2f} per 100 prospects): booked by no touch."
    )
    head = "".join(f"<th>{h}</th>" for h in HEADINGS)
    return (
        f'<div class="wide"><table class="funnel"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
        f'<p class="note">{html.escape(note)}</p>'
    )


def funnel_html(table: pd.DataFrame | None, strategies: Sequence[str]) -> str:
    """The funnel section's body: a ``<details>`` per strategy (the first one open)."""
    if table is None or not len(table):
        return "<p>No touch log was kept, so there is no funnel.</p>"
    parts = []
    present = set(table.loc[table["channel"] == ALL, "strategy"].astype(str))
    for i, name in enumerate(s for s in strategies if s in present):
        opened = " open" if i == 0 else ""
        parts.append(
            f"<details{opened}><summary>{html.escape(name)}</summary>"
            f"{strategy_table(table, name)}</details>"
        )
    intro = (
        "Per strategy and touch: how many touches were sent, the share that reached the "
        "prospect (a call picked up, a message read, a voicemail heard), that the prospect "
        "replied to with a yes or an explicit no, that made them opt out, and the meetings "
        "booked by that touch per 100 of the strategy's prospects: what the N-th touch adds. "
        "Rates are per touch sent, with 95% intervals; the file funnel.csv has the same by "
        "channel."
    )
    return f'<p class="note">{html.escape(intro)}</p>' + "\n".join(parts)


__all__ = ["funnel_html", "strategy_table"]
