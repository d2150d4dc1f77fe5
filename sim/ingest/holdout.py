"""The split into the prospects a calibration fits and the prospects held out to check it.

**By prospect** (the default): each prospect is held out when a hash of its id and the seed
(SipHash keyed by the seed, read as a uniform number) falls below the fraction. No random
generator is involved: a prospect's side depends on its id alone, so it does not change when
the export is re-read in another order or grows. Held-out prospects then come from the same
market, the same weeks and the same follow-up window as the calibration's, so that whatever
the check finds is the model's doing: the question it answers is "does the calibrated model predict
prospects it has not seen?".

**By time** (``--split time``): the prospects who arrived last are held out (the fraction
of them, by arrival day; ties by the hash). It asks a harder question, "does the fit hold
for the next prospects?", which a changing market can fail without the model being wrong;
and the export cut those prospects' follow-up short, so their statistics are those of a
shorter window (``holdout.csv`` records it, ``window_days``, and ``followup validate``
simulates that window).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sim.ingest.tables import Tables

Split = Literal["prospect", "time"]
SPLITS = ("prospect", "time")


def uniforms(ids: pd.Index, seed: int) -> NDArray[np.float64]:
    """A uniform number in [0, 1) per id: SipHash-2-4 of the id (``pandas.util.hash_array``),
    keyed by the seed (through BLAKE2b)."""
    key = hashlib.blake2b(str(seed).encode("utf-8"), digest_size=8).hexdigest()
    hashed = pd.util.hash_array(np.asarray(ids, dtype=object), hash_key=key, categorize=False)
    return np.asarray(hashed >> np.uint64(11), dtype=np.float64) / 2.0**53


def held_out(tables: Tables, fraction: float, split: Split, seed: int) -> NDArray[np.bool_]:
    """Which prospects (by code) are held out."""
    u = uniforms(tables.ids, seed)
    if split == "prospect":
        return np.asarray(u < fraction, dtype=bool)
    arrival = tables.prospects["arrival_day"].to_numpy(dtype=float)
    order = np.lexsort((u, arrival))
    k = round(fraction * len(order))
    out = np.zeros(len(order), dtype=bool)
    out[order[len(order) - k :]] = True
    return out


def part(tables: Tables, keep: NDArray[np.bool_], last_day: int | None = None) -> Tables:
    """The tables of the prospects ``keep`` (by code)."""
    codes = np.flatnonzero(keep)
    p = tables.prospects
    t = tables.touches
    return Tables(
        tables.strategy,
        p[np.isin(p["prospect"].to_numpy(), codes)].reset_index(drop=True),
        t[np.isin(t["prospect"].to_numpy(), codes)].reset_index(drop=True),
        tables.epoch,
        tables.last_day if last_day is None else last_day,
        tables.ids,
        tables.touch_level,
    )


@dataclass(frozen=True)
class Holdout:
    fit: Tables
    held: Tables
    split: Split
    fraction: float


def split_tables(tables: Tables, fraction: float, split: Split, seed: int) -> Holdout:
    mask = held_out(tables, fraction, split, seed)
    return Holdout(part(tables, ~mask), part(tables, mask), split, fraction)


__all__ = ["SPLITS", "Holdout", "Split", "held_out", "part", "split_tables", "uniforms"]
