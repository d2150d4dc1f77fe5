"""Prospects: static traits and exogenous daily life, drawn block by block, shared by engines.

Traits (segment, inbox loads, working hours, tolerance, favoured channel...) and the
exogenous parts of daily life (urgency innovations, away periods, days in the office,
competitor and inbound draws) do not depend on the strategy, so both engines and every
strategy see exactly the same prospects. Each trait has its own stream, so changing one
distribution in a scenario leaves the other traits' draws unchanged.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import NDArray

from sim.model.behaviour import stationary_sd
from sim.model.channels import Inbox
from sim.model.clock import NEVER
from sim.model.scenario import Scenario
from sim.model.streams import BLOCK, blocks_of, stream

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
    acquainted: B
    """Has talked with the rep before (a warm list): a known sender, owed an answer."""
    propensity: F
    """The prospect's own offset on the logit of answering (``responsiveness`` x a standard
    normal, so a prospect keeps their rank across values of the spread)."""
    u_win: F
    """Uniform per prospect: a meeting is won when it is below ``p_win`` (same under every
    strategy, so strategies are compared on the same would-be customers)."""
    u_withhold: F
    """Uniform per prospect: an info seeker denied information agrees to meet when below."""
    arrival_minute: F
    """Minute of the arrival day the prospect inquires (0 without ``leads.arrival_hours``)."""
    presence: F
    """Minutes after the inquiry the lead stays at the screen, reachable and free (exponential
    with mean ``leads.presence_minutes``; 0 without a spell)."""

    def __len__(self) -> int:
        return len(self.segment)

    def take(self, idx: slice | NDArray[np.int64]) -> Traits:
        return Traits(**{f.name: getattr(self, f.name)[..., idx] for f in fields(self)})


@dataclass
class DayLife:
    """One business day of exogenous life, arrays over prospects."""

    z_urgency: NDArray[np.float32]
    """Urgency innovation (0 for non-buyers, whose urgency never matters)."""
    day: int
    until: I32
    """The last business day of each prospect's latest away period (``NEVER``: none yet); the
    prospect is away today when it is ``day`` or later (``away``)."""
    daily: F
    """The day's uniform (53 bits): its top 26 bits decide an away start, the other 27
    whether the prospect is in the office (``in_office``)."""
    u_market: F
    """The market uniform (buyers): below r / (r + r_competitor) on the day the need arises,
    the prospect calls you; otherwise it decides whether a competitor wins that day."""
    in_office_share: float

    def in_office(self, idx: slice | NDArray[np.int64] | int) -> NDArray[np.bool_]:
        """At the desk today: the low 27 bits of the day's uniform, below the share."""
        scaled = self.daily[idx] * _SPLIT
        return np.asarray(scaled - np.floor(scaled) < self.in_office_share)

    def away(self, idx: slice | NDArray[np.int64] | int) -> NDArray[np.bool_]:
        """Away today (computed for ``idx`` only: most days only a few prospects are asked)."""
        return np.asarray(self.until[idx] >= self.day)

    def away_until(self, idx: slice | NDArray[np.int64] | int) -> NDArray[np.int32]:
        """While away: the last business day of the away period (else ``NEVER``)."""
        until = self.until[idx]
        return np.asarray(np.where(until >= self.day, until, np.int32(NEVER)), dtype=np.int32)


@dataclass
class Life:
    """Exogenous daily life of a set of prospects for the whole horizon, (days, prospects)."""

    z_urgency: NDArray[np.float32]
    away: B
    away_until: I32
    daily: F
    u_market: F
    in_office_shares: tuple[float, ...]
    """The chance of being at the desk on each weekday, Monday to Friday."""

    def day(self, d: int) -> DayLife:
        return DayLife(
            self.z_urgency[d], d, self.away_until[d], self.daily[d], self.u_market[d],
            self.in_office_shares[d % 5],
        )  # fmt: skip

    def in_office(self, d: int, idx: slice | NDArray[np.int64] | int) -> NDArray[np.bool_]:
        return self.day(d).in_office(idx)


def _categorical(u: F, shares: list[float]) -> I8:
    edges = np.cumsum(shares)[:-1]
    return np.searchsorted(edges, u, side="right").astype(np.int8)


def draw_segments(scenario: Scenario, seed: int, block: int) -> I8:
    """The segments of a block's prospects (the same draws as ``draw_traits_block``)."""
    seg = scenario.population.segments
    u = stream(seed, "trait:segment", block).random(BLOCK)
    return _categorical(u, [seg.buyer, seg.info_seeker, seg.non_fit])


def draw_traits_block(scenario: Scenario, seed: int, block: int) -> Traits:
    pop = scenario.population
    n = BLOCK

    def rng(name: str) -> np.random.Generator:
        return stream(seed, f"trait:{name}", block)

    segment = draw_segments(scenario, seed, block)
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
    acquainted = rng("acquainted").random(n) < pop.acquainted
    propensity = pop.responsiveness * rng("propensity").standard_normal(n)
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
        acquainted=acquainted,
        propensity=propensity,
        u_win=rng("win").random(n),
        u_withhold=rng("withhold").random(n),
        arrival_minute=_arrival_minutes(scenario, rng("arrival_minute"), n),
        presence=_presence(scenario, rng("presence"), n),
    )


def _arrival_minutes(scenario: Scenario, g: np.random.Generator, n: int) -> F:
    """Inquiry minutes from the ``leads.arrival_hours`` profile: an hour by its weight, then a
    uniform minute within it (all 0 without a profile)."""
    profile = scenario.leads.arrival_hours
    if not profile:
        return np.zeros(n)
    hours = np.array(sorted(profile))
    weights = np.array([profile[h] for h in hours], dtype=float)
    u = g.random((2, n))
    hour = hours[_categorical(u[0], list(weights / weights.sum()))]
    return np.asarray(hour * 60 + np.floor(u[1] * 60), dtype=float)


def _presence(scenario: Scenario, g: np.random.Generator, n: int) -> F:
    """Spells at the screen after the inquiry: exponential with mean ``leads.presence_minutes``
    (a standard exponential scaled, so a lead's spell grows with the mean: common random numbers
    across values of the parameter); all 0 without a spell."""
    mean = scenario.leads.presence_minutes
    if not mean:
        return np.zeros(n)
    return np.asarray(mean * g.standard_exponential(n), dtype=float)


_SPLIT = float(2**26)


class LifeStream:
    """Exogenous life of prospects ``start`` to ``stop - 1``, drawn one business day at a
    time (forward only), so memory does not grow with the horizon.

    Per block, three streams: urgency innovations and the market uniform for the block's
    buyers only (the only segment whose urgency matters), and one uniform per prospect-day for
    everyone, which splits exactly into two independent uniforms: its top 26 bits decide
    whether an away period starts, the rest whether the prospect is in the office. The length
    of an away period comes from the start uniform itself: given u < p, u / p is uniform.
    """

    def __init__(self, scenario: Scenario, seed: int, start: int, stop: int) -> None:
        self.n = stop - start
        self.scenario = scenario
        self.parts = []
        for b in blocks_of(start, stop):
            part = slice(max(start - b * BLOCK, 0), min(stop - b * BLOCK, BLOCK))
            offset = b * BLOCK + part.start - start
            cols = slice(offset, offset + part.stop - part.start)
            block_buyer = draw_segments(scenario, seed, b) == BUYER
            first = int(block_buyer[: part.start].sum())
            sel = np.flatnonzero(block_buyer[part]) + offset
            self.parts.append((
                part, cols, sel, first, int(block_buyer.sum()),
                stream(seed, "life:urgency", b), stream(seed, "life:market", b),
                stream(seed, "life:daily", b),
            ))  # fmt: skip
        self.until = np.full(self.n, NEVER, dtype=np.int32)
        self.today = -1
        # the day's buffers, reused: non-buyers keep z = 0 and market = 1 for good
        self._z = np.zeros(self.n, dtype=np.float32)
        self._market = np.ones(self.n)
        self._daily = np.empty(self.n)

    def next_day(self) -> DayLife:
        """The next business day. Its arrays are the stream's buffers, overwritten by the next
        call (copy them to keep a day: ``draw_life`` does)."""
        d = self.today = self.today + 1
        z, market, daily = self._z, self._market, self._daily
        for part, cols, sel, first, nb, g_z, g_m, g_d in self.parts:
            if part.stop - part.start == BLOCK:
                g_d.random(out=daily[cols])
            else:
                daily[cols] = g_d.random(BLOCK)[part]
            if nb:
                z[sel] = g_z.standard_normal(nb, dtype=np.float32)[first : first + len(sel)]
                market[sel] = g_m.random(nb)[first : first + len(sel)]
        away_p = self.scenario.population.away
        p = away_p.start_chance
        span = away_p.max_days - away_p.min_days + 1
        # floor(daily * 2^26) / 2^26 < p  exactly when  daily < ceil(p * 2^26) / 2^26
        starts = np.flatnonzero(daily < np.ceil(p * _SPLIT) / _SPLIT)
        starts = starts[self.until[starts] < d]
        if len(starts):
            u_away = np.floor(daily[starts] * _SPLIT) / _SPLIT
            length = away_p.min_days + np.minimum(
                (u_away / max(p, 1e-300) * span).astype(np.int64), span - 1
            )
            self.until[starts] = d + length - 1
        return DayLife(z, d, self.until, daily, market, in_office_share(self.scenario, d))


def in_office_share(scenario: Scenario, day: int) -> float:
    """The chance of being at the desk on business day ``day``: ``in_office`` times the
    weekday's multiplier."""
    pop = scenario.population
    return float(min(pop.in_office * pop.in_office_weekday.values()[day % 5], 1.0))


def draw_life(scenario: Scenario, seed: int, start: int, stop: int) -> Life:
    """The whole horizon of ``LifeStream``, stacked (for the DES and for inspection)."""
    life = LifeStream(scenario, seed, start, stop)
    days = [copy.deepcopy(life.next_day()) for _ in range(scenario.horizon)]
    return Life(
        z_urgency=np.stack([x.z_urgency for x in days]),
        away=np.stack([x.away(slice(None)) for x in days]),
        away_until=np.stack([x.away_until(slice(None)) for x in days]),
        daily=np.stack([x.daily for x in days]),
        u_market=np.stack([x.u_market for x in days]),
        in_office_shares=tuple(in_office_share(scenario, d) for d in range(5)),
    )


def draw_traits(scenario: Scenario, seed: int, start: int, stop: int) -> Traits:
    """Traits of prospects ``start`` to ``stop - 1`` (the same whoever asks)."""
    parts = [
        draw_traits_block(scenario, seed, b).take(
            slice(max(start - b * BLOCK, 0), min(stop - b * BLOCK, BLOCK))
        )
        for b in blocks_of(start, stop)
    ]
    return Traits(
        **{
            f.name: np.concatenate([getattr(x, f.name) for x in parts], axis=-1)
            for f in fields(Traits)
        }
    )


def draw_population(scenario: Scenario, seed: int, start: int, stop: int) -> tuple[Traits, Life]:
    """Traits and the whole horizon's life of prospects ``start`` to ``stop - 1``."""
    traits = draw_traits(scenario, seed, start, stop)
    return traits, draw_life(scenario, seed, start, stop)
