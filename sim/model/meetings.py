"""Meetings on a prospect's clock: start rates by hour, durations, and the occupancy they give.

Meetings start as a Poisson process with an hour-of-day profile and last a whole number of
minutes uniform on [min, max] (M/G/infinity, overlaps allowed). The start rates are scaled so
that meetings fill a given share of the typical working day. Used by the scenario's validator
(can this share be reached?), by the behaviour functions (being free for a call) and by the
discrete-event engine (drawing a day's meetings).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq

if TYPE_CHECKING:
    from sim.model.scenario import Meetings

Array = NDArray[np.float64]


def meeting_start_rates(meetings: Meetings, calendar_mid_start: float, hours: float) -> Array:
    """Per-minute meeting-start rates over the day, scaled so that the share of time in
    meetings over a typical working day (the mean start, ``hours`` long) is ``meetings.share``.
    """
    return _meeting_rates(
        meetings.share,
        meetings.min_minutes,
        meetings.max_minutes,
        hour_weights(meetings),
        float(calendar_mid_start),
        float(hours),
    )


def hour_weights(meetings: Meetings) -> tuple[tuple[int, float], ...]:
    """(hour, weight) of meeting starts: the profile's weights to the power ``hour_contrast``."""
    return tuple(
        (hour, float(w) ** meetings.hour_contrast if w > 0 else 0.0)
        for hour, w in sorted(meetings.hour_profile.items())
    )


def survival(dmin: int, dmax: int) -> Array:
    """P(D > k) for k = 0 .. dmax - 1, D uniform on the whole minutes [dmin, dmax]."""
    lengths = np.arange(dmin, dmax + 1)
    return np.array([(lengths > k).mean() for k in range(dmax)])


def meeting_load(rates: Array, dmin: int, dmax: int) -> Array:
    """Expected number of meetings under way at each minute: sum_k rate(t - k) P(D > k)."""
    padded = np.concatenate([np.zeros(dmax), rates])
    load = np.convolve(padded, survival(dmin, dmax))[dmax : dmax + len(rates)]
    return np.asarray(load, dtype=float)


def occupancy_from_rates(rates: Array, dmin: int, dmax: int) -> Array:
    return np.asarray(1 - np.exp(-meeting_load(rates, dmin, dmax)), dtype=float)


def _profile_shape(profile: tuple[tuple[int, float], ...]) -> Array:
    shape = np.zeros(1440)
    for hour, weight in profile:
        shape[hour * 60 : (hour + 1) * 60] = weight
    return shape


def max_meeting_share(meetings: Meetings, mid_start: float, hours: float) -> float:
    """The largest share of the working day meetings can fill with this hour profile (the
    share of working minutes that some meeting start can cover)."""
    shape = _profile_shape(hour_weights(meetings))
    reach = occupancy_from_rates(shape, meetings.min_minutes, meetings.max_minutes) > 0
    return float(reach[round(mid_start) : round(mid_start + hours * 60)].mean())


@lru_cache(maxsize=64)
def _meeting_rates(
    share: float,
    dmin: int,
    dmax: int,
    profile: tuple[tuple[int, float], ...],
    mid_start: float,
    hours: float,
) -> Array:
    shape = _profile_shape(profile)
    if share <= 0:
        return np.zeros(1440)
    window = slice(round(mid_start), round(mid_start + hours * 60))

    def gap(c: float) -> float:
        return float(occupancy_from_rates(c * shape, dmin, dmax)[window].mean() - share)

    hi = 1.0
    while gap(hi) < 0:
        hi *= 2
    scale = brentq(gap, 0.0, hi, xtol=1e-12)
    rates: Array = scale * shape
    rates.setflags(write=False)
    return rates
