"""Random streams keyed by what they decide and by whom, from ``numpy.random.SeedSequence``.

A stream is identified by the run's seed, a decision name and integer keys (a prospect block,
a prospect, a day...). The same key always gives the same numbers, whichever strategy is run,
however the work is chunked and however many processes share it: that is what makes strategy
comparisons paired (common random numbers) and results independent of the worker count.
"""

from __future__ import annotations

import zlib

from numpy.random import PCG64, Generator, SeedSequence

BLOCK = 4096
"""Prospects per random-number block: traits and exogenous life are drawn block by block."""


def name_key(name: str) -> int:
    """A stable 32-bit key for a decision name (the same on every machine and run)."""
    return zlib.crc32(name.encode("utf-8"))


def stream(seed: int, name: str, *keys: int) -> Generator:
    """The generator for decision ``name`` at ``keys`` under ``seed``."""
    ss = SeedSequence(entropy=seed, spawn_key=(name_key(name), *(int(k) for k in keys)))
    return Generator(PCG64(ss))


def blocks_of(start: int, stop: int) -> range:
    """The block indices that cover prospects ``start`` to ``stop - 1``."""
    return range(start // BLOCK, (stop - 1) // BLOCK + 1) if stop > start else range(0)
