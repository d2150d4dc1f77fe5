"""Prospects: static traits and exogenous daily life, drawn block by block, shared by engines.

Traits (segment, inbox loads, working hours, tolerance, favoured channel...) and the
exogenous parts of daily life (urgency innovations, away periods, days in the office,
competitor and inbound draws) do not depend on the strategy, so both engines and every
strategy see exactly the same prospects. Each trait has its own stream, so changing one
distribution in a scenario leaves the other traits' draws unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .behaviour import stationary_sd
from .channels import Inbox
from .scenario import Scenario
from .streams import BLOCK, blocks_of, stream

BUYER, INFO_SEEKER, NON_FIT = 0, 1, 2
SEGMENT_NAMES = ("buyer", "info_seeker", "non_fit")

F = NDArray[np.float64]
B = NDArray[np.bool_]
I8 = NDArray[np.int8]
I32 = NDArray[np.int32]


@dataclass
class Traits:
    """Static traits, one array entry per prospect."""

    segment: I8
    load: F
    """Competing items per workday, shape (inboxes, prospects); fax is 0 without a fax."""
    work_start: F
    always_on: B
    tolerance: F
    favored: I8
    """Favoured venue: 0 email, 1 phone, 2 text, 3 social."""
    has_fax: B
    urgency0: F
    recall0: F
    known0: B
    u_win: F
    """Uniform per prospect: a meeting is won when it is below ``p_win`` (same under every
    strategy, so strategies are compared on the same would-be customers)."""
    u_withhold: F
    """Uniform per prospect: an info seeker denied information agrees to meet when below."""

    def __len__(self) -> int:
        return len(self.segment)

    def take(self, idx: slice | NDArray[np.int64]) -> Traits:
        return Traits(**{f.name: getattr(self, f.name)[..., idx] for f in fields(self)})


@dataclass
class Life:
    """Exogenous daily life, arrays of shape (days, prospects)."""

    z_urgency: NDArray[np.float32]
    away: B
    away_until: I32
    """While away: the last business day of the away period (else -1)."""
    daily: F
    """One uniform per prospect-day (53 bits): its top 26 bits decided the away start, the
    other 27 whether the prospect is in the office (``in_office``)."""
    in_office_share: float
    u_market: F
    """The day's uniform for the market: below r / (r + r_competitor) on the day the need
    arises, the prospect calls you; otherwise it decides whether a competitor wins that day."""

    def in_office(self, day: int, idx: slice | NDArray[np.int64] | int) -> NDArray[np.bool_]:
        """At the desk that day: the low 27 bits of the day's uniform, below the share."""
        scaled = self.daily[day, idx] * _SPLIT
        return np.asarray(scaled - np.floor(scaled) < self.in_office_share)

    def take(self, idx: slice | NDArray[np.int64]) -> Life:
        return Life(
            **{
                f.name: getattr(self, f.name) if f.name == "in_office_share"
                else getattr(self, f.name)[:, idx]
                for f in fields(self)
            }
        )  # fmt: skip


def _categorical(u: F, shares: list[float]) -> I8:
    edges = np.cumsum(shares)[:-1]
    return np.searchsorted(edges, u, side="right").astype(np.int8)


def draw_traits_block(scenario: Scenario, seed: int, block: int) -> Traits:
    pop = scenario.population
    n = BLOCK

    def rng(name: str) -> np.random.Generator:
        return stream(seed, f"trait:{name}", block)

    seg = pop.segments
    segment = _categorical(rng("segment").random(n), [seg.buyer, seg.info_seeker, seg.non_fit])
    load = np.empty((len(Inbox), n))
    for inbox in Inbox:
        dist = getattr(pop.loads, inbox.name)
        load[inbox] = np.maximum(dist.sample(rng(f"load:{inbox.name}"), n), 0.0)
    has_fax = rng("fax").random(n) < pop.fax_share
    load[Inbox.fax] *= has_fax
    cal = scenario.calendar
    work_start = np.round(cal.workday_start.sample(rng("work_start"), n))
    always_on = rng("always_on").random(n) < cal.always_on_share
    tolerance = np.maximum(pop.tolerance.sample(rng("tolerance"), n), 1e-9)
    fav = pop.favored_channel
    favored = _categorical(rng("favored").random(n), [fav.email, fav.phone, fav.text, fav.social])
    urg = scenario.urgency
    if urg.initial is None:
        z = rng("urgency0").standard_normal(n)
        urgency0 = urg.mu + stationary_sd(urg.kappa, urg.sigma) * z
    else:
        urgency0 = urg.initial.sample(rng("urgency0"), n)
    recall0 = np.maximum(pop.initial_recall.sample(rng("recall0"), n), 0.0)
    known0 = rng("known0").random(n) < pop.number_known
    return Traits(
        segment=segment,
        load=load,
        work_start=work_start,
        always_on=always_on,
        tolerance=tolerance,
        favored=favored,
        has_fax=has_fax,
        urgency0=urgency0,
        recall0=recall0,
        known0=known0,
        u_win=rng("win").random(n),
        u_withhold=rng("withhold").random(n),
    )


def _fill_life_draws(
    scenario: Scenario, seed: int, block: int, buyer: B, part: slice, out: tuple[Any, F, F],
    cols: slice,
) -> None:  # fmt: skip
    """Write a block's draws into columns ``cols`` of the chunk's arrays: urgency innovations
    and the market uniform for its buyers only (the only segment whose urgency matters), and
    one uniform per prospect-day for everyone."""
    days = scenario.horizon
    z_out, market_out, daily_out = out
    nb = int(buyer.sum())
    keep = buyer[part]
    z = stream(seed, "life:urgency", block).standard_normal((days, nb), dtype=np.float32)
    market = stream(seed, "life:market", block).random((days, nb))
    first = int(buyer[: part.start].sum())  # buyers of the block before this part
    sel = np.flatnonzero(keep) + cols.start
    z_out[:, sel] = z[:, first : first + len(sel)]
    market_out[:, sel] = market[:, first : first + len(sel)]
    daily_out[:, cols] = stream(seed, "life:daily", block).random((days, BLOCK))[:, part]


_SPLIT = float(2**26)


def _life_from_draws(scenario: Scenario, z: NDArray[np.float32], market: F, daily: F) -> Life:
    """Life from the draws. Each daily uniform (53 random bits) splits exactly into two
    independent uniforms: its top 26 bits decide whether an away period starts, the rest
    whether the prospect is in the office. The length of an away period comes from the start
    uniform itself: given u < p, u / p is uniform. The away chain is walked only where
    periods start (about one day in forty)."""
    pop = scenario.population
    away_p = pop.away
    days, n = daily.shape
    p = away_p.start_chance
    span = away_p.max_days - away_p.min_days + 1
    # u_away = floor(daily * 2^26) / 2^26 < p  exactly when  daily < ceil(p * 2^26) / 2^26
    day_of, who = np.nonzero(daily < np.ceil(p * _SPLIT) / _SPLIT)
    u_away = np.floor(daily[day_of, who] * _SPLIT) / _SPLIT
    length = away_p.min_days + np.minimum(
        (u_away / max(p, 1e-300) * span).astype(np.int64), span - 1
    )
    # walk the chain day by day over the starts only: a start while away is void
    until = np.full(n, -1, dtype=np.int64)
    first = np.searchsorted(day_of, np.arange(days + 1))
    keep = np.zeros(len(who), dtype=bool)
    for d in np.unique(day_of):
        lo, hi = first[d], first[d + 1]
        ok = until[who[lo:hi]] < d
        keep[lo:hi] = ok
        until[who[lo:hi][ok]] = d + length[lo:hi][ok] - 1
    start, owner, last = day_of[keep], who[keep], day_of[keep] + length[keep] - 1
    # mark each period's days (periods never overlap)
    offset = np.arange(away_p.max_days)
    rows = start[:, None] + offset[None, :]
    inside = (offset[None, :] < length[keep][:, None]) & (rows < days)
    cols = np.broadcast_to(owner[:, None], rows.shape)
    away = np.zeros((days, n), dtype=bool)
    away_until = np.full((days, n), -1, dtype=np.int32)
    away[rows[inside], cols[inside]] = True
    away_until[rows[inside], cols[inside]] = np.broadcast_to(last[:, None], rows.shape)[inside]
    return Life(
        z_urgency=z,
        away=away,
        away_until=away_until,
        daily=daily,
        in_office_share=pop.in_office,
        u_market=market,
    )


def draw_population(scenario: Scenario, seed: int, start: int, stop: int) -> tuple[Traits, Life]:
    """Traits and life of prospects ``start`` to ``stop - 1`` (the same whoever asks)."""
    n, days = stop - start, scenario.horizon
    z = np.zeros((days, n), dtype=np.float32)
    market = np.ones((days, n))
    daily = np.empty((days, n))
    traits = []
    for b in blocks_of(start, stop):
        part = slice(max(start - b * BLOCK, 0), min(stop - b * BLOCK, BLOCK))
        block_traits = draw_traits_block(scenario, seed, b)
        traits.append(block_traits.take(part))
        offset = b * BLOCK + part.start - start
        cols = slice(offset, offset + part.stop - part.start)
        _fill_life_draws(
            scenario, seed, b, block_traits.segment == BUYER, part, (z, market, daily), cols
        )
    t = Traits(
        **{
            f.name: np.concatenate([getattr(x, f.name) for x in traits], axis=-1)
            for f in fields(Traits)
        }
    )
    return t, _life_from_draws(scenario, z, market, daily)
