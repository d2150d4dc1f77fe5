"""The catalogue of statistics a calibration can target: what sales teams measure, each computed
by ONE function from a run's tidy tables (the per-prospect outcome table and the touch log,
``sim.model.outcomes.PROSPECT_COLUMNS`` / ``TOUCH_COLUMNS``), so that the same function also
applies to a team's own data imported into those tables.

Every statistic returns an ``Estimate``: its value, its standard error and the number of
observations it rests on (0 when the tables cannot produce it, e.g. a connect rate without
calls). Standard errors need no randomness:

- a share of prospects: binomial, ``sqrt(p~ (1 - p~) / n)`` with ``p~ = (k + 1/2) / (n + 1)``
  (never zero, so a share of 0 or 1 still has a finite z-score);
- a share of touches (several per prospect): a ratio of sums over prospects, with the
  delta-method (cluster-robust) variance, since one prospect's touches are not independent;
  the same ``p~`` floor applies;
- a median of whole days: from the exact order-statistic 95% interval (half its width over
  1.96), at least the rounding's ``0.5 / sqrt(3)`` days.

A new statistic is one more ``register(Statistic(...))``: a name, a description, the unit, the
arguments it takes and its function. ``catalogue_markdown`` renders the table of
``docs/guide/calibration.md`` (a generated region, ``python -m sim.docgen``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, field_validator

from sim.calibrate import levers
from sim.model.channels import Channel
from sim.results.summary import median_ci

Unit = Literal["share", "days"]
RESPONSES = ("any", "positive", "negative")
SILENT = ("none", "ignore")
"""Touch-log responses that are not a reply; every other code (positive, no, lost, and any
added later) is a reply."""
NEGATIVE = ("no", "lost")
CHANNEL_GROUPS: dict[str, tuple[str, ...]] = {
    "call": ("call_desk", "call_cell"),
    **{c.name: (c.name,) for c in Channel},
}
"""Channel names a statistic accepts: every channel, and ``call`` (desk and cell calls)."""
DAYS_FLOOR = 0.5 / math.sqrt(3)
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Estimate:
    """A statistic's value, its standard error and how many observations it rests on."""

    value: float
    se: float
    n: int

    @property
    def defined(self) -> bool:
        return self.n > 0 and math.isfinite(self.value)


UNDEFINED = Estimate(math.nan, math.nan, 0)


class Args(BaseModel):
    """The arguments of a statistic (each statistic says which it takes)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    attempt: int | None = Field(default=None, ge=1, le=1000)
    """The k-th touch (on ``channel`` when given), or "by attempt N"."""
    channel: str | None = None
    """A channel name, or ``call`` for desk and cell calls."""
    response: Literal["any", "positive", "negative"] | None = None
    """Which replies count: any, positive, or negative (a no, or 'bought elsewhere')."""
    weekday: Literal["mon", "tue", "wed", "thu", "fri"] | None = None
    """Only touches made on this day of the week."""
    hour: int | None = Field(default=None, ge=0, le=23)
    """Only touches made in this clock hour (16: from 16:00 to 16:59)."""

    @field_validator("channel")
    @classmethod
    def _channel(cls, v: str | None) -> str | None:
        if v is not None and v not in CHANNEL_GROUPS:
            raise ValueError(f"unknown channel; allowed: {', '.join(CHANNEL_GROUPS)}")
        return v

    def given(self) -> dict[str, object]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


Compute = Callable[[pd.DataFrame, pd.DataFrame, Args], Estimate]


@dataclass(frozen=True)
class Statistic:
    """One statistic of the catalogue."""

    name: str
    description: str
    unit: Unit
    compute: Compute
    takes: tuple[str, ...] = ()
    """The ``Args`` fields it accepts."""
    needs: tuple[str, ...] = ()
    """The ``Args`` fields it requires."""
    defaults: dict[str, object] = field(default_factory=dict)
    levers: tuple[str, ...] = ()
    """The free parameters (``sim.calibrate.space``) that set its level: the default free set
    of a targets file without ``free`` is the union over its targets."""

    def check(self, args: Args) -> str | None:
        """Why ``args`` do not suit this statistic, or None."""
        extra = sorted(set(args.given()) - set(self.takes))
        if extra:
            allowed = ", ".join(self.takes) or "no arguments"
            return f"{self.name} does not take {', '.join(extra)}; it takes {allowed}"
        missing = [a for a in self.needs if a not in args.given()]
        if missing:
            return f"{self.name} needs {', '.join(missing)}"
        return None

    def __call__(self, prospects: pd.DataFrame, touches: pd.DataFrame, args: Args) -> Estimate:
        full = args.model_copy(update={**self.defaults, **args.given()})
        return self.compute(prospects, touches, full)


CATALOGUE: dict[str, Statistic] = {}


def register(statistic: Statistic) -> Statistic:
    """Add a statistic to the catalogue; a name may be registered once."""
    if statistic.name in CATALOGUE:
        raise ValueError(f"statistic {statistic.name!r} is registered twice")
    CATALOGUE[statistic.name] = statistic
    return statistic


def get(name: str) -> Statistic:
    if name not in CATALOGUE:
        raise KeyError(f"unknown statistic {name!r}; known: {', '.join(CATALOGUE)}")
    return CATALOGUE[name]


# -- standard errors ---------------------------------------------------------------------------


def share_se(k: float, n: float) -> float:
    """Binomial standard error of ``k / n`` with the ``(k + 1/2) / (n + 1)`` floor."""
    p = (k + 0.5) / (n + 1)
    return math.sqrt(p * (1 - p) / n)


def share(k: int, n: int) -> Estimate:
    """A share of ``n`` independent observations."""
    if n <= 0:
        return UNDEFINED
    return Estimate(k / n, share_se(k, n), int(n))


def clustered_share(hits: NDArray[np.float64], trials: NDArray[np.float64]) -> Estimate:
    """``sum(hits) / sum(trials)`` over prospects (one entry per prospect with trials), with the
    delta-method variance of a ratio of means, at least the binomial one's floor."""
    trials_total = float(trials.sum())
    m = int(np.count_nonzero(trials))
    if trials_total <= 0:
        return UNDEFINED
    keep = trials > 0
    x, t = hits[keep], trials[keep]
    p = float(x.sum()) / trials_total
    mean_t = trials_total / m
    var = float(((x - p * t) ** 2).sum()) / (m * max(m - 1, 1) * mean_t**2) if m > 1 else 0.0
    floor = share_se(float(x.sum()), trials_total)
    return Estimate(p, max(math.sqrt(var), floor), m)


def per_prospect(touches: pd.DataFrame, hit: NDArray[np.bool_]) -> Estimate:
    """The share of ``touches`` with ``hit``, clustered by prospect."""
    if not len(touches):
        return UNDEFINED
    codes, _ = pd.factorize(touches["prospect"], sort=False)
    trials = np.asarray(np.bincount(codes), dtype=np.float64)
    weights = hit.astype(np.float64)
    hits = np.asarray(np.bincount(codes, weights=weights, minlength=len(trials)), dtype=np.float64)
    return clustered_share(hits, trials)


# -- selections --------------------------------------------------------------------------------


def on_channel(touches: pd.DataFrame, channel: str | None) -> pd.DataFrame:
    if channel is None:
        return touches
    names = CHANNEL_GROUPS[channel]
    chosen: pd.DataFrame = touches[touches["channel"].astype(str).isin(names).to_numpy()]
    return chosen


def kth(touches: pd.DataFrame, attempt: int | None) -> pd.DataFrame:
    """The ``attempt``-th of each prospect's touches in ``touches`` (in order of attempt);
    every touch when ``attempt`` is None."""
    if attempt is None or not len(touches):
        return touches
    ordered = touches.sort_values(["prospect", "attempt"], kind="stable")
    rank = ordered.groupby("prospect", sort=False).cumcount().to_numpy() + 1
    chosen: pd.DataFrame = ordered[rank == attempt]
    return chosen


def replied(touches: pd.DataFrame, response: str | None) -> NDArray[np.bool_]:
    codes = touches["response"].astype(str)
    if response == "positive":
        return np.asarray(codes.eq("positive").to_numpy(), dtype=bool)
    if response == "negative":
        return np.asarray(codes.isin(NEGATIVE).to_numpy(), dtype=bool)
    return np.asarray((~codes.isin(SILENT)).to_numpy(), dtype=bool)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def when(touches: pd.DataFrame, weekday: str | None, hour: int | None) -> pd.DataFrame:
    """The touches made on ``weekday`` (business day ``d`` is weekday ``d % 5``) and in clock
    hour ``hour``; all of them when both are None."""
    keep = np.ones(len(touches), dtype=bool)
    if weekday is not None:
        keep &= touches["day"].to_numpy(dtype=np.int64) % 5 == WEEKDAYS.index(weekday)
    if hour is not None:
        keep &= touches["minute"].to_numpy(dtype=np.int64) // 60 == hour
    chosen: pd.DataFrame = touches[keep]
    return chosen


def _flag(prospects: pd.DataFrame, column: str) -> NDArray[np.bool_]:
    return np.asarray(prospects[column].to_numpy(dtype=bool))


# -- the statistics ----------------------------------------------------------------------------


def reply_rate(prospects: pd.DataFrame, touches: pd.DataFrame, a: Args) -> Estimate:
    chosen = kth(on_channel(touches, a.channel), a.attempt)
    return per_prospect(chosen, replied(chosen, a.response))


def connect_rate_per_dial(prospects: pd.DataFrame, touches: pd.DataFrame, a: Args) -> Estimate:
    dials = when(kth(on_channel(touches, "call"), a.attempt), a.weekday, a.hour)
    return per_prospect(dials, np.asarray(dials["result"].astype(str).eq("picked_up")))


def replied_share(prospects: pd.DataFrame, touches: pd.DataFrame, a: Args) -> Estimate:
    """Prospects who replied at least once (``response`` as for ``reply_rate``)."""
    hit = replied(touches, a.response)
    who = set(touches["prospect"].to_numpy()[hit].tolist())
    ids = prospects["prospect"].to_numpy()
    return share(int(np.isin(ids, list(who)).sum()), len(ids))


def first_reply_share(prospects: pd.DataFrame, touches: pd.DataFrame, a: Args) -> Estimate:
    first = touches.loc[replied(touches, a.response)].groupby("prospect")["attempt"].min()
    return share(int((first.to_numpy() == a.attempt).sum()), len(prospects))


def booked_by_attempt(prospects: pd.DataFrame, touches: pd.DataFrame, a: Args) -> Estimate:
    """Prospects whose meeting the k-th touch booked (not an inbound call), per prospect."""
    booked = _flag(prospects, "meeting") & ~_flag(prospects, "inbound")
    at = prospects["meeting_attempt"].to_numpy(dtype=float)
    return share(int((booked & (at == a.attempt)).sum()), len(prospects))


def qualify_rate_per_dial(prospects: pd.DataFrame, touches: pd.DataFrame, a: Args) -> Estimate:
    """Calls whose live conversation booked the meeting, per call dialled: a dial's disposition,
    as a dialer's records have it (a callback prompted by its voicemail is a call of its own)."""
    dials = when(kth(on_channel(touches, "call"), a.attempt), a.weekday, a.hour)
    if not len(dials):
        return UNDEFINED
    booked = _flag(prospects, "meeting") & ~_flag(prospects, "inbound")
    by = pd.Series(
        np.where(booked, prospects["meeting_attempt"].to_numpy(dtype=float), np.nan),
        index=prospects["prospect"].to_numpy(),
    )
    at = by.reindex(dials["prospect"].to_numpy()).to_numpy(dtype=float)
    live = dials["result"].astype(str).eq("picked_up").to_numpy()
    hit = live & (at == dials["attempt"].to_numpy(dtype=float))
    return per_prospect(dials, np.asarray(hit, dtype=bool))


def cadence_meeting_rate(prospects: pd.DataFrame, touches: pd.DataFrame, a: Args) -> Estimate:
    """Meetings a touch booked (a reply or a conversation), per prospect: not inbound calls."""
    booked = _flag(prospects, "meeting") & ~_flag(prospects, "inbound")
    return share(int(booked.sum()), len(prospects))


def voicemail_response_rate(prospects: pd.DataFrame, touches: pd.DataFrame, a: Args) -> Estimate:
    left = touches[touches["voicemail_left"].to_numpy(dtype=bool)]
    heard = left["voicemail_heard"].to_numpy(dtype=bool)
    return per_prospect(left, heard & replied(left, a.response))


def unsubscribe_rate(prospects: pd.DataFrame, touches: pd.DataFrame, a: Args) -> Estimate:
    sent = on_channel(touches, a.channel)
    return per_prospect(sent, sent["opted_out"].to_numpy(dtype=bool))


def prospect_share(column: str) -> Compute:
    def compute(prospects: pd.DataFrame, touches: pd.DataFrame, a: Args) -> Estimate:
        flags = _flag(prospects, column)
        return share(int(flags.sum()), len(flags))

    return compute


def met_by_attempt(column: str) -> Compute:
    """Of the meetings booked, the share whose ``column`` (an attempt: the one that booked the
    meeting, or the first two-way contact) is at most ``attempt``."""

    def compute(prospects: pd.DataFrame, touches: pd.DataFrame, a: Args) -> Estimate:
        met = prospects[_flag(prospects, "meeting")]
        attempt = met[column].to_numpy(dtype=float)
        assert a.attempt is not None
        return share(int((attempt <= a.attempt).sum()), len(met))

    return compute


def reach_rate(prospects: pd.DataFrame, touches: pd.DataFrame, a: Args) -> Estimate:
    attempt = prospects["first_contact_attempt"].to_numpy(dtype=float)
    reached = _flag(prospects, "reached")
    if a.attempt is not None:
        reached = reached & (attempt <= a.attempt)
    return share(int(reached.sum()), len(prospects))


def inbound_meeting_share(prospects: pd.DataFrame, touches: pd.DataFrame, a: Args) -> Estimate:
    met = prospects[_flag(prospects, "meeting")]
    return share(int(_flag(met, "inbound").sum()), len(met))


def fit_share(prospects: pd.DataFrame, touches: pd.DataFrame, a: Args) -> Estimate:
    fits = prospects["segment"].astype(str).ne("non_fit").to_numpy()
    return share(int(fits.sum()), len(prospects))


def median_days_to_first_response(
    prospects: pd.DataFrame, touches: pd.DataFrame, a: Args
) -> Estimate:
    days = (prospects["first_response_day"] - prospects["arrival_day"]).to_numpy(dtype=float)
    days = days[np.isfinite(days)]
    if not len(days):
        return UNDEFINED
    median, low, high = median_ci(days)
    se = (high - low) / (2 * Z95) if math.isfinite(low) else math.nan
    se = max(se, DAYS_FLOOR) if math.isfinite(se) else max(float(np.std(days)), DAYS_FLOOR)
    return Estimate(median, se, len(days))


register(Statistic(
    "reply_rate",
    "Replies per touch: the share of touches answered (any reply, positive, or negative: a "
    "no or 'bought elsewhere'), on one channel (`call`: desk and cell) and at the k-th touch "
    "on it (attempt 1 on email: the first email a prospect receives); every touch when "
    "channel and attempt are left out.",
    "share", reply_rate, takes=("attempt", "channel", "response"), defaults={"response": "any"},
    levers=(levers.EMAIL_LOAD, levers.B_POS, levers.B_NO),
))  # fmt: skip
register(Statistic(
    "connect_rate_per_dial",
    "Live conversations per call dialled (desk and cell calls picked up over all of them); "
    "only the k-th call of each prospect (`attempt`), the calls of one day of the week "
    "(`weekday`: mon to fri) or of one clock hour (`hour`) when given.",
    "share", connect_rate_per_dial, takes=("attempt", "weekday", "hour"),
    levers=(levers.PICKUP, levers.PICKUP_KNOWN),
))  # fmt: skip
register(Statistic(
    "replied_share",
    "Prospects who replied at least once (any reply, positive, or negative), per prospect: "
    "the reply rate of a whole sequence.",
    "share", replied_share, takes=("response",), defaults={"response": "any"},
    levers=(levers.EMAIL_LOAD, levers.B_POS, levers.B_NO),
))  # fmt: skip
register(Statistic(
    "first_reply_share",
    "Prospects whose first reply (as for `reply_rate`) came at their N-th touch (`attempt` N), "
    "per prospect: what step N of a sequence that stops at a reply added to its reply share.",
    "share", first_reply_share, takes=("attempt", "response"), needs=("attempt",),
    defaults={"response": "any"}, levers=(levers.EMAIL_LOAD, levers.B_POS, levers.B_NO),
))  # fmt: skip
register(Statistic(
    "booked_by_attempt",
    "Prospects whose meeting the N-th touch booked (`attempt` N; not an inbound call), per "
    "prospect: what the N-th touch qualified.",
    "share", booked_by_attempt, takes=("attempt",), needs=("attempt",),
    levers=(levers.FIT, levers.B_POS),
))  # fmt: skip
register(Statistic(
    "qualify_rate_per_dial",
    "Calls dialled whose live conversation booked the meeting, per call dialled (a dial's "
    "disposition, as a dialer records it: a callback its voicemail prompted is not counted); "
    "`attempt`, `weekday` and `hour` select the calls as for `connect_rate_per_dial`.",
    "share", qualify_rate_per_dial, takes=("attempt", "weekday", "hour"),
    levers=(levers.FIT, levers.B_POS),
))  # fmt: skip
register(Statistic(
    "voicemail_response_rate",
    "Voicemails that got a reply (a callback) per voicemail left; `response` as for "
    "reply_rate.",
    "share", voicemail_response_rate, takes=("response",), defaults={"response": "any"},
    levers=(levers.VOICEMAIL_LOAD, levers.B_POS),
))  # fmt: skip
register(Statistic(
    "meeting_rate",
    "Meetings booked per prospect (meetings per 100 prospects / 100).",
    "share", prospect_share("meeting"), levers=(levers.FIT, levers.B_POS),
))  # fmt: skip
register(Statistic(
    "cadence_meeting_rate",
    "Meetings the cadence booked (by a reply or a conversation), per prospect: "
    "`meeting_rate` less the prospects who called in. A team's count of meetings 'from the "
    "sequence'.",
    "share", cadence_meeting_rate, levers=(levers.FIT, levers.B_POS),
))  # fmt: skip
register(Statistic(
    "meeting_share_by_attempt",
    "Of the meetings booked, the share booked by the N-th touch (`attempt` N; an inbound "
    "meeting counts the touches made before the call).",
    "share", met_by_attempt("meeting_attempt"), takes=("attempt",), needs=("attempt",),
    levers=(levers.B_POS,),
))  # fmt: skip
register(Statistic(
    "first_contact_share",
    "Of the meetings booked, the share whose prospect was first reached (the first two-way "
    "contact) by the N-th touch (`attempt` N; an inbound call counts the touches made before "
    "it). Velocify: about 93% of converted web leads are first reached by the 6th call.",
    "share", met_by_attempt("first_contact_attempt"), takes=("attempt",), needs=("attempt",),
    levers=(levers.PICKUP,),
))  # fmt: skip
register(Statistic(
    "opt_out_rate",
    "Prospects who opted out (asked to be left alone), per prospect.",
    "share", prospect_share("opted_out"), levers=(levers.TOLERANCE,),
))  # fmt: skip
register(Statistic(
    "unsubscribe_rate",
    "Opt-outs per touch sent on a channel (default email): the unsubscribe rate of a "
    "sequence tool.",
    "share", unsubscribe_rate, takes=("channel",), defaults={"channel": "email"},
    levers=(levers.TOLERANCE,),
))  # fmt: skip
register(Statistic(
    "median_days_to_first_response",
    "Median business days from a prospect's arrival to their first two-way contact, over the "
    "prospects who responded.",
    "days", median_days_to_first_response, levers=(levers.EMAIL_LOAD, levers.B_POS),
))  # fmt: skip
register(Statistic(
    "reach_rate",
    "Prospects with a two-way contact (a conversation or a reply) by the N-th touch "
    "(`attempt` N; by the end of the run when left out), per prospect.",
    "share", reach_rate, takes=("attempt",), levers=(levers.PICKUP, levers.EMAIL_LOAD),
))  # fmt: skip
register(Statistic(
    "inbound_meeting_share",
    "Of the meetings booked, the share that came from the prospect calling in.",
    "share", inbound_meeting_share, levers=(levers.RECALL_RIVALS,),
))  # fmt: skip
register(Statistic(
    "fit_share",
    "Prospects who fit (buyers and information seekers: not `non_fit`), per prospect: the "
    "share of the list that fits.",
    "share", fit_share, levers=(levers.FIT,),
))  # fmt: skip


__all__ = [
    "CATALOGUE",
    "RESPONSES",
    "Args",
    "Estimate",
    "Statistic",
    "clustered_share",
    "get",
    "register",
    "share",
    "share_se",
]
