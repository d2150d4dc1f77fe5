"""Prospects: static traits and exogenous daily life, drawn block by block, shared by engines.

Traits (segment, inbox loads, working hours, tolerance, favoured channel...) and the
exogenous parts of daily life (urgency innovations, away periods, days in the office,
competitor and inbound draws) do not depend on the strategy, so both engines and every
strategy see exactly the same prospects. Each trait has its own stream, so changing one
distribution in a scenario leaves the other traits' draws unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

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

    z_urgency: F
    away: B
    away_until: I32
    """While away: the last business day of the away period (else -1)."""
    in_office: B
    u_competitor: F
    u_inbound: F

    def take(self, idx: slice | NDArray[np.int64]) -> Life:
        return Life(**{f.name: getattr(self, f.name)[:, idx] for f in fields(self)})


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


def draw_life_block(scenario: Scenario, seed: int, block: int) -> Life:
    days = scenario.horizon
    n = BLOCK
    away_p = scenario.population.away
    z_urgency = stream(seed, "life:urgency", block).standard_normal((days, n))
    u_away = stream(seed, "life:away_start", block).random((days, n))
    length = stream(seed, "life:away_length", block).integers(
        away_p.min_days, away_p.max_days + 1, size=(days, n)
    )
    in_office = stream(seed, "life:office", block).random((days, n)) < scenario.population.in_office
    u_competitor = stream(seed, "life:competitor", block).random((days, n))
    u_inbound = stream(seed, "life:inbound", block).random((days, n))
    away = np.zeros((days, n), dtype=bool)
    away_until = np.full((days, n), -1, dtype=np.int32)
    remaining = np.zeros(n, dtype=np.int64)
    until = np.full(n, -1, dtype=np.int64)
    for d in range(days):
        starts = (remaining == 0) & (u_away[d] < away_p.start_chance)
        remaining = np.where(starts, length[d], remaining)
        until = np.where(starts, d + length[d] - 1, until)
        away[d] = remaining > 0
        away_until[d] = np.where(away[d], until, -1)
        remaining = np.maximum(remaining - 1, 0)
    return Life(
        z_urgency=z_urgency,
        away=away,
        away_until=away_until,
        in_office=in_office,
        u_competitor=u_competitor,
        u_inbound=u_inbound,
    )


def draw_population(scenario: Scenario, seed: int, start: int, stop: int) -> tuple[Traits, Life]:
    """Traits and life of prospects ``start`` to ``stop - 1`` (the same whoever asks)."""
    traits, lives = [], []
    for b in blocks_of(start, stop):
        lo = max(start - b * BLOCK, 0)
        hi = min(stop - b * BLOCK, BLOCK)
        traits.append(draw_traits_block(scenario, seed, b).take(slice(lo, hi)))
        lives.append(draw_life_block(scenario, seed, b).take(slice(lo, hi)))
    t = Traits(
        **{
            f.name: np.concatenate([getattr(x, f.name) for x in traits], axis=-1)
            for f in fields(Traits)
        }
    )
    life = Life(
        **{
            f.name: np.concatenate([getattr(x, f.name) for x in lives], axis=1)
            for f in fields(Life)
        }
    )
    return t, life
